// Package report renders one analysis.Result in Warden's output formats:
// a terminal report (Text), the documented JSON contract (JSON), one CSV
// row per effect (CSV), a hand-audit-shaped Markdown report (Markdown) and
// the import listing of `warden imports` (Imports).
//
// Every renderer is deterministic: effects, functions, problems and
// dependencies keep the order the analysis gave them; everything grouped
// or derived (capabilities, import modules, counts by kind) is sorted.
// Renderers never modify the Result they are given.
//
// Text, Imports and Markdown print strings that come from the analysed
// crate (file names, paths, messages), so they escape control characters,
// invalid UTF-8 and bidirectional-override characters: a hostile crate
// cannot inject terminal escape sequences or reorder what the auditor
// reads. JSON and CSV carry the strings unchanged, quoted by their
// encoders.
package report

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/effects"
)

// Options controls the Text report.
type Options struct {
	// Color enables ANSI colour. Callers set it only when stdout is a
	// terminal and NO_COLOR is unset; the renderer does not check.
	Color bool
	// Verbose adds the crate's edition and dependencies to the header,
	// the witness of every reachable capability (direct ones too) to the
	// public-function section, and the import listing.
	Verbose bool
}

// errNilResult is returned by every renderer given a nil Result.
var errNilResult = errors.New("report: nil analysis result")

// printer writes formatted output and keeps the first write error, so
// renderers can print freely and check once at the end.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

func (p *printer) print(s string) {
	if p.err != nil {
		return
	}
	_, p.err = io.WriteString(p.w, s)
}

// clean makes a string from the analysed crate safe to show on a
// terminal or in Markdown: control characters (including newlines, tabs
// and ESC), bidirectional-control characters and invalid UTF-8 bytes are
// replaced by visible escapes (\x1b, \u{202e}).
func clean(s string) string {
	safe := true
	for _, r := range s {
		if unsafeRune(r) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u{%x}`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) ||
		r == '\u2028' || r == '\u2029'
}

// loc formats file:line:col, leaving out a zero line or column.
func loc(file string, line, col int) string {
	if file == "" {
		file = "-"
	}
	switch {
	case line <= 0:
		return file
	case col <= 0:
		return file + ":" + strconv.Itoa(line)
	}
	return file + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
}

// capGroup is the effects of one capability, in input order.
type capGroup struct {
	cap     effects.Capability
	effects []analysis.Effect
}

// byCapability groups effects by capability: known capabilities in
// effects.All order, then any unknown ones sorted by name. Within a group
// effects keep their input order.
func byCapability(es []analysis.Effect) []capGroup {
	idx := map[effects.Capability]int{}
	var groups []capGroup
	for _, e := range es {
		i, ok := idx[e.Capability]
		if !ok {
			i = len(groups)
			idx[e.Capability] = i
			groups = append(groups, capGroup{cap: e.Capability})
		}
		groups[i].effects = append(groups[i].effects, e)
	}
	sort.SliceStable(groups, func(i, j int) bool { return capLess(groups[i].cap, groups[j].cap) })
	return groups
}

// capLess orders capabilities for reports: effects.All order, unknown
// capabilities last by name.
func capLess(a, b effects.Capability) bool {
	ra, rb := a.Rank(), b.Rank()
	if ra != rb {
		return ra < rb
	}
	return a < b
}

// sortedCaps returns the keys of a capability set in report order.
func sortedCaps(set map[effects.Capability]bool) []effects.Capability {
	out := make([]effects.Capability, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return capLess(out[i], out[j]) })
	return out
}

// fnGroup is the effects of one function within a capability group.
type fnGroup struct {
	fn      string
	effects []analysis.Effect
}

// byFunction groups effects by function in order of first appearance.
func byFunction(es []analysis.Effect) []fnGroup {
	idx := map[string]int{}
	var groups []fnGroup
	for _, e := range es {
		i, ok := idx[e.Function]
		if !ok {
			i = len(groups)
			idx[e.Function] = i
			groups = append(groups, fnGroup{fn: e.Function})
		}
		groups[i].effects = append(groups[i].effects, e)
	}
	return groups
}

// indirect returns the capabilities f reaches but does not exercise
// directly, with their witnesses, in the order of f.Reachable.
func indirect(f analysis.Function) []capWitness {
	direct := map[effects.Capability]bool{}
	for _, c := range f.Direct {
		direct[c] = true
	}
	var out []capWitness
	for _, cw := range witnesses(f) {
		if !direct[cw.cap] {
			out = append(out, cw)
		}
	}
	return out
}

// capWitness pairs a reachable capability with its witness path ("" when
// the analysis gave none) and whether the function exercises it directly.
type capWitness struct {
	cap     effects.Capability
	witness string
	direct  bool
}

// witnesses pairs f.Reachable with f.Witness.
func witnesses(f analysis.Function) []capWitness {
	direct := map[effects.Capability]bool{}
	for _, c := range f.Direct {
		direct[c] = true
	}
	out := make([]capWitness, 0, len(f.Reachable))
	for i, c := range f.Reachable {
		cw := capWitness{cap: c, direct: direct[c]}
		if i < len(f.Witness) {
			cw.witness = f.Witness[i]
		}
		out = append(out, cw)
	}
	return out
}

// importGroup is the imports of one module.
type importGroup struct {
	module string
	lines  []string // "dir, file, path", sorted, without duplicates
}

// groupImports groups imports by module (modules sorted). Within a module
// the imports are sorted by directory, file, line and path, and rendered
// as "dir, file, path" lines; lines that would print identically (the
// same item imported twice in one file) are shown once.
func groupImports(imps []analysis.Import) []importGroup {
	sorted := append([]analysis.Import(nil), imps...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		switch {
		case a.Module != b.Module:
			return a.Module < b.Module
		case a.Dir != b.Dir:
			return a.Dir < b.Dir
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		}
		return a.Path < b.Path
	})
	var groups []importGroup
	seen := map[string]bool{}
	for _, imp := range sorted {
		if len(groups) == 0 || groups[len(groups)-1].module != imp.Module {
			groups = append(groups, importGroup{module: imp.Module})
			seen = map[string]bool{}
		}
		line := clean(imp.Dir) + ", " + clean(imp.File) + ", " + clean(imp.Path)
		if seen[line] {
			continue
		}
		seen[line] = true
		g := &groups[len(groups)-1]
		g.lines = append(g.lines, line)
	}
	return groups
}

// importCount is the number of lines groupImports renders.
func importCount(groups []importGroup) int {
	n := 0
	for _, g := range groups {
		n += len(g.lines)
	}
	return n
}

// plural returns "1 effect" or "2 effects".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// kindCounts returns "kind n" pairs sorted by kind.
func kindCounts(es []analysis.Effect) string {
	counts := map[string]int{}
	for _, e := range es {
		counts[e.Kind]++
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		name := k
		if name == "" {
			name = "unspecified"
		}
		parts[i] = clean(name) + " " + strconv.Itoa(counts[k])
	}
	return strings.Join(parts, ", ")
}
