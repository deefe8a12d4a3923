package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/wardenrs/warden/internal/analysis"
)

// csvHeader is the first row CSV writes.
var csvHeader = []string{"crate", "fn_decl", "callee", "effect", "dir", "file", "line", "col"}

// CSV writes one row per effect, in the Result's order, after the header
// row crate,fn_decl,callee,effect,dir,file,line,col: the crate name, the
// containing function, the callee, the capability, the crate directory,
// and the effect's file (relative to that directory), line and column.
// Fields are quoted by encoding/csv as needed.
func CSV(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, e := range r.Effects {
		row := []string{
			r.Crate.Name, e.Function, e.Callee, string(e.Capability),
			r.Crate.Path, e.File, strconv.Itoa(e.Line), strconv.Itoa(e.Col),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
