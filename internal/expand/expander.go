package expand

import (
	"errors"
	"fmt"

	"github.com/wardenrs/warden/internal/syntax"
)

// Expander expands, recursively, the invocations of known macros found in
// token lists, and registers the macro_rules! definitions it meets
// (including those produced by macro-defining macros).
//
// Scoping is textual, as for macro_rules!: a definition is visible from
// where ExpandAll meets it, shadowing earlier ones of the same name, to
// the end of the enclosing brace group; definitions at the top level of
// the token list, in a #[macro_use] mod { ... } or in the braces of a
// macro invocation that is not expanded stay visible after it.
type Expander struct {
	Fset *syntax.FileSet
	// Macros maps macro names to definitions; ExpandAll adds the
	// definitions it meets. It may be nil.
	Macros map[string]*Macro
	// Budget bounds all the expansions of this Expander; nil means a
	// default Budget, allocated on first use.
	Budget *Budget
	// Extern, if set, resolves macros of other crates: it is called with
	// the first segment of a path (a crate name) and the macro name for
	// invocations such as bitflags::bitflags! or ::core::matches!, and,
	// inside expansions of a macro it returned, for $crate:: paths and
	// bare names (local_inner_macros), before Macros. It returns nil for
	// unknown macros.
	Extern func(crate, name string) *Macro
	// Expanded counts the invocations expanded so far.
	Expanded int
}

// maxErrors bounds the errors one ExpandAll call reports.
const maxErrors = 16

// ExpandAll returns toks with every invocation of a known macro
// (name!(...), name![...], name!{...}, also behind $crate::, crate::,
// self:: or super:: paths, or crate paths resolved by Extern) replaced by
// its expansion, itself expanded recursively; depth is the expansion
// depth of toks (0 for source tokens). macro_rules! definitions in toks
// or in expansions are compiled and registered as they are met; their
// bodies are not expanded. Invocations of unknown macros are kept, and the
// invocations inside their arguments expanded.
//
// An expansion stays one syntactic node where it matters, as in rustc: it
// is wrapped in zero-length parentheses when it is not a single token tree
// and the invocation is in expression, type or pattern position (after
// anything but ';', '{', '}', ')', an attribute or a doc comment), or when
// it is not a single token or non-brace group and an invocation with ()
// or [] in statement position is followed by an operator, '.', '?', '(',
// '[' or "as" (m!(x).f() or m!(x) + 1).
//
// The result is always balanced (if toks is): invocations that fail to
// expand are kept as written. The error joins the failures (at most 16);
// once the budget is exhausted (errors.Is(err, ErrBudget)), no further
// invocation is expanded.
func (e *Expander) ExpandAll(toks []syntax.Token, depth int) ([]syntax.Token, error) {
	if e.Budget == nil {
		e.Budget = &Budget{}
	}
	if e.Macros == nil {
		e.Macros = make(map[string]*Macro)
	}
	s := &expandState{e: e, b: e.Budget, file: fileOf(e.Fset, toks)}
	s.out = make([]syntax.Token, 0, len(toks))
	s.scan(toks, depth, "")
	for len(s.braces) > 0 { // unbalanced input: close what is open
		s.closeBrace()
	}
	if s.dropped > 0 {
		s.errs = append(s.errs, fmt.Errorf("and %d more macro expansion errors", s.dropped))
	}
	return s.out, errors.Join(s.errs...)
}

// expandState is the state of one ExpandAll call: the output is shared by
// all nesting levels, so memory stays proportional to what is produced.
type expandState struct {
	e       *Expander
	b       *Budget
	file    *syntax.File
	out     []syntax.Token
	errs    []error
	dropped int
	stopped bool // budget exhausted: expand nothing more

	braces []bool   // open '{': whether each is a scope
	level  int      // scopes open
	undo   []shadow // definitions to undo when their scope closes
}

