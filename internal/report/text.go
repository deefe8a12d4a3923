package report

import (
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
)

// ANSI SGR sequences used when Options.Color is set.
const (
	ansiReset = "\x1b[0m"
	ansiCap   = "\x1b[1;36m" // bold cyan: capability headers
	ansiLow   = "\x1b[33m"   // yellow: low-confidence markers
	ansiBold  = "\x1b[1m"    // crate name and section titles
	ansiDim   = "\x1b[2m"    // faint: how an effect was resolved
	ansiWarn  = "\x1b[1;31m" // bold red: the "incomplete" headline
)

// textBlindShown is how many blind spots of each kind the terminal
// report lists before "and N more" (all of them with Verbose): enough to
// see the pattern, few enough that a crate with hundreds of unexpanded
// macros still gives a readable report.
const textBlindShown = 3

// Text writes the terminal report:
//
//   - a header: crate name and version, path, target, features, the
//     targets analysed, build script and proc macro flags, and the cfgs
//     the build script may set (assumed unknown);
//   - "incomplete: N blind spots" when the analysis did not see all the
//     code, so that a report without effects is never mistaken for a
//     clean one;
//   - the effects grouped by capability (in model.All order) and then by
//     function, each with its location, callee, kind and markers for low
//     confidence, macro expansion, cfg condition and build time;
//   - the public functions and entry points (main of a binary) that reach
//     capabilities through calls, with a witness call path for each;
//   - the I/O-safety findings, the problems, and the blind spots grouped
//     by kind (the first few locations of each);
//   - a one-line summary.
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
	s := Summarize(r)

	// Header.
	c := r.Crate
	p.printf("%s %s\n", paint(ansiBold, clean(orDash(c.Name))), clean(c.Version))
	p.printf("  path\t%s\n", clean(orDash(c.Path)))
	if o.Verbose {
		p.printf("  edition\t%s\n", clean(orDash(c.Edition)))
	}
	p.printf("  target\t%s\n", clean(orDash(c.Target)))
	p.printf("  features\t%s\n", joinClean(c.Features, "none"))
	if len(c.Targets) > 0 {
		p.printf("  targets\t%s\n", joinClean(c.Targets, ""))
	}
	if o.Verbose {
		p.printf("  depends on\t%s\n", joinClean(c.Dependencies, "none"))
	}
	if c.BuildScript {
		p.print("  build script\tyes (runs at build time)\n")
	}
	if c.ProcMacro {
		p.print("  proc macro\tyes (runs inside the compiler)\n")
	}
	if c.DependenciesAnalyzed > 0 {
		p.printf("  dependencies\t%d analysed and linked\n", c.DependenciesAnalyzed)
	} else if len(c.Dependencies) > 0 {
		p.print("  dependencies\tnot analysed: their macros are blind spots and calls into them are not followed\n")
	}
	if len(c.AssumedCfgs) > 0 {
		// No tab: a long key would widen the column of every header line.
		p.printf("  build script may set: %s (code under them is analysed, with its condition)\n", joinClean(c.AssumedCfgs, ""))
	}

	// The headline that keeps a clean-looking report honest.
	if !s.Complete {
		p.printf("\n%s\n", paint(ansiWarn, "incomplete: "+plural(s.BlindSpots, "blind spot")))
	}

	// Effects by capability, then by function.
	effects := r.Of(diag.Effect)
	p.print("\n")
	if len(effects) == 0 {
		switch reached := reachedCaps(r); {
		case !s.Complete:
			p.printf("No effects found in the code Warden could see (%s: see below).\n", plural(s.BlindSpots, "blind spot"))
		case reached != "":
			p.printf("No effects in the crate's own code; through its dependencies it reaches %s (see below).\n", reached)
		default:
			p.print("No effects found.\n")
		}
	}
	for _, g := range byCapability(effects) {
		p.printf("%s (%s)\n", paint(ansiCap, clean(string(g.cap))), plural(len(g.effects), "effect"))
		for _, fg := range byFunction(g.effects) {
			p.printf("  %s\n", clean(orDash(fg.fn)))
			shown, folded := foldUnsafe(fg.effects)
			for i, e := range shown {
				p.printf("    %s\t%s\t%s", clean(loc(e.Pos)), clean(orDash(e.Callee)), clean(orDash(e.Kind)))
				mark := ""
				if f := folded[i]; f != "" {
					mark = " [" + f + "]"
				}
				if e.ID != "" {
					mark += " " + paint(ansiDim, "id:"+clean(e.ID))
				}
				if m := resolutionMark(e); m != "" {
					color := ansiDim
					if lowConfidence(e) {
						color = ansiLow
					}
					mark = " " + paint(color, m)
				}
				if mark += notes(e, clean); mark != "" {
					p.print("\t" + mark[1:])
				}
				p.print("\n")
			}
		}
	}

	textReach(p, r, o, paint)

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
	if findings := r.Of(diag.Finding); len(findings) > 0 {
		p.printf("\n%s (%d)\n", paint(ansiBold, "I/O safety"), len(findings))
		for _, f := range findings {
			sup := ""
			if f.Suppressed {
				sup = "  [suppressed: " + clean(f.Reason) + "]"
			}
			p.printf("  %s\t%s %s\t%s\t%s%s%s\n", clean(loc(f.Pos)), clean(f.Kind), clean(f.Severity),
				clean(orDash(f.Function)), clean(f.Message), notes(f, clean), sup)
		}
	}

	// Problems.
	if problems := r.Of(diag.Problem); len(problems) > 0 {
		p.printf("\n%s (%d)\n", paint(ansiBold, "Problems"), len(problems))
		for _, pr := range problems {
			p.printf("  %s\t%s\t%s%s\n", clean(loc(pr.Pos)), clean(orDash(pr.Kind)), clean(pr.Message), notes(pr, clean))
		}
	}

	// Blind spots, grouped by kind.
	if blind := r.Of(diag.BlindSpot); len(blind) > 0 {
		p.printf("\n%s (%d): code Warden could not analyse; effects in it are not reported\n", paint(ansiBold, "Blind spots"), len(blind))
		for _, g := range byKind(blind) {
			p.printf("  %s (%d)\n", clean(orDash(g.kind)), len(g.diags))
			shown := g.diags
			if !o.Verbose && len(shown) > textBlindShown {
				shown = shown[:textBlindShown]
			}
			for _, b := range shown {
				p.printf("    %s\t%s%s\n", clean(loc(b.Pos)), clean(b.Message), notes(b, clean))
			}
			if n := len(g.diags) - len(shown); n > 0 {
				p.printf("    and %d more\n", n)
			}
		}
	}

	p.printf("\n%s\n", summaryLine(s))
	if p.err != nil {
		return p.err
	}
	return tw.Flush()
}

