package main

// Checks run the way a new user runs Warden: the CLI on real crates from
// Debian's registry and on the application fixtures of testdata/apps,
// each asserting one specific thing the reports must say. The expected
// values come from outside Warden wherever one exists: the compiler's
// witness chains (testdata/apps/*/witness.txt), the text-only import
// inventory of mio (testdata/audits), the crates' own sources.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/wardenrs/warden/internal/textdiff"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const registryDir = "/usr/share/cargo/registry"

// needCrates skips the test when a registry crate it reads is missing,
// except in CI, where a missing corpus is a broken setup and must fail.
func needCrates(t *testing.T, crates ...string) {
	t.Helper()
	for _, c := range crates {
		if _, err := os.Stat(filepath.Join(registryDir, c)); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("corpus crate %s missing in CI (scripts/install-corpus.sh): %v", c, err)
			}
			t.Skipf("corpus crate %s not installed (scripts/install-corpus.sh)", c)
		}
	}
}

func appDir(name string) string { return filepath.Join("..", "..", "testdata", "apps", name) }

// runOK runs the CLI in-process and fails the test unless it exits 0.
func runOK(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	code, out, errOut := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("warden %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, errOut)
	}
	return out, errOut
}

// helperEnv makes the test binary behave as the warden binary (see
// TestIssueHelperProcess), so that exit statuses are those of a real
// process: main's os.Exit, not run's return value.
const helperEnv = "WARDEN_ISSUE_TEST_AS_MAIN"

// TestIssueHelperProcess is not a test: re-executed by runProcess, it runs
// main with the arguments after "--".
func TestIssueHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for runProcess")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Args = append([]string{"warden"}, args...)
	main()
	os.Exit(99) // main always exits; reaching here is a bug of this helper
}

// runProcess runs warden as a separate process and returns its exit
// status and output.
func runProcess(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestIssueHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		code = ee.ExitCode()
	default:
		t.Fatalf("warden %s: %v", strings.Join(args, " "), err)
	}
	if code == 99 {
		t.Fatalf("warden %s: main returned without exiting", strings.Join(args, " "))
	}
	return code, out.String(), errb.String()
}

