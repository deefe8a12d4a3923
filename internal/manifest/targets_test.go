package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// describe renders targets as "kind:name=relpath@edition" for comparison.
func describe(m *Manifest, ts ...*Target) []string {
	var out []string
	for _, t := range ts {
		if t == nil {
			continue
		}
		rel, err := filepath.Rel(m.Dir, t.Path)
		if err != nil {
			rel = t.Path
		}
		s := fmt.Sprintf("%s:%s=%s@%s", t.Kind, t.Name, filepath.ToSlash(rel), t.Edition)
		if len(t.RequiredFeatures) > 0 {
			s += "+" + strings.Join(t.RequiredFeatures, ",")
		}
		out = append(out, s)
	}
	return out
}

func TestTargetDiscovery(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		want     []string // describe(m.Targets()...)
		warnings []string // substrings that must appear among the warnings
		noWarn   bool
	}{
		{
			name:   "lib only, name with dashes",
			files:  map[string]string{"Cargo.toml": "[package]\nname = \"my-crate\"\nedition = \"2021\"\n", "src/lib.rs": ""},
			want:   []string{"lib:my_crate=src/lib.rs@2021"},
			noWarn: true,
		},
		{
			name:   "no targets at all",
			files:  map[string]string{"Cargo.toml": "[package]\nname = \"empty\"\n"},
			want:   nil,
			noWarn: true,
		},
		{
			name: "proc macro with explicit lib table",
			files: map[string]string{
				"Cargo.toml": "[package]\nname = \"derive-it\"\nedition = \"2018\"\n[lib]\nproc-macro = true\n",
				"src/lib.rs": "",
			},
			want:   []string{"proc-macro:derive_it=src/lib.rs@2018"},
			noWarn: true,
		},
		{
			name: "proc_macro alias, crate-type, custom lib path and name and edition",
			files: map[string]string{
				"Cargo.toml":  "[package]\nname = \"p\"\n[lib]\nname = \"pm\"\npath = \"lib/pm.rs\"\nproc_macro = true\nedition = \"2021\"\n",
				"lib/pm.rs":   "",
				"src/main.rs": "",
			},
			want:   []string{"proc-macro:pm=lib/pm.rs@2021", "bin:p=src/main.rs@2015"},
			noWarn: true,
		},
		{
			name: "crate-type proc-macro",
			files: map[string]string{
				"Cargo.toml": "[package]\nname = \"p\"\n[lib]\ncrate-type = [\"proc-macro\"]\n",
				"src/lib.rs": "",
			},
			want: []string{"proc-macro:p=src/lib.rs@2015"},
		},
		{
			name: "full auto discovery",
			files: map[string]string{
				"Cargo.toml":              "[package]\nname = \"app\"\nedition = \"2021\"\n",
				"src/lib.rs":              "",
				"src/main.rs":             "",
				"src/bin/tool.rs":         "",
				"src/bin/multi/main.rs":   "",
				"src/bin/multi/helper.rs": "",
				"src/bin/nomain/x.rs":     "",
				"src/bin/README.md":       "",
				"src/bin/.hidden.rs":      "",
				"examples/ex1.rs":         "",
				"examples/ex2/main.rs":    "",
				"tests/it.rs":             "",
				"tests/common/mod.rs":     "",
				"benches/b.rs":            "",
				"benches/bd/main.rs":      "",
				"build.rs":                "",
			},
			want: []string{
				"lib:app=src/lib.rs@2021",
				"bin:app=src/main.rs@2021", "bin:multi=src/bin/multi/main.rs@2021", "bin:tool=src/bin/tool.rs@2021",
				"example:ex1=examples/ex1.rs@2021", "example:ex2=examples/ex2/main.rs@2021",
				"test:it=tests/it.rs@2021",
				"bench:b=benches/b.rs@2021", "bench:bd=benches/bd/main.rs@2021",
				"build-script:build-script-build=build.rs@2021",
			},
			noWarn: true,
		},
		{
			name: "auto discovery disabled",
			files: map[string]string{
				"Cargo.toml":      "[package]\nname = \"app\"\nedition = \"2021\"\nautobins = false\nautoexamples = false\nautotests = false\nautobenches = false\nautolib = false\n",
				"src/lib.rs":      "",
				"src/main.rs":     "",
				"src/bin/tool.rs": "",
				"examples/e.rs":   "",
				"tests/t.rs":      "",
				"benches/b.rs":    "",
			},
			want: nil,
		},
		{
			name: "autobins false keeps declared bins",
			files: map[string]string{
				"Cargo.toml":       "[package]\nname = \"app\"\nedition = \"2021\"\nautobins = false\n[[bin]]\nname = \"tool\"\n",
				"src/main.rs":      "",
				"src/bin/tool.rs":  "",
				"src/bin/other.rs": "",
			},
			want: []string{"bin:tool=src/bin/tool.rs@2021"},
		},
		{
			name: "edition 2018 merges declared and inferred bins",
			files: map[string]string{
				"Cargo.toml":       "[package]\nname = \"app\"\nedition = \"2018\"\n[[bin]]\nname = \"tool\"\nrequired-features = [\"cli\"]\n[features]\ncli = []\n",
				"src/main.rs":      "",
				"src/bin/tool.rs":  "",
				"src/bin/other.rs": "",
			},
			want:   []string{"bin:tool=src/bin/tool.rs@2018+cli", "bin:app=src/main.rs@2018", "bin:other=src/bin/other.rs@2018"},
			noWarn: true,
		},
		{
			name: "edition 2015 explicit bin disables inference",
			files: map[string]string{
				"Cargo.toml":       "[package]\nname = \"app\"\n[[bin]]\nname = \"tool\"\n",
				"src/main.rs":      "",
				"src/bin/tool.rs":  "",
				"src/bin/other.rs": "",
			},
			want:     []string{"bin:tool=src/bin/tool.rs@2015"},
			warnings: []string{"disables bin auto-discovery on edition 2015; not built: app, other"},
		},
		{
			name: "edition 2015 with autobins = true infers anyway",
			files: map[string]string{
				"Cargo.toml":      "[package]\nname = \"app\"\nautobins = true\n[[bin]]\nname = \"tool\"\n",
				"src/bin/tool.rs": "",
				"src/main.rs":     "",
			},
			want: []string{"bin:tool=src/bin/tool.rs@2015", "bin:app=src/main.rs@2015"},
		},
		{
			name: "declared path shadows inferred target with the same file",
			files: map[string]string{
				"Cargo.toml":      "[package]\nname = \"app\"\nedition = \"2021\"\n[[bin]]\nname = \"renamed\"\npath = \"src/bin/tool.rs\"\n",
				"src/bin/tool.rs": "",
			},
			want: []string{"bin:renamed=src/bin/tool.rs@2021"},
		},
		{
			name: "declared targets without a path get the default path",
			files: map[string]string{
				"Cargo.toml":        "[package]\nname = \"app\"\nedition = \"2021\"\n[[bin]]\nname = \"app\"\n[[bin]]\nname = \"d\"\n[[example]]\nname = \"ex\"\nedition = \"2015\"\n[[test]]\nname = \"t\"\n[[bench]]\nname = \"b\"\n",
				"src/main.rs":       "",
				"src/bin/d/main.rs": "",
				"examples/ex.rs":    "",
				"tests/t.rs":        "",
				"benches/b.rs":      "",
			},
			want: []string{
				"bin:app=src/main.rs@2021", "bin:d=src/bin/d/main.rs@2021",
				"example:ex=examples/ex.rs@2015", "test:t=tests/t.rs@2021", "bench:b=benches/b.rs@2021",
			},
			noWarn: true,
		},
		{
			name: "declared targets whose files are missing",
			files: map[string]string{
				"Cargo.toml": "[package]\nname = \"app\"\nedition = \"2021\"\n[lib]\n[[bin]]\nname = \"gone\"\n[[example]]\nname = \"ex\"\n[[test]]\nname = \"t\"\npath = \"tests/x.rs\"\n",
			},
			want: []string{
				"lib:app=src/lib.rs@2021", "bin:gone=src/bin/gone.rs@2021", "example:ex=examples/ex.rs@2021", "test:t=tests/x.rs@2021",
			},
			warnings: []string{"lib: file not found: src/lib.rs", "bin[0] (gone): file not found: src/bin/gone.rs", "example[0] (ex): file not found: examples/ex.rs", "test[0] (t): file not found: tests/x.rs"},
		},
		{
			name: "2015 legacy lib and bin paths",
			files: map[string]string{
				"Cargo.toml":      "[package]\nname = \"old\"\n[lib]\n[[bin]]\nname = \"helper\"\n",
				"src/old.rs":      "",
				"src/bin/main.rs": "",
			},
			want: []string{"lib:old=src/old.rs@2015", "bin:helper=src/bin/main.rs@2015"},
		},
		{
			name: "inline array of bin tables",
			files: map[string]string{
				"Cargo.toml": "bin = [{ name = \"a\", path = \"a.rs\" }]\n[package]\nname = \"app\"\nedition = \"2021\"\n",
				"a.rs":       "",
			},
			want: []string{"bin:a=a.rs@2021"},
		},
		{
			name: "duplicate bin from file and directory",
			files: map[string]string{
				"Cargo.toml":        "[package]\nname = \"app\"\nedition = \"2021\"\n",
				"src/bin/x.rs":      "",
				"src/bin/x/main.rs": "",
			},
			want:     []string{"bin:x=src/bin/x/main.rs@2021", "bin:x=src/bin/x.rs@2021"},
			warnings: []string{"duplicate bin target name \"x\""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := loadFixture(t, tt.files)
			got := describe(m, m.Targets()...)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("targets:\n got %q\nwant %q", got, tt.want)
			}
			for _, w := range tt.warnings {
				if !hasWarning(m, w) {
					t.Errorf("no warning containing %q in %q", w, m.Warnings)
				}
			}
			if tt.noWarn && len(m.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", m.Warnings)
			}
		})
	}
}

