package analysis

import (
	"strings"

	"github.com/wardenrs/warden/internal/graph"
	"github.com/wardenrs/warden/internal/model"
)

// LinkUnit is a unit placed in a call graph of several targets and
// crates.
type LinkUnit struct {
	// ID is unique in the graph: the package id and the target.
	ID   string
	Unit *Unit
	// Dep returns the library unit that a crate name used in this unit's
	// code stands for (a dependency; for a binary, also the package's own
	// library), or nil when it is not available.
	Dep func(crate string) *LinkUnit

	funcs map[string]bool
}

func (u *LinkUnit) has(path string) bool {
	if u.funcs == nil {
		u.funcs = make(map[string]bool, len(u.Unit.Funcs))
		for _, f := range u.Unit.Funcs {
			u.funcs[f.Path] = true
		}
	}
	return u.funcs[path]
}

// Link adds the units' functions to g and links their calls: calls
// within a unit by path, calls into other crates through the called
// crate's public re-exports (tokio::net::TcpStream::connect lands in
// tokio::net::tcp::stream::TcpStream::connect) to the unit of the exact
// package the caller depends on, so two versions of one crate never mix.
//
// A trait method called on a generic or dyn receiver is linked, besides,
// to every impl of that trait in the units (class-hierarchy
// analysis across crates: hyper's call of tower_service::Service::call
// on its connector reaches reqwest's and hyper's connectors), as an
// indirect call (and to the unit's own impls of another crate's trait).
// Traits are matched by the unit that defines them and
// their path there, so two versions of a trait crate stay apart.
func Link(g *graph.Graph, units []*LinkUnit) {
	impls := map[string][]graph.Key{}
	for _, u := range units {
		for _, fn := range u.Unit.Funcs {
			if fn.Implements == "" {
				continue
			}
			if k, ok := traitKey(u, fn.Implements); ok {
				impls[k] = append(impls[k], graph.Key{Unit: u.ID, Path: fn.Path})
			}
		}
	}
	for _, u := range units {
		for _, fn := range u.Unit.Funcs {
			n := g.Node(graph.Key{Unit: u.ID, Path: fn.Path})
			for _, e := range fn.Effect {
				n.AddEffect(e.Cap, e.Callee, e.Weak)
			}
			for _, c := range fn.Calls {
				to := graph.Key{Unit: u.ID, Path: c.Callee}
				if c.External {
					k, ok := resolveExternal(u, c.Callee)
					if !ok {
						continue
					}
					to = k
				}
				n.Calls = append(n.Calls, graph.Edge{To: to, Indirect: c.Indirect, Weak: c.Weak})
			}
			for _, tc := range fn.TraitCalls {
				k, ok := traitKey(u, tc)
				if !ok {
					continue
				}
				own := strings.HasPrefix(k, u.ID+" ") // the unit's trait: its analysis linked its own impls
				for _, to := range impls[k] {
					if !own || to.Unit != u.ID {
						n.Calls = append(n.Calls, graph.Edge{To: to, Indirect: true})
					}
				}
			}
		}
	}
}

// traitKey names a trait method (Trait::m as unit u writes it) by the
// unit that defines the trait and its path there, following crate names
// and public re-exports (hyper::service::Service::call is
// tower_service::Service::call in tower-service's unit). ok is false
// for a trait outside the units.
func traitKey(u *LinkUnit, path string) (string, bool) {
	for hop := 0; hop < 6; hop++ {
		i := strings.Index(path, "::")
		if i < 0 {
			return "", false
		}
		dep := u
		if u.Dep != nil {
			if d := u.Dep(path[:i]); d != nil {
				dep = d
			}
		}
		if dep == u && path[:i] != u.Unit.Crate {
			return "", false // a crate the unit does not know
		}
		path = dep.Unit.Crate + path[i:]
		p, ok := dep.Unit.Unalias(path)
		if !ok {
			return dep.ID + " " + path, true
		}
		path, u = p, dep
	}
	return "", false
}

