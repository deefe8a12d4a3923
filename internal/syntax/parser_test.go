package syntax

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// ---------------------------------------------------------------------
// Helpers

// ptParse parses src as the file t.rs of a fresh FileSet.
func ptParse(t *testing.T, src string) (*SourceFile, *File, ErrorList) {
	t.Helper()
	f := NewFileSet().AddFile("t.rs", src)
	sf, errs := ParseFile(f)
	if sf == nil {
		t.Fatalf("ParseFile(%q) returned a nil tree", src)
	}
	return sf, f, errs
}

// ptParseOK parses src and fails the test if there is any error.
func ptParseOK(t *testing.T, src string) (*SourceFile, *File) {
	t.Helper()
	sf, f, errs := ptParse(t, src)
	if len(errs) != 0 {
		t.Errorf("ParseFile(%q): unexpected errors:\n%s", src, ptErrs(errs))
	}
	return sf, f
}

func ptErrs(errs ErrorList) string {
	var s []string
	for _, e := range errs {
		s = append(s, "  "+e.Error())
	}
	return strings.Join(s, "\n")
}

// ptFirstItem parses src (which must be valid) and returns its only item.
func ptFirstItem(t *testing.T, src string) (Item, *File) {
	t.Helper()
	sf, f := ptParseOK(t, src)
	if len(sf.Items) == 0 {
		t.Fatalf("ParseFile(%q): no items", src)
	}
	return sf.Items[0], f
}

// ptBody parses "fn f() {\n" + body + "\n}" and returns the function's
// statements.
func ptBody(t *testing.T, body string) ([]Stmt, *File, ErrorList) {
	t.Helper()
	sf, f, errs := ptParse(t, "fn f() {\n"+body+"\n}")
	if len(sf.Items) != 1 {
		t.Fatalf("body %q: got %d items, want 1", body, len(sf.Items))
	}
	fn, ok := sf.Items[0].(*FnItem)
	if !ok || fn.Body == nil {
		t.Fatalf("body %q: item is %T, want a function with a body", body, sf.Items[0])
	}
	return fn.Body.Stmts, f, errs
}

// ptFirstExpr returns the expression of the first statement of a function
// body (which must be valid).
func ptFirstExpr(t *testing.T, body string) (Expr, *File) {
	t.Helper()
	stmts, f, errs := ptBody(t, body)
	if len(errs) != 0 {
		t.Errorf("body %q: unexpected errors:\n%s", body, ptErrs(errs))
	}
	if len(stmts) == 0 {
		t.Fatalf("body %q: no statements", body)
	}
	es, ok := stmts[0].(*ExprStmt)
	if !ok {
		t.Fatalf("body %q: first statement is %T, want *ExprStmt", body, stmts[0])
	}
	return es.X, f
}

// ptSpan formats a node's span as line:col-line:col.
func ptSpan(f *File, n Node) string {
	a, b := f.Position(n.Pos()), f.Position(n.End())
	return fmt.Sprintf("%d:%d-%d:%d", a.Line, a.Column, b.Line, b.Column)
}

func ptEq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func ptIsNil(n any) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// ---------------------------------------------------------------------
// A compact dump of trees: expressions and patterns as S-expressions,
// types and items in a Rust-like notation, so that tables can state the
// expected shape in one string.

type ptD struct{ f *File }

// src returns the source text covered by tokens (first to last).
func (d ptD) src(toks []Token) string {
	if len(toks) == 0 {
		return ""
	}
	lo, hi := d.f.Offset(toks[0].Pos), d.f.Offset(toks[len(toks)-1].End())
	if lo < 0 || hi > len(d.f.Src) || lo > hi {
		return "?"
	}
	return d.f.Src[lo:hi]
}

func (d ptD) path(p *Path) string {
	if p == nil {
		return "<nilpath>"
	}
	seg := func(ss []*PathSegment) string {
		var parts []string
		for _, s := range ss {
			parts = append(parts, s.Name.Name+d.args(s.Args))
		}
		return strings.Join(parts, "::")
	}
	if q := p.QSelf; q != nil {
		s := "<" + d.typ(q.Type)
		pos := q.Position
		if pos > len(p.Segments) {
			pos = len(p.Segments)
		}
		if pos > 0 {
			s += " as "
			if p.Global {
				s += "::"
			}
			s += seg(p.Segments[:pos])
		}
		s += ">"
		if rest := seg(p.Segments[pos:]); rest != "" {
			s += "::" + rest
		}
		return s
	}
	s := seg(p.Segments)
	if p.Global {
		s = "::" + s
	}
	return s
}

func (d ptD) args(a *GenericArgs) string {
	if a == nil {
		return ""
	}
	if a.Paren {
		var in []string
		for _, t := range a.Inputs {
			in = append(in, d.typ(t))
		}
		s := "(" + strings.Join(in, ", ") + ")"
		if a.Output != nil {
			s += " -> " + d.typ(a.Output)
		}
		return s
	}
	var parts []string
	for _, g := range a.Args {
		switch g := g.(type) {
		case *TypeArg:
			parts = append(parts, d.typ(g.Type))
		case *LifetimeArg:
			parts = append(parts, g.Name)
		case *ConstArg:
			parts = append(parts, d.expr(g.Value))
		case *AssocConstraint:
			s := g.Name.Name + d.args(g.Args)
			switch {
			case g.Type != nil:
				s += " = " + d.typ(g.Type)
			case g.Value != nil:
				s += " = " + d.expr(g.Value)
			default:
				s += ": " + d.bounds(g.Bounds)
			}
			parts = append(parts, s)
		default:
			parts = append(parts, fmt.Sprintf("?%T", g))
		}
	}
	return "<" + strings.Join(parts, ", ") + ">"
}

func (d ptD) bounds(bs []Bound) string {
	var parts []string
	for _, b := range bs {
		switch b := b.(type) {
		case *TraitBound:
			s := ""
			if b.ForLifetimes != nil {
				s += "for" + d.params(b.ForLifetimes) + " "
			}
			if b.Maybe {
				s += "?"
			}
			if b.Const {
				s += "~const "
			}
			if b.Async {
				s += "async "
			}
			parts = append(parts, s+d.path(b.Path))
		case *LifetimeBound:
			parts = append(parts, b.Name)
		case *UseBound:
			parts = append(parts, "use"+d.src(b.Args)+">")
		default:
			parts = append(parts, fmt.Sprintf("?%T", b))
		}
	}
	return strings.Join(parts, " + ")
}

func (d ptD) params(ps []*GenericParam) string {
	var parts []string
	for _, p := range ps {
		var s string
		switch p.Kind {
		case LifetimeParam:
			s = p.Name.Name
			if len(p.Bounds) > 0 {
				s += ": " + d.bounds(p.Bounds)
			}
		case TypeParam:
			s = p.Name.Name
			if len(p.Bounds) > 0 {
				s += ": " + d.bounds(p.Bounds)
			}
			if p.Default != nil {
				s += " = " + d.typ(p.Default)
			}
		case ConstParam:
			s = "const " + p.Name.Name + ": " + d.typ(p.Type)
			if p.Default != nil {
				s += " = " + d.expr(p.Default)
			}
		}
		parts = append(parts, s)
	}
	return "<" + strings.Join(parts, ", ") + ">"
}

// generics renders the parameter list; where renders the where clause.
func (d ptD) generics(g *Generics) string {
	if g == nil || g.Params == nil {
		return ""
	}
	return d.params(g.Params)
}

func (d ptD) where(g *Generics) string {
	if g == nil || len(g.Where) == 0 {
		return ""
	}
	var parts []string
	for _, w := range g.Where {
		s := ""
		if w.ForLifetimes != nil {
			s = "for" + d.params(w.ForLifetimes) + " "
		}
		if w.Lifetime != "" {
			s += w.Lifetime
		} else {
			s += d.typ(w.Type)
		}
		s += ": " + d.bounds(w.Bounds)
		parts = append(parts, s)
	}
	return " where " + strings.Join(parts, ", ")
}

func (d ptD) typ(t Type) string {
	if ptIsNil(t) {
		return "nil"
	}
	switch t := t.(type) {
	case *PathType:
		return d.path(t.Path)
	case *RefType:
		s := "&"
		if t.Lifetime != "" {
			s += t.Lifetime + " "
		}
		if t.Mut {
			s += "mut "
		}
		return s + d.typ(t.Elem)
	case *PtrType:
		if t.Mut {
			return "*mut " + d.typ(t.Elem)
		}
		return "*const " + d.typ(t.Elem)
	case *SliceType:
		return "[" + d.typ(t.Elem) + "]"
	case *ArrayType:
		return "[" + d.typ(t.Elem) + "; " + d.expr(t.Len) + "]"
	case *TupleType:
		var parts []string
		for _, e := range t.Elems {
			parts = append(parts, d.typ(e))
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case *ParenType:
		return "(paren " + d.typ(t.Elem) + ")"
	case *FnPtrType:
		s := ""
		if t.ForLifetimes != nil {
			s += "for" + d.params(t.ForLifetimes) + " "
		}
		if t.Unsafe {
			s += "unsafe "
		}
		if t.Extern {
			s += "extern "
			if t.ABI != "" {
				s += t.ABI + " "
			}
		}
		s += "fn(" + d.fnParams(t.Params, t.Variadic) + ")"
		if t.Ret != nil {
			s += " -> " + d.typ(t.Ret)
		}
		return s
	case *NeverType:
		return "!"
	case *InferType:
		return "_"
	case *ImplTraitType:
		return "(impl " + d.bounds(t.Bounds) + ")"
	case *TraitObjectType:
		if t.Dyn {
			return "(dyn " + d.bounds(t.Bounds) + ")"
		}
		return "(obj " + d.bounds(t.Bounds) + ")"
	case *MacroType:
		return d.mac(t.Mac)
	case *BadType:
		return "BAD"
	}
	return fmt.Sprintf("?%T", t)
}

func (d ptD) fnParams(ps []*Param, variadic bool) string {
	var parts []string
	for _, p := range ps {
		var s string
		switch {
		case p.Self:
			if p.SelfRef {
				s = "&"
			}
			if p.SelfMut {
				s += "mut "
			}
			s += "self"
			if p.Type != nil {
				s += ": " + d.typ(p.Type)
			}
		case p.Pat == nil:
			s = d.typ(p.Type)
		case p.Type == nil:
			s = d.pat(p.Pat)
		default:
			s = d.pat(p.Pat) + ": " + d.typ(p.Type)
		}
		parts = append(parts, s)
	}
	if variadic {
		parts = append(parts, "...")
	}
	return strings.Join(parts, ", ")
}

func (d ptD) mac(m *MacroCall) string {
	if m == nil || m.Args == nil {
		return "<nilmac>"
	}
	return d.path(m.Path) + "!" + d.tt(m.Args)
}

func (d ptD) tt(tt *TokenTree) string {
	if tt == nil {
		return "<niltt>"
	}
	o, c := "(", ")"
	switch tt.Delim {
	case LBrack:
		o, c = "[", "]"
	case LBrace:
		o, c = "{", "}"
	}
	return o + d.src(tt.Tokens) + c
}

func (d ptD) sexp(head string, parts ...string) string {
	if len(parts) == 0 {
		return "(" + head + ")"
	}
	return "(" + head + " " + strings.Join(parts, " ") + ")"
}

func (d ptD) exprs(xs []Expr) []string {
	var out []string
	for _, x := range xs {
		out = append(out, d.expr(x))
	}
	return out
}

func (d ptD) opt(x Expr) string {
	if ptIsNil(x) {
		return "nil"
	}
	return d.expr(x)
}

func (d ptD) expr(x Expr) string {
	if ptIsNil(x) {
		return "nil"
	}
	switch x := x.(type) {
	case *LitExpr:
		return x.Value
	case *PathExpr:
		return d.path(x.Path)
	case *CallExpr:
		return d.sexp("call", append([]string{d.expr(x.Fun)}, d.exprs(x.Args)...)...)
	case *MethodCallExpr:
		return d.sexp("mcall", append([]string{d.expr(x.Recv), x.Name.Name + d.args(x.Turbofish)}, d.exprs(x.Args)...)...)
	case *FieldExpr:
		return d.sexp("field", d.expr(x.X), x.Name.Name)
	case *IndexExpr:
		return d.sexp("index", d.expr(x.X), d.expr(x.Index))
	case *UnaryExpr:
		return d.sexp(x.Op.String(), d.expr(x.X))
	case *RefExpr:
		op := "&"
		switch {
		case x.Raw && x.Mut:
			op = "&raw mut"
		case x.Raw:
			op = "&raw const"
		case x.Mut:
			op = "&mut"
		}
		return d.sexp(op, d.expr(x.X))
	case *BinaryExpr:
		return d.sexp(x.Op.String(), d.expr(x.X), d.expr(x.Y))
	case *AssignExpr:
		return d.sexp(x.Op.String(), d.expr(x.X), d.expr(x.Y))
	case *CastExpr:
		return d.sexp("as", d.expr(x.X), d.typ(x.Type))
	case *RangeExpr:
		op := ".."
		if x.Inclusive {
			op = "..="
		}
		return d.sexp(op, d.opt(x.From), d.opt(x.To))
	case *BlockExpr:
		return d.block(x)
	case *IfExpr:
		parts := []string{d.expr(x.Cond), d.block(x.Then)}
		if !ptIsNil(x.Else) {
			parts = append(parts, d.expr(x.Else))
		}
		return d.sexp("if", parts...)
	case *LetExpr:
		return d.sexp("let", d.pat(x.Pat), d.expr(x.X))
	case *WhileExpr:
		return d.sexp("while", d.label(x.Label)+d.expr(x.Cond), d.block(x.Body))
	case *LoopExpr:
		return d.sexp("loop", d.label(x.Label)+d.block(x.Body))
	case *ForExpr:
		return d.sexp("for", d.label(x.Label)+d.pat(x.Pat), d.expr(x.X), d.block(x.Body))
	case *MatchExpr:
		parts := []string{d.expr(x.X)}
		for _, a := range x.Arms {
			s := "(" + d.pat(a.Pat)
			if a.Guard != nil {
				s += " if " + d.expr(a.Guard)
			}
			parts = append(parts, s+" => "+d.expr(a.Body)+")")
		}
		return d.sexp("match", parts...)
	case *ClosureExpr:
		s := "(closure "
		if x.ForLifetimes != nil {
			s += "for" + d.params(x.ForLifetimes) + " "
		}
		if x.Const {
			s += "const "
		}
		if x.Static {
			s += "static "
		}
		if x.Async {
			s += "async "
		}
		if x.Move {
			s += "move "
		}
		s += "|" + d.fnParams(x.Params, false) + "|"
		if x.Ret != nil {
			s += " -> " + d.typ(x.Ret)
		}
		return s + " " + d.expr(x.Body) + ")"
	case *ReturnExpr:
		if x.X == nil {
			return "(return)"
		}
		return d.sexp("return", d.expr(x.X))
	case *BreakExpr:
		var parts []string
		if x.Label != "" {
			parts = append(parts, x.Label)
		}
		if x.X != nil {
			parts = append(parts, d.expr(x.X))
		}
		return d.sexp("break", parts...)
	case *ContinueExpr:
		if x.Label != "" {
			return d.sexp("continue", x.Label)
		}
		return "(continue)"
	case *YieldExpr:
		return d.sexp("yield", d.opt(x.X))
	case *BecomeExpr:
		return d.sexp("become", d.expr(x.X))
	case *TryExpr:
		return d.sexp("?", d.expr(x.X))
	case *AwaitExpr:
		return d.sexp("await", d.expr(x.X))
	case *TupleExpr:
		return d.sexp("tuple", d.exprs(x.Elems)...)
	case *ParenExpr:
		return d.sexp("paren", d.expr(x.X))
	case *ArrayExpr:
		return "[" + strings.Join(d.exprs(x.Elems), " ") + "]"
	case *RepeatExpr:
		return "[" + d.expr(x.X) + "; " + d.expr(x.N) + "]"
	case *StructExpr:
		parts := []string{d.path(x.Path)}
		for _, fi := range x.Fields {
			if fi.Shorthand {
				parts = append(parts, fi.Name.Name)
			} else {
				parts = append(parts, fi.Name.Name+": "+d.expr(fi.X))
			}
		}
		if x.Base != nil {
			parts = append(parts, ".."+d.expr(x.Base))
		} else if x.Rest {
			parts = append(parts, "..")
		}
		return d.sexp("struct", parts...)
	case *MacroExpr:
		return d.mac(x.Mac)
	case *UnderscoreExpr:
		return "_"
	case *BoxExpr:
		return d.sexp("box", d.expr(x.X))
	case *BadExpr:
		return "BAD"
	}
	return fmt.Sprintf("?%T", x)
}

func (d ptD) label(l string) string {
	if l == "" {
		return ""
	}
	return l + " "
}

func (d ptD) block(b *BlockExpr) string {
	if b == nil {
		return "nil"
	}
	s := ""
	if b.Label != "" {
		s += b.Label + ": "
	}
	if b.Unsafe {
		s += "unsafe "
	}
	if b.Async {
		s += "async "
	}
	if b.Move {
		s += "move "
	}
	if b.Const {
		s += "const "
	}
	if b.Try {
		s += "try "
	}
	var parts []string
	for _, a := range b.Attrs {
		parts = append(parts, d.attr(a))
	}
	parts = append(parts, d.stmts(b.Stmts)...)
	return s + "{" + strings.Join(parts, " ") + "}"
}

func (d ptD) stmts(ss []Stmt) []string {
	var out []string
	for _, s := range ss {
		out = append(out, d.stmt(s))
	}
	return out
}

func (d ptD) stmt(s Stmt) string {
	switch s := s.(type) {
	case *LetStmt:
		r := "(let " + d.pat(s.Pat)
		if s.Type != nil {
			r += ": " + d.typ(s.Type)
		}
		if s.Init != nil {
			r += " = " + d.expr(s.Init)
		}
		if s.Else != nil {
			r += " else " + d.block(s.Else)
		}
		return r + ")"
	case *ExprStmt:
		if s.Semi {
			return d.expr(s.X) + ";"
		}
		return d.expr(s.X)
	case *ItemStmt:
		return "(item " + d.item(s.Item) + ")"
	case *EmptyStmt:
		return ";"
	}
	return fmt.Sprintf("?%T", s)
}

func (d ptD) pats(ps []Pat) []string {
	var out []string
	for _, p := range ps {
		out = append(out, d.pat(p))
	}
	return out
}

func (d ptD) pat(p Pat) string {
	if ptIsNil(p) {
		return "nil"
	}
	switch p := p.(type) {
	case *WildPat:
		return "_"
	case *RestPat:
		return ".."
	case *IdentPat:
		if !p.Ref && !p.Mut && p.Sub == nil {
			return p.Name.Name
		}
		var parts []string
		if p.Ref {
			parts = append(parts, "ref")
		}
		if p.Mut {
			parts = append(parts, "mut")
		}
		parts = append(parts, p.Name.Name)
		if p.Sub != nil {
			parts = append(parts, "@", d.pat(p.Sub))
		}
		return d.sexp("bind", parts...)
	case *LitPat:
		return d.expr(p.X)
	case *RangePat:
		op := ".."
		if p.Inclusive {
			op = "..="
		}
		return d.sexp(op, d.opt(p.Lo), d.opt(p.Hi))
	case *PathPat:
		return d.sexp("path", d.path(p.Path))
	case *TupleStructPat:
		return d.sexp("tstruct", append([]string{d.path(p.Path)}, d.pats(p.Elems)...)...)
	case *StructPat:
		parts := []string{d.path(p.Path)}
		for _, f := range p.Fields {
			if f.Shorthand {
				parts = append(parts, d.pat(f.Pat))
			} else {
				parts = append(parts, f.Name.Name+": "+d.pat(f.Pat))
			}
		}
		if p.Rest {
			parts = append(parts, "..")
		}
		return d.sexp("spat", parts...)
	case *TuplePat:
		return d.sexp("tuple", d.pats(p.Elems)...)
	case *ParenPat:
		return d.sexp("paren", d.pat(p.Pat))
	case *SlicePat:
		return "[" + strings.Join(d.pats(p.Elems), " ") + "]"
	case *RefPat:
		if p.Mut {
			return d.sexp("&mut", d.pat(p.Pat))
		}
		return d.sexp("&", d.pat(p.Pat))
	case *BoxPat:
		return d.sexp("box", d.pat(p.Pat))
	case *OrPat:
		return d.sexp("|", d.pats(p.Alts)...)
	case *MacroPat:
		return d.mac(p.Mac)
	}
	return fmt.Sprintf("?%T", p)
}

func (d ptD) attr(a *Attr) string {
	if a.Doc != "" {
		return "doc(" + a.Doc + ")"
	}
	s := "#"
	if a.Inner {
		s += "!"
	}
	body := d.path(a.Path)
	if t := d.src(a.Tokens); t != "" {
		if t[0] == '(' || t[0] == '[' || t[0] == '{' {
			body += t
		} else {
			body += " " + t
		}
	}
	if a.Unsafe {
		body = "unsafe(" + body + ")"
	}
	return s + "[" + body + "]"
}

func (d ptD) attrs(as []*Attr) string {
	s := ""
	for _, a := range as {
		s += d.attr(a) + " "
	}
	return s
}

func (d ptD) vis(v *Visibility) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case VisPub:
		return "pub "
	case VisCrate:
		return "pub(crate) "
	case VisSuper:
		return "pub(super) "
	case VisSelf:
		return "pub(self) "
	case VisRestricted:
		return "pub(in " + d.path(v.Path) + ") "
	}
	return "private "
}

