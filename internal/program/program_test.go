package program

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
	"github.com/wardenrs/warden/internal/testfs"
)

// The tests build small crates in temporary directories and check what
// lowering makes of them through what analyses see: the functions, the
// calls their bodies make once every macro is expanded (each resolved
// with the cursor's scope), the blind spots and the conditions.

const manifestHead = "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"

// deps is a [dependencies] section naming the crates the tests' macros
// come from.
const deps = "[dependencies]\ncfg-if = \"1\"\ndep = \"1\"\nserde = \"1\"\ntokio = \"1\"\n"

// crate writes files into a temporary directory, with a default
// manifest unless one is given, and returns the directory.
func crate(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["Cargo.toml"]; !ok {
		files["Cargo.toml"] = manifestHead + deps
	}
	return testfs.Write(t, dir, files)
}

// config tunes how a test crate is loaded and lowered.
type config struct {
	load   load.Options
	kind   manifest.TargetKind // target to lower; "" is the first one
	macros MacroSource
}

// lowerDir loads the crate in dir and lowers one target.
func lowerDir(t *testing.T, dir string, c config) *Program {
	t.Helper()
	lc, err := load.Load(context.Background(), dir, c.load)
	if err != nil {
		t.Fatal(err)
	}
	tg := lc.Targets[0]
	if c.kind != "" {
		tg = nil
		for _, x := range lc.Targets {
			if x.Kind == c.kind {
				tg = x
				break
			}
		}
		if tg == nil {
			t.Fatalf("no %s target", c.kind)
		}
	}
	name := lc.Name
	if tg.Kind != manifest.KindLib {
		name = strings.ReplaceAll(tg.Name, "-", "_")
	}
	p, err := Build(context.Background(), lc, tg, Options{CrateName: name, Macros: c.macros})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lowerSrc lowers a library whose whole source is src/lib.rs.
func lowerSrc(t *testing.T, src string) *Program {
	t.Helper()
	return lowerDir(t, crate(t, map[string]string{"src/lib.rs": src}), config{})
}

// lowerFiles lowers the library of a crate made of files.
func lowerFiles(t *testing.T, files map[string]string) *Program {
	t.Helper()
	return lowerDir(t, crate(t, files), config{})
}

// funcs returns the functions of p with path, in order.
func funcs(p *Program, path string) []*Func {
	var out []*Func
	for _, f := range p.Funcs {
		if f.Path == path {
			out = append(out, f)
		}
	}
	return out
}

// fn returns the one function of p with path.
func fn(t *testing.T, p *Program, path string) *Func {
	t.Helper()
	fs := funcs(p, path)
	if len(fs) != 1 {
		t.Fatalf("%d functions %s, want 1; have %s", len(fs), path, funcPaths(p))
	}
	return fs[0]
}

func funcPaths(p *Program) string {
	var out []string
	for _, f := range p.Funcs {
		out = append(out, f.Path)
	}
	return strings.Join(out, " ")
}

// calls lists, in walk order, the callees of the path calls in the body
// of f, each resolved in the cursor's scope; an unresolved name is
// written ?name.
func calls(p *Program, f *Func) []string {
	var out []string
	p.Walk(f, func(n syntax.Node, c *Cursor) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		pe, ok := call.Fun.(*syntax.PathExpr)
		if !ok {
			return true
		}
		res := p.R.ResolvePath(c.Scope(), pe.Path, resolve.ValueNS)
		if res.Path == "" {
			out = append(out, "?"+pe.Path.String())
		} else {
			out = append(out, res.Path)
		}
		return true
	})
	return out
}

// callsOf is calls of the one function with path.
func callsOf(t *testing.T, p *Program, path string) string {
	t.Helper()
	return strings.Join(calls(p, fn(t, p, path)), " ")
}

