package program

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/resolve"
	"github.com/wardenrs/warden/internal/syntax"
)

// walkCalls lists the path calls of f's body in walk order, each
// written by show with the cursor at the call.
func walkCalls(p *Program, f *Func, show func(call *syntax.CallExpr, name string, c *Cursor) string) string {
	var out []string
	p.Walk(f, func(n syntax.Node, c *Cursor) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			if pe, ok := call.Fun.(*syntax.PathExpr); ok {
				segs := pe.Path.Segments
				out = append(out, show(call, segs[len(segs)-1].Name.Name, c))
			}
		}
		return true
	})
	return strings.Join(out, " ")
}

// at writes where a reader should look for a call: file:line:col.
func at(p *Program, call *syntax.CallExpr, c *Cursor) string {
	pos := p.Crate.Fset.Position(c.Pos(call.Pos()))
	return fmt.Sprintf("%s:%d:%d", filepath.Base(pos.Filename), pos.Line, pos.Column)
}

// TestCursorPos checks Cursor.Pos and Cursor.Via: tokens of a macro's
// definition are reported at the invocation in the crate's source (the
// outermost one, for nested invocations); tokens written in the
// arguments, in a cfg_if! body or in an included file keep their
// position.
func TestCursorPos(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // name@file:line:col via macro, in walk order
	}{
		{"transcriber tokens at the invocation, argument tokens where written", map[string]string{"src/lib.rs": `macro_rules! wrap { ($e:expr) => { crate::leaf($e) } }
pub fn f() {
    wrap!(
        crate::arg()
    );
}
pub fn leaf(_: u8) {}
pub fn arg() -> u8 { 0 }
`}, "leaf@lib.rs:3:5/wrap arg@lib.rs:4:9/wrap"},
		{"nested invocations map to the outermost one", map[string]string{"src/lib.rs": `macro_rules! inner { ($e:expr) => { crate::deep($e) } }
macro_rules! outer { ($e:expr) => { inner!(crate::mid($e)) } }
pub fn f() {
    let _x = 1;
    outer!(crate::arg());
}
pub fn deep(_: u8) {}
pub fn mid(_: u8) -> u8 { 0 }
pub fn arg() -> u8 { 0 }
`}, "deep@lib.rs:5:5/outer mid@lib.rs:5:5/outer arg@lib.rs:5:12/outer"},
		{"an exported macro defined in another file", map[string]string{
			"src/lib.rs":    "#[macro_use]\nmod macros;\npub fn f() {\n    m!();\n}\npub fn leaf() {}\n",
			"src/macros.rs": "macro_rules! m {\n    () => { crate::leaf() }\n}\n",
		}, "leaf@lib.rs:4:5/m"},
		{"cfg_if! bodies keep their position", map[string]string{"src/lib.rs": `pub fn f() {
    cfg_if::cfg_if! {
        if #[cfg(unix)] {
            crate::leaf();
        }
    }
}
pub fn leaf() {}
`}, "leaf@lib.rs:4:13/cfg_if::cfg_if"},
		{"builtin macro arguments keep their position", map[string]string{"src/lib.rs": `pub fn f() {
    println!("{}",
        crate::arg());
}
pub fn arg() -> u8 { 0 }
`}, "arg@lib.rs:3:9/println"},
		{"included files keep their position", map[string]string{
			"src/lib.rs":  "pub fn f() -> u8 {\n    include!(\"expr.rs\")\n}\npub fn leaf() -> u8 { 0 }\n",
			"src/expr.rs": "\n  crate::leaf()\n",
		}, "leaf@expr.rs:2:3/include"},
		{"a macro's argument inside an included file", map[string]string{
			"src/lib.rs":  "macro_rules! wrap { ($e:expr) => { crate::leaf($e) } }\npub fn f() -> u8 {\n    include!(\"expr.rs\")\n}\npub fn leaf(_: u8) -> u8 { 0 }\npub fn arg() -> u8 { 0 }\n",
			"src/expr.rs": "\n  wrap!(crate::arg())\n",
		}, "leaf@expr.rs:2:3/include arg@expr.rs:2:9/include"},
		{"a macro that a macro defines", map[string]string{"src/lib.rs": `macro_rules! make { ($n:ident) => { macro_rules! $n { () => { crate::leaf() } } } }
make!(generated);
pub fn f() {
    generated!();
}
pub fn leaf() {}
`}, "leaf@lib.rs:4:5/generated"},
		{"code outside macros", map[string]string{"src/lib.rs": "pub fn f() {\n  crate::leaf();\n}\npub fn leaf() {}\n"}, "leaf@lib.rs:2:3/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lowerFiles(t, tt.files)
			got := walkCalls(p, fn(t, p, "c::f"), func(call *syntax.CallExpr, name string, c *Cursor) string {
				return name + "@" + at(p, call, c) + "/" + c.Via()
			})
			if got != tt.want {
				t.Errorf("calls = %q\nwant    %q", got, tt.want)
			}
		})
	}
}