func TestBuildScript(t *testing.T) {
	tests := []struct {
		name     string
		pkgExtra string
		files    map[string]string
		want     string // describe() of BuildScript, "" for none
		warning  string
	}{
		{name: "auto build.rs", files: map[string]string{"build.rs": ""}, want: "build-script:build-script-build=build.rs@2018"},
		{name: "no build.rs", want: ""},
		{name: "build = false", pkgExtra: "build = false", files: map[string]string{"build.rs": ""}, want: ""},
		{name: "build = true", pkgExtra: "build = true", files: map[string]string{"build.rs": ""}, want: "build-script:build-script-build=build.rs@2018"},
		{name: "build = true missing", pkgExtra: "build = true", want: "build-script:build-script-build=build.rs@2018", warning: "package.build: file not found: build.rs"},
		{name: "custom path", pkgExtra: `build = "build/main.rs"`, files: map[string]string{"build/main.rs": ""}, want: "build-script:build-script-main=build/main.rs@2018"},
		{name: "dot slash path", pkgExtra: `build = "./build.rs"`, files: map[string]string{"build.rs": ""}, want: "build-script:build-script-build=build.rs@2018"},
		{name: "custom path missing", pkgExtra: `build = "gen.rs"`, want: "build-script:build-script-gen=gen.rs@2018", warning: "file not found: gen.rs"},
		{name: "escaping path", pkgExtra: `build = "../evil/build.rs"`, want: "build-script:build-script-build=../evil/build.rs@2018", warning: "target path escapes the crate directory: \"../evil/build.rs\""},
		{name: "list of build scripts", pkgExtra: `build = ["a.rs", "b.rs"]`, files: map[string]string{"a.rs": "", "b.rs": ""}, want: "build-script:build-script-a=a.rs@2018", warning: "lists 2 build scripts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"Cargo.toml": "[package]\nname = \"b\"\nedition = \"2018\"\n" + tt.pkgExtra + "\n"}
			for k, v := range tt.files {
				files[k] = v
			}
			m := loadFixture(t, files)
			got := ""
			if m.BuildScript != nil {
				got = describe(m, m.BuildScript)[0]
			}
			if got != tt.want {
				t.Errorf("BuildScript = %q, want %q", got, tt.want)
			}
			if tt.warning != "" && !hasWarning(m, tt.warning) {
				t.Errorf("no warning containing %q in %q", tt.warning, m.Warnings)
			}
			if tt.warning == "" && len(m.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", m.Warnings)
			}
		})
	}
}

