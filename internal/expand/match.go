package expand

import (
	"errors"
	"fmt"

	"github.com/wardenrs/warden/internal/syntax"
)

// ErrBudget is wrapped by the errors reported when an expansion exceeds
// its Budget (nesting depth, tokens produced, or matching work).
var ErrBudget = errors.New("macro expansion budget exceeded")

// ErrNoMatch is wrapped by the error reported when no rule of a macro
// matches an invocation's arguments.
var ErrNoMatch = errors.New("no macro rule matched")

// Default limits, used for the zero fields of a Budget.
const (
	DefaultMaxDepth  = 128 // rustc's default recursion_limit
	DefaultMaxTokens = 2_000_000
)

// Matching work (matcher states visited plus tokens consumed by fragment
// parses) is bounded per Expand call by maxMatchSteps, and for a Budget
// by stepsPerToken times its token limit.
const (
	maxMatchSteps = 8_000_000
	stepsPerToken = 32
)

// Budget bounds the work of expanding macros. One Budget is shared by all
// the expansions of an analysis (or of a crate) so that the total stays
// bounded; zero fields take the default limits. Besides the tokens
// produced, each expansion counts one token, and matching may take up to
// 32 steps per token of MaxTokens (8 million per Expand call). A Budget is
// not safe for concurrent use.
type Budget struct {
	MaxDepth  int // nested expansion depth (ExpandAll); 0 means DefaultMaxDepth; at most 4096
	MaxTokens int // total tokens produced across all expansions; 0 means DefaultMaxTokens

	used    int
	steps   int       // matching work so far
	scratch *matchCtx // buffers reused by successive Expand calls
}

// Used returns the number of tokens charged to the budget so far.
func (b *Budget) Used() int { return b.used }

func (b *Budget) maxTokens() int {
	if b.MaxTokens <= 0 {
		return DefaultMaxTokens
	}
	return b.MaxTokens
}

// maxDepthCap bounds MaxDepth, as each level of nesting takes stack.
const maxDepthCap = 4096

func (b *Budget) maxDepth() int {
	if b.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return min(b.MaxDepth, maxDepthCap)
}

// charge adds n tokens to the budget, reporting ErrBudget when it is
// exhausted.
func (b *Budget) charge(n int) error {
	b.used += n
	if b.used > b.maxTokens() {
		return fmt.Errorf("%w: more than %d tokens produced", ErrBudget, b.maxTokens())
	}
	return nil
}

// binding is what a metavariable matched: a token range of the
// arguments, or a repetition of bindings.
type binding struct {
	isSeq  bool
	seq    []*binding
	lo, hi int32
}

// event is one step of a matcher path, kept as a parent-linked list so
// that paths share their prefixes.
type event struct {
	parent  int32
	seqOpen bool  // open a repetition for varLo..varHi at depth
	v       int32 // single: metavariable; seqOpen: first metavariable
	depth   int32
	lo, hi  int32 // single: token range; seqOpen: hi is the end of the variable range
}

// item is one NFA state: a matcher location and the path that led to it.
type item struct {
	idx  int32
	path int32 // index into events, -1 for the empty path
}

// matchCtx is the state shared by the rules of one Expand call.
type matchCtx struct {
	fset     *syntax.FileSet
	file     *syntax.File
	args     []syntax.Token
	match    []int32 // partner of each delimiter of args
	fm       *syntax.FragmentMatcher
	frag     map[int64]int32 // (pos, kind) -> fragment length, -1 if none
	steps    int
	maxSteps int

	cur, next []item // matchRule's state lists, reused
	far       map[int32][]item
	seen      []int32
	events    []event
}

func (x *matchCtx) text(t syntax.Token) string { return tokText(x.fset, x.file, t) }

// fragment reports how many tokens at p form a fragment of kind k.
func (x *matchCtx) fragment(p int, k syntax.FragmentKind) (int, bool) {
	args := x.args
	if k == syntax.FragTT {
		switch {
		case p >= len(args) || args[p].Kind.IsClose():
			return 0, false
		case args[p].Kind.IsOpen():
			return int(x.match[p]) - p + 1, true
		}
		return 1, true
	}
	if p < len(args) && args[p].Kind.IsClose() && k != syntax.FragVis {
		return 0, false
	}
	key := int64(p)<<8 | int64(k)
	if n, ok := x.frag[key]; ok {
		return int(n), n >= 0
	}
	if x.fm == nil {
		file := x.file
		if file == nil {
			file = &syntax.File{}
		}
		x.fm = syntax.NewFragmentMatcher(file, args)
		x.frag = make(map[int64]int32)
	}
	n, ok := x.fm.Match(p, k)
	if !ok || p+n > len(args) || n < 0 {
		x.frag[key] = -1
		x.steps += 4
		return 0, false
	}
	x.frag[key] = int32(n)
	x.steps += n + 1
	return n, true
}

