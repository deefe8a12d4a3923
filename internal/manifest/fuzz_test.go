package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse (with a real, small crate
// directory next to the manifest path so target discovery runs too). Parse
// must never panic, never hit its internal-error safety net, and on success
// return a self-consistent Manifest whose features can be resolved.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"[package]\nname = \"x\"\n",
		"[package]\nname = \"x\"\nversion = \"1.0.0\"\nedition = \"2021\"\nbuild = false\n[lib]\nproc-macro = true\n",
		"[package]\nname = \"x\"\n[[bin]]\nname = \"b\"\npath = \"../b.rs\"\n[[example]]\nname = \"e\"\n",
		"[package]\nname = \"x\"\n[features]\ndefault = [\"a\"]\na = [\"dep:d\", \"d/f\", \"e?/g\"]\n[dependencies]\nd = { version = \"1\", optional = true }\ne = \"1\"\n",
		"[package]\nname = { workspace = true }\nversion.workspace = true\n",
		"[workspace]\nmembers = [\"a\", \"b/*\"]\n[workspace.dependencies]\nx = \"1\"\n",
		"[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n[package]\nname = \"x\"\n",
		"features = 3\n",
		"a = [[[[[[[[[[]]]]]]]]]]\n",
		"a.b.c.d.e.f = { g.h = [1.5, { i = 2 }] }\n",
		"s = \"\"\"\n[[[[\"\"\"\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile(filepath.Join(registryDir, "tokio-1.24.2", "Cargo.toml")); err == nil {
		f.Add(data)
	}
	dir := f.TempDir()
	for _, rel := range []string{"src/lib.rs", "src/main.rs", "src/bin/b.rs", "examples/e.rs", "build.rs"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	path := filepath.Join(dir, "Cargo.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(path, data)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Parse hit its panic safety net: %v", err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if m.Dir != dir {
			t.Fatalf("Dir = %q, want %q", m.Dir, dir)
		}
		if !m.Virtual() && m.Name == "" {
			t.Fatalf("non-virtual manifest without a name")
		}
		for _, tgt := range m.Targets() {
			if tgt == nil || tgt.Name == "" || !filepath.IsAbs(tgt.Path) || tgt.Edition == "" {
				t.Fatalf("bad target %+v", tgt)
			}
		}
		for _, args := range []struct{ all, noDef bool }{{false, false}, {true, false}} {
			if _, err := m.ResolveFeatures(nil, args.all, args.noDef); err != nil {
				t.Fatalf("ResolveFeatures: %v", err)
			}
		}
	})
}
