package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"github.com/wardenrs/warden/internal/textdiff"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/imports"
	"github.com/wardenrs/warden/internal/iosafety"
	"github.com/wardenrs/warden/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sample is a hand-built Result covering every section: effects in
// several capabilities with each evidence level, one via a macro, one
// under a cfg, one at build time; public functions and a binary's main
// reaching capabilities through calls; imports; problems; findings (one
// suppressed); and blind spots of two kinds, one with more than the
// text report lists.
func sample() *analysis.Result {
	const srv = "tinyhttp::server::Server::"
	n := 0
	eff := func(fn, callee string, c model.Capability, kind, file string, line, col int) diag.Diagnostic {
		n++
		return diag.Diagnostic{Category: diag.Effect, Function: fn, Callee: callee, Capability: string(c), Kind: kind,
			Pos: diag.Position{File: file, Line: line, Col: col}, ID: "e" + strconv.Itoa(n)}
	}
	at := func(file string, line, col int) diag.Position { return diag.Position{File: file, Line: line, Col: col} }

	ds := []diag.Diagnostic{
		eff(srv+"bind", "std::net::TcpListener::bind", model.Net, "ambient", "src/server.rs", 42, 19),
		eff("tinyhttp::config::load", "std::fs::read_to_string", model.FS, "ambient", "src/config.rs", 10, 5),
		eff("tinyhttp::config::load", "std::env::var", model.Env, "ambient", "src/config.rs", 8, 16),
		eff(srv+"from_fd", "std::net::TcpListener::from_raw_fd", model.RawHandle, "forge", "src/server.rs", 60, 9),
		eff(srv+"from_fd", "unsafe block", model.Unsafe, "unsafe_block", "src/server.rs", 59, 5),
		eff("tinyhttp::sys::getpid", "libc::getpid", model.System, "call", "src/sys.rs", 5, 14),
		eff("tinyhttp::sys::c_helper", "tinyhttp::sys::c_helper", model.FFI, "extern_fn", "src/sys.rs", 12, 5),
		eff(srv+"shutdown", "std::process::exit", model.Process, "exit", "src/server.rs", 90, 9),
		eff("tinyhttp_cli::main", "std::env::args", model.Env, "ambient", "src/main.rs", 4, 16),
	}
	byType := eff("tinyhttp::log::write_file", "std::fs::File::set_len", model.FS, "ambient", "src/log.rs", 18, 9)
	byType.Resolution = diag.ResolvedType
	byName := eff("tinyhttp::sys::adopt", "from_raw_fd", model.RawHandle, "forge", "src/sys.rs", 9, 14)
	byName.Resolution = diag.ByName
	byTrait := eff("tinyhttp::net::resolve", "std::net::ToSocketAddrs::to_socket_addrs", model.Net, "ambient", "src/net.rs", 12, 11)
	byTrait.Resolution = diag.ResolvedTrait
	macro := eff("tinyhttp::log::write_file", "std::fs::OpenOptions::open", model.FS, "ambient", "src/log.rs", 22, 5)
	macro.ViaMacro = "log_to_file"
	cfg := eff("tinyhttp::tls::init", "openssl_sys::SSL_library_init", model.FFI, "extern_call", "src/tls.rs", 31, 9)
	cfg.Cfg = "ossl101"
	build := eff("build_script_build::main", "std::process::Command::new", model.Process, "ambient", "build.rs", 7, 13)
	build.BuildTime = true
	// Unsafe operations inside Server::from_fd's unsafe block (59:5):
	// listed one by one in JSON and CSV, folded into the block in text
	// and Markdown.
	block := at("src/server.rs", 59, 5)
	read := eff(srv+"from_fd", "std::ptr::read", model.Unsafe, "unsafe_call", "src/server.rs", 61, 9)
	read.UnsafeContext = &block
	deref := eff(srv+"from_fd", "deref of *const i32", model.Unsafe, "raw_deref", "src/server.rs", 62, 9)
	deref.UnsafeContext = &block
	ds = append(ds, byType, byName, byTrait, macro, cfg, build, read, deref)

	ds = append(ds,
		diag.Diagnostic{Category: diag.Problem, Kind: "syntax", Pos: at("src/broken.rs", 3, 12), Message: "expected `;`, found `}`"},
		diag.Diagnostic{Category: diag.Problem, Kind: "manifest", Pos: at("Cargo.toml", 0, 0), Message: "unknown key package.frobnicate"},
		diag.Diagnostic{Category: diag.Finding, Kind: "WIO001", Severity: string(iosafety.High), Function: "tinyhttp::net::write_fd",
			Pos: at("src/net.rs", 40, 8), Message: "public safe function write_fd takes raw handle `fd: RawFd` and passes it to libc::write (line 41)",
			Fix: iosafety.CheckByID("WIO001").Fix},
		diag.Diagnostic{Category: diag.Finding, Kind: "WIO003", Severity: string(iosafety.High), Function: "tinyhttp::sys::adopt",
			Pos: at("src/sys.rs", 9, 14), Message: "safe function adopt calls from_raw_fd on a value from its parameters without taking ownership in its signature",
			Fix: iosafety.CheckByID("WIO003").Fix, Suppressed: true, Reason: "fd comes from systemd socket activation", Cfg: "unix"},
	)
	for i, line := range []int{30, 44, 51, 77, 90} {
		ds = append(ds, diag.Diagnostic{Category: diag.BlindSpot, Kind: "macro-not-found", Pos: at("src/log.rs", line, 5),
			Message: []string{"macro info!", "macro warn!", "macro debug!", "macro trace!", "macro error!"}[i] + " is defined nowhere Warden looked (log); what it expands to is not analysed"})
	}
	ds = append(ds, diag.Diagnostic{Category: diag.BlindSpot, Kind: "generated-code", Pos: at("src/tls.rs", 3, 1), BuildTime: false,
		Message: "include! includes code the build script generates into OUT_DIR; that code is not analysed"})

	caps := func(cs ...model.Capability) []model.Capability { return cs }
	return &analysis.Result{
		Crate: analysis.CrateInfo{
			Name: "tinyhttp", Version: "0.3.1", Path: "/src/tinyhttp", Edition: "2021",
			Target: "x86_64-unknown-linux-gnu", Features: []string{"default", "tls"},
			Dependencies: []string{"cc ^1.0 (build)", "libc ^0.2", "log ^0.4"},
			BuildScript:  true, AssumedCfgs: []string{"ossl101", "ossl110"},
			Targets: []string{"lib", "bin tinyhttp-cli", "build-script"},
		},
		Diagnostics: diag.Sort(ds),
		Functions: []analysis.Function{
			{Path: srv + "bind", Public: true, Target: "lib", File: "src/server.rs", Line: 40,
				Direct: caps(model.Net), Reachable: caps(model.Net),
				Witness: []string{srv + "bind -> std::net::TcpListener::bind"}},
			{Path: srv + "run", Public: true, Target: "lib", File: "src/server.rs", Line: 70,
				Direct:    caps(),
				Reachable: caps(model.FS, model.Net, model.Process, model.Env),
				Witness: []string{
					srv + "run -> tinyhttp::config::load -> std::fs::read_to_string",
					srv + "run -> " + srv + "bind -> std::net::TcpListener::bind",
					srv + "run -> " + srv + "shutdown -> std::process::exit",
					srv + "run -> tinyhttp::config::load -> std::env::var",
				}},
			{Path: "tinyhttp::config::load", Target: "lib", File: "src/config.rs", Line: 6,
				Direct: caps(model.FS, model.Env), Reachable: caps(model.FS, model.Env),
				Witness: []string{"tinyhttp::config::load -> std::fs::read_to_string", "tinyhttp::config::load -> std::env::var"}},
			{Path: srv + "from_fd", Public: true, Target: "lib", File: "src/server.rs", Line: 57,
				Direct:    caps(model.Unsafe, model.RawHandle),
				Reachable: caps(model.Unsafe, model.RawHandle),
				Witness:   []string{srv + "from_fd -> unsafe block", srv + "from_fd -> std::net::TcpListener::from_raw_fd"}},
			{Path: "tinyhttp::log::write_file", Target: "lib", File: "src/log.rs", Line: 15,
				Direct: caps(model.FS), Reachable: caps(model.FS),
				Witness: []string{"tinyhttp::log::write_file -> std::fs::OpenOptions::open"}},
			{Path: "tinyhttp::Logger::new", Public: true, Target: "lib", File: "src/log.rs", Line: 40,
				Direct: caps(), Reachable: caps(model.FS),
				Witness: []string{"tinyhttp::Logger::new -> tinyhttp::log::write_file -> std::fs::OpenOptions::open (indirect)"}},
			{Path: "tinyhttp::version", Public: true, Target: "lib", File: "src/lib.rs", Line: 12},
			{Path: "tinyhttp_cli::main", Entry: true, Target: "bin", File: "src/main.rs", Line: 3,
				Direct: caps(model.Env), Reachable: caps(model.FS, model.Net, model.Process, model.Env),
				Witness: []string{
					"tinyhttp_cli::main -> " + srv + "run -> tinyhttp::config::load -> std::fs::read_to_string",
					"tinyhttp_cli::main -> " + srv + "run -> " + srv + "bind -> std::net::TcpListener::bind",
					"tinyhttp_cli::main -> " + srv + "run -> " + srv + "shutdown -> std::process::exit",
					"tinyhttp_cli::main -> std::env::args",
				}},
			{Path: "build_script_build::main", Entry: true, Target: "build-script", BuildTime: true, File: "build.rs", Line: 5,
				Direct: caps(model.Process), Reachable: caps(model.Process),
				Witness: []string{"build_script_build::main -> std::process::Command::new"}},
		},
		Imports: []imports.Import{
			{Dir: ".", File: "build.rs", Line: 1, Module: "std::process", Path: "std::process::Command", Resolved: "std::process::Command"},
			{Dir: "src", File: "config.rs", Line: 1, Module: "std::fs", Path: "std::fs", Resolved: "std::fs"},
			{Dir: "src", File: "config.rs", Line: 2, Module: "std::env", Path: "std::env::var", Resolved: "std::env::var"},
			{Dir: "src", File: "log.rs", Line: 1, Module: "std::fs", Path: "std::fs::File", Resolved: "std::fs::File"},
			{Dir: "src", File: "log.rs", Line: 1, Module: "std::fs", Path: "std::fs::OpenOptions", Resolved: "std::fs::OpenOptions"},
			{Dir: "src/net/tcp", File: "listener.rs", Line: 2, Module: "std::net", Path: "std::net::self", Resolved: "std::net", Cfg: "unix"},
			{Dir: "src/net/tcp", File: "listener.rs", Line: 3, Module: "std::os::fd", Path: "std::os::unix::io::FromRawFd as FromFd", Resolved: "std::os::fd::FromRawFd", Cfg: "unix"},
		},
		Adoption: iosafety.Adoption{RawParams: 1, RawBounds: 0, SafeParams: 2, SafeReturns: 1,
			ImplAsFd: []string{"tinyhttp::server::Server"}, ImplFromOwned: []string{}, ImplAsRawOnly: []string{"tinyhttp::Logger"}},
	}
}