func TestEscapingTargetPaths(t *testing.T) {
	outside := t.TempDir()
	abs := filepath.Join(outside, "abs.rs")
	if err := os.WriteFile(abs, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	m := loadFixture(t, map[string]string{
		"Cargo.toml":  fmt.Sprintf("[package]\nname = \"esc\"\nedition = \"2021\"\n[lib]\npath = \"src/../../lib.rs\"\n[[bin]]\nname = \"a\"\npath = %q\n[[test]]\nname = \"ok\"\npath = \"tests/../tests/ok.rs\"\n", abs),
		"tests/ok.rs": "",
	})
	if got, want := m.Lib.Path, filepath.Join(filepath.Dir(m.Dir), "lib.rs"); got != want {
		t.Errorf("lib path = %q, want %q (kept as resolved)", got, want)
	}
	if m.Bins[0].Path != abs {
		t.Errorf("bin path = %q, want %q", m.Bins[0].Path, abs)
	}
	for _, w := range []string{`lib: target path escapes the crate directory: "src/../../lib.rs"`, "bin[0] (a): target path escapes the crate directory: " + fmt.Sprintf("%q", abs)} {
		if !hasWarning(m, w) {
			t.Errorf("no warning %q in %q", w, m.Warnings)
		}
	}
	if hasWarning(m, "test[0]") {
		t.Errorf("in-crate path with .. warned: %q", m.Warnings)
	}
	if m.Tests[0].Path != filepath.Join(m.Dir, "tests", "ok.rs") {
		t.Errorf("test path not cleaned: %q", m.Tests[0].Path)
	}
}

func TestSymlinksNotFollowed(t *testing.T) {
	outside := writeCrate(t, map[string]string{
		"lib.rs": "", "main.rs": "", "bin/a.rs": "", "bin/d/main.rs": "", "ex/e.rs": "",
	})
	dir := writeCrate(t, map[string]string{
		"Cargo.toml":      "[package]\nname = \"sym\"\nedition = \"2021\"\n",
		"src/bin/real.rs": "",
	})
	links := map[string]string{
		"src/lib.rs":      filepath.Join(outside, "lib.rs"),  // symlinked crate root file
		"src/bin/link.rs": filepath.Join(outside, "main.rs"), // symlinked .rs in an auto dir
		"src/bin/linkdir": filepath.Join(outside, "bin/d"),   // symlinked directory with main.rs
		"examples":        filepath.Join(outside, "ex"),      // symlinked auto dir
		"build.rs":        filepath.Join(outside, "missing"), // dangling symlink
	}
	for rel, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			t.Skip(err)
		}
	}
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := describe(m, m.Targets()...)
	want := []string{
		"lib:sym=src/lib.rs@2021",
		"bin:link=src/bin/link.rs@2021", "bin:real=src/bin/real.rs@2021",
		"build-script:build-script-build=build.rs@2021",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("targets:\n got %q\nwant %q", got, want)
	}
	for _, w := range []string{
		"src/lib.rs is (or is inside) a symlink; not followed",
		"src/bin/link.rs is a symlink; not followed",
		"src/bin/linkdir is a symlink; not searched for targets",
		"examples is (or is inside) a symlink; not searched for targets",
		"build.rs is (or is inside) a symlink",
	} {
		if !hasWarning(m, w) {
			t.Errorf("no warning %q in %q", w, m.Warnings)
		}
	}

	// A symlinked src directory: nothing below it is looked at.
	dir2 := writeCrate(t, map[string]string{"Cargo.toml": "[package]\nname = \"sym2\"\nedition = \"2021\"\n[[bin]]\nname = \"a\"\npath = \"src/bin/a.rs\"\n"})
	if err := os.Symlink(outside, filepath.Join(dir2, "src")); err != nil {
		t.Skip(err)
	}
	m2, err := Load(dir2)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Lib == nil {
		t.Errorf("src/lib.rs behind a symlinked src should still be reported as the lib")
	}
	if !hasWarning(m2, "bin[0] (a): src/bin/a.rs is (or is inside) a symlink; not followed") {
		t.Errorf("warnings %q lack the symlinked bin path", m2.Warnings)
	}
	for _, b := range m2.Bins {
		if b.Name == "d" {
			t.Errorf("discovered a bin through the symlinked src directory: %v", b)
		}
	}
}

func TestManyDiscoveredTargets(t *testing.T) {
	files := map[string]string{"Cargo.toml": "[package]\nname = \"many\"\nedition = \"2021\"\n"}
	for i := 0; i < 300; i++ {
		files[fmt.Sprintf("tests/t%03d.rs", i)] = ""
	}
	m := loadFixture(t, files)
	if len(m.Tests) != 300 {
		t.Fatalf("got %d tests, want 300", len(m.Tests))
	}
	if !sort.SliceIsSorted(m.Tests, func(i, j int) bool { return m.Tests[i].Name < m.Tests[j].Name }) {
		t.Errorf("discovered tests are not sorted by name")
	}
}
