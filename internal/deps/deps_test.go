package deps

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/testfs"
)

const linux = "x86_64-unknown-linux-gnu"

// writeFiles creates files (path relative to dir -> content).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	testfs.Write(t, dir, files)
}

// crate returns the files of a minimal library crate.
func crate(dir, name, version, rest string) map[string]string {
	return map[string]string{
		dir + "/Cargo.toml": fmt.Sprintf("[package]\nname = %q\nversion = %q\nedition = \"2018\"\n%s", name, version, rest),
		dir + "/src/lib.rs": "",
	}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// isolate points $CARGO_HOME at an empty directory under dir, so that
// only the test's own sources (and Debian's registry) are searched.
func isolate(t *testing.T, dir string) string {
	t.Helper()
	home := filepath.Join(dir, "cargo-home")
	if err := os.MkdirAll(filepath.Join(home, "registry", "src", "index.test"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CARGO_HOME", home)
	return filepath.Join(home, "registry", "src", "index.test")
}

func resolve(t *testing.T, dir string, opt Options) *Graph {
	t.Helper()
	g, err := Resolve(context.Background(), dir, opt)
	if err != nil {
		t.Fatalf("Resolve(%s, %v): %v", dir, opt.Mode, err)
	}
	return g
}

// byName returns the packages of the graph's order named name.
func byName(g *Graph, name string) []*Package {
	var out []*Package
	for _, id := range g.Order {
		if p := g.Packages[id]; p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

func one(t *testing.T, g *Graph, name string) *Package {
	t.Helper()
	ps := byName(g, name)
	if len(ps) != 1 {
		t.Fatalf("%d packages named %s in %v", len(ps), name, g.Order)
	}
	return ps[0]
}

func dep(p *Package, name string) *Dep {
	for i := range p.Deps {
		if p.Deps[i].Name == name {
			return &p.Deps[i]
		}
	}
	return nil
}

// edges renders a graph's reachable packages and edges by name and
// version, independent of how ids are spelled.
func edges(g *Graph) []string {
	var out []string
	for _, id := range g.Order {
		p := g.Packages[id]
		out = append(out, p.Name+" "+p.Version)
		for _, d := range p.Deps {
			q := g.Packages[d.ID]
			out = append(out, fmt.Sprintf("%s %s -> %s=%s %s normal=%v build=%v target=%q", p.Name, p.Version, d.Name, q.Name, q.Version, d.Normal, d.Build, d.Target))
		}
	}
	sort.Strings(out)
	return out
}

// targets renders each package's targets.
func targets(g *Graph) []string {
	var out []string
	for _, id := range g.Order {
		p := g.Packages[id]
		out = append(out, fmt.Sprintf("%s %s: lib=%v %s proc-macro=%v build=%v bins=%v", p.Name, p.Version, p.HasLib, p.LibName, p.ProcMacro, p.BuildScript, p.Bins))
	}
	sort.Strings(out)
	return out
}

func features(g *Graph) []string {
	var out []string
	for _, id := range g.Order {
		p := g.Packages[id]
		out = append(out, fmt.Sprintf("%s %s: %v", p.Name, p.Version, p.Features))
	}
	sort.Strings(out)
	return out
}

func diff(t *testing.T, what string, want, got []string) {
	t.Helper()
	w, g := map[string]bool{}, map[string]bool{}
	for _, s := range want {
		w[s] = true
	}
	for _, s := range got {
		g[s] = true
	}
	for _, s := range want {
		if !g[s] {
			t.Errorf("%s: missing %s", what, s)
		}
	}
	for _, s := range got {
		if !w[s] {
			t.Errorf("%s: extra %s", what, s)
		}
	}
}

func needRegistry(t *testing.T, crates ...string) {
	t.Helper()
	for _, c := range crates {
		if _, err := os.Stat(filepath.Join(debianRegistry, c)); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("corpus crate %s not installed: %v", c, err)
			}
			t.Skipf("corpus crate %s not installed", c)
		}
	}
}

func needCargo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("cargo"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cargo not found: %v", err)
		}
		t.Skip("cargo not found")
	}
}

// TestParseMetadata reads cargo metadata with two versions of mio, a
// renamed dependency, build, dev and platform-specific dependencies.
func TestParseMetadata(t *testing.T) {
	const meta = `{"packages":[
 {"id":"app 0.1.0 (path+file:///p/app)","name":"app","version":"0.1.0","source":null,"manifest_path":"/p/app/Cargo.toml",
  "targets":[{"name":"app","kind":["lib"]},{"name":"app-cli","kind":["bin"]},{"name":"build-script-build","kind":["custom-build"]}]},
 {"id":"mio 0.8.4 (registry+https://github.com/rust-lang/crates.io-index)","name":"mio","version":"0.8.4","source":"registry+https://github.com/rust-lang/crates.io-index","manifest_path":"/r/mio-0.8.4/Cargo.toml","targets":[{"name":"mio","kind":["lib"]}]},
 {"id":"mio 0.6.23 (registry+https://github.com/rust-lang/crates.io-index)","name":"mio","version":"0.6.23","source":"registry+https://github.com/rust-lang/crates.io-index","manifest_path":"/r/mio-0.6.23/Cargo.toml","targets":[{"name":"mio","kind":["lib"]}]},
 {"id":"derive 1.0.0 (git+https://example.com/d#abc)","name":"derive","version":"1.0.0","source":"git+https://example.com/d#abc","manifest_path":"/g/derive/Cargo.toml","targets":[{"name":"derive","kind":["proc-macro"]}]},
 {"id":"cc 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","name":"cc","version":"1.0.0","source":"registry+https://github.com/rust-lang/crates.io-index","manifest_path":"/r/cc-1.0.0/Cargo.toml","targets":[{"name":"cc","kind":["lib"]}]},
 {"id":"testonly 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","name":"testonly","version":"1.0.0","source":"registry+https://github.com/rust-lang/crates.io-index","manifest_path":"/r/testonly-1.0.0/Cargo.toml","targets":[{"name":"testonly","kind":["lib"]}]},
 {"id":"winonly 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","name":"winonly","version":"1.0.0","source":"registry+https://github.com/rust-lang/crates.io-index","manifest_path":"/r/winonly-1.0.0/Cargo.toml","targets":[{"name":"winonly","kind":["lib"]}]}],
 "resolve":{"root":"app 0.1.0 (path+file:///p/app)","nodes":[
  {"id":"app 0.1.0 (path+file:///p/app)","features":["default","b","a"],"deps":[
   {"name":"mio","pkg":"mio 0.8.4 (registry+https://github.com/rust-lang/crates.io-index)","dep_kinds":[{"kind":null,"target":null}]},
   {"name":"mio06","pkg":"mio 0.6.23 (registry+https://github.com/rust-lang/crates.io-index)","dep_kinds":[{"kind":null,"target":"cfg(unix)"},{"kind":"build","target":null}]},
   {"name":"derive","pkg":"derive 1.0.0 (git+https://example.com/d#abc)","dep_kinds":[{"kind":null,"target":null}]},
   {"name":"cc","pkg":"cc 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","dep_kinds":[{"kind":"build","target":null}]},
   {"name":"testonly","pkg":"testonly 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","dep_kinds":[{"kind":"dev","target":null}]},
   {"name":"winonly","pkg":"winonly 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","dep_kinds":[{"kind":null,"target":"cfg(windows)"},{"kind":null,"target":"x86_64-pc-windows-gnu"}]}]},
  {"id":"mio 0.8.4 (registry+https://github.com/rust-lang/crates.io-index)","features":["os-poll","net"],"deps":[]},
  {"id":"mio 0.6.23 (registry+https://github.com/rust-lang/crates.io-index)","features":[],"deps":[]},
  {"id":"derive 1.0.0 (git+https://example.com/d#abc)","features":[],"deps":[]},
  {"id":"cc 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","features":[],"deps":[]},
  {"id":"testonly 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","features":[],"deps":[]},
  {"id":"winonly 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)","features":[],"deps":[]}]},
 "workspace_members":["app 0.1.0 (path+file:///p/app)"]}`
	g, err := ParseMetadata([]byte(meta), false)
	if err != nil {
		t.Fatal(err)
	}
	app := g.Packages[g.Root]
	if app == nil || app.Name != "app" || app.Source != SourcePath || app.Dir != "/p/app" {
		t.Fatalf("root = %+v", app)
	}
	if strings.Join(app.Features, ",") != "a,b,default" {
		t.Errorf("features not sorted: %v", app.Features)
	}
	if !app.HasLib || app.LibName != "app" || !app.BuildScript || app.ProcMacro || strings.Join(app.Bins, ",") != "app-cli" {
		t.Errorf("app targets: %+v", app)
	}
	mios := byName(g, "mio")
	if len(mios) != 2 || mios[0].ID == mios[1].ID {
		t.Fatalf("two versions of mio expected, got %v", g.Order)
	}
	if d := dep(app, "mio"); d == nil || g.Packages[d.ID].Version != "0.8.4" || !d.Normal || d.Build || d.Target != "" {
		t.Errorf("mio edge = %+v", d)
	}
	if d := dep(app, "mio06"); d == nil || g.Packages[d.ID].Version != "0.6.23" || !d.Normal || !d.Build || d.Target != "" {
		t.Errorf("mio06 edge = %+v (an unconditional build declaration makes the edge unconditional)", d)
	}
	if d := dep(app, "cc"); d == nil || d.Normal || !d.Build {
		t.Errorf("cc edge = %+v", d)
	}
	if d := dep(app, "winonly"); d == nil || d.Target != "cfg(windows), x86_64-pc-windows-gnu" {
		t.Errorf("winonly edge = %+v", d)
	}
	if d := dep(app, "testonly"); d != nil {
		t.Errorf("dev-only dependency kept: %+v", d)
	}
	if p := one(t, g, "derive"); !p.ProcMacro || p.Source != SourceGit {
		t.Errorf("derive = %+v", p)
	}
	if p := byName(g, "mio")[0]; p.Source != SourceRegistry {
		t.Errorf("mio source = %s", p.Source)
	}
	if g.Order[len(g.Order)-1] != g.Root || len(g.Order) != 6 {
		t.Errorf("order = %v, want 6 packages ending with the root", g.Order)
	}

	// With DevDeps, the member's dev-dependency is kept and marked.
	g, err = ParseMetadata([]byte(meta), true)
	if err != nil {
		t.Fatal(err)
	}
	if d := dep(g.Packages[g.Root], "testonly"); d == nil || !d.Dev || d.Normal || d.Build {
		t.Errorf("dev edge with DevDeps = %+v", d)
	}

	for _, bad := range []string{`{"packages":[]}`, `{`, `{"packages":[],"resolve":{"root":"x","nodes":[]}}`} {
		if _, err := ParseMetadata([]byte(bad), false); err == nil {
			t.Errorf("ParseMetadata(%s): no error", bad)
		}
	}
}

// TestAppThreeWays resolves testdata/tree/app with cargo, from its
// Cargo.lock and from its manifests alone: the same packages, edges and
// (for this project) features.
func TestAppThreeWays(t *testing.T) {
	needCargo(t)
	needRegistry(t, "tokio-1.24.2", "tempfile-3.3.0", "cc-1.0.73")
	const app = "../../testdata/tree/app"
	viaCargo := resolve(t, app, Options{Target: linux, Mode: Cargo})
	if len(viaCargo.Order) != 13 {
		t.Errorf("cargo: %d packages, want 13", len(viaCargo.Order))
	}
	for _, mode := range []Mode{Lock, Manifest} {
		g := resolve(t, app, Options{Target: linux, Mode: mode})
		diff(t, mode.String()+" edges", edges(viaCargo), edges(g))
		diff(t, mode.String()+" features", features(viaCargo), features(g))
		diff(t, mode.String()+" targets", targets(viaCargo), targets(g))
		for _, id := range g.Order {
			if p := g.Packages[id]; p.Dir == "" || p.DefaultFeatures {
				t.Errorf("%v: %s: dir %q, default features %v (%s)", mode, id, p.Dir, p.DefaultFeatures, p.Missing)
			}
		}
		if len(g.Notes) != 0 {
			t.Errorf("%v: notes %q", mode, g.Notes)
		}
		tokio := one(t, g, "tokio")
		if !tokio.BuildScript || tokio.LibName != "tokio" || tokio.Source != SourceRegistry {
			t.Errorf("%v: tokio = %+v", mode, tokio)
		}
		if d := dep(tokio, "autocfg"); d == nil || !d.Build || d.Normal {
			t.Errorf("%v: tokio -> autocfg = %+v", mode, d)
		}
		if d := dep(tokio, "libc"); d == nil || d.Target != "cfg(unix)" {
			t.Errorf("%v: tokio -> libc = %+v", mode, d)
		}
		if d := dep(one(t, g, "tokio"), "pin_project_lite"); d == nil {
			t.Errorf("%v: the edge to pin-project-lite is not named pin_project_lite", mode)
		}
	}
	// On every platform, the lock and the manifests bring in the Windows
	// crates that cargo filtered out for Linux.
	all := resolve(t, app, Options{Target: AllTargets, Mode: Manifest})
	if len(byName(all, "winapi")) == 0 && dirExists(filepath.Join(debianRegistry, "winapi-0.3.9")) {
		t.Errorf("target all: no winapi in %v", all.Order)
	}
}

func dirExists(d string) bool {
	fi, err := os.Stat(d)
	return err == nil && fi.IsDir()
}

// TestRegistryCrates resolves crates unpacked in Debian's registry,
// which have neither a lock file nor (for cargo) their dev-dependencies:
// from their manifests, with the highest versions present.
func TestRegistryCrates(t *testing.T) {
	needRegistry(t, "hostname-0.3.1", "match_cfg-0.1.0", "duct-0.13.5")
	ctx := context.Background()

	g, err := Resolve(ctx, filepath.Join(debianRegistry, "hostname-0.3.1"), Options{Target: linux})
	if err != nil {
		t.Fatal(err)
	}
	host := g.Packages[g.Root]
	if host.Name != "hostname" || host.Source != SourcePath {
		t.Fatalf("root = %+v", host)
	}
	if p := one(t, g, "match_cfg"); p.Version != "0.1.0" || p.Dir != filepath.Join(debianRegistry, "match_cfg-0.1.0") {
		t.Errorf("match_cfg = %+v", p)
	}
	libc := one(t, g, "libc")
	if !strings.HasPrefix(libc.Version, "0.2.") || libc.Dir == "" {
		t.Errorf("libc = %+v", libc)
	}
	if d := dep(host, "libc"); d == nil || d.Target != `cfg(any(unix, target_os = "redox"))` || !d.Normal {
		t.Errorf("hostname -> libc = %+v", d)
	}
	if len(byName(g, "winapi")) != 0 || len(byName(g, "version-sync")) != 0 {
		t.Errorf("windows or dev dependency followed on linux: %v", g.Order)
	}
	if len(g.Notes) == 0 || !strings.Contains(g.Notes[0], "resolved from the manifests") {
		t.Errorf("notes = %q, want the fallback explained", g.Notes)
	}
	// On Windows, winapi instead of libc.
	win := resolve(t, filepath.Join(debianRegistry, "hostname-0.3.1"), Options{Target: "x86_64-pc-windows-msvc", Mode: Manifest})
	if len(byName(win, "libc")) != 0 || len(byName(win, "winapi")) != 1 {
		t.Errorf("windows: %v", win.Order)
	}

	g = resolve(t, filepath.Join(debianRegistry, "duct-0.13.5"), Options{Target: linux, Mode: Manifest})
	duct := g.Packages[g.Root]
	for _, name := range []string{"once_cell", "os_pipe", "shared_child", "libc"} {
		d := dep(duct, name)
		if d == nil {
			t.Errorf("duct -> %s missing", name)
			continue
		}
		if p := g.Packages[d.ID]; p.Dir == "" {
			t.Errorf("%s: %s", p.ID, p.Missing)
		}
	}
	if d := dep(one(t, g, "os_pipe"), "libc"); d == nil || d.ID != dep(duct, "libc").ID {
		t.Errorf("os_pipe and duct do not share one libc: %+v", d)
	}
	if len(byName(g, "tempfile")) != 0 {
		t.Error("duct's dev-dependency tempfile followed")
	}
	if len(duct.Bins) != 0 || !duct.HasLib {
		// duct's examples are not binaries; its lib is its only target.
		if !duct.HasLib {
			t.Errorf("duct targets = %+v", duct)
		}
	}
	// The root's dev-dependencies only when asked for.
	g = resolve(t, filepath.Join(debianRegistry, "duct-0.13.5"), Options{Target: linux, Mode: Manifest, DevDeps: true})
	if d := dep(g.Packages[g.Root], "tempfile"); d == nil || !d.Dev || d.Normal {
		t.Errorf("DevDeps: tempfile edge = %+v", d)
	} else if p := g.Packages[d.ID]; p.Dir != "" && len(byName(g, "fastrand")) == 0 {
		t.Errorf("DevDeps: tempfile's own dependencies not followed: %v", g.Order)
	}
}

// TestTwoVersions: a tree with mio 0.6 and mio 0.8 at once keeps them
// apart: one package each, edges by id, features unified per version.
func TestTwoVersions(t *testing.T) {
	dir := t.TempDir()
	reg := isolate(t, dir)
	writeFiles(t, reg, merge(
		crate("mio-0.6.23", "mio", "0.6.23", "[features]\ndefault = [\"with-deprecated\"]\nwith-deprecated = []\nold = []\n"),
		crate("mio-0.6.22", "mio", "0.6.22", ""),
		crate("mio-0.8.11", "mio", "0.8.11", "[features]\nos-poll = []\nnet = []\n"),
		crate("mio-0.8.99-alpha.1", "mio", "0.8.99-alpha.1", "[features]\nos-poll = []\nnet = []\n"),
		crate("mio-0.9.0", "mio", "0.9.0", ""),
	))
	writeFiles(t, dir, merge(
		crate("app", "app", "0.1.0", `[dependencies]
mio = { version = "0.8", features = ["os-poll"] }
mio06 = { package = "mio", version = "0.6", default-features = false }
net = { path = "../net" }
`),
		crate("net", "net", "0.2.0", `[dependencies]
mio = { version = "0.8.1", features = ["net"] }
mio-old = { package = "mio", version = "~0.6.20", default-features = false, features = ["old"] }
`),
	))
	g := resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Manifest})
	mios := byName(g, "mio")
	if len(mios) != 2 {
		t.Fatalf("mio packages: %v", g.Order)
	}
	var v6, v8 *Package
	for _, p := range mios {
		switch p.Version {
		case "0.6.23":
			v6 = p
		case "0.8.11":
			v8 = p
		}
	}
	if v6 == nil || v8 == nil {
		t.Fatalf("want mio 0.6.23 and 0.8.11 (highest matching, no pre-release), got %v", g.Order)
	}
	if got := strings.Join(v8.Features, ","); got != "net,os-poll" {
		t.Errorf("mio 0.8 features = %s, want both dependents' requests", got)
	}
	if got := strings.Join(v6.Features, ","); got != "old" {
		t.Errorf("mio 0.6 features = %s, want old only (every dependent turned defaults off)", got)
	}
	app := g.Packages[g.Root]
	if d := dep(app, "mio"); d == nil || d.ID != v8.ID {
		t.Errorf("app -> mio = %+v", d)
	}
	if d := dep(app, "mio06"); d == nil || d.ID != v6.ID {
		t.Errorf("app -> mio06 = %+v", d)
	}
	net := one(t, g, "net")
	if d := dep(net, "mio_old"); d == nil || d.ID != v6.ID {
		t.Errorf("net -> mio_old = %+v (renamed dependencies use the rename, underscored)", d)
	}
	if net.Source != SourcePath || !strings.Contains(string(net.ID), "(path+file://") {
		t.Errorf("net = %+v", net)
	}
	if g.Order[len(g.Order)-1] != g.Root {
		t.Errorf("order = %v", g.Order)
	}
}

