// Package resolve gives names their meaning: for each module (and each
// block with items) it builds a scope of definitions and imports (use
// trees with renames, globs, nesting, self/super/crate, re-exports,
// extern crate aliases), and resolves paths to canonical paths such as
// std::fs::File::open or mycrate::net::Client::connect, through type
// aliases, impl blocks, the extern prelude (std, core, alloc and the
// crate's dependencies) and the std prelude.
//
// It is a name engine, driven by internal/program: the program stage
// expands macros and decides which items exist, then declares modules
// and items here (AddModule, Define), and calls Finish once every item is
// known, which resolves the imports and registers impl blocks.
package resolve

import (
	"strings"

	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/syntax"
)

// NS is a namespace.
type NS uint8

// Namespaces.
const (
	TypeNS NS = iota
	ValueNS
	MacroNS
	numNS
)

// DefKind is the kind of a local definition.
type DefKind uint8

// Definition kinds.
const (
	DefMod DefKind = iota
	DefFn
	DefStruct
	DefEnum
	DefUnion
	DefTrait
	DefTypeAlias
	DefConst
	DefStatic
	DefStaticMut
	DefForeignFn
	DefForeignStatic
	DefVariant
	DefMacro
)

// Def is a definition of the crate.
type Def struct {
	Kind   DefKind
	Name   string
	Path   string // canonical path, starting with the crate name
	Item   syntax.Item
	Owner  *Scope // scope the definition belongs to
	Scope  *Scope // for modules: the module's scope
	Public bool   // declared pub (plain pub, not pub(crate))
	// SelfType is, for associated functions, the canonical path of the
	// impl's self type (or of the trait, for default methods).
	SelfType string
	// Trait is, for functions of trait impls, the trait's canonical path.
	Trait string
	// Impl is, for associated functions, the impl or trait block.
	Impl syntax.Item
}

// Binding is what a name means: a local definition or an external path.
type Binding struct {
	Def *Def
	Ext string // canonical external path, e.g. "std::fs::File"
}

// IsZero reports whether b binds nothing.
func (b Binding) IsZero() bool { return b.Def == nil && b.Ext == "" }

// Path returns the canonical path of the binding.
func (b Binding) Path() string {
	if b.Def != nil {
		return b.Def.Path
	}
	return b.Ext
}

// Scope is a module scope or a block scope.
type Scope struct {
	Resolver *Resolver
	Module   *load.Module // nil for block scopes
	Path     string       // canonical path of the module (or enclosing fn, for blocks)
	Parent   *Scope       // lexical parent (blocks only)
	ModScope *Scope       // the enclosing module scope (itself for modules)
	Super    *Scope       // parent module (modules only)
	File     *syntax.File
	// SelfType is the canonical path of Self inside impl and trait
	// bodies (set on the block scopes the analysis creates).
	SelfType string

	// Items are the module's items after macro expansion, in order
	// (module scopes only; set by Define).
	Items []syntax.Item

	names [numNS]map[string]Binding
	// used marks the names bound by a use: true for a pub use (a
	// re-export).
	used    [numNS]map[string]bool
	globs   []glob
	pending []*useDecl
	// visited marks the scope as seen by the current lookup (see
	// Resolver.gen); cache memoizes lookups once imports are resolved.
	visited uint64
	cache   [numNS]map[string]Binding
}

type glob struct {
	target Binding // a local module or enum, or an external path
	pub    bool    // pub use ...::*
}

// useDecl is one leaf of a use tree, waiting to be resolved.
type useDecl struct {
	scope   *Scope
	segs    []string
	global  bool
	name    string // binding name; "" for globs; "_" for underscore imports
	glob    bool
	pub     bool
	pos     syntax.Pos
	item    *syntax.UseItem
	written string
	// firstPos is the position of the path's first segment, which
	// says which crate a $crate there means.
	firstPos syntax.Pos
}

// Import records a resolved use leaf, for the import analysis.
type Import struct {
	Scope *Scope
	Path  string // canonical path of what was imported
	// Written is the leaf as written, with its prefix: std::net::self,
	// std::os::windows::io::*, std::os::windows::raw::SOCKET as StdSocket.
	Written string
	Item    *syntax.UseItem
	Pos     syntax.Pos
	Glob    bool
}

// Resolver holds the scopes of one target of a crate.
type Resolver struct {
	Crate     *load.Crate
	Target    *load.Target
	CrateName string // name used for this target's canonical paths
	Root      *Scope
	Edition   string
	// Externs are the names of the extern prelude (dependencies and
	// extern crate items), mapped to crate names.
	Externs map[string]string
	// Methods maps a canonical type or trait path to its associated
	// functions by name (impl blocks and trait definitions).
	Methods map[string]map[string]*Def
	// MethodsByName indexes every associated function by name.
	MethodsByName map[string][]*Def
	// Types maps the canonical path of each local struct, enum, union and
	// type alias to its definition.
	Types map[string]*Def
	// Traits maps the canonical path of each local trait to its
	// definition.
	Traits  map[string]*Def
	Imports []Import
	// Unresolved lists use paths that could not be resolved.
	Unresolved []Import
	// Scopes lists every module scope, in module tree order.
	Scopes []*Scope

	env Env
	// selfAliases are the names given to this crate by extern crate
	// self as x: they name the crate root's module, not an external
	// crate, so that paths through them reach local definitions.
	selfAliases map[string]bool
	// Reachable holds the canonical paths of the local items other
	// crates can name: declared pub in a module reachable from the crate
	// root through pub modules, or re-exported into one by a pub use (of
	// the item, of a module holding it, or a glob). Set by Finish.
	Reachable map[string]bool

	// gen numbers lookups through glob imports, so that each lookup
	// visits a module at most once (glob cycles and diamonds stay linear).
	gen uint64
	// sealed is set once every import is resolved: lookups can then be
	// memoized.
	sealed bool
	// unsettled counts the use declarations of the current round of
	// resolvePending not resolved yet.
	unsettled int
	// implSelf memoizes RegisterImpl.
	implSelf map[*syntax.ImplItem]string
}

// Env is what the resolver needs from the stage that drives it.
type Env struct {
	// KnownExternal, if set, reports whether an external path is known
	// (for example to the capability model); when several glob imports
	// from other crates could provide a name, the known one wins.
	KnownExternal func(path string) bool
	// KnownPath, if set, reports whether the model names a path itself
	// (a path or name rule, not a prefix rule).
	KnownPath func(path string) bool
	// Assoc returns the items of an impl or trait block after macro
	// expansion and cfg (nil: the items as written).
	Assoc func(owner syntax.Item) []syntax.Item
	// DollarCrate names the crate a $crate token at pos stands for: the
	// crate that defines the macro whose expansion holds it ("" for this
	// crate).
	DollarCrate func(pos syntax.Pos) string
}

