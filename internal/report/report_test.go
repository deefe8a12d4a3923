package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"github.com/wardenrs/warden/internal/iosafety"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/effects"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sample is a hand-built Result covering every section: effects in
// several capabilities, given out of report order, with a low-confidence
// one and one via a macro; public functions reaching capabilities through
// calls; unsorted imports with a duplicate; and problems of several kinds.
func sample() *analysis.Result {
	const fn = "tinyhttp::server::Server::"
	return &analysis.Result{
		Crate: analysis.CrateInfo{
			Name: "tinyhttp", Version: "0.3.1", Path: "/src/tinyhttp", Edition: "2021",
			Target: "x86_64-unknown-linux-gnu", Features: []string{"default", "tls"},
			Dependencies: []string{"libc ^0.2", "log ^0.4", "cc ^1.0"},
			BuildScript:  true,
		},
		Effects: []analysis.Effect{
			{Function: fn + "bind", Callee: "std::net::TcpListener::bind", Capability: effects.Net, Kind: "ambient", File: "src/server.rs", Line: 42, Col: 19, Confidence: analysis.High},
			{Function: "tinyhttp::config::load", Callee: "std::fs::read_to_string", Capability: effects.FS, Kind: "ambient", File: "src/config.rs", Line: 10, Col: 5, Confidence: analysis.High},
			{Function: "tinyhttp::config::load", Callee: "std::env::var", Capability: effects.Env, Kind: "ambient", File: "src/config.rs", Line: 8, Col: 16, Confidence: analysis.High},
			{Function: fn + "from_fd", Callee: "std::net::TcpListener::from_raw_fd", Capability: effects.RawHandle, Kind: "forge", File: "src/server.rs", Line: 60, Col: 9, Confidence: analysis.High},
			{Function: fn + "from_fd", Callee: "unsafe", Capability: effects.Unsafe, Kind: "unsafe_block", File: "src/server.rs", Line: 59, Col: 5, Confidence: analysis.High},
			{Function: "tinyhttp::log::write_file", Callee: "std::fs::File::set_len", Capability: effects.FS, Kind: "ambient", File: "src/log.rs", Line: 18, Col: 9, Confidence: analysis.Low},
			{Function: "tinyhttp::log::write_file", Callee: "std::fs::OpenOptions::open", Capability: effects.FS, Kind: "ambient", File: "src/log.rs", Line: 22, Col: 5, Confidence: analysis.High, ViaMacro: "log_to_file"},
			{Function: "tinyhttp::sys::getpid", Callee: "libc::getpid", Capability: effects.System, Kind: "call", File: "src/sys.rs", Line: 5, Col: 14, Confidence: analysis.High},
			{Function: "tinyhttp::sys::c_helper", Callee: "c_helper", Capability: effects.FFI, Kind: "extern_fn", File: "src/sys.rs", Line: 12, Col: 5, Confidence: analysis.High},
			{Function: fn + "shutdown", Callee: "std::process::exit", Capability: effects.Process, Kind: "exit", File: "src/server.rs", Line: 90, Col: 9, Confidence: analysis.High},
			{Function: "tinyhttp", Callee: "build.rs", Capability: effects.Build, Kind: "build_script", File: "build.rs", Line: 1, Col: 1, Confidence: analysis.High},
		},
		Functions: []analysis.Function{
			{Path: fn + "bind", Public: true, File: "src/server.rs", Line: 40,
				Direct: []effects.Capability{effects.Net}, Reachable: []effects.Capability{effects.Net},
				Witness: []string{fn + "bind -> std::net::TcpListener::bind"}},
			{Path: fn + "run", Public: true, File: "src/server.rs", Line: 70,
				Direct:    []effects.Capability{},
				Reachable: []effects.Capability{effects.FS, effects.Net, effects.Process, effects.Env},
				Witness: []string{
					fn + "run -> tinyhttp::config::load -> std::fs::read_to_string",
					fn + "run -> " + fn + "bind -> std::net::TcpListener::bind",
					fn + "run -> " + fn + "shutdown -> std::process::exit",
					fn + "run -> tinyhttp::config::load -> std::env::var",
				}},
			{Path: "tinyhttp::config::load", File: "src/config.rs", Line: 6,
				Direct: []effects.Capability{effects.FS, effects.Env}, Reachable: []effects.Capability{effects.FS, effects.Env},
				Witness: []string{"tinyhttp::config::load -> std::fs::read_to_string", "tinyhttp::config::load -> std::env::var"}},
			{Path: fn + "from_fd", Public: true, File: "src/server.rs", Line: 57,
				Direct:    []effects.Capability{effects.Unsafe, effects.RawHandle},
				Reachable: []effects.Capability{effects.Unsafe, effects.RawHandle},
				Witness:   []string{fn + "from_fd -> unsafe", fn + "from_fd -> std::net::TcpListener::from_raw_fd"}},
			{Path: "tinyhttp::log::write_file", File: "src/log.rs", Line: 15,
				Direct: []effects.Capability{effects.FS}, Reachable: []effects.Capability{effects.FS},
				Witness: []string{"tinyhttp::log::write_file -> std::fs::File::set_len"}},
			{Path: "tinyhttp::Logger::new", Public: true, File: "src/log.rs", Line: 40,
				Reachable: []effects.Capability{effects.FS},
				Witness:   []string{"tinyhttp::Logger::new -> tinyhttp::log::write_file -> std::fs::OpenOptions::open"}},
			{Path: "tinyhttp::version", Public: true, File: "src/lib.rs", Line: 12},
			{Path: "tinyhttp::sys::getpid", Public: true, File: "src/sys.rs", Line: 4,
				Direct: []effects.Capability{effects.System}, Reachable: []effects.Capability{effects.System},
				Witness: []string{"tinyhttp::sys::getpid -> libc::getpid"}},
		},
		Imports: []analysis.Import{
			{Dir: "/src/tinyhttp", File: "src/server.rs", Line: 2, Module: "std::os::fd", Path: "std::os::fd::FromRawFd"},
			{Dir: "/src/tinyhttp", File: "src/server.rs", Line: 1, Module: "std::net", Path: "std::net::TcpListener"},
			{Dir: "/src/tinyhttp", File: "src/log.rs", Line: 1, Module: "std::fs", Path: "std::fs::OpenOptions"},
			{Dir: "/src/tinyhttp", File: "src/config.rs", Line: 2, Module: "std::env", Path: "std::env::var"},
			{Dir: "/src/tinyhttp", File: "src/config.rs", Line: 1, Module: "std::fs", Path: "std::fs"},
			{Dir: "/src/tinyhttp", File: "src/log.rs", Line: 1, Module: "std::fs", Path: "std::fs::File"},
			{Dir: "/src/tinyhttp", File: "src/log.rs", Line: 30, Module: "std::fs", Path: "std::fs::File"},
		},
		Problems: []analysis.Problem{
			{Kind: "macro", File: "src/log.rs", Line: 30, Col: 5, Msg: "macro tracing::info! from another crate was not expanded"},
			{Kind: "syntax", File: "src/broken.rs", Line: 3, Col: 12, Msg: "expected `;`, found `}`"},
			{Kind: "path-escape", File: "src/lib.rs", Line: 7, Col: 1, Msg: "module file ../../etc/x.rs is outside the crate directory; not followed"},
		},
		Findings: []iosafety.Finding{
			{ID: "WIO001", Severity: iosafety.High, Item: "demo::net::write_fd", File: "src/net.rs", Line: 40, Col: 8,
				Message: "public safe function write_fd takes raw handle `fd: RawFd` and passes it to libc::write (line 41)",
				Fix:     iosafety.CheckByID("WIO001").Fix},
			{ID: "WIO003", Severity: iosafety.High, Item: "demo::sys::adopt", File: "src/sys.rs", Line: 9, Col: 14,
				Message: "safe function adopt calls from_raw_fd on a value from its parameters without taking ownership in its signature",
				Fix:     iosafety.CheckByID("WIO003").Fix, Suppressed: true, Reason: "fd comes from systemd socket activation"},
		},
		Summary: analysis.Summary{
			Effects: 11,
			ByCapability: map[effects.Capability]int{
				effects.FS: 3, effects.Net: 1, effects.Process: 1, effects.Env: 1, effects.System: 1,
				effects.FFI: 1, effects.Unsafe: 1, effects.RawHandle: 1, effects.Build: 1,
			},
			Functions: 8, PublicFunctions: 6, PublicWithEffects: 5, LowConfidence: 1, Problems: 3,
		},
	}
}