// TestFeatureUnification: features requested by several dependents are
// unioned per package, defaults stay off only if every dependent turns
// them off, and optional dependencies enabled by features are followed.
func TestFeatureUnification(t *testing.T) {
	dir := t.TempDir()
	reg := isolate(t, dir)
	writeFiles(t, reg, merge(
		crate("corelib-1.0.0", "corelib", "1.0.0", "[features]\ndefault = [\"std\"]\nstd = []\nx = [\"dep:extra\"]\ny = [\"helper?/fast\"]\n[dependencies]\nextra = { version = \"1\", optional = true }\nhelper = { version = \"1\", optional = true }\n"),
		crate("extra-1.0.0", "extra", "1.0.0", ""),
		crate("helper-1.0.0", "helper", "1.0.0", "[features]\nfast = []\n"),
		crate("mid-1.0.0", "mid", "1.0.0", "[dependencies]\ncorelib = { version = \"1\", default-features = false, features = [\"y\"] }\n"),
		crate("other-1.0.0", "other", "1.0.0", "[dependencies]\ncorelib = { version = \"1\", default-features = false }\n"),
	))
	writeFiles(t, dir, crate("app", "app", "0.1.0", "[dependencies]\ncorelib = { version = \"1\", default-features = false, features = [\"x\"] }\nmid = \"1\"\nother = \"1\"\n"))
	g := resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Manifest})
	core := one(t, g, "corelib")
	if got := strings.Join(core.Features, ","); got != "x,y" {
		t.Errorf("corelib features = %s, want x,y (no defaults: every dependent turned them off)", got)
	}
	if dep(core, "extra") == nil {
		t.Error("optional dependency enabled by dep:extra not followed")
	}
	if dep(core, "helper") != nil || len(byName(g, "helper")) != 0 {
		t.Error("a weak feature (helper?/fast) enabled its optional dependency")
	}
	// One more dependent that keeps the defaults turns them on.
	writeFiles(t, reg, crate("more-1.0.0", "more", "1.0.0", "[dependencies]\ncorelib = \"1\"\n"))
	writeFiles(t, dir, crate("app", "app", "0.1.0", "[dependencies]\ncorelib = { version = \"1\", default-features = false, features = [\"x\"] }\nmid = \"1\"\nmore = \"1\"\n"))
	g = resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Manifest})
	if got := strings.Join(one(t, g, "corelib").Features, ","); got != "default,std,x,y" {
		t.Errorf("corelib features = %s, want default,std,x,y", got)
	}
	// An unknown feature is dropped with a note, not fatal.
	writeFiles(t, dir, crate("app", "app", "0.1.0", "[dependencies]\ncorelib = { version = \"1\", features = [\"nope\"] }\n"))
	g = resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Manifest})
	if len(g.Notes) != 1 || !strings.Contains(g.Notes[0], "nope") {
		t.Errorf("notes = %q", g.Notes)
	}
	if got := strings.Join(one(t, g, "corelib").Features, ","); got != "default,std" {
		t.Errorf("corelib features = %s", got)
	}
}

