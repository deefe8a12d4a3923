// Package datafile reads the line format of Warden's data files (the
// effect model, the built-in macro table, the authority modules, the
// corpus list): whitespace-separated fields, one record a line, '#'
// starting a comment, blank lines ignored.
package datafile

import (
	"bufio"
	"strings"
)

// Each calls fn with the number (from 1) and the fields of every line of
// text that has any, and stops at the first error fn returns.
func Each(text string, fn func(line int, fields []string) error) error {
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if f := strings.Fields(line); len(f) > 0 {
			if err := fn(n, f); err != nil {
				return err
			}
		}
	}
	return sc.Err()
}
