package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
)

// crateReason is the crate's main reason for its most significant
// capability: a function (an entry point, else a public one) and a
// short witness.
func crateReason(c *tree.CrateReport) string {
	caps := c.Runtime
	if len(caps) == 0 {
		caps = c.BuildTime
	}
	for _, cap := range significance {
		if !hasCapability(caps, cap) {
			continue
		}
		best, bestLen := "", 0
		for _, f := range c.Functions {
			for i, rc := range f.Reachable {
				if rc != cap {
					continue
				}
				w := f.Witness[i]
				n := strings.Count(w, " -> ")
				if f.Entry {
					n -= 100 // entry points first
				}
				if best == "" || n < bestLen {
					best, bestLen = shortWitness(w), n
				}
			}
		}
		if best != "" {
			return string(cap) + ": " + best
		}
		return string(cap)
	}
	return ""
}

// significance orders capabilities by what an auditor asks first.
var significance = []model.Capability{model.Process, model.Net, model.FS, model.Env, model.RawHandle,
	model.FFI, model.System, model.Unsafe, model.Build}

// shortWitness keeps the first step and the last two of a long witness.
func shortWitness(w string) string {
	parts := strings.Split(w, " -> ")
	if len(parts) <= 4 {
		return w
	}
	return strings.Join([]string{parts[0], "…", parts[len(parts)-2], parts[len(parts)-1]}, " -> ")
}

func hasCapability(cs []model.Capability, c model.Capability) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func capsText(cs []model.Capability) string {
	if len(cs) == 0 {
		return "-"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, " ")
}