// TestTargets: [target.X] tables apply by cfg or triple; "all" keeps
// every one; a key Warden cannot read is kept with a note.
func TestTargets(t *testing.T) {
	dir := t.TempDir()
	reg := isolate(t, dir)
	files := map[string]string{}
	for _, n := range []string{"unixdep", "windep", "tripledep", "oddep", "builddep", "armdep"} {
		files = merge(files, crate(n+"-1.0.0", n, "1.0.0", ""))
	}
	writeFiles(t, reg, files)
	writeFiles(t, dir, crate("app", "app", "0.1.0", `[target.'cfg(unix)'.dependencies]
unixdep = "1"
[target.'cfg(all(windows, target_env = "msvc"))'.dependencies]
windep = "1"
[target.x86_64-unknown-linux-gnu.dependencies]
tripledep = "1"
[target.'cfg(unix'.dependencies]
oddep = "1"
[target.'cfg(target_arch = "aarch64")'.build-dependencies]
armdep = "1"
[build-dependencies]
builddep = "1"
`))
	names := func(g *Graph) string {
		var out []string
		for _, d := range g.Packages[g.Root].Deps {
			out = append(out, d.Name)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct{ target, want string }{
		{linux, "builddep oddep tripledep unixdep"},
		{"x86_64-pc-windows-msvc", "builddep oddep windep"},
		{"aarch64-apple-darwin", "armdep builddep oddep unixdep"},
		{AllTargets, "armdep builddep oddep tripledep unixdep windep"},
	} {
		g := resolve(t, filepath.Join(dir, "app"), Options{Target: tc.target, Mode: Manifest})
		if got := names(g); got != tc.want {
			t.Errorf("%s: deps %q, want %q", tc.target, got, tc.want)
		}
		if tc.target != AllTargets && (len(g.Notes) != 1 || !strings.Contains(g.Notes[0], "cfg(unix")) {
			t.Errorf("%s: notes %q, want one about the malformed key", tc.target, g.Notes)
		}
		if d := dep(g.Packages[g.Root], "unixdep"); d != nil && d.Target != "cfg(unix)" {
			t.Errorf("unixdep target = %q", d.Target)
		}
	}
	if _, err := Resolve(context.Background(), filepath.Join(dir, "app"), Options{Target: "no-such-target", Mode: Manifest}); err == nil {
		t.Error("unknown target: no error")
	}
}

// TestMissing: dependencies found nowhere stay in the graph with the
// reason; the rest resolves.
func TestMissing(t *testing.T) {
	dir := t.TempDir()
	reg := isolate(t, dir)
	writeFiles(t, reg, merge(crate("there-1.0.0", "there", "1.0.0", ""), crate("old-0.1.0", "old", "0.1.0", "")))
	writeFiles(t, dir, crate("app", "app", "0.1.0", `[dependencies]
there = "1"
warden-test-nonexistent = "1"
old = "0.2"
gone = { path = "../gone" }
bad = "not a requirement"
fromgit = { git = "https://example.com/warden-test/fromgit" }
`))
	g := resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Manifest})
	if p := one(t, g, "there"); p.Dir == "" {
		t.Errorf("there: %s", p.Missing)
	}
	for name, want := range map[string]string{
		"warden-test-nonexistent": reg,
		"old":                     "present: 0.1.0",
		"gone":                    "gone",
		"bad":                     "not a requirement",
		"fromgit":                 "checkouts",
	} {
		p := one(t, g, name)
		if p.Dir != "" || !strings.Contains(p.Missing, want) {
			t.Errorf("%s: dir %q, missing %q, want it to mention %q", name, p.Dir, p.Missing, want)
		}
	}
	if p := one(t, g, "warden-test-nonexistent"); !strings.Contains(p.Missing, debianRegistry) {
		t.Errorf("missing reason does not list every directory searched: %s", p.Missing)
	}
	if p := one(t, g, "fromgit"); p.Source != SourceGit {
		t.Errorf("fromgit source = %s", p.Source)
	}
	if len(g.Packages[g.Root].Deps) != 6 {
		t.Errorf("root deps = %+v", g.Packages[g.Root].Deps)
	}

	// In lock mode, a locked version absent from every source directory.
	writeFiles(t, dir, map[string]string{"app/Cargo.toml": "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nthere = \"1\"\n",
		"app/Cargo.lock": "version = 3\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"there\"]\n[[package]]\nname = \"there\"\nversion = \"1.0.7\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"})
	g = resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Lock})
	if p := one(t, g, "there"); p.Dir != "" || p.ID != "there 1.0.7" || !strings.Contains(p.Missing, "there 1.0.7 not found") || !p.DefaultFeatures {
		t.Errorf("lock: there = %+v", p)
	}
}

