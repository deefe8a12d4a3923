package resolve_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
	"github.com/wardenrs/warden/internal/testfs"
)

// The resolver is driven by the program stage, so the tests lower small
// crates written to temporary directories and resolve the paths their
// functions call, each in the scope the walk gives it, as rustc would.

// manifest returns a Cargo.toml for crate c with the given edition and
// dependencies.
func manifest(edition string, deps ...string) string {
	s := "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"" + edition + "\"\n[dependencies]\n"
	for _, d := range deps {
		s += d + "\n"
	}
	return s
}

var defaultManifest = manifest("2021", `dep = "1"`, `nix = "0.27"`, `clap4 = { package = "clap", version = "4" }`)

// lower writes files into a temporary directory (with a 2021 manifest
// unless one is given) and lowers the library.
func lower(t *testing.T, files map[string]string, macros program.MacroSource) *program.Program {
	t.Helper()
	p, err := lowerWith(writeCrate(t, files), macros)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writeCrate writes files into a temporary directory, with a 2021
// manifest unless one is given.
func writeCrate(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["Cargo.toml"]; !ok {
		files["Cargo.toml"] = defaultManifest
	}
	return testfs.Write(t, dir, files)
}

// lowerDir loads the crate in dir and lowers its library.
func lowerDir(dir string) (*program.Program, error) { return lowerWith(dir, nil) }

func lowerWith(dir string, macros program.MacroSource) (*program.Program, error) {
	c, err := load.Load(context.Background(), dir, load.Options{})
	if err != nil {
		return nil, err
	}
	return program.Build(context.Background(), c, c.Targets[0], program.Options{CrateName: c.Name, Macros: macros})
}

func lowerSrc(t *testing.T, src string) *program.Program {
	t.Helper()
	return lower(t, map[string]string{"src/lib.rs": src}, nil)
}

func function(t *testing.T, p *program.Program, path string) *program.Func {
	t.Helper()
	for _, f := range p.Funcs {
		if f.Path == path {
			return f
		}
	}
	var have []string
	for _, f := range p.Funcs {
		have = append(have, f.Path)
	}
	t.Fatalf("no function %s; have %s", path, strings.Join(have, " "))
	return nil
}

// callees resolves the callee paths of the calls in f's body: a local
// definition is written as its path, an external path as ext:path, and
// nothing known as "?".
func callees(p *program.Program, f *program.Func) string {
	var out []string
	p.Walk(f, func(n syntax.Node, c *program.Cursor) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		pe, ok := call.Fun.(*syntax.PathExpr)
		if !ok {
			return true
		}
		out = append(out, show(p.R.ResolvePath(c.Scope(), pe.Path, resolve.ValueNS)))
		return true
	})
	return strings.Join(out, " ")
}

func show(r resolve.Resolution) string {
	switch {
	case r.Def != nil:
		return r.Path
	case r.Path != "":
		return "ext:" + r.Path
	}
	return "?"
}

type pathCase struct {
	name  string
	files map[string]string
	fn    string // the function whose calls are resolved
	want  string
}

func runPaths(t *testing.T, tests []pathCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lower(t, tt.files, nil)
			if got := callees(p, function(t, p, tt.fn)); got != tt.want {
				t.Errorf("calls of %s resolve to\n  %q\nwant\n  %q", tt.fn, got, tt.want)
			}
		})
	}
}

func lib(src string) map[string]string { return map[string]string{"src/lib.rs": src} }

