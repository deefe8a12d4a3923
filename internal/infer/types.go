// Package infer gives the expressions of a lowered program their types
// and resolves method calls by the receiver's type, as rustc does, as
// far as an audit needs: the types of locals from their initializers,
// annotations and patterns, with exact lexical scoping (locals and
// parameters shadow items); return types from the crate's own
// signatures, from its dependencies' facts and from a modelled table of
// std signatures (std.txt, data like the effect model); and method
// calls resolved to an inherent method, a trait impl, or, on a generic
// or dyn receiver, a trait method linked to every impl of the crate.
//
// A call whose receiver type stays unknown is left unresolved: matching
// a method by its name alone is the caller's decision (internal/effects
// does it only for the model's distinctive names).
package infer

import (
	"fmt"
	"strings"
)

// Kind is the shape of a type.
type Kind uint8

// Type kinds.
const (
	Unknown Kind = iota
	Named        // a nominal type: a struct, enum, union, primitive or std type, with generic arguments
	Param        // a generic parameter (T: Bounds) or an impl Trait argument
	Dyn          // dyn Trait
	Tuple        // (A, B); () has no Args
	Slice        // [T] or [T; N]
	Ptr          // *const T or *mut T
)

// Type is an inferred type. References are looked through (&T is T):
// methods are found the same way on both, and no audit question depends
// on the difference.
type Type struct {
	Kind Kind
	// Path is, for Named, the canonical path (std::fs::File,
	// mycrate::Conn) or a primitive's name (u8, str); for Param, the
	// parameter's name.
	Path string
	// Args are a Named type's generic arguments, a Tuple's elements, or
	// the element type of a Slice or Ptr.
	Args []*Type
	// Bounds are, for Param and Dyn, the canonical paths of the traits;
	// BoundArgs their generic arguments (AsRef<Path>: [Path]), in the
	// same order, and Assoc the associated types they fix
	// (Iterator<Item = PathBuf>: Item is PathBuf).
	Bounds    []string
	BoundArgs [][]*Type
	Assoc     map[string]*Type
	Mut       bool // Ptr: *mut
}

// boundType returns, for a Param or Dyn type, its bound trait path as a
// Named type with the bound's generic arguments (for the table's $0 in
// a trait method's return type: AsRef<T>::as_ref returns $0).
func (t *Type) boundType(trait string) *Type {
	for i, b := range t.Bounds {
		if b == trait {
			var args []*Type
			if i < len(t.BoundArgs) {
				args = t.BoundArgs[i]
			}
			return named(trait, args...)
		}
	}
	return named(trait)
}

// named returns a Named type.
func named(path string, args ...*Type) *Type { return &Type{Kind: Named, Path: path, Args: args} }

// Arg returns the i-th generic argument, or nil.
func (t *Type) Arg(i int) *Type {
	if t == nil || i >= len(t.Args) {
		return nil
	}
	return t.Args[i]
}

// Nominal returns the path of a Named type ("" for other kinds and nil).
func (t *Type) Nominal() string {
	if t == nil || t.Kind != Named {
		return ""
	}
	return t.Path
}

// String renders t in the table's syntax: std::io::Result<std::fs::File>,
// (A,B), [T], *const T, impl A+B, dyn A.
func (t *Type) String() string {
	if t == nil {
		return "_"
	}
	var b strings.Builder
	t.write(&b)
	return b.String()
}

func (t *Type) write(b *strings.Builder) {
	if t == nil {
		b.WriteString("_")
		return
	}
	list := func(ts []*Type) {
		for i, a := range ts {
			if i > 0 {
				b.WriteByte(',')
			}
			a.write(b)
		}
	}
	switch t.Kind {
	case Named:
		b.WriteString(t.Path)
		if len(t.Args) > 0 {
			b.WriteByte('<')
			list(t.Args)
			b.WriteByte('>')
		}
	case Param:
		if t.Path == "impl" {
			b.WriteString("impl " + strings.Join(t.Bounds, "+"))
			break
		}
		b.WriteString(t.Path)
		if len(t.Bounds) > 0 {
			b.WriteString(":" + strings.Join(t.Bounds, "+"))
		}
	case Dyn:
		b.WriteString("dyn " + strings.Join(t.Bounds, "+"))
	case Tuple:
		b.WriteByte('(')
		list(t.Args)
		b.WriteByte(')')
	case Slice:
		b.WriteByte('[')
		list(t.Args)
		b.WriteByte(']')
	case Ptr:
		if t.Mut {
			b.WriteString("*mut ")
		} else {
			b.WriteString("*const ")
		}
		list(t.Args)
	default:
		b.WriteString("_")
	}
}

