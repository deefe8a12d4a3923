package cfg

import (
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

// FuzzParse lexes arbitrary text as the inside of cfg( ... ) and parses
// it: Parse must never panic, and a predicate it accepts must render
// (String) to text that parses back to the same rendering. The same
// text is also tried as a cfg and a cfg_attr attribute through Enabled.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`unix`, `all()`, `any(unix, windows)`, `not(test)`, `feature = "std"`, `feature = r#"a"#`,
		`all(unix, not(any(target_os = "macos", target_env = "musl")), feature = "x",)`,
		`all(unix`, `feature = `, `"x"`, `))((`, `not()`, `a::b`, `true`, `r#true`, `feature = "\u{1F600}\x41\n"`,
		`unix, cfg(windows), must_use`, `feature = "x"y`, `feature = b"x"`, "feature = \"a\\\n b\"",
	} {
		f.Add(s)
	}
	c, err := NewConfig(DefaultTriple, map[string]bool{"std": true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fset := syntax.NewFileSet()
		file := fset.AddFile("fuzz.rs", src)
		toks, _ := syntax.Lex(file)
		e, err := Parse(fset, toks)
		if err == nil {
			c.Eval(e)
			s := e.String()
			fset2 := syntax.NewFileSet()
			toks2, _ := syntax.Lex(fset2.AddFile("again.rs", s))
			e2, err := Parse(fset2, toks2)
			if err != nil {
				t.Fatalf("%q parsed as %s, which does not parse: %v", src, s, err)
			}
			if s2 := e2.String(); s2 != s {
				t.Fatalf("%q: rendering %s reparses as %s", src, s, s2)
			}
			if c.Eval(e2) != c.Eval(e) {
				t.Fatalf("%q: rendering %s evaluates differently", src, s)
			}
		}
		for _, wrap := range []string{"#[cfg(", "#[cfg_attr("} {
			afset := syntax.NewFileSet()
			sf, _ := syntax.ParseFile(afset.AddFile("attr.rs", wrap+src+")] fn f() {}"))
			for _, it := range sf.Items {
				c.Enabled(afset, it.ItemAttrs())
			}
			c.Enabled(afset, sf.Attrs)
		}
	})
}
