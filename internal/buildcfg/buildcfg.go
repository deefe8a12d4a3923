// Package buildcfg finds the cfg options a crate's build script may set
// (cargo:rustc-cfg=...), by reading its source, so that code behind them is
// analysed rather than dropped.
//
// Warden never runs build scripts. Instead, Find reads the build script's
// files at the token level and reports every cfg that some execution may
// print: it follows the printing macros (println!, print!, write!,
// writeln!, format!) with their format arguments, the values of
// variables, constants, loops over literal lists, matches, helper
// functions and closures that receive the name as a parameter, functions
// that return lists of names, and the autocfg and cfg_aliases APIs that
// print cfgs themselves. Conditions are ignored: a cfg printed on any path
// may be set. Where a name or value is computed from something unknown
// (the environment, a command's output), the result says so (AnyName,
// AnyValue) rather than guessing, so the answer over-approximates.
//
// Not followed, and so reported as unknown where they decide a printed
// name: struct fields, values passed through &mut parameters, iterator
// adaptors other than filters, chain, flatten and map/filter_map with a
// closure (enumerate, zip, ...), macro_rules! metavariables, and code
// outside the files given. A helper that is never called prints nothing.
//
// Find depends only on internal/syntax and is bounded on hostile input:
// time and memory are linear in the size of the files (a step budget;
// should it run out, Find adds an option standing for every name),
// recursion is depth-limited, and it does not panic.
package buildcfg

import (
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/syntax"
)

// Cfg is one cfg option a build script may set.
type Cfg struct {
	// Name is the option's name ("openssl", "feature", "osslconf").
	// When AnyName is set it is the known beginning of the name,
	// possibly empty.
	Name string
	// Value is the value of a KEY="VALUE" option. When AnyValue is set it
	// is the known beginning of the value, possibly empty.
	Value string
	// HasValue marks the KEY="VALUE" form.
	HasValue bool
	// AnyValue marks a KEY="..." option whose value could not be
	// determined statically: any value starting with Value may be set.
	AnyValue bool
	// AnyName marks an option whose name is computed and unknown (as in
	// format!("cargo:rustc-cfg={}", x) with x unknown): any option whose
	// name starts with Name may be set, with any value, or, when HasValue
	// is set, with the value Value.
	AnyName bool
	// Pos is the string literal the option comes from: the literal that
	// names it when the name reaches the print through a variable, list,
	// helper call or autocfg call, else the literal containing
	// cargo:rustc-cfg=. For cfg_aliases! it is the alias's identifier.
	Pos syntax.Pos
}

// String formats c as Cargo would print it, with "*" for unknown parts.
func (c Cfg) String() string {
	s := c.Name
	if c.AnyName {
		s += "*"
	}
	if c.HasValue {
		s += `="` + c.Value
		if c.AnyValue {
			s += "*"
		}
		s += `"`
	}
	return s
}

// maxCfgs bounds Find's result. Past it, one AnyName option with an
// empty name stands for all the others (and anything else).
const maxCfgs = 10000

// Find returns the cfgs the build script whose files are given may set,
// deduplicated, in source order (by Pos). The files are the build
// script's root and the files its mod items and include!s load, in any
// order, all registered in fset; nil entries are ignored. Find lexes them
// itself, so it needs no parse tree, and reads positions from the files.
func Find(fset *syntax.FileSet, files []*syntax.File) []Cfg {
	_ = fset // kept so callers state which position space Pos refers to
	cfgs, _ := find(files)
	return cfgs
}

// find is Find, also returning the work done, for tests.
func find(files []*syntax.File) ([]Cfg, budget) {
	ix := newIndex(files)
	ev := newEval(ix)
	var c collector
	for fi, sf := range ix.files {
		ev.scanFile(int32(fi), sf, &c)
	}
	if ix.bud.exhausted && len(ix.files) > 0 {
		// Some code was not followed: anything may be set.
		c.add(Cfg{AnyName: true, Pos: ix.files[0].f.Base})
	}
	return c.result(), ix.bud
}

// collector gathers options, deduplicated and bounded.
type collector struct {
	out  []Cfg
	seen map[cfgKey]int // index in out
	full bool
}

type cfgKey struct {
	name, value               string
	hasValue, anyValue, anyNm bool
}

func (c *collector) add(cfg Cfg) {
	if c.seen == nil {
		c.seen = map[cfgKey]int{}
	}
	k := cfgKey{cfg.Name, cfg.Value, cfg.HasValue, cfg.AnyValue, cfg.AnyName}
	if i, ok := c.seen[k]; ok {
		if cfg.Pos < c.out[i].Pos {
			c.out[i].Pos = cfg.Pos
		}
		return
	}
	if len(c.out) >= maxCfgs {
		if !c.full {
			c.full = true
			c.out = append(c.out, Cfg{AnyName: true, Pos: cfg.Pos})
		}
		return
	}
	c.seen[k] = len(c.out)
	c.out = append(c.out, cfg)
}

