package expand

import (
	"errors"
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

// FuzzCompileExpand feeds random macro definitions and arguments through
// the whole pipeline: lex, parse the macro_rules! items, Compile, Expand
// each macro on the arguments, and ExpandAll the arguments (recursion,
// macro-defining macros), all with a small budget. It must never panic,
// must stop quickly, and whatever expands must be balanced.
func FuzzCompileExpand(f *testing.F) {
	for _, tc := range expandTests {
		f.Add(tc.defs, tc.call)
	}
	f.Add(`macro_rules! a { () => { b!(); b!(); } } macro_rules! b { () => { a!(); a!(); } }`, `a!();`)
	f.Add(`macro_rules! m { ($($($x:tt)*)*) => { $($($x)*)* m!($($($x)*)* $($($x)*)*) } }`, `m!(a b (c) [d])`)
	f.Add(`macro_rules! m { ($($v:vis)* $(,)?) => { $($v)* } }`, `pub , pub(crate)`)
	f.Add(`macro_rules! m { ($d:tt) => { macro_rules! n { ($d($d x:tt)*) => { n!($d($d x)* $d($d x)*) } } } }`, `m!($); n!(x)`)
	f.Add(`macro_rules! m { ($(#[$a:meta])* $i:item) => { $(#[$a])* $i } }`, "/// doc\n//! inner\n#[x] fn f() {}")
	f.Add(`macro m($x:expr) { $x * $x }`, `1 + 2`)
	f.Add(`macro_rules! m { ($p:path, NonNull<$t:ty>) => { let $p {} = $crate::m!(); x as $t << 1 } }`, `dep::m!(a::B<C>, NonNull<D<E>>) + m!(x).y`)
	f.Add(`macro_rules! m { ($p:pat | $q:pat) => { { macro_rules! n { () => {} } } n!() } }`, `#[macro_use] mod a { m!(1 | 2); } n!();`)
	f.Add(`macro_rules! m { ($a:expr) => { $a }; ($a:ty) => { $a } }`, `Vec<Vec<u8>>`)
	f.Fuzz(func(t *testing.T, defSrc, argSrc string) {
		if len(defSrc) > 4096 || len(argSrc) > 4096 {
			return
		}
		fset := syntax.NewFileSet()
		sf, _ := syntax.ParseFile(fset.AddFile("def.rs", defSrc))
		var defs []*syntax.MacroRulesItem
		syntax.Inspect(sf, func(n syntax.Node) bool {
			if d, ok := n.(*syntax.MacroRulesItem); ok {
				defs = append(defs, d)
			}
			return true
		})
		e := &Expander{Fset: fset, Macros: map[string]*Macro{}, Budget: &Budget{MaxDepth: 16, MaxTokens: 20_000}}
		e.Extern = func(crate, name string) *Macro { // "dep::m!" reaches this crate's macros
			if crate == "dep" {
				return e.Macros[name]
			}
			return nil
		}
		var macros []*Macro
		for _, d := range defs {
			m, err := Compile(fset, d)
			if err != nil {
				var se *syntax.Error
				if !errors.As(err, &se) {
					t.Fatalf("Compile error %v is not a *syntax.Error", err)
				}
				continue
			}
			macros = append(macros, m)
			e.Macros[m.Name] = m
		}
		af := fset.AddFile("args.rs", argSrc)
		toks, _ := syntax.Lex(af)
		toks = toks[:len(toks)-1]
		ok := balanced(toks)
		for _, m := range macros {
			out, err := m.Expand(fset, toks, &Budget{MaxTokens: 20_000})
			if err == nil && !balanced(out) {
				t.Fatalf("macro %s: unbalanced expansion %s", m.Name, render(fset, out))
			}
			if err == nil && !ok {
				t.Fatalf("macro %s: expanded unbalanced arguments", m.Name)
			}
		}
		out, _ := e.ExpandAll(toks, 0)
		if ok && !balanced(out) {
			t.Fatalf("ExpandAll: unbalanced expansion %s", render(fset, out))
		}
		// The parser must cope with whatever came out.
		syntax.ParseItems(af, out)
	})
}
