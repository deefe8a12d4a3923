package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/sariftest"
)

// TestSARIFScan: "scan --format sarif" of a real crate is valid against
// the official SARIF 2.1.0 schema, follows GitHub code scanning's
// conventions, and fingerprints every effect with its id from the JSON
// report.
func TestSARIFScan(t *testing.T) {
	needCrates(t, "tempfile-3.3.0")
	crate := filepath.Join(registryDir, "tempfile-3.3.0")
	cache := t.TempDir()
	out, _ := runOK(t, "scan", "--format", "sarif", "--cache-dir", cache, crate)
	sariftest.Validate(t, []byte(out))
	log := sariftest.Conventions(t, []byte(out))

	js, _ := runOK(t, "scan", "--format", "json", "--cache-dir", cache, crate)
	var v struct {
		Effects []struct {
			ID   string `json:"id"`
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"effects"`
	}
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	var fps []string
	for _, r := range log.Runs[0].Results {
		if strings.HasPrefix(r.RuleID, "effect/") {
			fps = append(fps, r.PartialFingerprints["wardenEffectId/v1"])
			if al := r.Locations[0].PhysicalLocation.ArtifactLocation; al.URIBaseID != "%SRCROOT%" {
				t.Errorf("%s: uriBaseId %s, want %%SRCROOT%% in a crate's own scan", r.Message.Text, al.URIBaseID)
			}
		}
	}
	if len(fps) != len(v.Effects) || len(fps) == 0 {
		t.Fatalf("%d effect results, %d effects in JSON", len(fps), len(v.Effects))
	}
	for i, e := range v.Effects {
		if fps[i] != e.ID {
			t.Errorf("effect %d (%s:%d): fingerprint %q, want its id %q", i, e.File, e.Line, fps[i], e.ID)
		}
	}
	if u := log.Runs[0].OriginalURIBaseIDs["%SRCROOT%"].URI; u != "file://"+filepath.ToSlash(crate)+"/" {
		t.Errorf("%%SRCROOT%% = %q, want the crate's directory", u)
	}
}

// TestSARIFTree: "tree --format sarif" is valid and puts the files of
// dependencies under a uriBaseId of their own, defined in
// originalUriBaseIds.
func TestSARIFTree(t *testing.T) {
	needCrates(t, "hostname-0.3.1")
	out, _ := runOK(t, "tree", "--format", "sarif", "--cache-dir", t.TempDir(), appDir("hostname_user"))
	sariftest.Validate(t, []byte(out))
	log := sariftest.Conventions(t, []byte(out))
	bases := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		bases[r.Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID] = true
	}
	if !bases["CRATE_hostname_0.3.1"] {
		t.Errorf("no result under CRATE_hostname_0.3.1: bases %v", bases)
	}
}

// TestSARIFCheck: "check --format sarif" of the audit test project (the
// gate fails: nothing is reviewed) is valid, exits 1 like the text
// output, and lists each unreviewed effect as an error under
// check/unreviewed, the path dependency's under its own uriBaseId.
func TestSARIFCheck(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "audit"), root)
	app := filepath.Join(root, "app")
	out := wantExit(t, exitFindings, "check", "--format", "sarif", "--cache-dir", t.TempDir(), app)
	sariftest.Validate(t, []byte(out))
	log := sariftest.Conventions(t, []byte(out))
	res := log.Runs[0].Results
	if len(res) != 3 {
		t.Fatalf("%d results, want the 3 unreviewed effects", len(res))
	}
	bases := map[string]int{}
	for _, r := range res {
		if r.RuleID != "check/unreviewed" || r.Level != "error" {
			t.Errorf("%s (%s): want check/unreviewed, error", r.RuleID, r.Level)
		}
		bases[r.Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID]++
	}
	if bases["%SRCROOT%"] != 1 || bases["CRATE_auditdep_1.0.0"] != 2 {
		t.Errorf("results by uriBaseId %v, want 1 in the project and 2 in auditdep", bases)
	}
}
