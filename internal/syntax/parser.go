package syntax

import (
	"fmt"
)

// Limits that keep hostile input cheap.
const (
	// maxErrors is the number of diagnostics after which a file is
	// abandoned: the tree built so far is returned.
	maxErrors = 100
	// maxDepth bounds syntactic nesting (expressions, types, patterns,
	// blocks, items). Deeper input is reported once and skipped a whole
	// delimited group at a time, so time stays linear and the Go stack
	// small.
	maxDepth = 400
)

// ParseFile lexes and parses one file. It never panics and always returns
// a tree: syntax errors are recovered from locally and returned as an
// ErrorList sorted by position.
func ParseFile(f *File) (sf *SourceFile, errs ErrorList) {
	return parseFile(f, nil)
}

// Buffers holds the token and delimiter tables of the last file parsed
// with its ParseFile method, so that a goroutine parsing many files in a
// row (parse-stats over a whole registry) reuses them instead of
// allocating about 5 bytes per source byte for every file; most of that
// memory would otherwise be garbage a moment later, and collecting it
// dominates short batch runs. The zero value is ready to use. A Buffers
// must not be used by several goroutines at once.
type Buffers struct {
	toks  []Token
	match []int32
}

// ParseFile is like the function ParseFile, but the tree it returns
// shares b's buffers (the Tokens of token trees and attributes are slices
// of them): it must not be used after the next call on b.
func (b *Buffers) ParseFile(f *File) (sf *SourceFile, errs ErrorList) {
	return parseFile(f, b)
}

func parseFile(f *File, b *Buffers) (sf *SourceFile, errs ErrorList) {
	var toks []Token
	var lexErrs ErrorList
	var p *parser
	if b == nil {
		toks, lexErrs = Lex(f)
		p = newParser(f, toks)
	} else {
		toks, lexErrs = lexInto(f, b.toks)
		if cap(toks) > cap(b.toks) {
			b.toks = toks[:0]
		}
		if cap(b.match) < len(toks) {
			b.match = make([]int32, cap(toks))
		}
		match := b.match[:len(toks)]
		clear(match)
		p = newParserMatch(f, toks, match)
	}
	p.errs = lexErrs
	sf = &SourceFile{File: f, Span: Span{f.Base, f.Base + Pos(len(f.Src))}}
	defer p.finish(&errs)
	sf.Attrs = p.innerAttrs()
	sf.Items = p.items(EOF)
	return sf, errs
}

// ParseItems parses tokens (for example a macro's token tree) as a list
// of items. The tokens must come from files in the same FileSet as file,
// which is used to report positions.
func ParseItems(file *File, tokens []Token) (items []Item, errs ErrorList) {
	p := newParser(file, tokenStream(file, tokens))
	defer p.finish(&errs)
	return p.items(EOF), nil
}

// ParseStmts parses tokens as the statements of a block body.
func ParseStmts(file *File, tokens []Token) (stmts []Stmt, errs ErrorList) {
	p := newParser(file, tokenStream(file, tokens))
	defer p.finish(&errs)
	return p.stmts(EOF), nil
}

// ParseExpr parses tokens as one expression; trailing tokens are an
// error.
func ParseExpr(file *File, tokens []Token) (x Expr, errs ErrorList) {
	p := newParser(file, tokenStream(file, tokens))
	defer p.finish(&errs)
	defer func() {
		if x == nil { // abandoned after too many errors
			x = &BadExpr{Span{file.Base, file.Base}}
		}
	}()
	x = p.expr(0)
	if p.kind() != EOF {
		p.errorf("unexpected %s after expression", p.desc())
	}
	return x, nil
}

// tokenStream copies tokens (the parser splits compound tokens in place)
// and terminates them with EOF. Tokens from a token tree are balanced by
// construction.
func tokenStream(file *File, tokens []Token) []Token {
	out := make([]Token, len(tokens)+1)
	copy(out, tokens)
	end := file.Base // empty input (the arguments of "m!()"): the file start
	if len(tokens) > 0 {
		end = tokens[len(tokens)-1].End()
	}
	out[len(tokens)] = Token{Kind: EOF, Pos: end}
	return out
}

type parser struct {
	file    *File
	toks    []Token
	match   []int32 // index of the matching delimiter, for delimiters
	p       int
	lastEnd Pos
	errs    ErrorList
	depth   int
	deepAt  bool // "nesting too deep" already reported
	splits  []splitRecord
	// notPlain counts what makes a function body need lowering: macro
	// invocations, items and attributes (FnItem.Plain).
	notPlain int

	// Chunks the most frequent nodes are carved from (see carve), and
	// the number of nodes per chunk.
	chunk    int
	paths    []Path
	segments []PathSegment
	segLists []*PathSegment
	pathExpr []PathExpr
	pathType []PathType
	lits     []LitExpr
}

