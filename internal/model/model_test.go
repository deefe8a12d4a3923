package model

import (
	"strings"
	"testing"
)

func TestBuiltinModelParses(t *testing.T) {
	m := Builtin()
	if len(m.Rules) < 100 {
		t.Errorf("builtin model has %d rules, expected a full table", len(m.Rules))
	}
}

func TestLookup(t *testing.T) {
	m := Builtin()
	tests := []struct {
		path string
		cap  Capability // "" for no effect
	}{
		{"std::fs::File::open", FS},
		{"core::ptr::read", Unsafe},
		{"alloc::alloc::alloc", Unsafe},
		{"::std::env::var", Env},
		{"std::net::TcpStream::connect", Net},
		{"std::os::unix::io::FromRawFd::from_raw_fd", RawHandle},
		{"std::fs::File::from_raw_fd", RawHandle},
		{"mycrate::Fd::from_raw_fd", RawHandle},
		{"libc::open", FS},
		{"libc::connect", Net},
		{"libc::getpid", System},
		{"libc::c_int", System},
		{"std::process::Command::new", Process},
		{"std::process::exit", Process},
		{"std::fs::File::read", ""},
		{"std::path::Path::join", ""},
		{"std::mem::swap", ""},
		{"std::fmt::format", ""},
		{"std::io::Read::read_to_string", ""},
		{"libcx::open", ""},
	}
	for _, tc := range tests {
		r := m.Lookup(tc.path)
		var got Capability
		if r != nil {
			got = r.Cap
		}
		if got != tc.cap {
			t.Errorf("Lookup(%s) = %q, want %q", tc.path, got, tc.cap)
		}
	}
}

func TestMethodCandidates(t *testing.T) {
	m := Builtin()
	if rs := m.MethodCandidates("connect"); len(rs) == 0 {
		t.Error("no candidates for connect")
	}
	if rs := m.MethodCandidates("from_raw_fd"); len(rs) != 1 || rs[0].Cap != RawHandle {
		t.Errorf("from_raw_fd candidates = %v", rs)
	}
	if rs := m.MethodCandidates("len"); len(rs) != 0 {
		t.Errorf("len candidates = %v, want none", rs)
	}
}

func TestParseErrors(t *testing.T) {
	bad := []string{
		"fs ambient path",                 // too few fields
		"disk ambient path std::fs::read", // unknown capability
		"fs ambient glob std::fs::*",      // unknown match
		"system call prefix libc",         // prefix without ::
		"raw_handle forge name a::b",      // name with path
		"fs a path x::y\nfs a path x::y",  // duplicate
	}
	for _, text := range bad {
		if _, err := Parse("t.txt", text); err == nil || !strings.Contains(err.Error(), "t.txt:") {
			t.Errorf("Parse(%q) error = %v, want a t.txt:line error", text, err)
		}
	}
}
