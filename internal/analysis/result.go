// Package analysis runs Warden's single-crate pipeline (load -> resolve
// and expand -> effects -> call graph) and defines its result, which every
// report format renders.
package analysis

import (
	"github.com/wardenrs/warden/internal/effects"
	"github.com/wardenrs/warden/internal/iosafety"
)

// Result is everything Warden found in one crate. Its JSON form (field
// tags) is a public, documented contract.
type Result struct {
	Crate     CrateInfo  `json:"crate"`
	Effects   []Effect   `json:"effects"`
	Functions []Function `json:"functions"`
	Imports   []Import   `json:"imports"`
	Problems  []Problem  `json:"problems"`
	// Findings are the I/O-safety findings (RFC 3128), suppressed ones
	// included and marked.
	Findings []iosafety.Finding `json:"findings"`
	// Adoption summarises the library's use of I/O-safe types.
	Adoption iosafety.Adoption `json:"io_safety_adoption"`
	Summary  Summary           `json:"summary"`

	// Facts are what whole-tree analysis needs from this crate: its
	// library functions with their effects and calls, and its public
	// re-export aliases. Not part of the JSON report.
	Facts *Facts `json:"-"`
}

// Facts summarise a crate's library target for the analysis of crates
// that depend on it.
type Facts struct {
	CrateName string
	Funcs     []*effects.Func
	Aliases   map[string]string
}

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
}

// Confidence says how sure Warden is of an effect.
type Confidence string

// Confidence levels.
const (
	High Confidence = "high" // the callee was resolved to a modelled path
	Low  Confidence = "low"  // a method whose receiver type is unknown has the name of an authority method
)

// Effect is one place where the crate obtains, forges or exercises
// authority.
type Effect struct {
	// Function is the full path of the function containing the effect
	// (e.g. "mio::net::TcpStream::connect"); for effects outside any
	// function (extern declarations, #[link], build scripts) it is the
	// item or crate path.
	Function   string             `json:"function"`
	Callee     string             `json:"callee"`
	Capability effects.Capability `json:"capability"`
	// Kind refines the capability: ambient, forge, exit, signal, call,
	// extern_fn, extern_static, extern_call, link, unsafe_block, unsafe_fn,
	// unsafe_impl, static_mut, asm, include, env_macro, build_script,
	// proc_macro, fn_pointer, path_escape.
	Kind       string     `json:"kind"`
	File       string     `json:"file"` // relative to the crate directory
	Line       int        `json:"line"`
	Col        int        `json:"col"`
	Confidence Confidence `json:"confidence"`
	// ViaMacro names the macro whose expansion contains the effect; the
	// location is then that of the invocation in the crate's source.
	ViaMacro string `json:"via_macro"`
}

// Function summarises one function of the crate.
type Function struct {
	Path      string               `json:"path"`
	Public    bool                 `json:"public"`
	File      string               `json:"file"`
	Line      int                  `json:"line"`
	Direct    []effects.Capability `json:"direct"`
	Reachable []effects.Capability `json:"reachable"`
	// Witness holds, for each reachable capability in the order of
	// Reachable, one shortest call path from this function to an effect,
	// as "fn -> fn -> callee" strings.
	Witness []string `json:"witness"`
}

// Import is one imported item from std, core, alloc or a system crate
// that touches an authority module.
type Import struct {
	Dir    string `json:"dir"`    // crate directory
	File   string `json:"file"`   // relative to Dir
	Line   int    `json:"line"`   // of the use item
	Module string `json:"module"` // e.g. "std::fs"
	Path   string `json:"path"`   // e.g. "std::fs::File"
}

// Problem is an input problem met while loading (unreadable file,
// syntax error, path escaping the crate, ...).
type Problem struct {
	Kind string `json:"kind"`
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
	Msg  string `json:"message"`
}

// Summary holds the headline numbers.
type Summary struct {
	Effects           int                        `json:"effects"`
	ByCapability      map[effects.Capability]int `json:"by_capability"`
	Functions         int                        `json:"functions"`
	PublicFunctions   int                        `json:"public_functions"`
	PublicWithEffects int                        `json:"public_with_effects"`
	LowConfidence     int                        `json:"low_confidence"`
	Problems          int                        `json:"problems"`
	Findings          int                        `json:"findings"` // not suppressed
}
