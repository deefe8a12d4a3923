package buildcfg

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/syntax"
)

// This file evaluates expressions of the build script to the set of
// strings they may produce. Unknown parts of a string are marked with the
// hole byte, so "libressl\x00" stands for every string starting with
// "libressl". Evaluation is context-insensitive (a parameter's values are
// the union over all call sites), memoised per binding, function and
// constant, and bounded three ways: recursion depth, a step budget linear
// in the size of the input, and the size of every value set. Whatever
// exceeds a bound becomes a hole, so the result over-approximates.

// hole marks an unknown part of a string value.
const hole = "\x00"

const (
	maxVals      = 256  // strings in one value set
	maxElems     = 1024 // element expressions of one collection
	maxValueLen  = 4096 // bytes of one string value
	maxEvalDepth = 48
)

// val is one string an expression may produce.
type val struct {
	s   string
	pos syntax.Pos // the literal it comes from, if any
	num bool       // an integer or bool: {:?} prints it unquoted
}

type vals []val

var holeVals = vals{{s: hole}}

// elems is the set of element expressions of a collection.
type elems struct {
	xs      []expr
	unknown bool // it may have other, unknown elements
}

type memoKind uint8

const (
	memoBindS memoKind = iota
	memoBindE
	memoRetS
	memoRetE
)

type memoKey struct {
	kind memoKind
	id   int32
}

type eval struct {
	ix     *index
	depth  int
	memoS  map[memoKey]vals
	memoE  map[memoKey]elems
	busy   map[memoKey]bool
	constS map[string]vals
	constE map[string]elems
	busyC  map[string]bool
}

func newEval(ix *index) *eval {
	return &eval{
		ix:     ix,
		memoS:  map[memoKey]vals{},
		memoE:  map[memoKey]elems{},
		busy:   map[memoKey]bool{},
		constS: map[string]vals{},
		constE: map[string]elems{},
		busyC:  map[string]bool{},
	}
}

// spend charges n steps and reports whether the budget still allows
// work.
func (ev *eval) spend(n int) bool { return ev.ix.bud.tick(n) }

func (ev *eval) enter() bool {
	if ev.depth >= maxEvalDepth || !ev.spend(1) {
		return false
	}
	ev.depth++
	return true
}

func (ev *eval) leave() { ev.depth-- }

// acc accumulates a bounded, deduplicated value set. When more than
// maxVals strings are added, the set collapses into one pattern that
// covers them all: their common prefix, a hole and their common suffix.
type acc struct {
	vs   vals
	seen map[string]bool
	over bool   // collapsed
	pre  string // common prefix, when collapsed
	suf  string // common suffix, when collapsed
	pos  syntax.Pos
}

func (a *acc) add(v val) {
	if len(v.s) > maxValueLen {
		v.s = truncateUTF8(v.s, maxValueLen) + hole
	}
	if a.over {
		a.pre, a.suf = commonPrefix(a.pre, v.s), commonSuffix(a.suf, v.s)
		return
	}
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	if a.seen[v.s] {
		return
	}
	if len(a.vs) < maxVals {
		a.seen[v.s] = true
		a.vs = append(a.vs, v)
		return
	}
	a.over, a.pos = true, a.vs[0].pos
	a.pre, a.suf = v.s, v.s
	for _, x := range a.vs {
		a.pre, a.suf = commonPrefix(a.pre, x.s), commonSuffix(a.suf, x.s)
	}
	a.vs, a.seen = nil, nil
}

func (a *acc) addAll(vs vals) {
	for _, v := range vs {
		a.add(v)
	}
}

func (a *acc) result() vals {
	if !a.over {
		return a.vs
	}
	return vals{collapsed(a.pre, a.suf, a.pos)}
}

// collapse returns the one pattern covering every string of vs.
func collapse(vs vals) val {
	if len(vs) == 0 {
		return val{s: hole}
	}
	pre, suf := vs[0].s, vs[0].s
	for _, v := range vs[1:] {
		pre, suf = commonPrefix(pre, v.s), commonSuffix(suf, v.s)
	}
	return collapsed(pre, suf, vs[0].pos)
}

func collapsed(pre, suf string, pos syntax.Pos) val {
	return val{s: join(join(pre, hole), suf), pos: pos}
}

func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	if n < len(a) {
		a = truncateUTF8(a, n)
	}
	return a
}

func commonSuffix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	s := a[len(a)-n:]
	for s != "" && !utf8.RuneStart(s[0]) {
		s = s[1:]
	}
	return s
}