// maxChunk is the most nodes of one type carve allocates at a time.
const maxChunk = 32

// chunkSize is the chunk size for parsing n tokens: small inputs (macro
// token trees parsed on demand) get small chunks, so that they do not
// allocate nodes they will never use; a path or a literal takes at
// least 2 tokens, and most files have thousands.
func chunkSize(n int) int { return min(max(n/16, 1), maxChunk) }

// carve returns a pointer to a zeroed T taken from *slab, which it
// refills n elements at a time. Paths, their segments, literals and path
// expressions and types are half of the parser's allocations; allocating
// them in chunks halves the cost of allocation, which is the largest
// single cost of parsing. Each node is still a distinct variable; a chunk
// stays in memory while any of its nodes is reachable.
func carve[T any](slab *[]T, n int) *T {
	if len(*slab) == 0 {
		*slab = make([]T, n)
	}
	x := &(*slab)[0]
	*slab = (*slab)[1:]
	return x
}

// newPath returns a new Path with span lo..hi.
func (p *parser) newPath(lo, hi Pos) *Path {
	path := carve(&p.paths, p.chunk)
	path.Span = Span{lo, hi}
	return path
}

// newSegment returns a new PathSegment with the given name.
func (p *parser) newSegment(name Ident) *PathSegment {
	seg := carve(&p.segments, p.chunk)
	seg.Name = name
	return seg
}

// appendSegment appends seg to path's segments. Most paths have one
// segment, whose one-element list is carved too; its capacity is 1, so
// that appending to it copies, as appending to any list would.
func (p *parser) appendSegment(path *Path, seg *PathSegment) {
	if path.Segments != nil {
		path.Segments = append(path.Segments, seg)
		return
	}
	if len(p.segLists) == 0 {
		p.segLists = make([]*PathSegment, p.chunk)
	}
	path.Segments = p.segLists[0:1:1]
	p.segLists = p.segLists[1:]
	path.Segments[0] = seg
}

// newPathExpr returns a new PathExpr.
func (p *parser) newPathExpr(span Span, path *Path) *PathExpr {
	x := carve(&p.pathExpr, p.chunk)
	*x = PathExpr{Span: span, Path: path}
	return x
}

// splitRecord remembers a token before split rewrote it, so that a
// fragment parse can undo the split.
type splitRecord struct {
	index int
	tok   Token
}

// bailout is panicked to abandon a file after too many errors.
type bailout struct{}

func newParser(f *File, toks []Token) *parser {
	return newParserMatch(f, toks, make([]int32, len(toks)))
}

// newParserMatch is newParser with a caller-provided, zeroed delimiter
// table of len(toks) entries.
func newParserMatch(f *File, toks []Token, match []int32) *parser {
	p := &parser{file: f, toks: toks, match: match, chunk: chunkSize(len(toks))}
	var stack []int32
	for i, t := range toks {
		switch {
		case t.Kind.IsOpen():
			stack = append(stack, int32(i))
		case t.Kind.IsClose():
			if n := len(stack); n > 0 {
				o := stack[n-1]
				stack = stack[:n-1]
				p.match[o] = int32(i)
				p.match[i] = o
			}
		}
	}
	// Unbalanced input (only possible for hand-made token slices): point
	// unclosed groups at the final EOF.
	for _, o := range stack {
		p.match[o] = int32(len(toks) - 1)
	}
	return p
}

// finish converts a bail-out or an internal panic into a diagnostic, so
// that no panic ever escapes the parser, and sorts the errors.
func (p *parser) finish(errs *ErrorList) {
	if r := recover(); r != nil {
		if _, ok := r.(bailout); !ok {
			p.errs = append(p.errs, &Error{Pos: p.position(p.pos()), Msg: fmt.Sprintf("internal parser error: %v", r)})
		}
	}
	p.errs.Sort()
	*errs = p.errs
}

func (p *parser) position(pos Pos) Position {
	if p.file != nil && p.file.Contains(pos) {
		return p.file.Position(pos)
	}
	if p.file != nil && p.file.set != nil {
		if pp := p.file.set.Position(pos); pp.Filename != "" {
			return pp
		}
	}
	return Position{Filename: p.fileName()}
}

func (p *parser) fileName() string {
	if p.file == nil {
		return ""
	}
	return p.file.Name
}

// ---------------------------------------------------------------------
// Token access

