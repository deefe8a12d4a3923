// Package effects is the analyzer that finds where a crate obtains,
// forges or exercises authority: calls the capability model knows
// (internal/model), FFI declarations and calls, unsafe code, compile-time
// reads, build scripts and proc macros; and the calls between functions,
// from which internal/graph computes what each function reaches.
package effects

import (
	"slices"
	"strings"

	"github.com/wardenrs/warden/internal/analyzer"
	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/infer"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Analyzer finds effects and calls. Its result is a *Result.
var Analyzer = &analyzer.Analyzer{
	Name: "effects",
	Doc:  "report where the crate obtains, forges or exercises authority, and the calls between functions",
	Run:  run,
}

// Result is the effects analyzer's result: every function (and pseudo
// function) with its effects and calls.
type Result struct {
	Funcs []*Func
	// Names records, for each body walked, which raw-handle operations
	// it names, so that other analyzers (I/O safety) can skip the bodies
	// that name none without walking them again.
	Names map[*program.Func]Names
}

// Names are the raw-handle operations a body names.
type Names uint8

// Raw-handle operation names.
const (
	AsRaw   Names = 1 << iota // a method as_raw_*
	IntoRaw                   // a method into_raw_*
	Forger                    // a path ending in from_raw_fd, from_raw_socket, from_raw_handle, borrow_raw
)

// forgerNames end the paths that make an I/O object from a raw handle.
var forgerNames = map[string]bool{"from_raw_fd": true, "from_raw_socket": true, "from_raw_handle": true, "borrow_raw": true}

// Found is one effect.
type Found struct {
	Callee string
	Cap    model.Capability
	Kind   string
	Pos    syntax.Pos // where a reader should look (see program.Cursor.Pos)
	Res    diag.Resolution
	Via    string   // macro whose expansion holds the effect
	Cond   cfg.Expr // condition under which the code exists
	// Site marks an effect that is a call (of a modelled function), and
	// Method a method call.
	Site, Method bool
	// Context is where the unsafe block or unsafe fn holding the effect
	// starts (0 outside unsafe code).
	Context syntax.Pos
	// Stmt is the statement holding the effect (nil for effects of
	// items): its tokens go into the effect's stable id.
	Stmt syntax.Node
}

// Call is a call from one function of the crate to another, or into a
// dependency.
type Call struct {
	Callee string // canonical path of the called function
	Pos    syntax.Pos
	Res    diag.Resolution
	// Indirect marks a call that may reach the callee but not
	// necessarily: a function used as a value, a trait method linked to
	// one of its impls, or a name match.
	Indirect bool
	Via      string
	Method   bool // a method call (x.m()), not a path call
	Value    bool // a function used as a value (a pointer), not called here
	// Trait is, for a call linked to an impl by class-hierarchy
	// analysis, the trait method called (Trait::m, as rustc names it).
	Trait string
	// External marks a call into a dependency (tokio::net::TcpStream::
	// connect): whole-tree analysis links it to that crate's function.
	External bool
	// Implicit marks a call the source does not write: the poll of a
	// future the function builds (see futureBuilt).
	Implicit bool
}

// Func is a function of the crate (or a pseudo-function: a static's
// initializer, the item level of a module) with what it does directly.
type Func struct {
	Path   string
	Public bool
	Entry  bool // main of a binary or build script
	// Pseudo marks the item level of a module (extern blocks, unsafe
	// impls) and static or const initializers: graph nodes that are not
	// callable functions.
	Pseudo bool
	Pos    syntax.Pos
	// Ret is the type the function returns, in internal/infer's syntax
	// (std::result::Result<mio::net::TcpStream,std::io::Error>), if
	// it names one.
	Ret     string
	Unsafe  bool // an unsafe fn
	Effects []Found
	Calls   []Call
	// Implements is, for a method of a trait impl, the trait method it
	// provides (Trait::m, the trait's canonical path as the crate names
	// it): whole-tree analysis links the trait's callers in other crates
	// to it.
	Implements string
	// TraitCalls are the trait methods (Trait::m) of traits outside std
	// the function calls on generic or dyn receivers: whole-tree
	// analysis links each to every impl in the tree's other crates
	// (class-hierarchy analysis across crates).
	TraitCalls []string
	// StdCalls are the calls of std functions that are no effect, kept
	// only when the pass asks for call sites.
	StdCalls []Call
}

// finder holds the state of one run.
type finder struct {
	pass  *analyzer.Pass
	p     *program.Program
	model *model.Model
	chk   *infer.Checker
	// unions is set when the crate declares a union: only then are
	// field reads typed to find union_field effects.
	unions bool
	funcs  []*Func
	byKey  map[string]*Func
	names  map[*program.Func]Names
}

func run(pass *analyzer.Pass) (any, error) {
	f := &finder{pass: pass, p: pass.Prog, model: pass.Model, byKey: map[string]*Func{}, names: map[*program.Func]Names{}}
	var deps infer.Deps
	if pass.Types != nil {
		deps = pass.Types
	}
	f.chk = infer.New(f.p, infer.Std(), deps)
	for _, d := range f.p.R.Types {
		if _, ok := d.Item.(*syntax.UnionItem); ok {
			f.unions = true
			break
		}
	}
	for _, it := range f.p.Items {
		f.item(it)
	}
	for _, fn := range f.p.Funcs {
		f.body(fn)
	}
	switch f.p.Target.Kind {
	case manifest.KindBuildScript:
		f.crateLevel("build script "+analyzer.RelFile(f.p.Crate.Dir, f.p.Target.Root.File.Name), "build_script")
	case manifest.KindProcMacro:
		f.crateLevel("proc-macro crate", "proc_macro")
	}
	for _, fn := range f.funcs {
		ids := f.effectIDs(fn)
		for i, e := range fn.Effects {
			d := diag.Diagnostic{ID: ids[i],
				Category: diag.Effect, Kind: e.Kind, Pos: pass.Position(e.Pos), Function: fn.Path,
				Cfg: condString(e.Cond), ViaMacro: e.Via, Capability: string(e.Cap), Callee: e.Callee, Resolution: e.Res,
			}
			if e.Context != 0 {
				ctx := pass.Position(e.Context)
				d.UnsafeContext = &ctx
			}
			f.pass.Report(d)
		}
	}
	return &Result{Funcs: f.funcs, Names: f.names}, nil
}

func condString(c cfg.Expr) string {
	if c == nil {
		return ""
	}
	return c.String()
}

// crateLevel records an effect of the whole target (a build script, a
// proc-macro crate) at the start of its root file.
func (f *finder) crateLevel(callee, kind string) {
	root := f.p.Target.Root.File
	fn := f.pseudo(f.p.Name, false, root.Base)
	fn.Effects = append(fn.Effects, Found{Callee: callee, Cap: model.Build, Kind: kind, Pos: root.Base})
}

// pseudo returns the Func standing for the item level of a module or an
// initializer.
func (f *finder) pseudo(path string, public bool, pos syntax.Pos) *Func {
	fn := f.fn(path, public, pos)
	if len(fn.Effects) == 0 && len(fn.Calls) == 0 {
		fn.Pseudo = true
	}
	return fn
}

// fn returns the Func for a path, creating it (a path defined twice, as
// under two exclusive cfgs, is one function).
func (f *finder) fn(path string, public bool, pos syntax.Pos) *Func {
	if fn := f.byKey[path]; fn != nil {
		if public {
			fn.Public = true
		}
		return fn
	}
	fn := &Func{Path: path, Public: public, Pos: pos}
	f.byKey[path] = fn
	f.funcs = append(f.funcs, fn)
	return fn
}

// item records the effects of an item itself (not of its bodies).
func (f *finder) item(d *program.Item) {
	at := func(pos syntax.Pos) (syntax.Pos, string) {
		c := f.cursorAt(d)
		return c.Pos(pos), c.Via()
	}
	add := func(fn *Func, e Found) {
		e.Pos, e.Via = at(e.Pos)
		e.Cond = d.Cond
		fn.Effects = append(fn.Effects, e)
	}
	owner := func(pos syntax.Pos) *Func {
		if d.Fn != nil {
			return f.fn(d.Fn.Path, d.Fn.Public, d.Fn.Pos)
		}
		return f.pseudo(d.Prefix, d.Public, pos)
	}
	switch it := d.Item.(type) {
	case *syntax.ImplItem:
		if it.Unsafe {
			self := f.p.R.RegisterImpl(d.Scope, it)
			add(owner(it.Pos()), Found{Callee: "unsafe impl " + self, Cap: model.Unsafe, Kind: "unsafe_impl", Pos: it.Pos()})
		}
	case *syntax.TraitItem:
		if it.Unsafe {
			add(owner(it.Pos()), Found{Callee: "unsafe trait " + d.Prefix + "::" + it.Name.Name, Cap: model.Unsafe, Kind: "unsafe_trait", Pos: it.Pos()})
		}
	case *syntax.StaticItem:
		if it.Mut {
			fn := f.pseudo(d.Prefix+"::"+it.Name.Name, d.Public && resolve.IsPub(it.Vis), it.Name.Pos())
			add(fn, Found{Callee: "static mut " + it.Name.Name, Cap: model.Unsafe, Kind: "static_mut", Pos: it.Name.Pos()})
		}
		if name, ok := exportName(f.p.Crate.Fset, it.Attrs, it.Name.Name); ok {
			fn := f.pseudo(d.Prefix+"::"+it.Name.Name, d.Public && resolve.IsPub(it.Vis), it.Name.Pos())
			add(fn, Found{Callee: "#[no_mangle] static " + name, Cap: model.FFI, Kind: "export", Pos: it.Name.Pos()})
		}
	case *syntax.ExternBlockItem:
		o := owner(it.Pos())
		for _, a := range it.Attrs {
			if a.Name() == "link" {
				add(o, Found{Callee: "#[link" + attrText(f.p.Crate.Fset, a) + "]", Cap: model.FFI, Kind: "link", Pos: a.Pos()})
			}
		}
		for _, fi := range it.Items {
			if !f.enabled(fi) {
				continue
			}
			switch fi := fi.(type) {
			case *syntax.FnItem:
				add(o, Found{Callee: d.Prefix + "::" + fi.Name.Name, Cap: model.FFI, Kind: "extern_fn", Pos: fi.Name.Pos(), Cond: f.p.Cond(fi)})
			case *syntax.StaticItem:
				add(o, Found{Callee: d.Prefix + "::" + fi.Name.Name, Cap: model.FFI, Kind: "extern_static", Pos: fi.Name.Pos(), Cond: f.p.Cond(fi)})
			}
		}
	case *syntax.MacroItem:
		// Item-level include!, env!-initialised items and global_asm!.
		if e := f.p.Expansion(it.Mac); e != nil {
			fn := owner(it.Pos())
			c := f.cursorAt(d)
			w := &walker{f: f, fn: fn, c: c}
			w.macro(it.Mac, e)
		}
	}
}

// retType is the canonical path of the type a function returns (Self
// is the impl's type).
func (f *finder) retType(pf *program.Func) string {
	if t := f.chk.FuncReturn(pf); t != nil {
		return t.String()
	}
	return ""
}

// cursorAt returns a cursor positioned at an item (for origins).
func (f *finder) cursorAt(d *program.Item) *program.Cursor {
	return program.NewCursor(f.p, d.Scope, d.Exp, d.Cond)
}

func (f *finder) enabled(it syntax.Item) bool { return f.p.Enabled(it) }

func attrText(fset *syntax.FileSet, a *syntax.Attr) string {
	var b strings.Builder
	for _, t := range a.Tokens {
		b.WriteString(fset.Text(t))
	}
	return b.String()
}

// body walks a function body.
func (f *finder) body(pf *program.Func) {
	public := pf.Public
	// A function a macro generates is located at the invocation.
	pos := program.NewCursor(f.p, pf.Scope, pf.Exp, pf.Cond).Pos(pf.Pos)
	var fn *Func
	if pf.Kind == program.Initializer {
		fn = f.pseudo(pf.Path, public, pos)
	} else {
		fn = f.fn(pf.Path, public, pos)
	}
	if pf.Entry {
		fn.Entry = true
	}
	if _, impl := pf.Owner.(*syntax.ImplItem); impl && pf.Trait != "" && pf.Item != nil {
		fn.Implements = pf.Trait + "::" + pf.Item.Name.Name
	}
	w := &walker{f: f, fn: fn, pf: pf, b: f.chk.Body(pf)}
	if pf.Item != nil && pf.Item.Sig.Ret != nil && fn.Ret == "" {
		fn.Ret = f.retType(pf)
	}
	if pf.Item != nil {
		w.c = program.NewCursor(f.p, pf.Scope, pf.Exp, pf.Cond)
		if pf.Item.Sig.Unsafe {
			fn.Unsafe = true
			w.effect(Found{Callee: "unsafe fn " + fn.Path, Cap: model.Unsafe, Kind: "unsafe_fn", Pos: pf.Item.Name.Pos()})
			w.unsafeCtx = append(w.unsafeCtx, unsafeCtx{pos: w.c.Pos(pf.Item.Name.Pos())})
		}
		if name, ok := exportName(f.p.Crate.Fset, pf.Item.Attrs, pf.Item.Name.Name); ok {
			// A symbol C code can call: an entry point from outside Rust.
			w.effect(Found{Callee: "#[no_mangle] fn " + name, Cap: model.FFI, Kind: "export", Pos: pf.Item.Name.Pos()})
		}
	}
	f.p.WalkScoped(pf, w.visit, w.leave)
	if w.names != 0 {
		f.names[pf] = w.names
	}
}

// walker walks one function body.
type walker struct {
	f     *finder
	fn    *Func
	pf    *program.Func
	c     *program.Cursor
	b     *infer.Body // types and scopes of locals (nil outside bodies)
	skip  syntax.Node // the callee path of the call being walked
	names Names
	// inMethod is set while a method call is handled (for call sites).
	inMethod bool
	// unsafeCtx are the unsafe blocks (and unsafe fn) around the node;
	// assignee is the left side of the assignment being walked (writing
	// a union field is safe, reading it is not).
	unsafeCtx []unsafeCtx
	assignee  syntax.Expr
	// stmts are the statements around the node, innermost last.
	stmts []syntax.Node
}

func (w *walker) scope() *resolve.Scope { return w.c.Scope() }

// effect records an effect at the cursor.
func (w *walker) effect(e Found) {
	e.Pos = w.c.Pos(e.Pos)
	if e.Via == "" {
		e.Via = w.c.Via()
	}
	e.Cond = cfg.And(w.c.Cond(), e.Cond)
	if n := len(w.unsafeCtx); n > 0 && e.Context == 0 {
		e.Context = w.unsafeCtx[n-1].pos
	}
	if n := len(w.stmts); n > 0 && e.Stmt == nil {
		e.Stmt = w.stmts[n-1]
	}
	w.fn.Effects = append(w.fn.Effects, e)
}

// unsafeCtx is an unsafe block or unsafe fn the walk is in.
type unsafeCtx struct {
	node syntax.Node // the block (nil for the fn)
	pos  syntax.Pos  // where a reader sees it
}

// call records a call at the cursor.
func (w *walker) call(c Call) {
	c.Pos = w.c.Pos(c.Pos)
	c.Method = w.inMethod
	c.Via = w.c.Via()
	w.fn.Calls = append(w.fn.Calls, c)
}

// exportName returns the symbol a #[no_mangle] or #[export_name = ".."]
// item exports (#[unsafe(no_mangle)] in the 2024 edition too).
func exportName(fset *syntax.FileSet, attrs []*syntax.Attr, name string) (string, bool) {
	for _, a := range attrs {
		switch a.Name() {
		case "no_mangle":
			return name, true
		case "export_name":
			return name, true
		case "unsafe":
			for _, t := range a.Tokens {
				if text := fset.Text(t); t.Kind == syntax.Identifier && (text == "no_mangle" || text == "export_name") {
					return name, true
				}
			}
		}
	}
	return "", false
}

// unionField reports reading a field of a union of the crate (writing
// one is safe).
func (w *walker) unionField(n *syntax.FieldExpr) {
	if w.b == nil || !w.f.unions || syntax.Node(n) == w.assignee {
		return
	}
	owner := w.b.TypeOf(n.X).Nominal()
	if d := w.f.p.R.Types[owner]; d != nil {
		if _, ok := d.Item.(*syntax.UnionItem); ok {
			w.effect(Found{Callee: owner + "." + n.Name.Name, Cap: model.Unsafe, Kind: "union_field", Pos: n.Name.Pos()})
		}
	}
}

// unsafeCall reports a call of an unsafe fn of the crate, and a call of
// the crate's own from_raw_fd (or borrow_raw, ...) as the forging it is.
func (w *walker) unsafeCall(d *resolve.Def, pos syntax.Pos) {
	if fn, ok := d.Item.(*syntax.FnItem); ok && fn.Sig.Unsafe {
		w.effect(Found{Callee: d.Path, Cap: model.Unsafe, Kind: "unsafe_call", Pos: pos, Res: diag.ResolvedPath, Site: true, Method: w.inMethod})
	}
	if forgerNames[d.Name] {
		w.effect(Found{Callee: d.Path, Cap: model.RawHandle, Kind: "forge", Pos: pos, Res: diag.ResolvedPath, Site: true, Method: w.inMethod})
	}
}

// leave is called after the children of scope nodes: the body's
// scopes follow the walk.
func (w *walker) leave(n syntax.Node, c *program.Cursor) {
	w.c = c
	w.b.Leave(n, c)
	if k := len(w.unsafeCtx); k > 0 && w.unsafeCtx[k-1].node == n {
		w.unsafeCtx = w.unsafeCtx[:k-1]
	}
	if k := len(w.stmts); k > 0 && w.stmts[k-1] == n {
		w.stmts = w.stmts[:k-1]
	}
}

func (w *walker) visit(n syntax.Node, c *program.Cursor) bool {
	w.c = c
	if w.b != nil {
		w.b.Enter(n, c)
	}
	switch n := n.(type) {
	case *syntax.ExprStmt, *syntax.LetStmt:
		w.stmts = append(w.stmts, n)
	}
	switch n := n.(type) {
	case *syntax.BlockExpr:
		if n.Unsafe {
			w.effect(Found{Callee: "unsafe block", Cap: model.Unsafe, Kind: "unsafe_block", Pos: n.Pos()})
			w.unsafeCtx = append(w.unsafeCtx, unsafeCtx{node: n, pos: w.c.Pos(n.Pos())})
		}
	case *syntax.UnaryExpr:
		if n.Op == syntax.Star && w.b != nil {
			if t := w.b.TypeOf(n.X); t != nil && t.Kind == infer.Ptr {
				w.effect(Found{Callee: "deref of " + t.String(), Cap: model.Unsafe, Kind: "raw_deref", Pos: n.Pos()})
			}
		}
	case *syntax.AssignExpr:
		w.assignee = n.X
	case *syntax.FieldExpr:
		w.unionField(n)
	case *syntax.CallExpr:
		if pe, ok := n.Fun.(*syntax.PathExpr); ok {
			if w.b == nil || !w.b.IsLocal(pe.Path) {
				// A local (a closure, a fn pointer) shadows any item of
				// its name: what it calls is where it was made.
				w.callPath(pe.Path, n.Pos())
			}
			w.skip = pe
		}
	case *syntax.ForExpr:
		w.forLoop(n)
	case *syntax.StructExpr:
		w.futureBuilt(n.Path, n.Pos())
	case *syntax.MethodCallExpr:
		if name := n.Name.Name; strings.HasPrefix(name, "as_raw_") {
			w.names |= AsRaw
		} else if strings.HasPrefix(name, "into_raw_") {
			w.names |= IntoRaw
		}
		w.method(n)
	case *syntax.PathExpr:
		if k := len(n.Path.Segments); k > 0 && forgerNames[n.Path.Segments[k-1].Name.Name] {
			w.names |= Forger
		}
		if n == w.skip || w.b != nil && w.b.IsLocal(n.Path) {
			return false
		}
		w.pathUse(n)
		return false
	case *syntax.MacroExpr:
		if e := w.f.p.Expansion(n.Mac); e != nil {
			w.macro(n.Mac, e)
		}
	case *syntax.ItemStmt:
		if mi, ok := n.Item.(*syntax.MacroItem); ok {
			if e := w.f.p.Expansion(mi.Mac); e != nil {
				w.macro(mi.Mac, e)
			}
		}
	}
	return true
}

// macro reports what a built-in macro does by itself: a compile-time
// file or environment read, inline assembly.
func (w *walker) macro(call *syntax.MacroCall, e *program.Expansion) {
	switch e.Kind {
	case program.Include, program.IncludeData:
		arg := ""
		if e.Path != "" {
			arg = "(" + quote(e.Path) + ")"
		}
		w.effect(Found{Callee: e.Name + "!" + arg, Cap: model.Build, Kind: "include", Pos: call.Pos()})
	case program.Env:
		arg := ""
		if e.Path != "" {
			arg = "(" + quote(e.Path) + ")"
		}
		w.effect(Found{Callee: e.Name + "!" + arg, Cap: model.Build, Kind: "env_macro", Pos: call.Pos()})
	case program.Asm:
		w.effect(Found{Callee: e.Name + "!", Cap: model.Unsafe, Kind: "asm", Pos: call.Pos()})
	}
}

func quote(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }

// callPath handles a call whose callee is a path.
func (w *walker) callPath(p *syntax.Path, pos syntax.Pos) {
	if w.b != nil {
		if tg := w.b.Call(p); tg.Kind == infer.TraitMethod {
			w.traitCall(tg, pos)
			return
		}
	}
	res := w.f.p.R.ResolvePath(w.scope(), p, resolve.ValueNS)
	if res.Def != nil {
		switch res.Def.Kind {
		case resolve.DefFn:
			w.call(Call{Callee: res.Def.Path, Pos: pos, Res: diag.ResolvedPath})
			w.unsafeCall(res.Def, pos)
		case resolve.DefForeignFn:
			w.effect(Found{Callee: res.Def.Path, Cap: model.FFI, Kind: "extern_call", Pos: pos})
		case resolve.DefStaticMut:
			w.effect(Found{Callee: res.Def.Path, Cap: model.Unsafe, Kind: "static_mut", Pos: pos})
		}
		return
	}
	if res.Path != "" && constructor(res.Path) {
		// Some(x), Either::Left(x): a constructor, never a function of
		// the model (a glob import of std::arch::x86_64::* must not make
		// Some an intrinsic).
		return
	}
	path := res.Path
	if w.b != nil {
		// A dependency's re-export of a std item is the std item: its
		// effect is the model's (somecrate::Command::new, where
		// somecrate has pub use std::process::Command).
		if p, ok := w.b.StdReexport(path); ok {
			path = p
		}
	}
	if !w.modelled(path, pos, diag.ResolvedPath, "") {
		w.external(path, pos, diag.ResolvedPath)
	}
}

// external records a call into a dependency crate, for whole-tree
// analysis.
func (w *walker) external(path string, pos syntax.Pos, res diag.Resolution) {
	i := strings.Index(path, "::")
	if i <= 0 {
		return
	}
	switch first := path[:i]; first {
	case "std", "core", "alloc":
		w.stdCall(path, pos, res)
		return
	case w.f.p.Name:
		// A binary named like its package's library: a path under that
		// name that did not resolve to one of the binary's own items
		// names the library (the binary's items are found as
		// definitions). For a library, it is an item Warden could not
		// resolve.
		if _, lib := w.f.p.R.Externs[first]; !lib || w.f.p.Target.Kind == manifest.KindLib || w.f.p.Target.Kind == manifest.KindProcMacro {
			return
		}
	default:
		if !w.isDependency(first) {
			return
		}
	}
	if constructor(path) {
		return
	}
	w.call(Call{Callee: path, Pos: pos, External: true, Res: res, Indirect: res == diag.ResolvedTrait})
	if w.f.pass.Types != nil && w.f.pass.Types.Unsafe(path) {
		// A dependency's unsafe fn.
		w.effect(Found{Callee: path, Cap: model.Unsafe, Kind: "unsafe_call", Pos: pos, Res: res, Site: true, Method: w.inMethod})
	}
}

// stdCall records a call of std that is no effect, when call sites are
// asked for.
func (w *walker) stdCall(path string, pos syntax.Pos, res diag.Resolution) {
	if !w.f.pass.CallSites || constructor(path) {
		return
	}
	w.fn.StdCalls = append(w.fn.StdCalls, Call{Callee: model.Canonical(path), Pos: w.c.Pos(pos), Res: res, Method: w.inMethod, Via: w.c.Via()})
}

// constructor reports whether a path's last segment is in CamelCase: a
// tuple struct or variant constructor (Some, Either::Left), which is no
// function call.
func constructor(path string) bool {
	last := path[strings.LastIndex(path, "::")+2:]
	// CamelCase: Some, Left; C's function-like macros bound as
	// functions are all capitals (libc::CPU_ISSET, FD_SET).
	return last != "" && last[0] >= 'A' && last[0] <= 'Z' && strings.ToUpper(last) != last
}

// isDependency reports whether a crate name is one of the target's
// dependencies.
func (w *walker) isDependency(crate string) bool {
	if _, ok := w.f.p.R.Externs[crate]; ok {
		return true
	}
	for _, c := range w.f.p.R.Externs {
		if c == crate {
			return true
		}
	}
	return false
}

// modelled reports an effect if path is in the model.
func (w *walker) modelled(path string, pos syntax.Pos, res diag.Resolution, kind string) bool {
	if path == "" {
		return false
	}
	rule := w.f.model.Lookup(path)
	if rule == nil {
		return false
	}
	if kind == "" {
		kind = rule.Kind
	}
	w.effect(Found{Callee: model.Canonical(path), Cap: rule.Cap, Kind: kind, Pos: pos, Res: res, Site: kind != "fn_pointer", Method: w.inMethod})
	return true
}

// pathUse handles a path in value position that is not called: a
// function pointer to a modelled function, or a use of a static mut.
func (w *walker) pathUse(pe *syntax.PathExpr) {
	res := w.f.p.R.ResolvePath(w.scope(), pe.Path, resolve.ValueNS)
	if res.Def != nil {
		switch res.Def.Kind {
		case resolve.DefFn:
			w.call(Call{Callee: res.Def.Path, Pos: pe.Pos(), Indirect: true, Value: true})
		case resolve.DefStaticMut:
			w.effect(Found{Callee: res.Def.Path, Cap: model.Unsafe, Kind: "static_mut", Pos: pe.Pos()})
			w.call(Call{Callee: res.Def.Path, Pos: pe.Pos(), Indirect: true, Value: true})
		case resolve.DefStatic, resolve.DefConst:
			// Reading a static runs (or ran) its initializer: lazy_static!
			// initializers are where such effects hide.
			w.call(Call{Callee: res.Def.Path, Pos: pe.Pos(), Indirect: true, Value: true})
		case resolve.DefForeignStatic:
			w.effect(Found{Callee: res.Def.Path, Cap: model.FFI, Kind: "extern_static_use", Pos: pe.Pos()})
		case resolve.DefForeignFn:
			w.effect(Found{Callee: res.Def.Path, Cap: model.FFI, Kind: "fn_pointer", Pos: pe.Pos()})
		}
		return
	}
	if len(pe.Path.Segments) < 2 && pe.Path.QSelf == nil {
		return // a local variable or a prelude name
	}
	// Only modelled functions make function pointers; paths matched by
	// a crate prefix are mostly constants and types (libc::AF_UNIX).
	rule := w.f.model.Lookup(res.Path)
	if rule != nil && (rule.Match == model.MatchPath || rule.Match == model.MatchName) {
		w.modelled(res.Path, pe.Pos(), diag.ResolvedPath, "fn_pointer")
	}
}

// method handles a method call, resolved by its receiver's type.
func (w *walker) method(m *syntax.MethodCallExpr) {
	name, pos := m.Name.Name, m.Name.Pos()
	w.inMethod = true
	defer func() { w.inMethod = false }()
	tg := w.b.Method(m)
	switch tg.Kind {
	case infer.LocalFn:
		w.call(Call{Callee: tg.Def.Path, Pos: pos, Res: tg.Res})
		w.unsafeCall(tg.Def, pos)
		return
	case infer.TraitMethod:
		w.traitCall(tg, pos)
		return
	case infer.External:
		// The model names the method on the type the receiver has or
		// on the one it derefs to (PathBuf::exists is Path::exists).
		for _, p := range []string{tg.Path, typeMethod(tg.Recv, name)} {
			// A name rule (get_unchecked, from_raw_fd) is about std's
			// methods of that name; a crate's own method of the name is
			// its own function.
			if rule := w.f.model.Lookup(p); p != "" && rule != nil && (rule.Match == model.MatchPath || rule.Match == model.MatchName && isStdPath(p)) {
				w.modelled(p, pos, tg.Res, "")
				return
			}
		}
		if isStdPath(tg.Path) {
			// An authority only through an extension trait in scope
			// (CommandExt::exec on a Command).
			if !w.extensionMethod(name, pos) {
				w.stdCall(tg.Path, pos, tg.Res)
			}
			return
		}
		w.external(tg.Path, pos, tg.Res)
		if w.f.chk.DepAnalyzed(tg.Path) {
			return
		}
		// A type of a crate Warden did not see: only a distinctive name
		// says more.
	default:
		if tg.Recv != nil && tg.Recv.Kind != infer.Tuple {
			// A type Warden knows without the method (a derive's, a std
			// trait's on the crate's type): nothing the model names.
			return
		}
	}
	// The receiver's type is unknown. Only distinctive names say which
	// method is called: a trait method of the model with a name no other
	// method has (from_raw_fd, to_socket_addrs), or the crate's only
	// method of a name no std type uses.
	if rule := w.f.model.ByName(name); rule != nil {
		w.effect(Found{Callee: name, Cap: rule.Cap, Kind: rule.Kind, Pos: pos, Res: diag.ByName, Site: true, Method: true})
		return
	}
	if locals := w.f.p.R.MethodsByName[name]; len(locals) == 1 && !w.f.chk.Table().Common(name) {
		w.call(Call{Callee: locals[0].Path, Pos: pos, Res: diag.ByName, Indirect: true})
	}
}

// isStdPath reports whether a method path belongs to std: a std type's
// or trait's, or a primitive's (str::trim, [T]::iter).
func isStdPath(path string) bool {
	i := strings.Index(path, "::")
	return strings.HasPrefix(path, "std::") || i > 0 && !strings.Contains(path[:i], "_") && infer.IsPrimitive(path[:i])
}

// typeMethod is Type::name for a named receiver type ("" otherwise).
func typeMethod(t *infer.Type, name string) string {
	if p := t.Nominal(); p != "" {
		return p + "::" + name
	}
	return ""
}

// traitCall handles a trait method called on a generic or dyn receiver:
// every impl of a trait of the crate may be the one called
// (class-hierarchy analysis); a std trait's method may be in the model
// (ToSocketAddrs::to_socket_addrs); a dependency's trait is linked in
// the tree.
func (w *walker) traitCall(tg infer.Target, pos syntax.Pos) {
	w.crossCrateTraitCall(tg.Path)
	if tg.Def != nil {
		w.unsafeCall(tg.Def, pos)
		for _, d := range tg.Impls {
			w.call(Call{Callee: d.Path, Pos: pos, Res: diag.ResolvedTrait, Indirect: true, Trait: tg.Path})
		}
		if len(tg.Impls) == 0 {
			w.stdCall(tg.Path, pos, diag.ResolvedTrait) // a site with no impl to link
		}
		return
	}
	if rule := w.f.model.Lookup(tg.Path); rule != nil && rule.Match != model.MatchPrefix && rule.Match != model.MatchMember {
		w.modelled(tg.Path, pos, diag.ResolvedTrait, "")
		return
	}
	w.external(tg.Path, pos, diag.ResolvedTrait)
}

// futureBuilt links a function that builds a value of a type of the
// crate implementing Future (a struct literal) to that type's poll, as
// an indirect call: a future is built to be polled, by whoever awaits
// it, and what its poll does (hyper's Oneshot calls its service) would
// otherwise be reached from nowhere, the executor's call of
// Future::poll being generic.
func (w *walker) futureBuilt(p *syntax.Path, pos syntax.Pos) {
	if p == nil || len(p.Segments) == 0 {
		return
	}
	path := ""
	if len(p.Segments) == 1 && p.Segments[0].Name.Name == "Self" {
		if w.b != nil && w.b.SelfType() != nil {
			path = w.b.SelfType().Nominal()
		}
	} else if d := w.f.p.R.ResolvePath(w.scope(), p, resolve.TypeNS).Def; d != nil && d.Kind == resolve.DefStruct {
		path = d.Path
	}
	if path == "" {
		return
	}
	if d := w.f.p.R.Methods[path]["poll"]; d != nil && model.Canonical(d.Trait) == futureTrait {
		w.call(Call{Callee: d.Path, Pos: pos, Res: diag.ResolvedType, Indirect: true, Implicit: true})
	}
}

// futureTrait is std's Future, as canonical paths name it.
const futureTrait = "std::future::Future"

// crossCrateTraitCall records a trait method called on a generic or dyn
// receiver for whole-tree linking, unless the trait is std's (std has no
// impls in the tree) or the function is itself an impl of that trait
// forwarding to the value it wraps (impl<S: Stream> Stream for &mut S),
// whose callers are linked to the wrapped impls already.
func (w *walker) crossCrateTraitCall(method string) {
	i := strings.Index(method, "::")
	j := strings.LastIndex(method, "::")
	if i <= 0 || j <= i || slices.Contains(w.fn.TraitCalls, method) {
		return
	}
	switch method[:i] {
	case "std", "core", "alloc":
		return
	}
	if w.pf.Trait != "" && w.pf.Trait == method[:j] {
		return
	}
	w.fn.TraitCalls = append(w.fn.TraitCalls, method)
}

// forLoop links a for loop over a value of a type of the crate or of a
// dependency to the into_iter and next methods it calls implicitly
// (for entry in WalkDir::new(p) runs walkdir's iterator).
func (w *walker) forLoop(n *syntax.ForExpr) {
	t := w.b.TypeOf(n.X)
	p := t.Nominal()
	if p == "" || strings.HasPrefix(p, "std::") || !strings.Contains(p, "::") {
		return
	}
	pos := n.X.Pos()
	for _, name := range []string{"into_iter", "next"} {
		tg := w.b.Lookup(t, name)
		switch tg.Kind {
		case infer.LocalFn:
			w.call(Call{Callee: tg.Def.Path, Pos: pos, Res: diag.ResolvedType})
		case infer.External:
			w.external(tg.Path, pos, diag.ResolvedType)
		default:
			continue
		}
		if name == "into_iter" {
			if next := w.b.Returns(tg); next.Nominal() != "" {
				t = next
			}
		}
	}
}

// extensionMethod reports a modelled method of an extension trait
// (Type::Trait::name in the model, the trait's name ending in Ext) when
// the trait is in scope: rustc calls a trait's method only then.
func (w *walker) extensionMethod(name string, pos syntax.Pos) bool {
	for _, rl := range w.f.model.MethodCandidates(name) {
		i := strings.LastIndex(rl.Pattern, "::")
		if i < 0 || rl.Match != model.MatchPath {
			continue
		}
		trait := rl.Pattern[:i]
		short := trait[strings.LastIndex(trait, "::")+2:]
		if !strings.HasSuffix(short, "Ext") {
			continue
		}
		p := &syntax.Path{Segments: []*syntax.PathSegment{{Name: syntax.Ident{Name: short}}}}
		if model.Canonical(w.f.p.R.ResolvePath(w.scope(), p, resolve.TypeNS).Path) == model.Canonical(trait) {
			w.modelled(rl.Pattern, pos, diag.ResolvedType, "")
			return true
		}
	}
	return false
}
