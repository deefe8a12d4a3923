package expand

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

// registry holds vendored crates (Debian's librust-*-dev packages).
const registry = "/usr/share/cargo/registry"

// skipInnerAttrs drops a file's leading inner attributes and inner doc
// comments, which ParseItems does not accept.
func skipInnerAttrs(fset *syntax.FileSet, toks []syntax.Token) []syntax.Token {
	for len(toks) > 0 {
		switch {
		case toks[0].Kind == syntax.DocComment && strings.HasPrefix(fset.Text(toks[0])[2:], "!"):
			toks = toks[1:]
		case len(toks) > 2 && toks[0].Kind == syntax.Pound && toks[1].Kind == syntax.Not && toks[2].Kind == syntax.LBrack:
			m := pairDelims(toks)
			if m[2] < 0 {
				return toks
			}
			toks = toks[m[2]+1:]
		default:
			return toks
		}
	}
	return toks
}

type realFile struct {
	name string
	file *syntax.File
	toks []syntax.Token
	ok   bool // parses without errors as written
}

// loadCrate lexes the crate's .rs files under src, the given ones first.
func loadCrate(t *testing.T, fset *syntax.FileSet, dir string, first ...string) []realFile {
	t.Helper()
	var names []string
	err := filepath.WalkDir(filepath.Join(dir, "src"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".rs") {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	for i := len(first) - 1; i >= 0; i-- {
		p := filepath.Join(dir, first[i])
		for j, n := range names {
			if n == p {
				names = append(names[:j], names[j+1:]...)
				break
			}
		}
		names = append([]string{p}, names...)
	}
	var files []realFile
	for _, n := range names {
		src, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		f := fset.AddFile(n, string(src))
		_, errs := syntax.ParseFile(f)
		toks, _ := syntax.Lex(f)
		files = append(files, realFile{name: n, file: f, toks: toks[:len(toks)-1], ok: len(errs) == 0})
	}
	return files
}

// cfgAlternatives reports whether parse errors all stem from cfg_if!'s
// "#[cfg(...)] $crate::cfg_if! { @__identity ... }" producing several
// alternatives where one expression is expected.
func cfgAlternatives(errs syntax.ErrorList) bool {
	for _, e := range errs {
		if !strings.HasSuffix(e.Pos.Filename, "cfg-if-1.0.0/src/lib.rs") || e.Pos.Line != 74 {
			return false
		}
	}
	return true
}

// crateMacros returns the macros a crate defines at the top level of its
// files (what other crates can reach by path).
func crateMacros(t *testing.T, fset *syntax.FileSet, dir string) map[string]*Macro {
	e := &Expander{Fset: fset, Macros: map[string]*Macro{}}
	for _, f := range loadCrate(t, fset, dir) {
		e.Budget = &Budget{}
		e.ExpandAll(f.toks, 0) //nolint:errcheck // definitions only
	}
	return e.Macros
}

// TestRealCrates expands whole files of vendored crates that define and
// use their own macros (cfg-if, libc's s!/f!/cfg_if!, nix's
// libc_bitflags!/libc_enum!/feature!, bitflags), nix with its
// dependencies' macros (bitflags::bitflags!, cfg_if::cfg_if! imported by
// use): every invocation of a known macro must expand without error, and
// each expanded file must still parse.
func TestRealCrates(t *testing.T) {
	crates := []struct {
		dir     string
		first   []string
		deps    map[string]string // crate name -> directory
		imports map[string]string // macro imported by use -> crate
		min     int               // expected minimum number of expansions
	}{
		{dir: "cfg-if-1.0.0", min: 10},
		{dir: "libc-0.2.139", first: []string{"src/macros.rs"}, min: 1000},
		{dir: "nix-0.26.1", first: []string{"src/macros.rs"},
			deps:    map[string]string{"bitflags": "bitflags-1.3.2", "cfg_if": "cfg-if-1.0.0"},
			imports: map[string]string{"cfg_if": "cfg_if"}, min: 1000},
		{dir: "bitflags-1.3.2", min: 50},
	}
	for _, c := range crates {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join(registry, c.dir)
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("%s not installed", dir)
			}
			fset := syntax.NewFileSet()
			deps := map[string]map[string]*Macro{}
			for name, d := range c.deps {
				if _, err := os.Stat(filepath.Join(registry, d)); err != nil {
					t.Skipf("%s not installed", d)
				}
				deps[name] = crateMacros(t, fset, filepath.Join(registry, d))
			}
			files := loadCrate(t, fset, dir, c.first...)
			e := &Expander{Fset: fset, Macros: map[string]*Macro{}}
			e.Extern = func(crate, name string) *Macro { return deps[crate][name] }
			for name, crate := range c.imports {
				e.Macros[name] = deps[crate][name]
			}
			// First pass: collect the definitions (some are produced by
			// expansions, like libc's f! inside cfg_if!).
			for _, f := range files {
				e.Budget = &Budget{}
				e.ExpandAll(f.toks, 0) //nolint:errcheck // definitions only
			}
			e.Expanded = 0
			failures, parsed, fromDeps, cfgAlts := 0, 0, 0, 0
			for _, f := range files {
				e.Budget = &Budget{}
				out, err := e.ExpandAll(f.toks, 0)
				if err != nil {
					failures++
					if failures <= 5 {
						t.Errorf("%s: %v", f.name, err)
					}
					continue
				}
				if !balanced(out) {
					t.Errorf("%s: unbalanced expansion", f.name)
				}
				for _, tok := range out {
					if !f.file.Contains(tok.Pos) && !strings.Contains(fset.Position(tok.Pos).Filename, c.dir) {
						fromDeps++
					}
				}
				if !f.ok {
					continue
				}
				if _, errs := syntax.ParseItems(f.file, skipInnerAttrs(fset, out)); len(errs) > 0 {
					if cfgAlternatives(errs) {
						// cfg_if! in expression position expands to one
						// #[cfg]'d expression per branch; only cfg
						// evaluation (not macro expansion) makes that valid.
						cfgAlts++
						continue
					}
					failures++
					if failures <= 5 {
						t.Errorf("%s: expansion does not parse: %v", f.name, errs)
					}
					continue
				}
				parsed++
			}
			t.Logf("%s: %d files (%d parsed after expansion, %d with cfg_if! alternatives in expressions), %d macros known, %d invocations expanded, %d tokens from dependencies' macros, %d failures",
				c.dir, len(files), parsed, cfgAlts, len(e.Macros), e.Expanded, fromDeps, failures)
			if e.Expanded < c.min {
				t.Errorf("only %d expansions, want at least %d", e.Expanded, c.min)
			}
			if len(c.deps) > 0 && fromDeps == 0 {
				t.Errorf("no token from the dependencies' macros")
			}
		})
	}
}

