package analysis

import (
	"context"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/testfs"
)

// ids scans a one-file crate and returns its effects' ids by callee and
// line.
func ids(t *testing.T, version, src string) map[string]string {
	t.Helper()
	dir := testfs.Write(t, t.TempDir(), map[string]string{
		"Cargo.toml": "[package]\nname = \"idtest\"\nversion = \"" + version + "\"\nedition = \"2021\"\n",
		"src/lib.rs": src,
	})
	res, err := Run(context.Background(), dir, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range res.Of(diag.Effect) {
		if d.ID == "" {
			t.Errorf("effect %s at %v has no id", d.Callee, d.Pos)
		}
		out[d.Function+" "+d.Callee+" "+d.Kind] += d.ID + " "
	}
	return out
}

// TestEffectIDs: an effect keeps its id when lines move, comments and
// whitespace change, or the version changes; its id changes with its
// statement; two identical effects in one function get two ids.
func TestEffectIDs(t *testing.T) {
	base := ids(t, "1.0.0", `pub fn read() -> String {
    std::fs::read_to_string("/etc/hosts").unwrap()
}
pub fn twice() {
    let _ = std::env::var("A");
    let _ = std::env::var("A");
}
`)
	moved := ids(t, "1.1.0", `// A comment that moves everything down.

/// Docs.
pub fn read() -> String {
    std::fs::read_to_string( "/etc/hosts" ) // reformatted
        .unwrap()
}

pub fn twice() {
    let _ = std::env::var("A");
    let _ = std::env::var("A");
}

pub fn new_one() { let _ = std::net::TcpStream::connect("x:1"); }
`)
	changed := ids(t, "1.1.0", `pub fn read() -> String {
    std::fs::read_to_string("/etc/passwd").unwrap()
}
`)
	key := "idtest::read std::fs::read_to_string ambient"
	if base[key] == "" || base[key] != moved[key] {
		t.Errorf("id of read_to_string changed when lines moved: %q -> %q", base[key], moved[key])
	}
	if changed[key] == base[key] {
		t.Errorf("id of read_to_string did not change with its statement: %q", base[key])
	}
	twice := strings.Fields(base["idtest::twice std::env::var ambient"])
	if len(twice) != 2 || twice[0] == twice[1] {
		t.Errorf("two identical effects have ids %v, want two different ones", twice)
	}
	if base["idtest::twice std::env::var ambient"] != moved["idtest::twice std::env::var ambient"] {
		t.Errorf("ids of twice changed: %q -> %q", base["idtest::twice std::env::var ambient"], moved["idtest::twice std::env::var ambient"])
	}
}