// TestUseTrees checks use trees: nested groups, self, renames, globs,
// use super::*, underscore imports, imports of imports.
func TestUseTrees(t *testing.T) {
	const tree = `
pub mod a {
    pub mod b { pub fn f() {} pub fn g() {} pub struct S; impl S { pub fn new() -> S { S } } }
    pub fn h() {}
}
`
	runPaths(t, []pathCase{
		{"nested groups, self and renames", lib(tree + `
use a::{b::{self, f as ff}, h};
pub fn probe() { b::g(); ff(); h(); b::S::new(); }
`), "c::probe", "c::a::b::g c::a::b::f c::a::h c::a::b::S::new"},
		{"a renamed module", lib(tree + `
use a::b as renamed;
pub fn probe() { renamed::f(); }
`), "c::probe", "c::a::b::f"},
		{"glob", lib(tree + `
use a::b::*;
pub fn probe() { f(); g(); S::new(); }
`), "c::probe", "c::a::b::f c::a::b::g c::a::b::S::new"},
		{"an explicit import shadows a glob", lib(tree + `
use a::b::*;
use a::h as f;
pub fn probe() { f(); }
`), "c::probe", "c::a::h"},
		{"a fn and a module of one name, imported together", lib(`
pub mod a { pub mod x { pub fn f() {} } pub fn x() {} }
use a::x;
pub fn probe() { x(); x::f(); }
`), "c::probe", "c::a::x c::a::x::f"},
		{"a use expanded from a macro", lib(tree + `
macro_rules! imports { () => { use crate::a::h as from_macro; } }
imports!();
pub fn probe() { from_macro(); }
`), "c::probe", "c::a::h"},
		{"a local item shadows a glob", lib(tree + `
use a::b::*;
fn f() {}
pub fn probe() { f(); }
`), "c::probe", "c::f"},
		{"use super::*", lib(`
fn top() {}
pub mod child { use super::*; pub fn probe() { top(); } }
`), "c::child::probe", "c::top"},
		{"use super::* sees the parent's imports", lib(tree + `
use a::h;
pub mod child { use super::*; pub fn probe() { h(); } }
`), "c::child::probe", "c::a::h"},
		{"imports of imports, in any order", lib(`
pub mod x { pub use super::y::g as f; }
pub mod y { pub use super::z::g; }
pub mod z { pub fn g() {} }
pub fn probe() { x::f(); }
`), "c::probe", "c::z::g"},
		{"a use through a name a later glob provides", lib(`
pub mod inner { pub mod w { pub fn g() {} } }
use w::g;
use inner::*;
pub fn probe() { g(); }
`), "c::probe", "c::inner::w::g"},
		{"in a block, a use through a name a later glob provides", lib(`
pub mod inner { pub mod w { pub fn g() {} } }
pub fn probe() { use w::g; use inner::*; g(); }
`), "c::probe", "c::inner::w::g"},
		{"underscore imports bind nothing", lib(tree + `
use a::h as _;
pub fn probe() { h(); }
`), "c::probe", "?"},
		{"a glob of an enum's variants", lib(`
pub enum E { A(u8), B }
use E::*;
pub fn probe() { A(1); }
`), "c::probe", "c::E::A"},
		{"use in a fn body", lib(tree + `
pub fn probe() { use a::b::f as local; local(); }
`), "c::probe", "c::a::b::f"},
		{"std paths", lib(`
use std::fs::{self, File};
use std::io::prelude::*;
pub fn probe() { fs::read("x"); File::open("x"); }
`), "c::probe", "ext:std::fs::read ext:std::fs::File::open"},
	})
}

// TestGlobCycles checks that glob imports that import each other (a
// cycle) and modules that reach one module by many glob paths (diamonds)
// resolve, and stay linear.
func TestGlobCycles(t *testing.T) {
	runPaths(t, []pathCase{
		{"a glob cycle", lib(`
pub mod x { pub use super::y::*; pub fn fx() {} }
pub mod y { pub use super::x::*; pub fn fy() {} }
pub fn probe() { x::fy(); y::fx(); x::fx(); }
`), "c::probe", "c::y::fy c::x::fx c::x::fx"},
		{"a chain of 40 glob re-exports", lib(chain(40) + `
pub fn probe() { m39::deep(); m20::deep(); }
`), "c::probe", "c::m0::deep c::m0::deep"},
		{"a glob of itself", lib(`
pub mod x { pub use self::*; pub fn fx() {} }
pub fn probe() { x::fx(); x::nothing(); }
`), "c::probe", "c::x::fx ext:c::x::nothing"},
	})
	// Module m_i glob-imports every m_j with j < i: there are 2^(i-1)
	// glob paths from m_i to m_0, and a lookup that fails must not try
	// them all. Both orders of the imports: nearest first makes the
	// search meet the modules deep down first.
	for _, nearestFirst := range []bool{false, true} {
		const n = 40
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "pub mod m%d {\n", i)
			for j := 0; j < i; j++ {
				if nearestFirst {
					fmt.Fprintf(&b, "    pub use super::m%d::*;\n", i-1-j)
				} else {
					fmt.Fprintf(&b, "    pub use super::m%d::*;\n", j)
				}
			}
			if i == 0 {
				b.WriteString("    pub fn deep() {}\n")
			}
			b.WriteString("}\n")
		}
		fmt.Fprintf(&b, "use m%d::*;\npub fn probe() { deep(); missing(); m%d::missing(); }\n", n-1, n-1)
		dir := writeCrate(t, lib(b.String()))
		type result struct {
			calls string
			err   error
		}
		done := make(chan result, 1)
		go func() {
			// Not t: a hung lookup must leave the test goroutine free
			// to fail.
			p, err := lowerDir(dir)
			if err != nil {
				done <- result{err: err}
				return
			}
			for _, f := range p.Funcs {
				if f.Path == "c::probe" {
					done <- result{calls: callees(p, f)}
					return
				}
			}
			done <- result{err: fmt.Errorf("no c::probe")}
		}()
		select {
		case r := <-done:
			if r.err != nil {
				t.Fatal(r.err)
			}
			if want := fmt.Sprintf("c::m0::deep ? ext:c::m%d::missing", n-1); r.calls != want {
				t.Errorf("diamonds (nearest first: %v): calls resolve to %q, want %q", nearestFirst, r.calls, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("diamonds (nearest first: %v): resolution did not finish in 20s: glob lookups are not linear", nearestFirst)
		}
	}
}