func (p *parser) tok() *Token  { return &p.toks[p.p] }
func (p *parser) kind() Kind   { return p.toks[p.p].Kind }
func (p *parser) pos() Pos     { return p.toks[p.p].Pos }
func (p *parser) text() string { return p.tokText(&p.toks[p.p]) }

// tokText returns a token's source text.
func (p *parser) tokText(t *Token) string {
	off := int(t.Pos - p.file.Base)
	if off >= 0 && off+int(t.Len) <= len(p.file.Src) {
		return p.file.Src[off : off+int(t.Len)]
	}
	return p.file.Text(*t)
}
func (p *parser) at(k Kind) bool { return p.toks[p.p].Kind == k }

// peek returns the kind of the token n positions ahead (0 = current).
func (p *parser) peek(n int) Kind {
	if p.p+n < len(p.toks) {
		return p.toks[p.p+n].Kind
	}
	return EOF
}

func (p *parser) peekTok(n int) *Token {
	if p.p+n < len(p.toks) {
		return &p.toks[p.p+n]
	}
	return &p.toks[len(p.toks)-1]
}

// atIdent reports whether the current token is the identifier s (weak
// keywords such as union, auto, default, macro_rules).
func (p *parser) atIdent(s string) bool {
	t := &p.toks[p.p]
	return t.Kind == Identifier && int(t.Len) == len(s) && p.tokText(t) == s
}

func (p *parser) peekIdent(n int, s string) bool {
	t := p.peekTok(n)
	return t.Kind == Identifier && int(t.Len) == len(s) && p.tokText(t) == s
}

// prevEnd is the end of the last consumed token (or token part).
func (p *parser) prevEnd() Pos {
	if p.lastEnd == NoPos {
		return p.pos()
	}
	return p.lastEnd
}

func (p *parser) next() {
	if p.toks[p.p].Kind != EOF {
		p.lastEnd = p.toks[p.p].End()
		p.p++
	}
}

func (p *parser) eat(k Kind) bool {
	if p.toks[p.p].Kind == k {
		p.next()
		return true
	}
	// Compound tokens can stand for a sequence of shorter ones.
	return p.split(k)
}

// split replaces a compound token whose first character is k (">>" for
// ">", "&&" for "&", "||" for "|", "<<" for "<", "..=" for "..", ...)
// by its remainder, leaving k as the current token to consume. It reports
// whether it did so.
func (p *parser) split(k Kind) bool {
	t := &p.toks[p.p]
	var first, rest Kind
	switch {
	case k == Gt && t.Kind == Shr:
		first, rest = Gt, Gt
	case k == Gt && t.Kind == Ge:
		first, rest = Gt, Eq
	case k == Gt && t.Kind == ShrEq:
		first, rest = Gt, Ge
	case k == Lt && t.Kind == Shl:
		first, rest = Lt, Lt
	case k == Lt && t.Kind == Le:
		first, rest = Lt, Eq
	case k == Lt && t.Kind == ShlEq:
		first, rest = Lt, Le
	case k == Lt && t.Kind == LArrow:
		first, rest = Lt, Minus
	case k == And && t.Kind == AndAnd:
		first, rest = And, And
	case k == And && t.Kind == AndEq:
		first, rest = And, Eq
	case k == Or && t.Kind == OrOr:
		first, rest = Or, Or
	case k == Or && t.Kind == OrEq:
		first, rest = Or, Eq
	case k == Star && t.Kind == StarEq:
		first, rest = Star, Eq
	case k == Minus && t.Kind == MinusEq:
		first, rest = Minus, Eq
	case k == Minus && t.Kind == RArrow:
		first, rest = Minus, Gt
	case k == Not && t.Kind == Ne:
		first, rest = Not, Eq
	case k == Plus && t.Kind == PlusEq:
		first, rest = Plus, Eq
	case k == Eq && t.Kind == EqEq:
		first, rest = Eq, Eq
	case k == Eq && t.Kind == FatArrow:
		first, rest = Eq, Gt
	case k == Colon && t.Kind == PathSep:
		first, rest = Colon, Colon
	case k == Dot && t.Kind == DotDot:
		first, rest = Dot, Dot
	case k == DotDot && t.Kind == DotDotEq:
		first, rest = DotDot, Eq
	case k == DotDot && t.Kind == DotDotDot:
		first, rest = DotDot, Dot
	default:
		return false
	}
	// Consume the first part by rewriting the token in place as the
	// remainder; the cursor does not move.
	n := len(first.String())
	if n > int(t.Len) {
		n = int(t.Len) // synthetic zero-width token
	}
	p.splits = append(p.splits, splitRecord{p.p, *t})
	t.Kind = rest
	t.Pos += Pos(n)
	t.Len -= int32(n)
	p.lastEnd = t.Pos
	return true
}

