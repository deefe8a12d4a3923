// Package program lowers one target of a loaded crate into the program
// every analysis reads: items and bodies after cfg evaluation, with every
// macro invocation expanded (the crate's macro_rules! with rustc's
// textual and path-based scoping, dependencies' #[macro_export] macros
// with $crate resolved, the standard library's macros, include! of files
// inside the crate), names resolved (internal/resolve), and one list of
// functions with one rule for what is public.
//
// Nothing is lost silently: code Warden cannot see (a macro whose
// definition is nowhere, a proc-macro attribute or derive, an expansion
// over budget, code generated into OUT_DIR) is a BlindSpot with its
// location. Every node keeps its origin: a token's position is in the
// file where it is written (the crate's source, an included file, or a
// macro's definition), and Cursor.Pos maps it to the place a reader
// should look: the invocation in the crate's own source.
//
// Analyses never expand or resolve anything themselves: they iterate
// Funcs and Items, and Walk bodies.
package program

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Program is one target of a crate, lowered.
type Program struct {
	Crate  *load.Crate
	Target *load.Target
	// Name is the crate name the target's items have in canonical paths
	// (build scripts are build_script_build, binaries their bin name).
	Name string
	Cfg  *cfg.Config
	R    *resolve.Resolver
	// Items lists every item of the target after expansion: the items
	// of every module and of every function body, in source order.
	Items []*Item
	// Funcs lists every function with a body, and every static or const
	// initializer, once.
	Funcs []*Func
	// Imports lists every use leaf (module level and in bodies).
	Imports []Import
	// Exported are the target's #[macro_export] macros, for crates that
	// depend on it.
	Exported []ExportedMacro
	// ExportedCompiled are the same macros compiled in the crate's
	// FileSet, for the package's other targets (a binary invoking its
	// own library's macros: use duct::cmd; cmd!(..)). See OwnLibrary.
	ExportedCompiled map[string]*expand.Macro
	// BlindSpots is what could not be analysed, with locations.
	BlindSpots []BlindSpot
	// Problems met while lowering (malformed macro definitions, ...).
	Problems []load.Problem

	exps        map[*syntax.MacroCall]*Expansion
	conds       map[any]cfg.Expr // statements, arms, fields and produced items under an unknown cfg
	dead        map[any]bool     // statements, arms and fields compiled out
	blockScopes map[*syntax.BlockExpr]*resolve.Scope
	expScope    map[*Expansion]*resolve.Scope // statements of expansions that declare items
	defCrate    map[*syntax.File]string       // files of dependencies' macro definitions
	// insp is the traversal stack Walk reuses (a Program is walked by
	// one goroutine at a time).
	insp syntax.Inspector
}

// Item is an item of the program, where it sits.
type Item struct {
	Item syntax.Item
	// Scope is the scope the item is declared in (a module, or a block
	// of a function body); Prefix the canonical path of that module or
	// function.
	Scope  *resolve.Scope
	Prefix string
	// Public is set when the enclosing module is reachable from outside
	// the crate (every module from the root down is pub). Items in
	// function bodies are never public.
	Public bool
	// Fn is the function whose body holds the item (nil at module level).
	Fn *Func
	// Exp is the expansion that produced the item (nil when written in
	// the source).
	Exp *Expansion
	// Cond is the condition under which the item exists (nil: always).
	Cond cfg.Expr
}

// FuncKind says what a Func is.
type FuncKind uint8

// Function kinds.
const (
	FreeFn       FuncKind = iota // fn at module level or in a body
	Method                       // fn of an impl block
	TraitDefault                 // provided method of a trait
	Initializer                  // the value of a static or const
)

// Func is a body of the program: a function, or a static's or const's
// initializer.
type Func struct {
	Path string
	// Public: callable from outside the crate (see the package doc).
	Public bool
	// Entry marks main of a binary or build script.
	Entry bool
	Kind  FuncKind
	Item  *syntax.FnItem // nil for initializers
	Body  syntax.Node    // *syntax.BlockExpr, or the initializer expression
	// Scope resolves the names of the body: a block scope with Self set
	// for methods.
	Scope *resolve.Scope
	// SelfType and Trait are the canonical self type and trait of
	// methods.
	SelfType, Trait string
	// Owner is the impl or trait block of methods.
	Owner syntax.Item
	Decl  *Item // the item declaring the function (for methods, the impl)
	// Exp is the expansion that produced the function (nil when it is
	// written in the source).
	Exp  *Expansion
	Pos  syntax.Pos
	Cond cfg.Expr
}

// Unsafe reports whether the function is an unsafe fn.
func (f *Func) Unsafe() bool { return f.Item != nil && f.Item.Sig.Unsafe }

