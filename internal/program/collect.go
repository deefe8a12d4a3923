package program

import (
	"context"
	"strconv"

	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// Expansion limits for one target: macro bombs stop here. The depth
// follows rustc: 128 unless the crate sets #![recursion_limit], which
// Warden honours up to MaxRecursionLimit (tt-munching macros such as
// nix's libc_enum! recurse once per enum variant).
const (
	DefaultMacroDepth = 128
	MaxRecursionLimit = 1024
	MaxMacroTokens    = 4_000_000
)

// builder holds the state of one Build.
type builder struct {
	ctx      context.Context
	p        *Program
	fset     *syntax.FileSet
	conf     *cfg.Config
	r        *resolve.Resolver
	opt      Options
	builtins Builtins
	budget   *expand.Budget
	maxDepth int

	exported     map[string]*macroDef                 // #[macro_export] macros of this crate
	preExported  map[*syntax.MacroRulesItem]*macroDef // compiled by exportAhead
	anyLocal     map[string]*macroDef                 // the last macro_rules! of each name
	macroUse     []string                             // crates imported with #[macro_use] extern crate
	foreignCache map[string]*macroDef
	localInner   map[*expand.Macro]bool

	assoc    map[syntax.Item][]syntax.Item // impl and trait items after expansion
	txAt     map[syntax.Item]*textual      // the textual macro scope at each module item
	itemCond map[syntax.Item]cfg.Expr
	itemOf   map[syntax.Item]*Item
	// itemExp is the expansion that produced each impl or trait item
	// (methods defined by macros).
	itemExp map[syntax.Item]*Expansion
	// hops bounds the re-exports followed for one macro path.
	hops int
	// insp is the traversal stack lowering reuses.
	insp syntax.Inspector
	// reported keeps blind spots of one kind and name to one per
	// location.
	reported map[blindKey]bool
	// anonBlocks counts the blocks of anonymous consts (const _: () =
	// { .. };) that declare items: each gets a path of its own, so that
	// the Projection structs pin-project-lite declares in each are
	// different types.
	anonBlocks int
}

type blindKey struct {
	kind string
	pos  syntax.Pos
}

func newBuilder(ctx context.Context, p *Program, opt Options) *builder {
	b := &builder{
		ctx: ctx, p: p, fset: p.Crate.Fset, conf: p.Cfg, opt: opt, builtins: DefaultBuiltins(),
		exported: map[string]*macroDef{}, anyLocal: map[string]*macroDef{}, foreignCache: map[string]*macroDef{},
		preExported: map[*syntax.MacroRulesItem]*macroDef{},
		localInner:  map[*expand.Macro]bool{},
		assoc:       map[syntax.Item][]syntax.Item{}, txAt: map[syntax.Item]*textual{},
		itemCond: map[syntax.Item]cfg.Expr{}, itemOf: map[syntax.Item]*Item{}, itemExp: map[syntax.Item]*Expansion{}, reported: map[blindKey]bool{},
	}
	b.maxDepth = recursionLimit(b.fset, p.Target.Root.Attrs)
	b.budget = &expand.Budget{MaxDepth: b.maxDepth, MaxTokens: MaxMacroTokens}
	return b
}

// recursionLimit is #![recursion_limit = "N"] (at most
// MaxRecursionLimit) or rustc's default.
func recursionLimit(fset *syntax.FileSet, attrs []*syntax.Attr) int {
	for _, a := range attrs {
		if a.Name() != "recursion_limit" || len(a.Tokens) != 2 || a.Tokens[0].Kind != syntax.Eq {
			continue
		}
		if v, ok := syntax.StringValue(fset.Text(a.Tokens[1])); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return min(n, MaxRecursionLimit)
			}
		}
	}
	return DefaultMacroDepth
}

// blind records a blind spot once per kind and location.
func (b *builder) blind(kind string, pos syntax.Pos, format string, args ...any) {
	k := blindKey{kind, pos}
	if b.reported[k] {
		return
	}
	b.reported[k] = true
	b.p.blind(kind, pos, format, args...)
}

// module lowers the items of a module: macro definitions enter the
// textual scope in order, item-position invocations are replaced by their
// expansion, child modules are lowered where they are declared (their
// macros leave them only with #[macro_use]). It returns the textual
// scope after the module.
func (b *builder) module(s *resolve.Scope, m *load.Module, tx *textual, cond cfg.Expr, public bool) *textual {
	children := map[*syntax.ModItem][]*load.Module{}
	for _, c := range m.Children {
		children[c.Decl] = append(children[c.Decl], c)
	}
	return b.items(s, m, m.Items, tx, nil, cond, public, children, 0)
}