// empty is a complete Result with nothing found and every slice nil.
func empty() *analysis.Result {
	return &analysis.Result{Crate: analysis.CrateInfo{Name: "nothing", Version: "1.0.0", Path: "/src/nothing", Edition: "2018",
		Target: "x86_64-unknown-linux-gnu", Targets: []string{"lib"}}}
}

// blind is a Result with no effect but blind spots: the case where a
// report must not read as clean.
func blind() *analysis.Result {
	r := empty()
	r.Crate.Name = "hidden"
	r.Functions = []analysis.Function{{Path: "hidden::f", Public: true, Target: "lib", File: "src/lib.rs", Line: 3}}
	r.Diagnostics = []diag.Diagnostic{
		{Category: diag.BlindSpot, Kind: "proc-macro-attribute", Pos: diag.Position{File: "src/lib.rs", Line: 2, Col: 1},
			Message: "#[tokio::main] is a procedural macro attribute: the code it generates is not analysed"},
		{Category: diag.BlindSpot, Kind: "syntax", Pos: diag.Position{File: "src/odd.rs", Line: 9, Col: 4},
			Message: "expected item, found `~`; the rest of the file is not analysed"},
	}
	return r
}

func render(t *testing.T, f func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// golden compares got with testdata/name and prints a line diff on
// mismatch; with -update it rewrites the file instead.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if d := textdiff.Diff(string(want), got, 40); d != "" {
		t.Errorf("%s differs from the golden file (-want +got; run go test ./internal/report -update and review):\n%s", path, d)
	}
}