func (d ptD) useTree(u *UseTree) string {
	if u == nil {
		return "nil"
	}
	s := ""
	if u.Global {
		s = "::"
	}
	var names []string
	for _, id := range u.Path {
		names = append(names, id.Name)
	}
	s += strings.Join(names, "::")
	sep := ""
	if len(names) > 0 {
		sep = "::"
	}
	switch u.Kind {
	case UseRename:
		s += " as " + u.Rename.Name
	case UseGlob:
		s += sep + "*"
	case UseGroup:
		var kids []string
		for _, c := range u.Children {
			kids = append(kids, d.useTree(c))
		}
		s += sep + "{" + strings.Join(kids, ", ") + "}"
	}
	return s
}

func (d ptD) fields(fs []*Field, named bool) string {
	var parts []string
	for _, f := range fs {
		s := d.attrs(f.Attrs) + d.vis(f.Vis)
		if named {
			s += f.Name.Name + ": "
		}
		parts = append(parts, s+d.typ(f.Type))
	}
	return strings.Join(parts, ", ")
}

func (d ptD) items(its []Item) string {
	var parts []string
	for _, it := range its {
		parts = append(parts, d.item(it))
	}
	return strings.Join(parts, " ")
}

func (d ptD) inner(attrs []*Attr, its []Item) string {
	var parts []string
	for _, a := range attrs {
		parts = append(parts, d.attr(a))
	}
	if s := d.items(its); s != "" {
		parts = append(parts, s)
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// item renders an item in a Rust-like notation.
func (d ptD) item(it Item) string {
	if ptIsNil(it) {
		return "nil"
	}
	var base *ItemBase
	var s string
	switch it := it.(type) {
	case *UseItem:
		base, s = &it.ItemBase, "use "+d.useTree(it.Tree)+";"
	case *FnItem:
		base = &it.ItemBase
		if it.Default {
			s += "default "
		}
		sig := it.Sig
		if sig.Const {
			s += "const "
		}
		if sig.Async {
			s += "async "
		}
		if sig.Unsafe {
			s += "unsafe "
		}
		if sig.Safe {
			s += "safe "
		}
		if sig.Extern {
			s += "extern "
			if sig.ABI != "" {
				s += sig.ABI + " "
			}
		}
		s += "fn " + it.Name.Name + d.generics(sig.Generics) + "(" + d.fnParams(sig.Params, sig.Variadic) + ")"
		if sig.Ret != nil {
			s += " -> " + d.typ(sig.Ret)
		}
		s += d.where(sig.Generics)
		if it.Body != nil {
			s += " " + d.block(it.Body)
		} else {
			s += ";"
		}
	case *ModItem:
		base = &it.ItemBase
		if it.Unsafe {
			s += "unsafe "
		}
		s += "mod " + it.Name.Name
		if it.Inline {
			s += " " + d.inner(it.InnerAttrs, it.Items)
		} else {
			s += ";"
		}
	case *StructItem:
		base = &it.ItemBase
		s = "struct " + it.Name.Name + d.generics(it.Generics)
		switch it.Kind {
		case StructUnit:
			s += d.where(it.Generics) + ";"
		case StructTuple:
			s += "(" + d.fields(it.Fields, false) + ")" + d.where(it.Generics) + ";"
		case StructNamed:
			s += d.where(it.Generics) + " {" + d.fields(it.Fields, true) + "}"
		}
	case *UnionItem:
		base = &it.ItemBase
		s = "union " + it.Name.Name + d.generics(it.Generics) + d.where(it.Generics) + " {" + d.fields(it.Fields, true) + "}"
	case *EnumItem:
		base = &it.ItemBase
		var vs []string
		for _, v := range it.Variants {
			vv := d.attrs(v.Attrs) + v.Name.Name
			switch v.Kind {
			case StructTuple:
				vv += "(" + d.fields(v.Fields, false) + ")"
			case StructNamed:
				vv += " {" + d.fields(v.Fields, true) + "}"
			}
			if v.Discriminant != nil {
				vv += " = " + d.expr(v.Discriminant)
			}
			vs = append(vs, vv)
		}
		s = "enum " + it.Name.Name + d.generics(it.Generics) + d.where(it.Generics) + " {" + strings.Join(vs, ", ") + "}"
	case *TraitItem:
		base = &it.ItemBase
		if it.Unsafe {
			s += "unsafe "
		}
		if it.Auto {
			s += "auto "
		}
		s += "trait " + it.Name.Name + d.generics(it.Generics)
		if it.Alias {
			s += " = " + d.bounds(it.Bounds) + d.where(it.Generics) + ";"
		} else {
			if len(it.Bounds) > 0 {
				s += ": " + d.bounds(it.Bounds)
			}
			s += d.where(it.Generics) + " " + d.inner(it.InnerAttrs, it.Items)
		}
	case *ImplItem:
		base = &it.ItemBase
		if it.Default {
			s += "default "
		}
		if it.Unsafe {
			s += "unsafe "
		}
		s += "impl" + d.generics(it.Generics) + " "
		if it.Const {
			s += "const "
		}
		if it.Negative {
			s += "!"
		}
		if it.Trait != nil {
			s += d.path(it.Trait) + " for "
		}
		s += d.typ(it.SelfType) + d.where(it.Generics) + " " + d.inner(it.InnerAttrs, it.Items)
	case *ConstItem:
		base = &it.ItemBase
		if it.Default {
			s += "default "
		}
		s += "const " + it.Name.Name + d.generics(it.Generics)
		if it.Type != nil {
			s += ": " + d.typ(it.Type)
		}
		if it.Value != nil {
			s += " = " + d.expr(it.Value)
		}
		s += d.where(it.Generics) + ";"
	case *StaticItem:
		base = &it.ItemBase
		if it.Safety != "" {
			s += it.Safety + " "
		}
		s += "static "
		if it.Mut {
			s += "mut "
		}
		s += it.Name.Name + ": " + d.typ(it.Type)
		if it.Value != nil {
			s += " = " + d.expr(it.Value)
		}
		s += ";"
	case *TypeAliasItem:
		base = &it.ItemBase
		if it.Default {
			s += "default "
		}
		s += "type " + it.Name.Name + d.generics(it.Generics)
		if len(it.Bounds) > 0 {
			s += ": " + d.bounds(it.Bounds)
		}
		s += d.where(it.Generics)
		if it.Type != nil {
			s += " = " + d.typ(it.Type)
		}
		s += ";"
	case *ExternCrateItem:
		base = &it.ItemBase
		s = "extern crate " + it.Name.Name
		if it.Rename != nil {
			s += " as " + it.Rename.Name
		}
		s += ";"
	case *ExternBlockItem:
		base = &it.ItemBase
		if it.Unsafe {
			s += "unsafe "
		}
		s += "extern "
		if it.ABI != "" {
			s += it.ABI + " "
		}
		s += d.inner(it.InnerAttrs, it.Items)
	case *MacroRulesItem:
		base = &it.ItemBase
		if it.Macro2 {
			s = "macro " + it.Name.Name
			if it.Params != nil {
				s += d.tt(it.Params)
			}
			s += " " + d.tt(it.Body)
		} else {
			s = "macro_rules! " + it.Name.Name + " " + d.tt(it.Body)
		}
	case *MacroItem:
		base, s = &it.ItemBase, d.mac(it.Mac)
	case *BadItem:
		base, s = &it.ItemBase, "BAD"
	default:
		return fmt.Sprintf("?%T", it)
	}
	return d.attrs(base.Attrs) + d.vis(base.Vis) + s
}

// ---------------------------------------------------------------------
// Items

type ptCase struct {
	src, want string
}

// TestParserItems parses whole files and compares the rendering of their
// items (one per line, inner attributes of the file first).
func TestParserItems(t *testing.T) {
	tests := []ptCase{
		// Modules.
		{"mod x;", "mod x;"},
		{"pub mod x { fn f() {} struct S; }", "pub mod x {fn f() {} struct S;}"},
		{"mod m { #![allow(dead_code)] }", "mod m {#![allow(dead_code)]}"},
		{"#[path = \"x.rs\"] mod x;", "#[path = \"x.rs\"] mod x;"},
		{"mod a { mod b { mod c {} } }", "mod a {mod b {mod c {}}}"},

		// Use trees.
		{"use a;", "use a;"},
		{"use a::b::c;", "use a::b::c;"},
		{"use a::b as c;", "use a::b as c;"},
		{"use a::Trait as _;", "use a::Trait as _;"},
		{"use a::*;", "use a::*;"},
		{"use ::std::fs;", "use ::std::fs;"},
		{"use crate::x::y;", "use crate::x::y;"},
		{"use super::super::x;", "use super::super::x;"},
		{"use self::x;", "use self::x;"},
		{"use a::{b, c::d as e, self, super::f, *};", "use a::{b, c::d as e, self, super::f, *};"},
		{"use a::{self as b, c::{d, e::*}};", "use a::{self as b, c::{d, e::*}};"},
		{"use {a, b::c};", "use {a, b::c};"},
		{"use ::{a};", "use ::{a};"},
		{"use a::{};", "use a::{};"},
		{"use a::{b,};", "use a::{b};"},
		{"pub(crate) use a::r#type;", "pub(crate) use a::type;"},

		// Functions.
		{"fn f() {}", "fn f() {}"},
		{"fn f(x: u8, y: &str) -> bool { true }", "fn f(x: u8, y: &str) -> bool {true}"},
		{"pub const fn f() {}", "pub const fn f() {}"},
		{"async fn f() {}", "async fn f() {}"},
		{"unsafe fn f() {}", "unsafe fn f() {}"},
		{"extern \"C\" fn f() {}", "extern \"C\" fn f() {}"},
		{"extern fn f() {}", "extern fn f() {}"},
		{"pub const unsafe extern \"C\" fn f() {}", "pub const unsafe extern \"C\" fn f() {}"},
		{"pub(crate) async unsafe fn f() {}", "pub(crate) async unsafe fn f() {}"},
		{"const async fn f() {}", "const async fn f() {}"},
		{"extern r\"system\" fn f() {}", "extern r\"system\" fn f() {}"},
		{"fn f<'a, T: ?Sized + Clone + 'a, const N: usize>(x: &'a T) -> [u8; N] where T: Send {}", "fn f<'a, T: ?Sized + Clone + 'a, const N: usize>(x: &'a T) -> [u8; N] where T: Send {}"},
		{"fn f<T = u8, const N: usize = 3>() {}", "fn f<T = u8, const N: usize = 3>() {}"},
		{"fn f<'a: 'b + 'c, 'b>() {}", "fn f<'a: 'b + 'c, 'b>() {}"},
		{"fn f() -> impl Iterator<Item = u8> + Send {}", "fn f() -> (impl Iterator<Item = u8> + Send) {}"},
		{"fn f(mut x: u8, (a, b): (u8, u8), _: u8, &y: &u8) {}", "fn f((bind mut x): u8, (tuple a b): (u8, u8), _: u8, (& y): &u8) {}"},
		{"fn f(#[cfg(x)] a: u8) {}", "fn f(a: u8) {}"},
		{"fn f() -> ! { loop {} }", "fn f() -> ! {(loop {})}"},
		{"fn f<F>(f: F) where F: for<'a> Fn(&'a u8) -> &'a u8 {}", "fn f<F>(f: F) where F: for<'a> Fn(&'a u8) -> &'a u8 {}"},
		{"fn f<T>() where T: ~const Clone, 'a: 'b, for<'c> &'c T: Send, {}", "fn f<T>() where T: ~const Clone, 'a: 'b, for<'c> &'c T: Send {}"},
		{"fn r#match() {}", "fn match() {}"},

		// Structs, enums, unions.
		{"struct U;", "struct U;"},
		{"struct T(pub u8, String);", "struct T(pub u8, String);"},
		{"pub struct S { pub(crate) a: u8, b: Vec<u8>, }", "pub struct S {pub(crate) a: u8, b: Vec<u8>}"},
		{"struct W<T>(T) where T: Copy;", "struct W<T>(T) where T: Copy;"},
		{"struct G<T> where T: Copy { x: T }", "struct G<T> where T: Copy {x: T}"},
		{"struct P(pub(super) u8, pub(in crate::a) u8, pub(self) u8);", "struct P(pub(super) u8, pub(in crate::a) u8, pub(self) u8);"},
		{"struct Q(pub (crate::T));", "struct Q(pub (paren crate::T));"},
		{"struct S { #[serde(skip)] a: u8 }", "struct S {#[serde(skip)] a: u8}"},
		{"enum E { A = 1, B(u8, u16), C { x: u8 }, D = -2, }", "enum E {A = 1, B(u8, u16), C {x: u8}, D = (- 2)}"},
		{"enum E<T> { #[default] A, B(T) }", "enum E<T> {#[default] A, B(T)}"},
		{"enum Empty {}", "enum Empty {}"},
		{"union U { a: u32, b: f32 }", "union U {a: u32, b: f32}"},
		{"pub union U<T: Copy> { a: T }", "pub union U<T: Copy> {a: T}"},

		// Traits and impls.
		{"trait T {}", "trait T {}"},
		{"pub trait T<A>: B + 'static where A: C { type X: Clone; const Y: u8; fn f(&self); fn g() {} }", "pub trait T<A>: B + 'static where A: C {type X: Clone; const Y: u8; fn f(&self); fn g() {}}"},
		{"unsafe trait T {}", "unsafe trait T {}"},
		{"auto trait T {}", "auto trait T {}"},
		{"unsafe auto trait T {}", "unsafe auto trait T {}"},
		{"trait A = B + C;", "trait A = B + C;"},
		{"trait A<T> = B<T> where T: C;", "trait A<T> = B<T> where T: C;"},
		{"trait T { type A<'a>: Iterator<Item = &'a u8> where Self: 'a; }", "trait T {type A<'a>: Iterator<Item = &'a u8> where Self: 'a;}"},
		{"trait T { fn f(u8, Vec<u8>); }", "trait T {fn f(u8, Vec<u8>);}"},
		{"impl S {}", "impl S {}"},
		{"impl<T> Trait for X<T> where T: Clone { fn f(&self) {} }", "impl<T> Trait for X<T> where T: Clone {fn f(&self) {}}"},
		{"unsafe impl Send for X {}", "unsafe impl Send for X {}"},
		{"impl !Send for X {}", "impl !Send for X {}"},
		{"unsafe impl<T> !Sync for X<T> {}", "unsafe impl<T> !Sync for X<T> {}"},
		{"impl const Default for X {}", "impl const Default for X {}"},
		{"impl<T> const Tr for T {}", "impl<T> const Tr for T {}"},
		{"default impl<T> Tr for T {}", "default impl<T> Tr for T {}"},
		{"impl fmt::Debug for &'a mut T {}", "impl fmt::Debug for &'a mut T {}"},
		{"impl dyn Any + Send {}", "impl (dyn Any + Send) {}"},
		{"impl<T> From<T> for Vec<Vec<T>> {}", "impl<T> From<T> for Vec<Vec<T>> {}"},
		{"impl X { #![allow(x)] pub fn new() -> Self { Self } }", "impl X {#![allow(x)] pub fn new() -> Self {Self}}"},
		{"impl X { default fn f() {} default type A = u8; default const C: u8 = 1; }", "impl X {default fn f() {} default type A = u8; default const C: u8 = 1;}"},
		{"impl X { fn a(self) {} fn b(&self) {} fn c(&'a mut self) {} fn d(mut self) {} fn e(self: Box<Self>) {} fn g(&mut self, x: u8) {} }", "impl X {fn a(self) {} fn b(&self) {} fn c(&mut self) {} fn d(mut self) {} fn e(self: Box<Self>) {} fn g(&mut self, x: u8) {}}"},
		{"impl X { pub const unsafe fn f() {} async fn g() {} }", "impl X {pub const unsafe fn f() {} async fn g() {}}"},

		// Consts, statics, type aliases.
		{"const X: u8 = 1;", "const X: u8 = 1;"},
		{"const _: () = ();", "const _: () = (tuple);"},
		{"pub static mut X: u8 = 0;", "pub static mut X: u8 = 0;"},
		{"static S: &str = \"s\";", "static S: &str = \"s\";"},
		{"type A = u8;", "type A = u8;"},
		{"type A<T> where T: Copy = Vec<T>;", "type A<T> where T: Copy = Vec<T>;"},
		{"type A<T: Clone + Send> = Box<T>;", "type A<T: Clone + Send> = Box<T>;"},
		{"type X = impl Trait;", "type X = (impl Trait);"},

		// Extern crates and blocks.
		{"extern crate foo;", "extern crate foo;"},
		{"extern crate foo as bar;", "extern crate foo as bar;"},
		{"extern crate self as me;", "extern crate self as me;"},
		{"extern crate foo as _;", "extern crate foo as _;"},
		{"#[macro_use] extern crate log;", "#[macro_use] extern crate log;"},
		{"extern \"C\" { fn printf(fmt: *const u8, ...) -> i32; static errno: i32; static mut X: u8; pub fn g(); }", "extern \"C\" {fn printf(fmt: *const u8, ...) -> i32; static errno: i32; static mut X: u8; pub fn g();}"},
		{"extern { fn f(x: u8, args: ...); }", "extern {fn f(x: u8, ...);}"},
		{"#[link(name=\"c\")] extern \"C\" {}", "#[link(name=\"c\")] extern \"C\" {}"},
		{"unsafe extern \"C\" { safe fn f(); unsafe fn g(); safe static X: u8; unsafe static Y: u8; pub safe fn h(); }", "unsafe extern \"C\" {safe fn f(); unsafe fn g(); safe static X: u8; unsafe static Y: u8; pub safe fn h();}"},
		{"extern \"C\" { #![allow(x)] }", "extern \"C\" {#![allow(x)]}"},

		// Macros.
		{"macro_rules! m { () => {}; ($x:expr) => { $x }; }", "macro_rules! m {() => {}; ($x:expr) => { $x };}"},
		{"macro_rules! m ( () => () );", "macro_rules! m (() => ())"},
		{"macro_rules! m [ () => () ];", "macro_rules! m [() => ()]"},
		{"#[macro_export] macro_rules! m { }", "#[macro_export] macro_rules! m {}"},
		{"m!(a b);", "m!(a b)"},
		{"union!(); auto!{} default![]; safe!();", "union!() auto!{} default![] safe!()"},
		{"fn union() {} fn auto() {} fn default() {} fn safe() {} fn macro_rules() {} fn raw() {}", "fn union() {} fn auto() {} fn default() {} fn safe() {} fn macro_rules() {} fn raw() {}"},
		{"macro_rules! r#try { () => {} }", "macro_rules! try {() => {}}"},
		{"pub macro m() {}", "pub macro m() {}"},
		{"m![a, b];", "m![a, b]"},
		{"m! { fn x() {} }", "m!{fn x() {}}"},
		{"foo::bar!{}", "foo::bar!{}"},
		{"::m!();", "::m!()"},
		{"$crate::m!();", "$crate::m!()"},
		{"thread_local! { static X: u8 = 1; }", "thread_local!{static X: u8 = 1;}"},
		{"macro m($x:expr) { $x }", "macro m($x:expr) {$x}"},

		// Attributes.
		{"#[cfg(test)] fn f() {}", "#[cfg(test)] fn f() {}"},
		{"#[cfg(all(unix, feature = \"x\"))] #[inline] fn f() {}", "#[cfg(all(unix, feature = \"x\"))] #[inline] fn f() {}"},
		{"#[unsafe(no_mangle)] pub extern \"C\" fn f() {}", "#[unsafe(no_mangle)] pub extern \"C\" fn f() {}"},
		{"#[unsafe(export_name = \"x\")] fn f() {}", "#[unsafe(export_name = \"x\")] fn f() {}"},
		{"#[rustfmt::skip] fn f() {}", "#[rustfmt::skip] fn f() {}"},
		{"#[doc = \"x\"] struct S;", "#[doc = \"x\"] struct S;"},
		{"/// Doc.\n/// More.\nfn f() {}", "doc(/// Doc.) doc(/// More.) fn f() {}"},
		{"/** Block doc */ struct S;", "doc(/** Block doc */) struct S;"},
		{"// plain\n//// plain too\n/**/ /***/ fn f() {}", "fn f() {}"},
		{";;fn f() {};", "fn f() {}"},
		{"#[doc = include_str!(\"x.md\")] struct S;", "#[doc = include_str!(\"x.md\")] struct S;"},
		{"#[cfg_attr(x, derive(Debug))] #[doc(hidden)] enum E { #[cfg(x)] A }", "#[cfg_attr(x, derive(Debug))] #[doc(hidden)] enum E {#[cfg(x)] A}"},
		{"fn f() { #![allow(x)] }", "fn f() {#![allow(x)]}"},
		{"fn f<#[may_dangle] T>() {}", "fn f<T>() {}"},

		// More items.
		{"impl<const N: usize> X<N> {}", "impl<const N: usize> X<N> {}"},
		{"fn f<const N: i32 = -1>() -> [u8; N] {}", "fn f<const N: i32 = (- 1)>() -> [u8; N] {}"},
		{"impl<'a, T: 'a + ?Sized> X for &'a T {}", "impl<'a, T: 'a + ?Sized> X for &'a T {}"},
		{"fn f<F: for<'a> Fn(&'a u8)>() {}", "fn f<F: for<'a> Fn(&'a u8)>() {}"},
		{"fn f<T>() where T: ?Sized, [T; 2]: Sized, <T as Tr>::X: Clone {}", "fn f<T>() where T: ?Sized, [T; 2]: Sized, <T as Tr>::X: Clone {}"},
		{"fn f() where {}", "fn f() {}"},
		{"trait T { fn f(&self) -> impl Iterator<Item = u8> + '_; async fn g(); unsafe fn h(); const fn k(); extern \"C\" fn e(); fn s() where Self: Sized; }", "trait T {fn f(&self) -> (impl Iterator<Item = u8> + '_); async fn g(); unsafe fn h(); const fn k(); extern \"C\" fn e(); fn s() where Self: Sized;}"},
		{"trait T { type Item<U>; type A: Bar<Baz = u8> where Self: Sized; const C: u8 = 1; }", "trait T {type Item<U>; type A: Bar<Baz = u8> where Self: Sized; const C: u8 = 1;}"},
		{"impl Trait for fn() {}", "impl Trait for fn() {}"},
		{"impl Trait for () {}", "impl Trait for () {}"},
		{"impl<T> Tr for [T; 3] {}", "impl<T> Tr for [T; 3] {}"},
		{"#[repr(u8)] enum E { A = 1 << 2, B = C as u8 }", "#[repr(u8)] enum E {A = (<< 1 2), B = (as C u8)}"},
		{"pub(in super::super) struct S;", "pub(in super::super) struct S;"},
		{"pub(crate) struct S(pub(crate) u8);", "pub(crate) struct S(pub(crate) u8);"},
		{"struct S<T: ?Sized>(Box<T>);", "struct S<T: ?Sized>(Box<T>);"},
		{"unsafe impl<T: Send> Send for X<T> {}", "unsafe impl<T: Send> Send for X<T> {}"},
		{"pub unsafe extern \"C\" fn f(x: *mut u8) -> i32 { 0 }", "pub unsafe extern \"C\" fn f(x: *mut u8) -> i32 {0}"},
		{"unsafe mod m {}", "unsafe mod m {}"},
		{"async unsafe fn f() {}", "async unsafe fn f() {}"},
		{"fn f(&self) {}", "fn f(&self) {}"},
		{"const fn f() {} const X: u8 = 1;", "const fn f() {} const X: u8 = 1;"},
		{"fn f(self: &Self) {}", "fn f(self: &Self) {}"},
		{"fn f(mut self: Box<Self>) {}", "fn f(mut self: Box<Self>) {}"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			sf, f := ptParseOK(t, tc.src)
			d := ptD{f}
			got := d.items(sf.Items)
			if got != tc.want {
				t.Errorf("ParseFile(%q):\n got  %s\n want %s", tc.src, got, tc.want)
			}
		})
	}
}

// TestParserFileAttrs checks inner attributes and doc comments of a file.
func TestParserFileAttrs(t *testing.T) {
	tests := []ptCase{
		{"#![no_std]\nfn f() {}", "#![no_std] | fn f() {}"},
		{"#!/usr/bin/env run\n#![allow(x)]\nfn main() {}", "#![allow(x)] | fn main() {}"},
		{"#![allow(x)]", "#![allow(x)] | "},
		{"\uFEFF//! Crate doc.\n#![deny(warnings)]\nuse a;", "doc(//! Crate doc.) #![deny(warnings)] | use a;"},
		{"/*! Inner block */ fn f() {}", "doc(/*! Inner block */) | fn f() {}"},
		{"#![cfg_attr(feature = \"x\", feature(y))] #![unsafe(no_std)]", "#![cfg_attr(feature = \"x\", feature(y))] #![unsafe(no_std)] | "},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			sf, f := ptParseOK(t, tc.src)
			d := ptD{f}
			got := d.attrs(sf.Attrs) + "| " + d.items(sf.Items)
			if got != tc.want {
				t.Errorf("ParseFile(%q):\n got  %s\n want %s", tc.src, got, tc.want)
			}
			for _, a := range sf.Attrs {
				if !a.Inner {
					t.Errorf("file attribute %s is not Inner", d.attr(a))
				}
			}
		})
	}
}

