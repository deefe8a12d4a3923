package tree

import (
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/expand"
	"github.com/wardenrs/warden/internal/infer"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/source"
	"github.com/wardenrs/warden/internal/syntax"
)

// depView is what one package's analysis sees of its dependencies: their
// exported macros, read from the definitions their analyses located.
// Calls into dependencies are linked later, for the whole tree at once.
type depView struct {
	s    *state
	from *pkgState

	fset   *syntax.FileSet
	files  map[string]*syntax.File
	toks   map[*syntax.File][]syntax.Token
	macros map[string]*expand.Macro
}

// Lib is nil: the tree links every package's calls at once (state.link).
func (v *depView) Lib(string) *analysis.LinkUnit { return nil }

// Macro finds macro name exported by crate: an extern name of the
// package, or the library name of a package in its dependency tree (the
// $crate of a dependency's macro). A re-export (pub use other::mac) is
// followed to the crate that defines the macro.
func (v *depView) Macro(fset *syntax.FileSet, crate, name string) (*expand.Macro, string) {
	if v.fset != fset {
		v.fset, v.files, v.macros = fset, map[string]*syntax.File{}, map[string]*expand.Macro{}
		v.toks = map[*syntax.File][]syntax.Token{}
	}
	st := v.find(v.from, crate)
	// $crate in the expansion names the defining crate as the package
	// knows it: its extern name for a direct dependency.
	known := func(st *pkgState, lib *analysis.Unit) string {
		for _, d := range v.from.pkg.Deps {
			if d.ID == st.pkg.ID {
				return d.Name
			}
		}
		return lib.Crate
	}
	for hop := 0; st != nil && hop < 4; hop++ {
		lib := st.libUnit()
		if lib == nil {
			return nil, ""
		}
		for _, m := range lib.Macros {
			if m.Name == name {
				mac := v.compile(st, m)
				if mac == nil {
					return nil, ""
				}
				return mac, known(st, lib)
			}
		}
		// pub use other::name re-exports a macro of another crate.
		target, ok := lib.Aliases[lib.Crate+"::"+name]
		if !ok {
			return nil, ""
		}
		i := strings.Index(target, "::")
		if i < 0 {
			return nil, ""
		}
		st, name = v.find(st, target[:i]), target[strings.LastIndex(target, "::")+2:]
	}
	return nil, ""
}

// libUnit returns the package's library unit facts.
func (st *pkgState) libUnit() *analysis.Unit {
	if st.data == nil {
		return nil
	}
	for _, u := range st.data.Units {
		if u.Kind == "lib" || u.Kind == "proc-macro" {
			return u
		}
	}
	return nil
}

// find returns the package that crate names from st: a dependency by
// extern name, else by library name, else the nearest package of that
// library name in st's dependency tree.
func (v *depView) find(st *pkgState, crate string) *pkgState {
	for _, d := range st.pkg.Deps {
		if d.Name == crate {
			return v.s.pkgs[d.ID]
		}
	}
	seen := map[deps.ID]bool{st.pkg.ID: true}
	queue := []*pkgState{st}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, d := range cur.pkg.Deps {
			if seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			dst := v.s.pkgs[d.ID]
			if dst == nil {
				continue
			}
			if dst.pkg.LibName == crate || strings.ReplaceAll(dst.pkg.Name, "-", "_") == crate {
				return dst
			}
			queue = append(queue, dst)
		}
	}
	return nil
}

// compile reads a macro definition located by a dependency's analysis
// into fset and compiles it.
func (v *depView) compile(st *pkgState, m program.ExportedMacro) *expand.Macro {
	key := string(st.pkg.ID) + "\x00" + m.Name
	if mac, ok := v.macros[key]; ok {
		return mac
	}
	v.macros[key] = nil
	if m.Text != "" {
		return v.compileText(st, m, key)
	}
	f := v.files[m.File]
	if f == nil {
		src, err := source.ReadFile(m.File)
		if err != nil {
			return nil
		}
		if f, err = v.fset.TryAddFile(m.File, string(src)); err != nil {
			return nil
		}
		v.files[m.File] = f
	}
	if m.Start < 0 || m.End > len(f.Src) || m.Start >= m.End {
		return nil
	}
	toks, ok := v.toks[f]
	if !ok {
		toks, _ = syntax.Lex(f)
		v.toks[f] = toks
	}
	var def []syntax.Token
	lo, hi := f.Pos(m.Start), f.Pos(m.End)
	for _, t := range toks {
		if t.Pos >= lo && t.End() <= hi && t.Kind != syntax.EOF {
			def = append(def, t)
		}
	}
	items, errs := syntax.ParseItems(f, def)
	if len(errs) > 0 || len(items) != 1 {
		return nil
	}
	return v.compileItem(items[0], m, key)
}