// New prepares the scopes of one target: the crate root's scope, the
// extern prelude (std, core, alloc, the manifest's dependencies and, for
// binaries and tests, the package's library). crateName is the name the
// target's items get in canonical paths.
func New(c *load.Crate, t *load.Target, crateName string, env Env) *Resolver {
	r := &Resolver{
		Crate:         c,
		Target:        t,
		CrateName:     crateName,
		Edition:       c.Manifest.Edition,
		Externs:       map[string]string{"std": "std", "core": "core", "alloc": "alloc"},
		Methods:       map[string]map[string]*Def{},
		MethodsByName: map[string][]*Def{},
		Types:         map[string]*Def{},
		Traits:        map[string]*Def{},
		Reachable:     map[string]bool{},
		env:           env,
	}
	// A dependency's items are named by the extern name the crate uses
	// (a renamed dependency keeps its rename: clap3::Command and
	// clap4::Command are two versions of clap); linking maps the name to
	// the package.
	for _, d := range c.Manifest.Dependencies {
		name := strings.ReplaceAll(d.Name, "-", "_")
		r.Externs[name] = name
	}
	if t.Kind != "lib" && t.Kind != "proc-macro" && c.Manifest.Lib != nil {
		// Binaries, examples and tests see the package's library.
		r.Externs[c.Name] = c.Name
	}
	r.Root = r.newModuleScope(t.Root, nil, crateName)
	return r
}

// AddModule declares the module m, a child of the scope parent (a
// module, or a block: mod m { .. } in a function body) declared by the
// item mod, and returns its scope.
func (r *Resolver) AddModule(parent *Scope, m *load.Module, mod *syntax.ModItem) *Scope {
	// super:: in a module declared in a block is the block's module.
	cs := r.newModuleScope(m, parent.ModScope, parent.Path+"::"+m.Name)
	d := &Def{Kind: DefMod, Name: m.Name, Path: cs.Path, Item: mod, Owner: parent, Scope: cs, Public: isPub(mod.Vis)}
	parent.bind(TypeNS, m.Name, Binding{Def: d})
	parent.Items = append(parent.Items, mod)
	return cs
}

// Define adds an item of a module scope (after expansion) to the scope.
func (r *Resolver) Define(s *Scope, it syntax.Item) {
	s.Items = append(s.Items, it)
	r.define(s, it, s.Path)
}

// Finish resolves every import, in rounds so that imports of imports
// settle, then registers every impl block of the module scopes. Lookups
// are memoized afterwards.
func (r *Resolver) Finish() {
	r.resolvePending(r.Scopes)
	r.sealed = true
	r.registerImpls()
	r.markReachable()
}

// markReachable fills Reachable, breadth-first from the crate root: the
// names each reachable module exports (and those of the modules it
// re-exports by pub globs), and the modules among them.
func (r *Resolver) markReachable() {
	seen := map[*Scope]bool{r.Root: true}
	queue := []*Scope{r.Root}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, x := range pubGlobScopes(s) {
			for ns := NS(0); ns < numNS; ns++ {
				for name, b := range x.names[ns] {
					if b.Def == nil || !x.exports(ns, name, b) {
						continue
					}
					r.Reachable[b.Def.Path] = true
					if b.Def.Kind == DefMod && b.Def.Scope != nil && !seen[b.Def.Scope] {
						seen[b.Def.Scope] = true
						queue = append(queue, b.Def.Scope)
					}
				}
			}
		}
	}
}

// exports reports whether the binding of name in scope s is visible to
// other crates that can name s: an item declared pub here, or a pub use.
func (s *Scope) exports(ns NS, name string, b Binding) bool {
	return b.Def != nil && b.Def.Owner == s && b.Def.Public || s.used[ns][name]
}

// pubGlobScopes returns s and the local modules and enums whose names s
// re-exports through pub globs, transitively.
func pubGlobScopes(s *Scope) []*Scope {
	out := []*Scope{s}
	seen := map[*Scope]bool{s: true}
	for i := 0; i < len(out); i++ {
		for _, g := range out[i].globs {
			if d := g.target.Def; g.pub && d != nil && d.Scope != nil && !seen[d.Scope] {
				seen[d.Scope] = true
				out = append(out, d.Scope)
			}
		}
	}
	return out
}

// UseOf returns the path of a pending or resolved use declaration of
// scope s (or an enclosing block scope) that binds name, as written:
// macro invocations need it before imports are resolved. ok is false if
// no use binds name.
func (r *Resolver) UseOf(s *Scope, name string) (segs []string, global, ok bool) {
	for sc := s; sc != nil; sc = sc.Parent {
		for _, u := range sc.pending {
			if !u.glob && u.name == name {
				return u.segs, u.global, true
			}
		}
		if _, used := sc.used[MacroNS][name]; used {
			switch b := sc.names[MacroNS][name]; {
			case b.Ext != "":
				return strings.Split(b.Ext, "::"), true, true
			case b.Def != nil && b.Def.Kind == DefMacro:
				// A macro of this crate, by path from its root.
				return []string{"crate", b.Def.Name}, false, true
			}
		}
		if sc.Module != nil {
			break
		}
	}
	return nil, false, false
}

// UseModule returns the path, as written, of the use declaration of s
// (or an enclosing block scope) that binds name in the type namespace,
// pending or resolved: "use core::ptr;" gives core::ptr for ptr, so that
// ptr::addr_of! is found. ok is false if no use binds it.
func (r *Resolver) UseModule(s *Scope, name string) (segs []string, global, ok bool) {
	for sc := s; sc != nil; sc = sc.Parent {
		for _, u := range sc.pending {
			if !u.glob && u.name == name {
				return u.segs, u.global, true
			}
		}
		if b, found := sc.names[TypeNS][name]; found && b.Ext != "" {
			return strings.Split(b.Ext, "::"), true, true
		}
		if sc.Module != nil {
			break
		}
	}
	return nil, false, false
}

// GlobSources returns the paths the glob imports of s (and of the block
// scopes enclosing it, up to its module) import from, as segments:
// "use combine::*;" gives combine. Macros imported by a glob are found
// there.
func (r *Resolver) GlobSources(s *Scope) [][]string {
	var out [][]string
	for sc := s; sc != nil; sc = sc.Parent {
		for _, u := range sc.pending {
			if u.glob {
				out = append(out, u.segs)
			}
		}
		for _, g := range sc.globs {
			switch {
			case g.target.Ext != "":
				out = append(out, strings.Split(g.target.Ext, "::"))
			case g.target.Def != nil && g.target.Def.Scope != nil:
				out = append(out, append([]string{"crate"}, strings.Split(g.target.Def.Path, "::")[1:]...))
			}
		}
		if sc.Module != nil {
			break
		}
	}
	return out
}

