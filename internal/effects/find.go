package effects

import (
	"path/filepath"
	"strings"

	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Found is one effect found in the source.
type Found struct {
	Callee string
	Cap    Capability
	Kind   string
	Pos    syntax.Pos // in the crate's source (the invocation site for macro expansions)
	Low    bool       // low confidence
	Via    string     // macro whose expansion contains the effect
}

// Call is a call from one function of the crate to another.
type Call struct {
	Callee   string // canonical path of the called function
	Pos      syntax.Pos
	Indirect bool // resolved by method name only
	Via      string
	// External marks a call into a dependency (tokio::net::TcpStream::
	// connect): whole-tree analysis links it to that crate's function.
	External bool
}

// Func is a function of the crate (or a pseudo-function: a static's
// initializer, the item level of a module) with what it does directly.
type Func struct {
	Path   string
	Public bool
	// Pseudo marks the item level of a module (extern blocks, unsafe
	// impls) and static or const initializers: graph nodes that are not
	// callable functions.
	Pseudo  bool
	Pos     syntax.Pos
	Effects []Found
	Calls   []Call
}

// Finder walks the functions of one resolved target and records their
// effects and calls.
type Finder struct {
	R     *resolve.Resolver
	Model *Model
	Funcs []*Func
	byKey map[string]*Func
	// InBuildScript marks every effect as build-time too.
	InBuildScript bool
}

// NewFinder prepares a finder for a resolved target.
func NewFinder(r *resolve.Resolver, m *Model) *Finder {
	return &Finder{R: r, Model: m, byKey: map[string]*Func{}}
}

func (f *Finder) fset() *syntax.FileSet { return f.R.Crate.Fset }

// pseudo returns the Func standing for the item level of a module or an
// initializer.
func (f *Finder) pseudo(path string, public bool, pos syntax.Pos) *Func {
	fn := f.fn(path, public, pos)
	if len(fn.Effects) == 0 && len(fn.Calls) == 0 {
		fn.Pseudo = true
	}
	return fn
}

// fn returns the Func for a path, creating it.
func (f *Finder) fn(path string, public bool, pos syntax.Pos) *Func {
	if fn := f.byKey[path]; fn != nil {
		if public {
			fn.Public = true
		}
		return fn
	}
	fn := &Func{Path: path, Public: public, Pos: pos}
	f.byKey[path] = fn
	f.Funcs = append(f.Funcs, fn)
	return fn
}

// Run finds the effects of every item of the target.
func (f *Finder) Run() {
	for _, s := range f.R.Scopes {
		public := resolve.ModulePublic(s)
		via := map[syntax.Item]resolve.ExpandedItem{}
		for _, e := range s.Expanded {
			via[e.Item] = e
		}
		for _, it := range s.Items {
			e := via[it]
			ctx := ctxt{via: e.Macro, site: e.Site, args: e.Args}
			f.item(s, s.Path, it, public, ctx)
		}
	}
}

// ctxt is the macro context of what is being walked: via names the
// outermost macro; site is set for expansions of the crate's own
// macro_rules!, whose tokens come from the definition, so effects are
// reported at the invocation. Bodies of macros from other crates
// (cfg_if!, lazy_static!, format arguments) are the user's own tokens and
// keep their real positions.
type ctxt struct {
	via  string
	site syntax.Pos
	args syntax.Span // the invocation's arguments: real positions there
}

func (c ctxt) at(pos syntax.Pos) syntax.Pos {
	if c.site != syntax.NoPos && !(pos >= c.args.Lo && pos < c.args.Hi) {
		return c.site
	}
	return pos
}

func hasAttr(attrs []*syntax.Attr, name string) bool {
	for _, a := range attrs {
		if a.Name() == name {
			return true
		}
	}
	return false
}

// item records the effects of one item declared in scope s, whose
// canonical prefix is path.
func (f *Finder) item(s *resolve.Scope, path string, it syntax.Item, public bool, c ctxt) {
	switch it := it.(type) {
	case *syntax.FnItem:
		fp := path + "::" + it.Name.Name
		fn := f.fn(fp, public && resolve.IsPub(it.Vis) || f.R.PubReexports[fp], it.Name.Pos())
		f.body(s, fn, it, "", c)
	case *syntax.ImplItem:
		self := f.R.RegisterImpl(s, it)
		if self == "" {
			self = path + "::{impl}"
		}
		if it.Unsafe {
			owner := f.pseudo(path, public, it.Pos())
			f.effect(owner, Found{Callee: "unsafe impl " + self, Cap: Unsafe, Kind: "unsafe_impl", Pos: c.at(it.Pos()), Via: c.via})
		}
		for _, ai := range f.R.AssocItems(it) {
			if fn, ok := ai.(*syntax.FnItem); ok {
				pub := (public || f.R.PubReexports[self]) && (resolve.IsPub(fn.Vis) || it.Trait != nil)
				fnf := f.fn(self+"::"+fn.Name.Name, pub, fn.Name.Pos())
				f.body(s, fnf, fn, self, c)
			}
		}
	case *syntax.TraitItem:
		tp := path + "::" + it.Name.Name
		if it.Unsafe {
			owner := f.pseudo(path, public, it.Pos())
			f.effect(owner, Found{Callee: "unsafe trait " + tp, Cap: Unsafe, Kind: "unsafe_trait", Pos: c.at(it.Pos()), Via: c.via})
		}
		for _, ai := range f.R.AssocItems(it) {
			if fn, ok := ai.(*syntax.FnItem); ok && fn.Body != nil {
				fnf := f.fn(tp+"::"+fn.Name.Name, public && resolve.IsPub(it.Vis), fn.Name.Pos())
				f.body(s, fnf, fn, tp, c)
			}
		}
	case *syntax.StaticItem:
		sp := path + "::" + it.Name.Name
		fn := f.pseudo(sp, public && resolve.IsPub(it.Vis), it.Name.Pos())
		if it.Mut {
			f.effect(fn, Found{Callee: "static mut " + it.Name.Name, Cap: Unsafe, Kind: "static_mut", Pos: c.at(it.Name.Pos()), Via: c.via})
		}
		if it.Value != nil {
			w := f.walker(s, fn, "", c)
			w.expr(it.Value)
		}
	case *syntax.ConstItem:
		if it.Value != nil {
			fn := f.pseudo(path+"::"+it.Name.Name, public && resolve.IsPub(it.Vis), it.Name.Pos())
			w := f.walker(s, fn, "", c)
			w.expr(it.Value)
		}
	case *syntax.ExternBlockItem:
		owner := f.pseudo(path, public, it.Pos())
		for _, a := range it.Attrs {
			if a.Name() == "link" {
				f.effect(owner, Found{Callee: "#[link" + attrText(f.fset(), a) + "]", Cap: FFI, Kind: "link", Pos: c.at(a.Pos()), Via: c.via})
			}
		}
		for _, fi := range it.Items {
			if !load.Enabled(f.R.Crate.Cfg, f.fset(), fi, nil) {
				continue
			}
			switch fi := fi.(type) {
			case *syntax.FnItem:
				f.effect(owner, Found{Callee: path + "::" + fi.Name.Name, Cap: FFI, Kind: "extern_fn", Pos: c.at(fi.Name.Pos()), Via: c.via})
			case *syntax.StaticItem:
				f.effect(owner, Found{Callee: path + "::" + fi.Name.Name, Cap: FFI, Kind: "extern_static", Pos: c.at(fi.Name.Pos()), Via: c.via})
			}
		}
	case *syntax.MacroItem:
		// Item macros Warden could not expand (expanded ones were
		// replaced by their items in s.Items).
		if k := f.R.ClassifyMacro(it.Mac.Path); k == resolve.MacroInclude || k == resolve.MacroEnv || k == resolve.MacroAsm {
			owner := f.pseudo(path, public, it.Pos())
			w := f.walker(s, owner, "", c)
			w.macro(it.Mac)
		}
	}
}

func attrText(fset *syntax.FileSet, a *syntax.Attr) string {
	var b strings.Builder
	for _, t := range a.Tokens {
		b.WriteString(fset.Text(t))
	}
	return b.String()
}

func (f *Finder) effect(fn *Func, e Found) {
	if f.InBuildScript && e.Cap != Build {
		e.Kind = e.Kind + ",build_time"
	}
	fn.Effects = append(fn.Effects, e)
}

// body walks a function body.
func (f *Finder) body(s *resolve.Scope, fn *Func, it *syntax.FnItem, self string, c ctxt) {
	if it.Body == nil {
		return
	}
	w := f.walker(s, fn, self, c)
	if it.Sig.Unsafe {
		f.effect(fn, Found{Callee: "unsafe fn " + fn.Path, Cap: Unsafe, Kind: "unsafe_fn", Pos: c.at(it.Name.Pos()), Via: c.via})
	}
	for _, p := range it.Sig.Params {
		if p.Self {
			continue
		}
		if ip, ok := p.Pat.(*syntax.IdentPat); ok && p.Type != nil {
			if t := f.R.TypePath(w.scope, p.Type); t != "" {
				w.locals[ip.Name.Name] = t
			}
		}
	}
	w.fnRet = it
	w.block(it.Body)
}

func (f *Finder) walker(s *resolve.Scope, fn *Func, self string, c ctxt) *walker {
	scope := s
	if self != "" {
		scope = f.R.NewBlockScope(s, fn.Path, nil)
		scope.SelfType = self
	}
	return &walker{f: f, fn: fn, scope: scope, locals: map[string]string{}, ctx: c}
}

// walker walks one function body.
type walker struct {
	f      *Finder
	fn     *Func
	scope  *resolve.Scope
	locals map[string]string // variable -> canonical type path
	ctx    ctxt
	depth  int
	fnRet  *syntax.FnItem
	skip   syntax.Node // the callee path of the call being walked
}

func (w *walker) pos(p syntax.Pos) syntax.Pos { return w.ctx.at(p) }

func (w *walker) effect(e Found) {
	e.Pos = w.pos(e.Pos)
	if e.Via == "" {
		e.Via = w.ctx.via
	}
	w.f.effect(w.fn, e)
}

func (w *walker) enabled(attrs []*syntax.Attr) bool {
	if len(attrs) == 0 {
		return true
	}
	conf, fset := w.f.R.Crate.Cfg, w.f.fset()
	expanded, _ := conf.ExpandCfgAttr(fset, attrs)
	ok, err := conf.Enabled(fset, expanded)
	return ok || err != nil
}

// block walks a block, with a new scope if it declares items.
func (w *walker) block(b *syntax.BlockExpr) {
	if b.Unsafe {
		w.effect(Found{Callee: "unsafe block", Cap: Unsafe, Kind: "unsafe_block", Pos: b.Pos()})
	}
	w.stmts(b.Stmts)
}

func (w *walker) stmts(stmts []syntax.Stmt) {
	var items []syntax.Item
	for _, st := range stmts {
		if is, ok := st.(*syntax.ItemStmt); ok {
			if load.Enabled(w.f.R.Crate.Cfg, w.f.fset(), is.Item, nil) {
				items = append(items, is.Item)
			}
		}
	}
	outer := w.scope
	if len(items) > 0 {
		for _, it := range items {
			if mr, ok := it.(*syntax.MacroRulesItem); ok && !mr.Macro2 && mr.Body != nil {
				w.f.R.AddMacro(mr)
			}
		}
		w.scope = w.f.R.NewBlockScope(outer, w.fn.Path, items)
		for _, it := range items {
			w.f.item(w.scope, w.fn.Path, it, false, w.ctx)
		}
	}
	for _, st := range stmts {
		switch st := st.(type) {
		case *syntax.LetStmt:
			if !w.enabled(st.Attrs) {
				continue
			}
			if st.Init != nil {
				w.expr(st.Init)
			}
			if st.Else != nil {
				w.block(st.Else)
			}
			if ip, ok := st.Pat.(*syntax.IdentPat); ok {
				t := ""
				if st.Type != nil {
					t = w.f.R.TypePath(w.scope, st.Type)
				} else if st.Init != nil {
					t = w.typeOf(st.Init)
				}
				if t != "" {
					w.locals[ip.Name.Name] = t
				} else {
					delete(w.locals, ip.Name.Name)
				}
			}
		case *syntax.ExprStmt:
			if w.enabled(st.Attrs) {
				w.expr(st.X)
			}
		case *syntax.ItemStmt:
			if mi, ok := st.Item.(*syntax.MacroItem); ok {
				w.macro(mi.Mac)
			}
		}
	}
	w.scope = outer
}

// expr walks an expression tree.
func (w *walker) expr(x syntax.Expr) {
	if x == nil {
		return
	}
	syntax.Inspect(x, w.visit)
}

func (w *walker) visit(n syntax.Node) bool {
	switch n := n.(type) {
	case *syntax.BlockExpr:
		if !w.enabled(n.Attrs) {
			return false
		}
		w.block(n)
		return false
	case *syntax.MatchArm:
		return w.enabled(n.Attrs)
	case *syntax.FieldInit:
		return w.enabled(n.Attrs)
	case *syntax.CallExpr:
		if pe, ok := n.Fun.(*syntax.PathExpr); ok {
			w.call(pe.Path, n.Pos())
			w.skip = pe
		}
		return true
	case *syntax.MethodCallExpr:
		w.method(n)
		return true
	case *syntax.PathExpr:
		if n == w.skip {
			return false
		}
		w.pathUse(n)
		return false
	case *syntax.MacroExpr:
		w.macro(n.Mac)
		return false
	case *syntax.ClosureExpr:
		for _, p := range n.Params {
			if ip, ok := p.Pat.(*syntax.IdentPat); ok && p.Type != nil {
				if t := w.f.R.TypePath(w.scope, p.Type); t != "" {
					w.locals[ip.Name.Name] = t
				}
			}
		}
		return true
	case *syntax.MacroPat, *syntax.MacroType:
		return false
	}
	return true
}

// call handles a call whose callee is a path.
func (w *walker) call(p *syntax.Path, pos syntax.Pos) {
	res := w.f.R.ResolvePath(w.scope, p, resolve.ValueNS)
	if res.Def != nil {
		switch res.Def.Kind {
		case resolve.DefFn:
			w.fn.Calls = append(w.fn.Calls, Call{Callee: res.Def.Path, Pos: w.pos(pos), Via: w.ctx.via})
		case resolve.DefForeignFn:
			w.effect(Found{Callee: res.Def.Path, Cap: FFI, Kind: "extern_call", Pos: pos})
		case resolve.DefStaticMut:
			w.effect(Found{Callee: res.Def.Path, Cap: Unsafe, Kind: "static_mut", Pos: pos})
		}
		return
	}
	if !w.modelled(res.Path, pos, false, "") {
		w.external(res.Path, pos)
	}
}

// external records a call into a dependency crate, for whole-tree
// analysis.
func (w *walker) external(path string, pos syntax.Pos) {
	i := strings.Index(path, "::")
	if i <= 0 {
		return
	}
	switch first := path[:i]; first {
	case "std", "core", "alloc", w.f.R.CrateName:
		return
	default:
		if _, dep := w.f.R.Externs[first]; !dep {
			found := false
			for _, c := range w.f.R.Externs {
				if c == first {
					found = true
					break
				}
			}
			if !found {
				return
			}
		}
	}
	w.fn.Calls = append(w.fn.Calls, Call{Callee: path, Pos: w.pos(pos), Via: w.ctx.via, External: true})
}

// modelled reports an effect if path is in the model.
func (w *walker) modelled(path string, pos syntax.Pos, low bool, kind string) bool {
	if path == "" {
		return false
	}
	rule := w.f.Model.Lookup(path)
	if rule == nil {
		return false
	}
	if kind == "" {
		kind = rule.Kind
	}
	w.effect(Found{Callee: Canonical(path), Cap: rule.Cap, Kind: kind, Pos: pos, Low: low})
	return true
}

// pathUse handles a path in value position that is not called: a
// function pointer to a modelled function, or a use of a static mut.
func (w *walker) pathUse(pe *syntax.PathExpr) {
	res := w.f.R.ResolvePath(w.scope, pe.Path, resolve.ValueNS)
	if res.Def != nil {
		switch res.Def.Kind {
		case resolve.DefFn:
			w.fn.Calls = append(w.fn.Calls, Call{Callee: res.Def.Path, Pos: w.pos(pe.Pos()), Indirect: true, Via: w.ctx.via})
		case resolve.DefStaticMut:
			w.effect(Found{Callee: res.Def.Path, Cap: Unsafe, Kind: "static_mut", Pos: pe.Pos()})
			w.fn.Calls = append(w.fn.Calls, Call{Callee: res.Def.Path, Pos: w.pos(pe.Pos()), Indirect: true, Via: w.ctx.via})
		case resolve.DefStatic, resolve.DefConst:
			// Reading a static runs (or ran) its initializer: lazy_static!
			// initializers are where such effects hide.
			w.fn.Calls = append(w.fn.Calls, Call{Callee: res.Def.Path, Pos: w.pos(pe.Pos()), Indirect: true, Via: w.ctx.via})
		case resolve.DefForeignStatic:
			w.effect(Found{Callee: res.Def.Path, Cap: FFI, Kind: "extern_static_use", Pos: pe.Pos()})
		case resolve.DefForeignFn:
			w.effect(Found{Callee: res.Def.Path, Cap: FFI, Kind: "fn_pointer", Pos: pe.Pos()})
		}
		return
	}
	if len(pe.Path.Segments) < 2 && pe.Path.QSelf == nil {
		return // a local variable or a prelude name
	}
	// Only modelled functions make function pointers; paths matched by
	// a crate prefix are mostly constants and types (libc::AF_UNIX).
	rule := w.f.Model.Lookup(res.Path)
	if rule != nil && (rule.Match == MatchPath || rule.Match == MatchName) {
		w.modelled(res.Path, pe.Pos(), false, "fn_pointer")
	}
}

// method handles a method call.
func (w *walker) method(m *syntax.MethodCallExpr) {
	name := m.Name.Name
	recv := w.typeOf(m.Recv)
	if recv != "" {
		if d := w.f.R.Methods[recv][name]; d != nil {
			w.fn.Calls = append(w.fn.Calls, Call{Callee: d.Path, Pos: w.pos(m.Name.Pos()), Via: w.ctx.via})
			return
		}
		// Prefix rules (libc::) name functions of system crates, not
		// methods of their types (libc::c_int::max_value).
		if rule := w.f.Model.Lookup(recv + "::" + name); rule != nil && rule.Match != MatchPrefix {
			w.modelled(recv+"::"+name, m.Name.Pos(), false, "")
			return
		}
		if w.localType(recv) {
			return // a local type's method provided by a trait or derive
		}
	}
	locals := w.f.R.MethodsByName[name]
	if len(locals) > 0 && len(locals) <= 4 {
		for _, d := range locals {
			w.fn.Calls = append(w.fn.Calls, Call{Callee: d.Path, Pos: w.pos(m.Name.Pos()), Indirect: true, Via: w.ctx.via})
		}
		return
	}
	if recv != "" && strings.HasPrefix(recv, "std::") {
		return // a std type whose method is not an authority
	}
	if recv != "" && !w.localType(recv) {
		w.external(recv+"::"+name, m.Name.Pos())
	}
	if recv == "" || !w.localType(recv) {
		// Unknown receiver type, or a type from another crate: a method
		// with the name of an authority method is reported with low
		// confidence (whole-tree analysis resolves other crates).
		if rules := w.f.Model.MethodCandidates(name); len(rules) > 0 {
			r := rules[0]
			callee, low := r.Pattern, true
			if r.Match == MatchName {
				// Trait methods with distinctive names (from_raw_fd,
				// to_socket_addrs) mean the same on any receiver.
				callee, low = "?::"+name, false
				if recv != "" {
					callee = recv + "::" + name
				}
			}
			w.effect(Found{Callee: callee, Cap: r.Cap, Kind: r.Kind, Pos: m.Name.Pos(), Low: low})
		}
	}
}

// localType reports whether a canonical path names a type of this crate.
func (w *walker) localType(path string) bool {
	return strings.HasPrefix(path, w.f.R.CrateName+"::")
}

// constructors are associated functions that return their own type
// (light inference of receiver types).
var constructors = map[string]bool{
	"new": true, "open": true, "create": true, "create_new": true, "connect": true, "bind": true,
	"default": true, "with_capacity": true, "builder": true, "from": true, "from_raw_fd": true,
	"from_std": true, "options": true, "pair": true, "unbound": true, "connect_timeout": true,
}

// builders are std types whose methods return the builder itself.
var builders = map[string]bool{
	"std::fs::OpenOptions": true, "std::process::Command": true, "std::fs::DirBuilder": true,
}

// passThrough are methods whose result has the receiver's type, as far as
// Warden's light inference is concerned.
var passThrough = map[string]bool{
	"unwrap": true, "expect": true, "clone": true, "as_ref": true, "as_mut": true, "borrow": true,
	"borrow_mut": true, "lock": true, "unwrap_or_default": true, "to_owned": true, "by_ref": true,
	"try_clone": true, "as_path": true,
}

// typeOf infers the nominal type of an expression, or "".
func (w *walker) typeOf(x syntax.Expr) string {
	for i := 0; i < 16; i++ {
		switch e := x.(type) {
		case *syntax.ParenExpr:
			x = e.X
		case *syntax.TryExpr:
			x = e.X
		case *syntax.AwaitExpr:
			x = e.X
		case *syntax.RefExpr:
			x = e.X
		case *syntax.UnaryExpr:
			if e.Op != syntax.Star {
				return ""
			}
			x = e.X
		case *syntax.CastExpr:
			return w.f.R.TypePath(w.scope, e.Type)
		case *syntax.StructExpr:
			return w.f.R.ResolvePath(w.scope, e.Path, resolve.TypeNS).Path
		case *syntax.PathExpr:
			if len(e.Path.Segments) == 1 && e.Path.QSelf == nil {
				name := e.Path.Segments[0].Name.Name
				if name == "self" {
					return w.scope.SelfType
				}
				return w.locals[name]
			}
			return ""
		case *syntax.FieldExpr:
			owner := w.typeOf(e.X)
			if owner == "" {
				return ""
			}
			return w.fieldType(owner, e.Name.Name)
		case *syntax.CallExpr:
			pe, ok := e.Fun.(*syntax.PathExpr)
			if !ok {
				return ""
			}
			res := w.f.R.ResolvePath(w.scope, pe.Path, resolve.ValueNS)
			if res.Def != nil {
				return w.returnType(res.Def)
			}
			return constructorType(res.Path)
		case *syntax.MethodCallExpr:
			recv := w.typeOf(e.Recv)
			name := e.Name.Name
			if recv == "" {
				return ""
			}
			if d := w.f.R.Methods[recv][name]; d != nil {
				return w.returnType(d)
			}
			if passThrough[name] || builders[recv] {
				return recv
			}
			if !strings.HasPrefix(recv, "std::") && !w.localType(recv) {
				// A type from a dependency, whose signatures Warden does
				// not see here: assume the builder style (methods that
				// return Self), which links chains such as
				// cc::Build::new().file(..).compile(..) across crates.
				return recv
			}
			if recv == "std::fs::File" && name == "options" {
				return "std::fs::OpenOptions"
			}
			return ""
		case *syntax.MacroExpr:
			return ""
		default:
			return ""
		}
	}
	return ""
}

func constructorType(path string) string {
	i := strings.LastIndex(path, "::")
	if i < 0 {
		return ""
	}
	typ, fn := path[:i], path[i+2:]
	j := strings.LastIndex(typ, "::")
	last := typ[j+2:]
	if last == "" || last[0] < 'A' || last[0] > 'Z' {
		return ""
	}
	if typ == "std::fs::File" && fn == "options" {
		return "std::fs::OpenOptions"
	}
	if constructors[fn] || strings.HasPrefix(fn, "from_") || strings.HasPrefix(fn, "new_") || strings.HasPrefix(fn, "with_") {
		return typ
	}
	return ""
}

// returnType is the declared return type of a local function.
func (w *walker) returnType(d *resolve.Def) string {
	fn, ok := d.Item.(*syntax.FnItem)
	if !ok || fn.Sig.Ret == nil {
		return ""
	}
	scope := d.Owner
	if d.SelfType != "" {
		if pt, ok := fn.Sig.Ret.(*syntax.PathType); ok && len(pt.Path.Segments) == 1 && pt.Path.Segments[0].Name.Name == "Self" {
			return d.SelfType
		}
		scope = w.f.R.NewBlockScope(d.Owner, d.Path, nil)
		scope.SelfType = d.SelfType
	}
	return w.f.R.TypePath(scope, fn.Sig.Ret)
}

// fieldType is the type of a named field of a local struct.
func (w *walker) fieldType(owner, field string) string {
	d := w.f.R.Types[owner]
	if d == nil {
		return ""
	}
	st, ok := d.Item.(*syntax.StructItem)
	if !ok {
		return ""
	}
	for _, fl := range st.Fields {
		if fl.Name.Name == field {
			return w.f.R.TypePath(d.Owner, fl.Type)
		}
	}
	return ""
}

// macro handles a macro invocation inside a function.
func (w *walker) macro(mac *syntax.MacroCall) {
	r := w.f.R
	name := resolve.MacroName(mac.Path)
	inner := w.ctx
	if inner.via == "" {
		inner = ctxt{via: name}
	}
	local := inner
	if local.site == syntax.NoPos {
		local.site = mac.Pos()
		if mac.Args != nil {
			local.args = mac.Args.Span
		}
	}
	if w.depth > w.f.R.MacroDepth() {
		return
	}
	switch r.ClassifyMacro(mac.Path) {
	case resolve.MacroInclude:
		w.include(mac, name)
	case resolve.MacroEnv:
		w.effect(Found{Callee: name + "!" + w.firstStringArg(mac), Cap: Build, Kind: "env_macro", Pos: mac.Pos(), Via: w.ctx.via})
	case resolve.MacroInert:
		// stringify!(File::open(p)) does not open anything.
	case resolve.MacroAsm:
		w.effect(Found{Callee: name + "!", Cap: Unsafe, Kind: "asm", Pos: mac.Pos(), Via: w.ctx.via})
	case resolve.MacroLocal:
		toks, err := r.ExpandLocal(mac)
		if err != nil {
			r.Crate.Problems = append(r.Crate.Problems, load.Problem{Kind: "macro", Pos: w.f.fset().Position(mac.Pos()), Msg: err.Error()})
			return
		}
		w.nested(local, func() { w.tokens(toks, mac.Pos()) })
	case resolve.MacroExprArgs:
		w.nested(inner, func() { w.exprArgs(mac) })
	case resolve.MacroCfgIf:
		toks := r.CfgIfBranch(mac)
		w.nested(inner, func() { w.tokens(toks, mac.Pos()) })
	case resolve.MacroStaticDefs:
		items, handled, _ := r.MacroItems(mac, w.depth)
		if handled {
			w.nested(inner, func() {
				for _, it := range items {
					w.f.item(w.scope, w.fn.Path, it, false, w.ctx)
				}
			})
		}
	default:
		if mac.Args == nil || len(mac.Args.Tokens) == 0 {
			return
		}
		ok := false
		w.nested(inner, func() { ok = w.tryArgs(mac) })
		if !ok {
			r.Unexpanded(mac)
		}
	}
}

func (w *walker) nested(c ctxt, f func()) {
	saved := w.ctx
	w.ctx = c
	w.depth++
	f()
	w.depth--
	w.ctx = saved
}

// tokens walks the tokens of an expansion as statements (a trailing
// expression included), or as items.
func (w *walker) tokens(toks []syntax.Token, site syntax.Pos) {
	file := w.f.fset().File(site)
	if file == nil || len(toks) == 0 {
		return
	}
	if stmts, errs := syntax.ParseStmts(file, toks); len(errs) == 0 {
		w.stmts(stmts)
		return
	}
	if items, errs := syntax.ParseItems(file, toks); len(errs) == 0 {
		for _, it := range items {
			w.f.item(w.scope, w.fn.Path, it, false, w.ctx)
		}
	}
}

// exprArgs walks the comma-separated expression arguments of a std
// macro such as println! or assert_eq! (named format arguments
// "name = expr" included; arguments that do not parse are skipped).
func (w *walker) exprArgs(mac *syntax.MacroCall) {
	if mac.Args == nil {
		return
	}
	file := w.f.fset().File(mac.Pos())
	for _, arg := range syntax.SplitTopLevel(mac.Args.Tokens, syntax.Comma) {
		if len(arg) >= 2 && arg[0].Kind == syntax.Identifier && arg[1].Kind == syntax.Eq {
			arg = arg[2:]
		}
		if len(arg) == 0 {
			continue
		}
		if x, errs := syntax.ParseExpr(file, arg); len(errs) == 0 {
			w.expr(x)
		}
	}
}

// tryArgs looks inside a macro from another crate: its arguments as
// expressions, or its body as statements or items. It reports whether
// any reading worked.
func (w *walker) tryArgs(mac *syntax.MacroCall) bool {
	file := w.f.fset().File(mac.Pos())
	toks := mac.Args.Tokens
	args := syntax.SplitTopLevel(toks, syntax.Comma)
	var xs []syntax.Expr
	for _, a := range args {
		x, errs := syntax.ParseExpr(file, a)
		if len(errs) > 0 {
			xs = nil
			break
		}
		xs = append(xs, x)
	}
	if xs != nil {
		for _, x := range xs {
			w.expr(x)
		}
		return true
	}
	if stmts, errs := syntax.ParseStmts(file, toks); len(errs) == 0 {
		w.stmts(stmts)
		return true
	}
	if items, errs := syntax.ParseItems(file, toks); len(errs) == 0 && len(items) > 0 {
		for _, it := range items {
			w.f.item(w.scope, w.fn.Path, it, false, w.ctx)
		}
		return true
	}
	return false
}

func (w *walker) firstStringArg(mac *syntax.MacroCall) string {
	if mac.Args == nil || len(mac.Args.Tokens) == 0 {
		return ""
	}
	t := mac.Args.Tokens[0]
	if t.Kind != syntax.Str && t.Kind != syntax.RawStr {
		return ""
	}
	if v, ok := syntax.StringValue(w.f.fset().Text(t)); ok {
		return "(" + strconvQuote(v) + ")"
	}
	return ""
}

func strconvQuote(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }

// include handles include!, include_str! and include_bytes!: a
// compile-time file read; a path outside the crate is a problem and is
// not followed; include! of a file inside the crate is parsed and walked.
func (w *walker) include(mac *syntax.MacroCall, name string) {
	arg := w.firstStringArg(mac)
	w.effect(Found{Callee: name + "!" + arg, Cap: Build, Kind: "include", Pos: mac.Pos(), Via: w.ctx.via})
	if arg == "" {
		return
	}
	rel, _ := syntax.StringValue(w.f.fset().Text(mac.Args.Tokens[0]))
	file := w.f.fset().File(mac.Pos())
	if file == nil {
		return
	}
	target := rel
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(file.Name), rel)
	}
	crateDir := w.f.R.Crate.Dir
	if r, err := filepath.Rel(crateDir, filepath.Clean(target)); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		w.f.R.Crate.Problems = append(w.f.R.Crate.Problems, load.Problem{Kind: "path-escape", Pos: w.f.fset().Position(mac.Pos()),
			Msg: name + "! reads " + rel + ", outside the crate directory; not followed"})
		w.effect(Found{Callee: name + "!" + arg, Cap: Build, Kind: "path_escape", Pos: mac.Pos(), Via: w.ctx.via})
	}
}
