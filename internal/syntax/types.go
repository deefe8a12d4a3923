package syntax

// pathMode selects where generic arguments may appear in a path.
type pathMode uint8

const (
	exprPath pathMode = iota // generics only after "::<" (turbofish)
	typePath                 // generics after "<" and Fn(A) -> B sugar
)

// atGt reports whether the current token starts with ">".
func (p *parser) atGt() bool {
	switch p.kind() {
	case Gt, Shr, Ge, ShrEq:
		return true
	}
	return false
}

func (p *parser) atLt() bool { return p.kind() == Lt || p.kind() == Shl || p.kind() == LArrow }

// path parses a possibly qualified path.
func (p *parser) path(mode pathMode) *Path {
	path := p.newPath(p.pos(), p.pos())
	if p.atLt() {
		p.qself(path)
		if !p.eat(PathSep) {
			p.errorf("expected '::' after qualified path, found %s", p.desc())
			path.Hi = p.endFrom(path.Lo)
			return path
		}
	} else if p.eat(PathSep) {
		path.Global = true
	}
	p.pathSegments(path, mode)
	path.Hi = p.endFrom(path.Lo)
	return path
}

// qself parses <Type as Trait> and appends Trait's segments to path.
func (p *parser) qself(path *Path) {
	lo := p.pos()
	p.eat(Lt)
	q := &QSelf{Type: p.typ(true)}
	if p.eat(KwAs) {
		tp := p.path(typePath)
		path.Global = tp.Global
		path.Segments = append(path.Segments, tp.Segments...)
		q.Position = len(tp.Segments)
	}
	if !p.eat(Gt) {
		p.errorf("expected '>' to close qualified path, found %s", p.desc())
	}
	q.Span = p.spanFrom(lo)
	path.QSelf = q
}

func (p *parser) pathSegments(path *Path, mode pathMode) {
	for {
		lo := p.pos()
		var name Ident
		switch {
		case p.atPathSegmentName():
			name = p.identOf(p.tok())
			p.next()
		case p.at(Dollar) && isSegmentKind(p.peek(1)):
			p.next()
			name = p.identOf(p.tok())
			name.Name = "$" + name.Name
			name.Lo = lo
			p.next()
		default:
			p.errorf("expected identifier in path, found %s", p.desc())
			return
		}
		seg := p.newSegment(name)
		switch {
		case p.at(PathSep) && (p.peek(1) == Lt || p.peek(1) == Shl || p.peek(1) == LArrow):
			p.next()
			seg.Args = p.genericArgs()
		case mode == typePath && p.atLt():
			seg.Args = p.genericArgs()
		case mode == typePath && p.at(LParen):
			seg.Args = p.parenArgs()
		case mode == typePath && p.at(PathSep) && p.peek(1) == LParen:
			p.next()
			seg.Args = p.parenArgs()
		}
		seg.Span = p.spanFrom(lo)
		p.appendSegment(path, seg)
		if p.at(PathSep) && (p.peekIsPathSegmentName(1) || p.peek(1) == Dollar) {
			p.next()
			continue
		}
		return
	}
}

