// Package analyzer is the interface between Warden's analyses and the
// driver that runs them, in the manner of golang.org/x/tools/go/analysis:
// an Analyzer is a value (name, documentation, the analyzers whose
// results it needs, and a Run function over a Pass); the driver decides
// the order. Every analyzer reads the same lowered program
// (internal/program) and reports diag.Diagnostic values.
package analyzer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/syntax"
)

// Analyzer is one analysis.
type Analyzer struct {
	Name string
	Doc  string
	// Requires lists the analyzers whose results Run reads through
	// Pass.ResultOf.
	Requires []*Analyzer
	// Run analyses one program and returns a result for the analyzers
	// that require this one (and for the driver).
	Run func(*Pass) (any, error)
}

// Pass is the input of one Run.
type Pass struct {
	Analyzer *Analyzer
	Prog     *program.Program
	Model    *model.Model
	// BuildTime is set when the program runs at build time (a build
	// script or a proc-macro crate).
	BuildTime bool
	// Types answers questions about dependencies' items (nil when
	// dependencies are not available).
	Types Types
	// CallSites asks analyzers that resolve calls to keep every call
	// site they resolved, std's included (warden debug calls).
	CallSites bool
	ResultOf  map[*Analyzer]any
	report    func(diag.Diagnostic)
}

// Config is what every pass of one Run shares.
type Config struct {
	Model     *model.Model
	BuildTime bool
	Types     Types
	CallSites bool
}

// Types knows the signatures of dependencies' functions.
type Types interface {
	// ReturnType returns the canonical path of the type a dependency's
	// function or method returns (through references, Box, Option,
	// Result), given the path the crate's code calls it by
	// (duct::cmd, tokio::runtime::Builder::build), or "".
	ReturnType(path string) string
	// Analyzed reports whether the dependency that a path's first
	// segment names was analysed: calls into it are then linked to its
	// own functions, and need no guess by method name.
	Analyzed(path string) bool
	// Reexport returns what a dependency's path names when the
	// dependency re-exports another crate's item there
	// (pin_project_lite::__private::Pin is core::pin::Pin), or "".
	Reexport(path string) string
	// Unsafe reports whether a dependency's function is an unsafe fn.
	Unsafe(path string) bool
}

// Report records a diagnostic. Diagnostics of code that runs at build
// time are marked so.
func (p *Pass) Report(d diag.Diagnostic) {
	if p.BuildTime {
		d.BuildTime = true
	}
	p.report(d)
}

// Position turns a position of the program into a crate-relative one.
func (p *Pass) Position(pos syntax.Pos) diag.Position {
	return Position(p.Prog.Crate.Dir, p.Prog.Crate.Fset.Position(pos))
}

// Position turns a file position into a crate-relative diagnostic
// position (a file outside dir keeps its absolute name).
func Position(dir string, p syntax.Position) diag.Position {
	return diag.Position{File: RelFile(dir, p.Filename), Line: p.Line, Col: p.Column}
}

// RelFile makes name relative to dir (slash-separated) when it lies
// inside it.
func RelFile(dir, name string) string {
	if name == "" {
		return ""
	}
	if r, err := filepath.Rel(dir, name); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return name
}

// Run runs analyzers, and those they require, in dependency order, each
// once, on one program. It returns every result and the diagnostics in
// report order.
func Run(ctx context.Context, prog *program.Program, cfg Config, analyzers []*Analyzer) (map[*Analyzer]any, []diag.Diagnostic, error) {
	results := map[*Analyzer]any{}
	var diags []diag.Diagnostic
	state := map[*Analyzer]int{} // 1 running, 2 done
	var run func(a *Analyzer) error
	run = func(a *Analyzer) error {
		switch state[a] {
		case 1:
			return fmt.Errorf("analyzer %s requires itself", a.Name)
		case 2:
			return nil
		}
		state[a] = 1
		for _, r := range a.Requires {
			if err := run(r); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		pass := &Pass{Analyzer: a, Prog: prog, Model: cfg.Model, BuildTime: cfg.BuildTime, Types: cfg.Types, CallSites: cfg.CallSites, ResultOf: results,
			report: func(d diag.Diagnostic) { diags = append(diags, d) }}
		res, err := a.Run(pass)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		results[a] = res
		state[a] = 2
		return nil
	}
	for _, a := range analyzers {
		if err := run(a); err != nil {
			return nil, nil, err
		}
	}
	return results, diags, nil
}
