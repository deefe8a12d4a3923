// Package report renders one analysis.Result in Warden's output formats:
// a terminal report (Text), the documented JSON contract (JSON), one CSV
// row per effect (CSV), a hand-audit-shaped Markdown report (Markdown),
// the import listing of `warden imports` (Imports) and the findings of
// `warden iosafety` (IOSafety).
//
// Every format renders the Result's diagnostics (effects, I/O-safety
// findings, problems and blind spots), its functions and its imports, and
// every format says whether the analysis was complete: a report without
// effects means "no effect" only when there is no blind spot, so the
// reports never let silence stand for safety.
//
// Every renderer is deterministic: diagnostics, functions and imports
// keep the order the analysis gave them; everything grouped or derived
// (capabilities, import modules, counts by kind) is sorted. Renderers
// never modify the Result they are given.
//
// Text, Imports, IOSafety and Markdown print strings that come from the
// analysed crate (file names, paths, messages), so they escape control
// characters, invalid UTF-8 and bidirectional-override characters: a
// hostile crate cannot inject terminal escape sequences or reorder what
// the auditor reads. JSON and CSV carry the strings unchanged, quoted by
// their encoders.
package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/imports"
	"github.com/wardenrs/warden/internal/model"
)

// Options controls the Text report.
type Options struct {
	// Color enables ANSI colour. Callers set it only when stdout is a
	// terminal and NO_COLOR is unset; the renderer does not check.
	Color bool
	// Verbose adds the crate's edition and dependencies to the header,
	// the witness of every reachable capability (direct ones too) to the
	// public-function section, every blind spot instead of the first few
	// of each kind, and the import listing.
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

// loc formats a position as file:line:col, leaving out a zero line or
// column ("-" for no file).
func loc(p diag.Position) string { return p.String() }

// lineLoc formats file:line, for functions (which have no column).
func lineLoc(file string, line int) string {
	return diag.Position{File: file, Line: line}.String()
}

// confidence is the confidence of an effect, derived from how its
// callee was resolved: high for paths and receiver types, medium for
// trait methods on generic receivers, low for name matches.
func confidence(d diag.Diagnostic) string { return d.Resolution.Confidence() }

// lowConfidence reports whether an effect is a name match only.
func lowConfidence(d diag.Diagnostic) bool { return d.Resolution.Weak() }

// resolutionMark is the text report's marker of how an effect's callee
// was resolved ("" for a resolved path, the common case).
func resolutionMark(d diag.Diagnostic) string {
	switch d.Resolution {
	case diag.ResolvedType:
		return "[by type]"
	case diag.ResolvedTrait:
		return "[by trait, any impl]"
	case diag.ByName:
		return "[by name only, low confidence]"
	}
	return ""
}

// capGroup is the effects of one capability, in input order.
type capGroup struct {
	cap     model.Capability
	effects []diag.Diagnostic
}

// byCapability groups effects by capability: known capabilities in
// model.All order, then any unknown ones sorted by name. Within a group
// effects keep their input order.
func byCapability(es []diag.Diagnostic) []capGroup {
	idx := map[model.Capability]int{}
	var groups []capGroup
	for _, e := range es {
		c := model.Capability(e.Capability)
		i, ok := idx[c]
		if !ok {
			i = len(groups)
			idx[c] = i
			groups = append(groups, capGroup{cap: c})
		}
		groups[i].effects = append(groups[i].effects, e)
	}
	slices.SortStableFunc(groups, func(a, b capGroup) int { return capCompare(a.cap, b.cap) })
	return groups
}

// capCompare orders capabilities for reports: model.All order, unknown
// capabilities last by name.
func capCompare(a, b model.Capability) int {
	return cmp.Or(cmp.Compare(a.Rank(), b.Rank()), cmp.Compare(a, b))
}

// sortedCaps returns the keys of a capability set in report order.
func sortedCaps(set map[model.Capability]bool) []model.Capability {
	out := make([]model.Capability, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.SortFunc(out, capCompare)
	return out
}

// fnGroup is the effects of one function within a capability group.
type fnGroup struct {
	fn      string
	effects []diag.Diagnostic
}

// byFunction groups effects by function in order of first appearance.
func byFunction(es []diag.Diagnostic) []fnGroup {
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

// kindGroup is the diagnostics of one kind (blind spots, problems).
type kindGroup struct {
	kind  string
	diags []diag.Diagnostic
}

// byKind groups diagnostics by kind, the most frequent kind first (ties
// by name), so a report's first lines show where most was missed. Within
// a kind the diagnostics keep their input order.
func byKind(ds []diag.Diagnostic) []kindGroup {
	idx := map[string]int{}
	var groups []kindGroup
	for _, d := range ds {
		i, ok := idx[d.Kind]
		if !ok {
			i = len(groups)
			idx[d.Kind] = i
			groups = append(groups, kindGroup{kind: d.Kind})
		}
		groups[i].diags = append(groups[i].diags, d)
	}
	slices.SortStableFunc(groups, func(a, b kindGroup) int {
		return cmp.Or(cmp.Compare(len(b.diags), len(a.diags)), cmp.Compare(a.kind, b.kind))
	})
	return groups
}

// capWitness pairs a reachable capability with its witness path ("" when
// the analysis gave none) and whether the function exercises it directly.
type capWitness struct {
	cap     model.Capability
	witness string
	direct  bool
}

// witnesses pairs f.Reachable with f.Witness.
func witnesses(f analysis.Function) []capWitness {
	direct := map[model.Capability]bool{}
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

// indirect returns the capabilities f reaches but does not exercise
// directly, with their witnesses, in the order of f.Reachable.
func indirect(f analysis.Function) []capWitness {
	var out []capWitness
	for _, cw := range witnesses(f) {
		if !cw.direct {
			out = append(out, cw)
		}
	}
	return out
}

// exposed reports whether a function is one through which the crate's
// authority is exercised by others: its public API, or the entry point
// of a binary or build script.
func exposed(f analysis.Function) bool { return f.Public || f.Entry }

// fnRole describes an exposed function for reports: "entry of bin",
// "entry of build-script", or "" for a public library function.
func fnRole(f analysis.Function) string {
	if !f.Entry {
		return ""
	}
	if f.Target == "" {
		return "entry"
	}
	return "entry of " + f.Target
}

// importGroup is the imports of one module.
type importGroup struct {
	module string
	lines  []string // "dir, file, path", cleaned, without duplicates
}

// groupImports groups imports by module (modules sorted). Within a
// module the imports keep the Result's order (by directory, file and
// path) and are rendered as "dir, file, path" lines; lines that would
// print identically are shown once.
func groupImports(imps []imports.Import) []importGroup {
	idx := map[string]int{}
	var groups []importGroup
	seen := map[string]bool{}
	for _, imp := range imps {
		i, ok := idx[imp.Module]
		if !ok {
			i = len(groups)
			idx[imp.Module] = i
			groups = append(groups, importGroup{module: imp.Module})
		}
		line := importLine(imp)
		if seen[imp.Module+"\x00"+line] {
			continue
		}
		seen[imp.Module+"\x00"+line] = true
		groups[i].lines = append(groups[i].lines, line)
	}
	slices.SortStableFunc(groups, func(a, b importGroup) int { return cmp.Compare(a.module, b.module) })
	return groups
}

// importLine renders an import as a hand audit lists it: "dir, file,
// path".
func importLine(imp imports.Import) string {
	return clean(imp.Dir) + ", " + clean(imp.File) + ", " + clean(imp.Path)
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

// kindCounts returns "kind n" pairs sorted by kind, cleaned.
func kindCounts(ds []diag.Diagnostic) string {
	counts := map[string]int{}
	for _, d := range ds {
		counts[d.Kind]++
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = clean(orDefault(k, "unspecified")) + " " + strconv.Itoa(counts[k])
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string { return orDefault(s, "-") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// joinClean joins cleaned strings with ", ", or returns none for an empty
// list.
func joinClean(ss []string, none string) string {
	if len(ss) == 0 {
		return none
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return strings.Join(out, ", ")
}

// reachedCaps lists, in report order, the capabilities the crate's
// functions reach (through its dependencies, when it has no effect of
// its own), or "".
func reachedCaps(r *analysis.Result) string {
	set := map[model.Capability]bool{}
	for _, f := range r.Functions {
		for _, c := range f.Reachable {
			set[c] = true
		}
	}
	var out []string
	for _, c := range model.All {
		if set[c] {
			out = append(out, string(c))
		}
	}
	return strings.Join(out, ", ")
}

// foldUnsafe keeps reports short: the unsafe operations (unsafe_call,
// raw_deref, union_field, static_mut, ...) inside an unsafe block or
// unsafe fn that is itself listed are folded into that line. It returns
// the effects to show and, for each shown context, the summary of the
// operations folded into it ("2 unsafe_call, 1 raw_deref").
func foldUnsafe(es []diag.Diagnostic) ([]diag.Diagnostic, map[int]string) {
	type key struct {
		file      string
		line, col int
	}
	contexts := map[key]int{} // context position -> index in es
	for i, e := range es {
		if e.Kind == "unsafe_block" || e.Kind == "unsafe_fn" {
			contexts[key{e.Pos.File, e.Pos.Line, e.Pos.Col}] = i
		}
	}
	if len(contexts) == 0 {
		return es, nil
	}
	counts := map[int]map[string]int{}
	var shown []diag.Diagnostic
	var shownIdx []int
	for i, e := range es {
		if c := e.UnsafeContext; c != nil && e.Kind != "unsafe_block" && model.Capability(e.Capability) == model.Unsafe {
			if ci, ok := contexts[key{c.File, c.Line, c.Col}]; ok && es[ci].Function == e.Function {
				if counts[ci] == nil {
					counts[ci] = map[string]int{}
				}
				counts[ci][e.Kind]++
				continue
			}
		}
		shown = append(shown, e)
		shownIdx = append(shownIdx, i)
	}
	notes := map[int]string{}
	for si, i := range shownIdx {
		if kinds := counts[i]; len(kinds) > 0 {
			var parts []string
			total := 0
			for k, n := range kinds {
				parts = append(parts, strconv.Itoa(n)+" "+k)
				total += n
			}
			slices.Sort(parts)
			notes[si] = plural(total, "operation") + ": " + strings.Join(parts, ", ")
		}
	}
	return shown, notes
}