// expect consumes a token of kind k or reports an error without
// consuming anything.
func (p *parser) expect(k Kind) bool {
	if p.eat(k) {
		return true
	}
	p.errorf("expected %q, found %s", k.String(), p.desc())
	return false
}

// desc describes the current token for diagnostics.
func (p *parser) desc() string {
	t := p.tok()
	switch {
	case t.Kind == EOF:
		return "end of input"
	case t.Kind == Identifier || t.Kind == Lifetime || t.Kind.IsLiteral():
		s := p.tokText(t)
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return fmt.Sprintf("%s %q", t.Kind, s)
	case t.Len == 0:
		return fmt.Sprintf("%q", t.Kind.String())
	}
	return fmt.Sprintf("%q", p.tokText(t))
}

func (p *parser) errorf(format string, args ...any) {
	p.errorAt(p.pos(), format, args...)
}

func (p *parser) errorAt(pos Pos, format string, args ...any) {
	// One error per token position: later ones are cascades.
	position := p.position(pos)
	if n := len(p.errs); n > 0 && p.errs[n-1].Pos.Offset == position.Offset && p.errs[n-1].Pos.Filename == position.Filename {
		return
	}
	p.errs = append(p.errs, &Error{Pos: position, Msg: fmt.Sprintf(format, args...)})
	if len(p.errs) >= maxErrors {
		p.errs = append(p.errs, &Error{Pos: p.position(pos), Msg: "too many errors; rest of file skipped"})
		panic(bailout{})
	}
}

// skipTree advances past the current token, or past the whole group if it
// opens one.
func (p *parser) skipTree() {
	if p.kind().IsOpen() {
		p.p = int(p.match[p.p])
	}
	p.next()
}

// enter increments the nesting depth; it reports false (once per file
// with a diagnostic) when the limit is exceeded, in which case the caller
// must skip input without recursing and must still call leave.
func (p *parser) enter() bool {
	p.depth++
	if p.depth <= maxDepth {
		return true
	}
	if !p.deepAt {
		p.deepAt = true
		p.errorf("nesting too deep (more than %d levels); skipping", maxDepth)
	}
	return false
}

func (p *parser) leave() { p.depth-- }

// group parses a delimited group whose opening token is current: it
// calls body with the cursor after the opener and then requires the
// matching closer; anything left unparsed inside is reported once and
// skipped, so errors never leak out of the group. It returns the span of
// the group.
func (p *parser) group(body func()) Span {
	open := p.p
	lo := p.pos()
	closeIdx := int(p.match[open])
	p.next()
	body()
	if p.p < closeIdx {
		if p.p > open {
			p.errorf("unexpected %s", p.desc())
		}
		p.p = closeIdx
	} else if p.p > closeIdx {
		// Defensive: body must never consume the closer.
		p.p = closeIdx
	}
	hi := p.toks[closeIdx].End()
	p.next()
	return Span{lo, hi}
}

// tokenTree captures the current delimited group as a TokenTree.
func (p *parser) tokenTree() *TokenTree {
	if !p.kind().IsOpen() {
		p.errorf("expected delimited token tree, found %s", p.desc())
		return &TokenTree{Span: Span{p.pos(), p.pos()}, Delim: LParen}
	}
	open := p.p
	closeIdx := int(p.match[open])
	tt := &TokenTree{Delim: p.kind(), Tokens: p.toks[open+1 : closeIdx : closeIdx]}
	tt.Lo = p.toks[open].Pos
	tt.Hi = p.toks[closeIdx].End()
	p.p = closeIdx
	p.next()
	return tt
}

// ---------------------------------------------------------------------
// Attributes

func (p *parser) atInnerAttr() bool {
	switch p.kind() {
	case Pound:
		return p.peek(1) == Not && p.peek(2) == LBrack
	case DocComment:
		t := p.text()
		return len(t) > 2 && t[2] == '!'
	}
	return false
}

func (p *parser) atOuterAttr() bool {
	switch p.kind() {
	case Pound:
		return p.peek(1) == LBrack
	case DocComment:
		t := p.text()
		return len(t) > 2 && t[2] != '!'
	}
	return false
}

func (p *parser) innerAttrs() []*Attr {
	var attrs []*Attr
	for p.atInnerAttr() {
		attrs = append(attrs, p.attr(true))
	}
	return attrs
}

func (p *parser) outerAttrs() []*Attr {
	var attrs []*Attr
	for p.atOuterAttr() {
		attrs = append(attrs, p.attr(false))
	}
	return attrs
}

