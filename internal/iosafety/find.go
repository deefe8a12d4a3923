package iosafety

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/analyzer"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/effects"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Analyzer runs the I/O-safety checks. Findings are diagnostics of
// category diag.Finding whose Kind is the check id; the result is the
// crate's *Adoption summary.
var Analyzer = &analyzer.Analyzer{
	Name:     "iosafety",
	Requires: []*analyzer.Analyzer{effects.Analyzer},
	Doc:      "find safe APIs that let callers forge or misuse raw handles (RFC 3128), and summarise the adoption of I/O-safe types",
	Run:      run,
}

func run(pass *analyzer.Pass) (any, error) {
	if pass.Prog.Target.Kind == manifest.KindBuildScript {
		return (*Adoption)(nil), nil
	}
	c := &checker{pass: pass, p: pass.Prog, r: pass.Prog.R, model: pass.Model,
		names: pass.ResultOf[effects.Analyzer].(*effects.Result).Names}
	c.localRaw = c.localRawTraits()
	for _, f := range c.p.Funcs {
		c.fn(f)
	}
	c.traitDecls()
	a := Adopt(pass.Prog)
	return &a, nil
}

// rawHandleTypes are the canonical raw handle types.
var rawHandleTypes = map[string]bool{
	"std::os::fd::RawFd":              true,
	"std::os::windows::io::RawSocket": true,
	"std::os::windows::io::RawHandle": true,
}

// intTypes are integer types that carry descriptors in older APIs.
var intTypes = map[string]bool{
	"libc::c_int": true, "std::os::raw::c_int": true, "std::ffi::c_int": true, "i32": true,
	"libc::SOCKET": true, "u64": true, "usize": true,
}

var descriptorName = regexp.MustCompile(`(^|_)(fd|fds|sock|sockfd|socket|handle|raw_fd)($|_)`)

// rawTraits are the traits that RawFd itself implements.
var rawTraits = map[string]bool{
	"std::os::fd::AsRawFd": true, "std::os::fd::IntoRawFd": true,
	"std::os::windows::io::AsRawSocket": true, "std::os::windows::io::IntoRawSocket": true,
	"std::os::windows::io::AsRawHandle": true, "std::os::windows::io::IntoRawHandle": true,
}

var forgers = map[string]bool{"from_raw_fd": true, "from_raw_socket": true, "from_raw_handle": true, "borrow_raw": true}

var fromRawTraits = map[string]bool{
	"std::os::fd::FromRawFd": true, "std::os::windows::io::FromRawSocket": true, "std::os::windows::io::FromRawHandle": true,
}

type checker struct {
	pass  *analyzer.Pass
	p     *program.Program
	r     *resolve.Resolver
	model *model.Model
	pf    *program.Func // the function being checked
	cur   *program.Cursor
	// names are the raw-handle operations each body names (from the
	// effects analyzer's walk): most bodies name none.
	names map[*program.Func]effects.Names
	// localRaw are the crate's traits that stand for AsRawFd: they
	// require it, or are implemented for RawFd or for every AsRawFd type.
	localRaw map[string]bool
}

// report records a finding at pos, a position in the current function
// (mapped to the crate's source when it comes from a macro).
func (c *checker) report(id string, pos syntax.Pos, item, format string, args ...any) {
	chk := CheckByID(id)
	cur := c.cur
	if cur == nil {
		cur = program.NewCursor(c.p, c.pf.Scope, c.pf.Exp, c.pf.Cond)
	}
	pos = cur.Pos(pos)
	d := diag.Diagnostic{Category: diag.Finding, Kind: id, Severity: string(chk.Severity), Function: item,
		Pos: c.pass.Position(pos), Message: fmt.Sprintf(format, args...), Fix: chk.Fix, ViaMacro: cur.Via()}
	if cond := cur.Cond(); cond != nil {
		d.Cfg = cond.String()
	}
	if id == "WIO004" && strings.Contains(d.Message, "standard stream") {
		d.Severity = string(Low)
	}
	if file := c.p.Crate.Fset.File(pos); file != nil {
		d.Suppressed, d.Reason = suppressed(file, d.Pos.Line, id)
	}
	c.pass.Report(d)
}

// inspect visits the current function's body after expansion.
func (c *checker) inspect(visit func(n syntax.Node, cur *program.Cursor) bool) {
	c.p.Walk(c.pf, func(n syntax.Node, cur *program.Cursor) bool {
		c.cur = cur
		return visit(n, cur)
	})
	c.cur = nil
}

var allowRE = regexp.MustCompile(`warden:allow\(([A-Z0-9, ]+)\)\s*:?\s*(.*)`)