// TestParserItemDetails checks fields the rendering does not show.
func TestParserItemDetails(t *testing.T) {
	t.Run("raw identifiers", func(t *testing.T) {
		it, _ := ptFirstItem(t, "fn r#match(r#type: u8) {}")
		fn := it.(*FnItem)
		ptEq(t, "Name", fn.Name.Name, "match")
		ptEq(t, "Raw", fn.Name.Raw, true)
		ip := fn.Sig.Params[0].Pat.(*IdentPat)
		ptEq(t, "param Name", ip.Name.Name, "type")
		ptEq(t, "param Raw", ip.Name.Raw, true)
	})
	t.Run("attr names", func(t *testing.T) {
		it, _ := ptFirstItem(t, "/// d\n#[rustfmt::skip]\n#[unsafe(no_mangle)]\nfn f() {}")
		attrs := it.ItemAttrs()
		if len(attrs) != 3 {
			t.Fatalf("got %d attrs, want 3", len(attrs))
		}
		ptEq(t, "doc Name", attrs[0].Name(), "doc")
		ptEq(t, "doc Doc", attrs[0].Doc, "/// d")
		ptEq(t, "doc Inner", attrs[0].Inner, false)
		ptEq(t, "path Name", attrs[1].Name(), "rustfmt::skip")
		ptEq(t, "unsafe Name", attrs[2].Name(), "no_mangle")
		ptEq(t, "unsafe Unsafe", attrs[2].Unsafe, true)
		ptEq(t, "unsafe Tokens", len(attrs[2].Tokens), 0)
	})
	t.Run("attr tokens", func(t *testing.T) {
		it, f := ptFirstItem(t, "#[link(name = \"c\", kind = \"static\")] extern {}")
		a := it.ItemAttrs()[0]
		var texts []string
		for _, tok := range a.Tokens {
			texts = append(texts, f.Text(tok))
		}
		ptEq(t, "Tokens", strings.Join(texts, " "), `( name = "c" , kind = "static" )`)
	})
	t.Run("use tree kinds", func(t *testing.T) {
		it, _ := ptFirstItem(t, "use ::a::{b as c, d::*, e};")
		u := it.(*UseItem).Tree
		ptEq(t, "root Kind", u.Kind, UseGroup)
		ptEq(t, "root Global", u.Global, true)
		ptEq(t, "root Path", len(u.Path), 1)
		if len(u.Children) != 3 {
			t.Fatalf("got %d children, want 3", len(u.Children))
		}
		ptEq(t, "child 0 Kind", u.Children[0].Kind, UseRename)
		ptEq(t, "child 0 Rename", u.Children[0].Rename.Name, "c")
		ptEq(t, "child 1 Kind", u.Children[1].Kind, UseGlob)
		ptEq(t, "child 1 Path", u.Children[1].Path[0].Name, "d")
		ptEq(t, "child 2 Kind", u.Children[2].Kind, UseSimple)
	})
	t.Run("visibility kinds", func(t *testing.T) {
		sf, _ := ptParseOK(t, "pub fn a() {} pub(crate) fn b() {} pub(super) fn c() {} pub(self) fn d() {} pub(in a::b) fn e() {} fn g() {} crate fn h() {}")
		want := []VisKind{VisPub, VisCrate, VisSuper, VisSelf, VisRestricted, VisPrivate, VisCrate}
		if len(sf.Items) != len(want) {
			t.Fatalf("got %d items, want %d", len(sf.Items), len(want))
		}
		for i, w := range want {
			fn := sf.Items[i].(*FnItem)
			got := VisPrivate
			if fn.Vis != nil {
				got = fn.Vis.Kind
			}
			ptEq(t, fn.Name.Name+" Vis", got, w)
		}
		ptEq(t, "restricted path", sf.Items[4].(*FnItem).Vis.Path.String(), "a::b")
	})
	t.Run("fn qualifiers", func(t *testing.T) {
		it, _ := ptFirstItem(t, "const async unsafe extern \"C\" fn f() {}")
		sig := it.(*FnItem).Sig
		ptEq(t, "qualifiers", [5]bool{sig.Const, sig.Async, sig.Unsafe, sig.Extern, sig.Safe}, [5]bool{true, true, true, true, false})
		ptEq(t, "ABI", sig.ABI, `"C"`)
	})
	t.Run("self params", func(t *testing.T) {
		it, _ := ptFirstItem(t, "impl X { fn f(&'a mut self, x: u8) {} }")
		fn := it.(*ImplItem).Items[0].(*FnItem)
		p := fn.Sig.Params[0]
		ptEq(t, "self flags", [3]bool{p.Self, p.SelfRef, p.SelfMut}, [3]bool{true, true, true})
		ptEq(t, "self Pat", p.Pat == nil, true)
		ptEq(t, "second param Self", fn.Sig.Params[1].Self, false)
	})
	t.Run("generic param kinds", func(t *testing.T) {
		it, _ := ptFirstItem(t, "struct S<'a, T, const N: usize>;")
		g := it.(*StructItem).Generics
		var kinds []GenericParamKind
		for _, p := range g.Params {
			kinds = append(kinds, p.Kind)
		}
		ptEq(t, "kinds", kinds, []GenericParamKind{LifetimeParam, TypeParam, ConstParam})
		ptEq(t, "lifetime name", g.Params[0].Name.Name, "'a")
	})
	t.Run("extern crate rename", func(t *testing.T) {
		it, _ := ptFirstItem(t, "extern crate foo as bar;")
		ec := it.(*ExternCrateItem)
		ptEq(t, "Name", ec.Name.Name, "foo")
		if ec.Rename == nil {
			t.Fatal("Rename is nil")
		}
		ptEq(t, "Rename", ec.Rename.Name, "bar")
	})
	t.Run("macro item delimiters", func(t *testing.T) {
		sf, _ := ptParseOK(t, "a!(); b![]; c!{}")
		var delims []Kind
		for _, it := range sf.Items {
			delims = append(delims, it.(*MacroItem).Mac.Args.Delim)
		}
		ptEq(t, "delims", delims, []Kind{LParen, LBrack, LBrace})
	})
	t.Run("attributes everywhere", func(t *testing.T) {
		it, _ := ptFirstItem(t, "enum E<#[a] T> { #[b] V { #[c] x: T } }\nfn f(#[d] p: u8) { match p { #[e] _ => S { #[f] x: 1 } } }")
		e := it.(*EnumItem)
		ptEq(t, "generic param attrs", len(e.Generics.Params[0].Attrs), 1)
		ptEq(t, "variant attrs", e.Variants[0].Attrs[0].Name(), "b")
		ptEq(t, "field attrs", e.Variants[0].Fields[0].Attrs[0].Name(), "c")
		sf, _ := ptParseOK(t, "fn f(#[d] p: u8) { match p { #[e] _ => S { #[f] x: 1 } } }")
		fn := sf.Items[0].(*FnItem)
		ptEq(t, "param attrs", fn.Sig.Params[0].Attrs[0].Name(), "d")
		m := fn.Body.Stmts[0].(*ExprStmt).X.(*MatchExpr)
		ptEq(t, "arm attrs", m.Arms[0].Attrs[0].Name(), "e")
		ptEq(t, "field init attrs", m.Arms[0].Body.(*StructExpr).Fields[0].Attrs[0].Name(), "f")
	})
	t.Run("struct kinds", func(t *testing.T) {
		sf, _ := ptParseOK(t, "struct A; struct B(); struct C {}")
		var kinds []StructKind
		for _, it := range sf.Items {
			kinds = append(kinds, it.(*StructItem).Kind)
		}
		ptEq(t, "kinds", kinds, []StructKind{StructUnit, StructTuple, StructNamed})
	})
}

