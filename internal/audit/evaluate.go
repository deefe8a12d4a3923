package audit

import (
	"crypto/sha256"
	"encoding/hex"
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
	return EvaluateWith(p, nil, nil, effects, blind)
}

// Call is a call from a function of one crate to a function of another.
type Call struct {
	CallerCrate, CallerVersion, Caller string
	File                               string
	Line                               int
	CalleeCrate, Callee                string
	// Reaches are the callee crate's functions the call reaches there
	// (the callee included; nil means the callee alone).
	Reaches []string
}

// ObligationKind is the kind of the effects a caller-checked decision
// creates: a dependent crate's call of the function that holds the
// effect, which that crate must use as the decision's reason requires.
const ObligationKind = "caller_obligation"

// EvaluateWith is Evaluate that also trusts the crate versions vet
// certifies for a criterion the policy trusts (after decisions, before
// the allow lists), and turns caller-checked decisions into obligations:
// each call of the effect's function from another crate (calls) becomes
// an effect of that crate to review (following cargo-scan: the effect is
// safe if its callers use it right).
func EvaluateWith(p *Project, vet *Vet, calls []Call, effects, blind []Effect) *Result {
	byKey := map[string]*Decision{}
	for i := range p.Decisions {
		d := &p.Decisions[i]
		byKey[d.Crate+" "+d.ID] = d
	}
	used := map[*Decision]bool{}
	r := &Result{Blind: blind, BlindFail: p.Policy.Blind != "warn"}
	callers := map[string][]Call{} // crate and function -> the calls into the crate that reach it
	for _, c := range calls {
		reached := c.Reaches
		if len(reached) == 0 {
			reached = []string{c.Callee}
		}
		for _, f := range reached {
			callers[c.CalleeCrate+" "+f] = append(callers[c.CalleeCrate+" "+f], c)
		}
	}
	made := map[string]bool{}
	for i := 0; i < len(effects); i++ {
		e := effects[i]
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
		if it.Status == CallerChecked {
			for _, c := range callers[e.Crate+" "+e.Function] {
				ob := obligation(c, e)
				if !made[ob.Crate+" "+ob.ID] {
					made[ob.Crate+" "+ob.ID] = true
					effects = append(effects, ob)
				}
			}
		}
	}
	for i := range p.Decisions {
		if d := &p.Decisions[i]; !used[d] {
			r.Stale = append(r.Stale, *d)
		}
	}
	return r
}

// obligation is the effect a caller-checked effect e puts on the call c:
// its id is a fingerprint of the caller and of e's id, so that it lasts as
// long as both do.
func obligation(c Call, e Effect) Effect {
	sum := sha256.Sum256([]byte(c.CallerCrate + "\x00" + c.Caller + "\x00" + e.Crate + "\x00" + e.ID))
	return Effect{Crate: c.CallerCrate, Version: c.CallerVersion, Diagnostic: diag.Diagnostic{
		Category: diag.Effect, ID: hex.EncodeToString(sum[:8]), Kind: ObligationKind, Capability: e.Capability,
		Function: c.Caller, Callee: e.Function, Pos: diag.Position{File: c.File, Line: c.Line},
		Message: "calls " + e.Function + ", whose " + e.Capability + " effect " + e.ID + " in " + e.Crate + " is caller-checked",
	}}
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