// shadow records a definition made in a scope, and what it shadowed.
type shadow struct {
	level int
	name  string
	prev  *Macro
}

func (s *expandState) text(t syntax.Token) string { return tokText(s.e.Fset, s.file, t) }

func (s *expandState) fail(err error) {
	if errors.Is(err, ErrBudget) {
		if s.stopped {
			return // reported once
		}
		s.stopped = true
	}
	if len(s.errs) < maxErrors {
		s.errs = append(s.errs, err)
	} else {
		s.dropped++
	}
}

func (s *expandState) openBrace(scope bool) {
	s.braces = append(s.braces, scope)
	if scope {
		s.level++
	}
}

func (s *expandState) closeBrace() {
	n := len(s.braces)
	if n == 0 {
		return
	}
	scope := s.braces[n-1]
	s.braces = s.braces[:n-1]
	if !scope {
		return
	}
	for len(s.undo) > 0 && s.undo[len(s.undo)-1].level == s.level {
		u := s.undo[len(s.undo)-1]
		s.undo = s.undo[:len(s.undo)-1]
		if u.prev == nil {
			delete(s.e.Macros, u.name)
		} else {
			s.e.Macros[u.name] = u.prev
		}
	}
	s.level--
}

// pairDelims returns the partner index of each delimiter of toks, -1 for
// unmatched ones and other tokens.
func pairDelims(toks []syntax.Token) []int32 {
	match := make([]int32, len(toks))
	var stack []int32
	for i, t := range toks {
		match[i] = -1
		switch {
		case t.Kind.IsOpen():
			stack = append(stack, int32(i))
		case t.Kind.IsClose():
			if n := len(stack); n > 0 && closerOf(toks[stack[n-1]].Kind) == t.Kind {
				o := stack[n-1]
				stack = stack[:n-1]
				match[o], match[i] = int32(i), o
			}
		}
	}
	return match
}

// scan copies toks to the output, expanding invocations; crate is the
// Extern crate whose macro produced toks ("" for this crate).
func (s *expandState) scan(toks []syntax.Token, depth int, crate string) {
	match := pairDelims(toks)
	macroGroup := -1 // index of the group of an invocation left as is
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.Kind == syntax.Identifier && i+2 < len(toks) && toks[i+1].Kind == syntax.Not {
			// macro_rules! name { ... }
			if i+3 < len(toks) && isNameKind(toks[i+2].Kind) && toks[i+3].Kind.IsOpen() && match[i+3] > 0 &&
				s.text(t) == "macro_rules" {
				end := int(match[i+3])
				s.define(toks, i, end, s.hasAttr(toks, match, i, "macro_export"))
				s.out = append(s.out, toks[i:end+1]...)
				i = end + 1
				continue
			}
			// path ! group
			if toks[i+2].Kind.IsOpen() && match[i+2] > 0 {
				if !s.stopped {
					if m, mcrate, npre := s.resolve(toks, i, crate); m != nil {
						end := int(match[i+2])
						if s.invoke(m, mcrate, toks, i, npre, end, depth) {
							i = end + 1
							continue
						}
					}
				}
				macroGroup = i + 2
			}
		}
		switch t.Kind {
		case syntax.LBrace:
			s.openBrace(i != macroGroup && !s.macroUseMod(toks, match, i))
		case syntax.RBrace:
			s.closeBrace()
		}
		s.out = append(s.out, t)
		i++
	}
}

// stripRaw removes the r# of a raw identifier.
func stripRaw(name string) string {
	if len(name) > 2 && name[0] == 'r' && name[1] == '#' {
		return name[2:]
	}
	return name
}