// ---------------------------------------------------------------------
// Expressions and statements

// TestParserExprs parses function bodies and compares the statements'
// rendering (joined by spaces).
func TestParserExprs(t *testing.T) {
	tests := []ptCase{
		// Literals and paths.
		{"1", "1"},
		{`"s"`, `"s"`},
		{"true", "true"},
		{"false", "false"},
		{"b'a'", "b'a'"},
		{`r#"raw"#`, `r#"raw"#`},
		{"1.5e3", "1.5e3"},
		{"x", "x"},
		{"a::b::C", "a::b::C"},
		{"::std::mem::swap", "::std::mem::swap"},
		{"Self::X", "Self::X"},
		{"self", "self"},
		{"Vec::<u8>::new()", "(call Vec<u8>::new)"},
		{"f::<Vec<u8>>()", "(call f<Vec<u8>>)"},
		{"<T as Trait>::f()", "(call <T as Trait>::f)"},
		{"<Vec<u8>>::new()", "(call <Vec<u8>>::new)"},
		{"<T as a::Tr<U>>::C", "<T as a::Tr<U>>::C"},
		{"super::f()", "(call super::f)"},
		{"crate::g()", "(call crate::g)"},
		{"Foo::<3, 'a, { N + 1 }, -1>", "Foo<3, 'a, {(+ N 1)}, (- 1)>"},

		// Calls, methods, fields.
		{"f(a, b)", "(call f a b)"},
		{"f(a,)", "(call f a)"},
		{"f()()", "(call (call f))"},
		{"x.y(z)", "(mcall x y z)"},
		{"x.collect::<Vec<_>>()", "(mcall x collect<Vec<_>>)"},
		{"a.b.c()", "(mcall (field a b) c)"},
		{"(a.b)()", "(call (paren (field a b)))"},
		{"x.0", "(field x 0)"},
		{"x.0.1", "(field (field x 0) 1)"},
		{"t.0.1 = 5", "(= (field (field t 0) 1) 5)"},
		{"x.await", "(await x)"},
		{"f().await?", "(? (await (call f)))"},
		{"x?.y?", "(? (field (? x) y))"},
		{"a[0][1]", "(index (index a 0) 1)"},
		{"v.iter().map(|x| x * 2).collect::<Vec<_>>()", "(mcall (mcall (mcall v iter) map (closure |x| (* x 2))) collect<Vec<_>>)"},

		// Unary and references.
		{"*x", "(* x)"},
		{"!x.is_empty()", "(! (mcall x is_empty))"},
		{"-1i32.abs()", "(- (mcall 1i32 abs))"},
		{"- -x", "(- (- x))"},
		{"&x", "(& x)"},
		{"&mut x", "(&mut x)"},
		{"&&x", "(& (& x))"},
		{"&&mut x", "(& (&mut x))"},
		{"&raw const x", "(&raw const x)"},
		{"&raw mut x", "(&raw mut x)"},
		{"&raw", "(& raw)"},
		{"&a[..]", "(& (index a (.. nil nil)))"},
		{"*x = 1", "(= (* x) 1)"},

		// Binary operators and precedence.
		{"a + b * c - d", "(- (+ a (* b c)) d)"},
		{"a % b / c", "(/ (% a b) c)"},
		{"a || b && c", "(|| a (&& b c))"},
		{"a == b && c != d", "(&& (== a b) (!= c d))"},
		{"a < b && c > d", "(&& (< a b) (> c d))"},
		{"a <= b || c >= d", "(|| (<= a b) (>= c d))"},
		{"a << 2 >> 1", "(>> (<< a 2) 1)"},
		{"a & b | c ^ d", "(| (& a b) (^ c d))"},
		{"x as u8 as i32", "(as (as x u8) i32)"},
		{"x as *const u8 as usize", "(as (as x *const u8) usize)"},
		{"-x as u8", "(as (- x) u8)"},
		{"a + b as u64", "(+ a (as b u64))"},
		{"a = b = c", "(= a (= b c))"},
		{"a += 1", "(+= a 1)"},
		{"a -= 1", "(-= a 1)"},
		{"a *= 1", "(*= a 1)"},
		{"a /= 1", "(/= a 1)"},
		{"a %= 1", "(%= a 1)"},
		{"a ^= 1", "(^= a 1)"},
		{"a &= 1", "(&= a 1)"},
		{"a |= 1", "(|= a 1)"},
		{"a <<= 1", "(<<= a 1)"},
		{"a >>= 1", "(>>= a 1)"},
		{"(a, b) = (b, a)", "(= (tuple a b) (tuple b a))"},
		{"_ = f()", "(= _ (call f))"},

		// Ranges.
		{"a..b", "(.. a b)"},
		{"a..=b", "(..= a b)"},
		{"..b", "(.. nil b)"},
		{"a..", "(.. a nil)"},
		{"..", "(.. nil nil)"},
		{"..=b", "(..= nil b)"},
		{"a + 1..b * 2", "(.. (+ a 1) (* b 2))"},
		{"x = 1..2", "(= x (.. 1 2))"},

		// Blocks.
		{"{ let x = 1; x }", "{(let x = 1) x}"},
		{"unsafe { f() }", "unsafe {(call f)}"},
		{"async { 1 }", "async {1}"},
		{"async move { 1 }", "async move {1}"},
		{"const { 1 }", "const {1}"},
		{"'a: { break 'a 1; }", "'a: {(break 'a 1);}"},
		{"let v = 'b: { break 'b 2 };", "(let v = 'b: {(break 'b 2)})"},
		{"{ #![allow(x)] }", "{#![allow(x)]}"},

		// Control flow.
		{"if c { a } else if d { b } else { e }", "(if c {a} (if d {b} {e}))"},
		{"if let Some(x) = y { x }", "(if (let (tstruct Some x) y) {x})"},
		{"if let Some(x) = a && let Some(y) = b && c {}", "(if (&& (&& (let (tstruct Some x) a) (let (tstruct Some y) b)) c) {})"},
		{"if let A | B = x {}", "(if (let (| A B) x) {})"},
		{"if x == S {}", "(if (== x S) {})"},
		{"if S {} else {}", "(if S {} {})"},
		{"if (S { a: 1 }).ok() {}", "(if (mcall (paren (struct S a: 1)) ok) {})"},
		{"while let Some(x) = it.next() {}", "(while (let (tstruct Some x) (mcall it next)) {})"},
		{"while x < 10 { x += 1; }", "(while (< x 10) {(+= x 1);})"},
		{"loop { break; }", "(loop {(break);})"},
		{"'outer: loop { continue 'outer; }", "(loop 'outer {(continue 'outer);})"},
		{"'a: while c { break 'a; }", "(while 'a c {(break 'a);})"},
		{"'b: for i in 0..n { continue; }", "(for 'b i (.. 0 n) {(continue);})"},
		{"for (i, x) in v.iter().enumerate() {}", "(for (tuple i x) (mcall (mcall v iter) enumerate) {})"},
		{"for i in 0.. {}", "(for i (.. 0 nil) {})"},
		{"for x in S {}", "(for x S {})"},
		{"match x { Some(1 | 2) if y => a, 0..=9 => b, _ => {} }", "(match x ((tstruct Some (| 1 2)) if y => a) ((..= 0 9) => b) (_ => {}))"},
		{"match x { A => {} B => {} }", "(match x (A => {}) (B => {}))"},
		{"match x { | A | B => 1 }", "(match x ((| A B) => 1))"},
		{"match x { A => if c { 1 } else { 2 } B => 3 }", "(match x (A => (if c {1} {2})) (B => 3))"},
		{"match x { _ => return, }", "(match x (_ => (return)))"},
		{"match x { S { a, .. } => a, }", "(match x ((spat S a ..) => a))"},
		{"match x { #[cfg(x)] A => 1, B => unsafe { 2 } C => 3 }", "(match x (A => 1) (B => unsafe {2}) (C => 3))"},
		{"match x {}", "(match x)"},
		{"match S {}", "(match S)"},
		{"return", "(return)"},
		{"return x", "(return x)"},
		{"return;", "(return);"},
		{"break 'a v", "(break 'a v)"},
		{"loop { break 5 }", "(loop {(break 5)})"},
		{"continue 'a", "(continue 'a)"},

		// Closures.
		{"|x| x", "(closure |x| x)"},
		{"move || 1", "(closure move || 1)"},
		{"|a: u8| -> u8 { a }", "(closure |a: u8| -> u8 {a})"},
		{"async move |x| x", "(closure async move |x| x)"},
		{"async || {}", "(closure async || {})"},
		{"async |x| x", "(closure async |x| x)"},
		{"|&x, (a, b): (u8, u8)| x", "(closure |(& x), (tuple a b): (u8, u8)| x)"},
		{"|_| ()", "(closure |_| (tuple))"},
		{"|| a || b", "(closure || (|| a b))"},
		{"|x| |y| x + y", "(closure |x| (closure |y| (+ x y)))"},
		{"f(|x| x, move || 2)", "(call f (closure |x| x) (closure move || 2))"},

		// Structs, arrays, tuples.
		{"S { a, b: 1, ..base }", "(struct S a b: 1 ..base)"},
		{"S { ..Default::default() }", "(struct S ..(call Default::default))"},
		{"S {}", "(struct S)"},
		{"S { 0: a, 1: b }", "(struct S 0: a 1: b)"},
		{"a::S::<T> { x }", "(struct a::S<T> x)"},
		{"Self { x }", "(struct Self x)"},
		{"<T as Tr>::Assoc { x }", "(struct <T as Tr>::Assoc x)"},
		{"[1, 2, 3]", "[1 2 3]"},
		{"[]", "[]"},
		{"[0; 4]", "[0; 4]"},
		{"[x; N * 2]", "[x; (* N 2)]"},
		{"()", "(tuple)"},
		{"(1,)", "(tuple 1)"},
		{"(1, 2)", "(tuple 1 2)"},
		{"(1)", "(paren 1)"},

		// Macros.
		{"vec![1, 2]", "vec![1, 2]"},
		{"println!(\"{}\", x)", "println!(\"{}\", x)"},
		{"foo::bar!(x)", "foo::bar!(x)"},
		{"m! { a } x", "m!{a} x"},
		{"m!{}.x()", "(mcall m!{} x)"},
		{"m!(a) + 1", "(+ m!(a) 1)"},

		// Statements.
		{"let x = 1;", "(let x = 1)"},
		{"let x;", "(let x)"},
		{"let x: u8;", "(let x: u8)"},
		{"let (a, b): (u8, u8) = t;", "(let (tuple a b): (u8, u8) = t)"},
		{"let Some(x) = y else { return; };", "(let (tstruct Some x) = y else {(return);})"},
		{"let _ = x;", "(let _ = x)"},
		{"let mut v: Vec<u8>= vec![];", "(let (bind mut v): Vec<u8> = vec![])"},
		{"let v: Vec<Vec<u8>>= x;", "(let v: Vec<Vec<u8>> = x)"},
		{"let x = if a { b } else { c };", "(let x = (if a {b} {c}))"},
		{"let x = loop { break 5; };", "(let x = (loop {(break 5);}))"},
		{"#[allow(unused)] let x = 1;", "(let x = 1)"},
		{"fn inner() {} struct S; use a::b;", "(item fn inner() {}) (item struct S;) (item use a::b;)"},
		{"macro_rules! m { () => {} }", "(item macro_rules! m {() => {}})"},
		{"impl X {} trait T {} enum E {} mod m {} type A = u8;", "(item impl X {}) (item trait T {}) (item enum E {}) (item mod m {}) (item type A = u8;)"},
		{"static X: u8 = 1; const Y: u8 = 2; unsafe fn g() {} extern \"C\" {}", "(item static X: u8 = 1;) (item const Y: u8 = 2;) (item unsafe fn g() {}) (item extern \"C\" {})"},
		{";", ";"},
		{"x; y", "x; y"},
		{"x;;", "x; ;"},

		// Block-like expression statements.
		{"if c {} (a, b)", "(if c {}) (tuple a b)"},
		{"if c {} [1]", "(if c {}) [1]"},
		{"match x {}.len()", "(mcall (match x) len)"},
		{"match x {} - 1", "(match x) (- 1)"},
		{"{ 1 } - 1", "{1} (- 1)"},
		{"unsafe { f() }.g();", "(mcall unsafe {(call f)} g);"},
		{"loop {} x", "(loop {}) x"},
		{"while c {} *x = 1;", "(while c {}) (= (* x) 1);"},
		{"if a {} else {}?", "(? (if a {} {}))"},
		{"Foo { x: 1 }.bar()", "(mcall (struct Foo x: 1) bar)"},
		{"'a: {} x", "'a: {} x"},
		{"unsafe { f() } *x = 1;", "unsafe {(call f)} (= (* x) 1);"},
		{"const { 1 } - 1", "const {1} (- 1)"},
		{"if x {} else { y }.z()", "(mcall (if x {} {y}) z)"},
		{"let x = { 1 } + 1;", "(let x = (+ {1} 1))"},
		{"#[cfg(x)] { a }", "{a}"},

		// More expressions.
		{"a<-b", "(< a (- b))"},
		{"if a<-1 {}", "(if (< a (- 1)) {})"},
		{"f::<-1>()", "(call f<(- 1)>)"},
		{"f::<<T as Tr>::X>()", "(call f<<T as Tr>::X>)"},
		{"<[u8]>::len(&x)", "(call <[u8]>::len (& x))"},
		{"<T as Tr<'a>>::m(x)", "(call <T as Tr<'a>>::m x)"},
		{"f::<{ N + 1 }>()", "(call f<{(+ N 1)}>)"},
		{"if { true } {}", "(if {true} {})"},
		{"match { x } {}", "(match {x})"},
		{"if f(S { a }) {}", "(if (call f (struct S a)) {})"},
		{"if x == [S {}] {}", "(if (== x [(struct S)]) {})"},
		{"for x in (S { a }) {}", "(for x (paren (struct S a)) {})"},
		{"if v.iter().any(|x| *x == 1) {}", "(if (mcall (mcall v iter) any (closure |x| (== (* x) 1))) {})"},
		{"while let Some(x) = s.pop() && x > 0 {}", "(while (&& (let (tstruct Some x) (mcall s pop)) (> x 0)) {})"},
		{"if x {} else if let Some(y) = z {}", "(if x {} (if (let (tstruct Some y) z) {}))"},
		{"match x { y if y > 0 => 1, _ => 2 }", "(match x (y if (> y 0) => 1) (_ => 2))"},
		{"match x { A => S { a: 1 }, B => S {} }", "(match x (A => (struct S a: 1)) (B => (struct S)))"},
		{"match x { A => (), }", "(match x (A => (tuple)))"},
		{"x = match y { _ => 1 };", "(= x (match y (_ => 1)));"},
		{"&mut *y", "(&mut (* y))"},
		{"*&x", "(* (& x))"},
		{"!!x", "(! (! x))"},
		{"a && b || c && d", "(|| (&& a b) (&& c d))"},
		{"a | b & c", "(| a (& b c))"},
		{"a ^ b & c << d + e * f", "(^ a (& b (<< c (+ d (* e f)))))"},
		{"1 << 2", "(<< 1 2)"},
		{"x as i32 > 0", "(> (as x i32) 0)"},
		{"x as Vec<u8>", "(as x Vec<u8>)"},
		{"x as &dyn Any", "(as x &(dyn Any))"},
		{"f(x)?.g()?", "(? (mcall (? (call f x)) g))"},
		{"a.b?.c()?", "(? (mcall (? (field a b)) c))"},
		{"f(-1)", "(call f (- 1))"},
		{"f(0..10)", "(call f (.. 0 10))"},
		{"a[1..]", "(index a (.. 1 nil))"},
		{"a[..=n]", "(index a (..= nil n))"},
		{"&a[1..n]", "(& (index a (.. 1 n)))"},
		{"(..)", "(paren (.. nil nil))"},
		{"2.0f32.sqrt()", "(mcall 2.0f32 sqrt)"},
		{"1.max(2)", "(mcall 1 max 2)"},
		{"x.0.1.2.3", "(field (field (field (field x 0) 1) 2) 3)"},
		{"let f = || -> u8 { 1 };", "(let f = (closure || -> u8 {1}))"},
		{"|x| -> Result<(), E> { Ok(()) }", "(closure |x| -> Result<(), E> {(call Ok (tuple))})"},
		{"|(A | B)| 1", "(closure |(paren (| A B))| 1)"},
		{"(|| {})()", "(call (paren (closure || {})))"},
		{"return || 1", "(return (closure || 1))"},
		{"S::<T>::f()", "(call S<T>::f)"},
		{"&mut [1, 2]", "(&mut [1 2])"},
		{"[[0u8; 4]; 4]", "[[0u8; 4]; 4]"},
		{"let Self { x } = self;", "(let (spat Self x) = self)"},
		{"let &x: &u8 = y;", "(let (& x): &u8 = y)"},
		{"union.x();", "(mcall union x);"},
		{"default();", "(call default);"},
		{"auto + safe + raw", "(+ (+ auto safe) raw)"},
		{"macro_rules + 1", "(+ macro_rules 1)"},
		{"async move {} .await", "(await async move {})"},
		{"S { #[cfg(x)] a: 1 }", "(struct S a: 1)"},
		{"f(#[cfg(x)] a)", "(call f a)"},
		{"union U { a: u8 } auto trait A {} extern crate foo;", "(item union U {a: u8}) (item auto trait A {}) (item extern crate foo;)"},
		{"pub(crate) fn x() {} const fn f() {} async fn g() {} unsafe impl Send for X {}", "(item pub(crate) fn x() {}) (item const fn f() {}) (item async fn g() {}) (item unsafe impl Send for X {})"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			stmts, f, errs := ptBody(t, tc.src)
			if len(errs) != 0 {
				t.Errorf("body %q: unexpected errors:\n%s", tc.src, ptErrs(errs))
			}
			d := ptD{f}
			got := strings.Join(d.stmts(stmts), " ")
			if got != tc.want {
				t.Errorf("body %q:\n got  %s\n want %s", tc.src, got, tc.want)
			}
		})
	}
}

