package tree

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/effects"
	"github.com/wardenrs/warden/internal/graph"
	"github.com/wardenrs/warden/internal/load"
)

// CrateReport is what the tree analysis says about one crate. Its JSON
// form is the per-crate record of "warden tree --format json".
type CrateReport struct {
	ID        string               `json:"id"`
	Name      string               `json:"name"`
	Version   string               `json:"version"`
	Path      string               `json:"path"`
	Features  []string             `json:"features"`
	Direct    []effects.Capability `json:"direct"`
	Reachable []effects.Capability `json:"reachable"`
	// BroughtBy maps each reachable capability the crate does not have
	// itself to the dependencies through which it is reached.
	BroughtBy map[effects.Capability][]string `json:"brought_by"`
	// BuildTime is set for crates with a build script or that are
	// proc macros: their code runs at build time.
	BuildTime bool `json:"build_time"`
	// Functions lists the crate's public functions that reach a
	// capability, each with one witness path per capability.
	Functions []analysis.Function `json:"functions"`
	Analyzed  bool                `json:"analyzed"`
	Error     string              `json:"error,omitempty"`
	Problems  int                 `json:"problems"`
}

// Edge is a dependency edge of the tree.
type Edge struct {
	From string `json:"from"` // crate name
	To   string `json:"to"`
}

// Report is the result of a tree analysis.
type Report struct {
	Root   string        `json:"root"`
	Crates []CrateReport `json:"crates"`
	Edges  []Edge        `json:"edges"`
	// Cached counts the crates whose analysis came from the cache.
	Cached int `json:"cached"`
}

// Options tune a tree analysis.
type Options struct {
	Target string // target triple for cfg; "" = load.DefaultTarget
	Jobs   int    // crates analysed in parallel; <= 0 means all cores
	// Progress, if set, is called after each crate is analysed.
	Progress func(done, total int, name string)
	// Cache, if set, keeps per-crate results between runs.
	Cache *cache.Cache
}

// Analyze analyses every crate of the tree and links them.
func Analyze(ctx context.Context, t *deps.Graph, opt Options) (*Report, error) {
	// A tree whose crates are all unchanged is answered from one entry.
	var tk string
	if opt.Cache != nil {
		if k, ok := treeKey(opt.Cache, t, opt.Target); ok {
			tk = k
			var rep Report
			if opt.Cache.Get(tk, &rep) == nil {
				rep.Cached = len(rep.Crates)
				return &rep, nil
			}
		}
	}
	model := effects.Builtin()
	ids := t.Order
	results := make([]*analysis.Result, len(ids))
	errs := make([]error, len(ids))
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done, cached := 0, 0
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				var hit bool
				results[i], hit, errs[i] = cachedAnalyze(ctx, opt.Cache, t.Packages[ids[i]], opt.Target, model)
				if hit {
					mu.Lock()
					cached++
					mu.Unlock()
				}
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, len(ids), t.Packages[ids[i]].Name)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range ids {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := link(t, ids, results, errs)
	rep.Cached = cached
	if tk != "" {
		clean := true
		for _, e := range errs {
			clean = clean && e == nil
		}
		if clean { // failures are not cached: the next run reports them again
			opt.Cache.Put(tk, rep)
		}
	}
	return rep, nil
}

func analyzePackage(ctx context.Context, p *deps.Package, target string, model *effects.Model) (*analysis.Result, error) {
	if p.Dir == "" {
		if p.Missing != "" {
			return nil, errors.New(p.Missing)
		}
		return nil, fmt.Errorf("source of %s %s not found", p.Name, p.Version)
	}
	opt := load.Options{Target: target, Features: p.Features, NoDefaultFeatures: !p.DefaultFeatures}
	c, err := load.Load(ctx, p.Dir, opt)
	if err != nil {
		return nil, err
	}
	return analysis.Analyze(ctx, c, model, analysis.Options{})
}

