package analysis

import (
	"context"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/analyzer"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/effects"
	"github.com/wardenrs/warden/internal/graph"
	"github.com/wardenrs/warden/internal/imports"
	"github.com/wardenrs/warden/internal/iosafety"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/program"
)

// Options tune the analysis of one crate.
type Options struct {
	// NoIOSafety skips the I/O-safety checks (used to measure their cost).
	NoIOSafety bool
	// Deps provides what the crate's dependencies offer: their macros
	// (expanded at the use site) and their library units (linked into
	// the crate's call graph). Nil: dependencies are not seen.
	Deps Deps
	// NoFunctions leaves Result.Functions empty, for a caller that links
	// the units itself (a tree links every package's units into one
	// graph, and would throw the crate's own linking away).
	NoFunctions bool
	// CallSites fills Result.CallSites (warden debug calls).
	CallSites bool
}

// Deps is what a crate's analysis can know of its dependencies.
type Deps interface {
	program.MacroSource
	analyzer.Types
	// Lib returns the library unit of the dependency known in the crate's
	// code as crate (an extern crate name), placed in the caller's graph,
	// or nil.
	Lib(crate string) *LinkUnit
}

// Run loads the crate in dir and analyses it without its dependencies.
func Run(ctx context.Context, dir string, opt load.Options) (*Result, error) {
	return RunWith(ctx, dir, opt, Options{})
}

// RunWith is Run with analysis options (their Deps are ignored).
func RunWith(ctx context.Context, dir string, opt load.Options, aopt Options) (*Result, error) {
	c, err := load.Load(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	return Analyze(ctx, c, model.Builtin(), Options{CallSites: aopt.CallSites, NoIOSafety: aopt.NoIOSafety})
}

// Analyze runs the analyzers on every target of a loaded crate and
// links the targets (and, with opt.Deps, the dependencies).
func Analyze(ctx context.Context, c *load.Crate, m *model.Model, opt Options) (*Result, error) {
	res := &Result{Crate: crateInfo(c)}
	var macros program.MacroSource
	var types analyzer.Types
	if opt.Deps != nil {
		macros, types = opt.Deps, opt.Deps
	}
	analyzers := []*analyzer.Analyzer{effects.Analyzer, imports.Analyzer}
	if !opt.NoIOSafety {
		analyzers = append(analyzers, iosafety.Analyzer)
	}
	seenImport := map[string]bool{}
	var ownLib program.MacroSource
	for _, t := range c.Targets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := TargetCrateName(c, t)
		targetMacros := macros
		if ownLib != nil && t.Kind != manifest.KindBuildScript && !isLib(t.Kind) {
			targetMacros = ownLib
		}
		prog, err := program.Build(ctx, c, t, program.Options{CrateName: name, Known: m.Knows, KnownPath: m.KnowsPath, Macros: targetMacros})
		if err != nil {
			return nil, err
		}
		if isLib(t.Kind) && t.Kind != manifest.KindProcMacro && len(prog.ExportedCompiled) > 0 {
			// The library comes first: its macros are the binaries'.
			ownLib = program.OwnLibrary(prog, name, macros)
		}
		buildTime := t.Kind == manifest.KindBuildScript || t.Kind == manifest.KindProcMacro
		results, diags, err := analyzer.Run(ctx, prog, analyzer.Config{Model: m, BuildTime: buildTime, Types: types, CallSites: opt.CallSites}, analyzers)
		if err != nil {
			return nil, err
		}
		res.Diagnostics = append(res.Diagnostics, diags...)
		res.Diagnostics = append(res.Diagnostics, programDiagnostics(c, prog, buildTime)...)
		if a, ok := results[iosafety.Analyzer].(*iosafety.Adoption); ok && a != nil && (isLib(t.Kind) || res.Adoption.ImplAsFd == nil) {
			res.Adoption = *a
		}
		for _, im := range results[imports.Analyzer].([]imports.Import) {
			key := im.Dir + "\x00" + im.File + "\x00" + im.Path
			if !seenImport[key] {
				seenImport[key] = true
				res.Imports = append(res.Imports, im)
			}
		}
		u := &Unit{Kind: string(t.Kind), Crate: name, BuildTime: buildTime}
		for _, fn := range results[effects.Analyzer].(*effects.Result).Funcs {
			u.Funcs = append(u.Funcs, funcFact(c, fn))
			if opt.CallSites {
				res.CallSites = append(res.CallSites, callSites(c, fn)...)
			}
		}
		if isLib(t.Kind) {
			u.Aliases = prog.R.Aliases()
			u.Macros = prog.Exported
		}
		res.Units = append(res.Units, u)
		res.Crate.Targets = append(res.Crate.Targets, targetLabel(t))
	}
	for _, p := range c.Problems {
		d := diag.Diagnostic{Category: diag.Problem, Kind: p.Kind, Pos: analyzer.Position(c.Dir, p.Pos), Message: p.Msg}
		if p.Blind {
			d.Category = diag.BlindSpot
		}
		res.Diagnostics = append(res.Diagnostics, d)
	}
	res.Diagnostics = diag.Sort(res.Diagnostics)
	imports.Sort(res.Imports)

	// The package's targets, linked with each other (binaries call the
	// library) and with the dependencies.
	if !opt.NoFunctions {
		g := graph.New()
		units := PackageUnits("", res, opt.Deps)
		Link(g, units)
		reach := g.Reachable()
		name := func(k graph.Key) string { return k.Path }
		for _, u := range units {
			res.Functions = append(res.Functions, Functions(g, reach, u, name)...)
		}
	}
	normalize(res)
	return res, nil
}

