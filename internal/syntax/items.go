package syntax

// items parses items until the closing token end (RBrace, or EOF at file
// level), recovering from errors item by item.
func (p *parser) items(end Kind) []Item {
	var items []Item
	for !p.at(end) && !p.at(EOF) {
		start := p.p
		if p.at(Semi) { // stray ';' between items is accepted by rustc with a warning
			p.next()
			continue
		}
		attrs := p.outerAttrs()
		it := p.item(attrs, true)
		if it != nil {
			items = append(items, it)
		} else if len(attrs) > 0 && (p.at(end) || p.at(EOF)) {
			p.errorAt(attrs[len(attrs)-1].Pos(), "expected item after attributes")
		}
		if p.p == start {
			// No progress: report and skip to the next plausible item.
			p.errorf("expected item, found %s", p.desc())
			p.skipTree()
			p.recoverItem(end)
		}
	}
	return items
}

// recoverItem skips tokens until something that can start an item.
func (p *parser) recoverItem(end Kind) {
	for !p.at(end) && !p.at(EOF) {
		if p.atItemKeyword() || p.atOuterAttr() {
			return
		}
		if p.at(Semi) {
			p.next()
			return
		}
		p.skipTree()
	}
}

func (p *parser) atItemKeyword() bool {
	switch p.kind() {
	case KwFn, KwStruct, KwEnum, KwUse, KwMod, KwTrait, KwImpl, KwType, KwStatic, KwConst,
		KwExtern, KwPub, KwUnsafe, KwAsync, KwMacro:
		return true
	case Identifier:
		t := p.text()
		return t == "macro_rules" || t == "union" && p.peek(1) == Identifier
	}
	return false
}

// item parses one item after its outer attributes. It returns nil (and
// consumes nothing) if the current token cannot start an item; when
// topLevel is false (statement position) that is not an error.
func (p *parser) item(attrs []*Attr, topLevel bool) Item {
	if !p.enter() {
		p.leave()
		lo := p.pos()
		p.skipTree()
		return &BadItem{ItemBase{Span: p.spanFrom(lo), Attrs: attrs}}
	}
	defer p.leave()
	lo := p.pos()
	if len(attrs) > 0 {
		lo = attrs[0].Lo
	}
	base := ItemBase{Span: Span{Lo: lo}, Attrs: attrs}
	start := p.p

	// macro_rules! name { ... }
	if p.atIdent("macro_rules") && p.peek(1) == Not && (p.peek(2) == Identifier || isWeakKeyword(p.peek(2))) {
		p.next()
		p.next()
		it := &MacroRulesItem{ItemBase: base, Name: p.name()}
		it.Body = p.tokenTree()
		if it.Body.Delim != LBrace {
			p.expect(Semi)
		} else {
			p.eat(Semi)
		}
		it.Hi = p.endFrom(it.Lo)
		return it
	}

	base.Vis = p.visibility()

	// Qualifiers that may precede several item kinds.
	var (
		isDefault, isConst, isAsync, isUnsafe, isSafe, isExtern bool
		abi                                                     string
	)
	for {
		switch {
		case p.atIdent("default") && p.peekStartsQualifiedItem(1):
			isDefault = true
		case p.at(KwConst) && p.peekStartsQualifiedItem(1):
			isConst = true
		case p.at(KwAsync) && p.peekStartsQualifiedItem(1):
			isAsync = true
		case p.at(KwUnsafe) && p.peek(1) != LBrace:
			isUnsafe = true
		case p.atIdent("safe") && (p.peek(1) == KwFn || p.peek(1) == KwStatic):
			isSafe = true
		case p.at(KwExtern) && p.peek(1) != KwCrate:
			isExtern = true
			p.next()
			if k := p.kind(); k == Str || k == RawStr {
				abi = p.text()
				p.next()
			}
			if p.at(LBrace) {
				return p.externBlock(base, isUnsafe, abi)
			}
			continue
		default:
			goto kind
		}
		p.next()
	}
kind:
	switch p.kind() {
	case KwFn:
		return p.fnItem(base, FnSig{Const: isConst, Async: isAsync, Unsafe: isUnsafe, Safe: isSafe, Extern: isExtern, ABI: abi}, isDefault)
	case KwUse:
		return p.useItem(base)
	case KwMod:
		return p.modItem(base, isUnsafe)
	case KwStruct:
		return p.structItem(base)
	case KwEnum:
		return p.enumItem(base)
	case KwTrait:
		return p.traitItem(base, isUnsafe, false)
	case KwImpl:
		return p.implItem(base, isDefault, isUnsafe, isConst)
	case KwType:
		return p.typeAlias(base, isDefault)
	case KwStatic:
		if p.peekIsClosureStart(1) {
			break
		}
		safety := ""
		if isSafe {
			safety = "safe"
		} else if isUnsafe {
			safety = "unsafe"
		}
		return p.staticItem(base, safety)
	case KwConst:
		// const NAME, const _ (const { ... } blocks are expressions)
		if p.peek(1) == LBrace {
			break
		}
		return p.constItem(base, isDefault)
	case KwExtern:
		if p.peek(1) == KwCrate {
			return p.externCrate(base)
		}
	case KwMacro:
		if p.peek(1) == Identifier {
			return p.macro2(base)
		}
	case Identifier:
		switch p.text() {
		case "union":
			if p.peek(1) == Identifier || isWeakKeyword(p.peek(1)) {
				return p.unionItem(base)
			}
		case "auto":
			if p.peek(1) == KwTrait {
				p.next()
				return p.traitItem(base, isUnsafe, true)
			}
		}
	}
	// A macro invocation in item position: path ! [ident] group.
	if p.p == start && p.atMacroInvocation() {
		lo := p.pos()
		mac := p.macroCall()
		if mac.Args.Delim != LBrace {
			if topLevel {
				p.expect(Semi)
			}
		} else if topLevel {
			p.eat(Semi)
		}
		it := &MacroItem{ItemBase: base, Mac: mac}
		if it.Lo == NoPos || it.Lo > lo {
			it.Lo = lo
		}
		it.Hi = p.endFrom(it.Lo)
		return it
	}
	if p.p != start {
		// Qualifiers or visibility were consumed but no item follows.
		p.errorf("expected item after qualifiers, found %s", p.desc())
		base.Hi = p.endFrom(base.Lo)
		return &BadItem{base}
	}
	return nil
}