// wantExit runs warden as a process and checks its exit status.
func wantExit(t *testing.T, want int, args ...string) string {
	t.Helper()
	code, out, errOut := runProcess(t, args...)
	if code != want {
		t.Errorf("warden %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, want, errOut)
	}
	return out
}

// The parts of the scan JSON these checks read.
type scanJSON struct {
	Crate struct {
		Name        string   `json:"name"`
		Version     string   `json:"version"`
		AssumedCfgs []string `json:"assumed_cfgs"`
	} `json:"crate"`
	Effects []struct {
		Function   string `json:"function"`
		Callee     string `json:"callee"`
		Capability string `json:"capability"`
		Kind       string `json:"kind"`
		File       string `json:"file"`
		Line       int    `json:"line"`
		Cfg        string `json:"cfg"`
	} `json:"effects"`
	Functions []struct {
		Path      string   `json:"path"`
		Reachable []string `json:"reachable"`
		Witness   []string `json:"witness"`
	} `json:"functions"`
	Coverage struct {
		Complete   bool `json:"complete"`
		BlindSpots []struct {
			Kind string `json:"kind"`
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"blind_spots"`
	} `json:"coverage"`
}

func scanJSONOf(t *testing.T, args ...string) *scanJSON {
	t.Helper()
	out, _ := runOK(t, append([]string{"scan", "--format", "json"}, args...)...)
	var s scanJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("scan json: %v\n%s", err, out)
	}
	return &s
}

// witnesses returns the witness lines of function fn.
func (s *scanJSON) witnesses(t *testing.T, fn string) []string {
	t.Helper()
	for _, f := range s.Functions {
		if f.Path == fn {
			return f.Witness
		}
	}
	t.Fatalf("function %s not in the scan", fn)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Check 1. openssl-sys declares its FFI inside modules that exist only
// under cfg(openssl), a cfg its build script sets after probing the
// system's OpenSSL. An auditor that evaluates only the cfgs it knows sees
// an empty crate; Warden assumes the build script's cfgs and labels each
// effect with its condition.
func TestIssueOpenSSLSysFFIBehindBuildScriptCfg(t *testing.T) {
	needCrates(t, "openssl-sys-0.9.80")
	s := scanJSONOf(t, "--cache-dir", t.TempDir(), filepath.Join(registryDir, "openssl-sys-0.9.80"))
	for _, c := range []string{"openssl", "ossl101", "ossl110", "ossl300", "libressl"} {
		if !contains(s.Crate.AssumedCfgs, c) {
			t.Errorf("crate.assumed_cfgs %v lacks %q (set by build/main.rs)", s.Crate.AssumedCfgs, c)
		}
	}
	decls, cfgs := 0, map[string]int{}
	for _, e := range s.Effects {
		if e.Capability != "ffi" {
			continue
		}
		if e.Kind == "extern_fn" {
			decls++
		}
		cfgs[e.Cfg]++
		// src/lib.rs has `#[cfg(openssl)] mod openssl { ... }` around
		// everything: no FFI effect can hold without it.
		if e.Cfg != "openssl" && !strings.HasPrefix(e.Cfg, "all(openssl, ") {
			t.Errorf("ffi effect %s at %s:%d has cfg %q, want openssl or all(openssl, ...)", e.Callee, e.File, e.Line, e.Cfg)
		}
	}
	// The handwritten bindings declare about 1,050 functions.
	if decls < 1000 {
		t.Errorf("%d FFI declarations (extern_fn), want about 1,000 (cfgs seen: %v)", decls, cfgs)
	}
	for _, c := range []string{"openssl", "all(openssl, ossl300)"} {
		if cfgs[c] == 0 {
			t.Errorf("no ffi effect with cfg %q", c)
		}
	}
	if !s.Coverage.Complete {
		t.Errorf("openssl-sys reported incomplete: %+v", s.Coverage.BlindSpots)
	}
}

// Check 2. memchr's x86 SIMD implementations are compiled only when its
// build script sets memchr_runtime_simd.
func TestIssueMemchrSIMDBehindBuildScriptCfg(t *testing.T) {
	needCrates(t, "memchr-2.5.0")
	s := scanJSONOf(t, "--cache-dir", t.TempDir(), filepath.Join(registryDir, "memchr-2.5.0"))
	if !contains(s.Crate.AssumedCfgs, "memchr_runtime_simd") {
		t.Errorf("assumed_cfgs %v lacks memchr_runtime_simd", s.Crate.AssumedCfgs)
	}
	files := map[string]int{}
	for _, e := range s.Effects {
		if strings.HasPrefix(e.File, "src/memchr/x86/") && strings.Contains(e.Cfg, "memchr_runtime_simd") {
			files[e.File]++
		}
	}
	// avx.rs and sse2.rs hold the unsafe SIMD routines, mod.rs the
	// runtime dispatch (an unsafe transmute of the chosen fn pointer).
	for _, f := range []string{"src/memchr/x86/avx.rs", "src/memchr/x86/sse2.rs", "src/memchr/x86/mod.rs"} {
		if files[f] == 0 {
			t.Errorf("no effect with cfg memchr_runtime_simd in %s (found: %v)", f, files)
		}
	}
}

// chainsOf reads the chain lines of a witness.txt ("cap: a -> b -> c"),
// keyed by capability label.
func chainsOf(t *testing.T, file string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == ' ' || line[0] == '#' {
			continue
		}
		label, chain, ok := strings.Cut(line, ": ")
		if ok && strings.Contains(chain, " -> ") {
			out[label] = append(out[label], chain)
		}
	}
	return out
}

// Check 3. hostname 0.3.1 declares its unix module inside match_cfg! in a
// Rust 2015 crate; the compiler's chain is main -> hostname::get ->
// hostname::nix::get -> libc::gethostname (or libc::sysconf, both called
// by nix::get).
func TestIssueHostnameMatchCfg(t *testing.T) {
	needCrates(t, "hostname-0.3.1", "match_cfg-0.1.0")
	dir := filepath.Join(registryDir, "hostname-0.3.1")
	var truth []string
	for label, chains := range chainsOf(t, filepath.Join(appDir("hostname_user"), "witness.txt")) {
		if strings.HasPrefix(label, "ffi") {
			for _, c := range chains {
				truth = append(truth, strings.TrimPrefix(c, "hostname_user::main -> "))
			}
		}
	}
	if len(truth) == 0 {
		t.Fatal("no ffi chain in testdata/apps/hostname_user/witness.txt")
	}

	s := scanJSONOf(t, "--cache-dir", t.TempDir(), dir)
	if !s.Coverage.Complete {
		t.Errorf("hostname with its dependencies is incomplete: %+v", s.Coverage.BlindSpots)
	}
	var system string
	for _, w := range s.witnesses(t, "hostname::get") {
		if strings.HasPrefix(w, "hostname::get -> hostname::nix::get -> libc::") {
			system = w
		}
	}
	if system == "" {
		t.Errorf("hostname::get has no witness through hostname::nix::get to libc: %v", s.witnesses(t, "hostname::get"))
	} else if !contains(truth, system) {
		t.Errorf("witness %q is not one of the compiler's chains %v", system, truth)
	}
	found := false
	for _, e := range s.Effects {
		// witness.txt: hostname::nix::get -> libc::gethostname, nix.rs:22.
		if e.Function == "hostname::nix::get" && e.Callee == "libc::gethostname" && e.File == "src/nix.rs" && e.Line == 22 {
			found = true
			if e.Capability != "system" {
				t.Errorf("libc::gethostname is %s, want system", e.Capability)
			}
		}
	}
	if !found {
		t.Error("no effect hostname::nix::get -> libc::gethostname at src/nix.rs:22")
	}
	// The app's own scan: main's witness is the compiler's chain.
	app := scanJSONOf(t, "--cache-dir", t.TempDir(), appDir("hostname_user"))
	ok := false
	for _, w := range app.witnesses(t, "hostname_user::main") {
		ok = ok || contains(truth, strings.TrimPrefix(w, "hostname_user::main -> "))
	}
	if !ok {
		t.Errorf("hostname_user::main witnesses %v, want one of %v", app.witnesses(t, "hostname_user::main"), truth)
	}

	// Without dependencies, match_cfg!'s source is not read. Warden may
	// still know the macro (it is a cfg_if!-like built-in), in which case
	// the module behind it is analysed and the report is complete; if it
	// does not, the module is unseen and the report must say so before
	// anything else. Never both: complete while missing nix::get.
	nd := scanJSONOf(t, "--no-deps", dir)
	expanded := false
	for _, e := range nd.Effects {
		expanded = expanded || (e.Function == "hostname::nix::get" && e.Callee == "libc::gethostname")
	}
	out, _ := runOK(t, "scan", "--no-deps", dir)
	header, body, _ := strings.Cut(out, "\n\n")
	if !strings.HasPrefix(header, "hostname 0.3.1\n") {
		t.Errorf("report does not start with the crate header:\n%s", out)
	}
	first, _, _ := strings.Cut(body, "\n")
	if expanded {
		t.Log("--no-deps: match_cfg! expanded without its source (built-in)")
		if !nd.Coverage.Complete || strings.HasPrefix(first, "incomplete") {
			t.Errorf("match_cfg! was expanded, yet the report is incomplete: %+v\n%s", nd.Coverage.BlindSpots, out)
		}
		wantExit(t, exitOK, "scan", "--no-deps", "--fail-on", "blind", dir)
	} else {
		if nd.Coverage.Complete {
			t.Errorf("--no-deps: hostname::nix::get is not analysed, yet coverage.complete is true")
		}
		if first != "incomplete: 1 blind spot" {
			t.Errorf("first line after the header is %q, want \"incomplete: 1 blind spot\":\n%s", first, out)
		}
		if !strings.Contains(out, "src/lib.rs:67:1  macro match_cfg!") {
			t.Errorf("the blind spot does not point at the match_cfg! invocation (src/lib.rs:67):\n%s", out)
		}
		wantExit(t, exitFindings, "scan", "--no-deps", "--fail-on", "blind", dir)
	}
	wantExit(t, exitOK, "scan", "--fail-on", "blind", "--cache-dir", t.TempDir(), dir)
}

// witnessLines returns the witness lines of the text report's entry or
// public function fn ("    cap  fn -> ..."), keyed by capability.
func witnessLines(report, fn string) map[string]string {
	out := map[string]string{}
	in := false
	for _, line := range strings.Split(report, "\n") {
		switch {
		case strings.HasPrefix(line, "  "+fn+"  ("):
			in = true
		case in && strings.HasPrefix(line, "    "):
			f := strings.Fields(line)
			if len(f) > 1 {
				out[f[0]] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), f[0]))
			}
		default:
			in = false
		}
	}
	return out
}

