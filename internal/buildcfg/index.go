package buildcfg

import (
	"sort"

	"github.com/wardenrs/warden/internal/syntax"
)

// This file builds the token-level index Find works on: per file, the
// tokens with their delimiter partners, the enclosing group and fn item of
// every token, identifier occurrences and the names bound by let, for,
// match, if let, closures and fn parameters; across files, the fn items,
// consts and statics and the call sites of local functions. Everything is
// computed in one or two linear passes without recursion, except pattern
// destructuring, which is depth-limited.

// srcFile is one lexed file of the build script.
type srcFile struct {
	f      *syntax.File
	toks   []syntax.Token // doc comments removed; ends with EOF
	match  []int32        // partner of an open or close delimiter, -1 otherwise
	parent []int32        // innermost enclosing open delimiter, -1 at top level
	owner  []int32        // innermost fn item whose body encloses the token, -1 if none
	idents map[string][]int32
	binds  map[string][]int32 // name -> binding ids, by increasing position
	uses   [][2]int32         // use declarations [use, ;), in order
	bud    *budget
}

// budget bounds the work of one Find call. Every scan step over the
// tokens (sf.end) and every evaluation step is charged; once the budget
// is exhausted scans jump to the end of the file, so every loop ends
// promptly, and Find adds an option that stands for all others.
type budget struct {
	steps, limit int
	exhausted    bool
}

func (b *budget) tick(n int) bool {
	b.steps += n
	if b.steps > b.limit {
		b.exhausted = true
	}
	return !b.exhausted
}

// inUse reports whether token i is part of a use declaration.
func (sf *srcFile) inUse(i int32) bool {
	k := sort.Search(len(sf.uses), func(k int) bool { return sf.uses[k][1] > i })
	return k < len(sf.uses) && sf.uses[k][0] <= i
}

func (sf *srcFile) kind(i int32) syntax.Kind {
	if i < 0 || int(i) >= len(sf.toks) {
		return syntax.EOF
	}
	return sf.toks[i].Kind
}

func (sf *srcFile) text(i int32) string {
	if i < 0 || int(i) >= len(sf.toks) {
		return ""
	}
	return sf.f.Text(sf.toks[i])
}

// isIdent reports whether token i is the identifier name.
func (sf *srcFile) isIdent(i int32, name string) bool {
	return sf.kind(i) == syntax.Identifier && sf.text(i) == name
}

// end returns the index just past the group opened at i, or i+1 for any
// other token.
func (sf *srcFile) end(i int32) int32 {
	if !sf.bud.tick(1) {
		return int32(len(sf.toks) - 1)
	}
	if sf.kind(i).IsOpen() && sf.match[i] > i {
		return sf.match[i] + 1
	}
	return i + 1
}

// groupEnd returns the index of the token closing the group that
// encloses i, or the index of EOF at top level.
func (sf *srcFile) groupEnd(i int32) int32 {
	if p := sf.parent[i]; p >= 0 && sf.match[p] > p {
		return sf.match[p]
	}
	return int32(len(sf.toks) - 1)
}

// expr is a token range [lo, hi) of one file.
type expr struct{ file, lo, hi int32 }

type bindKind uint8

const (
	bindLet     bindKind = iota // let PAT = init; (lo, hi: init, empty when absent)
	bindFor                     // for PAT in iter (lo, hi: iter)
	bindParam                   // parameter of fns[fn]
	bindIterArg                 // closure parameter of recv.for_each(|x| ...) and similar (lo, hi: receiver)
	bindOpaque                  // bound by a refutable pattern: value unknown
)

// binding is one name bound by a pattern.
type binding struct {
	file             int32
	at               int32 // the name's token
	scopeLo, scopeHi int32 // the name is visible in [scopeLo, scopeHi)
	// until is where a later let of the same name in the same block
	// shadows a let binding (scopeHi if none).
	until     int32
	kind      bindKind
	proj      []int32 // tuple fields selected by the pattern, outermost first
	lo, hi    int32
	fn, param int32
}

// fnDef is a fn item or a closure bound by let.
type fnDef struct {
	file    int32
	name    string
	hasSelf bool
	params  []expr // parameter patterns
	bodyLo  int32  // first token of the body (for fn items, after the brace)
	bodyHi  int32  // just past the body (for fn items, the closing brace)
	block   bool   // the body is a block (fn items, closures with braces)
}

// callSite is a use of a local function's name.
type callSite struct {
	file, tok int32
	method    bool // .name(...)
	escape    bool // the name is used as a value, not called
	recv      expr // for .for_each(name) and similar: the receiver
}

