package expand

import (
	"fmt"

	"github.com/wardenrs/warden/internal/syntax"
)

// transcriber substitutes the bindings of one successful match into a
// rule's transcriber.
type transcriber struct {
	x     *matchCtx
	m     *Macro
	r     *Rule
	binds []*binding
	idx   []int // current index of each enclosing repetition
	out   []syntax.Token
	limit int // tokens left in the budget

	// In a counting pass, nothing is written: n counts the tokens the
	// transcription will produce, so that the output is allocated once
	// and an over-budget expansion fails before it is built.
	counting bool
	n        int
}

func (t *transcriber) put(tok syntax.Token) {
	t.n++
	if !t.counting {
		t.out = append(t.out, tok)
	}
}

func (t *transcriber) putAll(toks []syntax.Token) {
	t.n += len(toks)
	if !t.counting {
		t.out = append(t.out, toks...)
	}
}

// run transcribes the rule: a counting pass, then the real one.
func (t *transcriber) run() ([]syntax.Token, error) {
	t.counting, t.n = true, 0
	if err := t.nodes(t.r.trans); err != nil {
		return nil, err
	}
	t.out = make([]syntax.Token, 0, t.n)
	t.counting, t.n = false, 0
	if err := t.nodes(t.r.trans); err != nil {
		return nil, err
	}
	return t.out, nil
}

func (t *transcriber) errorf(pos syntax.Pos, format string, args ...any) error {
	msg := fmt.Sprintf("macro `%s`: %s", t.m.Name, fmt.Sprintf(format, args...))
	if t.x.fset != nil {
		if p := t.x.fset.Position(pos); p.Line > 0 {
			msg = p.String() + ": " + msg
		}
	}
	return fmt.Errorf("%s", msg)
}

// lookup returns the binding of metavariable v at the current repetition
// indices: a single fragment, or a repetition still to iterate.
func (t *transcriber) lookup(v int) *binding {
	b := t.binds[v]
	for _, j := range t.idx {
		if b == nil || !b.isSeq {
			break
		}
		if j >= len(b.seq) {
			return nil
		}
		b = b.seq[j]
	}
	return b
}

func (t *transcriber) nodes(ns []tnode) error {
	for i := range ns {
		n := &ns[i]
		switch n.kind {
		case tTok:
			t.put(n.tok)
		case tVar:
			b := t.lookup(n.v)
			name := t.r.vars[n.v].name
			if b == nil {
				return t.errorf(n.tok.Pos, "metavariable `$%s` has no binding here", name)
			}
			if b.isSeq {
				return t.errorf(n.tok.Pos, "variable `%s` is still repeating at this depth", name)
			}
			var next *tnode
			if i+1 < len(ns) {
				next = &ns[i+1]
			}
			t.fragment(b, t.r.vars[n.v].frag, next)
		case tSeq:
			count, by, err := t.lockstep(n)
			if err != nil {
				return err
			}
			if by < 0 {
				// No metavariable repeats here (rustc rejects this):
				// keep "$( ... ) sep op" as tokens, as a macro-defining
				// macro means it.
				t.put(n.tok)
				t.put(n.open)
				if err := t.nodes(n.sub); err != nil {
					return err
				}
				t.put(n.close)
				if n.hasSep {
					t.put(n.sep)
				}
				t.put(n.opTk)
				break
			}
			for j := 0; j < count; j++ {
				if j > 0 && n.hasSep {
					t.put(n.sep)
				}
				t.idx = append(t.idx, j)
				err := t.nodes(n.sub)
				t.idx = t.idx[:len(t.idx)-1]
				if err != nil {
					return err
				}
			}
		}
		if t.n > t.limit {
			return fmt.Errorf("macro `%s`: %w: expansion too large", t.m.Name, ErrBudget)
		}
	}
	return nil
}

// lockstep returns the number of iterations of repetition n: all the
// metavariables inside it that still repeat at this depth must agree. by
// is -1 if none repeats.
func (t *transcriber) lockstep(n *tnode) (count, by int, err error) {
	by = -1
	for _, v := range n.vars {
		b := t.lookup(v)
		if b == nil || !b.isSeq {
			continue
		}
		if by < 0 {
			count, by = len(b.seq), v
			continue
		}
		if len(b.seq) != count {
			return 0, 0, t.errorf(n.tok.Pos, "meta-variable `%s` repeats %d times, but `%s` repeats %d times",
				t.r.vars[by].name, count, t.r.vars[v].name, len(b.seq))
		}
	}
	return count, by, nil
}

// fragment substitutes a bound fragment; next is the transcriber node
// that follows, if any. rustc keeps a substituted fragment one opaque
// node (an invisible group); this is emulated where it changes how the
// output parses:
//   - an expr is wrapped in zero-length parentheses, unless it is a single
//     token, a single group or a plain path, so "$a * 2" keeps precedence;
//   - a ty followed by '<' ("as $t << 8") is wrapped likewise;
//   - a path gets zero-length "::" before its generic arguments
//     (Pair<T> becomes Pair::<T>), valid in expressions and patterns
//     ("let $p { .. }") as in types.
func (t *transcriber) fragment(b *binding, frag syntax.FragmentKind, next *tnode) {
	toks := t.x.args[b.lo:b.hi]
	wrap := false
	switch frag {
	case syntax.FragExpr:
		wrap = t.needsParens(b)
	case syntax.FragTy:
		if next != nil && next.kind == tTok {
			switch next.tok.Kind {
			case syntax.Lt, syntax.Shl, syntax.Le, syntax.ShlEq, syntax.LArrow:
				wrap = true
			}
		}
	case syntax.FragPath:
		t.path(toks)
		return
	}
	if wrap {
		pos := toks[0].Pos
		t.put(syntax.Token{Pos: pos, Kind: syntax.LParen})
		t.putAll(toks)
		t.put(syntax.Token{Pos: pos, Kind: syntax.RParen})
		return
	}
	t.putAll(toks)
}

