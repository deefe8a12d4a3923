package audit

import (
	"slices"

	"github.com/wardenrs/warden/internal/diag"
)

// Statuses of an effect.
const (
	Unreviewed = "unreviewed"
	Allowed    = "allowed-by-policy"
	// Vetted: the crate version is certified by a cargo-vet audit for a
	// criterion the policy trusts.
	Vetted = "trusted-by-vet"
	// Safe, Unsafe and CallerChecked are the statuses of effects with a
	// decision.
)

// Effect is an effect of a crate of the tree.
type Effect struct {
	Crate, Version string
	diag.Diagnostic
}

// Item is an effect with its status.
type Item struct {
	Effect
	Status string
	// Decision is the decision that applies (nil: none); CarriedFrom the
	// version it was made on, when that is not the crate's version now.
	Decision    *Decision
	CarriedFrom string
}

// Result is a tree judged against a project.
type Result struct {
	Items []Item
	// Stale are decisions that match no effect any more: the code they
	// judged is gone (or changed), and the file still grants it.
	Stale []Decision
	// Blind are the blind spots of the tree's crates.
	Blind []Effect
	// BlindFail reports whether blind spots fail the gate (the policy's
	// blind, "fail" unless set to "warn").
	BlindFail bool
}

// Evaluate judges effects against the project: a decision on the effect
// (by crate and id, whatever version it was made on), else the crate's
// policy (or the default) allowing its capability, else unreviewed.
func Evaluate(p *Project, effects, blind []Effect) *Result {
	return EvaluateWith(p, nil, effects, blind)
}

// EvaluateWith is Evaluate that also trusts the crate versions vet
// certifies for a criterion the policy trusts (after decisions, before
// the allow lists).
func EvaluateWith(p *Project, vet *Vet, effects, blind []Effect) *Result {
	byKey := map[string]*Decision{}
	for i := range p.Decisions {
		d := &p.Decisions[i]
		byKey[d.Crate+" "+d.ID] = d
	}
	used := map[*Decision]bool{}
	r := &Result{Blind: blind, BlindFail: p.Policy.Blind != "warn"}
	for _, e := range effects {
		it := Item{Effect: e, Status: Unreviewed}
		if d := byKey[e.Crate+" "+e.ID]; d != nil {
			used[d] = true
			it.Status, it.Decision = d.Decision, d
			if d.Version != "" && d.Version != e.Version {
				it.CarriedFrom = d.Version
			}
		} else if p.vetted(vet, e) {
			it.Status = Vetted
		} else if p.allows(e) {
			it.Status = Allowed
		}
		r.Items = append(r.Items, it)
	}
	for i := range p.Decisions {
		if d := &p.Decisions[i]; !used[d] {
			r.Stale = append(r.Stale, *d)
		}
	}
	return r
}

// vetted reports whether a trusted cargo-vet audit certifies the
// effect's crate version.
func (p *Project) vetted(vet *Vet, e Effect) bool {
	for _, c := range p.Policy.Vet.Trust {
		if vet.Certified(e.Crate, e.Version, c) {
			return true
		}
	}
	return false
}

// allows reports whether the policy allows an effect without review.
func (p *Project) allows(e Effect) bool {
	cp, ok := p.Crates[e.Crate]
	if !ok {
		cp = p.Policy.Default
	}
	list := cp.Allow
	if p.Policy.SeparateBuildTime && e.BuildTime {
		list = cp.AllowBuild
	}
	return slices.Contains(list, e.Capability)
}

// Failures counts what fails the gate: unreviewed and rejected effects,
// stale decisions, and blind spots unless the policy only warns.
func (r *Result) Failures() (unreviewed, rejected, stale, blind int) {
	for _, it := range r.Items {
		switch it.Status {
		case Unreviewed:
			unreviewed++
		case Unsafe:
			rejected++
		}
	}
	if r.BlindFail {
		blind = len(r.Blind)
	}
	return unreviewed, rejected, len(r.Stale), blind
}

// Pass reports whether the gate passes.
func (r *Result) Pass() bool {
	u, rj, s, b := r.Failures()
	return u+rj+s+b == 0
}
