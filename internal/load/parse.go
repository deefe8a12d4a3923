package load

import (
	"fmt"

	"github.com/wardenrs/warden/internal/source"
	"github.com/wardenrs/warden/internal/syntax"
)

// parsed is a module file read and parsed.
type parsed struct {
	f    *syntax.File
	sf   *syntax.SourceFile
	errs syntax.ErrorList
	err  error // reading or registering the file failed
}

// parseInto reads and parses the file at path into fset.
func parseInto(fset *syntax.FileSet, path string) *parsed {
	src, err := source.ReadFile(path)
	if err != nil {
		return &parsed{err: fmt.Errorf("cannot read %s: %w", path, err)}
	}
	f, err := fset.TryAddFile(path, string(src))
	if err != nil {
		return &parsed{err: err}
	}
	sf, errs := syntax.ParseFile(f)
	return &parsed{f: f, sf: sf, errs: errs}
}