// same reports whether the argument token t equals the literal matcher
// token l.
func (x *matchCtx) same(l *loc, t syntax.Token) bool {
	if l.tok.Kind != t.Kind {
		return false
	}
	return !textMatters(t.Kind) || l.text == x.text(t)
}

func (x *matchCtx) push(e event) int32 {
	x.events = append(x.events, e)
	return int32(len(x.events) - 1)
}

// matchRule runs rule r's matcher over the arguments as an NFA. States are
// (matcher location, argument position) pairs, each visited once, so the
// work is at most locations × positions plus fragment parses; paths
// reaching the same state are merged (the first one wins, which only
// matters for matchers rustc rejects as ambiguous). It returns the
// bindings of the first complete match, or the farthest position reached.
func (x *matchCtx) matchRule(r *Rule) (binds []*binding, farthest int, err error) {
	n := len(x.args)
	if cap(x.seen) < len(r.locs) {
		x.seen = make([]int32, len(r.locs))
	}
	seen := x.seen[:len(r.locs)]
	for i := range seen {
		seen[i] = 0
	}
	if cap(x.events) < n+16 {
		x.events = make([]event, 0, n+16)
	}
	x.events = x.events[:0]
	// States of the current position, of the next one, and of positions
	// further on (reached by fragments of several tokens).
	cur, next := x.cur[:0], x.next[:0]
	far := x.far
	for k := range far {
		delete(far, k)
	}
	defer func() { x.cur, x.next = cur[:0], next[:0] }()
	next = append(next, item{0, -1})
	for p := 0; p <= n; p++ {
		// The stack holds the states at p, processed last in first out;
		// states scheduled earlier are pushed last so they come first.
		cur, next = next, cur[:0]
		if extra, ok := far[int32(p)]; ok {
			cur = append(cur, extra...)
			delete(far, int32(p))
		}
		if len(cur) == 0 {
			if len(far) == 0 {
				break
			}
			continue
		}
		farthest = p
		stamp := int32(p + 1)
		for i, j := 0, len(cur)-1; i < j; i, j = i+1, j-1 {
			cur[i], cur[j] = cur[j], cur[i]
		}
		for len(cur) > 0 {
			it := cur[len(cur)-1]
			cur = cur[:len(cur)-1]
			if seen[it.idx] == stamp {
				continue
			}
			seen[it.idx] = stamp
			x.steps++
			if x.steps > x.maxSteps {
				return nil, p, fmt.Errorf("%w: matching took more than %d steps", ErrBudget, x.maxSteps)
			}
			l := &r.locs[it.idx]
			switch l.kind {
			case locToken:
				if p < n && x.same(l, x.args[p]) {
					next = append(next, item{it.idx + 1, it.path})
				}
			case locMeta:
				k, ok := x.fragment(p, l.frag)
				if !ok {
					continue
				}
				path := x.push(event{parent: it.path, v: l.v, depth: l.depth, lo: int32(p), hi: int32(p + k)})
				switch k {
				case 0:
					cur = append(cur, item{it.idx + 1, path})
				case 1:
					next = append(next, item{it.idx + 1, path})
				default:
					if far == nil {
						far = make(map[int32][]item)
						x.far = far
					}
					far[int32(p+k)] = append(far[int32(p+k)], item{it.idx + 1, path})
				}
			case locSeqStart:
				path := it.path
				if l.varHi > l.varLo {
					path = x.push(event{parent: it.path, seqOpen: true, v: l.varLo, hi: l.varHi, depth: l.depth})
				}
				if l.op != syntax.Plus {
					cur = append(cur, item{l.after, path})
				}
				cur = append(cur, item{it.idx + 1, path}) // tried first: greedy
			case locSeqEnd:
				cur = append(cur, item{it.idx + 1, it.path})
				if l.op != syntax.Question {
					cur = append(cur, item{l.first, it.path})
				}
			case locSeqSep:
				cur = append(cur, item{it.idx + 2, it.path})
				if p < n && x.same(l, x.args[p]) {
					next = append(next, item{it.idx + 1, it.path})
				}
			case locSeqAfterSep:
				cur = append(cur, item{l.first, it.path})
			case locEOF:
				if p == n {
					return x.bindings(r, it.path), p, nil
				}
			}
		}
	}
	return nil, farthest, nil
}