// Import is one use leaf.
type Import struct {
	// Written is the leaf as written, with its prefix:
	// std::net::self, std::os::windows::io::*, a::B as C.
	Written string
	// Path is the canonical path it resolves to.
	Path  string
	Glob  bool
	Pos   syntax.Pos
	Cond  cfg.Expr
	Scope *resolve.Scope
}

// ExportedMacro locates a #[macro_export] macro_rules! definition: the
// byte range of the whole item in its file, or its text.
type ExportedMacro struct {
	Name  string `json:"name"`
	File  string `json:"file,omitempty"`
	Start int    `json:"start,omitempty"`
	End   int    `json:"end,omitempty"`
	// Text holds the definition when no source range does: a
	// macro_rules! that another macro's expansion defines.
	Text       string `json:"text,omitempty"`
	LocalInner bool   `json:"local_inner,omitempty"`
}

// BlindSpot is code that exists but was not analysed.
type BlindSpot struct {
	// Kind: macro-not-found, proc-macro-attribute, proc-macro-derive,
	// expansion-budget, macro-error, generated-code, include-escape.
	Kind string
	Pos  syntax.Pos
	Msg  string
}

// Expansion is one macro invocation and what it stands for.
type Expansion struct {
	Call *syntax.MacroCall
	// Name is the macro as invoked, without $crate (cfg_if, duct::cmd).
	Name string
	Kind MacroKind
	// Def is the macro_rules! definition expanded (nil for built-in
	// macros); Crate the crate that defines it ("" for this crate).
	Def    *expand.Macro
	Crate  string
	Parent *Expansion
	// What the invocation stands for, by position: items, statements,
	// one expression, the expression arguments of a built-in macro, a
	// pattern, a type.
	Items []syntax.Item
	Stmts []syntax.Stmt
	Expr  syntax.Expr
	Exprs []syntax.Expr
	Pat   syntax.Pat
	Type  syntax.Type
	// Path is, for include!-like macros, the file named (as written).
	Path string
	// Guessed marks a macro whose definition was not found: its
	// arguments were read as code, as the best guess.
	Guessed bool
}

// Outermost returns the outermost expansion of the chain.
func (e *Expansion) Outermost() *Expansion {
	for e != nil && e.Parent != nil {
		e = e.Parent
	}
	return e
}

// MacroSource finds dependencies' exported macros.
type MacroSource interface {
	// Macro returns the macro exported as name by the crate that the
	// extern crate name crate stands for, compiled with its tokens in
	// fset, and the name of the crate that defines it (which $crate
	// means in its expansion); nil when there is none.
	Macro(fset *syntax.FileSet, crate, name string) (*expand.Macro, string)
}

// MacroAliases is what a MacroSource may also know: where a dependency's
// public path leads (tracing's __macro_support::concat is core's
// concat!), for macros invoked through a module of a dependency.
type MacroAliases interface {
	// Alias returns the path that path (relative to the crate that crate
	// names) re-exports, as that crate names it, or "".
	Alias(crate, path string) string
}

// OwnLibrary is the macro source of a package's binaries, examples,
// tests and benches: the #[macro_export] macros of the package's own
// library (compiled by its lowering, in the same FileSet) under the
// library's name, then deps (nil: no dependencies).
func OwnLibrary(lib *Program, name string, deps MacroSource) MacroSource {
	own := &ownLibrary{name: name, macros: lib.ExportedCompiled, deps: deps}
	if a, ok := deps.(MacroAliases); ok {
		return &ownLibraryAliases{own, a}
	}
	return own
}

type ownLibrary struct {
	name   string
	macros map[string]*expand.Macro
	deps   MacroSource
}

func (o *ownLibrary) Macro(fset *syntax.FileSet, crate, name string) (*expand.Macro, string) {
	if crate == o.name {
		if m := o.macros[name]; m != nil {
			return m, o.name
		}
	}
	if o.deps == nil {
		return nil, ""
	}
	return o.deps.Macro(fset, crate, name)
}

// ownLibraryAliases keeps the dependencies' aliases visible.
type ownLibraryAliases struct {
	*ownLibrary
	MacroAliases
}

// Options tune the lowering.
type Options struct {
	// CrateName is the name of the target's items in paths.
	CrateName string
	// Known reports whether an external path is known to the capability
	// model (see resolve.Env.KnownExternal).
	Known func(string) bool
	// KnownPath reports whether the model names a path itself (not only
	// through a prefix rule).
	KnownPath func(string) bool
	// Macros finds dependencies' macros; nil means none are available.
	Macros MacroSource
}