func (r *Resolver) newModuleScope(m *load.Module, parent *Scope, path string) *Scope {
	s := &Scope{Resolver: r, Module: m, Path: path, Super: parent}
	if m != nil {
		s.File = m.File
	}
	s.ModScope = s
	for i := range s.names {
		s.names[i] = map[string]Binding{}
	}
	r.Scopes = append(r.Scopes, s)
	return s
}

// NewBlockScope returns a scope for a block whose items (fns, uses,
// structs...) are given; outer is the enclosing scope and path the
// canonical path of the enclosing function.
func (r *Resolver) NewBlockScope(outer *Scope, path string, items []syntax.Item) *Scope {
	return r.NewBlockScopeWith(outer, path, items, nil)
}

// NewBlockScopeWith is NewBlockScope for a block that may declare
// modules: lowerMod declares each (AddModule on the block's scope) and
// defines its items, before the imports of the block and of those
// modules are resolved and their impls registered.
func (r *Resolver) NewBlockScopeWith(outer *Scope, path string, items []syntax.Item, lowerMod func(block *Scope, mod *syntax.ModItem)) *Scope {
	s := &Scope{Resolver: r, Path: path, Parent: outer, ModScope: outer.ModScope, File: outer.File, SelfType: outer.SelfType}
	for i := range s.names {
		s.names[i] = map[string]Binding{}
	}
	for _, it := range items {
		r.define(s, it, path)
	}
	first := len(r.Scopes)
	if lowerMod != nil {
		for _, it := range items {
			if mod, ok := it.(*syntax.ModItem); ok {
				lowerMod(s, mod)
			}
		}
	}
	mods := r.Scopes[first:]
	// The block's imports are not all known while they are resolved:
	// lookups must not be memoized meanwhile.
	sealed := r.sealed
	r.sealed = false
	r.resolvePending(append([]*Scope{s}, mods...))
	r.sealed = sealed
	for _, it := range items {
		if im, ok := it.(*syntax.ImplItem); ok {
			r.RegisterImpl(s, im)
		}
	}
	for _, ms := range mods {
		for _, it := range ms.Items {
			if im, ok := it.(*syntax.ImplItem); ok {
				r.RegisterImpl(ms, im)
			}
		}
	}
	return s
}

// assocItems returns the items of an impl or trait block after expansion.
// AssocItems returns the items of an impl or trait block after macro
// expansion and cfg.
func (r *Resolver) AssocItems(owner syntax.Item) []syntax.Item { return r.assocItems(owner) }

func (r *Resolver) assocItems(owner syntax.Item) []syntax.Item {
	if r.env.Assoc != nil {
		return r.env.Assoc(owner)
	}
	switch it := owner.(type) {
	case *syntax.ImplItem:
		return it.Items
	case *syntax.TraitItem:
		return it.Items
	}
	return nil
}

func isPub(v *syntax.Visibility) bool { return v != nil && v.Kind == syntax.VisPub }

func (s *Scope) bind(ns NS, name string, b Binding) {
	if name == "" || name == "_" {
		return
	}
	s.names[ns][name] = b
}

// define adds one item's definitions to scope s.
func (r *Resolver) define(s *Scope, it syntax.Item, path string) {
	def := func(kind DefKind, name string, ns ...NS) *Def {
		base := load.ItemBase(it)
		d := &Def{Kind: kind, Name: name, Path: path + "::" + name, Item: it, Owner: s, Public: base != nil && isPub(base.Vis)}
		for _, n := range ns {
			s.bind(n, name, Binding{Def: d})
		}
		switch kind {
		case DefStruct, DefEnum, DefUnion, DefTypeAlias:
			if _, dup := r.Types[d.Path]; !dup {
				r.Types[d.Path] = d
			}
		case DefTrait:
			if _, dup := r.Traits[d.Path]; !dup {
				r.Traits[d.Path] = d
			}
		}
		return d
	}
	switch it := it.(type) {
	case *syntax.FnItem:
		def(DefFn, it.Name.Name, ValueNS)
	case *syntax.StructItem:
		if it.Kind == syntax.StructNamed {
			def(DefStruct, it.Name.Name, TypeNS)
		} else {
			def(DefStruct, it.Name.Name, TypeNS, ValueNS)
		}
	case *syntax.UnionItem:
		def(DefUnion, it.Name.Name, TypeNS)
	case *syntax.EnumItem:
		d := def(DefEnum, it.Name.Name, TypeNS)
		vs := &Scope{Resolver: r, Path: d.Path, ModScope: s.ModScope, File: s.File}
		for i := range vs.names {
			vs.names[i] = map[string]Binding{}
		}
		for _, v := range it.Variants {
			vd := &Def{Kind: DefVariant, Name: v.Name.Name, Path: d.Path + "::" + v.Name.Name, Item: it, Owner: vs, Public: d.Public}
			vs.bind(TypeNS, v.Name.Name, Binding{Def: vd})
			vs.bind(ValueNS, v.Name.Name, Binding{Def: vd})
		}
		d.Scope = vs
	case *syntax.TraitItem:
		d := def(DefTrait, it.Name.Name, TypeNS)
		for _, ai := range r.assocItems(it) {
			if fn, ok := ai.(*syntax.FnItem); ok {
				m := r.addMethod(d.Path, "", fn, s, d.Public || isPub(fn.Vis))
				m.Impl = it
			}
		}
	case *syntax.TypeAliasItem:
		def(DefTypeAlias, it.Name.Name, TypeNS)
	case *syntax.ConstItem:
		def(DefConst, it.Name.Name, ValueNS)
	case *syntax.StaticItem:
		if it.Mut {
			def(DefStaticMut, it.Name.Name, ValueNS)
		} else {
			def(DefStatic, it.Name.Name, ValueNS)
		}
	case *syntax.ExternCrateItem:
		name := it.Name.Name
		crate := name
		if name == "self" {
			crate = r.CrateName
		}
		bindName := name
		if it.Rename != nil {
			bindName = it.Rename.Name
		}
		if bindName == "self" {
			return
		}
		if name == "self" {
			if r.selfAliases == nil {
				r.selfAliases = map[string]bool{}
			}
			r.selfAliases[bindName] = true
		}
		s.bind(TypeNS, bindName, r.externBinding(bindName, crate))
		if isPub(it.Vis) {
			// pub extern crate quote; re-exports the crate like a pub
			// use (syn's __private::quote).
			if s.used[TypeNS] == nil {
				s.used[TypeNS] = map[string]bool{}
			}
			s.used[TypeNS][bindName] = true
		}
		if s == r.Root || s.ModScope == r.Root {
			r.Externs[bindName] = crate
		}
	case *syntax.ExternBlockItem:
		for _, fi := range it.Items {
			switch fi := fi.(type) {
			case *syntax.FnItem:
				d := &Def{Kind: DefForeignFn, Name: fi.Name.Name, Path: path + "::" + fi.Name.Name, Item: fi, Owner: s, Public: isPub(fi.Vis)}
				s.bind(ValueNS, fi.Name.Name, Binding{Def: d})
			case *syntax.StaticItem:
				d := &Def{Kind: DefForeignStatic, Name: fi.Name.Name, Path: path + "::" + fi.Name.Name, Item: fi, Owner: s, Public: isPub(fi.Vis)}
				s.bind(ValueNS, fi.Name.Name, Binding{Def: d})
			}
		}
	case *syntax.MacroRulesItem:
		if hasAttr(it.Attrs, "macro_export") {
			// #[macro_export] puts the macro at the crate root's path
			// scope, wherever it is defined.
			d := &Def{Kind: DefMacro, Name: it.Name.Name, Path: r.CrateName + "::" + it.Name.Name, Item: it, Owner: r.Root, Public: true}
			r.Root.bind(MacroNS, it.Name.Name, Binding{Def: d})
		} else if s.Module != nil {
			// Otherwise a use may import it from its module, once a use
			// there has made it an item (macro_rules! m {..} pub(crate)
			// use m;): both are read as the module's macro.
			d := &Def{Kind: DefMacro, Name: it.Name.Name, Path: path + "::" + it.Name.Name, Item: it, Owner: s}
			s.bind(MacroNS, it.Name.Name, Binding{Def: d})
		}
	case *syntax.UseItem:
		r.addUse(s, it, it.Tree, nil, nil, false, isPub(it.Vis), 0)
	case *syntax.ImplItem:
		// Impl blocks are registered once every import is known (their
		// self type may be imported): see registerImpls.
	}
}

