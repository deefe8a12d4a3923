package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/parsestats"
	"github.com/wardenrs/warden/internal/testfs"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &env{stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	return testfs.WriteFile(t, dir, name, content)
}

func TestCLIExitCodesAndHelp(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.rs", "fn main() { println!(\"hi\"); }\n")
	bad := writeFile(t, dir, "bad.rs", "fn main() { let = ; }\n")
	tests := []struct {
		args       []string
		code       int
		wantOut    string
		wantErr    string
		stdoutNone bool
	}{
		{args: nil, code: exitUsage, wantErr: "Usage:"},
		{args: []string{"--help"}, code: exitOK, wantOut: "Exit codes:"},
		{args: []string{"help", "debug"}, code: exitOK, wantOut: "parse-stats"},
		{args: []string{"help", "debug", "parse-stats"}, code: exitOK, wantOut: "use_leaves"},
		{args: []string{"help", "nope"}, code: exitUsage, wantErr: "unknown command"},
		{args: []string{"nope"}, code: exitUsage, wantErr: "unknown command \"nope\""},
		{args: []string{"version"}, code: exitOK, wantOut: "warden "},
		{args: []string{"debug"}, code: exitUsage, wantErr: "missing subcommand"},
		{args: []string{"debug", "parse-stats"}, code: exitUsage, wantErr: "no files given"},
		{args: []string{"debug", "parse-stats", "-bogus", good}, code: exitUsage, wantErr: "flag provided but not defined"},
		{args: []string{"debug", "parse-stats", filepath.Join(dir, "missing.rs")}, code: exitUsage, wantErr: "missing.rs"},
		{args: []string{"debug", "parse", good}, code: exitOK, stdoutNone: true},
		{args: []string{"debug", "parse", bad}, code: exitOK, wantOut: "bad.rs:1:17: expected pattern"},
		{args: []string{"debug", "parse", bad, "--fail-on-errors"}, code: exitFindings, wantOut: "bad.rs:1:"},
		{args: []string{"debug", "tokens", good}, code: exitOK, wantOut: "1:1\tfn\t\"fn\""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr: %s)", code, tc.code, errOut)
			}
			if tc.wantOut != "" && !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout %q does not contain %q", out, tc.wantOut)
			}
			if tc.wantErr != "" && !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut, tc.wantErr)
			}
			if tc.stdoutNone && out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

func TestParseStatsJSON(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "src/lib.rs", `use std::{fs::{self, File}, io::*, net::TcpStream as T};
pub fn f() -> std::io::Result<()> { // calls inside println! are not counted
    let x = unsafe { libc::getpid() };
    println!("{}", g(x).len());
    Ok(())
}
trait Tr { fn a(&self); }
extern "C" { fn getpid() -> i32; }
macro_rules! m { () => {} }
`)
	writeFile(t, dir, "src/b.rs", "fn broken( {\n")
	writeFile(t, dir, "target/skip.rs", "fn skipped() {}")
	code, out, errOut := runCLI(t, "debug", "parse-stats", "-j", "2", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2 (b.rs, lib.rs; target/ skipped):\n%s", len(lines), out)
	}
	var b, lib parsestats.Stats
	if err := json.Unmarshal([]byte(lines[0]), &b); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &lib); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.File, "b.rs") || len(b.Errors) == 0 || !strings.HasPrefix(b.Errors[0], "1:") {
		t.Errorf("b.rs stats = %+v, want a 1:col error", b)
	}
	want := parsestats.Stats{File: lib.File, Bytes: lib.Bytes, Fns: 3, Calls: 2, MethodCalls: 0, MacroCalls: 2, UnsafeBlocks: 1, UseLeaves: 4, Errors: []string{}}
	if lib.Fns != want.Fns || lib.Calls != want.Calls || lib.MethodCalls != want.MethodCalls || lib.MacroCalls != want.MacroCalls ||
		lib.UnsafeBlocks != want.UnsafeBlocks || lib.UseLeaves != want.UseLeaves || len(lib.Errors) != 0 {
		t.Errorf("lib.rs stats = %+v\nwant %+v", lib, want)
	}
	// The key order and names are a stable interface.
	if !strings.HasPrefix(lines[1], `{"file":`) || !strings.Contains(lines[1], `"bytes":`) ||
		!strings.Contains(lines[1], `,"fns":3,"calls":2,"method_calls":0,"macro_calls":2,"unsafe_blocks":1,"use_leaves":4,"errors":[]}`) {
		t.Errorf("JSON shape changed: %s", lines[1])
	}
}

