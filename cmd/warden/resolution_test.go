package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The crates of issue 9, scanned as a new user would (dependencies on,
// default features): each false alarm the name-based guess raised is
// gone, and each real effect next to it is still found.
func TestResolutionRealCrates(t *testing.T) {
	cacheDir := t.TempDir()
	scan := func(t *testing.T, crate string) *scanJSON {
		needCrates(t, crate)
		return scanJSONOf(t, "--cache-dir", cacheDir, filepath.Join(registryDir, crate))
	}
	// No process effect of the crate itself, and no witness to spawning
	// a process. (notify reaches std::process::abort through
	// crossbeam-channel's reference-count overflow check: real, and not
	// a spawn.)
	noProcess := func(t *testing.T, s *scanJSON) {
		for _, e := range s.Effects {
			if e.Capability == "process" {
				t.Errorf("process effect %s at %s:%d in %s", e.Callee, e.File, e.Line, e.Function)
			}
		}
		for _, f := range s.Functions {
			for _, w := range f.Witness {
				if strings.Contains(w, "std::process::Command") || strings.Contains(w, "Child::") {
					t.Errorf("%s: witness to a process spawn: %s", f.Path, w)
				}
			}
		}
	}
	// ureq's ErrorKind::Dns.new(..) is ureq's error constructor, and
	// Request::call reaches the network through its own code.
	t.Run("ureq", func(t *testing.T) {
		s := scan(t, "ureq-2.6.2")
		noProcess(t, s)
		ws := s.witnesses(t, "ureq::request::Request::call")
		if !strings.Contains(strings.Join(ws, "\n"), "std::net::TcpStream::connect") {
			t.Errorf("Request::call witnesses %v, want a path to std::net::TcpStream::connect", ws)
		}
	})
	// thread::Builder::spawn is not Command::spawn.
	t.Run("notify", func(t *testing.T) { noProcess(t, scan(t, "notify-5.0.0")) })
	t.Run("ctrlc", func(t *testing.T) { noProcess(t, scan(t, "ctrlc-3.2.3")) })
	// Metadata::is_file / is_dir read a Metadata already fetched: only
	// fs::metadata is fs.
	t.Run("which", func(t *testing.T) {
		s := scan(t, "which-4.2.5")
		found := false
		for _, e := range s.Effects {
			if e.File == "src/checker.rs" && e.Line == 53 {
				t.Errorf("effect %s on checker.rs:53 (Metadata::is_file)", e.Callee)
			}
			if e.Callee == "std::fs::metadata" && e.File == "src/checker.rs" && e.Line == 52 {
				found = true
			}
		}
		if !found {
			t.Error("std::fs::metadata at checker.rs:52 not found")
		}
		for _, e := range s.Effects {
			if e.Callee == "std::env::split_paths" {
				t.Errorf("split_paths (a pure string split) reported at %s:%d", e.File, e.Line)
			}
		}
	})
	t.Run("sd-notify", func(t *testing.T) {
		s := scan(t, "sd-notify-0.4.1")
		found := false
		for _, e := range s.Effects {
			if e.File == "src/lib.rs" && e.Line == 96 {
				t.Errorf("effect %s on lib.rs:96 (Metadata::is_dir)", e.Callee)
			}
			found = found || e.Callee == "std::fs::symlink_metadata" && e.Line == 95
		}
		if !found {
			t.Error("std::fs::symlink_metadata at lib.rs:95 not found")
		}
	})
	// home_dir.join(..) on the parameter home_dir is PathBuf::join, not a
	// call of the function home_dir().
	t.Run("dirs-sys", func(t *testing.T) {
		s := scan(t, "dirs-sys-0.3.7")
		for _, w := range s.witnesses(t, "dirs_sys::target_unix_not_mac::user_dirs") {
			if strings.Contains(w, "getpwuid_r") || strings.Contains(w, "home_dir") {
				t.Errorf("user_dirs witness %q goes through home_dir", w)
			}
		}
	})
}

// --fail-on counts name matches only with --include-name-matches: the
// fixture's only net effect is to_socket_addrs on a type Warden cannot
// see.
func TestResolutionGate(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "fixtures", "low_confidence")
	wantExit(t, exitOK, "scan", "--no-deps", "--fail-on", "net", dir)
	wantExit(t, exitFindings, "scan", "--no-deps", "--fail-on", "net", "--include-name-matches", dir)
	s := scanJSONOf(t, "--no-deps", dir)
	var net []string
	for _, f := range s.Functions {
		if f.Path == "fix_low_confidence::h" {
			net = f.Witness
		}
	}
	if len(net) != 1 || !strings.HasSuffix(net[0], "(by name)") {
		t.Errorf("h's witnesses %q, want one net witness marked (by name)", net)
	}
	out, _ := runOK(t, "scan", "--no-deps", "--format", "csv", dir)
	if !strings.Contains(out, ",name,") || !strings.HasPrefix(out, "crate,fn_decl,callee,effect,dir,file,line,col,cfg,build_time,resolution,") {
		t.Errorf("CSV lacks the resolution column:\n%s", out)
	}
	text, _ := runOK(t, "scan", "--no-deps", dir)
	if !strings.Contains(text, "[by name only, low confidence]") {
		t.Errorf("text report lacks the name-match marker:\n%s", text)
	}
}

// warden debug calls lists resolved calls with their resolution.
func TestDebugCalls(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "fixtures", "generic_open")
	out, _ := runOK(t, "debug", "calls", "--no-deps", dir)
	for _, want := range []string{
		"\tstd::fs::File::open\tsrc/lib.rs:",
		"\ttrait\tmethod",
		"\tpath\tcall",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("debug calls lacks %q:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Split(l, "\t"); len(f) != 5 {
			t.Errorf("line %q has %d fields, want 5", l, len(f))
		}
	}
}