// chain returns modules m0..m(n-1), each re-exporting the previous one
// by a glob; m0 defines deep.
func chain(n int) string {
	var b strings.Builder
	b.WriteString("pub mod m0 { pub fn deep() {} }\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "pub mod m%d { pub use super::m%d::*; }\n", i, i-1)
	}
	return b.String()
}

// TestReexports checks pub use re-exports: the paths they resolve to
// and the public aliases Aliases reports.
func TestReexports(t *testing.T) {
	p := lowerSrc(t, `
mod imp {
    pub struct S;
    pub fn f() {}
    pub mod deep { pub fn g() {} }
}
mod hidden { pub fn h() {} }
mod private { pub use crate::imp::f as not_public; }
pub use imp::{S, f};
pub use imp::deep as d;
pub use hidden as open;
pub mod api {
    pub use crate::imp::deep;
    pub use crate::imp::deep::g as renamed;
    pub use crate::imp::*;
}
pub use dep::mac;
pub use dep::util::Thing as DepThing;
use dep::private_use;
pub mod facade { pub use dep::module as m; }
pub fn probe() { f(); d::g(); api::renamed(); api::f(); open::h(); }
`)
	if got, want := callees(p, function(t, p, "c::probe")), "c::imp::f c::imp::deep::g c::imp::deep::g c::imp::f c::hidden::h"; got != want {
		t.Errorf("calls resolve to %q, want %q", got, want)
	}
	aliases := p.R.Aliases()
	for alias, target := range map[string]string{
		"c::S":    "c::imp::S",
		"c::f":    "c::imp::f",
		"c::d":    "c::imp::deep",
		"c::d::g": "c::imp::deep::g",
		// deep's items are listed once, under its shortest public
		// path (c::d::g): the walk visits each module once.
		"c::api::deep":    "c::imp::deep",
		"c::api::renamed": "c::imp::deep::g",
		"c::api::f":       "c::imp::f",
		"c::api::S":       "c::imp::S",
		"c::open":         "c::hidden",
		"c::open::h":      "c::hidden::h",
		// Re-exports of another crate's items (macros included).
		"c::mac":         "dep::mac",
		"c::DepThing":    "dep::util::Thing",
		"c::facade::m":   "dep::module",
		"c::private_use": "",
	} {
		if got := aliases[alias]; got != target {
			t.Errorf("Aliases()[%s] = %q, want %q", alias, got, target)
		}
	}
	for alias := range aliases {
		if strings.HasPrefix(alias, "c::private::") || strings.HasPrefix(alias, "c::imp::") || strings.HasPrefix(alias, "c::hidden::") {
			t.Errorf("Aliases() has %s, under a private module", alias)
		}
	}
	if _, ok := aliases["c::probe"]; ok {
		t.Error("Aliases() maps c::probe, which is its own canonical path")
	}
}