// suppressed looks for "// warden:allow(ID) reason" on the finding's
// line or in the comment lines just above it. A suppression without a
// reason does not count.
func suppressed(file *syntax.File, line int, id string) (bool, string) {
	for l := line; l >= 1 && l >= line-3; l-- {
		text := strings.TrimSpace(file.Line(l))
		if l != line && !strings.HasPrefix(text, "//") && !strings.HasPrefix(text, "#[") {
			break
		}
		m := allowRE.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		for _, got := range strings.Split(m[1], ",") {
			if strings.TrimSpace(got) == id {
				reason := strings.TrimSpace(m[2])
				return reason != "", reason
			}
		}
	}
	return false, ""
}

// fn checks one function. Methods of FromRawFd-style impls are unsafe
// by the trait's contract; accessors of AsRawFd impls are how an owner
// lends its handle. The bounds of the enclosing impl block
// (impl<T: AsRawFd> AsyncFd<T>) constrain its methods too.
func (c *checker) fn(pf *program.Func) {
	fn := pf.Item
	if fn == nil || fn.Body == nil {
		return
	}
	c.pf = pf
	var implGenerics *syntax.Generics
	fromRawImpl := false
	if im, ok := pf.Owner.(*syntax.ImplItem); ok {
		implGenerics = im.Generics
		if pf.Trait != "" {
			t := model.Canonical(pf.Trait)
			if rawTraits[t] {
				return
			}
			fromRawImpl = fromRawTraits[t]
		}
	}
	scope := pf.Scope
	path := pf.Path
	safe := !fn.Sig.Unsafe && !fromRawImpl
	params := map[string]string{} // name -> canonical type
	for _, p := range fn.Sig.Params {
		if ip, ok := p.Pat.(*syntax.IdentPat); ok && p.Type != nil {
			params[ip.Name.Name] = model.Canonical(c.r.TypePath(scope, p.Type))
		}
	}
	// Which checks can apply: most functions never touch a raw handle,
	// and then only WIO001/WIO002 look further.
	names := c.names[pf]
	asRaw, intoRaw, forger := names&effects.AsRaw != 0, names&effects.IntoRaw != 0, names&effects.Forger != 0
	if safe && pf.Public {
		c.rawParam(fn, path, params)
		c.rawBound(scope, fn, path, implGenerics)
		c.rawReturn(scope, fn, path)
	}
	if forger {
		c.forging(fn, path, params, safe)
	}
	if asRaw {
		c.escapes(fn, path)
	}
	if asRaw || intoRaw {
		c.closeOrLeak(fn, path)
	}
}

// rawParam is WIO001: a raw handle accepted in any form (RawFd,
// Option<RawFd>, tuples, slices and arrays of them, an integer named like
// a descriptor) and used as a handle: passed on, stored, or called a
// method on. Arithmetic and formatting alone are no use as a handle.
func (c *checker) rawParam(fn *syntax.FnItem, path string, params map[string]string) {
	raw := map[string]string{} // parameter -> its type as written
	for _, p := range fn.Sig.Params {
		ip, ok := p.Pat.(*syntax.IdentPat)
		if !ok || p.Type == nil {
			continue
		}
		name := ip.Name.Name
		if c.rawForm(c.pf.Scope, p.Type, 0) || intTypes[params[name]] && descriptorName.MatchString(name) {
			raw[name] = c.typeText(p.Type)
		}
	}
	if len(raw) == 0 {
		return
	}
	reported := map[string]bool{}
	use := func(name, how string, at syntax.Pos, cur *program.Cursor) {
		if _, ok := raw[name]; !ok || reported[name] {
			return
		}
		reported[name] = true
		line := c.p.Crate.Fset.Position(cur.Pos(at)).Line
		c.cur = nil // the finding is at the function's name
		c.report("WIO001", fn.Name.Pos(), path, "public safe function %s takes raw handle `%s: %s` and %s (line %d)",
			fn.Name.Name, name, raw[name], how, line)
		c.cur = cur
	}
	c.inspect(func(n syntax.Node, cur *program.Cursor) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			pe, ok := n.Fun.(*syntax.PathExpr)
			if !ok || len(pe.Path.Segments) == 0 {
				return true
			}
			last := pe.Path.Segments[len(pe.Path.Segments)-1].Name.Name
			if forgers[last] {
				return true // from_raw_fd(fd): reported as a forging wrapper (WIO003)
			}
			callee := c.r.ResolvePath(cur.Scope(), pe.Path, resolve.ValueNS).Path
			if callee == "" {
				callee = pe.Path.String()
			}
			for _, a := range n.Args {
				use(rootIdent(a), "passes it to "+model.Canonical(callee), n.Pos(), cur)
			}
		case *syntax.MethodCallExpr:
			if !formatting[n.Name.Name] {
				use(rootIdent(n.Recv), "calls "+n.Name.Name+" on it", n.Name.Pos(), cur)
			}
			for _, a := range n.Args {
				use(rootIdent(a), "passes it to "+n.Name.Name, n.Name.Pos(), cur)
			}
		case *syntax.StructExpr:
			for _, f := range n.Fields {
				name := rootIdent(f.X)
				if f.Shorthand || f.X == nil {
					name = f.Name.Name
				}
				use(name, "stores it in "+n.Path.String(), f.Pos(), cur)
			}
		case *syntax.AssignExpr:
			use(rootIdent(n.Y), "stores it", n.Pos(), cur)
		}
		return true
	})
}