// TestParserTypes parses "type T = <src>;" and compares the type's
// rendering.
func TestParserTypes(t *testing.T) {
	tests := []ptCase{
		{"u8", "u8"},
		{"Self", "Self"},
		{"T::Assoc", "T::Assoc"},
		{"Vec<Vec<u8>>", "Vec<Vec<u8>>"},
		{"Vec<Vec<Vec<u8>>>", "Vec<Vec<Vec<u8>>>"},
		{"HashMap<String, Vec<u8>>", "HashMap<String, Vec<u8>>"},
		{"::std::vec::Vec<T>", "::std::vec::Vec<T>"},
		{"&'a mut T", "&'a mut T"},
		{"&&T", "&&T"},
		{"&'static str", "&'static str"},
		{"&'a [&'b str]", "&'a [&'b str]"},
		{"*const u8", "*const u8"},
		{"*mut *const T", "*mut *const T"},
		{"[u8]", "[u8]"},
		{"[u8; 4]", "[u8; 4]"},
		{"[u8; N * 2]", "[u8; (* N 2)]"},
		{"()", "()"},
		{"(u8,)", "(u8,)"},
		{"(u8, String)", "(u8, String)"},
		{"(u8)", "(paren u8)"},
		{"!", "!"},
		{"_", "_"},
		{"fn(u8) -> u8", "fn(u8) -> u8"},
		{"fn()", "fn()"},
		{"unsafe extern \"C\" fn(*const u8, ...) -> i32", "unsafe extern \"C\" fn(*const u8, ...) -> i32"},
		{"extern fn(x: u8)", "extern fn(x: u8)"},
		{"for<'a> fn(&'a u8) -> &'a u8", "for<'a> fn(&'a u8) -> &'a u8"},
		{"Option<fn()>", "Option<fn()>"},
		{"impl Iterator<Item = u8>", "(impl Iterator<Item = u8>)"},
		{"impl Fn(u8) -> u8 + Send", "(impl Fn(u8) -> u8 + Send)"},
		{"impl FnOnce()", "(impl FnOnce())"},
		{"Box<dyn A + B + 'a>", "Box<(dyn A + B + 'a)>"},
		{"Box<dyn Fn() + Send + 'static>", "Box<(dyn Fn() + Send + 'static)>"},
		{"dyn for<'a> Fn(&'a T) -> U", "(dyn for<'a> Fn(&'a T) -> U)"},
		{"&dyn Trait", "&(dyn Trait)"},
		{"&(dyn Trait + Send)", "&(paren (dyn Trait + Send))"},
		{"<T as Trait>::Out", "<T as Trait>::Out"},
		{"<T as a::Trait<u8>>::Out<'a>", "<T as a::Trait<u8>>::Out<'a>"},
		{"<T>::Out", "<T>::Out"},
		{"<Vec<T> as IntoIterator>::Item", "<Vec<T> as IntoIterator>::Item"},
		{"Foo<'a, T, 3, { N }>", "Foo<'a, T, 3, {N}>"},
		{"Foo<-1, true, 'c'>", "Foo<(- 1), true, 'c'>"},
		{"Iterator<Item: Clone>", "Iterator<Item: Clone>"},
		{"X<Assoc<'a> = &'a u8>", "X<Assoc<'a> = &'a u8>"},
		{"X<N = 3>", "X<N = 3>"},
		{"Fn() -> !", "Fn() -> !"},
		{"fmt::Result", "fmt::Result"},
		{"m!(u8)", "m!(u8)"},
		{"Send + Sync", "(obj Send + Sync)"},
		{"impl Sized + use<'a, T>", "(impl Sized + use<'a, T>)"},
		{"Vec<<T as Tr>::X>", "Vec<<T as Tr>::X>"},
		{"Box<dyn Fn(&mut Self) -> Result<(), E> + Send>", "Box<(dyn Fn(&mut Self) -> Result<(), E> + Send)>"},
		{"impl Trait<'a> + 'a", "(impl Trait<'a> + 'a)"},
		{"&'a (dyn Trait + 'a)", "&'a (paren (dyn Trait + 'a))"},
		{"[[u8; 4]; 4]", "[[u8; 4]; 4]"},
		{"fn() -> impl Sized", "fn() -> (impl Sized)"},
		{"fn(_: u8, #[attr] x: u8)", "fn(_: u8, x: u8)"},
		{"Option<&'a dyn Fn(&str) -> bool>", "Option<&'a (dyn Fn(&str) -> bool)>"},
		{"<Self as Foo>::X", "<Self as Foo>::X"},
		{"<[T]>::Item", "<[T]>::Item"},
		{"Foo<-1>", "Foo<(- 1)>"},
		{"dyn Fn(&u8) -> &u8 + Send", "(dyn Fn(&u8) -> &u8 + Send)"},
		{"unsafe fn()", "unsafe fn()"},
		{"extern \"C\" fn(...)", "extern \"C\" fn(...)"},
		{"Pin<&mut dyn Future<Output = ()>>", "Pin<&mut (dyn Future<Output = ()>)>"},
		{"r#type::r#fn", "type::fn"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			it, f := ptFirstItem(t, "type T = "+tc.src+";")
			ta, ok := it.(*TypeAliasItem)
			if !ok {
				t.Fatalf("got %T, want *TypeAliasItem", it)
			}
			d := ptD{f}
			if got := d.typ(ta.Type); got != tc.want {
				t.Errorf("type %q:\n got  %s\n want %s", tc.src, got, tc.want)
			}
		})
	}
}