// Check 4. A bin-only application whose capabilities all come from its
// dependencies (witness chains in testdata/apps/cli/witness.txt).
func TestIssueCLIApp(t *testing.T) {
	needCrates(t, "tokio-1.24.2", "tempfile-3.3.0", "duct-0.13.5")
	app := appDir("cli")
	cacheDir := t.TempDir()
	out, _ := runOK(t, "scan", "--cache-dir", cacheDir, app)
	if !strings.Contains(out, "  cli::main  (entry of bin, src/main.rs:38)\n") {
		t.Fatalf("cli::main is not listed as an entry point:\n%s", out)
	}
	w := witnessLines(out, "cli::main")
	checks := []struct{ cap, re string }{
		// witness.txt: cli::main -> cli::greet -> duct::Expression::run -> ...
		{"process", `^cli::main -> cli::greet -> duct::Expression::run -> .*std::process::Command::`},
		{"fs", `^cli::main -> cli::scratch -> tempfile::.* -> std::fs::`},
		{"net", `^cli::main -> cli::run_dial -> .*mio::.* -> libc::connect$`},
	}
	for _, c := range checks {
		if !regexp.MustCompile(c.re).MatchString(w[c.cap]) {
			t.Errorf("cli::main %s witness %q does not match %s", c.cap, w[c.cap], c.re)
		}
	}
	if !strings.Contains(out, "\nincomplete: 1 blind spot\n") ||
		!regexp.MustCompile(`(?m)^  generated-code \(1\)\n    src/main\.rs:8:1 `).MatchString(out) {
		t.Errorf("the include! of OUT_DIR (src/main.rs:8) is not reported as a generated-code blind spot:\n%s", out)
	}

	// main spawns nothing itself: process comes from duct. The gate looks
	// through dependencies, so it fails only when they are followed.
	wantExit(t, exitFindings, "scan", "--fail-on", "process", "--cache-dir", cacheDir, app)
	wantExit(t, exitOK, "scan", "--fail-on", "process", "--no-deps", app)
	nd, _ := runOK(t, "scan", "--no-deps", "--format", "json", app)
	if strings.Contains(nd, `"capability": "process"`) {
		t.Errorf("--no-deps scan reports a process effect in the crate itself")
	}

	// warden tree: one line per crate first, the root's naming a reason.
	tj, _ := runOK(t, "tree", "--format", "json", "--cache-dir", cacheDir, app)
	var tr struct {
		Crates []struct{ Name, Version string } `json:"crates"`
	}
	if err := json.Unmarshal([]byte(tj), &tr); err != nil {
		t.Fatal(err)
	}
	text, _ := runOK(t, "tree", "--cache-dir", cacheDir, app)
	lines := strings.Split(text, "\n")
	hdr := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "crate ") && strings.Contains(l, "why") {
			hdr = i
			break
		}
	}
	if hdr < 0 || hdr > 4 || hdr+len(tr.Crates) >= len(lines) {
		t.Fatalf("tree text does not open with the crate table:\n%s", text)
	}
	table := lines[hdr+1 : hdr+1+len(tr.Crates)]
	for _, c := range tr.Crates {
		n := 0
		for _, l := range table {
			if strings.HasPrefix(l, c.Name+" "+c.Version+" ") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("crate %s %s has %d lines in the table, want 1", c.Name, c.Version, n)
		}
	}
	if lines[hdr+1+len(tr.Crates)] != "" {
		t.Errorf("line after the %d crate rows is %q, want a blank line", len(tr.Crates), lines[hdr+1+len(tr.Crates)])
	}
	for _, l := range table {
		if strings.HasPrefix(l, "cli 0.1.0 ") && !regexp.MustCompile(`(process|fs|net): cli::main -> `).MatchString(l) {
			t.Errorf("cli row names no reason from cli::main: %q", l)
		}
	}
}

