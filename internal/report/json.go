package report

import (
	"encoding/json"
	"io"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/effects"
)

// JSON writes r as indented JSON, exactly as the struct tags of
// analysis.Result say, followed by a newline. Nil slices are written as
// [] and a nil by_capability map as {}, so consumers never see null;
// object keys come in struct order (map keys sorted), so equal Results
// give equal bytes. HTML characters are not escaped ("a -> b" stays
// readable).
func JSON(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	n := normalised(r)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&n)
}

// normalised returns a copy of r with every nil slice (and the nil
// capability map) replaced by an empty one. r itself is not modified.
func normalised(r *analysis.Result) analysis.Result {
	n := *r
	n.Crate.Features = nonNil(n.Crate.Features)
	n.Crate.Dependencies = nonNil(n.Crate.Dependencies)
	n.Effects = nonNil(n.Effects)
	n.Functions = make([]analysis.Function, len(r.Functions))
	for i, f := range r.Functions {
		f.Direct = nonNil(f.Direct)
		f.Reachable = nonNil(f.Reachable)
		f.Witness = nonNil(f.Witness)
		n.Functions[i] = f
	}
	n.Imports = nonNil(n.Imports)
	n.Problems = nonNil(n.Problems)
	n.Findings = nonNil(n.Findings)
	n.Adoption.ImplAsFd = nonNil(n.Adoption.ImplAsFd)
	n.Adoption.ImplFromOwned = nonNil(n.Adoption.ImplFromOwned)
	n.Adoption.ImplAsRawOnly = nonNil(n.Adoption.ImplAsRawOnly)
	if n.Summary.ByCapability == nil {
		n.Summary.ByCapability = map[effects.Capability]int{}
	}
	return n
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
