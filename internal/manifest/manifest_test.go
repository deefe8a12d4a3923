package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/wardenrs/warden/internal/testfs"
)

// writeCrate creates a crate directory in t.TempDir() holding files
// (slash-separated relative path → content) and returns its path.
func writeCrate(t *testing.T, files map[string]string) string {
	t.Helper()
	return testfs.Write(t, t.TempDir(), files)
}

func loadFixture(t *testing.T, files map[string]string) *Manifest {
	t.Helper()
	m, err := Load(writeCrate(t, files))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

func hasWarning(m *Manifest, substr string) bool {
	for _, w := range m.Warnings {
		if strings.Contains(w, substr) {
			return true
		}
	}
	return false
}

func TestPackageFields(t *testing.T) {
	tests := []struct {
		name      string
		toml      string
		wantName  string
		wantVer   string
		wantEd    string
		wantLinks string
		inherited []string
		warning   string
	}{
		{
			name:     "minimal defaults",
			toml:     "[package]\nname = \"foo\"\n",
			wantName: "foo", wantVer: "0.0.0", wantEd: "2015",
		},
		{
			name:     "all set",
			toml:     "[package]\nname = \"foo-bar\"\nversion = \"1.2.3\"\nedition = \"2021\"\nlinks = \"z\"\n",
			wantName: "foo-bar", wantVer: "1.2.3", wantEd: "2021", wantLinks: "z",
		},
		{
			name:     "inherited version and edition",
			toml:     "[package]\nname = \"foo\"\nversion = { workspace = true }\nedition.workspace = true\n",
			wantName: "foo", wantVer: Inherited, wantEd: Inherited,
			inherited: []string{"edition", "version"},
		},
		{
			name:     "inherited name is recorded with a warning",
			toml:     "[package]\nname = { workspace = true }\n",
			wantName: Inherited, wantVer: "0.0.0", wantEd: "2015",
			inherited: []string{"name"},
			warning:   "does not allow inheriting the name",
		},
		{
			name:     "legacy project table",
			toml:     "[project]\nname = \"old\"\nversion = \"0.1.0\"\n",
			wantName: "old", wantVer: "0.1.0", wantEd: "2015",
			warning: "[project] is deprecated",
		},
		{
			name:     "unknown edition warns",
			toml:     "[package]\nname = \"foo\"\nedition = \"2077\"\n",
			wantName: "foo", wantVer: "0.0.0", wantEd: "2077",
			warning: "not a known edition",
		},
		{
			name:     "unknown target kind warns",
			toml:     "[package]\nname = \"foo\"\n[[binary]]\nname = \"x\"\n",
			wantName: "foo", wantVer: "0.0.0", wantEd: "2015",
			warning: "unknown target kind [[binary]]",
		},
		{
			name:     "utf8 bom",
			toml:     "\ufeff[package]\nname = \"foo\"\n",
			wantName: "foo", wantVer: "0.0.0", wantEd: "2015",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := loadFixture(t, map[string]string{"Cargo.toml": tt.toml})
			if m.Name != tt.wantName || m.Version != tt.wantVer || m.Edition != tt.wantEd || m.Links != tt.wantLinks {
				t.Errorf("got name=%q version=%q edition=%q links=%q, want %q %q %q %q",
					m.Name, m.Version, m.Edition, m.Links, tt.wantName, tt.wantVer, tt.wantEd, tt.wantLinks)
			}
			if !reflect.DeepEqual(m.InheritedKeys, tt.inherited) {
				t.Errorf("InheritedKeys = %v, want %v", m.InheritedKeys, tt.inherited)
			}
			if tt.warning != "" && !hasWarning(m, tt.warning) {
				t.Errorf("no warning containing %q in %q", tt.warning, m.Warnings)
			}
			if tt.warning == "" && len(m.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", m.Warnings)
			}
			if !filepath.IsAbs(m.Dir) {
				t.Errorf("Dir %q is not absolute", m.Dir)
			}
		})
	}
}