type constDef struct {
	file   int32
	lo, hi int32 // the initialiser
}

// index holds what the evaluator needs about all files of a build script.
type index struct {
	files     []*srcFile
	binds     []binding
	fns       []fnDef
	fnsByName map[string][]int32
	calls     map[string][]callSite
	consts    map[string][]constDef
	// emitImported records files that import autocfg's free function
	// emit, so that a bare emit("x") is autocfg's.
	emitImported map[int32]bool
	bud          budget
}

// Names of iterator adaptors whose closure argument receives the
// receiver's elements unchanged.
var elemClosureMethods = map[string]bool{
	"for_each": true, "map": true, "filter": true, "filter_map": true, "flat_map": true,
	"any": true, "all": true, "inspect": true, "find": true, "position": true,
	"take_while": true, "skip_while": true, "try_for_each": true,
}

func newIndex(files []*syntax.File) *index {
	ix := &index{
		fnsByName:    map[string][]int32{},
		calls:        map[string][]callSite{},
		consts:       map[string][]constDef{},
		emitImported: map[int32]bool{},
	}
	ntoks := 0
	for _, f := range files {
		if f == nil {
			continue
		}
		sf := lexFile(f)
		sf.bud = &ix.bud
		ntoks += len(sf.toks)
		ix.files = append(ix.files, sf)
	}
	// Real build scripts use a few steps per token; the factor leaves
	// room for evaluation.
	ix.bud.limit = 64*ntoks + 1<<18
	for fi, sf := range ix.files {
		ix.scanItems(int32(fi), sf)
	}
	for fi, sf := range ix.files {
		ix.scanCalls(int32(fi), sf)
	}
	return ix
}

// lexFile lexes f and computes delimiter partners, enclosing groups and
// identifier occurrences in one pass.
func lexFile(f *syntax.File) *srcFile {
	all, _ := syntax.Lex(f) // lexing problems are the parser's to report
	toks := all[:0]
	for _, t := range all {
		if t.Kind != syntax.DocComment {
			toks = append(toks, t)
		}
	}
	sf := &srcFile{
		f:      f,
		toks:   toks,
		match:  make([]int32, len(toks)),
		parent: make([]int32, len(toks)),
		owner:  make([]int32, len(toks)),
		idents: map[string][]int32{},
		binds:  map[string][]int32{},
	}
	var stack []int32
	for i, t := range toks {
		sf.match[i] = -1
		sf.owner[i] = -1
		switch {
		case t.Kind.IsClose():
			if n := len(stack); n > 0 {
				open := stack[n-1]
				stack = stack[:n-1]
				sf.match[open], sf.match[i] = int32(i), open
			}
		}
		if n := len(stack); n > 0 {
			sf.parent[i] = stack[n-1]
		} else {
			sf.parent[i] = -1
		}
		if t.Kind.IsOpen() {
			stack = append(stack, int32(i))
		}
		if t.Kind == syntax.Identifier {
			name := f.Text(t)
			sf.idents[name] = append(sf.idents[name], int32(i))
		}
	}
	return sf
}

// scanItems records fn items, closures bound by let, consts and statics
// and all bindings of one file.
func (ix *index) scanItems(fi int32, sf *srcFile) {
	n := int32(len(sf.toks))
	var fnBodies [][2]int32 // (open, close) of fn item bodies, for owner
	for i := int32(0); i < n; i++ {
		switch sf.kind(i) {
		case syntax.KwFn:
			if lo, hi, ok := ix.fnItem(fi, sf, i); ok {
				fnBodies = append(fnBodies, [2]int32{lo - 1, hi})
			}
		case syntax.KwConst, syntax.KwStatic:
			ix.constItem(fi, sf, i)
		case syntax.KwLet:
			ix.letStmt(fi, sf, i)
		case syntax.KwFor:
			ix.forExpr(fi, sf, i)
		case syntax.KwMatch:
			ix.matchExpr(fi, sf, i)
		case syntax.KwIf, syntax.KwWhile:
			if sf.kind(i+1) == syntax.KwLet {
				ix.ifLet(fi, sf, i+1)
			}
		case syntax.Or:
			ix.closure(fi, sf, i)
		case syntax.KwUse:
			if end := sf.stmtEnd(i); len(sf.uses) == 0 || sf.uses[len(sf.uses)-1][1] <= i {
				sf.uses = append(sf.uses, [2]int32{i, end})
			}
		case syntax.Identifier:
			if sf.text(i) == "autocfg" && sf.kind(i+1) == syntax.PathSep && sf.kind(i-1) == syntax.KwUse {
				ix.useAutocfg(fi, sf, i)
			}
		}
	}
	// fn bodies are properly nested groups: sorted by start, one walk with
	// a stack of open bodies gives each token its innermost fn item.
	sort.Slice(fnBodies, func(a, b int) bool { return fnBodies[a][0] < fnBodies[b][0] })
	ix.assignOwners(sf, fnBodies)
	for name, ids := range sf.binds {
		sort.SliceStable(ids, func(a, b int) bool { return ix.binds[ids[a]].at < ix.binds[ids[b]].at })
		sf.binds[name] = ids
		next := map[int32]int32{} // block end -> the next let's position
		for k := len(ids) - 1; k >= 0; k-- {
			b := &ix.binds[ids[k]]
			b.until = b.scopeHi
			if b.kind != bindLet {
				continue
			}
			if at, ok := next[b.scopeHi]; ok {
				b.until = at
			}
			next[b.scopeHi] = b.at
		}
	}
}