// formatting are methods that only read a value to print or compare it.
var formatting = map[string]bool{"to_string": true, "fmt": true, "eq": true, "ne": true, "cmp": true,
	"partial_cmp": true, "hash": true, "is_some": true, "is_none": true}

// rawForm reports whether a written type carries a raw handle: RawFd,
// RawSocket or RawHandle, alone or in an Option, a Result, a tuple, a
// slice, an array, a Vec or a reference.
func (c *checker) rawForm(s *resolve.Scope, t syntax.Type, depth int) bool {
	if t == nil || depth > 6 {
		return false
	}
	switch tt := t.(type) {
	case *syntax.RefType:
		return c.rawForm(s, tt.Elem, depth+1)
	case *syntax.ParenType:
		return c.rawForm(s, tt.Elem, depth+1)
	case *syntax.SliceType:
		return c.rawForm(s, tt.Elem, depth+1)
	case *syntax.ArrayType:
		return c.rawForm(s, tt.Elem, depth+1)
	case *syntax.TupleType:
		for _, e := range tt.Elems {
			if c.rawForm(s, e, depth+1) {
				return true
			}
		}
	case *syntax.PathType:
		if rawHandleTypes[model.Canonical(c.r.ResolvePath(s, tt.Path, resolve.TypeNS).Path)] {
			return true
		}
		if n := len(tt.Path.Segments); n > 0 && tt.Path.Segments[n-1].Args != nil {
			for _, a := range tt.Path.Segments[n-1].Args.Args {
				if ta, ok := a.(*syntax.TypeArg); ok && c.rawForm(s, ta.Type, depth+1) {
					return true
				}
			}
		}
	}
	return false
}

// typeText is a type as written, with whitespace normalised.
func (c *checker) typeText(t syntax.Type) string {
	f := c.p.Crate.Fset.File(t.Pos())
	if f == nil || !f.Contains(t.End()) {
		return "?"
	}
	return strings.Join(strings.Fields(f.Src[f.Offset(t.Pos()):f.Offset(t.End())]), " ")
}

// rawReturn is WIO007: a public safe function that returns an owned raw
// handle. A method borrowing self returns the handle of a value the
// caller holds (an accessor); as_raw_* and into_raw_* are accessors by
// name.
func (c *checker) rawReturn(s *resolve.Scope, fn *syntax.FnItem, path string) {
	if fn.Sig.Ret == nil || strings.HasPrefix(fn.Name.Name, "as_raw") || strings.HasPrefix(fn.Name.Name, "into_raw") {
		return
	}
	if !c.rawForm(s, fn.Sig.Ret, 0) && !c.rawStruct(s, fn.Sig.Ret) {
		return
	}
	for _, p := range fn.Sig.Params {
		if p.Self && (p.SelfRef || p.Type != nil) {
			return
		}
	}
	c.report("WIO007", fn.Name.Pos(), path, "public safe function %s returns raw handle `%s` for its caller to close",
		fn.Name.Name, c.typeText(fn.Sig.Ret))
}

// rawStruct reports whether a return type is (a Result or Option of) a
// struct of the crate with a public field that carries a raw handle
// (nix's OpenptyResult { master: RawFd, slave: RawFd }).
func (c *checker) rawStruct(s *resolve.Scope, t syntax.Type) bool {
	for depth := 0; depth < 3; depth++ {
		pt, ok := t.(*syntax.PathType)
		if !ok {
			return false
		}
		res := c.r.ResolvePath(s, pt.Path, resolve.TypeNS)
		if d := res.Def; d != nil {
			if st, ok := d.Item.(*syntax.StructItem); ok {
				for _, f := range st.Fields {
					if resolve.IsPub(f.Vis) && c.rawForm(d.Owner, f.Type, 0) {
						return true
					}
				}
				return false
			}
		}
		// Result<T> (std's or an alias of the crate), Option<T>: look at T.
		n := len(pt.Path.Segments)
		if n == 0 || pt.Path.Segments[n-1].Args == nil || len(pt.Path.Segments[n-1].Args.Args) == 0 {
			return false
		}
		ta, ok := pt.Path.Segments[n-1].Args.Args[0].(*syntax.TypeArg)
		if !ok {
			return false
		}
		t = ta.Type
	}
	return false
}

