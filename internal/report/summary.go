package report

import (
	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
)

// Summary holds the headline numbers of a Result, the same in every
// format. Its JSON form is the "summary" object of the JSON contract.
type Summary struct {
	Effects      int                      `json:"effects"`
	ByCapability map[model.Capability]int `json:"by_capability"`
	Functions    int                      `json:"functions"`
	// PublicFunctions counts the library's public API; entry points
	// (main of a binary or build script) are counted in Entries, not
	// here, so "public" keeps meaning "callable by dependents".
	PublicFunctions   int `json:"public_functions"`
	PublicWithEffects int `json:"public_with_effects"`
	Entries           int `json:"entries"`
	LowConfidence     int `json:"low_confidence"`
	Problems          int `json:"problems"`
	// Findings counts the I/O-safety findings that are not suppressed
	// (what a CI gate fails on).
	Findings   int  `json:"findings"`
	BlindSpots int  `json:"blind_spots"`
	Complete   bool `json:"complete"`
}

// Summarize computes the headline numbers of r. ByCapability is never
// nil, and holds only capabilities with at least one effect.
func Summarize(r *analysis.Result) Summary {
	s := Summary{ByCapability: map[model.Capability]int{}, Functions: len(r.Functions), Complete: true}
	for _, d := range r.Diagnostics {
		switch d.Category {
		case diag.Effect:
			s.Effects++
			s.ByCapability[model.Capability(d.Capability)]++
			if lowConfidence(d) {
				s.LowConfidence++
			}
		case diag.Finding:
			if !d.Suppressed {
				s.Findings++
			}
		case diag.Problem:
			s.Problems++
		case diag.BlindSpot:
			s.BlindSpots++
			s.Complete = false
		}
	}
	for _, f := range r.Functions {
		if f.Entry {
			s.Entries++
		}
		if f.Public {
			s.PublicFunctions++
			if len(f.Reachable) > 0 {
				s.PublicWithEffects++
			}
		}
	}
	return s
}
