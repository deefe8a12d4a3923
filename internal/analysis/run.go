package analysis

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/effects"
	"github.com/wardenrs/warden/internal/graph"
	"github.com/wardenrs/warden/internal/iosafety"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/resolve"
)

// Run analyses the crate in dir: it loads it, resolves and expands each
// target, finds the effects of every function and propagates them
// through the crate's call graph.
func Run(ctx context.Context, dir string, opt load.Options) (*Result, error) {
	c, err := load.Load(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	return Analyze(ctx, c, effects.Builtin(), Options{})
}

// Options tune the analysis.
type Options struct {
	// NoIOSafety skips the I/O-safety checks (used to measure their cost).
	NoIOSafety bool
}

// Analyze runs the analysis on a loaded crate with a capability model.
func Analyze(ctx context.Context, c *load.Crate, model *effects.Model, opt Options) (*Result, error) {
	res := &Result{Crate: crateInfo(c)}
	g := graph.New()
	var funcs []*effects.Func
	funcTarget := map[*effects.Func]*load.Target{}
	for _, t := range c.Targets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := targetCrateName(c, t)
		r := resolve.New(c, t, name, model.Knows)
		if t.Kind != "build-script" && !opt.NoIOSafety {
			res.Findings = append(res.Findings, iosafety.Run(r, model)...)
			if t.Kind == "lib" || res.Adoption.ImplAsFd == nil {
				res.Adoption = iosafety.Adopt(r)
			}
		}
		f := effects.NewFinder(r, model)
		f.InBuildScript = t.Kind == "build-script"
		f.Run()
		if t.Kind == "build-script" {
			res.Effects = append(res.Effects, Effect{
				Function: name, Callee: "build script " + relFile(c, t.Root.File.Name), Capability: effects.Build,
				Kind: "build_script", File: relFile(c, t.Root.File.Name), Line: 1, Col: 1, Confidence: High,
			})
		}
		if t.Kind == "proc-macro" {
			res.Effects = append(res.Effects, Effect{
				Function: name, Callee: "proc-macro crate", Capability: effects.Build,
				Kind: "proc_macro", File: relFile(c, t.Root.File.Name), Line: 1, Col: 1, Confidence: High,
			})
		}
		for _, fn := range f.Funcs {
			funcTarget[fn] = t
		}
		if t.Kind == "lib" || t.Kind == "proc-macro" {
			res.Facts = &Facts{CrateName: name, Funcs: f.Funcs, Aliases: r.Aliases()}
		}
		funcs = append(funcs, f.Funcs...)
		if t.Kind == "lib" || t.Kind == "proc-macro" || len(c.Targets) == 1 {
			res.Imports = append(res.Imports, imports(c, r)...)
		}
	}
	// Effects and graph nodes.
	for _, fn := range funcs {
		n := g.Node(fn.Path)
		for _, e := range fn.Effects {
			pos := c.Fset.Position(e.Pos)
			conf := High
			if e.Low {
				conf = Low
			}
			res.Effects = append(res.Effects, Effect{
				Function: fn.Path, Callee: e.Callee, Capability: e.Cap, Kind: e.Kind,
				File: relFile(c, pos.Filename), Line: pos.Line, Col: pos.Column, Confidence: conf, ViaMacro: e.Via,
			})
			n.AddEffect(e.Cap, e.Callee, e.Low || strings.HasPrefix(e.Callee, "?::"))
		}
		for _, call := range fn.Calls {
			n.Calls = append(n.Calls, graph.Edge{To: call.Callee, Indirect: call.Indirect})
		}
	}
	reach := g.Reachable()
	seen := map[string]bool{}
	for _, fn := range funcs {
		if seen[fn.Path] || !isFunction(fn) {
			continue
		}
		seen[fn.Path] = true
		pos := c.Fset.Position(fn.Pos)
		out := Function{Path: fn.Path, Public: fn.Public && funcTarget[fn].Kind != "build-script", File: relFile(c, pos.Filename), Line: pos.Line,
			Direct: []effects.Capability{}, Reachable: []effects.Capability{}, Witness: []string{}}
		for cap := range g.Node(fn.Path).Direct {
			out.Direct = append(out.Direct, cap)
		}
		out.Direct = effects.SortCaps(out.Direct)
		for _, rc := range reach[fn.Path] {
			out.Reachable = append(out.Reachable, rc.Cap)
			w := strings.Join(rc.Witness, " -> ")
			if rc.Indirect {
				w += " (indirect)"
			}
			out.Witness = append(out.Witness, w)
		}
		res.Functions = append(res.Functions, out)
	}
	for _, p := range c.Problems {
		res.Problems = append(res.Problems, Problem{Kind: p.Kind, File: relFile(c, p.Pos.Filename), Line: p.Pos.Line, Col: p.Pos.Column, Msg: p.Msg})
	}
	res.Findings = dedupFindings(res.Findings)
	sortEffects(res.Effects)
	res.Summary = summarize(res)
	normalize(res)
	return res, nil
}