type renderFunc func(*bytes.Buffer, *analysis.Result) error

// formats are every renderer, by name, for tests that hold for all.
var formats = []struct {
	name string
	f    renderFunc
}{
	{"txt", func(b *bytes.Buffer, r *analysis.Result) error { return Text(b, r, Options{}) }},
	{"verbose.txt", func(b *bytes.Buffer, r *analysis.Result) error { return Text(b, r, Options{Verbose: true}) }},
	{"color.txt", func(b *bytes.Buffer, r *analysis.Result) error { return Text(b, r, Options{Color: true}) }},
	{"json", func(b *bytes.Buffer, r *analysis.Result) error { return JSON(b, r) }},
	{"csv", func(b *bytes.Buffer, r *analysis.Result) error { return CSV(b, r) }},
	{"md", func(b *bytes.Buffer, r *analysis.Result) error { return Markdown(b, r) }},
	{"imports.txt", func(b *bytes.Buffer, r *analysis.Result) error { return Imports(b, r) }},
	{"iosafety.txt", func(b *bytes.Buffer, r *analysis.Result) error { return IOSafety(b, r) }},
}

func TestGolden(t *testing.T) {
	results := map[string]func() *analysis.Result{"sample": sample, "empty": empty, "blind": blind}
	for _, rname := range []string{"sample", "empty", "blind"} {
		for _, f := range formats {
			if f.name == "color.txt" || rname != "sample" && (f.name == "csv" || f.name == "imports.txt" || f.name == "iosafety.txt" || f.name == "verbose.txt") {
				continue
			}
			name := rname + "." + f.name + ".golden"
			t.Run(name, func(t *testing.T) {
				r := results[rname]()
				got := render(t, func(b *bytes.Buffer) error { return f.f(b, r) })
				golden(t, name, got)
				// Rendering twice gives the same bytes (map iteration
				// order must not leak), and the input is left untouched.
				if again := render(t, func(b *bytes.Buffer) error { return f.f(b, r) }); again != got {
					t.Error("second rendering differs from the first")
				}
				if !reflect.DeepEqual(r, results[rname]()) {
					t.Error("renderer modified its input")
				}
			})
		}
	}
}

