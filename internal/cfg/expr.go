package cfg

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/syntax"
)

// Expr is a parsed cfg predicate: *All, *Any, *Not, *Name, *KeyValue or
// *Bool. String renders it in Rust syntax.
type Expr interface {
	String() string
	// Pos is the position of the predicate's first token.
	Pos() syntax.Pos
	isExpr()
}

// All is all(a, b, ...): true when every operand is (so all() is true).
type All struct {
	At   syntax.Pos // position of all
	List []Expr     // operands
}

// Any is any(a, b, ...): true when some operand is (so any() is false).
type Any struct {
	At   syntax.Pos // position of any
	List []Expr     // operands
}

// Not is not(x).
type Not struct {
	At syntax.Pos // position of not
	X  Expr       // operand
}

// Name is a bare cfg option such as unix, test or debug_assertions. A
// raw identifier (r#true) is stored without its r# prefix.
type Name struct {
	At   syntax.Pos // position of the name
	Name string     // the option, e.g. "unix"
}

// KeyValue is a key = "value" option such as feature = "std". Value is
// the unquoted string.
type KeyValue struct {
	At    syntax.Pos // position of the key
	Key   string     // e.g. "feature", without r#
	Value string     // the unquoted value, e.g. "std"
}

// Bool is a boolean literal predicate, cfg(true) or cfg(false).
type Bool struct {
	At    syntax.Pos // position of the literal
	Value bool
}

// Pos returns the position of the all keyword.
func (e *All) Pos() syntax.Pos { return e.At }

// Pos returns the position of the any keyword.
func (e *Any) Pos() syntax.Pos { return e.At }

// Pos returns the position of the not keyword.
func (e *Not) Pos() syntax.Pos { return e.At }

// Pos returns the position of the name.
func (e *Name) Pos() syntax.Pos { return e.At }

// Pos returns the position of the key.
func (e *KeyValue) Pos() syntax.Pos { return e.At }

// Pos returns the position of the literal.
func (e *Bool) Pos() syntax.Pos { return e.At }

func (*All) isExpr()      {}
func (*Any) isExpr()      {}
func (*Not) isExpr()      {}
func (*Name) isExpr()     {}
func (*KeyValue) isExpr() {}
func (*Bool) isExpr()     {}

// String renders the predicate as all(a, b).
func (e *All) String() string { return "all(" + joinExprs(e.List) + ")" }

// String renders the predicate as any(a, b).
func (e *Any) String() string { return "any(" + joinExprs(e.List) + ")" }

// String renders the predicate as not(x).
func (e *Not) String() string {
	if e.X == nil {
		return "not()"
	}
	return "not(" + e.X.String() + ")"
}

// String renders the name, as a raw identifier if it is a keyword.
func (e *Name) String() string { return identString(e.Name) }

// String renders the option as key = "value".
func (e *KeyValue) String() string { return identString(e.Key) + " = " + quote(e.Value) }

// String renders true or false.
func (e *Bool) String() string { return strconv.FormatBool(e.Value) }

func joinExprs(list []Expr) string {
	var b strings.Builder
	for i, x := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		if x == nil {
			continue
		}
		b.WriteString(x.String())
	}
	return b.String()
}

// identString renders a name, as a raw identifier (r#true) if it is a
// keyword that can be one.
func identString(name string) string {
	f := syntax.NewFileSet().AddFile("", name)
	toks, errs := syntax.Lex(f)
	if len(errs) == 0 && len(toks) == 2 && toks[0].Kind.IsKeyword() {
		switch name {
		case "self", "Self", "super", "crate", "_":
			return name // cannot be raw identifiers
		}
		return "r#" + name
	}
	return name
}