// resolve finds the macro invoked by the path ending with the name at
// toks[i]; it returns the macro, the Extern crate it comes from ("" for
// Macros) and the number of path tokens before the name.
//
// Paths are resolved by their first segment: none (a bare name), $crate,
// crate, self or super designate this crate (for $crate and bare names
// inside an Extern macro's expansion, that macro's crate first); another
// identifier, with or without a leading "::", is a crate name for Extern.
func (s *expandState) resolve(toks []syntax.Token, i int, crate string) (*Macro, string, int) {
	name := stripRaw(s.text(toks[i]))
	j := i
	first := syntax.Token{Kind: syntax.EOF}
	dollar := false
	for j >= 2 && toks[j-1].Kind == syntax.PathSep {
		seg := toks[j-2]
		if seg.Kind != syntax.Identifier && seg.Kind != syntax.KwSelfValue && seg.Kind != syntax.KwSuper && seg.Kind != syntax.KwCrate {
			break // "::" starts the path, or this is no path we follow
		}
		first = seg
		j -= 2
		if seg.Kind == syntax.KwCrate {
			if j >= 1 && toks[j-1].Kind == syntax.Dollar {
				j--
				dollar = true
			}
			break
		}
	}
	global := j >= 1 && toks[j-1].Kind == syntax.PathSep
	if global {
		j--
		if j >= 1 && (toks[j-1].Kind == syntax.Gt || toks[j-1].Kind == syntax.Shr) {
			return nil, "", 0 // <T as Trait>::name! is no macro path
		}
	}
	ext := func(c string) *Macro {
		if s.e.Extern == nil || c == "" {
			return nil
		}
		return s.e.Extern(c, name)
	}
	switch {
	case first.Kind == syntax.EOF && !global, dollar:
		if m := ext(crate); m != nil {
			return m, crate, i - j
		}
		return s.e.Macros[name], "", i - j
	case global && first.Kind == syntax.EOF:
		return nil, "", 0 // ::name!
	case first.Kind == syntax.Identifier:
		c := stripRaw(s.text(first))
		return ext(c), c, i - j
	case global:
		return nil, "", 0 // ::crate::name!
	}
	return s.e.Macros[name], "", i - j // crate::, self::, super::
}

// define compiles and registers the definition macro_rules! name {...}
// at toks[i:end+1].
func (s *expandState) define(toks []syntax.Token, i, end int, exported bool) {
	nameTok, open := toks[i+2], toks[i+3]
	def := &syntax.MacroRulesItem{
		Name: syntax.Ident{Span: syntax.Span{Lo: nameTok.Pos, Hi: nameTok.End()}, Name: stripRaw(s.text(nameTok))},
		Body: &syntax.TokenTree{
			Span:   syntax.Span{Lo: open.Pos, Hi: toks[end].End()},
			Delim:  open.Kind,
			Tokens: toks[i+4 : end : end],
		},
	}
	def.Span = syntax.Span{Lo: toks[i].Pos, Hi: toks[end].End()}
	m, err := Compile(s.e.Fset, def)
	if err != nil {
		s.fail(fmt.Errorf("macro_rules! %s: %w", def.Name.Name, err))
		return
	}
	m.Exported = exported
	if s.level > 0 {
		s.undo = append(s.undo, shadow{level: s.level, name: m.Name, prev: s.e.Macros[m.Name]})
	}
	s.e.Macros[m.Name] = m
}

// hasAttr reports whether the item at toks[i] is preceded by an outer
// attribute #[name ...].
func (s *expandState) hasAttr(toks []syntax.Token, match []int32, i int, name string) bool {
	for i >= 3 && toks[i-1].Kind == syntax.RBrack {
		open := int(match[i-1])
		if open < 1 || toks[open-1].Kind != syntax.Pound {
			return false
		}
		if open+1 < i-1 && s.text(toks[open+1]) == name {
			return true
		}
		i = open - 1
	}
	return false
}

