package syntax

// Inspect traverses the tree rooted at n in depth-first order, calling f
// for each node; if f returns false the node's children are skipped.
// Token trees of macro invocations are not entered (they are not parsed);
// attribute token lists are not entered either. The traversal uses an
// explicit stack, so arbitrarily deep trees (a chain of a million binary
// operators) cannot overflow the goroutine stack.
func Inspect(n Node, f func(Node) bool) {
	// The stack is appended to with the children of each node in source
	// order, which are then reversed in place so that the first child is
	// visited next (see Inspector).
	in := Inspector{c: collector{out: make([]Node, 0, 64)}}
	in.Inspect(n, f)
}

// collector gathers the children of a node, in source order.
type collector struct{ out []Node }

func (w *collector) node(n Node) {
	if !isNil(n) {
		w.out = append(w.out, n)
	}
}

// children appends the direct children of n.
func (w *collector) children(n Node) {
	switch n := n.(type) {
	case *SourceFile:
		w.attrs(n.Attrs)
		w.items(n.Items)
	case *Attr:
		if n.Path != nil {
			w.node(n.Path)
		}

	// Items
	case *UseItem:
		w.itemBase(&n.ItemBase)
		w.node(n.Tree)
	case *UseTree:
		for _, c := range n.Children {
			w.node(c)
		}
	case *FnItem:
		w.itemBase(&n.ItemBase)
		w.sig(&n.Sig)
		if n.Body != nil {
			w.node(n.Body)
		}
	case *ModItem:
		w.itemBase(&n.ItemBase)
		w.attrs(n.InnerAttrs)
		w.items(n.Items)
	case *StructItem:
		w.itemBase(&n.ItemBase)
		w.generics(n.Generics)
		w.fields(n.Fields)
	case *UnionItem:
		w.itemBase(&n.ItemBase)
		w.generics(n.Generics)
		w.fields(n.Fields)
	case *EnumItem:
		w.itemBase(&n.ItemBase)
		w.generics(n.Generics)
		for _, v := range n.Variants {
			w.node(v)
		}
	case *Variant:
		w.attrs(n.Attrs)
		w.fields(n.Fields)
		w.node(n.Discriminant)
	case *Field:
		w.attrs(n.Attrs)
		w.vis(n.Vis)
		w.node(n.Type)
	case *TraitItem:
		w.itemBase(&n.ItemBase)
		w.generics(n.Generics)
		w.bounds(n.Bounds)
		w.attrs(n.InnerAttrs)
		w.items(n.Items)
	case *ImplItem:
		w.itemBase(&n.ItemBase)
		w.generics(n.Generics)
		if n.Trait != nil {
			w.node(n.Trait)
		}
		w.node(n.SelfType)
		w.attrs(n.InnerAttrs)
		w.items(n.Items)
	case *ConstItem:
		w.itemBase(&n.ItemBase)
		w.generics(n.Generics)
		w.node(n.Type)
		w.node(n.Value)
	case *StaticItem:
		w.itemBase(&n.ItemBase)
		w.node(n.Type)
		w.node(n.Value)
	case *TypeAliasItem:
		w.itemBase(&n.ItemBase)
		w.generics(n.Generics)
		w.bounds(n.Bounds)
		w.node(n.Type)
	case *ExternCrateItem:
		w.itemBase(&n.ItemBase)
	case *ExternBlockItem:
		w.itemBase(&n.ItemBase)
		w.attrs(n.InnerAttrs)
		w.items(n.Items)
	case *MacroRulesItem:
		w.itemBase(&n.ItemBase)
	case *MacroItem:
		w.itemBase(&n.ItemBase)
		w.node(n.Mac)
	case *BadItem:
		w.itemBase(&n.ItemBase)
	case *MacroCall:
		w.node(n.Path)

	// Paths, generics, bounds
	case *Path:
		if n.QSelf != nil {
			w.node(n.QSelf.Type)
		}
		for _, s := range n.Segments {
			if s.Args != nil {
				w.node(s.Args)
			}
		}
	case *GenericArgs:
		for _, a := range n.Args {
			w.node(a)
		}
		for _, t := range n.Inputs {
			w.node(t)
		}
		w.node(n.Output)
	case *TypeArg:
		w.node(n.Type)
	case *ConstArg:
		w.node(n.Value)
	case *AssocConstraint:
		if n.Args != nil {
			w.node(n.Args)
		}
		w.node(n.Type)
		w.node(n.Value)
		w.bounds(n.Bounds)
	case *Generics:
		for _, gp := range n.Params {
			w.node(gp)
		}
		for _, wp := range n.Where {
			w.node(wp)
		}
	case *GenericParam:
		w.attrs(n.Attrs)
		w.bounds(n.Bounds)
		w.node(n.Type)
		w.node(n.Default)
	case *WherePredicate:
		for _, gp := range n.ForLifetimes {
			w.node(gp)
		}
		w.node(n.Type)
		w.bounds(n.Bounds)
	case *TraitBound:
		for _, gp := range n.ForLifetimes {
			w.node(gp)
		}
		if n.Path != nil {
			w.node(n.Path)
		}
	case *Param:
		w.attrs(n.Attrs)
		w.node(n.Pat)
		w.node(n.Type)

	// Statements
	case *LetStmt:
		w.attrs(n.Attrs)
		w.node(n.Pat)
		w.node(n.Type)
		w.node(n.Init)
		if n.Else != nil {
			w.node(n.Else)
		}
	case *ExprStmt:
		w.attrs(n.Attrs)
		w.node(n.X)
	case *ItemStmt:
		w.node(n.Item)

	// Expressions
	case *PathExpr:
		w.node(n.Path)
	case *CallExpr:
		w.node(n.Fun)
		w.exprs(n.Args)
	case *MethodCallExpr:
		w.node(n.Recv)
		if n.Turbofish != nil {
			w.node(n.Turbofish)
		}
		w.exprs(n.Args)
	case *FieldExpr:
		w.node(n.X)
	case *IndexExpr:
		w.node(n.X)
		w.node(n.Index)
	case *UnaryExpr:
		w.node(n.X)
	case *RefExpr:
		w.node(n.X)
	case *BinaryExpr:
		w.node(n.X)
		w.node(n.Y)
	case *AssignExpr:
		w.node(n.X)
		w.node(n.Y)
	case *CastExpr:
		w.node(n.X)
		w.node(n.Type)
	case *RangeExpr:
		w.node(n.From)
		w.node(n.To)
	case *BlockExpr:
		w.attrs(n.Attrs)
		for _, s := range n.Stmts {
			w.node(s)
		}
	case *IfExpr:
		w.node(n.Cond)
		w.node(n.Then)
		w.node(n.Else)
	case *LetExpr:
		w.node(n.Pat)
		w.node(n.X)
	case *WhileExpr:
		w.node(n.Cond)
		w.node(n.Body)
	case *LoopExpr:
		w.node(n.Body)
	case *ForExpr:
		w.node(n.Pat)
		w.node(n.X)
		w.node(n.Body)
	case *MatchExpr:
		w.node(n.X)
		for _, a := range n.Arms {
			w.node(a)
		}
	case *MatchArm:
		w.attrs(n.Attrs)
		w.node(n.Pat)
		w.node(n.Guard)
		w.node(n.Body)
	case *ClosureExpr:
		for _, gp := range n.ForLifetimes {
			w.node(gp)
		}
		for _, prm := range n.Params {
			w.node(prm)
		}
		w.node(n.Ret)
		w.node(n.Body)
	case *ReturnExpr:
		w.node(n.X)
	case *BreakExpr:
		w.node(n.X)
	case *YieldExpr:
		w.node(n.X)
	case *BecomeExpr:
		w.node(n.X)
	case *TryExpr:
		w.node(n.X)
	case *AwaitExpr:
		w.node(n.X)
	case *TupleExpr:
		w.exprs(n.Elems)
	case *ParenExpr:
		w.node(n.X)
	case *ArrayExpr:
		w.exprs(n.Elems)
	case *RepeatExpr:
		w.node(n.X)
		w.node(n.N)
	case *StructExpr:
		w.node(n.Path)
		for _, f := range n.Fields {
			w.node(f)
		}
		w.node(n.Base)
	case *FieldInit:
		w.attrs(n.Attrs)
		w.node(n.X)
	case *MacroExpr:
		w.node(n.Mac)
	case *BoxExpr:
		w.node(n.X)

	// Patterns
	case *IdentPat:
		w.node(n.Sub)
	case *LitPat:
		w.node(n.X)
	case *RangePat:
		w.node(n.Lo)
		w.node(n.Hi)
	case *PathPat:
		w.node(n.Path)
	case *TupleStructPat:
		w.node(n.Path)
		w.pats(n.Elems)
	case *StructPat:
		w.node(n.Path)
		for _, f := range n.Fields {
			w.node(f)
		}
	case *FieldPat:
		w.attrs(n.Attrs)
		w.node(n.Pat)
	case *TuplePat:
		w.pats(n.Elems)
	case *ParenPat:
		w.node(n.Pat)
	case *SlicePat:
		w.pats(n.Elems)
	case *RefPat:
		w.node(n.Pat)
	case *BoxPat:
		w.node(n.Pat)
	case *OrPat:
		w.pats(n.Alts)
	case *MacroPat:
		w.node(n.Mac)

	// Types
	case *PathType:
		w.node(n.Path)
	case *RefType:
		w.node(n.Elem)
	case *PtrType:
		w.node(n.Elem)
	case *SliceType:
		w.node(n.Elem)
	case *ArrayType:
		w.node(n.Elem)
		w.node(n.Len)
	case *TupleType:
		for _, t := range n.Elems {
			w.node(t)
		}
	case *ParenType:
		w.node(n.Elem)
	case *FnPtrType:
		for _, gp := range n.ForLifetimes {
			w.node(gp)
		}
		for _, prm := range n.Params {
			w.node(prm)
		}
		w.node(n.Ret)
	case *ImplTraitType:
		w.bounds(n.Bounds)
	case *TraitObjectType:
		w.bounds(n.Bounds)
	case *MacroType:
		w.node(n.Mac)
	}
}