// compileText compiles a definition that travels as text: it becomes a
// file of its own in the crate's FileSet, named after the macro and the
// crate that defines it (its tokens map to invocations anyway).
func (v *depView) compileText(st *pkgState, m program.ExportedMacro, key string) *expand.Macro {
	name := "<macro " + m.Name + "! of " + st.pkg.Name + " " + st.pkg.Version + ">"
	f, err := v.fset.TryAddFile(name, m.Text)
	if err != nil {
		return nil
	}
	sf, errs := syntax.ParseFile(f)
	if len(errs) > 0 || len(sf.Items) != 1 {
		return nil
	}
	return v.compileItem(sf.Items[0], m, key)
}

// compileItem compiles the macro_rules! item of a definition and
// remembers it under key.
func (v *depView) compileItem(it syntax.Item, m program.ExportedMacro, key string) *expand.Macro {
	mr, ok := it.(*syntax.MacroRulesItem)
	if !ok {
		return nil
	}
	mac, err := expand.Compile(v.fset, mr)
	if err != nil {
		return nil
	}
	mac.LocalInner = m.LocalInner
	v.macros[key] = mac
	return mac
}

// ReturnType returns what a dependency's function returns, given the path
// the package's code calls it by; re-exports are followed as for calls. A
// type of the dependency itself is named as the package names the
// dependency (its extern name).
func (v *depView) ReturnType(path string) string {
	i := strings.Index(path, "::")
	if i < 0 {
		return ""
	}
	ext := path[:i]
	first := v.find(v.from, ext)
	ret := v.returnType(path)
	if first != nil && ret != "" {
		if lib := first.libUnit(); lib != nil && strings.Contains(ret, lib.Crate+"::") {
			t, err := infer.ParseType(ret)
			if err != nil {
				return ""
			}
			ret = t.MapPaths(func(p string) string {
				if strings.HasPrefix(p, lib.Crate+"::") {
					return ext + p[len(lib.Crate):]
				}
				return p
			}).String()
		}
	}
	return ret
}

func (v *depView) returnType(path string) string {
	var ret string
	v.lookupFn(path, func(st *pkgState, p string) bool {
		r, ok := st.rets[p]
		ret = r
		return ok
	})
	return ret
}

// Unsafe reports whether a dependency's function, given the path the
// package's code calls it by, is an unsafe fn.
func (v *depView) Unsafe(path string) bool {
	return v.lookupFn(path, func(st *pkgState, p string) bool { return st.unsafeFns[p] })
}

// lookupFn follows path into the dependency that defines it, through
// re-exports, and reports whether found holds for the package and the
// function's path there.
func (v *depView) lookupFn(path string, found func(st *pkgState, path string) bool) bool {
	st := v.from
	for hop := 0; hop < 6; hop++ {
		i := strings.Index(path, "::")
		if i < 0 {
			return false
		}
		if lib := st.libUnit(); hop == 0 || lib == nil || path[:i] != lib.Crate {
			st = v.find(st, path[:i])
		}
		if st == nil || st.rets == nil {
			return false
		}
		lib := st.libUnit()
		path = lib.Crate + path[i:]
		if found(st, path) {
			return true
		}
		var ok bool
		if path, ok = lib.Unalias(path); !ok {
			return false
		}
		if found(st, path) {
			return true
		}
	}
	return false
}

// Analyzed reports whether the dependency path's first segment names was
// analysed.
func (v *depView) Analyzed(path string) bool {
	i := strings.Index(path, "::")
	if i < 0 {
		return false
	}
	st := v.find(v.from, path[:i])
	return st != nil && st.data != nil
}

// Reexport returns what a dependency's path re-exports from another
// crate, as that crate names it (pin_project_lite::__private::Pin is
// core::pin::Pin), or "".
func (v *depView) Reexport(path string) string {
	i := strings.Index(path, "::")
	if i < 0 {
		return ""
	}
	target := v.Alias(path[:i], path[i+2:])
	if target == "" {
		return ""
	}
	if st := v.find(v.from, path[:i]); st != nil {
		if lib := st.libUnit(); lib != nil && strings.HasPrefix(target, lib.Crate+"::") {
			return "" // an item of the dependency itself
		}
	}
	return target
}

// Alias returns what path (relative to the dependency crate names)
// re-exports, as that dependency names it: its public re-exports,
// including of other crates' items.
func (v *depView) Alias(crate, path string) string {
	st := v.find(v.from, crate)
	if st == nil {
		return ""
	}
	lib := st.libUnit()
	if lib == nil {
		return ""
	}
	segs := strings.Split(lib.Crate+"::"+path, "::")
	for k := len(segs); k >= 2; k-- {
		prefix := strings.Join(segs[:k], "::")
		if target, ok := lib.Aliases[prefix]; ok && target != prefix {
			if k < len(segs) {
				target += "::" + strings.Join(segs[k:], "::")
			}
			return target
		}
	}
	return ""
}
