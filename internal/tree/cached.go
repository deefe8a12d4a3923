package tree

import (
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
)

// schema changes whenever crateData or the analysis it records changes
// meaning, so that entries of an older Warden are not trusted.
const schema = "crate-v3"

// crateData is what the cache keeps for one analysed package: its units
// (the facts dependents link against and expand macros from), its
// problems and blind spots, and counts.
type crateData struct {
	Units       []*analysis.Unit  `json:"units"`
	Problems    []diag.Diagnostic `json:"problems"`
	BlindSpots  []diag.Diagnostic `json:"blind_spots"`
	Findings    int               `json:"findings"`
	AssumedCfgs []string          `json:"assumed_cfgs,omitempty"`
	Notes       []string          `json:"notes,omitempty"`
	// Effects are the crate's effects, each with its stable id, for
	// audits (warden audit, warden check).
	Effects []diag.Diagnostic `json:"effects,omitempty"`
	// FindingList are the unsuppressed I/O-safety findings, for the
	// review UI's crate page.
	FindingList []diag.Diagnostic `json:"finding_list,omitempty"`
}

func toCrateData(r *analysis.Result) *crateData {
	d := &crateData{Units: r.Units, Problems: r.Of(diag.Problem), BlindSpots: r.Of(diag.BlindSpot), AssumedCfgs: r.Crate.AssumedCfgs,
		Effects: r.Of(diag.Effect)}
	for _, f := range r.Of(diag.Finding) {
		if !f.Suppressed {
			d.Findings++
			d.FindingList = append(d.FindingList, f)
		}
	}
	return d
}

// crateKey is the cache key of a package's analysis: Warden's version,
// its model and cache schema, the package's identity and files, the
// configuration, and the keys of its dependencies (their macros are
// expanded in it). ok is false when the package cannot be keyed (no
// source, unreadable files).
func (s *state) crateKey(st *pkgState) (string, bool) {
	if st.key != "" {
		return st.key, true
	}
	p := st.pkg
	if p.Dir == "" || s.opt.Cache == nil {
		return "", false
	}
	sum, err := s.opt.Cache.Checksum(p.Dir)
	if err != nil {
		return "", false
	}
	feats := strings.Join(p.Features, ",")
	if p.DefaultFeatures {
		feats = "(default)"
	}
	parts := []string{schema, s.opt.Version, model.BuiltinHash(), p.Name, p.Version, sum, s.opt.Target, feats}
	if s.isMember(p.ID) {
		parts = append(parts, "member")
	}
	depKeys := make([]string, 0, len(p.Deps))
	for _, d := range p.Deps {
		dst := s.pkgs[d.ID]
		if dst == nil || dst == st {
			continue
		}
		k, ok := s.crateKey(dst)
		if !ok {
			k = "missing:" + string(d.ID)
		}
		depKeys = append(depKeys, d.Name+"="+k)
	}
	sort.Strings(depKeys)
	st.key = cache.Key(append(parts, depKeys...)...)
	return st.key, true
}

// treeKey is the cache key of a whole linked report: the keys of all its
// crates and the edges between them.
func (s *state) treeKey() (string, bool) {
	for _, id := range s.g.Order {
		if s.pkgs[id] == nil {
			s.pkgs[id] = &pkgState{pkg: s.g.Packages[id], done: make(chan struct{})}
		}
	}
	parts := []string{"tree", schema, s.opt.Version, s.opt.Target, string(s.g.Root)}
	for _, id := range s.g.Order {
		k, ok := s.crateKey(s.pkgs[id])
		if !ok {
			return "", false
		}
		parts = append(parts, k)
	}
	return cache.Key(parts...), true
}
