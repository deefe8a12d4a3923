package serve

import (
	"cmp"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
)

// Geometry of the dependency graph, in pixels.
const (
	graphNodeW     = 160
	graphNodeH     = 28
	graphGapX      = 20  // between two nodes of a row
	graphGapY      = 56  // between two rows, room for the edges' curves
	graphMargin    = 16  // around everything
	graphMaxPerRow = 10  // a wider layer wraps onto several rows
	graphLegendRow = 22  // height of one row of the legend
	graphLegendW   = 118 // width of one legend entry
	graphLabelFit  = 22  // labels up to this many characters fit the box
	graphLabelMax  = 36  // longer ones are cut (the tooltip keeps them)
)

// graphSignificance orders the capabilities by what an auditor asks
// first (the order of "warden tree --format dot"): a node is coloured
// by the first of them the crate reaches at run time.
var graphSignificance = []model.Capability{model.Process, model.Net, model.FS, model.Env, model.RawHandle,
	model.FFI, model.System, model.Unsafe, model.Build}

// graphPalette is the fill of a node per capability, in model.All order
// (fs, net, process, env, system, ffi, unsafe, raw_handle, build): the
// colours of the capability badges of the overview's matrix. Text on
// them is white.
var graphPalette = []string{"#b4572b", "#1f6fb2", "#a11a1a", "#6b4fa0", "#4b5563", "#8a6d00", "#c0392b", "#0f766e", "#7c3f00"}

// graphNone is the fill of a crate that reaches no capability (dark
// text on it).
const graphNone = "#e5e7eb"

// graphColor returns a capability's fill.
func graphColor(c model.Capability) string {
	if r := c.Rank(); r < len(graphPalette) {
		return graphPalette[r]
	}
	return graphNone
}

// graphCap returns the capability a crate is coloured by: its most
// significant runtime capability; for a crate that has none but reaches
// capabilities at build time (a build script, a proc macro), build;
// else "" (grey).
func graphCap(c *tree.CrateReport) model.Capability {
	for _, k := range graphSignificance {
		if slices.Contains(c.Runtime, k) {
			return k
		}
	}
	if len(c.BuildTime) > 0 {
		return model.Build
	}
	return ""
}

type graphNode struct {
	c      *tree.CrateReport
	layer  int
	x, y   int // top left corner
	placed bool
}

