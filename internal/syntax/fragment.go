package syntax

// FragmentKind is a macro_rules! fragment specifier.
type FragmentKind uint8

// Fragment specifiers ($x:kind).
const (
	FragInvalid  FragmentKind = iota
	FragIdent                 // ident (identifiers and keywords except _)
	FragExpr                  // expr
	FragTy                    // ty
	FragPath                  // path (type-style path)
	FragPat                   // pat (with top-level alternatives)
	FragPatParam              // pat_param (no top-level alternatives)
	FragStmt                  // stmt (without trailing semicolon)
	FragBlock                 // block
	FragItem                  // item
	FragTT                    // tt (a single token or delimited group)
	FragLiteral               // literal (optionally negated)
	FragLifetime              // lifetime
	FragMeta                  // meta (attribute content)
	FragVis                   // vis (possibly empty)
)

// FragmentKindOf maps a specifier name ("expr", "ty", ...) to its kind,
// or FragInvalid.
func FragmentKindOf(name string) FragmentKind {
	switch name {
	case "ident":
		return FragIdent
	case "expr", "expr_2021":
		return FragExpr
	case "ty":
		return FragTy
	case "path":
		return FragPath
	case "pat":
		return FragPat
	case "pat_param":
		return FragPatParam
	case "stmt":
		return FragStmt
	case "block":
		return FragBlock
	case "item":
		return FragItem
	case "tt":
		return FragTT
	case "literal":
		return FragLiteral
	case "lifetime":
		return FragLifetime
	case "meta":
		return FragMeta
	case "vis":
		return FragVis
	}
	return FragInvalid
}

// FragmentMatcher matches macro_rules! fragments against one token
// sequence (a macro invocation's arguments). It copies the tokens once and
// keeps one parser, so matching many fragments stays linear.
type FragmentMatcher struct {
	p   *parser
	len int
}

// NewFragmentMatcher prepares matching against toks, which must be
// balanced (as token-tree contents are). file resolves token text; tokens
// of other files of the same FileSet are fine.
func NewFragmentMatcher(file *File, toks []Token) *FragmentMatcher {
	return &FragmentMatcher{p: newParser(file, tokenStream(file, toks)), len: len(toks)}
}

// Match reports how many tokens starting at offset form one fragment of
// the given kind: ok is false if no such fragment starts there (a parse
// error, or nothing consumed where something is required).
func (m *FragmentMatcher) Match(offset int, kind FragmentKind) (n int, ok bool) {
	if offset < 0 || offset > m.len {
		return 0, false
	}
	p := m.p
	p.p, p.errs, p.depth, p.deepAt, p.lastEnd = offset, nil, 0, false, NoPos
	defer func() {
		// Undo token splits ("Vec<Vec<u8>>" splits ">>"), so the tokens
		// stay as written for transcription and later matches.
		for i := len(p.splits) - 1; i >= 0; i-- {
			p.toks[p.splits[i].index] = p.splits[i].tok
		}
		p.splits = p.splits[:0]
		if r := recover(); r != nil {
			n, ok = 0, false
		}
	}()
	toks := p.toks[offset:]
	switch kind {
	case FragTT:
		switch {
		case toks[0].Kind == EOF || toks[0].Kind.IsClose():
			return 0, false
		case toks[0].Kind.IsOpen():
			return int(p.match[offset]) - offset + 1, true
		}
		return 1, true
	case FragIdent:
		k := p.kind()
		if k == Identifier && p.text() != "_" || k.IsKeyword() {
			return 1, true
		}
		return 0, false
	case FragLifetime:
		return 1, p.kind() == Lifetime
	case FragLiteral:
		if p.at(Minus) {
			p.next()
		}
		if k := p.kind(); k.IsLiteral() || k == KwTrue || k == KwFalse {
			return p.p + 1 - offset, true
		}
		return 0, false
	case FragVis:
		p.visibility()
		return p.p - offset, true // may be empty
	case FragExpr:
		if p.at(EOF) {
			return 0, false
		}
		p.expr(0)
	case FragTy:
		p.typ(true)
	case FragPath:
		p.path(typePath)
	case FragPat:
		p.pattern()
	case FragPatParam:
		p.patternNoTopAlt()
	case FragBlock:
		if !p.at(LBrace) {
			return 0, false
		}
		p.block()
	case FragStmt:
		if p.at(EOF) {
			return 0, false
		}
		if p.at(KwLet) {
			// A let statement without its semicolon.
			p.next()
			p.pattern()
			if p.eat(Colon) {
				p.typ(true)
			}
			if p.eat(Eq) {
				p.expr(0)
				if p.eat(KwElse) {
					p.block()
				}
			}
		} else if p.atStmtItem() {
			p.item(p.outerAttrs(), false)
		} else {
			p.stmtExpr()
		}
	case FragItem:
		if p.item(p.outerAttrs(), true) == nil {
			return 0, false
		}
	case FragMeta:
		if !p.atPathSegmentName() && !p.at(PathSep) {
			return 0, false
		}
		if p.at(KwUnsafe) && p.peek(1) == LParen {
			p.skipTree()
			p.skipTree()
			break
		}
		p.simplePath()
		switch {
		case p.kind().IsOpen():
			p.skipTree()
		case p.eat(Eq):
			p.expr(0)
		}
	default:
		return 0, false
	}
	// A token split in the middle (">>" of which only ">" belongs to the
	// fragment) cannot be expressed as a token count.
	for _, sp := range p.splits {
		if sp.index == p.p {
			return 0, false
		}
	}
	if len(p.errs) > 0 || p.p == offset {
		return 0, false
	}
	return p.p - offset, true
}

// ParseMeta parses attribute content ("path", "path(tokens)" or
// "path = value"), as found inside #[...] or in the arguments of
// cfg_attr, into an Attr with Path and Tokens set.
func ParseMeta(file *File, toks []Token) (a *Attr, errs ErrorList) {
	p := newParser(file, tokenStream(file, toks))
	defer p.finish(&errs)
	a = &Attr{}
	if len(toks) > 0 {
		a.Span = Span{toks[0].Pos, toks[len(toks)-1].End()}
	}
	if p.atIdent("unsafe") || p.at(KwUnsafe) {
		if p.peek(1) == LParen {
			a.Unsafe = true
			p.next()
			p.group(func() { p.attrBody(a) })
			return a, nil
		}
	}
	p.attrBody(a)
	if !p.at(EOF) {
		p.errorf("unexpected %s in attribute", p.desc())
	}
	return a, nil
}

// SplitTopLevel splits toks at separator tokens outside delimited groups
// (the arguments of a macro call at their commas). A trailing separator
// does not produce an empty last part.
func SplitTopLevel(toks []Token, sep Kind) [][]Token {
	var out [][]Token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.Kind.IsOpen():
			depth++
		case t.Kind.IsClose():
			depth--
		case t.Kind == sep && depth == 0:
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}