func truncateUTF8(s string, n int) string {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// join concatenates two strings with holes, merging adjacent holes.
func join(a, b string) string {
	if strings.HasSuffix(a, hole) && strings.HasPrefix(b, hole) {
		b = b[1:]
	}
	return a + b
}

// product concatenates every string of a with every string of b. When
// the result would be too large, b is taken as unknown.
func product(a, b vals) vals {
	if len(a)*len(b) > maxVals {
		b = vals{collapse(b)}
	}
	var out acc
	for _, x := range a {
		for _, y := range b {
			v := val{s: join(x.s, y.s), pos: x.pos}
			if v.pos == syntax.NoPos {
				v.pos = y.pos
			}
			out.add(v)
		}
	}
	return out.result()
}

func mapVals(vs vals, f func(string) string) vals {
	var out acc
	for _, v := range vs {
		out.add(val{s: f(v.s), pos: v.pos, num: v.num})
	}
	return out.result()
}

// mapKnown applies f to the known parts of s, leaving holes in place.
func mapKnown(s string, f func(string) string) string {
	parts := strings.Split(s, hole)
	for i, p := range parts {
		parts[i] = f(p)
	}
	return strings.Join(parts, hole)
}

// single returns the only value of vs if it has no hole.
func single(vs vals) (string, bool) {
	if len(vs) != 1 || strings.Contains(vs[0].s, hole) {
		return "", false
	}
	return vs[0].s, true
}

// stripRef drops leading & &mut * from [lo, hi).
func stripRef(sf *srcFile, lo, hi int32) int32 {
	for lo < hi {
		switch sf.kind(lo) {
		case syntax.And, syntax.AndAnd, syntax.Star:
			lo++
			if sf.kind(lo) == syntax.KwMut {
				lo++
			}
			continue
		}
		return lo
	}
	return lo
}

// isPathStart reports whether k can start a path expression.
func isPathStart(k syntax.Kind) bool {
	switch k {
	case syntax.Identifier, syntax.PathSep, syntax.KwSelfValue, syntax.KwSelfType, syntax.KwCrate, syntax.KwSuper:
		return true
	}
	return false
}

// path reads a path a::b::<T>::c starting at lo and returns the index of
// its last segment and the index just past it.
func path(sf *srcFile, lo, hi int32) (last, end int32) {
	j := lo
	if sf.kind(j) == syntax.PathSep {
		j++
	}
	last = j
	for j < hi {
		if !isPathStart(sf.kind(j)) || sf.kind(j) == syntax.PathSep {
			break
		}
		last = j
		j++
		if sf.kind(j) != syntax.PathSep {
			break
		}
		if sf.kind(j+1) == syntax.Lt { // turbofish
			j = skipAngle(sf, j+1, hi)
			if sf.kind(j) != syntax.PathSep {
				break
			}
		}
		j++
	}
	return last, j
}

// skipAngle returns the index just past the angle-bracketed group that
// opens at lt.
func skipAngle(sf *srcFile, lt, hi int32) int32 {
	depth := 0
	for j := lt; j < hi; j = sf.end(j) {
		depth = angleStep(sf.kind(j), depth)
		if depth == 0 {
			return j + 1
		}
		if k := sf.kind(j); k == syntax.Semi || k == syntax.EOF {
			return j
		}
	}
	return hi
}

// blockTail returns the tail expression of the block body [lo, hi): the
// tokens after its last statement. A statement ends at a top-level ';' or
// at a top-level brace group followed by the start of another statement.
func blockTail(sf *srcFile, lo, hi int32) (int32, int32) {
	start := lo
	for j := lo; j < hi; {
		k := sf.kind(j)
		if k == syntax.Semi {
			start = j + 1
			j++
			continue
		}
		e := sf.end(j)
		if k == syntax.LBrace && e < hi && startsStmt(sf.kind(e)) {
			start = e
		}
		j = e
	}
	for start < hi && sf.kind(start) == syntax.Pound && sf.kind(start+1) == syntax.LBrack {
		start = sf.end(start + 1)
	}
	return start, hi
}

func startsStmt(k syntax.Kind) bool {
	if k.IsLiteral() || isPathStart(k) {
		return true
	}
	switch k {
	case syntax.KwLet, syntax.KwIf, syntax.KwMatch, syntax.KwFor, syntax.KwWhile, syntax.KwLoop,
		syntax.KwReturn, syntax.KwBreak, syntax.KwContinue, syntax.KwUnsafe, syntax.KwFn,
		syntax.KwConst, syntax.KwStatic, syntax.KwUse, syntax.KwStruct, syntax.KwEnum, syntax.KwImpl,
		syntax.KwTrait, syntax.KwMod, syntax.KwType, syntax.KwExtern, syntax.KwPub, syntax.Pound,
		syntax.LBrace, syntax.Lifetime:
		return true
	}
	return false
}

func isItemStart(k syntax.Kind) bool {
	switch k {
	case syntax.KwFn, syntax.KwConst, syntax.KwStatic, syntax.KwUse, syntax.KwStruct, syntax.KwEnum,
		syntax.KwImpl, syntax.KwTrait, syntax.KwMod, syntax.KwType, syntax.KwExtern, syntax.KwPub, syntax.KwLet:
		return true
	}
	return false
}

// branches returns the value-producing parts of a control-flow
// expression spanning [lo, hi): the tail expressions of an if/else
// chain's blocks, a match's arm bodies, or a block's tail. ok is false if
// [lo, hi) is not such an expression.
func branches(sf *srcFile, lo, hi int32) (parts []expr, ok bool) {
	switch sf.kind(lo) {
	case syntax.KwUnsafe:
		if sf.kind(lo+1) == syntax.LBrace && sf.end(lo+1) == hi {
			t, e := blockTail(sf, lo+2, hi-1)
			return []expr{{0, t, e}}, true
		}
	case syntax.LBrace:
		if sf.end(lo) == hi {
			t, e := blockTail(sf, lo+1, hi-1)
			return []expr{{0, t, e}}, true
		}
	case syntax.KwMatch:
		arms, open := matchArms(sf, lo)
		if open < 0 || sf.end(open) != hi {
			return nil, false
		}
		for _, a := range arms {
			parts = append(parts, expr{0, a.bodyLo, a.bodyHi})
		}
		return parts, true
	case syntax.KwIf:
		j := lo
		for {
			b := int32(-1)
			for k := j + 1; k < hi; k = sf.end(k) {
				if sf.kind(k) == syntax.LBrace {
					b = k
					break
				}
			}
			if b < 0 {
				return nil, false
			}
			e := sf.end(b)
			t, te := blockTail(sf, b+1, e-1)
			parts = append(parts, expr{0, t, te})
			if sf.kind(e) != syntax.KwElse {
				return parts, e == hi
			}
			switch sf.kind(e + 1) {
			case syntax.KwIf:
				j = e + 1
				continue
			case syntax.LBrace:
				ee := sf.end(e + 1)
				t, te := blockTail(sf, e+2, ee-1)
				return append(parts, expr{0, t, te}), ee == hi
			}
			return nil, false
		}
	}
	return nil, false
}

// diverges reports whether [lo, hi) certainly produces no value
// (return, break, continue, panic!, process::exit, loops, unit blocks).
func diverges(sf *srcFile, lo, hi int32) bool {
	if lo >= hi {
		return true
	}
	switch sf.kind(lo) {
	case syntax.KwReturn, syntax.KwBreak, syntax.KwContinue, syntax.KwWhile, syntax.KwFor:
		return true
	}
	if isItemStart(sf.kind(lo)) {
		return true
	}
	last, end := path(sf, lo, hi)
	if end == lo {
		return false
	}
	switch sf.text(last) {
	case "panic", "unreachable", "todo", "unimplemented", "compile_error":
		return sf.kind(end) == syntax.Not
	case "exit", "abort":
		return sf.kind(end) == syntax.LParen && last > lo
	}
	return false
}

// scalar returns the strings expression x may produce.
func (ev *eval) scalar(x expr) vals {
	if !ev.enter() {
		return holeVals
	}
	defer ev.leave()
	sf := ev.ix.files[x.file]
	lo, hi := stripRef(sf, x.lo, x.hi), x.hi
	if lo >= hi || diverges(sf, lo, hi) {
		return nil
	}
	if parts, ok := branches(sf, lo, hi); ok {
		var out acc
		for _, p := range parts {
			out.addAll(ev.scalar(expr{x.file, p.lo, p.hi}))
		}
		return out.result()
	}
	if sf.kind(lo) == syntax.KwLoop {
		return holeVals
	}
	// a + b + c on strings is concatenation.
	if parts := splitTop(sf, lo, hi, syntax.Plus); len(parts) > 1 {
		cur := vals{{}}
		allNum := true
		for _, p := range parts {
			vs := ev.scalar(expr{x.file, p.lo, p.hi})
			for _, v := range vs {
				allNum = allNum && v.num
			}
			cur = product(cur, vs)
		}
		if allNum {
			return holeVals
		}
		return cur
	}
	if !ev.spend(int(hi - lo)) {
		return holeVals
	}
	return ev.scalarChain(x.file, lo, hi)
}

// scalarChain evaluates PRIMARY POSTFIX* as a string.
func (ev *eval) scalarChain(fi, lo, hi int32) vals {
	sf := ev.ix.files[fi]
	var cur vals
	i := lo
	switch k := sf.kind(lo); {
	case k.IsLiteral() || k == syntax.KwTrue || k == syntax.KwFalse:
		cur = literal(sf, lo)
		i = lo + 1
	case k == syntax.LParen:
		e := sf.end(lo)
		if parts := splitTop(sf, lo+1, e-1, syntax.Comma); len(parts) != 1 || sf.kind(e-2) == syntax.Comma {
			return holeVals // a tuple
		}
		cur = ev.scalar(expr{fi, lo + 1, e - 1})
		i = e
	case isPathStart(k):
		last, j := path(sf, lo, hi)
		switch {
		case sf.kind(j) == syntax.Not && sf.kind(j+1).IsOpen():
			cur = ev.macroScalar(fi, sf.text(last), j+1)
			i = sf.end(j + 1)
		case sf.kind(j) == syntax.LParen:
			cur = ev.callScalar(fi, lo, last, j)
			i = sf.end(j)
		case j == lo+1 && sf.kind(lo) == syntax.Identifier:
			cur = ev.identScalar(fi, lo, sf.text(lo))
			i = j
		default:
			cur = ev.constScalar(sf.text(last))
			i = j
		}
	default:
		return holeVals
	}
	for i < hi {
		switch sf.kind(i) {
		case syntax.Question:
			i++
			continue
		case syntax.Dot:
			if sf.kind(i+1) == syntax.Identifier {
				name := sf.text(i + 1)
				j := i + 2
				if sf.kind(j) == syntax.PathSep && sf.kind(j+1) == syntax.Lt {
					j = skipAngle(sf, j+1, hi)
				}
				if sf.kind(j) == syntax.LParen {
					cur = ev.methodScalar(cur, fi, name, j)
					i = sf.end(j)
					continue
				}
			}
		}
		return holeVals
	}
	return cur
}

// literal returns the value of a literal token.
func literal(sf *srcFile, i int32) vals {
	t := sf.toks[i]
	text := sf.text(i)
	switch t.Kind {
	case syntax.Str, syntax.RawStr:
		s, ok := syntax.StringValue(text)
		if !ok {
			return holeVals
		}
		return vals{{s: s, pos: t.Pos}}
	case syntax.Char:
		if len(text) >= 2 && strings.HasSuffix(text, "'") {
			if s, ok := syntax.StringValue(`"` + text[1:len(text)-1] + `"`); ok {
				return vals{{s: s, pos: t.Pos}}
			}
		}
	case syntax.Int:
		if s, ok := intText(text); ok {
			return vals{{s: s, pos: t.Pos, num: true}}
		}
	case syntax.KwTrue, syntax.KwFalse:
		return vals{{s: text, pos: t.Pos, num: true}}
	}
	return holeVals
}

// intText returns the decimal text of an integer literal.
func intText(lit string) (string, bool) {
	s := strings.ReplaceAll(lit, "_", "")
	base := 10
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x':
			base, s = 16, s[2:]
		case 'o':
			base, s = 8, s[2:]
		case 'b':
			base, s = 2, s[2:]
		}
	}
	for _, suf := range []string{"u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize"} {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) {
			s = s[:len(s)-len(suf)]
			break
		}
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatUint(n, 10), true
}

