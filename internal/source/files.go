// Package source finds and reads the Rust source files Warden analyses.
// Everything it reads is untrusted: it never follows symbolic links to
// directories (so link loops cannot hang it), bounds file sizes, and
// reports unreadable files as errors naming the path.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxFileSize is the largest source file Warden reads (rustc itself
// handles far less in practice; the biggest file in the test corpus is
// under 2 MB).
const MaxFileSize = 64 << 20

// ErrTooLarge is returned by ReadFile for files over MaxFileSize.
var ErrTooLarge = errors.New("file too large")

// ExpandPaths turns command-line arguments into a sorted list of .rs
// files: files are kept as given, directories are walked recursively,
// skipping hidden directories and cargo "target" directories. Symbolic
// links to directories are not followed.
func ExpandPaths(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		if !info.IsDir() {
			files = append(files, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("walking %s: %w", path, err)
			}
			if d.IsDir() {
				name := d.Name()
				if path != arg && (strings.HasPrefix(name, ".") || name == "target") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && strings.HasSuffix(path, ".rs") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// ReadFile reads a source file, refusing files over MaxFileSize.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w (over %d MiB)", path, ErrTooLarge, MaxFileSize>>20)
	}
	return b, nil
}
