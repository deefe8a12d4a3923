// Package expand is a macro_rules! engine for reading Rust source without
// compiling it: it compiles a crate's declarative macros and expands their
// invocations into plain tokens, so that effects hidden inside a crate's
// own macros (a std::fs::File::open in a transcriber, a macro that defines
// another macro, a tt-muncher) become visible to later analysis.
//
// The engine follows rustc's "mbe" semantics where they decide what a
// macro produces: rules are tried in order and the first whose matcher
// consumes the whole input wins; the matcher is run as an NFA over the
// flattened matcher (repetitions, separators, delimited groups) in which
// fragments other than tt are delegated to the parser's FragmentMatcher;
// transcription substitutes bindings by repetition depth with lockstep
// counts. Doc comments in arguments are seen as #[doc = "..."] like rustc
// does. It is hygiene-free: identifiers keep their text and their original
// positions, so every token of an expansion points either into the macro
// definition or into the invocation's arguments. The only other tokens are
// zero-length synthetic ones, placed at the position of what they stand
// for: parentheses that keep a substituted expression or a macro call's
// expansion one operand (as rustc's invisible groups do), "::" before the
// generic arguments of a substituted path, and the pieces of a doc comment
// seen as an attribute (turned back into the comment when transcribed
// whole). Deliberate simplifications: no hygiene, no follow-set checks,
// no cfg evaluation, no metavariable expressions (${count(x)}), and matcher
// ambiguities that rustc rejects resolve to the first path found.
//
// Everything is bounded by a Budget (nesting depth and tokens produced),
// so hostile input such as macro bombs stops with ErrBudget, quickly and
// in bounded memory. No function of this package panics on malformed
// definitions or arguments.
package expand

import (
	"fmt"

	"github.com/wardenrs/warden/internal/syntax"
)

// Macro is a compiled macro_rules! definition.
type Macro struct {
	Name     string // the macro's name, without r#
	Exported bool   // #[macro_export]
	// LocalInner is #[macro_export(local_inner_macros)]: bare macro
	// names in the expansion mean the defining crate's macros.
	LocalInner bool
	Rules      []*Rule                // in definition order
	Def        *syntax.MacroRulesItem // the definition compiled

	file *syntax.File // resolves token text (any file of the set works)
}

// Rule is one "(matcher) => {transcriber}" arm of a macro, compiled.
type Rule struct {
	// Span covers the rule, from the matcher's opening delimiter to the
	// transcriber's closing one.
	Span syntax.Span

	locs   []loc          // flattened matcher, ending with locEOF
	vars   []metaVar      // metavariables, in declaration order
	byName map[string]int // metavariable name -> index in vars
	trans  []tnode        // transcriber
}

// finishMatcher terminates the matcher and applies edition fixes: a
// $x:pat followed by '|' must come from an edition 2015/2018 crate (rustc
// rejects it in 2021, where pat includes top-level alternatives), where pat
// means pat_param.
func (r *Rule) finishMatcher() {
	r.locs = append(r.locs, loc{kind: locEOF})
	for i := range r.locs {
		l := &r.locs[i]
		if l.kind != locMeta || l.frag != syntax.FragPat {
			continue
		}
		next := &r.locs[i+1]
		if next.kind == locSeqStart && next.first < int32(len(r.locs)) {
			next = &r.locs[next.first]
		}
		if (next.kind == locToken || next.kind == locSeqSep) && next.tok.Kind == syntax.Or {
			l.frag = syntax.FragPatParam
			r.vars[l.v].frag = syntax.FragPatParam
		}
	}
}

// metaVar is a $name:frag declared by a matcher.
type metaVar struct {
	name  string
	frag  syntax.FragmentKind
	depth int // number of enclosing repetitions
}

// locKind is the kind of a flattened matcher location.
type locKind uint8

const (
	locToken       locKind = iota // a literal token (delimiters included)
	locMeta                       // $name:frag
	locSeqStart                   // start of $( ... ); after is the first location past it
	locSeqEnd                     // end of a repetition body without separator
	locSeqSep                     // separator of a repetition; followed by locSeqAfterSep
	locSeqAfterSep                // jumps back to the body (first)
	locEOF                        // end of the matcher
)