// blindKinds lists the kinds of p's blind spots, sorted.
func blindKinds(p *Program) string {
	var out []string
	for _, b := range p.BlindSpots {
		out = append(out, b.Kind)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// condOf writes a condition ("" when certain).
func condOf(c interface{ String() string }) string {
	if c == nil {
		return ""
	}
	return c.String()
}

// fakeMacros is a MacroSource over the source text of dependencies'
// libraries, keyed by extern crate name.
type fakeMacros struct {
	libs  map[string]string
	files map[string]*syntax.File
}

func (m *fakeMacros) Macro(fset *syntax.FileSet, crate, name string) (*expand.Macro, string) {
	src, ok := m.libs[crate]
	if !ok {
		return nil, ""
	}
	if m.files == nil {
		m.files = map[string]*syntax.File{}
	}
	f := m.files[crate]
	if f == nil {
		var err error
		if f, err = fset.TryAddFile("/deps/"+crate+"/src/lib.rs", src); err != nil {
			return nil, ""
		}
		m.files[crate] = f
	}
	sf, _ := syntax.ParseFile(f)
	for _, it := range sf.Items {
		mr, ok := it.(*syntax.MacroRulesItem)
		if !ok || mr.Name.Name != name || !hasAttr(mr.Attrs, "macro_export") {
			continue
		}
		mac, err := expand.Compile(fset, mr)
		if err != nil {
			return nil, ""
		}
		for _, a := range mr.Attrs {
			if a.Name() == "macro_export" && strings.Contains(attrArgs(fset, a), "local_inner_macros") {
				mac.LocalInner = true
			}
		}
		return mac, crate
	}
	return nil, ""
}

// TestTextualScope checks rustc's textual scoping of macro_rules!: a
// definition is visible from where it is written to the end of the
// enclosing module (into child modules declared after it, and out of a
// #[macro_use] module) or block.
func TestTextualScope(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		fn    string
		want  string // calls of fn
		blind string // blind spot kinds
	}{
		{"used before its definition is not the later one", map[string]string{"src/lib.rs": `
pub fn f() { m!(); }
macro_rules! m { () => { later() } }
pub fn later() {}
`}, "c::f", "", "macro-not-found"},
		{"a later definition shadows from where it is written", map[string]string{"src/lib.rs": `
macro_rules! m { () => { one() } }
pub fn f() { m!(); }
macro_rules! m { () => { two() } }
pub fn g() { m!(); }
pub fn one() {}
pub fn two() {}
`}, "c::f", "c::one", ""},
		{"the shadowing definition applies after it", map[string]string{"src/lib.rs": `
macro_rules! m { () => { one() } }
macro_rules! m { () => { two() } }
pub fn g() { m!(); }
pub fn one() {}
pub fn two() {}
`}, "c::g", "c::two", ""},
		{"inline child module declared after the definition", map[string]string{"src/lib.rs": `
macro_rules! m { () => { crate::leaf() } }
pub mod child { pub fn f() { m!(); } }
pub fn leaf() {}
`}, "c::child::f", "c::leaf", ""},
		{"file module declared after the definition", map[string]string{
			"src/lib.rs":   "macro_rules! m { () => { crate::leaf() } }\npub mod child;\npub fn leaf() {}\n",
			"src/child.rs": "pub fn f() { m!(); }\n",
		}, "c::child::f", "c::leaf", ""},
		{"child module declared before the definition", map[string]string{
			"src/lib.rs":   "pub mod child;\nmacro_rules! m { () => { crate::leaf() } }\npub fn leaf() {}\n",
			"src/child.rs": "pub fn f() { m!(); }\n",
		}, "c::child::f", "", "macro-not-found"},
		{"macro_use module exports to its parent after it", map[string]string{
			"src/lib.rs":    "#[macro_use]\nmod macros;\npub fn f() { m!(); }\npub fn leaf() {}\n",
			"src/macros.rs": "macro_rules! m { () => { crate::leaf() } }\n",
		}, "c::f", "c::leaf", ""},
		{"a module without macro_use keeps its macros", map[string]string{
			"src/lib.rs":    "mod macros;\npub fn f() { m!(); }\npub fn leaf() {}\n",
			"src/macros.rs": "macro_rules! m { () => { crate::leaf() } }\n",
		}, "c::f", "", "macro-not-found"},
		{"nested macro_use modules", map[string]string{
			"src/lib.rs":         "#[macro_use]\nmod outer;\npub fn f() { m!(); }\npub fn leaf() {}\n",
			"src/outer.rs":       "#[macro_use]\nmod inner;\n",
			"src/outer/inner.rs": "macro_rules! m { () => { crate::leaf() } }\n",
		}, "c::f", "c::leaf", ""},
		{"a macro_use module's macros reach its later siblings", map[string]string{
			"src/lib.rs":    "#[macro_use]\nmod macros;\npub mod user;\npub fn leaf() {}\n",
			"src/macros.rs": "macro_rules! m { () => { crate::leaf() } }\n",
			"src/user.rs":   "pub fn f() { m!(); }\n",
		}, "c::user::f", "c::leaf", ""},
		{"a macro in a fn body is visible to the end of its block", map[string]string{"src/lib.rs": `
pub fn f() {
    {
        macro_rules! m { () => { inner() } }
        m!();
    }
    m!();
}
pub fn inner() {}
`}, "c::f", "c::inner", "macro-not-found"},
		{"a macro in a fn body shadows the module's in that block only", map[string]string{"src/lib.rs": `
macro_rules! m { () => { outer() } }
pub fn f() {
    m!();
    {
        macro_rules! m { () => { inner() } }
        m!();
    }
    m!();
}
pub fn inner() {}
pub fn outer() {}
`}, "c::f", "c::outer c::inner c::outer", ""},
		{"a macro in a fn body reaches a nested fn declared after it", map[string]string{"src/lib.rs": `
pub fn f() {
    macro_rules! m { () => { crate::leaf() } }
    fn nested() { m!(); }
    nested();
}
pub fn leaf() {}
`}, "c::f::nested", "c::leaf", ""},
		{"macros in impl bodies use the textual scope of the impl", map[string]string{"src/lib.rs": `
pub struct S;
macro_rules! m { () => { crate::one() } }
impl S { pub fn f() { m!(); } }
macro_rules! m { () => { crate::two() } }
pub fn one() {}
pub fn two() {}
`}, "c::S::f", "c::one", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerFiles(t, tt.files)
			if got := callsOf(t, p, tt.fn); got != tt.want {
				t.Errorf("calls of %s = %q, want %q", tt.fn, got, tt.want)
			}
			if got := blindKinds(p); got != tt.blind {
				t.Errorf("blind spots = %q, want %q", got, tt.blind)
			}
		})
	}
}

// TestPathScope checks macros reached by path: #[macro_export] macros
// are items of the crate root wherever they are defined, so crate::m!
// and $crate::m! find them even before the definition.
func TestPathScope(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		fn    string
		want  string
		blind string
	}{
		{"crate:: path to an exported macro defined later in another module", map[string]string{"src/lib.rs": `
pub mod a { pub fn f() { crate::m!(); } }
pub mod b {
    #[macro_export]
    macro_rules! m { () => { $crate::leaf() } }
}
pub fn leaf() {}
`}, "c::a::f", "c::leaf", ""},
		{"$crate:: path from a macro to an exported macro defined later", map[string]string{"src/lib.rs": `
macro_rules! outer { () => { $crate::helper!() } }
pub fn f() { outer!(); }
#[macro_export]
macro_rules! helper { () => { $crate::leaf() } }
pub fn leaf() {}
`}, "c::f", "c::leaf", ""},
		{"bare name at the crate root before an exported definition", map[string]string{"src/lib.rs": `
pub fn f() { m!(); }
#[macro_export]
macro_rules! m { () => { $crate::leaf() } }
pub fn leaf() {}
`}, "c::f", "c::leaf", ""},
		{"crate:: path in item position before the exported definition", map[string]string{"src/lib.rs": `
crate::make!();
#[macro_export]
macro_rules! make { () => { pub fn made() { $crate::leaf() } } }
pub fn leaf() {}
`}, "c::made", "c::leaf", ""},
		{"use of an exported macro under another name", map[string]string{"src/lib.rs": `
#[macro_export]
macro_rules! m { () => { $crate::leaf() } }
pub mod a {
    use crate::m as renamed;
    pub fn f() { renamed!(); }
}
pub fn leaf() {}
`}, "c::a::f", "c::leaf", ""},
		{"a macro-defining macro", map[string]string{"src/lib.rs": `
macro_rules! make { ($n:ident) => { macro_rules! $n { () => { crate::made() } } } }
make!(generated);
pub fn f() { generated!(); }
pub fn made() {}
`}, "c::f", "c::made", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerFiles(t, tt.files)
			if got := callsOf(t, p, tt.fn); got != tt.want {
				t.Errorf("calls of %s = %q, want %q", tt.fn, got, tt.want)
			}
			if got := blindKinds(p); got != tt.blind {
				t.Errorf("blind spots = %q, want %q", got, tt.blind)
			}
		})
	}
}

