package infer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/syntax"
)

// FuzzResolve: inference over any crate source terminates, in bounded
// time, without panicking, whatever the code (crates are untrusted).
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"pub fn f(p: &std::path::Path) { p.join(\"a\").exists(); }",
		"fn f() { let x = x; x.y(); for a in b { match a { Some(c) => c.d(), _ => () } } }",
		"trait T { fn m(&self) { self.m() } } impl<X: T> T for Vec<X> {} fn g<U: T>(u: U) { u.m() }",
		"type R<T> = R<T>; fn f() -> R<u8> { f()?.g() }",
		"struct S(S); fn f(s: S) { s.0.0.0.x(); }",
		"fn f() { (|x| x.y())(1); [1][0].z(); (a, b).0.c(); *p.q(); }",
		"macro_rules! m { () => { m!().x() } } fn f() { m!(); }",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	manifest := "[package]\nname = \"t\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
	if err := os.WriteFile(filepath.Join(dir, "Cargo.toml"), []byte(manifest), 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if err := os.WriteFile(filepath.Join(dir, "src", "lib.rs"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		lc, err := load.Load(context.Background(), dir, load.Options{})
		if err != nil {
			return
		}
		p, err := program.Build(context.Background(), lc, lc.Targets[0], program.Options{CrateName: "t"})
		if err != nil {
			return
		}
		start := time.Now()
		c := New(p, Std(), nil)
		for _, fn := range p.Funcs {
			b := c.Body(fn)
			p.WalkScoped(fn, func(n syntax.Node, cur *program.Cursor) bool {
				b.Enter(n, cur)
				switch n := n.(type) {
				case *syntax.MethodCallExpr:
					b.Method(n)
				case syntax.Expr:
					b.TypeOf(n)
				}
				return true
			}, b.Leave)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("inference took %v on %d bytes", d, len(src))
		}
	})
}