// assignOwners fills sf.owner from nested fn bodies in linear time: a
// stack of open bodies is kept while walking the tokens once.
func (ix *index) assignOwners(sf *srcFile, bodies [][2]int32) {
	type open struct{ id, hi int32 }
	var stack []open
	next := 0
	for i := int32(0); i < int32(len(sf.toks)); i++ {
		for len(stack) > 0 && i >= stack[len(stack)-1].hi {
			stack = stack[:len(stack)-1]
		}
		for next < len(bodies) && bodies[next][0] < i {
			if bodies[next][1] > i {
				stack = append(stack, open{int32(next), bodies[next][1]})
			}
			next++
		}
		if len(stack) > 0 {
			sf.owner[i] = stack[len(stack)-1].id
		}
	}
}

func (ix *index) addBinding(sf *srcFile, b binding) {
	id := int32(len(ix.binds))
	ix.binds = append(ix.binds, b)
	name := sf.text(b.at)
	sf.binds[name] = append(sf.binds[name], id)
}

// fnItem records fn NAME<...>(params) ... { body } and its parameters. It
// returns the body's range.
func (ix *index) fnItem(fi int32, sf *srcFile, at int32) (lo, hi int32, ok bool) {
	if sf.kind(at+1) != syntax.Identifier {
		return 0, 0, false
	}
	name := sf.text(at + 1)
	j, angle := at+2, 0
	for ; ; j = sf.end(j) {
		k := sf.kind(j)
		if k == syntax.EOF || k == syntax.Semi || k == syntax.LBrace || k.IsClose() {
			return 0, 0, false
		}
		angle = angleStep(k, angle)
		if k == syntax.LParen && angle == 0 {
			break
		}
	}
	params, closeParams := j, sf.match[j]
	if closeParams < 0 {
		return 0, 0, false
	}
	body := int32(-1)
	angle = 0
	for k := closeParams + 1; ; k = sf.end(k) {
		kind := sf.kind(k)
		if kind == syntax.EOF || kind == syntax.Semi || kind.IsClose() {
			break
		}
		angle = angleStep(kind, angle)
		if kind == syntax.LBrace && angle == 0 {
			body = k
			break
		}
	}
	d := fnDef{file: fi, name: name, bodyLo: closeParams, bodyHi: closeParams, block: true}
	if body >= 0 && sf.match[body] > body {
		d.bodyLo, d.bodyHi = body+1, sf.match[body]
	}
	for _, p := range ix.splitParams(sf, params+1, closeParams) {
		if len(d.params) == 0 && isSelfParam(sf, p.lo, p.hi) {
			d.hasSelf = true
			continue
		}
		d.params = append(d.params, expr{fi, p.lo, p.hi})
	}
	id := int32(len(ix.fns))
	ix.fns = append(ix.fns, d)
	ix.fnsByName[name] = append(ix.fnsByName[name], id)
	if body >= 0 {
		for k, p := range d.params {
			ix.bindPattern(sf, p.lo, p.hi, nil, 0, func(at int32, proj []int32, opaque bool) {
				b := binding{file: fi, at: at, scopeLo: d.bodyLo, scopeHi: d.bodyHi, kind: bindParam, proj: proj, fn: id, param: int32(k)}
				if opaque {
					b.kind = bindOpaque
				}
				ix.addBinding(sf, b)
			})
		}
		return d.bodyLo, d.bodyHi, true
	}
	return 0, 0, false
}

