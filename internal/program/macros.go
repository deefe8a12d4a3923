package program

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"

	"github.com/wardenrs/warden/internal/expand"
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
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("%s:%d: want 2 fields (name kind), got %d", name, n, len(f))
		}
		k, ok := kindNames[f[1]]
		if !ok {
			return nil, fmt.Errorf("%s:%d: unknown macro kind %q", name, n, f[1])
		}
		if _, dup := out[f[0]]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate macro %s", name, n, f[0])
		}
		out[f[0]] = k
	}
	return out, sc.Err()
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
		for _, c := range b.macroUse {
			if d := b.foreign(c, name); d != nil {
				return d
			}
		}
		if segs, global, ok := b.r.UseOf(scope, name); ok && len(segs) > 0 && segs[len(segs)-1] != name {
			// use a::b as name;
			return b.lookupPath(segs, global, from)
		} else if ok {
			if d := b.lookupPath(segs, global, from); d != nil {
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
		return nil
	}
	segs := make([]string, len(p.Segments))
	for i, s := range p.Segments {
		segs[i] = s.Name.Name
	}
	return b.lookupPath(segs, p.Global, from)
}

// lookupPath finds a macro by path segments.
func (b *builder) lookupPath(segs []string, global bool, from string) *macroDef {
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
		if from != "" {
			return b.foreign(from, name)
		}
		return b.local(name)
	case "crate", "self", "super":
		return b.local(name)
	case "std", "core", "alloc":
		if k, ok := b.builtins[name]; ok {
			return &macroDef{kind: k, crate: "std"}
		}
		return nil
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
		return b.local(name)
	}
	// The extern name as written tells renamed dependencies apart (two
	// versions of one crate); the source also knows crates by name.
	if d := b.foreign(first, name); d != nil {
		return d
	}
	if k, ok := b.builtins[crate+"::"+name]; ok {
		return &macroDef{kind: k, crate: crate}
	}
	return nil
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
	m, err := expand.Compile(b.fset, mr)
	if err != nil {
		b.p.problem("macro", mr.Pos(), "macro_rules! "+mr.Name.Name+": "+err.Error())
		return tx
	}
	d := &macroDef{kind: Rules, m: m}
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
		}
	}
	return &textual{name: m.Name, def: d, prev: tx}
}
