package tree

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/effects"
)

// Text writes one block per crate: its direct and reachable
// capabilities, which dependencies bring the others, and the witnesses
// of the root crate's public functions.
func Text(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "dependency tree of %s: %d crates\n", r.Root, len(r.Crates))
	for _, c := range r.Crates {
		fmt.Fprintf(&b, "\n%s %s", c.Name, c.Version)
		if c.BuildTime {
			b.WriteString("  [build-time code]")
		}
		b.WriteString("\n")
		if !c.Analyzed {
			fmt.Fprintf(&b, "  not analysed: %s\n", c.Error)
			continue
		}
		fmt.Fprintf(&b, "  direct     %s\n", caps(c.Direct))
		fmt.Fprintf(&b, "  reachable  %s\n", caps(c.Reachable))
		var brought []string
		for _, cap := range effects.All {
			if names := c.BroughtBy[cap]; len(names) > 0 {
				brought = append(brought, fmt.Sprintf("%s via %s", cap, strings.Join(names, ", ")))
			}
		}
		if len(brought) > 0 {
			fmt.Fprintf(&b, "  through    %s\n", strings.Join(brought, "; "))
		}
		if c.Name == r.Root {
			for _, f := range c.Functions {
				fmt.Fprintf(&b, "  %s\n", f.Path)
				for i, cap := range f.Reachable {
					fmt.Fprintf(&b, "    %-10s %s\n", cap, f.Witness[i])
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func caps(cs []effects.Capability) string {
	if len(cs) == 0 {
		return "-"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, " ")
}

// JSON writes the report (per-crate records and edges) as indented JSON.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// capColors gives each capability a Graphviz colour; a crate is drawn in
// the colour of its most significant reachable capability.
var capColors = map[effects.Capability]string{
	effects.Process: "red", effects.Net: "orange", effects.FS: "gold", effects.Env: "yellowgreen",
	effects.FFI: "purple", effects.RawHandle: "magenta", effects.System: "lightblue",
	effects.Build: "gray", effects.Unsafe: "lightgray",
}

// DOT writes the crate graph for Graphviz, nodes coloured by capability
// and labelled with their reachable capabilities.
func DOT(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString("digraph warden {\n  rankdir=LR;\n  node [shape=box, style=filled, fillcolor=white];\n")
	for _, c := range r.Crates {
		color := "white"
		for _, cap := range []effects.Capability{effects.Process, effects.Net, effects.FS, effects.Env, effects.RawHandle, effects.FFI, effects.System, effects.Build, effects.Unsafe} {
			if contains(c.Reachable, cap) {
				color = capColors[cap]
				break
			}
		}
		label := fmt.Sprintf("%s %s\\n%s", c.Name, c.Version, caps(c.Reachable))
		fmt.Fprintf(&b, "  %q [label=%q, fillcolor=%q];\n", c.Name, label, color)
	}
	edges := append([]Edge(nil), r.Edges...)
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].From != edges[j].From {
			return edges[i].From < edges[j].From
		}
		return edges[i].To < edges[j].To
	})
	for _, e := range edges {
		fmt.Fprintf(&b, "  %q -> %q;\n", e.From, e.To)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func contains(cs []effects.Capability, c effects.Capability) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// MarkdownSummary writes the first page of the tree's audit report: a
// table of every crate with its direct and reachable capabilities and the
// dependencies that bring the rest, then the witnesses of the root
// crate's public functions.
func MarkdownSummary(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Dependency tree audit: %s\n\n", r.Root)
	analysed, withEffects := 0, 0
	for _, c := range r.Crates {
		if c.Analyzed {
			analysed++
		}
		if len(c.Direct) > 0 {
			withEffects++
		}
	}
	fmt.Fprintf(&b, "%d crates, %d analysed, %d with effects of their own. Each crate with effects has its own audit below.\n\n", len(r.Crates), analysed, withEffects)
	b.WriteString("| Crate | Direct | Reachable | Through | Build-time code |\n|---|---|---|---|---|\n")
	for _, c := range r.Crates {
		through := []string{}
		for _, cap := range effects.All {
			if names := c.BroughtBy[cap]; len(names) > 0 {
				through = append(through, fmt.Sprintf("%s via %s", cap, strings.Join(names, ", ")))
			}
		}
		direct, reach := caps(c.Direct), caps(c.Reachable)
		if !c.Analyzed {
			direct, reach = "not analysed: "+strings.ReplaceAll(c.Error, "|", "\\|"), "?"
		}
		build := ""
		if c.BuildTime {
			build = "yes"
		}
		fmt.Fprintf(&b, "| `%s %s` | %s | %s | %s | %s |\n", c.Name, c.Version, direct, reach, strings.Join(through, "; "), build)
	}
	for _, c := range r.Crates {
		if c.Name != r.Root || len(c.Functions) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## How %s's public functions reach the outside world\n\n", c.Name)
		for _, f := range c.Functions {
			fmt.Fprintf(&b, "- `%s`\n", f.Path)
			for i, cap := range f.Reachable {
				fmt.Fprintf(&b, "  - %s: `%s`\n", cap, f.Witness[i])
			}
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