// hasAttr reports whether attrs hold an attribute with this name.
func hasAttr(attrs []*syntax.Attr, name string) bool {
	for _, a := range attrs {
		if a.Name() == name {
			return true
		}
	}
	return false
}

// addUse flattens a use tree into pending declarations; written is the
// prefix as written (raw identifiers keep their r#).
func (r *Resolver) addUse(s *Scope, item *syntax.UseItem, t *syntax.UseTree, prefix, written []string, global, pub bool, firstPos syntax.Pos) {
	if len(prefix) == 0 && len(t.Path) > 0 {
		firstPos = t.Path[0].Pos()
	}
	segs := append(append([]string(nil), prefix...), identNames(t.Path)...)
	written = append(append([]string(nil), written...), writtenNames(t.Path)...)
	global = global || t.Global
	lead := ""
	if global {
		lead = "::"
	}
	switch t.Kind {
	case syntax.UseGroup:
		for _, c := range t.Children {
			r.addUse(s, item, c, segs, written, global, pub, firstPos)
		}
	case syntax.UseGlob:
		s.pending = append(s.pending, &useDecl{scope: s, segs: segs, global: global, glob: true, pub: pub, pos: t.Pos(),
			item: item, written: lead + strings.Join(append(written, "*"), "::"), firstPos: firstPos})
	default:
		if len(segs) == 0 {
			return
		}
		w := lead + strings.Join(written, "::")
		name := segs[len(segs)-1]
		if name == "self" {
			segs = segs[:len(segs)-1]
			if len(segs) == 0 {
				return
			}
			name = segs[len(segs)-1]
		}
		if t.Kind == syntax.UseRename {
			name = t.Rename.Name
			w += " as " + t.Rename.Name
		}
		s.pending = append(s.pending, &useDecl{scope: s, segs: segs, global: global, name: name, pub: pub, pos: t.Pos(), item: item, written: w, firstPos: firstPos})
	}
}

func writtenNames(ids []syntax.Ident) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.Name
		if id.Raw {
			out[i] = "r#" + id.Name
		}
	}
	return out
}

func identNames(ids []syntax.Ident) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.Name
	}
	return out
}

func (r *Resolver) resolvePending(scopes []*Scope) {
	var all []*useDecl
	for _, s := range scopes {
		all = append(all, s.pending...)
		s.pending = nil
	}
	for round := 0; len(all) > 0 && round <= len(all)+1; round++ {
		var left []*useDecl
		r.unsettled = len(all)
		for _, u := range all {
			if r.resolveUse(u, false) {
				r.unsettled--
			} else {
				left = append(left, u)
			}
		}
		if len(left) == len(all) {
			// No progress: resolve what remains as well as possible.
			for _, u := range left {
				r.resolveUse(u, true)
			}
			break
		}
		all = left
	}
	r.unsettled = 0
}

// resolveUse binds one use declaration; with final set it accepts a best
// guess (an external path) instead of waiting for other imports.
func (r *Resolver) resolveUse(u *useDecl, final bool) bool {
	s := u.scope
	global := u.global || r.edition2015() && len(u.segs) > 0 && !pathKeyword(u.segs[0])
	if u.glob {
		b, ok, missing := r.resolveUsePrefix(s, u.segs, u.global, final, u.firstPos)
		if !ok {
			return false
		}
		if missing != "" {
			r.Unresolved = append(r.Unresolved, Import{Scope: s, Path: missing + "::*", Written: u.written, Item: u.item, Pos: u.pos, Glob: true})
			return true
		}
		s.globs = append(s.globs, glob{target: b, pub: u.pub})
		r.Imports = append(r.Imports, Import{Scope: s, Path: b.Path() + "::*", Written: u.written, Item: u.item, Pos: u.pos, Glob: true})
		return true
	}
	prefix, last := u.segs[:len(u.segs)-1], u.segs[len(u.segs)-1]
	var found [numNS]Binding
	any := false
	if len(prefix) == 0 {
		// use name; (2018: an extern crate, or a local item; 2015: an
		// item of the crate root)
		for ns := NS(0); ns < numNS; ns++ {
			if b := r.lookupFirst(s, last, ns, global); !b.IsZero() {
				found[ns], any = b, true
			}
		}
		if !any && (final || u.global) {
			found[TypeNS], any = Binding{Ext: last}, true
		}
	} else {
		b, ok, missing := r.resolveUsePrefix(s, prefix, u.global, final, u.firstPos)
		if !ok {
			return false
		}
		if missing != "" {
			r.Unresolved = append(r.Unresolved, Import{Scope: s, Path: missing + "::" + last, Written: u.written, Item: u.item, Pos: u.pos})
			return true
		}
		for ns := NS(0); ns < numNS; ns++ {
			if m := r.member(b, last, ns, 0); !m.IsZero() {
				found[ns], any = m, true
			}
		}
		if !any {
			if b.Def != nil && !final {
				return false // may be defined by an import not yet resolved
			}
			if b.Def != nil {
				r.Unresolved = append(r.Unresolved, Import{Scope: s, Path: b.Path() + "::" + last, Written: u.written, Item: u.item, Pos: u.pos})
				return true
			}
			found[TypeNS], found[ValueNS], found[MacroNS], any = Binding{Ext: b.Ext + "::" + last}, Binding{Ext: b.Ext + "::" + last}, Binding{Ext: b.Ext + "::" + last}, true
		}
	}
	path := ""
	for ns := NS(0); ns < numNS; ns++ {
		if !found[ns].IsZero() {
			s.bind(ns, u.name, found[ns])
			if path == "" {
				path = found[ns].Path()
			}
			if u.name != "_" {
				if s.used[ns] == nil {
					s.used[ns] = map[string]bool{}
				}
				s.used[ns][u.name] = u.pub
			}
		}
	}
	r.Imports = append(r.Imports, Import{Scope: s, Path: path, Written: u.written, Item: u.item, Pos: u.pos})
	return true
}

