package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/audit"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/sariftest"
	"github.com/wardenrs/warden/internal/tree"
)

// TestSARIFSample: the sample's SARIF is valid against the official
// SARIF 2.1.0 schema, follows GitHub code scanning's conventions, matches
// its golden file, and renders the same bytes twice without touching
// its input.
func TestSARIFSample(t *testing.T) {
	r := sample()
	opt := SARIFOptions{Version: "1.2.3"}
	got := render(t, func(b *bytes.Buffer) error { return SARIF(b, r, opt) })
	sariftest.Validate(t, []byte(got))
	log := sariftest.Conventions(t, []byte(got))
	golden(t, "sample.sarif.golden", got)
	if again := render(t, func(b *bytes.Buffer) error { return SARIF(b, r, opt) }); again != got {
		t.Error("second rendering differs from the first")
	}
	if !reflect.DeepEqual(r, sample()) {
		t.Error("SARIF modified its input")
	}

	run := log.Runs[0]
	if run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file:///src/tinyhttp/" {
		t.Errorf("%%SRCROOT%% = %q, want the crate's directory", run.OriginalURIBaseIDs["%SRCROOT%"].URI)
	}
	// Every effect, finding, problem and blind spot is a result, in the
	// order of the diagnostics; effects carry their id.
	if len(run.Results) != len(r.Diagnostics) {
		t.Fatalf("%d results for %d diagnostics", len(run.Results), len(r.Diagnostics))
	}
	levels := map[string]string{}
	for i, d := range r.Diagnostics {
		res := run.Results[i]
		al := res.Locations[0].PhysicalLocation.ArtifactLocation
		if al.URI != d.Pos.File || al.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d at %s (%s), want %s under %%SRCROOT%%", i, al.URI, al.URIBaseID, d.Pos.File)
		}
		region := res.Locations[0].PhysicalLocation.Region
		if (region == nil) != (d.Pos.Line == 0) {
			t.Errorf("result %d: region %v for line %d (a region exactly when the line is known)", i, region, d.Pos.Line)
		}
		if region != nil && (*region.StartLine != d.Pos.Line || region.StartColumn == nil || *region.StartColumn != d.Pos.Col) {
			t.Errorf("result %d: region %d:%v, want %d:%d", i, *region.StartLine, region.StartColumn, d.Pos.Line, d.Pos.Col)
		}
		switch d.Category {
		case diag.Effect:
			if res.PartialFingerprints["wardenEffectId/v1"] != d.ID || res.RuleID != "effect/"+d.Capability+"/"+d.Kind {
				t.Errorf("effect %s: rule %s, fingerprints %v", d.ID, res.RuleID, res.PartialFingerprints)
			}
			levels[d.Capability+"/"+d.Kind+map[bool]string{true: "/build"}[d.BuildTime]] = res.Level
		case diag.Finding:
			want := map[string]string{"high": "error", "medium": "warning", "low": "note"}[d.Severity]
			if res.RuleID != d.Kind || res.Level != want {
				t.Errorf("finding %s: rule %s level %s, want level %s", d.Kind, res.RuleID, res.Level, want)
			}
			if d.Suppressed != (len(res.Suppressions) == 1) || d.Suppressed && (res.Suppressions[0].Justification != d.Reason || res.Suppressions[0].Kind != "inSource") {
				t.Errorf("finding %s: suppressions %+v, suppressed %v (%q)", d.Kind, res.Suppressions, d.Suppressed, d.Reason)
			}
		case diag.BlindSpot:
			if res.RuleID != "blind-spot/"+d.Kind || res.Level != "warning" {
				t.Errorf("blind spot: rule %s level %s", res.RuleID, res.Level)
			}
		}
	}
	for k, want := range map[string]string{"fs/ambient": "warning", "net/ambient": "warning", "unsafe/unsafe_block": "note",
		"process/ambient/build": "note", "raw_handle/forge": "warning", "ffi/extern_fn": "warning"} {
		if levels[k] != want {
			t.Errorf("level of %s = %q, want %q", k, levels[k], want)
		}
	}
	if !strings.Contains(got, `"text": "fs: std::fs::read_to_string in fn tinyhttp::config::load (ambient, resolution path)"`) {
		t.Error("effect message not in the documented form")
	}
}