func TestVirtualWorkspace(t *testing.T) {
	m := loadFixture(t, map[string]string{"Cargo.toml": `
[workspace]
members = ["crates/*", "tool"]
exclude = ["old"]
default-members = ["tool"]
resolver = "2"

[workspace.package]
version = "0.3.0"
edition = "2021"

[workspace.dependencies]
serde = { version = "1", features = ["derive"] }
local = { path = "crates/local" }
`, "src/lib.rs": ""})
	if !m.Virtual() || m.Name != "" {
		t.Fatalf("want virtual manifest, got name %q", m.Name)
	}
	if m.Lib != nil || len(m.Targets()) != 0 {
		t.Errorf("virtual manifest has targets: %v", m.Targets())
	}
	w := m.Workspace
	want := &Workspace{
		Members: []string{"crates/*", "tool"}, Exclude: []string{"old"}, DefaultMembers: []string{"tool"},
		Resolver: "2", Version: "0.3.0", Edition: "2021",
		Dependencies: []Dependency{
			{Name: "local", Package: "local", Kind: DepNormal, DefaultFeatures: true, Path: "crates/local"},
			{Name: "serde", Package: "serde", Kind: DepNormal, DefaultFeatures: true, Version: "1", Features: []string{"derive"}},
		},
	}
	if !reflect.DeepEqual(w, want) {
		t.Errorf("Workspace = %+v\nwant %+v", w, want)
	}
}

func TestWorkspaceRootWithPackage(t *testing.T) {
	m := loadFixture(t, map[string]string{"Cargo.toml": "[package]\nname = \"root\"\n[workspace]\nmembers = [\"a\"]\n"})
	if m.Virtual() || m.Workspace == nil || m.Name != "root" {
		t.Errorf("got Virtual=%v Workspace=%v Name=%q", m.Virtual(), m.Workspace, m.Name)
	}
}