// PackageUnits places a crate's units in a graph: ids are prefix plus
// the target, binaries see the package's library, and deps (if any)
// provide the dependencies' libraries.
func PackageUnits(prefix string, res *Result, deps Deps) []*LinkUnit {
	var units []*LinkUnit
	var lib *LinkUnit
	for _, u := range res.Units {
		lu := &LinkUnit{ID: prefix + u.Kind + ":" + u.Crate, Unit: u}
		if isLib(manifest.TargetKind(u.Kind)) {
			lib = lu
		}
		units = append(units, lu)
	}
	for _, lu := range units {
		own := lu != lib && lu.Unit.Kind != string(manifest.KindBuildScript)
		lu.Dep = func(crate string) *LinkUnit {
			if own && lib != nil && crate == lib.Unit.Crate {
				return lib
			}
			if deps != nil {
				return deps.Lib(crate)
			}
			return nil
		}
	}
	return units
}

func isLib(k manifest.TargetKind) bool { return k == manifest.KindLib || k == manifest.KindProcMacro }

func targetLabel(t *load.Target) string {
	switch t.Kind {
	case manifest.KindLib, manifest.KindProcMacro, manifest.KindBuildScript:
		return string(t.Kind)
	}
	return string(t.Kind) + " " + t.Name
}

// programDiagnostics turns what lowering could not see into blind spots,
// and its input problems into problems.
func programDiagnostics(c *load.Crate, p *program.Program, buildTime bool) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, b := range p.BlindSpots {
		out = append(out, diag.Diagnostic{Category: diag.BlindSpot, Kind: b.Kind, BuildTime: buildTime,
			Pos: analyzer.Position(c.Dir, c.Fset.Position(b.Pos)), Message: b.Msg})
	}
	for _, pr := range p.Problems {
		d := diag.Diagnostic{Category: diag.Problem, Kind: pr.Kind, BuildTime: buildTime, Pos: analyzer.Position(c.Dir, pr.Pos), Message: pr.Msg}
		if pr.Blind {
			d.Category = diag.BlindSpot
		}
		out = append(out, d)
	}
	return out
}

