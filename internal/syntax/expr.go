package syntax

// res holds expression restrictions.
type res uint8

const (
	// noStruct forbids struct literals (if/while/match/for heads).
	noStruct res = 1 << iota
)

// Binding powers of binary operators; "as" binds tighter than all.
const (
	precRange  = 1
	precOrOr   = 2
	precAndAnd = 3
	precCmp    = 4
	precBitOr  = 5
	precXor    = 6
	precBitAnd = 7
	precShift  = 8
	precAdd    = 9
	precMul    = 10
	precCast   = 11
)

func binPrec(k Kind) int {
	switch k {
	case Star, Slash, Percent:
		return precMul
	case Plus, Minus:
		return precAdd
	case Shl, Shr:
		return precShift
	case And:
		return precBitAnd
	case Caret:
		return precXor
	case Or:
		return precBitOr
	case EqEq, Ne, Lt, Gt, Le, Ge:
		return precCmp
	case AndAnd:
		return precAndAnd
	case OrOr:
		return precOrOr
	}
	return 0
}

func isAssignOp(k Kind) bool {
	switch k {
	case Eq, PlusEq, MinusEq, StarEq, SlashEq, PercentEq, CaretEq, AndEq, OrEq, ShlEq, ShrEq:
		return true
	}
	return false
}

// expr parses a full expression, assignment included.
func (p *parser) expr(r res) Expr {
	lo := p.pos()
	if !p.enter() {
		p.leave()
		p.skipTree()
		return &BadExpr{p.spanFrom(lo)}
	}
	defer p.leave()
	x := p.rangeExpr(r)
	return p.assignRest(x, r)
}

func (p *parser) assignRest(x Expr, r res) Expr {
	if isAssignOp(p.kind()) {
		op := p.kind()
		p.next()
		y := p.expr(r)
		return &AssignExpr{Span: Span{x.Pos(), p.endFrom(x.Pos())}, Op: op, X: x, Y: y}
	}
	return x
}

func (p *parser) atRangeOp() bool {
	k := p.kind()
	return k == DotDot || k == DotDotEq || k == DotDotDot
}

func (p *parser) rangeExpr(r res) Expr {
	lo := p.pos()
	if p.atRangeOp() {
		incl := p.kind() != DotDot
		opPos := p.pos()
		p.next()
		var to Expr
		if p.canBeginExpr(r) {
			to = p.binaryExpr(r, precOrOr)
		} else if incl {
			p.errorAt(opPos, "inclusive range with no end")
		}
		return &RangeExpr{Span: p.spanFrom(lo), To: to, Inclusive: incl}
	}
	x := p.binaryExpr(r, precOrOr)
	return p.rangeRest(x, r)
}

func (p *parser) rangeRest(x Expr, r res) Expr {
	if !p.atRangeOp() {
		return x
	}
	incl := p.kind() != DotDot
	opPos := p.pos()
	p.next()
	var to Expr
	if p.canBeginExpr(r) {
		to = p.binaryExpr(r, precOrOr)
	} else if incl {
		p.errorAt(opPos, "inclusive range with no end")
	}
	return &RangeExpr{Span: Span{x.Pos(), p.endFrom(x.Pos())}, From: x, To: to, Inclusive: incl}
}

// canBeginExpr reports whether the current token can start an
// expression (used for optional operands of .., return, break).
func (p *parser) canBeginExpr(r res) bool {
	switch k := p.kind(); k {
	case LBrace:
		return r&noStruct == 0
	case LParen, LBrack, Minus, Not, Star, And, AndAnd, Or, OrOr, DotDot, DotDotEq, Lt, Shl, PathSep,
		KwIf, KwMatch, KwLoop, KwWhile, KwFor, KwUnsafe, KwAsync, KwMove, KwReturn, KwBreak,
		KwContinue, KwLet, KwYield, KwBox, KwStatic, KwConst, KwTrue, KwFalse, Lifetime, Pound, Dollar,
		KwBecome, KwTry:
		return true
	default:
		return k.IsLiteral() || isSegmentKind(k)
	}
}