// hostile puts escape sequences, bidi overrides, line separators and
// invalid UTF-8 in every string a crate controls.
func hostile() *analysis.Result {
	const esc, bidi, bad = "\x1b[2J\x1b]0;pwned\a", "\u202eevil\u2066", "\xff\xfe"
	r := sample()
	r.Crate.Name = "tiny" + esc
	r.Crate.Path = "/src/" + bidi
	r.Crate.Features = append(r.Crate.Features, "f"+bad)
	r.Crate.AssumedCfgs = []string{"cfg" + esc}
	r.Crate.Targets = append(r.Crate.Targets, "bin "+bidi)
	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		d.Pos.File = "src/" + esc + bad + ".rs"
		d.Function += bidi
		d.Callee += "\u2028" + esc
		d.Message += "\n" + esc + bad
		d.Kind += bidi
		d.Cfg += bad
		d.ViaMacro += esc
		d.Reason += bidi
	}
	for i := range r.Functions {
		r.Functions[i].Path += esc
		r.Functions[i].File = bidi + ".rs"
		for j := range r.Functions[i].Witness {
			r.Functions[i].Witness[j] += bad
		}
	}
	for i := range r.Imports {
		r.Imports[i].Dir += esc
		r.Imports[i].File = bad + r.Imports[i].File
		r.Imports[i].Path += bidi
	}
	return r
}

