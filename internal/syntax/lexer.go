package syntax

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lex splits a file into tokens. Whitespace and ordinary comments are
// dropped; doc comments are kept as DocComment tokens because Rust treats
// them as attributes. Problems (invalid UTF-8, stray characters,
// unterminated literals and comments, unbalanced delimiters) are reported
// and lexing continues, so the result is always usable. The returned
// token slice ends with an EOF token and its delimiters are balanced:
// unmatched closing delimiters are dropped and unclosed groups are closed
// by zero-width synthetic tokens, each with a diagnostic.
func Lex(f *File) ([]Token, ErrorList) {
	return lexInto(f, nil)
}

// tokenCapacity is the token slice capacity reserved for a source of n
// bytes. Real Rust code has about one token per 5.8 bytes (one per 3.6 in
// the densest 5% of files); reserving one per 3 bytes (4 bytes of memory
// per source byte) avoids regrowing (copying) the slice for almost every
// file.
func tokenCapacity(n int) int { return n/3 + 64 }

// lexInto lexes f, appending the tokens to buf[:0] when buf has room for
// them, so that a caller parsing many files can reuse one slice.
func lexInto(f *File, buf []Token) ([]Token, ErrorList) {
	lx := lexer{file: f, src: f.Src}
	if want := tokenCapacity(len(f.Src)); cap(buf) >= want {
		lx.toks = buf[:0]
	} else {
		lx.toks = make([]Token, 0, want)
	}
	lx.run()
	toks := lx.balance()
	return toks, lx.errs
}

type lexer struct {
	file *File
	src  string
	off  int
	toks []Token
	errs ErrorList

	// Delimiter nesting, tracked as delimiters are lexed so that
	// balance needs no second pass over the tokens.
	opens    int  // number of opening delimiters
	balanced bool // every delimiter matched
}

func (lx *lexer) errorf(off int, format string, args ...any) {
	if len(lx.errs) >= maxErrors {
		return
	}
	lx.errs = append(lx.errs, &Error{Pos: lx.file.Position(lx.file.Pos(off)), Msg: fmt.Sprintf(format, args...)})
}

func (lx *lexer) emit(k Kind, start int) {
	lx.toks = append(lx.toks, Token{Kind: k, Pos: lx.file.Pos(start), Len: int32(lx.off - start)})
}

func (lx *lexer) peek(n int) byte {
	if lx.off+n < len(lx.src) {
		return lx.src[lx.off+n]
	}
	return 0
}

func isRustSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0x200E, 0x200F, 0x2028, 0x2029:
		return true
	}
	return false
}

func isIdentStart(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIdentContinue(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nl, unicode.Pc) ||
		unicode.Is(unicode.Other_ID_Start, r) || unicode.Is(unicode.Other_ID_Continue, r)
}

// asciiIdent marks ASCII bytes that may continue an identifier.
var asciiIdent = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['_'] = true
	return
}()

// identEnd returns the end offset of an identifier continuing at off.
func (lx *lexer) identEnd(off int) int {
	for off < len(lx.src) {
		c := lx.src[off]
		if c < utf8.RuneSelf {
			if !asciiIdent[c] {
				return off
			}
			off++
			continue
		}
		r, n := utf8.DecodeRuneInString(lx.src[off:])
		if r == utf8.RuneError || !isIdentContinue(r) {
			return off
		}
		off += n
	}
	return off
}

func (lx *lexer) startsIdent(off int) bool {
	if off >= len(lx.src) {
		return false
	}
	c := lx.src[off]
	if c < utf8.RuneSelf {
		return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	r, _ := utf8.DecodeRuneInString(lx.src[off:])
	return r != utf8.RuneError && isIdentStart(r)
}

// Byte classes for the lexer's main dispatch: one table lookup picks the
// branch, where a chain of comparisons tested most bytes against the
// special cases (comments, raw and byte strings) first.
const (
	clPunct    uint8 = iota // punctuation, and ASCII bytes that start no token
	clSpace                 // ASCII whitespace
	clSlash                 // '/': a comment or punctuation
	clIdent                 // a letter or '_' that starts no special literal
	clPrefix                // 'r', 'b', 'c': an identifier or a raw/byte/C string
	clDigit                 // '0'-'9'
	clDQuote                // '"'
	clSQuote                // '\''
	clNonASCII              // a byte >= 0x80
	clOpen                  // '(', '[', '{'
	clClose                 // ')', ']', '}'
)

// delimKind maps delimiter bytes to their token kinds.
var delimKind = [256]Kind{'(': LParen, ')': RParen, '[': LBrack, ']': RBrack, '{': LBrace, '}': RBrace}

var byteClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = clNonASCII
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			t[c] = clSpace
		case c == '/':
			t[c] = clSlash
		case c == 'r' || c == 'b' || c == 'c':
			t[c] = clPrefix
		case '0' <= c && c <= '9':
			t[c] = clDigit
		case asciiIdent[c]:
			t[c] = clIdent
		case c == '"':
			t[c] = clDQuote
		case c == '\'':
			t[c] = clSQuote
		case c == '(' || c == '[' || c == '{':
			t[c] = clOpen
		case c == ')' || c == ']' || c == '}':
			t[c] = clClose
		}
	}
	return
}()