// bindings replays a successful path into the bindings of r's
// metavariables, like rustc's push_match: a repetition opened at depth d
// for a metavariable, or a fragment it matched at its depth D, is appended
// to the last repetition opened for it at depth d-1 (D-1). A first pass
// creates the bindings and counts each repetition's elements, so that a
// second pass fills repetitions allocated at their final size.
func (x *matchCtx) bindings(r *Rule, path int32) []*binding {
	var evs []int32
	for e := path; e >= 0; e = x.events[e].parent {
		evs = append(evs, e)
	}
	size := 0
	for _, e := range evs {
		if ev := &x.events[e]; ev.seqOpen {
			size += int(ev.hi - ev.v)
		} else {
			size++
		}
	}
	slab := make([]binding, size)
	// last[base[v]+d] is the last repetition opened at depth d for v.
	base := make([]int, len(r.vars)+1)
	for v, mv := range r.vars {
		base[v+1] = base[v] + mv.depth + 1
	}
	last := make([]*binding, base[len(r.vars)])
	binds := make([]*binding, len(r.vars))
	pass := func(fill bool) {
		clear(last)
		k := 0
		put := func(v, depth int, b *binding) {
			if v < 0 || v >= len(binds) || depth > r.vars[v].depth {
				return
			}
			if b.isSeq {
				last[base[v]+depth] = b
			}
			if depth == 0 {
				binds[v] = b
				return
			}
			p := last[base[v]+depth-1]
			switch {
			case p == nil:
			case fill:
				p.seq = append(p.seq, b)
			default:
				p.lo++ // counts elements
			}
		}
		for i := len(evs) - 1; i >= 0; i-- {
			e := &x.events[evs[i]]
			if e.seqOpen {
				for v := e.v; v < e.hi; v++ {
					b := &slab[k]
					k++
					if !fill {
						*b = binding{isSeq: true}
					}
					put(int(v), int(e.depth), b)
				}
			} else {
				b := &slab[k]
				k++
				if !fill {
					*b = binding{lo: e.lo, hi: e.hi}
				}
				put(int(e.v), int(e.depth), b)
			}
		}
	}
	pass(false)
	total := 0
	for i := range slab {
		if slab[i].isSeq {
			total += int(slab[i].lo)
		}
	}
	elems := make([]*binding, total)
	for i := range slab {
		if b := &slab[i]; b.isSeq {
			n := int(b.lo)
			b.seq, elems, b.lo = elems[:0:n], elems[n:], 0
		}
	}
	pass(true)
	return binds
}