// args returns the comma-separated arguments of the group opened at
// open.
func (ev *eval) args(fi, open int32) []expr {
	sf := ev.ix.files[fi]
	e := sf.end(open)
	if e <= open+1 {
		return nil
	}
	ev.spend(int(e - open))
	parts := splitTop(sf, open+1, e-1, syntax.Comma)
	for i := range parts {
		parts[i].file = fi
	}
	return parts
}

func (ev *eval) macroScalar(fi int32, name string, open int32) vals {
	switch name {
	case "format", "format_args":
		return ev.format(fi, open, 0)
	case "concat":
		cur := vals{{}}
		for _, a := range ev.args(fi, open) {
			cur = product(cur, ev.scalar(a))
		}
		return cur
	case "panic", "unreachable", "todo", "unimplemented", "compile_error":
		return nil
	}
	return holeVals
}

// wrappers pass their argument's value through.
var wrappers = map[string]bool{"Some": true, "Ok": true}

func (ev *eval) callScalar(fi, lo, last, open int32) vals {
	sf := ev.ix.files[fi]
	name := sf.text(last)
	args := ev.args(fi, open)
	if wrappers[name] && len(args) == 1 {
		return ev.scalar(args[0])
	}
	if name == "from" && last >= lo+2 && len(args) == 1 {
		switch sf.text(last - 2) {
		case "String", "OsString", "Cow", "Box", "Rc", "Arc":
			return ev.scalar(args[0])
		}
	}
	var out acc
	found := false
	for _, id := range ev.ix.fnsByName[name] {
		if d := &ev.ix.fns[id]; !d.hasSelf || last > lo {
			found = true
			out.addAll(ev.returnScalar(id))
		}
	}
	if !found {
		return holeVals
	}
	return out.result()
}