// Check 5. Macros defined nowhere: the crate is incomplete and must not
// look clean.
func TestIssueNoMacro(t *testing.T) {
	app := appDir("nomacro")
	out, _ := runOK(t, "scan", "--no-cache", app)
	for _, want := range []string{"\nincomplete: 2 blind spots\n", "src/lib.rs:8:1 ", "src/lib.rs:12:5 ", "macro-not-found (2)"} {
		if !strings.Contains(out, want) {
			t.Errorf("scan text lacks %q:\n%s", want, out)
		}
	}
	// The report says it is incomplete before anything else.
	if _, body, _ := strings.Cut(out, "\n\n"); !strings.HasPrefix(body, "incomplete: 2 blind spots\n") {
		t.Errorf("the first line after the header is not \"incomplete: 2 blind spots\":\n%s", out)
	}
	wantExit(t, exitFindings, "scan", "--no-cache", "--fail-on", "blind", app)
	s := scanJSONOf(t, "--no-cache", app)
	if s.Coverage.Complete {
		t.Error("coverage.complete is true")
	}
	lines := map[int]bool{}
	for _, b := range s.Coverage.BlindSpots {
		if b.Kind == "macro-not-found" && b.File == "src/lib.rs" {
			lines[b.Line] = true
		}
	}
	if !lines[8] || !lines[12] {
		t.Errorf("macro-not-found blind spots at lines %v, want 8 and 12", lines)
	}

	// The same without the visible effect: the one place where "No
	// effects found." could be printed alone.
	dir := t.TempDir()
	writeFile(t, dir, "Cargo.toml", "[package]\nname = \"blank\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
	writeFile(t, dir, "src/lib.rs", "pub fn f() { secret!(); }\n")
	for _, args := range [][]string{{"scan", "--no-cache", dir}, {"scan", "--no-cache", app}} {
		out, _ := runOK(t, args...)
		if regexp.MustCompile(`(?m)^No effects found\.$`).MatchString(out) {
			t.Errorf("warden %s prints \"No effects found.\" for an incomplete crate:\n%s", strings.Join(args, " "), out)
		}
	}
	if out, _ := runOK(t, "scan", "--no-cache", dir); !strings.Contains(out, "No effects found in the code Warden could see") {
		t.Errorf("incomplete crate without effects:\n%s", out)
	}
}

// Check 6. Two versions of clap in one tree stay apart.
func TestIssueTwoVersions(t *testing.T) {
	needCrates(t, "clap-3.2.23", "clap-4.0.32")
	app := appDir("twoversions")
	cacheDir := t.TempDir()
	tj, _ := runOK(t, "tree", "--format", "json", "--cache-dir", cacheDir, app)
	var tr struct {
		Crates []struct{ ID, Name, Version string } `json:"crates"`
	}
	if err := json.Unmarshal([]byte(tj), &tr); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, c := range tr.Crates {
		if c.Name == "clap" {
			ids[c.Version] = c.ID
		}
	}
	if len(ids) != 2 || ids["3.2.23"] == "" || ids["4.0.32"] == "" || ids["3.2.23"] == ids["4.0.32"] {
		t.Errorf("clap crates in the tree: %v, want 3.2.23 and 4.0.32 with different ids", ids)
	}
	s := scanJSONOf(t, "--cache-dir", cacheDir, app)
	ws := s.witnesses(t, "twoversions::parse_process_v4")
	caps := map[string]bool{}
	for _, w := range ws {
		if !strings.HasPrefix(w, "twoversions::parse_process_v4 -> clap@4.0.32::") || strings.Contains(w, "clap@3") {
			t.Errorf("parse_process_v4 witness %q does not go through clap@4.0.32 only", w)
		}
		if strings.HasSuffix(w, "std::env::args_os") {
			caps["env"] = true
		}
		if strings.Contains(w, "std::process::exit") {
			caps["process"] = true
		}
	}
	if !caps["env"] || !caps["process"] {
		t.Errorf("parse_process_v4 witnesses %v, want env (std::env::args_os) and process (std::process::exit)", ws)
	}
	// truth.txt: parse_given_v3 parses the arguments it is given.
	for _, f := range s.Functions {
		if f.Path == "twoversions::parse_given_v3" && (contains(f.Reachable, "env") || contains(f.Reachable, "process")) {
			t.Errorf("parse_given_v3 reaches %v through clap 3; the versions are mixed", f.Reachable)
		}
	}
}

// Check 7. --fail-on in a virtual workspace gates on every member.
func TestIssueWorkspaceFailOn(t *testing.T) {
	needCrates(t, "tempfile-3.3.0")
	ws := filepath.Join("..", "..", "testdata", "tree", "ws")
	cacheDir := t.TempDir()
	wantExit(t, exitFindings, "scan", "--fail-on", "fs", "--cache-dir", cacheDir, ws)
	wantExit(t, exitOK, "scan", "--fail-on", "net", "--cache-dir", cacheDir, ws)
	wantExit(t, exitFindings, "scan", "--format", "json", "--fail-on", "fs", "--cache-dir", cacheDir, ws)
}

// importModules are the modules "warden imports" inventories (its help).
var importModules = []string{"std::env", "std::fs", "std::net", "std::os", "std::path", "std::process", "libc"}

func inImportModules(path string) bool {
	for _, m := range importModules {
		if path == m || strings.HasPrefix(path, m+"::") || strings.HasPrefix(path, m+" as ") {
			return true
		}
	}
	return false
}

// Check 8. "warden imports" on mio 0.8.4 reproduces, line for line, the
// text-only inventory of testdata/audits (scripts/mio-imports.sh)
// restricted to the authority modules.
func TestIssueMioImports(t *testing.T) {
	needCrates(t, "mio-0.8.4")
	dir := filepath.Join(registryDir, "mio-0.8.4")
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "audits", "mio-0.8.4-imports.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// The audit lists a leaf imported twice in one file twice (cfg-exclusive
	// copies); warden lists it once.
	var want []string
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(l, ", ", 3)
		if len(parts) != 3 {
			t.Fatalf("malformed audit line %q", l)
		}
		if inImportModules(parts[2]) && !seen[l] {
			seen[l] = true
			want = append(want, l)
		}
	}
	out, _ := runOK(t, "imports", dir)
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warden imports differs from the audit inventory (%d lines, want %d):\n%s", len(got), len(want), textdiff.Diff(strings.Join(want, "\n")+"\n", strings.Join(got, "\n")+"\n", 60))
	}
	if len(want) < 140 {
		t.Errorf("only %d audit lines in the authority modules; the filter is wrong", len(want))
	}
	// Lines of the published hand audit of mio 0.8.4.
	for _, l := range []string{
		"src/net/tcp, listener.rs, std::net::self",
		"src/sys/windows, udp.rs, std::os::windows::raw::SOCKET as StdSocket",
		"src/sys/windows, iocp.rs, std::os::windows::io::*",
		"src/net, udp.rs, std::net",
	} {
		if !contains(got, l) {
			t.Errorf("warden imports lacks the published line %q", l)
		}
	}
	// The module list above must be the one warden uses, or the
	// comparison silently drops lines.
	js, _ := runOK(t, "imports", "--format", "json", dir)
	var ij struct {
		Imports []struct{ Module string } `json:"imports"`
	}
	if err := json.Unmarshal([]byte(js), &ij); err != nil {
		t.Fatal(err)
	}
	for _, im := range ij.Imports {
		if !contains(importModules, im.Module) {
			t.Errorf("warden imports lists module %q, not in %v", im.Module, importModules)
		}
	}
}

