// Package analysis drives Warden's pipeline for one crate: load, lower
// each target into one program (internal/program), run the analyzers on
// it (effects, I/O safety, imports), link the targets' call graphs with
// each other and with the dependencies' facts, and propagate
// capabilities. Its Result is what every report renders; its Unit facts
// are what crates that depend on this one need.
package analysis

import (
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/imports"
	"github.com/wardenrs/warden/internal/iosafety"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/program"
)

// Result is everything Warden found in one crate.
type Result struct {
	Crate CrateInfo
	// Diagnostics are the effects, I/O-safety findings, problems and
	// blind spots, sorted (diag.Sort).
	Diagnostics []diag.Diagnostic
	// Functions are the crate's functions with what they reach.
	Functions []Function
	Imports   []imports.Import
	// Adoption summarises the library's use of I/O-safe types.
	Adoption iosafety.Adoption
	// Units are the facts of each target, for linking and for crates
	// that depend on this one.
	Units []*Unit
	// CallSites are the resolved calls of the crate's functions, with
	// their positions (only with Options.CallSites).
	CallSites []CallSite
}

// CallSite is one resolved call: a call of a function of the crate or of
// a dependency, or of a modelled std function.
type CallSite struct {
	Caller, Callee string
	Pos            diag.Position
	Resolution     diag.Resolution
	// Method marks a method call (x.m()), as opposed to a path call;
	// Value a function used as a value (a pointer), not called there.
	Method, Value bool
}

// Of returns the diagnostics of one category.
func (r *Result) Of(c diag.Category) []diag.Diagnostic { return diag.Of(r.Diagnostics, c) }

// Complete reports whether the analysis saw all the code: no blind spot.
func (r *Result) Complete() bool { return len(r.Of(diag.BlindSpot)) == 0 }

// CrateInfo identifies the analysed crate and the configuration used.
type CrateInfo struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Path     string   `json:"path"`
	Edition  string   `json:"edition"`
	Target   string   `json:"target"`
	Features []string `json:"features"`
	// Dependencies are the crate's direct normal and build dependencies,
	// as "name version-requirement" strings.
	Dependencies []string `json:"dependencies"`
	BuildScript  bool     `json:"build_script"`
	ProcMacro    bool     `json:"proc_macro"`
	// AssumedCfgs are the cfgs the build script may set, treated as
	// unknown: code under them is analysed, with its condition.
	AssumedCfgs []string `json:"assumed_cfgs"`
	// Targets lists the targets analysed (lib, bin NAME, build-script,
	// ...).
	Targets []string `json:"targets"`
	// DependenciesAnalyzed counts the dependency packages whose
	// analysis is linked with the crate's (0: dependencies were not
	// seen, as with --no-deps).
	DependenciesAnalyzed int `json:"dependencies_analyzed"`
}

// Function summarises one function of the crate.
type Function struct {
	Path   string `json:"path"`
	Public bool   `json:"public"`
	// Entry marks main of a binary (or of the build script).
	Entry bool `json:"entry,omitempty"`
	// Target is the target holding the function: lib, bin, build-script,
	// proc-macro, example, test, bench.
	Target string `json:"target"`
	// BuildTime marks functions that run when the crate is built.
	BuildTime bool               `json:"build_time,omitempty"`
	File      string             `json:"file"`
	Line      int                `json:"line"`
	Direct    []model.Capability `json:"direct"`
	Reachable []model.Capability `json:"reachable"`
	// ByName lists the reachable capabilities whose witness relies on a
	// method matched by name only (its receiver's type unknown): gates
	// ignore them unless asked to include name matches.
	ByName []model.Capability `json:"by_name,omitempty"`
	// Witness holds, for each reachable capability in the order of
	// Reachable, one shortest call path from this function to an effect,
	// as "fn -> fn -> callee" strings.
	Witness []string `json:"witness"`
}

// Unit is what one target of a crate contributes to call graphs: its
// functions with their effects and calls (dependencies' included, once
// linked), the public paths under which the library re-exports items,
// and its exported macros. Units are cached between runs, so they hold
// no syntax positions, only file and line.
type Unit struct {
	Kind  string `json:"kind"`  // lib, bin, build-script, proc-macro, ...
	Crate string `json:"crate"` // the name of its items in paths
	// BuildTime marks units whose code runs at build time.
	BuildTime bool              `json:"build_time,omitempty"`
	Funcs     []FuncFact        `json:"funcs"`
	Aliases   map[string]string `json:"aliases,omitempty"`
	// Macros are the library's #[macro_export] macro_rules!.
	Macros []program.ExportedMacro `json:"macros,omitempty"`
}

// FuncFact is a function of a unit.
type FuncFact struct {
	Path   string `json:"path"`
	Public bool   `json:"public,omitempty"`
	Entry  bool   `json:"entry,omitempty"`
	Pseudo bool   `json:"pseudo,omitempty"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	// Ret is the canonical path of the returned type, when it names one
	// (through references, Box, Option and Result).
	Ret string `json:"ret,omitempty"`
	// Unsafe marks an unsafe fn: its callers' calls are unsafe_call
	// effects.
	Unsafe bool         `json:"unsafe,omitempty"`
	Effect []EffectFact `json:"effects,omitempty"`
	Calls  []CallFact   `json:"calls,omitempty"`
	// Implements is, for a method of a trait impl, the trait method it
	// provides (Trait::m, as the unit names the trait).
	Implements string `json:"implements,omitempty"`
	// TraitCalls are the trait methods called on generic or dyn
	// receivers, linked to every impl in the other units (see Link).
	TraitCalls []string `json:"trait_calls,omitempty"`
}

// EffectFact is an effect of a function, as the call graph needs it.
type EffectFact struct {
	Cap    model.Capability `json:"cap"`
	Callee string           `json:"callee"`
	Weak   bool             `json:"weak,omitempty"`
}

// CallFact is a call of a function.
type CallFact struct {
	Callee   string `json:"callee"`
	Indirect bool   `json:"indirect,omitempty"`
	// Weak marks a call matched by method name only.
	Weak bool `json:"weak,omitempty"`
	// External marks a call into another crate (a dependency, or the
	// package's library from a binary).
	External bool `json:"external,omitempty"`
}

// Lib returns the library unit (lib or proc-macro), or nil.
func (r *Result) Lib() *Unit {
	for _, u := range r.Units {
		if u.Kind == "lib" || u.Kind == "proc-macro" {
			return u
		}
	}
	return nil
}