// Methods that return their receiver's string unchanged (or wrapped in a
// way Display prints the same).
var passMethods = map[string]bool{
	"to_string": true, "to_owned": true, "into": true, "as_str": true, "as_ref": true, "clone": true,
	"borrow": true, "deref": true, "to_str": true, "unwrap": true, "expect": true, "as_deref": true,
	"unwrap_or_default": true, "to_os_string": true, "display": true,
}

func (ev *eval) methodScalar(cur vals, fi int32, name string, open int32) vals {
	switch {
	case passMethods[name]:
		return cur
	case name == "to_lowercase" || name == "to_ascii_lowercase":
		return mapVals(cur, func(s string) string { return mapKnown(s, strings.ToLower) })
	case name == "to_uppercase" || name == "to_ascii_uppercase":
		return mapVals(cur, func(s string) string { return mapKnown(s, strings.ToUpper) })
	case name == "trim":
		return mapVals(cur, func(s string) string {
			if strings.Contains(s, hole) {
				return s
			}
			return strings.TrimSpace(s)
		})
	case name == "replace":
		args := ev.args(fi, open)
		if len(args) != 2 {
			return holeVals
		}
		from, ok1 := single(ev.scalar(args[0]))
		to, ok2 := single(ev.scalar(args[1]))
		if !ok1 || !ok2 || from == "" {
			return holeVals
		}
		return mapVals(cur, func(s string) string {
			return mapKnown(s, func(p string) string { return strings.ReplaceAll(p, from, to) })
		})
	}
	// A method of the build script itself.
	var out acc
	found := false
	for _, id := range ev.ix.fnsByName[name] {
		if ev.ix.fns[id].hasSelf {
			found = true
			out.addAll(ev.returnScalar(id))
		}
	}
	if !found {
		return holeVals
	}
	return out.result()
}

// identScalar resolves the variable name used at token u.
func (ev *eval) identScalar(fi, u int32, name string) vals {
	switch id := ev.ix.lookup(fi, name, u); {
	case id >= 0:
		return ev.bindingScalar(id)
	case id == -2:
		return holeVals
	}
	if name == "None" && len(ev.ix.consts[name]) == 0 {
		return nil // filter_map(|x| ... None ...)
	}
	return ev.constScalar(name)
}

func (ev *eval) constScalar(name string) vals {
	defs := ev.ix.consts[name]
	if len(defs) == 0 {
		return holeVals
	}
	if vs, ok := ev.constS[name]; ok {
		return vs
	}
	if ev.busyC[name] {
		return holeVals
	}
	ev.busyC[name] = true
	var out acc
	for _, d := range defs {
		out.addAll(ev.scalar(expr(d)))
	}
	delete(ev.busyC, name)
	res := out.result()
	ev.constS[name] = res
	return res
}