func funcFact(c *load.Crate, fn *effects.Func) FuncFact {
	f := FuncFact{Path: fn.Path, Public: fn.Public, Entry: fn.Entry, Pseudo: fn.Pseudo, Ret: fn.Ret, Unsafe: fn.Unsafe,
		Implements: fn.Implements, TraitCalls: fn.TraitCalls}
	if pos := c.Fset.Position(fn.Pos); pos.Filename != "" {
		f.File, f.Line = analyzer.RelFile(c.Dir, pos.Filename), pos.Line
	}
	for _, e := range fn.Effects {
		f.Effect = append(f.Effect, EffectFact{Cap: e.Cap, Callee: e.Callee, Weak: e.Res.Weak()})
	}
	for _, cl := range fn.Calls {
		f.Calls = append(f.Calls, CallFact{Callee: cl.Callee, Indirect: cl.Indirect, Weak: cl.Res.Weak(), External: cl.External})
	}
	return f
}

// callSites lists the calls and modelled calls of a function with
// their positions and resolutions.
func callSites(c *load.Crate, fn *effects.Func) []CallSite {
	var out []CallSite
	for _, cl := range append(fn.Calls, fn.StdCalls...) {
		if cl.Implicit {
			continue // not written in the source
		}
		callee := cl.Callee
		if cl.Trait != "" {
			callee = cl.Trait // the trait method rustc resolves to, once
		}
		out = append(out, CallSite{Caller: fn.Path, Callee: callee, Pos: analyzer.Position(c.Dir, c.Fset.Position(cl.Pos)), Resolution: cl.Res, Method: cl.Method, Value: cl.Value})
	}
	for _, e := range fn.Effects {
		if e.Site || e.Kind == "fn_pointer" {
			out = append(out, CallSite{Caller: fn.Path, Callee: e.Callee, Pos: analyzer.Position(c.Dir, c.Fset.Position(e.Pos)), Resolution: e.Res, Method: e.Method, Value: e.Kind == "fn_pointer"})
		}
	}
	return out
}

// TargetCrateName is the name a target's items have in paths.
func TargetCrateName(c *load.Crate, t *load.Target) string {
	switch t.Kind {
	case manifest.KindLib, manifest.KindProcMacro:
		return c.Name
	case manifest.KindBuildScript:
		return "build_script_build"
	}
	return strings.ReplaceAll(t.Name, "-", "_")
}

func crateInfo(c *load.Crate) CrateInfo {
	m := c.Manifest
	info := CrateInfo{Name: m.Name, Version: m.Version, Path: c.Dir, Edition: m.Edition, Target: c.Cfg.Target.Triple,
		BuildScript: m.BuildScript != nil, ProcMacro: m.Lib != nil && m.Lib.Kind == manifest.KindProcMacro,
		AssumedCfgs: append([]string{}, c.BuildCfgs...)}
	for f, on := range c.Features.Enabled {
		if on {
			info.Features = append(info.Features, f)
		}
	}
	sort.Strings(info.Features)
	for _, d := range m.Dependencies {
		if d.Kind == "dev" {
			continue
		}
		pkg := d.Package
		if pkg == "" {
			pkg = d.Name
		}
		if d.Optional && !c.Features.OptionalDeps[d.Name] {
			continue
		}
		s := pkg + " " + d.Version
		if d.Kind == "build" {
			s += " (build)"
		}
		info.Dependencies = append(info.Dependencies, strings.TrimSpace(s))
	}
	sort.Strings(info.Dependencies)
	return info
}

func normalize(r *Result) {
	if r.Functions == nil {
		r.Functions = []Function{}
	}
	if r.Imports == nil {
		r.Imports = []imports.Import{}
	}
	if r.Crate.Features == nil {
		r.Crate.Features = []string{}
	}
	if r.Crate.Dependencies == nil {
		r.Crate.Dependencies = []string{}
	}
	if r.Crate.Targets == nil {
		r.Crate.Targets = []string{}
	}
	if r.Adoption.ImplAsFd == nil {
		r.Adoption = iosafety.Adoption{ImplAsFd: []string{}, ImplFromOwned: []string{}, ImplAsRawOnly: []string{}}
	}
}