// binaryExpr parses operators with binding power at least minPrec.
func (p *parser) binaryExpr(r res, minPrec int) Expr {
	return p.binaryRest(p.unaryExpr(r), r, minPrec)
}

func (p *parser) binaryRest(x Expr, r res, minPrec int) Expr {
	for {
		k := p.kind()
		if k == KwAs {
			if precCast < minPrec {
				return x
			}
			p.next()
			t := p.typ(false)
			x = &CastExpr{Span: Span{x.Pos(), p.endFrom(x.Pos())}, X: x, Type: t}
			continue
		}
		prec := binPrec(k)
		if k == LArrow {
			prec = precCmp // "a<-b" is "a < -b"
		}
		if prec == 0 || prec < minPrec {
			return x
		}
		if prec == precCmp {
			if bx, ok := x.(*BinaryExpr); ok && binPrec(bx.Op) == precCmp {
				p.errorf("comparison operators cannot be chained; use parentheses")
			}
		}
		if k == LArrow {
			p.split(Lt)
			k = Lt
		} else {
			p.next()
		}
		y := p.binaryExpr(r, prec+1)
		x = &BinaryExpr{Span: Span{x.Pos(), p.endFrom(x.Pos())}, Op: k, X: x, Y: y}
	}
}

// unaryExpr parses prefix operators and then a postfix expression.
func (p *parser) unaryExpr(r res) Expr {
	lo := p.pos()
	switch p.kind() {
	case Minus, Not, Star:
		op := p.kind()
		if !p.enter() {
			p.leave()
			p.skipTree()
			return &BadExpr{p.spanFrom(lo)}
		}
		p.next()
		x := p.unaryExpr(r)
		p.leave()
		return &UnaryExpr{Span: p.spanFrom(lo), Op: op, X: x}
	case And, AndAnd:
		if !p.enter() {
			p.leave()
			p.skipTree()
			return &BadExpr{p.spanFrom(lo)}
		}
		p.eat(And)
		e := &RefExpr{}
		if p.atIdent("raw") && (p.peek(1) == KwConst || p.peek(1) == KwMut) {
			p.next()
			e.Raw = true
			e.Mut = p.kind() == KwMut
			p.next()
		} else if p.eat(KwMut) {
			e.Mut = true
		}
		e.X = p.unaryExpr(r)
		p.leave()
		e.Span = p.spanFrom(lo)
		return e
	}
	return p.postfix(p.primary(r), r)
}

// postfix parses ?, .await, .field, .method(), calls and indexing.
func (p *parser) postfix(x Expr, r res) Expr {
	for {
		switch p.kind() {
		case Question:
			p.next()
			x = &TryExpr{Span: Span{x.Pos(), p.endFrom(x.Pos())}, X: x}
		case Dot:
			p.next()
			x = p.dotSuffix(x)
		case LParen:
			var args []Expr
			span := p.group(func() { args = p.exprList(RParen) })
			x = &CallExpr{Span: Span{x.Pos(), span.Hi}, Fun: x, Args: args}
		case LBrack:
			var idx Expr
			span := p.group(func() { idx = p.expr(0) })
			x = &IndexExpr{Span: Span{x.Pos(), span.Hi}, X: x, Index: idx}
		default:
			return x
		}
	}
}

