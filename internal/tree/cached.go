// Package tree analyses a whole dependency tree resolved by
// internal/deps: it analyses every crate with the features resolved for
// it, links calls between crates through their public re-exports, and
// propagates capabilities across crates with a witness path from each
// function down to the effect.
package tree

import (
	"context"
	"os"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/effects"
)

// crateData is what the cache keeps for one analysed crate: its report
// and the facts dependents link against (positions are not kept: only
// the report carries locations).
type crateData struct {
	Direct    []effects.Capability `json:"direct"`
	Problems  int                  `json:"problems"`
	CrateName string               `json:"crate_name"`
	Funcs     []cachedFunc         `json:"funcs"`
	Aliases   map[string]string    `json:"aliases"`
}

type cachedFunc struct {
	Path    string         `json:"path"`
	Public  bool           `json:"public,omitempty"`
	Pseudo  bool           `json:"pseudo,omitempty"`
	Effects []cachedEffect `json:"effects,omitempty"`
	Calls   []cachedCall   `json:"calls,omitempty"`
}

type cachedEffect struct {
	Cap    effects.Capability `json:"cap"`
	Callee string             `json:"callee"`
	Low    bool               `json:"low,omitempty"`
}

type cachedCall struct {
	Callee   string `json:"callee"`
	Indirect bool   `json:"indirect,omitempty"`
	External bool   `json:"external,omitempty"`
}

func toCache(r *analysis.Result) *crateData {
	d := &crateData{Problems: len(r.Problems)}
	seen := map[effects.Capability]bool{}
	for _, e := range r.Effects {
		if !seen[e.Capability] {
			seen[e.Capability] = true
			d.Direct = append(d.Direct, e.Capability)
		}
	}
	if r.Facts != nil {
		d.CrateName = r.Facts.CrateName
		d.Aliases = r.Facts.Aliases
		for _, fn := range r.Facts.Funcs {
			cf := cachedFunc{Path: fn.Path, Public: fn.Public, Pseudo: fn.Pseudo}
			for _, e := range fn.Effects {
				cf.Effects = append(cf.Effects, cachedEffect{Cap: e.Cap, Callee: e.Callee, Low: e.Low})
			}
			for _, c := range fn.Calls {
				cf.Calls = append(cf.Calls, cachedCall{Callee: c.Callee, Indirect: c.Indirect, External: c.External})
			}
			d.Funcs = append(d.Funcs, cf)
		}
	}
	return d
}

// fromCache rebuilds the part of a Result the tree report uses: one
// effect per direct capability, the problem count and the facts.
func fromCache(d *crateData) *analysis.Result {
	r := &analysis.Result{Problems: make([]analysis.Problem, d.Problems)}
	for _, c := range d.Direct {
		r.Effects = append(r.Effects, analysis.Effect{Capability: c})
	}
	if d.CrateName != "" {
		f := &analysis.Facts{CrateName: d.CrateName, Aliases: d.Aliases}
		for _, cf := range d.Funcs {
			fn := &effects.Func{Path: cf.Path, Public: cf.Public, Pseudo: cf.Pseudo}
			for _, e := range cf.Effects {
				fn.Effects = append(fn.Effects, effects.Found{Cap: e.Cap, Callee: e.Callee, Low: e.Low})
			}
			for _, c := range cf.Calls {
				fn.Calls = append(fn.Calls, effects.Call{Callee: c.Callee, Indirect: c.Indirect, External: c.External})
			}
			f.Funcs = append(f.Funcs, fn)
		}
		r.Facts = f
	}
	return r
}

// crateKey is the cache key of a package's analysis.
func crateKey(c *cache.Cache, p *deps.Package, target string) (string, error) {
	if p.Dir == "" {
		return "", os.ErrNotExist
	}
	sum, err := c.Checksum(p.Dir)
	if err != nil {
		return "", err
	}
	feats := strings.Join(p.Features, ",")
	if p.DefaultFeatures {
		feats = "(default)"
	}
	return cache.Key("crate", p.Name, p.Version, sum, target, feats), nil
}

// treeKey is the cache key of a whole linked report: the keys of all its
// crates and the edges between them.
func treeKey(c *cache.Cache, t *deps.Graph, target string) (string, bool) {
	parts := []string{"tree", target, string(t.Root)}
	for _, id := range t.Order {
		k, err := crateKey(c, t.Packages[id], target)
		if err != nil {
			return "", false
		}
		p := t.Packages[id]
		edges := make([]string, 0, len(p.Deps))
		for _, d := range p.Deps {
			edges = append(edges, d.Name+"="+string(d.ID))
		}
		sort.Strings(edges)
		parts = append(parts, k, strings.Join(edges, ","))
	}
	return cache.Key(parts...), true
}

// cachedAnalyze analyses a package, or takes its result from the cache
// when the crate's files, target and features are unchanged.
func cachedAnalyze(ctx context.Context, c *cache.Cache, p *deps.Package, target string, model *effects.Model) (*analysis.Result, bool, error) {
	if c == nil {
		r, err := analyzePackage(ctx, p, target, model)
		return r, false, err
	}
	key, err := crateKey(c, p, target)
	if err != nil {
		r, err := analyzePackage(ctx, p, target, model)
		return r, false, err
	}
	var d crateData
	if c.Get(key, &d) == nil {
		return fromCache(&d), true, nil
	}
	r, err := analyzePackage(ctx, p, target, model)
	if err != nil {
		return nil, false, err // failures are not cached: the next run reports them again
	}
	if perr := c.Put(key, toCache(r)); perr != nil {
		r.Problems = append(r.Problems, analysis.Problem{Kind: "cache", Msg: perr.Error()})
	}
	return r, false, nil
}
