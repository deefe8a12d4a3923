package serve

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
)

// svgNode is what a test reads of a node: its link, tooltip, box and
// label.
type svgNode struct {
	href, class, title, fill, stroke, dash, label string
}

// parseSVG decodes every token of an SVG (failing the test if it is not
// well-formed XML) and returns its nodes, by href.
func parseSVG(t *testing.T, svg string) map[string]svgNode {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	nodes := map[string]svgNode{}
	var cur *svgNode
	var in string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range tok.Attr {
				if strings.EqualFold(a.Name.Local, "style") {
					t.Errorf("style attribute %q", a.Value)
				}
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Errorf("event handler attribute %s=%q", a.Name.Local, a.Value)
				}
				attr[a.Name.Local] = a.Value
			}
			switch tok.Name.Local {
			case "script", "foreignObject", "image", "use", "style":
				t.Errorf("<%s> element in the SVG", tok.Name.Local)
			case "a":
				cur = &svgNode{href: attr["href"], class: attr["class"]}
			case "rect":
				if cur != nil {
					cur.fill, cur.stroke, cur.dash = attr["fill"], attr["stroke"], attr["stroke-dasharray"]
				}
			}
			in = tok.Name.Local
		case xml.CharData:
			if cur != nil && in == "title" {
				cur.title += string(tok)
			}
			if cur != nil && in == "text" {
				cur.label += string(tok)
			}
		case xml.EndElement:
			in = ""
			if tok.Name.Local == "a" && cur != nil {
				if _, dup := nodes[cur.href]; dup {
					t.Errorf("two nodes link to %s", cur.href)
				}
				nodes[cur.href] = *cur
				cur = nil
			}
		}
	}
	return nodes
}

func crateHref(id string) string { return "/crate?id=" + url.QueryEscape(id) }

func smallReport() *tree.Report {
	blind := []diag.Diagnostic{{Message: "macro not expanded"}}
	return &tree.Report{
		RootID: "app 0.1.0",
		Crates: []tree.CrateReport{
			{ID: "app 0.1.0", Name: "app", Version: "0.1.0", Runtime: []model.Capability{model.FS, model.Net, model.Unsafe}},
			{ID: "evil 1.0.0", Name: "<script>alert(1)</script>", Version: "1.0.0", Runtime: []model.Capability{model.Unsafe, model.FS}, BlindSpots: blind},
			{ID: "q 2.0.0", Name: `"onload="x`, Version: "2.0.0'&", BuildTime: []model.Capability{model.Build, model.Process}},
			{ID: "leaf 0.0.1", Name: "leaf", Version: "0.0.1"},
			{ID: "orphan 9.9.9", Name: "orphan", Version: "9.9.9", Runtime: []model.Capability{model.Env}},
		},
		Edges: []tree.Edge{
			{From: "app 0.1.0", To: "evil 1.0.0", Kind: "normal"},
			{From: "app 0.1.0", To: "q 2.0.0", Kind: "build"},
			{From: "evil 1.0.0", To: "leaf 0.0.1", Kind: "normal"},
			{From: "q 2.0.0", To: "leaf 0.0.1", Kind: "normal"},
			{From: "app 0.1.0", To: "missing 1.0.0", Kind: "normal"}, // not a crate of the report
		},
	}
}