// empty is a Result with nothing found and every slice nil.
func empty() *analysis.Result {
	return &analysis.Result{Crate: analysis.CrateInfo{Name: "nothing", Version: "1.0.0", Path: "/src/nothing", Edition: "2018", Target: "x86_64-unknown-linux-gnu"}}
}

func render(t *testing.T, f func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

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
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff)\n--- got ---\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *analysis.Result
		f    func(*bytes.Buffer, *analysis.Result) error
	}{
		{"sample.txt", sample(), func(b *bytes.Buffer, r *analysis.Result) error { return Text(b, r, Options{}) }},
		{"sample.verbose.txt", sample(), func(b *bytes.Buffer, r *analysis.Result) error { return Text(b, r, Options{Verbose: true}) }},
		{"sample.json", sample(), func(b *bytes.Buffer, r *analysis.Result) error { return JSON(b, r) }},
		{"sample.csv", sample(), func(b *bytes.Buffer, r *analysis.Result) error { return CSV(b, r) }},
		{"sample.md", sample(), func(b *bytes.Buffer, r *analysis.Result) error { return Markdown(b, r) }},
		{"sample.imports.txt", sample(), func(b *bytes.Buffer, r *analysis.Result) error { return Imports(b, r) }},
		{"empty.txt", empty(), func(b *bytes.Buffer, r *analysis.Result) error { return Text(b, r, Options{}) }},
		{"empty.json", empty(), func(b *bytes.Buffer, r *analysis.Result) error { return JSON(b, r) }},
		{"empty.md", empty(), func(b *bytes.Buffer, r *analysis.Result) error { return Markdown(b, r) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := sample()
			got := render(t, func(b *bytes.Buffer) error { return tc.f(b, tc.r) })
			golden(t, tc.name, got)
			// Rendering twice gives the same bytes (map iteration order
			// must not leak), and the input is left untouched.
			if again := render(t, func(b *bytes.Buffer) error { return tc.f(b, tc.r) }); again != got {
				t.Error("second rendering differs from the first")
			}
			if tc.name[:6] == "sample" && !reflect.DeepEqual(tc.r, before) {
				t.Error("renderer modified its input")
			}
		})
	}
}