// TestHostileStrings checks that no format lets a crate's strings reach
// a terminal or a Markdown viewer raw, and that JSON and CSV still carry
// them (JSON can only carry valid UTF-8).
func TestHostileStrings(t *testing.T) {
	r := hostile()
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			out := render(t, func(b *bytes.Buffer) error { return f.f(b, r) })
			switch f.name {
			case "json":
				if strings.ContainsAny(out, "\x1b\a") {
					t.Error("JSON contains a raw control character")
				}
				var v struct {
					Crate   struct{ Name string }
					Effects []struct{ File, Function, Callee string }
				}
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Fatal(err)
				}
				if v.Crate.Name != r.Crate.Name {
					t.Errorf("crate name %q, want %q", v.Crate.Name, r.Crate.Name)
				}
				e := r.Of(diag.Effect)[0]
				if got := v.Effects[0]; got.Function != e.Function || got.Callee != e.Callee ||
					got.File != strings.ToValidUTF8(e.Pos.File, "\uFFFD\uFFFD") {
					t.Errorf("effect strings not carried: %+v", got)
				}
			case "csv":
				rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				// CSV cannot escape control characters: they are shown
				// as in text, never written raw.
				e := r.Of(diag.Effect)[0]
				if rows[1][0] != clean(r.Crate.Name) || rows[1][1] != clean(e.Function) || rows[1][5] != clean(e.Pos.File) || rows[1][8] != clean(e.Cfg) {
					t.Errorf("CSV row does not carry the strings escaped: %q", rows[1])
				}
				checkSafe(t, out, false)
			default:
				checkSafe(t, out, f.name == "color.txt")
				if f.name != "imports.txt" && !strings.Contains(out, `\x1b`) {
					t.Errorf("escaped ESC not shown:\n%s", out)
				}
				if f.name == "imports.txt" && !strings.Contains(out, `\xff`) {
					t.Errorf("escaped invalid byte not shown:\n%s", out)
				}
			}
		})
	}
}

// checkSafe fails when out holds a control character other than newline
// (or, with colour, the renderer's own SGR sequences), a bidi control, a
// line separator or invalid UTF-8.
func checkSafe(t *testing.T, out string, color bool) {
	t.Helper()
	if color {
		for _, sgr := range []string{ansiReset, ansiCap, ansiLow, ansiDim, ansiBold, ansiWarn} {
			out = strings.ReplaceAll(out, sgr, "")
		}
	}
	if !utf8.ValidString(out) {
		t.Error("output is not valid UTF-8")
	}
	for i, r := range out {
		if r != '\n' && unsafeRune(r) {
			t.Errorf("unsafe rune %U at byte %d: %q", r, i, out[max(0, i-40):min(len(out), i+40)])
			return
		}
	}
}

func TestIncompleteHeadline(t *testing.T) {
	for name, r := range map[string]*analysis.Result{"sample": sample(), "empty": empty(), "blind": blind()} {
		n := len(r.Of(diag.BlindSpot))
		out := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{}) })
		lines := strings.Split(out, "\n")
		// The headline is the first line after the header block.
		header := slices.Index(lines, "")
		head := ""
		if header >= 0 && header+1 < len(lines) {
			head = lines[header+1]
		}
		want := "incomplete: " + plural(n, "blind spot")
		if n > 0 && head != want {
			t.Errorf("%s: first line after the header = %q, want %q", name, head, want)
		}
		if n == 0 && strings.Contains(out, "incomplete") {
			t.Errorf("%s: complete result says incomplete:\n%s", name, out)
		}
		md := render(t, func(b *bytes.Buffer) error { return Markdown(b, r) })
		if got := strings.Contains(md, "\nIncomplete: "+plural(n, "blind spot")+"."); got != (n > 0) {
			t.Errorf("%s: Markdown Incomplete line present = %v with %d blind spots", name, got, n)
		}
		if got := strings.Contains(md, "\nComplete: every line of the enabled targets was analysed."); got != (n == 0) {
			t.Errorf("%s: Markdown Complete line present = %v with %d blind spots", name, got, n)
		}
		if strings.Index(md, "## Coverage") > strings.Index(md, "## Effects") {
			t.Errorf("%s: Coverage is not before Effects", name)
		}
	}
	colored := render(t, func(b *bytes.Buffer) error { return Text(b, blind(), Options{Color: true}) })
	if !strings.Contains(colored, ansiWarn+"incomplete: 2 blind spots"+ansiReset) {
		t.Error("incomplete headline not coloured on a terminal")
	}
}

