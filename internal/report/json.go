package report

import (
	"encoding/json"
	"io"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/iosafety"
	"github.com/wardenrs/warden/internal/model"
)

// The view types below are the JSON contract documented in the README.
// They are built from the Result rather than being the Result itself so
// that the analysis can change its internals (one Diagnostic type, units
// for linking) without changing what consumers read. Every slice is
// non-nil, so consumers never see null.

type jsonReport struct {
	Crate     analysis.CrateInfo `json:"crate"`
	Effects   []jsonEffect       `json:"effects"`
	Functions []jsonFunction     `json:"functions"`
	Imports   []jsonImport       `json:"imports"`
	Problems  []jsonProblem      `json:"problems"`
	Coverage  jsonCoverage       `json:"coverage"`
	Findings  []jsonFinding      `json:"findings"`
	Adoption  iosafety.Adoption  `json:"io_safety_adoption"`
	Summary   Summary            `json:"summary"`
}

type jsonEffect struct {
	ID         string `json:"id"` // stable across line moves and version bumps
	Function   string `json:"function"`
	Callee     string `json:"callee"`
	Capability string `json:"capability"`
	Kind       string `json:"kind"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Col        int    `json:"col"`
	Confidence string `json:"confidence"` // high, medium, low (from resolution)
	Resolution string `json:"resolution"` // path, type, trait, name
	ViaMacro   string `json:"via_macro"`
	Cfg        string `json:"cfg"`
	BuildTime  bool   `json:"build_time"`
	// UnsafeContext is the unsafe block or unsafe fn holding the effect.
	UnsafeContext *jsonLine `json:"unsafe_context,omitempty"`
}

// jsonLine is a place as file and line.
type jsonLine struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// toJSONEffect is an effect as every JSON format writes it.
func toJSONEffect(d diag.Diagnostic) jsonEffect {
	return jsonEffect{ID: d.ID, Function: d.Function, Callee: d.Callee, Capability: d.Capability,
		Kind: d.Kind, File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col, Confidence: confidence(d),
		Resolution: d.Resolution.String(), ViaMacro: d.ViaMacro, Cfg: d.Cfg, BuildTime: d.BuildTime,
		UnsafeContext: lineOf(d.UnsafeContext)}
}

func lineOf(p *diag.Position) *jsonLine {
	if p == nil {
		return nil
	}
	return &jsonLine{File: p.File, Line: p.Line}
}

type jsonFunction struct {
	Path      string             `json:"path"`
	Public    bool               `json:"public"`
	Entry     bool               `json:"entry"`
	Target    string             `json:"target"`
	BuildTime bool               `json:"build_time"`
	File      string             `json:"file"`
	Line      int                `json:"line"`
	Direct    []model.Capability `json:"direct"`
	Reachable []model.Capability `json:"reachable"`
	ByName    []model.Capability `json:"by_name,omitempty"`
	Witness   []string           `json:"witness"`
}

type jsonImport struct {
	Dir      string `json:"dir"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Module   string `json:"module"`
	Path     string `json:"path"`
	Resolved string `json:"resolved"`
	Cfg      string `json:"cfg"`
}

type jsonProblem struct {
	Kind    string `json:"kind"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

type jsonCoverage struct {
	// Complete is true when there is no blind spot: every line of the
	// enabled targets was analysed.
	Complete   bool            `json:"complete"`
	BlindSpots []jsonBlindSpot `json:"blind_spots"`
}

type jsonBlindSpot struct {
	Kind      string `json:"kind"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Col       int    `json:"col"`
	Message   string `json:"message"`
	BuildTime bool   `json:"build_time"`
}

type jsonFinding struct {
	ID         string `json:"id"`
	Severity   string `json:"severity"`
	Item       string `json:"item"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Col        int    `json:"col"`
	Message    string `json:"message"`
	Fix        string `json:"fix"`
	Suppressed bool   `json:"suppressed"`
	Reason     string `json:"reason"`
	Cfg        string `json:"cfg"`
	ViaMacro   string `json:"via_macro"`
}

// JSON writes r as indented JSON in the documented contract, followed by
// a newline. Arrays are never null and by_capability is never null;
// object keys come in a fixed order (map keys sorted), so equal Results
// give equal bytes. HTML characters are not escaped ("a -> b" stays
// readable); invalid UTF-8 in crate strings becomes U+FFFD, as
// encoding/json requires.
func JSON(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	v := buildJSON(r)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&v)
}

// buildJSON makes the JSON view of r. It copies every slice it keeps, so
// the view never aliases (and JSON never modifies) the Result.
func buildJSON(r *analysis.Result) jsonReport {
	c := r.Crate
	c.Features, c.Dependencies, c.AssumedCfgs, c.Targets = clone(c.Features), clone(c.Dependencies), clone(c.AssumedCfgs), clone(c.Targets)
	v := jsonReport{
		Crate:     c,
		Effects:   []jsonEffect{},
		Functions: make([]jsonFunction, 0, len(r.Functions)),
		Imports:   make([]jsonImport, 0, len(r.Imports)),
		Problems:  []jsonProblem{},
		Coverage:  jsonCoverage{Complete: true, BlindSpots: []jsonBlindSpot{}},
		Findings:  []jsonFinding{},
		Adoption: iosafety.Adoption{RawParams: r.Adoption.RawParams, RawReturns: r.Adoption.RawReturns,
			RawBounds: r.Adoption.RawBounds, SafeParams: r.Adoption.SafeParams, SafeReturns: r.Adoption.SafeReturns,
			ImplAsFd: clone(r.Adoption.ImplAsFd), ImplFromOwned: clone(r.Adoption.ImplFromOwned),
			ImplAsRawOnly: clone(r.Adoption.ImplAsRawOnly)},
		Summary: Summarize(r),
	}
	for _, d := range r.Diagnostics {
		switch d.Category {
		case diag.Effect:
			v.Effects = append(v.Effects, toJSONEffect(d))
		case diag.Finding:
			v.Findings = append(v.Findings, jsonFinding{ID: d.Kind, Severity: d.Severity, Item: d.Function,
				File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col, Message: d.Message, Fix: d.Fix,
				Suppressed: d.Suppressed, Reason: d.Reason, Cfg: d.Cfg, ViaMacro: d.ViaMacro})
		case diag.Problem:
			v.Problems = append(v.Problems, jsonProblem{Kind: d.Kind, File: d.Pos.File, Line: d.Pos.Line,
				Col: d.Pos.Col, Message: d.Message})
		case diag.BlindSpot:
			v.Coverage.Complete = false
			v.Coverage.BlindSpots = append(v.Coverage.BlindSpots, jsonBlindSpot{Kind: d.Kind, File: d.Pos.File,
				Line: d.Pos.Line, Col: d.Pos.Col, Message: d.Message, BuildTime: d.BuildTime})
		}
	}
	for _, f := range r.Functions {
		v.Functions = append(v.Functions, jsonFunction{Path: f.Path, Public: f.Public, Entry: f.Entry, Target: f.Target,
			BuildTime: f.BuildTime, File: f.File, Line: f.Line, Direct: clone(f.Direct), Reachable: clone(f.Reachable),
			ByName: f.ByName, Witness: clone(f.Witness)})
	}
	for _, im := range r.Imports {
		v.Imports = append(v.Imports, jsonImport{Dir: im.Dir, File: im.File, Line: im.Line, Module: im.Module,
			Path: im.Path, Resolved: im.Resolved, Cfg: im.Cfg})
	}
	return v
}

// clone copies a slice, giving an empty (not nil) one for nil.
func clone[T any](s []T) []T {
	return append(make([]T, 0, len(s)), s...)
}