// TestParserPatterns parses "match x { <src> => {} }" and compares the
// arm's pattern.
func TestParserPatterns(t *testing.T) {
	tests := []ptCase{
		{"_", "_"},
		{"x", "x"},
		{"ref x", "(bind ref x)"},
		{"mut x", "(bind mut x)"},
		{"ref mut x @ Some(_)", "(bind ref mut x @ (tstruct Some _))"},
		{"x @ 1..=5", "(bind x @ (..= 1 5))"},
		{"Some(x)", "(tstruct Some x)"},
		{"E::V(a, ..)", "(tstruct E::V a ..)"},
		{"S { a, ref mut b, c: 1, .. }", "(spat S a (bind ref mut b) c: 1 ..)"},
		{"S { .. }", "(spat S ..)"},
		{"S { 0: x, 1: _ }", "(spat S 0: x 1: _)"},
		{"S { box b }", "(spat S (box b))"},
		{"a::S { x: Some(y) }", "(spat a::S x: (tstruct Some y))"},
		{"[first, .., last]", "[first .. last]"},
		{"[a, rest @ ..]", "[a (bind rest @ ..)]"},
		{"[]", "[]"},
		{"0..=9", "(..= 0 9)"},
		{"'a'..='z'", "(..= 'a' 'z')"},
		{"b'a'..=b'z'", "(..= b'a' b'z')"},
		{"..=5", "(..= nil 5)"},
		{"5..", "(.. 5 nil)"},
		{"0..5", "(.. 0 5)"},
		{"-5..=-1", "(..= (- 5) (- 1))"},
		{"1...2", "(..= 1 2)"},
		{"MIN..=MAX", "(..= MIN MAX)"},
		{"A::X..=A::Y", "(..= A::X A::Y)"},
		{"-1", "(- 1)"},
		{"1", "1"},
		{"\"s\"", "\"s\""},
		{"true", "true"},
		{"box x", "(box x)"},
		{"&mut x", "(&mut x)"},
		{"&(a, b)", "(& (tuple a b))"},
		{"&&x", "(& (& x))"},
		{"a::B", "(path a::B)"},
		{"<T as Tr>::C", "(path <T as Tr>::C)"},
		{"::a::B", "(path ::a::B)"},
		{"m!(x)", "m!(x)"},
		{"A | B", "(| A B)"},
		{"Some(A | B) | None", "(| (tstruct Some (| A B)) None)"},
		{"(a, b)", "(tuple a b)"},
		{"(a)", "(paren a)"},
		{"(a,)", "(tuple a)"},
		{"(..)", "(tuple ..)"},
		{"()", "(tuple)"},
		{"(a, .., z)", "(tuple a .. z)"},
		{"Self::A", "(path Self::A)"},
		{"Self(x)", "(tstruct Self x)"},
		{"const { 1 }", "const {1}"},
		{"Some(..)", "(tstruct Some ..)"},
		{"[a, b, ..] | [a, b]", "(| [a b ..] [a b])"},
		{"(1 | 2, x)", "(tuple (| 1 2) x)"},
		{"ref x @ (a, b)", "(bind ref x @ (tuple a b))"},
		{"box ref x", "(box (bind ref x))"},
		{"&[a, b]", "(& [a b])"},
		{"S { x: ref y }", "(spat S x: (bind ref y))"},
		{"E::A { .. } | E::B(..)", "(| (spat E::A ..) (tstruct E::B ..))"},
		{"i32::MIN..=0", "(..= i32::MIN 0)"},
		{"..5", "(.. nil 5)"},
		{"[0..=9, ..]", "[(..= 0 9) ..]"},
		{"[a @ .., b]", "[(bind a @ ..) b]"},
		{"'a'..='z' | 'A'..='Z'", "(| (..= 'a' 'z') (..= 'A' 'Z'))"},
		{"-1.5", "(- 1.5)"},
		{"b\"abc\"", "b\"abc\""},
		{"mut x @ 1..=5", "(bind mut x @ (..= 1 5))"},
		{"a::m!()", "a::m!()"},
		{"S { r#type, .. }", "(spat S type ..)"},
		{"Foo::<u8>::Bar", "(path Foo<u8>::Bar)"},
		{"x @ Some(_) | x @ None", "(| (bind x @ (tstruct Some _)) (bind x @ None))"},
		{"(a, ..) | (.., a)", "(| (tuple a ..) (tuple .. a))"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			x, f := ptFirstExpr(t, "match x { "+tc.src+" => {} }")
			m, ok := x.(*MatchExpr)
			if !ok || len(m.Arms) != 1 {
				t.Fatalf("got %T, want a match with one arm", x)
			}
			d := ptD{f}
			if got := d.pat(m.Arms[0].Pat); got != tc.want {
				t.Errorf("pattern %q:\n got  %s\n want %s", tc.src, got, tc.want)
			}
		})
	}
}

// TestParserLetPatterns checks patterns in let statements and parameters.
func TestParserLetPatterns(t *testing.T) {
	tests := []ptCase{
		{"let (a, mut b) = t;", "(let (tuple a (bind mut b)) = t)"},
		{"let S { x, y: (a, _) } = s;", "(let (spat S x y: (tuple a _)) = s)"},
		{"let [a, b @ .., c] = arr;", "(let [a (bind b @ ..) c] = arr)"},
		{"let &mut (ref a, ref mut b) = p;", "(let (&mut (tuple (bind ref a) (bind ref mut b))) = p)"},
		{"let Ok(v) | Err(v) = r;", "(let (| (tstruct Ok v) (tstruct Err v)) = r)"},
		{"for &(a, b) in v {}", "(for (& (tuple a b)) v {})"},
		{"if let [.., last] = s {}", "(if (let [.. last] s) {})"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			stmts, f, errs := ptBody(t, tc.src)
			if len(errs) != 0 {
				t.Errorf("body %q: unexpected errors:\n%s", tc.src, ptErrs(errs))
			}
			if got := strings.Join(ptd(f).stmts(stmts), " "); got != tc.want {
				t.Errorf("body %q:\n got  %s\n want %s", tc.src, got, tc.want)
			}
		})
	}
}

// TestParserExprDetails checks fields the rendering does not show.
func TestParserExprDetails(t *testing.T) {
	t.Run("semi flags", func(t *testing.T) {
		stmts, _, _ := ptBody(t, "a; b")
		if len(stmts) != 2 {
			t.Fatalf("got %d stmts", len(stmts))
		}
		ptEq(t, "first Semi", stmts[0].(*ExprStmt).Semi, true)
		ptEq(t, "second Semi", stmts[1].(*ExprStmt).Semi, false)
	})
	t.Run("statement attributes", func(t *testing.T) {
		stmts, _, errs := ptBody(t, "#[allow(unused)] let x = 1; #[cfg(x)] f();")
		if len(errs) != 0 {
			t.Fatalf("errors: %v", errs)
		}
		ptEq(t, "let attrs", len(stmts[0].(*LetStmt).Attrs), 1)
		ptEq(t, "expr attrs", len(stmts[1].(*ExprStmt).Attrs), 1)
		ptEq(t, "expr attr name", stmts[1].(*ExprStmt).Attrs[0].Name(), "cfg")
	})
	t.Run("literal kinds", func(t *testing.T) {
		stmts, _, _ := ptBody(t, `1; 1.5; 'c'; b'c'; "s"; b"s"; c"s"; r"s"; br"s"; cr"s"; true; false;`)
		want := []Kind{Int, Float, Char, Byte, Str, ByteStr, CStr, RawStr, RawByteStr, RawCStr, KwTrue, KwFalse}
		if len(stmts) != len(want) {
			t.Fatalf("got %d stmts, want %d", len(stmts), len(want))
		}
		for i, w := range want {
			lit, ok := stmts[i].(*ExprStmt).X.(*LitExpr)
			if !ok {
				t.Errorf("stmt %d: %T, want *LitExpr", i, stmts[i].(*ExprStmt).X)
				continue
			}
			ptEq(t, fmt.Sprintf("literal %d kind", i), lit.Kind, w)
		}
	})
	t.Run("raw field name", func(t *testing.T) {
		x, _ := ptFirstExpr(t, "x.r#type")
		fe, ok := x.(*FieldExpr)
		if !ok {
			t.Fatalf("got %T", x)
		}
		ptEq(t, "Name", fe.Name.Name, "type")
		ptEq(t, "Raw", fe.Name.Raw, true)
	})
	t.Run("method turbofish", func(t *testing.T) {
		x, _ := ptFirstExpr(t, "it.collect::<Vec<u8>>()")
		mc, ok := x.(*MethodCallExpr)
		if !ok {
			t.Fatalf("got %T", x)
		}
		if mc.Turbofish == nil || len(mc.Turbofish.Args) != 1 {
			t.Fatalf("Turbofish = %+v", mc.Turbofish)
		}
	})
	t.Run("block flags", func(t *testing.T) {
		x, _ := ptFirstExpr(t, "async move {}")
		b := x.(*BlockExpr)
		ptEq(t, "flags", [4]bool{b.Async, b.Move, b.Unsafe, b.Const}, [4]bool{true, true, false, false})
	})
}

// ---------------------------------------------------------------------
// Token trees

func ptTokTexts(f *File, toks []Token) []string {
	var out []string
	for _, tok := range toks {
		out = append(out, f.Text(tok))
	}
	return out
}

// ptGroup returns the tokens inside the first group opened by kind open
// in toks (which must be balanced).
func ptGroup(t *testing.T, toks []Token, open Kind) []Token {
	t.Helper()
	for i, tok := range toks {
		if tok.Kind != open {
			continue
		}
		depth := 0
		for j := i; j < len(toks); j++ {
			switch {
			case toks[j].Kind.IsOpen():
				depth++
			case toks[j].Kind.IsClose():
				depth--
				if depth == 0 {
					return toks[i+1 : j]
				}
			}
		}
	}
	t.Fatalf("no %s group", open)
	return nil
}

