package report

import (
	"io"

	"github.com/wardenrs/warden/internal/analysis"
)

// Imports writes the listing of `warden imports`: one "dir, file, path"
// line per import (src/net/tcp, listener.rs, std::net::self), in the
// Result's order (by directory, file and path), with no header, count or
// blank line, so that the output can be compared line for line with a
// hand-written audit. A crate without such imports gives no output;
// saying that the analysis was incomplete is the command's job, on
// stderr, so that stdout stays comparable.
func Imports(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	p := &printer{w: w}
	for _, im := range r.Imports {
		p.print(importLine(im) + "\n")
	}
	return p.err
}