func TestDependencies(t *testing.T) {
	m := loadFixture(t, map[string]string{"Cargo.toml": `
[package]
name = "deps"

[dependencies]
plain = "1.0"
renamed = { package = "real-name", version = "0.2", optional = true, default-features = false, features = ["a", "b"] }
gitdep = { git = "https://example.com/x.git", branch = "main" }
local = { path = "../local" }
inh = { workspace = true, features = ["x"] }
old_style = { version = "1", default_features = false }

[dependencies.tabled]
version = "3"

[build-dependencies]
cc = "1"

[dev_dependencies]
tempfile = "3"

[target.'cfg(unix)'.dependencies]
libc = { version = "0.2", optional = true }

[target.x86_64-pc-windows-msvc.build-dependencies]
winres = "0.1"
`})
	want := []Dependency{
		{Name: "gitdep", Package: "gitdep", Kind: DepNormal, DefaultFeatures: true, Git: "https://example.com/x.git"},
		{Name: "inh", Package: "inh", Kind: DepNormal, DefaultFeatures: true, Features: []string{"x"}, Version: Inherited, Workspace: true},
		{Name: "local", Package: "local", Kind: DepNormal, DefaultFeatures: true, Path: "../local"},
		{Name: "old_style", Package: "old_style", Kind: DepNormal, Version: "1"},
		{Name: "plain", Package: "plain", Kind: DepNormal, DefaultFeatures: true, Version: "1.0"},
		{Name: "renamed", Package: "real-name", Kind: DepNormal, Optional: true, Features: []string{"a", "b"}, Version: "0.2"},
		{Name: "tabled", Package: "tabled", Kind: DepNormal, DefaultFeatures: true, Version: "3"},
		{Name: "cc", Package: "cc", Kind: DepBuild, DefaultFeatures: true, Version: "1"},
		{Name: "tempfile", Package: "tempfile", Kind: DepDev, DefaultFeatures: true, Version: "3"},
		{Name: "libc", Package: "libc", Kind: DepNormal, Optional: true, DefaultFeatures: true, Version: "0.2", Target: "cfg(unix)"},
		{Name: "winres", Package: "winres", Kind: DepBuild, DefaultFeatures: true, Version: "0.1", Target: "x86_64-pc-windows-msvc"},
	}
	if !reflect.DeepEqual(m.Dependencies, want) {
		t.Errorf("Dependencies:\n got %+v\nwant %+v", m.Dependencies, want)
	}
	if len(m.Warnings) != 0 {
		t.Errorf("unexpected warnings: %q", m.Warnings)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		toml    string
		wantKey string // for *KeyError
		wantSub []string
	}{
		{name: "top-level features int", toml: "features = 3\n[package]\nname = \"x\"\n", wantKey: "features"},
		{name: "feature value not array", toml: "[package]\nname = \"x\"\n[features]\nstd = \"yes\"\n", wantKey: "features.std"},
		{name: "feature element not string", toml: "[package]\nname = \"x\"\n[features]\nstd = [\"a\", 1]\n", wantKey: "features.std[1]"},
		{name: "bin name int", toml: "[package]\nname = \"x\"\n[[bin]]\nname = 5\n", wantKey: "bin[0].name"},
		{name: "bin not array", toml: "[package]\nname = \"x\"\n[bin]\nname = \"b\"\n", wantKey: "bin"},
		{name: "bin without name", toml: "[package]\nname = \"x\"\n[[bin]]\npath = \"src/b.rs\"\n", wantKey: "bin[0].name"},
		{name: "bin empty name", toml: "[package]\nname = \"x\"\n[[bin]]\nname = \"\"\n", wantKey: "bin[0].name"},
		{name: "bin name with slash", toml: "[package]\nname = \"x\"\n[[example]]\nname = \"../../etc\"\n", wantKey: "example[0].name"},
		{name: "lib path int", toml: "[package]\nname = \"x\"\n[lib]\npath = 1\n", wantKey: "lib.path"},
		{name: "proc-macro string", toml: "[package]\nname = \"x\"\n[lib]\nproc-macro = \"yes\"\n", wantKey: "lib.proc-macro"},
		{name: "package not table", toml: "package = \"x\"\n", wantKey: "package"},
		{name: "name missing", toml: "[package]\nversion = \"1.0.0\"\n", wantKey: "package.name"},
		{name: "name int", toml: "[package]\nname = 7\n", wantKey: "package.name"},
		{name: "name empty", toml: "[package]\nname = \"\"\n", wantKey: "package.name"},
		{name: "name bad char", toml: "[package]\nname = \"a/b\"\n", wantKey: "package.name"},
		{name: "name digit first", toml: "[package]\nname = \"1abc\"\n", wantKey: "package.name"},
		{name: "version array", toml: "[package]\nname = \"x\"\nversion = [1]\n", wantKey: "package.version"},
		{name: "version workspace false", toml: "[package]\nname = \"x\"\nversion = { workspace = false }\n", wantKey: "package.version"},
		{name: "edition int", toml: "[package]\nname = \"x\"\nedition = 2021\n", wantKey: "package.edition"},
		{name: "build int", toml: "[package]\nname = \"x\"\nbuild = 1\n", wantKey: "package.build"},
		{name: "autobins string", toml: "[package]\nname = \"x\"\nautobins = \"no\"\n", wantKey: "package.autobins"},
		{name: "dependency int", toml: "[package]\nname = \"x\"\n[dependencies]\nfoo = 1\n", wantKey: "dependencies.foo"},
		{name: "dependency features string", toml: "[package]\nname = \"x\"\n[dependencies]\nfoo = { version = \"1\", features = \"std\" }\n", wantKey: "dependencies.foo.features"},
		{name: "dependency optional string", toml: "[package]\nname = \"x\"\n[dependencies]\nfoo = { version = \"1\", optional = \"yes\" }\n", wantKey: "dependencies.foo.optional"},
		{name: "dependency workspace false", toml: "[package]\nname = \"x\"\n[dependencies]\nfoo = { workspace = false }\n", wantKey: "dependencies.foo.workspace"},
		{name: "dependencies array", toml: "dependencies = [1]\n[package]\nname = \"x\"\n", wantKey: "dependencies"},
		{name: "target not table", toml: "[package]\nname = \"x\"\n[target]\nunix = 1\n", wantKey: "target.unix"},
		{name: "quoted target key", toml: "[package]\nname = \"x\"\n[target.'cfg(unix)'.dependencies]\nfoo = true\n", wantKey: `target."cfg(unix)".dependencies.foo`},
		{name: "members not strings", toml: "[workspace]\nmembers = [1]\n", wantKey: "workspace.members[0]"},
		{name: "required-features not array", toml: "[package]\nname = \"x\"\n[[test]]\nname = \"t\"\nrequired-features = \"a\"\n", wantKey: "test[0].required-features"},
		{name: "no package or workspace", toml: "[dependencies]\nfoo = \"1\"\n", wantSub: []string{"no [package] or [workspace]"}},
		{name: "empty file", toml: "", wantSub: []string{"no [package] or [workspace]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeCrate(t, map[string]string{"Cargo.toml": tt.toml})
			m, err := Load(dir)
			if err == nil {
				t.Fatalf("Load succeeded: %+v", m)
			}
			path := filepath.Join(dir, "Cargo.toml")
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if tt.wantKey != "" {
				var ke *KeyError
				if !errors.As(err, &ke) {
					t.Fatalf("error %q is not a *KeyError", err)
				}
				if ke.Key != tt.wantKey {
					t.Errorf("KeyError.Key = %q, want %q (%v)", ke.Key, tt.wantKey, err)
				}
			}
			for _, s := range tt.wantSub {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	tests := []struct {
		name, toml string
		line, col  int
	}{
		{"missing value", "[package]\nname = \"x\"\nversion = \n", 3, 11},
		{"unterminated string", "[package]\nname = \"x\n", 2, 8},
		{"duplicate key", "[package]\nname = \"x\"\nname = \"y\"\n", 3, 1},
		{"bad header", "[package\nname = \"x\"\n", 2, 9}, // the library reports the newline's line
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("/nonexistent/crate/Cargo.toml", []byte(tt.toml))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			var pe toml.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %q does not wrap toml.ParseError", err)
			}
			if pe.Position.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", pe.Position.Line, tt.line, err)
			}
			prefix := "/nonexistent/crate/Cargo.toml:" + strconv.Itoa(pe.Position.Line) + ":" + strconv.Itoa(pe.Position.Col) + ":"
			if !strings.Contains(err.Error(), prefix) {
				t.Errorf("error %q lacks file:line:col prefix %q", err, prefix)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	t.Run("missing dir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "nope")
		_, err := Load(dir)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v, want fs.ErrNotExist", err)
		}
		if !strings.Contains(err.Error(), filepath.Join(dir, "Cargo.toml")) {
			t.Errorf("error %q does not name the path", err)
		}
	})
	t.Run("missing manifest", func(t *testing.T) {
		dir := writeCrate(t, map[string]string{"src/lib.rs": ""})
		_, err := Load(dir)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(dir, "Cargo.toml")) {
			t.Fatalf("err = %v, want fs.ErrNotExist naming the path", err)
		}
	})
	t.Run("symlinked manifest", func(t *testing.T) {
		outside := writeCrate(t, map[string]string{"Cargo.toml": "[package]\nname = \"x\"\n"})
		dir := t.TempDir()
		if err := os.Symlink(filepath.Join(outside, "Cargo.toml"), filepath.Join(dir, "Cargo.toml")); err != nil {
			t.Skip(err)
		}
		if _, err := Load(dir); !errors.Is(err, ErrNotRegular) {
			t.Fatalf("err = %v, want ErrNotRegular", err)
		}
	})
	t.Run("manifest is a directory", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "Cargo.toml"), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir); !errors.Is(err, ErrNotRegular) {
			t.Fatalf("err = %v, want ErrNotRegular", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		big := "[package]\nname = \"x\"\n" + "# " + strings.Repeat("x", MaxManifestSize) + "\n"
		dir := writeCrate(t, map[string]string{"Cargo.toml": big})
		if _, err := Load(dir); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("Load err = %v, want ErrTooLarge", err)
		}
		if _, err := Parse(filepath.Join(dir, "Cargo.toml"), []byte(big)); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("Parse err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("just under the cap", func(t *testing.T) {
		head := "[package]\nname = \"x\"\n# "
		data := head + strings.Repeat("x", MaxManifestSize-len(head)-1) + "\n"
		if _, err := Parse(filepath.Join(t.TempDir(), "Cargo.toml"), []byte(data)); err != nil {
			t.Fatalf("Parse: %v", err)
		}
	})
}

