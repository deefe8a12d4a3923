package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/diag"
)

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"broken toml", "[policy\n", "warden.toml:"},
		{"unknown key", "[policy]\nblinds = \"warn\"\n", `warden.toml:2: unknown key "policy.blinds"`},
		{"bad blind", "[policy]\nblind = \"maybe\"\n", `warden.toml:2: policy.blind is "maybe"`},
		{"bad capability", "[crates.tokio]\nallow = [\"netz\"]\n", `warden.toml:2: crates.tokio.allow: unknown capability "netz"`},
		{"bad decision", "\n[[decision]]\ncrate = \"a\"\nid = \"1\"\ndecision = \"ok\"\nreason = \"r\"\n", `warden.toml:2: decision "ok"`},
		{"no reason", "[[decision]]\ncrate = \"a\"\nid = \"1\"\ndecision = \"safe\"\n", "warden.toml:1: decision on a 1 has no reason"},
		{"no id", "[[decision]]\ncrate = \"a\"\ndecision = \"safe\"\nreason = \"r\"\n", "warden.toml:1: a decision needs crate and id"},
		{"twice", "[[decision]]\ncrate = \"a\"\nid = \"1\"\ndecision = \"safe\"\nreason = \"r\"\n[[decision]]\ncrate = \"a\"\nid = \"1\"\ndecision = \"unsafe\"\nreason = \"r\"\n",
			"warden.toml:6: second decision on a 1 (the first is at line 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("warden.toml", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func effect(crate, version, id, capability string, build bool) Effect {
	return Effect{Crate: crate, Version: version, Diagnostic: diag.Diagnostic{Category: diag.Effect, ID: id, Capability: capability, BuildTime: build}}
}

func TestEvaluate(t *testing.T) {
	p, err := Parse("warden.toml", []byte(`
[policy]
separate_build_time = true
[policy.default]
allow = ["unsafe"]
[crates.tokio]
allow = ["net"]
allow_build = ["build", "env"]
reason = "runtime"
[[decision]]
crate = "tempfile"
version = "3.2.0"
id = "a1"
decision = "safe"
reason = "creates its file"
[[decision]]
crate = "tempfile"
version = "3.3.0"
id = "a2"
decision = "unsafe"
reason = "writes outside the temp dir"
[[decision]]
crate = "gone"
id = "z9"
decision = "caller-checked"
reason = "was fine"
`))
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(p, []Effect{
		effect("tempfile", "3.3.0", "a1", "fs", false),     // safe, carried over from 3.2.0
		effect("tempfile", "3.3.0", "a2", "fs", false),     // rejected
		effect("tempfile", "3.3.0", "a3", "fs", false),     // unreviewed
		effect("tempfile", "3.3.0", "a4", "unsafe", false), // default policy
		effect("tokio", "1.0.0", "b1", "net", false),       // allowed
		effect("tokio", "1.0.0", "b2", "env", true),        // allowed at build time
		effect("tokio", "1.0.0", "b3", "env", false),       // not at run time
	}, []Effect{effect("x", "1", "", "", false)})
	var got []string
	for _, it := range r.Items {
		got = append(got, it.ID+"="+it.Status+"/"+it.CarriedFrom)
	}
	want := "a1=safe/3.2.0 a2=unsafe/ a3=unreviewed/ a4=allowed-by-policy/ b1=allowed-by-policy/ b2=allowed-by-policy/ b3=unreviewed/"
	if strings.Join(got, " ") != want {
		t.Errorf("statuses:\n %s\nwant\n %s", strings.Join(got, " "), want)
	}
	if len(r.Stale) != 1 || r.Stale[0].ID != "z9" || r.Stale[0].Line == 0 {
		t.Errorf("stale = %+v, want the decision on z9 with its line", r.Stale)
	}
	u, rj, s, b := r.Failures()
	if u != 2 || rj != 1 || s != 1 || b != 1 || r.Pass() {
		t.Errorf("failures = %d %d %d %d (pass %v), want 2 1 1 1 and a failure", u, rj, s, b, r.Pass())
	}
}

// TestAppend: decisions written by Append read back as written, hostile
// strings included, and the file's earlier content stays.
func TestAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	head := "# team policy\n[policy]\nblind = \"warn\"\n"
	if err := os.WriteFile(path, []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d := Decision{Crate: "c", Version: "1.0.0", ID: "abc", Function: "c::f", Callee: `x"y\z`, Capability: "fs",
		Decision: Safe, By: "me", Date: "2026-11-30", Reason: "line\nbreak \x1b[31m and \"quotes\""}
	if err := p.Append([]Decision{d}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), head) {
		t.Errorf("the file's content changed:\n%s", data)
	}
	q, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d.Line = q.Decisions[0].Line
	if len(q.Decisions) != 1 || q.Decisions[0] != d || q.Policy.Blind != "warn" {
		t.Errorf("read back %+v (policy %+v), want %+v", q.Decisions, q.Policy, d)
	}
}