func (p *parser) attr(inner bool) *Attr {
	p.notPlain++
	t := p.tok()
	a := &Attr{Inner: inner, Span: Span{t.Pos, t.End()}}
	if t.Kind == DocComment {
		a.Doc = p.tokText(t)
		p.next()
		return a
	}
	p.next() // #
	if inner {
		p.next() // !
	}
	a.Hi = p.group(func() {
		if p.atIdent("unsafe") || p.at(KwUnsafe) {
			if p.peek(1) == LParen {
				a.Unsafe = true
				p.next()
				p.group(func() { p.attrBody(a) })
				return
			}
		}
		p.attrBody(a)
	}).Hi
	return a
}

func (p *parser) attrBody(a *Attr) {
	a.Path = p.simplePath()
	start := p.p
	for !p.at(EOF) && !p.kind().IsClose() {
		p.skipTree()
	}
	a.Tokens = p.toks[start:p.p:p.p]
}

// simplePath parses a path without generic arguments (attributes,
// visibility, macro paths).
func (p *parser) simplePath() *Path {
	path := p.newPath(p.pos(), p.pos())
	if p.eat(PathSep) {
		path.Global = true
	}
	for {
		if !p.atPathSegmentName() {
			p.errorf("expected identifier, found %s", p.desc())
			break
		}
		t := p.tok()
		seg := p.newSegment(p.identOf(t))
		seg.Span = seg.Name.Span
		p.appendSegment(path, seg)
		p.next()
		if !(p.at(PathSep) && p.peekIsPathSegmentName(1)) {
			break
		}
		p.next()
	}
	path.Hi = p.endFrom(path.Lo)
	return path
}

func (p *parser) identOf(t *Token) Ident {
	text := p.tokText(t)
	id := Ident{Span: Span{t.Pos, t.End()}, Name: text}
	if t.Kind == Identifier && len(text) > 2 && text[0] == 'r' && text[1] == '#' {
		id.Name = text[2:]
		id.Raw = true
	}
	return id
}

// atPathSegmentName reports whether the current token can name a path
// segment: an identifier, self, Self, super, crate, or $crate/$var (in
// macro bodies, where "$" and the name are two tokens, handled by
// callers that accept them).
func (p *parser) atPathSegmentName() bool { return isSegmentKind(p.kind()) }

func (p *parser) peekIsPathSegmentName(n int) bool { return isSegmentKind(p.peek(n)) }

func isSegmentKind(k Kind) bool {
	switch k {
	case Identifier, KwSelfValue, KwSelfType, KwSuper, KwCrate:
		return true
	}
	// Edition-dependent and reserved keywords are identifiers in older
	// editions (async, await, dyn, try, gen, ...).
	return isWeakKeyword(k)
}

// isWeakKeyword reports keywords that older editions or some positions
// accept as plain identifiers.
func isWeakKeyword(k Kind) bool {
	switch k {
	case KwAsync, KwAwait, KwDyn, KwTry, KwGen, KwAbstract, KwBecome, KwBox, KwDo, KwFinal,
		KwMacro, KwOverride, KwPriv, KwTypeof, KwUnsized, KwVirtual, KwYield:
		return true
	}
	return false
}

// atName reports whether the current token can be a declared name.
func (p *parser) atName() bool { return p.kind() == Identifier || isWeakKeyword(p.kind()) }

// name consumes a declared name (identifier).
func (p *parser) name() Ident {
	if p.atName() {
		id := p.identOf(p.tok())
		p.next()
		return id
	}
	p.errorf("expected identifier, found %s", p.desc())
	return Ident{Span: Span{p.pos(), p.pos()}}
}

// endFrom returns the end of the last consumed token, but never less
// than lo: a node over which nothing was consumed (after an error) gets
// an empty span, not an inverted one.
func (p *parser) endFrom(lo Pos) Pos {
	if hi := p.prevEnd(); hi > lo {
		return hi
	}
	return lo
}

// paramHasColon reports whether the parameter starting here has a ':'
// outside any delimited group before the next ',' or the closer.
func (p *parser) paramHasColon(closer Kind) bool {
	for i := p.p; i < len(p.toks); i++ {
		switch k := p.toks[i].Kind; {
		case k == Colon:
			return true
		case k == Comma || k == closer || k == EOF || k.IsClose():
			return false
		case k.IsOpen():
			i = int(p.match[i])
		}
	}
	return false
}

// spanFrom returns the span from lo to the end of the last consumed
// token; it is empty (not inverted) when nothing was consumed.
func (p *parser) spanFrom(lo Pos) Span {
	hi := p.prevEnd()
	if hi < lo {
		hi = lo
	}
	return Span{lo, hi}
}