// TestExternCrates checks extern crate items: an alias names the crate
// everywhere (the root's extern crates join the extern prelude), and
// extern crate self as x names this crate's root.
func TestExternCrates(t *testing.T) {
	runPaths(t, []pathCase{
		{"an alias at the root", lib(`
extern crate dep as d;
pub fn probe() { d::f(); }
`), "c::probe", "ext:dep::f"},
		{"an alias at the root, from a child module", lib(`
extern crate dep as d;
pub mod m { pub fn probe() { d::f(); ::d::g(); } }
`), "c::m::probe", "ext:dep::f ext:dep::g"},
		{"extern crate self as x", lib(`
extern crate self as me;
pub mod inner { pub fn f() {} }
pub fn probe() { me::inner::f(); }
`), "c::probe", "c::inner::f"},
		{"extern crate self as x, from a child module", lib(`
extern crate self as me;
pub mod inner { pub fn f() {} }
pub mod m { pub fn probe() { me::inner::f(); ::me::inner::f(); } }
`), "c::m::probe", "c::inner::f c::inner::f"},
		{"use through extern crate self", lib(`
extern crate self as me;
pub mod inner { pub fn f() {} }
pub mod m { use me::inner::f; pub fn probe() { f(); } }
`), "c::m::probe", "c::inner::f"},
	})
}

// TestEdition2015 checks the 2015 edition's paths: ::x names an item of
// the crate root, and use paths start at the crate root.
func TestEdition2015(t *testing.T) {
	src := `
pub mod nix { pub fn f() {} }
pub mod a { pub fn f() {} }
pub mod b {
    pub mod a { pub fn f() {} }
    use a::f;
    pub fn probe() { f(); a::f(); ::a::f(); }
}
use ::nix as sys;
pub fn probe() { sys::f(); ::nix::f(); }
`
	for _, tt := range []struct{ edition, root, b string }{
		{"2015", "c::nix::f c::nix::f", "c::a::f c::b::a::f c::a::f"},
		{"2018", "ext:nix::f ext:nix::f", "c::b::a::f c::b::a::f ext:a::f"},
	} {
		t.Run(tt.edition, func(t *testing.T) {
			p := lower(t, map[string]string{"Cargo.toml": manifest(tt.edition, `nix = "0.27"`), "src/lib.rs": src}, nil)
			if got := callees(p, function(t, p, "c::probe")); got != tt.root {
				t.Errorf("root: %q, want %q", got, tt.root)
			}
			if got := callees(p, function(t, p, "c::b::probe")); got != tt.b {
				t.Errorf("b: %q, want %q", got, tt.b)
			}
		})
	}
	t.Run("2015 use of std in a child module", func(t *testing.T) {
		p := lower(t, map[string]string{"Cargo.toml": manifest("2015"), "src/lib.rs": `
pub mod m { use std::fs; pub fn probe() { fs::read("x"); } }
`}, nil)
		if got := callees(p, function(t, p, "c::m::probe")); got != "ext:std::fs::read" {
			t.Errorf("calls = %q, want ext:std::fs::read", got)
		}
	})
}

// depMacros is a MacroSource over dependencies' sources by extern name.
type depMacros map[string]string

func (m depMacros) Macro(fset *syntax.FileSet, crate, name string) (*expand.Macro, string) {
	src, ok := m[crate]
	if !ok {
		return nil, ""
	}
	f, err := fset.TryAddFile("/deps/"+crate+"/"+name+".rs", src)
	if err != nil {
		return nil, ""
	}
	sf, _ := syntax.ParseFile(f)
	for _, it := range sf.Items {
		if mr, ok := it.(*syntax.MacroRulesItem); ok && mr.Name.Name == name {
			if mac, err := expand.Compile(fset, mr); err == nil {
				return mac, crate
			}
		}
	}
	return nil, ""
}

// TestDollarCrate checks $crate: this crate's root in its own macros,
// the defining crate in a dependency's.
func TestDollarCrate(t *testing.T) {
	p := lower(t, lib(`
pub mod inner { pub fn f() {} }
macro_rules! local { () => { $crate::inner::f() } }
pub mod m {
    pub fn probe() { local!(); dep::call!(); }
}
`), depMacros{"dep": "#[macro_export]\nmacro_rules! call { () => { $crate::imp::run() } }\n"})
	if got, want := callees(p, function(t, p, "c::m::probe")), "c::inner::f ext:dep::imp::run"; got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}
}