// splitParams splits a parameter list at commas outside groups and angle
// brackets, and returns each parameter's pattern (the part before its
// top-level colon).
func (ix *index) splitParams(sf *srcFile, lo, hi int32) []expr {
	var out []expr
	start, colon, angle := lo, int32(-1), 0
	flush := func(end int32) {
		pe := end
		if colon >= 0 {
			pe = colon
		}
		if pe > start {
			out = append(out, expr{0, start, pe})
		}
	}
	for j := lo; j < hi; j = sf.end(j) {
		k := sf.kind(j)
		if colon >= 0 {
			angle = angleStep(k, angle)
		}
		switch {
		case k == syntax.Colon && colon < 0:
			colon = j
		case k == syntax.Comma && angle == 0:
			flush(j)
			start, colon, angle = j+1, -1, 0
		}
	}
	flush(hi)
	return out
}

func isSelfParam(sf *srcFile, lo, hi int32) bool {
	for j := lo; j < hi && sf.bud.tick(1); j++ {
		switch sf.kind(j) {
		case syntax.And, syntax.AndAnd, syntax.KwMut, syntax.Lifetime:
		case syntax.KwSelfValue:
			return true
		default:
			return false
		}
	}
	return false
}

// angleStep tracks the nesting of angle brackets in types.
func angleStep(k syntax.Kind, depth int) int {
	switch k {
	case syntax.Lt:
		return depth + 1
	case syntax.Shl:
		return depth + 2
	case syntax.Gt:
		depth--
	case syntax.Shr:
		depth -= 2
	}
	if depth < 0 {
		return 0
	}
	return depth
}

// constItem records const NAME: T = init; and static [mut] NAME: T = init;.
func (ix *index) constItem(fi int32, sf *srcFile, at int32) {
	j := at + 1
	if sf.kind(j) == syntax.KwMut {
		j++
	}
	if sf.kind(j) != syntax.Identifier || sf.kind(j+1) != syntax.Colon {
		return
	}
	name := sf.text(j)
	eq, angle := int32(-1), 0
	for k := j + 2; ; k = sf.end(k) {
		kind := sf.kind(k)
		if kind == syntax.EOF || kind == syntax.Semi || kind.IsClose() {
			return
		}
		angle = angleStep(kind, angle)
		if kind == syntax.Eq && angle == 0 {
			eq = k
			break
		}
	}
	end := sf.stmtEnd(eq + 1)
	ix.consts[name] = append(ix.consts[name], constDef{fi, eq + 1, end})
}

// stmtEnd returns the index of the first top-level ';' at or after i in
// i's group, or the group's end.
func (sf *srcFile) stmtEnd(i int32) int32 {
	limit := sf.groupEnd(i)
	for j := i; j < limit; j = sf.end(j) {
		if sf.kind(j) == syntax.Semi {
			return j
		}
	}
	return limit
}

// letStmt records let PAT [: T] [= init] [else {...}];.
func (ix *index) letStmt(fi int32, sf *srcFile, at int32) {
	semi := sf.stmtEnd(at + 1)
	patHi, initLo, initHi := semi, semi, semi
	angle, typed := 0, false
	for k := at + 1; k < semi; k = sf.end(k) {
		kind := sf.kind(k)
		if typed {
			angle = angleStep(kind, angle)
		}
		if kind == syntax.Colon && !typed {
			typed, patHi = true, k
		}
		if kind == syntax.Eq && angle == 0 {
			if !typed {
				patHi = k
			}
			initLo = k + 1
			break
		}
	}
	// let-else: the else block is not part of the initialiser.
	for k := initLo; k < semi; k = sf.end(k) {
		// An initialiser of let-else cannot end with '}', so else after a
		// block belongs to an if expression.
		if sf.kind(k) == syntax.KwElse && sf.kind(k-1) != syntax.RBrace && sf.kind(k+1) == syntax.LBrace && sf.end(k+1) == semi {
			initHi = k
			break
		}
	}
	scopeHi := sf.groupEnd(at)
	ix.bindPattern(sf, at+1, patHi, nil, 0, func(name int32, proj []int32, opaque bool) {
		b := binding{file: fi, at: name, scopeLo: semi, scopeHi: scopeHi, kind: bindLet, proj: proj, lo: initLo, hi: initHi}
		if opaque {
			b.kind = bindOpaque
		}
		ix.addBinding(sf, b)
	})
	// let NAME = [move] |params| body: a closure callable by name.
	if sf.kind(at+1) == syntax.Identifier && patHi == at+2 && initLo < semi {
		c := initLo
		if sf.kind(c) == syntax.KwMove {
			c++
		}
		if sf.kind(c) == syntax.Or || sf.kind(c) == syntax.OrOr {
			ix.namedClosure(fi, sf, sf.text(at+1), c)
		}
	}
}

