package infer

import (
	"maps"
	"slices"
	"strings"

	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Deps answers for the dependencies' functions (nil: none are seen).
type Deps interface {
	// ReturnType returns the canonical path of the type a dependency's
	// function returns, given the path the crate calls it by ("" if
	// unknown).
	ReturnType(path string) string
	// Analyzed reports whether the crate a path's first segment names
	// was analysed.
	Analyzed(path string) bool
	// Reexport returns the item of another crate a dependency's path
	// re-exports, or "".
	Reexport(path string) string
}

// Checker infers types in one program. It is not safe for concurrent
// use; each analysis pass makes its own.
type Checker struct {
	p     *program.Program
	r     *resolve.Resolver
	table *Table
	deps  Deps
	// rets memoizes the declared return types of the crate's functions.
	rets map[*resolve.Def]*Type
	// plain interns the Named types without arguments (types are never
	// modified once made).
	plain map[string]*Type
	spare *Body
	// owners memoizes the type parameters and associated types of impl
	// and trait blocks, shared by their methods' bodies.
	owners map[syntax.Item]generics
	// blankets maps each trait of the crate implemented for every type
	// with a bound (impl<S: Stream + ?Sized> StreamExt for S {}) to
	// those bounds, and extensions each method name to those of these
	// traits that declare it; made on first use.
	blankets   map[string][]string
	extensions map[string][]string
	// supers memoizes the supertraits of the crate's traits.
	supers map[string][]string
}

// stdReexport returns the std path a dependency's path stands for when
// the dependency re-exports a std item, or a prefix of it
// (tokio::time::Duration::from_millis is std::time::Duration::
// from_millis).
func (c *Checker) stdReexport(path string) (string, bool) {
	if c.deps == nil || path == "" || isStd(path) || c.local(path) {
		return "", false
	}
	if t := c.deps.Reexport(path); isStd(t) && strings.Contains(t, "::") {
		return canonicalStd(t), true
	}
	return "", false
}

// blanketBounds returns the bounds under which a trait of the crate is
// implemented for any type (an extension trait's blanket impl).
func (c *Checker) blanketBounds(trait string) []string {
	if c.blankets == nil {
		c.blankets = map[string][]string{}
		for _, d := range c.p.Items {
			im, ok := d.Item.(*syntax.ImplItem)
			if !ok || im.Trait == nil || im.Negative || !c.p.Enabled(im) {
				continue
			}
			pt, ok := im.SelfType.(*syntax.PathType)
			if !ok || pt.Path == nil || pt.Path.QSelf != nil || len(pt.Path.Segments) != 1 {
				continue
			}
			gen := generics{}
			c.addGenerics(gen, d.Scope, im.Generics)
			self := gen[pt.Path.Segments[0].Name.Name]
			if self == nil || self.Kind != Param || len(self.Bounds) == 0 {
				continue
			}
			tr := canonicalStd(c.r.ResolvePath(d.Scope, im.Trait, resolve.TypeNS).Path)
			if c.local(tr) {
				c.blankets[tr] = append(c.blankets[tr], self.Bounds...)
			}
		}
		c.extensions = map[string][]string{}
		for tr := range c.blankets {
			for name, m := range c.r.Methods[tr] {
				if m.Trait == "" && isTraitDecl(m) {
					c.extensions[name] = append(c.extensions[name], tr)
				}
			}
		}
		for _, trs := range c.extensions {
			slices.Sort(trs) // map order must not decide which trait wins
		}
	}
	return c.blankets[trait]
}

// extensionTraits are the crate's traits with a blanket impl that
// declare a method of that name.
func (c *Checker) extensionTraits(name string) []string {
	c.blanketBounds("")
	return c.extensions[name]
}

// ownerGenerics returns the type parameters of the impl or trait block
// of a method, with the impl's associated types (Self::Item), made once
// per block.
func (c *Checker) ownerGenerics(pf *program.Func) generics {
	if pf.Owner == nil {
		return nil
	}
	if g, ok := c.owners[pf.Owner]; ok {
		return g
	}
	g := generics{}
	switch o := pf.Owner.(type) {
	case *syntax.ImplItem:
		c.addGenerics(g, pf.Scope, o.Generics)
		var self *Type
		if pf.SelfType != "" {
			self = named(pf.SelfType)
		}
		c.implAssoc(g, pf.Scope, o, self)
	case *syntax.TraitItem:
		c.addGenerics(g, pf.Scope, o.Generics)
	}
	c.owners[pf.Owner] = g
	return g
}

// named0 returns the Named type path without arguments, interned.
func (c *Checker) named0(path string) *Type {
	if t, ok := c.plain[path]; ok {
		return t
	}
	t := named(path)
	c.plain[path] = t
	return t
}

// New returns a checker for p. deps may be nil.
func New(p *program.Program, table *Table, deps Deps) *Checker {
	return &Checker{p: p, r: p.R, table: table, deps: deps, rets: map[*resolve.Def]*Type{}, plain: map[string]*Type{}, owners: map[syntax.Item]generics{}}
}

// Table returns the checker's signature table.
func (c *Checker) Table() *Table { return c.table }

// local reports whether a canonical path names an item of this crate.
func (c *Checker) local(path string) bool { return strings.HasPrefix(path, c.p.Name+"::") }

// isStd reports whether a type path belongs to the standard library
// (or is a primitive).
func isStd(path string) bool {
	return strings.HasPrefix(path, "std::") || strings.HasPrefix(path, "core::") || strings.HasPrefix(path, "alloc::") || !strings.Contains(path, "::")
}

// generics maps the type parameters of an item in scope to Param types
// with their bounds (inline and where clauses).
type generics map[string]*Type

// addGenerics records the type parameters of g, resolved in scope s.
func (c *Checker) addGenerics(gen generics, s *resolve.Scope, g *syntax.Generics) {
	if g == nil {
		return
	}
	for _, gp := range g.Params {
		if gp.Kind != syntax.TypeParam {
			continue
		}
		t := &Type{Kind: Param, Path: gp.Name.Name}
		c.addBounds(t, s, gp.Bounds, gen)
		gen[gp.Name.Name] = t
	}
	for _, wp := range g.Where {
		pt, ok := wp.Type.(*syntax.PathType)
		if !ok || len(pt.Path.Segments) != 1 || pt.Path.QSelf != nil {
			continue
		}
		name := pt.Path.Segments[0].Name.Name
		if t := gen[name]; t != nil && t.Kind == Param {
			// A copy: the parameter may be an impl's, shared by its
			// methods, and the clause this method's alone.
			cp := *t
			cp.Bounds = append([]string(nil), t.Bounds...)
			cp.BoundArgs = append([][]*Type(nil), t.BoundArgs...)
			if t.Assoc != nil {
				cp.Assoc = maps.Clone(t.Assoc)
			}
			c.addBounds(&cp, s, wp.Bounds, gen)
			gen[name] = &cp
		}
	}
}

// addBounds adds trait bounds to a Param or Dyn type: each trait's
// canonical path, its generic arguments and the associated types it
// fixes.
// supertraits are the traits a trait of the crate names as its bounds
// (trait FromStream<T>: sealed::FromStreamPriv<T>), canonical.
func (c *Checker) supertraits(trait string) []string {
	if sup, ok := c.supers[trait]; ok {
		return sup
	}
	if c.supers == nil {
		c.supers = map[string][]string{}
	}
	sup := c.resolveSupertraits(trait)
	c.supers[trait] = sup
	return sup
}

func (c *Checker) resolveSupertraits(trait string) []string {
	d := c.r.Traits[trait]
	if d == nil {
		return nil
	}
	ti, ok := d.Item.(*syntax.TraitItem)
	if !ok || len(ti.Bounds) == 0 {
		return nil
	}
	scope := d.Owner
	var out []string
	for _, bd := range ti.Bounds {
		if tb, ok := bd.(*syntax.TraitBound); ok && tb.Path != nil && !tb.Maybe {
			if p := canonicalStd(c.r.ResolvePath(scope, tb.Path, resolve.TypeNS).Path); p != "" && p != trait {
				out = append(out, p)
			}
		}
	}
	return out
}

func (c *Checker) addBounds(t *Type, s *resolve.Scope, bs []syntax.Bound, gen generics) {
	for _, b := range bs {
		tb, ok := b.(*syntax.TraitBound)
		if !ok || tb.Path == nil || tb.Maybe {
			continue
		}
		p := canonicalStd(c.r.ResolvePath(s, tb.Path, resolve.TypeNS).Path)
		if p == "" {
			continue
		}
		var args []*Type
		if n := len(tb.Path.Segments); n > 0 && tb.Path.Segments[n-1].Args != nil {
			for _, a := range tb.Path.Segments[n-1].Args.Args {
				switch a := a.(type) {
				case *syntax.TypeArg:
					args = append(args, c.convDepth(s, a.Type, gen, nil, 6))
				case *syntax.AssocConstraint:
					if a.Type != nil {
						if t.Assoc == nil {
							t.Assoc = map[string]*Type{}
						}
						t.Assoc[a.Name.Name] = c.convDepth(s, a.Type, gen, nil, 6)
					}
				}
			}
		}
		t.Bounds = append(t.Bounds, p)
		t.BoundArgs = append(t.BoundArgs, args)
	}
}

// conv converts a written type, resolved in scope s, with the type
// parameters gen and Self standing for self.
func (c *Checker) conv(s *resolve.Scope, t syntax.Type, gen generics, self *Type) *Type {
	return c.convDepth(s, t, gen, self, 0)
}

func (c *Checker) convDepth(s *resolve.Scope, t syntax.Type, gen generics, self *Type, depth int) *Type {
	if t == nil || depth > 12 {
		return nil
	}
	conv := func(x syntax.Type) *Type { return c.convDepth(s, x, gen, self, depth+1) }
	switch tt := t.(type) {
	case *syntax.RefType:
		return conv(tt.Elem)
	case *syntax.ParenType:
		return conv(tt.Elem)
	case *syntax.PtrType:
		return &Type{Kind: Ptr, Mut: tt.Mut, Args: []*Type{conv(tt.Elem)}}
	case *syntax.SliceType:
		return &Type{Kind: Slice, Args: []*Type{conv(tt.Elem)}}
	case *syntax.ArrayType:
		return &Type{Kind: Slice, Args: []*Type{conv(tt.Elem)}}
	case *syntax.TupleType:
		out := &Type{Kind: Tuple}
		for _, e := range tt.Elems {
			out.Args = append(out.Args, conv(e))
		}
		return out
	case *syntax.ImplTraitType:
		out := &Type{Kind: Param, Path: "impl"}
		c.addBounds(out, s, tt.Bounds, gen)
		return out
	case *syntax.TraitObjectType:
		out := &Type{Kind: Dyn}
		c.addBounds(out, s, tt.Bounds, gen)
		return out
	case *syntax.MacroType:
		if e := c.p.Expansion(tt.Mac); e != nil && e.Type != nil {
			return conv(e.Type)
		}
		return nil
	case *syntax.PathType:
		p := tt.Path
		if p.QSelf == nil && len(p.Segments) == 1 {
			name := p.Segments[0].Name.Name
			if g, ok := gen[name]; ok {
				return g
			}
			if name == "Self" {
				return self
			}
		}
		if p.QSelf == nil && len(p.Segments) == 2 && p.Segments[0].Name.Name == "Self" {
			// Self::Item in an impl: the impl's type Item = ...
			if g, ok := gen["Self::"+p.Segments[1].Name.Name]; ok {
				return g
			}
		}
		res := c.r.ResolvePath(s, p, resolve.TypeNS)
		args := c.typeArgs(p, conv)
		if res.Def != nil && res.Def.Kind == resolve.DefTypeAlias {
			if ta, ok := res.Def.Item.(*syntax.TypeAliasItem); ok && ta.Type != nil {
				// type Result<T> = std::result::Result<T, Error>: the
				// alias's parameters stand for the arguments given.
				ag := generics{}
				if ta.Generics != nil {
					i := 0
					for _, gp := range ta.Generics.Params {
						if gp.Kind == syntax.TypeParam {
							ag[gp.Name.Name] = argAt(args, i)
							i++
						}
					}
				}
				return c.convDepth(res.Def.Owner, ta.Type, ag, self, depth+1)
			}
		}
		path := res.Path
		if path == "" {
			if p.QSelf == nil && len(p.Segments) == 1 && primitive[p.Segments[0].Name.Name] {
				return c.named0(p.Segments[0].Name.Name)
			}
			return nil
		}
		if len(args) == 0 {
			if _, alias := c.table.aliases[canonicalStd(path)]; !alias && (c.deps == nil || isStd(path) || c.local(path)) {
				return c.named0(canonicalStd(path))
			}
		}
		// A dependency's re-export of a std type ($crate::__private::Pin
		// in pin-project-lite's expansions).
		if target, ok := c.stdReexport(path); ok {
			path = target
		}
		return c.table.normalize(named(canonicalStd(path), args...))
	}
	return nil
}

func argAt(args []*Type, i int) *Type {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// typeArgs converts the generic arguments of a path's last segment.
func (c *Checker) typeArgs(p *syntax.Path, conv func(syntax.Type) *Type) []*Type {
	if len(p.Segments) == 0 {
		return nil
	}
	ga := p.Segments[len(p.Segments)-1].Args
	if ga == nil {
		return nil
	}
	var out []*Type
	for _, a := range ga.Args {
		if ta, ok := a.(*syntax.TypeArg); ok {
			out = append(out, conv(ta.Type))
		}
	}
	return out
}

// primitive names the primitive types.
var primitive = map[string]bool{
	"bool": true, "char": true, "str": true, "u8": true, "u16": true, "u32": true, "u64": true, "u128": true,
	"usize": true, "i8": true, "i16": true, "i32": true, "i64": true, "i128": true, "isize": true,
	"f32": true, "f64": true,
}

// canonicalStd rewrites core:: and alloc:: paths to std::.
func canonicalStd(path string) string {
	switch {
	case strings.HasPrefix(path, "core::"):
		return "std::" + path[len("core::"):]
	case strings.HasPrefix(path, "alloc::"):
		return "std::" + path[len("alloc::"):]
	case strings.HasPrefix(path, "std::primitive::"):
		return path[len("std::primitive::"):]
	}
	return path
}

// fnReturn is the declared return type of a function of the crate,
// with Self standing for self (nil: the impl's type).
func (c *Checker) fnReturn(d *resolve.Def, self *Type) *Type {
	fn, ok := d.Item.(*syntax.FnItem)
	if !ok || fn.Sig.Ret == nil {
		return nil
	}
	if self == nil && d.SelfType != "" {
		self = named(d.SelfType)
	}
	if self != nil && self.Kind == Named && self.Path == d.SelfType {
		if t, ok := c.rets[d]; ok {
			return t
		}
	}
	// The function's own type parameters are unknown at a call site
	// (Warden does not infer generic arguments).
	gen := generics{}
	if fn.Sig.Generics != nil {
		for _, gp := range fn.Sig.Generics.Params {
			if gp.Kind == syntax.TypeParam {
				gen[gp.Name.Name] = nil
			}
		}
	}
	if im, ok := d.Impl.(*syntax.ImplItem); ok && im.Generics != nil {
		for _, gp := range im.Generics.Params {
			if gp.Kind == syntax.TypeParam {
				gen[gp.Name.Name] = nil
			}
		}
	}
	generic := false
	if im, ok := d.Impl.(*syntax.ImplItem); ok {
		generic = bindImplArgs(gen, im, self)
	}
	c.implAssoc(gen, d.Owner, d.Impl, self)
	t := c.conv(d.Owner, fn.Sig.Ret, gen, self)
	if self != nil && self.Kind == Named && self.Path == d.SelfType && !generic {
		c.rets[d] = t
	}
	return t
}

// bindImplArgs binds the impl's type parameters that its self type
// takes as plain arguments (impl<T> Holder<T>) to the receiver's
// arguments (Holder<S> makes T an S), so that a method returning
// Proj<T> returns Proj<S>. It reports whether it bound any.
func bindImplArgs(gen generics, im *syntax.ImplItem, self *Type) bool {
	pt, ok := im.SelfType.(*syntax.PathType)
	if !ok || self == nil || self.Kind != Named || len(self.Args) == 0 || pt.Path == nil || len(pt.Path.Segments) == 0 {
		return false
	}
	args := pt.Path.Segments[len(pt.Path.Segments)-1].Args
	if args == nil || args.Paren {
		return false
	}
	bound, i := false, 0
	for _, a := range args.Args {
		ta, ok := a.(*syntax.TypeArg)
		if !ok {
			continue // lifetimes and constants are not type arguments
		}
		if p, ok := ta.Type.(*syntax.PathType); ok && p.Path != nil && len(p.Path.Segments) == 1 && p.Path.QSelf == nil {
			name := p.Path.Segments[0].Name.Name
			if _, isParam := gen[name]; isParam && self.Arg(i) != nil {
				gen[name] = self.Arg(i)
				bound = true
			}
		}
		i++
	}
	return bound
}

// FuncReturn is the declared return type of a function of the crate, as
// its callers in other crates see it: Self is the impl's type, the
// function's and the impl's type parameters are unknown. It is nil when
// the function returns nothing Warden can name.
func (c *Checker) FuncReturn(pf *program.Func) *Type {
	if pf.Item == nil || pf.Item.Sig.Ret == nil {
		return nil
	}
	gen := generics{}
	for _, g := range []*syntax.Generics{pf.Item.Sig.Generics, ownerGenerics(pf.Owner)} {
		if g != nil {
			for _, gp := range g.Params {
				if gp.Kind == syntax.TypeParam {
					gen[gp.Name.Name] = nil
				}
			}
		}
	}
	var self *Type
	if _, isTrait := pf.Owner.(*syntax.TraitItem); pf.SelfType != "" && !isTrait {
		self = named(pf.SelfType)
	}
	c.implAssoc(gen, pf.Scope, pf.Owner, self)
	t := portable(c.conv(pf.Scope, pf.Item.Sig.Ret, gen, self))
	if t == nil || t.Kind == Tuple && len(t.Args) == 0 {
		return nil
	}
	return t
}

// implAssoc records the associated types of an impl block (type Item =
// PathBuf) as Self::Item in gen.
func (c *Checker) implAssoc(gen generics, s *resolve.Scope, owner syntax.Item, self *Type) {
	im, ok := owner.(*syntax.ImplItem)
	if !ok {
		return
	}
	for _, it := range c.r.AssocItems(im) {
		if ta, ok := it.(*syntax.TypeAliasItem); ok && ta.Type != nil {
			gen["Self::"+ta.Name.Name] = nil // not itself while converting
			gen["Self::"+ta.Name.Name] = c.convDepth(s, ta.Type, gen, self, 4)
		}
	}
}

func ownerGenerics(owner syntax.Item) *syntax.Generics {
	switch o := owner.(type) {
	case *syntax.ImplItem:
		return o.Generics
	case *syntax.TraitItem:
		return o.Generics
	}
	return nil
}

// portable drops what a type's text cannot carry to another crate (type
// parameters: unknown there), keeping impl and dyn trait bounds.
func portable(t *Type) *Type {
	if t == nil || t.Kind == Param && t.Path != "impl" {
		return nil
	}
	return t.withArgs(portable)
}

// depReturn asks the dependencies what a function of theirs returns.
func (c *Checker) depReturn(path string) *Type {
	if c.deps == nil || path == "" || isStd(path) || c.local(path) {
		return nil
	}
	if r := c.deps.ReturnType(path); r != "" {
		if t, err := ParseType(r); err == nil {
			return c.table.normalize(t)
		}
	}
	return nil
}

// DepAnalyzed reports whether path names an item of a dependency that
// was analysed (its methods are then linked, not matched by name).
func (c *Checker) DepAnalyzed(path string) bool { return c.depAnalyzed(path) }

// depAnalyzed reports whether the dependency holding path was analysed.
func (c *Checker) depAnalyzed(path string) bool {
	return c.deps != nil && !isStd(path) && !c.local(path) && c.deps.Analyzed(path)
}

// fieldType is the type of a named (or numbered) field of a struct of
// the crate whose type is owner.
func (c *Checker) fieldType(owner *Type, field string) *Type {
	if owner == nil {
		return nil
	}
	if owner.Kind == Tuple {
		if i, ok := tupleIndex(field); ok {
			return owner.Arg(i)
		}
		return nil
	}
	if owner.Kind != Named {
		return nil
	}
	d := c.r.Types[owner.Path]
	for hops := 0; d == nil && hops < 4 && isStd(owner.Path); hops++ {
		// A field through a std smart pointer or guard: autoderef
		// (self.inner.hyper on an Arc<ClientRef>).
		if owner = c.table.Deref(owner); owner == nil || owner.Kind != Named {
			return nil
		}
		d = c.r.Types[owner.Path]
	}
	if d == nil {
		return nil
	}
	var fields []*syntax.Field
	var g *syntax.Generics
	switch it := d.Item.(type) {
	case *syntax.StructItem:
		fields, g = it.Fields, it.Generics
	case *syntax.UnionItem:
		fields, g = it.Fields, it.Generics
	default:
		return nil
	}
	gen := c.argGenerics(g, owner)
	if i, ok := tupleIndex(field); ok {
		if i < len(fields) {
			return c.conv(d.Owner, fields[i].Type, gen, owner)
		}
		return nil
	}
	for _, fl := range fields {
		// A field declared once per platform under exclusive cfgs: the
		// one compiled in.
		if fl.Name.Name == field && !c.p.Dead(fl) {
			return c.conv(d.Owner, fl.Type, gen, owner)
		}
	}
	return nil
}

// argGenerics maps the type parameters of an item to the arguments of
// t (nil where none is given).
func (c *Checker) argGenerics(g *syntax.Generics, t *Type) generics {
	gen := generics{}
	if g == nil {
		return gen
	}
	i := 0
	for _, gp := range g.Params {
		if gp.Kind == syntax.TypeParam {
			gen[gp.Name.Name] = t.Arg(i)
			i++
		}
	}
	return gen
}

func tupleIndex(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// IsPrimitive reports whether name is a primitive type (u8, str, ...)
// or the table's key for slices and tuples ([T], (tuple)).
func IsPrimitive(name string) bool { return primitive[name] || name == "[T]" || name == "(tuple)" }