// TestDollarCrateInUse checks $crate in a use declaration a dependency's
// macro expands to: it names the dependency there too.
func TestDollarCrateInUse(t *testing.T) {
	p := lower(t, lib(`
pub mod imp { pub fn run() {} }
dep::make!();
`), depMacros{"dep": "#[macro_export]\nmacro_rules! make { () => { use $crate::imp::run; pub fn probe() { run(); } } }\n"})
	if got, want := callees(p, function(t, p, "c::probe")), "ext:dep::imp::run"; got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}
}

// TestRelativePaths checks crate::, self:: and super::, from modules and
// from blocks.
func TestRelativePaths(t *testing.T) {
	runPaths(t, []pathCase{
		{"from a nested module", lib(`
pub fn g() {}
pub mod a {
    pub fn f() {}
    pub mod b {
        pub fn h() {}
        pub fn probe() { super::f(); super::super::g(); self::h(); crate::a::f(); h(); }
    }
}
`), "c::a::b::probe", "c::a::f c::g c::a::b::h c::a::f c::a::b::h"},
		{"from a block with items", lib(`
pub fn g() {}
pub mod a {
    pub fn h() {}
    pub fn probe() { fn local() {} local(); self::h(); super::g(); }
}
`), "c::a::probe", "c::a::probe::local c::a::h c::g"},
		{"super:: through a path", lib(`
pub fn g() {}
pub mod a { pub mod b {} }
pub fn probe() { a::b::super::super::g(); }
`), "c::probe", "c::g"},
	})
}

// TestTypes checks paths through types: type aliases, <T as Trait>::f,
// <T>::f, Self::, trait default methods.
func TestTypes(t *testing.T) {
	const types = `
pub mod inner {
    pub struct S;
    impl S { pub fn new() -> S { S } pub fn other(&self) {} }
    impl super::Tr for S { fn req(&self) {} }
}
pub trait Tr { fn req(&self); fn provided(&self) {} }
`
	runPaths(t, []pathCase{
		{"a type alias", lib(types + `
type A = inner::S;
pub fn probe() { A::new(); }
`), "c::probe", "c::inner::S::new"},
		{"an alias of an alias", lib(types + `
type A = inner::S;
type B = A;
pub fn probe() { B::new(); }
`), "c::probe", "c::inner::S::new"},
		{"an alias of a std wrapper names the wrapper", lib(types + `
type Shared = std::sync::Arc<inner::S>;
type Res<T> = std::result::Result<T, ()>;
pub fn probe() { Shared::new(inner::S::new()); Res::Ok(1); }
`), "c::probe", "ext:std::sync::Arc::new c::inner::S::new ext:std::result::Result::Ok"},
		{"<T as Trait>::f", lib(types + `
pub fn probe(s: &inner::S) { <inner::S as Tr>::provided(s); <inner::S as Clone>::clone(s); <u8 as Tr>::provided(&0); }
`), "c::probe", "c::Tr::provided ext:std::clone::Clone::clone c::Tr::provided"},
		{"<T>::f", lib(types + `
pub fn probe() { <inner::S>::new(); }
`), "c::probe", "c::inner::S::new"},
		{"Self::", lib(types + `
pub struct T;
impl T { pub fn probe() { Self::helper(); Self::new_self(); } fn helper() {} fn new_self() -> Self { T } }
`), "c::T::probe", "c::T::helper c::T::new_self"},
		{"Self:: in a trait default method", lib(`
pub trait Tr { fn probe(&self) { Self::other(self) } fn other(&self) {} }
`), "c::Tr::probe", "c::Tr::other"},
		{"a trait's provided method through the trait", lib(types + `
pub fn probe(s: &inner::S) { Tr::provided(s); Tr::req(s); }
`), "c::probe", "c::Tr::provided c::Tr::req"},
		{"a trait's provided method through an implementing type", lib(types + `
pub fn probe(s: &inner::S) { inner::S::provided(s); inner::S::req(s); }
`), "c::probe", "c::Tr::provided c::inner::S::req"},
		{"enum variants", lib(`
pub enum E { A(u8), B }
pub fn probe() { E::A(1); }
`), "c::probe", "c::E::A"},
		{"Self:: names an enum's variants", lib(`
pub enum E { A(u8), B }
impl E { pub fn probe() { Self::A(1); Self::helper(); } fn helper() {} }
`), "c::E::probe", "c::E::A c::E::helper"},
	})
}