func (ev *eval) constElems(name string) elems {
	defs := ev.ix.consts[name]
	if len(defs) == 0 {
		return elems{unknown: true}
	}
	if es, ok := ev.constE[name]; ok {
		return es
	}
	if ev.busyC[name] {
		return elems{unknown: true}
	}
	ev.busyC[name] = true
	var out elems
	for _, d := range defs {
		out = ev.union(out, ev.elements(expr(d)))
	}
	delete(ev.busyC, name)
	ev.constE[name] = out
	return out
}

func (ev *eval) union(a, b elems) elems {
	a.unknown = a.unknown || b.unknown
	for _, x := range b.xs {
		if len(a.xs) >= maxElems {
			a.unknown = true
			break
		}
		a.xs = append(a.xs, x)
	}
	return a
}

// project selects tuple fields of x: ((a, b), c) with proj [0, 1] is b.
func (ev *eval) project(x expr, proj []int32) (expr, bool) {
	sf := ev.ix.files[x.file]
	for _, k := range proj {
		lo := stripRef(sf, x.lo, x.hi)
		if sf.kind(lo) != syntax.LParen || sf.end(lo) != x.hi {
			return x, false
		}
		parts := splitTop(sf, lo+1, x.hi-1, syntax.Comma)
		if int(k) >= len(parts) {
			return x, false
		}
		x = expr{x.file, parts[k].lo, parts[k].hi}
	}
	return x, true
}

// elemsScalar returns the strings the elements of es, projected, may be.
func (ev *eval) elemsScalar(es elems, proj []int32) vals {
	var out acc
	for _, e := range es.xs {
		if p, ok := ev.project(e, proj); ok {
			out.addAll(ev.scalar(p))
		} else {
			out.add(val{s: hole})
		}
	}
	if es.unknown {
		out.add(val{s: hole})
	}
	return out.result()
}

// elemsElems flattens the projected elements of es.
func (ev *eval) elemsElems(es elems, proj []int32) elems {
	out := elems{unknown: es.unknown}
	for _, e := range es.xs {
		if p, ok := ev.project(e, proj); ok {
			out = ev.union(out, ev.elements(p))
		} else {
			out.unknown = true
		}
	}
	return out
}

func (ev *eval) bindingScalar(id int32) vals {
	key := memoKey{memoBindS, id}
	if vs, ok := ev.memoS[key]; ok {
		return vs
	}
	if ev.busy[key] {
		return holeVals
	}
	ev.busy[key] = true
	defer delete(ev.busy, key)
	b := ev.ix.binds[id]
	var out acc
	switch b.kind {
	case bindLet:
		if b.lo < b.hi {
			if p, ok := ev.project(expr{b.file, b.lo, b.hi}, b.proj); ok {
				out.addAll(ev.scalar(p))
			} else {
				out.add(val{s: hole})
			}
		}
		if len(b.proj) == 0 {
			ev.mutations(id, func(m mutation) {
				switch m.kind {
				case mutAssign:
					out.addAll(ev.scalar(m.x))
				default:
					out.add(val{s: hole})
				}
			})
		}
	case bindFor, bindIterArg:
		out.addAll(ev.elemsScalar(ev.elements(expr{b.file, b.lo, b.hi}), b.proj))
	case bindParam:
		ev.paramArgs(b, func(x expr, ok bool) {
			if !ok {
				out.add(val{s: hole})
				return
			}
			if p, ok := ev.project(x, b.proj); ok {
				out.addAll(ev.scalar(p))
			} else {
				out.add(val{s: hole})
			}
		}, func(recv elems) {
			out.addAll(ev.elemsScalar(recv, b.proj))
		})
	default:
		out.add(val{s: hole})
	}
	res := out.result()
	ev.memoS[key] = res
	return res
}

func (ev *eval) bindingElems(id int32) elems {
	key := memoKey{memoBindE, id}
	if es, ok := ev.memoE[key]; ok {
		return es
	}
	if ev.busy[key] {
		return elems{unknown: true}
	}
	ev.busy[key] = true
	defer delete(ev.busy, key)
	b := ev.ix.binds[id]
	var out elems
	switch b.kind {
	case bindLet, bindParam:
		if b.kind == bindLet && b.lo < b.hi {
			if p, ok := ev.project(expr{b.file, b.lo, b.hi}, b.proj); ok {
				out = ev.union(out, ev.elements(p))
			} else {
				out.unknown = true
			}
		}
		if b.kind == bindParam {
			ev.paramArgs(b, func(x expr, ok bool) {
				if p, ok2 := ev.project(x, b.proj); ok && ok2 {
					out = ev.union(out, ev.elements(p))
				} else {
					out.unknown = true
				}
			}, func(recv elems) {
				out = ev.union(out, ev.elemsElems(recv, b.proj))
			})
		}
		if len(b.proj) == 0 {
			ev.mutations(id, func(m mutation) {
				switch m.kind {
				case mutAssign, mutExtend:
					out = ev.union(out, ev.elements(m.x))
				case mutPush:
					out = ev.union(out, elems{xs: []expr{m.x}})
				default:
					out.unknown = true
				}
			})
		}
	case bindFor, bindIterArg:
		out = ev.elemsElems(ev.elements(expr{b.file, b.lo, b.hi}), b.proj)
	default:
		out.unknown = true
	}
	ev.memoE[key] = out
	return out
}