func TestIOSafetyCommand(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Cargo.toml", "[package]\nname = \"io\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
	writeFile(t, dir, "src/lib.rs", "use std::os::unix::io::FromRawFd;\npub fn three() -> std::fs::File { unsafe { std::fs::File::from_raw_fd(3) } }\n")
	code, out, errOut := runCLI(t, "iosafety", "--fail", dir)
	if code != exitFindings || !strings.Contains(out, "WIO004 forged-literal") || !strings.Contains(out, "fix:") {
		t.Errorf("iosafety --fail: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "scan", "--format", "json", dir)
	if code != exitOK || !strings.Contains(out, `"findings": [`) || !strings.Contains(out, `"id": "WIO004"`) {
		t.Errorf("scan json lacks the finding: exit %d\n%s", code, out)
	}
	code, _, errOut = runCLI(t, "scan", filepath.Join(dir, "missing"))
	if code != exitUsage || !strings.Contains(errOut, "Cargo.toml") {
		t.Errorf("scan of a directory without Cargo.toml: exit %d, stderr %q", code, errOut)
	}
}

func TestTreeCommand(t *testing.T) {
	if _, err := os.Stat("/usr/share/cargo/registry/tokio-1.24.2"); err != nil && os.Getenv("CI") == "" {
		t.Skip("corpus not installed")
	}
	app := filepath.Join("..", "..", "testdata", "tree", "app")
	cacheDir := t.TempDir()
	for _, format := range []string{"text", "json", "dot", "md"} {
		code, out, errOut := runCLI(t, "tree", "--format", format, "--cache-dir", cacheDir, app)
		if code != exitOK {
			t.Fatalf("tree --format %s: exit %d: %s", format, code, errOut)
		}
		want := map[string]string{"text": "treeapp::dial", "json": `"brought_by"`, "dot": `"[^"]*treeapp[^"]*" -> "[^"]*tokio[^"]*"`, "md": "# Dependency tree audit: treeapp"}[format]
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("tree --format %s output lacks %q", format, want)
		}
	}
	if code, _, _ := runCLI(t, "tree", "--format", "pdf", app); code != exitUsage {
		t.Errorf("unknown format: exit %d", code)
	}
}

func TestScanWorkspace(t *testing.T) {
	if _, err := os.Stat("/usr/share/cargo/registry/tempfile-3.3.0"); err != nil && os.Getenv("CI") == "" {
		t.Skip("corpus not installed")
	}
	ws := filepath.Join("..", "..", "testdata", "tree", "ws")
	code, out, errOut := runCLI(t, "scan", ws)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"ws_a 0.1.0", "ws_b 0.1.0", "ws_b::run -> ws_a::scratch -> tempfile::", "std::env::var"} {
		if !strings.Contains(out, want) {
			t.Errorf("workspace scan lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "scan", "--format", "json", ws)
	if code != exitOK || !strings.Contains(out, `"members"`) || !strings.Contains(out, `"brought_by"`) {
		t.Errorf("workspace json: exit %d\n%s", code, out)
	}
}

// TestCargoSubcommand: as cargo-warden, "cargo warden check" arrives as
// "cargo-warden warden check"; as warden, arguments are kept.
func TestCargoSubcommand(t *testing.T) {
	for _, tc := range []struct {
		argv0 string
		args  []string
		want  string
	}{
		{"/usr/local/bin/cargo-warden", []string{"warden", "check", "."}, "check ."},
		{"cargo-warden", []string{"check"}, "check"},
		{"/usr/bin/warden", []string{"warden", "x"}, "warden x"},
		{`C:\bin\cargo-warden.exe`, []string{"warden", "tree"}, "tree"},
	} {
		if got := strings.Join(cargoArgs(tc.argv0, tc.args), " "); got != tc.want {
			t.Errorf("cargoArgs(%q, %q) = %q, want %q", tc.argv0, tc.args, got, tc.want)
		}
	}
}