// Check 9. Usage errors exit 2, from the real process.
func TestIssueUsageExitCodes(t *testing.T) {
	noManifest := t.TempDir()
	writeFile(t, noManifest, "src/lib.rs", "pub fn f() {}\n")
	// A valid crate, so that only the flag under test is wrong.
	crate := t.TempDir()
	writeFile(t, crate, "Cargo.toml", "[package]\nname = \"ok\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
	writeFile(t, crate, "src/lib.rs", "pub fn f() {}\n")
	cases := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"scan", "--no-cache", "--target", "nope", crate}, `unknown target "nope"`},
		{[]string{"tree", "--no-cache", "--target", "nope", crate}, `unknown target "nope"`},
		{[]string{"imports", "--target", "nope", crate}, `unknown target "nope"`},
		{[]string{"iosafety", "--target", "nope", crate}, `unknown target "nope"`},
		{[]string{"scan", "--no-cache", "--format", "yaml", crate}, `unknown format "yaml"`},
		{[]string{"tree", "--no-cache", "--format", "yaml", crate}, `unknown format "yaml"`},
		{[]string{"imports", "--format", "csv", crate}, `unknown format "csv"`},
		{[]string{"iosafety", "--format", "md", crate}, `unknown format "md"`},
		{[]string{"scan", "--no-cache", "--fail-on", "disk", crate}, `unknown capability "disk"`},
		{[]string{"tree", "--no-cache", "--fail-on", "fs,disk", crate}, `unknown capability "disk"`},
		{[]string{"scan", "--no-cache", noManifest}, "Cargo.toml"},
		{[]string{"tree", "--no-cache", noManifest}, "Cargo.toml"},
		{[]string{"imports", noManifest}, "Cargo.toml"},
		{[]string{"iosafety", noManifest}, "Cargo.toml"},
		{[]string{"scan", "--no-cache", crate, crate}, "expected one crate path"},
	}
	for _, tc := range cases {
		// The last argument is a temporary directory: not in the name.
		t.Run(strings.Join(tc.args[:len(tc.args)-1], " "), func(t *testing.T) {
			code, _, errOut := runProcess(t, tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s", code, exitUsage, tc.wantErr, errOut)
			}
		})
	}
}