// closureParams returns the closing '|' of a closure's parameter list
// opened at bar (an Or token), or -1.
func (sf *srcFile) closureParams(bar int32) int32 {
	limit := sf.groupEnd(bar)
	for k := bar + 1; k < limit; k = sf.end(k) {
		switch sf.kind(k) {
		case syntax.Or:
			return k
		case syntax.Semi, syntax.LBrace:
			return -1
		}
	}
	return -1
}

// closureBody returns the body range of a closure whose parameter list
// ends at close.
func (sf *srcFile) closureBody(close int32) (lo, hi int32, block bool) {
	lo = close + 1
	if sf.kind(lo) == syntax.RArrow {
		// -> Type { body }: the body must be a block.
		for k := lo + 1; k < sf.groupEnd(lo); k = sf.end(k) {
			if sf.kind(k) == syntax.LBrace {
				return k + 1, sf.end(k) - 1, true
			}
		}
		return lo, lo, false
	}
	if sf.kind(lo) == syntax.LBrace && sf.match[lo] > lo {
		after := sf.kind(sf.match[lo] + 1)
		if after == syntax.Comma || after == syntax.Semi || after.IsClose() {
			return lo + 1, sf.match[lo], true
		}
	}
	limit := sf.groupEnd(lo)
	for k := lo; k < limit; k = sf.end(k) {
		if kind := sf.kind(k); kind == syntax.Comma || kind == syntax.Semi {
			return lo, k, false
		}
	}
	return lo, limit, false
}

func (ix *index) namedClosure(fi int32, sf *srcFile, name string, bar int32) {
	d := fnDef{file: fi, name: name}
	var close int32
	if sf.kind(bar) == syntax.OrOr {
		close = bar
	} else {
		close = sf.closureParams(bar)
		if close < 0 {
			return
		}
		for _, p := range ix.splitParams(sf, bar+1, close) {
			d.params = append(d.params, expr{fi, p.lo, p.hi})
		}
	}
	d.bodyLo, d.bodyHi, d.block = sf.closureBody(close)
	id := int32(len(ix.fns))
	ix.fns = append(ix.fns, d)
	ix.fnsByName[name] = append(ix.fnsByName[name], id)
}

// closure records the parameters of a closure |params| body. Parameters
// of a closure bound by let are values from its call sites (namedClosure
// made it a function); parameters of a closure passed to for_each, map
// and similar adaptors are the receiver's elements; others are unknown.
func (ix *index) closure(fi int32, sf *srcFile, bar int32) {
	switch sf.kind(bar - 1) {
	case syntax.LParen, syntax.Comma, syntax.Eq, syntax.KwMove, syntax.KwReturn, syntax.Semi, syntax.LBrace, syntax.FatArrow:
	default:
		return
	}
	close := sf.closureParams(bar)
	if close < 0 {
		return
	}
	bodyLo, bodyHi, _ := sf.closureBody(close)
	start := bar
	if sf.kind(start-1) == syntax.KwMove {
		start--
	}
	b := binding{file: fi, scopeLo: bodyLo, scopeHi: bodyHi, kind: bindOpaque}
	fnID := int32(-1)
	// let NAME = [move] |...|
	if sf.kind(start-1) == syntax.Eq && sf.kind(start-2) == syntax.Identifier && sf.kind(start-3) == syntax.KwLet {
		name := sf.text(start - 2)
		for _, id := range ix.fnsByName[name] {
			if d := ix.fns[id]; d.file == fi && d.bodyLo == bodyLo {
				fnID = id
			}
		}
	}
	// recv.method(|...| ...)
	if p := sf.parent[start]; fnID < 0 && p >= 0 && sf.kind(p) == syntax.LParen && p == start-1 &&
		sf.kind(p-1) == syntax.Identifier && sf.kind(p-2) == syntax.Dot && elemClosureMethods[sf.text(p-1)] {
		b.kind = bindIterArg
		b.lo, b.hi = receiverStart(sf, p-2), p-2
	}
	for k, p := range ix.splitParams(sf, bar+1, close) {
		ix.bindPattern(sf, p.lo, p.hi, nil, 0, func(at int32, proj []int32, opaque bool) {
			nb := b
			nb.at, nb.proj = at, proj
			if fnID >= 0 {
				nb.kind, nb.fn, nb.param = bindParam, fnID, int32(k)
			}
			if opaque || (b.kind == bindIterArg && k > 0) {
				nb.kind = bindOpaque
			}
			ix.addBinding(sf, nb)
		})
	}
}