func TestParserTokenTrees(t *testing.T) {
	t.Run("macro keeps its token tree", func(t *testing.T) {
		x, f := ptFirstExpr(t, "vec![1, (2), 3]")
		m, ok := x.(*MacroExpr)
		if !ok {
			t.Fatalf("got %T, want *MacroExpr", x)
		}
		ptEq(t, "Path", m.Mac.Path.String(), "vec")
		ptEq(t, "Delim", m.Mac.Args.Delim, LBrack)
		ptEq(t, "Tokens", ptTokTexts(f, m.Mac.Args.Tokens), []string{"1", ",", "(", "2", ")", ",", "3"})
		ptEq(t, "TokenTree span", ptSpan(f, m.Mac.Args), "2:5-2:16")
	})
	t.Run("empty token tree", func(t *testing.T) {
		it, _ := ptFirstItem(t, "m!{}")
		tt := it.(*MacroItem).Mac.Args
		ptEq(t, "Delim", tt.Delim, LBrace)
		ptEq(t, "Tokens", len(tt.Tokens), 0)
	})
	t.Run("ParseItems of a cfg_if body", func(t *testing.T) {
		src := "cfg_if! {\n    if #[cfg(unix)] {\n        use std::fs;\n        fn f() -> u8 { 1 }\n    } else {\n        mod other;\n    }\n}\n"
		it, f := ptFirstItem(t, src)
		mi, ok := it.(*MacroItem)
		if !ok {
			t.Fatalf("got %T, want *MacroItem", it)
		}
		ptEq(t, "macro path", mi.Mac.Path.String(), "cfg_if")
		inner := ptGroup(t, mi.Mac.Args.Tokens, LBrace)
		items, errs := ParseItems(f, inner)
		if len(errs) != 0 {
			t.Fatalf("ParseItems: %v", errs)
		}
		ptEq(t, "items", ptd(f).items(items), "use std::fs; fn f() -> u8 {1}")
		if len(items) == 2 {
			ptEq(t, "use span", ptSpan(f, items[0]), "3:9-3:21")
			ptEq(t, "fn span", ptSpan(f, items[1]), "4:9-4:27")
			pos := f.Position(items[1].(*FnItem).Name.Pos())
			ptEq(t, "fn name position", fmt.Sprintf("%s:%d:%d", pos.Filename, pos.Line, pos.Column), "t.rs:4:12")
		}
	})
	t.Run("ParseItems reports errors in the original file", func(t *testing.T) {
		src := "m! {\n  fn f() -> {}\n  struct S;\n}"
		it, f := ptFirstItem(t, src)
		items, errs := ParseItems(f, it.(*MacroItem).Mac.Args.Tokens)
		if len(errs) == 0 {
			t.Fatal("ParseItems: no errors for invalid tokens")
		}
		if errs[0].Pos.Filename != "t.rs" || errs[0].Pos.Line != 2 || errs[0].Pos.Column != 13 {
			t.Errorf("first error at %v, want t.rs:2:13", errs[0].Pos)
		}
		ptEq(t, "items", ptd(f).items(items), "fn f() -> BAD {} struct S;")
	})
	t.Run("ParseStmts", func(t *testing.T) {
		x, f := ptFirstExpr(t, "m! { let x = 1; x + 1 }")
		m := x.(*MacroExpr)
		stmts, errs := ParseStmts(f, m.Mac.Args.Tokens)
		if len(errs) != 0 {
			t.Fatalf("ParseStmts: %v", errs)
		}
		ptEq(t, "stmts", strings.Join(ptd(f).stmts(stmts), " "), "(let x = 1) (+ x 1)")
		if len(stmts) == 2 {
			ptEq(t, "let span", ptSpan(f, stmts[0]), "2:6-2:16")
		}
	})
	t.Run("ParseExpr", func(t *testing.T) {
		x, f := ptFirstExpr(t, "assert!(a + b * 2)")
		m := x.(*MacroExpr)
		e, errs := ParseExpr(f, m.Mac.Args.Tokens)
		if len(errs) != 0 {
			t.Fatalf("ParseExpr: %v", errs)
		}
		ptEq(t, "expr", ptd(f).expr(e), "(+ a (* b 2))")
		ptEq(t, "expr span", ptSpan(f, e), "2:9-2:18")
	})
	t.Run("ParseExpr trailing tokens", func(t *testing.T) {
		x, f := ptFirstExpr(t, "m!(a b)")
		_, errs := ParseExpr(f, x.(*MacroExpr).Mac.Args.Tokens)
		if len(errs) != 1 {
			t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
		}
		ptEq(t, "error position", fmt.Sprintf("%d:%d", errs[0].Pos.Line, errs[0].Pos.Column), "2:6")
	})
	t.Run("ParseExpr of format args", func(t *testing.T) {
		x, f := ptFirstExpr(t, "format!(\"{}\", x.y())")
		toks := x.(*MacroExpr).Mac.Args.Tokens
		// Parse the argument after the first comma.
		var i int
		for i = range toks {
			if toks[i].Kind == Comma {
				break
			}
		}
		e, errs := ParseExpr(f, toks[i+1:])
		if len(errs) != 0 {
			t.Fatalf("ParseExpr: %v", errs)
		}
		ptEq(t, "expr", ptd(f).expr(e), "(mcall x y)")
	})
	t.Run("ParseExpr of a token tree from another file", func(t *testing.T) {
		fset := NewFileSet()
		a := fset.AddFile("a.rs", "fn a() {}")
		b := fset.AddFile("b.rs", "fn g() { m!(1 + 2) }")
		sf, errs := ParseFile(b)
		if len(errs) != 0 {
			t.Fatalf("ParseFile: %v", errs)
		}
		m := sf.Items[0].(*FnItem).Body.Stmts[0].(*ExprStmt).X.(*MacroExpr)
		// The tokens belong to b.rs but are parsed with a.rs as the
		// reporting file: their text comes through the FileSet.
		e, errs := ParseExpr(a, m.Mac.Args.Tokens)
		if len(errs) != 0 {
			t.Fatalf("ParseExpr: %v", errs)
		}
		ptEq(t, "expr", ptd(b).expr(e), "(+ 1 2)")
	})
	t.Run("errors in tokens from another file", func(t *testing.T) {
		fset := NewFileSet()
		a := fset.AddFile("a.rs", "fn a() {}")
		b := fset.AddFile("b.rs", "fn g() {\n    m!(1 + )\n}")
		sf, errs := ParseFile(b)
		if len(errs) != 0 {
			t.Fatalf("ParseFile: %v", errs)
		}
		m := sf.Items[0].(*FnItem).Body.Stmts[0].(*ExprStmt).X.(*MacroExpr)
		_, errs = ParseExpr(a, m.Mac.Args.Tokens)
		if len(errs) != 1 {
			t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
		}
		// The error lies in b.rs, wherever the reporting file is.
		p := errs[0].Pos
		ptEq(t, "error position", fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column), "b.rs:2:11")
	})
	t.Run("errors of a second file", func(t *testing.T) {
		fset := NewFileSet()
		fset.AddFile("a.rs", "fn a() {}")
		b := fset.AddFile("b.rs", "fn g() {\n    let = 1;\n}")
		_, errs := ParseFile(b)
		if len(errs) == 0 {
			t.Fatal("no errors")
		}
		p := errs[0].Pos
		ptEq(t, "error position", fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column), "b.rs:2:9")
	})
	t.Run("ParseItems of no tokens", func(t *testing.T) {
		f := NewFileSet().AddFile("t.rs", "")
		items, errs := ParseItems(f, nil)
		if len(items) != 0 || len(errs) != 0 {
			t.Errorf("got %d items, %d errors; want none", len(items), len(errs))
		}
	})
}

// ---------------------------------------------------------------------
// Error recovery

type ptWantErr struct {
	line, col int
	msg       string
}

func ptCheckErrs(t *testing.T, errs ErrorList, want []ptWantErr) {
	t.Helper()
	if len(errs) != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", len(errs), len(want), ptErrs(errs))
		return
	}
	for i, w := range want {
		e := errs[i]
		if e.Pos.Line != w.line || e.Pos.Column != w.col || !strings.Contains(e.Msg, w.msg) || e.Pos.Filename != "t.rs" {
			t.Errorf("error %d: got %s, want %d:%d containing %q", i, e, w.line, w.col, w.msg)
		}
	}
}

func TestParserRecovery(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		items string // rendering of the items
		errs  []ptWantErr
	}{
		{
			"error inside one statement",
			"fn a() {}\nfn b() {\n    let x = 1;\n    let y = ;\n    let z = 3;\n}\nfn c() {}",
			"fn a() {} fn b() {(let x = 1) (let y = BAD) (let z = 3)} fn c() {}",
			[]ptWantErr{{4, 13, "expected expression"}},
		},
		{
			"error in an expression statement",
			"fn f() {\n    g(1 2);\n    h();\n}\nstruct S;",
			"fn f() {(call g 1); (call h);} struct S;",
			[]ptWantErr{{2, 9, "unexpected"}},
		},
		{
			"garbage between items",
			"fn a() {}\n%%% garbage\nfn b() {}",
			"fn a() {} fn b() {}",
			[]ptWantErr{{2, 1, "expected item"}},
		},
		{
			"fn with broken params does not swallow the next item",
			"fn f( {\n)\nfn g() {}\nstruct S;",
			"",
			nil,
		},
		{
			"missing return type",
			"fn f(x: u8) -> {}\nfn g() {}",
			"fn f(x: u8) -> BAD {} fn g() {}",
			[]ptWantErr{{1, 16, "expected type"}},
		},
		{
			"missing field separator",
			"struct S { a: u8 b: u8 }\nfn g() {}",
			"",
			nil,
		},
		{
			"missing semicolon after let",
			"fn f() {\n    let x = 1\n    let y = 2;\n}",
			"fn f() {(let x = 1) (let y = 2)}",
			[]ptWantErr{{3, 5, "expected ';'"}},
		},
		{
			"missing semicolon between expressions",
			"fn f() {\n    a()\n    b()\n}",
			"fn f() {(call a) (call b)}",
			[]ptWantErr{{3, 5, "expected ';' or '}'"}},
		},
		{
			"missing semicolon after use",
			"use a::b\nfn f() {}",
			"use a::b; fn f() {}",
			[]ptWantErr{{2, 1, "expected \";\""}},
		},
		{
			"missing semicolon after tuple struct",
			"struct S(u8)\nfn f() {}",
			"struct S(u8); fn f() {}",
			[]ptWantErr{{2, 1, "expected \";\""}},
		},
		{
			"missing semicolon after item macro",
			"m!(x)\nfn f() {}",
			"m!(x) fn f() {}",
			[]ptWantErr{{2, 1, "expected \";\""}},
		},
		{
			"unclosed paren inside a function",
			"fn f() {\n    let x = (1 + ;\n}\nfn g() {}",
			"",
			nil,
		},
		{
			"bad match arm",
			"fn f() {\n    match x {\n        1 => a,\n        2 b,\n        3 => c,\n    }\n}",
			"fn f() {(match x (1 => a) (3 => c))}",
			[]ptWantErr{{4, 11, "expected \"=>\""}},
		},
		{
			"error in nested module",
			"mod m {\n    fn a() { ) }\n    fn b() {}\n}\nfn c() {}",
			"mod m {fn a() {} fn b() {}} fn c() {}",
			[]ptWantErr{{2, 14, "unexpected closing delimiter"}},
		},
		{
			"lexer error does not stop parsing",
			"fn f() { let s = \"€\"; € }\nfn g() {}",
			"",
			[]ptWantErr{{1, 23, "unexpected character"}},
		},
		{
			"qualifiers without an item",
			"pub unsafe;\nfn g() {}",
			"pub BAD fn g() {}",
			[]ptWantErr{{1, 11, "expected item after qualifiers"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sf, f, errs := ptParse(t, tc.src)
			if len(errs) == 0 {
				t.Errorf("no errors reported for %q", tc.src)
			}
			if tc.errs != nil {
				ptCheckErrs(t, errs, tc.errs)
			}
			if tc.items != "" {
				if got := ptd(f).items(sf.Items); got != tc.items {
					t.Errorf("items:\n got  %s\n want %s", got, tc.items)
				}
			}
			for _, e := range errs {
				if e.Pos.Line == 0 || e.Pos.Column == 0 {
					t.Errorf("error without position: %s", e)
				}
			}
		})
	}
}

// TestParserRecoveryKeepsItems checks that the items after a broken one
// survive, by name.
func TestParserRecoveryKeepsItems(t *testing.T) {
	tests := []struct {
		src  string
		want []string // names of the items that must be present, in order
	}{
		{"fn f( {\n)\nfn g() {}\nstruct S;", []string{"f", "g", "S"}},
		{"struct S { a: u8 b: u8 }\nfn g() {}", []string{"S", "g"}},
		{"fn f() {\n    let x = (1 + ;\n}\nfn g() {}", []string{"f", "g"}},
		{"fn f() { let s = \"€\"; € }\nfn g() {}", []string{"f", "g"}},
		{"pub unsafe;\nfn g() {}", []string{"g"}},
		{"impl X { fn a( -> {} fn b() {} }\nfn c() {}", []string{"X", "c"}},
		{"enum E { A(, B }\nfn c() {}", []string{"E", "c"}},
		{"fn a() { if { } }\nfn b() {}", []string{"a", "b"}},
		{"fn a() -> Vec<u8 {}\nfn b() {}", []string{"a", "b"}},
		{"use a::{b, ;}\nfn b() {}", []string{"b"}},
		{"trait T { fn f(&self) }\nfn b() {}", []string{"T", "b"}},
		{"const X: u8 = ;\nfn b() {}", []string{"X", "b"}},
		{"#[attr]\n\nfn b() {}\n#[dangling]", []string{"b"}},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			sf, _, errs := ptParse(t, tc.src)
			if len(errs) == 0 {
				t.Errorf("no errors reported for %q", tc.src)
			}
			var names []string
			for _, it := range sf.Items {
				if n := ptItemName(it); n != "" {
					names = append(names, n)
				}
			}
			j := 0
			for _, n := range names {
				if j < len(tc.want) && n == tc.want[j] {
					j++
				}
			}
			if j != len(tc.want) {
				t.Errorf("items %v, want %v in order\nerrors:\n%s", names, tc.want, ptErrs(errs))
			}
		})
	}
}

func ptItemName(it Item) string {
	switch it := it.(type) {
	case *FnItem:
		return it.Name.Name
	case *StructItem:
		return it.Name.Name
	case *EnumItem:
		return it.Name.Name
	case *TraitItem:
		return it.Name.Name
	case *ConstItem:
		return it.Name.Name
	case *ImplItem:
		return ptd(nil).typ(it.SelfType)
	}
	return ""
}

// TestParserErrorsStayInGroup checks that an error inside a delimited
// group is reported once and parsing resumes after the group.
func TestParserErrorsStayInGroup(t *testing.T) {
	tests := []struct {
		body string
		want string
		err  ptWantErr
	}{
		{"f(a b c); g();", "(call f a); (call g);", ptWantErr{2, 5, "unexpected"}},
		{"let v = [1 2]; g();", "(let v = [1]) (call g);", ptWantErr{2, 12, "unexpected"}},
		{"x[1 2]; g();", "(index x 1); (call g);", ptWantErr{2, 5, "unexpected"}},
		{"(a b); g();", "(paren a); (call g);", ptWantErr{2, 4, "unexpected"}},
		{"S { a: 1 2 }; g();", "(struct S a: 1); (call g);", ptWantErr{2, 10, "unexpected"}},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			stmts, f, errs := ptBody(t, tc.body)
			ptCheckErrs(t, errs, []ptWantErr{tc.err})
			if got := strings.Join(ptd(f).stmts(stmts), " "); got != tc.want {
				t.Errorf("body %q:\n got  %s\n want %s", tc.body, got, tc.want)
			}
		})
	}
}