// resolveUsePrefix resolves the module-like prefix of a use path whose
// first segment is at firstPos. ok is false when it must wait for other
// imports. missing is set, with the prefix's path, when a prefix that
// starts in this crate names nothing: the import is unresolved rather
// than guessed external.
func (r *Resolver) resolveUsePrefix(s *Scope, segs []string, global, final bool, firstPos syntax.Pos) (b Binding, ok bool, missing string) {
	if len(segs) == 0 {
		return Binding{}, false, ""
	}
	first := segs[0]
	switch {
	case global:
		b = r.globalFirst(first, TypeNS)
	case first == "crate":
		b = r.Root.selfBinding()
	case first == "$crate":
		// This crate, or the dependency whose macro wrote the use.
		b = r.dollarCrate(firstPos)
	case first == "self":
		b = s.ModScope.selfBinding()
	case first == "super":
		b = superOf(s.ModScope).selfBinding()
	default:
		if r.edition2015() {
			// 2015 use paths start at the crate root, where the
			// extern crates are too.
			b = r.lookupIn(r.Root, first, TypeNS, 0)
			if c, ok := r.Externs[first]; ok && b.IsZero() {
				b = r.externBinding(first, c)
			}
		} else {
			b = r.lookupFirst(s, first, TypeNS, false)
		}
		if b.IsZero() {
			if !final && r.anyPending() {
				return Binding{}, false, ""
			}
			b = Binding{Ext: r.externCrate(first)}
		}
	}
	for _, seg := range segs[1:] {
		switch {
		case seg == "super" && b.Def != nil && b.Def.Scope != nil:
			b = superOf(b.Def.Scope).selfBinding()
			continue
		case seg == "self":
			continue
		}
		next := r.member(b, seg, TypeNS, 0)
		if next.IsZero() {
			if b.Def != nil && !final {
				return Binding{}, false, ""
			}
			if b.Def != nil {
				return Binding{}, true, b.Path() + "::" + seg
			}
			next = Binding{Ext: b.Ext + "::" + seg}
		}
		b = next
	}
	return b, true, ""
}

// pathKeyword reports whether a first path segment is relative to a
// module rather than a name (self, super, crate, $crate).
func pathKeyword(seg string) bool {
	return seg == "self" || seg == "super" || seg == "crate" || seg == "$crate"
}

// anyPending reports whether use declarations other than the one being
// resolved are still unresolved: one of them may bind the name it
// starts with (use w::g; use inner::*; with inner::w).
func (r *Resolver) anyPending() bool { return r.unsettled > 1 }

func superOf(s *Scope) *Scope {
	if s.Super != nil {
		return s.Super
	}
	return s
}

func (s *Scope) selfBinding() Binding {
	d := &Def{Kind: DefMod, Path: s.Path, Scope: s, Owner: s}
	return Binding{Def: d}
}

// externBinding is what the extern crate name (standing for crate)
// means: the crate root's module for an alias of this crate (extern
// crate self as name), else the external crate.
func (r *Resolver) externBinding(name, crate string) Binding {
	if r.selfAliases[name] {
		return r.Root.selfBinding()
	}
	return Binding{Ext: crate}
}

func (r *Resolver) externCrate(name string) string {
	if c, ok := r.Externs[name]; ok {
		return c
	}
	return name
}

// member looks up name inside what b denotes (a module, an enum, a type
// with associated functions, or an external path).
func (r *Resolver) member(b Binding, name string, ns NS, depth int) Binding {
	if depth > maxGlobDepth {
		return Binding{}
	}
	if depth == 0 {
		r.gen++ // a new lookup: every module may be visited again
	}
	if b.Def == nil {
		if b.Ext == "" {
			return Binding{}
		}
		return Binding{Ext: b.Ext + "::" + name}
	}
	d := b.Def
	switch d.Kind {
	case DefMod:
		if d.Scope == nil {
			return Binding{}
		}
		return r.lookupIn(d.Scope, name, ns, depth+1)
	case DefEnum:
		if d.Scope != nil {
			if v := d.Scope.names[ns][name]; !v.IsZero() {
				return v
			}
		}
	}
	if m := r.Methods[d.Path][name]; m != nil {
		return Binding{Def: m}
	}
	return Binding{}
}

// lookupIn finds name among a module scope's items, imports and globs.
func (r *Resolver) lookupIn(s *Scope, name string, ns NS, depth int) Binding {
	if b, ok := s.names[ns][name]; ok {
		return b
	}
	if len(s.globs) == 0 {
		return Binding{}
	}
	if depth == 0 {
		if r.sealed {
			if b, ok := s.cache[ns][name]; ok {
				return b
			}
			b := r.lookupGlobs(s, name, ns, depth)
			if s.cache[ns] == nil {
				s.cache[ns] = map[string]Binding{}
			}
			s.cache[ns][name] = b
			return b
		}
		r.gen++
	}
	return r.lookupGlobs(s, name, ns, depth)
}

// maxGlobDepth bounds the recursion of a lookup through glob imports (two
// levels per glob followed). Each lookup visits a module once, so the
// bound is for the stack only: it allows chains of 128 glob re-exports
// (32 levels cut chains of 16, and resolved m16::f to a guess).
const maxGlobDepth = 256