// receiverStart walks back from the '.' at dot over a postfix chain
// (a.b(c)[d]::e.f::<T>(g)?) and returns the index of its first token.
func receiverStart(sf *srcFile, dot int32) int32 {
	j := dot - 1 // the receiver's last token
	for j >= 0 {
		if !sf.bud.tick(1) {
			return dot
		}
		k := sf.kind(j)
		var start int32
		switch {
		case k.IsClose() && sf.match[j] >= 0 && sf.match[j] < j:
			start = sf.match[j]
			// A call, index or macro: the callee precedes the group.
			switch pk := sf.kind(start - 1); {
			case pk == syntax.Identifier || pk == syntax.Not || pk == syntax.Question || pk.IsClose():
				j = start - 1
				continue
			case pk == syntax.Gt || pk == syntax.Shr:
				if t := turbofishStart(sf, start-1); t >= 0 {
					j = t - 1
					continue
				}
			}
		case k == syntax.Question || k == syntax.Not:
			j--
			continue
		case k == syntax.Identifier || k == syntax.KwSelfValue || k == syntax.KwSelfType ||
			k == syntax.KwCrate || k == syntax.KwSuper || k.IsLiteral():
			start = j
		default:
			return j + 1
		}
		if pk := sf.kind(start - 1); pk == syntax.Dot || pk == syntax.PathSep {
			j = start - 2
			continue
		}
		return start
	}
	return 0
}

// turbofishStart returns the index of the '::' of a turbofish ::<...>
// whose closing '>' is at gt, or -1.
func turbofishStart(sf *srcFile, gt int32) int32 {
	depth := 0
	for j := gt; j >= 0; j-- {
		if !sf.bud.tick(1) {
			return -1
		}
		switch sf.kind(j) {
		case syntax.Gt:
			depth++
		case syntax.Shr:
			depth += 2
		case syntax.Lt:
			depth--
		case syntax.Shl:
			depth -= 2
		case syntax.Semi, syntax.LBrace, syntax.RBrace, syntax.EOF:
			return -1
		}
		if k := sf.kind(j); k.IsClose() && sf.match[j] >= 0 && sf.match[j] < j {
			j = sf.match[j]
			continue
		}
		if depth <= 0 {
			if sf.kind(j) == syntax.Lt && sf.kind(j-1) == syntax.PathSep {
				return j - 1
			}
			return -1
		}
	}
	return -1
}

// forExpr records for PAT in ITER { body }.
func (ix *index) forExpr(fi int32, sf *srcFile, at int32) {
	if sf.kind(at+1) == syntax.Lt { // for<'a> in a bound
		return
	}
	in := int32(-1)
	limit := sf.groupEnd(at)
	for k := at + 1; k < limit; k = sf.end(k) {
		switch sf.kind(k) {
		case syntax.KwIn:
			in = k
		case syntax.LBrace, syntax.Semi:
			return
		}
		if in >= 0 {
			break
		}
	}
	if in < 0 {
		return
	}
	body := int32(-1)
	for k := in + 1; k < limit; k = sf.end(k) {
		if sf.kind(k) == syntax.LBrace {
			body = k
			break
		}
		if sf.kind(k) == syntax.Semi {
			return
		}
	}
	if body < 0 || sf.match[body] < body {
		return
	}
	ix.bindPattern(sf, at+1, in, nil, 0, func(name int32, proj []int32, opaque bool) {
		b := binding{file: fi, at: name, scopeLo: body + 1, scopeHi: sf.match[body], kind: bindFor, proj: proj, lo: in + 1, hi: body}
		if opaque {
			b.kind = bindOpaque
		}
		ix.addBinding(sf, b)
	})
}

// ifLet records the names bound by if let / while let: their values are
// parts of an unknown value.
func (ix *index) ifLet(fi int32, sf *srcFile, let int32) {
	limit := sf.groupEnd(let)
	eq := int32(-1)
	for k := let + 1; k < limit; k = sf.end(k) {
		if sf.kind(k) == syntax.Eq {
			eq = k
			break
		}
		if sf.kind(k) == syntax.LBrace || sf.kind(k) == syntax.Semi {
			return
		}
	}
	if eq < 0 {
		return
	}
	scopeHi := limit
	for k := eq + 1; k < limit; k = sf.end(k) {
		if sf.kind(k) == syntax.LBrace {
			scopeHi = sf.end(k)
			break
		}
	}
	ix.bindPattern(sf, let+1, eq, nil, 0, func(name int32, proj []int32, _ bool) {
		ix.addBinding(sf, binding{file: fi, at: name, scopeLo: eq, scopeHi: scopeHi, kind: bindOpaque})
	})
}