func TestGraphSVG(t *testing.T) {
	rep := smallReport()
	svg := GraphSVG(rep, crateHref)
	if strings.Contains(strings.ToLower(svg), "<script") {
		t.Fatalf("raw <script in the SVG:\n%s", svg)
	}
	if strings.Contains(svg, `"onload="x`) || strings.Contains(svg, "url(") || strings.Count(svg, "http") != 1 { // the xmlns only
		t.Errorf("unescaped attribute text or external reference:\n%s", svg)
	}
	if !strings.Contains(svg, "&lt;script&gt;alert(1)&lt;/script&gt; 1.0.0") || !strings.Contains(svg, "&#34;onload=&#34;x 2.0.0&#39;&amp;") {
		t.Errorf("hostile names not escaped as expected:\n%s", svg)
	}
	nodes := parseSVG(t, svg)
	if len(nodes) != len(rep.Crates) {
		t.Fatalf("%d nodes, want %d", len(nodes), len(rep.Crates))
	}
	tests := []struct {
		id, label, fill, class string
		blind                  bool
		title                  []string
	}{
		// fs, net and unsafe: net is the most significant.
		{"app 0.1.0", "app 0.1.0", graphColor(model.Net), "cap-net", false, []string{"runtime: fs, net, unsafe", "build time: none"}},
		{"evil 1.0.0", "<script>alert(1)</script> 1.0.0", graphColor(model.FS), "cap-fs", true, []string{"runtime: fs, unsafe", "blind spots: 1"}},
		// Only build-time capabilities: the build colour.
		{"q 2.0.0", `"onload="x 2.0.0'&`, graphColor(model.Build), "cap-build", false, []string{"runtime: none", "build time: process, build"}},
		{"leaf 0.0.1", "leaf 0.0.1", graphNone, "cap-none", false, []string{"runtime: none", "build time: none"}},
		{"orphan 9.9.9", "orphan 9.9.9", graphColor(model.Env), "cap-env", false, []string{"runtime: env"}},
	}
	for _, tt := range tests {
		n, ok := nodes[crateHref(tt.id)]
		if !ok {
			t.Errorf("no node links to %s", crateHref(tt.id))
			continue
		}
		if n.label != tt.label {
			t.Errorf("%s: label %q, want %q", tt.id, n.label, tt.label)
		}
		if n.fill != tt.fill || !strings.Contains(n.class, tt.class) {
			t.Errorf("%s: fill %s class %q, want %s %s", tt.id, n.fill, n.class, tt.fill, tt.class)
		}
		if blind := n.dash != "" && n.stroke == "#e00000"; blind != tt.blind || strings.Contains(n.class, "blind") != tt.blind {
			t.Errorf("%s: blind outline %v (stroke %s dash %q), want %v", tt.id, blind, n.stroke, n.dash, tt.blind)
		}
		if !strings.HasPrefix(n.title, tt.label+"\n") {
			t.Errorf("%s: title %q", tt.id, n.title)
		}
		for _, w := range tt.title {
			if !strings.Contains(n.title, w) {
				t.Errorf("%s: title %q lacks %q", tt.id, n.title, w)
			}
		}
	}
	// The href is escaped in the attribute.
	if !strings.Contains(svg, `<a class="node cap-fs blind" href="/crate?id=evil+1.0.0">`) {
		t.Errorf("href not written as expected:\n%s", svg)
	}
	// Two drawn edges (solid) and one build edge (dashed); the edge to
	// an unknown crate is left out.
	if got := strings.Count(svg, `class="edge"`); got != 3 {
		t.Errorf("%d normal edges, want 3", got)
	}
	if got := strings.Count(svg, `class="edge edge-build"`); got != 1 {
		t.Errorf("%d build edges, want 1", got)
	}
	// Layers: the root on top, then evil and q, then leaf, then the
	// unreachable orphan.
	ys := map[string]int{}
	for _, c := range rep.Crates {
		ys[c.ID] = nodeY(t, svg, crateHref(c.ID))
	}
	if !(ys["app 0.1.0"] < ys["evil 1.0.0"] && ys["evil 1.0.0"] == ys["q 2.0.0"] && ys["q 2.0.0"] < ys["leaf 0.0.1"] && ys["leaf 0.0.1"] < ys["orphan 9.9.9"]) {
		t.Errorf("layers: %v", ys)
	}
	// A legend names every capability.
	for _, k := range model.All {
		if !strings.Contains(svg, ">"+string(k)+"</text>") {
			t.Errorf("legend lacks %s", k)
		}
	}
	// Deterministic, whatever the order of crates and edges.
	rev := smallReport()
	for i, j := 0, len(rev.Crates)-1; i < j; i, j = i+1, j-1 {
		rev.Crates[i], rev.Crates[j] = rev.Crates[j], rev.Crates[i]
	}
	for i, j := 0, len(rev.Edges)-1; i < j; i, j = i+1, j-1 {
		rev.Edges[i], rev.Edges[j] = rev.Edges[j], rev.Edges[i]
	}
	if GraphSVG(rev, crateHref) != svg {
		t.Error("output depends on the order of crates or edges")
	}
}