// isNil reports whether an interface holds nothing or a typed nil.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	switch v := n.(type) {
	case *BlockExpr:
		return v == nil
	case *Path:
		return v == nil
	case *GenericArgs:
		return v == nil
	case *Generics:
		return v == nil
	case *UseTree:
		return v == nil
	case *MacroCall:
		return v == nil
	case *Visibility:
		return v == nil
	case *IfExpr:
		return v == nil
	}
	return false
}

func (w *collector) itemBase(b *ItemBase) {
	w.attrs(b.Attrs)
	w.vis(b.Vis)
}

func (w *collector) vis(v *Visibility) {
	if v != nil && v.Path != nil {
		w.node(v.Path)
	}
}

func (w *collector) attrs(as []*Attr) {
	for _, a := range as {
		w.node(a)
	}
}

func (w *collector) items(items []Item) {
	for _, it := range items {
		w.node(it)
	}
}

func (w *collector) exprs(xs []Expr) {
	for _, x := range xs {
		w.node(x)
	}
}

func (w *collector) pats(ps []Pat) {
	for _, x := range ps {
		w.node(x)
	}
}

func (w *collector) fields(fs []*Field) {
	for _, f := range fs {
		w.node(f)
	}
}

func (w *collector) bounds(bs []Bound) {
	for _, b := range bs {
		w.node(b)
	}
}

func (w *collector) generics(g *Generics) {
	if g != nil {
		w.node(g)
	}
}

func (w *collector) sig(s *FnSig) {
	w.generics(s.Generics)
	for _, prm := range s.Params {
		w.node(prm)
	}
	w.node(s.Ret)
}