// arm is one match arm: its pattern (guard excluded) and body.
type arm struct{ patLo, patHi, bodyLo, bodyHi int32 }

// matchArms returns the arms of the match expression at at (the match
// keyword), or nil. open receives the arms' brace.
func matchArms(sf *srcFile, at int32) (arms []arm, open int32) {
	limit := sf.groupEnd(at)
	open = -1
	for k := at + 1; k < limit; k = sf.end(k) {
		if sf.kind(k) == syntax.LBrace {
			open = k
			break
		}
		if sf.kind(k) == syntax.Semi {
			return nil, -1
		}
	}
	if open < 0 || sf.match[open] < open {
		return nil, -1
	}
	close := sf.match[open]
	for j := open + 1; j < close; {
		a := arm{patLo: j, patHi: -1}
		arrow := int32(-1)
		for k := j; k < close; k = sf.end(k) {
			if sf.kind(k) == syntax.KwIf && a.patHi < 0 {
				a.patHi = k
			}
			if sf.kind(k) == syntax.FatArrow {
				arrow = k
				break
			}
		}
		if arrow < 0 {
			break
		}
		if a.patHi < 0 {
			a.patHi = arrow
		}
		a.bodyLo = arrow + 1
		b := a.bodyLo
		if sf.kind(b) == syntax.LBrace && sf.match[b] > b {
			switch sf.kind(sf.match[b] + 1) {
			case syntax.Dot, syntax.Question, syntax.KwAs:
			default:
				a.bodyHi = sf.match[b] + 1
				j = a.bodyHi
				if sf.kind(j) == syntax.Comma {
					j++
				}
				arms = append(arms, a)
				continue
			}
		}
		k := b
		for k < close && sf.kind(k) != syntax.Comma {
			k = sf.end(k)
		}
		a.bodyHi = k
		arms = append(arms, a)
		j = k + 1
	}
	return arms, open
}

// matchExpr records the names bound by match arm patterns.
func (ix *index) matchExpr(fi int32, sf *srcFile, at int32) {
	arms, _ := matchArms(sf, at)
	for _, a := range arms {
		ix.bindPattern(sf, a.patLo, a.patHi, nil, 0, func(name int32, _ []int32, _ bool) {
			ix.addBinding(sf, binding{file: fi, at: name, scopeLo: a.patHi, scopeHi: a.bodyHi, kind: bindOpaque})
		})
	}
}

// useAutocfg notes use autocfg::emit; and use autocfg::{emit, ...};.
func (ix *index) useAutocfg(fi int32, sf *srcFile, at int32) {
	end := sf.stmtEnd(at)
	for k := at + 2; k < end && sf.bud.tick(1); k++ {
		if sf.isIdent(k, "emit") {
			ix.emitImported[fi] = true
		}
	}
}

const maxPatternDepth = 32

// bindPattern reports the names a pattern binds, with the tuple fields
// that select each one. Names inside enum, struct and slice patterns are
// reported as opaque: the evaluator does not follow those.
func (ix *index) bindPattern(sf *srcFile, lo, hi int32, proj []int32, depth int, emit func(at int32, proj []int32, opaque bool)) {
	if lo >= hi {
		return
	}
	if depth > maxPatternDepth {
		opaqueNames(sf, lo, hi, emit)
		return
	}
	// Alternatives A | B bind the same names.
	if alts := splitTop(sf, lo, hi, syntax.Or); len(alts) > 1 {
		for _, a := range alts {
			ix.bindPattern(sf, a.lo, a.hi, proj, depth+1, emit)
		}
		return
	}
	for lo < hi {
		switch sf.kind(lo) {
		case syntax.And, syntax.AndAnd, syntax.KwMut, syntax.KwRef, syntax.KwBox:
			lo++
			continue
		}
		break
	}
	if lo >= hi {
		return
	}
	switch {
	case sf.kind(lo) == syntax.LParen && sf.end(lo) == hi:
		parts := splitTop(sf, lo+1, hi-1, syntax.Comma)
		if len(parts) == 1 && sf.kind(hi-2) != syntax.Comma {
			ix.bindPattern(sf, parts[0].lo, parts[0].hi, proj, depth+1, emit)
			return
		}
		for i, p := range parts {
			sub := append(append([]int32(nil), proj...), int32(i))
			ix.bindPattern(sf, p.lo, p.hi, sub, depth+1, emit)
		}
	case sf.kind(lo) == syntax.Identifier && hi == lo+1:
		emit(lo, proj, false)
	case sf.kind(lo) == syntax.Identifier && sf.kind(lo+1) == syntax.At:
		emit(lo, proj, false)
		ix.bindPattern(sf, lo+2, hi, proj, depth+1, emit)
	default:
		opaqueNames(sf, lo, hi, emit)
	}
}