// flagMethods are the flag.FlagSet methods that define a flag.
var flagMethods = map[string]bool{
	"Bool": true, "BoolVar": true, "String": true, "StringVar": true, "Int": true, "IntVar": true,
	"Int64": true, "Int64Var": true, "Uint": true, "UintVar": true, "Uint64": true, "Uint64Var": true,
	"Float64": true, "Float64Var": true, "Duration": true, "DurationVar": true, "Var": true,
	"Func": true, "BoolFunc": true, "TextVar": true,
}

// undocumentedFlags are flags a command accepts that its help may leave
// out: on purpose (a developer's tool), or a known bug being tracked.
var undocumentedFlags = map[string]map[string]string{
	"parse-stats": {"cpuprofile": "hidden on purpose (debug.go)"},
}

// commandFlags reads this package's source and returns, for each FlagSet
// made by newFlagSet (keyed by its name), the flags defined on it: by its
// own method calls and by the helpers it is passed to (crateFlags.register
// and the like), followed through any depth.
func commandFlags(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	isFlagSetPtr := func(e ast.Expr) bool {
		st, ok := e.(*ast.StarExpr)
		if !ok {
			return false
		}
		sel, ok := st.X.(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "FlagSet" && fmt.Sprint(sel.X) == "flag"
	}
	// helpers: "Type.method" or "func" -> (body, name of the *flag.FlagSet param).
	type helper struct {
		body  *ast.BlockStmt
		param string
	}
	helpers := map[string]helper{}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			key := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				rt := fd.Recv.List[0].Type
				if st, ok := rt.(*ast.StarExpr); ok {
					rt = st.X
				}
				key = fmt.Sprint(rt) + "." + key
			}
			for _, p := range fd.Type.Params.List {
				if isFlagSetPtr(p.Type) && len(p.Names) == 1 {
					helpers[key] = helper{fd.Body, p.Names[0].Name}
				}
			}
		}
	}
	// flagsIn collects the flags defined on variable v in body; varTypes
	// maps local variables to their declared type names.
	var flagsIn func(body *ast.BlockStmt, v string, depth int) []string
	flagsIn = func(body *ast.BlockStmt, v string, depth int) []string {
		if depth > 10 {
			t.Fatalf("helpers calling each other too deep")
		}
		varTypes := map[string]string{}
		ast.Inspect(body, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && vs.Type != nil {
				for _, name := range vs.Names {
					varTypes[name.Name] = fmt.Sprint(vs.Type)
				}
			}
			return true
		})
		var names []string
		ast.Inspect(body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			// v.String("name", ...), v.StringVar(&x, "name", ...)
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && fmt.Sprint(sel.X) == v && flagMethods[sel.Sel.Name] {
				for _, a := range call.Args {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						names = append(names, s)
						return true
					}
				}
				t.Errorf("%s: flag name is not a string literal", fset.Position(call.Pos()))
				return true
			}
			// helper(v) or x.method(v): follow the helper.
			for _, a := range call.Args {
				if id, ok := a.(*ast.Ident); !ok || id.Name != v {
					continue
				}
				var key string
				switch fn := call.Fun.(type) {
				case *ast.Ident:
					key = fn.Name
				case *ast.SelectorExpr:
					key = varTypes[fmt.Sprint(fn.X)] + "." + fn.Sel.Name
				}
				h, ok := helpers[key]
				if !ok {
					t.Errorf("%s: %s is passed to a call this test cannot follow", fset.Position(call.Pos()), v)
					continue
				}
				names = append(names, flagsIn(h.body, h.param, depth+1)...)
			}
			return true
		})
		return names
	}
	out := map[string][]string{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			switch fn := n.(type) {
			case *ast.FuncLit:
				body = fn.Body
			case *ast.FuncDecl:
				body = fn.Body
			default:
				return true
			}
			if body == nil {
				return true
			}
			for _, st := range body.List {
				as, ok := st.(*ast.AssignStmt)
				if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
					continue
				}
				call, ok := as.Rhs[0].(*ast.CallExpr)
				if !ok || fmt.Sprint(call.Fun) != "newFlagSet" || len(call.Args) < 2 {
					continue
				}
				lit, ok := call.Args[1].(*ast.BasicLit)
				if !ok {
					t.Errorf("%s: newFlagSet name is not a literal", fset.Position(call.Pos()))
					continue
				}
				name, _ := strconv.Unquote(lit.Value)
				out[name] = flagsIn(body, fmt.Sprint(as.Lhs[0]), 0)
			}
			return true
		})
	}
	return out
}