// TestVet: full audits, imported audits and delta chains certify
// versions; check trusts them for the criteria the policy names.
func TestVet(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("audits.toml", `
[[audits.tempfile]]
who = "a"
criteria = "safe-to-deploy"
version = "3.2.0"

[[audits.tempfile]]
who = "a"
criteria = ["safe-to-deploy", "safe-to-run"]
delta = "3.2.0 -> 3.3.0"

[[audits.libc]]
who = "b"
criteria = "safe-to-run"
version = "0.2.139"
`)
	write("imports.lock", `
[[audits.mozilla.audits.log]]
criteria = "safe-to-deploy"
version = "0.4.17"
`)
	v, err := LoadVet(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		crate, version, criterion string
		want                      bool
	}{
		{"tempfile", "3.2.0", "safe-to-deploy", true},
		{"tempfile", "3.3.0", "safe-to-deploy", true}, // through the delta
		{"tempfile", "3.3.0", "safe-to-run", false},   // the delta's source is not certified for it
		{"libc", "0.2.139", "safe-to-run", true},
		{"libc", "0.2.139", "safe-to-deploy", false},
		{"log", "0.4.17", "safe-to-deploy", true}, // imported
		{"log", "0.4.18", "safe-to-deploy", false},
	} {
		if got := v.Certified(tc.crate, tc.version, tc.criterion); got != tc.want {
			t.Errorf("Certified(%s %s %s) = %v, want %v", tc.crate, tc.version, tc.criterion, got, tc.want)
		}
	}
	p, err := Parse("warden.toml", []byte("[policy.vet]\ntrust = [\"safe-to-deploy\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := EvaluateWith(p, v, nil, []Effect{effect("tempfile", "3.3.0", "a", "fs", false), effect("libc", "0.2.139", "b", "system", false)}, nil)
	if r.Items[0].Status != Vetted || r.Items[1].Status != Unreviewed {
		t.Errorf("statuses %s %s, want trusted-by-vet and unreviewed", r.Items[0].Status, r.Items[1].Status)
	}
	var b strings.Builder
	if err := ExportVet(&b, r, "me"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "[[audits.tempfile]]") || strings.Contains(b.String(), "[[audits.libc]]") {
		t.Errorf("export:\n%s\nwant tempfile (all reviewed) and not libc", b.String())
	}
	// The export reads back as cargo-vet audits.
	write("audits.toml", b.String())
	if v2, err := LoadVet(dir); err != nil || !v2.Certified("tempfile", "3.3.0", Criterion) {
		t.Errorf("exported audits read back: %v, tempfile 3.3.0 certified %v", err, err == nil && v2.Certified("tempfile", "3.3.0", Criterion))
	}
	write("audits.toml", "[[audits.x]\n")
	if _, err := LoadVet(dir); err == nil || !strings.Contains(err.Error(), "audits.toml:") {
		t.Errorf("LoadVet on a broken audits.toml = %v, want an error at audits.toml:LINE", err)
	}
}

// TestCallerChecked: a caller-checked effect makes each call of its
// function from another crate an effect of that crate to review, with an
// id that lasts; reviewing it passes.
func TestCallerChecked(t *testing.T) {
	p, err := Parse("warden.toml", []byte("[[decision]]\ncrate = \"dep\"\nid = \"e1\"\ndecision = \"caller-checked\"\nreason = \"the path must be the caller's\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := effect("dep", "1.0.0", "e1", "fs", false)
	e.Function = "dep::open"
	calls := []Call{
		{CallerCrate: "app", CallerVersion: "0.1.0", Caller: "app::main", File: "src/main.rs", Line: 3, CalleeCrate: "dep", Callee: "dep::open"},
		{CallerCrate: "app", CallerVersion: "0.1.0", Caller: "app::other", File: "src/main.rs", Line: 9, CalleeCrate: "dep", Callee: "dep::close"},
		// dep::api reaches dep::open inside dep: its callers are obligated too.
		{CallerCrate: "cli", CallerVersion: "2.0.0", Caller: "cli::run", File: "src/lib.rs", Line: 4, CalleeCrate: "dep", Callee: "dep::api",
			Reaches: []string{"dep::api", "dep::open"}},
	}
	r := EvaluateWith(p, nil, calls, []Effect{e}, nil)
	if len(r.Items) != 3 || r.Items[0].Status != CallerChecked || r.Items[1].Kind != ObligationKind ||
		r.Items[1].Crate != "app" || r.Items[1].Function != "app::main" || r.Items[1].Status != Unreviewed ||
		r.Items[2].Function != "cli::run" {
		t.Fatalf("items %+v, want the caller-checked effect and unreviewed obligations of app::main and cli::run", r.Items)
	}
	ob := r.Items[1].ID
	again := EvaluateWith(p, nil, calls, []Effect{e}, nil)
	if again.Items[1].ID != ob {
		t.Errorf("obligation id changed between runs: %s, %s", ob, again.Items[1].ID)
	}
	p.Decisions = append(p.Decisions, Decision{Crate: "app", ID: ob, Decision: Safe, Reason: "main passes its own config path"},
		Decision{Crate: "cli", ID: r.Items[2].ID, Decision: Safe, Reason: "run checks the path"})
	if r := EvaluateWith(p, nil, calls, []Effect{e}, nil); !r.Pass() {
		t.Errorf("after reviewing the obligation the gate fails: %+v", r.Items)
	}
}
