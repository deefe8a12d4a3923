package syntax

// pattern parses a top-level pattern, alternatives ("a | b") included.
func (p *parser) pattern() Pat {
	lo := p.pos()
	leading := p.at(Or)
	if leading {
		p.next()
	}
	first := p.patternNoTopAlt()
	if !p.at(Or) {
		return first
	}
	alts := []Pat{first}
	for p.eat(Or) {
		alts = append(alts, p.patternNoTopAlt())
	}
	return &OrPat{Span: p.spanFrom(lo), Alts: alts}
}

// patternNoTopAlt parses a pattern without top-level alternatives
// (closure and function parameters).
func (p *parser) patternNoTopAlt() Pat {
	lo := p.pos()
	if !p.enter() {
		p.leave()
		p.skipTree()
		return &WildPat{p.spanFrom(lo)}
	}
	defer p.leave()
	t := p.tok()
	switch k := t.Kind; {
	case k == Identifier && t.Len == 1 && p.tokText(t) == "_":
		p.next()
		return &WildPat{p.spanFrom(lo)}
	case k == DotDot:
		p.next()
		if p.atRangeEnd() {
			// ..X (half-open range to, exclusive; unstable but parsed)
			hi := p.rangeEnd()
			return &RangePat{Span: p.spanFrom(lo), Hi: hi}
		}
		return &RestPat{p.spanFrom(lo)}
	case k == DotDotEq:
		p.next()
		hi := p.rangeEnd()
		return &RangePat{Span: p.spanFrom(lo), Hi: hi, Inclusive: true}
	case k == And || k == AndAnd:
		p.eat(And)
		rp := &RefPat{Mut: p.eat(KwMut)}
		rp.Pat = p.patternNoTopAlt()
		rp.Span = p.spanFrom(lo)
		return rp
	case k == LParen:
		var elems []Pat
		trailing := false
		span := p.group(func() {
			for !p.at(RParen) && !p.at(EOF) {
				start := p.p
				elems = append(elems, p.pattern())
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
			if _, rest := elems[0].(*RestPat); !rest {
				return &ParenPat{Span: span, Pat: elems[0]}
			}
		}
		return &TuplePat{Span: span, Elems: elems}
	case k == LBrack:
		var elems []Pat
		span := p.group(func() { elems = p.patternList(RBrack) })
		return &SlicePat{Span: span, Elems: elems}
	case k == KwRef || k == KwMut:
		ip := &IdentPat{}
		ip.Ref = p.eat(KwRef)
		ip.Mut = p.eat(KwMut)
		ip.Name = p.name()
		if p.eat(At) {
			ip.Sub = p.patternNoTopAlt()
		}
		ip.Span = p.spanFrom(lo)
		return ip
	case k == KwBox && p.peek(1) != PathSep && p.peek(1) != LParen && p.peek(1) != Not:
		p.next()
		bp := &BoxPat{Pat: p.patternNoTopAlt()}
		bp.Span = p.spanFrom(lo)
		return bp
	case k.IsLiteral() || k == KwTrue || k == KwFalse || k == Minus:
		x := p.litPatExpr()
		if p.atRangeOpPat() {
			return p.rangePatFrom(x, lo)
		}
		return &LitPat{Span: p.spanFrom(lo), X: x}
	case k == KwConst && p.peek(1) == LBrace:
		p.next()
		b := p.block()
		b.Const = true
		return &LitPat{Span: p.spanFrom(lo), X: b}
	}
	if p.atLt() || p.at(PathSep) || p.atPathSegmentName() || p.at(Dollar) {
		return p.pathPattern()
	}
	p.errorf("expected pattern, found %s", p.desc())
	if !p.kind().IsClose() && !p.at(EOF) && !p.at(Comma) && !p.at(FatArrow) && !p.at(Eq) && !p.at(Semi) {
		p.skipTree()
	}
	return &WildPat{p.spanFrom(lo)}
}

func (p *parser) patternList(closer Kind) []Pat {
	var elems []Pat
	for !p.at(closer) && !p.at(EOF) {
		start := p.p
		elems = append(elems, p.pattern())
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	return elems
}

func (p *parser) atRangeOpPat() bool {
	k := p.kind()
	return k == DotDotEq || k == DotDotDot || k == DotDot
}

// litPatExpr parses a literal or negated literal.
func (p *parser) litPatExpr() Expr {
	lo := p.pos()
	if p.eat(Minus) {
		x := p.literal()
		return &UnaryExpr{Span: p.spanFrom(lo), Op: Minus, X: x}
	}
	return p.literal()
}

// atRangeEnd reports whether a range pattern bound follows.
func (p *parser) atRangeEnd() bool {
	k := p.kind()
	return k.IsLiteral() || k == Minus || k == PathSep || k == Lt || (isSegmentKind(k) && !(k == Identifier && p.text() == "_"))
}

func (p *parser) rangeEnd() Expr {
	lo := p.pos()
	if k := p.kind(); k.IsLiteral() || k == Minus {
		return p.litPatExpr()
	}
	if p.atLt() || p.at(PathSep) || p.atPathSegmentName() {
		path := p.path(exprPath)
		return &PathExpr{Span: p.spanFrom(lo), Path: path}
	}
	p.errorf("expected range pattern bound, found %s", p.desc())
	return &BadExpr{Span{lo, lo}}
}

func (p *parser) rangePatFrom(x Expr, lo Pos) Pat {
	rp := &RangePat{Lo: x}
	switch p.kind() {
	case DotDotEq, DotDotDot:
		p.next()
		rp.Inclusive = true
		rp.Hi = p.rangeEnd()
	case DotDot:
		p.next()
		if p.atRangeEnd() {
			rp.Hi = p.rangeEnd()
		}
	}
	rp.Span = p.spanFrom(lo)
	return rp
}

// pathPattern parses identifier, path, tuple-struct, struct, macro and
// range patterns starting with a path.
func (p *parser) pathPattern() Pat {
	lo := p.pos()
	if p.atMacroInvocation() {
		mac := p.macroCall()
		return &MacroPat{Span: mac.Span, Mac: mac}
	}
	// A lone identifier is a binding, unless a path continues.
	if (p.at(Identifier) || isWeakKeyword(p.kind())) && p.peek(1) != PathSep && p.peek(1) != LParen && p.peek(1) != LBrace && p.peek(1) != Not {
		id := p.identOf(p.tok())
		p.next()
		if p.at(At) {
			p.next()
			ip := &IdentPat{Name: id, Sub: p.patternNoTopAlt()}
			ip.Span = p.spanFrom(lo)
			return ip
		}
		if p.atRangeOpPat() && !(p.at(DotDot) && !p.atRangeEndAfter(1)) {
			seg := p.newSegment(id)
			seg.Span = id.Span
			path := p.newPath(id.Lo, id.Hi)
			p.appendSegment(path, seg)
			return p.rangePatFrom(p.newPathExpr(id.Span, path), lo)
		}
		return &IdentPat{Span: p.spanFrom(lo), Name: id}
	}
	path := p.path(exprPath)
	switch {
	case p.at(LParen):
		var elems []Pat
		span := p.group(func() { elems = p.patternList(RParen) })
		return &TupleStructPat{Span: Span{lo, span.Hi}, Path: path, Elems: elems}
	case p.at(LBrace):
		return p.structPattern(path, lo)
	case p.atRangeOpPat():
		return p.rangePatFrom(p.newPathExpr(path.Span, path), lo)
	}
	return &PathPat{Span: p.spanFrom(lo), Path: path}
}

// atRangeEndAfter reports whether the token n ahead can start a range
// bound (for "a.." versus "a..b").
func (p *parser) atRangeEndAfter(n int) bool {
	k := p.peek(n)
	return k.IsLiteral() || k == Minus || k == PathSep || (isSegmentKind(k) && !(k == Identifier && p.tokText(p.peekTok(n)) == "_"))
}

func (p *parser) structPattern(path *Path, lo Pos) Pat {
	sp := &StructPat{Path: path}
	span := p.group(func() {
		for !p.at(RBrace) && !p.at(EOF) {
			start := p.p
			attrs := p.outerAttrs()
			if p.at(DotDot) {
				p.next()
				sp.Rest = true
				break
			}
			f := &FieldPat{Attrs: attrs}
			f.Lo = p.pos()
			if (p.atName() || p.at(Int)) && p.peek(1) == Colon {
				f.Name = p.identOf(p.tok())
				p.next()
				p.next()
				f.Pat = p.pattern()
			} else {
				// Shorthand: [box] [ref] [mut] name.
				boxed := p.at(KwBox)
				if boxed {
					p.next()
				}
				ip := &IdentPat{}
				ip.Lo = p.pos()
				ip.Ref = p.eat(KwRef)
				ip.Mut = p.eat(KwMut)
				ip.Name = p.name()
				ip.Hi = p.endFrom(ip.Lo)
				f.Name = ip.Name
				f.Pat = ip
				if boxed {
					f.Pat = &BoxPat{Span: Span{f.Lo, ip.Hi}, Pat: ip}
				}
				f.Shorthand = true
			}
			f.Hi = p.endFrom(f.Lo)
			sp.Fields = append(sp.Fields, f)
			if !p.eat(Comma) {
				break
			}
			if p.p == start {
				p.skipTree()
			}
		}
	})
	sp.Span = Span{lo, span.Hi}
	return sp
}
