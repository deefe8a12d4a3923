package program

import (
	"strconv"
	"strings"

	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// funcsOf adds the functions an item declares: a fn, the methods of an
// impl, the provided methods of a trait, the initializer of a static or
// const. This is the one place that decides what is public:
//   - a fn or static is public when pub in a module reachable from the
//     crate root through pub modules, or re-exported by a pub use from
//     one;
//   - a method is public when its type is (declared pub there, or
//     re-exported) and the method is pub or implements a trait;
//   - a provided method is public when its trait is;
//   - nothing in a function body, a build script or a binary is public
//     (a binary's main is its Entry).
func (b *builder) funcsOf(d *Item) {
	r := b.r
	lib := !b.p.isBinary()
	switch it := d.Item.(type) {
	case *syntax.FnItem:
		path := d.Prefix + "::" + it.Name.Name
		f := &Func{Path: path, Kind: FreeFn, Item: it, Body: bodyOf(it), Scope: d.Scope, Decl: d, Pos: it.Name.Pos(), Cond: d.Cond}
		if d.Fn == nil {
			f.Public = lib && (d.Public && resolve.IsPub(it.Vis) || r.Reachable[path])
			f.Entry = !lib && d.Scope == r.Root && it.Name.Name == "main"
		}
		b.addFunc(f)
	case *syntax.ImplItem:
		self := r.RegisterImpl(d.Scope, it)
		if self == "" {
			self = d.Prefix + "::{impl}"
		}
		trait := ""
		if it.Trait != nil {
			trait = r.ResolvePath(d.Scope, it.Trait, resolve.TypeNS).Path
		}
		typePublic := d.Fn == nil && lib && d.Public
		if r.Types[self] != nil {
			// A local type's methods are public where the type is,
			// wherever the impl is written.
			typePublic = d.Fn == nil && lib && r.Reachable[self]
		}
		for _, ai := range b.assocOf(it) {
			if c, ok := ai.(*syntax.ConstItem); ok && c.Value != nil {
				// An associated const's value is code too (unsafe blocks
				// in mio's Interest::READABLE).
				scope := r.NewBlockScope(d.Scope, self+"::"+c.Name.Name, nil)
				scope.SelfType = self
				b.addFunc(&Func{Path: self + "::" + c.Name.Name, Kind: Initializer, Body: c.Value, Scope: scope, SelfType: self,
					Owner: it, Decl: d, Pos: c.Name.Pos(), Cond: cfg.And(d.Cond, b.p.Cond(c)), Public: typePublic && resolve.IsPub(c.Vis)})
				continue
			}
			fn, ok := ai.(*syntax.FnItem)
			if !ok || fn.Body == nil {
				continue
			}
			scope := r.NewBlockScope(d.Scope, self+"::"+fn.Name.Name, nil)
			scope.SelfType = self
			f := &Func{Path: self + "::" + fn.Name.Name, Kind: Method, Item: fn, Body: fn.Body, Scope: scope,
				SelfType: self, Trait: trait, Owner: it, Decl: d, Pos: fn.Name.Pos(), Cond: cfg.And(d.Cond, b.p.Cond(fn))}
			f.Public = typePublic && (resolve.IsPub(fn.Vis) || it.Trait != nil)
			b.addFunc(f)
		}
	case *syntax.TraitItem:
		tp := d.Prefix + "::" + it.Name.Name
		public := d.Fn == nil && lib && (d.Public && resolve.IsPub(it.Vis) || r.Reachable[tp])
		for _, ai := range b.assocOf(it) {
			if c, ok := ai.(*syntax.ConstItem); ok && c.Value != nil {
				scope := r.NewBlockScope(d.Scope, tp+"::"+c.Name.Name, nil)
				scope.SelfType = tp
				b.addFunc(&Func{Path: tp + "::" + c.Name.Name, Kind: Initializer, Body: c.Value, Scope: scope, SelfType: tp,
					Owner: it, Decl: d, Pos: c.Name.Pos(), Cond: cfg.And(d.Cond, b.p.Cond(c)), Public: public})
				continue
			}
			fn, ok := ai.(*syntax.FnItem)
			if !ok || fn.Body == nil {
				continue
			}
			scope := r.NewBlockScope(d.Scope, tp+"::"+fn.Name.Name, nil)
			scope.SelfType = tp
			b.addFunc(&Func{Path: tp + "::" + fn.Name.Name, Kind: TraitDefault, Item: fn, Body: fn.Body, Scope: scope,
				SelfType: tp, Trait: tp, Owner: it, Decl: d, Pos: fn.Name.Pos(), Public: public, Cond: cfg.And(d.Cond, b.p.Cond(fn))})
		}
	case *syntax.StaticItem:
		if it.Value != nil {
			path := d.Prefix + "::" + it.Name.Name
			b.addFunc(&Func{Path: path, Kind: Initializer, Body: it.Value, Scope: d.Scope, Decl: d, Pos: it.Name.Pos(), Cond: d.Cond,
				Public: d.Fn == nil && lib && (d.Public && resolve.IsPub(it.Vis) || r.Reachable[path])})
		}
	case *syntax.ConstItem:
		if it.Value != nil {
			path := d.Prefix + "::" + it.Name.Name
			b.addFunc(&Func{Path: path, Kind: Initializer, Body: it.Value, Scope: d.Scope, Decl: d, Pos: it.Name.Pos(), Cond: d.Cond,
				Public: d.Fn == nil && lib && (d.Public && resolve.IsPub(it.Vis) || r.Reachable[path])})
		}
	}
}

func bodyOf(fn *syntax.FnItem) syntax.Node {
	if fn.Body == nil {
		return nil
	}
	return fn.Body
}

func (b *builder) addFunc(f *Func) {
	if f.Body == nil {
		return
	}
	if f.Decl != nil {
		f.Exp = f.Decl.Exp
	}
	if f.Item != nil {
		if e := b.itemExp[f.Item]; e != nil {
			f.Exp = e
		}
	}
	b.p.Funcs = append(b.p.Funcs, f)
}

// lowerFunc expands the macros of a function's body, builds the scopes
// of its blocks and adds the items it declares.
func (b *builder) lowerFunc(f *Func) {
	if f.Item != nil && f.Item.Plain {
		return // nothing to expand, declare or evaluate (see FnItem.Plain)
	}
	st := lstate{fn: f, scope: f.Scope, cond: f.Cond, exp: f.Exp, depth: expDepth(f.Exp, nil)}
	if f.Decl != nil {
		if owner := f.Owner; owner != nil {
			st.tx = b.txAt[owner]
		} else {
			st.tx = b.txAt[f.Decl.Item]
		}
	}
	b.node(f.Body, st)
}

// node lowers an expression (or a block) and everything under it.
func (b *builder) node(n syntax.Node, st lstate) {
	if n == nil {
		return
	}
	b.insp.Inspect(n, func(x syntax.Node) bool {
		switch x := x.(type) {
		case *syntax.BlockExpr:
			b.block(x, st)
			return false
		case *syntax.MacroExpr:
			if e := b.expand(x.Mac, posExpr, st); e != nil {
				b.expansion(e, st)
			}
			return false
		case *syntax.MacroPat:
			if e := b.expand(x.Mac, posPat, st); e != nil {
				b.expansion(e, st)
			}
			return false
		case *syntax.MacroType:
			if e := b.expand(x.Mac, posType, st); e != nil {
				b.expansion(e, st)
			}
			return false
		case *syntax.MatchArm:
			return b.attrsEnabled(x, x.Attrs)
		case *syntax.FieldInit:
			return b.attrsEnabled(x, x.Attrs)
		}
		return true
	})
}

// expansion lowers what an expansion in expression, pattern or type
// position stands for.
func (b *builder) expansion(e *Expansion, st lstate) {
	inner := st
	inner.exp = e
	inner.depth++
	if e.Expr != nil {
		b.node(e.Expr, inner)
	}
	for _, x := range e.Exprs {
		b.node(x, inner)
	}
	if e.Pat != nil {
		b.node(e.Pat, inner)
	}
	if e.Type != nil {
		b.node(e.Type, inner)
	}
	if len(e.Stmts) > 0 || len(e.Items) > 0 {
		b.stmts(nil, e.Stmts, e.Items, inner)
	}
}

// attrsEnabled evaluates the cfg attributes on a statement, match arm or
// field: compiled-out ones are marked dead, unknown ones get their
// condition.
func (b *builder) attrsEnabled(n any, attrs []*syntax.Attr) bool {
	if len(attrs) == 0 {
		return true
	}
	t, cond, err := b.conf.Condition(b.fset, attrs)
	if err != nil {
		b.cfgErrors([]error{err})
	}
	switch t {
	case cfg.False:
		if err == nil {
			b.p.dead[n] = true
			return false
		}
	case cfg.Unknown:
		b.p.conds[n] = cfg.And(cond, b.p.conds[n])
	}
	return true
}

// block lowers a block: statements in order (macro definitions enter the
// textual scope, statement-position invocations are expanded in place),
// then a scope for the items it declares, then the expressions.
func (b *builder) block(blk *syntax.BlockExpr, st lstate) {
	b.stmts(blk, blk.Stmts, nil, st)
}

// later is a statement whose expressions are lowered once the block's
// items are known.
type later struct {
	stmt syntax.Stmt
	tx   *textual
	exp  *Expansion
}

// stmts lowers the statements of blk (or of an expansion, when blk is
// nil), and items produced in statement position.
func (b *builder) stmts(blk *syntax.BlockExpr, stmts []syntax.Stmt, extra []syntax.Item, st lstate) {
	var items []syntax.Item
	var itemTx []*textual
	var itemExp []*Expansion
	var rest []later
	tx := st.tx
	addItem := func(it syntax.Item, exp *Expansion) {
		switch it := it.(type) {
		case *syntax.MacroRulesItem:
			tx = b.defineMacro(it, tx, false)
			return
		}
		items = append(items, it)
		itemTx = append(itemTx, tx)
		itemExp = append(itemExp, exp)
	}
	// walk lowers statements and items an expansion produced; cond is
	// the condition of the statement that holds the expansion (a
	// cfg_if! branch), which the items it produces inherit (the walk
	// adds it to statements).
	var walk func(stmts []syntax.Stmt, extra []syntax.Item, exp *Expansion, depth int, cond cfg.Expr)
	walk = func(stmts []syntax.Stmt, extra []syntax.Item, exp *Expansion, depth int, cond cfg.Expr) {
		for _, it := range extra {
			if exp != nil && !b.enabled(it) {
				continue
			}
			if c := cfg.And(cond, b.p.Cond(it)); c != nil {
				b.p.conds[it] = c
			}
			if mi, ok := it.(*syntax.MacroItem); ok {
				inner := lstate{fn: st.fn, scope: st.scope, tx: tx, exp: exp, depth: depth, cond: st.cond}
				if e := b.expand(mi.Mac, posStmts, inner); e != nil {
					walk(e.Stmts, e.Items, e, depth+1, b.p.conds[it])
				}
				continue
			}
			addItem(it, exp)
		}
		for _, s := range stmts {
			if b.ctx.Err() != nil {
				return
			}
			switch s := s.(type) {
			case *syntax.ItemStmt:
				if !load.Enabled(b.conf, b.fset, s.Item, b.p.conds, b.cfgErrors) {
					b.p.dead[s] = true
					continue
				}
				// The conditions of the enclosing expansions, of the
				// statement (a cfg_if! branch) and the item's own hold
				// for the item and its functions.
				if c := cfg.And(cfg.And(cond, b.p.conds[s]), b.p.Cond(s.Item)); c != nil {
					b.p.conds[s] = c
					b.p.conds[s.Item] = c
				}
				b.attrBlindSpots(s.Item)
				if mi, ok := s.Item.(*syntax.MacroItem); ok {
					inner := lstate{fn: st.fn, scope: st.scope, tx: tx, exp: exp, depth: depth, cond: st.cond}
					if e := b.expand(mi.Mac, posStmts, inner); e != nil {
						walk(e.Stmts, e.Items, e, depth+1, b.p.conds[s])
					}
					continue
				}
				addItem(s.Item, exp)
			case *syntax.ExprStmt:
				if !b.attrsEnabled(s, s.Attrs) {
					continue
				}
				if me, ok := s.X.(*syntax.MacroExpr); ok {
					inner := lstate{fn: st.fn, scope: st.scope, tx: tx, exp: exp, depth: depth, cond: st.cond}
					if e := b.expand(me.Mac, posStmts, inner); e != nil {
						// Built-in macros in statement position
						// (println!) have expression arguments.
						for _, x := range e.Exprs {
							rest = append(rest, later{stmt: &syntax.ExprStmt{X: x}, tx: tx, exp: e})
						}
						if e.Expr != nil {
							rest = append(rest, later{stmt: &syntax.ExprStmt{X: e.Expr}, tx: tx, exp: e})
						}
						walk(e.Stmts, e.Items, e, depth+1, cfg.And(cond, b.p.conds[s]))
					}
					continue
				}
				rest = append(rest, later{stmt: s, tx: tx, exp: exp})
			case *syntax.LetStmt:
				if !b.attrsEnabled(s, s.Attrs) {
					continue
				}
				rest = append(rest, later{stmt: s, tx: tx, exp: exp})
			}
		}
	}
	walk(stmts, extra, st.exp, st.depth, nil)
	scope := st.scope
	if len(items) > 0 {
		path := b.p.Name
		if st.fn != nil {
			path = st.fn.Path
			if st.fn.Kind == Initializer && strings.HasSuffix(path, "::_") {
				b.anonBlocks++
				path += "#" + strconv.Itoa(b.anonBlocks)
			}
		}
		for i, it := range items {
			b.txAt[it] = itemTx[i]
			if itemExp[i] != nil {
				b.itemExp[it] = itemExp[i]
			}
		}
		// Modules declared in the block are lowered as the crate's
		// modules are; their functions are the block's, never public.
		var modItems []*Item
		lowerMod := func(s *resolve.Scope, mod *syntax.ModItem) {
			cond := cfg.And(st.cond, b.p.Cond(mod))
			for _, cm := range b.p.Target.BlockModule(s.ModScope.Module, mod) {
				cs := b.r.AddModule(s, cm, mod)
				start := len(b.p.Items)
				b.module(cs, cm, b.txAt[mod], cfg.And(cond, cm.Cond), false)
				for _, d := range b.p.Items[start:] {
					d.Fn = st.fn
					modItems = append(modItems, d)
				}
			}
		}
		scope = b.r.NewBlockScopeWith(st.scope, path, items, lowerMod)
		if blk != nil {
			b.p.blockScopes[blk] = scope
		} else if st.exp != nil {
			b.expScopes(st.exp, scope)
		}
		for i, it := range items {
			d := &Item{Item: it, Scope: scope, Prefix: path, Fn: st.fn, Exp: itemExp[i], Cond: cfg.And(st.cond, b.p.Cond(it))}
			switch it.(type) {
			case *syntax.StructItem, *syntax.EnumItem, *syntax.UnionItem, *syntax.TypeAliasItem:
				inner := st
				inner.scope, inner.tx = scope, itemTx[i]
				if itemExp[i] != nil && itemExp[i] != st.exp {
					inner.exp, inner.depth = itemExp[i], st.depth+expDepth(itemExp[i], st.exp)
				}
				b.typeMacros(it, inner)
			}
			b.itemCond[it] = d.Cond
			b.record(d)
			b.funcsOf(d)
		}
		for _, d := range modItems {
			b.funcsOf(d)
		}
	}
	for _, l := range rest {
		inner := st
		inner.scope, inner.tx = scope, l.tx
		if l.exp != st.exp {
			inner.exp = l.exp
			inner.depth = st.depth + expDepth(l.exp, st.exp)
		}
		b.node(l.stmt, inner)
	}
}

// expScopes records the scope of statements produced by an expansion
// that declare items (a macro expanding to a helper fn and its call).
func (b *builder) expScopes(e *Expansion, s *resolve.Scope) {
	if b.p.expScope == nil {
		b.p.expScope = map[*Expansion]*resolve.Scope{}
	}
	b.p.expScope[e] = s
}

// expDepth counts the expansions from inner up to outer.
func expDepth(inner, outer *Expansion) int {
	n := 0
	for e := inner; e != nil && e != outer; e = e.Parent {
		n++
	}
	return n
}

// builtinAttrs are the attributes of the language and its tools; any
// other attribute on an item is a procedural macro (or a derive's
// helper).
var builtinAttrs = map[string]bool{
	"cfg": true, "cfg_attr": true, "derive": true, "doc": true, "allow": true, "warn": true, "deny": true,
	"forbid": true, "expect": true, "deprecated": true, "must_use": true, "inline": true, "cold": true,
	"track_caller": true, "no_mangle": true, "export_name": true, "link_section": true, "link": true,
	"link_name": true, "link_ordinal": true, "repr": true, "path": true, "macro_use": true, "macro_export": true,
	"test": true, "bench": true, "ignore": true, "should_panic": true, "non_exhaustive": true,
	"automatically_derived": true, "feature": true, "recursion_limit": true, "no_std": true, "no_main": true,
	"no_implicit_prelude": true, "crate_type": true, "crate_name": true, "windows_subsystem": true, "used": true,
	"naked": true, "target_feature": true, "global_allocator": true, "panic_handler": true, "proc_macro": true,
	"proc_macro_derive": true, "proc_macro_attribute": true, "type_length_limit": true,
	"debugger_visualizer": true, "collapse_debuginfo": true, "instruction_set": true, "optimize": true,
	"coverage": true, "no_link": true, "unstable": true, "stable": true, "rustc_const_stable": true,
	"rustc_const_unstable": true, "allow_internal_unstable": true, "register_tool": true,
	"thread_local": true, "ffi_const": true, "ffi_pure": true, "non_exhaustive_omitted_patterns_lint": true,
	"unsafe": true, "doc_cfg": true, "no_coverage": true, "do_not_recommend": true, "on_unimplemented": true,
	"const_trait": true, "lang": true, "rustc_builtin_macro": true, "unsafe_no_drop_flag": true,
	"may_dangle": true, "fundamental": true, "marker": true, "start": true, "compiler_builtins": true,
	"no_builtins": true, "needs_allocator": true, "default_lib_allocator": true, "profiler_runtime": true,
	"prelude_import": true, "macro_escape": true, "plugin": true, "plugin_registrar": true,
	"main": true, "rustfmt": true,
}

// stdDerives are the derives the compiler implements itself.
var stdDerives = map[string]bool{
	"Debug": true, "Clone": true, "Copy": true, "PartialEq": true, "Eq": true, "PartialOrd": true,
	"Ord": true, "Hash": true, "Default": true,
}

// toolPrefixes are tool attribute namespaces (#[rustfmt::skip]).
var toolPrefixes = []string{"rustfmt::", "clippy::", "rust_analyzer::", "diagnostic::", "rustc::", "miri::"}

// attrBlindSpots records the procedural macros applied to an item: a
// derive the compiler does not implement, or an attribute the language
// does not define. What they generate is not analysed. Unknown
// attributes on an item that has such a derive are taken to be the
// derive's helpers (#[serde(rename)]).
func (b *builder) attrBlindSpots(it syntax.Item) {
	base := load.ItemBase(it)
	if base == nil || len(base.Attrs) == 0 {
		return
	}
	procDerive := false
	for _, a := range base.Attrs {
		if a.Doc != "" || a.Name() != "derive" {
			continue
		}
		for _, name := range deriveNames(b.fset, a) {
			last := name
			if i := strings.LastIndex(name, "::"); i >= 0 {
				last = name[i+2:]
			}
			std := stdDerives[last] && (!strings.Contains(name, "::") || strings.HasPrefix(name, "std::") ||
				strings.HasPrefix(name, "core::") || strings.HasPrefix(name, "::core::") || strings.HasPrefix(name, "::std::"))
			if !std {
				procDerive = true
				b.blind("proc-macro-derive", a.Pos(), "derive(%s) is a procedural macro: the code it generates is not analysed", name)
			}
		}
	}
	if procDerive {
		return
	}
	for _, a := range base.Attrs {
		name := a.Name()
		if a.Doc != "" || builtinAttrs[name] || strings.HasPrefix(name, "rustc_") {
			continue // rustc_* are the compiler's internal attributes
		}
		tool := false
		for _, p := range toolPrefixes {
			if strings.HasPrefix(name, p) {
				tool = true
				break
			}
		}
		if tool {
			continue
		}
		b.blind("proc-macro-attribute", a.Pos(), "#[%s] is a procedural macro attribute: the code it generates is not analysed", name)
	}
}

// deriveNames returns the paths listed in #[derive(A, b::C)].
func deriveNames(fset *syntax.FileSet, a *syntax.Attr) []string {
	toks := a.Tokens
	if len(toks) < 2 || toks[0].Kind != syntax.LParen {
		return nil
	}
	toks = toks[1 : len(toks)-1]
	var out []string
	for _, part := range syntax.SplitTopLevel(toks, syntax.Comma) {
		var sb strings.Builder
		for _, t := range part {
			sb.WriteString(fset.Text(t))
		}
		if s := sb.String(); s != "" {
			out = append(out, s)
		}
	}
	return out
}