// link builds the cross-crate call graph and the per-crate reports.
func link(t *deps.Graph, ids []deps.ID, results []*analysis.Result, errs []error) *Report {
	g := graph.New()
	facts := map[string]*analysis.Facts{} // crate (lib) name -> facts
	crateOf := map[string]deps.ID{}       // function path -> package id
	for i, id := range ids {
		r := results[i]
		if r == nil || r.Facts == nil {
			continue
		}
		facts[r.Facts.CrateName] = r.Facts
		for _, fn := range r.Facts.Funcs {
			crateOf[fn.Path] = id
		}
	}
	for i, id := range ids {
		r := results[i]
		if r == nil || r.Facts == nil {
			continue
		}
		for _, fn := range r.Facts.Funcs {
			n := g.Node(fn.Path)
			for _, e := range fn.Effects {
				n.AddEffect(e.Cap, e.Callee, e.Low || strings.HasPrefix(e.Callee, "?::"))
			}
			for _, call := range fn.Calls {
				to := call.Callee
				if call.External {
					to = resolveExternal(facts, crateOf, to)
					if to == "" {
						continue
					}
				}
				n.Calls = append(n.Calls, graph.Edge{To: to, Indirect: call.Indirect})
			}
		}
		_ = id
	}
	reach := g.Reachable()

	rep := &Report{Root: t.Packages[t.Root].Name}
	for i, id := range ids {
		p := t.Packages[id]
		cr := CrateReport{ID: string(id), Name: p.Name, Version: p.Version, Path: p.Dir, Features: p.Features,
			Direct: []effects.Capability{}, Reachable: []effects.Capability{}, BroughtBy: map[effects.Capability][]string{},
			BuildTime: p.BuildScript || p.ProcMacro, Functions: []analysis.Function{}}
		if cr.Features == nil {
			cr.Features = []string{}
		}
		if errs[i] != nil {
			cr.Error = errs[i].Error()
			rep.Crates = append(rep.Crates, cr)
			continue
		}
		r := results[i]
		cr.Analyzed = true
		cr.Problems = len(r.Problems)
		direct := map[effects.Capability]bool{}
		for _, e := range r.Effects {
			direct[e.Capability] = true
		}
		reachable := map[effects.Capability]bool{}
		brought := map[effects.Capability]map[string]bool{}
		if r.Facts != nil {
			for _, fn := range r.Facts.Funcs {
				for _, rc := range reach[fn.Path] {
					reachable[rc.Cap] = true
					if direct[rc.Cap] {
						continue
					}
					for _, step := range rc.Witness {
						if other, ok := crateOf[step]; ok && other != id {
							if brought[rc.Cap] == nil {
								brought[rc.Cap] = map[string]bool{}
							}
							brought[rc.Cap][t.Packages[other].Name] = true
							break
						}
					}
				}
				if fn.Public && !fn.Pseudo && len(reach[fn.Path]) > 0 {
					f := analysis.Function{Path: fn.Path, Public: true, Direct: []effects.Capability{}}
					for _, rc := range reach[fn.Path] {
						f.Reachable = append(f.Reachable, rc.Cap)
						w := strings.Join(rc.Witness, " -> ")
						if rc.Indirect {
							w += " (indirect)"
						}
						f.Witness = append(f.Witness, w)
					}
					for cap := range g.Node(fn.Path).Direct {
						f.Direct = append(f.Direct, cap)
					}
					f.Direct = effects.SortCaps(f.Direct)
					cr.Functions = append(cr.Functions, f)
				}
			}
		}
		for c := range direct {
			cr.Direct = append(cr.Direct, c)
			reachable[c] = true
		}
		for c := range reachable {
			cr.Reachable = append(cr.Reachable, c)
		}
		cr.Direct = effects.SortCaps(cr.Direct)
		cr.Reachable = effects.SortCaps(cr.Reachable)
		for c, names := range brought {
			for n := range names {
				cr.BroughtBy[c] = append(cr.BroughtBy[c], n)
			}
			sort.Strings(cr.BroughtBy[c])
		}
		sort.Slice(cr.Functions, func(a, b int) bool { return cr.Functions[a].Path < cr.Functions[b].Path })
		rep.Crates = append(rep.Crates, cr)
	}
	for _, id := range ids {
		p := t.Packages[id]
		var deps []string
		for _, d := range p.Deps {
			if dp := t.Packages[d.ID]; dp != nil {
				deps = append(deps, dp.Name)
			}
		}
		sort.Strings(deps)
		for _, d := range deps {
			rep.Edges = append(rep.Edges, Edge{From: p.Name, To: d})
		}
	}
	return rep
}

// resolveExternal maps a path used in one crate to the definition in the
// crate that provides it, following that crate's public re-exports
// (tokio::net::TcpStream::connect -> tokio::net::tcp::stream::
// TcpStream::connect). It returns "" if the path is unknown.
func resolveExternal(facts map[string]*analysis.Facts, crateOf map[string]deps.ID, path string) string {
	for hop := 0; hop < 4; hop++ {
		if _, ok := crateOf[path]; ok {
			return path
		}
		i := strings.Index(path, "::")
		if i < 0 {
			return ""
		}
		f := facts[path[:i]]
		if f == nil {
			return ""
		}
		segs := strings.Split(path, "::")
		replaced := false
		for k := len(segs); k >= 2; k-- {
			prefix := strings.Join(segs[:k], "::")
			if target, ok := f.Aliases[prefix]; ok && target != prefix {
				path = target
				if k < len(segs) {
					path += "::" + strings.Join(segs[k:], "::")
				}
				replaced = true
				break
			}
		}
		if !replaced {
			return ""
		}
	}
	if _, ok := crateOf[path]; ok {
		return path
	}
	return ""
}

// String renders a short text form of a crate report line.
func (c CrateReport) String() string {
	return fmt.Sprintf("%s %s", c.Name, c.Version)
}
