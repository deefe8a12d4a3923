package report

import (
	"fmt"
	"io"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/iosafety"
)

// markdownIOSafety writes the "I/O safety" section: each finding with
// its check, the explanation of the check once, and the fix.
func markdownIOSafety(p *printer, r *analysis.Result) {
	p.printf("## I/O safety (%d)\n\n", len(r.Findings))
	if len(r.Findings) == 0 {
		p.print("No safe API lets a caller forge or misuse a raw handle (checks WIO001-WIO006).\n\n")
		return
	}
	p.print("| Check | Severity | Item | Location | Finding |\n|---|---|---|---|---|\n")
	seen := map[string]bool{}
	for _, f := range r.Findings {
		msg := f.Message
		if f.Suppressed {
			msg += " (suppressed: " + f.Reason + ")"
		}
		p.printf("| %s | %s | %s | %s | %s |\n", f.ID, f.Severity, code(f.Item), code(loc(f.File, f.Line, f.Col)), cell(msg))
		seen[f.ID] = true
	}
	p.print("\n")
	for _, c := range iosafety.Checks {
		if seen[c.ID] {
			p.printf("- **%s %s**: %s Fix: %s\n", c.ID, c.Name, mdText(c.Explain), mdText(c.Fix))
		}
	}
	p.print("\n")
}

// IOSafety renders only the I/O-safety findings (warden iosafety).
func IOSafety(w io.Writer, r *analysis.Result) error {
	p := &printer{w: w}
	active := 0
	for _, f := range r.Findings {
		if !f.Suppressed {
			active++
		}
	}
	p.printf("%s %s: %d I/O-safety finding(s), %d suppressed\n", clean(r.Crate.Name), clean(r.Crate.Version), active, len(r.Findings)-active)
	for _, f := range r.Findings {
		p.printf("\n%s: %s %s (%s) in %s\n  %s\n", clean(loc(f.File, f.Line, f.Col)), f.ID, checkName(f.ID), f.Severity, clean(f.Item), clean(f.Message))
		if f.Suppressed {
			p.printf("  suppressed: %s\n", clean(f.Reason))
			continue
		}
		p.printf("  fix: %s\n", f.Fix)
	}
	return p.err
}

func checkName(id string) string {
	if c := iosafety.CheckByID(id); c != nil {
		return c.Name
	}
	return fmt.Sprintf("(unknown check %s)", id)
}