func (c *collector) result() []Cfg {
	sort.SliceStable(c.out, func(a, b int) bool { return c.out[a].Pos < c.out[b].Pos })
	return c.out
}

// Macros whose output goes to stdout or into a string that may be
// printed: a cargo:rustc-cfg= in their format string is a print.
var formatMacros = map[string]int{ // name -> index of the format string
	"print": 0, "println": 0, "format": 0, "format_args": 0, "write": 1, "writeln": 1,
}

// Macros whose output never reaches Cargo (stderr, panics, logs): a
// cargo:rustc-cfg= in them is a message, not an instruction.
var quietMacros = map[string]bool{
	"eprint": true, "eprintln": true, "panic": true, "assert": true, "assert_eq": true,
	"assert_ne": true, "debug_assert": true, "debug_assert_eq": true, "debug_assert_ne": true,
	"unreachable": true, "todo": true, "unimplemented": true, "compile_error": true,
	"error": true, "warn": true, "info": true, "debug": true, "trace": true, "log": true,
}

// autocfg methods that print has_<mangled argument 0>.
var autocfgHas = map[string]bool{
	"emit_has_type": true, "emit_has_path": true, "emit_has_trait": true, "emit_sysroot_crate": true,
}

// autocfg methods that print their argument 1 when a probe succeeds.
var autocfgNamed = map[string]bool{
	"emit_type_cfg": true, "emit_path_cfg": true, "emit_trait_cfg": true,
	"emit_expression_cfg": true, "emit_constant_cfg": true,
}

const cfgPrefix = "cargo:rustc-cfg="

// scanFile finds the print sites of one file and records their options.
func (ev *eval) scanFile(fi int32, sf *srcFile, c *collector) {
	done := map[int32]bool{} // macro groups already evaluated
	for i := int32(0); i < int32(len(sf.toks)); i++ {
		t := sf.toks[i]
		switch t.Kind {
		case syntax.Str, syntax.RawStr:
			if !strings.Contains(sf.text(i), "rustc-cfg") {
				continue
			}
			s, ok := syntax.StringValue(sf.text(i))
			if !ok || !strings.Contains(s, "rustc-cfg=") {
				continue
			}
			vs := vals{{s: s, pos: t.Pos}}
			if g := sf.parent[i]; g >= 2 && sf.kind(g-1) == syntax.Not && sf.kind(g-2) == syntax.Identifier {
				m := sf.text(g - 2)
				if quietMacros[m] {
					continue
				}
				if idx, ok := formatMacros[m]; ok {
					if done[g] {
						continue
					}
					done[g] = true
					vs = ev.format(fi, g, idx)
				} else if m == "concat" {
					vs = ev.macroScalar(fi, m, g)
				}
			} else if x, ok := concatenation(sf, fi, i); ok {
				vs = ev.scalar(x)
			}
			for _, v := range vs {
				extract(v, t.Pos, c)
			}
		case syntax.Identifier:
			if sf.kind(i+1) == syntax.LParen {
				ev.autocfgCall(fi, sf, i, c)
			} else if sf.kind(i+1) == syntax.Not && sf.text(i) == "cfg_aliases" && sf.kind(i+2).IsOpen() {
				cfgAliases(sf, i+2, c)
			}
		}
	}
}

// concatenation returns the string concatenation a + b + ... whose
// first operand is the literal at i (possibly wrapped as
// String::from("...") or "...".to_string()).
func concatenation(sf *srcFile, fi, i int32) (expr, bool) {
	start, j := i, i+1
	if sf.kind(i-1) == syntax.LParen && sf.kind(j) == syntax.RParen && sf.kind(i-2) == syntax.Identifier {
		start, j = i-2, j+1
		for sf.kind(start-1) == syntax.PathSep && sf.kind(start-2) == syntax.Identifier {
			start -= 2
		}
	}
	for sf.kind(j) == syntax.Dot && sf.kind(j+1) == syntax.Identifier && sf.kind(j+2) == syntax.LParen {
		j = sf.end(j + 2)
	}
	if sf.kind(j) != syntax.Plus {
		return expr{}, false
	}
	end := j
	for limit := sf.groupEnd(start); end < limit; end = sf.end(end) {
		if k := sf.kind(end); k == syntax.Semi || k == syntax.Comma {
			break
		}
	}
	return expr{fi, start, end}, true
}