// TestSARIFSchemaCatchesErrors: the validator is not a rubber stamp.
func TestSARIFSchemaCatchesErrors(t *testing.T) {
	got := render(t, func(b *bytes.Buffer) error { return SARIF(b, sample(), SARIFOptions{Version: "1"}) })
	for _, bad := range []struct{ from, to string }{
		{`"startLine": 42`, `"startLine": 0`},
		{`"level": "warning"`, `"level": "severe"`},
		{`"version": "2.1.0"`, `"version": "2.0.0"`},
		{`"kind": "inSource"`, `"kind": "somewhere"`},
	} {
		if !strings.Contains(got, bad.from) {
			t.Fatalf("sample SARIF lacks %s", bad.from)
		}
		if err := sariftest.ValidateErr([]byte(strings.Replace(got, bad.from, bad.to, 1))); err == nil {
			t.Errorf("schema accepts %s", bad.to)
		}
	}
}

// TestSARIFHostileStrings: crate strings reach the SARIF exactly (the
// JSON encoder escapes them), file names become valid relative URIs.
func TestSARIFHostileStrings(t *testing.T) {
	r := hostile()
	got := render(t, func(b *bytes.Buffer) error { return SARIF(b, r, SARIFOptions{Version: "1"}) })
	sariftest.Validate(t, []byte(got))
	log := sariftest.Conventions(t, []byte(got))
	var v struct {
		Runs []struct {
			Results []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Fatal(err)
	}
	for i, d := range r.Diagnostics {
		if d.Category == diag.Effect && !strings.Contains(v.Runs[0].Results[i].Message.Text, strings.ToValidUTF8(d.Callee, "\uFFFD")) {
			t.Errorf("result %d: message %q lacks the callee %q", i, v.Runs[0].Results[i].Message.Text, d.Callee)
		}
	}
	_ = log
}

// sarifTree is a tree whose root is in /work/app and whose dependency
// lives in the registry: its files are under a uriBaseId of its own.
func sarifTree() *tree.Report {
	app := tree.CrateReport{ID: "app 0.1.0", Name: "app", Version: "0.1.0", Path: "/work/app", Analyzed: true,
		Effects: []diag.Diagnostic{{Category: diag.Effect, Kind: "ambient", Capability: string(model.Env), ID: "a1",
			Function: "app::main", Callee: "std::env::var", Pos: diag.Position{File: "src/main.rs", Line: 3, Col: 5}}}}
	dep := tree.CrateReport{ID: "tokio 1.24.2", Name: "tokio", Version: "1.24.2", Path: "/usr/share/cargo/registry/tokio-1.24.2", Analyzed: true,
		Effects: []diag.Diagnostic{{Category: diag.Effect, Kind: "ambient", Capability: string(model.Net), ID: "t1",
			Function: "tokio::net::TcpStream::connect", Callee: "std::net::TcpStream::connect", Pos: diag.Position{File: "src/net/tcp/stream.rs", Line: 120, Col: 9}}},
		BlindSpots: []diag.Diagnostic{{Category: diag.BlindSpot, Kind: "proc-macro-attribute", Pos: diag.Position{File: "Cargo.toml"},
			Message: "#[tokio::main] generates code that is not analysed"}}}
	return &tree.Report{Root: "app", RootID: "app 0.1.0", Crates: []tree.CrateReport{dep, app}}
}

func TestTreeSARIF(t *testing.T) {
	rep := sarifTree()
	got := render(t, func(b *bytes.Buffer) error { return TreeSARIF(b, rep, SARIFOptions{Version: "1"}) })
	sariftest.Validate(t, []byte(got))
	log := sariftest.Conventions(t, []byte(got))
	run := log.Runs[0]
	if len(run.Results) != 3 {
		t.Fatalf("%d results, want 3", len(run.Results))
	}
	if base := run.OriginalURIBaseIDs["CRATE_tokio_1.24.2"].URI; base != "file:///usr/share/cargo/registry/tokio-1.24.2/" {
		t.Errorf("tokio's base = %q", base)
	}
	for _, r := range run.Results {
		al := r.Locations[0].PhysicalLocation.ArtifactLocation
		switch {
		case strings.HasPrefix(r.Message.Text, "tokio 1.24.2: "):
			if al.URIBaseID != "CRATE_tokio_1.24.2" {
				t.Errorf("%q under %s", r.Message.Text, al.URIBaseID)
			}
		case strings.HasPrefix(r.Message.Text, "app 0.1.0: "):
			if al.URIBaseID != "%SRCROOT%" || al.URI != "src/main.rs" {
				t.Errorf("%q at %s under %s", r.Message.Text, al.URI, al.URIBaseID)
			}
		default:
			t.Errorf("message %q does not name its crate", r.Message.Text)
		}
		if r.RuleID == "blind-spot/proc-macro-attribute" && r.Locations[0].PhysicalLocation.Region != nil {
			t.Error("a Cargo.toml-level blind spot (line 0) has a region")
		}
	}
}

func TestCheckSARIF(t *testing.T) {
	rep := sarifTree()
	eff := func(cr tree.CrateReport) audit.Effect {
		return audit.Effect{Crate: cr.Name, Version: cr.Version, Diagnostic: cr.Effects[0]}
	}
	dep, app := rep.Crates[0], rep.Crates[1]
	res := &audit.Result{
		Items: []audit.Item{
			{Effect: eff(dep), Status: audit.Unreviewed},
			{Effect: eff(app), Status: audit.Allowed},
		},
		Stale:     []audit.Decision{{Crate: "tokio", Version: "1.20.0", ID: "gone", Function: "tokio::f", Callee: "std::fs::read", Decision: audit.Safe, Line: 12}},
		Blind:     []audit.Effect{{Crate: "tokio", Version: "1.24.2", Diagnostic: dep.BlindSpots[0]}},
		BlindFail: true,
	}
	got := render(t, func(b *bytes.Buffer) error {
		return CheckSARIF(b, res, rep, SARIFOptions{Version: "1", ProjectFile: "/work/app/warden.toml"})
	})
	sariftest.Validate(t, []byte(got))
	log := sariftest.Conventions(t, []byte(got))
	var rules []string
	for _, r := range log.Runs[0].Results {
		rules = append(rules, r.RuleID)
		if r.Level != "error" {
			t.Errorf("%s: level %s, want error (it fails the gate)", r.RuleID, r.Level)
		}
	}
	if want := []string{"check/unreviewed", "check/stale", "check/blind"}; !reflect.DeepEqual(rules, want) {
		t.Fatalf("results %v, want %v (the allowed effect is not one)", rules, want)
	}
	stale := log.Runs[0].Results[1].Locations[0].PhysicalLocation
	if stale.ArtifactLocation.URI != "warden.toml" || stale.ArtifactLocation.URIBaseID != "%SRCROOT%" || *stale.Region.StartLine != 12 {
		t.Errorf("stale decision at %+v %+v, want warden.toml:12", stale.ArtifactLocation, stale.Region)
	}
	if fp := log.Runs[0].Results[0].PartialFingerprints["wardenEffectId/v1"]; fp != "t1" {
		t.Errorf("unreviewed effect fingerprint %q, want its id", fp)
	}

	// A passing check writes a valid run without results.
	pass := &audit.Result{Items: []audit.Item{{Effect: eff(app), Status: audit.Allowed}}}
	got = render(t, func(b *bytes.Buffer) error { return CheckSARIF(b, pass, rep, SARIFOptions{Version: "1"}) })
	sariftest.Validate(t, []byte(got))
	if log := sariftest.Conventions(t, []byte(got)); len(log.Runs[0].Results) != 0 {
		t.Errorf("passing check: %d results", len(log.Runs[0].Results))
	}
}