// GraphSVG draws the dependency graph of a tree as an inline SVG
// element: one box per crate, labelled "name version", filled with the
// colour of its most significant runtime capability (grey when it has
// none), with a thick dashed red outline when the crate has blind spots,
// linked to href(crate ID) and with a tooltip listing its runtime and
// build-time capabilities. Normal dependencies are solid curves, build
// dependencies dashed, each with an arrowhead at the dependency. Crates
// are laid out in rows by their distance from the root (Report.RootID);
// crates it does not reach come last. A layer wider than graphMaxPerRow
// crates wraps onto several rows. A legend comes first.
//
// Every string taken from the report or href is escaped; the SVG has no
// script, no style attribute and no reference to anything outside it.
// The output depends only on the report's contents (crates and edges
// are sorted).
func GraphSVG(rep *tree.Report, href func(crateID string) string) string {
	var crates []*tree.CrateReport
	if rep != nil {
		for i := range rep.Crates {
			crates = append(crates, &rep.Crates[i])
		}
	}
	slices.SortStableFunc(crates, func(a, b *tree.CrateReport) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	nodes := map[string]*graphNode{}
	var order []*graphNode
	for _, c := range crates {
		if _, dup := nodes[c.ID]; dup {
			continue // the first of two crates with one id
		}
		n := &graphNode{c: c, layer: -1}
		nodes[c.ID] = n
		order = append(order, n)
	}

	// The edges, deduplicated (a normal edge wins over a build edge
	// between the same crates), between known crates, sorted.
	type edge struct {
		from, to *graphNode
		build    bool
	}
	kinds := map[[2]string]bool{} // build?
	if rep != nil {
		for _, e := range rep.Edges {
			if nodes[e.From] == nil || nodes[e.To] == nil || e.From == e.To {
				continue
			}
			k := [2]string{e.From, e.To}
			b, seen := kinds[k]
			kinds[k] = e.Kind == "build" && (!seen || b)
		}
	}
	var edges []edge
	for k, b := range kinds {
		edges = append(edges, edge{nodes[k[0]], nodes[k[1]], b})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		return cmp.Or(cmp.Compare(a.from.c.ID, b.from.c.ID), cmp.Compare(a.to.c.ID, b.to.c.ID))
	})
	children := map[*graphNode][]*graphNode{}
	parents := map[*graphNode][]*graphNode{}
	for _, e := range edges {
		children[e.from] = append(children[e.from], e.to)
		parents[e.to] = append(parents[e.to], e.from)
	}

	// Layers: the distance from the root, then the unreachable crates.
	var layers [][]*graphNode
	if rep != nil && nodes[rep.RootID] != nil {
		root := nodes[rep.RootID]
		root.layer = 0
		cur := []*graphNode{root}
		for len(cur) > 0 {
			layers = append(layers, cur)
			var next []*graphNode
			for _, n := range cur {
				for _, m := range children[n] {
					if m.layer < 0 {
						m.layer = len(layers)
						next = append(next, m)
					}
				}
			}
			cur = next
		}
	}
	var rest []*graphNode
	for _, n := range order {
		if n.layer < 0 {
			n.layer = len(layers)
			rest = append(rest, n)
		}
	}
	if len(rest) > 0 {
		layers = append(layers, rest)
	}

	// The legend, wrapped to the graph's width (at least four entries a
	// row).
	widest := 1
	for _, l := range layers {
		widest = max(widest, min(len(l), graphMaxPerRow))
	}
	graphW := widest*graphNodeW + (widest-1)*graphGapX
	type legendItem struct {
		fill, stroke, dash, label string
		line                      bool
	}
	var legend []legendItem
	for _, k := range graphSignificance {
		legend = append(legend, legendItem{fill: graphColor(k), label: string(k)})
	}
	legend = append(legend,
		legendItem{fill: graphNone, label: "no capability"},
		legendItem{fill: "#ffffff", stroke: "#e00000", dash: "5 3", label: "blind spots"},
		legendItem{line: true, label: "dependency"},
		legendItem{line: true, dash: "5 3", label: "build dependency"})
	perRow := max(4, (graphW+graphGapX)/graphLegendW)
	perRow = min(perRow, len(legend))
	legendRows := (len(legend) + perRow - 1) / perRow
	width := max(graphW, perRow*graphLegendW) + 2*graphMargin
	top := graphMargin + legendRows*graphLegendRow + graphGapY/2

	// Positions: each layer ordered by the mean x of its crates'
	// parents already placed (fewer crossings), then by name; the rows
	// centred.
	y := top
	for _, l := range layers {
		key := map[*graphNode]float64{}
		for _, n := range l {
			sum, cnt := 0, 0
			for _, p := range parents[n] {
				if p.placed {
					sum += p.x
					cnt++
				}
			}
			key[n] = math.Inf(1)
			if cnt > 0 {
				key[n] = float64(sum) / float64(cnt)
			}
		}
		slices.SortStableFunc(l, func(a, b *graphNode) int {
			return cmp.Or(cmp.Compare(key[a], key[b]), cmp.Compare(a.c.Name, b.c.Name),
				cmp.Compare(a.c.Version, b.c.Version), cmp.Compare(a.c.ID, b.c.ID))
		})
		for start := 0; start < len(l); start += graphMaxPerRow {
			row := l[start:min(len(l), start+graphMaxPerRow)]
			rowW := len(row)*graphNodeW + (len(row)-1)*graphGapX
			x := (width - rowW) / 2
			for _, n := range row {
				n.x, n.y, n.placed = x, y, true
				x += graphNodeW + graphGapX
			}
			y += graphNodeH + graphGapY
		}
	}
	height := y - graphGapY + graphGapY/2 + graphMargin
	if len(layers) == 0 {
		height = top + graphMargin
	}

	var b strings.Builder
	b.Grow(4096 + 600*len(order) + 200*len(edges))
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="depgraph" role="img" aria-label="Dependency graph"`)
	attrInt(&b, "width", width)
	attrInt(&b, "height", height)
	b.WriteString(` viewBox="0 0 `)
	b.WriteString(strconv.Itoa(width))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(height))
	b.WriteString(`" font-family="system-ui, sans-serif" font-size="12">` + "\n")

	b.WriteString(`<g class="legend">` + "\n")
	for i, it := range legend {
		lx := graphMargin + (i%perRow)*graphLegendW
		ly := graphMargin + (i/perRow)*graphLegendRow
		if it.line {
			b.WriteString(`<line`)
			attrInt(&b, "x1", lx)
			attrInt(&b, "y1", ly+7)
			attrInt(&b, "x2", lx+22)
			attrInt(&b, "y2", ly+7)
			b.WriteString(` stroke="#6b7280" stroke-width="1.5"`)
			if it.dash != "" {
				b.WriteString(` stroke-dasharray="` + it.dash + `"`)
			}
			b.WriteString("/>")
		} else {
			b.WriteString(`<rect`)
			attrInt(&b, "x", lx)
			attrInt(&b, "y", ly)
			b.WriteString(` width="22" height="14" rx="3" fill="` + it.fill + `"`)
			if it.stroke != "" {
				b.WriteString(` stroke="` + it.stroke + `" stroke-width="2.5" stroke-dasharray="` + it.dash + `"`)
			} else {
				b.WriteString(` stroke="#6b7280" stroke-width="0.5"`)
			}
			b.WriteString("/>")
		}
		b.WriteString(`<text`)
		attrInt(&b, "x", lx+28)
		attrInt(&b, "y", ly+11)
		b.WriteString(` fill="#1d1f24">` + html.EscapeString(it.label) + "</text>\n")
	}
	b.WriteString("</g>\n")

	// Edges under the nodes: a vertical cubic curve from the bottom of
	// the dependent to the top of the dependency (to its bottom when the
	// dependency is not on a lower row), with an arrowhead.
	b.WriteString(`<g class="edges" fill="none" stroke="#8a8f98" stroke-width="1.2">` + "\n")
	for _, e := range edges {
		x1, y1 := e.from.x+graphNodeW/2, e.from.y+graphNodeH
		x2 := e.to.x + graphNodeW/2
		var y2, c1, c2, tip int // tip: the arrow's direction (1 down, -1 up)
		if e.to.y > e.from.y {
			y2 = e.to.y
			bend := max(20, (y2-y1)/2)
			c1, c2, tip = y1+bend, y2-bend, 1
		} else {
			y2 = e.to.y + graphNodeH
			bend := graphGapY
			c1, c2, tip = y1+bend, y2+bend, -1
		}
		cls := "edge"
		if e.build {
			cls = "edge edge-build"
		}
		b.WriteString(`<path class="` + cls + `" d="M`)
		writePoint(&b, x1, y1)
		b.WriteString(" C")
		writePoint(&b, x1, c1)
		b.WriteByte(' ')
		writePoint(&b, x2, c2)
		b.WriteByte(' ')
		writePoint(&b, x2, y2-tip*5)
		b.WriteByte('"')
		if e.build {
			b.WriteString(` stroke-dasharray="5 3"`)
		}
		b.WriteString("/>")
		// The arrowhead, pointing along the curve's (vertical) end.
		b.WriteString(`<path class="arrow" fill="#8a8f98" stroke="none" d="M`)
		writePoint(&b, x2, y2)
		b.WriteString(" L")
		writePoint(&b, x2-4, y2-tip*6)
		b.WriteString(" L")
		writePoint(&b, x2+4, y2-tip*6)
		b.WriteString(" Z\"/>\n")
	}
	b.WriteString("</g>\n")

	b.WriteString(`<g class="nodes">` + "\n")
	for _, n := range order {
		c := n.c
		k := graphCap(c)
		fill, text := graphNone, "#1d1f24"
		cls := "node cap-none"
		if k != "" {
			fill, text = graphColor(k), "#ffffff"
			cls = "node cap-" + string(k)
		}
		if len(c.BlindSpots) > 0 {
			cls += " blind"
		}
		if rep != nil && c.ID == rep.RootID {
			cls += " root"
		}
		link := ""
		if href != nil {
			link = href(c.ID)
		}
		b.WriteString(`<a class="` + cls + `" href="` + graphEscape(link) + `">`)
		b.WriteString("<title>" + graphEscape(graphTooltip(c, k)) + "</title>")
		b.WriteString(`<rect`)
		attrInt(&b, "x", n.x)
		attrInt(&b, "y", n.y)
		attrInt(&b, "width", graphNodeW)
		attrInt(&b, "height", graphNodeH)
		b.WriteString(` rx="5" fill="` + fill + `"`)
		switch {
		case len(c.BlindSpots) > 0:
			b.WriteString(` stroke="#e00000" stroke-width="3.5" stroke-dasharray="7 4"`)
		case rep != nil && c.ID == rep.RootID:
			b.WriteString(` stroke="#1d1f24" stroke-width="2"`)
		default:
			b.WriteString(` stroke="#4b5563" stroke-width="0.8"`)
		}
		b.WriteString("/>")
		label := c.Name + " " + c.Version
		runes := utf8.RuneCountInString(label)
		if runes > graphLabelMax {
			label = string([]rune(label)[:graphLabelMax-1]) + "…"
			runes = graphLabelMax
		}
		b.WriteString(`<text`)
		attrInt(&b, "x", n.x+graphNodeW/2)
		attrInt(&b, "y", n.y+graphNodeH/2+4)
		b.WriteString(` text-anchor="middle" fill="` + text + `"`)
		if runes > graphLabelFit {
			// Squeezed into the box, and smaller for renderers that
			// ignore textLength.
			attrInt(&b, "font-size", max(8, 12*graphLabelFit/runes))
			b.WriteString(` textLength="` + strconv.Itoa(graphNodeW-10) + `" lengthAdjust="spacingAndGlyphs"`)
		}
		b.WriteString(">" + graphEscape(label) + "</text></a>\n")
	}
	b.WriteString("</g>\n</svg>\n")
	return b.String()
}

