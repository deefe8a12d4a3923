package resolve

import (
	"fmt"
	"strconv"

	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/syntax"
)

// Expansion limits for one crate: macro bombs stop here. The depth
// follows rustc: 128 unless the crate sets #![recursion_limit], which
// Warden honours up to MaxRecursionLimit (tt-munching macros such as
// nix's libc_enum! recurse once per enum variant).
const (
	DefaultMacroDepth = 128
	MaxRecursionLimit = 1024
	MaxMacroTokens    = 4_000_000
)

// ExpandedItem is an item produced by a macro invocation in item
// position (a local macro_rules!, or the body of cfg_if!, lazy_static!,
// thread_local! and similar macros from other crates).
type ExpandedItem struct {
	Item  syntax.Item
	Macro string     // outermost macro's name
	Site  syntax.Pos // outermost invocation of a local macro_rules!, else NoPos
	// Args is the span of that invocation's arguments: tokens from there
	// are the user's own and keep their positions.
	Args syntax.Span
}

// MacroKind says how Warden treats a macro it does not expand itself.
type MacroKind uint8

// Macro kinds.
const (
	MacroUnknown    MacroKind = iota
	MacroLocal                // a macro_rules! of the crate: expanded
	MacroInclude              // include!, include_str!, include_bytes!
	MacroEnv                  // env!, option_env!
	MacroAsm                  // asm!, global_asm!, naked_asm!, llvm_asm!
	MacroExprArgs             // std macros whose arguments are expressions
	MacroCfgIf                // cfg_if!
	MacroStaticDefs           // lazy_static!, thread_local!
	MacroInert                // stringify!, concat!, line!...: arguments are not evaluated
)

// ClassifyMacro returns how a macro invocation is handled.
func (r *Resolver) ClassifyMacro(p *syntax.Path) MacroKind {
	if r.LookupMacro(p) != nil {
		return MacroLocal
	}
	if len(p.Segments) == 0 {
		return MacroUnknown
	}
	switch p.Segments[len(p.Segments)-1].Name.Name {
	case "include", "include_str", "include_bytes":
		return MacroInclude
	case "env", "option_env":
		return MacroEnv
	case "asm", "global_asm", "naked_asm", "llvm_asm":
		return MacroAsm
	case "println", "print", "eprintln", "eprint", "format", "format_args", "write", "writeln", "panic",
		"assert", "assert_eq", "assert_ne", "debug_assert", "debug_assert_eq", "debug_assert_ne", "vec",
		"dbg", "todo", "unimplemented", "unreachable", "try", "matches", "addr_of", "addr_of_mut", "ready", "pin":
		return MacroExprArgs
	case "stringify", "concat", "line", "column", "file", "module_path", "compile_error", "cfg", "concat_idents":
		return MacroInert
	case "cfg_if":
		return MacroCfgIf
	case "lazy_static", "thread_local":
		return MacroStaticDefs
	}
	return MacroUnknown
}

// MacroDepth is the macro recursion limit of the target: its
// #![recursion_limit = "N"] (at most MaxRecursionLimit) or rustc's 128.
func (r *Resolver) MacroDepth() int {
	if r.macroDepth != 0 {
		return r.macroDepth
	}
	r.macroDepth = DefaultMacroDepth
	fset := r.Crate.Fset
	for _, a := range r.Target.Root.Attrs {
		if a.Name() != "recursion_limit" || len(a.Tokens) != 2 || a.Tokens[0].Kind != syntax.Eq {
			continue
		}
		if v, ok := syntax.StringValue(fset.Text(a.Tokens[1])); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				r.macroDepth = min(n, MaxRecursionLimit)
			}
		}
	}
	return r.macroDepth
}

// Budget returns the crate-wide expansion budget.
func (r *Resolver) Budget() *expand.Budget {
	if r.budget == nil {
		r.budget = &expand.Budget{MaxDepth: r.MacroDepth(), MaxTokens: MaxMacroTokens}
	}
	return r.budget
}

// ExpandLocal expands an invocation of a local macro_rules! macro and
// returns the produced tokens.
func (r *Resolver) ExpandLocal(mac *syntax.MacroCall) ([]syntax.Token, error) {
	d := r.LookupMacro(mac.Path)
	if d == nil || d.Macro == nil {
		return nil, fmt.Errorf("macro %s! is not defined in the crate", MacroName(mac.Path))
	}
	var args []syntax.Token
	if mac.Args != nil {
		args = mac.Args.Tokens
	}
	return d.Macro.Expand(r.Crate.Fset, args, r.Budget())
}

func (r *Resolver) fileOf(pos syntax.Pos) *syntax.File { return r.Crate.Fset.File(pos) }