// traitDecls applies WIO001 to the method declarations of the crate's
// public traits: a declaration that takes a raw handle makes every impl
// accept one.
func (c *checker) traitDecls() {
	for _, d := range c.p.Items {
		tr, ok := d.Item.(*syntax.TraitItem)
		if !ok || d.Fn != nil || tr.Unsafe {
			continue
		}
		tp := d.Prefix + "::" + tr.Name.Name
		if !(d.Public && resolve.IsPub(tr.Vis) || c.r.Reachable[tp]) || rawTraits[model.Canonical(tp)] {
			continue
		}
		for _, ai := range c.r.AssocItems(tr) {
			fn, ok := ai.(*syntax.FnItem)
			if !ok || fn.Body != nil || fn.Sig.Unsafe || strings.HasPrefix(fn.Name.Name, "as_raw") || strings.HasPrefix(fn.Name.Name, "into_raw") {
				continue
			}
			for _, p := range fn.Sig.Params {
				ip, ok := p.Pat.(*syntax.IdentPat)
				if !ok || p.Type == nil || !c.rawForm(d.Scope, p.Type, 0) {
					continue
				}
				c.pf = &program.Func{Path: tp + "::" + fn.Name.Name, Scope: d.Scope, Exp: d.Exp, Cond: d.Cond}
				c.report("WIO001", fn.Name.Pos(), c.pf.Path, "public trait method %s::%s takes raw handle `%s: %s`: every impl accepts any integer as a handle",
					tr.Name.Name, fn.Name.Name, ip.Name.Name, c.typeText(p.Type))
				break
			}
		}
	}
}

// localRawTraits finds the crate's traits that stand for AsRawFd: a
// trait whose supertraits include a raw trait, or that is implemented
// for RawFd itself or for every type with a raw bound (fd-lock's
// impl<T: AsRawFd> AsRaw for T).
func (c *checker) localRawTraits() map[string]bool {
	out := map[string]bool{}
	isRaw := func(s *resolve.Scope, bounds []syntax.Bound) bool {
		for _, b := range bounds {
			if tb, ok := b.(*syntax.TraitBound); ok && tb.Path != nil && rawTraits[model.Canonical(c.r.ResolvePath(s, tb.Path, resolve.TypeNS).Path)] {
				return true
			}
		}
		return false
	}
	for _, d := range c.p.Items {
		switch it := d.Item.(type) {
		case *syntax.TraitItem:
			if isRaw(d.Scope, it.Bounds) {
				out[d.Prefix+"::"+it.Name.Name] = true
			}
		case *syntax.ImplItem:
			if it.Trait == nil {
				continue
			}
			trait := c.r.ResolvePath(d.Scope, it.Trait, resolve.TypeNS).Path
			if !strings.HasPrefix(trait, c.p.Name+"::") {
				continue
			}
			if c.rawForm(d.Scope, it.SelfType, 0) {
				out[trait] = true
				continue
			}
			// impl<T: AsRawFd> Trait for T
			if pt, ok := it.SelfType.(*syntax.PathType); ok && len(pt.Path.Segments) == 1 && it.Generics != nil {
				name := pt.Path.Segments[0].Name.Name
				for _, gp := range it.Generics.Params {
					if gp.Name.Name == name && isRaw(d.Scope, gp.Bounds) {
						out[trait] = true
					}
				}
				for _, w := range it.Generics.Where {
					if wt, ok := w.Type.(*syntax.PathType); ok && len(wt.Path.Segments) == 1 && wt.Path.Segments[0].Name.Name == name && isRaw(d.Scope, w.Bounds) {
						out[trait] = true
					}
				}
			}
		}
	}
	return out
}

func short(t string) string {
	if i := strings.LastIndex(t, "::"); i >= 0 {
		return t[i+2:]
	}
	return t
}