// Build lowers target t of crate c.
func Build(ctx context.Context, c *load.Crate, t *load.Target, opt Options) (*Program, error) {
	p := &Program{
		Crate: c, Target: t, Name: opt.CrateName, Cfg: t.Cfg,
		exps: map[*syntax.MacroCall]*Expansion{}, conds: map[any]cfg.Expr{}, dead: map[any]bool{},
		blockScopes: map[*syntax.BlockExpr]*resolve.Scope{}, defCrate: map[*syntax.File]string{},
	}
	if p.Cfg == nil {
		p.Cfg = c.Cfg
	}
	b := newBuilder(ctx, p, opt)
	p.R = resolve.New(c, t, opt.CrateName, resolve.Env{KnownExternal: opt.Known, KnownPath: opt.KnownPath, Assoc: b.assocOf, DollarCrate: b.dollarCrate})
	b.r = p.R
	b.exportAhead(t.Root)
	b.module(p.R.Root, t.Root, nil, t.Root.Cond, true)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.R.Finish()
	// Functions of the module level, then their bodies; bodies add the
	// items they declare, and those add functions in turn.
	for i := 0; i < len(p.Items); i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if p.Items[i].Fn == nil {
			b.funcsOf(p.Items[i])
		}
	}
	for i := 0; i < len(p.Funcs); i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b.lowerFunc(p.Funcs[i])
	}
	p.imports(b)
	for name, d := range b.exported {
		if d.kind == Rules && d.m != nil && d.crate == "" {
			if p.ExportedCompiled == nil {
				p.ExportedCompiled = map[string]*expand.Macro{}
			}
			p.ExportedCompiled[name] = d.m
		}
	}
	return p, nil
}

// Expansion returns what a macro invocation was expanded to, or nil.
func (p *Program) Expansion(call *syntax.MacroCall) *Expansion { return p.exps[call] }

// BlockScope returns the scope of a block that declares items, or nil.
func (p *Program) BlockScope(b *syntax.BlockExpr) *resolve.Scope { return p.blockScopes[b] }

// Cond returns the condition of an item, statement, match arm or field
// (nil when it is certain).
func (p *Program) Cond(n any) cfg.Expr {
	if c := p.conds[n]; c != nil {
		return c
	}
	return p.Crate.Conds[n]
}

// Enabled evaluates the cfg of an item that lowering does not visit (the
// declarations of an extern block): false when it is compiled out; an
// unknown condition is recorded (see Cond).
func (p *Program) Enabled(it syntax.Item) bool {
	return load.Enabled(p.Cfg, p.Crate.Fset, it, p.conds, nil)
}

// Dead reports whether a statement, match arm or field is compiled out.
func (p *Program) Dead(n any) bool { return p.dead[n] }

// DefCrate returns the dependency whose macro definition holds pos ("" for
// positions of this crate).
func (p *Program) DefCrate(pos syntax.Pos) string {
	if len(p.defCrate) == 0 {
		return ""
	}
	return p.defCrate[p.Crate.Fset.File(pos)]
}

func (p *Program) imports(b *builder) {
	for _, im := range p.R.Imports {
		if im.Written == "" {
			continue
		}
		var cond cfg.Expr
		if im.Item != nil {
			cond = b.itemCond[im.Item]
		}
		p.Imports = append(p.Imports, Import{Written: im.Written, Path: im.Path, Glob: im.Glob, Pos: im.Pos, Cond: cond, Scope: im.Scope})
	}
}

func (p *Program) blind(kind string, pos syntax.Pos, format string, args ...any) {
	p.BlindSpots = append(p.BlindSpots, BlindSpot{Kind: kind, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (p *Program) problem(kind string, pos syntax.Pos, msg string) {
	p.Problems = append(p.Problems, load.Problem{Kind: kind, Pos: p.Crate.Fset.Position(pos), Msg: msg})
}

// isBinary reports whether the target's main is an entry point.
func (p *Program) isBinary() bool {
	switch p.Target.Kind {
	case manifest.KindBin, manifest.KindBuildScript, manifest.KindExample, manifest.KindTest, manifest.KindBench:
		return true
	}
	return false
}

func hasAttr(attrs []*syntax.Attr, name string) bool {
	for _, a := range attrs {
		if a.Name() == name {
			return true
		}
	}
	return false
}

// attrArgs returns the text of an attribute's arguments without spaces
// (macro_export(local_inner_macros) gives "(local_inner_macros)").
func attrArgs(fset *syntax.FileSet, a *syntax.Attr) string {
	var b strings.Builder
	for _, t := range a.Tokens {
		b.WriteString(fset.Text(t))
	}
	return b.String()
}
