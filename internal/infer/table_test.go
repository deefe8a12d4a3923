package infer

import (
	"strings"
	"testing"
)

// TestStdTable: the embedded table parses, and holds the entries the
// issue names as examples.
func TestStdTable(t *testing.T) {
	tab, err := ParseTable("std.txt", stdTable)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"std::path::Path::join":        "std::path::PathBuf",
		"std::fs::metadata":            "std::result::Result<std::fs::Metadata,std::io::Error>",
		"std::thread::Builder::new":    "std::thread::Builder",
		"std::process::Command::new":   "std::process::Command",
		"std::option::Option::unwrap":  "$0",
		"std::iter::Iterator::next":    "std::option::Option<item>",
		"std::fs::read_dir":            "std::result::Result<std::fs::ReadDir,std::io::Error>",
		"std::env::var":                "std::result::Result<std::string::String,std::env::VarError>",
		"std::process::Command::spawn": "std::result::Result<std::process::Child,std::io::Error>",
	} {
		got, ok := tab.Returns(path)
		if !ok || got.String() != want {
			t.Errorf("fn %s returns %v (listed %v), want %s", path, got, ok, want)
		}
	}
	rd := named("std::fs::ReadDir")
	if got := tab.Item(rd).String(); got != "std::result::Result<std::fs::DirEntry,std::io::Error>" {
		t.Errorf("item of ReadDir = %s", got)
	}
	if got := tab.Deref(named("std::path::PathBuf")).String(); got != "std::path::Path" {
		t.Errorf("deref of PathBuf = %s", got)
	}
	for _, name := range []string{"new", "open", "spawn", "is_file"} {
		if !tab.Common(name) {
			t.Errorf("%s is not a common name", name)
		}
	}
}

func TestParseTableErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"fn a::b", "malformed"},
		{"fn a::b x<y", "missing"},
		{"fn a::b T\nfn a::b U", "duplicate fn entry"},
		{"impl a", "malformed"},
		{"common", "malformed"},
		{"frob a b", "unknown entry"},
		{"fills a::b x", "argument index"},
		{"fills a::b", "malformed"},
	} {
		_, err := ParseTable("t.txt", tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseTable(%q) = %v, want an error containing %q", tc.text, err, tc.want)
		}
	}
}

// TestTypeRoundTrip: ParseType and String are inverses on the table's
// syntax, and references are dropped.
func TestTypeRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"std::io::Result<std::fs::Metadata>", "std::io::Result<std::fs::Metadata>"},
		{"(usize,item$0)", "(usize,item$0)"},
		{"[u8]", "[u8]"},
		{"&mut Self", "Self"},
		{"*const u8", "*const u8"},
		{"*mut std::ffi::c_void", "*mut std::ffi::c_void"},
		{"std::result::Result<(),_>", "std::result::Result<(),_>"},
		{"_", "_"},
	} {
		ty, err := ParseType(tc.in)
		if err != nil {
			t.Errorf("ParseType(%q): %v", tc.in, err)
			continue
		}
		if got := ty.String(); got != tc.want {
			t.Errorf("ParseType(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"a<b", "(a", "<", "a b"} {
		if _, err := ParseType(bad); err == nil {
			t.Errorf("ParseType(%q) succeeded", bad)
		}
	}
}

// TestSubst: placeholders are replaced by the receiver's parts.
func TestSubst(t *testing.T) {
	tab, err := ParseTable("t.txt", "item std::vec::Vec $0\nalias std::io::Result std::result::Result<$0,std::io::Error>")
	if err != nil {
		t.Fatal(err)
	}
	vec := named("std::vec::Vec", named("u8"))
	for _, tc := range []struct{ tmpl, want string }{
		{"$0", "u8"},
		{"Self", "std::vec::Vec<u8>"},
		{"std::option::Option<item>", "std::option::Option<u8>"},
		{"$1", "_"},
		{"$closure", "_"},
	} {
		tm, err := ParseType(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if got := tab.subst(tm, vec, tab.Item(vec), nil).String(); got != tc.want {
			t.Errorf("subst(%s) = %s, want %s", tc.tmpl, got, tc.want)
		}
	}
	r, _ := ParseType("std::io::Result<std::fs::File>")
	if got := tab.normalize(r).String(); got != "std::result::Result<std::fs::File,std::io::Error>" {
		t.Errorf("normalize(io::Result<File>) = %s", got)
	}
}