// TestDependencyMacros checks macros found through a MacroSource: $crate
// in their expansion names the dependency, local_inner_macros makes
// their bare macro names the dependency's, and #[macro_use] extern crate
// imports them by name.
func TestDependencyMacros(t *testing.T) {
	const dep = `
#[macro_export]
macro_rules! call { () => { $crate::imp::run() } }
#[macro_export(local_inner_macros)]
macro_rules! outer { () => { helper!() } }
#[macro_export]
macro_rules! plain_outer { () => { helper!() } }
#[macro_export]
macro_rules! helper { () => { $crate::imp::helped() } }
`
	tests := []struct {
		name, src, want, blind string
	}{
		{"dep::m! expands with $crate naming the dependency", "pub fn f() { dep::call!(); }", "dep::imp::run", ""},
		{"use dep::m", "use dep::call;\npub fn f() { call!(); }", "dep::imp::run", ""},
		{"macro_use extern crate", "#[macro_use]\nextern crate dep;\npub fn f() { call!(); }", "dep::imp::run", ""},
		{"local_inner_macros: bare names are the dependency's", `
macro_rules! helper { () => { crate::mine() } }
pub fn f() { dep::outer!(); }
pub fn mine() {}
`, "dep::imp::helped", ""},
		{"without local_inner_macros, bare names are the caller's", `
macro_rules! helper { () => { crate::mine() } }
pub fn f() { dep::plain_outer!(); }
pub fn mine() {}
`, "c::mine", ""},
		{"a macro the dependency does not export", "pub fn f() { dep::missing!(a()); }\npub fn a() {}", "c::a", "proc-macro"},
		{"a glob import of the dependency", "use dep::*;\npub fn f() { call!(); }", "dep::imp::run", ""},
		{"a glob of a local module", "mod m { #[macro_export] macro_rules! mine { () => { crate::a() } } }\nmod n { use crate::*; pub fn f() { mine!(); } }\npub fn a() {}", "c::a", ""},
		{"use core::ptr; ptr::addr_of!", "use core::ptr;\npub fn f() { let x = 1; let _p = ptr::addr_of!(x); a(); }\npub fn a() {}", "c::a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := crate(t, map[string]string{"src/lib.rs": tt.src})
			p := lowerDir(t, dir, config{macros: &fakeMacros{libs: map[string]string{"dep": dep}}})
			f := "c::f"
			if strings.Contains(tt.src, "mod n") {
				f = "c::n::f"
			}
			if got := callsOf(t, p, f); got != tt.want {
				t.Errorf("calls = %q, want %q", got, tt.want)
			}
			if got := blindKinds(p); got != tt.blind {
				t.Errorf("blind spots = %q, want %q", got, tt.blind)
			}
		})
	}
}

// TestLimits checks the recursion limit (rustc's default, or the
// crate's #![recursion_limit]) and the token budget: past them, the rest
// is a blind spot, not a hang.
func TestLimits(t *testing.T) {
	// count! recurses once per token of its input.
	const count = "macro_rules! count { () => { crate::leaf() }; ($x:tt $($r:tt)*) => { count!($($r)*) } }\npub fn leaf() {}\n"
	tokens := func(n int) string { return strings.Repeat("x ", n) }
	const deep, budget = "nesting deeper than", "budget exceeded"
	tests := []struct {
		name, src string
		want      string // calls, repeats removed
		msg       string // in the expansion-budget blind spots, if any
	}{
		{"under the default limit", count + "pub fn f() { count!(" + tokens(100) + "); }", "c::leaf", ""},
		{"over the default limit", count + "pub fn f() { count!(" + tokens(200) + "); }", "", deep + " 128"},
		{"under a raised recursion_limit", "#![recursion_limit = \"300\"]\n" + count + "pub fn f() { count!(" + tokens(200) + "); }", "c::leaf", ""},
		{"over a lowered recursion_limit", "#![recursion_limit = \"16\"]\n" + count + "pub fn f() { count!(" + tokens(20) + "); }", "", deep + " 16"},
		{"a recursion_limit above the maximum is capped", "#![recursion_limit = \"100000\"]\n" + count + "pub fn f() { count!(" + tokens(MaxRecursionLimit+10) + "); }", "", deep + " 1024"},
		{"item position recursion", "macro_rules! items { () => { pub fn leaf() {} }; ($x:tt $($r:tt)*) => { items!($($r)*); } }\nitems!(" + tokens(200) + ");\npub fn f() {}", "", deep},
		// 4 tokens times 16^6 are over the budget: expansion stops early.
		{"one expansion over the token budget", bomb(6) + "pub fn f() { m0!(a b c d); }", "", budget},
		// Each m0!(a b c d) produces some 350,000 tokens, within the
		// budget; the budget is for the whole target, so the first ones
		// are expanded and the rest are not.
		{"expansions over the token budget together", bomb(4) + "pub fn f() {" + strings.Repeat(" m0!(a b c d);", 16) + " }", "c::leaf", budget},
		{"under the token budget", bomb(3) + "pub fn f() { m0!(a b c d); }", "c::leaf", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerSrc(t, tt.src)
			if got := strings.Join(slices.Compact(calls(p, fn(t, p, "c::f"))), " "); got != tt.want {
				t.Errorf("calls = %q, want %q", got, tt.want)
			}
			if tt.msg == "" && len(p.BlindSpots) > 0 {
				t.Errorf("blind spots %v, want none", p.BlindSpots)
			}
			if tt.msg != "" && len(p.BlindSpots) == 0 {
				t.Errorf("no blind spot, want expansion-budget with %q", tt.msg)
			}
			for _, b := range p.BlindSpots {
				if tt.msg != "" && (b.Kind != "expansion-budget" || !strings.Contains(b.Msg, tt.msg)) {
					t.Errorf("blind spot %v, want expansion-budget with %q", b, tt.msg)
				}
			}
		})
	}
}