func (lx *lexer) run() {
	src := lx.src
	// A UTF-8 byte order mark is ignored.
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		lx.off = 3
	}
	lx.skipShebang()
	// The stack of open delimiters, while they are properly nested.
	var stack [64]Kind
	open := stack[:0]
	nested := true
	for lx.off < len(src) {
		start := lx.off
		c := src[lx.off]
		switch byteClass[c] {
		case clOpen:
			k := delimKind[c]
			lx.off++
			lx.emit(k, start)
			lx.opens++
			if nested {
				open = append(open, k)
			}
		case clClose:
			k := delimKind[c]
			lx.off++
			lx.emit(k, start)
			if nested {
				if len(open) == 0 || closer(open[len(open)-1]) != k {
					nested = false
				} else {
					open = open[:len(open)-1]
				}
			}
		case clSpace:
			// Indentation comes in runs: skip them in a tight loop.
			lx.off++
			for lx.off < len(src) && byteClass[src[lx.off]] == clSpace {
				lx.off++
			}
		case clIdent:
			lx.off = lx.identEnd(lx.off + 1)
			lx.emit(keyword(src[start:lx.off]), start)
		case clSlash:
			switch lx.peek(1) {
			case '/':
				lx.lineComment()
			case '*':
				lx.blockComment()
			default:
				lx.punct()
			}
		case clPrefix:
			lx.prefixed(c)
		case clDigit:
			lx.number()
		case clDQuote:
			lx.quoted('"', Str, start)
		case clSQuote:
			lx.quote()
		case clNonASCII:
			r, n := utf8.DecodeRuneInString(src[lx.off:])
			switch {
			case r == utf8.RuneError && n <= 1:
				lx.errorf(lx.off, "invalid UTF-8 byte 0x%02x", c)
				lx.off++
				lx.emit(Invalid, start)
			case isRustSpace(r):
				lx.off += n
			case isIdentStart(r):
				lx.off = lx.identEnd(lx.off + n)
				lx.emit(Identifier, start)
			default:
				lx.errorf(lx.off, "unexpected character %U %q", r, r)
				lx.off += n
				lx.emit(Invalid, start)
			}
		default:
			lx.punct()
		}
	}
	lx.toks = append(lx.toks, Token{Kind: EOF, Pos: lx.file.Pos(len(src))})
	lx.balanced = nested && len(open) == 0
}

// prefixed lexes a token starting with 'r', 'b' or 'c' (c): a raw
// identifier, a raw, byte or C string, a byte literal, or else an
// identifier or keyword.
func (lx *lexer) prefixed(c byte) {
	start := lx.off
	switch {
	case c == 'r' && lx.peek(1) == '#' && lx.startsIdent(lx.off+2):
		lx.off = lx.identEnd(lx.off + 2)
		lx.emit(Identifier, start)
	case (c == 'r' && (lx.peek(1) == '"' || lx.peek(1) == '#')):
		lx.rawString(RawStr, 1)
	case (c == 'b' || c == 'c') && lx.peek(1) == 'r' && (lx.peek(2) == '"' || lx.peek(2) == '#'):
		k := RawByteStr
		if c == 'c' {
			k = RawCStr
		}
		lx.rawString(k, 2)
	case c == 'b' && lx.peek(1) == '"':
		lx.off++
		lx.quoted('"', ByteStr, start)
	case c == 'c' && lx.peek(1) == '"':
		lx.off++
		lx.quoted('"', CStr, start)
	case c == 'b' && lx.peek(1) == '\'':
		lx.off++
		lx.quoted('\'', Byte, start)
	default:
		lx.off = lx.identEnd(lx.off + 1)
		lx.emit(keyword(lx.src[start:lx.off]), start)
	}
}

