package tree

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/testfs"
)

func needCargo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("cargo"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cargo not found: %v", err)
		}
		t.Skip("cargo not found")
	}
	if _, err := os.Stat("/usr/share/cargo/registry/tokio-1.24.2"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus not installed: %v", err)
		}
		t.Skip("corpus not installed")
	}
}

func crate(r *Report, name string) *CrateReport {
	for i := range r.Crates {
		if r.Crates[i].Name == name {
			return &r.Crates[i]
		}
	}
	return nil
}

func function(c *CrateReport, path string) *analysis.Function {
	for i := range c.Functions {
		if c.Functions[i].Path == path {
			return &c.Functions[i]
		}
	}
	return nil
}

func witness(f *analysis.Function, cap model.Capability) string {
	for i, c := range f.Reachable {
		if c == cap {
			return f.Witness[i]
		}
	}
	return ""
}

// TestTreeApp analyses testdata/tree/app, which depends on tokio (net),
// tempfile and cc through Debian's registry, offline: capabilities must
// travel from libc through mio and tokio to the project's functions.
func TestTreeApp(t *testing.T) {
	needCargo(t)
	tr, err := deps.Resolve(context.Background(), "../../testdata/tree/app", deps.Options{Target: "x86_64-unknown-linux-gnu", Mode: deps.Cargo})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze(context.Background(), tr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	app := crate(rep, "treeapp")
	if app == nil || !app.Analyzed || len(app.Direct) != 0 {
		t.Fatalf("treeapp report = %+v", app)
	}
	for _, c := range rep.Crates {
		if !c.Analyzed {
			t.Errorf("%s not analysed: %s", c.Name, c.Error)
		}
	}
	tests := []struct {
		fn     string
		cap    model.Capability
		prefix string
	}{
		{"treeapp::dial", model.Net, "treeapp::dial -> tokio::net::tcp::stream::TcpStream::connect ->"},
		{"treeapp::dial", model.Net, "treeapp::dial -> tokio::net::tcp::stream::TcpStream::connect -> tokio::net::tcp::stream::TcpStream::connect_addr -> mio::net::tcp::stream::TcpStream::connect ->"},
		{"treeapp::scratch", model.FS, "treeapp::scratch -> tempfile::"},
		{"treeapp::build_c", model.Process, "treeapp::build_c -> cc::"},
	}
	for _, tc := range tests {
		f := function(app, tc.fn)
		if f == nil {
			t.Errorf("%s: no reachable capability at all", tc.fn)
			continue
		}
		if w := witness(f, tc.cap); !strings.HasPrefix(w, tc.prefix) || tc.cap == model.Net && !strings.HasSuffix(w, "-> libc::connect") {
			t.Errorf("%s: %s witness %q, want a path starting %q", tc.fn, tc.cap, w, tc.prefix)
		}
	}
	if f := function(app, "treeapp::add"); f != nil {
		t.Errorf("treeapp::add reaches %v, want nothing", f.Reachable)
	}
	// dial reaches mio's connect through tokio, and mio's connect reaches
	// net through libc::connect.
	dial := function(app, "treeapp::dial")
	if !strings.Contains(strings.Join(dial.Witness, "\n"), "tokio::net::tcp::stream::TcpStream::connect_addr -> mio::net::tcp::stream::TcpStream::connect") {
		t.Errorf("no witness of dial goes through tokio into mio: %v", dial.Witness)
	}
	mio := crate(rep, "mio")
	mc := function(mio, "mio::net::tcp::stream::TcpStream::connect")
	if mc == nil || !strings.HasSuffix(witness(mc, model.Net), "-> libc::connect") {
		t.Errorf("mio TcpStream::connect net witness = %v", mc)
	}
	if got := strings.Join(app.BroughtBy[model.Net], ","); got != "tokio 1.24.2" {
		t.Errorf("net brought by %q, want tokio 1.24.2", got)
	}
	// tokio's build script probes rustc (autocfg): build time, not what
	// tokio does when it runs.
	if tok := crate(rep, "tokio"); tok == nil || !hasCap(tok.BuildTime, model.Process) || len(tok.DirectBuild) == 0 {
		t.Errorf("tokio build time = %v (direct %v), want process from its build script", tok.BuildTime, tok.DirectBuild)
	}
	if ac := crate(rep, "autocfg"); ac == nil || !ac.BuildOnly || len(ac.Runtime) != 0 || !hasCap(ac.BuildTime, model.Process) {
		t.Errorf("autocfg (a build dependency) = %+v, want build only", ac)
	}
	for _, f := range app.Functions {
		if f.File == "" || f.Line == 0 {
			t.Errorf("function %s has no location", f.Path)
		}
	}
}

// TestTreeProblems: a dependency whose source is missing and one whose
// manifest is malformed are reported, and the rest is analysed.
func TestTreeProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) { testfs.WriteFile(t, dir, name, content) }
	write("app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\ngood = \"1\"\nbad = \"1\"\ngone = \"1\"\n")
	write("app/src/lib.rs", "pub fn f() { good::g(); }\n")
	write("good/Cargo.toml", "[package]\nname = \"good\"\nversion = \"1.0.0\"\n")
	write("good/src/lib.rs", "pub fn g() { std::env::var(\"X\").ok(); }\n")
	write("bad/Cargo.toml", "[package\nname = ")
	meta := `{"packages":[
 {"id":"app 0.1.0","name":"app","version":"0.1.0","manifest_path":"` + dir + `/app/Cargo.toml","targets":[{"kind":["lib"]}]},
 {"id":"good 1.0.0","name":"good","version":"1.0.0","manifest_path":"` + dir + `/good/Cargo.toml","targets":[{"kind":["lib"]}]},
 {"id":"bad 1.0.0","name":"bad","version":"1.0.0","manifest_path":"` + dir + `/bad/Cargo.toml","targets":[{"kind":["lib"]}]},
 {"id":"gone 1.0.0","name":"gone","version":"1.0.0","manifest_path":"` + dir + `/gone/Cargo.toml","targets":[{"kind":["lib"]}]}],
 "resolve":{"root":"app 0.1.0","nodes":[
 {"id":"app 0.1.0","deps":[{"name":"good","pkg":"good 1.0.0","dep_kinds":[{"kind":null}]},{"name":"bad","pkg":"bad 1.0.0","dep_kinds":[{"kind":null}]},{"name":"gone","pkg":"gone 1.0.0","dep_kinds":[{"kind":null}]}],"features":[]},
 {"id":"good 1.0.0","deps":[],"features":[]},{"id":"bad 1.0.0","deps":[],"features":[]},{"id":"gone 1.0.0","deps":[],"features":[]}]}}`
	tr, err := deps.ParseMetadata([]byte(meta), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Order) != 4 || tr.Order[len(tr.Order)-1] != "app 0.1.0" {
		t.Fatalf("order = %v, want dependencies first and app last", tr.Order)
	}
	rep, err := Analyze(context.Background(), tr, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c := crate(rep, "bad"); c == nil || c.Analyzed || !strings.Contains(c.Error, "Cargo.toml") {
		t.Errorf("malformed manifest: %+v", c)
	}
	if c := crate(rep, "gone"); c == nil || c.Analyzed || c.Error == "" {
		t.Errorf("missing source: %+v", c)
	}
	app := crate(rep, "app")
	f := function(app, "app::f")
	if f == nil || witness(f, model.Env) != "app::f -> good::g -> std::env::var" {
		t.Errorf("app::f = %+v", f)
	}
}