// bomb returns macros m0..m(n-1), each passing its input on to the next
// sixteen times over, and m(n) expanding to a call: the tokens grow
// sixteenfold per level.
func bomb(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("macro_rules! m" + strconv.Itoa(i) + " { ($($x:tt)*) => { m" + strconv.Itoa(i+1) + "!(" + strings.Repeat("$($x)* ", 16) + ") } }\n")
	}
	b.WriteString("macro_rules! m" + strconv.Itoa(n) + " { ($($x:tt)*) => { crate::leaf() } }\npub fn leaf() {}\n")
	return b.String()
}

// TestPositions checks expansion in each position: items and
// statements together in statement position (a helper fn and its call),
// an expression, a pattern, a type, and items in impl blocks.
func TestPositions(t *testing.T) {
	t.Run("statement position: an item and a statement that calls it", func(t *testing.T) {
		p := lowerSrc(t, `
macro_rules! both { () => { fn helper() { crate::leaf() } helper(); } }
pub fn f() { both!(); }
pub fn leaf() {}
`)
		if got := callsOf(t, p, "c::f"); got != "c::f::helper" {
			t.Errorf("calls of f = %q, want c::f::helper", got)
		}
		h := fn(t, p, "c::f::helper")
		if got := strings.Join(calls(p, h), " "); got != "c::leaf" {
			t.Errorf("calls of the helper = %q, want c::leaf", got)
		}
		if h.Exp == nil || h.Exp.Name != "both" || h.Public {
			t.Errorf("helper: Exp %v, Public %v; want the expansion of both!, not public", h.Exp, h.Public)
		}
	})
	t.Run("statement position inside an expression-position block", func(t *testing.T) {
		p := lowerSrc(t, `
macro_rules! both { () => { fn helper() -> u8 { 1 } helper() } }
pub fn f() -> u8 { let x = { both!() }; x }
`)
		if got := callsOf(t, p, "c::f"); got != "c::f::helper" {
			t.Errorf("calls of f = %q, want c::f::helper", got)
		}
	})
	t.Run("an item and a value in expression position", func(t *testing.T) {
		p := lowerSrc(t, `
macro_rules! both { () => { fn helper() -> u8 { 1 } helper() } }
pub fn f() -> u8 { let x = both!(); x }
`)
		if got := callsOf(t, p, "c::f"); got != "c::f::helper" {
			t.Errorf("calls of f = %q, want c::f::helper", got)
		}
	})
	t.Run("expression position", func(t *testing.T) {
		p := lowerSrc(t, `
macro_rules! wrap { ($e:expr) => { crate::leaf($e) } }
pub fn f() { let _x = wrap!(crate::arg()); }
pub fn leaf(_: u8) {}
pub fn arg() -> u8 { 0 }
`)
		if got := callsOf(t, p, "c::f"); got != "c::leaf c::arg" {
			t.Errorf("calls = %q, want c::leaf c::arg", got)
		}
	})
	t.Run("pattern position", func(t *testing.T) {
		p := lowerSrc(t, `
pub enum E { A(u8), B }
macro_rules! pat { () => { E::A(_) } }
pub fn f(e: E) -> bool { match e { pat!() => true, E::B => false } }
`)
		var got []string
		p.Walk(fn(t, p, "c::f"), func(n syntax.Node, c *Cursor) bool {
			if ts, ok := n.(*syntax.TupleStructPat); ok {
				got = append(got, c.Via()+":"+p.R.ResolvePath(c.Scope(), ts.Path, resolve.ValueNS).Path)
			}
			return true
		})
		if s := strings.Join(got, " "); s != "pat:c::E::A" {
			t.Errorf("tuple struct patterns = %q, want pat:c::E::A", s)
		}
	})
	t.Run("type position", func(t *testing.T) {
		p := lowerSrc(t, `
pub struct S;
macro_rules! ty { () => { S } }
pub fn f() { let _x: ty!() = S; }
`)
		var got []string
		p.Walk(fn(t, p, "c::f"), func(n syntax.Node, c *Cursor) bool {
			if pt, ok := n.(*syntax.PathType); ok {
				got = append(got, c.Via()+":"+p.R.TypePath(c.Scope(), pt))
			}
			return true
		})
		if s := strings.Join(got, " "); s != "ty:c::S" {
			t.Errorf("path types = %q, want ty:c::S", s)
		}
	})
	t.Run("items in an impl block", func(t *testing.T) {
		p := lowerSrc(t, `
pub struct S;
macro_rules! methods { () => { pub fn made(&self) { crate::leaf() } } }
impl S { methods!(); }
pub fn leaf() {}
pub fn f(s: &S) { S::made(s) }
`)
		m := fn(t, p, "c::S::made")
		if got := strings.Join(calls(p, m), " "); got != "c::leaf" || m.Exp == nil || !m.Public {
			t.Errorf("S::made: calls %q, Exp %v, Public %v; want c::leaf from methods!, public", got, m.Exp, m.Public)
		}
		if got := callsOf(t, p, "c::f"); got != "c::S::made" {
			t.Errorf("calls of f = %q, want c::S::made", got)
		}
	})
	t.Run("a file module declared by a macro", func(t *testing.T) {
		p := lowerFiles(t, map[string]string{
			"src/lib.rs": "macro_rules! decl { () => { pub mod net; } }\ndecl!();\npub fn leaf() {}\n",
			"src/net.rs": "pub fn connect() { crate::leaf(); }\n",
		})
		f := fn(t, p, "c::net::connect")
		if got := strings.Join(calls(p, f), " "); got != "c::leaf" || !f.Public {
			t.Errorf("net::connect: calls %q, public %v; want c::leaf, public", got, f.Public)
		}
	})
	t.Run("statements and a value in expression position", func(t *testing.T) {
		p := lowerSrc(t, `
macro_rules! seq { () => { crate::a(); crate::b() } }
pub fn f() -> u8 { let x = seq!(); x }
pub fn a() {}
pub fn b() -> u8 { 0 }
`)
		if got := callsOf(t, p, "c::f"); got != "c::a c::b" {
			t.Errorf("calls = %q, want c::a c::b", got)
		}
		if len(p.BlindSpots) > 0 {
			t.Errorf("blind spots %v, want none", p.BlindSpots)
		}
	})
	t.Run("items at module level", func(t *testing.T) {
		p := lowerSrc(t, `
macro_rules! items { ($n:ident) => { pub fn $n() { crate::leaf() } pub struct Made; } }
items!(made);
pub fn leaf() {}
`)
		if got := callsOf(t, p, "c::made"); got != "c::leaf" {
			t.Errorf("calls of made = %q, want c::leaf", got)
		}
		if r := p.R.ResolvePath(p.R.Root, &syntax.Path{Segments: []*syntax.PathSegment{{Name: syntax.Ident{Name: "Made"}}}}, resolve.TypeNS); r.Def == nil || r.Path != "c::Made" {
			t.Errorf("Made resolves to %q (def %v), want the local struct c::Made", r.Path, r.Def)
		}
	})
}

