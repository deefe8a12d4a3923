package infer

import (
	"slices"
	"strings"

	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Body holds the lexical scopes of one function body while it is
// walked: the walk calls Enter before a node's children and Leave after
// them (program.Program.WalkScoped), and asks for types and method
// targets in between.
type Body struct {
	c      *Checker
	pf     *program.Func
	cur    *program.Cursor
	frames []*frame
	gen    generics
	self   *Type
	// armType holds the scrutinee type of each match arm; closureParam
	// the type of a closure argument's first parameter, known from the
	// method it is passed to.
	armType      map[*syntax.MatchArm]*Type
	closureParam map[*syntax.ClosureExpr]*Type
	memo         map[syntax.Expr]*Type
}

// frame is one lexical scope of locals.
type frame struct {
	node syntax.Node
	vars map[string]*Type // nil: a local of unknown type
	// forBody, forPat, forType: a for loop binds its pattern when its
	// body starts (the iterated expression does not see it).
	forBody syntax.Node
	forPat  syntax.Pat
	forType *Type
	// elseNode: the else branch of an if does not see the bindings of
	// its condition's let.
	elseNode syntax.Node
}

// Body starts the inference of pf's body: its parameters are the first
// scope. The checker's previous Body is reset and reused (bodies are
// walked one at a time; reusing their maps spares the allocator).
func (c *Checker) Body(pf *program.Func) *Body {
	b := c.spare
	if b == nil {
		b = &Body{c: c, gen: generics{}, armType: map[*syntax.MatchArm]*Type{},
			closureParam: map[*syntax.ClosureExpr]*Type{}, memo: map[syntax.Expr]*Type{}}
		c.spare = b
	} else {
		b.gen = reset(b.gen)
		b.armType = reset(b.armType)
		b.closureParam = reset(b.closureParam)
		b.memo = reset(b.memo)
		clear(b.frames)
		b.frames = b.frames[:0]
		b.self, b.cur = nil, nil
	}
	b.pf = pf
	for k, v := range c.ownerGenerics(pf) {
		b.gen[k] = v
	}
	if pf.SelfType != "" {
		b.self = named(pf.SelfType)
		if im, ok := pf.Owner.(*syntax.ImplItem); ok && im.SelfType != nil {
			// Self with the impl's arguments (Client<C> in impl<C:
			// Connect> Client<C>), so that fields of generic types
			// have their bounds; and for an impl for a type with no
			// path of its own (&mut T: references are dropped, Self is
			// T with its bounds; a type parameter; a tuple), that type.
			if t := c.conv(pf.Scope, im.SelfType, b.gen, nil); t != nil &&
				(t.Kind == Named && t.Path == pf.SelfType && len(t.Args) > 0 || t.Kind == Param || t.Kind == Tuple || t.Kind == Slice) {
				b.self = t
			}
		}
		if _, isTrait := pf.Owner.(*syntax.TraitItem); isTrait {
			// In a trait's default method, Self is any implementor.
			b.self = &Type{Kind: Param, Path: "Self", Bounds: []string{pf.SelfType}}
		}
	}
	top := &frame{node: pf.Body}
	b.frames = append(b.frames, top)
	if pf.Item != nil {
		c.addGenerics(b.gen, pf.Scope, pf.Item.Sig.Generics)
		for _, p := range pf.Item.Sig.Params {
			if p.Self {
				t := b.self
				if p.Type != nil {
					t = c.conv(pf.Scope, p.Type, b.gen, b.self)
				}
				top.set("self", t)
				continue
			}
			b.bind(top, p.Pat, c.conv(pf.Scope, p.Type, b.gen, b.self), pf.Scope)
		}
	}
	return b
}

// reset empties a map for the next body: cleared in place when small,
// replaced when a large body grew it (clearing walks its whole table).
func reset[K comparable, V any](m map[K]V) map[K]V {
	switch n := len(m); {
	case n == 0:
		return m
	case n > 512:
		return map[K]V{}
	}
	clear(m)
	return m
}

// SelfType returns the type Self stands for (nil outside impls).
func (b *Body) SelfType() *Type { return b.self }

// scope is the resolution scope at the walk's current node.
func (b *Body) scope() *resolve.Scope {
	if b.cur != nil {
		return b.cur.Scope()
	}
	return b.pf.Scope
}

// Local returns the type of the local variable name in scope (nil when
// unknown) and whether one is in scope.
func (b *Body) Local(name string) (*Type, bool) {
	for i := len(b.frames) - 1; i >= 0; i-- {
		if t, ok := b.frames[i].vars[name]; ok {
			return t, true
		}
	}
	return nil, false
}

// IsLocal reports whether a path is a local variable: one segment
// naming a binding in scope, which shadows any item of that name.
func (b *Body) IsLocal(p *syntax.Path) bool {
	if p == nil || p.Global || p.QSelf != nil || len(p.Segments) != 1 || p.Segments[0].Args != nil {
		return false
	}
	_, ok := b.Local(p.Segments[0].Name.Name)
	return ok
}

func (b *Body) push(f *frame) { b.frames = append(b.frames, f) }

// set binds name in frame f (its map made on first use: most blocks
// bind nothing).
func (f *frame) set(name string, t *Type) {
	if f.vars == nil {
		f.vars = map[string]*Type{}
	}
	f.vars[name] = t
}

func (b *Body) pop(n syntax.Node) {
	if k := len(b.frames); k > 1 && b.frames[k-1].node == n {
		b.frames = b.frames[:k-1]
	}
}

func (b *Body) top() *frame { return b.frames[len(b.frames)-1] }

// Enter updates the scopes before the children of n are walked.
func (b *Body) Enter(n syntax.Node, c *program.Cursor) {
	b.cur = c
	if t := b.top(); t.elseNode != nil && t.elseNode == n {
		clear(t.vars)
	}
	if t := b.top(); t.forBody != nil && t.forBody == n {
		b.bind(t, t.forPat, t.forType, c.Scope())
	}
	switch n := n.(type) {
	case *syntax.BlockExpr:
		b.push(&frame{node: n})
	case *syntax.ClosureExpr:
		f := &frame{node: n}
		b.push(f)
		b.bindClosureParams(f, n)
	case *syntax.MatchExpr:
		t := b.TypeOf(n.X)
		for _, a := range n.Arms {
			b.armType[a] = t
		}
	case *syntax.MatchArm:
		f := &frame{node: n}
		b.push(f)
		b.bind(f, n.Pat, b.armType[n], c.Scope())
	case *syntax.ForExpr:
		b.push(&frame{node: n, forBody: n.Body, forPat: n.Pat, forType: b.itemOf(b.TypeOf(n.X))})
	case *syntax.IfExpr:
		f := &frame{node: n}
		if n.Else != nil {
			f.elseNode = n.Else
		}
		b.push(f)
	case *syntax.WhileExpr:
		b.push(&frame{node: n})
	case *syntax.MethodCallExpr:
		b.noteClosures(n)
		b.fill(n)
	}
}

// fill refines the type of a local collection made empty (let mut v =
// vec![]; Vec::new()) from the first value put in it (v.push(parent)):
// its later uses see the element type.
func (b *Body) fill(m *syntax.MethodCallExpr) {
	pe, ok := m.Recv.(*syntax.PathExpr)
	if !ok || !b.IsLocal(pe.Path) {
		return
	}
	name := pe.Path.Segments[0].Name.Name
	t, _ := b.Local(name)
	if t == nil || t.Kind != Named || len(t.Args) > 0 && t.Args[0] != nil {
		return
	}
	i, ok := b.c.table.Fills(t.Path + "::" + m.Name.Name)
	if !ok || i >= len(m.Args) {
		return
	}
	elem := b.TypeOf(m.Args[i])
	if elem == nil {
		return
	}
	for k := len(b.frames) - 1; k >= 0; k-- {
		if _, ok := b.frames[k].vars[name]; ok {
			b.frames[k].vars[name] = named(t.Path, elem)
			return
		}
	}
}

// Leave updates the scopes after the children of n were walked.
func (b *Body) Leave(n syntax.Node, c *program.Cursor) {
	b.cur = c
	switch n := n.(type) {
	case *syntax.LetStmt:
		var t *Type
		if n.Type != nil {
			t = b.c.conv(c.Scope(), n.Type, b.gen, b.self)
		} else if n.Init != nil {
			t = b.TypeOf(n.Init)
		}
		b.bind(b.top(), n.Pat, t, c.Scope())
	case *syntax.LetExpr:
		b.bind(b.top(), n.Pat, b.TypeOf(n.X), c.Scope())
	case *syntax.BlockExpr, *syntax.ClosureExpr, *syntax.MatchArm, *syntax.ForExpr, *syntax.IfExpr, *syntax.WhileExpr:
		b.pop(n)
	}
}

// bindClosureParams binds a closure's parameters: annotated, or the
// first one typed by the method the closure is passed to.
func (b *Body) bindClosureParams(f *frame, n *syntax.ClosureExpr) {
	for i, p := range n.Params {
		var t *Type
		if p.Type != nil {
			t = b.c.conv(b.scope(), p.Type, b.gen, b.self)
		} else if i == 0 {
			t = b.closureParam[n]
		}
		b.bind(f, p.Pat, t, b.scope())
	}
}

// noteClosures records the parameter type of closures passed to a std
// method whose table entry says what they receive (Option::map gets the
// option's content, Iterator::for_each each item).
func (b *Body) noteClosures(m *syntax.MethodCallExpr) {
	var closures []*syntax.ClosureExpr
	for _, a := range m.Args {
		if cl, ok := a.(*syntax.ClosureExpr); ok {
			closures = append(closures, cl)
		}
	}
	if len(closures) == 0 {
		return
	}
	tg := b.Method(m)
	if tg.Kind != External && !(tg.Kind == TraitMethod && tg.Def == nil) || tg.Recv == nil {
		return
	}
	if t := b.c.table.ClosureParam(tg.Path, b.unwrapRecv(tg), b.itemOf(b.unwrapRecv(tg))); t != nil {
		for _, cl := range closures {
			b.closureParam[cl] = t
		}
	}
}

// unwrapRecv is the receiver type a std method target was found on.
func (b *Body) unwrapRecv(tg Target) *Type {
	if tg.On != nil {
		return tg.On
	}
	return tg.Recv
}

// bind binds the names of pattern p, matched against a value of type t
// (nil: unknown), in frame f.
func (b *Body) bind(f *frame, p syntax.Pat, t *Type, s *resolve.Scope) {
	b.bindDepth(f, p, t, s, 0)
}

func (b *Body) bindDepth(f *frame, p syntax.Pat, t *Type, s *resolve.Scope, depth int) {
	if p == nil || depth > 16 {
		return
	}
	bind := func(q syntax.Pat, qt *Type) { b.bindDepth(f, q, qt, s, depth+1) }
	switch p := p.(type) {
	case *syntax.IdentPat:
		if p.Sub == nil && b.isPathPattern(p.Name.Name, s) {
			return
		}
		f.set(p.Name.Name, t)
		if p.Sub != nil {
			bind(p.Sub, t)
		}
	case *syntax.ParenPat:
		bind(p.Pat, t)
	case *syntax.RefPat:
		bind(p.Pat, t)
	case *syntax.BoxPat:
		bind(p.Pat, t.Arg(0))
	case *syntax.OrPat:
		for _, a := range p.Alts {
			bind(a, t)
		}
	case *syntax.TuplePat:
		for i, e := range p.Elems {
			var et *Type
			if t != nil && t.Kind == Tuple {
				et = t.Arg(i)
			}
			bind(e, et)
		}
	case *syntax.SlicePat:
		var et *Type
		if t != nil && t.Kind == Slice {
			et = t.Arg(0)
		}
		for _, e := range p.Elems {
			bind(e, et)
		}
	case *syntax.TupleStructPat:
		fields := b.variantFields(p.Path, t, s)
		for i, e := range p.Elems {
			bind(e, argAt(fields, i))
		}
	case *syntax.StructPat:
		for _, fp := range p.Fields {
			ft := b.structPatField(p.Path, fp.Name.Name, t, s)
			if fp.Pat != nil {
				bind(fp.Pat, ft)
			} else {
				f.set(fp.Name.Name, ft)
			}
		}
	case *syntax.MacroPat:
		if e := b.c.p.Expansion(p.Mac); e != nil && e.Pat != nil {
			bind(e.Pat, t)
		}
	}
}

// isPathPattern reports whether an identifier pattern names a constant,
// a unit struct or a unit variant in scope (None, MAX): rustc reads it
// as a path to match, not a new binding.
func (b *Body) isPathPattern(name string, s *resolve.Scope) bool {
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	p := &syntax.Path{Segments: []*syntax.PathSegment{{Name: syntax.Ident{Name: name}}}}
	res := b.c.r.ResolvePath(s, p, resolve.ValueNS)
	if res.Def != nil {
		switch res.Def.Kind {
		case resolve.DefConst, resolve.DefStatic, resolve.DefVariant, resolve.DefStruct:
			return true
		}
		return false
	}
	return res.Path != ""
}

// variantFields returns the types of the positional fields of the
// tuple struct or variant a pattern path names, matched against t.
func (b *Body) variantFields(p *syntax.Path, t *Type, s *resolve.Scope) []*Type {
	res := b.c.r.ResolvePath(s, p, resolve.ValueNS)
	if res.Def == nil {
		// Some(x), Ok(x), Err(e) of std's Option and Result, which the
		// table knows as fns returning the payload.
		if payload, ok := b.c.table.Variant(canonicalStd(res.Path), t); ok {
			return []*Type{payload}
		}
		return nil
	}
	return b.defFields(res.Def, t, "")
}

// structPatField returns the type of a named field of the struct or
// variant a struct pattern names.
func (b *Body) structPatField(p *syntax.Path, field string, t *Type, s *resolve.Scope) *Type {
	if p != nil && p.QSelf == nil && len(p.Segments) == 1 && p.Segments[0].Name.Name == "Self" && b.self != nil {
		// let Self { reader, buf } = &mut *self;
		if t == nil || t.Kind != Named {
			t = b.self
		}
		return b.c.fieldType(t, field)
	}
	res := b.c.r.ResolvePath(s, p, resolve.TypeNS)
	if res.Def == nil {
		return nil
	}
	return argAt(b.defFields(res.Def, t, field), 0)
}

// defFields returns the field types of a struct or variant definition
// (positional when field is "", else the one named field).
func (b *Body) defFields(d *resolve.Def, t *Type, field string) []*Type {
	var fields []*syntax.Field
	var g *syntax.Generics
	owner := d.Owner
	switch it := d.Item.(type) {
	case *syntax.StructItem:
		fields, g = it.Fields, it.Generics
	case *syntax.EnumItem:
		// A variant's Def item is its enum (see resolve); its Owner the
		// scope of the variants, which resolves nothing else.
		owner = d.Owner.ModScope
		for _, v := range it.Variants {
			// A variant declared once per platform: the first compiled in.
			if v.Name.Name == d.Name && !b.c.p.Dead(v) {
				fields, g = v.Fields, it.Generics
				break
			}
		}
	default:
		return nil
	}
	gen := generics{}
	if t != nil {
		gen = b.c.argGenerics(g, t)
	} else if g != nil {
		for _, gp := range g.Params {
			if gp.Kind == syntax.TypeParam {
				gen[gp.Name.Name] = nil
			}
		}
	}
	var out []*Type
	for _, fl := range fields {
		if field != "" {
			if fl.Name.Name == field {
				return []*Type{b.c.conv(owner, fl.Type, gen, t)}
			}
			continue
		}
		out = append(out, b.c.conv(owner, fl.Type, gen, t))
	}
	return out
}

// itemOf returns what a for loop over a value of type t yields.
func (b *Body) itemOf(t *Type) *Type {
	for i := 0; t != nil && i < 4; i++ {
		if it := b.c.table.Item(t); it != nil {
			return it
		}
		if it := b.iterItem(t); it != nil {
			return it
		}
		t = b.c.table.Deref(t)
	}
	return nil
}

// iterItem is what an iterator type of the crate or of a dependency
// yields: the payload of its next method's Option (walkdir's IntoIter
// yields walkdir::Result<DirEntry>). A type whose into_iter returns an
// iterator yields what that iterator yields (for e in WalkDir::new(p)).
func (b *Body) iterItem(t *Type) *Type {
	return b.iterItemDepth(t, 0)
}

func (b *Body) iterItemDepth(t *Type, depth int) *Type {
	p := t.Nominal()
	if p == "" || isStd(p) || depth > 2 {
		return nil
	}
	c := b.c
	ret := func(name string) *Type {
		if c.local(p) {
			if d := c.r.Methods[p][name]; d != nil {
				return c.fnReturn(d, t)
			}
			return nil
		}
		return c.depReturn(p + "::" + name)
	}
	if next := ret("next"); next.Nominal() == "std::option::Option" {
		return next.Arg(0)
	}
	if it := ret("into_iter"); it != nil && it.Nominal() != p {
		if item := b.c.table.Item(it); item != nil {
			return item
		}
		return b.iterItemDepth(it, depth+1)
	}
	return nil
}

// TypeOf infers the type of an expression (nil when unknown).
func (b *Body) TypeOf(x syntax.Expr) *Type {
	if x == nil {
		return nil
	}
	if t, ok := b.memo[x]; ok {
		return t
	}
	b.memo[x] = nil // a cycle through a macro expansion stays unknown
	t := b.typeOf(x)
	b.memo[x] = t
	return t
}

// payload returns what ? or unwrap gives from t: the content of an
// Option or the Ok of a Result; any other type (a dependency's function
// whose return type was recorded without its Result) is itself.
func payload(t *Type) *Type {
	if t == nil || t.Kind != Named {
		return t
	}
	switch t.Path {
	case "std::option::Option", "std::result::Result", "std::task::Poll":
		return t.Arg(0)
	}
	if strings.HasSuffix(t.Path, "::Result") && len(t.Args) > 0 {
		return t.Arg(0)
	}
	return t
}

func (b *Body) typeOf(x syntax.Expr) *Type {
	r := b.c.r
	switch e := x.(type) {
	case *syntax.ParenExpr:
		return b.TypeOf(e.X)
	case *syntax.TryExpr:
		return payload(b.TypeOf(e.X))
	case *syntax.AwaitExpr:
		return b.TypeOf(e.X)
	case *syntax.RefExpr:
		return b.TypeOf(e.X)
	case *syntax.LitExpr:
		switch e.Kind {
		case syntax.Str, syntax.RawStr:
			return named("str")
		case syntax.KwTrue, syntax.KwFalse:
			return named("bool")
		}
		return nil
	case *syntax.MacroExpr:
		exp := b.c.p.Expansion(e.Mac)
		if exp == nil {
			return nil
		}
		if exp.Expr != nil {
			return b.TypeOf(exp.Expr)
		}
		if exp.Kind == program.Vec {
			// vec![a, b] and vec![x; n]: a Vec of the first element's
			// type (unknown for vec![]).
			var elem *Type
			if len(exp.Exprs) > 0 {
				elem = b.TypeOf(exp.Exprs[0])
			}
			return named("std::vec::Vec", elem)
		}
		if len(exp.Stmts) > 0 {
			return b.blockType(exp.Stmts)
		}
		return nil
	case *syntax.BlockExpr:
		if e.Unsafe || e.Label == "" {
			return b.blockType(e.Stmts)
		}
		return nil
	case *syntax.MatchExpr:
		// The first arm whose value has a known type (arms that return,
		// break or panic have none), with the arm's bindings in scope.
		scrutinee := b.TypeOf(e.X)
		for _, a := range e.Arms {
			if b.c.p.Dead(a) {
				continue
			}
			f := &frame{node: a}
			b.push(f)
			b.bind(f, a.Pat, scrutinee, b.scope())
			t := b.TypeOf(a.Body)
			b.pop(a)
			if t != nil {
				return t
			}
		}
		return nil
	case *syntax.IfExpr:
		if e.Else == nil {
			return nil
		}
		if t := b.TypeOf(e.Then); t != nil {
			return t
		}
		return b.TypeOf(e.Else)
	case *syntax.UnaryExpr:
		if e.Op != syntax.Star {
			return nil
		}
		t := b.TypeOf(e.X)
		if t != nil && t.Kind == Ptr {
			return t.Arg(0)
		}
		if d := b.c.table.Deref(t); d != nil {
			return d
		}
		if t != nil && t.Kind == Named && b.c.table.Wrapper(t.Path) {
			return nil // *Arc<_> with its content unknown
		}
		return t
	case *syntax.CastExpr:
		return b.c.conv(b.scope(), e.Type, b.gen, b.self)
	case *syntax.TupleExpr:
		out := &Type{Kind: Tuple}
		for _, el := range e.Elems {
			out.Args = append(out.Args, b.TypeOf(el))
		}
		return out
	case *syntax.ArrayExpr:
		if len(e.Elems) > 0 {
			return &Type{Kind: Slice, Args: []*Type{b.TypeOf(e.Elems[0])}}
		}
		return nil
	case *syntax.IndexExpr:
		t := b.TypeOf(e.X)
		for i := 0; t != nil && i < 3; i++ {
			if t.Kind == Slice {
				if _, isRange := e.Index.(*syntax.RangeExpr); isRange {
					return t // x[a..b] is a slice too
				}
				return t.Arg(0)
			}
			if t.Kind == Named && t.Path == "str" {
				return t
			}
			t = b.c.table.Deref(t)
		}
		return nil
	case *syntax.StructExpr:
		res := r.ResolvePath(b.scope(), e.Path, resolve.TypeNS)
		if res.Def != nil && res.Def.Kind == resolve.DefVariant {
			return named(res.Def.Path[:strings.LastIndex(res.Def.Path, "::")])
		}
		if res.Path == "" {
			return nil
		}
		if e.Path.QSelf == nil && len(e.Path.Segments) == 1 && e.Path.Segments[0].Name.Name == "Self" {
			return b.self
		}
		return named(canonicalStd(res.Path))
	case *syntax.PathExpr:
		return b.pathType(e)
	case *syntax.FieldExpr:
		return b.c.fieldType(b.TypeOf(e.X), e.Name.Name)
	case *syntax.CallExpr:
		return b.callType(e)
	case *syntax.MethodCallExpr:
		return b.Method(e).Ret
	}
	return nil
}

// argTypes replaces the $A0, $A1 placeholders of a table type by the
// types of the call's arguments.
func (b *Body) argTypes(t *Type, args []syntax.Expr, depth int) *Type {
	if t == nil || depth > 8 {
		return t
	}
	if t.Kind == Named && len(t.Args) == 0 && len(t.Path) == 3 && strings.HasPrefix(t.Path, "$A") {
		if i := int(t.Path[2] - '0'); i >= 0 && i < len(args) {
			return b.TypeOf(args[i])
		}
		return nil
	}
	return t.withArgs(func(a *Type) *Type { return b.argTypes(a, args, depth+1) })
}

// blockType is the type of a block's tail expression, with the block's
// let bindings in scope.
func (b *Body) blockType(stmts []syntax.Stmt) *Type {
	n := len(stmts)
	if n == 0 {
		return nil
	}
	es, ok := stmts[n-1].(*syntax.ExprStmt)
	if !ok || es.Semi {
		return nil
	}
	f := &frame{node: es}
	b.push(f)
	for _, st := range stmts[:n-1] {
		if ls, ok := st.(*syntax.LetStmt); ok {
			var t *Type
			if ls.Type != nil {
				t = b.c.conv(b.scope(), ls.Type, b.gen, b.self)
			} else {
				t = b.TypeOf(ls.Init)
			}
			b.bind(f, ls.Pat, t, b.scope())
		}
	}
	t := b.TypeOf(es.X)
	b.pop(es)
	return t
}

// pathType is the type of a path used as a value: a local, self, a
// static or const, a unit struct or an enum's unit variant.
func (b *Body) pathType(e *syntax.PathExpr) *Type {
	p := e.Path
	if p.QSelf == nil && len(p.Segments) == 1 {
		name := p.Segments[0].Name.Name
		if t, ok := b.Local(name); ok {
			return t
		}
		if name == "self" {
			return b.self
		}
	}
	res := b.c.r.ResolvePath(b.scope(), p, resolve.ValueNS)
	if res.Def == nil {
		return nil
	}
	switch it := res.Def.Item.(type) {
	case *syntax.StaticItem:
		return b.c.conv(res.Def.Owner, it.Type, nil, nil)
	case *syntax.ConstItem:
		return b.c.conv(res.Def.Owner, it.Type, nil, nil)
	}
	switch res.Def.Kind {
	case resolve.DefVariant:
		// ErrorKind::Dns is an ErrorKind.
		return named(res.Def.Path[:strings.LastIndex(res.Def.Path, "::")])
	case resolve.DefStruct:
		return named(res.Def.Path)
	}
	return nil
}

// callType is the type a call of a path returns.
func (b *Body) callType(e *syntax.CallExpr) *Type {
	pe, ok := e.Fun.(*syntax.PathExpr)
	if !ok || b.IsLocal(pe.Path) {
		return nil
	}
	tg := b.Call(pe.Path)
	if tg.Kind == External && tg.Ret != nil && len(e.Args) > 0 {
		// Arc::clone(&x), Rc::clone(&x): a method called by its path,
		// whose Self is the receiver's type, arguments included.
		if i := strings.LastIndex(tg.Path, "::"); i > 0 && tg.Ret.Kind == Named && tg.Ret.Path == tg.Path[:i] && len(tg.Ret.Args) == 0 {
			if recv := b.TypeOf(e.Args[0]); recv != nil && recv.Kind == Named && recv.Path == tg.Ret.Path {
				return recv
			}
		}
	}
	if tg.Kind == External && tg.Ret != nil {
		// Arc::new(x): $A0 in the table is the first argument's type.
		return b.argTypes(tg.Ret, e.Args, 0)
	}
	if tg.Kind == External && tg.Ret == nil && len(e.Args) == 1 {
		// Some(x), Ok(x), Err(e): the enum, with the payload's type.
		if enum, arg, ok := b.c.table.VariantOf(tg.Path); ok {
			args := make([]*Type, arg+1)
			args[arg] = b.TypeOf(e.Args[0])
			return named(enum, args...)
		}
	}
	return tg.Ret
}

// TargetKind says what a call resolved to.
type TargetKind uint8

// Target kinds.
const (
	NoTarget TargetKind = iota
	// LocalFn: a function of the crate (Def).
	LocalFn
	// External: a std or dependency path (Path).
	External
	// TraitMethod: a method of a trait on a generic or dyn receiver
	// (Path is Trait::method); Impls are the crate's impls of it.
	TraitMethod
)

// Target is what a call resolves to.
type Target struct {
	Kind TargetKind
	Path string
	Def  *resolve.Def
	// Impls are, for a trait method of the crate, every impl of it in
	// the crate and the trait's provided body (class-hierarchy analysis).
	Impls []*resolve.Def
	Res   diag.Resolution
	// Recv is the receiver's type; On the type the method was found on
	// after autoderef.
	Recv, On *Type
	Ret      *Type
}

// Call resolves a path in call position: a function of the crate, a
// tuple struct or variant constructor, or a std or dependency path.
func (b *Body) Call(p *syntax.Path) Target {
	c := b.c
	if p.QSelf == nil && !p.Global && len(p.Segments) == 2 {
		// T::f(..) on a type parameter (or Self in a trait's default
		// method): the trait method, linked to every impl.
		first := p.Segments[0].Name.Name
		var t *Type
		if g, ok := b.gen[first]; ok {
			t = g
		} else if first == "Self" && b.self != nil && b.self.Kind == Param {
			t = b.self
		}
		if t != nil && t.Kind == Param {
			return b.traitTarget(t, p.Segments[1].Name.Name)
		}
	}
	res := c.r.ResolvePath(b.scope(), p, resolve.ValueNS)
	if d := res.Def; d != nil {
		if d.Kind == resolve.DefFn && d.Trait == "" && isTraitDecl(d) && d.SelfType != "" {
			// <T as Trait>::f, Trait::f(x): the trait's method, which
			// any impl may provide.
			return b.traitTarget(&Type{Kind: Param, Bounds: []string{d.SelfType}}, d.Name)
		}
		tg := Target{Kind: LocalFn, Path: d.Path, Def: d, Res: diag.ResolvedPath}
		switch d.Kind {
		case resolve.DefFn:
			var self *Type
			if p.QSelf == nil && len(p.Segments) >= 2 && p.Segments[0].Name.Name == "Self" {
				self = b.self
			}
			tg.Ret = c.fnReturn(d, self)
		case resolve.DefVariant:
			tg.Kind = NoTarget
			tg.Ret = named(d.Path[:strings.LastIndex(d.Path, "::")])
		case resolve.DefStruct:
			tg.Kind = NoTarget
			tg.Ret = named(d.Path)
		default:
			tg.Kind = NoTarget
		}
		return tg
	}
	if res.Path == "" {
		return Target{}
	}
	path := canonicalStd(res.Path)
	if p, ok := b.StdReexport(path); ok {
		path = p
	}
	if i := strings.LastIndex(path, "::"); i > 0 {
		// RawFd::try_from is i32's: a std type alias's functions are the
		// aliased type's.
		if a, ok := c.table.aliases[path[:i]]; ok && a.Kind == Named && len(a.Args) == 0 {
			path = a.Path + path[i:]
		}
	}
	tg := Target{Kind: External, Path: path, Res: diag.ResolvedPath}
	if ret, ok := c.table.Returns(path); ok {
		var self *Type
		if i := strings.LastIndex(path, "::"); i > 0 {
			self = named(path[:i])
		}
		tg.Ret = b.c.table.subst(ret, self, nil, nil)
	} else if ret, self := b.stdAssoc(path); ret != nil {
		// PathBuf::from(..): From::from, which PathBuf implements.
		tg.Ret = b.c.table.subst(ret, self, nil, nil)
	} else if t := c.depReturn(res.Path); t != nil {
		tg.Ret = t
	} else {
		tg.Ret = constructorType(path, c.table)
	}
	return tg
}

// stdAssoc finds Type::f, for a std type, among the functions of the
// std traits the type implements (the table lists From::from once, under
// the trait). It returns f's return type and the type.
func (b *Body) stdAssoc(path string) (*Type, *Type) {
	i := strings.LastIndex(path, "::")
	if i < 0 || !isStd(path[:i]) {
		return nil, nil
	}
	typ, fn := path[:i], path[i+2:]
	for _, tr := range b.c.table.Traits(typ) {
		if ret, ok := b.c.table.Returns(tr + "::" + fn); ok {
			return ret, named(typ)
		}
	}
	return nil, nil
}

// constructorType is the type Type::new returns when no signature is
// known: rustc's convention that new constructs its own type, for types
// of crates Warden did not see.
func constructorType(path string, t *Table) *Type {
	i := strings.LastIndex(path, "::")
	if i < 0 {
		return nil
	}
	typ, fn := path[:i], path[i+2:]
	last := typ[strings.LastIndex(typ, "::")+2:]
	if last == "" || last[0] < 'A' || last[0] > 'Z' || fn != "new" {
		return nil
	}
	return named(typ)
}

// Method resolves a method call by its receiver's type.
func (b *Body) Method(m *syntax.MethodCallExpr) Target {
	recv := b.TypeOf(m.Recv)
	tg := b.lookup(recv, m.Name.Name)
	tg.Recv = recv
	b.methodReturn(&tg, m)
	return tg
}

// lookup finds method name on a value of type recv: the type's own
// (inherent or trait impl) methods, then what it derefs to; on a
// generic or dyn receiver, the method of a bound trait.
func (b *Body) lookup(recv *Type, name string) Target {
	tg, std := b.lookupDeref(recv, name)
	if tg.Kind == NoTarget && std != nil {
		// Not found through autoderef: a method of a std type on the way
		// that the table does not list. rustc looks at the outer type
		// first, so the first one, but smart pointers and guards (Box,
		// Arc, Pin, MutexGuard: types that only deref to their
		// argument) have few methods of their own: AtomicBool's load on
		// an Arc<AtomicBool>, PathBuf's into_boxed_path on a PathBuf,
		// and Pin's get_unchecked_mut on a Pin<&mut Self> (no other std
		// type on the way).
		return Target{Kind: External, Path: std.Path + "::" + name, Res: diag.ResolvedType, On: std}
	}
	return tg
}

// lookupDeref is lookup's autoderef loop; it also returns the std type
// the method most likely belongs to when the table does not list it:
// the first std type met that is not a smart pointer, else the first.
func (b *Body) lookupDeref(recv *Type, name string) (tg Target, firstStd *Type) {
	c := b.c
	t := recv
	var wrapper *Type // the first std smart pointer met
	defer func() {
		if firstStd == nil {
			firstStd = wrapper
		}
	}()
	for depth := 0; t != nil && depth < 6; depth++ {
		switch t.Kind {
		case Param, Dyn:
			if wrapper == nil || wrapper.Path != pinPath {
				// Not reached through a Pin: an extension trait's
				// method by reference wins over the bound's pinned one.
				if tg, ok := b.extMethod(t, name); ok {
					return tg, firstStd
				}
			}
			return b.traitTarget(t, name), firstStd
		case Ptr:
			return Target{Kind: External, Path: "std::ptr::" + ptrName(t) + "::" + name, Res: diag.ResolvedType, On: t}, firstStd
		case Slice, Tuple:
			key := "[T]"
			if t.Kind == Tuple {
				key = "(tuple)"
			}
			if _, ok := c.table.Returns(key + "::" + name); ok {
				return Target{Kind: External, Path: key + "::" + name, Res: diag.ResolvedType, On: t}, firstStd
			}
			for _, tr := range c.table.Traits(key) {
				if _, ok := c.table.Returns(tr + "::" + name); ok {
					return Target{Kind: External, Path: tr + "::" + name, Res: diag.ResolvedType, On: t}, firstStd
				}
			}
			// A slice or tuple method the table does not list.
			return Target{Kind: External, Path: key + "::" + name, Res: diag.ResolvedType, On: t}, nil
		case Named:
		default:
			return Target{}, firstStd
		}
		path := t.Path
		if c.local(path) {
			if d := c.r.Methods[path][name]; d != nil {
				if d.Trait == "" && isTraitDecl(d) {
					return b.traitTarget(&Type{Kind: Param, Bounds: []string{path}}, name), firstStd
				}
				return Target{Kind: LocalFn, Path: d.Path, Def: d, Res: diag.ResolvedType, On: t}, firstStd
			}
			if tg, ok := b.iteratorMethod(t, name); ok {
				return tg, firstStd
			}
			// The crate's Deref impl: autoderef continues in its Target
			// (a newtype around a File calls File's methods).
			if d := c.r.Methods[path]["deref"]; d != nil && canonicalStd(d.Trait) == derefTrait {
				if next := c.fnReturn(d, t); next != nil && (next.Kind != Named || next.Path != t.Path) {
					t = next
					continue
				}
			}
			// A method from a derive or a std trait: nothing the model
			// names.
			return Target{}, firstStd
		}
		if isStd(path) {
			if path == pinPath {
				// rustc's first probe is the receiver by value: a method
				// of the pinned type taking self: Pin<&mut Self> is
				// called before any method of Pin itself (the crate's
				// impl Body for Pin<P> included).
				if tg, ok := b.pinnedMethod(t.Arg(0), name); ok {
					return tg, firstStd
				}
			}
			if c.table.Wrapper(path) {
				if wrapper == nil {
					wrapper = t
				}
			} else if firstStd == nil {
				firstStd = t
			}
			// The crate's own trait implemented for a std type (which's
			// PathExt for PathBuf).
			if d := c.r.Methods[path][name]; d != nil {
				return Target{Kind: LocalFn, Path: d.Path, Def: d, Res: diag.ResolvedType, On: t}, firstStd
			}
			if _, ok := c.table.Returns(path + "::" + name); ok {
				return Target{Kind: External, Path: path + "::" + name, Res: diag.ResolvedType, On: t}, firstStd
			}
			for _, tr := range c.table.Traits(path) {
				if _, ok := c.table.Returns(tr + "::" + name); ok {
					return Target{Kind: External, Path: tr + "::" + name, Res: diag.ResolvedType, On: t}, firstStd
				}
			}
			if d := c.table.Deref(t); d != nil {
				t = d
				continue
			}
			if it := c.table.Item(t); it != nil {
				if _, ok := c.table.Returns("std::iter::Iterator::" + name); ok {
					return Target{Kind: External, Path: "std::iter::Iterator::" + name, Res: diag.ResolvedType, On: t}, firstStd
				}
			}
			// A std method the table does not list: named on the first
			// std type (the model may know it).
			return Target{}, firstStd
		}
		// A dependency's type: its own method, or one Iterator provides
		// (the dependency has no such method of its own).
		if c.depReturn(path+"::"+name) == nil {
			if tg, ok := b.iteratorMethod(t, name); ok {
				return tg, firstStd
			}
		}
		return Target{Kind: External, Path: path + "::" + name, Res: diag.ResolvedType, On: t}, firstStd
	}
	return Target{}, firstStd
}

// iteratorMethod resolves a provided method of std's Iterator (map,
// filter_map, ...) on an iterator type of the crate or a dependency.
func (b *Body) iteratorMethod(t *Type, name string) (Target, bool) {
	if name == "next" || name == "into_iter" {
		return Target{}, false
	}
	if _, ok := b.c.table.Returns("std::iter::Iterator::" + name); !ok {
		return Target{}, false
	}
	if next := b.iterNext(t); next == nil {
		return Target{}, false
	}
	return Target{Kind: External, Path: "std::iter::Iterator::" + name, Res: diag.ResolvedType, On: t}, true
}

// iterNext is the item type of a type with a next method returning an
// Option (an iterator), or nil.
func (b *Body) iterNext(t *Type) *Type {
	p := t.Nominal()
	c := b.c
	var next *Type
	if c.local(p) {
		if d := c.r.Methods[p]["next"]; d != nil {
			next = c.fnReturn(d, t)
		}
	} else {
		next = c.depReturn(p + "::next")
	}
	if next.Nominal() != "std::option::Option" {
		return nil
	}
	if it := next.Arg(0); it != nil {
		return it
	}
	return &Type{Kind: Unknown}
}

func ptrName(t *Type) string {
	if t.Mut {
		return "mut_ptr"
	}
	return "const_ptr"
}

// isTraitDecl reports whether a method definition is declared in a
// trait (its Impl is the trait item).
func isTraitDecl(d *resolve.Def) bool {
	_, ok := d.Impl.(*syntax.TraitItem)
	return ok
}

// traitTarget resolves a method on a receiver known only by its trait
// bounds: the first bound trait that declares it. A trait of the crate
// links to every impl of it in the crate.
func (b *Body) traitTarget(t *Type, name string) Target {
	c := b.c
	// A bound known to have the method wins over a dependency's trait
	// whose methods are not known here (D: Buf + From<&[u8]> calls
	// From::from).
	for _, tr := range t.Bounds {
		if c.local(tr) || !isStd(canonicalStd(tr)) {
			continue
		}
		if _, ok := c.table.Returns(canonicalStd(tr) + "::" + name); ok && len(t.Bounds) > 1 {
			if tg := b.traitTarget(&Type{Kind: t.Kind, Path: t.Path, Bounds: []string{tr}, Args: t.Args}, name); tg.Kind == TraitMethod {
				if !b.localBoundHas(t, name) {
					tg.On = t
					return tg
				}
			}
		}
	}
	for _, tr := range t.Bounds {
		if c.local(tr) {
			d := c.r.Methods[tr][name]
			if d == nil {
				// A method of a supertrait (FromStream: FromStreamPriv).
				var sup []string
				for _, st := range c.supertraits(tr) {
					// The crate's supertraits, and std's that the table
					// says have the method (not Send or Sync).
					if _, listed := c.table.Returns(st + "::" + name); c.local(st) || listed {
						sup = append(sup, st)
					}
				}
				if len(sup) > 0 && len(t.Bounds) < 16 {
					if tg := b.traitTarget(&Type{Kind: t.Kind, Path: t.Path, Bounds: sup}, name); tg.Kind == TraitMethod {
						tg.On = t
						return tg
					}
				}
				continue
			}
			tg := Target{Kind: TraitMethod, Path: tr + "::" + name, Def: d, Res: diag.ResolvedTrait, On: t}
			if fn, ok := d.Item.(*syntax.FnItem); ok && fn.Body != nil {
				tg.Impls = append(tg.Impls, d)
			}
			for _, im := range c.r.MethodsByName[name] {
				if im.Trait == tr {
					tg.Impls = append(tg.Impls, im)
				}
			}
			return tg
		}
		path := canonicalStd(tr)
		if isStd(path) {
			if _, ok := c.table.Returns(path + "::" + name); !ok && !b.stdTraitMayHave(path, name) {
				continue
			}
		}
		return Target{Kind: TraitMethod, Path: path + "::" + name, Res: diag.ResolvedTrait, On: t}
	}
	return Target{}
}

// localBoundHas reports whether one of t's bounds is a trait of the crate
// declaring a method of that name.
func (b *Body) localBoundHas(t *Type, name string) bool {
	for _, tr := range t.Bounds {
		if b.c.local(tr) && b.c.r.Methods[tr][name] != nil {
			return true
		}
	}
	return false
}

// StdReexport returns the std path a dependency's path stands for when
// the dependency re-exports a std item, or a prefix of it
// (tokio::time::Duration::from_millis is std::time::Duration::
// from_millis).
func (b *Body) StdReexport(path string) (string, bool) { return b.c.stdReexport(path) }

// extMethod finds a method of an extension trait of the crate that is
// implemented for every type with one of t's bounds (futures-lite's
// StreamExt for S: Stream): rustc finds it on a generic receiver as it
// finds the bound's own methods, and takes it when the receiver is not
// pinned (StreamExt::poll_next(&mut self) before Stream::poll_next(self:
// Pin<&mut Self>)) or when the bound has no such method (Stream has no
// next).
func (b *Body) extMethod(t *Type, name string) (Target, bool) {
	c := b.c
	for _, ext := range c.extensionTraits(name) {
		if slices.Contains(t.Bounds, ext) {
			continue
		}
		for _, bound := range c.blanketBounds(ext) {
			if slices.Contains(t.Bounds, bound) && !c.local(bound) {
				tg := b.traitTarget(&Type{Kind: Param, Path: t.Path, Bounds: []string{ext}}, name)
				if tg.Kind == TraitMethod {
					tg.On = t
					return tg, true
				}
			}
		}
	}
	return Target{}, false
}

// derefTrait is std's Deref, as canonical paths name it.
const derefTrait = "std::ops::Deref"

// pinPath is std's Pin, as canonical paths name it.
const pinPath = "std::pin::Pin"

// pinnedMethod finds a method called on a Pin<T> that T provides with a
// self: Pin<..> receiver: a trait method of T's bounds, or a method of a
// type of the crate.
func (b *Body) pinnedMethod(t *Type, name string) (Target, bool) {
	// Pin<Box<dyn Body>> pins the box's content (as_mut gives a
	// Pin<&mut dyn Body>).
	for hops := 0; t != nil && t.Kind == Named && isStd(t.Path) && t.Path != pinPath && b.c.table.Wrapper(t.Path) && hops < 4; hops++ {
		t = b.c.table.Deref(t)
	}
	if t == nil {
		return Target{}, false
	}
	switch t.Kind {
	case Param, Dyn:
		if _, pins := b.c.table.Returns(pinPath + "::" + name); pins {
			return Target{}, false // Pin's own (as_mut, set, get_mut)
		}
		tg := b.traitTarget(t, name)
		// The crate's trait method taking self: Pin<..>, or another
		// crate's, whose receiver is not known here (futures_io's
		// AsyncRead::poll_read on Pin::new(&mut *reader)).
		if tg.Kind == TraitMethod && (tg.Def == nil || pinReceiver(tg.Def)) {
			return tg, true
		}
	case Named:
		if d := b.c.r.Methods[t.Path][name]; d != nil && b.c.local(t.Path) && pinReceiver(d) {
			if d.Trait == "" && isTraitDecl(d) {
				return b.traitTarget(&Type{Kind: Param, Bounds: []string{t.Path}}, name), true
			}
			return Target{Kind: LocalFn, Path: d.Path, Def: d, Res: diag.ResolvedType, On: t}, true
		}
	}
	return Target{}, false
}

// pinReceiver reports whether a method's receiver is self: Pin<..>.
func pinReceiver(d *resolve.Def) bool {
	fn, ok := d.Item.(*syntax.FnItem)
	if !ok || len(fn.Sig.Params) == 0 || !fn.Sig.Params[0].Self {
		return false
	}
	pt, ok := fn.Sig.Params[0].Type.(*syntax.PathType)
	if !ok || pt.Path == nil || len(pt.Path.Segments) == 0 {
		return false
	}
	return pt.Path.Segments[len(pt.Path.Segments)-1].Name.Name == "Pin"
}

// stdTraitMayHave reports whether a std trait the table does not list a
// method for may still have it: only traits the table knows nothing of.
func (b *Body) stdTraitMayHave(trait, name string) bool { return !b.c.table.Lists(trait) }

// methodReturn fills in the type a resolved method call returns.
func (b *Body) methodReturn(tg *Target, m *syntax.MethodCallExpr) {
	c := b.c
	switch tg.Kind {
	case LocalFn:
		tg.Ret = c.fnReturn(tg.Def, tg.On)
	case TraitMethod:
		if tg.Def != nil {
			tg.Ret = c.fnReturn(tg.Def, tg.On)
			return
		}
		// A std trait's method on a generic receiver: $0 is the bound's
		// argument (AsRef<Path>::as_ref is a Path), item the Item it
		// fixes (impl Iterator<Item = PathBuf>).
		i := strings.LastIndex(tg.Path, "::")
		if ret, ok := c.table.Returns(tg.Path); ok && i > 0 && tg.On != nil {
			bound := tg.On.boundType(tg.Path[:i])
			tg.Ret = c.table.substTrait(ret, tg.On, c.table.Item(tg.On), b.closureResult(m, tg.On, tg.Path), bound.Args)
		}
	case External:
		if ret, ok := c.table.Returns(tg.Path); ok {
			on := b.unwrapRecv(*tg)
			tg.Ret = b.c.table.subst(ret, on, b.itemOf(on), b.closureResult(m, on, tg.Path))
			return
		}
		tg.Ret = c.depReturn(tg.Path)
	}
}

// closureResult is the type a closure argument of m returns, with its
// first parameter typed from the table.
func (b *Body) closureResult(m *syntax.MethodCallExpr, on *Type, path string) *Type {
	if m == nil {
		return nil
	}
	for _, a := range m.Args {
		if pe, ok := a.(*syntax.PathExpr); ok && !b.IsLocal(pe.Path) {
			// A function passed by name (filter_map(Result::ok)): what it
			// returns for the value the closure would get.
			res := b.c.r.ResolvePath(b.scope(), pe.Path, resolve.ValueNS)
			if ret, ok := b.c.table.Returns(canonicalStd(res.Path)); ok {
				arg := b.c.table.ClosureParam(path, on, b.itemOf(on))
				return b.c.table.subst(ret, arg, b.itemOf(arg), nil)
			}
			if res.Def != nil && res.Def.Kind == resolve.DefFn {
				return b.c.fnReturn(res.Def, nil)
			}
			continue
		}
		cl, ok := a.(*syntax.ClosureExpr)
		if !ok {
			continue
		}
		f := &frame{node: cl}
		b.push(f)
		if _, ok := b.closureParam[cl]; !ok {
			b.closureParam[cl] = b.c.table.ClosureParam(path, on, b.itemOf(on))
		}
		b.bindClosureParams(f, cl)
		var t *Type
		if cl.Ret != nil {
			t = b.c.conv(b.scope(), cl.Ret, b.gen, b.self)
		} else {
			t = b.TypeOf(cl.Body)
		}
		b.pop(cl)
		return t
	}
	return nil
}

// Lookup resolves method name on a value of type t, as a method call
// on it would (for the calls the compiler inserts: a for loop's
// into_iter and next).
func (b *Body) Lookup(t *Type, name string) Target {
	tg := b.lookup(t, name)
	tg.Recv = t
	b.methodReturn(&tg, nil)
	return tg
}

// Returns returns what a resolved target returns (nil when unknown).
func (b *Body) Returns(tg Target) *Type { return tg.Ret }