// paramArgs reports the argument passed for parameter b at every call
// site of its function: each argument expression (ok false when it cannot
// be found), or the receiver's elements when the function is passed to
// for_each and similar.
func (ev *eval) paramArgs(b binding, arg func(x expr, ok bool), recv func(elems)) {
	d := ev.ix.fns[b.fn]
	for _, c := range ev.ix.calls[d.name] {
		if !ev.spend(1) {
			arg(expr{}, false)
			return
		}
		sf := ev.ix.files[c.file]
		if c.escape {
			if c.recv.hi > c.recv.lo && b.param == 0 && !d.hasSelf {
				recv(ev.elements(c.recv))
			} else {
				arg(expr{}, false)
			}
			continue
		}
		k := int(b.param)
		switch {
		case c.method && !d.hasSelf:
			continue // another type's method
		case !c.method && d.hasSelf:
			if sf.kind(c.tok-1) != syntax.PathSep {
				continue
			}
			k++ // Type::method(receiver, args...)
		}
		args := ev.args(c.file, c.tok+1)
		if k < len(args) {
			arg(args[k], true)
		}
	}
}

type mutKind uint8

const (
	mutAssign mutKind = iota // x = e
	mutPush                  // x.push(e), x.insert(e)
	mutExtend                // x.extend(e), x.extend_from_slice(e), x.append(e)
	mutOther                 // x += e, x.push_str(e), &mut x, ...
)

type mutation struct {
	kind mutKind
	x    expr
}

// Methods that change a String or collection in ways not followed.
var otherMutators = map[string]bool{
	"push_str": true, "insert_str": true, "truncate": true, "clear": true, "retain": true,
	"make_ascii_lowercase": true, "make_ascii_uppercase": true, "drain": true, "remove": true,
	"pop": true, "split_off": true, "resize": true, "iter_mut": true, "as_mut": true,
}

// mutations reports the changes made to the variable of binding id in
// its scope.
func (ev *eval) mutations(id int32, f func(mutation)) {
	b := ev.ix.binds[id]
	sf := ev.ix.files[b.file]
	name := sf.text(b.at)
	occ := sf.idents[name]
	i := sort.Search(len(occ), func(k int) bool { return occ[k] >= b.scopeLo })
	for ; i < len(occ) && occ[i] < b.until; i++ {
		o := occ[i]
		if !ev.spend(1) {
			f(mutation{kind: mutOther})
			return
		}
		if pk := sf.kind(o - 1); pk == syntax.Dot || pk == syntax.PathSep {
			continue
		}
		if ev.ix.lookup(b.file, name, o) != id {
			continue
		}
		switch sf.kind(o + 1) {
		case syntax.Eq:
			if pk := sf.kind(o - 1); pk == syntax.Semi || pk == syntax.LBrace || pk == syntax.RBrace || pk == syntax.FatArrow || pk == syntax.Star {
				f(mutation{mutAssign, expr{b.file, o + 2, sf.stmtEnd(o + 2)}})
			}
			continue
		case syntax.PlusEq:
			f(mutation{kind: mutOther})
			continue
		case syntax.Dot:
			if sf.kind(o+2) != syntax.Identifier || sf.kind(o+3) != syntax.LParen {
				continue
			}
			m := sf.text(o + 2)
			args := ev.args(b.file, o+3)
			switch {
			case (m == "push" || m == "push_back" || m == "push_front" || m == "insert") && len(args) == 1:
				f(mutation{mutPush, args[0]})
			case (m == "extend" || m == "extend_from_slice" || m == "append") && len(args) == 1:
				f(mutation{mutExtend, args[0]})
			case m == "insert" || otherMutators[m]:
				f(mutation{kind: mutOther})
			}
			continue
		}
		if sf.kind(o-1) == syntax.KwMut && sf.kind(o-2) == syntax.And {
			f(mutation{kind: mutOther}) // &mut x passed somewhere
		}
	}
}

// returnExprs reports the expressions fn id may return: its body's tail
// and its return statements.
func (ev *eval) returnExprs(id int32, f func(expr)) {
	d := ev.ix.fns[id]
	sf := ev.ix.files[d.file]
	if !d.block {
		f(expr{d.file, d.bodyLo, d.bodyHi})
		return
	}
	if d.bodyLo >= d.bodyHi {
		return
	}
	t, e := blockTail(sf, d.bodyLo, d.bodyHi)
	if t < e {
		f(expr{d.file, t, e})
	}
	if !ev.spend(int(d.bodyHi - d.bodyLo)) {
		f(expr{d.file, 0, 0})
		return
	}
	owner := sf.owner[d.bodyLo]
	for j := d.bodyLo; j < d.bodyHi && ev.spend(1); j++ {
		if sf.kind(j) != syntax.KwReturn || sf.owner[j] != owner {
			continue
		}
		end := j + 1
		limit := sf.groupEnd(j)
		for end < limit && sf.kind(end) != syntax.Semi && sf.kind(end) != syntax.Comma {
			end = sf.end(end)
		}
		f(expr{d.file, j + 1, end})
	}
}

func (ev *eval) returnScalar(id int32) vals {
	key := memoKey{memoRetS, id}
	if vs, ok := ev.memoS[key]; ok {
		return vs
	}
	if ev.busy[key] {
		return holeVals
	}
	ev.busy[key] = true
	defer delete(ev.busy, key)
	var out acc
	ev.returnExprs(id, func(x expr) {
		if x.lo >= x.hi && x.lo == 0 {
			out.add(val{s: hole})
			return
		}
		out.addAll(ev.scalar(x))
	})
	res := out.result()
	ev.memoS[key] = res
	return res
}