func TestTextColor(t *testing.T) {
	r := sample()
	// A hostile file name must not smuggle escapes through either mode.
	r.Effects[0].File = "src/\x1b[2Jevil.rs"
	plain := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{}) })
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("Color=false output contains an ANSI escape:\n%q", plain)
	}
	if !strings.Contains(plain, `src/\x1b[2Jevil.rs`) {
		t.Errorf("escaped file name not shown:\n%s", plain)
	}
	colored := render(t, func(b *bytes.Buffer) error { return Text(b, r, Options{Color: true}) })
	if !strings.Contains(colored, "\x1b[") {
		t.Error("Color=true output has no ANSI escape")
	}
	if !strings.Contains(colored, ansiLow+"[low confidence]"+ansiReset) {
		t.Error("low-confidence marker not coloured")
	}
	if !strings.Contains(colored, ansiCap+"fs"+ansiReset) {
		t.Error("capability header not coloured")
	}
	if strings.Contains(colored, "\x1b[2J") {
		t.Error("hostile escape from the crate passed through")
	}
}

func TestCSVParses(t *testing.T) {
	r := sample()
	r.Effects[0].Function = `weird, "quoted" fn`
	out := render(t, func(b *bytes.Buffer) error { return CSV(b, r) })
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"crate", "fn_decl", "callee", "effect", "dir", "file", "line", "col"}; !reflect.DeepEqual(rows[0], want) {
		t.Errorf("header = %q, want %q", rows[0], want)
	}
	if len(rows) != 1+len(r.Effects) {
		t.Fatalf("%d rows, want %d", len(rows), 1+len(r.Effects))
	}
	e := r.Effects[0]
	want := []string{"tinyhttp", e.Function, e.Callee, "net", "/src/tinyhttp", e.File, "42", "19"}
	if !reflect.DeepEqual(rows[1], want) {
		t.Errorf("row 1 = %q, want %q", rows[1], want)
	}
	empty := render(t, func(b *bytes.Buffer) error { return CSV(b, empty()) })
	if empty != "crate,fn_decl,callee,effect,dir,file,line,col\n" {
		t.Errorf("empty CSV = %q", empty)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := sample()
	out := render(t, func(b *bytes.Buffer) error { return JSON(b, r) })
	if !strings.HasSuffix(out, "}\n") {
		t.Error("JSON does not end with a newline")
	}
	var back analysis.Result
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatal(err)
	}
	// The only difference allowed is nil slices coming back as empty.
	want := normalised(r)
	if !reflect.DeepEqual(back, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", back, want)
	}
	if strings.Contains(out, "null") {
		t.Error("JSON contains null")
	}
	if !strings.Contains(out, `"direct": []`) {
		t.Error("function with no direct capabilities not written as []")
	}
	if strings.Contains(out, `\u003e`) {
		t.Error("'>' in witnesses was HTML-escaped")
	}

	e := render(t, func(b *bytes.Buffer) error { return JSON(b, empty()) })
	for _, key := range []string{"features", "dependencies", "effects", "functions", "imports", "problems"} {
		if !strings.Contains(e, `"`+key+`": []`) {
			t.Errorf("empty result: %q not written as []", key)
		}
	}
	if !strings.Contains(e, `"by_capability": {}`) {
		t.Error("empty result: by_capability not written as {}")
	}
	if strings.Contains(e, "null") {
		t.Error("empty result JSON contains null")
	}
}

