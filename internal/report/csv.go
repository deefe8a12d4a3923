package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
)

// csvHeader is the first row CSV writes. The first eight columns are
// those of the original contract; cfg, build_time, resolution, kind,
// unsafe_context and id were appended so that scripts reading columns by
// position keep working.
var csvHeader = []string{"crate", "fn_decl", "callee", "effect", "dir", "file", "line", "col", "cfg", "build_time", "resolution", "kind", "unsafe_context", "id"}

// CSV writes one row per effect, in the Result's order, after the header
// row crate,fn_decl,callee,effect,dir,file,line,col,cfg,build_time,
// resolution: the
// crate name, the containing function, the callee, the capability, the
// crate directory, the effect's file (relative to that directory), line
// and column, the condition under which the code exists ("" when
// always), whether it runs at build time (true or false) and how the
// callee was resolved (path, type, trait or name), the effect's kind
// (unsafe_call, raw_deref, ...) and, for code in an unsafe block or
// unsafe fn, where that starts (file:line), and the effect's stable id.
// Fields are
// quoted by encoding/csv as needed and otherwise carried unchanged.
func CSV(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, e := range r.Diagnostics {
		if e.Category != diag.Effect {
			continue
		}
		// CSV has no escape for control characters, and a CSV file is
		// often looked at with cat: a hostile crate's names must not
		// drive the terminal, so they are escaped visibly as in text.
		row := []string{
			clean(r.Crate.Name), clean(e.Function), clean(e.Callee), e.Capability,
			clean(r.Crate.Path), clean(e.Pos.File), strconv.Itoa(e.Pos.Line), strconv.Itoa(e.Pos.Col),
			clean(e.Cfg), strconv.FormatBool(e.BuildTime), e.Resolution.String(), clean(e.Kind), contextLoc(e.UnsafeContext), clean(e.ID),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// contextLoc is an unsafe context as file:line ("" for none).
func contextLoc(p *diag.Position) string {
	if p == nil {
		return ""
	}
	return clean(p.File) + ":" + strconv.Itoa(p.Line)
}