func (ev *eval) returnElems(id int32) elems {
	key := memoKey{memoRetE, id}
	if es, ok := ev.memoE[key]; ok {
		return es
	}
	if ev.busy[key] {
		return elems{unknown: true}
	}
	ev.busy[key] = true
	defer delete(ev.busy, key)
	var out elems
	ev.returnExprs(id, func(x expr) {
		if x.lo >= x.hi && x.lo == 0 {
			out.unknown = true
			return
		}
		out = ev.union(out, ev.elements(x))
	})
	ev.memoE[key] = out
	return out
}

// Iterator and collection methods whose result has (a subset of) the
// receiver's elements.
var passElemMethods = map[string]bool{
	"iter": true, "into_iter": true, "iter_mut": true, "copied": true, "cloned": true, "rev": true,
	"by_ref": true, "filter": true, "skip": true, "take": true, "step_by": true, "skip_while": true,
	"take_while": true, "to_vec": true, "as_slice": true, "as_ref": true, "collect": true, "into": true,
	"to_owned": true, "clone": true, "peekable": true, "fuse": true, "inspect": true, "borrow": true,
	"deref": true, "unwrap": true, "expect": true, "as_mut": true, "drain": true,
}

// elements returns the element expressions of the collection or iterator
// expression x.
func (ev *eval) elements(x expr) elems {
	if !ev.enter() {
		return elems{unknown: true}
	}
	defer ev.leave()
	sf := ev.ix.files[x.file]
	lo, hi := stripRef(sf, x.lo, x.hi), x.hi
	if lo >= hi || diverges(sf, lo, hi) {
		return elems{}
	}
	if parts, ok := branches(sf, lo, hi); ok {
		var out elems
		for _, p := range parts {
			out = ev.union(out, ev.elements(expr{x.file, p.lo, p.hi}))
		}
		return out
	}
	if !ev.spend(int(hi - lo)) {
		return elems{unknown: true}
	}
	fi := x.file
	var cur elems
	i := lo
	switch k := sf.kind(lo); {
	case k == syntax.LBrack:
		cur = ev.list(fi, lo)
		i = sf.end(lo)
	case k == syntax.LParen:
		e := sf.end(lo)
		if parts := splitTop(sf, lo+1, e-1, syntax.Comma); len(parts) != 1 || sf.kind(e-2) == syntax.Comma {
			return elems{unknown: true}
		}
		cur = ev.elements(expr{fi, lo + 1, e - 1})
		i = e
	case isPathStart(k):
		last, j := path(sf, lo, hi)
		name := sf.text(last)
		switch {
		case sf.kind(j) == syntax.Not && sf.kind(j+1).IsOpen():
			if name == "vec" {
				cur = ev.list(fi, j+1)
			} else {
				cur = elems{unknown: true}
			}
			i = sf.end(j + 1)
		case sf.kind(j) == syntax.LParen:
			cur = ev.callElems(fi, lo, last, j)
			i = sf.end(j)
		case j == lo+1 && sf.kind(lo) == syntax.Identifier:
			switch id := ev.ix.lookup(fi, name, lo); {
			case id >= 0:
				cur = ev.bindingElems(id)
			case id == -2:
				cur = elems{unknown: true}
			default:
				cur = ev.constElems(name)
			}
			i = j
		default:
			cur = ev.constElems(name)
			i = j
		}
	default:
		return elems{unknown: true}
	}
	for i < hi {
		switch sf.kind(i) {
		case syntax.Question:
			i++
			continue
		case syntax.Dot:
			if sf.kind(i+1) == syntax.Identifier {
				name := sf.text(i + 1)
				j := i + 2
				if sf.kind(j) == syntax.PathSep && sf.kind(j+1) == syntax.Lt {
					j = skipAngle(sf, j+1, hi)
				}
				if sf.kind(j) == syntax.LParen {
					switch {
					case passElemMethods[name]:
					case name == "chain":
						for _, a := range ev.args(fi, j) {
							cur = ev.union(cur, ev.elements(a))
						}
					case name == "flatten" || name == "concat":
						cur = ev.elemsElems(cur, nil)
					case name == "map" || name == "filter_map":
						// The closure's parameter is bound to the
						// receiver's elements (bindIterArg), so its body
						// stands for all the results.
						body, ok := closureArg(sf, ev.args(fi, j))
						if !ok {
							return elems{unknown: true}
						}
						cur = elems{xs: []expr{body}}
					default:
						return elems{unknown: true}
					}
					i = sf.end(j)
					continue
				}
			}
		}
		return elems{unknown: true}
	}
	return cur
}

// closureArg returns the body of the closure that is the only argument
// in args.
func closureArg(sf *srcFile, args []expr) (expr, bool) {
	if len(args) != 1 {
		return expr{}, false
	}
	bar := args[0].lo
	if sf.kind(bar) == syntax.KwMove {
		bar++
	}
	close := bar
	switch sf.kind(bar) {
	case syntax.OrOr:
	case syntax.Or:
		if close = sf.closureParams(bar); close < 0 {
			return expr{}, false
		}
	default:
		return expr{}, false
	}
	lo, hi, block := sf.closureBody(close)
	if block {
		lo, hi = lo-1, hi+1
	}
	if hi != args[0].hi {
		return expr{}, false
	}
	return expr{args[0].file, lo, hi}, true
}