// peekStartsQualifiedItem reports whether the token n ahead continues a
// qualified item (after const, async, default): a qualifier or an item
// keyword.
func (p *parser) peekStartsQualifiedItem(n int) bool {
	switch p.peek(n) {
	case KwFn, KwUnsafe, KwExtern, KwAsync, KwConst, KwImpl, KwType, KwTrait:
		return true
	case Identifier:
		return p.peekIdent(n, "safe") || p.peekIdent(n, "auto")
	}
	return false
}

func (p *parser) peekIsClosureStart(n int) bool {
	switch p.peek(n) {
	case Or, OrOr, KwMove, KwAsync:
		return true
	}
	return false
}

// atMacroInvocation reports whether a path followed by "!" (and then a
// group, or an identifier and a group) starts here.
func (p *parser) atMacroInvocation() bool {
	i := 0
	if p.peek(0) == PathSep {
		i++
	}
	for {
		if !isSegmentKind(p.peek(i)) {
			if !(p.peek(i) == Dollar && isSegmentKind(p.peek(i+1))) {
				return false
			}
			i++
		}
		i++
		if p.peek(i) != PathSep {
			break
		}
		i++
	}
	if p.peek(i) != Not {
		return false
	}
	k := p.peek(i + 1)
	return k.IsOpen() || (k == Identifier && p.peek(i+2).IsOpen())
}

// macroCall parses path ! [ident] tokentree.
func (p *parser) macroCall() *MacroCall {
	p.notPlain++
	lo := p.pos()
	m := &MacroCall{Path: p.macroPath()}
	p.expect(Not)
	if p.at(Identifier) && p.peek(1).IsOpen() {
		p.next() // legacy "name! ident { }" form
	}
	m.Args = p.tokenTree()
	m.Span = p.spanFrom(lo)
	return m
}