// TestCfgIfDocExample expands the cfg-if crate's documented invocation
// with the crate's own macro and checks the three branches come out with
// their cfg attributes.
func TestCfgIfDocExample(t *testing.T) {
	path := filepath.Join(registry, "cfg-if-1.0.0/src/lib.rs")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Skip(err)
	}
	fset := syntax.NewFileSet()
	e := define(t, fset, string(src))
	if e.Macros["cfg_if"] == nil || !e.Macros["cfg_if"].Exported {
		t.Fatalf("cfg_if not compiled as exported")
	}
	f, toks := lexFile(t, fset, "call.rs", `cfg_if::cfg_if! {
    if #[cfg(unix)] {
        fn foo() { /* unix specific functionality */ }
    } else if #[cfg(target_pointer_width = "32")] {
        fn foo() { /* non-unix, 32-bit functionality */ }
    } else {
        fn foo() { std::process::exit(1) }
    }
}`)
	// The path cfg_if:: names another crate: expand the macro directly.
	out, err := e.Macros["cfg_if"].Expand(fset, toks[5:len(toks)-1], nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err = e.ExpandAll(out, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := `# [ cfg ( all ( unix , not ( any ( ) ) ) ) ] fn foo ( ) { } ` +
		`# [ cfg ( all ( target_pointer_width = "32" , not ( any ( unix ) ) ) ) ] fn foo ( ) { } ` +
		`# [ cfg ( all ( not ( any ( unix , target_pointer_width = "32" ) ) ) ) ] fn foo ( ) { std :: process :: exit ( 1 ) }`
	if got := render(fset, out); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, errs := syntax.ParseItems(f, out); len(errs) > 0 {
		t.Errorf("parse: %v", errs)
	}
}

// TestRegistryAll expands every vendored crate (set WARDEN_REGISTRY_ALL=1;
// it takes seconds). Each crate's definitions are collected in a first
// pass, so macros of the same name from different modules or cfg
// branches collide, and some crates raise recursion_limit: expansion
// errors are only logged. Expanded files that parsed before must parse.
func TestRegistryAll(t *testing.T) {
	if os.Getenv("WARDEN_REGISTRY_ALL") == "" {
		t.Skip("set WARDEN_REGISTRY_ALL=1")
	}
	ents, err := os.ReadDir(registry)
	if err != nil {
		t.Skip(err)
	}
	expanded, withErrors, parseFailures := 0, 0, 0
	for _, ent := range ents {
		dir := filepath.Join(registry, ent.Name())
		if _, err := os.Stat(filepath.Join(dir, "src")); err != nil {
			continue
		}
		fset := syntax.NewFileSet()
		files := loadCrate(t, fset, dir)
		e := &Expander{Fset: fset, Macros: map[string]*Macro{}}
		for _, f := range files {
			e.Budget = &Budget{}
			e.ExpandAll(f.toks, 0) //nolint:errcheck // definitions only
		}
		e.Expanded = 0
		for _, f := range files {
			e.Budget = &Budget{}
			out, err := e.ExpandAll(f.toks, 0)
			if err != nil {
				withErrors++
				t.Logf("%s: %v", f.name, err)
			}
			if !balanced(out) {
				t.Errorf("%s: unbalanced expansion", f.name)
			}
			if f.ok {
				if _, errs := syntax.ParseItems(f.file, skipInnerAttrs(fset, out)); len(errs) > 0 && !cfgAlternatives(errs) {
					parseFailures++
					t.Errorf("%s: expansion does not parse: %v", f.name, errs)
				}
			}
		}
		expanded += e.Expanded
	}
	t.Logf("%d invocations expanded, %d files with expansion errors, %d parse failures", expanded, withErrors, parseFailures)
}