// rootIdent returns the variable an argument expression is (through
// casts, references, parentheses and .into()/.try_into()), or "".
func rootIdent(x syntax.Expr) string {
	for i := 0; i < 8; i++ {
		switch e := x.(type) {
		case *syntax.PathExpr:
			if len(e.Path.Segments) == 1 && e.Path.QSelf == nil {
				return e.Path.Segments[0].Name.Name
			}
			return ""
		case *syntax.CastExpr:
			x = e.X
		case *syntax.ParenExpr:
			x = e.X
		case *syntax.RefExpr:
			x = e.X
		case *syntax.MethodCallExpr:
			switch e.Name.Name {
			case "into", "try_into", "clone", "unwrap":
				x = e.Recv
			default:
				return ""
			}
		default:
			return ""
		}
	}
	return ""
}

// rawBound is WIO002.
func (c *checker) rawBound(s *resolve.Scope, fn *syntax.FnItem, path string, implGenerics *syntax.Generics) {
	var bounded []string
	boundedParams := map[string]bool{} // generic parameters with a raw bound
	check := func(bounds []syntax.Bound, what string) {
		for _, b := range bounds {
			tb, ok := b.(*syntax.TraitBound)
			if !ok || tb.Path == nil || tb.Maybe {
				continue
			}
			t := model.Canonical(c.r.ResolvePath(s, tb.Path, resolve.TypeNS).Path)
			if (rawTraits[t] || c.localRaw[t]) && !boundedParams[what+": "+short(t)] {
				bounded = append(bounded, what+": "+short(t))
				boundedParams[what+": "+short(t)] = true
				boundedParams[what] = true
			}
		}
	}
	for _, g := range []*syntax.Generics{implGenerics, fn.Sig.Generics} {
		if g == nil {
			continue
		}
		for _, p := range g.Params {
			check(p.Bounds, p.Name.Name)
		}
		for _, w := range g.Where {
			name := "where clause"
			if pt, ok := w.Type.(*syntax.PathType); ok && len(pt.Path.Segments) == 1 {
				name = pt.Path.Segments[0].Name.Name
			}
			check(w.Bounds, name)
		}
	}
	for _, p := range fn.Sig.Params {
		if it, ok := p.Type.(*syntax.ImplTraitType); ok {
			name := "parameter"
			if ip, ok := p.Pat.(*syntax.IdentPat); ok {
				name = ip.Name.Name
			}
			check(it.Bounds, name)
		}
	}
	// Accessors such as as_raw_filelike (blanket impls over AsRawFd) only
	// lend the handle of a value the caller owns.
	if len(bounded) == 0 || strings.HasPrefix(fn.Name.Name, "as_raw") || strings.HasPrefix(fn.Name.Name, "into_raw") {
		return
	}
	// The API accepts a raw-bounded value (a parameter of type T or &T),
	// or the body turns one into a raw handle.
	uses := false
	for _, p := range fn.Sig.Params {
		t := p.Type
		if rt, ok := t.(*syntax.RefType); ok {
			t = rt.Elem
		}
		if pt, ok := t.(*syntax.PathType); ok && len(pt.Path.Segments) == 1 && boundedParams[pt.Path.Segments[0].Name.Name] {
			uses = true
		}
		if _, ok := t.(*syntax.ImplTraitType); ok && p.Type != nil {
			if ip, ok := p.Pat.(*syntax.IdentPat); ok && boundedParams[ip.Name.Name] {
				uses = true
			}
		}
	}
	c.inspect(func(n syntax.Node, _ *program.Cursor) bool {
		if m, ok := n.(*syntax.MethodCallExpr); ok && strings.HasPrefix(m.Name.Name, "as_raw_") || ok && strings.HasPrefix(m.Name.Name, "into_raw_") {
			uses = true
		}
		return !uses
	})
	if !uses {
		return
	}
	c.report("WIO002", fn.Name.Pos(), path, "public safe function %s is generic over %s, which any raw integer handle satisfies, and uses the raw handle",
		fn.Name.Name, strings.Join(bounded, ", "))
}

// forging is WIO003 and WIO004: from_raw_* calls.
func (c *checker) forging(fn *syntax.FnItem, path string, params map[string]string, safe bool) {
	c.inspect(func(n syntax.Node, cur *program.Cursor) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		pe, ok := call.Fun.(*syntax.PathExpr)
		if !ok || len(pe.Path.Segments) == 0 {
			return true
		}
		name := pe.Path.Segments[len(pe.Path.Segments)-1].Name.Name
		if !forgers[name] {
			return true
		}
		arg := call.Args[0]
		if lit, ok := intLiteral(arg); ok {
			what := "descriptor " + lit
			if lit == "0" || lit == "1" || lit == "2" {
				what = "standard stream " + lit
			}
			c.report("WIO004", call.Pos(), path, "%s(%s) forges an I/O object from the %s", name, lit, what)
			return true
		}
		if safe && cur.InUnsafe() && derivesFromInput(arg, params) {
			c.report("WIO003", call.Pos(), path, "safe function %s calls %s on a value from its %s without taking ownership in its signature",
				fn.Name.Name, name, inputKind(arg, params))
		}
		return true
	})
}