// path substitutes a path fragment, with a turbofish before the generic
// arguments of its segments.
func (t *transcriber) path(toks []syntax.Token) {
	angle, nest, from := 0, 0, 0
	for j, tok := range toks {
		switch tok.Kind {
		case syntax.LParen, syntax.LBrack, syntax.LBrace:
			nest++
		case syntax.RParen, syntax.RBrack, syntax.RBrace:
			nest--
		case syntax.Lt, syntax.Shl, syntax.Le, syntax.ShlEq, syntax.LArrow:
			if angle == 0 && nest == 0 && j > 0 && isSegmentEnd(toks[j-1].Kind) {
				t.putAll(toks[from:j])
				t.put(syntax.Token{Pos: tok.Pos, Kind: syntax.PathSep})
				from = j
			}
			angle++
			if tok.Kind == syntax.Shl || tok.Kind == syntax.ShlEq {
				angle++
			}
		case syntax.Gt, syntax.Ge:
			angle--
		case syntax.Shr, syntax.ShrEq:
			angle -= 2
		}
	}
	t.putAll(toks[from:])
}

// isSegmentEnd reports whether a token of kind k can end a path segment
// name.
func isSegmentEnd(k syntax.Kind) bool { return k == syntax.Identifier || k.IsKeyword() }

func (t *transcriber) needsParens(b *binding) bool {
	n := int(b.hi - b.lo)
	if n <= 1 {
		return false
	}
	args := t.x.args
	if args[b.lo].Kind.IsOpen() && int(t.x.match[b.lo]) == int(b.hi)-1 {
		return false
	}
	for _, tok := range args[b.lo:b.hi] {
		switch tok.Kind {
		case syntax.Identifier, syntax.PathSep, syntax.KwSelfValue, syntax.KwSelfType, syntax.KwSuper, syntax.KwCrate:
		default:
			return true
		}
	}
	return false
}

// desugarDocs rewrites the doc comments of macro arguments as the
// attribute rustc sees when matching: "/// x" becomes # [ doc = "x" ]
// and "//! x" # ! [ doc = "x" ]. The new tokens are synthetic: all are
// zero-length at the comment's position (the zero-length identifier reads
// as "doc"), except the string literal, which spans the whole comment.
// resugarDocs undoes the rewrite where the attribute survives intact.
func desugarDocs(args []syntax.Token, text func(syntax.Token) string) []syntax.Token {
	n := 0
	for _, t := range args {
		if t.Kind == syntax.DocComment {
			n++
		}
	}
	if n == 0 {
		return args
	}
	out := make([]syntax.Token, 0, len(args)+7*n)
	for _, t := range args {
		if t.Kind != syntax.DocComment || t.Len < 3 {
			out = append(out, t)
			continue
		}
		p := t.Pos
		out = append(out, syntax.Token{Pos: p, Kind: syntax.Pound})
		if s := text(t); len(s) > 2 && s[2] == '!' {
			out = append(out, syntax.Token{Pos: p, Kind: syntax.Not})
		}
		out = append(out,
			syntax.Token{Pos: p, Kind: syntax.LBrack},
			syntax.Token{Pos: p, Kind: syntax.Identifier},
			syntax.Token{Pos: p, Kind: syntax.Eq},
			syntax.Token{Pos: p, Len: t.Len, Kind: syntax.Str},
			syntax.Token{Pos: p, Kind: syntax.RBrack})
	}
	return out
}

// resugarDocs turns desugared doc attributes back into their doc comment
// token, in place: "# [ doc = STR ]" (or "# ! [ ... ]") whose STR is the
// synthetic string of a comment (its text is the comment itself), whatever
// the origin of the other tokens (a transcriber's "#[$m]" or
// "#[doc = $d]" keeps its own).
func resugarDocs(toks []syntax.Token, text func(syntax.Token) string) []syntax.Token {
	w := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == syntax.Pound {
			if n, doc, ok := docAt(toks[i:], text); ok {
				toks[w] = doc
				w++
				i += n - 1
				continue
			}
		}
		toks[w] = t
		w++
	}
	return toks[:w]
}

// docAt recognises a desugared doc attribute at the start of toks.
func docAt(toks []syntax.Token, text func(syntax.Token) string) (n int, doc syntax.Token, ok bool) {
	j := 1
	if j < len(toks) && toks[j].Kind == syntax.Not {
		j++
	}
	if j+4 >= len(toks) || toks[j].Kind != syntax.LBrack {
		return 0, doc, false
	}
	id, eq, str, cl := toks[j+1], toks[j+2], toks[j+3], toks[j+4]
	if id.Kind != syntax.Identifier || eq.Kind != syntax.Eq || str.Kind != syntax.Str || str.Len < 3 || cl.Kind != syntax.RBrack {
		return 0, doc, false
	}
	if s := text(str); len(s) < 3 || s[0] != '/' || text(id) != "doc" {
		return 0, doc, false
	}
	return j + 5, syntax.Token{Pos: str.Pos, Len: str.Len, Kind: syntax.DocComment}, true
}