// isFunction reports whether a Func is a real function rather than the
// item level of a module (extern blocks, unsafe impls) or an
// initializer.
func isFunction(fn *effects.Func) bool { return !fn.Pseudo }

func targetCrateName(c *load.Crate, t *load.Target) string {
	switch t.Kind {
	case "lib", "proc-macro":
		return c.Name
	case "build-script":
		return "build_script_build"
	}
	return strings.ReplaceAll(t.Name, "-", "_")
}

func relFile(c *load.Crate, name string) string {
	if name == "" {
		return ""
	}
	if r, err := filepath.Rel(c.Dir, name); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return name
}

func crateInfo(c *load.Crate) CrateInfo {
	m := c.Manifest
	info := CrateInfo{Name: m.Name, Version: m.Version, Path: c.Dir, Edition: m.Edition, Target: c.Cfg.Target.Triple,
		BuildScript: m.BuildScript != nil, ProcMacro: m.Lib != nil && m.Lib.Kind == "proc-macro"}
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

// authorityModules are the std modules and system crates whose imports
// the import analysis lists.
var authorityModules = []string{
	"std::fs", "std::net", "std::os", "std::process", "std::env", "std::path", "std::io", "std::ffi",
	"std::ptr", "std::mem", "std::alloc", "std::arch", "std::thread",
	"libc", "nix", "rustix", "winapi", "windows_sys", "windows", "linux_raw_sys", "errno",
}

func authorityModule(path string) string {
	path = effects.Canonical(path)
	for _, m := range authorityModules {
		if path == m || strings.HasPrefix(path, m+"::") {
			if strings.HasPrefix(m, "std::") {
				// std::os::unix::net -> group by the second-level module.
				return m
			}
			return m
		}
	}
	return ""
}

func imports(c *load.Crate, r *resolve.Resolver) []Import {
	var out []Import
	for _, im := range r.Imports {
		mod := authorityModule(im.Path)
		if mod == "" {
			continue
		}
		pos := c.Fset.Position(im.Pos)
		out = append(out, Import{Dir: c.Dir, File: relFile(c, pos.Filename), Line: pos.Line, Module: mod, Path: effects.Canonical(im.Path)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Module != out[j].Module {
			return out[i].Module < out[j].Module
		}
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// dedupFindings drops findings reported twice (a module shared by the
// library and a binary target).
func dedupFindings(fs []iosafety.Finding) []iosafety.Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := fmt.Sprintf("%s %s %s:%d:%d", f.ID, f.Item, f.File, f.Line, f.Col)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

func sortEffects(es []Effect) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Capability.Rank() < b.Capability.Rank()
	})
}

func summarize(r *Result) Summary {
	s := Summary{Effects: len(r.Effects), ByCapability: map[effects.Capability]int{}, Functions: len(r.Functions), Problems: len(r.Problems)}
	for _, e := range r.Effects {
		s.ByCapability[e.Capability]++
		if e.Confidence == Low {
			s.LowConfidence++
		}
	}
	for _, f := range r.Findings {
		if !f.Suppressed {
			s.Findings++
		}
	}
	for _, f := range r.Functions {
		if f.Public {
			s.PublicFunctions++
			if len(f.Reachable) > 0 {
				s.PublicWithEffects++
			}
		}
	}
	return s
}

func normalize(r *Result) {
	if r.Effects == nil {
		r.Effects = []Effect{}
	}
	if r.Functions == nil {
		r.Functions = []Function{}
	}
	if r.Imports == nil {
		r.Imports = []Import{}
	}
	if r.Problems == nil {
		r.Problems = []Problem{}
	}
	if r.Findings == nil {
		r.Findings = []iosafety.Finding{}
	}
	if r.Crate.Features == nil {
		r.Crate.Features = []string{}
	}
	if r.Crate.Dependencies == nil {
		r.Crate.Dependencies = []string{}
	}
}