// ItemsOf parses the tokens a macro produced, or the body of a macro
// from another crate, as items. ok is false if they are not items.
func (r *Resolver) ItemsOf(toks []syntax.Token, site syntax.Pos) ([]syntax.Item, bool) {
	f := r.fileOf(site)
	if f == nil {
		return nil, false
	}
	items, errs := syntax.ParseItems(f, toks)
	return items, len(errs) == 0
}

// MacroItems returns the items an item-position macro invocation stands
// for: a local macro's expansion, the selected branch of cfg_if!, the
// statics of lazy_static!/thread_local!, or the body of another macro
// when it parses as items. handled is false for macros Warden cannot see
// into.
func (r *Resolver) MacroItems(mac *syntax.MacroCall, depth int) (items []syntax.Item, handled bool, err error) {
	if depth > r.MacroDepth() {
		return nil, true, fmt.Errorf("%w: nesting deeper than %d", expand.ErrBudget, r.MacroDepth())
	}
	site := mac.Pos()
	switch r.ClassifyMacro(mac.Path) {
	case MacroLocal:
		toks, err := r.ExpandLocal(mac)
		if err != nil {
			return nil, true, err
		}
		items, ok := r.ItemsOf(toks, site)
		if !ok {
			return nil, true, fmt.Errorf("expansion of %s! does not parse as items", MacroName(mac.Path))
		}
		return items, true, nil
	case MacroCfgIf:
		toks := r.CfgIfBranch(mac)
		items, ok := r.ItemsOf(toks, site)
		return items, ok, nil
	case MacroStaticDefs:
		items, ok := r.ItemsOf(stripStaticRef(mac.Args.Tokens), site)
		return items, ok, nil
	case MacroUnknown:
		if mac.Args == nil {
			return nil, false, nil
		}
		items, ok := r.ItemsOf(mac.Args.Tokens, site)
		return items, ok && len(items) > 0, nil
	}
	return nil, false, nil
}

// stripStaticRef turns lazy_static!'s "static ref NAME: T = e;" into
// "static NAME: T = e;".
func stripStaticRef(toks []syntax.Token) []syntax.Token {
	out := make([]syntax.Token, 0, len(toks))
	for i, t := range toks {
		if t.Kind == syntax.KwRef && i > 0 && toks[i-1].Kind == syntax.KwStatic {
			continue
		}
		out = append(out, t)
	}
	return out
}

// CfgIfBranch selects the tokens of the first cfg_if! branch whose
// predicate holds for the configured target: the syntax is
// "if #[cfg(p)] { .. } else if #[cfg(q)] { .. } else { .. }".
func (r *Resolver) CfgIfBranch(mac *syntax.MacroCall) []syntax.Token {
	if mac.Args == nil {
		return nil
	}
	toks := mac.Args.Tokens
	fset := r.Crate.Fset
	i := 0
	skipGroup := func(j int) int { // index after the group opening at j
		depth := 0
		for k := j; k < len(toks); k++ {
			if toks[k].Kind.IsOpen() {
				depth++
			} else if toks[k].Kind.IsClose() {
				depth--
				if depth == 0 {
					return k + 1
				}
			}
		}
		return len(toks)
	}
	for i < len(toks) {
		switch {
		case toks[i].Kind == syntax.KwIf:
			i++
			holds := true
			// #[cfg(pred)]
			if i+1 < len(toks) && toks[i].Kind == syntax.Pound && toks[i+1].Kind == syntax.LBrack {
				end := skipGroup(i + 1)
				attrToks := toks[i+2 : end-1]
				f := fset.File(toks[i].Pos)
				if f != nil {
					if a, errs := syntax.ParseMeta(f, attrToks); len(errs) == 0 {
						ok, err := r.Crate.Cfg.Enabled(fset, []*syntax.Attr{a})
						holds = ok || err != nil
					}
				}
				i = end
			}
			if i >= len(toks) || toks[i].Kind != syntax.LBrace {
				return nil
			}
			end := skipGroup(i)
			if holds {
				return toks[i+1 : end-1]
			}
			i = end
		case toks[i].Kind == syntax.KwElse:
			i++
			if i < len(toks) && toks[i].Kind == syntax.LBrace {
				end := skipGroup(i)
				return toks[i+1 : end-1]
			}
		default:
			i++
		}
	}
	return nil
}