// TestNoEffectsNeverAlone: with blind spots, "no effects" is always
// qualified, and the security summary never claims "None".
func TestNoEffectsNeverAlone(t *testing.T) {
	r := blind()
	txt := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{}) })
	if slices.Contains(strings.Split(txt, "\n"), "No effects found.") {
		t.Errorf("text says \"No effects found.\" alone with blind spots:\n%s", txt)
	}
	if !strings.Contains(txt, "No effects found in the code Warden could see (2 blind spots: see below)") {
		t.Errorf("qualified no-effects sentence missing:\n%s", txt)
	}
	if !strings.Contains(txt, "Blind spots (2)") || !strings.Contains(txt, "proc-macro-attribute (1)") {
		t.Errorf("blind spot section missing:\n%s", txt)
	}
	md := render(t, func(b *bytes.Buffer) error { return Markdown(b, r) })
	for _, bad := range []string{"No effects found.\n", "None: the crate needs none", "\nNone found.\n"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown says %q with blind spots", bad)
		}
	}
	if !strings.Contains(md, "2 blind spots remain") {
		t.Errorf("Markdown security summary does not say blind spots remain:\n%s", md)
	}
	// And a complete empty crate does say it plainly.
	if out := render(t, func(b *bytes.Buffer) error { return Text(b, empty(), Options{}) }); !strings.Contains(out, "\nNo effects found.\n") {
		t.Errorf("complete empty result:\n%s", out)
	}
}

func TestBlindSpotsListLimit(t *testing.T) {
	r := sample()
	out := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{}) })
	if !strings.Contains(out, "  macro-not-found (5)\n") || !strings.Contains(out, "    and 2 more\n") {
		t.Errorf("blind spots not grouped with \"and N more\":\n%s", out)
	}
	if strings.Contains(out, "macro trace!") {
		t.Error("more than the first few blind spots of a kind listed")
	}
	verbose := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{Verbose: true}) })
	if !strings.Contains(verbose, "macro error!") || strings.Contains(verbose, "and 2 more") {
		t.Error("verbose text does not list every blind spot")
	}
}

func TestTextColor(t *testing.T) {
	r := sample()
	plain := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{}) })
	if strings.Contains(plain, "\x1b") {
		t.Errorf("Color=false output contains ESC:\n%q", plain)
	}
	colored := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{Color: true}) })
	for what, s := range map[string]string{
		"name-match marker":   ansiLow + "[by name only, low confidence]" + ansiReset,
		"type marker":         ansiDim + "[by type]" + ansiReset,
		"capability header":   ansiCap + "fs" + ansiReset,
		"incomplete headline": ansiWarn + "incomplete: 6 blind spots" + ansiReset,
	} {
		if !strings.Contains(colored, s) {
			t.Errorf("%s not coloured", what)
		}
	}
}

