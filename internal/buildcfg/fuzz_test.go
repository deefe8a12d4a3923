package buildcfg

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/syntax"
)

// checkResult asserts the invariants of any Find result: bounded, every
// position inside the file, names usable as cfg names.
func checkResult(t *testing.T, f *syntax.File, cfgs []Cfg) {
	t.Helper()
	if len(cfgs) > maxCfgs+1 {
		t.Fatalf("%d options, more than the bound %d", len(cfgs), maxCfgs+1)
	}
	for i, c := range cfgs {
		if !f.Contains(c.Pos) {
			t.Fatalf("option %v has position %d outside the file", c, c.Pos)
		}
		if i > 0 && c.Pos < cfgs[i-1].Pos {
			t.Fatalf("options not in source order: %v before %v", cfgs[i-1], c)
		}
		if c.AnyName {
			if c.Name != "" && !isIdent(c.Name) {
				t.Fatalf("bad name prefix %q", c.Name)
			}
		} else if !isIdent(c.Name) {
			t.Fatalf("bad name %q", c.Name)
		}
		if strings.Contains(c.Name, hole) || strings.Contains(c.Value, hole) {
			t.Fatalf("hole leaked into %+v", c)
		}
	}
}

func FuzzFind(f *testing.F) {
	seeds := []string{
		`fn main() { println!("cargo:rustc-cfg=a"); }`,
		`fn main() { for c in &["a", "b"] { println!("cargo:rustc-cfg={}", c); } }`,
		`fn main() { let x = match y { 1 => "a", _ => "b" }; println!("cargo:rustc-cfg={x}"); }`,
		`fn e(n: &str) { println!("cargo:rustc-cfg={}=\"{:?}\"", n, n); } fn main() { e("x"); e(&format!("{}", e)); }`,
		`fn main() { let ac = autocfg::new(); ac.emit_has_path("a::b"); ac.emit_rustc_version(1, 2); autocfg::emit("z"); }`,
		`fn get() -> Vec<&'static str> { let mut v = vec![]; v.push("a"); v } fn main() { for c in get() { println!("cargo::rustc-cfg={}", c) } }`,
		`fn main() { cfg_aliases! { a: { unix }, } println!("cargo:rustc-cfg={0}{0}{1}{", 1); }`,
		`fn main() { println!("cargo:rustc-cfg={}", {{{{ "x" }}}}); }`,
		"fn main() { println!(\"cargo:rustc-cfg=\\x00\"); }",
		`fn main() { let f = |a: &str| f(a); f("x"); println!("cargo:rustc-cfg={}", f); }`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fset := syntax.NewFileSet()
		file, err := fset.TryAddFile("build.rs", src)
		if err != nil {
			t.Skip(err)
		}
		checkResult(t, file, Find(fset, []*syntax.File{file}))
	})
}