// macroPath is a simple path that also accepts $crate in macro bodies.
func (p *parser) macroPath() *Path {
	if p.at(Dollar) {
		lo := p.pos()
		p.next()
		path := p.simplePath()
		if len(path.Segments) > 0 {
			path.Segments[0].Name.Name = "$" + path.Segments[0].Name.Name
			path.Segments[0].Lo = lo
		}
		path.Lo = lo
		return path
	}
	return p.simplePath()
}

func (p *parser) visibility() *Visibility {
	if p.at(KwCrate) && p.peek(1) != PathSep && p.peek(1) != Not {
		v := &Visibility{Span: Span{p.pos(), p.tok().End()}, Kind: VisCrate}
		p.next()
		return v
	}
	if !p.at(KwPub) {
		return nil
	}
	v := &Visibility{Span: Span{p.pos(), p.tok().End()}, Kind: VisPub}
	p.next()
	if p.at(LParen) {
		switch p.peek(1) {
		case KwCrate, KwSelfValue, KwSuper:
			if p.peek(2) != RParen {
				return v // a tuple field type such as pub (crate::T)
			}
			switch p.peek(1) {
			case KwCrate:
				v.Kind = VisCrate
			case KwSelfValue:
				v.Kind = VisSelf
			default:
				v.Kind = VisSuper
			}
			v.Hi = p.group(func() { p.next() }).Hi
		case KwIn:
			v.Kind = VisRestricted
			v.Hi = p.group(func() {
				p.next()
				v.Path = p.simplePath()
			}).Hi
		}
	}
	return v
}

func (p *parser) finishItem(it Item, base *ItemBase) Item {
	base.Hi = p.endFrom(base.Lo)
	return it
}

// fnItem parses "fn name<..>(params) -> ret where .. { body }" (or ";").
func (p *parser) fnItem(base ItemBase, sig FnSig, isDefault bool) Item {
	p.expect(KwFn)
	it := &FnItem{ItemBase: base, Default: isDefault, Sig: sig}
	it.Name = p.name()
	it.Sig.Generics = p.genericParams()
	if p.at(LParen) {
		p.group(func() { it.Sig.Params, it.Sig.Variadic = p.fnParams(RParen, true) })
	} else {
		p.errorf("expected '(' for function parameters, found %s", p.desc())
	}
	if p.eat(RArrow) {
		it.Sig.Ret = p.typeNoBounds(true)
	}
	p.whereClause(&it.Sig.Generics)
	if p.at(LBrace) {
		before := p.notPlain
		it.Body = p.block()
		it.Plain = p.notPlain == before
	} else if !p.eat(Semi) {
		p.errorf("expected '{' or ';' after function signature, found %s", p.desc())
	}
	return p.finishItem(it, &it.ItemBase)
}

