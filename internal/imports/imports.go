// Package imports is the analyzer behind "warden imports": the crate's
// imports from the standard library's authority modules and from libc,
// as written in the source (use trees flattened, with self, renames and
// globs kept), for the inventory a hand audit starts from.
package imports

import (
	_ "embed"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/analyzer"
	"github.com/wardenrs/warden/internal/datafile"
	"github.com/wardenrs/warden/internal/model"
)

// Analyzer lists the imports of authority modules. Its result is a
// []Import.
var Analyzer = &analyzer.Analyzer{
	Name: "imports",
	Doc:  "list imports from the standard library's authority modules and libc, as written",
	Run:  run,
}

// Import is one imported item.
type Import struct {
	Dir  string `json:"dir"`  // directory of the file, relative to the crate root ("src/net/tcp")
	File string `json:"file"` // the file's name ("listener.rs")
	Line int    `json:"line"`
	// Module is the authority module the import belongs to (std::net).
	Module string `json:"module"`
	// Path is the import as written: std::net::self,
	// std::os::windows::io::*, std::os::windows::raw::SOCKET as StdSocket.
	Path string `json:"path"`
	// Resolved is the canonical path it resolves to (std::os::fd::AsRawFd).
	Resolved string `json:"resolved"`
	Cfg      string `json:"cfg,omitempty"`
}

//go:embed modules.txt
var modulesText string

// modules are the listed modules, longest first.
var modules = parseModules(modulesText)

func parseModules(text string) []string {
	var out []string
	datafile.Each(text, func(_ int, f []string) error {
		out = append(out, f[0])
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Module returns the authority module a path (written or canonical)
// belongs to, or "".
func Module(path string) string {
	path = model.Canonical(strings.TrimPrefix(path, "::"))
	for _, m := range modules {
		if path == m || strings.HasPrefix(path, m+"::") {
			return m
		}
	}
	return ""
}

func run(pass *analyzer.Pass) (any, error) {
	p := pass.Prog
	fset := p.Crate.Fset
	seen := map[string]bool{}
	var out []Import
	for _, im := range p.Imports {
		mod := Module(im.Written)
		if mod == "" {
			continue
		}
		pos := fset.Position(im.Pos)
		rel := analyzer.RelFile(p.Crate.Dir, pos.Filename)
		dir, file := filepath.ToSlash(filepath.Dir(rel)), filepath.Base(rel)
		key := dir + "\x00" + file + "\x00" + im.Written
		if seen[key] {
			continue
		}
		seen[key] = true
		x := Import{Dir: dir, File: file, Line: pos.Line, Module: mod, Path: im.Written, Resolved: im.Path}
		if im.Cond != nil {
			x.Cfg = im.Cond.String()
		}
		out = append(out, x)
	}
	Sort(out)
	return out, nil
}

// Sort orders imports as an audit lists them: by directory, file and
// path.
func Sort(xs []Import) {
	sort.SliceStable(xs, func(i, j int) bool {
		a, b := xs[i], xs[j]
		if a.Dir != b.Dir {
			return a.Dir < b.Dir
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Path < b.Path
	})
}