// lookupGlobs searches the glob imports of s, visiting each module at
// most once per lookup.
func (r *Resolver) lookupGlobs(s *Scope, name string, ns NS, depth int) Binding {
	if depth == 0 && r.sealed {
		r.gen++
	}
	if s.visited == r.gen || depth > maxGlobDepth {
		return Binding{}
	}
	s.visited = r.gen
	var ext Binding
	for _, g := range s.globs {
		if g.target.Def != nil {
			if b := r.member(g.target, name, ns, depth+1); !b.IsZero() {
				return b
			}
			continue
		}
		cand := Binding{Ext: g.target.Ext + "::" + name}
		if r.knownExternal(cand.Ext) {
			return cand
		}
		if ext.IsZero() {
			ext = cand
		}
	}
	return ext
}

// knownPath reports whether the model names an external path itself
// (not only a prefix of it).
func (r *Resolver) knownPath(path string) bool {
	return r.env.KnownPath != nil && r.env.KnownPath(path)
}

// knownExternal reports whether a guessed external path is known to the
// model. A path under the crate's own name is never external: it comes
// from a local item Warden could not resolve.
func (r *Resolver) knownExternal(path string) bool {
	if r.env.KnownExternal == nil || strings.HasPrefix(path, r.CrateName+"::") {
		return false
	}
	return r.env.KnownExternal(path)
}

// lookupFirst resolves the first segment of a path: block scopes, the
// module, the extern prelude, then the std prelude.
func (r *Resolver) lookupFirst(s *Scope, name string, ns NS, global bool) Binding {
	if global {
		return r.globalFirst(name, ns)
	}
	// guess is what a block's glob import of another crate could
	// provide, unverified: the enclosing scopes' names come first (the
	// module's own functions, under use std::io::prelude::*).
	var guess Binding
	for sc := s; sc != nil; sc = sc.Parent {
		if sc.Module == nil {
			if b, ok := sc.names[ns][name]; ok {
				return b
			}
			if len(sc.globs) > 0 {
				if b := r.lookupIn(sc, name, ns, 0); b.Def != nil || b.Ext != "" && r.knownExternal(b.Ext) {
					return b
				} else if guess.IsZero() {
					guess = b
				}
			}
			continue
		}
		if b := r.lookupIn(sc, name, ns, 0); !b.IsZero() {
			// A name of the extern prelude (core, a dependency) or of
			// the std prelude (Some, Vec) that only a glob import from
			// another crate could provide is that crate's only if the
			// model names that very path: a prefix rule (std::arch::,
			// libc::) knows every name under it, real or not.
			_, isExtern := r.Externs[name]
			_, inPrelude := stdPrelude[name]
			weak := (isExtern && ns == TypeNS || inPrelude) && !r.knownPath(b.Ext)
			if b.Ext != "" && isGlobGuess(sc, name, b) && (weak || !r.knownExternal(b.Ext)) {
				// An unverified guess through a glob import from another
				// crate loses to the extern prelude and the std prelude.
				if c, ok := r.Externs[name]; ok && ns == TypeNS {
					return r.externBinding(name, c)
				}
				if p := r.prelude(name, ns); !p.IsZero() {
					return p
				}
			}
			return b
		}
	}
	if ns == TypeNS {
		if c, ok := r.Externs[name]; ok {
			return r.externBinding(name, c)
		}
	}
	if p := r.prelude(name, ns); !p.IsZero() {
		return p
	}
	return guess
}

func isGlobGuess(s *Scope, name string, b Binding) bool {
	_, explicit := s.names[TypeNS][name]
	if explicit {
		return false
	}
	_, explicit = s.names[ValueNS][name]
	return !explicit
}

func (r *Resolver) prelude(name string, ns NS) Binding {
	if ns == MacroNS {
		return Binding{} // macros are found by the program stage
	}
	if p, ok := stdPrelude[name]; ok {
		return Binding{Ext: p}
	}
	if primitives[name] && ns == TypeNS {
		return Binding{Ext: name}
	}
	return Binding{}
}

// stdPrelude is the Rust 2021 prelude (plus the primitive-type
// modules), mapping names to canonical paths.
var stdPrelude = map[string]string{
	"Option": "std::option::Option", "Some": "std::option::Option::Some", "None": "std::option::Option::None",
	"Result": "std::result::Result", "Ok": "std::result::Result::Ok", "Err": "std::result::Result::Err",
	"Vec": "std::vec::Vec", "String": "std::string::String", "Box": "std::boxed::Box",
	"ToString": "std::string::ToString", "ToOwned": "std::borrow::ToOwned", "Clone": "std::clone::Clone",
	"Copy": "std::marker::Copy", "Send": "std::marker::Send", "Sync": "std::marker::Sync",
	"Sized": "std::marker::Sized", "Unpin": "std::marker::Unpin", "Default": "std::default::Default",
	"Drop": "std::ops::Drop", "Fn": "std::ops::Fn", "FnMut": "std::ops::FnMut", "FnOnce": "std::ops::FnOnce",
	"Eq": "std::cmp::Eq", "PartialEq": "std::cmp::PartialEq", "Ord": "std::cmp::Ord", "PartialOrd": "std::cmp::PartialOrd",
	"Iterator": "std::iter::Iterator", "IntoIterator": "std::iter::IntoIterator", "Extend": "std::iter::Extend",
	"FromIterator": "std::iter::FromIterator", "DoubleEndedIterator": "std::iter::DoubleEndedIterator",
	"ExactSizeIterator": "std::iter::ExactSizeIterator", "AsRef": "std::convert::AsRef", "AsMut": "std::convert::AsMut",
	"Into": "std::convert::Into", "From": "std::convert::From", "TryFrom": "std::convert::TryFrom",
	"TryInto": "std::convert::TryInto", "drop": "std::mem::drop",
}

var primitives = map[string]bool{
	"bool": true, "char": true, "str": true, "u8": true, "u16": true, "u32": true, "u64": true, "u128": true,
	"usize": true, "i8": true, "i16": true, "i32": true, "i64": true, "i128": true, "isize": true,
	"f32": true, "f64": true,
}

// registerImpls registers the associated functions of every impl block
// of the module scopes (block scopes register theirs when created).
func (r *Resolver) registerImpls() {
	for _, s := range r.Scopes {
		for _, it := range s.Items {
			if im, ok := it.(*syntax.ImplItem); ok {
				r.RegisterImpl(s, im)
			}
		}
	}
}

// RegisterImpl records the functions of an impl block under its self
// type's canonical path and returns that path ("" if the type cannot be
// named). Each block is registered once; later calls return the path.
func (r *Resolver) RegisterImpl(s *Scope, im *syntax.ImplItem) string {
	if self, ok := r.implSelf[im]; ok {
		return self
	}
	if r.implSelf == nil {
		r.implSelf = map[*syntax.ImplItem]string{}
	}
	self := r.registerImpl(s, im)
	r.implSelf[im] = self
	return self
}