// resolveExternal maps a path used in unit from (its first segment is an
// extern crate name of that unit) to the function of the unit that
// defines it, following public re-exports, also across crates (a
// re-export of another crate's item).
func resolveExternal(from *LinkUnit, path string) (graph.Key, bool) {
	u := from
	for hop := 0; hop < 6; hop++ {
		i := strings.Index(path, "::")
		if i < 0 || u.Dep == nil {
			return graph.Key{}, false
		}
		var dep *LinkUnit
		if hop > 0 && path[:i] == u.Unit.Crate {
			dep = u // a re-export within the crate reached last
		} else {
			dep = u.Dep(path[:i])
		}
		if dep == nil {
			return graph.Key{}, false
		}
		// The caller names the crate by its extern name (a renamed
		// dependency); the dependency's items are under its own name.
		path = dep.Unit.Crate + path[i:]
		if dep.has(path) {
			return graph.Key{Unit: dep.ID, Path: path}, true
		}
		var ok bool
		if path, ok = dep.Unit.Unalias(path); !ok {
			return graph.Key{}, false
		}
		if dep.has(path) {
			return graph.Key{Unit: dep.ID, Path: path}, true
		}
		u = dep // a re-export of another crate's item: resolve from there
	}
	return graph.Key{}, false
}

// Unalias rewrites path, a path into the unit's crate, through the
// longest prefix the crate re-exports from elsewhere (pub use): the
// path it names at its definition. ok is false when no prefix is a
// re-export.
func (u *Unit) Unalias(path string) (string, bool) {
	segs := strings.Split(path, "::")
	for k := len(segs); k >= 2; k-- {
		prefix := strings.Join(segs[:k], "::")
		if target, ok := u.Aliases[prefix]; ok && target != prefix {
			if k < len(segs) {
				target += "::" + strings.Join(segs[k:], "::")
			}
			return target, true
		}
	}
	return path, false
}

// Functions summarises the functions of units after propagation: for
// each real function, its direct capabilities, what it reaches and one
// witness per reachable capability. name renders a function of the
// graph in witnesses.
func Functions(g *graph.Graph, reach *graph.Reachability, u *LinkUnit, name func(graph.Key) string) []Function {
	var out []Function
	seen := map[string]bool{}
	for _, fn := range u.Unit.Funcs {
		if fn.Pseudo || seen[fn.Path] {
			continue
		}
		seen[fn.Path] = true
		k := graph.Key{Unit: u.ID, Path: fn.Path}
		f := Function{Path: fn.Path, Public: fn.Public, Entry: fn.Entry, Target: u.Unit.Kind, BuildTime: u.Unit.BuildTime,
			File: fn.File, Line: fn.Line, Direct: []model.Capability{}, Reachable: []model.Capability{}, Witness: []string{}}
		if g.Has(k) {
			for c := range g.Node(k).Direct {
				f.Direct = append(f.Direct, c)
			}
		}
		f.Direct = model.SortCaps(f.Direct)
		for _, rc := range reach.Of(k) {
			f.Reachable = append(f.Reachable, rc.Cap)
			if rc.Weak {
				f.ByName = append(f.ByName, rc.Cap)
			}
			f.Witness = append(f.Witness, Witness(rc, name))
		}
		out = append(out, f)
	}
	return out
}

// Witness renders a witness as "fn -> fn -> callee", marked
// "(indirect)" when it uses a call resolved by method name only or a
// function used as a value.
func Witness(rc graph.Reach, name func(graph.Key) string) string {
	parts := make([]string, 0, len(rc.Path)+1)
	for _, k := range rc.Path {
		parts = append(parts, name(k))
	}
	w := strings.Join(append(parts, rc.Callee), " -> ")
	switch {
	case rc.Weak:
		w += " (by name)"
	case rc.Indirect:
		w += " (indirect)"
	}
	return w
}
