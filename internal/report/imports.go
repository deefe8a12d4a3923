package report

import (
	"io"

	"github.com/wardenrs/warden/internal/analysis"
)

// Imports writes the listing of `warden imports`: for each module (sorted)
// a header line "std::fs (3)" followed by one "dir, file, imported::path"
// line per import, sorted by directory, file, line and path; the same
// item imported twice in one file is listed once. Groups are separated by
// a blank line. A crate without such imports gives the single line
// "No imports of authority modules.".
func Imports(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	p := &printer{w: w}
	groups := groupImports(r.Imports)
	if len(groups) == 0 {
		p.print("No imports of authority modules.\n")
	}
	for i, g := range groups {
		if i > 0 {
			p.print("\n")
		}
		p.printf("%s (%d)\n", clean(orDash(g.module)), len(g.lines))
		for _, l := range g.lines {
			p.print(l + "\n")
		}
	}
	return p.err
}
