package report

import (
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
)

func sampleTree(blind bool) *tree.Report {
	app := tree.CrateReport{ID: "app 0.1.0", Name: "app", Version: "0.1.0", Analyzed: true,
		Runtime: []model.Capability{model.Net, model.FS}, BuildTime: []model.Capability{model.Process},
		Functions: []analysis.Function{{Path: "app::main", Entry: true, File: "src/main.rs", Line: 3,
			Reachable: []model.Capability{model.Net}, Witness: []string{"app::main -> a -> b -> c -> libc::connect"}}},
		BroughtBy: map[model.Capability][]string{model.Net: {"evil\x1b[31m 1.0"}}}
	evil := tree.CrateReport{ID: "evil 1.0", Name: "evil\x1b[31m\u202e", Version: "1.0", Analyzed: true,
		Runtime: []model.Capability{model.Net}, BuildOnly: true}
	r := &tree.Report{Root: "app", RootID: "app 0.1.0", Crates: []tree.CrateReport{evil, app},
		Edges: []tree.Edge{{From: "app 0.1.0", To: "evil 1.0", Kind: "build"}}}
	if blind {
		r.Crates[0].BlindSpots = []diag.Diagnostic{{Category: diag.BlindSpot, Kind: "macro-not-found",
			Pos: diag.Position{File: "src/lib\x1b.rs", Line: 2}, Message: "macro m\u202e! is defined nowhere"}}
		r.BlindSpots, r.IncompleteCrates = 1, 1
	}
	return r
}

// TestTreeRenderers: the headline says whether the analysis is complete;
// one line per crate with runtime and build-time capabilities and the
// reason; crate-derived strings are escaped in every format.
func TestTreeRenderers(t *testing.T) {
	for _, blind := range []bool{false, true} {
		r := sampleTree(blind)
		var text, md, dot, js strings.Builder
		for _, err := range []error{TreeText(&text, r), TreeMarkdown(&md, r), TreeDOT(&dot, r), TreeJSON(&js, r)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for name, out := range map[string]string{"text": text.String(), "md": md.String(), "dot": dot.String()} {
			if strings.ContainsAny(out, "\x1b\u202e") {
				t.Errorf("blind=%v: %s output carries raw control characters", blind, name)
			}
		}
		if got := strings.Contains(text.String(), "incomplete: 1 blind spot in 1 crate"); got != blind {
			t.Errorf("blind=%v: incomplete headline present = %v:\n%s", blind, got, text.String())
		}
		if got := strings.Contains(md.String(), "**Incomplete: 1 blind spots"); got != blind {
			t.Errorf("blind=%v: markdown incomplete line present = %v", blind, got)
		}
		line := ""
		for _, l := range strings.Split(text.String(), "\n") {
			if strings.HasPrefix(l, "app 0.1.0") {
				line = l
				break
			}
		}
		if !strings.Contains(line, "net fs") || !strings.Contains(line, "process") || !strings.Contains(line, "net: app::main -> … -> c -> libc::connect") {
			t.Errorf("summary line of app = %q", line)
		}
		if !strings.Contains(dot.String(), `style="filled,dashed"`) || !strings.Contains(dot.String(), "[style=dashed]") {
			t.Errorf("build-only crate and build edge not dashed:\n%s", dot.String())
		}
	}
}

// TestTreeMarkdownCapsBlindSpots: a dependency's blind spots are listed at
// most three of a kind, with the rest counted; the project's own are all
// listed.
func TestTreeMarkdownCapsBlindSpots(t *testing.T) {
	r := sampleTree(false)
	spots := func(kind string, n int) []diag.Diagnostic {
		var out []diag.Diagnostic
		for i := 1; i <= n; i++ {
			out = append(out, diag.Diagnostic{Category: diag.BlindSpot, Kind: kind,
				Pos: diag.Position{File: "src/lib.rs", Line: i}, Message: kind + " here"})
		}
		return out
	}
	r.Crates[0].BlindSpots = append(spots("proc-macro-attribute", 10), spots("macro-not-found", 2)...)
	r.Crates[1].BlindSpots = spots("proc-macro", 5)
	var md strings.Builder
	if err := TreeMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	for _, want := range []string{
		"- 10 blind spots (proc-macro-attribute), for example:\n  - at `src/lib.rs:1`",
		"  - ... and 7 more of this kind",
		"- Blind spot (macro-not-found) at `src/lib.rs:2`",
		"- Blind spot (proc-macro) at `src/lib.rs:5`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "`src/lib.rs:4`: proc-macro-attribute") || strings.Count(out, "proc-macro-attribute here") != 3 {
		t.Errorf("dependency's blind spots not capped at three of a kind:\n%s", out)
	}
}