// dotSuffix parses what follows "." in a postfix chain.
func (p *parser) dotSuffix(x Expr) Expr {
	lo := x.Pos()
	t := p.tok()
	switch {
	case t.Kind == KwAwait:
		p.next()
		return &AwaitExpr{Span: p.spanFrom(lo), X: x}
	case t.Kind == Int:
		id := p.identOf(t)
		p.next()
		return &FieldExpr{Span: p.spanFrom(lo), X: x, Name: id}
	case t.Kind == Float:
		// x.0.1 lexes as x . "0.1": two tuple-field accesses.
		text, pos := p.tokText(t), t.Pos
		p.next()
		for i := 0; i < len(text); i++ {
			if text[i] == '.' {
				first := Ident{Span: Span{pos, pos + Pos(i)}, Name: text[:i]}
				x = &FieldExpr{Span: Span{lo, first.Hi}, X: x, Name: first}
				if i+1 < len(text) {
					second := Ident{Span: Span{pos + Pos(i+1), pos + Pos(len(text))}, Name: text[i+1:]}
					return &FieldExpr{Span: Span{lo, second.Hi}, X: x, Name: second}
				}
				return x
			}
		}
		return &FieldExpr{Span: p.spanFrom(lo), X: x, Name: Ident{Span: Span{pos, p.endFrom(pos)}, Name: text}}
	case t.Kind == Identifier || t.Kind.IsKeyword():
		name := p.identOf(t)
		p.next()
		var turbofish *GenericArgs
		if p.at(PathSep) && (p.peek(1) == Lt || p.peek(1) == Shl) {
			p.next()
			turbofish = p.genericArgs()
		}
		if p.at(LParen) {
			var args []Expr
			span := p.group(func() { args = p.exprList(RParen) })
			return &MethodCallExpr{Span: Span{lo, span.Hi}, Recv: x, Name: name, Turbofish: turbofish, Args: args}
		}
		return &FieldExpr{Span: p.spanFrom(lo), X: x, Name: name}
	}
	p.errorf("expected field or method name after '.', found %s", p.desc())
	return x
}