// TestHostileInputs checks that adversarial build scripts stay fast and
// bounded.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	var b strings.Builder
	helperChain := func() string {
		b.Reset()
		// f0 prints its parameter; fi calls f(i-1): a deep chain of helpers.
		b.WriteString(`fn f0(x: &str) { println!("cargo:rustc-cfg={}", x); }` + "\n")
		for i := 1; i < 5000; i++ {
			fmt.Fprintf(&b, "fn f%d(x: &str) { f%d(x); f%d(x); }\n", i, i-1, i-1)
		}
		b.WriteString(`fn main() { f4999("deep"); }`)
		return b.String()
	}
	productBlowup := func() string {
		b.Reset()
		b.WriteString("fn main() {\n")
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&b, "for v%d in &[\"a\", \"b\", \"c\", \"d\"] {\n", i)
		}
		b.WriteString(`println!("cargo:rustc-cfg=x`)
		for i := 0; i < 40; i++ {
			b.WriteString("{}")
		}
		b.WriteString(`"`)
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&b, ", v%d", i)
		}
		b.WriteString(");\n" + strings.Repeat("}", 41))
		return b.String()
	}
	manyShadows := func() string {
		b.Reset()
		b.WriteString("fn main() {\n")
		for i := 0; i < 20000; i++ {
			fmt.Fprintf(&b, "let c = \"v%d\"; println!(\"cargo:rustc-cfg={}\", c);\n", i)
		}
		b.WriteString("}")
		return b.String()
	}
	chainedLets := func() string {
		b.Reset()
		b.WriteString("fn main() {\nlet c0 = \"x\";\n")
		for i := 1; i < 20000; i++ {
			fmt.Fprintf(&b, "let c%d = format!(\"{}{}\", c%d, c%d);\n", i, i-1, i-1)
		}
		b.WriteString(`println!("cargo:rustc-cfg={}", c19999); }`)
		return b.String()
	}
	bigList := func() string {
		b.Reset()
		b.WriteString("const L: &[&str] = &[")
		for i := 0; i < 50000; i++ {
			fmt.Fprintf(&b, "\"n%d\", ", i)
		}
		b.WriteString("];\nfn main() {\n")
		for i := 0; i < 2000; i++ {
			b.WriteString(`for c in L { println!("cargo:rustc-cfg={}", c); }` + "\n")
		}
		b.WriteString("}")
		return b.String()
	}
	tests := []struct {
		name string
		src  string
	}{
		{"deep nesting", "fn main() { println!(\"cargo:rustc-cfg={}\", " + strings.Repeat("(", 100000) + "\"x\"" + strings.Repeat(")", 100000) + "); }"},
		{"deep blocks", "fn main() { let c = " + strings.Repeat("{ ", 50000) + "\"x\"" + strings.Repeat(" }", 50000) + "; println!(\"cargo:rustc-cfg={}\", c); }"},
		{"unbalanced", "fn main() { println!(\"cargo:rustc-cfg={}\", " + strings.Repeat("[(", 50000)},
		{"helper chain", helperChain()},
		{"product blowup", productBlowup()},
		{"many shadows", manyShadows()},
		{"chained lets", chainedLets()},
		{"big list", bigList()},
		{"many sites", strings.Repeat(`println!("cargo:rustc-cfg=a{}", x);`, 100000)},
		// Constructs whose scans could overlap: each keyword scans ahead
		// to the same distant terminator.
		{"let run", "fn main() { " + strings.Repeat("let ", 200000) + "; println!(\"cargo:rustc-cfg=x\"); }"},
		{"for run", "fn main() { " + strings.Repeat("for x ", 200000) + "{ println!(\"cargo:rustc-cfg=x\"); } }"},
		{"fn run", strings.Repeat("fn a ", 200000) + "() { println!(\"cargo:rustc-cfg=x\"); }"},
		{"match run", "fn main() { " + strings.Repeat("match ", 200000) + "{} }"},
		{"const run", strings.Repeat("const A: ", 200000) + "= 1;"},
		{"closure chain", "fn main() { x" + strings.Repeat(".for_each(|a| println!(\"cargo:rustc-cfg={}\", a))", 50000) + "; }"},
		{"return run", "fn f() -> &'static str { " + strings.Repeat("return ", 200000) + "\"x\"; } fn main() { println!(\"cargo:rustc-cfg={}\", f()); }"},
		{"let patterns", "fn main() { let (" + strings.Repeat("a, ", 200000) + ") = (); }"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fset := syntax.NewFileSet()
			file := fset.AddFile("build.rs", tt.src)
			start := time.Now()
			cfgs := Find(fset, []*syntax.File{file})
			elapsed := time.Since(start)
			checkResult(t, file, cfgs)
			t.Logf("%d bytes: %d options in %v", len(tt.src), len(cfgs), elapsed)
			if elapsed > 10*time.Second {
				t.Errorf("took %v", elapsed)
			}
		})
	}
}