// textReach writes the public functions and entry points that reach
// capabilities through calls (all reachable capabilities with Verbose).
func textReach(p *printer, r *analysis.Result, o Options, paint func(string, string) string) {
	type reachFn struct {
		f  analysis.Function
		cw []capWitness
	}
	var fns []reachFn
	entries := false
	for _, f := range r.Functions {
		if !exposed(f) {
			continue
		}
		cw := indirect(f)
		if o.Verbose {
			cw = witnesses(f)
		}
		if len(cw) > 0 {
			fns = append(fns, reachFn{f, cw})
			entries = entries || f.Entry
		}
	}
	if len(fns) == 0 {
		return
	}
	title := "Public functions"
	if entries {
		title += " and entry points"
	}
	if o.Verbose {
		title += " reaching capabilities"
	} else {
		title += " reaching capabilities through calls"
	}
	p.printf("\n%s (%d)\n", paint(ansiBold, title), len(fns))
	for _, rf := range fns {
		where := clean(lineLoc(rf.f.File, rf.f.Line))
		if role := fnRole(rf.f); role != "" {
			where = clean(role) + ", " + where
		}
		if rf.f.BuildTime {
			where = "build time, " + where
		}
		p.printf("  %s  (%s)\n", clean(orDash(rf.f.Path)), where)
		for _, cw := range rf.cw {
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

// summaryLine renders the Summary as one line.
func summaryLine(s Summary) string {
	var b strings.Builder
	b.WriteString("Summary: " + plural(s.Effects, "effect"))
	caps := map[model.Capability]bool{}
	for c, n := range s.ByCapability {
		if n != 0 {
			caps[c] = true
		}
	}
	if len(caps) > 0 {
		var parts []string
		for _, c := range sortedCaps(caps) {
			parts = append(parts, clean(string(c))+" "+strconv.Itoa(s.ByCapability[c]))
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteString(", " + strconv.Itoa(s.LowConfidence) + " low confidence; ")
	b.WriteString(plural(s.Functions, "function") + ", " + strconv.Itoa(s.PublicFunctions) + " public, ")
	b.WriteString(strconv.Itoa(s.PublicWithEffects) + " public with effects")
	if s.Entries > 0 {
		b.WriteString(", " + plural(s.Entries, "entry point"))
	}
	b.WriteString("; " + plural(s.Problems, "problem"))
	b.WriteString("; " + plural(s.Findings, "I/O-safety finding"))
	if s.Complete {
		b.WriteString("; complete: no blind spot")
	} else {
		b.WriteString("; incomplete: " + plural(s.BlindSpots, "blind spot"))
	}
	return b.String()
}