func (r *Resolver) registerImpl(s *Scope, im *syntax.ImplItem) string {
	self := r.TypePath(s, im.SelfType)
	trait := ""
	if im.Trait != nil {
		trait = r.ResolvePath(s, im.Trait, TypeNS).Path
	}
	if self == "" || !strings.Contains(self, "::") {
		// A primitive, slice, tuple or reference type: name the impl
		// the way Rust does, <[u8] as nix::NixPath>.
		text := r.typeText(im.SelfType)
		if text == "" {
			return ""
		}
		if trait != "" {
			self = "<" + text + " as " + trait + ">"
		} else {
			self = "<" + text + ">"
		}
	}
	for _, ai := range r.assocItems(im) {
		if fn, ok := ai.(*syntax.FnItem); ok {
			d := r.addMethod(self, trait, fn, s, isPub(fn.Vis) || im.Trait != nil)
			d.Trait = trait
			d.Impl = im
		}
	}
	// The provided methods of a local trait the impl does not override
	// are the type's too: S::provided(&s) and s.provided() run the
	// trait's body.
	for name, d := range r.Methods[trait] {
		if fn, ok := d.Item.(*syntax.FnItem); ok && fn.Body != nil && d.Trait == "" {
			if _, overridden := r.Methods[self][name]; !overridden {
				if r.Methods[self] == nil {
					r.Methods[self] = map[string]*Def{}
				}
				r.Methods[self][name] = d
			}
		}
	}
	return self
}

func (r *Resolver) addMethod(self, trait string, fn *syntax.FnItem, s *Scope, public bool) *Def {
	d := &Def{Kind: DefFn, Name: fn.Name.Name, Path: self + "::" + fn.Name.Name, Item: fn, Owner: s, Public: public, SelfType: self, Trait: trait}
	m := r.Methods[self]
	if m == nil {
		m = map[string]*Def{}
		r.Methods[self] = m
	}
	if _, dup := m[fn.Name.Name]; !dup {
		m[fn.Name.Name] = d
		r.MethodsByName[fn.Name.Name] = append(r.MethodsByName[fn.Name.Name], d)
	}
	return d
}

// typeText returns a type as written, with whitespace normalised.
func (r *Resolver) typeText(t syntax.Type) string {
	if t == nil {
		return ""
	}
	f := r.Crate.Fset.File(t.Pos())
	if f == nil || !f.Contains(t.End()) {
		return ""
	}
	return strings.Join(strings.Fields(f.Src[f.Offset(t.Pos()):f.Offset(t.End())]), " ")
}

// TypePath returns the canonical path of the nominal type denoted by t
// (references, pointers, parentheses, Box, Rc, Arc, Option and Result
// are looked through), or "" if t is not a path type.
func (r *Resolver) TypePath(s *Scope, t syntax.Type) string { return r.typePath(s, t, true) }

// typePath is TypePath; unwrap set looks through the wrappers (a
// receiver's type for its methods), unset names the type itself (a path
// through a type alias: Shared::new with type Shared = Arc<S> is
// Arc::new).
func (r *Resolver) typePath(s *Scope, t syntax.Type, unwrap bool) string {
	for i := 0; i < 8; i++ {
		switch tt := t.(type) {
		case *syntax.RefType:
			t = tt.Elem
			continue
		case *syntax.PtrType:
			t = tt.Elem
			continue
		case *syntax.ParenType:
			t = tt.Elem
			continue
		case *syntax.TraitObjectType:
			if len(tt.Bounds) > 0 {
				if tb, ok := tt.Bounds[0].(*syntax.TraitBound); ok && tb.Path != nil {
					return r.ResolvePath(s, tb.Path, TypeNS).Path
				}
			}
			return ""
		case *syntax.ImplTraitType:
			if len(tt.Bounds) > 0 {
				if tb, ok := tt.Bounds[0].(*syntax.TraitBound); ok && tb.Path != nil {
					return r.ResolvePath(s, tb.Path, TypeNS).Path
				}
			}
			return ""
		case *syntax.PathType:
			res := r.ResolvePath(s, tt.Path, TypeNS)
			if res.Def != nil && res.Def.Kind == DefTypeAlias {
				if ta, ok := res.Def.Item.(*syntax.TypeAliasItem); ok && ta.Type != nil {
					t = ta.Type
					s = res.Def.Owner
					continue
				}
			}
			switch res.Path {
			case "std::boxed::Box", "std::rc::Rc", "std::sync::Arc", "std::option::Option", "std::result::Result",
				"std::cell::RefCell", "std::sync::Mutex", "std::sync::RwLock", "std::io::Result":
				if inner := firstTypeArg(tt.Path); inner != nil && unwrap {
					t = inner
					continue
				}
			}
			return res.Path
		}
		return ""
	}
	return ""
}

func firstTypeArg(p *syntax.Path) syntax.Type {
	if len(p.Segments) == 0 {
		return nil
	}
	args := p.Segments[len(p.Segments)-1].Args
	if args == nil {
		return nil
	}
	for _, a := range args.Args {
		if ta, ok := a.(*syntax.TypeArg); ok {
			return ta.Type
		}
	}
	return nil
}

// Resolution is the meaning of a path.
type Resolution struct {
	Path string // canonical path ("" if nothing is known)
	Def  *Def   // the local definition, if any
}

// ResolvePath resolves a path in scope s; the last segment is looked up
// in namespace ns.
func (r *Resolver) ResolvePath(s *Scope, p *syntax.Path, ns NS) Resolution {
	segs := p.Segments
	if p.QSelf != nil {
		var base string
		if p.QSelf.Position > 0 && p.QSelf.Position <= len(segs) {
			// <T as Trait>::f names the trait's function.
			tp := &syntax.Path{Global: p.Global, Segments: segs[:p.QSelf.Position]}
			base = r.ResolvePath(s, tp, TypeNS).Path
			if base == "" {
				base = r.TypePath(s, p.QSelf.Type)
			}
			segs = segs[p.QSelf.Position:]
		} else {
			// <T>::f names T's own function, not its content's.
			base = r.typePath(s, p.QSelf.Type, false)
		}
		if base == "" {
			return Resolution{}
		}
		return r.walkRest(s, Binding{Ext: base}, segs, ns)
	}
	if len(segs) == 0 {
		return Resolution{}
	}
	first := segs[0].Name.Name
	var b Binding
	switch {
	case p.Global:
		fns := TypeNS
		if len(segs) == 1 {
			fns = ns
		}
		b = r.globalFirst(first, fns)
	case first == "$crate":
		b = r.dollarCrate(segs[0].Name.Pos())
	case first == "crate":
		b = r.Root.selfBinding()
	case first == "self" && len(segs) > 1:
		b = s.ModScope.selfBinding()
	case first == "super":
		b = superOf(s.ModScope).selfBinding()
	case first == "Self":
		if s.SelfType == "" {
			return Resolution{}
		}
		b = r.bindingForPath(s.SelfType)
	default:
		fns := TypeNS
		if len(segs) == 1 {
			fns = ns
		}
		b = r.lookupFirst(s, first, fns, false)
		if b.IsZero() && len(segs) == 1 && fns == ValueNS {
			// Tuple-struct and unit-struct constructors live in both.
			b = r.lookupFirst(s, first, TypeNS, false)
		}
		if b.IsZero() {
			if len(segs) == 1 {
				return Resolution{}
			}
			// An unknown first segment of a longer path: an external
			// crate the manifest does not list (or a 2015 implicit one).
			b = Binding{Ext: first}
		}
	}
	return r.walkRest(s, b, segs[1:], ns)
}