// loc is one location of a flattened matcher, rustc's MatcherLoc.
type loc struct {
	kind         locKind
	op           syntax.Kind // repetition operator: Star, Plus or Question
	tok          syntax.Token
	text         string // text of tok, where it matters for equality
	frag         syntax.FragmentKind
	v            int32 // metavariable index (locMeta)
	depth        int32 // repetition depth of this location
	first, after int32 // body start; location past the repetition
	varLo, varHi int32 // metavariables declared inside the repetition
}

// tnodeKind is the kind of a transcriber node.
type tnodeKind uint8

const (
	tTok tnodeKind = iota // a token copied as is
	tVar                  // $name, bound by the matcher
	tSeq                  // $( ... ) sep? op
)

// tnode is one element of a compiled transcriber.
type tnode struct {
	kind tnodeKind
	tok  syntax.Token // tTok: the token; tVar, tSeq: the '$'
	v    int          // tVar: metavariable index
	// tSeq:
	sub               []tnode
	hasSep            bool
	sep               syntax.Token
	op                syntax.Kind
	open, close, opTk syntax.Token
	vars              []int // metavariables used inside, at any depth
}

// maxSeqDepth bounds the nesting of $( ... ) repetitions in a definition.
const maxSeqDepth = 64

// compiler holds the state of one Compile call.
type compiler struct {
	fset  *syntax.FileSet
	file  *syntax.File
	toks  []syntax.Token
	match []int32 // index of the matching delimiter, or -1
}