func (lx *lexer) skipShebang() {
	src := lx.src[lx.off:]
	if len(src) < 2 || src[0] != '#' || src[1] != '!' {
		return
	}
	// "#![" starts an inner attribute, unless only whitespace and
	// comments separate "#!" from "[" ... in which case it still is one.
	rest := src[2:]
	for len(rest) > 0 {
		switch {
		case rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r':
			rest = rest[1:]
			continue
		case len(rest) > 1 && rest[0] == '/' && rest[1] == '/':
			i := 0
			for i < len(rest) && rest[i] != '\n' {
				i++
			}
			rest = rest[i:]
			continue
		case len(rest) > 1 && rest[0] == '/' && rest[1] == '*':
			end := indexString(rest[2:], "*/")
			if end < 0 {
				rest = ""
			} else {
				rest = rest[end+4:]
			}
			continue
		}
		break
	}
	if len(rest) > 0 && rest[0] == '[' {
		return
	}
	for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
		lx.off++
	}
}

func indexString(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func (lx *lexer) lineComment() {
	start := lx.off
	end := len(lx.src)
	if i := strings.IndexByte(lx.src[start:], '\n'); i >= 0 {
		end = start + i
	}
	lx.off = end
	text := lx.src[start:end]
	// "///" (but not "////") is an outer doc comment; "//!" an inner one.
	if len(text) >= 3 && (text[2] == '!' || text[2] == '/' && (len(text) == 3 || text[3] != '/')) {
		lx.emit(DocComment, start)
	}
	lx.checkUTF8(start, end)
}

func (lx *lexer) blockComment() {
	start := lx.off
	lx.off += 2
	depth := 1
	for lx.off < len(lx.src) && depth > 0 {
		switch {
		case lx.src[lx.off] == '/' && lx.peek(1) == '*':
			depth++
			lx.off += 2
		case lx.src[lx.off] == '*' && lx.peek(1) == '/':
			depth--
			lx.off += 2
		default:
			lx.off++
		}
	}
	if depth > 0 {
		lx.errorf(start, "unterminated block comment")
	}
	lx.checkUTF8(start, lx.off)
	text := lx.src[start:lx.off]
	// "/**" (not "/***" nor "/**/") is outer doc, "/*!" inner doc.
	if len(text) >= 5 && (text[2] == '!' || text[2] == '*' && text[3] != '*') {
		lx.emit(DocComment, start)
	} else if len(text) >= 4 && text[2] == '!' {
		lx.emit(DocComment, start)
	}
}

// checkUTF8 reports the first invalid UTF-8 sequence in src[start:end]
// (used for comments and literals, whose bytes are not otherwise
// decoded).
func (lx *lexer) checkUTF8(start, end int) {
	s := lx.src[start:end]
	if utf8.ValidString(s) {
		return // the common case, checked a word at a time
	}
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			lx.errorf(start+i, "invalid UTF-8 byte 0x%02x", s[i])
			return
		}
		i += n
	}
}

// quoted lexes a '...' or "..." literal whose opening quote is at lx.off.
func (lx *lexer) quoted(q byte, k Kind, start int) {
	lx.off++ // opening quote
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		if c == '\\' {
			lx.off += 2
			continue
		}
		if c == q {
			lx.off++
			lx.off = lx.suffixEnd(lx.off)
			if lx.off > len(lx.src) {
				lx.off = len(lx.src)
			}
			lx.checkUTF8(start, lx.off)
			lx.emit(k, start)
			return
		}
		if q == '\'' && (c == '\n' || lx.off-start > 16) {
			// A char literal is short; give up early so one stray quote
			// does not swallow the rest of the file.
			break
		}
		lx.off++
	}
	if lx.off > len(lx.src) {
		lx.off = len(lx.src)
	}
	lx.errorf(start, "unterminated %s", k)
	lx.checkUTF8(start, lx.off)
	lx.emit(k, start)
}

func (lx *lexer) suffixEnd(off int) int {
	if lx.startsIdent(off) {
		return lx.identEnd(off)
	}
	return off
}