// Check 9, help. Every flag a command accepts is in its help text. The
// flags come from the source (each FlagSet and the helpers it is passed
// to); each is also run once to make sure the command really accepts it.
func TestIssueHelpMentionsEveryFlag(t *testing.T) {
	flags := commandFlags(t)
	usage := map[string]string{}
	for _, c := range commands() {
		usage[c.name] = c.usage
	}
	for _, c := range debugSubcommands() {
		usage[c.name] = c.usage
	}
	// The source reading must find what is known to be there.
	for _, f := range []string{"no-deps", "fail-on", "cache-dir", "no-cache", "j", "target", "benches", "format"} {
		if !contains(flags["scan"], f) {
			t.Fatalf("scan flags read from the source: %v, lacks %q", flags["scan"], f)
		}
	}
	for _, cmd := range []string{"scan", "tree", "imports", "iosafety", "parse-stats", "parse"} {
		if len(flags[cmd]) == 0 {
			t.Fatalf("no flags found for %s: %v", cmd, flags)
		}
	}
	names := make([]string, 0, len(flags))
	for n := range flags {
		names = append(names, n)
	}
	sort.Strings(names)
	noDir := filepath.Join(t.TempDir(), "none")
	// "-cache-dir=" falls back to the default cache directory.
	t.Setenv("WARDEN_CACHE_DIR", t.TempDir())
	for _, cmd := range names {
		text, ok := usage[cmd]
		if !ok {
			t.Errorf("FlagSet %q belongs to no command", cmd)
			continue
		}
		argv := []string{cmd}
		if !isTopCommand(cmd) {
			argv = []string{"debug", cmd}
		}
		for _, f := range flags[cmd] {
			// "-j N", "--format F", "--fail": the name, not a prefix of a
			// longer flag.
			mentioned := regexp.MustCompile(`(^|[^\w-])--?` + regexp.QuoteMeta(f) + `([^\w-]|$)`).MatchString(text)
			reason, allowed := undocumentedFlags[cmd][f]
			switch {
			case !mentioned && !allowed:
				t.Errorf("warden %s accepts -%s, which its help does not mention", strings.Join(argv, " "), f)
			case mentioned && allowed:
				t.Logf("warden %s: -%s is now in the help; drop it from undocumentedFlags (%s)", cmd, f, reason)
			}
			// "-name=" with no value fails on the value (or the missing
			// directory), never with "not defined".
			_, _, errOut := runCLI(t, append(argv, "-"+f+"=", noDir)...)
			if strings.Contains(errOut, "flag provided but not defined") {
				t.Errorf("warden %s: the source defines -%s, the command rejects it", strings.Join(argv, " "), f)
			}
		}
		for f := range undocumentedFlags[cmd] {
			if !contains(flags[cmd], f) {
				t.Errorf("undocumentedFlags lists -%s for %s, which does not define it", f, cmd)
			}
		}
	}
	// The probe above can tell an undefined flag.
	if _, _, errOut := runCLI(t, "scan", "-no-such-flag=", noDir); !strings.Contains(errOut, "flag provided but not defined") {
		t.Errorf("an undefined flag is not reported as such: %q", errOut)
	}
}

