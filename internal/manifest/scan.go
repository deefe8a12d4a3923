package manifest

import (
	"errors"
	"fmt"
)

// MaxNesting is the deepest structure a manifest may contain, counted as
// the dots in the current table header, plus the dots in the keys being
// defined, plus the open arrays and inline tables around them. Real
// manifests stay below 10 (the crates Debian packages reach 4); cargo's
// own TOML parser refuses values nested deeper than 80 arrays or inline
// tables.
//
// The limit exists because the TOML library recurses once per nesting level
// (a Go stack overflow cannot be recovered) and spends time quadratic in the
// depth of every dotted key.
const MaxNesting = 64

// MaxComplexity bounds the work the TOML library may be asked to do for one
// manifest, in units of roughly one simple key = value line. Every key
// definition costs 1 + n², every inline table 1 + n and every array 1,
// where n is the nesting (as for MaxNesting) at that point: the library
// builds strings and map entries for every level of every dotted key, so
// deep keys cost quadratically. A 10 MiB file of plain key = value lines
// costs about 1.2 million (about 3 s of parsing); the crates Debian
// packages cost at most about 900.
const MaxComplexity = 4_000_000

// ErrTooDeep reports a manifest whose tables, arrays or dotted keys are
// nested deeper than MaxNesting.
var ErrTooDeep = errors.New("TOML nested too deeply")

// ErrTooComplex reports a manifest whose structure would cost the TOML
// parser more than MaxComplexity (very many deeply dotted keys).
var ErrTooComplex = errors.New("TOML structure too complex")

// shapeError locates an ErrTooDeep or ErrTooComplex in the input.
type shapeError struct {
	line, col int
	err       error
}

// Error gives the position and the limit exceeded.
func (e *shapeError) Error() string {
	return fmt.Sprintf("%d:%d: %v", e.line, e.col, e.err)
}

func (e *shapeError) Unwrap() error { return e.err }

// checkShape scans data with a small TOML-aware tokenizer (it knows
// comments and the four string forms, nothing else) and reports the first
// place where the nesting exceeds limit (ErrTooDeep) or the estimated
// parsing cost exceeds budget (ErrTooComplex). It over-counts rather than
// under-counts: a float value's dot counts like a key dot, so a rejected file
// is at worst a pathological but valid one. Where the input is not valid
// TOML the scan may disagree with the parser, but only after the point where
// the parser stops with a syntax error anyway.
func checkShape(data []byte, limit, budget int) error {
	_, err := measureShape(data, limit, budget)
	return err
}

// shape is what measureShape found: the estimated cost and the deepest
// nesting, in the units of MaxComplexity and MaxNesting.
type shape struct {
	cost, depth int
}

// measureShape is checkShape that also reports the measurements.
func measureShape(data []byte, limit, budget int) (shape, error) {
	var (
		deepest         int
		cost            int
		line, lineStart = 1, 0
		header          int // dots in the current [table] header
		levels          = []int{0}
		sum             int    // sum of levels
		atLineStart     = true // only whitespace seen since the last newline at depth 0
	)
	fail := func(i int) error {
		return &shapeError{line: line, col: i - lineStart + 1, err: ErrTooDeep}
	}
	depth := func() int { return len(levels) - 1 }
	n := len(data)
	for i := 0; i < n; i++ {
		c := data[i]
		switch c {
		case '\n':
			line++
			lineStart = i + 1
			if depth() == 0 {
				sum -= levels[0]
				levels[0] = 0
				atLineStart = true
			}
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i+1 < n && data[i+1] != '\n' {
				i++
			}
			continue
		case '"', '\'':
			var nl int
			i, nl = skipString(data, i)
			if nl > 0 {
				line += nl
				lineStart = lastLineStart(data, i)
			}
		case '[':
			if depth() == 0 && atLineStart {
				// Table header: [a.b.c] or [[a.b.c]]. Count its dots.
				parts := 0
				j := i + 1
			header:
				for ; j < n; j++ {
					switch data[j] {
					case '\n':
						break header
					case ']':
						for j+1 < n && data[j+1] == ']' {
							j++
						}
						break header
					case '.':
						parts++
						if parts > limit {
							return shape{cost, deepest}, fail(j)
						}
					case '"', '\'':
						var nl int
						j, nl = skipString(data, j)
						if nl > 0 {
							// A header cannot span lines; let the parser report it.
							line += nl
							lineStart = lastLineStart(data, j)
							break header
						}
					}
				}
				header = parts
				cost += 1 + parts*parts
				if cost > budget {
					return shape{cost, deepest}, &shapeError{line: line, col: i - lineStart + 1, err: ErrTooComplex}
				}
				sum -= levels[0]
				levels[0] = 0
				i = j
				if i < n && data[i] == '\n' {
					i-- // let the loop account for the newline
				}
				atLineStart = false
				continue
			}
			levels = append(levels, 0)
			cost++
		case '{':
			levels = append(levels, 0)
			cost += 1 + header + sum + depth()
		case '=':
			n := header + sum + depth()
			cost += 1 + n*n
		case ']', '}':
			if depth() > 0 {
				sum -= levels[len(levels)-1]
				levels = levels[:len(levels)-1]
			}
		case '.':
			levels[len(levels)-1]++
			sum++
		case ',':
			sum -= levels[len(levels)-1]
			levels[len(levels)-1] = 0
		}
		atLineStart = false
		if d := header + sum + depth(); d > deepest {
			deepest = d
		}
		if header+sum+depth() > limit {
			return shape{cost, deepest}, fail(i)
		}
		if cost > budget {
			return shape{cost, deepest}, &shapeError{line: line, col: i - lineStart + 1, err: ErrTooComplex}
		}
	}
	return shape{cost, deepest}, nil
}

// skipString skips the TOML string starting at data[i] (a quote) and
// returns the index of its last byte and how many newlines it contained.
// Single-line strings end at a newline (the parser rejects those), so a
// stray quote cannot hide the rest of the file from the scan.
func skipString(data []byte, i int) (end, newlines int) {
	n := len(data)
	q := data[i]
	basic := q == '"'
	if i+2 < n && data[i+1] == q && data[i+2] == q {
		// Multi-line string; ends at the first unescaped triple quote
		// (plus up to two more quotes that belong to the content).
		for j := i + 3; j < n; j++ {
			switch data[j] {
			case '\n':
				newlines++
			case '\\':
				if basic && j+1 < n {
					j++
					if data[j] == '\n' {
						newlines++
					}
				}
			case q:
				if j+2 < n && data[j+1] == q && data[j+2] == q {
					j += 2
					for k := 0; k < 2 && j+1 < n && data[j+1] == q; k++ {
						j++
					}
					return j, newlines
				}
			}
		}
		return n - 1, newlines
	}
	if i+1 < n && data[i+1] == q {
		return i + 1, 0 // empty string
	}
	for j := i + 1; j < n; j++ {
		switch data[j] {
		case '\n':
			return j - 1, 0
		case '\\':
			if basic && j+1 < n && data[j+1] != '\n' {
				j++
			}
		case q:
			return j, 0
		}
	}
	return n - 1, 0
}

// lastLineStart returns the offset just after the last newline at or
// before data[i].
func lastLineStart(data []byte, i int) int {
	for j := i; j >= 0; j-- {
		if data[j] == '\n' {
			return j + 1
		}
	}
	return 0
}
