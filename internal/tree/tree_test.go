package tree

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/effects"
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

func witness(f *analysis.Function, cap effects.Capability) string {
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
		cap    effects.Capability
		prefix string
	}{
		{"treeapp::dial", effects.Net, "treeapp::dial -> tokio::net::tcp::stream::TcpStream::connect ->"},
		{"treeapp::dial", effects.Net, "treeapp::dial -> tokio::net::tcp::stream::TcpStream::connect -> tokio::net::tcp::stream::TcpStream::connect_addr -> mio::net::tcp::stream::TcpStream::connect ->"},
		{"treeapp::scratch", effects.FS, "treeapp::scratch -> tempfile::"},
		{"treeapp::build_c", effects.Process, "treeapp::build_c -> cc::"},
	}
	for _, tc := range tests {
		f := function(app, tc.fn)
		if f == nil {
			t.Errorf("%s: no reachable capability at all", tc.fn)
			continue
		}
		if w := witness(f, tc.cap); !strings.HasPrefix(w, tc.prefix) || tc.cap == effects.Net && !strings.HasSuffix(w, "-> libc::connect") {
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
	if mc == nil || !strings.HasSuffix(witness(mc, effects.Net), "-> libc::connect") {
		t.Errorf("mio TcpStream::connect net witness = %v", mc)
	}
	if got := strings.Join(app.BroughtBy[effects.Net], ","); got != "tokio" {
		t.Errorf("net brought by %q, want tokio", got)
	}
	if tok := crate(rep, "tokio"); tok == nil || !tok.BuildTime {
		t.Errorf("tokio (build script) not marked build-time: %+v", tok)
	}
}

// TestTreeProblems: a dependency whose source is missing and one whose
// manifest is malformed are reported, and the rest is analysed.
func TestTreeProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
	if f == nil || witness(f, effects.Env) != "app::f -> good::g -> std::env::var" {
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
	JSON(&a, &Report{Root: cold.Root, Crates: cold.Crates, Edges: cold.Edges})
	JSON(&b, &Report{Root: warm.Root, Crates: warm.Crates, Edges: warm.Edges})
	if a.String() != b.String() {
		t.Error("warm report differs from the cold one")
	}
	// Corrupt every entry: each must be ignored and rebuilt, not trusted.
	corrupted := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			data, _ := os.ReadFile(path)
			if i := strings.Index(string(data), `"effects"`); i >= 0 {
				data[i+2] = 'X' // still JSON, but the checksum no longer matches
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
	JSON(&c3, &Report{Root: again.Root, Crates: again.Crates, Edges: again.Edges})
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
		if f := function(app, "treeapp::dial"); f == nil || !strings.HasSuffix(witness(f, effects.Net), "-> libc::connect") {
			t.Errorf("%v: dial = %+v", mode, f)
		}
		for _, c := range rep.Crates {
			if !c.Analyzed {
				t.Errorf("%v: %s not analysed: %s", mode, c.Name, c.Error)
			}
		}
	}
}
