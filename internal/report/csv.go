package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
)

// csvHeader is the first row CSV writes. The first eight columns are
// those of the original contract; cfg and build_time were appended so
// that scripts reading columns by position keep working.
var csvHeader = []string{"crate", "fn_decl", "callee", "effect", "dir", "file", "line", "col", "cfg", "build_time"}

// CSV writes one row per effect, in the Result's order, after the header
// row crate,fn_decl,callee,effect,dir,file,line,col,cfg,build_time: the
// crate name, the containing function, the callee, the capability, the
// crate directory, the effect's file (relative to that directory), line
// and column, the condition under which the code exists ("" when
// always) and whether it runs at build time (true or false). Fields are
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
		row := []string{
			r.Crate.Name, e.Function, e.Callee, e.Capability,
			r.Crate.Path, e.Pos.File, strconv.Itoa(e.Pos.Line), strconv.Itoa(e.Pos.Col),
			e.Cfg, strconv.FormatBool(e.BuildTime),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
