package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/syntax"
	"github.com/wardenrs/warden/internal/testfs"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	return testfs.Write(t, t.TempDir(), files)
}

// TestModuleFiles checks the rules that map module declarations to
// files: mod.rs and non-mod.rs parents, inline modules, #[path] at file
// level and inside inline modules, cfg and cfg_attr.
func TestModuleFiles(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Cargo.toml": "[package]\nname = \"mods\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/lib.rs": `mod a;
mod b;
mod e { mod f; }
#[path = "x/y.rs"] mod g;
#[path = "p"] mod h { mod i; }
#[cfg(windows)] mod w;
#[cfg_attr(unix, path = "u_unix.rs")] mod u;
mod missing;
`,
		"src/a.rs":       "mod c;",
		"src/a/c.rs":     "",
		"src/b/mod.rs":   "mod d;",
		"src/b/d.rs":     "",
		"src/e/f.rs":     "",
		"src/x/y.rs":     "mod z;",
		"src/x/z.rs":     "",
		"src/p/i.rs":     "",
		"src/w.rs":       "",
		"src/u_unix.rs":  "",
		"src/main.rs":    "fn main() {}",
		"build.rs":       "fn main() {}",
		"examples/ex.rs": "fn main() {}",
	})
	c, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tg := range c.Targets {
		kinds = append(kinds, string(tg.Kind))
	}
	if got := strings.Join(kinds, ","); got != "lib,bin,build-script" {
		t.Errorf("targets = %s, want lib,bin,build-script (examples only with Options.Examples)", got)
	}
	got := map[string]string{}
	c.Targets[0].Root.Walk(func(m *Module) {
		rel, _ := filepath.Rel(dir, m.File.Name)
		got[m.String()] = filepath.ToSlash(rel)
	})
	want := map[string]string{
		"crate":       "src/lib.rs",
		"crate::a":    "src/a.rs",
		"crate::a::c": "src/a/c.rs",
		"crate::b":    "src/b/mod.rs",
		"crate::b::d": "src/b/d.rs",
		"crate::e":    "src/lib.rs",
		"crate::e::f": "src/e/f.rs",
		"crate::g":    "src/x/y.rs",
		"crate::g::z": "src/x/z.rs",
		"crate::h":    "src/lib.rs",
		"crate::h::i": "src/p/i.rs",
		"crate::u":    "src/u_unix.rs",
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s -> %q, want %q", k, got[k], want[k])
		}
	}
	if _, ok := got["crate::w"]; ok {
		t.Error("#[cfg(windows)] module was loaded on the linux target")
	}
	if len(got) != len(want) {
		t.Errorf("modules = %v", got)
	}
	var kindsSeen []string
	for _, p := range c.Problems {
		kindsSeen = append(kindsSeen, p.Kind+"@"+filepath.Base(p.Pos.Filename))
	}
	if strings.Join(kindsSeen, " ") != "module-not-found@lib.rs" {
		t.Errorf("problems = %v, want one module-not-found in lib.rs", c.Problems)
	}
}

// TestWindowsTarget checks that --target changes which modules load.
func TestWindowsTarget(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Cargo.toml": "[package]\nname = \"w\"\nversion = \"0.1.0\"\n",
		"src/lib.rs": "#[cfg(windows)] mod win;\n#[cfg(unix)] mod nix;\n",
		"src/win.rs": "",
		"src/nix.rs": "",
	})
	c, err := Load(context.Background(), dir, Options{Target: "x86_64-pc-windows-msvc"})
	if err != nil {
		t.Fatal(err)
	}
	root := c.Targets[0].Root
	if len(root.Children) != 1 || root.Children[0].Name != "win" {
		t.Errorf("windows target loaded %v", root.Children)
	}
	if _, err := Load(context.Background(), dir, Options{Target: "no-such-triple"}); err == nil {
		t.Error("unknown target triple: no error")
	}
	if _, err := Load(context.Background(), dir, Options{Features: []string{"nope"}}); err == nil {
		t.Error("unknown feature: no error")
	}
}

// TestHostileModules: escapes, cycles and symlink loops are problems,
// never followed, and loading goes on.
func TestHostileModules(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Cargo.toml": "[package]\nname = \"h\"\nversion = \"0.1.0\"\n",
		"src/lib.rs": `#[path = "../../outside.rs"] mod out;
#[path = "lib.rs"] mod again;
mod looped;
mod fine;
`,
		"src/fine.rs": "pub fn ok() {}",
	})
	if err := os.Symlink("looped.rs", filepath.Join(dir, "src", "looped.rs")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.rs"), []byte("fn secret() {}"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, p := range c.Problems {
		kinds[p.Kind] = true
	}
	for _, k := range []string{"path-escape", "module-cycle", "read"} {
		if !kinds[k] {
			t.Errorf("no %s problem in %v", k, c.Problems)
		}
	}
	root := c.Targets[0].Root
	if len(root.Children) != 1 || root.Children[0].Name != "fine" {
		t.Errorf("children = %v, want only fine", root.Children)
	}
}

// TestConds checks the conditions recorded for items, modules and
// module alternatives: unknown predicates are kept (a build script's
// cfg, every target option under --target all), combined along the
// tree, and Enabled joins an item's own condition to one recorded
// before (a cfg_if! branch), idempotently.
func TestConds(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Cargo.toml": "[package]\nname = \"k\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"build.rs":   "fn main() { println!(\"cargo:rustc-cfg=foo\"); println!(\"cargo:rustc-cfg=bar\"); }\n",
		"src/lib.rs": `#[cfg(foo)] pub fn a() {}
#[cfg(not(foo))] pub fn b() {}
#[cfg(windows)] pub fn gone() {}
pub fn c() {}
#[cfg(foo)] mod m;
`,
		"src/m.rs": "#![cfg(all(bar, unix))]\npub fn d() {}\n",
	})
	c, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.BuildCfgs, " "); got != "foo bar" {
		t.Errorf("BuildCfgs = %q, want foo bar", got)
	}
	root := c.Targets[0].Root
	got := map[string]string{}
	for _, it := range root.Items {
		var name string
		switch it := it.(type) {
		case *syntax.FnItem:
			name = it.Name.Name
		case *syntax.ModItem:
			name = "mod " + it.Name.Name
		}
		s := ""
		if cond := c.Cond(it); cond != nil {
			s = cond.String()
		}
		got[name] = s
	}
	want := map[string]string{"a": "foo", "b": "not(foo)", "c": "", "mod m": "foo"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("item conditions = %v, want %v (gone compiled out)", got, want)
	}
	if len(root.Children) != 1 {
		t.Fatalf("children = %v, want m", root.Children)
	}
	// unix holds on the default target: what is left of m's own
	// condition is bar, joined to its declaration's.
	if m := root.Children[0]; m.Cond == nil || m.Cond.String() != "all(foo, bar)" || c.Cond(m) != m.Cond {
		t.Errorf("module m: Cond %v, Conds[m] %v; want all(foo, bar) in both", m.Cond, c.Cond(m))
	}

	// Enabled with a condition recorded before: both hold.
	f := root.Items[0]
	conds := map[any]cfg.Expr{f: &cfg.Name{Name: "bar"}}
	for i := 0; i < 2; i++ {
		if !Enabled(c.Cfg, c.Fset, f, conds, nil) {
			t.Fatal("a fn under an unknown cfg is not enabled")
		}
	}
	if got := conds[f].String(); got != "all(bar, foo)" {
		t.Errorf("joined condition = %q, want all(bar, foo) (once)", got)
	}
}