// BenchmarkTreeApp resolves and analyses the whole tree of
// testdata/tree/app (tokio, mio, tempfile, cc, libc, ... : 13 crates).
func BenchmarkTreeApp(b *testing.B) {
	if _, err := exec.LookPath("cargo"); err != nil {
		b.Skip("cargo not found")
	}
	for i := 0; i < b.N; i++ {
		tr, err := deps.Resolve(context.Background(), "../../testdata/tree/app", deps.Options{Target: "x86_64-unknown-linux-gnu", Mode: deps.Cargo})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Analyze(context.Background(), tr, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTreeAppWarm is BenchmarkTreeApp with a cache filled by a
// first run: nothing is re-analysed.
func BenchmarkTreeAppWarm(b *testing.B) {
	if _, err := exec.LookPath("cargo"); err != nil {
		b.Skip("cargo not found")
	}
	c, err := cache.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	run := func() *Report {
		tr, err := deps.Resolve(context.Background(), "../../testdata/tree/app", deps.Options{Target: "x86_64-unknown-linux-gnu", Mode: deps.Cargo, Cache: c})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Analyze(context.Background(), tr, Options{Cache: c})
		if err != nil {
			b.Fatal(err)
		}
		return rep
	}
	run()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rep := run(); rep.Cached != len(rep.Crates) {
			b.Fatalf("%d of %d crates from the cache", rep.Cached, len(rep.Crates))
		}
	}
}

// TestTreeCache: a second run takes every crate from the cache and gives
// the same report; a corrupted entry is ignored and rebuilt.
func TestTreeCache(t *testing.T) {
	needCargo(t)
	dir := t.TempDir()
	c, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	run := func() *Report {
		tr, err := deps.Resolve(context.Background(), "../../testdata/tree/app", deps.Options{Target: "x86_64-unknown-linux-gnu", Mode: deps.Cargo, Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Analyze(context.Background(), tr, Options{Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	cold := run()
	warm := run()
	if cold.Cached != 0 || warm.Cached != len(warm.Crates) {
		t.Fatalf("cached: cold %d, warm %d of %d", cold.Cached, warm.Cached, len(warm.Crates))
	}
	var a, b strings.Builder
	writeJSON(&a, &Report{Root: cold.Root, Crates: cold.Crates, Edges: cold.Edges})
	writeJSON(&b, &Report{Root: warm.Root, Crates: warm.Crates, Edges: warm.Edges})
	// Another version of Warden does not trust these entries.
	tr, _ := deps.Resolve(context.Background(), "../../testdata/tree/app", deps.Options{Target: "x86_64-unknown-linux-gnu", Mode: deps.Cargo, Cache: c})
	if other, err := Analyze(context.Background(), tr, Options{Cache: c, Version: "other"}); err != nil || other.Cached != 0 {
		t.Errorf("another Warden version used %d cached crates (err %v)", other.Cached, err)
	}
	if a.String() != b.String() {
		t.Error("warm report differs from the cold one")
	}
	// Corrupt every entry: each must be ignored and rebuilt, not trusted.
	corrupted := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".gob") {
			data, _ := os.ReadFile(path)
			if corrupted%2 == 0 {
				data[len(data)-1] ^= 0xff // the header is intact, the checksum no longer matches
			} else {
				data = data[:len(data)/2] // truncated
			}
			os.WriteFile(path, data, 0o644)
			corrupted++
		}
		return nil
	})
	if corrupted == 0 {
		t.Fatal("no cache entries written")
	}
	again := run()
	var c3 strings.Builder
	writeJSON(&c3, &Report{Root: again.Root, Crates: again.Crates, Edges: again.Edges})
	if again.Cached != 0 || c3.String() != a.String() {
		t.Errorf("after corruption: %d from cache (want 0), report equal: %v", again.Cached, c3.String() == a.String())
	}
}

// TestTreeWithoutCargo: the trees resolved from Cargo.lock and from the
// manifests alone analyse like cargo's: capabilities still travel from
// the dependencies to the project's functions.
func TestTreeWithoutCargo(t *testing.T) {
	if _, err := os.Stat("/usr/share/cargo/registry/tokio-1.24.2"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus not installed: %v", err)
		}
		t.Skip("corpus not installed")
	}
	for _, mode := range []deps.Mode{deps.Lock, deps.Manifest} {
		tr, err := deps.Resolve(context.Background(), "../../testdata/tree/app", deps.Options{Target: "x86_64-unknown-linux-gnu", Mode: mode})
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		rep, err := Analyze(context.Background(), tr, Options{})
		if err != nil {
			t.Fatal(err)
		}
		app := crate(rep, "treeapp")
		if f := function(app, "treeapp::scratch"); f == nil || !strings.Contains(strings.Join(f.Witness, " "), "tempfile::") {
			t.Errorf("%v: scratch = %+v", mode, f)
		}
		if f := function(app, "treeapp::dial"); f == nil || !strings.HasSuffix(witness(f, model.Net), "-> libc::connect") {
			t.Errorf("%v: dial = %+v", mode, f)
		}
		for _, c := range rep.Crates {
			if !c.Analyzed {
				t.Errorf("%v: %s not analysed: %s", mode, c.Name, c.Error)
			}
		}
	}
}

func writeJSON(b *strings.Builder, r *Report) {
	data, _ := json.Marshal(r)
	b.Write(data)
}

func needApps(t *testing.T) {
	t.Helper()
	for _, c := range []string{"duct-0.13.5", "tempfile-3.3.0", "tokio-1.24.2", "clap-3.2.23", "clap-4.0.32"} {
		if _, err := os.Stat(filepath.Join("/usr/share/cargo/registry", c)); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("corpus not installed: %v", err)
			}
			t.Skip("corpus not installed")
		}
	}
}

// TestApplication scans testdata/apps/cli as a user would: a binary-only
// crate (src/main.rs, src/bin/tool.rs, build.rs) on tokio, tempfile and
// duct. Its main reaches what its dependencies reach, through duct's cmd!
// macro (expanded from duct's source) too; the build script's effects are
// build time; the code build.rs generates into OUT_DIR is a blind spot.
// The witnesses are the chains the compiler's MIR confirms
// (testdata/apps/cli/witness.txt).
func TestApplication(t *testing.T) {
	needApps(t)
	scan, err := ScanPackages(context.Background(), "../../testdata/apps/cli", ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := scan.Results[0]
	var main, build *analysis.Function
	for i, f := range res.Functions {
		switch f.Path {
		case "cli::main":
			main = &res.Functions[i]
		case "build_script_build::main":
			build = &res.Functions[i]
		}
	}
	if main == nil || !main.Entry || main.Target != "bin" {
		t.Fatalf("cli::main = %+v", main)
	}
	for _, want := range []struct {
		cap    model.Capability
		prefix string
		suffix string
	}{
		{model.Process, "cli::main -> cli::greet -> duct::Expression::run -> duct::Expression::start ->", ""},
		{model.FS, "cli::main -> cli::scratch -> tempfile::", ""},
		{model.Net, "cli::main -> cli::run_dial -> cli::dial -> tokio::net::tcp::stream::TcpStream::connect ->", "-> libc::connect"},
		{model.Env, "cli::main -> std::env::var", ""},
	} {
		w := witness(main, want.cap)
		if !strings.HasPrefix(w, want.prefix) || !strings.HasSuffix(w, want.suffix) {
			t.Errorf("main %s witness = %q, want %q...%q", want.cap, w, want.prefix, want.suffix)
		}
	}
	if build == nil || !build.BuildTime || !build.Entry || witness(build, model.FS) == "" {
		t.Errorf("build script main = %+v, want a build-time entry reaching fs", build)
	}
	if res.Complete() {
		t.Error("the OUT_DIR include! is not reported: the analysis claims to be complete")
	}
	blind := false
	for _, d := range res.Diagnostics {
		if d.Kind == "generated-code" && d.Pos.File == "src/main.rs" && d.Pos.Line == 8 {
			blind = true
		}
	}
	if !blind {
		t.Error("no generated-code blind spot at src/main.rs:8")
	}
	cli := crate(scan.Tree, "cli")
	if cli == nil || !hasCap(cli.Runtime, model.Process) || !hasCap(cli.BuildTime, model.FS) || !hasCap(cli.DirectBuild, model.FS) {
		t.Errorf("cli crate report = runtime %v, build %v", cli.Runtime, cli.BuildTime)
	}
}

// TestTwoVersions: clap 3 and clap 4 in one tree stay apart: each
// function reaches what its own version reaches, and witnesses name the
// version.
func TestTwoVersions(t *testing.T) {
	needApps(t)
	scan, err := ScanPackages(context.Background(), "../../testdata/apps/twoversions", ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := scan.Results[0]
	var v3, v4 *analysis.Function
	for i, f := range res.Functions {
		switch f.Path {
		case "twoversions::parse_given_v3":
			v3 = &res.Functions[i]
		case "twoversions::parse_process_v4":
			v4 = &res.Functions[i]
		}
	}
	if v4 == nil || !strings.Contains(witness(v4, model.Env), "clap@4.0.32::") {
		t.Errorf("parse_process_v4 env witness = %q, want one through clap 4.0.32", witness(v4, model.Env))
	}
	if v3 != nil {
		for i, c := range v3.Reachable {
			if strings.Contains(v3.Witness[i], "clap@4.") {
				t.Errorf("parse_given_v3 reaches %s through clap 4: %s", c, v3.Witness[i])
			}
		}
	}
	versions := map[string]bool{}
	for _, c := range scan.Tree.Crates {
		if c.Name == "clap" {
			versions[c.Version] = true
		}
	}
	if len(versions) != 2 {
		t.Errorf("clap versions in the tree report: %v", versions)
	}
}

func hasCap(cs []model.Capability, c model.Capability) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// TestMacrosAcrossCrates: a dependency's exported macro is expanded in
// the crate that invokes it, also when a macro of the dependency defines
// it (its definition then travels as text), when the dependency
// re-exports another crate's macro through a module, and when the crate
// reaches it through a module of its own that re-exports the crate.
func TestMacrosAcrossCrates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) { testfs.WriteFile(t, dir, name, content) }
	write("app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nmid = { path = \"../mid\" }\n")
	write("app/src/lib.rs", `use mid;
mod via { pub use mid::made as made_here; }
pub fn made() { mid::made!(); }
pub fn through() { mid::__private::base::reads!(); }
pub fn local_path() { crate::via::made_here!(); }
`)
	write("mid/Cargo.toml", "[package]\nname = \"mid\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nbase = { path = \"../base\" }\n")
	write("mid/src/lib.rs", `macro_rules! define {
    ($name:ident, $what:expr) => {
        #[macro_export]
        macro_rules! $name { () => { let _ = std::fs::read($what); } }
    };
}
define!(made, "made");
#[doc(hidden)]
pub mod __private { pub extern crate base; }
`)
	write("base/Cargo.toml", "[package]\nname = \"base\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
	write("base/src/lib.rs", "#[macro_export]\nmacro_rules! reads { () => { let _ = std::env::var(\"X\"); } }\n")
	g, err := deps.Resolve(context.Background(), filepath.Join(dir, "app"), deps.Options{Mode: deps.Manifest})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze(context.Background(), g, Options{Full: []deps.ID{g.Root}})
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Results[g.Root]
	if !res.Complete() {
		t.Errorf("blind spots: %v", res.Of(diag.BlindSpot))
	}
	got := map[string]string{}
	for _, d := range res.Of(diag.Effect) {
		got[d.Function] += d.Capability + " "
	}
	for fn, want := range map[string]string{"app::made": "fs ", "app::through": "env ", "app::local_path": "fs "} {
		if got[fn] != want {
			t.Errorf("%s effects = %q, want %q (all: %v)", fn, got[fn], want, got)
		}
	}
}