// genericArgs parses <A, 'b, C = D, E: F, 3, { N }>.
func (p *parser) genericArgs() *GenericArgs {
	ga := &GenericArgs{Span: Span{p.pos(), p.pos()}}
	if !p.enter() {
		// Too deep: skip to the closing '>' at this level without
		// recursing.
		p.leave()
		p.skipGenerics()
		ga.Hi = p.endFrom(ga.Lo)
		return ga
	}
	defer p.leave()
	p.eat(Lt)
	for !p.atGt() && !p.at(EOF) && !p.kind().IsClose() {
		start := p.p
		ga.Args = append(ga.Args, p.genericArg())
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	if !p.eat(Gt) {
		p.errorf("expected '>' to close generic arguments, found %s", p.desc())
	}
	ga.Hi = p.endFrom(ga.Lo)
	return ga
}

func (p *parser) genericArg() GenericArg {
	lo := p.pos()
	switch k := p.kind(); {
	case k == Lifetime:
		a := &LifetimeArg{Span: Span{lo, p.tok().End()}, Name: p.text()}
		p.next()
		return a
	case k.IsLiteral() || k == KwTrue || k == KwFalse || k == LBrace || k == Minus && p.peek(1).IsLiteral():
		x := p.constArgExpr()
		return &ConstArg{Span: p.spanFrom(lo), Value: x}
	case p.atName() && (p.peek(1) == Eq || p.peek(1) == Colon || p.peek(1) == Lt || p.peek(1) == Shl):
		// Associated item constraint (Name = T, Name: Bounds,
		// Name<'a> = T) or a type starting with a path (Vec<u8>). Parse
		// the path once, without backtracking (nested generics would
		// otherwise cost exponential time), then decide.
		path := p.path(typePath)
		if len(path.Segments) == 1 && !path.Global && (p.at(Eq) || p.at(Colon)) {
			seg := path.Segments[0]
			c := &AssocConstraint{Name: seg.Name, Args: seg.Args}
			if p.eat(Eq) {
				if k := p.kind(); k.IsLiteral() || k == LBrace || k == Minus {
					c.Value = p.constArgExpr()
				} else {
					c.Type = p.typ(true)
				}
			} else {
				p.next() // :
				c.Bounds = p.bounds(true)
			}
			c.Span = p.spanFrom(lo)
			return c
		}
		t := p.typeAfterPath(path, true)
		return &TypeArg{Span: p.spanFrom(lo), Type: t}
	}
	t := p.typ(true)
	return &TypeArg{Span: p.spanFrom(lo), Type: t}
}

// constArgExpr parses a const generic argument: literal, -literal or
// block.
func (p *parser) constArgExpr() Expr {
	lo := p.pos()
	switch {
	case p.at(LBrace):
		return p.block()
	case p.at(Minus):
		p.next()
		x := p.literal()
		return &UnaryExpr{Span: p.spanFrom(lo), Op: Minus, X: x}
	}
	return p.literal()
}

// skipGenerics skips a <...> list, counting angle brackets and jumping
// over delimited groups.
func (p *parser) skipGenerics() {
	depth := 0
	for !p.at(EOF) && !p.kind().IsClose() {
		switch p.kind() {
		case Lt:
			depth++
		case Shl:
			depth += 2
		case Gt:
			depth--
		case Shr:
			depth -= 2
		case Semi, LBrace:
			return
		}
		p.skipTree()
		if depth <= 0 {
			return
		}
	}
}

// parenArgs parses Fn-sugar arguments (A, B) -> C.
func (p *parser) parenArgs() *GenericArgs {
	ga := &GenericArgs{Span: Span{p.pos(), p.pos()}, Paren: true}
	p.group(func() {
		for !p.at(RParen) && !p.at(EOF) {
			start := p.p
			ga.Inputs = append(ga.Inputs, p.typ(true))
			if !p.eat(Comma) {
				break
			}
			if p.p == start {
				p.skipTree()
			}
		}
	})
	if p.eat(RArrow) {
		ga.Output = p.typ(false)
	}
	ga.Hi = p.endFrom(ga.Lo)
	return ga
}

// typ parses a type. allowPlus permits a "+"-separated bound list after
// a bare trait path, impl or dyn (not allowed after & or as).
func (p *parser) typ(allowPlus bool) Type {
	lo := p.pos()
	if !p.enter() {
		p.leave()
		p.skipTree()
		return &BadType{p.spanFrom(lo)}
	}
	defer p.leave()
	switch k := p.kind(); k {
	case LParen:
		var elems []Type
		trailingComma := false
		span := p.group(func() {
			for !p.at(RParen) && !p.at(EOF) {
				start := p.p
				elems = append(elems, p.typ(true))
				trailingComma = false
				if !p.eat(Comma) {
					break
				}
				trailingComma = true
				if p.p == start {
					p.skipTree()
				}
			}
		})
		if len(elems) == 1 && !trailingComma {
			t := &ParenType{Span: span, Elem: elems[0]}
			if allowPlus && p.at(Plus) {
				// (Trait) + Send: a bare trait object.
				bounds := []Bound{&TraitBound{Span: span, Path: pathOfType(elems[0])}}
				p.next()
				bounds = append(bounds, p.bounds(true)...)
				return &TraitObjectType{Span: p.spanFrom(lo), Bounds: bounds}
			}
			return t
		}
		return &TupleType{Span: span, Elems: elems}
	case Not:
		p.next()
		return &NeverType{p.spanFrom(lo)}
	case LBrack:
		var t Type
		var n Expr
		span := p.group(func() {
			t = p.typ(true)
			if p.eat(Semi) {
				n = p.expr(0)
			}
		})
		if n != nil {
			return &ArrayType{Span: span, Elem: t, Len: n}
		}
		return &SliceType{Span: span, Elem: t}
	case And, AndAnd:
		p.eat(And)
		rt := &RefType{}
		if p.at(Lifetime) {
			rt.Lifetime = p.text()
			p.next()
		}
		rt.Mut = p.eat(KwMut)
		rt.Elem = p.typ(false)
		rt.Span = p.spanFrom(lo)
		return rt
	case Star:
		p.next()
		pt := &PtrType{}
		switch {
		case p.eat(KwMut):
			pt.Mut = true
		case p.eat(KwConst):
		default:
			p.errorf("expected 'const' or 'mut' after '*' in pointer type, found %s", p.desc())
		}
		pt.Elem = p.typ(false)
		pt.Span = p.spanFrom(lo)
		return pt
	case KwFn, KwUnsafe, KwExtern:
		return p.fnPtrType(nil, lo)
	case KwFor:
		lts := p.forLifetimes()
		if k := p.kind(); k == KwFn || k == KwUnsafe || k == KwExtern {
			return p.fnPtrType(lts, lo)
		}
		b := &TraitBound{ForLifetimes: lts, Path: p.path(typePath)}
		b.Span = p.spanFrom(lo)
		bounds := []Bound{b}
		if allowPlus && p.eat(Plus) {
			bounds = append(bounds, p.bounds(true)...)
		}
		return &TraitObjectType{Span: p.spanFrom(lo), Bounds: bounds}
	case KwImpl:
		p.next()
		bounds := p.bounds(allowPlus)
		return &ImplTraitType{Span: p.spanFrom(lo), Bounds: bounds}
	case KwDyn:
		if p.peek(1) == PathSep || p.peek(1) == Not {
			break // 2015: a path starting with an identifier "dyn"
		}
		p.next()
		bounds := p.bounds(allowPlus)
		return &TraitObjectType{Span: p.spanFrom(lo), Dyn: true, Bounds: bounds}
	case Question, Lifetime, Tilde:
		bounds := p.bounds(allowPlus)
		return &TraitObjectType{Span: p.spanFrom(lo), Bounds: bounds}
	case Identifier:
		if p.text() == "_" {
			p.next()
			return &InferType{p.spanFrom(lo)}
		}
	}
	if p.atLt() || p.at(PathSep) || p.atPathSegmentName() || p.at(Dollar) {
		if p.atMacroInvocation() {
			mac := p.macroCall()
			return &MacroType{Span: mac.Span, Mac: mac}
		}
		return p.typeAfterPath(p.path(typePath), allowPlus)
	}
	p.errorf("expected type, found %s", p.desc())
	return &BadType{Span{lo, lo}}
}

// typeAfterPath finishes a type that starts with an already parsed
// path: a path type, or a bare trait object "Path + Bounds".
func (p *parser) typeAfterPath(path *Path, allowPlus bool) Type {
	if allowPlus && p.at(Plus) {
		b := &TraitBound{Span: path.Span, Path: path}
		p.next()
		bounds := append([]Bound{b}, p.bounds(true)...)
		return &TraitObjectType{Span: p.spanFrom(path.Lo), Bounds: bounds}
	}
	t := carve(&p.pathType, p.chunk)
	*t = PathType{Span: path.Span, Path: path}
	return t
}

// typeNoBounds is the type of a return or cast; allowPlus is passed for
// return types, where "impl A + B" is allowed.
func (p *parser) typeNoBounds(allowPlus bool) Type { return p.typ(allowPlus) }

func pathOfType(t Type) *Path {
	if pt, ok := t.(*PathType); ok {
		return pt.Path
	}
	return nil
}

// fnPtrType parses [unsafe] [extern "abi"] fn(params) -> ret.
func (p *parser) fnPtrType(lts []*GenericParam, lo Pos) Type {
	ft := &FnPtrType{ForLifetimes: lts}
	ft.Unsafe = p.eat(KwUnsafe)
	if p.eat(KwExtern) {
		ft.Extern = true
		if k := p.kind(); k == Str || k == RawStr {
			ft.ABI = p.text()
			p.next()
		}
	}
	p.expect(KwFn)
	if p.at(LParen) {
		p.group(func() {
			for !p.at(RParen) && !p.at(EOF) {
				start := p.p
				attrs := p.outerAttrs()
				plo := p.pos()
				if p.at(DotDotDot) {
					p.next()
					ft.Variadic = true
				} else {
					param := &Param{Attrs: attrs}
					if (p.atName() || p.at(Identifier)) && p.peek(1) == Colon {
						id := p.identOf(p.tok())
						param.Pat = &IdentPat{Span: id.Span, Name: id}
						p.next()
						p.next()
					}
					if p.at(DotDotDot) {
						p.next()
						ft.Variadic = true
						continue
					}
					param.Type = p.typ(true)
					param.Span = Span{plo, p.endFrom(plo)}
					ft.Params = append(ft.Params, param)
				}
				if !p.eat(Comma) {
					break
				}
				if p.p == start {
					p.skipTree()
				}
			}
		})
	} else {
		p.errorf("expected '(' in function pointer type, found %s", p.desc())
	}
	if p.eat(RArrow) {
		ft.Ret = p.typ(false)
	}
	ft.Span = p.spanFrom(lo)
	return ft
}

// forLifetimes parses for<'a, 'b>.
func (p *parser) forLifetimes() []*GenericParam {
	p.next() // for
	g := p.genericParams()
	if g == nil {
		return nil
	}
	return g.Params
}

// atBoundStart reports whether a bound can start here.
func (p *parser) atBoundStart() bool {
	switch p.kind() {
	case Lifetime, Question, Tilde, LParen, KwFor, PathSep, Lt, KwConst, KwAsync, Dollar:
		return true
	case KwUse:
		return p.peek(1) == Lt
	}
	return p.atPathSegmentName()
}

// bounds parses a "+"-separated bound list (possibly empty). With
// allowPlus false only one bound is read.
func (p *parser) bounds(allowPlus bool) []Bound {
	var bounds []Bound
	for p.atBoundStart() {
		start := p.p
		bounds = append(bounds, p.bound())
		if !allowPlus || !p.eat(Plus) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	return bounds
}

func (p *parser) bound() Bound {
	lo := p.pos()
	if p.at(Lifetime) {
		b := &LifetimeBound{Span: Span{lo, p.tok().End()}, Name: p.text()}
		p.next()
		return b
	}
	if p.at(KwUse) {
		p.next()
		start := p.p
		ub := &UseBound{}
		// use<'a, T>: capture the tokens.
		p.eat(Lt)
		for !p.atGt() && !p.at(EOF) && !p.kind().IsClose() {
			p.skipTree()
		}
		ub.Args = p.toks[start:p.p:p.p]
		p.eat(Gt)
		ub.Span = p.spanFrom(lo)
		return ub
	}
	if p.at(LParen) {
		var b Bound
		span := p.group(func() { b = p.bound() })
		if tb, ok := b.(*TraitBound); ok {
			tb.Span = span
		}
		return b
	}
	tb := &TraitBound{}
	if p.at(KwFor) {
		tb.ForLifetimes = p.forLifetimes()
	}
	for {
		switch {
		case p.eat(Question):
			tb.Maybe = true
			continue
		case p.at(Tilde) && p.peek(1) == KwConst:
			p.next()
			p.next()
			tb.Const = true
			continue
		case p.at(KwConst):
			p.next()
			tb.Const = true
			continue
		case p.at(KwAsync):
			p.next()
			tb.Async = true
			continue
		}
		break
	}
	if p.at(KwFor) && tb.ForLifetimes == nil {
		tb.ForLifetimes = p.forLifetimes()
	}
	tb.Path = p.path(typePath)
	tb.Span = p.spanFrom(lo)
	return tb
}

// genericParams parses <'a: 'b, T: Bound = Default, const N: usize = 3>
// if present.
func (p *parser) genericParams() *Generics {
	if !p.atLt() || p.kind() == LArrow {
		return nil
	}
	g := &Generics{Span: Span{p.pos(), p.pos()}}
	p.eat(Lt)
	for !p.atGt() && !p.at(EOF) && !p.kind().IsClose() {
		start := p.p
		gp := &GenericParam{Attrs: p.outerAttrs()}
		gp.Lo = p.pos()
		switch {
		case p.at(Lifetime):
			gp.Kind = LifetimeParam
			gp.Name = p.identOf(p.tok())
			p.next()
			if p.eat(Colon) {
				for p.at(Lifetime) {
					gp.Bounds = append(gp.Bounds, &LifetimeBound{Span: Span{p.pos(), p.tok().End()}, Name: p.text()})
					p.next()
					if !p.eat(Plus) {
						break
					}
				}
			}
		case p.at(KwConst):
			gp.Kind = ConstParam
			p.next()
			gp.Name = p.name()
			p.expect(Colon)
			gp.Type = p.typ(true)
			if p.eat(Eq) {
				gp.Default = p.constArgExpr()
			}
		default:
			gp.Kind = TypeParam
			gp.Name = p.name()
			if p.eat(Colon) {
				gp.Bounds = p.bounds(true)
			}
			if p.eat(Eq) {
				gp.Default = p.typ(true)
			}
		}
		gp.Hi = p.endFrom(gp.Lo)
		g.Params = append(g.Params, gp)
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	if !p.eat(Gt) {
		p.errorf("expected '>' to close generic parameters, found %s", p.desc())
	}
	g.Hi = p.endFrom(g.Lo)
	return g
}

// whereClause parses "where ..." if present, adding to *g.
func (p *parser) whereClause(g **Generics) {
	if !p.at(KwWhere) {
		return
	}
	lo := p.pos()
	p.next()
	if *g == nil {
		*g = &Generics{Span: Span{lo, lo}}
	}
	for {
		k := p.kind()
		if k == LBrace || k == Semi || k == Eq || k == EOF || k.IsClose() {
			break
		}
		start := p.p
		wp := &WherePredicate{}
		wp.Lo = p.pos()
		if p.at(KwFor) {
			wp.ForLifetimes = p.forLifetimes()
		}
		if p.at(Lifetime) {
			wp.Lifetime = p.text()
			p.next()
			if p.eat(Colon) {
				for p.at(Lifetime) {
					wp.Bounds = append(wp.Bounds, &LifetimeBound{Span: Span{p.pos(), p.tok().End()}, Name: p.text()})
					p.next()
					if !p.eat(Plus) {
						break
					}
				}
			}
		} else {
			wp.Type = p.typ(false)
			if p.eat(Colon) {
				wp.Bounds = p.bounds(true)
			} else {
				p.errorf("expected ':' in where clause, found %s", p.desc())
			}
		}
		wp.Hi = p.endFrom(wp.Lo)
		(*g).Where = append((*g).Where, wp)
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	(*g).Hi = p.endFrom((*g).Lo)
}