func isTopCommand(name string) bool {
	for _, c := range commands() {
		if c.name == name {
			return true
		}
	}
	return false
}

// unsafeRune reports the first rune that could drive a terminal or
// reorder displayed text: C0/C1 controls other than newline and tab, DEL,
// and the bidi embedding, override and isolate controls.
func unsafeRune(s string) (rune, int, bool) {
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return r, i, true
		}
	}
	return 0, 0, false
}

// Check 10. Names from the crate (directory, file names, identifiers,
// target and feature names, macro arguments) reach the text reports only
// escaped.
func TestIssueHostileNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file names with control characters")
	}
	root := filepath.Join(t.TempDir(), "crate\x1b[31mred\u202e")
	evil := "\x1b[31mevil\u202e.rs"
	mainRS := "\x1b]0;title\x07main.rs"
	writeFile(t, root, "Cargo.toml", `[package]
name = "hostile"
version = "0.1.0"
edition = "2021"

[features]
default = ["f\u001b[31m\u202e"]
"f\u001b[31m\u202e" = []

[[bin]]
name = "b\u001b[2Jin"
path = "src/\u001b]0;title\u0007main.rs"
`)
	writeFile(t, root, "src/lib.rs", `#[path = "\x1b[31mevil\u{202e}.rs"]
mod evil;
pub fn top() { evil::read(); let _ = env!("\x1b[31mX\u{202e}"); }
const S: &str = include_str!("\x1b[31mdata\u{202e}.txt");
#[cfg(feature = "f\x1b[31m\u{202e}")]
pub fn feat() { let _ = std::env::var("A"); }
`)
	// Identifiers carrying the override: not valid Rust, so syntax blind
	// spots whose messages quote the offending text.
	writeFile(t, root, "src/"+evil, "pub fn read() { let _ = std::fs::read(\"x\"); std::\u202e!(); }\npub fn r\u202eead\x1b[0m() {}\n")
	writeFile(t, root, "src/"+mainRS, "fn main() { std::process::Command::new(\"x\"); hostile::top(); }\n")
	if _, err := os.Stat(filepath.Join(root, "src", evil)); err != nil {
		t.Skipf("file system refuses control characters in names: %v", err)
	}
	for _, args := range [][]string{
		{"scan", "--no-cache", root},
		{"scan", "--no-cache", "--no-deps", root},
		{"tree", "--no-cache", root},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != exitOK {
			t.Errorf("warden %s: exit %d: %s", args[0], code, errOut)
		}
		// The report must have seen the hostile material, or the check
		// proves nothing.
		for _, want := range []string{"hostile::evil::read", "std::process::Command::new", "env!(", "syntax"} {
			if !strings.Contains(out, want) {
				t.Errorf("warden %s: report lacks %q:\n%s", strings.Join(args[:len(args)-1], " "), want, out)
			}
		}
		for stream, s := range map[string]string{"stdout": out, "stderr": errOut} {
			if r, i, bad := unsafeRune(s); bad {
				t.Errorf("warden %s: %s has raw %U at byte %d: %q", strings.Join(args[:len(args)-1], " "), stream, r, i, s[max(0, i-40):min(len(s), i+40)])
			}
		}
	}
}