// compileError is reported for malformed definitions.
func (c *compiler) errorf(pos syntax.Pos, format string, args ...any) error {
	var p syntax.Position
	if c.fset != nil && pos.IsValid() {
		p = c.fset.Position(pos)
	}
	return &syntax.Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

func (c *compiler) text(t syntax.Token) string { return tokText(c.fset, c.file, t) }

// Compile compiles a macro_rules! definition (or an unstable macro 2.0
// definition). Malformed definitions are reported as a *syntax.Error with
// the position of the offending token.
func Compile(fset *syntax.FileSet, def *syntax.MacroRulesItem) (*Macro, error) {
	if def == nil || def.Body == nil {
		return nil, &syntax.Error{Msg: "macro definition without body"}
	}
	m := &Macro{Name: def.Name.Name, Def: def, Exported: hasMacroExport(def.Attrs)}
	if fset != nil {
		for _, p := range []syntax.Pos{def.Name.Lo, def.Body.Lo, def.Lo} {
			if f := fset.File(p); f != nil {
				m.file = f
				break
			}
		}
		if m.file == nil {
			m.file = fileOf(fset, def.Body.Tokens)
		}
	}
	c := &compiler{fset: fset, file: m.file}
	if def.Macro2 && def.Params != nil {
		// macro name(matcher) { transcriber }
		c.setTokens(def.Params.Tokens)
		if c.match == nil {
			return nil, c.errorf(def.Params.Lo, "unbalanced delimiters in macro parameters")
		}
		r := &Rule{Span: syntax.Span{Lo: def.Params.Lo, Hi: def.Body.Hi}, byName: map[string]int{}}
		if err := c.matcher(r, 0, len(c.toks), 0); err != nil {
			return nil, err
		}
		r.finishMatcher()
		c.setTokens(def.Body.Tokens)
		if c.match == nil {
			return nil, c.errorf(def.Body.Lo, "unbalanced delimiters in macro body")
		}
		trans, err := c.transcriber(r, 0, len(c.toks), 0)
		if err != nil {
			return nil, err
		}
		r.trans = trans
		m.Rules = []*Rule{r}
		return m, nil
	}
	sep := syntax.Semi
	if def.Macro2 {
		sep = syntax.Comma
	}
	c.setTokens(def.Body.Tokens)
	if c.match == nil {
		return nil, c.errorf(def.Body.Lo, "unbalanced delimiters in macro body")
	}
	rules, err := c.rules(sep)
	if err != nil {
		return nil, err
	}
	m.Rules = rules
	return m, nil
}

// hasMacroExport reports whether attrs include #[macro_export].
func hasMacroExport(attrs []*syntax.Attr) bool {
	for _, a := range attrs {
		if a != nil && a.Doc == "" && a.Path != nil && a.Name() == "macro_export" {
			return true
		}
	}
	return false
}

func (c *compiler) setTokens(toks []syntax.Token) {
	c.toks = toks
	c.match = delimMatch(toks)
}

// delimMatch returns, for each delimiter of toks, the index of its
// partner; it returns nil if toks are not balanced.
func delimMatch(toks []syntax.Token) []int32 {
	match := pairDelims(toks)
	for i, t := range toks {
		if (t.Kind.IsOpen() || t.Kind.IsClose()) && match[i] < 0 {
			return nil
		}
	}
	return match
}

func closerOf(k syntax.Kind) syntax.Kind {
	switch k {
	case syntax.LParen:
		return syntax.RParen
	case syntax.LBrack:
		return syntax.RBrack
	}
	return syntax.RBrace
}

// rules parses "matcher => transcriber" arms separated by sep.
func (c *compiler) rules(sep syntax.Kind) ([]*Rule, error) {
	var rules []*Rule
	toks := c.toks
	for i := 0; i < len(toks); {
		if toks[i].Kind == sep { // also tolerates ";;"
			i++
			continue
		}
		if !toks[i].Kind.IsOpen() {
			return nil, c.errorf(toks[i].Pos, "expected macro matcher (a delimited group), found %s", c.desc(toks[i]))
		}
		mOpen, mClose := i, int(c.match[i])
		i = mClose + 1
		if i >= len(toks) || toks[i].Kind != syntax.FatArrow {
			return nil, c.errorf(c.posAt(i), "expected `=>` after macro matcher, found %s", c.descAt(i))
		}
		i++
		if i >= len(toks) || !toks[i].Kind.IsOpen() {
			return nil, c.errorf(c.posAt(i), "expected macro transcriber (a delimited group), found %s", c.descAt(i))
		}
		tOpen, tClose := i, int(c.match[i])
		i = tClose + 1
		if i < len(toks) && toks[i].Kind != sep {
			return nil, c.errorf(toks[i].Pos, "expected `%s` after macro rule, found %s", sep, c.desc(toks[i]))
		}
		r := &Rule{Span: syntax.Span{Lo: toks[mOpen].Pos, Hi: toks[tClose].End()}, byName: map[string]int{}}
		if err := c.matcher(r, mOpen+1, mClose, 0); err != nil {
			return nil, err
		}
		r.finishMatcher()
		trans, err := c.transcriber(r, tOpen+1, tClose, 0)
		if err != nil {
			return nil, err
		}
		r.trans = trans
		rules = append(rules, r)
	}
	return rules, nil
}

func (c *compiler) posAt(i int) syntax.Pos {
	if i < len(c.toks) {
		return c.toks[i].Pos
	}
	if len(c.toks) > 0 {
		return c.toks[len(c.toks)-1].End()
	}
	return syntax.NoPos
}

func (c *compiler) descAt(i int) string {
	if i < len(c.toks) {
		return c.desc(c.toks[i])
	}
	return "end of macro body"
}

func (c *compiler) desc(t syntax.Token) string {
	if s := c.text(t); s != "" {
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return fmt.Sprintf("`%s`", s)
	}
	return fmt.Sprintf("`%s`", t.Kind)
}

// isNameKind reports whether a token can name a metavariable or fragment
// specifier: identifiers and keywords.
func isNameKind(k syntax.Kind) bool { return k == syntax.Identifier || k.IsKeyword() }

// textMatters reports whether two tokens of kind k can differ in text.
func textMatters(k syntax.Kind) bool {
	return k == syntax.Identifier || k == syntax.Lifetime || k == syntax.DocComment || k.IsLiteral() || k == syntax.Invalid
}

// matcher flattens the matcher toks[lo:hi] into r.locs.
func (c *compiler) matcher(r *Rule, lo, hi, depth int) error {
	toks := c.toks
	for i := lo; i < hi; i++ {
		t := toks[i]
		if t.Kind == syntax.Dollar && i+1 < hi {
			n := toks[i+1]
			switch {
			case n.Kind == syntax.LParen:
				if depth >= maxSeqDepth {
					return c.errorf(t.Pos, "macro repetitions nested too deeply")
				}
				end := int(c.match[i+1])
				sep, hasSep, op, _, next, err := c.kleene(end+1, hi, toks[end].End())
				if err != nil {
					return err
				}
				start := int32(len(r.locs))
				r.locs = append(r.locs, loc{kind: locSeqStart, op: op, tok: t, depth: int32(depth), varLo: int32(len(r.vars))})
				if err := c.matcher(r, i+2, end, depth+1); err != nil {
					return err
				}
				if hasSep {
					r.locs = append(r.locs,
						loc{kind: locSeqSep, tok: sep, text: c.text(sep), first: start + 1, depth: int32(depth + 1)},
						loc{kind: locSeqAfterSep, first: start + 1, depth: int32(depth + 1)})
				} else {
					r.locs = append(r.locs, loc{kind: locSeqEnd, op: op, first: start + 1, depth: int32(depth + 1)})
				}
				s := &r.locs[start]
				s.after = int32(len(r.locs))
				s.first = start + 1
				s.varHi = int32(len(r.vars))
				i = next - 1
				continue
			case isNameKind(n.Kind) && n.Kind != syntax.KwCrate:
				name := c.text(n)
				if i+3 >= hi || toks[i+2].Kind != syntax.Colon || !isNameKind(toks[i+3].Kind) {
					return c.errorf(n.Pos, "missing fragment specifier for `$%s`", name)
				}
				fragName := c.text(toks[i+3])
				frag := syntax.FragmentKindOf(fragName)
				if frag == syntax.FragInvalid {
					return c.errorf(toks[i+3].Pos, "invalid fragment specifier `%s`", fragName)
				}
				if _, dup := r.byName[name]; dup {
					return c.errorf(n.Pos, "duplicate matcher binding `$%s`", name)
				}
				r.byName[name] = len(r.vars)
				r.locs = append(r.locs, loc{kind: locMeta, tok: n, frag: frag, v: int32(len(r.vars)), depth: int32(depth)})
				r.vars = append(r.vars, metaVar{name: name, frag: frag, depth: depth})
				i += 3
				continue
			case n.Kind == syntax.Dollar:
				i++ // "$$" matches one literal '$'
				t = n
			}
		}
		if t.Kind == syntax.DocComment {
			// rustc ignores doc comments in a matcher (a known quirk it
			// keeps, rust-lang/rust#95267): they match nothing.
			continue
		}
		r.locs = append(r.locs, loc{kind: locToken, tok: t, text: c.literalText(t), depth: int32(depth)})
	}
	return nil
}

// literalText is the text a literal matcher token is compared by.
func (c *compiler) literalText(t syntax.Token) string {
	if textMatters(t.Kind) {
		return c.text(t)
	}
	return ""
}

// kleene parses the optional separator and the repetition operator that
// follow a $( ... ) group, starting at toks[i]; groupEnd is used for the
// error position when nothing follows. It returns the index past them.
func (c *compiler) kleene(i, hi int, groupEnd syntax.Pos) (sep syntax.Token, hasSep bool, op syntax.Kind, opTok syntax.Token, next int, err error) {
	isOp := func(k syntax.Kind) bool { return k == syntax.Star || k == syntax.Plus || k == syntax.Question }
	if i >= hi {
		return sep, false, 0, opTok, i, c.errorf(groupEnd, "expected one of `*`, `+`, or `?` after repetition")
	}
	t := c.toks[i]
	if isOp(t.Kind) {
		return sep, false, t.Kind, t, i + 1, nil
	}
	if t.Kind.IsOpen() || t.Kind.IsClose() {
		return sep, false, 0, opTok, i, c.errorf(t.Pos, "expected one of `*`, `+`, or `?` after repetition, found %s", c.desc(t))
	}
	if i+1 < hi && isOp(c.toks[i+1].Kind) {
		o := c.toks[i+1]
		if o.Kind == syntax.Question {
			return sep, false, 0, opTok, i, c.errorf(t.Pos, "the `?` macro repetition operator does not take a separator")
		}
		return t, true, o.Kind, o, i + 2, nil
	}
	return sep, false, 0, opTok, i, c.errorf(t.Pos, "expected one of `*`, `+`, or `?` after repetition, found %s", c.desc(t))
}

// transcriber compiles the transcriber toks[lo:hi].
func (c *compiler) transcriber(r *Rule, lo, hi, depth int) ([]tnode, error) {
	toks := c.toks
	var out []tnode
	for i := lo; i < hi; i++ {
		t := toks[i]
		if t.Kind == syntax.Dollar && i+1 < hi {
			n := toks[i+1]
			switch {
			case n.Kind == syntax.LParen:
				if depth >= maxSeqDepth {
					return nil, c.errorf(t.Pos, "macro repetitions nested too deeply")
				}
				end := int(c.match[i+1])
				sep, hasSep, op, opTok, next, err := c.kleene(end+1, hi, toks[end].End())
				if err != nil {
					return nil, err
				}
				sub, err := c.transcriber(r, i+2, end, depth+1)
				if err != nil {
					return nil, err
				}
				seq := tnode{kind: tSeq, tok: t, sub: sub, hasSep: hasSep, sep: sep, op: op,
					open: n, close: toks[end], opTk: opTok}
				seq.vars = collectVars(nil, sub)
				out = append(out, seq)
				i = next - 1
				continue
			case isNameKind(n.Kind) && n.Kind != syntax.KwCrate:
				if v, ok := r.byName[c.text(n)]; ok {
					out = append(out, tnode{kind: tVar, tok: t, v: v})
					i++
					continue
				}
				// Not a metavariable of this rule: "$name" is copied as is
				// (macro-defining macros rely on it).
			case n.Kind == syntax.Dollar:
				// "$$" stands for one '$'.
				out = append(out, tnode{kind: tTok, tok: n})
				i++
				continue
			}
			// $crate and any other '$' are kept as tokens.
		}
		out = append(out, tnode{kind: tTok, tok: t})
	}
	return out, nil
}

// collectVars appends the metavariables used in ns, at any depth, without
// duplicates.
func collectVars(vars []int, ns []tnode) []int {
	for i := range ns {
		switch ns[i].kind {
		case tVar:
			dup := false
			for _, v := range vars {
				if v == ns[i].v {
					dup = true
					break
				}
			}
			if !dup {
				vars = append(vars, ns[i].v)
			}
		case tSeq:
			vars = collectVars(vars, ns[i].sub)
		}
	}
	return vars
}

// tokText returns a token's text: through file when it belongs to it,
// else through the set. Zero-length identifiers stand for the "doc" of a
// desugared doc comment.
func tokText(fset *syntax.FileSet, file *syntax.File, t syntax.Token) string {
	if t.Len == 0 {
		if t.Kind == syntax.Identifier {
			return "doc"
		}
		return ""
	}
	if file != nil {
		if off := int(t.Pos - file.Base); off >= 0 && off+int(t.Len) <= len(file.Src) {
			return file.Src[off : off+int(t.Len)]
		}
	}
	if fset != nil {
		return fset.Text(t)
	}
	return ""
}

// fileOf returns the file of the first token of toks that has one.
func fileOf(fset *syntax.FileSet, toks []syntax.Token) *syntax.File {
	if fset == nil {
		return nil
	}
	for i, t := range toks {
		if i > 64 {
			break
		}
		if f := fset.File(t.Pos); f != nil {
			return f
		}
	}
	return nil
}