// exprList parses comma-separated expressions (with optional outer
// attributes each) up to closer.
func (p *parser) exprList(closer Kind) []Expr {
	var list []Expr
	for !p.at(closer) && !p.at(EOF) {
		start := p.p
		p.outerAttrs()
		list = append(list, p.expr(0))
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	return list
}

func (p *parser) literal() Expr {
	t := p.tok()
	if t.Kind.IsLiteral() || t.Kind == KwTrue || t.Kind == KwFalse {
		x := carve(&p.lits, p.chunk)
		*x = LitExpr{Span: Span{t.Pos, t.End()}, Kind: t.Kind, Value: p.tokText(t)}
		p.next()
		return x
	}
	p.errorf("expected literal, found %s", p.desc())
	return &BadExpr{Span{t.Pos, t.Pos}}
}

// primary parses an operand.
func (p *parser) primary(r res) Expr {
	lo := p.pos()
	t := p.tok()
	switch k := t.Kind; {
	case k.IsLiteral() || k == KwTrue || k == KwFalse:
		return p.literal()
	case k == LParen:
		return p.parenExpr()
	case k == LBrack:
		return p.arrayExpr()
	case k == LBrace:
		return p.block()
	case k == KwUnsafe:
		p.next()
		b := p.block()
		b.Unsafe = true
		b.Lo = lo
		return b
	case k == KwAsync:
		switch p.peek(1) {
		case LBrace:
			p.next()
			b := p.block()
			b.Async, b.Lo = true, lo
			return b
		case KwMove:
			if p.peek(2) == LBrace {
				p.next()
				p.next()
				b := p.block()
				b.Async, b.Move, b.Lo = true, true, lo
				return b
			}
			return p.closure(r)
		case Or, OrOr:
			return p.closure(r)
		}
	case k == KwConst && p.peek(1) == LBrace:
		p.next()
		b := p.block()
		b.Const, b.Lo = true, lo
		return b
	case k == KwTry && p.peek(1) == LBrace:
		// try blocks (unstable). "gen" blocks are not recognised: gen is
		// an ordinary identifier before edition 2024.
		p.next()
		b := p.block()
		b.Try, b.Lo = true, lo
		return b
	case k == KwMove || k == Or || k == OrOr || k == KwStatic || k == KwConst && p.peekIsClosureStart(1):
		return p.closure(r)
	case k == KwFor && p.peek(1) == Lt:
		return p.closure(r)
	case k == KwIf:
		return p.ifExpr()
	case k == KwMatch:
		return p.matchExpr()
	case k == KwWhile:
		return p.whileExpr("", lo)
	case k == KwLoop:
		return p.loopExpr("", lo)
	case k == KwFor:
		return p.forExpr("", lo)
	case k == Lifetime && p.peek(1) == Colon:
		label := p.tokText(t)
		p.next()
		p.next()
		switch p.kind() {
		case KwWhile:
			return p.whileExpr(label, lo)
		case KwLoop:
			return p.loopExpr(label, lo)
		case KwFor:
			return p.forExpr(label, lo)
		case LBrace:
			b := p.block()
			b.Label, b.Lo = label, lo
			return b
		case KwUnsafe:
			p.next()
			b := p.block()
			b.Label, b.Unsafe, b.Lo = label, true, lo
			return b
		}
		p.errorf("expected loop or block after label, found %s", p.desc())
		return &BadExpr{p.spanFrom(lo)}
	case k == KwReturn:
		p.next()
		e := &ReturnExpr{}
		if p.canBeginExpr(r) {
			e.X = p.expr(r)
		}
		e.Span = p.spanFrom(lo)
		return e
	case k == KwBreak:
		p.next()
		e := &BreakExpr{}
		if p.at(Lifetime) {
			e.Label = p.text()
			p.next()
		}
		if p.canBeginExpr(r) {
			e.X = p.expr(r)
		}
		e.Span = p.spanFrom(lo)
		return e
	case k == KwContinue:
		p.next()
		e := &ContinueExpr{}
		if p.at(Lifetime) {
			e.Label = p.text()
			p.next()
		}
		e.Span = p.spanFrom(lo)
		return e
	case k == KwYield:
		p.next()
		e := &YieldExpr{}
		if p.canBeginExpr(r) {
			e.X = p.expr(r)
		}
		e.Span = p.spanFrom(lo)
		return e
	case k == KwBecome:
		p.next()
		e := &BecomeExpr{X: p.expr(r)}
		e.Span = p.spanFrom(lo)
		return e
	case k == KwBox && p.peek(1) != PathSep && p.peek(1) != Not && p.peek(1) != LParen:
		p.next()
		e := &BoxExpr{X: p.unaryExpr(r)}
		e.Span = p.spanFrom(lo)
		return e
	case k == KwLet:
		p.next()
		e := &LetExpr{Pat: p.pattern()}
		p.expect(Eq)
		e.X = p.binaryExpr(r|noStruct, precCmp)
		e.Span = p.spanFrom(lo)
		return e
	case k == Pound && p.atOuterAttr():
		p.outerAttrs()
		return p.unaryExpr(r)
	case k == Pound && p.atInnerAttr():
		p.errorf("inner attribute is not allowed here")
		p.attr(true)
		return p.unaryExpr(r)
	case k == Identifier && t.Len == 1 && p.tokText(t) == "_":
		p.next()
		return &UnderscoreExpr{p.spanFrom(lo)}
	}
	if p.atLt() || p.at(PathSep) || p.atPathSegmentName() || p.at(Dollar) && isSegmentKind(p.peek(1)) {
		return p.pathStartExpr(r)
	}
	if p.at(Dollar) {
		// A macro metavariable in an unexpanded body: $x.
		p.next()
		if p.at(Identifier) {
			p.next()
		}
		return &PathExpr{Span: p.spanFrom(lo), Path: &Path{Span: p.spanFrom(lo)}}
	}
	p.errorf("expected expression, found %s", p.desc())
	if !p.kind().IsClose() && !p.at(Semi) && !p.at(Comma) && !p.at(EOF) && !p.at(FatArrow) {
		p.skipTree()
	}
	return &BadExpr{p.spanFrom(lo)}
}

// pathStartExpr parses a path expression, a macro call or a struct
// literal.
func (p *parser) pathStartExpr(r res) Expr {
	lo := p.pos()
	if p.atMacroInvocation() {
		mac := p.macroCall()
		return &MacroExpr{Span: mac.Span, Mac: mac}
	}
	path := p.path(exprPath)
	if p.at(LBrace) && r&noStruct == 0 {
		return p.structExpr(path)
	}
	return p.newPathExpr(p.spanFrom(lo), path)
}

func (p *parser) structExpr(path *Path) Expr {
	e := &StructExpr{Path: path}
	span := p.group(func() {
		for !p.at(RBrace) && !p.at(EOF) {
			start := p.p
			if p.at(DotDot) {
				p.next()
				if p.at(RBrace) {
					e.Rest = true
				} else {
					e.Base = p.expr(0)
				}
				break
			}
			f := &FieldInit{Attrs: p.outerAttrs()}
			f.Lo = p.pos()
			if p.at(Int) || p.atName() || p.at(Identifier) {
				f.Name = p.identOf(p.tok())
				p.next()
			} else {
				p.errorf("expected field name, found %s", p.desc())
				break
			}
			if p.eat(Colon) {
				f.X = p.expr(0)
			} else {
				f.Shorthand = true
			}
			f.Hi = p.endFrom(f.Lo)
			e.Fields = append(e.Fields, f)
			if !p.eat(Comma) {
				break
			}
			if p.p == start {
				p.skipTree()
			}
		}
	})
	e.Span = Span{path.Lo, span.Hi}
	return e
}

func (p *parser) parenExpr() Expr {
	var elems []Expr
	trailing := false
	span := p.group(func() {
		p.innerAttrs()
		for !p.at(RParen) && !p.at(EOF) {
			start := p.p
			p.outerAttrs()
			elems = append(elems, p.expr(0))
			trailing = false
			if !p.eat(Comma) {
				break
			}
			trailing = true
			if p.p == start {
				p.skipTree()
			}
		}
	})
	if len(elems) == 1 && !trailing {
		return &ParenExpr{Span: span, X: elems[0]}
	}
	return &TupleExpr{Span: span, Elems: elems}
}

func (p *parser) arrayExpr() Expr {
	var elems []Expr
	var n Expr
	span := p.group(func() {
		p.innerAttrs()
		if p.at(RBrack) {
			return
		}
		p.outerAttrs()
		first := p.expr(0)
		if p.eat(Semi) {
			elems = []Expr{first}
			n = p.expr(0)
			return
		}
		elems = append(elems, first)
		if p.eat(Comma) {
			elems = append(elems, p.exprList(RBrack)...)
		}
	})
	if n != nil {
		return &RepeatExpr{Span: span, X: elems[0], N: n}
	}
	return &ArrayExpr{Span: span, Elems: elems}
}

// closure parses [for<..>] [const] [static] [async] [move] |params| body.
func (p *parser) closure(r res) Expr {
	lo := p.pos()
	c := &ClosureExpr{}
	if p.at(KwFor) {
		c.ForLifetimes = p.forLifetimes()
	}
	for {
		switch p.kind() {
		case KwConst:
			c.Const = true
		case KwStatic:
			c.Static = true
		case KwAsync:
			c.Async = true
		case KwMove:
			c.Move = true
		default:
			goto params
		}
		p.next()
	}
params:
	switch {
	case p.at(OrOr):
		p.next()
	case p.at(Or):
		p.next()
		for !p.at(Or) && !p.at(EOF) && !p.kind().IsClose() {
			start := p.p
			attrs := p.outerAttrs()
			plo := p.pos()
			param := &Param{Attrs: attrs, Pat: p.patternNoTopAlt()}
			if p.eat(Colon) {
				param.Type = p.typ(true)
			}
			param.Span = Span{plo, p.endFrom(plo)}
			c.Params = append(c.Params, param)
			if !p.eat(Comma) {
				break
			}
			if p.p == start {
				p.skipTree()
			}
		}
		p.expect(Or)
	default:
		p.errorf("expected closure parameters, found %s", p.desc())
	}
	if p.eat(RArrow) {
		c.Ret = p.typ(false)
		if p.at(LBrace) {
			c.Body = p.block()
		} else {
			p.errorf("expected '{' for closure body after return type, found %s", p.desc())
			c.Body = &BadExpr{Span{p.pos(), p.pos()}}
		}
	} else {
		c.Body = p.expr(r)
	}
	c.Span = p.spanFrom(lo)
	return c
}

// block parses { inner-attrs stmts }.
func (p *parser) block() *BlockExpr {
	b := &BlockExpr{}
	if !p.at(LBrace) {
		p.errorf("expected '{', found %s", p.desc())
		b.Span = Span{p.pos(), p.pos()}
		return b
	}
	if !p.enter() {
		p.leave()
		lo := p.pos()
		p.skipTree()
		b.Span = p.spanFrom(lo)
		return b
	}
	b.Span = p.group(func() {
		b.Attrs = p.innerAttrs()
		b.Stmts = p.stmts(RBrace)
	})
	p.leave()
	return b
}

// ifExpr parses an if expression with its else-if chain. The chain is
// parsed iteratively: generated code has chains thousands long, which
// must not count as nesting.
func (p *parser) ifExpr() Expr {
	first := p.ifHead()
	last := first
	var chain []*IfExpr
	for p.eat(KwElse) {
		if !p.at(KwIf) {
			last.Else = p.block()
			break
		}
		next := p.ifHead()
		last.Else = next
		chain = append(chain, last)
		last = next
	}
	// Each link ends where the whole chain ends.
	end := p.prevEnd()
	for _, e := range chain {
		e.Hi = end
	}
	last.Hi = p.endFrom(last.Lo)
	first.Hi = p.endFrom(first.Lo)
	return first
}

// ifHead parses "if cond { then }".
func (p *parser) ifHead() *IfExpr {
	lo := p.pos()
	p.next() // if
	e := &IfExpr{Cond: p.expr(noStruct)}
	e.Then = p.block()
	e.Span = p.spanFrom(lo)
	return e
}

func (p *parser) whileExpr(label string, lo Pos) Expr {
	p.next() // while
	e := &WhileExpr{Label: label, Cond: p.expr(noStruct)}
	e.Body = p.block()
	e.Span = p.spanFrom(lo)
	return e
}

func (p *parser) loopExpr(label string, lo Pos) Expr {
	p.next() // loop
	e := &LoopExpr{Label: label, Body: p.block()}
	e.Span = p.spanFrom(lo)
	return e
}

func (p *parser) forExpr(label string, lo Pos) Expr {
	p.next() // for
	e := &ForExpr{Label: label, Pat: p.pattern()}
	p.expect(KwIn)
	e.X = p.expr(noStruct)
	e.Body = p.block()
	e.Span = p.spanFrom(lo)
	return e
}

func (p *parser) matchExpr() Expr {
	lo := p.pos()
	p.next() // match
	e := &MatchExpr{X: p.expr(noStruct)}
	if !p.at(LBrace) {
		p.errorf("expected '{' after match scrutinee, found %s", p.desc())
		e.Span = p.spanFrom(lo)
		return e
	}
	p.group(func() {
		p.innerAttrs()
		for !p.at(RBrace) && !p.at(EOF) {
			start := p.p
			arm := &MatchArm{Attrs: p.outerAttrs()}
			arm.Lo = p.pos()
			arm.Pat = p.pattern()
			if p.eat(KwIf) {
				arm.Guard = p.expr(0)
			}
			if !p.expect(FatArrow) {
				// Skip to the next arm.
				for !p.at(RBrace) && !p.at(EOF) && !p.at(Comma) {
					p.skipTree()
				}
				p.eat(Comma)
				continue
			}
			body, blockLike := p.stmtExpr()
			arm.Body = body
			arm.Hi = p.endFrom(arm.Lo)
			e.Arms = append(e.Arms, arm)
			if !p.eat(Comma) && !blockLike && !p.at(RBrace) {
				p.errorf("expected ',' after match arm, found %s", p.desc())
			}
			if p.p == start {
				p.skipTree()
			}
		}
	})
	e.Span = p.spanFrom(lo)
	return e
}

// ---------------------------------------------------------------------
// Statements

// stmts parses statements up to end.
func (p *parser) stmts(end Kind) []Stmt {
	var list []Stmt
	for !p.at(end) && !p.at(EOF) {
		start := p.p
		if s := p.stmt(end); s != nil {
			list = append(list, s)
		}
		if p.p == start {
			p.errorf("expected statement, found %s", p.desc())
			p.skipTree()
		}
	}
	return list
}

func (p *parser) stmt(end Kind) Stmt {
	lo := p.pos()
	if p.at(Semi) {
		p.next()
		return &EmptyStmt{p.spanFrom(lo)}
	}
	attrs := p.outerAttrs()
	if len(attrs) > 0 {
		lo = attrs[0].Lo
	}
	if p.at(KwLet) {
		s := &LetStmt{Attrs: attrs}
		p.next()
		s.Pat = p.pattern()
		if p.eat(Colon) {
			s.Type = p.typ(true)
		}
		if p.eat(Eq) {
			s.Init = p.expr(0)
			if p.eat(KwElse) {
				s.Else = p.block()
			}
		}
		if !p.eat(Semi) {
			p.errorf("expected ';' after let statement, found %s", p.desc())
		}
		s.Span = p.spanFrom(lo)
		return s
	}
	if p.atStmtItem() {
		if it := p.item(attrs, true); it != nil {
			p.notPlain++
			return &ItemStmt{Span: Span{it.Pos(), it.End()}, Item: it}
		}
	}
	if p.at(end) {
		// Attributes with nothing after them.
		if len(attrs) > 0 {
			p.errorf("expected statement after attributes, found %s", p.desc())
		}
		return nil
	}
	x, blockLike := p.stmtExpr()
	s := &ExprStmt{Attrs: attrs, X: x}
	s.Semi = p.eat(Semi)
	if !s.Semi && !blockLike && !p.at(end) {
		p.errorf("expected ';' or '}' after expression, found %s", p.desc())
	}
	s.Span = p.spanFrom(lo)
	return s
}

// atStmtItem reports whether an item starts here, in statement position,
// where expressions beginning with the same keywords (unsafe { }, async
// blocks, const blocks, static closures) and macro calls are excluded.
func (p *parser) atStmtItem() bool {
	switch p.kind() {
	case KwFn, KwStruct, KwEnum, KwUse, KwMod, KwTrait, KwImpl, KwType, KwPub, KwExtern:
		return true
	case KwStatic:
		return !p.peekIsClosureStart(1)
	case KwConst:
		return p.peek(1) != LBrace && !p.peekIsClosureStart(1)
	case KwUnsafe:
		switch p.peek(1) {
		case KwFn, KwImpl, KwTrait, KwExtern, KwMod:
			return true
		case Identifier:
			return p.peekIdent(1, "auto")
		}
	case KwAsync:
		return p.peek(1) == KwFn || p.peek(1) == KwUnsafe
	case KwMacro:
		return p.peek(1) == Identifier
	case Identifier:
		switch p.text() {
		case "union":
			return p.peek(1) == Identifier
		case "auto":
			return p.peek(1) == KwTrait
		case "macro_rules":
			return p.peek(1) == Not && p.peek(2) == Identifier
		case "default":
			return p.peekStartsQualifiedItem(1)
		}
	}
	return false
}

// atBlockLike reports whether a block-like expression starts here.
func (p *parser) atBlockLike() bool {
	switch p.kind() {
	case KwIf, KwMatch, KwLoop, KwWhile, LBrace:
		return true
	case KwFor:
		return p.peek(1) != Lt
	case KwUnsafe, KwConst, KwTry:
		return p.peek(1) == LBrace
	case Lifetime:
		return p.peek(1) == Colon
	}
	return false
}

// stmtExpr parses an expression in statement (or match arm) position.
// A block-like expression (if, match, loop, block, macro call with
// braces) ends the statement unless followed by "." or "?"; blockLike
// reports that case.
func (p *parser) stmtExpr() (x Expr, blockLike bool) {
	lo := p.pos()
	switch {
	case p.atBlockLike():
		if !p.enter() {
			p.leave()
			p.skipTree()
			return &BadExpr{p.spanFrom(lo)}, true
		}
		x = p.primary(0)
		p.leave()
	case p.atMacroInvocation() && p.macroHasBraces():
		mac := p.macroCall()
		x = &MacroExpr{Span: mac.Span, Mac: mac}
	default:
		return p.expr(0), false
	}
	if p.at(Question) || p.at(Dot) {
		x = p.postfix(x, 0)
		x = p.binaryRest(x, 0, precOrOr)
		x = p.rangeRest(x, 0)
		return p.assignRest(x, 0), false
	}
	return x, true
}

// macroHasBraces reports whether the macro invocation starting here uses
// braces, given atMacroInvocation.
func (p *parser) macroHasBraces() bool {
	for i := 0; ; i++ {
		if p.peek(i) == Not {
			k := p.peek(i + 1)
			if k == Identifier {
				k = p.peek(i + 2)
			}
			return k == LBrace
		}
		if p.peek(i) == EOF {
			return false
		}
	}
}
