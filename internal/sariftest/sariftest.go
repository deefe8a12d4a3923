// Package sariftest checks SARIF logs in tests: against the official
// SARIF 2.1.0 JSON schema (testdata/sarif/sarif-schema-2.1.0.json, see
// its README), and against GitHub code scanning's conventions. Only
// tests import it, so the schema validator is not linked into warden.
package sariftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	once   sync.Once
	schema *jsonschema.Schema
	err    error
)

// SchemaPath is the official schema's file.
func SchemaPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "sarif", "sarif-schema-2.1.0.json")
}

func compile() (*jsonschema.Schema, error) {
	once.Do(func() {
		f, e := os.Open(SchemaPath())
		if e != nil {
			err = e
			return
		}
		defer f.Close()
		doc, e := jsonschema.UnmarshalJSON(f)
		if e != nil {
			err = e
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat() // uri, uri-reference, date-time are checked, not just annotated
		const loc = "sarif-schema-2.1.0.json"
		if err = c.AddResource(loc, doc); err != nil {
			return
		}
		schema, err = c.Compile(loc)
	})
	return schema, err
}

// Validate fails the test unless data is a SARIF log valid against the
// official schema.
func Validate(t testing.TB, data []byte) {
	t.Helper()
	if err := ValidateErr(data); err != nil {
		t.Fatalf("SARIF log invalid against the SARIF 2.1.0 schema: %v", err)
	}
}

// ValidateErr returns the schema's verdict on data.
func ValidateErr(data []byte) error {
	sch, err := compile()
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return sch.Validate(inst)
}

// Log is the part of a SARIF log the convention checks read.
type Log struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string                 `json:"id"`
					ShortDescription *struct{ Text string } `json:"shortDescription"`
					Help             *struct{ Text string } `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results []Result `json:"results"`
	} `json:"runs"`
}

// Result is one result of a Log.
type Result struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Level     string `json:"level"`
	Message   struct {
		Text string `json:"text"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation *struct {
			ArtifactLocation *struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			} `json:"artifactLocation"`
			Region *struct {
				StartLine   *int `json:"startLine"`
				StartColumn *int `json:"startColumn"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	} `json:"suppressions"`
	Properties map[string]any `json:"properties"`
}

// Conventions decodes data and fails the test where it breaks GitHub
// code scanning's conventions: rules with ids and help; results with a
// ruleId naming a rule of the run (and ruleIndex pointing at it), a
// level, message text and a location whose artifactLocation has a
// relative uri and a uriBaseId defined in originalUriBaseIds (or
// %SRCROOT%); regions start at line 1 or later; effects carry their id
// in partialFingerprints.wardenEffectId/v1. It returns the decoded log.
func Conventions(t testing.TB, data []byte) *Log {
	t.Helper()
	var log Log
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF log: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) == 0 {
		t.Fatalf("SARIF log: version %q with %d runs", log.Version, len(log.Runs))
	}
	for _, run := range log.Runs {
		if run.Tool.Driver.Name != "warden" || run.Tool.Driver.Version == "" {
			t.Errorf("driver %q version %q, want warden with a version", run.Tool.Driver.Name, run.Tool.Driver.Version)
		}
		rules := map[string]int{}
		for i, r := range run.Tool.Driver.Rules {
			if r.ID == "" || r.ShortDescription == nil || r.ShortDescription.Text == "" || r.Help == nil || r.Help.Text == "" {
				t.Errorf("rule %d (%q) lacks an id, a short description or help", i, r.ID)
			}
			if _, dup := rules[r.ID]; dup {
				t.Errorf("rule %q defined twice", r.ID)
			}
			rules[r.ID] = i
		}
		for i, r := range run.Results {
			where := fmt.Sprintf("result %d (%s: %q)", i, r.RuleID, r.Message.Text)
			idx, ok := rules[r.RuleID]
			switch {
			case r.RuleID == "" || !ok:
				t.Errorf("%s: ruleId names no rule of the run", where)
			case r.RuleIndex == nil || *r.RuleIndex != idx:
				t.Errorf("%s: ruleIndex %v, want %d", where, r.RuleIndex, idx)
			}
			if r.Level == "" || r.Message.Text == "" {
				t.Errorf("%s: no level or message text", where)
			}
			if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation == nil || r.Locations[0].PhysicalLocation.ArtifactLocation == nil {
				t.Errorf("%s: want one physical location with an artifactLocation", where)
				continue
			}
			pl := r.Locations[0].PhysicalLocation
			al := pl.ArtifactLocation
			if al.URI == "" || strings.Contains(al.URI, "://") || strings.HasPrefix(al.URI, "/") || filepath.IsAbs(al.URI) {
				t.Errorf("%s: artifactLocation.uri %q is not relative", where, al.URI)
			}
			if _, ok := run.OriginalURIBaseIDs[al.URIBaseID]; !ok && al.URIBaseID != "%SRCROOT%" {
				t.Errorf("%s: uriBaseId %q is not defined in originalUriBaseIds", where, al.URIBaseID)
			}
			if rg := pl.Region; rg != nil {
				if rg.StartLine == nil || *rg.StartLine < 1 || (rg.StartColumn != nil && *rg.StartColumn < 1) {
					t.Errorf("%s: region without a start line >= 1 (or with a column < 1)", where)
				}
			}
			if strings.HasPrefix(r.RuleID, "effect/") || r.RuleID == "check/unreviewed" || r.RuleID == "check/rejected" {
				if r.PartialFingerprints["wardenEffectId/v1"] == "" {
					t.Errorf("%s: no wardenEffectId/v1 partial fingerprint", where)
				}
			} else if len(r.PartialFingerprints) == 0 {
				t.Errorf("%s: no partial fingerprint", where)
			}
		}
	}
	for id, base := range log.Runs[0].OriginalURIBaseIDs {
		if !strings.HasPrefix(base.URI, "file:///") || !strings.HasSuffix(base.URI, "/") {
			t.Errorf("originalUriBaseIds[%s] = %q, want an absolute file:// URI ending in /", id, base.URI)
		}
	}
	return &log
}