// TreeText writes the tree report for a person: a headline with the coverage,
// one line per crate (runtime and build-time capabilities and the main
// reason), then the details: what brings each capability, the root's
// entry points and public functions with their witnesses, and each
// crate's problems and blind spots.
func TreeText(w io.Writer, r *tree.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "dependency tree of %s: %s", clean(r.Root), plural(len(r.Crates), "crate"))
	if r.BlindSpots > 0 {
		fmt.Fprintf(&b, "\nincomplete: %s in %s (listed below)\n", plural(r.BlindSpots, "blind spot"), plural(r.IncompleteCrates, "crate"))
	} else {
		b.WriteString(", every line of the enabled code analysed\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", clean(n))
	}
	nameW := len("crate")
	for _, c := range r.Crates {
		if n := utf8.RuneCountInString(c.Label()) + 8; n > nameW {
			nameW = n
		}
	}
	rtW, btW := len("runtime"), len("build time")
	for _, c := range r.Crates {
		rtW, btW = max(rtW, len(capsText(c.Runtime))), max(btW, len(capsText(c.BuildTime)))
	}
	fmt.Fprintf(&b, "\n%-*s  %-*s  %-*s  %s\n", nameW, "crate", rtW, "runtime", btW, "build time", "why")
	for _, c := range rootFirst(r) {
		name := clean(c.Label())
		if c.BuildOnly {
			name += " [build]"
		}
		if !c.Analyzed {
			fmt.Fprintf(&b, "%-*s  not analysed: %s\n", nameW, name, clean(c.Error))
			continue
		}
		why := truncate(clean(crateReason(&c)), 110)
		if len(c.BlindSpots) > 0 {
			why = fmt.Sprintf("(%s) %s", plural(len(c.BlindSpots), "blind spot"), why)
		}
		fmt.Fprintf(&b, "%-*s  %-*s  %-*s  %s\n", nameW, name, rtW, capsText(c.Runtime), btW, capsText(c.BuildTime), why)
	}
	for _, c := range rootFirst(r) {
		details := crateDetails(&c, c.ID == r.RootID)
		if details != "" {
			fmt.Fprintf(&b, "\n%s\n%s", clean(c.Label()), details)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rootFirst returns the crates with the root first, then the rest in
// dependency order.
func rootFirst(r *tree.Report) []tree.CrateReport {
	out := make([]tree.CrateReport, 0, len(r.Crates))
	for _, c := range r.Crates {
		if c.ID == r.RootID {
			out = append(out, c)
		}
	}
	for _, c := range r.Crates {
		if c.ID != r.RootID {
			out = append(out, c)
		}
	}
	return out
}

// truncate shortens s to n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// crateDetails lists what brings a crate's capabilities, its functions'
// witnesses (all of them for the root, else none), and its problems and
// blind spots.
func crateDetails(c *tree.CrateReport, root bool) string {
	var b strings.Builder
	if root && len(c.AssumedCfgs) > 0 {
		fmt.Fprintf(&b, "  build script may set cfgs: %s\n", clean(strings.Join(c.AssumedCfgs, ", ")))
	}
	var brought []string
	for _, cap := range model.All {
		if names := c.BroughtBy[cap]; len(names) > 0 {
			brought = append(brought, fmt.Sprintf("%s via %s", cap, strings.Join(names, ", ")))
		}
	}
	if root && len(brought) > 0 {
		fmt.Fprintf(&b, "  through    %s\n", clean(strings.Join(brought, "; ")))
	}
	if root {
		for _, f := range c.Functions {
			kind := "pub"
			if f.Entry {
				kind = "entry"
			}
			fmt.Fprintf(&b, "  %s %s (%s:%d)\n", kind, clean(f.Path), clean(f.File), f.Line)
			for i, cap := range f.Reachable {
				fmt.Fprintf(&b, "    %-10s %s\n", cap, clean(f.Witness[i]))
			}
		}
	}
	for _, group := range [][]diag.Diagnostic{c.BlindSpots, c.Problems} {
		for i, d := range group {
			if i == 5 {
				fmt.Fprintf(&b, "    ... and %d more\n", len(group)-5)
				break
			}
			what := "problem"
			if d.Category == diag.BlindSpot {
				what = "blind spot"
			}
			fmt.Fprintf(&b, "  %s %s %s: %s\n", what, clean(d.Kind), clean(d.Pos.String()), clean(d.Message))
		}
	}
	return b.String()
}

// TreeJSON writes the tree report as indented JSON.
func TreeJSON(w io.Writer, r *tree.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// capColors gives each capability a Graphviz colour; a crate is drawn in
// the colour of its most significant runtime capability.
var capColors = map[model.Capability]string{
	model.Process: "red", model.Net: "orange", model.FS: "gold", model.Env: "yellowgreen",
	model.FFI: "purple", model.RawHandle: "magenta", model.System: "lightblue",
	model.Build: "gray", model.Unsafe: "lightgray",
}

// TreeDOT writes the crate graph for Graphviz: one node per package (two
// versions of a crate are two nodes), coloured by its most significant
// runtime capability; crates used only at build time are dashed, and so
// are build-dependency edges.
func TreeDOT(w io.Writer, r *tree.Report) error {
	var b strings.Builder
	b.WriteString("digraph warden {\n  rankdir=LR;\n  node [shape=box, style=filled, fillcolor=white];\n")
	for _, c := range r.Crates {
		color := "white"
		for _, cap := range significance {
			if hasCapability(c.Runtime, cap) {
				color = capColors[cap]
				break
			}
		}
		label := fmt.Sprintf("%s %s\n%s", c.Name, c.Version, capsText(c.Runtime))
		if len(c.BuildTime) > 0 {
			label += "\nbuild: " + capsText(c.BuildTime)
		}
		style := "filled"
		if c.BuildOnly {
			style = "filled,dashed"
		}
		fmt.Fprintf(&b, "  %s [label=%s, fillcolor=%q, style=%q];\n", dotQuote(c.ID), dotQuote(label), color, style)
	}
	for _, e := range r.Edges {
		attr := ""
		if e.Kind == "build" {
			attr = " [style=dashed]"
		}
		fmt.Fprintf(&b, "  %s -> %s%s;\n", dotQuote(e.From), dotQuote(e.To), attr)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotQuote quotes a string for DOT: quotes and backslashes escaped,
// newlines as \n, other control characters dropped.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TreeMarkdown writes the tree's audit report: the coverage, a table of every
// crate (runtime and build-time capabilities, what brings them, the main
// reason), the root's functions with their witnesses, then one short
// section per crate with capabilities: its functions that have effects
// of their own, its public functions that reach capabilities, and its
// blind spots.
func TreeMarkdown(w io.Writer, r *tree.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Dependency tree audit: %s\n\n", mdText(r.Root))
	analysed := 0
	for _, c := range r.Crates {
		if c.Analyzed {
			analysed++
		}
	}
	fmt.Fprintf(&b, "%d crates, %d analysed. ", len(r.Crates), analysed)
	if r.BlindSpots > 0 {
		fmt.Fprintf(&b, "**Incomplete: %d blind spots in %d crates** (code Warden could not see; listed per crate).\n\n", r.BlindSpots, r.IncompleteCrates)
	} else {
		b.WriteString("Every line of the enabled code was analysed.\n\n")
	}
	b.WriteString("| Crate | Runtime | Build time | Through | Why |\n|---|---|---|---|---|\n")
	for _, c := range r.Crates {
		name := c.Label()
		if c.BuildOnly {
			name += " (build only)"
		}
		if !c.Analyzed {
			fmt.Fprintf(&b, "| %s | not analysed: %s | | | |\n", code(name), mdText(c.Error))
			continue
		}
		var through []string
		for _, cap := range model.All {
			if names := c.BroughtBy[cap]; len(names) > 0 {
				through = append(through, fmt.Sprintf("%s via %s", cap, strings.Join(names, ", ")))
			}
		}
		why := crateReason(&c)
		if len(c.BlindSpots) > 0 {
			why = fmt.Sprintf("%d blind spots; %s", len(c.BlindSpots), why)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", code(name), capsText(c.Runtime), capsText(c.BuildTime), mdText(strings.Join(through, "; ")), mdText(why))
	}
	for _, c := range r.Crates {
		if len(c.Runtime)+len(c.BuildTime)+len(c.BlindSpots) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n", mdText(c.Label()))
		fmt.Fprintf(&b, "- Runtime: %s; build time: %s\n", capsText(c.Runtime), capsText(c.BuildTime))
		if len(c.Direct)+len(c.DirectBuild) > 0 {
			fmt.Fprintf(&b, "- Effects of its own: %s (runtime), %s (build time)\n", capsText(c.Direct), capsText(c.DirectBuild))
		}
		if len(c.AssumedCfgs) > 0 {
			fmt.Fprintf(&b, "- Its build script may set: %s\n", code(strings.Join(c.AssumedCfgs, ", ")))
		}
		limit := 8
		if c.ID == r.RootID {
			limit = len(c.Functions)
		}
		for i, f := range c.Functions {
			if i == limit {
				fmt.Fprintf(&b, "- ... and %d more functions\n", len(c.Functions)-limit)
				break
			}
			fmt.Fprintf(&b, "- %s (%s)\n", code(f.Path), mdText(fmt.Sprintf("%s:%d", f.File, f.Line)))
			for j, cap := range f.Reachable {
				fmt.Fprintf(&b, "  - %s: %s\n", cap, code(shortWitness(f.Witness[j])))
			}
		}
		perKind := 3
		if c.ID == r.RootID {
			perKind = len(c.BlindSpots)
		}
		writeBlindSpotsMarkdown(&b, c.BlindSpots, perKind)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeBlindSpotsMarkdown lists blind spots grouped by kind, at most
// perKind of each: a dependency's hundreds of unexpanded attribute macros
// would otherwise bury the rest of the report. Every blind spot is still
// counted, and the JSON report holds them all.
func writeBlindSpotsMarkdown(b *strings.Builder, spots []diag.Diagnostic, perKind int) {
	var kinds []string
	byKind := map[string][]diag.Diagnostic{}
	for _, d := range spots {
		if byKind[d.Kind] == nil {
			kinds = append(kinds, d.Kind)
		}
		byKind[d.Kind] = append(byKind[d.Kind], d)
	}
	for _, kind := range kinds {
		group := byKind[kind]
		if len(group) > perKind {
			fmt.Fprintf(b, "- %d blind spots (%s), for example:\n", len(group), mdText(kind))
			for _, d := range group[:perKind] {
				fmt.Fprintf(b, "  - at %s: %s\n", code(d.Pos.String()), mdText(d.Message))
			}
			fmt.Fprintf(b, "  - ... and %d more of this kind (all are in the JSON report)\n", len(group)-perKind)
			continue
		}
		for _, d := range group {
			fmt.Fprintf(b, "- Blind spot (%s) at %s: %s\n", mdText(d.Kind), code(d.Pos.String()), mdText(d.Message))
		}
	}
}
