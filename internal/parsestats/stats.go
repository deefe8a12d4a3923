// Package parsestats counts syntactic constructs in parsed Rust files.
// The counts are a stable debugging interface ("warden debug
// parse-stats") and the basis of the differential test against syn: they
// cover only code outside macro token trees, as syn does.
package parsestats

import (
	"github.com/wardenrs/warden/internal/syntax"
)

// Stats are the counts for one file. Field names and JSON keys are a
// stable interface.
type Stats struct {
	File         string   `json:"file"`
	Bytes        int      `json:"bytes"`
	Fns          int      `json:"fns"`
	Calls        int      `json:"calls"`
	MethodCalls  int      `json:"method_calls"`
	MacroCalls   int      `json:"macro_calls"`
	UnsafeBlocks int      `json:"unsafe_blocks"`
	UseLeaves    int      `json:"use_leaves"`
	Errors       []string `json:"errors"`

	// ReadErr is set when the file could not be read; Errors then holds
	// its message as the single entry "0:0: message" (the form syn's
	// oracle uses) and every count is 0. It is not part of the JSON line.
	ReadErr error `json:"-"`
}

// readError returns the Stats of a file that could not be read.
func readError(name string, err error) Stats {
	return Stats{File: name, Errors: []string{"0:0: " + err.Error()}, ReadErr: err}
}

// Count fills the construct counts of s from a parsed file:
//   - Fns: every fn item (free, associated, trait with or without body,
//     foreign);
//   - Calls: call expressions f(...);
//   - MethodCalls: method calls x.m(...);
//   - MacroCalls: macro invocations in any position, macro_rules!
//     definitions included (they are invocations of macro_rules);
//   - UnsafeBlocks: unsafe { ... } expressions;
//   - UseLeaves: names, renames and globs in use trees (self counts as a
//     name).
func Count(s *Stats, sf *syntax.SourceFile) {
	syntax.Inspect(sf, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.FnItem:
			s.Fns++
		case *syntax.CallExpr:
			s.Calls++
		case *syntax.MethodCallExpr:
			s.MethodCalls++
		case *syntax.MacroCall:
			s.MacroCalls++
		case *syntax.MacroRulesItem:
			if !n.Macro2 {
				s.MacroCalls++
			}
		case *syntax.BlockExpr:
			if n.Unsafe {
				s.UnsafeBlocks++
			}
		case *syntax.UseTree:
			if n.Kind != syntax.UseGroup {
				s.UseLeaves++
			}
		}
		return true
	})
}

// File parses src as a file named name and returns its statistics, with
// one "line:col: message" entry per syntax error.
func File(name string, src []byte) Stats {
	return fileStats(name, string(src), nil)
}

// fileStats is File parsing with bufs when it is not nil.
func fileStats(name, src string, bufs *syntax.Buffers) Stats {
	f := syntax.NewFileSet().AddFile(name, src)
	var sf *syntax.SourceFile
	var errs syntax.ErrorList
	if bufs != nil {
		sf, errs = bufs.ParseFile(f)
	} else {
		sf, errs = syntax.ParseFile(f)
	}
	s := Stats{File: name, Bytes: len(src), Errors: []string{}}
	Count(&s, sf)
	for _, e := range errs {
		s.Errors = append(s.Errors, syntax.Position{Line: e.Pos.Line, Column: e.Pos.Column}.String()+": "+e.Msg)
	}
	return s
}