// TestCursorPosOfMacroMadeFn checks the position of code in a function
// that a macro defines: the function's own expansion maps it.
func TestCursorPosOfMacroMadeFn(t *testing.T) {
	p := lowerSrc(t, `macro_rules! make { ($n:ident) => { pub fn $n() { crate::leaf() } } }
pub fn leaf() {}

make!(made);
`)
	got := walkCalls(p, fn(t, p, "c::made"), func(call *syntax.CallExpr, name string, c *Cursor) string {
		return name + "@" + at(p, call, c) + "/" + c.Via()
	})
	if got != "leaf@lib.rs:4:1/make" {
		t.Errorf("calls = %q, want leaf@lib.rs:4:1/make", got)
	}
}

// TestCursorContext checks Cond, Scope, InUnsafe and dead code.
func TestCursorContext(t *testing.T) {
	t.Run("conditions accumulate", func(t *testing.T) {
		p := lowerFiles(t, map[string]string{"build.rs": buildRS, "src/lib.rs": `
#[cfg(foo)]
pub fn f() {
    crate::a();
    #[cfg(bar)]
    crate::b();
    #[cfg(bar)]
    {
        #[cfg(unix)]
        crate::c();
    }
    match 1 {
        #[cfg(not(bar))]
        1 => crate::d(),
        _ => {}
    }
}
pub fn a() {}
pub fn b() {}
pub fn c() {}
pub fn d() {}
`})
		got := walkCalls(p, fn(t, p, "c::f"), func(_ *syntax.CallExpr, name string, c *Cursor) string {
			return name + "[" + condOf(c.Cond()) + "]"
		})
		if want := "a[foo] b[all(foo, bar)] c[all(foo, bar)] d[all(foo, not(bar))]"; got != want {
			t.Errorf("calls = %q, want %q", got, want)
		}
	})
	t.Run("dead code is skipped", func(t *testing.T) {
		p := lowerSrc(t, `
pub struct P { pub x: u8 }
pub fn f() -> P {
    #[cfg(windows)]
    crate::dead();
    #[cfg(windows)]
    let _y = crate::dead();
    #[cfg(windows)]
    fn nested() { crate::dead(); }
    match 1 {
        #[cfg(windows)]
        1 => crate::dead(),
        _ => crate::live(),
    }
    P {
        #[cfg(windows)]
        x: crate::dead2(),
        #[cfg(not(windows))]
        x: crate::live2(),
    }
}
pub fn dead() {}
pub fn live() {}
pub fn dead2() -> u8 { 0 }
pub fn live2() -> u8 { 0 }
`)
		got := walkCalls(p, fn(t, p, "c::f"), func(_ *syntax.CallExpr, name string, _ *Cursor) string { return name })
		if got != "live live2" {
			t.Errorf("calls = %q, want live live2", got)
		}
		if len(funcs(p, "c::f::nested")) > 0 {
			t.Error("a fn compiled out of a body was lowered")
		}
	})
	t.Run("unsafe blocks", func(t *testing.T) {
		p := lowerSrc(t, `
pub unsafe fn f() {
    crate::a();
    unsafe {
        crate::b();
        let _c = || crate::c();
    }
    crate::d();
}
pub fn a() {}
pub fn b() {}
pub fn c() {}
pub fn d() {}
`)
		got := walkCalls(p, fn(t, p, "c::f"), func(_ *syntax.CallExpr, name string, c *Cursor) string {
			return fmt.Sprintf("%s:%v", name, c.InUnsafe())
		})
		if got != "a:false b:true c:true d:false" {
			t.Errorf("calls = %q, want a:false b:true c:true d:false", got)
		}
	})
	t.Run("the scope of blocks with items", func(t *testing.T) {
		p := lowerSrc(t, `
pub fn helper() {}
pub fn f() {
    helper();
    {
        fn helper() {}
        helper();
        {
            helper();
        }
    }
    helper();
}
`)
		f := fn(t, p, "c::f")
		var got []string
		p.Walk(f, func(n syntax.Node, c *Cursor) bool {
			if call, ok := n.(*syntax.CallExpr); ok {
				res := p.R.ResolvePath(c.Scope(), call.Fun.(*syntax.PathExpr).Path, resolve.ValueNS)
				line := 0
				if res.Def != nil {
					line = p.Crate.Fset.Position(res.Def.Item.Pos()).Line
				}
				got = append(got, fmt.Sprintf("%s@%d", res.Path, line))
			}
			return true
		})
		if s := strings.Join(got, " "); s != "c::helper@2 c::f::helper@6 c::f::helper@6 c::helper@2" {
			t.Errorf("calls resolve to %q, want the block's helper inside the block only", s)
		}
	})
	t.Run("Expansion and Via outside macros", func(t *testing.T) {
		p := lowerSrc(t, "pub fn f() { crate::leaf(); }\npub fn leaf() {}\n")
		p.Walk(fn(t, p, "c::f"), func(n syntax.Node, c *Cursor) bool {
			if c.Expansion() != nil || c.Via() != "" || c.Cond() != nil || c.InUnsafe() {
				t.Errorf("at %T: expansion %v, via %q, cond %v, unsafe %v; want none", n, c.Expansion(), c.Via(), c.Cond(), c.InUnsafe())
			}
			return true
		})
	})
}