// TestImplSelfTypes checks how impls are registered: a local type by
// its path, a type of another crate by its path, a primitive, slice,
// tuple or reference type the way Rust names it.
func TestImplSelfTypes(t *testing.T) {
	p := lowerSrc(t, `
pub struct Local;
pub trait Tr { fn m(&self); }
impl nix::NixPath for [u8] { fn len(&self) -> usize { 0 } }
impl Tr for u8 { fn m(&self) {} }
impl Tr for &str { fn m(&self) {} }
impl Tr for (u8, u16) { fn m(&self) {} }
impl Tr for &Local { fn m(&self) {} }
impl Tr for std::fs::File { fn m(&self) {} }
impl<T> Tr for Vec<T> { fn m(&self) {} }
impl Local { pub fn inherent(&self) {} }
`)
	var got []string
	for _, f := range p.Funcs {
		if f.Kind == program.Method {
			got = append(got, f.Path)
		}
	}
	sort.Strings(got)
	want := []string{
		"<&str as c::Tr>::m",
		"<(u8, u16) as c::Tr>::m",
		"<[u8] as nix::NixPath>::len",
		"<u8 as c::Tr>::m",
		"c::Local::inherent",
		"c::Local::m",
		"std::fs::File::m",
		"std::vec::Vec::m",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("methods:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if d := p.R.Methods["<[u8] as nix::NixPath>"]["len"]; d == nil || d.Trait != "nix::NixPath" {
		t.Errorf("Methods[<[u8] as nix::NixPath>][len] = %+v, want the impl's fn with its trait", d)
	}
}

// TestScopes checks block scopes, the std prelude, primitives and the
// namespaces.
func TestScopes(t *testing.T) {
	runPaths(t, []pathCase{
		{"a block's items shadow the module's", lib(`
pub fn f() {}
pub fn probe() { f(); { fn f() {} f(); } f(); }
`), "c::probe", "c::f c::probe::f c::f"},
		{"a glob import in a block", lib(`
pub mod inner { pub fn g() {} }
pub fn probe() { use inner::*; g(); { use std::fs::*; read("x"); } }
`), "c::probe", "c::inner::g ext:std::fs::read"},
		{"a block's glob of another crate does not hide the module's items", lib(`
pub fn helper() {}
pub fn probe() { use std::io::prelude::*; helper(); Vec::<u8>::new(); }
`), "c::probe", "c::helper ext:std::vec::Vec::new"},
		{"a block's use shadows the module's items", lib(`
pub fn f() {}
pub mod inner { pub fn g() {} }
pub fn probe() { use inner::g as f; f(); }
`), "c::probe", "c::inner::g"},
		{"the std prelude", lib(`
pub fn probe(x: u8) { Vec::<u8>::new(); String::from("x"); Box::new(1); Some(1); Ok::<u8, ()>(1); drop(x); Default::default(); }
`), "c::probe", "ext:std::vec::Vec::new ext:std::string::String::from ext:std::boxed::Box::new ext:std::option::Option::Some ext:std::result::Result::Ok ext:std::mem::drop ext:std::default::Default::default"},
		{"local items shadow the prelude", lib(`
pub struct Vec;
impl Vec { pub fn new() -> Vec { Vec } }
pub fn drop(_: u8) {}
pub fn probe() { Vec::new(); drop(1); }
`), "c::probe", "c::Vec::new c::drop"},
		{"primitives", lib(`
pub fn probe() { u8::max_value(); str::from_utf8(&[]); i64::from(1u8); }
`), "c::probe", "ext:u8::max_value ext:str::from_utf8 ext:i64::from"},
		{"a fn and a module with the same name", lib(`
pub mod x { pub fn f() {} }
pub fn x() {}
pub fn probe() { x(); x::f(); }
`), "c::probe", "c::x c::x::f"},
		{"a tuple struct's constructor", lib(`
pub struct T(pub u8);
pub mod T2 {}
pub fn probe() { T(1); }
`), "c::probe", "c::T"},
		{"an unknown name", lib(`
pub fn probe() { unknown(); }
`), "c::probe", "?"},
	})
}

// TestUnresolved checks that use paths into this crate that name
// nothing are reported, not guessed.
func TestUnresolved(t *testing.T) {
	p := lowerSrc(t, `
pub mod inner { pub fn f() {} }
use crate::inner::missing;
use self::nope::x;
use crate::inner::f;
use dep::anything;
`)
	var got []string
	for _, u := range p.R.Unresolved {
		got = append(got, u.Path)
	}
	sort.Strings(got)
	if s := strings.Join(got, " "); s != "c::inner::missing c::nope::x" {
		t.Errorf("Unresolved = %q, want c::inner::missing c::nope::x", s)
	}
	var imported []string
	for _, im := range p.R.Imports {
		imported = append(imported, im.Path)
	}
	sort.Strings(imported)
	if s := strings.Join(imported, " "); s != "c::inner::f dep::anything" {
		t.Errorf("Imports = %q, want c::inner::f dep::anything", s)
	}
}

// TestExternPrelude checks that dependencies are named by their extern
// names: a renamed dependency keeps its rename.
func TestExternPrelude(t *testing.T) {
	runPaths(t, []pathCase{
		{"a renamed dependency", lib(`
pub fn probe() { clap4::Command::new("x"); }
`), "c::probe", "ext:clap4::Command::new"},
		{"a renamed dependency through use", lib(`
use clap4::Command;
pub mod m { pub fn probe() { clap4::Command::new("x"); super::Command::new("y"); } }
`), "c::m::probe", "ext:clap4::Command::new ext:clap4::Command::new"},
		{"a local module shadows a dependency", lib(`
pub mod dep { pub fn f() {} }
pub fn probe() { dep::f(); ::dep::f(); }
`), "c::probe", "c::dep::f ext:dep::f"},
	})
}

// TestUseOf checks the lookup of a macro imported by use, before and
// after imports are resolved.
func TestUseOf(t *testing.T) {
	p := lowerSrc(t, `
use dep::mac;
use dep::other as renamed;
use dep::*;
#[macro_export]
macro_rules! local { () => {} }
pub mod m { use crate::local as l; pub fn probe() { use dep::inner as i; } }
`)
	var m *resolve.Scope
	for _, s := range p.R.Scopes {
		if s.Path == "c::m" {
			m = s
		}
	}
	block := p.BlockScope(function(t, p, "c::m::probe").Body.(*syntax.BlockExpr))
	if m == nil || block == nil {
		t.Fatalf("scopes of c::m (%v) and of probe's body (%v) not found", m, block)
	}
	for _, tt := range []struct {
		scope *resolve.Scope
		name  string
		want  string // segs joined, with a leading :: when global; "-" when not found
	}{
		{p.R.Root, "mac", "::dep::mac"},
		{p.R.Root, "renamed", "::dep::other"},
		{p.R.Root, "star", "-"},
		{p.R.Root, "other", "-"},
		{m, "mac", "-"},
		{m, "l", "crate::local"},
		{block, "i", "::dep::inner"},
		{block, "l", "crate::local"},
		{block, "mac", "-"},
	} {
		segs, global, ok := p.R.UseOf(tt.scope, tt.name)
		got := "-"
		if ok {
			got = strings.Join(segs, "::")
			if global {
				got = "::" + got
			}
		}
		if got != tt.want {
			t.Errorf("UseOf(%s, %s) = %q, want %q", tt.scope.Path, tt.name, got, tt.want)
		}
	}
}

// A glob import from another crate, under a prefix the model knows
// entirely (std::arch::), does not take the names of the extern prelude
// (core) or of the std prelude (Some) from the crates and the prelude
// that really provide them: memchr's use core::{arch::x86_64::*, mem::size_of}.
func TestGlobUnderKnownPrefix(t *testing.T) {
	dir := writeCrate(t, lib("use core::{arch::x86_64::*, mem::size_of};\npub fn f() { size_of::<u8>(); Some(1); _mm_pause(); }\n"))
	c, err := load.Load(context.Background(), dir, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	underArch := func(p string) bool {
		return strings.HasPrefix(p, "std::arch::") || strings.HasPrefix(p, "core::arch::")
	}
	exact := func(p string) bool { return false }
	p, err := program.Build(context.Background(), c, c.Targets[0], program.Options{CrateName: c.Name, Known: underArch, KnownPath: exact})
	if err != nil {
		t.Fatal(err)
	}
	got := callees(p, function(t, p, "c::f"))
	if want := "ext:core::mem::size_of ext:std::option::Option::Some ext:core::arch::x86_64::_mm_pause"; got != want {
		t.Errorf("callees = %q, want %q", got, want)
	}
}