// expandModuleMacros replaces item-position macro invocations of a
// module by the items they stand for, recording them in s.Expanded.
func (r *Resolver) expandModuleMacros(s *Scope, items []syntax.Item, macro string, site syntax.Pos, args syntax.Span, depth int) []syntax.Item {
	var out []syntax.Item
	for _, it := range items {
		mi, ok := it.(*syntax.MacroItem)
		if !ok {
			if macro != "" {
				if !load.Enabled(r.Crate.Cfg, r.Crate.Fset, it, nil) {
					continue
				}
				s.Expanded = append(s.Expanded, ExpandedItem{Item: it, Macro: macro, Site: site, Args: args})
				if mr, ok := it.(*syntax.MacroRulesItem); ok && !mr.Macro2 && mr.Body != nil {
					r.addMacro(mr)
				}
			}
			out = append(out, it)
			continue
		}
		if macro != "" && !load.Enabled(r.Crate.Cfg, r.Crate.Fset, mi, nil) {
			continue // #[cfg(..)] on an invocation produced by a macro
		}
		kind := r.ClassifyMacro(mi.Mac.Path)
		if kind == MacroInclude || kind == MacroEnv || kind == MacroAsm {
			// Build-time reads and inline assembly stay as invocations:
			// the effect finder reports them.
			if macro != "" {
				s.Expanded = append(s.Expanded, ExpandedItem{Item: it, Macro: macro, Site: site, Args: args})
			}
			out = append(out, it)
			continue
		}
		name, at, argSpan := macro, site, args
		if name == "" {
			name = MacroName(mi.Mac.Path)
			if kind == MacroLocal {
				// Tokens of a local expansion that come from the
				// definition are reported at the invocation; tokens from
				// the arguments, and bodies of other crates' macros, are
				// the user's own and keep their positions.
				at = mi.Pos()
				if mi.Mac.Args != nil {
					argSpan = mi.Mac.Args.Span
				}
			}
		}
		produced, handled, err := r.MacroItems(mi.Mac, depth)
		if err != nil {
			r.Crate.Problems = append(r.Crate.Problems, load.Problem{Kind: "macro", Pos: r.Crate.Fset.Position(mi.Pos()), Msg: err.Error()})
		}
		if !handled {
			r.unexpanded(mi.Mac)
			continue
		}
		out = append(out, r.expandModuleMacros(s, produced, name, at, argSpan, depth+1)...)
	}
	return out
}

// unexpanded records a macro from another crate that Warden could not
// look into, once per macro name.
func (r *Resolver) unexpanded(mac *syntax.MacroCall) {
	name := MacroName(mac.Path)
	if r.unexpandedSeen == nil {
		r.unexpandedSeen = map[string]bool{}
	}
	if r.unexpandedSeen[name] {
		return
	}
	r.unexpandedSeen[name] = true
	r.Crate.Problems = append(r.Crate.Problems, load.Problem{Kind: "macro", Pos: r.Crate.Fset.Position(mac.Pos()),
		Msg: fmt.Sprintf("macro %s! from another crate was not expanded; its body was not audited (first use)", name)})
}

// Unexpanded reports a macro invocation Warden could not see into.
func (r *Resolver) Unexpanded(mac *syntax.MacroCall) { r.unexpanded(mac) }

// AssocItems returns the items of an impl or trait block with macro
// invocations replaced by what they expand to (tokio writes
// impl TcpStream { cfg_not_wasi! { pub async fn connect(..) } }), and
// items disabled by cfg left out. Expansion failures are problems; the
// remaining items are still returned. The result is computed once per
// block: resolution, effects and I/O-safety checks all ask for it.
func (r *Resolver) AssocItems(owner syntax.Item) []syntax.Item {
	if items, ok := r.assoc[owner]; ok {
		return items
	}
	var items []syntax.Item
	switch it := owner.(type) {
	case *syntax.ImplItem:
		items = r.assocItems(it.Items, 0)
	case *syntax.TraitItem:
		items = r.assocItems(it.Items, 0)
	}
	if r.assoc == nil {
		r.assoc = map[syntax.Item][]syntax.Item{}
	}
	r.assoc[owner] = items
	return items
}

func (r *Resolver) assocItems(items []syntax.Item, depth int) []syntax.Item {
	var out []syntax.Item
	for _, it := range items {
		if !load.Enabled(r.Crate.Cfg, r.Crate.Fset, it, nil) {
			continue
		}
		mi, ok := it.(*syntax.MacroItem)
		if !ok {
			out = append(out, it)
			continue
		}
		if depth > r.MacroDepth() {
			continue
		}
		produced, handled, err := r.MacroItems(mi.Mac, depth)
		if err != nil {
			r.Crate.Problems = append(r.Crate.Problems, load.Problem{Kind: "macro", Pos: r.Crate.Fset.Position(mi.Pos()), Msg: err.Error()})
		}
		if handled {
			out = append(out, r.assocItems(produced, depth+1)...)
		}
	}
	return out
}