// rawString lexes r"..", r#".."#, br#".."#, cr".." with prefix length n.
func (lx *lexer) rawString(k Kind, n int) {
	start := lx.off
	off := lx.off + n
	hashes := 0
	for off < len(lx.src) && lx.src[off] == '#' {
		hashes++
		off++
	}
	if off >= len(lx.src) || lx.src[off] != '"' {
		// "r#" not followed by a quote or identifier: lex "r" alone.
		lx.off = lx.identEnd(start + 1)
		lx.emit(Identifier, start)
		return
	}
	if hashes > 255 {
		lx.errorf(start, "too many '#' in raw string (%d, at most 255)", hashes)
	}
	off++
	for off < len(lx.src) {
		if lx.src[off] == '"' {
			j := 0
			for j < hashes && off+1+j < len(lx.src) && lx.src[off+1+j] == '#' {
				j++
			}
			if j == hashes {
				lx.off = lx.suffixEnd(off + 1 + hashes)
				lx.checkUTF8(start, lx.off)
				lx.emit(k, start)
				return
			}
		}
		off++
	}
	lx.off = len(lx.src)
	lx.errorf(start, "unterminated %s", k)
	lx.checkUTF8(start, lx.off)
	lx.emit(k, start)
}

// quote lexes a token starting with a single quote: a char literal or a
// lifetime (or label).
func (lx *lexer) quote() {
	start := lx.off
	next := lx.peek(1)
	if next == '\\' {
		lx.quoted('\'', Char, start)
		return
	}
	// 'x' is a char when the character after x is a quote.
	r, n := utf8.DecodeRuneInString(lx.src[min(lx.off+1, len(lx.src)):])
	if lx.off+1 < len(lx.src) && lx.off+1+n < len(lx.src) && lx.src[lx.off+1+n] == '\'' && !(r == utf8.RuneError && n <= 1) {
		lx.off += 2 + n
		lx.off = lx.suffixEnd(lx.off)
		lx.emit(Char, start)
		return
	}
	if next == 'r' && lx.peek(2) == '#' && lx.startsIdent(lx.off+3) {
		lx.off = lx.identEnd(lx.off + 3)
		lx.emit(Lifetime, start)
		return
	}
	if lx.startsIdent(lx.off + 1) {
		lx.off = lx.identEnd(lx.off + 1)
		if lx.off < len(lx.src) && lx.src[lx.off] == '\'' {
			// 'ab' is not a lifetime: an over-long char literal.
			lx.off++
			lx.errorf(start, "character literal may only contain one codepoint")
			lx.emit(Char, start)
			return
		}
		lx.emit(Lifetime, start)
		return
	}
	lx.quoted('\'', Char, start)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number lexes integer and float literals, suffixes included.
func (lx *lexer) number() {
	start := lx.off
	src := lx.src
	k := Int
	if src[lx.off] == '0' && (lx.peek(1) == 'x' || lx.peek(1) == 'o' || lx.peek(1) == 'b') {
		lx.off += 2
		for lx.off < len(src) && (isHex(src[lx.off]) || src[lx.off] == '_') {
			lx.off++
		}
		lx.off = lx.suffixEnd(lx.off)
		lx.emit(Int, start)
		return
	}
	lx.digits()
	// A fraction: "1." followed by neither ".", an identifier, nor "_".
	if lx.off < len(src) && src[lx.off] == '.' {
		c := lx.peek(1)
		if isDigit(c) {
			k = Float
			lx.off++
			lx.digits()
		} else if c != '.' && c != '_' && !lx.startsIdent(lx.off+1) {
			lx.off++
			lx.emit(Float, start)
			return
		}
	}
	// An exponent.
	if lx.off < len(src) && (src[lx.off] == 'e' || src[lx.off] == 'E') {
		o := lx.off + 1
		if o < len(src) && (src[o] == '+' || src[o] == '-') {
			o++
		}
		for o < len(src) && src[o] == '_' {
			o++
		}
		if o < len(src) && isDigit(src[o]) {
			k = Float
			lx.off = o
			lx.digits()
		}
	}
	end := lx.suffixEnd(lx.off)
	if sfx := src[lx.off:end]; sfx == "f32" || sfx == "f64" || sfx == "f16" || sfx == "f128" {
		k = Float
	}
	lx.off = end
	lx.emit(k, start)
}

func (lx *lexer) digits() {
	for lx.off < len(lx.src) && (isDigit(lx.src[lx.off]) || lx.src[lx.off] == '_') {
		lx.off++
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func (lx *lexer) punct() {
	start := lx.off
	c := lx.src[lx.off]
	c1, c2 := lx.peek(1), lx.peek(2)
	k, n := Invalid, 1
	switch c { // delimiters are lexed by run
	case ';':
		k = Semi
	case ',':
		k = Comma
	case '#':
		k = Pound
	case '$':
		k = Dollar
	case '?':
		k = Question
	case '~':
		k = Tilde
	case '@':
		k = At
	case '.':
		switch {
		case c1 == '.' && c2 == '.':
			k, n = DotDotDot, 3
		case c1 == '.' && c2 == '=':
			k, n = DotDotEq, 3
		case c1 == '.':
			k, n = DotDot, 2
		default:
			k = Dot
		}
	case ':':
		if c1 == ':' {
			k, n = PathSep, 2
		} else {
			k = Colon
		}
	case '=':
		switch c1 {
		case '=':
			k, n = EqEq, 2
		case '>':
			k, n = FatArrow, 2
		default:
			k = Eq
		}
	case '!':
		if c1 == '=' {
			k, n = Ne, 2
		} else {
			k = Not
		}
	case '<':
		switch {
		case c1 == '<' && c2 == '=':
			k, n = ShlEq, 3
		case c1 == '<':
			k, n = Shl, 2
		case c1 == '=':
			k, n = Le, 2
		case c1 == '-':
			k, n = LArrow, 2
		default:
			k = Lt
		}
	case '>':
		switch {
		case c1 == '>' && c2 == '=':
			k, n = ShrEq, 3
		case c1 == '>':
			k, n = Shr, 2
		case c1 == '=':
			k, n = Ge, 2
		default:
			k = Gt
		}
	case '-':
		switch c1 {
		case '>':
			k, n = RArrow, 2
		case '=':
			k, n = MinusEq, 2
		default:
			k = Minus
		}
	case '&':
		switch c1 {
		case '&':
			k, n = AndAnd, 2
		case '=':
			k, n = AndEq, 2
		default:
			k = And
		}
	case '|':
		switch c1 {
		case '|':
			k, n = OrOr, 2
		case '=':
			k, n = OrEq, 2
		default:
			k = Or
		}
	case '+':
		k = pick(c1, Plus, PlusEq, &n)
	case '*':
		k = pick(c1, Star, StarEq, &n)
	case '/':
		k = pick(c1, Slash, SlashEq, &n)
	case '%':
		k = pick(c1, Percent, PercentEq, &n)
	case '^':
		k = pick(c1, Caret, CaretEq, &n)
	}
	lx.off += n
	if k == Invalid {
		if c < 0x20 || c == 0x7f {
			lx.errorf(start, "unexpected control character 0x%02x", c)
		} else {
			lx.errorf(start, "unexpected character %q", c)
		}
	}
	lx.emit(k, start)
}

func pick(next byte, plain, withEq Kind, n *int) Kind {
	if next == '=' {
		*n = 2
		return withEq
	}
	return plain
}

// balance checks delimiter nesting. A closing delimiter that matches an
// enclosing open group closes the groups in between (each reported as
// unclosed, with a synthetic closer); one that matches nothing is dropped
// and reported. Groups still open at EOF are closed there.
func (lx *lexer) balance() []Token {
	toks := lx.toks
	if lx.balanced {
		return toks // the common case: no copy
	}
	opens := lx.opens
	// At most one synthetic closer per opener: size everything once.
	stack := make([]int32, 0, opens) // indices into out of open delimiters
	out := make([]Token, 0, len(toks)+opens)
	for _, t := range toks {
		switch {
		case t.Kind.IsOpen():
			stack = append(stack, int32(len(out)))
			out = append(out, t)
		case t.Kind.IsClose():
			found := -1
			for i := len(stack) - 1; i >= 0; i-- {
				if closer(out[stack[i]].Kind) == t.Kind {
					found = i
					break
				}
			}
			if found < 0 {
				lx.errorf(lx.file.Offset(t.Pos), "unexpected closing delimiter %q", t.Kind.String())
				continue
			}
			for i := len(stack) - 1; i > found; i-- {
				open := out[stack[i]]
				// Formatting the closer's position costs a line scan:
				// only do it for diagnostics that will be kept.
				if len(lx.errs) < maxErrors {
					lx.errorf(lx.file.Offset(open.Pos), "unclosed delimiter %q (closed by %q at %s)", open.Kind.String(), t.Kind.String(), lx.file.Position(t.Pos))
				}
				out = append(out, Token{Kind: closer(open.Kind), Pos: t.Pos})
			}
			stack = stack[:found]
			out = append(out, t)
		case t.Kind == EOF:
			for i := len(stack) - 1; i >= 0; i-- {
				open := out[stack[i]]
				lx.errorf(lx.file.Offset(open.Pos), "unclosed delimiter %q", open.Kind.String())
				out = append(out, Token{Kind: closer(open.Kind), Pos: t.Pos})
			}
			stack = stack[:0]
			out = append(out, t)
		default:
			out = append(out, t)
		}
	}
	return out
}