// TestBuiltins checks the standard library's macros: their arguments
// are read as the code they are.
func TestBuiltins(t *testing.T) {
	const fns = "\npub fn a() -> u8 { 0 }\npub fn b() -> u8 { 0 }\npub fn g() -> bool { true }\n"
	tests := []struct {
		name, body, want string
	}{
		{"println!", `println!("{} {}", a(), b());`, "c::a c::b"},
		{"format arguments name = expr", `let _s = format!("{x} {y}", x = a(), y = b());`, "c::a c::b"},
		{"vec![a, b]", `let _v = vec![a(), b()];`, "c::a c::b"},
		{"vec![x; n]", `let _v = vec![a(); b() as usize];`, "c::a c::b"},
		{"matches! with a guard", `let _m = matches!(Some(a()), Some(x) if x > b() && g());`, "std::option::Option::Some c::a c::b c::g"},
		{"assert_eq!", `assert_eq!(a(), b(), "msg {}", g());`, "c::a c::b c::g"},
		{"write!", `use std::fmt::Write; let mut s = String::new(); let _ = write!(s, "{}", a());`, "std::string::String::new c::a"},
		{"nested builtins", `println!("{:?}", vec![a(), b()]);`, "c::a c::b"},
		{"std:: path to a builtin", `std::println!("{}", a());`, "c::a"},
		{"stringify! is not evaluated", `let _s = stringify!(a());`, ""},
		{"thread_local!", `thread_local! { static T: u8 = a(); }`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerSrc(t, "pub fn f() { "+tt.body+" }"+fns)
			if got := callsOf(t, p, "c::f"); got != tt.want {
				t.Errorf("calls = %q, want %q", got, tt.want)
			}
			if len(p.BlindSpots) > 0 {
				t.Errorf("blind spots %v, want none", p.BlindSpots)
			}
		})
	}
	t.Run("thread_local! initializer", func(t *testing.T) {
		p := lowerSrc(t, "thread_local! { static T: u8 = a(); }"+fns)
		if got := callsOf(t, p, "c::T"); got != "c::a" {
			t.Errorf("calls of the initializer = %q, want c::a", got)
		}
	})
}