// peel strips parentheses and casts, which do not change which handle
// a value is.
func peel(x syntax.Expr) syntax.Expr {
	for {
		switch e := x.(type) {
		case *syntax.ParenExpr:
			x = e.X
		case *syntax.CastExpr:
			x = e.X
		default:
			return x
		}
	}
}

func intLiteral(x syntax.Expr) (string, bool) {
	if e, ok := peel(x).(*syntax.LitExpr); ok && e.Kind == syntax.Int {
		return strings.TrimRightFunc(e.Value, func(r rune) bool { return r >= 'a' && r <= 'z' }), true
	}
	return "", false
}

// derivesFromInput reports whether an argument comes from the
// function's parameters, a field or arithmetic, as opposed to a handle
// the function just obtained (libc::socket(..)) or an ownership transfer
// (x.into_raw_fd()).
func derivesFromInput(x syntax.Expr, params map[string]string) bool {
	found := false
	syntax.Inspect(x, func(n syntax.Node) bool {
		switch e := n.(type) {
		case *syntax.MethodCallExpr:
			if strings.HasPrefix(e.Name.Name, "into_raw_") {
				return false // ownership transferred
			}
		case *syntax.CallExpr:
			return false // a fresh handle from a call
		case *syntax.FieldExpr:
			found = true
		case *syntax.BinaryExpr:
			found = true
		case *syntax.PathExpr:
			if len(e.Path.Segments) == 1 {
				if _, ok := params[e.Path.Segments[0].Name.Name]; ok {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

func inputKind(x syntax.Expr, params map[string]string) string {
	switch x.(type) {
	case *syntax.FieldExpr:
		return "fields"
	case *syntax.BinaryExpr:
		return "arithmetic"
	}
	return "parameters"
}

// borrowsRaw reports whether x is owner.as_raw_*() and returns the
// owner's variable name ("" if the owner is not a plain variable).
func borrowsRaw(x syntax.Expr) (owner string, ok bool) {
	e, isCall := peel(x).(*syntax.MethodCallExpr)
	if !isCall || !strings.HasPrefix(e.Name.Name, "as_raw_") || len(e.Args) != 0 {
		return "", false
	}
	return rootIdent(e.Recv), true
}

// escapes is WIO005: the raw handle of a local owner returned, stored in
// a struct literal, or used after drop(owner).
func (c *checker) escapes(fn *syntax.FnItem, path string) {
	locals := map[string]bool{} // let-bound owners, dropped at the end of the function
	c.inspect(func(n syntax.Node, _ *program.Cursor) bool {
		if ls, ok := n.(*syntax.LetStmt); ok {
			if ip, ok := ls.Pat.(*syntax.IdentPat); ok && ls.Init != nil {
				if _, isRaw := borrowsRaw(ls.Init); !isRaw {
					locals[ip.Name.Name] = true
				}
			}
		}
		return true
	})
	if len(locals) == 0 {
		return
	}
	report := func(x syntax.Expr, how string) {
		owner, ok := borrowsRaw(x)
		if ok && locals[owner] {
			c.report("WIO005", x.Pos(), path, "%s: the raw handle of local `%s` %s, but `%s` is dropped when %s returns",
				fn.Name.Name, owner, how, owner, fn.Name.Name)
		}
	}
	// Tail expression and return statements.
	if n := len(fn.Body.Stmts); n > 0 {
		if es, ok := fn.Body.Stmts[n-1].(*syntax.ExprStmt); ok && !es.Semi {
			report(es.X, "is returned")
		}
	}
	c.inspect(func(n syntax.Node, _ *program.Cursor) bool {
		switch e := n.(type) {
		case *syntax.ReturnExpr:
			if e.X != nil {
				report(e.X, "is returned")
			}
		case *syntax.StructExpr:
			for _, f := range e.Fields {
				if f.X != nil {
					report(f.X, "is stored in field `"+f.Name.Name+"`")
				}
			}
		case *syntax.ClosureExpr:
			return false
		}
		return true
	})
	c.useAfterDrop(fn, path)
}

// useAfterDrop finds "let fd = owner.as_raw_fd(); ... drop(owner); ...
// use of fd" within one block.
func (c *checker) useAfterDrop(fn *syntax.FnItem, path string) {
	c.inspect(func(n syntax.Node, cur *program.Cursor) bool {
		b, ok := n.(*syntax.BlockExpr)
		if !ok {
			return true
		}
		raw := map[string]string{} // fd variable -> owner
		dropped := map[string]bool{}
		for _, st := range b.Stmts {
			switch st := st.(type) {
			case *syntax.LetStmt:
				if ip, ok := st.Pat.(*syntax.IdentPat); ok && st.Init != nil {
					if owner, ok := borrowsRaw(st.Init); ok && owner != "" {
						raw[ip.Name.Name] = owner
					}
				}
			case *syntax.ExprStmt:
				if call, ok := st.X.(*syntax.CallExpr); ok && len(call.Args) == 1 {
					if pe, ok := call.Fun.(*syntax.PathExpr); ok && len(pe.Path.Segments) > 0 &&
						pe.Path.Segments[len(pe.Path.Segments)-1].Name.Name == "drop" {
						dropped[rootIdent(call.Args[0])] = true
						continue
					}
				}
			}
			cur.Inspect(st, func(m syntax.Node) bool {
				pe, ok := m.(*syntax.PathExpr)
				if !ok || len(pe.Path.Segments) != 1 {
					return true
				}
				v := pe.Path.Segments[0].Name.Name
				if owner := raw[v]; owner != "" && dropped[owner] {
					c.report("WIO005", pe.Pos(), path, "%s: `%s` (the raw handle of `%s`) is used after `%s` was dropped",
						fn.Name.Name, v, owner, owner)
					delete(raw, v)
				}
				return true
			})
		}
		return true
	})
}

// closers are the functions that close a raw descriptor.
var closers = map[string]bool{
	"libc::close": true, "nix::unistd::close": true, "rustix::io::close": true, "libc::closesocket": true,
	"windows_sys::Win32::Foundation::CloseHandle": true, "winapi::um::handleapi::CloseHandle": true,
}

// closeOrLeak is WIO006.
func (c *checker) closeOrLeak(fn *syntax.FnItem, path string) {
	forgotten := map[string]bool{}
	c.inspect(func(n syntax.Node, _ *program.Cursor) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) == 1 {
			if pe, ok := call.Fun.(*syntax.PathExpr); ok && len(pe.Path.Segments) > 0 &&
				pe.Path.Segments[len(pe.Path.Segments)-1].Name.Name == "forget" {
				forgotten[rootIdent(call.Args[0])] = true
			}
		}
		return true
	})
	c.inspect(func(n syntax.Node, cur *program.Cursor) bool {
		switch e := n.(type) {
		case *syntax.CallExpr:
			pe, ok := e.Fun.(*syntax.PathExpr)
			if !ok || len(e.Args) != 1 {
				return true
			}
			res := c.r.ResolvePath(cur.Scope(), pe.Path, resolve.ValueNS)
			if res.Def != nil || !closers[model.Canonical(res.Path)] {
				return true
			}
			if owner, ok := borrowsRaw(e.Args[0]); ok && !forgotten[owner] {
				who := "a value"
				if owner != "" {
					who = "`" + owner + "`"
				}
				c.report("WIO006", e.Pos(), path, "%s: %s closes the raw handle of %s, which still owns it and closes it again when dropped",
					fn.Name.Name, model.Canonical(res.Path), who)
			}
		case *syntax.ExprStmt:
			if m, ok := e.X.(*syntax.MethodCallExpr); ok && e.Semi && strings.HasPrefix(m.Name.Name, "into_raw_") {
				c.report("WIO006", m.Pos(), path, "%s: the result of %s() is discarded: the handle leaks", fn.Name.Name, m.Name.Name)
			}
		case *syntax.LetStmt:
			if m, ok := e.Init.(*syntax.MethodCallExpr); ok && strings.HasPrefix(m.Name.Name, "into_raw_") {
				if _, wild := e.Pat.(*syntax.WildPat); wild {
					c.report("WIO006", m.Pos(), path, "%s: the result of %s() is discarded: the handle leaks", fn.Name.Name, m.Name.Name)
				}
			}
		}
		return true
	})
}

// Adoption summarises how far a crate has adopted I/O-safe types (check
// 7 of the I/O-safety analysis): raw handles versus OwnedFd, BorrowedFd
// and AsFd in its public API, and which of its types implement the
// I/O-safe traits.
type Adoption struct {
	RawParams     int      `json:"raw_params"`       // public fns taking RawFd/RawSocket/RawHandle
	RawReturns    int      `json:"raw_returns"`      // public fns returning one
	RawBounds     int      `json:"raw_bounds"`       // public fns generic over AsRawFd/IntoRawFd...
	SafeParams    int      `json:"safe_params"`      // public fns taking OwnedFd/BorrowedFd/AsFd
	SafeReturns   int      `json:"safe_returns"`     // public fns returning OwnedFd/BorrowedFd
	ImplAsFd      []string `json:"impl_as_fd"`       // types implementing AsFd/AsSocket/AsHandle
	ImplFromOwned []string `json:"impl_from_owned"`  // types implementing From<OwnedFd>...
	ImplAsRawOnly []string `json:"impl_as_raw_only"` // types implementing AsRawFd but not AsFd: migration candidates
}

var safeHandleTypes = map[string]bool{
	"std::os::fd::OwnedFd": true, "std::os::fd::BorrowedFd": true,
	"std::os::windows::io::OwnedSocket": true, "std::os::windows::io::BorrowedSocket": true,
	"std::os::windows::io::OwnedHandle": true, "std::os::windows::io::BorrowedHandle": true,
}

var safeTraits = map[string]bool{
	"std::os::fd::AsFd": true, "std::os::windows::io::AsSocket": true, "std::os::windows::io::AsHandle": true,
}

// Adopt computes the adoption summary of a lowered target.
func Adopt(p *program.Program) Adoption {
	r := p.R
	var a Adoption
	asFd, asRaw := map[string]bool{}, map[string]bool{}
	fromOwned := map[string]bool{}
	for _, f := range p.Funcs {
		fn := f.Item
		if fn == nil || !f.Public || fn.Sig.Unsafe || f.Trait != "" {
			continue
		}
		scope := f.Scope
		rawP, safeP, rawB := false, false, false
		for _, prm := range fn.Sig.Params {
			if prm.Type == nil {
				continue
			}
			t := model.Canonical(r.TypePath(scope, prm.Type))
			rawP = rawP || rawHandleTypes[t]
			safeP = safeP || safeHandleTypes[t] || safeTraits[t]
		}
		if g := fn.Sig.Generics; g != nil {
			for _, gp := range g.Params {
				for _, b := range gp.Bounds {
					if tb, ok := b.(*syntax.TraitBound); ok && tb.Path != nil {
						t := model.Canonical(r.ResolvePath(scope, tb.Path, resolve.TypeNS).Path)
						rawB = rawB || rawTraits[t]
						safeP = safeP || safeTraits[t]
					}
				}
			}
		}
		if rawP {
			a.RawParams++
		}
		if safeP {
			a.SafeParams++
		}
		if rawB {
			a.RawBounds++
		}
		if fn.Sig.Ret != nil {
			t := model.Canonical(r.TypePath(scope, fn.Sig.Ret))
			if rawHandleTypes[t] {
				a.RawReturns++
			}
			if safeHandleTypes[t] {
				a.SafeReturns++
			}
		}
	}
	for _, d := range p.Items {
		it, ok := d.Item.(*syntax.ImplItem)
		if !ok || it.Trait == nil {
			continue
		}
		self := r.RegisterImpl(d.Scope, it)
		if self == "" {
			continue
		}
		t := model.Canonical(r.ResolvePath(d.Scope, it.Trait, resolve.TypeNS).Path)
		switch {
		case safeTraits[t]:
			asFd[self] = true
		case rawTraits[t] && strings.Contains(t, "AsRaw"):
			asRaw[self] = true
		case t == "std::convert::From":
			if arg := traitTypeArg(it.Trait); arg != nil && safeHandleTypes[model.Canonical(r.TypePath(d.Scope, arg))] {
				fromOwned[self] = true
			}
		}
	}
	for t := range asFd {
		a.ImplAsFd = append(a.ImplAsFd, t)
	}
	for t := range fromOwned {
		a.ImplFromOwned = append(a.ImplFromOwned, t)
	}
	for t := range asRaw {
		if !asFd[t] {
			a.ImplAsRawOnly = append(a.ImplAsRawOnly, t)
		}
	}
	sort.Strings(a.ImplAsFd)
	sort.Strings(a.ImplFromOwned)
	sort.Strings(a.ImplAsRawOnly)
	if a.ImplAsFd == nil {
		a.ImplAsFd = []string{}
	}
	if a.ImplFromOwned == nil {
		a.ImplFromOwned = []string{}
	}
	if a.ImplAsRawOnly == nil {
		a.ImplAsRawOnly = []string{}
	}
	return a
}

// traitTypeArg returns T of a trait path such as From<T>.
func traitTypeArg(p *syntax.Path) syntax.Type {
	if len(p.Segments) == 0 {
		return nil
	}
	args := p.Segments[len(p.Segments)-1].Args
	if args == nil || len(args.Args) == 0 {
		return nil
	}
	if ta, ok := args.Args[0].(*syntax.TypeArg); ok {
		return ta.Type
	}
	return nil
}