func TestMarkdownEscapesPipes(t *testing.T) {
	r := sample()
	r.Effects[0].Callee = "<closure|x> as Fn"
	r.Effects[0].Function = "a`b"
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
	if !strings.Contains(row, "``<closure\\|x> as Fn``") && !strings.Contains(row, "`<closure\\|x> as Fn`") {
		t.Errorf("pipe not escaped in %q", row)
	}
	if !strings.Contains(row, "``a`b``") {
		t.Errorf("backtick in code span not fenced in %q", row)
	}
	// Unescaped pipes delimit exactly five cells.
	if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 6 {
		t.Errorf("row has %d unescaped pipes, want 6: %q", n, row)
	}
}

func TestImportsFormat(t *testing.T) {
	out := render(t, func(b *bytes.Buffer) error { return Imports(b, sample()) })
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" || strings.HasSuffix(l, ")") {
			continue
		}
		if f := strings.Split(l, ", "); len(f) != 3 || f[0] != "/src/tinyhttp" {
			t.Errorf("import line %q is not \"dir, file, path\"", l)
		}
	}
	if !strings.Contains(out, "std::fs (3)\n") {
		t.Errorf("std::fs header missing or miscounted:\n%s", out)
	}
}

func TestNilResult(t *testing.T) {
	var b bytes.Buffer
	for name, err := range map[string]error{
		"Text": Text(&b, nil, Options{}), "JSON": JSON(&b, nil), "CSV": CSV(&b, nil),
		"Markdown": Markdown(&b, nil), "Imports": Imports(&b, nil),
	} {
		if err == nil {
			t.Errorf("%s(nil) gave no error", name)
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
		"Markdown": Markdown(failWriter{}, r), "Imports": Imports(failWriter{}, r),
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
		"bad\xffbyte":      `bad\xffbyte`,
		"ünïcode_is_fine✓": "ünïcode_is_fine✓",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