// TestInclude checks include!: a file of the crate is read in item and
// expression position; a file outside the crate, or generated into
// OUT_DIR, is not, and says so.
func TestInclude(t *testing.T) {
	t.Run("item and expression position", func(t *testing.T) {
		p := lowerFiles(t, map[string]string{
			"src/lib.rs":   "include!(\"items.rs\");\npub fn f() -> u8 { include!(\"expr.rs\") }\npub fn leaf() -> u8 { 0 }\n",
			"src/items.rs": "pub fn included() { crate::leaf(); }\n",
			"src/expr.rs":  "crate::leaf() + 1\n",
		})
		if got := callsOf(t, p, "c::included"); got != "c::leaf" {
			t.Errorf("calls of the included fn = %q, want c::leaf", got)
		}
		if got := callsOf(t, p, "c::f"); got != "c::leaf" {
			t.Errorf("calls of f = %q, want c::leaf", got)
		}
		if !fn(t, p, "c::included").Public {
			t.Error("a pub fn included at the crate root is not public")
		}
		if len(p.BlindSpots)+len(p.Problems) > 0 {
			t.Errorf("blind spots %v, problems %v; want none", p.BlindSpots, p.Problems)
		}
	})
	t.Run("a file outside the crate", func(t *testing.T) {
		outside := filepath.Join(t.TempDir(), "outside.rs")
		if err := os.WriteFile(outside, []byte("pub fn escaped() {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		p := lowerSrc(t, "include!("+strconv.Quote(outside)+");\npub fn f() {}\n")
		if len(funcs(p, "c::escaped")) > 0 {
			t.Error("the file outside the crate was read")
		}
		if len(p.Problems) != 1 || p.Problems[0].Kind != "path-escape" || !p.Problems[0].Blind {
			t.Errorf("problems %v, want one blind path-escape", p.Problems)
		}
	})
	t.Run("a relative path that escapes the crate", func(t *testing.T) {
		dir := crate(t, map[string]string{"src/lib.rs": "include!(\"../../outside.rs\");\n"})
		if err := os.WriteFile(filepath.Join(dir, "..", "outside.rs"), []byte("pub fn escaped() {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		p := lowerDir(t, dir, config{})
		if len(funcs(p, "c::escaped")) > 0 || len(p.Problems) != 1 || p.Problems[0].Kind != "path-escape" {
			t.Errorf("funcs %s, problems %v; want no escaped fn and one path-escape", funcPaths(p), p.Problems)
		}
	})
	t.Run("code generated into OUT_DIR", func(t *testing.T) {
		p := lowerSrc(t, "include!(concat!(env!(\"OUT_DIR\"), \"/gen.rs\"));\npub fn f() -> u8 { include!(concat!(env!(\"OUT_DIR\"), \"/expr.rs\")) }\n")
		if got := blindKinds(p); got != "generated-code generated-code" {
			t.Errorf("blind spots = %q, want two generated-code", got)
		}
	})
	t.Run("a missing file", func(t *testing.T) {
		p := lowerSrc(t, "include!(\"missing.rs\");\n")
		if got := blindKinds(p); got != "include-unreadable" {
			t.Errorf("blind spots = %q, want include-unreadable", got)
		}
	})
}

// buildRS is a build script that may set cfg foo and cfg bar.
const buildRS = "fn main() { println!(\"cargo:rustc-cfg=foo\"); println!(\"cargo:rustc-cfg=bar\"); }\n"

// funcConds lists the functions of p with their conditions:
// path[cond], sorted.
func funcConds(p *Program) string {
	var out []string
	for _, f := range p.Funcs {
		s := f.Path
		if c := condOf(f.Cond); c != "" {
			s += "[" + c + "]"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestCfgIf checks cfg_if! and match_cfg! without their definitions:
// branches whose condition may hold are kept under their condition
// (the negation of the earlier ones included); a true branch ends the
// chain.
func TestCfgIf(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown, then known true, then dropped", `
cfg_if::cfg_if! {
    if #[cfg(foo)] { pub fn a() {} }
    else if #[cfg(unix)] { pub fn b() {} }
    else { pub fn c() {} }
}`, "c::a[foo] c::b[not(foo)]"},
		{"known false first", `
cfg_if::cfg_if! {
    if #[cfg(windows)] { pub fn a() {} }
    else if #[cfg(foo)] { pub fn b() {} }
    else { pub fn c() {} }
}`, "c::b[foo] c::c[not(foo)]"},
		{"a true first branch ends the chain", `
cfg_if::cfg_if! {
    if #[cfg(unix)] { pub fn a() {} }
    else if #[cfg(foo)] { pub fn b() {} }
    else { pub fn c() {} }
}`, "c::a"},
		{"two unknown branches", `
cfg_if::cfg_if! {
    if #[cfg(foo)] { pub fn a() {} }
    else if #[cfg(bar)] { pub fn b() {} }
    else { pub fn c() {} }
}`, "c::a[foo] c::b[all(not(foo), bar)] c::c[not(any(foo, bar))]"},
		{"use cfg_if::cfg_if", `
use cfg_if::cfg_if;
cfg_if! { if #[cfg(foo)] { pub fn a() {} } else { pub fn b() {} } }`, "c::a[foo] c::b[not(foo)]"},
		{"macro_use extern crate cfg_if", `
#[macro_use]
extern crate cfg_if;
cfg_if! { if #[cfg(foo)] { pub fn a() {} } else { pub fn b() {} } }`, "c::a[foo] c::b[not(foo)]"},
		{"an item's own cfg inside a branch", `
cfg_if::cfg_if! { if #[cfg(foo)] { #[cfg(bar)] pub fn a() {} } }`, "c::a[all(foo, bar)]"},
		{"an item in statement position", `
pub fn f() {
    cfg_if::cfg_if! { if #[cfg(foo)] { fn helper() {} #[cfg(bar)] fn both() {} } else { fn other() {} } }
}`, "c::f c::f::both[all(foo, bar)] c::f::helper[foo] c::f::other[not(foo)]"},
		{"nested in statement position", `
pub fn f() {
    cfg_if::cfg_if! { if #[cfg(foo)] { cfg_if::cfg_if! { if #[cfg(bar)] { fn helper() {} } } } }
    cfg_if::cfg_if! { if #[cfg(foo)] { thread_local! { static T: u8 = 0; } } }
}`, "c::f c::f::T[foo] c::f::helper[all(foo, bar)]"},
		{"statement position", `
pub fn f() {
    cfg_if::cfg_if! { if #[cfg(foo)] { crate::leaf(); } else { crate::other(); } }
}
pub fn leaf() {}
pub fn other() {}`, "c::f c::leaf c::other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerFiles(t, map[string]string{"src/lib.rs": tt.src, "build.rs": buildRS})
			if got := funcConds(p); got != tt.want {
				t.Errorf("functions = %q, want %q", got, tt.want)
			}
			if len(p.BlindSpots) > 0 {
				t.Errorf("blind spots %v, want none", p.BlindSpots)
			}
		})
	}
	t.Run("statement conditions", func(t *testing.T) {
		p := lowerFiles(t, map[string]string{"build.rs": buildRS, "src/lib.rs": `
pub fn f() {
    cfg_if::cfg_if! { if #[cfg(foo)] { crate::leaf(); } else { crate::other(); } }
}
pub fn leaf() {}
pub fn other() {}`})
		var got []string
		p.Walk(fn(t, p, "c::f"), func(n syntax.Node, c *Cursor) bool {
			if call, ok := n.(*syntax.CallExpr); ok {
				got = append(got, call.Fun.(*syntax.PathExpr).Path.String()+"["+condOf(c.Cond())+"]")
			}
			return true
		})
		if s := strings.Join(got, " "); s != "crate::leaf[foo] crate::other[not(foo)]" {
			t.Errorf("calls = %q, want each under its branch's condition", s)
		}
	})
}

// TestUnknownMacros checks macros defined nowhere Warden looked: a blind
// spot, with the arguments still read as code.
func TestUnknownMacros(t *testing.T) {
	tests := []struct {
		name, src, fn, want, blind string
	}{
		{"expression arguments", "pub fn f() { mystery!(crate::a(), crate::b()); }\npub fn a() {}\npub fn b() {}", "c::f", "c::a c::b", "macro-not-found"},
		{"statement arguments", "pub fn f() { mystery! { let x = crate::a(); crate::b(); } }\npub fn a() {}\npub fn b() {}", "c::f", "c::a c::b", "macro-not-found"},
		{"item arguments", "mystery! { pub fn made() { crate::a(); } }\npub fn a() {}", "c::made", "c::a", "macro-not-found"},
		{"a dependency's macro without a source", "pub fn f() { dep::mac!(crate::a()); }\npub fn a() {}", "c::f", "c::a", "macro-not-found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerSrc(t, tt.src)
			if got := callsOf(t, p, tt.fn); got != tt.want {
				t.Errorf("calls = %q, want %q", got, tt.want)
			}
			if got := blindKinds(p); got != tt.blind {
				t.Errorf("blind spots = %q, want %q", got, tt.blind)
			}
		})
	}
}

// TestAttributes checks which attributes are procedural macros (blind
// spots) and which are the compiler's or tools'.
func TestAttributes(t *testing.T) {
	tests := []struct {
		name, src, blind string
	}{
		{"std derives", "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]\npub struct S;", ""},
		{"std derives by path", "#[derive(std::fmt::Debug, core::clone::Clone)]\npub struct S;", ""},
		{"a proc-macro derive and its helper", "#[derive(Debug, serde::Serialize)]\n#[serde(rename_all = \"camelCase\")]\npub struct S { #[serde(default)] pub x: u8 }", "proc-macro-derive"},
		{"a derive named like a std one from another crate", "#[derive(other::Debug)]\npub struct S;", "proc-macro-derive"},
		{"a proc-macro attribute", "#[tokio::main]\npub async fn run() {}", "proc-macro-attribute"},
		{"a proc-macro attribute on an impl", "pub struct S;\n#[async_trait::async_trait]\nimpl S {}", "proc-macro-attribute"},
		{"a helper without a proc derive is an attribute", "#[serde(rename_all = \"camelCase\")]\npub struct S;", "proc-macro-attribute"},
		{"rustc internal attributes", "#[rustc_layout_scalar_valid_range_start(1)]\npub struct S(u8);", ""},
		{"tool attributes", "#[rustfmt::skip]\n#[clippy::cognitive_complexity = \"100\"]\npub fn f() {}", ""},
		{"compiler attributes", "#[inline]\n#[must_use]\n#[doc(hidden)]\n#[allow(dead_code)]\n#[track_caller]\npub fn f() -> u8 { 0 }", ""},
		{"attributes in a fn body", "pub fn f() { #[my_attr] fn inner() {} }", "proc-macro-attribute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerSrc(t, tt.src)
			if got := blindKinds(p); got != tt.blind {
				t.Errorf("blind spots = %q, want %q (%v)", got, tt.blind, p.BlindSpots)
			}
		})
	}
}

// TestConditions checks what cfg keeps: #[test] items only in test
// builds, unknown conditions (a build script's cfgs, every target under
// --target all) kept with their condition, cfg_attr(path) alternatives.
func TestConditions(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opt   load.Options
		want  string
	}{
		{"#[test] items without cfg(test)", map[string]string{"src/lib.rs": `
pub fn f() {}
#[test] fn t() {}
#[tokio::test] async fn tt() {}
#[cfg(test)] mod tests { #[test] fn t2() {} }
`}, load.Options{}, "c::f"},
		{"#[test] items with cfg(test)", map[string]string{"src/lib.rs": `
pub fn f() {}
#[test] fn t() {}
#[cfg(test)] mod tests { #[test] fn t2() {} }
`}, load.Options{Tests: true}, "c::f c::t c::tests::t2"},
		{"a build script's cfgs are unknown", map[string]string{"build.rs": buildRS, "src/lib.rs": `
#[cfg(foo)] pub fn a() {}
#[cfg(not(foo))] pub fn b() {}
#[cfg(all(foo, unix))] pub fn c() {}
#[cfg(any(foo, windows))] pub fn d() {}
#[cfg(baz)] pub fn dropped() {}
#[cfg(foo)] pub mod m { #[cfg(bar)] pub fn e() {} pub fn g() {} }
`}, load.Options{}, "c::a[foo] c::b[not(foo)] c::c[foo] c::d[foo] c::m::e[all(foo, bar)] c::m::g[foo]"},
		{"--target all keeps every target's items", map[string]string{"src/lib.rs": `
#[cfg(unix)] pub fn u() {}
#[cfg(windows)] pub fn w() {}
#[cfg(target_os = "linux")] pub fn l() {}
#[cfg(feature = "nope")] pub fn dropped() {}
pub fn always() {}
`}, load.Options{Target: "all"}, `c::always c::l[target_os = "linux"] c::u[unix] c::w[windows]`},
		{"cfg_attr(path) alternatives under --target all", map[string]string{
			"src/lib.rs":         "#[cfg_attr(unix, path = \"sys/unix.rs\")]\n#[cfg_attr(windows, path = \"sys/windows.rs\")]\npub mod sys;\n",
			"src/sys/unix.rs":    "pub fn open() {}\n",
			"src/sys/windows.rs": "pub fn open() {}\n",
		}, load.Options{Target: "all"}, "c::sys::open[unix] c::sys::open[windows]"},
		{"cfg_attr(path) alternatives and the default file", map[string]string{
			"src/lib.rs":         "#[cfg_attr(unix, path = \"sys/unix.rs\")]\n#[cfg_attr(windows, path = \"sys/windows.rs\")]\npub mod sys;\n",
			"src/sys.rs":         "pub fn open() {}\n",
			"src/sys/unix.rs":    "pub fn open() {}\n",
			"src/sys/windows.rs": "pub fn open() {}\n",
		}, load.Options{Target: "all"}, "c::sys::open[not(any(unix, windows))] c::sys::open[unix] c::sys::open[windows]"},
		{"cfg_attr(path) for one target", map[string]string{
			"src/lib.rs":         "#[cfg_attr(unix, path = \"sys/unix.rs\")]\n#[cfg_attr(windows, path = \"sys/windows.rs\")]\npub mod sys;\n",
			"src/sys/unix.rs":    "pub fn open() {}\n",
			"src/sys/windows.rs": "pub fn open() {}\n",
		}, load.Options{}, "c::sys::open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerDir(t, crate(t, tt.files), config{load: tt.opt, kind: manifest.KindLib})
			if got := funcConds(p); got != tt.want {
				t.Errorf("functions = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPublic checks funcsOf's one rule for what is public.
func TestPublic(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		kind  manifest.TargetKind
		want  string // public functions, sorted; entries marked (entry)
	}{
		{"pub fn in a private module", map[string]string{"src/lib.rs": `
mod private { pub fn f() {} }
pub mod public { pub fn g() {} pub(crate) fn h() {} fn i() {} }
pub fn root() {}
fn hidden() {}
`}, "", "c::public::g c::root"},
		{"pub use re-exports a fn of a private module", map[string]string{"src/lib.rs": `
mod private { pub fn f() {} pub fn not_reexported() {} }
pub use private::f;
`}, "", "c::private::f"},
		{"pub use in a private module re-exports nothing", map[string]string{"src/lib.rs": `
mod outer {
    mod inner { pub fn f() {} }
    pub use self::inner::f;
}
`}, "", ""},
		{"pub use of a private module under another name", map[string]string{"src/lib.rs": `
mod imp { pub fn f() {} fn g() {} }
pub use imp as api;
`}, "", "c::imp::f"},
		{"glob re-export", map[string]string{"src/lib.rs": `
mod imp { pub fn f() {} fn g() {} }
pub use imp::*;
`}, "", "c::imp::f"},
		{"methods of a private type", map[string]string{"src/lib.rs": `
struct Private;
impl Private { pub fn m(&self) {} }
impl Clone for Private { fn clone(&self) -> Self { Private } }
pub struct Public;
impl Public { pub fn m(&self) {} fn hidden(&self) {} }
`}, "", "c::Public::m"},
		{"trait impl methods of a public type", map[string]string{"src/lib.rs": `
pub struct S;
impl Clone for S { fn clone(&self) -> Self { S } }
impl std::fmt::Display for S { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { Ok(()) } }
`}, "", "c::S::clone c::S::fmt"},
		{"a re-exported type of a private module", map[string]string{"src/lib.rs": `
mod imp { pub struct S; impl S { pub fn new() -> S { S } } }
pub use imp::S;
`}, "", "c::imp::S::new"},
		{"an impl in a private module of a public type", map[string]string{"src/lib.rs": `
pub struct S;
mod imp { impl super::S { pub fn new() -> super::S { super::S } } }
`}, "", "c::S::new"},
		{"provided trait methods", map[string]string{"src/lib.rs": `
pub trait T { fn provided(&self) {} fn required(&self); }
trait Private { fn provided(&self) {} }
mod m { pub trait Hidden { fn provided(&self) {} } }
mod r { pub trait Reexported { fn provided(&self) {} } }
pub use r::Reexported;
`}, "", "c::T::provided c::r::Reexported::provided"},
		{"items in fn bodies are never public", map[string]string{"src/lib.rs": `
pub fn outer() {
    pub fn inner() {}
    pub struct S;
    impl S { pub fn m() {} }
}
`}, "", "c::outer"},
		{"statics and consts", map[string]string{"src/lib.rs": `
pub static S: u8 = 0;
pub const C: u8 = 0;
static P: u8 = 0;
`}, "", "c::C c::S"},
		{"a binary's main is its entry", map[string]string{"src/main.rs": `
pub fn main() {}
pub fn helper() {}
pub mod m { pub fn f() {} }
`}, manifest.KindBin, "c::main(entry)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerDir(t, crate(t, tt.files), config{kind: tt.kind})
			var got []string
			for _, f := range p.Funcs {
				switch {
				case f.Entry:
					got = append(got, f.Path+"(entry)")
				case f.Public:
					got = append(got, f.Path)
				}
			}
			sort.Strings(got)
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("public = %q, want %q", s, tt.want)
			}
		})
	}
}

// TestIncludeInMacro checks include! written in a macro defined in
// another file: as rustc does, the path is relative to the file of the
// invocation in the crate's source, not to the macro's definition.
func TestIncludeInMacro(t *testing.T) {
	p := lowerFiles(t, map[string]string{
		"src/lib.rs":        "#[macro_use]\nmod macros;\ninclude_items!();\npub fn leaf() {}\n",
		"src/macros/mod.rs": "macro_rules! include_items { () => { include!(\"gen.rs\"); } }\n",
		"src/gen.rs":        "pub fn generated() { crate::leaf(); }\n",
	})
	if got := callsOf(t, p, "c::generated"); got != "c::leaf" {
		t.Errorf("calls of the included fn = %q, want c::leaf", got)
	}
	if len(p.BlindSpots) > 0 {
		t.Errorf("blind spots %v, want none", p.BlindSpots)
	}
}

// TestBlockModules checks modules declared in a function body: their
// items are lowered and resolved as a module's (super:: is the
// function's module), their functions are never public, and the
// textual macro scope of the block reaches them.
func TestBlockModules(t *testing.T) {
	p := lowerSrc(t, `
macro_rules! m { () => { crate::leaf() } }
pub fn f() {
    mod inner {
        pub fn g() { super::leaf(); h(); }
        fn h() {}
        pub struct S;
        impl S { pub fn new() -> S { S } }
        pub mod deeper { pub fn d() { m!(); } }
    }
    use inner::S;
    inner::g();
    S::new();
    inner::deeper::d();
}
pub fn leaf() {}
`)
	var got []string
	for _, f := range p.Funcs {
		s := f.Path + "(" + strings.Join(calls(p, f), " ") + ")"
		if f.Public {
			s += "pub"
		}
		got = append(got, s)
	}
	want := "c::f(c::f::inner::g c::f::inner::S::new c::f::inner::deeper::d)pub c::leaf()pub " +
		"c::f::inner::g(c::leaf c::f::inner::h) c::f::inner::h() c::f::inner::S::new() c::f::inner::deeper::d(c::leaf)"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("functions:\n  %s\nwant\n  %s", s, want)
	}
	if len(p.BlindSpots) > 0 {
		t.Errorf("blind spots %v, want none", p.BlindSpots)
	}
}