// TestMalformed: a malformed manifest or lock file of the project is an
// error naming it; a dependency's malformed manifest keeps the package
// (its analysis reports the problem) and notes it.
func TestMalformed(t *testing.T) {
	dir := t.TempDir()
	reg := isolate(t, dir)
	ctx := context.Background()
	writeFiles(t, dir, map[string]string{"broken/Cargo.toml": "[package\nname = ", "broken/src/lib.rs": ""})
	for _, mode := range []Mode{Auto, Lock, Manifest} {
		_, err := Resolve(ctx, filepath.Join(dir, "broken"), Options{Mode: mode})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "broken", "Cargo.toml")) {
			t.Errorf("%v: malformed root manifest: %v", mode, err)
		}
	}
	writeFiles(t, dir, merge(crate("app", "app", "0.1.0", "[dependencies]\nbad = \"1\"\nlocal = { path = \"../local\" }\n"),
		map[string]string{"app/Cargo.lock": "[[package]\nname = ", "local/Cargo.toml": "[package]\nname = 5\n"}))
	writeFiles(t, reg, map[string]string{"bad-1.0.0/Cargo.toml": "[package]\nname = \"bad\"\nversion = \"1.0.0\"\n[dependencies]\nx = { version = [] }\n"})
	_, err := Resolve(ctx, filepath.Join(dir, "app"), Options{Mode: Lock})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "app", "Cargo.lock")) {
		t.Errorf("malformed lock file: %v", err)
	}
	g := resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Manifest})
	bad := one(t, g, "bad")
	if bad.Dir != filepath.Join(reg, "bad-1.0.0") || !bad.DefaultFeatures || len(bad.Deps) != 0 {
		t.Errorf("bad = %+v", bad)
	}
	local := one(t, g, "local")
	if local.Dir == "" || !strings.Contains(local.Missing, "package.name") {
		t.Errorf("local = %+v", local)
	}
	notes := strings.Join(g.Notes, "\n")
	if !strings.Contains(notes, filepath.Join(reg, "bad-1.0.0", "Cargo.toml")) || !strings.Contains(notes, filepath.Join(dir, "local", "Cargo.toml")) {
		t.Errorf("notes do not name the malformed manifests: %q", g.Notes)
	}
	// Auto mode falls back past the malformed lock file, and says so.
	g = resolve(t, filepath.Join(dir, "app"), Options{Target: linux})
	if !strings.Contains(strings.Join(g.Notes, "\n"), "Cargo.lock") {
		t.Errorf("auto: notes = %q", g.Notes)
	}
}