// Expand expands one invocation of m whose arguments (the tokens inside
// the invocation's delimiters) are args: the rules are tried in order and
// the first whose matcher consumes all of args is transcribed. The result
// is balanced; its tokens are tokens of the definition (transcriber) and
// of args (substituted fragments), plus zero-length synthetic tokens (see
// the package documentation): parentheses around substituted expr
// fragments (and ty fragments followed by '<'), and "::" before the
// generic arguments of path fragments. Nested invocations in the result
// are not expanded (see Expander). b may be nil (default limits, not
// shared).
//
// Where a fragment ends inside a ">>", ">=" or ">>=" of args
// ("NonNull<$t:ty>" against "NonNull<Vec<u8>>"), a rule that fails is
// retried with those tokens split, as rustc splits them on demand.
//
// Errors: no rule matched (wrapping ErrNoMatch), budget exceeded (wrapping
// ErrBudget), or a transcription error such as metavariables repeating a
// different number of times in one $( ... ) group.
func (m *Macro) Expand(fset *syntax.FileSet, args []syntax.Token, b *Budget) ([]syntax.Token, error) {
	if b == nil {
		b = &Budget{}
	}
	if err := b.charge(1); err != nil {
		return nil, err
	}
	file := m.file
	if file == nil {
		file = fileOf(fset, args)
	}
	text := func(t syntax.Token) string { return tokText(fset, file, t) }
	args = desugarDocs(args, text)
	match := delimMatch(args)
	if match == nil {
		return nil, fmt.Errorf("macro `%s`: unbalanced delimiters in arguments", m.Name)
	}
	x := b.scratch
	if x == nil {
		x = &matchCtx{}
		b.scratch = x
	}
	*x = matchCtx{fset: fset, file: file, args: args, match: match,
		cur: x.cur, next: x.next, far: x.far, seen: x.seen, events: x.events}
	x.maxSteps = min(maxMatchSteps, stepsPerToken*b.maxTokens()-b.steps)
	defer func() {
		b.steps += x.steps
		x.args, x.match, x.fm, x.frag = nil, nil, nil, nil
	}()
	// Arguments with ">>", ">=" or ">>=" split into single characters,
	// for rules where a fragment ends inside one ("NonNull<$t:ty>" against
	// "NonNull<Vec<u8>>"), which rustc handles by splitting on demand.
	var split *matchCtx
	splitArgs, canSplit := splitAngles(args)
	best, bestRule := -1, -1
	for i, r := range m.Rules {
		mx := x
		binds, far, err := x.matchRule(r)
		if err == nil && binds == nil && canSplit {
			if split == nil {
				split = &matchCtx{fset: fset, file: file, args: splitArgs, match: delimMatch(splitArgs)}
				defer func() { b.steps += split.steps }()
			}
			split.maxSteps = x.maxSteps - x.steps
			if binds, _, err = split.matchRule(r); binds != nil {
				mx = split
			}
		}
		if err != nil {
			return nil, fmt.Errorf("macro `%s`: %w", m.Name, err)
		}
		if binds == nil {
			if far > best {
				best, bestRule = far, i
			}
			continue
		}
		t := &transcriber{x: mx, m: m, r: r, binds: binds, limit: b.maxTokens() - b.used}
		out, err := t.run()
		if err != nil {
			return nil, err
		}
		out = resugarDocs(out, text)
		if err := b.charge(len(out)); err != nil {
			return nil, err
		}
		return out, nil
	}
	if len(m.Rules) == 0 {
		return nil, fmt.Errorf("macro `%s` has no rules: %w", m.Name, ErrNoMatch)
	}
	where := "end of input"
	if best >= 0 && best < len(args) {
		where = fmt.Sprintf("`%s`", describe(x, args[best]))
		if fset != nil {
			if p := fset.Position(args[best].Pos); p.Line > 0 {
				where += " at " + p.String()
			}
		}
	}
	return nil, fmt.Errorf("macro `%s`: %w (of %d rules, rule %d got farthest, stopping at %s)",
		m.Name, ErrNoMatch, len(m.Rules), bestRule+1, where)
}

// splitAngles returns args with each ">>", ">=" and ">>=" split into
// one-character tokens, and whether there was any.
func splitAngles(args []syntax.Token) ([]syntax.Token, bool) {
	n := 0
	for _, t := range args {
		switch t.Kind {
		case syntax.Shr, syntax.Ge, syntax.ShrEq:
			n++
		}
	}
	if n == 0 {
		return nil, false
	}
	part := func(t syntax.Token, off int, k syntax.Kind) syntax.Token {
		if int(t.Len) <= off {
			return syntax.Token{Pos: t.Pos, Kind: k} // synthetic
		}
		return syntax.Token{Pos: t.Pos + syntax.Pos(off), Len: 1, Kind: k}
	}
	out := make([]syntax.Token, 0, len(args)+2*n)
	for _, t := range args {
		switch t.Kind {
		case syntax.Shr:
			out = append(out, part(t, 0, syntax.Gt), part(t, 1, syntax.Gt))
		case syntax.Ge:
			out = append(out, part(t, 0, syntax.Gt), part(t, 1, syntax.Eq))
		case syntax.ShrEq:
			out = append(out, part(t, 0, syntax.Gt), part(t, 1, syntax.Gt), part(t, 2, syntax.Eq))
		default:
			out = append(out, t)
		}
	}
	return out, true
}

// describe renders a token for diagnostics.
func describe(x *matchCtx, t syntax.Token) string {
	s := x.text(t)
	if s == "" {
		s = t.Kind.String()
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