// TestWalkVisitsInvocations checks that Walk visits an invocation, then
// what it expands to, and that declining the invocation skips its
// expansion.
func TestWalkVisitsInvocations(t *testing.T) {
	p := lowerSrc(t, "macro_rules! m { () => { crate::leaf() } }\npub fn f() { m!(); let _x = m!(); }\npub fn leaf() {}\n")
	f := fn(t, p, "c::f")
	var seen []string
	p.Walk(f, func(n syntax.Node, c *Cursor) bool {
		switch n.(type) {
		case *syntax.MacroExpr:
			seen = append(seen, "m!")
		case *syntax.ItemStmt:
			seen = append(seen, "m!;")
		case *syntax.CallExpr:
			seen = append(seen, "call")
		}
		return true
	})
	if got := strings.Join(seen, " "); got != "m! call m! call" && got != "m!; call m! call" {
		t.Errorf("visits = %q, want each invocation then its call", got)
	}
	n := 0
	p.Walk(f, func(x syntax.Node, c *Cursor) bool {
		switch x.(type) {
		case *syntax.MacroExpr, *syntax.ItemStmt:
			return false
		case *syntax.CallExpr:
			n++
		}
		return true
	})
	if n != 0 {
		t.Errorf("%d calls visited under declined invocations, want 0", n)
	}
}

// TestDependencyMacroPos checks that code from a dependency's macro is
// reported at the invocation, with the dependency's $crate.
func TestDependencyMacroPos(t *testing.T) {
	dir := crate(t, map[string]string{"src/lib.rs": "pub fn f() {\n    let _x = 1;\n    dep::call!(crate::arg());\n}\npub fn arg() -> u8 { 0 }\n"})
	p := lowerDir(t, dir, config{macros: &fakeMacros{libs: map[string]string{
		"dep": "#[macro_export]\nmacro_rules! call { ($e:expr) => { $crate::imp::run($e) } }\n",
	}}})
	got := walkCalls(p, fn(t, p, "c::f"), func(call *syntax.CallExpr, name string, c *Cursor) string {
		res := p.R.ResolvePath(c.Scope(), call.Fun.(*syntax.PathExpr).Path, resolve.ValueNS)
		return res.Path + "@" + at(p, call, c) + "/" + c.Via()
	})
	if want := "dep::imp::run@lib.rs:3:5/dep::call c::arg@lib.rs:3:16/dep::call"; got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}
}
