// Package diag defines the one diagnostic type every analysis produces
// and every report renders: an effect, an I/O-safety finding, a problem
// with the input, or a blind spot (code Warden could not see). Each has
// a real position in the crate's source, the function it belongs to, and
// the condition under which the code exists.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Category says what a diagnostic is.
type Category uint8

// Categories, in report order.
const (
	Effect    Category = iota // authority obtained, forged or used at build time
	Finding                   // an I/O-safety check (RFC 3128) failed
	Problem                   // the input could not be read as written (syntax, missing module, ...)
	BlindSpot                 // code that exists but could not be analysed
)

var categoryNames = [...]string{"effect", "finding", "problem", "blind_spot"}

func (c Category) String() string {
	if int(c) < len(categoryNames) {
		return categoryNames[c]
	}
	return fmt.Sprintf("category(%d)", uint8(c))
}

// MarshalText renders the category by name in JSON.
func (c Category) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a category name.
func (c *Category) UnmarshalText(b []byte) error {
	for i, n := range categoryNames {
		if n == string(b) {
			*c = Category(i)
			return nil
		}
	}
	return fmt.Errorf("unknown diagnostic category %q", b)
}

// Position is a location in a crate: File is relative to the crate
// directory (slash-separated), or absolute for files outside it; Line
// and Col are 1-based (0 when unknown).
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

func (p Position) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Compare orders positions by file, line and column.
func (p Position) Compare(q Position) int {
	return cmp.Or(cmp.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// Resolution says how an effect's callee (or a call's target) was
// identified, strongest first.
type Resolution uint8

// Resolutions.
const (
	// ResolvedPath: a path resolved by scope, as rustc does
	// (std::fs::File::open, fs::read after use std::fs).
	ResolvedPath Resolution = iota
	// ResolvedType: a method found from its receiver's inferred type.
	ResolvedType
	// ResolvedTrait: a method of a trait on a generic or dyn receiver,
	// linked to the trait's impls.
	ResolvedTrait
	// ByName: a method with a distinctive name (from_raw_fd,
	// to_socket_addrs) on a receiver whose type is unknown.
	ByName
)

// String is the name used in reports: path, type, trait or name.
func (r Resolution) String() string {
	switch r {
	case ResolvedPath:
		return "path"
	case ResolvedType:
		return "type"
	case ResolvedTrait:
		return "trait"
	case ByName:
		return "name"
	}
	return "resolution(" + strconv.Itoa(int(r)) + ")"
}

// Weak reports whether the resolution is a name match only: witnesses
// prefer resolved evidence, and gates ignore name matches unless asked.
func (r Resolution) Weak() bool { return r == ByName }

// Confidence is the confidence reports derive from a resolution: high
// for paths and types, medium for trait methods on generic receivers
// (some impl, not necessarily this one), low for name matches.
func (r Resolution) Confidence() string {
	switch r {
	case ResolvedTrait:
		return "medium"
	case ByName:
		return "low"
	}
	return "high"
}

// Diagnostic is one thing Warden reports about a crate.
type Diagnostic struct {
	Category Category
	// Kind refines the category: for effects what the use does (ambient,
	// forge, call, extern_fn, unsafe_block, include, build_script, ...);
	// for findings the check id (WIO001); for problems and blind spots
	// their kind (syntax, module-not-found, macro-not-found, ...).
	Kind     string
	Pos      Position
	Function string // full path of the enclosing function or item, if any
	Message  string
	// Cfg is the condition under which the code exists, when it is not
	// certain: cfgs a build script may set, or the target under
	// "--target all" ("" means always).
	Cfg string
	// BuildTime marks code that runs when the crate is built (build
	// scripts, proc macros), not when it runs.
	BuildTime bool
	// ViaMacro names the macro invoked in the crate's source whose
	// expansion holds the code; Pos is then in the crate's own source.
	ViaMacro string

	// Effects.
	// ID is an effect's stable id (see internal/effects): the same
	// effect keeps it across line moves and version bumps.
	ID         string
	Capability string // fs, net, process, ... (see internal/effects)
	Callee     string
	Resolution Resolution
	// UnsafeContext is where the unsafe block or unsafe fn holding the
	// effect starts (nil outside unsafe code).
	UnsafeContext *Position

	// Findings.
	Severity   string
	Fix        string
	Suppressed bool
	Reason     string // the suppression's reason
}

// Compare orders diagnostics by category, position, kind and message, so
// reports are deterministic.
func Compare(a, b Diagnostic) int {
	return cmp.Or(cmp.Compare(a.Category, b.Category), a.Pos.Compare(b.Pos),
		cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Capability, b.Capability),
		cmp.Compare(a.Function, b.Function), cmp.Compare(a.Callee, b.Callee),
		cmp.Compare(a.Message, b.Message), cmp.Compare(a.Cfg, b.Cfg))
}

// Sort sorts diagnostics with Compare and drops exact duplicates (a
// module shared by two targets is analysed twice).
func Sort(ds []Diagnostic) []Diagnostic {
	slices.SortStableFunc(ds, Compare)
	return slices.Compact(ds)
}

// Of returns the diagnostics of one category, in order.
func Of(ds []Diagnostic, c Category) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		if d.Category == c {
			out = append(out, d)
		}
	}
	return out
}