// TestParserErrorPositions checks that errors point at the offending
// token, with columns counted in characters.
func TestParserErrorPositions(t *testing.T) {
	tests := []struct {
		src string
		err ptWantErr
	}{
		{"fn f() { let é = ; }", ptWantErr{1, 18, "expected expression"}},
		{"fn f() {\n\t\"€€\" + ; }", ptWantErr{2, 9, "expected expression"}},
		{"struct S { a u8 }", ptWantErr{1, 14, "expected \":\""}},
		{"fn f() -> u8 {\n}\nimpl X for {}", ptWantErr{3, 12, "expected type"}},
		{"fn f<T() {}", ptWantErr{1, 7, ""}},
		{"static X = 1;", ptWantErr{1, 10, "expected ':'"}},
		{"use a::1;", ptWantErr{1, 8, "use tree"}},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			_, _, errs := ptParse(t, tc.src)
			if len(errs) == 0 {
				t.Fatalf("no errors for %q", tc.src)
			}
			e := errs[0]
			if e.Pos.Line != tc.err.line || e.Pos.Column != tc.err.col || !strings.Contains(e.Msg, tc.err.msg) {
				t.Errorf("first error %s, want %d:%d containing %q\nall:\n%s", e, tc.err.line, tc.err.col, tc.err.msg, ptErrs(errs))
			}
		})
	}
}

// TestParserGarbage feeds broken inputs: the parser must not panic,
// must report an error, and every error must have a position.
func TestParserGarbage(t *testing.T) {
	inputs := []string{
		"fn", "fn f", "fn f(", "fn f()", "fn f() ->", "struct", "struct S {", "impl", "impl<", "impl X for",
		"use", "use a::{", "mod", "trait T:", "enum E { A(", "let x = 1;", "}", ")))", "fn f() { let }",
		"fn f() { match x { 1 => } }", "fn f() { if }", "fn f() { x. }", "fn f() { |x| }", "fn f() { 'a: }",
		"type T = ;", "type T = fn(;", "type T = <T as>::X;", "fn f() { S { a: } }", "fn f() { a as }",
		"#[", "#![", "pub(", "pub(in) fn f() {}", "extern \"C\"", "unsafe", "macro_rules!", "m!",
		"fn f() { let [a, = x; }", "fn f() { x.0.1.2.3.. = }",
	}
	for _, src := range inputs {
		t.Run(src, func(t *testing.T) {
			sf, _, errs := ptParse(t, src)
			if len(errs) == 0 {
				t.Errorf("no errors for %q", src)
			}
			for _, e := range errs {
				if e.Pos.Line == 0 || e.Pos.Column == 0 || strings.Contains(e.Msg, "internal parser error") {
					t.Errorf("bad error %s", e)
				}
			}
			Inspect(sf, func(n Node) bool { return true })
		})
	}
}

// ---------------------------------------------------------------------
// Spans

func TestParserSpans(t *testing.T) {
	src := "/// doc\n#[inline]\npub fn f(x: u8) -> u8 {\n    let y = g(x, 1);\n    y.max(z).min(0);\n    println!(\"{}\", y);\n    x\n}\nuse a::{b::c, d};\n"
	sf, f := ptParseOK(t, src)
	if len(sf.Items) != 2 {
		t.Fatalf("got %d items", len(sf.Items))
	}
	fn := sf.Items[0].(*FnItem)
	ptEq(t, "fn item span", ptSpan(f, fn), "1:1-8:2")
	ptEq(t, "fn name span", ptSpan(f, fn.Name), "3:8-3:9")
	ptEq(t, "doc attr span", ptSpan(f, fn.Attrs[0]), "1:1-1:8")
	ptEq(t, "attr span", ptSpan(f, fn.Attrs[1]), "2:1-2:10")
	ptEq(t, "vis span", ptSpan(f, fn.Vis), "3:1-3:4")
	ptEq(t, "param span", ptSpan(f, fn.Sig.Params[0]), "3:10-3:15")
	ptEq(t, "ret type span", ptSpan(f, fn.Sig.Ret), "3:20-3:22")
	ptEq(t, "body span", ptSpan(f, fn.Body), "3:23-8:2")
	stmts := fn.Body.Stmts
	if len(stmts) != 4 {
		t.Fatalf("got %d statements", len(stmts))
	}
	let := stmts[0].(*LetStmt)
	ptEq(t, "let span", ptSpan(f, let), "4:5-4:21")
	ptEq(t, "call span", ptSpan(f, let.Init), "4:13-4:20")
	ptEq(t, "call args", ptSpan(f, let.Init.(*CallExpr).Args[1]), "4:18-4:19")
	es := stmts[1].(*ExprStmt)
	ptEq(t, "expr stmt span", ptSpan(f, es), "5:5-5:21")
	mc := es.X.(*MethodCallExpr)
	ptEq(t, "method call span", ptSpan(f, mc), "5:5-5:20")
	ptEq(t, "inner method call span", ptSpan(f, mc.Recv), "5:5-5:13")
	ptEq(t, "method name span", ptSpan(f, mc.Name), "5:14-5:17")
	mac := stmts[2].(*ExprStmt).X.(*MacroExpr)
	ptEq(t, "macro span", ptSpan(f, mac), "6:5-6:22")
	ptEq(t, "macro path span", ptSpan(f, mac.Mac.Path), "6:5-6:12")
	ptEq(t, "tail span", ptSpan(f, stmts[3]), "7:5-7:6")
	use := sf.Items[1].(*UseItem)
	ptEq(t, "use span", ptSpan(f, use), "9:1-9:18")
	ptEq(t, "use tree span", ptSpan(f, use.Tree), "9:5-9:17")
	if len(use.Tree.Children) == 2 {
		ptEq(t, "use leaf span", ptSpan(f, use.Tree.Children[0]), "9:9-9:13")
		ptEq(t, "use leaf ident span", ptSpan(f, use.Tree.Children[0].Path[1]), "9:12-9:13")
		ptEq(t, "second use leaf span", ptSpan(f, use.Tree.Children[1]), "9:15-9:16")
	} else {
		t.Errorf("use tree has %d children", len(use.Tree.Children))
	}
	ptEq(t, "file span", ptSpan(f, sf), "1:1-10:1")
}

func TestParserSpansMore(t *testing.T) {
	tests := []struct {
		body string
		want string // span of the first statement's expression
	}{
		{"a.0.1", "2:1-2:6"},
		{"x.await?", "2:1-2:9"},
		{"&mut x", "2:1-2:7"},
		{"a + b * c", "2:1-2:10"},
		{"x as u8", "2:1-2:8"},
		{"|x| x + 1", "2:1-2:10"},
		{"S { a: 1 }", "2:1-2:11"},
		{"if a { b } else { c }", "2:1-2:22"},
		{"match x { _ => 1 }", "2:1-2:19"},
		{"'a: loop {}", "2:1-2:12"},
		{"unsafe { 1 }", "2:1-2:13"},
		{"Vec::<u8>::new()", "2:1-2:17"},
		{"é(ü)", "2:1-2:5"},
		{"..", "2:1-2:3"},
		{"a..", "2:1-2:4"},
		{"return 1", "2:1-2:9"},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			x, f := ptFirstExpr(t, tc.body)
			ptEq(t, "span of "+tc.body, ptSpan(f, x), tc.want)
		})
	}
}

// TestParserSplitSpans checks the spans of nodes that end inside a
// compound token split by the parser (">>", "&&").
func TestParserSplitSpans(t *testing.T) {
	it, f := ptFirstItem(t, "type T = Vec<Vec<u8>>;")
	outer := it.(*TypeAliasItem).Type.(*PathType)
	ptEq(t, "outer span", ptSpan(f, outer), "1:10-1:22")
	inner := outer.Path.Segments[0].Args.Args[0].(*TypeArg)
	ptEq(t, "inner span", ptSpan(f, inner.Type), "1:14-1:21")

	x, f := ptFirstExpr(t, "&&x")
	r := x.(*RefExpr)
	ptEq(t, "outer ref span", ptSpan(f, r), "2:1-2:4")
	ptEq(t, "inner ref span", ptSpan(f, r.X), "2:2-2:4")
}

// TestParserInspect checks that Inspect reaches nodes deep in a tree.
func TestParserInspect(t *testing.T) {
	sf, _ := ptParseOK(t, "mod m { impl X { fn f(&self) -> u8 { let v = [1, 2]; match v[0] { 1 => g(|a| a + 1), _ => 0 } } } }")
	counts := map[string]int{}
	Inspect(sf, func(n Node) bool {
		counts[strings.TrimPrefix(fmt.Sprintf("%T", n), "*syntax.")]++
		return true
	})
	for _, k := range []string{"ModItem", "ImplItem", "FnItem", "LetStmt", "ArrayExpr", "MatchExpr", "IndexExpr", "CallExpr", "ClosureExpr", "BinaryExpr"} {
		if counts[k] == 0 {
			t.Errorf("Inspect did not visit any %s (visited %v)", k, counts)
		}
	}
	ptEq(t, "LitExpr count", counts["LitExpr"], 6)
}

func ptd(f *File) ptD { return ptD{f} }

// TestParserRejects checks that invalid code is reported.
func TestParserRejects(t *testing.T) {
	tests := []struct {
		src string
		err ptWantErr
	}{
		{"fn f() {\n    let r = 1..=;\n}", ptWantErr{2, 14, "inclusive range with no end"}},
		{"fn f() {\n    a == b == c;\n}", ptWantErr{2, 12, ""}},
		{"fn f() {}\n#[attr]", ptWantErr{2, 1, ""}},
		{"mod m {\n    #[attr]\n}", ptWantErr{2, 5, ""}},
		{"fn f() {\n    #[attr]\n}", ptWantErr{3, 1, "expected statement after attributes"}},
		{"struct S { a: u8, b }", ptWantErr{1, 21, "expected \":\""}},
		{"fn f() { let x = 1 }", ptWantErr{1, 20, "expected ';'"}},
		{"enum E { A B }", ptWantErr{1, 12, ""}},
		{"extern crate;", ptWantErr{1, 13, "expected identifier"}},
		{"fn f() { match x { A => 1 B => 2 } }", ptWantErr{1, 27, "expected ','"}},
		{"fn f() { 1 + }", ptWantErr{1, 14, "expected expression"}},
		{"fn f() { let x: = 1; }", ptWantErr{1, 17, "expected type"}},
		{"const X: u8 = 1", ptWantErr{1, 16, "expected \";\""}},
		{"fn f() { S { a: 1, ..b, } }", ptWantErr{1, 23, ""}},
		{"fn f() { if x {} else }", ptWantErr{1, 23, ""}},
		{"fn f() { x. }", ptWantErr{1, 13, "expected field or method name"}},
		{"fn f() { let 1 + 1 = x; }", ptWantErr{1, 16, ""}},
		{"impl X for {}", ptWantErr{1, 12, "expected type"}},
		{"fn f(a b) {}", ptWantErr{1, 8, ""}},
		{"fn f() { |x| -> u8 x }", ptWantErr{1, 20, "expected '{'"}},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			_, _, errs := ptParse(t, tc.src)
			if len(errs) == 0 {
				t.Fatalf("no errors for invalid %q", tc.src)
			}
			e := errs[0]
			if e.Pos.Line != tc.err.line || e.Pos.Column != tc.err.col || !strings.Contains(e.Msg, tc.err.msg) {
				t.Errorf("first error %s, want %d:%d containing %q\nall:\n%s", e, tc.err.line, tc.err.col, tc.err.msg, ptErrs(errs))
			}
		})
	}
}

// TestParserNoCrash parses each input in a child process, because a
// stack overflow cannot be recovered from: the parser must finish, with
// errors, on every input. Macro token trees found in the file are also
// fed to ParseExpr, ParseStmts and ParseItems.
func TestParserNoCrash(t *testing.T) {
	if src, ok := os.LookupEnv("WARDEN_PTEST_CRASH_SRC"); ok {
		debug.SetMaxStack(8 << 20)
		f := NewFileSet().AddFile("t.rs", src)
		sf, _ := ParseFile(f)
		Inspect(sf, func(n Node) bool {
			if m, ok := n.(*MacroCall); ok && m.Args != nil {
				ParseExpr(f, m.Args.Tokens)
				ParseStmts(f, m.Args.Tokens)
				ParseItems(f, m.Args.Tokens)
			}
			return true
		})
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	inputs := []string{
		"fn f() {}\nm!(a b);",
		"fn f() { # }",
		"fn f() { g(#) }",
		"fn f() { x; #![a] }",
		"fn f() { let x = #![a] 1; }",
		"quote! { let x = #y; }",
		"m!(#);",
	}
	for _, src := range inputs {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestParserNoCrash$")
			cmd.Env = append(os.Environ(), "WARDEN_PTEST_CRASH_SRC="+src, "GOTRACEBACK=none")
			out, err := cmd.CombinedOutput()
			if err != nil {
				lines := strings.SplitN(string(out), "\n", 4)
				if len(lines) > 3 {
					lines = lines[:3]
				}
				t.Errorf("parsing %q crashed (%v):\n%s", src, err, strings.Join(lines, "\n"))
			}
		})
	}
}

// TestParserSingleError checks that one mistake yields exactly one
// diagnostic (no cascade), at the right place.
func TestParserSingleError(t *testing.T) {
	tests := []struct {
		src string
		err ptWantErr
	}{
		{"fn f() {\n    let x = 1 +;\n    g();\n}", ptWantErr{2, 16, "expected expression"}},
		{"struct S {\n    a: ,\n    b: u8,\n}", ptWantErr{2, 8, "expected type"}},
		{"fn f(a: u8,, b: u8) {}", ptWantErr{1, 12, ""}},
		{"use a::{b c};", ptWantErr{1, 11, ""}},
		{"enum E { A(u8 u8) }", ptWantErr{1, 15, ""}},
		{"fn f() { if x { } else { } } }", ptWantErr{1, 30, "unexpected closing delimiter"}},
		{"impl X { fn f(&self) { self. } }", ptWantErr{1, 30, "expected field or method name"}},
		{"fn f() { match x { 1 => , 2 => b } }", ptWantErr{1, 25, "expected expression"}},
		{"fn f() { g(1,, 2); }", ptWantErr{1, 14, "expected expression"}},
		{"const X: u8 = 1 2;", ptWantErr{1, 17, "expected \";\""}},
		{"trait T { fn f(&self) }", ptWantErr{1, 23, "expected '{' or ';'"}},
		{"fn f() { let x = S { a: 1, b }; let y = ; }", ptWantErr{1, 41, "expected expression"}},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			_, _, errs := ptParse(t, tc.src)
			ptCheckErrs(t, errs, []ptWantErr{tc.err})
		})
	}
}