// items lowers a list of module items (written in the module, or
// produced by the expansion exp at the given depth).
func (b *builder) items(s *resolve.Scope, m *load.Module, items []syntax.Item, tx *textual, exp *Expansion,
	cond cfg.Expr, public bool, children map[*syntax.ModItem][]*load.Module, depth int) *textual {
	for _, it := range items {
		if b.ctx.Err() != nil {
			return tx
		}
		if exp != nil && !b.enabled(it) {
			continue
		}
		itCond := cfg.And(cond, b.p.Cond(it))
		b.itemCond[it] = itCond
		b.attrBlindSpots(it)
		switch it.(type) {
		case *syntax.StructItem, *syntax.EnumItem, *syntax.UnionItem, *syntax.TypeAliasItem:
			b.typeMacros(it, lstate{scope: s, tx: tx, exp: exp, depth: depth, cond: itCond})
		}
		switch it := it.(type) {
		case *syntax.MacroRulesItem:
			tx = b.defineMacro(it, tx, exp == nil)
			b.r.Define(s, it)
		case *syntax.MacroItem:
			st := lstate{scope: s, tx: tx, exp: exp, depth: depth, cond: itCond}
			if e := b.expand(it.Mac, posItems, st); e != nil {
				b.record(&Item{Item: it, Scope: s, Prefix: s.Path, Public: public, Exp: exp, Cond: itCond})
				tx = b.items(s, m, e.Items, tx, e, itCond, public, children, depth+1)
			}
			continue
		case *syntax.ModItem:
			mods := children[it]
			if mods == nil && exp != nil {
				// A module declared by a macro (tokio's cfg_net! { pub mod net; }).
				mods = b.p.Target.LoadModule(m, it)
			}
			for _, cm := range mods {
				cs := b.r.AddModule(s, cm, it)
				childTx := b.module(cs, cm, tx, cfg.And(itCond, cm.Cond), public && resolve.IsPub(it.Vis))
				if hasAttr(it.Attrs, "macro_use") {
					tx = childTx
				}
			}
		case *syntax.ExternCrateItem:
			if hasAttr(it.Attrs, "macro_use") {
				b.macroUse = append(b.macroUse, b.externCrate(it.Name.Name))
			}
			b.r.Define(s, it)
		case *syntax.ImplItem:
			b.txAt[it] = tx
			b.assoc[it] = b.assocItems(s, it.Items, tx, exp, itCond, depth)
			b.r.Define(s, it)
		case *syntax.TraitItem:
			b.txAt[it] = tx
			b.assoc[it] = b.assocItems(s, it.Items, tx, exp, itCond, depth)
			b.r.Define(s, it)
		default:
			b.r.Define(s, it)
		}
		b.txAt[it] = tx
		b.record(&Item{Item: it, Scope: s, Prefix: s.Path, Public: public, Exp: exp, Cond: itCond})
	}
	return tx
}

// typeMacros expands the macros in type position of an item's fields
// and aliased type (pin-project-lite's projection fields are
// __pin_project_make_proj_field_mut!(#[pin] T)), so that field types
// are known to type inference; expansions may hold more of them.
func (b *builder) typeMacros(n syntax.Node, st lstate) {
	syntax.Inspect(n, func(x syntax.Node) bool {
		mt, ok := x.(*syntax.MacroType)
		if !ok {
			return true
		}
		if e := b.expand(mt.Mac, posType, st); e != nil && e.Type != nil {
			inner := st
			inner.exp, inner.depth = e, st.depth+1
			b.typeMacros(e.Type, inner)
		}
		return false
	})
}

func (b *builder) record(d *Item) {
	b.p.Items = append(b.p.Items, d)
	b.itemOf[d.Item] = d
}

func (b *builder) externCrate(name string) string {
	if c, ok := b.r.Externs[name]; ok {
		return c
	}
	return name
}

// enabled evaluates the cfg of an item produced by an expansion (load
// has evaluated those written in the source), recording an unknown
// condition.
func (b *builder) enabled(it syntax.Item) bool {
	return load.Enabled(b.conf, b.fset, it, b.p.conds, b.cfgErrors)
}

func (b *builder) cfgErrors(errs []error) {
	for _, err := range errs {
		b.p.Problems = append(b.p.Problems, load.Problem{Kind: "cfg", Msg: err.Error()})
	}
}

// assocItems returns the items of an impl or trait block with macro
// invocations replaced by their expansion (tokio writes impl TcpStream {
// cfg_not_wasi! { pub async fn connect(..) } }) and items compiled out
// left out.
func (b *builder) assocItems(s *resolve.Scope, items []syntax.Item, tx *textual, exp *Expansion, cond cfg.Expr, depth int) []syntax.Item {
	var out []syntax.Item
	for _, it := range items {
		if !b.enabled(it) {
			continue
		}
		b.itemCond[it] = cfg.And(cond, b.p.Cond(it))
		b.attrBlindSpots(it)
		mi, ok := it.(*syntax.MacroItem)
		if !ok {
			out = append(out, it)
			continue
		}
		st := lstate{scope: s, tx: tx, exp: exp, depth: depth, cond: cond}
		if e := b.expand(mi.Mac, posItems, st); e != nil {
			out = append(out, b.assocItems(s, e.Items, tx, e, cond, depth+1)...)
			for _, x := range e.Items {
				b.itemExp[x] = e
			}
		}
	}
	return out
}

// assocOf gives the resolver the expanded items of an impl or trait
// block (blocks in function bodies are expanded on first use).
func (b *builder) assocOf(owner syntax.Item) []syntax.Item {
	if items, ok := b.assoc[owner]; ok {
		return items
	}
	var items []syntax.Item
	switch it := owner.(type) {
	case *syntax.ImplItem:
		items = it.Items
	case *syntax.TraitItem:
		items = it.Items
	}
	d := b.itemOf[owner]
	var exp *Expansion
	var scope *resolve.Scope
	if d != nil {
		exp, scope = d.Exp, d.Scope
	}
	if scope == nil {
		scope = b.r.Root
	}
	out := b.assocItems(scope, items, b.txAt[owner], exp, b.itemCond[owner], 0)
	b.assoc[owner] = out
	return out
}