// fnParams parses parameters up to the closer. selfAllowed permits a self
// parameter first. It reports a trailing C variadic "...".
func (p *parser) fnParams(closer Kind, selfAllowed bool) (params []*Param, variadic bool) {
	for !p.at(closer) && !p.at(EOF) {
		start := p.p
		attrs := p.outerAttrs()
		lo := p.pos()
		if len(attrs) > 0 {
			lo = attrs[0].Lo
		}
		if p.at(DotDotDot) {
			p.next()
			variadic = true
		} else if param := p.selfParam(attrs); param != nil {
			params = append(params, param)
		} else if p.atIdentFollowedBy(Colon, DotDotDot) {
			// C variadic with a name: args: ...
			p.next()
			p.next()
			p.next()
			variadic = true
		} else {
			param := &Param{Attrs: attrs}
			if p.paramHasColon(closer) {
				param.Pat = p.patternNoTopAlt()
				if p.expect(Colon) {
					param.Type = p.typ(true)
				}
			} else {
				// Rust 2015 trait methods allow anonymous parameters
				// ("fn f(u8, Vec<T>);"): no top-level ':' means the
				// parameter is a type. Deciding by lookahead instead of
				// backtracking keeps nested parameters linear.
				param.Type = p.typ(true)
			}
			param.Span = p.spanFrom(lo)
			params = append(params, param)
		}
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	return params, variadic
}

func (p *parser) atIdentFollowedBy(k1, k2 Kind) bool {
	return p.atName() && p.peek(1) == k1 && p.peek(2) == k2
}

// selfParam parses self, mut self, &self, &'a mut self, self: T.
func (p *parser) selfParam(attrs []*Attr) *Param {
	lo := p.pos()
	i := 0
	ref, mut := false, false
	if p.peek(0) == And {
		ref = true
		i++
		if p.peek(i) == Lifetime {
			i++
		}
		if p.peek(i) == KwMut {
			mut = true
			i++
		}
	} else if p.peek(0) == KwMut {
		mut = true
		i++
	}
	if p.peek(i) != KwSelfValue || p.peek(i+1) == PathSep {
		return nil
	}
	for j := 0; j <= i; j++ {
		p.next()
	}
	param := &Param{Attrs: attrs, Self: true, SelfRef: ref, SelfMut: mut}
	if !ref && p.eat(Colon) {
		param.Type = p.typ(true)
	}
	if len(attrs) > 0 {
		lo = attrs[0].Lo
	}
	param.Span = p.spanFrom(lo)
	return param
}

func (p *parser) useItem(base ItemBase) Item {
	p.next() // use
	it := &UseItem{ItemBase: base}
	it.Tree = p.useTree()
	p.expect(Semi)
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) useTree() *UseTree {
	t := &UseTree{Span: Span{p.pos(), p.pos()}}
	if !p.enter() {
		p.leave()
		p.skipTree()
		return t
	}
	defer p.leave()
	if p.eat(PathSep) {
		t.Global = true
	}
	for {
		switch {
		case p.at(Star):
			p.next()
			t.Kind = UseGlob
			t.Hi = p.endFrom(t.Lo)
			return t
		case p.at(LBrace):
			t.Kind = UseGroup
			p.group(func() {
				for !p.at(RBrace) && !p.at(EOF) {
					start := p.p
					t.Children = append(t.Children, p.useTree())
					if !p.eat(Comma) {
						break
					}
					if p.p == start {
						p.skipTree()
					}
				}
			})
			t.Hi = p.endFrom(t.Lo)
			return t
		case p.atPathSegmentName() || p.at(Dollar) && isSegmentKind(p.peek(1)):
			lo := p.pos()
			dollar := p.eat(Dollar)
			id := p.identOf(p.tok())
			if dollar {
				id.Name = "$" + id.Name
				id.Lo = lo
			}
			p.next()
			t.Path = append(t.Path, id)
			if p.eat(PathSep) {
				continue
			}
			if p.eat(KwAs) {
				t.Kind = UseRename
				if p.at(Identifier) && p.text() == "_" || p.atName() {
					t.Rename = p.identOf(p.tok())
					p.next()
				} else {
					p.errorf("expected identifier or '_' after 'as', found %s", p.desc())
				}
			}
			t.Hi = p.endFrom(t.Lo)
			return t
		default:
			p.errorf("expected identifier, '*' or '{' in use tree, found %s", p.desc())
			t.Hi = p.endFrom(t.Lo)
			return t
		}
	}
}

func (p *parser) modItem(base ItemBase, isUnsafe bool) Item {
	p.next() // mod
	it := &ModItem{ItemBase: base, Unsafe: isUnsafe, Name: p.name()}
	if p.at(LBrace) {
		it.Inline = true
		p.group(func() {
			it.InnerAttrs = p.innerAttrs()
			it.Items = p.items(RBrace)
		})
	} else {
		p.expect(Semi)
	}
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) structItem(base ItemBase) Item {
	p.next() // struct
	it := &StructItem{ItemBase: base, Name: p.name()}
	it.Generics = p.genericParams()
	switch {
	case p.at(LParen):
		it.Kind = StructTuple
		p.group(func() { it.Fields = p.tupleFields() })
		p.whereClause(&it.Generics)
		p.expect(Semi)
	default:
		p.whereClause(&it.Generics)
		if p.at(LBrace) {
			it.Kind = StructNamed
			p.group(func() { it.Fields = p.namedFields() })
		} else {
			it.Kind = StructUnit
			p.expect(Semi)
		}
	}
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) unionItem(base ItemBase) Item {
	p.next() // union
	it := &UnionItem{ItemBase: base, Name: p.name()}
	it.Generics = p.genericParams()
	p.whereClause(&it.Generics)
	if p.at(LBrace) {
		p.group(func() { it.Fields = p.namedFields() })
	} else {
		p.errorf("expected '{' after union name, found %s", p.desc())
	}
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) namedFields() []*Field {
	var fields []*Field
	for !p.at(RBrace) && !p.at(EOF) {
		start := p.p
		f := &Field{Attrs: p.outerAttrs()}
		f.Lo = p.pos()
		if len(f.Attrs) > 0 {
			f.Lo = f.Attrs[0].Lo
		}
		f.Vis = p.visibility()
		if p.atIdent("unsafe") || p.at(KwUnsafe) {
			p.next() // unsafe fields (unstable)
		}
		f.Name = p.name()
		p.expect(Colon)
		f.Type = p.typ(true)
		if p.eat(Eq) { // default field values (unstable)
			p.expr(0)
		}
		f.Hi = p.endFrom(f.Lo)
		fields = append(fields, f)
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	return fields
}

func (p *parser) tupleFields() []*Field {
	var fields []*Field
	for !p.at(RParen) && !p.at(EOF) {
		start := p.p
		f := &Field{Attrs: p.outerAttrs()}
		f.Lo = p.pos()
		if len(f.Attrs) > 0 {
			f.Lo = f.Attrs[0].Lo
		}
		f.Vis = p.visibility()
		f.Type = p.typ(true)
		f.Hi = p.endFrom(f.Lo)
		fields = append(fields, f)
		if !p.eat(Comma) {
			break
		}
		if p.p == start {
			p.skipTree()
		}
	}
	return fields
}

func (p *parser) enumItem(base ItemBase) Item {
	p.next() // enum
	it := &EnumItem{ItemBase: base, Name: p.name()}
	it.Generics = p.genericParams()
	p.whereClause(&it.Generics)
	if !p.at(LBrace) {
		p.errorf("expected '{' after enum name, found %s", p.desc())
		return p.finishItem(it, &it.ItemBase)
	}
	p.group(func() {
		for !p.at(RBrace) && !p.at(EOF) {
			start := p.p
			v := &Variant{Attrs: p.outerAttrs()}
			v.Lo = p.pos()
			if len(v.Attrs) > 0 {
				v.Lo = v.Attrs[0].Lo
			}
			p.visibility() // syntactically allowed, semantically rejected
			v.Name = p.name()
			switch {
			case p.at(LParen):
				v.Kind = StructTuple
				p.group(func() { v.Fields = p.tupleFields() })
			case p.at(LBrace):
				v.Kind = StructNamed
				p.group(func() { v.Fields = p.namedFields() })
			}
			if p.eat(Eq) {
				v.Discriminant = p.expr(0)
			}
			v.Hi = p.endFrom(v.Lo)
			it.Variants = append(it.Variants, v)
			if !p.eat(Comma) {
				break
			}
			if p.p == start {
				p.skipTree()
			}
		}
	})
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) traitItem(base ItemBase, isUnsafe, isAuto bool) Item {
	p.next() // trait
	it := &TraitItem{ItemBase: base, Unsafe: isUnsafe, Auto: isAuto, Name: p.name()}
	it.Generics = p.genericParams()
	if p.eat(Colon) {
		it.Bounds = p.bounds(true)
	}
	if p.eat(Eq) {
		it.Alias = true
		it.Bounds = p.bounds(true)
		p.whereClause(&it.Generics)
		p.expect(Semi)
		return p.finishItem(it, &it.ItemBase)
	}
	p.whereClause(&it.Generics)
	if p.at(LBrace) {
		p.group(func() {
			it.InnerAttrs = p.innerAttrs()
			it.Items = p.items(RBrace)
		})
	} else {
		p.errorf("expected '{' after trait header, found %s", p.desc())
	}
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) implItem(base ItemBase, isDefault, isUnsafe, isConst bool) Item {
	p.next() // impl
	it := &ImplItem{ItemBase: base, Default: isDefault, Unsafe: isUnsafe, Const: isConst}
	// impl<T> ... : "<" starts generics unless it is a qualified path
	// type such as impl <T as Trait>::X (not valid as a self type anyway).
	it.Generics = p.genericParams()
	if p.at(KwConst) {
		p.next()
		it.Const = true
	}
	if p.at(Not) && p.peek(1) != LBrace {
		p.next()
		it.Negative = true
	}
	first := p.typ(true)
	if p.eat(KwFor) {
		// first was the trait.
		if pt, ok := first.(*PathType); ok {
			it.Trait = pt.Path
		} else {
			p.errorAt(first.Pos(), "expected a trait path before 'for'")
		}
		it.SelfType = p.typ(true)
	} else {
		it.SelfType = first
	}
	p.whereClause(&it.Generics)
	if p.at(LBrace) {
		p.group(func() {
			it.InnerAttrs = p.innerAttrs()
			it.Items = p.items(RBrace)
		})
	} else {
		p.errorf("expected '{' after impl header, found %s", p.desc())
	}
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) typeAlias(base ItemBase, isDefault bool) Item {
	p.next() // type
	it := &TypeAliasItem{ItemBase: base, Default: isDefault, Name: p.name()}
	it.Generics = p.genericParams()
	if p.eat(Colon) {
		it.Bounds = p.bounds(true)
	}
	p.whereClause(&it.Generics)
	if p.eat(Eq) {
		it.Type = p.typ(true)
	}
	p.whereClause(&it.Generics)
	p.expect(Semi)
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) constItem(base ItemBase, isDefault bool) Item {
	p.next() // const
	it := &ConstItem{ItemBase: base, Default: isDefault}
	if p.atIdent("_") || p.at(Identifier) && p.text() == "_" {
		it.Name = p.identOf(p.tok())
		p.next()
	} else {
		it.Name = p.name()
	}
	it.Generics = p.genericParams()
	if p.eat(Colon) {
		it.Type = p.typ(true)
	}
	if p.eat(Eq) {
		it.Value = p.expr(0)
	}
	p.whereClause(&it.Generics)
	p.expect(Semi)
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) staticItem(base ItemBase, safety string) Item {
	p.next() // static
	it := &StaticItem{ItemBase: base, Safety: safety}
	if p.eat(KwMut) {
		it.Mut = true
	}
	it.Name = p.name()
	if p.eat(Colon) {
		it.Type = p.typ(true)
	} else {
		p.errorf("expected ':' and a type after static name, found %s", p.desc())
	}
	if p.eat(Eq) {
		it.Value = p.expr(0)
	}
	p.expect(Semi)
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) externCrate(base ItemBase) Item {
	p.next() // extern
	p.next() // crate
	it := &ExternCrateItem{ItemBase: base}
	if p.at(KwSelfValue) {
		it.Name = p.identOf(p.tok())
		p.next()
	} else {
		it.Name = p.name()
	}
	if p.eat(KwAs) {
		var r Ident
		if p.at(Identifier) {
			r = p.identOf(p.tok())
			p.next()
		} else {
			r = p.name()
		}
		it.Rename = &r
	}
	p.expect(Semi)
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) externBlock(base ItemBase, isUnsafe bool, abi string) Item {
	it := &ExternBlockItem{ItemBase: base, Unsafe: isUnsafe, ABI: abi}
	p.group(func() {
		it.InnerAttrs = p.innerAttrs()
		it.Items = p.items(RBrace)
	})
	return p.finishItem(it, &it.ItemBase)
}

func (p *parser) macro2(base ItemBase) Item {
	p.next() // macro
	it := &MacroRulesItem{ItemBase: base, Macro2: true, Name: p.name()}
	if p.at(LParen) {
		it.Params = p.tokenTree()
	}
	if p.at(LBrace) {
		it.Body = p.tokenTree()
	} else {
		p.errorf("expected '{' for macro body, found %s", p.desc())
	}
	return p.finishItem(it, &it.ItemBase)
}
