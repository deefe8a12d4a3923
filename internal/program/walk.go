package program

import (
	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Cursor is where Walk is: the function, the scope that resolves names
// at the current node, the expansion the node comes from, and the
// condition under which it exists.
type Cursor struct {
	p        *Program
	Func     *Func
	scope    *resolve.Scope
	exp      *Expansion
	cond     cfg.Expr
	inUnsafe bool

	// visit is the walk's function; step calls node with it (made once
	// per walk, not per node).
	visit func(syntax.Node, *Cursor) bool
	step  func(syntax.Node) bool
	// leave, when set, is called after the children of the nodes that
	// open or extend a lexical scope (see WalkScoped).
	leave func(syntax.Node, *Cursor)
}

// InUnsafe reports whether the current node is inside an unsafe block
// (not counting the body of an unsafe fn itself).
func (c *Cursor) InUnsafe() bool { return c.inUnsafe }

// Inspect visits the subtree n (a node met by the walk) with the
// cursor's context, after expansion, without the cursor.
func (c *Cursor) Inspect(n syntax.Node, visit func(syntax.Node) bool) {
	saved := *c
	c.leave = nil
	c.setVisit(func(x syntax.Node, _ *Cursor) bool { return visit(x) })
	c.tree(n, c.visit)
	*c = saved
}

// Scope returns the scope that resolves names at the current node.
func (c *Cursor) Scope() *resolve.Scope { return c.scope }

// Expansion returns the innermost macro expansion the current node comes
// from (nil for code written in the source).
func (c *Cursor) Expansion() *Expansion { return c.exp }

// Cond returns the condition under which the current node exists (nil:
// always).
func (c *Cursor) Cond() cfg.Expr { return c.cond }

// Via names the macro invoked in the crate's source whose expansion
// holds the current node ("" outside expansions).
func (c *Cursor) Via() string {
	if e := c.exp.Outermost(); e != nil {
		return e.Name
	}
	return ""
}

// Pos maps the position of a token of the current node to where a reader
// should look: tokens that come from a macro's definition are reported at
// the invocation (in the crate's own source); tokens written in the
// invocation's arguments, in an included file or in the source keep
// their position.
func (c *Cursor) Pos(p syntax.Pos) syntax.Pos { return origin(p, c.exp) }

// origin maps p, a position of a token of the expansion e, to the
// position a reader should see.
func origin(p syntax.Pos, e *Expansion) syntax.Pos {
	for ; e != nil; e = e.Parent {
		if e.Def != nil && e.Def.Def != nil && e.Def.Def.Body != nil {
			body := e.Def.Def.Body.Span
			if p >= body.Lo && p < body.Hi {
				p = e.Call.Pos()
			}
		}
	}
	return p
}

// at is origin for the builder.
func (b *builder) at(p syntax.Pos, e *Expansion) syntax.Pos { return origin(p, e) }

// Walk visits the body of f after lowering, depth first: a macro
// invocation is visited, then what it expands to (built-in macros' nodes
// included); code compiled out is skipped; items declared in the body
// are not entered (they are Funcs and Items of their own). If visit
// returns false, the node's children are skipped.
func (p *Program) Walk(f *Func, visit func(syntax.Node, *Cursor) bool) {
	c := &Cursor{p: p, Func: f, scope: f.Scope, exp: f.Exp, cond: f.Cond}
	c.tree(f.Body, visit)
}

// WalkScoped is Walk with a second callback, leave, called after the
// children of every node that opens a lexical scope or binds names in
// the enclosing one (blocks, closures, match arms, for, if and while
// expressions, let statements and let conditions) and of expression
// statements, whether or not visit descended into them: with it, a type
// inference keeps exact scopes of local variables, and a walker knows
// the statement it is in.
func (p *Program) WalkScoped(f *Func, visit func(syntax.Node, *Cursor) bool, leave func(syntax.Node, *Cursor)) {
	c := &Cursor{p: p, Func: f, scope: f.Scope, exp: f.Exp, cond: f.Cond, leave: leave}
	c.tree(f.Body, visit)
}

// scoped reports whether leave is called after n's children.
func scoped(n syntax.Node) bool {
	switch n.(type) {
	case *syntax.ClosureExpr, *syntax.MatchArm, *syntax.ForExpr, *syntax.IfExpr, *syntax.WhileExpr,
		*syntax.LetStmt, *syntax.LetExpr, *syntax.ExprStmt:
		return true
	}
	return false
}

// setVisit makes visit the function the cursor calls.
func (c *Cursor) setVisit(visit func(syntax.Node, *Cursor) bool) {
	c.visit = visit
	c.step = func(x syntax.Node) bool { return c.node(x, c.visit) }
}

// NewCursor returns a cursor for code outside function bodies (an
// item's own tokens), for positions and conditions.
func NewCursor(p *Program, scope *resolve.Scope, exp *Expansion, cond cfg.Expr) *Cursor {
	return &Cursor{p: p, scope: scope, exp: exp, cond: cond}
}

// Inspect is Walk without the cursor: it visits every node of f's body
// after expansion.
func (p *Program) Inspect(f *Func, visit func(syntax.Node) bool) {
	p.Walk(f, func(n syntax.Node, _ *Cursor) bool { return visit(n) })
}

// tree visits n and, unless visit declines, everything under it.
func (c *Cursor) tree(n syntax.Node, visit func(syntax.Node, *Cursor) bool) {
	if n == nil {
		return
	}
	if c.step == nil {
		c.setVisit(visit)
	}
	if c.node(n, visit) {
		c.children(n, visit)
	}
}

// children visits what is under n (n itself already visited).
func (c *Cursor) children(n syntax.Node, visit func(syntax.Node, *Cursor) bool) {
	c.p.insp.InspectChildren(n, c.step)
}

// mayCarryCfg reports whether a node can be compiled out or carry a
// condition of its own: statements, match arms and struct fields (a
// cheap test before looking the node up).
func mayCarryCfg(x syntax.Node) bool {
	switch x.(type) {
	case *syntax.LetStmt, *syntax.ExprStmt, *syntax.ItemStmt, *syntax.MatchArm, *syntax.FieldInit:
		return true
	}
	return false
}

// node visits x and reports whether the generic traversal should go on
// into its children; nodes that change the context are traversed here.
func (c *Cursor) node(x syntax.Node, visit func(syntax.Node, *Cursor) bool) bool {
	carries := (len(c.p.dead) > 0 || len(c.p.conds) > 0 || len(c.p.Crate.Conds) > 0) && mayCarryCfg(x)
	if carries && c.p.dead[x] {
		return false
	}
	switch x := x.(type) {
	case *syntax.ItemStmt:
		if mi, ok := x.Item.(*syntax.MacroItem); ok {
			c.withCond(x, func() {
				if visit(x, c) {
					c.macro(mi.Mac, visit)
				}
			})
		}
		return false
	case *syntax.MacroExpr:
		if visit(x, c) {
			c.macro(x.Mac, visit)
		}
		return false
	case *syntax.MacroPat:
		if visit(x, c) {
			c.macro(x.Mac, visit)
		}
		return false
	case *syntax.MacroType:
		if visit(x, c) {
			c.macro(x.Mac, visit)
		}
		return false
	case *syntax.BlockExpr:
		saved, savedUnsafe := c.scope, c.inUnsafe
		if s := c.p.blockScopes[x]; s != nil {
			c.scope = s
		}
		if visit(x, c) {
			c.inUnsafe = c.inUnsafe || x.Unsafe
			c.children(x, visit)
		}
		if c.leave != nil {
			c.leave(x, c)
		}
		c.scope, c.inUnsafe = saved, savedUnsafe
		return false
	}
	withLeave := c.leave != nil && scoped(x)
	if !carries && !withLeave {
		return visit(x, c)
	}
	full := func() {
		if visit(x, c) {
			c.children(x, visit)
		}
		if withLeave {
			c.leave(x, c)
		}
	}
	if cond := c.p.conds[x]; carries && cond != nil {
		c.withCond(x, full)
		return false
	}
	if withLeave {
		full()
		return false
	}
	return visit(x, c)
}

// withCond runs f with the condition of n added.
func (c *Cursor) withCond(n any, f func()) {
	saved := c.cond
	if cond := c.p.Cond(n); cond != nil {
		c.cond = cfg.And(c.cond, cond)
	}
	f()
	c.cond = saved
}

// macro visits what an invocation expanded to.
func (c *Cursor) macro(call *syntax.MacroCall, visit func(syntax.Node, *Cursor) bool) {
	e := c.p.exps[call]
	if e == nil {
		return
	}
	savedExp, savedScope := c.exp, c.scope
	c.exp = e
	if s := c.p.expScope[e]; s != nil {
		c.scope = s
	}
	if e.Expr != nil {
		c.tree(e.Expr, visit)
	}
	for _, x := range e.Exprs {
		c.tree(x, visit)
	}
	if e.Pat != nil {
		c.tree(e.Pat, visit)
	}
	if e.Type != nil {
		c.tree(e.Type, visit)
	}
	for _, s := range e.Stmts {
		c.tree(s, visit)
	}
	c.exp, c.scope = savedExp, savedScope
}