// ParseType reads a type in the table's syntax. Placeholders ($0, Self,
// item, $closure) are Named types with that path, substituted by subst.
func ParseType(s string) (*Type, error) {
	p := &typeParser{s: s}
	t := p.typ()
	if p.err == nil && p.i != len(p.s) {
		p.fail("unexpected %q", p.s[p.i:])
	}
	if p.err != nil {
		return nil, fmt.Errorf("type %q: %w", s, p.err)
	}
	return t, nil
}

type typeParser struct {
	s   string
	i   int
	err error
}

func (p *typeParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

func (p *typeParser) eat(prefix string) bool {
	if strings.HasPrefix(p.s[p.i:], prefix) {
		p.i += len(prefix)
		return true
	}
	return false
}

func (p *typeParser) list(end byte) []*Type {
	var out []*Type
	for p.err == nil && p.i < len(p.s) && p.s[p.i] != end {
		out = append(out, p.typ())
		if !p.eat(",") {
			break
		}
	}
	if !p.eat(string(end)) {
		p.fail("missing %q", end)
	}
	return out
}

func (p *typeParser) typ() *Type {
	switch {
	case p.err != nil:
		return nil
	case p.eat("&mut "), p.eat("&"):
		return p.typ()
	case p.eat("dyn "):
		return &Type{Kind: Dyn, Bounds: p.bounds()}
	case p.eat("impl "):
		return &Type{Kind: Param, Path: "impl", Bounds: p.bounds()}
	case p.eat("*const "):
		return &Type{Kind: Ptr, Args: []*Type{p.typ()}}
	case p.eat("*mut "):
		return &Type{Kind: Ptr, Mut: true, Args: []*Type{p.typ()}}
	case p.eat("("):
		return &Type{Kind: Tuple, Args: p.list(')')}
	case p.eat("["):
		return &Type{Kind: Slice, Args: p.list(']')}
	case p.eat("_"):
		if p.i == len(p.s) || !isPathByte(p.s[p.i]) {
			return nil
		}
		p.i--
	}
	path := p.path("type")
	if path == "" {
		return nil
	}
	t := named(path)
	if p.eat("<") {
		t.Args = p.list('>')
	}
	return t
}

// path reads a path (what names a type or trait), failing when there is
// none.
func (p *typeParser) path(what string) string {
	start := p.i
	for p.i < len(p.s) && (isPathByte(p.s[p.i]) || p.s[p.i] == ':') {
		p.i++
	}
	if p.i == start {
		p.fail("missing %s at %q", what, p.s[p.i:])
	}
	return p.s[start:p.i]
}

// bounds reads trait paths joined by '+'.
func (p *typeParser) bounds() []string {
	var out []string
	for {
		path := p.path("trait")
		if path == "" {
			return out
		}
		out = append(out, path)
		if !p.eat("+") {
			return out
		}
	}
}

// MapPaths returns t with every path rewritten by f (a dependency's
// crate name as its dependent names it).
func (t *Type) MapPaths(f func(string) string) *Type {
	if t == nil {
		return nil
	}
	out := *t
	if t.Kind == Named {
		out.Path = f(t.Path)
	}
	if len(t.Bounds) > 0 {
		out.Bounds = make([]string, len(t.Bounds))
		for i, b := range t.Bounds {
			out.Bounds[i] = f(b)
		}
	}
	return out.withArgs(func(a *Type) *Type { return a.MapPaths(f) })
}

// withArgs returns t with each generic argument (or element) replaced by
// f's result: a copy when it has any, t itself otherwise.
func (t *Type) withArgs(f func(*Type) *Type) *Type {
	if len(t.Args) == 0 {
		return t
	}
	out := *t
	out.Args = make([]*Type, len(t.Args))
	for i, a := range t.Args {
		out.Args[i] = f(a)
	}
	return &out
}

func isPathByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