// nodeY returns the y of the box of the node linking to href.
func nodeY(t *testing.T, svg, href string) int {
	t.Helper()
	i := strings.Index(svg, `href="`+html.EscapeString(href)+`"`)
	if i < 0 {
		t.Fatalf("no node for %s", href)
	}
	rest := svg[i:]
	j := strings.Index(rest, "<rect")
	var x, y int
	if _, err := fmt.Sscanf(rest[j:], `<rect x="%d" y="%d"`, &x, &y); err != nil {
		t.Fatalf("rect of %s: %v", href, err)
	}
	return y
}

func TestGraphSVGEdgeCases(t *testing.T) {
	for name, rep := range map[string]*tree.Report{
		"nil":     nil,
		"empty":   {},
		"no root": {Crates: []tree.CrateReport{{ID: "a", Name: "a", Version: "1"}, {ID: "b", Name: "b", Version: "1"}}, Edges: []tree.Edge{{From: "a", To: "b"}, {From: "b", To: "a"}}},
		"cycle and self edge": {RootID: "a", Crates: []tree.CrateReport{{ID: "a", Name: "a", Version: "1"}, {ID: "b", Name: "b", Version: "1"}},
			Edges: []tree.Edge{{From: "a", To: "b"}, {From: "b", To: "a", Kind: "build"}, {From: "a", To: "a"}}},
		"control characters and invalid UTF-8": {RootID: "\x00", Crates: []tree.CrateReport{{ID: "\x00", Name: "a\x1b[31m\xff\ufffe", Version: "1\x00"}}},
		"long name":                            {RootID: "x", Crates: []tree.CrateReport{{ID: "x", Name: strings.Repeat("very_long_crate_name_", 5), Version: "1.0.0-alpha.1+build"}}},
	} {
		t.Run(name, func(t *testing.T) {
			svg := GraphSVG(rep, crateHref)
			nodes := parseSVG(t, svg)
			if rep != nil && len(nodes) != len(rep.Crates) {
				t.Errorf("%d nodes, want %d", len(nodes), len(rep.Crates))
			}
			if GraphSVG(rep, nil) == "" {
				t.Error("no SVG without href")
			}
		})
	}
}

// syntheticReport is a tree of n crates: a root, a few wide layers, some
// build edges, blind spots and unreachable crates.
func syntheticReport(n int) *tree.Report {
	rep := &tree.Report{RootID: "c0 1.0.0"}
	for i := range n {
		id := fmt.Sprintf("c%d 1.0.0", i)
		c := tree.CrateReport{ID: id, Name: fmt.Sprintf("c%d", i), Version: "1.0.0"}
		c.Runtime = []model.Capability{model.All[i%len(model.All)]}
		if i%7 == 0 {
			c.Runtime = nil
		}
		if i%11 == 3 {
			c.BlindSpots = []diag.Diagnostic{{Message: "x"}}
		}
		rep.Crates = append(rep.Crates, c)
		if i > 0 && i < n-3 { // the last three are unreachable
			for _, p := range []int{(i - 1) / 4, (i - 1) / 9, i / 2} {
				if p < i {
					kind := "normal"
					if (i+p)%5 == 0 {
						kind = "build"
					}
					rep.Edges = append(rep.Edges, tree.Edge{From: fmt.Sprintf("c%d 1.0.0", p), To: id, Kind: kind})
				}
			}
		}
	}
	return rep
}

func TestGraphSVGSeventyCrates(t *testing.T) {
	rep := syntheticReport(70)
	start := time.Now()
	svg := GraphSVG(rep, crateHref)
	d := time.Since(start)
	t.Logf("70 crates, %d edges: %d bytes of SVG in %v", len(rep.Edges), len(svg), d)
	if d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	nodes := parseSVG(t, svg)
	if len(nodes) != 70 {
		t.Errorf("%d nodes, want 70", len(nodes))
	}
	var width int
	if _, err := fmt.Sscanf(svg[strings.Index(svg, ` width="`):], ` width="%d"`, &width); err != nil {
		t.Fatal(err)
	}
	if width > graphMaxPerRow*(graphNodeW+graphGapX)+2*graphMargin {
		t.Errorf("width %d: rows do not wrap", width)
	}
	if GraphSVG(rep, crateHref) != svg {
		t.Error("output not deterministic")
	}
}

func BenchmarkGraphSVG70(b *testing.B) {
	rep := syntheticReport(70)
	for b.Loop() {
		GraphSVG(rep, crateHref)
	}
}