func TestDeepNesting(t *testing.T) {
	const huge = 1 << 20
	tests := []struct {
		name    string
		data    string
		wantErr bool
	}{
		{"arrays", "a = " + strings.Repeat("[", huge) + strings.Repeat("]", huge), true},
		{"arrays unclosed", "a = " + strings.Repeat("[", huge), true},
		{"inline tables", "a = " + strings.Repeat("{a=", huge) + "1" + strings.Repeat("}", huge), true},
		{"dotted key", strings.Repeat("a.", huge) + "a = 1\n", true},
		{"table header", "[" + strings.Repeat("a.", huge) + "a]\n", true},
		{"array of tables header", "[[" + strings.Repeat("a.", huge) + "a]]\n", true},
		{"header plus dotted key", "[" + strings.Repeat("a.", 40) + "a]\n" + strings.Repeat("b.", 40) + "b = 1\n", true},
		{"mixed", "a = [" + strings.Repeat("{b.c.d = [", huge/4), true},
		{"brackets in strings are not nesting", "[package]\nname = \"x\"\ndescription = \"" + strings.Repeat("[", 1000) + "\"\n" +
			"d2 = '''\n" + strings.Repeat("{[", 1000) + "\n'''\n# " + strings.Repeat("[", 1000) + "\n", false},
		{"moderate nesting is fine", "[package]\nname = \"x\"\n[package.metadata.a.b.c]\nx = " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n", false},
		{"many floats", "[package]\nname = \"x\"\n[package.metadata]\nv = [" + strings.Repeat("1.5, ", 1000) + "]\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(filepath.Join(t.TempDir(), "Cargo.toml"), []byte(tt.data))
			if tt.wantErr {
				if err == nil {
					t.Fatal("Parse succeeded")
				}
				if !errors.Is(err, ErrTooDeep) {
					t.Fatalf("err = %v, want ErrTooDeep", err)
				}
				if !strings.Contains(err.Error(), "Cargo.toml:") {
					t.Errorf("error %q lacks the file position", err)
				}
			} else if err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

func TestTooComplex(t *testing.T) {
	var b strings.Builder
	b.WriteString("[package]\nname = \"x\"\n[package.metadata]\n")
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "k%d.a.b.c.d.e.f.g.h = 1\n", i)
	}
	_, err := Parse(filepath.Join(t.TempDir(), "Cargo.toml"), []byte(b.String()))
	if !errors.Is(err, ErrTooComplex) {
		t.Fatalf("err = %v, want ErrTooComplex", err)
	}
	// The same number of plain keys is fine.
	b.Reset()
	b.WriteString("[package]\nname = \"x\"\n[package.metadata]\n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, "k%d = [1, 2]\n", i)
	}
	if _, err := Parse(filepath.Join(t.TempDir(), "Cargo.toml"), []byte(b.String())); err != nil {
		t.Fatalf("Parse: %v", err)
	}
}

func TestCheckNestingTokenizer(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		limit int
		ok    bool
	}{
		{"depth at limit", "a = [[[]]]", 3, true},
		{"depth over limit", "a = [[[[]]]]", 3, false},
		{"dotted key counts", "a.b.c.d.e = 1", 3, false},
		{"dotted key at limit", "a.b.c.d = 1", 3, true},
		{"quoted dots ignored", `"a.b.c.d.e" = 1`, 1, true},
		{"literal quoted dots ignored", `'a.b.c.d.e' = 1`, 1, true},
		{"escaped quote", `a = "\"[[[[[" `, 1, true},
		{"multiline basic with quotes", "a = \"\"\"x\"\"[[[[\"\"\"\"\nb = 1", 1, true},
		{"multiline literal", "a = '''[[[['''", 1, true},
		{"comment", "a = 1 # [[[[[[", 1, true},
		{"header then key", "[a.b.c]\nd.e = 1", 2, false},
		{"header then key at limit", "[a.b]\nc.d = 1", 2, true},
		{"array of tables header", "[[a.b.c]]\nx = 1", 1, false},
		{"comma resets", "a = [1.5, 2.5, 3.5, 4.5]", 2, true},
		{"newline resets key", "a.b = 1\nc.d = 2\n", 2, true},
		{"unterminated string stops at newline", "a = \"abc\n" + "b = [[[[[[", 3, false},
		{"header with quoted key", "[\"a.b.c.d\"]\nx = 1", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkShape([]byte(tt.data), tt.limit, MaxComplexity)
			if (err == nil) != tt.ok {
				t.Errorf("checkShape(%q, %d) = %v, want ok=%v", tt.data, tt.limit, err, tt.ok)
			}
		})
	}
}