// globalFirst resolves the first segment of a path with a leading "::"
// in namespace ns: an extern crate since the 2018 edition, an item of
// the crate root in the 2015 edition (where extern crates are root
// items, and std is injected there), as in hostname's "use ::nix as sys"
// for its own nix module.
func (r *Resolver) globalFirst(name string, ns NS) Binding {
	if r.edition2015() {
		if b := r.lookupIn(r.Root, name, ns, 0); !b.IsZero() {
			return b
		}
	}
	return r.externBinding(name, r.externCrate(name))
}

// edition2015 reports whether the crate is of the 2015 edition (the
// default of a manifest without one).
func (r *Resolver) edition2015() bool { return r.Edition == "2015" || r.Edition == "" }

// dollarCrate is what $crate at pos means: this crate's root, or the
// crate whose macro produced the token.
func (r *Resolver) dollarCrate(pos syntax.Pos) Binding {
	if r.env.DollarCrate != nil {
		if c := r.env.DollarCrate(pos); c != "" {
			return Binding{Ext: c}
		}
	}
	return r.Root.selfBinding()
}

// bindingForPath turns a canonical type path back into a binding, so
// that Self:: paths find local associated functions and, for an enum,
// its variants.
func (r *Resolver) bindingForPath(path string) Binding {
	if d := r.Types[path]; d != nil && d.Kind == DefEnum {
		return Binding{Def: d}
	}
	return Binding{Ext: path}
}

func (r *Resolver) walkRest(s *Scope, b Binding, segs []*syntax.PathSegment, ns NS) Resolution {
	for i, seg := range segs {
		name := seg.Name.Name
		n := TypeNS
		if i == len(segs)-1 {
			n = ns
		}
		if name == "super" && b.Def != nil && b.Def.Scope != nil {
			b = superOf(b.Def.Scope).selfBinding()
			continue
		}
		// Type aliases: continue from the aliased type.
		if b.Def != nil && b.Def.Kind == DefTypeAlias {
			if ta, ok := b.Def.Item.(*syntax.TypeAliasItem); ok && ta.Type != nil {
				if tp := r.typePath(b.Def.Owner, ta.Type, false); tp != "" {
					b = Binding{Ext: tp}
				}
			}
		}
		next := r.member(b, name, n, 0)
		if next.IsZero() && n != TypeNS {
			next = r.member(b, name, TypeNS, 0)
		}
		if next.IsZero() {
			// An associated item of a local type (method not found,
			// e.g. provided by a derive or a trait default).
			next = Binding{Ext: b.Path() + "::" + name}
		}
		if next.Def == nil && next.Ext != "" {
			// External path, or a local type's associated item: look it
			// up in the impl table.
			if m := r.lookupMethodPath(next.Ext); m != nil {
				next = Binding{Def: m}
			}
		}
		b = next
	}
	return Resolution{Path: b.Path(), Def: b.Def}
}

// lookupMethodPath finds a local associated function by canonical path
// "Type::name".
func (r *Resolver) lookupMethodPath(path string) *Def {
	i := strings.LastIndex(path, "::")
	if i < 0 {
		return nil
	}
	return r.Methods[path[:i]][path[i+2:]]
}

// MacroName returns the name a macro invocation is known by, for
// reports: the path as written, without $crate.
func MacroName(p *syntax.Path) string {
	return strings.TrimPrefix(p.String(), "$crate::")
}

// Aliases maps the public paths under which the target re-exports items
// (tokio::net::TcpStream) to their canonical definition paths
// (tokio::net::tcp::stream::TcpStream), for linking calls from other
// crates. Only modules reachable through pub modules are considered.
func (r *Resolver) Aliases() map[string]string {
	out := map[string]string{}
	// Breadth-first from the crate root, each module once under its
	// shortest public path: modules that re-export each other would
	// otherwise make the walk exponential.
	type item struct {
		s      *Scope
		public string
	}
	seen := map[*Scope]bool{r.Root: true}
	queue := []item{{r.Root, r.CrateName}}
	add := func(alias, target string) {
		if alias != target {
			if _, ok := out[alias]; !ok {
				out[alias] = target
			}
		}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		scopes := []*Scope{it.s}
		// Glob re-exports of local modules make their names reachable
		// here too.
		for _, g := range it.s.globs {
			if g.target.Def != nil && g.target.Def.Scope != nil && g.target.Def.Scope != it.s {
				scopes = append(scopes, g.target.Def.Scope)
			}
		}
		for _, s := range scopes {
			for ns := TypeNS; ns <= MacroNS; ns++ {
				for name, b := range s.names[ns] {
					if b.Def == nil {
						// A pub use of another crate's item (a facade:
						// pub use futures_util::future): linking goes on
						// in that crate.
						if b.Ext != "" && s.used[ns][name] {
							add(it.public+"::"+name, b.Ext)
						}
						continue
					}
					alias := it.public + "::" + name
					add(alias, b.Def.Path)
					// A module re-exported by a pub use is public under
					// the new name, whatever its own declaration says.
					if s == it.s && b.Def.Kind == DefMod && b.Def.Scope != nil && (b.Def.Public || s.used[ns][name]) && !seen[b.Def.Scope] {
						seen[b.Def.Scope] = true
						queue = append(queue, item{b.Def.Scope, alias})
					}
				}
			}
		}
	}
	return out
}

// IsPub reports whether a visibility is plain pub (public API), not
// pub(crate) or narrower.
func IsPub(v *syntax.Visibility) bool { return isPub(v) }

// ModulePublic reports whether every module from the crate root down to
// s is declared pub, so that pub items of s are part of the public API.
func ModulePublic(s *Scope) bool {
	for m := s.Module; m != nil && m.Parent != nil; m = m.Parent {
		if m.Decl == nil || !isPub(m.Decl.Vis) {
			return false
		}
	}
	return true
}