// autocfgCall records the options printed by a call to autocfg at token
// i (the function or method name, followed by its arguments).
func (ev *eval) autocfgCall(fi int32, sf *srcFile, i int32, c *collector) {
	name := sf.text(i)
	prev := sf.kind(i - 1)
	var lines vals
	switch {
	case name == "emit":
		viaPath := prev == syntax.PathSep && sf.isIdent(i-2, "autocfg")
		imported := prev != syntax.PathSep && prev != syntax.Dot && prev != syntax.KwFn &&
			ev.ix.emitImported[fi] && len(ev.ix.fnsByName["emit"]) == 0
		if !viaPath && !imported {
			return
		}
		if args := ev.args(fi, i+1); len(args) == 1 {
			lines = ev.scalar(args[0])
		}
	case prev != syntax.Dot:
		return
	case name == "emit_rustc_cfg":
		if args := ev.args(fi, i+1); len(args) == 1 {
			lines = ev.scalar(args[0])
		}
	case autocfgHas[name]:
		if args := ev.args(fi, i+1); len(args) == 1 {
			lines = product(vals{{s: "has_"}}, mapVals(ev.scalar(args[0]), mangle))
		}
	case autocfgNamed[name]:
		if args := ev.args(fi, i+1); len(args) == 2 {
			lines = ev.scalar(args[1])
		}
	case name == "emit_rustc_version":
		if args := ev.args(fi, i+1); len(args) == 2 {
			lines = product(product(product(vals{{s: "rustc_"}}, ev.scalar(args[0])), vals{{s: "_"}}), ev.scalar(args[1]))
		}
	default:
		return
	}
	for _, v := range lines {
		v.s = join(cfgPrefix, v.s)
		extract(v, sf.toks[i].Pos, c)
	}
}

// mangle turns a type, path or crate name into the suffix of autocfg's
// has_ options: every character other than an ASCII letter or digit
// becomes '_'. Holes stay holes.
func mangle(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0, 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// cfgAliases records the aliases of cfg_aliases! { name: { predicate }, ... }.
func cfgAliases(sf *srcFile, open int32, c *collector) {
	e := sf.end(open)
	for _, p := range splitTop(sf, open+1, e-1, syntax.Comma) {
		if sf.kind(p.lo) == syntax.Identifier && sf.kind(p.lo+1) == syntax.Colon {
			c.add(Cfg{Name: sf.text(p.lo), Pos: sf.toks[p.lo].Pos})
		}
	}
}

// extract records the options of every cargo:rustc-cfg= line in the
// printed text v. site is used when v carries no position.
func extract(v val, site syntax.Pos, c *collector) {
	pos := v.pos
	if pos == syntax.NoPos {
		pos = site
	}
	s := v.s
	for off := 0; ; {
		i := strings.Index(s[off:], "rustc-cfg=")
		if i < 0 {
			return
		}
		i += off
		off = i + len("rustc-cfg=")
		before := s[:i]
		switch {
		case strings.HasSuffix(before, "cargo::"):
			before = before[:len(before)-len("cargo::")]
		case strings.HasSuffix(before, "cargo:"):
			before = before[:len(before)-len("cargo:")]
		default:
			continue
		}
		// Cargo reads instructions at the start of a line.
		before = strings.TrimRight(before, " \t")
		if before != "" && !strings.HasSuffix(before, "\n") && !strings.HasSuffix(before, hole) {
			continue
		}
		line := s[off:]
		if nl := strings.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		if cfg, ok := parseCfg(line); ok {
			cfg.Pos = pos
			c.add(cfg)
		}
	}
}

// parseCfg parses the text after cargo:rustc-cfg=: NAME or
// NAME="VALUE", with holes for unknown parts.
func parseCfg(line string) (Cfg, bool) {
	line = strings.TrimSpace(line)
	var cfg Cfg
	name := line
	if eq := strings.IndexByte(line, '='); eq >= 0 {
		name = strings.TrimSpace(line[:eq])
		value := strings.TrimSpace(line[eq+1:])
		cfg.HasValue = true
		if strings.HasPrefix(value, `"`) {
			value = value[1:]
			if q := strings.LastIndexByte(value, '"'); q >= 0 && !strings.Contains(value[q:], hole) {
				value = value[:q]
			}
		}
		if h := strings.Index(value, hole); h >= 0 {
			cfg.AnyValue = true
			value = value[:h]
		}
		cfg.Value = value
	}
	if h := strings.Index(name, hole); h >= 0 {
		cfg.AnyName = true
		name = name[:h]
		if name != "" && !isIdent(name) {
			return Cfg{}, false
		}
	} else if !isIdent(name) {
		return Cfg{}, false
	}
	cfg.Name = name
	return cfg, true
}
