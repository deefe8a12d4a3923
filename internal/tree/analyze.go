// Package tree analyses a whole dependency tree resolved by
// internal/deps. Every package is analysed with the features resolved
// for it, dependencies before dependents, so that a crate's analysis can
// expand its dependencies' macros; then every target of every package is
// linked into one call graph keyed by package id (two versions of one
// crate never mix), and capabilities propagate across crates with a
// witness path. Build scripts, build-dependencies and proc-macro crates
// are build time, kept apart from what a crate does when it runs.
package tree

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/graph"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/model"
)

// Options tune a tree analysis.
type Options struct {
	Target string // target triple for cfg; "" = load.DefaultTarget
	Jobs   int    // crates analysed in parallel; <= 0 means all cores
	// Progress, if set, is called after each crate is analysed.
	Progress func(done, total int, name string)
	// Cache, if set, keeps per-crate results between runs.
	Cache *cache.Cache
	// Version is Warden's version: cached results of another version
	// are not used.
	Version string
	// Full lists packages whose complete analysis (every diagnostic) the
	// caller wants (Report.Results): they are never taken from the cache.
	// When it is set, the report describes these packages only: the
	// records of the others say whether they were analysed, with their
	// problems and blind spots, but not their capabilities or functions
	// (a scan of one package does not pay for the whole tree's report).
	Full []deps.ID
	// Load adjusts the options of the Full packages (features, tests,
	// examples); nil keeps the resolved features.
	Load func(p *deps.Package, o load.Options) load.Options
	// CrossCalls fills Report.CrossCalls (audits of caller-checked
	// effects); the tree's own cache entry is not used then.
	CrossCalls bool
	// CallSites fills the Full packages' Result.CallSites.
	CallSites bool
	// Internal fills CrateReport.Internal (the review UI shows every
	// function on a witness path); the tree's own cache entry is not
	// used then.
	Internal bool
}

// pkgState is the analysis of one package.
type pkgState struct {
	pkg    *deps.Package
	data   *crateData
	res    *analysis.Result // complete result, for Full packages
	err    error
	cached bool
	key    string
	done   chan struct{}
	units  []*analysis.LinkUnit
	lib    *analysis.LinkUnit
	// rets maps the library's functions to their return types, built
	// once the package is analysed (dependents read it concurrently).
	rets map[string]string
	// unsafeFns holds the library's unsafe fns, built with rets.
	unsafeFns map[string]bool
}

// state is one tree analysis.
type state struct {
	g     *deps.Graph
	opt   Options
	model *model.Model
	pkgs  map[deps.ID]*pkgState
	full  map[deps.ID]bool
	// unitPkg maps the units of the tree's graph to their packages (set
	// by link).
	unitPkg map[string]*deps.Package
}

// Analyze analyses every package of the graph and links them.
func Analyze(ctx context.Context, g *deps.Graph, opt Options) (*Report, error) {
	if opt.Target == "" {
		opt.Target = load.DefaultTarget
	}
	s := &state{g: g, opt: opt, model: model.Builtin(), pkgs: map[deps.ID]*pkgState{}, full: map[deps.ID]bool{}}
	for _, id := range opt.Full {
		s.full[id] = true
	}
	// A tree whose crates are all unchanged is answered from one entry.
	var tk string
	if opt.Cache != nil && len(opt.Full) == 0 && !opt.CrossCalls && !opt.Internal {
		if k, ok := s.treeKey(); ok {
			tk = k
			var rep Report
			if opt.Cache.Get(tk, &rep) == nil {
				rep.Cached = len(rep.Crates)
				rep.fillLists()
				return &rep, nil
			}
		}
	}
	for _, id := range g.Order {
		if s.pkgs[id] == nil {
			s.pkgs[id] = &pkgState{pkg: g.Packages[id], done: make(chan struct{})}
		}
	}
	if err := s.analyzeAll(ctx); err != nil {
		return nil, err
	}
	rep := s.link()
	rep.fillLists()
	if tk != "" && rep.complete() {
		// Failures are not cached: the next run reports them again.
		if err := opt.Cache.Put(tk, rep); err != nil {
			rep.Notes = append(rep.Notes, "cache: "+err.Error())
		}
	}
	return rep, nil
}

