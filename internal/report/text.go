package report

import (
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/effects"
)

// ANSI SGR sequences used when Options.Color is set.
const (
	ansiReset = "\x1b[0m"
	ansiCap   = "\x1b[1;36m" // bold cyan: capability headers
	ansiLow   = "\x1b[33m"   // yellow: low-confidence markers
	ansiBold  = "\x1b[1m"    // crate name and section titles
)

// Text writes the terminal report: a header (crate name and version,
// path, target, features), the effects grouped by capability (in
// effects.All order) and then by function, each with its location,
// callee, kind and markers for low confidence and macro expansion; the
// public functions that reach capabilities only through calls, with a
// witness path for each; the problems; and a one-line summary.
func Text(w io.Writer, r *analysis.Result, o Options) error {
	if r == nil {
		return errNilResult
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := &printer{w: tw}
	paint := func(code, s string) string {
		if !o.Color {
			return s
		}
		return code + s + ansiReset
	}

	// Header.
	c := r.Crate
	p.printf("%s %s\n", paint(ansiBold, clean(orDash(c.Name))), clean(c.Version))
	p.printf("  path\t%s\n", clean(orDash(c.Path)))
	if o.Verbose {
		p.printf("  edition\t%s\n", clean(orDash(c.Edition)))
	}
	p.printf("  target\t%s\n", clean(orDash(c.Target)))
	p.printf("  features\t%s\n", joinClean(c.Features, "none"))
	if o.Verbose {
		p.printf("  depends on\t%s\n", joinClean(c.Dependencies, "none"))
	}
	if c.BuildScript {
		p.print("  build script\tyes (runs at build time)\n")
	}
	if c.ProcMacro {
		p.print("  proc macro\tyes (runs inside the compiler)\n")
	}

	// Effects by capability, then by function.
	p.print("\n")
	if len(r.Effects) == 0 {
		p.print("No effects found.\n")
	}
	for _, g := range byCapability(r.Effects) {
		p.printf("%s (%s)\n", paint(ansiCap, clean(string(g.cap))), plural(len(g.effects), "effect"))
		for _, fg := range byFunction(g.effects) {
			p.printf("  %s\n", clean(orDash(fg.fn)))
			for _, e := range fg.effects {
				p.printf("    %s\t%s\t%s", clean(loc(e.File, e.Line, e.Col)), clean(orDash(e.Callee)), clean(orDash(e.Kind)))
				var marks []string
				if e.Confidence == analysis.Low {
					marks = append(marks, paint(ansiLow, "[low confidence]"))
				}
				if e.ViaMacro != "" {
					marks = append(marks, "[via macro "+clean(e.ViaMacro)+"]")
				}
				if len(marks) > 0 {
					p.print("\t" + strings.Join(marks, " "))
				}
				p.print("\n")
			}
		}
	}

	// Public functions reaching capabilities through calls.
	type pubFn struct {
		f  analysis.Function
		cw []capWitness
	}
	var pubs []pubFn
	for _, f := range r.Functions {
		if !f.Public {
			continue
		}
		cw := indirect(f)
		if o.Verbose && len(f.Reachable) > 0 {
			cw = witnesses(f)
		}
		if len(cw) > 0 {
			pubs = append(pubs, pubFn{f, cw})
		}
	}
	if len(pubs) > 0 {
		title := "Public functions reaching capabilities through calls"
		if o.Verbose {
			title = "Public functions reaching capabilities"
		}
		p.printf("\n%s (%d)\n", paint(ansiBold, title), len(pubs))
		for _, pf := range pubs {
			p.printf("  %s  (%s)\n", clean(orDash(pf.f.Path)), clean(loc(pf.f.File, pf.f.Line, 0)))
			for _, cw := range pf.cw {
				wit := clean(cw.witness)
				if wit == "" {
					wit = "(no witness)"
				}
				if cw.direct {
					wit = "direct: " + wit
				}
				p.printf("    %s\t%s\n", clean(string(cw.cap)), wit)
			}
		}
	}

	// Imports (verbose only; `warden imports` prints them on their own).
	if o.Verbose {
		groups := groupImports(r.Imports)
		p.printf("\n%s (%d)\n", paint(ansiBold, "Imports"), importCount(groups))
		for _, g := range groups {
			p.printf("  %s (%d)\n", clean(orDash(g.module)), len(g.lines))
			for _, l := range g.lines {
				p.printf("    %s\n", l)
			}
		}
	}

	// I/O safety.
	if len(r.Findings) > 0 {
		p.printf("\n%s (%d)\n", paint(ansiBold, "I/O safety"), len(r.Findings))
		for _, f := range r.Findings {
			sup := ""
			if f.Suppressed {
				sup = "  [suppressed: " + clean(f.Reason) + "]"
			}
			p.printf("  %s\t%s %s\t%s\t%s%s\n", clean(loc(f.File, f.Line, f.Col)), f.ID, f.Severity, clean(f.Item), clean(f.Message), sup)
		}
	}

	// Problems.
	if len(r.Problems) > 0 {
		p.printf("\n%s (%d)\n", paint(ansiBold, "Problems"), len(r.Problems))
		for _, pr := range r.Problems {
			p.printf("  %s\t%s\t%s\n", clean(loc(pr.File, pr.Line, pr.Col)), clean(orDash(pr.Kind)), clean(pr.Msg))
		}
	}

	// Summary.
	p.printf("\n%s\n", summaryLine(r.Summary))
	if p.err != nil {
		return p.err
	}
	return tw.Flush()
}

// summaryLine renders the Summary as one line.
func summaryLine(s analysis.Summary) string {
	var b strings.Builder
	b.WriteString("Summary: " + plural(s.Effects, "effect"))
	caps := make([]effects.Capability, 0, len(s.ByCapability))
	for c, n := range s.ByCapability {
		if n != 0 {
			caps = append(caps, c)
		}
	}
	sort.Slice(caps, func(i, j int) bool { return capLess(caps[i], caps[j]) })
	if len(caps) > 0 {
		parts := make([]string, len(caps))
		for i, c := range caps {
			parts[i] = clean(string(c)) + " " + strconv.Itoa(s.ByCapability[c])
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteString(", " + strconv.Itoa(s.LowConfidence) + " low confidence; ")
	b.WriteString(plural(s.Functions, "function") + ", " + strconv.Itoa(s.PublicFunctions) + " public, ")
	b.WriteString(strconv.Itoa(s.PublicWithEffects) + " public with effects; ")
	b.WriteString(plural(s.Problems, "problem"))
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
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