// list returns the elements of [a, b, c], [x; n], vec![...].
func (ev *eval) list(fi, open int32) elems {
	sf := ev.ix.files[fi]
	e := sf.end(open)
	if semis := splitTop(sf, open+1, e-1, syntax.Semi); len(semis) == 2 {
		return elems{xs: []expr{{fi, semis[0].lo, semis[0].hi}}}
	}
	var out elems
	for _, a := range ev.args(fi, open) {
		out = ev.union(out, elems{xs: []expr{a}})
	}
	return out
}

func (ev *eval) callElems(fi, lo, last, open int32) elems {
	sf := ev.ix.files[fi]
	name := sf.text(last)
	args := ev.args(fi, open)
	switch {
	case (name == "new" || name == "with_capacity" || name == "default") && last > lo:
		return elems{}
	case (name == "from" || name == "from_iter") && last > lo && len(args) == 1:
		return ev.elements(args[0])
	case wrappers[name] && len(args) == 1:
		return ev.elements(args[0])
	}
	var out elems
	found := false
	for _, id := range ev.ix.fnsByName[name] {
		if d := &ev.ix.fns[id]; !d.hasSelf || last > lo {
			found = true
			out = ev.union(out, ev.returnElems(id))
		}
	}
	if !found {
		return elems{unknown: true}
	}
	return out
}

// piece is a part of a format string: literal text or a placeholder.
type piece struct {
	lit   string
	arg   bool
	index int    // positional argument, or -1
	name  string // named argument or captured variable
	spec  string // after ':'
}

// parseFormat splits a format string into pieces. Malformed
// placeholders are kept as literal text.
func parseFormat(s string) []piece {
	var out []piece
	var lit strings.Builder
	next := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '}' && i+1 < len(s) && s[i+1] == '}' {
			lit.WriteByte('}')
			i++
			continue
		}
		if c != '{' {
			lit.WriteByte(c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			lit.WriteByte('{')
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			lit.WriteString(s[i:])
			break
		}
		body := s[i+1 : i+end]
		i += end
		p := piece{arg: true, index: -1}
		ref := body
		if c := strings.IndexByte(body, ':'); c >= 0 {
			ref, p.spec = body[:c], body[c+1:]
		}
		ref = strings.TrimSpace(ref)
		switch {
		case ref == "":
			p.index = next
			next++
		case ref[0] >= '0' && ref[0] <= '9':
			n, err := strconv.Atoi(ref)
			if err != nil {
				n = 1 << 30
			}
			p.index = n
		default:
			p.name = ref
		}
		if lit.Len() > 0 {
			out = append(out, piece{lit: lit.String()})
			lit.Reset()
		}
		out = append(out, p)
	}
	if lit.Len() > 0 {
		out = append(out, piece{lit: lit.String()})
	}
	return out
}

// format evaluates a formatting macro whose arguments are the group
// opened at open and whose format string is argument fmtIdx.
func (ev *eval) format(fi, open int32, fmtIdx int) vals {
	sf := ev.ix.files[fi]
	args := ev.args(fi, open)
	if len(args) <= fmtIdx {
		return holeVals
	}
	f := args[fmtIdx]
	var text string
	var fpos syntax.Pos
	if k := sf.kind(f.lo); (k == syntax.Str || k == syntax.RawStr) && f.hi == f.lo+1 {
		s, ok := syntax.StringValue(sf.text(f.lo))
		if !ok {
			return holeVals
		}
		text, fpos = s, sf.toks[f.lo].Pos
	} else if s, ok := single(ev.scalar(f)); ok {
		text, fpos = s, sf.toks[f.lo].Pos
	} else {
		return holeVals
	}
	var positional []expr
	named := map[string]expr{}
	for _, a := range args[fmtIdx+1:] {
		if sf.kind(a.lo) == syntax.Identifier && sf.kind(a.lo+1) == syntax.Eq && a.hi > a.lo+2 {
			named[sf.text(a.lo)] = expr{fi, a.lo + 2, a.hi}
			continue
		}
		positional = append(positional, a)
	}
	cur := vals{{}}
	for _, p := range parseFormat(text) {
		if !p.arg {
			cur = product(cur, vals{{s: p.lit}})
			continue
		}
		var vs vals
		switch {
		case p.index >= 0 && p.index < len(positional):
			vs = ev.scalar(positional[p.index])
		case p.index >= 0:
			vs = holeVals
		default:
			if x, ok := named[p.name]; ok {
				vs = ev.scalar(x)
			} else if isIdent(p.name) {
				vs = ev.identScalar(fi, f.lo, p.name) // captured variable
			} else {
				vs = holeVals
			}
		}
		switch p.spec {
		case "":
		case "?", "#?":
			vs = mapDebug(vs)
		default:
			vs = holeVals // width, precision, radix: not followed
		}
		cur = product(cur, vs)
	}
	for i := range cur {
		if cur[i].pos == syntax.NoPos {
			cur[i].pos = fpos
		}
	}
	return cur
}

// mapDebug formats strings as {:?} does: quoted and escaped.
func mapDebug(vs vals) vals {
	var out acc
	for _, v := range vs {
		if v.num {
			out.add(v)
			continue
		}
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range v.s {
			switch r {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
		out.add(val{s: b.String(), pos: v.pos})
	}
	return out.result()
}

// isIdent reports whether s is a Rust identifier (as cfg names are).
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !isIdentRune(r, i == 0) {
			return false
		}
	}
	return true
}

func isIdentRune(r rune, first bool) bool {
	switch {
	case r == '_' || unicode.IsLetter(r):
		return true
	case unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r):
		return !first
	}
	return false
}