// analyzeAll analyses the packages in parallel, each once its
// dependencies are done (their macros are expanded in it).
func (s *state) analyzeAll(ctx context.Context) error {
	jobs := s.opt.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(jobs)
	var mu sync.Mutex
	done := 0
	// Packages are started in dependency order, so a running package's
	// dependencies are running or done: waiting for them cannot deadlock.
	for _, id := range s.g.Order {
		st := s.pkgs[id]
		eg.Go(func() error {
			defer close(st.done)
			for _, d := range st.pkg.Deps {
				if dst := s.pkgs[d.ID]; dst != nil && dst != st {
					select {
					case <-dst.done:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
			}
			s.analyze(ctx, st)
			if lib := st.libUnit(); lib != nil {
				st.rets, st.unsafeFns = map[string]string{}, map[string]bool{}
				for _, f := range lib.Funcs {
					if f.Ret != "" {
						st.rets[f.Path] = f.Ret
					}
					if f.Unsafe {
						st.unsafeFns[f.Path] = true
					}
				}
			}
			if s.opt.Progress != nil {
				mu.Lock()
				done++
				s.opt.Progress(done, len(s.g.Order), st.pkg.Name)
				mu.Unlock()
			}
			return ctx.Err()
		})
	}
	return eg.Wait()
}

// analyze analyses one package, or takes it from the cache.
func (s *state) analyze(ctx context.Context, st *pkgState) {
	p := st.pkg
	if p.Dir == "" {
		st.err = fmt.Errorf("source of %s not found: %s", strings.TrimSpace(p.Name+" "+p.Version), p.Missing)
		return
	}
	c := s.opt.Cache
	if c != nil {
		if k, ok := s.crateKey(st); ok {
			st.key = k
			if !s.full[p.ID] {
				var d crateData
				if c.Get(k, &d) == nil {
					st.data, st.cached = &d, true
					return
				}
			}
		}
	}
	opt := load.Options{Target: s.opt.Target, Features: p.Features, NoDefaultFeatures: !p.DefaultFeatures, LibOnly: !s.isMember(p.ID)}
	if s.full[p.ID] && s.opt.Load != nil {
		opt = s.opt.Load(p, opt)
	}
	lc, err := load.Load(ctx, p.Dir, opt)
	if err != nil {
		st.err = err
		return
	}
	// The tree's link step computes the functions of every package.
	res, err := analysis.Analyze(ctx, lc, s.model, analysis.Options{Deps: &depView{s: s, from: st}, NoFunctions: true, CallSites: s.opt.CallSites && s.full[p.ID]})
	if err != nil {
		st.err = err
		return
	}
	st.data = toCrateData(res)
	if s.full[p.ID] {
		st.res = res
	}
	if c != nil && st.key != "" {
		if err := c.Put(st.key, st.data); err != nil {
			st.data.Notes = append(st.data.Notes, "cache: "+err.Error())
		}
	}
}

func (s *state) isMember(id deps.ID) bool {
	for _, m := range s.g.Members {
		if m == id {
			return true
		}
	}
	return id == s.g.Root
}

// unitID names a unit in the tree's graph.
func unitID(p *deps.Package, u *analysis.Unit) string {
	return string(p.ID) + "#" + u.Kind + ":" + u.Crate
}

// linkUnits places a package's units in the tree's graph (once).
func (s *state) linkUnits(st *pkgState) {
	if st.units != nil || st.data == nil {
		return
	}
	for _, u := range st.data.Units {
		lu := &analysis.LinkUnit{ID: unitID(st.pkg, u), Unit: u}
		if u.Kind == "lib" || u.Kind == "proc-macro" {
			st.lib = lu
		}
		st.units = append(st.units, lu)
	}
	for _, lu := range st.units {
		build := lu.Unit.Kind == "build-script"
		own := lu != st.lib && !build
		lu.Dep = func(crate string) *analysis.LinkUnit {
			if own && st.lib != nil && crate == st.lib.Unit.Crate {
				return st.lib
			}
			return s.depLib(st, crate, build)
		}
	}
}

// depLib returns the library unit of the dependency of st named crate in
// its code (a build dependency for its build script).
func (s *state) depLib(st *pkgState, crate string, build bool) *analysis.LinkUnit {
	var fallback *analysis.LinkUnit
	for _, d := range st.pkg.Deps {
		if d.Name != crate {
			continue
		}
		dst := s.pkgs[d.ID]
		if dst == nil {
			continue
		}
		s.linkUnits(dst)
		if dst.lib == nil {
			continue
		}
		if build && d.Build || !build && (d.Normal || d.Dev) {
			return dst.lib
		}
		fallback = dst.lib
	}
	return fallback
}

// crossCalls lists the calls of the linked graph that go from one
// package to another, each with what it reaches in the called package.
func (s *state) crossCalls(g *graph.Graph) []CrossCall {
	var out []CrossCall
	reaches := map[graph.Key][]string{} // per callee, shared by its calls
	within := func(start graph.Key) []string {
		if r, ok := reaches[start]; ok {
			return r
		}
		pkg := s.unitPkg[start.Unit]
		seen := map[graph.Key]bool{start: true}
		stack := []graph.Key{start}
		var r []string
		for len(stack) > 0 && len(r) < 100000 {
			k := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r = append(r, k.Path)
			if !g.Has(k) {
				continue
			}
			for _, e := range g.Node(k).Calls {
				if !seen[e.To] && s.unitPkg[e.To.Unit] == pkg {
					seen[e.To] = true
					stack = append(stack, e.To)
				}
			}
		}
		reaches[start] = r
		return r
	}
	for _, id := range s.g.Order {
		st := s.pkgs[id]
		for _, lu := range st.units {
			for _, fn := range lu.Unit.Funcs {
				k := graph.Key{Unit: lu.ID, Path: fn.Path}
				if !g.Has(k) {
					continue
				}
				for _, e := range g.Node(k).Calls {
					to := s.unitPkg[e.To.Unit]
					if to == nil || to == st.pkg {
						continue
					}
					out = append(out, CrossCall{CallerCrate: st.pkg.Name, CallerVersion: st.pkg.Version, Caller: fn.Path,
						File: fn.File, Line: fn.Line, CalleeCrate: to.Name, Callee: e.To.Path, Reaches: within(e.To)})
				}
			}
		}
	}
	return out
}

// link builds the tree's call graph and the per-crate reports.
func (s *state) link() *Report {
	g := graph.New()
	var all []*analysis.LinkUnit
	for _, id := range s.g.Order {
		st := s.pkgs[id]
		s.linkUnits(st)
		all = append(all, st.units...)
	}
	analysis.Link(g, all)
	s.unitPkg = map[string]*deps.Package{}
	for _, st := range s.pkgs {
		for _, u := range st.units {
			s.unitPkg[u.ID] = st.pkg
		}
	}
	var reach *graph.Reachability
	if len(s.opt.Full) > 0 {
		// Only what the Full packages' functions reach is reported.
		var starts []graph.Key
		for _, id := range s.opt.Full {
			if st := s.pkgs[id]; st != nil {
				for _, lu := range st.units {
					for _, fn := range lu.Unit.Funcs {
						starts = append(starts, graph.Key{Unit: lu.ID, Path: fn.Path})
					}
				}
			}
		}
		reach = g.ReachableFrom(starts)
	} else {
		reach = g.Reachable()
	}
	name := s.namer()
	use := s.usage()
	rep := &Report{Root: s.g.Packages[s.g.Root].Name, RootID: string(s.g.Root), Notes: append([]string(nil), s.g.Notes...),
		Results: map[deps.ID]*analysis.Result{}}
	if s.opt.CrossCalls {
		rep.CrossCalls = s.crossCalls(g)
	}
	for _, id := range s.g.Order {
		st := s.pkgs[id]
		if st.cached {
			rep.Cached++
		}
		rep.Crates = append(rep.Crates, s.crateReport(st, g, reach, name, use[id]))
		if st.res != nil {
			// The full result's functions, linked across the tree.
			st.res.Functions = nil
			for _, u := range st.units {
				st.res.Functions = append(st.res.Functions, analysis.Functions(g, reach, u, name)...)
			}
			rep.Results[id] = st.res
		}
	}
	for _, id := range s.g.Order {
		p := s.g.Packages[id]
		for _, d := range p.Deps {
			if s.g.Packages[d.ID] == nil {
				continue
			}
			kind := "normal"
			if d.Build && !d.Normal {
				kind = "build"
			}
			rep.Edges = append(rep.Edges, Edge{From: string(id), To: string(d.ID), Kind: kind})
		}
	}
	sort.SliceStable(rep.Edges, func(i, j int) bool {
		if rep.Edges[i].From != rep.Edges[j].From {
			return rep.Edges[i].From < rep.Edges[j].From
		}
		return rep.Edges[i].To < rep.Edges[j].To
	})
	for _, c := range rep.Crates {
		rep.BlindSpots += len(c.BlindSpots)
		if len(c.BlindSpots) > 0 {
			rep.IncompleteCrates++
		}
	}
	return rep
}

// namer renders functions in witnesses: their path, qualified with the
// crate's version when the tree holds several versions of that crate.
func (s *state) namer() func(graph.Key) string {
	versions := map[string]map[string]bool{}
	for _, p := range s.g.Packages {
		if versions[p.Name] == nil {
			versions[p.Name] = map[string]bool{}
		}
		versions[p.Name][p.Version] = true
	}
	return func(k graph.Key) string {
		p := s.unitPkg[k.Unit]
		if p == nil || len(versions[p.Name]) < 2 {
			return k.Path
		}
		if i := strings.Index(k.Path, "::"); i > 0 {
			return k.Path[:i] + "@" + p.Version + k.Path[i:]
		}
		return k.Path + "@" + p.Version
	}
}

// use says how a package is used: at run time (linked into a member's
// library or binaries) and/or at build time (by a build script, or
// inside the compiler as a proc macro or its dependency).
type use struct{ runtime, build bool }

func (s *state) usage() map[deps.ID]use {
	out := map[deps.ID]use{}
	var visit func(id deps.ID, build bool)
	visit = func(id deps.ID, build bool) {
		u := out[id]
		if build && u.build || !build && u.runtime {
			return
		}
		if build {
			u.build = true
		} else {
			u.runtime = true
		}
		out[id] = u
		p := s.g.Packages[id]
		if p == nil {
			return
		}
		for _, d := range p.Deps {
			dp := s.g.Packages[d.ID]
			if dp == nil {
				continue
			}
			if d.Normal || d.Dev {
				// What a proc macro links runs inside the compiler.
				visit(d.ID, build || dp.ProcMacro)
			}
			if d.Build {
				visit(d.ID, true)
			}
		}
	}
	for _, m := range s.g.Members {
		visit(m, s.g.Packages[m] != nil && s.g.Packages[m].ProcMacro)
	}
	if len(s.g.Members) == 0 {
		visit(s.g.Root, false)
	}
	return out
}

// crateReport summarises one package.
func (s *state) crateReport(st *pkgState, g *graph.Graph, reach *graph.Reachability, name func(graph.Key) string, u use) CrateReport {
	p := st.pkg
	cr := CrateReport{ID: string(p.ID), Name: p.Name, Version: p.Version, Path: p.Dir, Features: p.Features,
		BroughtBy: map[model.Capability][]string{}, BuildOnly: u.build && !u.runtime, ProcMacro: p.ProcMacro}
	if st.err != nil || st.data == nil {
		// Code Warden did not read is a blind spot like any other: the
		// tree is incomplete, gates on blind spots fail, and audits
		// cannot pass over it.
		cr.Error = "not analysed"
		if st.err != nil {
			cr.Error = st.err.Error()
		}
		var pos diag.Position
		if p.Dir != "" {
			pos.File = "Cargo.toml"
		}
		cr.BlindSpots = []diag.Diagnostic{{Category: diag.BlindSpot, Kind: "not-analysed", Pos: pos,
			Message: "the crate was not analysed: " + cr.Error}}
		return cr
	}
	cr.Analyzed = true
	d := st.data
	cr.Problems, cr.BlindSpots, cr.Findings = orEmpty(d.Problems), orEmpty(d.BlindSpots), d.Findings
	cr.AssumedCfgs = d.AssumedCfgs
	cr.Effects, cr.FindingList = d.Effects, d.FindingList
	cr.Notes = d.Notes
	if len(s.opt.Full) > 0 && !s.full[p.ID] {
		return cr // see Options.Full
	}
	runtimeCaps, buildCaps := map[model.Capability]bool{}, map[model.Capability]bool{}
	strongRuntime := map[model.Capability]bool{} // reached without a name match
	direct, directBuild := map[model.Capability]bool{}, map[model.Capability]bool{}
	brought := map[model.Capability]map[string]bool{}
	for _, lu := range st.units {
		atBuild := lu.Unit.BuildTime || cr.BuildOnly
		for _, fn := range lu.Unit.Funcs {
			k := graph.Key{Unit: lu.ID, Path: fn.Path}
			for _, e := range fn.Effect {
				// include! and env! read at build time, wherever they are.
				if atBuild || e.Cap == model.Build {
					directBuild[e.Cap] = true
				} else {
					direct[e.Cap] = true
				}
			}
			for _, rc := range reach.Of(k) {
				if atBuild || rc.Cap == model.Build {
					buildCaps[rc.Cap] = true
					continue
				}
				runtimeCaps[rc.Cap] = true
				if !rc.Weak {
					strongRuntime[rc.Cap] = true
				}
				if len(rc.Path) > 1 && rc.Path[len(rc.Path)-1].Unit != lu.ID {
					// The first function in another package brings it.
					for _, step := range rc.Path[1:] {
						if step.Unit == lu.ID {
							continue
						}
						if other := s.unitPkg[step.Unit]; other != nil && other != p {
							if brought[rc.Cap] == nil {
								brought[rc.Cap] = map[string]bool{}
							}
							brought[rc.Cap][other.Name+" "+other.Version] = true
						}
						break
					}
				}
			}
		}
		for _, f := range analysis.Functions(g, reach, lu, name) {
			switch {
			case len(f.Reachable) == 0:
			case f.Public || f.Entry:
				cr.Functions = append(cr.Functions, f)
			case s.opt.Internal:
				cr.Internal = append(cr.Internal, f)
			}
		}
	}
	for c := range direct {
		cr.Direct = append(cr.Direct, c)
	}
	for c := range directBuild {
		cr.DirectBuild = append(cr.DirectBuild, c)
	}
	for c := range runtimeCaps {
		cr.Runtime = append(cr.Runtime, c)
		if !strongRuntime[c] {
			cr.RuntimeByName = append(cr.RuntimeByName, c)
		}
	}
	cr.RuntimeByName = model.SortCaps(cr.RuntimeByName)
	for c := range buildCaps {
		cr.BuildTime = append(cr.BuildTime, c)
	}
	cr.Direct, cr.DirectBuild = model.SortCaps(cr.Direct), model.SortCaps(cr.DirectBuild)
	cr.Runtime, cr.BuildTime = model.SortCaps(cr.Runtime), model.SortCaps(cr.BuildTime)
	for c, names := range brought {
		if direct[c] {
			continue
		}
		for n := range names {
			cr.BroughtBy[c] = append(cr.BroughtBy[c], n)
		}
		sort.Strings(cr.BroughtBy[c])
	}
	sort.SliceStable(cr.Functions, func(a, b int) bool { return cr.Functions[a].Path < cr.Functions[b].Path })
	sort.SliceStable(cr.Internal, func(a, b int) bool { return cr.Internal[a].Path < cr.Internal[b].Path })
	return cr
}

func orEmpty(ds []diag.Diagnostic) []diag.Diagnostic {
	if ds == nil {
		return []diag.Diagnostic{}
	}
	return ds
}