// TestPathCycles: path dependencies that loop, directly or through a
// symbolic link to a parent, terminate.
func TestPathCycles(t *testing.T) {
	dir := t.TempDir()
	isolate(t, dir)
	writeFiles(t, dir, merge(
		crate("a", "a", "0.1.0", "[dependencies]\nb = { path = \"../b\" }\n"),
		crate("b", "b", "0.1.0", "[dependencies]\na = { path = \"../a\" }\nc = { path = \"c\" }\n"),
		crate("b/c", "c", "0.1.0", "[dependencies]\nc = { path = \"loop/loop\" }\n"),
	))
	if err := os.Symlink(".", filepath.Join(dir, "b", "c", "loop")); err != nil {
		t.Skip("no symlinks:", err)
	}
	g := resolve(t, filepath.Join(dir, "a"), Options{Target: linux, Mode: Manifest})
	if len(g.Order) != 3 {
		t.Errorf("order = %v", g.Order)
	}
	if d := dep(one(t, g, "c"), "c"); d == nil || d.ID != one(t, g, "c").ID {
		t.Errorf("c's self-dependency through the symlink = %+v", d)
	}
}

// TestWorkspace: a virtual workspace resolves each member, in every
// mode; members inherit from [workspace.dependencies] and
// [workspace.package].
func TestWorkspace(t *testing.T) {
	needRegistry(t, "tempfile-3.3.0")
	const ws = "../../testdata/tree/ws"
	modes := []Mode{Lock, Manifest}
	var viaCargo *Graph
	if _, err := exec.LookPath("cargo"); err == nil {
		modes = append(modes, Cargo)
		viaCargo = resolve(t, ws, Options{Target: linux, Mode: Cargo})
	}
	for _, mode := range modes {
		g := resolve(t, ws, Options{Target: linux, Mode: mode})
		var members []string
		for _, id := range g.Members {
			members = append(members, g.Packages[id].Name)
		}
		if strings.Join(members, " ") != "ws_a ws_b" || g.Packages[g.Root].Name != "ws_a" {
			t.Errorf("%v: members %v, root %s", mode, members, g.Root)
		}
		b := one(t, g, "ws_b")
		if d := dep(b, "ws_a"); d == nil || d.ID != one(t, g, "ws_a").ID {
			t.Errorf("%v: ws_b -> ws_a = %+v", mode, d)
		}
		if p := one(t, g, "tempfile"); p.Dir == "" {
			t.Errorf("%v: tempfile: %s", mode, p.Missing)
		}
		if viaCargo != nil && mode != Cargo {
			diff(t, mode.String()+" workspace edges", edges(viaCargo), edges(g))
		}
	}

	dir := t.TempDir()
	reg := isolate(t, dir)
	writeFiles(t, reg, merge(crate("shared-1.2.0", "shared", "1.2.0", "[features]\na = []\nb = []\n"), crate("shared-2.0.0", "shared", "2.0.0", "")))
	writeFiles(t, dir, merge(map[string]string{
		"Cargo.toml": `[workspace]
members = ["crates/*"]
exclude = ["crates/skip"]
[workspace.package]
version = "3.1.4"
[workspace.dependencies]
shared = { version = "1", features = ["a"] }
util = { path = "crates/util" }
`},
		map[string]string{"crates/one/Cargo.toml": "[package]\nname = \"one\"\nversion.workspace = true\n[dependencies]\nshared = { workspace = true, features = [\"b\"] }\nutil.workspace = true\nnothere.workspace = true\n", "crates/one/src/lib.rs": ""},
		crate("crates/util", "util", "0.1.0", ""),
		crate("crates/skip", "skip", "0.1.0", "[dependencies]\nwarden-test-nonexistent = \"1\"\n"),
		map[string]string{"crates/README": "not a crate"},
	))
	g := resolve(t, dir, Options{Target: linux, Mode: Manifest})
	member := one(t, g, "one")
	if member.Version != "3.1.4" {
		t.Errorf("inherited version = %q", member.Version)
	}
	if len(g.Members) != 2 || len(byName(g, "skip")) != 0 {
		t.Errorf("members = %v", g.Members)
	}
	if d := dep(member, "shared"); d == nil || g.Packages[d.ID].Version != "1.2.0" || strings.Join(g.Packages[d.ID].Features, ",") != "a,b" {
		t.Errorf("inherited shared = %+v", d)
	}
	if d := dep(member, "util"); d == nil || g.Packages[d.ID].Dir != filepath.Join(dir, "crates", "util") {
		t.Errorf("inherited path dependency = %+v", d)
	}
	if d := dep(member, "nothere"); d == nil || !strings.Contains(g.Packages[d.ID].Missing, "workspace") {
		t.Errorf("inherited dependency missing from the workspace = %+v", d)
	}
}

