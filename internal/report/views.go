package report

import (
	"encoding/json"
	"io"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/iosafety"
)

// Clean makes a string from an analysed crate safe to print on a
// terminal (see clean).
func Clean(s string) string { return clean(s) }

// ImportsJSON writes the JSON of "warden imports": the crate, its
// imports (each with its resolved path and cfg) and the coverage.
func ImportsJSON(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	v := buildJSON(r)
	return encode(w, struct {
		Crate    analysis.CrateInfo `json:"crate"`
		Imports  []jsonImport       `json:"imports"`
		Coverage jsonCoverage       `json:"coverage"`
	}{v.Crate, v.Imports, v.Coverage})
}

// IOSafetyJSON writes the JSON of "warden iosafety": the crate, its
// findings, the adoption summary, problems, coverage and summary.
func IOSafetyJSON(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	v := buildJSON(r)
	return encode(w, struct {
		Crate    analysis.CrateInfo `json:"crate"`
		Findings []jsonFinding      `json:"findings"`
		Adoption iosafety.Adoption  `json:"io_safety_adoption"`
		Problems []jsonProblem      `json:"problems"`
		Coverage jsonCoverage       `json:"coverage"`
		Summary  Summary            `json:"summary"`
	}{v.Crate, v.Findings, v.Adoption, v.Problems, v.Coverage, v.Summary})
}

func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
