package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// registryDir holds the crates Debian's librust-*-dev packages install.
const registryDir = "/usr/share/cargo/registry"

func registryCrate(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(registryDir, name)
	if _, err := os.Stat(filepath.Join(dir, "Cargo.toml")); err != nil {
		t.Skipf("%s not installed: %v", dir, err)
	}
	return dir
}

func TestRealCrates(t *testing.T) {
	tests := []struct {
		crate                  string
		name, version, edition string
		lib                    string // describe(Lib), "" for none
		build                  string // relative build script path, "" for none
		features               map[string][]string
		deps                   []string // "kind:name[@target][?]" that must be present (? = optional)
		tests                  []string // names of some test targets
		examples               []string
	}{
		{
			crate: "tokio-1.24.2", name: "tokio", version: "1.24.2", edition: "2018",
			lib: "lib:tokio=src/lib.rs@2018", build: "build.rs",
			features: map[string][]string{"default": {}, "rt-multi-thread": {"num_cpus", "rt"}, "macros": {"tokio-macros"}},
			deps: []string{"normal:bytes?", "normal:pin-project-lite", "build:autocfg", "dev:futures",
				"normal:socket2@cfg(not(any(target_arch = \"wasm32\", target_arch = \"wasm64\")))?",
				"normal:winapi@cfg(windows)?", "dev:socket2@cfg(not(any(target_arch = \"wasm32\", target_arch = \"wasm64\")))"},
			tests: []string{"fs_file", "io_driver"},
		},
		{
			crate: "mio-0.8.4", name: "mio", version: "0.8.4", edition: "2018",
			lib:      "lib:mio=src/lib.rs@2018",
			features: map[string][]string{"os-ext": {"os-poll"}, "net": {}},
			deps:     []string{"normal:log", "normal:libc@cfg(unix)", "dev:rand"},
			examples: []string{"tcp_server", "udp_server"},
		},
		{
			crate: "nix-0.26.1", name: "nix", version: "0.26.1", edition: "2018",
			lib:      "lib:nix=src/lib.rs@2018",
			features: map[string][]string{"aio": {"pin-utils"}},
			deps:     []string{"normal:libc", "normal:pin-utils?", "normal:memoffset@cfg(not(target_os = \"redox\"))?", "dev:caps@cfg(any(target_os = \"android\", target_os = \"linux\"))"},
			tests:    []string{"test", "test-aio-drop"},
		},
		{
			crate: "serde-1.0.152", name: "serde", version: "1.0.152", edition: "2015",
			lib: "lib:serde=src/lib.rs@2015", build: "build.rs",
			features: map[string][]string{"default": {"std"}, "derive": {"serde_derive"}},
			deps:     []string{"normal:serde_derive?", "dev:serde_derive"},
		},
		{
			crate: "syn-1.0.107", name: "syn", version: "1.0.107", edition: "2018",
			lib: "lib:syn=src/lib.rs@2018", build: "build.rs",
			features: map[string][]string{"printing": {"quote"}},
			deps:     []string{"normal:proc-macro2", "normal:quote?", "normal:unicode-ident", "dev:insta"},
			tests:    []string{"test_expr"},
		},
		{
			crate: "libc-0.2.139", name: "libc", version: "0.2.139", edition: "2015",
			lib: "lib:libc=src/lib.rs@2015", build: "build.rs",
			features: map[string][]string{"default": {"std"}, "rustc-dep-of-std": {"align", "rustc-std-workspace-core"}},
			deps:     []string{"normal:rustc-std-workspace-core?"},
			tests:    []string{"const_fn"},
		},
		{
			crate: "proc-macro2-1.0.47", name: "proc-macro2", version: "1.0.47", edition: "2018",
			lib: "lib:proc_macro2=src/lib.rs@2018", build: "build.rs",
			features: map[string][]string{"default": {"proc-macro"}, "proc-macro": {}},
			deps:     []string{"normal:unicode-ident", "dev:quote"},
		},
		{
			crate: "serde_derive-1.0.152", name: "serde_derive", version: "1.0.152", edition: "2015",
			lib: "proc-macro:serde_derive=src/lib.rs@2015", build: "build.rs",
			features: map[string][]string{"default": {}, "deserialize_in_place": {}},
			deps:     []string{"normal:proc-macro2", "normal:quote", "normal:syn", "dev:serde"},
		},
		{
			crate: "thiserror-impl-1.0.38", name: "thiserror-impl", version: "1.0.38", edition: "2018",
			lib:  "proc-macro:thiserror_impl=src/lib.rs@2018",
			deps: []string{"normal:proc-macro2", "normal:quote", "normal:syn"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.crate, func(t *testing.T) {
			m, err := Load(registryCrate(t, tt.crate))
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != tt.name || m.Version != tt.version || m.Edition != tt.edition {
				t.Errorf("got %s %s edition %s, want %s %s edition %s", m.Name, m.Version, m.Edition, tt.name, tt.version, tt.edition)
			}
			if got := strings.Join(describe(m, m.Lib), ""); got != tt.lib {
				t.Errorf("lib = %q, want %q", got, tt.lib)
			}
			gotBuild := ""
			if m.BuildScript != nil {
				gotBuild, _ = filepath.Rel(m.Dir, m.BuildScript.Path)
				if m.BuildScript.Kind != KindBuildScript {
					t.Errorf("build script kind %q", m.BuildScript.Kind)
				}
			}
			if gotBuild != tt.build {
				t.Errorf("build script = %q, want %q", gotBuild, tt.build)
			}
			for f, want := range tt.features {
				got, ok := m.Features[f]
				if !ok || (len(got) != 0 || len(want) != 0) && !reflect.DeepEqual(got, want) {
					t.Errorf("features[%q] = %q (present %v), want %q", f, got, ok, want)
				}
			}
			have := map[string]bool{}
			for _, d := range m.Dependencies {
				k := string(d.Kind) + ":" + d.Name
				if d.Target != "" {
					k += "@" + d.Target
				}
				if d.Optional {
					k += "?"
				}
				have[k] = true
			}
			for _, d := range tt.deps {
				if !have[d] {
					t.Errorf("dependency %s missing; have %v", d, sortedKeys(have))
				}
			}
			names := func(ts []*Target) map[string]bool {
				out := map[string]bool{}
				for _, t := range ts {
					out[t.Name] = true
				}
				return out
			}
			for _, n := range tt.tests {
				if !names(m.Tests)[n] {
					t.Errorf("test target %q missing", n)
				}
			}
			for _, n := range tt.examples {
				if !names(m.Examples)[n] {
					t.Errorf("example target %q missing", n)
				}
			}
			if len(m.Warnings) > 0 {
				t.Errorf("warnings: %q", m.Warnings)
			}
		})
	}
}

func TestTokioFeatures(t *testing.T) {
	m, err := Load(registryCrate(t, "tokio-1.24.2"))
	if err != nil {
		t.Fatal(err)
	}

	full, err := m.ResolveFeatures([]string{"full"}, false, false)
	if err != nil {
		t.Fatal(err)
	}
	wantEnabled := []string{
		"bytes", "default", "fs", "full", "io-std", "io-util", "libc", "macros", "memchr", "mio", "net",
		"num_cpus", "parking_lot", "process", "rt", "rt-multi-thread", "signal", "signal-hook-registry",
		"socket2", "sync", "time", "tokio-macros", "winapi",
	}
	if got := keys(full.Enabled); !reflect.DeepEqual(got, wantEnabled) {
		t.Errorf("full: Enabled =\n %q\nwant\n %q", got, wantEnabled)
	}
	wantDeps := []string{"bytes", "libc", "memchr", "mio", "num_cpus", "parking_lot", "signal-hook-registry", "socket2", "tokio-macros", "winapi"}
	if got := keys(full.OptionalDeps); !reflect.DeepEqual(got, wantDeps) {
		t.Errorf("full: OptionalDeps = %q, want %q", got, wantDeps)
	}
	if full.OptionalDeps["tracing"] {
		t.Errorf("full must not enable tracing (only test-util/tokio_unstable paths do)")
	}
	if got, want := full.DepFeatures["mio"], []string{"net", "os-ext", "os-poll"}; !reflect.DeepEqual(got, want) {
		t.Errorf("full: DepFeatures[mio] = %q, want %q", got, want)
	}
	if got := full.DepFeatures["winapi"]; !contains(got, "fileapi") || !contains(got, "consoleapi") || !sort.StringsAreSorted(got) {
		t.Errorf("full: DepFeatures[winapi] = %q", got)
	}

	def, err := m.ResolveFeatures(nil, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(def.Enabled); !reflect.DeepEqual(got, []string{"default"}) {
		t.Errorf("default: Enabled = %q, want [default]", got)
	}
	if len(def.OptionalDeps) != 0 || len(def.DepFeatures) != 0 {
		t.Errorf("default: OptionalDeps = %v, DepFeatures = %v; want none", def.OptionalDeps, def.DepFeatures)
	}

	_, err = m.ResolveFeatures([]string{"rt", "no-such-feature"}, false, false)
	var ue *UnknownFeaturesError
	if !errors.As(err, &ue) || !reflect.DeepEqual(ue.Features, []string{"no-such-feature"}) {
		t.Fatalf("unknown feature: err = %v", err)
	}
	if !strings.Contains(err.Error(), "no-such-feature") || !strings.Contains(err.Error(), "tokio") {
		t.Errorf("error %q should name the package and the feature", err)
	}

	all, err := m.ResolveFeatures(nil, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if !all.OptionalDeps["tracing"] || !all.Enabled["test-util"] {
		t.Errorf("all features: tracing or test-util missing: %v", keys(all.Enabled))
	}
}

// TestAllRegistryManifests loads every Cargo.toml Debian installed. None may
// fail or panic; warnings are logged (they are facts about the packaged
// crates, e.g. examples Debian stripped).
func TestAllRegistryManifests(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(registryDir, "*", "Cargo.toml"))
	if len(paths) == 0 {
		t.Skipf("no crates under %s", registryDir)
	}
	var (
		loaded, warned, virtual, procMacros, buildScripts, withTargetDeps, resolved int
		inheritedCrates                                                             []string
		maxShape                                                                    shape
	)
	for _, p := range paths {
		dir := filepath.Dir(p)
		if data, err := os.ReadFile(p); err == nil {
			sh, err := measureShape(data, MaxNesting, MaxComplexity)
			if err != nil {
				t.Errorf("%s: %v", p, err)
			}
			maxShape.cost = max(maxShape.cost, sh.cost)
			maxShape.depth = max(maxShape.depth, sh.depth)
		}
		m, err := Load(dir)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(dir), err)
			continue
		}
		loaded++
		if m.Virtual() {
			virtual++
			continue
		}
		if len(m.Warnings) > 0 {
			warned++
			t.Logf("%s: %d warnings, first: %s", filepath.Base(dir), len(m.Warnings), m.Warnings[0])
		}
		if m.Lib != nil && m.Lib.Kind == KindProcMacro {
			procMacros++
		}
		if m.BuildScript != nil {
			buildScripts++
		}
		if len(m.InheritedKeys) > 0 {
			inheritedCrates = append(inheritedCrates, filepath.Base(dir))
		}
		for _, d := range m.Dependencies {
			if d.Target != "" {
				withTargetDeps++
				break
			}
		}
		for _, tgt := range m.Targets() {
			if !filepath.IsAbs(tgt.Path) || tgt.Edition == "" || tgt.Name == "" {
				t.Errorf("%s: bad target %+v", filepath.Base(dir), tgt)
			}
		}
		for _, args := range []struct{ all, noDef bool }{{false, false}, {true, false}, {false, true}} {
			if _, err := m.ResolveFeatures(nil, args.all, args.noDef); err != nil {
				t.Errorf("%s: ResolveFeatures(all=%v): %v", filepath.Base(dir), args.all, err)
			}
		}
		resolved++
	}
	t.Logf("loaded %d/%d manifests: %d virtual, %d with warnings, %d proc-macros, %d build scripts, %d with [target] deps, %d feature-resolved, inherited keys in %v; largest complexity %d, deepest nesting %d",
		loaded, len(paths), virtual, warned, procMacros, buildScripts, withTargetDeps, resolved, inheritedCrates, maxShape.cost, maxShape.depth)
}