// TestLockOutOfDate: a dependency the lock file does not list is taken
// from the source directories, with a note.
func TestLockOutOfDate(t *testing.T) {
	dir := t.TempDir()
	reg := isolate(t, dir)
	writeFiles(t, reg, merge(crate("one-1.0.0", "one", "1.0.0", ""), crate("one-1.1.0", "one", "1.1.0", ""), crate("two-2.0.0", "two", "2.0.0", "")))
	writeFiles(t, dir, merge(crate("app", "app", "0.1.0", "[dependencies]\none = \"1\"\ntwo = \"2\"\n"), map[string]string{
		"app/Cargo.lock": `version = 3
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["one"]

[[package]]
name = "one"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`}))
	g := resolve(t, filepath.Join(dir, "app"), Options{Target: linux, Mode: Lock})
	if p := one(t, g, "one"); p.Version != "1.0.0" {
		t.Errorf("one = %s, want the locked 1.0.0", p.Version)
	}
	if p := one(t, g, "two"); p.Version != "2.0.0" || p.Dir == "" {
		t.Errorf("two = %+v", p)
	}
	if len(g.Notes) != 1 || !strings.Contains(g.Notes[0], "no entry for two") {
		t.Errorf("notes = %q", g.Notes)
	}
}

// TestMetadataCache: a second resolution comes from the cache (cargo is
// not run: it is not even on the PATH), and a changed member manifest
// invalidates the entry.
func TestMetadataCache(t *testing.T) {
	needCargo(t)
	needRegistry(t, "tempfile-3.3.0")
	dir := t.TempDir()
	for _, f := range []string{".cargo/config.toml", "Cargo.toml", "Cargo.lock", "a/Cargo.toml", "a/src/lib.rs", "b/Cargo.toml", "b/src/lib.rs"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/tree/ws", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, dir, map[string]string{f: string(data)})
	}
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Target: linux, Mode: Cargo, Cache: c}
	first := resolve(t, dir, opt)
	t.Setenv("PATH", "")
	second := resolve(t, dir, opt)
	diff(t, "cached", edges(first), edges(second))
	writeFiles(t, dir, map[string]string{"b/Cargo.toml": "[package]\nname = \"ws_b\"\nversion = \"0.1.0\"\n"})
	if _, err := Resolve(context.Background(), dir, opt); err == nil || !strings.Contains(err.Error(), "cargo not found") {
		t.Errorf("after a member changed: %v, want cargo to be needed", err)
	}
}

// TestAutoWithoutCargo: with no cargo on the PATH, Auto mode resolves
// from Cargo.lock and says why.
func TestAutoWithoutCargo(t *testing.T) {
	needRegistry(t, "tokio-1.24.2")
	t.Setenv("PATH", "")
	g := resolve(t, "../../testdata/tree/app", Options{Target: linux})
	if len(g.Notes) == 0 || !strings.Contains(g.Notes[0], "cargo not found") || !strings.Contains(g.Notes[0], "resolved from Cargo.lock") {
		t.Errorf("notes = %q", g.Notes)
	}
	if len(g.Order) != 13 {
		t.Errorf("%d packages", len(g.Order))
	}
}