// opaqueNames reports the names bound inside an enum, struct or slice
// pattern: identifiers that are not paths, field names or macro names.
func opaqueNames(sf *srcFile, lo, hi int32, emit func(at int32, proj []int32, opaque bool)) {
	for k := lo; k < hi && sf.bud.tick(1); k++ {
		if sf.kind(k) != syntax.Identifier {
			continue
		}
		switch sf.kind(k + 1) {
		case syntax.PathSep, syntax.LParen, syntax.LBrace, syntax.LBrack, syntax.Not, syntax.Colon:
			continue
		}
		if sf.kind(k-1) == syntax.PathSep {
			continue
		}
		if t := sf.text(k); t != "" && t[0] >= 'A' && t[0] <= 'Z' {
			continue // a constant or unit variant by convention
		}
		emit(k, nil, true)
	}
}

// splitTop splits [lo, hi) at the separator sep outside groups and
// turbofish angle brackets; an empty trailing part is dropped.
func splitTop(sf *srcFile, lo, hi int32, sep syntax.Kind) []expr {
	var out []expr
	start, angle := lo, 0
	for j := lo; j < hi; j = sf.end(j) {
		k := sf.kind(j)
		if k == syntax.Lt && sf.kind(j-1) == syntax.PathSep {
			angle++
		} else if angle > 0 {
			angle = angleStep(k, angle)
		}
		if k == sep && angle == 0 {
			out = append(out, expr{0, start, j})
			start = j + 1
		}
	}
	if start < hi {
		out = append(out, expr{0, start, hi})
	}
	return out
}

// scanCalls records the uses of local function names: calls f(...),
// path::f(...), method calls .f(...) and uses as values.
func (ix *index) scanCalls(fi int32, sf *srcFile) {
	for name, occ := range sf.idents {
		if len(ix.fnsByName[name]) == 0 {
			continue
		}
		for _, i := range occ {
			prev, next := sf.kind(i-1), sf.kind(i+1)
			if sf.inUse(i) {
				continue
			}
			if prev == syntax.KwFn || (prev == syntax.KwLet && next == syntax.Eq) || (prev == syntax.KwMut && sf.kind(i-2) == syntax.KwLet) {
				continue
			}
			c := callSite{file: fi, tok: i, method: prev == syntax.Dot}
			switch next {
			case syntax.LParen:
			case syntax.Not, syntax.PathSep, syntax.Colon, syntax.Eq:
				continue
			default:
				if prev == syntax.Dot {
					continue // a field
				}
				if ix.lookup(fi, name, i) >= 0 {
					continue // a variable of the same name
				}
				c.escape = true
				// recv.for_each(name)
				if p := sf.parent[i]; p == i-1 && sf.kind(p) == syntax.LParen && sf.match[p] == i+1 &&
					sf.kind(p-1) == syntax.Identifier && sf.kind(p-2) == syntax.Dot && elemClosureMethods[sf.text(p-1)] {
					c.recv = expr{fi, receiverStart(sf, p-2), p - 2}
				}
			}
			ix.calls[name] = append(ix.calls[name], c)
		}
	}
	for _, cs := range ix.calls {
		sort.Slice(cs, func(a, b int) bool {
			if cs[a].file != cs[b].file {
				return cs[a].file < cs[b].file
			}
			return cs[a].tok < cs[b].tok
		})
	}
}

// lookup returns the binding of name visible at token u of file fi, -1
// if there is none, or -2 if the budget ran out. The innermost (latest)
// binding wins; bindings of an enclosing fn item are not visible in a
// nested one.
func (ix *index) lookup(fi int32, name string, u int32) int32 {
	sf := ix.files[fi]
	ids := sf.binds[name]
	i := sort.Search(len(ids), func(k int) bool { return ix.binds[ids[k]].at >= u })
	owner := int32(-1)
	if u >= 0 && int(u) < len(sf.owner) {
		owner = sf.owner[u]
	}
	for i--; i >= 0; i-- {
		if !sf.bud.tick(1) {
			return -2
		}
		b := &ix.binds[ids[i]]
		if b.scopeLo <= u && u < b.scopeHi && int(b.scopeLo) < len(sf.owner) && sf.owner[b.scopeLo] == owner {
			return ids[i]
		}
	}
	return -1
}