// quote renders s as a Rust string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		default:
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				fmt.Fprintf(&b, `\u{%x}`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// maxNesting bounds predicate nesting (all(any(not(...)))), so hostile
// input cannot exhaust the stack; real code nests a few levels.
const maxNesting = 200

// Parse parses a cfg predicate: the tokens between the parentheses of
// cfg( ... ), as in Attr.Tokens without the outer pair. A trailing EOF
// token, as syntax.Lex produces, is ignored. The error, a *syntax.Error,
// names the file:line:col of the offending token.
func Parse(fset *syntax.FileSet, toks []syntax.Token) (Expr, error) {
	end := syntax.NoPos
	if n := len(toks); n > 0 {
		end = toks[n-1].End()
	}
	return parse(fset, toks, end)
}

// parse is Parse with the position to report for a missing predicate
// (the closing parenthesis when the caller knows it).
func parse(fset *syntax.FileSet, toks []syntax.Token, end syntax.Pos) (Expr, error) {
	for i, t := range toks {
		if t.Kind == syntax.EOF {
			toks = toks[:i]
			break
		}
	}
	p := &parser{fset: fset, toks: toks, end: end}
	if len(toks) == 0 {
		return nil, p.errorAt(end, "cfg predicate is not specified")
	}
	e, err := p.pred(0)
	if err != nil {
		return nil, err
	}
	if p.kind() == syntax.Comma {
		p.i++
		if p.kind() != syntax.EOF {
			return nil, p.errorf("multiple cfg predicates are specified")
		}
	}
	if p.kind() != syntax.EOF {
		return nil, p.errorf("expected end of cfg predicate, found %s", p.desc())
	}
	return e, nil
}

type parser struct {
	fset *syntax.FileSet
	toks []syntax.Token
	i    int
	end  syntax.Pos
}

func (p *parser) kind() syntax.Kind {
	if p.i < len(p.toks) {
		return p.toks[p.i].Kind
	}
	return syntax.EOF
}

func (p *parser) pos() syntax.Pos {
	if p.i < len(p.toks) {
		return p.toks[p.i].Pos
	}
	return p.end
}

func (p *parser) text() string {
	if p.i < len(p.toks) {
		return p.fset.Text(p.toks[p.i])
	}
	return ""
}

// desc describes the current token for a diagnostic.
func (p *parser) desc() string {
	if p.i >= len(p.toks) {
		return "end of predicate"
	}
	return tokDesc(p.fset, p.toks[p.i])
}

// tokDesc describes a token for a diagnostic: "identifier `foo`", "`,`".
func tokDesc(fset *syntax.FileSet, t syntax.Token) string {
	switch k := t.Kind; {
	case k == syntax.EOF:
		return "end of predicate"
	case k.IsKeyword():
		return fmt.Sprintf("keyword `%s`", fset.Text(t))
	case k == syntax.Identifier || k.IsLiteral() || k == syntax.Lifetime || k == syntax.DocComment:
		return fmt.Sprintf("%s `%s`", k, fset.Text(t))
	}
	return "`" + t.Kind.String() + "`"
}

func (p *parser) errorAt(pos syntax.Pos, format string, args ...any) error {
	return &syntax.Error{Pos: p.fset.Position(pos), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) errorf(format string, args ...any) error {
	return p.errorAt(p.pos(), format, args...)
}

// pred parses one predicate.
func (p *parser) pred(depth int) (Expr, error) {
	if depth > maxNesting {
		return nil, p.errorf("cfg predicate nested too deeply")
	}
	at := p.pos()
	switch k := p.kind(); k {
	case syntax.KwTrue, syntax.KwFalse:
		p.i++
		return &Bool{At: at, Value: k == syntax.KwTrue}, nil
	case syntax.Identifier:
	case syntax.EOF:
		return nil, p.errorf("expected a cfg predicate, found end of predicate")
	default:
		if k.IsLiteral() {
			return nil, p.errorf("expected a cfg predicate (an identifier), found %s", p.desc())
		}
		return nil, p.errorf("expected a cfg predicate, found %s", p.desc())
	}
	name := strings.TrimPrefix(p.text(), "r#")
	p.i++
	switch p.kind() {
	case syntax.LParen:
		switch name {
		case "all", "any", "not":
		default:
			return nil, p.errorAt(at, "invalid cfg predicate `%s` (expected all, any or not)", name)
		}
		list, err := p.list(depth)
		if err != nil {
			return nil, err
		}
		switch name {
		case "all":
			return &All{At: at, List: list}, nil
		case "any":
			return &Any{At: at, List: list}, nil
		}
		if len(list) != 1 {
			return nil, p.errorAt(at, "`not` takes exactly one cfg predicate, found %d", len(list))
		}
		return &Not{At: at, X: list[0]}, nil
	case syntax.Eq:
		p.i++
		k := p.kind()
		if k != syntax.Str && k != syntax.RawStr {
			return nil, p.errorf("expected a string literal after `%s =`, found %s", name, p.desc())
		}
		v, err := unquote(p.text())
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		p.i++
		return &KeyValue{At: at, Key: name, Value: v}, nil
	case syntax.PathSep:
		return nil, p.errorAt(at, "cfg predicate key must be an identifier, not a path")
	}
	return &Name{At: at, Name: name}, nil
}

// list parses "( pred, pred, ... )" after all, any or not.
func (p *parser) list(depth int) ([]Expr, error) {
	open := p.toks[p.i]
	p.i++
	list := []Expr{}
	for {
		switch p.kind() {
		case syntax.RParen:
			if p.toks[p.i].Len == 0 { // inserted by the lexer
				return nil, p.errorAt(open.Pos, "unclosed delimiter `(`")
			}
			p.i++
			return list, nil
		case syntax.EOF:
			return nil, p.errorAt(open.Pos, "unclosed delimiter `(`")
		}
		e, err := p.pred(depth + 1)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		switch p.kind() {
		case syntax.Comma:
			p.i++
		case syntax.RParen, syntax.EOF:
		default:
			return nil, p.errorf("expected `,` or `)`, found %s", p.desc())
		}
	}
}

// unquote returns the value of a Rust string literal ("..." or r#"..."#),
// rejecting suffixes and invalid escapes.
func unquote(lit string) (string, error) {
	var body, rest string
	if strings.HasPrefix(lit, "r") {
		s := lit[1:]
		n := len(s) - len(strings.TrimLeft(s, "#"))
		s = s[n:]
		if !strings.HasPrefix(s, `"`) {
			return "", fmt.Errorf("malformed raw string literal %s", lit)
		}
		closing := `"` + strings.Repeat("#", n)
		j := strings.Index(s[1:], closing)
		if j < 0 {
			return "", fmt.Errorf("unterminated raw string literal")
		}
		body, rest = s[1:1+j], s[1+j+len(closing):]
		if rest != "" {
			return "", fmt.Errorf("invalid suffix `%s` on string literal", rest)
		}
		return strings.ReplaceAll(body, "\r\n", "\n"), nil
	}
	if !strings.HasPrefix(lit, `"`) {
		return "", fmt.Errorf("malformed string literal %s", lit)
	}
	var b strings.Builder
	s := lit[1:]
	for {
		if s == "" {
			return "", fmt.Errorf("unterminated string literal")
		}
		c := s[0]
		switch {
		case c == '"':
			if rest = s[1:]; rest != "" {
				return "", fmt.Errorf("invalid suffix `%s` on string literal", rest)
			}
			return b.String(), nil
		case c == '\r' && strings.HasPrefix(s, "\r\n"):
			b.WriteByte('\n')
			s = s[2:]
		case c != '\\':
			b.WriteByte(c)
			s = s[1:]
		default:
			var err error
			if s, err = unescape(&b, s); err != nil {
				return "", err
			}
		}
	}
}

// unescape decodes the escape at the start of s (which begins with a
// backslash) into b and returns the rest of s.
func unescape(b *strings.Builder, s string) (string, error) {
	if len(s) < 2 {
		return "", fmt.Errorf("unterminated string literal")
	}
	switch c := s[1]; c {
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case '\\', '\'', '"':
		b.WriteByte(c)
	case '0':
		b.WriteByte(0)
	case 'x':
		if len(s) < 4 {
			return "", fmt.Errorf("invalid \\x escape")
		}
		v, err := strconv.ParseUint(s[2:4], 16, 8)
		if err != nil || v > 0x7f {
			return "", fmt.Errorf("invalid \\x escape `\\x%s` (must be 00 to 7F)", s[2:4])
		}
		b.WriteByte(byte(v))
		return s[4:], nil
	case 'u':
		end := strings.IndexByte(s, '}')
		if !strings.HasPrefix(s[2:], "{") || end < 0 {
			return "", fmt.Errorf("invalid unicode escape (expected \\u{...})")
		}
		digits := s[3:end]
		hex := strings.ReplaceAll(digits, "_", "")
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || digits[0] == '_' || len(hex) > 6 || !utf8.ValidRune(rune(v)) {
			return "", fmt.Errorf("invalid unicode escape `\\u{%s}`", digits)
		}
		b.WriteRune(rune(v))
		return s[end+1:], nil
	case '\n', '\r':
		// Line continuation: skip the newline and leading whitespace.
		s = s[1:]
		return strings.TrimLeft(s, " \t\n\r"), nil
	default:
		r, _ := utf8.DecodeRuneInString(s[1:])
		return "", fmt.Errorf("unknown character escape `\\%c`", r)
	}
	return s[2:], nil
}