// macroUseMod reports whether the '{' at toks[i] opens the body of a
// #[macro_use] mod, whose macros outlive it.
func (s *expandState) macroUseMod(toks []syntax.Token, match []int32, i int) bool {
	if i < 2 || toks[i-2].Kind != syntax.KwMod {
		return false
	}
	j := i - 2
	if j >= 1 && toks[j-1].Kind == syntax.RParen { // pub(crate) mod
		if o := int(match[j-1]); o >= 1 {
			j = o
		}
	}
	if j >= 1 && toks[j-1].Kind == syntax.KwPub {
		j--
	}
	return s.hasAttr(toks, match, j, "macro_use")
}

// invoke expands the invocation at toks[i-npre:end+1] (path, name, '!',
// group) into the output; it reports false, leaving the output as it
// was, if the expansion failed.
func (s *expandState) invoke(m *Macro, mcrate string, toks []syntax.Token, i, npre, end, depth int) bool {
	b := s.b
	if depth+1 > b.maxDepth() {
		s.fail(fmt.Errorf("macro `%s`: %w: recursion deeper than %d", m.Name, ErrBudget, b.maxDepth()))
		return false
	}
	exp, err := m.Expand(s.e.Fset, toks[i+3:end], b)
	if err != nil {
		s.fail(err)
		return false
	}
	s.e.Expanded++
	start := i - npre
	s.out = s.out[:len(s.out)-npre]
	var wrap bool
	switch {
	case start > 0 && exprPosition(toks[start-1]):
		wrap = !singleTree(exp)
	case toks[i+2].Kind != syntax.LBrace && end+1 < len(toks) && continuesExpr(toks[end+1].Kind):
		// m!(x).f() in statement position is an expression statement.
		wrap = len(exp) > 1 && !(singleTree(exp) && exp[0].Kind != syntax.LBrace)
	}
	pos := toks[start].Pos
	if wrap {
		if err := b.charge(2); err != nil {
			s.fail(err)
			wrap = false
		} else {
			s.out = append(s.out, syntax.Token{Pos: pos, Kind: syntax.LParen})
		}
	}
	s.scan(exp, depth+1, mcrate)
	if wrap {
		s.out = append(s.out, syntax.Token{Pos: pos, Kind: syntax.RParen})
	}
	return true
}

// exprPosition reports whether an invocation preceded by prev is in
// expression (or type, or pattern) position rather than item or
// statement position.
func exprPosition(prev syntax.Token) bool {
	switch prev.Kind {
	case syntax.Semi, syntax.LBrace, syntax.RBrace, syntax.RBrack, syntax.RParen, syntax.DocComment:
		// ')' ends no expression that an expression could follow: it
		// ends an item macro call missing its ';'.
		return false
	}
	return true
}

// continuesExpr reports whether a token of kind k after an expression
// continues it.
func continuesExpr(k syntax.Kind) bool {
	switch k {
	case syntax.Dot, syntax.Question, syntax.KwAs, syntax.LParen, syntax.LBrack,
		syntax.Plus, syntax.Minus, syntax.Star, syntax.Slash, syntax.Percent, syntax.Caret,
		syntax.And, syntax.Or, syntax.Shl, syntax.Shr, syntax.AndAnd, syntax.OrOr,
		syntax.EqEq, syntax.Ne, syntax.Lt, syntax.Le, syntax.Gt, syntax.Ge, syntax.Eq,
		syntax.PlusEq, syntax.MinusEq, syntax.StarEq, syntax.SlashEq, syntax.PercentEq,
		syntax.CaretEq, syntax.AndEq, syntax.OrEq, syntax.ShlEq, syntax.ShrEq,
		syntax.DotDot, syntax.DotDotEq:
		return true
	}
	return false
}

// singleTree reports whether toks is empty, one token or one delimited
// group.
func singleTree(toks []syntax.Token) bool {
	if len(toks) <= 1 {
		return true
	}
	if !toks[0].Kind.IsOpen() {
		return false
	}
	d := 0
	for i, t := range toks {
		switch {
		case t.Kind.IsOpen():
			d++
		case t.Kind.IsClose():
			d--
			if d == 0 {
				return i == len(toks)-1
			}
		}
	}
	return false
}
