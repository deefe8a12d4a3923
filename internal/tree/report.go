package tree

import (
	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
)

// Report is the result of a tree analysis. Its JSON form is the output of
// "warden tree --format json" (rendered by internal/report).
type Report struct {
	Root   string `json:"root"`
	RootID string `json:"root_id"`
	// BlindSpots counts the blind spots of every crate; IncompleteCrates
	// the crates that have some.
	BlindSpots       int           `json:"blind_spots"`
	IncompleteCrates int           `json:"incomplete_crates"`
	Crates           []CrateReport `json:"crates"`
	Edges            []Edge        `json:"edges"`
	// Cached counts the crates whose analysis came from the cache.
	Cached int `json:"cached"`
	// Notes say how the tree was resolved (fallbacks) and what went
	// wrong with the cache.
	Notes []string `json:"notes"`
	// Results holds the complete analysis of the packages asked for
	// (Options.Full), with functions linked across the tree.
	Results map[deps.ID]*analysis.Result `json:"-"`
	// CrossCalls are the calls from a function of one crate to a
	// function of another, for audits (a caller-checked effect makes the
	// calls in dependent crates that reach its function effects to
	// review). Only with Options.CrossCalls.
	CrossCalls []CrossCall `json:"-"`
}

// CrossCall is a call between two crates of the tree.
type CrossCall struct {
	CallerCrate, CallerVersion, Caller string
	File                               string // the caller's file and line
	Line                               int
	CalleeCrate, Callee                string
	// Reaches are the callee crate's functions the call reaches within
	// that crate (the callee itself included).
	Reaches []string
}

// Label is "name version".
func (c *CrateReport) Label() string { return c.Name + " " + c.Version }

// fillLists makes every list and map of the report non-nil, so that its
// JSON form always writes [] and {} for empty ones, whether the report
// was just computed or decoded from the cache (which does not keep the
// difference between nil and empty).
func (r *Report) fillLists() {
	nonNil(&r.Crates)
	nonNil(&r.Edges)
	nonNil(&r.Notes)
	for i := range r.Crates {
		c := &r.Crates[i]
		nonNil(&c.Features)
		nonNil(&c.Runtime)
		nonNil(&c.BuildTime)
		nonNil(&c.Direct)
		nonNil(&c.DirectBuild)
		nonNil(&c.Functions)
		nonNil(&c.Problems)
		nonNil(&c.BlindSpots)
		if c.BroughtBy == nil {
			c.BroughtBy = map[model.Capability][]string{}
		}
		for j := range c.Functions {
			f := &c.Functions[j]
			nonNil(&f.Direct)
			nonNil(&f.Reachable)
			nonNil(&f.Witness)
		}
	}
}

func nonNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

func (r *Report) complete() bool {
	for _, c := range r.Crates {
		if !c.Analyzed {
			return false
		}
	}
	return true
}

// CrateReport is what the tree analysis says about one package.
type CrateReport struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Path     string   `json:"path"`
	Features []string `json:"features"`
	// Runtime are the capabilities the crate's code reaches when the
	// program runs; BuildTime those reached when it is built (its build
	// script, or all of it for a proc macro or a crate used only at build
	// time).
	Runtime []model.Capability `json:"runtime"`
	// RuntimeByName lists the runtime capabilities reached only through
	// a method matched by name (its receiver's type unknown); gates
	// ignore them unless asked to include name matches.
	RuntimeByName []model.Capability `json:"runtime_by_name,omitempty"`
	BuildTime     []model.Capability `json:"build_time"`
	// Direct and DirectBuild are the capabilities of the crate's own
	// code, at run time and at build time.
	Direct      []model.Capability `json:"direct"`
	DirectBuild []model.Capability `json:"direct_build"`
	// BroughtBy maps each runtime capability the crate does not have
	// itself to the dependencies ("name version") through which it is
	// reached.
	BroughtBy map[model.Capability][]string `json:"brought_by"`
	// BuildOnly marks crates used only at build time (build
	// dependencies, proc macros and what they use).
	BuildOnly bool `json:"build_only"`
	ProcMacro bool `json:"proc_macro"`
	// Functions lists the crate's public functions (and binaries' main)
	// that reach a capability, with a witness path per capability.
	Functions []analysis.Function `json:"functions"`
	// Internal lists the crate's other functions that reach a
	// capability, with their witnesses (only with Options.Internal).
	Internal    []analysis.Function `json:"-"`
	Analyzed    bool                `json:"analyzed"`
	Error       string              `json:"error,omitempty"`
	Problems    []diag.Diagnostic   `json:"problems"`
	BlindSpots  []diag.Diagnostic   `json:"blind_spots"`
	Findings    int                 `json:"findings"`
	AssumedCfgs []string            `json:"assumed_cfgs,omitempty"`
	Notes       []string            `json:"notes,omitempty"`
	// Effects are the crate's effects with their stable ids, for audits;
	// the tree's JSON does not list them (scan does).
	Effects []diag.Diagnostic `json:"-"`
	// FindingList are the unsuppressed I/O-safety findings (Findings
	// counts them), for the review UI; the tree's JSON does not list them.
	FindingList []diag.Diagnostic `json:"-"`
}

// Edge is a dependency edge, between package ids.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"` // normal or build
}
