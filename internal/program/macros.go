package program

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/wardenrs/warden/internal/datafile"
	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// MacroKind says what a macro invocation is.
type MacroKind uint8

// Macro kinds: a macro_rules! definition, or one of the built-in kinds
// of builtins.txt.
const (
	Rules       MacroKind = iota // a macro_rules! definition, expanded
	Exprs                        // arguments are expressions
	Vec                          // vec![a, b] or vec![x; n]
	Matches                      // an expression and a pattern
	Inert                        // arguments are not evaluated
	Include                      // include!: a file's items or expression
	IncludeData                  // include_str!, include_bytes!
	Env                          // env!, option_env!
	Asm                          // inline assembly
	Statics                      // thread_local!, lazy_static!
	CfgIf                        // cfg_if!, match_cfg!
	Unknown                      // no definition found: a blind spot
)

var kindNames = map[string]MacroKind{
	"exprs": Exprs, "vec": Vec, "matches": Matches, "inert": Inert, "include": Include,
	"include_data": IncludeData, "env": Env, "asm": Asm, "statics": Statics, "cfg_if": CfgIf,
}

func (k MacroKind) String() string {
	for n, v := range kindNames {
		if v == k {
			return n
		}
	}
	switch k {
	case Rules:
		return "rules"
	case Unknown:
		return "unknown"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

//go:embed builtins.txt
var builtinsText string

// Builtins maps macro names (name for the standard library's, crate::name
// for other crates' fallbacks) to their kinds.
type Builtins map[string]MacroKind

// ParseBuiltins reads the builtins.txt format.
func ParseBuiltins(name, text string) (Builtins, error) {
	out := Builtins{}
	err := datafile.Each(text, func(n int, f []string) error {
		if len(f) != 2 {
			return fmt.Errorf("%s:%d: want 2 fields (name kind), got %d", name, n, len(f))
		}
		k, ok := kindNames[f[1]]
		if !ok {
			return fmt.Errorf("%s:%d: unknown macro kind %q", name, n, f[1])
		}
		if _, dup := out[f[0]]; dup {
			return fmt.Errorf("%s:%d: duplicate macro %s", name, n, f[0])
		}
		out[f[0]] = k
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DefaultBuiltins returns the embedded table.
func DefaultBuiltins() Builtins {
	b, err := ParseBuiltins("builtins.txt", builtinsText)
	if err != nil {
		panic(fmt.Sprintf("embedded builtins.txt is invalid: %v", err)) // caught by tests
	}
	return b
}

// macroDef is what a macro path means.
type macroDef struct {
	kind       MacroKind
	m          *expand.Macro
	crate      string // defining crate: "" this crate, "std" for the standard library
	localInner bool
}

// textual is the textual scope of macro_rules! definitions: a
// definition shadows earlier ones from where it appears to the end of the
// enclosing module or block (and beyond a #[macro_use] module).
type textual struct {
	name string
	def  *macroDef
	prev *textual
}

func (t *textual) lookup(name string) *macroDef {
	for ; t != nil; t = t.prev {
		if t.name == name {
			return t.def
		}
	}
	return nil
}

// lookup finds the macro an invocation's path names, as rustc does:
// a bare name in the textual scope, then among macros imported by
// #[macro_use] extern crate and by use, then the standard library's; a
// path through $crate, crate, a dependency or std. Inside the expansion
// of a dependency's macro, $crate (and bare names, for
// local_inner_macros) mean that dependency.
func (b *builder) lookup(p *syntax.Path, scope *resolve.Scope, tx *textual, exp *Expansion) *macroDef {
	if len(p.Segments) == 0 || p.QSelf != nil {
		return nil
	}
	from := b.p.DefCrate(p.Pos())
	name := p.Segments[len(p.Segments)-1].Name.Name
	if len(p.Segments) == 1 && !p.Global {
		if from != "" && exp != nil && exp.Def != nil && b.localInner[exp.Def] {
			if d := b.foreign(from, name); d != nil {
				return d
			}
		}
		if d := tx.lookup(name); d != nil {
			return d
		}
		if scope != nil && scope.ModScope == b.r.Root && from == "" {
			// The crate root's path scope holds the #[macro_export]
			// macros, whatever their textual order.
			if d := b.exported[name]; d != nil {
				return d
			}
		}
		for _, c := range b.macroUse {
			if d := b.foreign(c, name); d != nil {
				return d
			}
		}
		for _, c := range b.macroUse {
			// A crate imported with #[macro_use] whose source is not
			// available: its fallback, as for c::name!.
			if k, ok := b.builtins[c+"::"+name]; ok {
				return &macroDef{kind: k, crate: c}
			}
		}
		if segs, global, ok := b.r.UseOf(scope, name); ok && len(segs) > 0 && segs[len(segs)-1] != name {
			// use a::b as name;
			return b.lookupPath(scope, segs, global, from)
		} else if ok {
			if d := b.lookupPath(scope, segs, global, from); d != nil {
				return d
			}
		}
		if from != "" {
			if d := b.foreign(from, name); d != nil {
				return d
			}
		}
		if k, ok := b.builtins[name]; ok {
			return &macroDef{kind: k, crate: "std"}
		}
		// use combine::*; parser! { .. }
		for _, g := range b.r.GlobSources(scope) {
			if len(g) == 0 {
				continue
			}
			if d := b.lookupPath(scope, append(append([]string(nil), g...), name), false, from); d != nil {
				return d
			}
		}
		return nil
	}
	segs := make([]string, len(p.Segments))
	for i, s := range p.Segments {
		segs[i] = s.Name.Name
	}
	if !p.Global && from == "" {
		// use core::ptr; ptr::addr_of!(x): the first segment names what
		// a use imports.
		if _, ext := b.r.Externs[segs[0]]; !ext && !specialSegment(segs[0]) {
			if use, global, ok := b.r.UseModule(scope, segs[0]); ok && len(use) > 0 {
				return b.lookupPath(scope, append(append([]string(nil), use...), segs[1:]...), global, from)
			}
		}
	}
	return b.lookupPath(scope, segs, p.Global, from)
}

// throughModule finds the macro a path names through a module of this
// crate: the module's own use of it, or the crate the module path
// resolves to.
func (b *builder) throughModule(scope *resolve.Scope, segs []string, from string) *macroDef {
	if b.hops >= 8 {
		return nil
	}
	b.hops++
	defer func() { b.hops-- }()
	prefix := &syntax.Path{}
	for _, s := range segs[:len(segs)-1] {
		prefix.Segments = append(prefix.Segments, &syntax.PathSegment{Name: syntax.Ident{Name: s}})
	}
	name := segs[len(segs)-1]
	res := b.r.ResolvePath(scope, prefix, resolve.TypeNS)
	switch {
	case res.Def != nil && res.Def.Scope != nil:
		if use, global, ok := b.r.UseOf(res.Def.Scope, name); ok && len(use) > 0 {
			return b.lookupPath(res.Def.Scope, use, global, from)
		}
	case res.Def == nil && res.Path != "":
		return b.lookupPath(nil, append(strings.Split(res.Path, "::"), name), true, from)
	}
	return nil
}

// specialSegment reports whether a path segment is a keyword that starts
// a path (crate, self, super, $crate).
func specialSegment(s string) bool {
	switch s {
	case "crate", "self", "super", "$crate", "Self":
		return true
	}
	return false
}

// lookupPath finds a macro by path segments.
func (b *builder) lookupPath(scope *resolve.Scope, segs []string, global bool, from string) *macroDef {
	if len(segs) == 0 {
		return nil
	}
	first, name := segs[0], segs[len(segs)-1]
	if len(segs) == 1 {
		if d := b.exported[name]; d != nil {
			return d
		}
		if k, ok := b.builtins[name]; ok {
			return &macroDef{kind: k, crate: "std"}
		}
		return nil
	}
	switch first {
	case "$crate":
		if d := b.stdAlias(segs, from); d != nil {
			return d
		}
		if from != "" {
			if d := b.foreign(from, name); d != nil || len(segs) == 2 {
				return d
			}
			return b.aliased(from, segs[1:])
		}
		return b.local(name)
	case "crate", "self", "super":
		if d := b.local(name); d != nil || scope == nil {
			return d
		}
		// A module of this crate that imports the macro by use: super::m
		// reached through use super::* (procfs: use bitflags::bitflags
		// in the root, bitflags! in a child), or crate::log::debug!
		// where the module log re-exports another crate's macro (rustls:
		// use log; ... use crate::log::debug).
		return b.throughModule(scope, segs, from)
	case "std", "core", "alloc":
		if k, ok := b.builtins[name]; ok {
			return &macroDef{kind: k, crate: "std"}
		}
		return nil
	}
	if d := b.stdAlias(segs, from); d != nil {
		return d
	}
	crate, ok := b.r.Externs[first]
	if !ok {
		if global {
			crate = first
		} else {
			// A module path of this crate (mod::mac! after a
			// pub(crate) use re-export).
			return b.local(name)
		}
	}
	if crate == b.p.Name && !global {
		// The crate's own name: its macro, or, in a binary named after
		// the package's library, the library's.
		if d := b.local(name); d != nil {
			return d
		}
	}
	// The extern name as written tells renamed dependencies apart (two
	// versions of one crate); the source also knows crates by name.
	if d := b.foreign(first, name); d != nil {
		return d
	}
	if len(segs) > 2 {
		if d := b.aliased(first, segs[1:]); d != nil {
			return d
		}
	}
	if k, ok := b.builtins[crate+"::"+name]; ok {
		return &macroDef{kind: k, crate: crate}
	}
	return nil
}

// aliased follows a dependency's re-export to the macro a path through
// one of its modules names: $crate::__macro_support::concat! in
// tracing's expansions is core's concat!.
func (b *builder) aliased(crate string, rel []string) *macroDef {
	src, ok := b.opt.Macros.(MacroAliases)
	if !ok || len(rel) == 0 {
		return nil
	}
	target := src.Alias(crate, strings.Join(rel, "::"))
	segs := strings.Split(target, "::")
	if target == "" || len(segs) < 2 {
		return nil
	}
	name := segs[len(segs)-1]
	switch segs[0] {
	case "std", "core", "alloc":
		if k, ok := b.builtins[name]; ok {
			return &macroDef{kind: k, crate: "std"}
		}
		return nil
	}
	return b.foreign(segs[0], name)
}

// stdAlias finds a standard macro named through an alias of std, core
// or alloc: "extern crate core as _core; _core::stringify!", or, in a
// dependency's expansion, "$crate::_core::stringify!" (bitflags 1.x).
func (b *builder) stdAlias(segs []string, from string) *macroDef {
	name := segs[len(segs)-1]
	k, ok := b.builtins[name]
	if !ok || len(segs) < 2 {
		return nil
	}
	alias := segs[len(segs)-2]
	if c, ok := b.r.Externs[alias]; ok && (c == "std" || c == "core" || c == "alloc") {
		return &macroDef{kind: k, crate: "std"}
	}
	if segs[0] == "$crate" && from != "" {
		// A dependency's own alias of std (__core, _core) or of the std
		// module that holds the macro (memoffset's
		// $crate::__priv::ptr::addr_of!, where __priv re-exports
		// core::ptr).
		for _, seg := range segs[1 : len(segs)-1] {
			switch strings.Trim(seg, "_") {
			case "core", "std", "alloc":
				return &macroDef{kind: k, crate: "std"}
			}
		}
		if stdModuleOf[name] != "" && stdModuleOf[name] == alias {
			return &macroDef{kind: k, crate: "std"}
		}
	}
	return nil
}

// stdModuleOf names the std module that defines a macro reached by path
// (std::ptr::addr_of!), for dependencies that re-export that module.
var stdModuleOf = map[string]string{
	"addr_of": "ptr", "addr_of_mut": "ptr", "ready": "task", "pin": "pin", "offset_of": "mem",
	"asm": "arch", "global_asm": "arch", "naked_asm": "arch",
}

// local finds a macro of this crate by path: an exported one, else the
// last definition of that name anywhere (macros re-exported by use).
func (b *builder) local(name string) *macroDef {
	if d := b.exported[name]; d != nil {
		return d
	}
	return b.anyLocal[name]
}

// foreign returns a dependency's exported macro.
func (b *builder) foreign(crate, name string) *macroDef {
	if b.opt.Macros == nil || crate == "" {
		return nil
	}
	key := crate + "::" + name
	if d, ok := b.foreignCache[key]; ok {
		return d
	}
	var d *macroDef
	if m, defCrate := b.opt.Macros.Macro(b.fset, crate, name); m != nil {
		if defCrate == "" {
			defCrate = crate
		}
		if m.Def != nil {
			if f := b.fset.File(m.Def.Pos()); f != nil {
				b.p.defCrate[f] = defCrate
			}
		}
		d = &macroDef{kind: Rules, m: m, crate: defCrate, localInner: m.LocalInner}
		if d.localInner {
			b.localInner[m] = true
		}
	}
	b.foreignCache[key] = d
	return d
}

// macroText renders a macro_rules! definition from its tokens, one token
// per line (a line comment ends at its line), zero-length tokens the
// expander made by their kind.
func (b *builder) macroText(mr *syntax.MacroRulesItem) string {
	if mr.Body == nil || len(mr.Body.Tokens) > 200_000 {
		return ""
	}
	var sb strings.Builder
	sb.WriteString("macro_rules! " + mr.Name.Name + " ")
	open, closeKind := mr.Body.Delim.String(), closer(mr.Body.Delim).String()
	sb.WriteString(open + "\n")
	for _, t := range mr.Body.Tokens {
		text := b.fset.Text(t)
		if t.Len == 0 || text == "" {
			if t.Kind == syntax.Identifier {
				text = "doc"
			} else {
				text = t.Kind.String()
			}
		}
		sb.WriteString(text)
		sb.WriteByte('\n')
	}
	sb.WriteString(closeKind + "\n")
	return sb.String()
}

// closer returns the closing delimiter of an opening one.
func closer(k syntax.Kind) syntax.Kind {
	switch k {
	case syntax.LParen:
		return syntax.RParen
	case syntax.LBrack:
		return syntax.RBrack
	}
	return syntax.RBrace
}

// dollarCrate tells the resolver which crate a $crate token means.
func (b *builder) dollarCrate(pos syntax.Pos) string { return b.p.DefCrate(pos) }

// defineMacro compiles a macro_rules! item and adds it to the textual
// scope (and, with #[macro_export], to the crate's path scope). Only
// definitions written in the source (inSource) are recorded for other
// crates: a definition produced by an expansion has no one source range.
func (b *builder) defineMacro(mr *syntax.MacroRulesItem, tx *textual, inSource bool) *textual {
	if mr.Macro2 || mr.Body == nil {
		return tx
	}
	d := b.preExported[mr]
	if d == nil {
		m, err := expand.Compile(b.fset, mr)
		if err != nil {
			b.p.problem("macro", mr.Pos(), "macro_rules! "+mr.Name.Name+": "+err.Error())
			return tx
		}
		d = &macroDef{kind: Rules, m: m}
	}
	m := d.m
	b.anyLocal[m.Name] = d
	for _, a := range mr.Attrs {
		if a.Name() != "macro_export" {
			continue
		}
		b.exported[m.Name] = d
		local := strings.Contains(attrArgs(b.fset, a), "local_inner_macros")
		if local {
			m.LocalInner = true
		}
		if f := b.fset.File(mr.Pos()); f != nil && f.Contains(mr.End()) && inSource {
			b.p.Exported = append(b.p.Exported, ExportedMacro{Name: m.Name, File: f.Name,
				Start: f.Offset(mr.Pos()), End: f.Offset(mr.End()), LocalInner: local})
		} else if text := b.macroText(mr); text != "" {
			// A definition a macro produced (syn's Token!, made by
			// export_token_macro!) has no one source range: its tokens
			// travel as text.
			b.p.Exported = append(b.p.Exported, ExportedMacro{Name: m.Name, Text: text, LocalInner: local})
		}
	}
	return &textual{name: m.Name, def: d, prev: tx}
}

// exportAhead makes the #[macro_export] macros written in the modules
// of the target known by path before lowering starts: path-based scope
// does not follow the source order, so crate::m! may come before m's
// definition (in another module, or further down). Definitions that
// macros produce become known when they are lowered.
func (b *builder) exportAhead(m *load.Module) {
	for _, it := range m.Items {
		mr, ok := it.(*syntax.MacroRulesItem)
		if !ok || mr.Macro2 || mr.Body == nil || !hasAttr(mr.Attrs, "macro_export") {
			continue
		}
		if _, done := b.exported[mr.Name.Name]; done {
			continue // the first definition in module order, as lowering would start with
		}
		mac, err := expand.Compile(b.fset, mr)
		if err != nil {
			continue // reported when lowering meets it
		}
		d := &macroDef{kind: Rules, m: mac}
		b.preExported[mr] = d
		b.exported[mac.Name] = d
	}
	for _, c := range m.Children {
		b.exportAhead(c)
	}
}