// graphTooltip is a node's tooltip: its label, its runtime and build-time
// capabilities, and its blind spots.
func graphTooltip(c *tree.CrateReport, k model.Capability) string {
	var b strings.Builder
	b.WriteString(c.Name + " " + c.Version)
	b.WriteString("\nruntime: " + capList(c.Runtime))
	b.WriteString("\nbuild time: " + capList(c.BuildTime))
	if len(c.BlindSpots) > 0 {
		b.WriteString("\nblind spots: " + strconv.Itoa(len(c.BlindSpots)))
	}
	if k != "" {
		b.WriteString("\ncoloured by: " + string(k))
	}
	return b.String()
}

func capList(cs []model.Capability) string {
	if len(cs) == 0 {
		return "none"
	}
	var s []string
	for _, c := range model.SortCaps(slices.Clone(cs)) {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

// graphEscape escapes a string for XML text or a quoted attribute:
// html.EscapeString after replacing what XML cannot carry (invalid
// UTF-8, control characters but tab and newline) with U+FFFD.
func graphEscape(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0xFFFE && r <= 0xFFFF {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0xFFFE && r <= 0xFFFF {
				return utf8.RuneError
			}
			return r
		}, strings.ToValidUTF8(s, "\uFFFD"))
	}
	return html.EscapeString(s)
}

func attrInt(b *strings.Builder, name string, v int) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	b.WriteString(strconv.Itoa(v))
	b.WriteByte('"')
}

func writePoint(b *strings.Builder, x, y int) {
	b.WriteString(strconv.Itoa(x))
	b.WriteByte(',')
	b.WriteString(strconv.Itoa(y))
}
