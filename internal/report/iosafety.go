package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/iosafety"
)

// markdownIOSafety writes the "I/O safety" section: each finding with
// its check, the explanation of each check found once, and its fix.
func markdownIOSafety(p *printer, r *analysis.Result) {
	findings := r.Of(diag.Finding)
	p.printf("## I/O safety (%d)\n\n", len(findings))
	if len(findings) == 0 {
		p.print("No safe API lets a caller forge or misuse a raw handle (checks WIO001-WIO006)")
		if !r.Complete() {
			p.print(" in the code Warden could see (see Coverage)")
		}
		p.print(".\n\n")
		return
	}
	p.print("| Check | Severity | Item | Location | Finding |\n|---|---|---|---|---|\n")
	seen := map[string]bool{}
	for _, f := range findings {
		msg := mdText(f.Message)
		if f.Suppressed {
			msg += " (suppressed: " + mdText(f.Reason) + ")"
		}
		where := code(loc(f.Pos)) + mdNotes(f)
		p.printf("| %s | %s | %s | %s | %s |\n", cell(mdText(f.Kind)), cell(mdText(f.Severity)), cell(code(f.Function)), cell(where), cell(msg))
		seen[f.Kind] = true
	}
	p.print("\n")
	for _, c := range iosafety.Checks {
		if seen[c.ID] {
			p.printf("- **%s %s**: %s Fix: %s\n", c.ID, c.Name, mdText(c.Explain), mdText(c.Fix))
		}
	}
	p.print("\n")
}

// IOSafety renders only the I/O-safety findings (warden iosafety): a
// count line, then each finding with its location, check, severity,
// item, message, and its fix or the reason it was suppressed.
func IOSafety(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	p := &printer{w: w}
	findings := r.Of(diag.Finding)
	active := 0
	for _, f := range findings {
		if !f.Suppressed {
			active++
		}
	}
	p.printf("%s %s: %d I/O-safety finding(s), %d suppressed\n", clean(orDash(r.Crate.Name)), clean(r.Crate.Version), active, len(findings)-active)
	for _, f := range findings {
		p.printf("\n%s: %s %s (%s) in %s%s\n  %s\n", clean(loc(f.Pos)), clean(f.Kind), checkName(f.Kind), clean(f.Severity),
			clean(orDash(f.Function)), notes(f, clean), clean(f.Message))
		if f.Suppressed {
			p.printf("  suppressed: %s\n", clean(f.Reason))
			continue
		}
		p.printf("  fix: %s\n", clean(f.Fix))
	}
	return p.err
}

func checkName(id string) string {
	if c := iosafety.CheckByID(id); c != nil {
		return c.Name
	}
	return fmt.Sprintf("(unknown check %s)", clean(id))
}

// notes renders the conditions of a diagnostic for text (" [cfg: unix]
// [via macro m] [build time]") with quote making crate strings safe.
func notes(d diag.Diagnostic, quote func(string) string) string {
	return conditions(d, quote, "[", "]")
}

// conditions renders the conditions of a diagnostic, each between open
// and close, with quote making crate strings safe for the format.
func conditions(d diag.Diagnostic, quote func(string) string, open, close string) string {
	var b strings.Builder
	if d.Cfg != "" {
		b.WriteString(" " + open + "cfg: " + quote(d.Cfg) + close)
	}
	if d.ViaMacro != "" {
		b.WriteString(" " + open + "via macro " + quote(d.ViaMacro) + close)
	}
	if d.BuildTime {
		b.WriteString(" " + open + "build time" + close)
	}
	return b.String()
}