func TestTextMarkers(t *testing.T) {
	out := render(t, func(b *bytes.Buffer) error { return Text(b, sample(), Options{}) })
	for _, want := range []string{
		"[by name only, low confidence]", "[by trait, any impl]", "[via macro log_to_file]", "[cfg: ossl101]", "[build time]",
		"build script may set: ossl101, ossl110",
		"targets       lib, bin tinyhttp-cli, build-script",
		"tinyhttp_cli::main  (entry of bin, src/main.rs:3)",
		"Public functions and entry points reaching capabilities through calls (3)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

func TestCSV(t *testing.T) {
	r := sample()
	r.Diagnostics[0].Function = `weird, "quoted" fn`
	out := render(t, func(b *bytes.Buffer) error { return CSV(b, r) })
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"crate", "fn_decl", "callee", "effect", "dir", "file", "line", "col", "cfg", "build_time", "resolution", "kind", "unsafe_context", "id"}; !reflect.DeepEqual(rows[0], want) {
		t.Errorf("header = %q, want %q", rows[0], want)
	}
	effects := r.Of(diag.Effect)
	if len(rows) != 1+len(effects) {
		t.Fatalf("%d rows, want %d", len(rows), 1+len(effects))
	}
	if want := []string{"tinyhttp", `weird, "quoted" fn`, "std::process::Command::new", "process", "/src/tinyhttp", "build.rs", "7", "13", "", "true", "path", "ambient", "", "e15"}; !reflect.DeepEqual(rows[1], want) {
		t.Errorf("row 1 = %q, want %q", rows[1], want)
	}
	found := false
	for _, row := range rows[1:] {
		if row[2] == "openssl_sys::SSL_library_init" {
			found = true
			if row[8] != "ossl101" || row[9] != "false" {
				t.Errorf("cfg row = %q", row)
			}
		}
	}
	if !found {
		t.Error("cfg effect not written")
	}
	resolutions := map[string]bool{}
	for _, row := range rows[1:] {
		resolutions[row[10]] = true
	}
	if len(resolutions) != 4 {
		t.Errorf("resolution column holds %v, want path, type, trait and name", resolutions)
	}
	if e := render(t, func(b *bytes.Buffer) error { return CSV(b, empty()) }); e != "crate,fn_decl,callee,effect,dir,file,line,col,cfg,build_time,resolution,kind,unsafe_context,id\n" {
		t.Errorf("empty CSV = %q", e)
	}
}

func TestImportsLines(t *testing.T) {
	out := render(t, func(b *bytes.Buffer) error { return Imports(b, sample()) })
	want := `., build.rs, std::process::Command
src, config.rs, std::fs
src, config.rs, std::env::var
src, log.rs, std::fs::File
src, log.rs, std::fs::OpenOptions
src/net/tcp, listener.rs, std::net::self
src/net/tcp, listener.rs, std::os::unix::io::FromRawFd as FromFd
`
	if out != want {
		t.Errorf("imports (-want +got):\n%s", textdiff.Diff(want, out, 40))
	}
	if e := render(t, func(b *bytes.Buffer) error { return Imports(b, empty()) }); e != "" {
		t.Errorf("no imports gave %q, want no output", e)
	}
}

// keys returns the sorted keys of a JSON object.
func keys(t *testing.T, v any) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%T is not an object", v)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string { sort.Strings(s); return s }

// TestJSONContract checks the documented keys of every object, that no
// value is null, and the values derived from diagnostics.
func TestJSONContract(t *testing.T) {
	out := render(t, func(b *bytes.Buffer) error { return JSON(b, sample()) })
	if !strings.HasSuffix(out, "}\n") {
		t.Error("JSON does not end with a newline")
	}
	if strings.Contains(out, `\u003e`) {
		t.Error("'>' in witnesses was HTML-escaped")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	first := func(key string) any { return v[key].([]any)[0] }
	for _, c := range []struct {
		what string
		obj  any
		want []string
	}{
		{"top", v, sorted("crate", "effects", "functions", "imports", "problems", "coverage", "findings", "io_safety_adoption", "summary")},
		{"crate", v["crate"], sorted("name", "version", "path", "edition", "target", "features", "dependencies", "build_script", "proc_macro", "assumed_cfgs", "targets", "dependencies_analyzed")},
		{"effect", first("effects"), sorted("id", "function", "callee", "capability", "kind", "file", "line", "col", "confidence", "resolution", "via_macro", "cfg", "build_time")},
		{"function", first("functions"), sorted("path", "public", "entry", "target", "build_time", "file", "line", "direct", "reachable", "witness")},
		{"import", first("imports"), sorted("dir", "file", "line", "module", "path", "resolved", "cfg")},
		{"problem", first("problems"), sorted("kind", "file", "line", "col", "message")},
		{"coverage", v["coverage"], sorted("complete", "blind_spots")},
		{"blind spot", v["coverage"].(map[string]any)["blind_spots"].([]any)[0], sorted("kind", "file", "line", "col", "message", "build_time")},
		{"finding", first("findings"), sorted("id", "severity", "item", "file", "line", "col", "message", "fix", "suppressed", "reason", "cfg", "via_macro")},
		{"adoption", v["io_safety_adoption"], sorted("raw_params", "raw_returns", "raw_bounds", "safe_params", "safe_returns", "impl_as_fd", "impl_from_owned", "impl_as_raw_only")},
		{"summary", v["summary"], sorted("effects", "by_capability", "functions", "public_functions", "public_with_effects", "entries", "low_confidence", "problems", "findings", "blind_spots", "complete")},
	} {
		if got := keys(t, c.obj); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s keys = %q, want %q", c.what, got, c.want)
		}
	}

	var typed struct {
		Effects []struct {
			Callee, Confidence, Resolution, Cfg string
			BuildTime                           bool `json:"build_time"`
		}
		Coverage struct {
			Complete   bool
			BlindSpots []any `json:"blind_spots"`
		}
		Summary Summary
	}
	if err := json.Unmarshal([]byte(out), &typed); err != nil {
		t.Fatal(err)
	}
	conf := map[string]string{}
	for _, e := range typed.Effects {
		conf[e.Callee] = e.Confidence + "/" + e.Resolution
	}
	for callee, want := range map[string]string{
		"std::fs::File::set_len":                   "high/type",
		"from_raw_fd":                              "low/name",
		"std::net::ToSocketAddrs::to_socket_addrs": "medium/trait",
		"std::net::TcpListener::bind":              "high/path",
	} {
		if conf[callee] != want {
			t.Errorf("%s: confidence/resolution = %q, want %q", callee, conf[callee], want)
		}
	}
	if typed.Coverage.Complete || len(typed.Coverage.BlindSpots) != 6 {
		t.Errorf("coverage = %+v, want incomplete with 6 blind spots", typed.Coverage)
	}
	if !reflect.DeepEqual(typed.Summary, Summarize(sample())) {
		t.Errorf("summary round trip: got %+v, want %+v", typed.Summary, Summarize(sample()))
	}

	// An empty result writes [] and {}, never null, and is complete.
	e := render(t, func(b *bytes.Buffer) error { return JSON(b, empty()) })
	if strings.Contains(e, "null") {
		t.Errorf("empty result JSON contains null:\n%s", e)
	}
	for _, key := range []string{"features", "dependencies", "assumed_cfgs", "effects", "functions", "imports", "problems", "blind_spots", "findings", "impl_as_fd"} {
		if !strings.Contains(e, `"`+key+`": []`) {
			t.Errorf("empty result: %q not written as []", key)
		}
	}
	if !strings.Contains(e, `"by_capability": {}`) || !strings.Contains(e, `"complete": true`) {
		t.Error("empty result: by_capability not {} or not complete")
	}
}

func TestSummarize(t *testing.T) {
	got := Summarize(sample())
	want := Summary{
		Effects: 17,
		ByCapability: map[model.Capability]int{model.FS: 3, model.Net: 2, model.Process: 2, model.Env: 2,
			model.System: 1, model.FFI: 2, model.Unsafe: 3, model.RawHandle: 2},
		Functions: 9, PublicFunctions: 5, PublicWithEffects: 4, Entries: 2, LowConfidence: 1,
		Problems: 2, Findings: 1, BlindSpots: 6, Complete: false,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Summarize = %+v\nwant        %+v", got, want)
	}
	if s := Summarize(empty()); !s.Complete || s.ByCapability == nil || s.Effects != 0 {
		t.Errorf("Summarize(empty) = %+v", s)
	}
}

func TestMarkdownEscapesPipes(t *testing.T) {
	r := sample()
	for i, d := range r.Diagnostics {
		if d.Category == diag.Effect && d.Callee == "std::net::TcpListener::bind" {
			r.Diagnostics[i].Callee = "<closure|x> as Fn"
			r.Diagnostics[i].Function = "a`b"
		}
	}
	out := render(t, func(b *bytes.Buffer) error { return Markdown(b, r) })
	var row string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "| ") && strings.Contains(l, "closure") {
			row = l
		}
	}
	if row == "" {
		t.Fatalf("no table row for the effect:\n%s", out)
	}
	if !strings.Contains(row, "`<closure\\|x> as Fn`") {
		t.Errorf("pipe not escaped in %q", row)
	}
	if !strings.Contains(row, "``a`b``") {
		t.Errorf("backtick in code span not fenced in %q", row)
	}
	// Unescaped pipes delimit exactly six cells.
	if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 7 {
		t.Errorf("row has %d unescaped pipes, want 7: %q", n, row)
	}
}

func TestNilResult(t *testing.T) {
	var b bytes.Buffer
	for _, f := range formats {
		if err := f.f(&b, nil); err == nil {
			t.Errorf("%s(nil) gave no error", f.name)
		}
	}
}

type failWriter struct{}

var errWrite = errors.New("write failed")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteErrors(t *testing.T) {
	r := sample()
	for name, err := range map[string]error{
		"Text": Text(failWriter{}, r, Options{}), "JSON": JSON(failWriter{}, r), "CSV": CSV(failWriter{}, r),
		"Markdown": Markdown(failWriter{}, r), "Imports": Imports(failWriter{}, r), "IOSafety": IOSafety(failWriter{}, r),
	} {
		if !errors.Is(err, errWrite) {
			t.Errorf("%s: error = %v, want the write error", name, err)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain::path":      "plain::path",
		"a\x1b[31mb":       `a\x1b[31mb`,
		"tab\there":        `tab\x09here`,
		"new\nline":        `new\x0aline`,
		"rlo\u202eevil":    `rlo\u{202e}evil`,
		"ls\u2028sep":      `ls\u{2028}sep`,
		"bad\xffbyte":      `bad\xffbyte`,
		"ünïcode_is_fine✓": "ünïcode_is_fine✓",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
