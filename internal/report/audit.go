package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/wardenrs/warden/internal/audit"
)

// auditJSONItem is one effect of "warden audit list --format json" and
// of "warden check --format json": the effect as scan writes it, with
// its crate and review status.
type auditJSONItem struct {
	Crate   string `json:"crate"`
	Version string `json:"version"`
	jsonEffect
	Status      string `json:"status"`
	Reason      string `json:"reason,omitempty"`
	CarriedFrom string `json:"carried_from,omitempty"`
}

type auditJSONStale struct {
	Crate    string `json:"crate"`
	Version  string `json:"version"`
	ID       string `json:"id"`
	Function string `json:"function"`
	Callee   string `json:"callee"`
	Decision string `json:"decision"`
	Line     int    `json:"line"` // in the project file
}

type auditJSONBlind struct {
	Crate   string `json:"crate"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func auditItems(items []audit.Item, onlyUnreviewed bool) []auditJSONItem {
	out := []auditJSONItem{}
	for _, it := range items {
		if onlyUnreviewed && it.Status != audit.Unreviewed {
			continue
		}
		j := auditJSONItem{Crate: it.Crate, Version: it.Version, jsonEffect: toJSONEffect(it.Diagnostic), Status: it.Status,
			CarriedFrom: it.CarriedFrom}
		if it.Decision != nil {
			j.Reason = it.Decision.Reason
		}
		out = append(out, j)
	}
	return out
}

// AuditJSON writes "warden audit list --format json": every effect of
// the tree with its id, crate, function, capability, location and status.
func AuditJSON(w io.Writer, r *audit.Result, onlyUnreviewed bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Effects []auditJSONItem `json:"effects"`
	}{auditItems(r.Items, onlyUnreviewed)})
}

// AuditText writes "warden audit list": one line per effect.
func AuditText(w io.Writer, r *audit.Result, onlyUnreviewed bool) error {
	p := &printer{w: w}
	for _, it := range r.Items {
		if onlyUnreviewed && it.Status != audit.Unreviewed {
			continue
		}
		p.printf("%s  %-17s  %s %s  %s  %s  %s:%d\n", clean(it.ID), it.Status, clean(it.Crate), clean(it.Version),
			it.Capability, clean(it.Callee), clean(it.Pos.File), it.Pos.Line)
	}
	return p.err
}

// CheckJSON writes "warden check --format json": whether the gate
// passes, and each cause.
func CheckJSON(w io.Writer, r *audit.Result) error {
	u, rj, s, b := r.Failures()
	v := struct {
		Pass       bool             `json:"pass"`
		Unreviewed int              `json:"unreviewed"`
		Rejected   int              `json:"rejected"`
		Stale      int              `json:"stale"`
		Blind      int              `json:"blind_spots"`
		BlindFail  bool             `json:"blind_spots_fail"`
		Causes     []auditJSONItem  `json:"effects"`
		StaleList  []auditJSONStale `json:"stale_decisions"`
		BlindList  []auditJSONBlind `json:"blind"`
	}{Pass: r.Pass(), Unreviewed: u, Rejected: rj, Stale: s, Blind: len(r.Blind), BlindFail: r.BlindFail && b > 0,
		Causes: []auditJSONItem{}, StaleList: []auditJSONStale{}, BlindList: []auditJSONBlind{}}
	for _, it := range auditItems(r.Items, false) {
		if it.Status == audit.Unreviewed || it.Status == audit.Unsafe {
			v.Causes = append(v.Causes, it)
		}
	}
	for _, d := range r.Stale {
		v.StaleList = append(v.StaleList, auditJSONStale{Crate: d.Crate, Version: d.Version, ID: d.ID, Function: d.Function,
			Callee: d.Callee, Decision: d.Decision, Line: d.Line})
	}
	for _, bs := range r.Blind {
		v.BlindList = append(v.BlindList, auditJSONBlind{Crate: bs.Crate, Version: bs.Version, Kind: bs.Kind, File: bs.Pos.File,
			Line: bs.Pos.Line, Message: bs.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// CheckText writes "warden check": each cause with its location, then
// the verdict.
func CheckText(w io.Writer, r *audit.Result, projectFile string) error {
	p := &printer{w: w}
	for _, it := range r.Items {
		switch it.Status {
		case audit.Unreviewed:
			callee := clean(it.Callee)
			if it.Kind == audit.ObligationKind {
				callee = "calls " + callee + " (caller-checked)"
			}
			p.printf("unreviewed  %s %s  %s:%d  %s  %s  %s  id %s\n", clean(it.Crate), clean(it.Version), clean(it.Pos.File), it.Pos.Line,
				it.Capability, callee, clean(it.Function), clean(it.ID))
		case audit.Unsafe:
			p.printf("rejected    %s %s  %s:%d  %s  %s  (%s:%d: %s)\n", clean(it.Crate), clean(it.Version), clean(it.Pos.File), it.Pos.Line,
				it.Capability, clean(it.Callee), clean(projectFile), it.Decision.Line, clean(it.Decision.Reason))
		}
	}
	for _, d := range r.Stale {
		p.printf("stale       %s:%d  decision %s on %s %s (%s) matches no effect any more\n", clean(projectFile), d.Line,
			d.Decision, clean(d.Crate), clean(d.ID), clean(d.Callee))
	}
	// Blind spots are printed even when the policy only warns: a pass
	// must not hide code Warden could not see.
	label := "blind      "
	if !r.BlindFail {
		label = "blind, warn"
	}
	for _, bs := range r.Blind {
		where := "-" // a crate not analysed at all has no file
		if bs.Pos.File != "" {
			where = fmt.Sprintf("%s:%d", clean(bs.Pos.File), bs.Pos.Line)
		}
		p.printf("%s %s %s  %s  %s: %s\n", label, clean(bs.Crate), clean(bs.Version), where, bs.Kind, clean(bs.Message))
	}
	u, rj, s, b := r.Failures()
	verdict := "pass"
	if !r.Pass() {
		verdict = "FAIL"
	}
	carried := 0
	for _, it := range r.Items {
		if it.CarriedFrom != "" {
			carried++
		}
	}
	warned := ""
	if !r.BlindFail && len(r.Blind) > 0 {
		warned = " (" + plural(len(r.Blind), "blind spot") + " only warned of: policy.blind is \"warn\")"
	}
	p.printf("%s: %s: %d unreviewed, %d rejected, %s, %s%s; %d carried over from earlier versions\n", verdict,
		plural(len(r.Items), "effect"), u, rj, plural(s, "stale decision"), plural(b, "failing blind spot"), warned, carried)
	return p.err
}

// CheckMarkdown writes "warden check --format md", for a pull-request
// comment.
func CheckMarkdown(w io.Writer, r *audit.Result, projectFile string) error {
	p := &printer{w: w}
	u, rj, s, b := r.Failures()
	verdict := "passes"
	if !r.Pass() {
		verdict = "fails"
	}
	p.printf("## Warden check %s\n\n%d effects: %d unreviewed, %d rejected, %d stale decisions, %d failing blind spots.\n\n",
		verdict, len(r.Items), u, rj, s, b)
	if u+rj > 0 {
		p.print("| Status | Crate | Capability | Callee | Location | Id |\n|---|---|---|---|---|---|\n")
		for _, it := range r.Items {
			if it.Status == audit.Unreviewed || it.Status == audit.Unsafe {
				p.printf("| %s | %s | %s | %s | %s | %s |\n", it.Status, cell(code(it.Crate+" "+it.Version)), it.Capability,
					cell(code(it.Callee)), cell(code(fmt.Sprintf("%s:%d", it.Pos.File, it.Pos.Line))), cell(code(it.ID)))
			}
		}
		p.print("\n")
	}
	for _, d := range r.Stale {
		p.printf("- stale: `%s:%d` decision %s on %s %s\n", mdText(projectFile), d.Line, d.Decision, mdText(d.Crate), code(d.ID))
	}
	if len(r.Blind) > 0 {
		how := "they fail the gate"
		if !r.BlindFail {
			how = "policy.blind is \"warn\": they do not fail the gate"
		}
		if len(r.Stale) > 0 {
			p.print("\n")
		}
		p.printf("%s Warden could not see (%s):\n\n", plural(len(r.Blind), "blind spot"), how)
		for _, bs := range r.Blind {
			p.printf("- %s %s: %s\n", code(bs.Crate+" "+bs.Version), code(fmt.Sprintf("%s:%d", bs.Pos.File, bs.Pos.Line)),
				mdText(bs.Kind+": "+bs.Message))
		}
	}
	return p.err
}
