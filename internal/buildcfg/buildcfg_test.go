package buildcfg

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

// findSrc runs Find on sources named build.rs, f1.rs, ... and returns the
// options formatted by Cfg.String.
func findSrc(t *testing.T, srcs ...string) []string {
	t.Helper()
	cfgs, _ := findCfgs(t, srcs...)
	out := []string{}
	for _, c := range cfgs {
		out = append(out, c.String())
	}
	return out
}

func findCfgs(t *testing.T, srcs ...string) ([]Cfg, *syntax.FileSet) {
	t.Helper()
	fset := syntax.NewFileSet()
	var files []*syntax.File
	for i, src := range srcs {
		name := "build.rs"
		if i > 0 {
			name = fmt.Sprintf("f%d.rs", i)
		}
		f, err := fset.TryAddFile(name, src)
		if err != nil {
			t.Fatalf("adding %s: %v", name, err)
		}
		files = append(files, f)
	}
	return Find(fset, files), fset
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		srcs []string
		want string // options joined by spaces, in source order
	}{
		{"plain", []string{`fn main() { println!("cargo:rustc-cfg=has_foo"); }`}, "has_foo"},
		{"new syntax", []string{`fn main() { println!("cargo::rustc-cfg=has_foo"); }`}, "has_foo"},
		{"key value escaped", []string{`fn main() { println!("cargo:rustc-cfg=feature=\"specialize\""); }`}, `feature="specialize"`},
		{"raw string", []string{`fn main() { println!(r#"cargo:rustc-cfg=osslconf="OPENSSL_NO_SSL3""#); }`}, `osslconf="OPENSSL_NO_SSL3"`},
		{"dedup and order", []string{`fn main() {
			println!("cargo:rustc-cfg=b");
			println!("cargo:rustc-cfg=a");
			println!("cargo:rustc-cfg=b");
		}`}, "b a"},
		{"print and write", []string{`fn main() {
			print!("cargo:rustc-cfg=p\n");
			writeln!(out, "cargo:rustc-cfg=w").unwrap();
			write!(out, "cargo:rustc-cfg={}\n", "w2").unwrap();
		}`}, "p w w2"},
		{"stderr and panics are not prints", []string{`fn main() {
			eprintln!("cargo:rustc-cfg=nope");
			panic!("use cargo:rustc-cfg=nope2");
			println!("note: cargo:rustc-cfg=nope3 is not at line start");
			// println!("cargo:rustc-cfg=comment");
		}`}, ""},
		{"two lines in one print", []string{`fn main() { println!("cargo:rustc-cfg=a\ncargo:rustc-cfg=b"); }`}, "a b"},
		{"positional literal arg", []string{`fn main() { println!("cargo:rustc-cfg={}", "x"); println!("cargo:rustc-cfg={1}_{0}", "b", "a"); }`}, "x a_b"},
		{"named and captured args", []string{`fn main() {
			println!("cargo:rustc-cfg={name}", name = "n1");
			let name2 = "n2";
			println!("cargo:rustc-cfg={name2}");
		}`}, "n1 n2"},
		{"debug placeholder quotes", []string{`fn main() { println!("cargo:rustc-cfg=feature={:?}", "x"); }`}, `feature="x"`},
		{"key with placeholder value", []string{`fn main() { println!("cargo:rustc-cfg={}=\"optimized-c\"", "__divdi3"); }`}, `__divdi3="optimized-c"`},
		{"for over array ref", []string{`fn main() {
			for cfg in &["a", "b"] { println!("cargo:rustc-cfg={}", cfg); }
		}`}, "a b"},
		{"for over iter", []string{`fn main() {
			for x in ["c", "d"].iter() { println!("cargo:rustc-cfg={}", x); }
			for x in vec!["e"].into_iter().chain(["f"].iter().copied()) { println!("cargo:rustc-cfg={}", x); }
		}`}, "c d e f"},
		{"for over tuples", []string{`fn main() {
			for &(v, name) in &[(1, "v1"), (2, "v2")] { println!("cargo:rustc-cfg={}_{}", name, v); }
		}`}, "v1_1 v1_2 v2_1 v2_2"},
		{"const list", []string{`const CFGS: &[&str] = &["k1", "k2"];
		fn main() { for c in CFGS { println!("cargo:rustc-cfg={}", c); } }`}, "k1 k2"},
		{"const list in another file", []string{`mod consts; fn main() { for c in consts::CFGS.iter() { println!("cargo:rustc-cfg={}", c); } }`,
			`pub static CFGS: [&str; 2] = ["s1", "s2"];`}, "s1 s2"},
		{"let literal", []string{`fn main() { let c = "l1"; println!("cargo:rustc-cfg={}", c); }`}, "l1"},
		{"let shadowing", []string{`fn main() { let c = "old"; let c = "new"; println!("cargo:rustc-cfg={}", c); }`}, "new"},
		{"let match", []string{`fn main() {
			let c = match env::var("X").as_deref() { Ok("a") => "ma", Ok(_) => "mb", Err(_) => return };
			println!("cargo:rustc-cfg={}", c);
		}`}, "ma mb"},
		{"let if else", []string{`fn main() {
			let c = if x { "ia" } else if y { "ib" } else { "ic" };
			println!("cargo:rustc-cfg={}", c);
		}`}, "ia ib ic"},
		{"format then print", []string{`fn main() {
			let s = format!("cargo:rustc-cfg={}", "f1");
			println!("{}", s);
		}`}, "f1"},
		{"format name", []string{`fn main() {
			for v in &[1, 2] { let n = format!("rust_1_{}", v); println!("cargo:rustc-cfg={}", n); }
		}`}, "rust_1_1 rust_1_2"},
		{"nested loops and format", []string{`fn main() {
			for a in &["x", "y"] { for b in &[8, 16] {
				let sym = format!("{}{}", a, b);
				println!("cargo:rustc-cfg={}=\"c\"", sym);
			} }
		}`}, `x8="c" x16="c" y8="c" y16="c"`},
		{"helper function", []string{`fn main() { use_feature("h1"); if c { use_feature("h2") } }
		fn use_feature(feature: &str) { println!("cargo:rustc-cfg={}", feature); }`}, "h1 h2"},
		{"helper chain", []string{`fn main() { maybe("c1"); }
		fn maybe(f: &str) { if has(f) { emit(f); } }
		fn emit(name: &str) { println!("cargo:rustc-cfg={}", name); }`}, "c1"},
		{"helper method", []string{`struct B; impl B {
			fn emit(&self, name: &str) { println!("cargo:rustc-cfg={}", name); }
			fn run(&self) { self.emit("m1"); B::emit(self, "m2"); }
		}`}, "m1 m2"},
		{"closure helper", []string{`fn main() {
			let emit = |name: &str| println!("cargo:rustc-cfg={}", name);
			emit("cl1"); emit("cl2");
		}`}, "cl1 cl2"},
		{"for_each closure", []string{`fn main() {
			["fe1", "fe2"].iter().for_each(|c| println!("cargo:rustc-cfg={}", c));
		}`}, "fe1 fe2"},
		{"map closure", []string{`fn main() {
			for c in ["i8", "u8"].iter().map(|t| format!("has_{}", t)) { println!("cargo:rustc-cfg={}", c); }
			let v: Vec<String> = CFGS.iter().filter_map(|c| if ok(c) { Some(c.to_uppercase()) } else { None }).collect();
			for c in &v { println!("cargo:rustc-cfg={}", c); }
		}
		const CFGS: [&str; 1] = ["fm"];`}, "has_i8 has_u8 FM"},
		{"function returning list", []string{`fn main() {
			for cfg in cfgs::get(v) { println!("cargo:rustc-cfg={}", cfg); }
		}`, `pub fn get(v: u64) -> Vec<&'static str> {
			let mut cfgs = vec!["r0"];
			if v > 1 { cfgs.push("r1"); }
			cfgs.extend(&["r2", "r3"]);
			cfgs
		}`}, "r0 r1 r2 r3"},
		{"unknown value", []string{`fn main() {
			for v in env::var("CONF").unwrap().split(',') { println!("cargo:rustc-cfg=osslconf=\"{}\"", v); }
		}`}, `osslconf="*"`},
		{"unknown name suffix", []string{`fn main() {
			if let Ok(v) = env::var("V") { println!("cargo:rustc-cfg=libressl{}", v); }
		}`}, "libressl*"},
		{"unknown name", []string{`fn main() {
			for (sym, src) in sources.iter() { println!("cargo:rustc-cfg={}=\"optimized-c\"", sym); }
			let x = compute();
			println!("cargo:rustc-cfg={}", x);
		}`}, `*="optimized-c" *`},
		{"uncalled helper prints nothing", []string{`fn unused(n: &str) { println!("cargo:rustc-cfg={}", n); } fn main() {}`}, ""},
		{"helper used as value", []string{`fn e(n: &str) { println!("cargo:rustc-cfg={}", n); } fn main() { let f = e; f(g()); }`}, "*"},
		{"helper passed to for_each", []string{`fn e(n: &str) { println!("cargo:rustc-cfg={}", n); }
		fn main() { ["pe1"].iter().for_each(e); }`}, "pe1"},
		{"to_lowercase and replace", []string{`const A: &str = "VALUE_BAG_CTOR";
		fn main() { println!("cargo:rustc-cfg={}", A.to_lowercase()); println!("cargo:rustc-cfg={}", "a-b".replace("-", "_")); }`}, "value_bag_ctor a_b"},
		{"concat", []string{`fn main() { println!(concat!("cargo:rustc-cfg=", "cc1")); println!("{}", concat!("cargo:rustc-cfg=", "cc2")); }`}, "cc1 cc2"},
		{"string concatenation", []string{`fn main() {
			let s = String::from("cargo:rustc-cfg=") + "plus"; println!("{}", s);
			println!("{}", "cargo:rustc-cfg=".to_string() + &name());
		}
		fn name() -> String { "plus2".into() }`}, "plus plus2"},
		{"plain literal in a list", []string{`const LINES: &[&str] = &["cargo:rustc-cfg=line1"]; fn main() { for l in LINES { println!("{}", l); } }`}, "line1"},
		{"assignment", []string{`fn main() { let mut c = "as1"; if x { c = "as2"; } println!("cargo:rustc-cfg={}", c); }`}, "as1 as2"},
		{"push_str makes unknown", []string{`fn main() { let mut c = String::from("ps"); c.push_str(x); println!("cargo:rustc-cfg={}", c); }`}, "ps *"},
		{"match arms print", []string{`fn main() { match v() {
			Some(10) if ci => { println!("cargo:rustc-cfg=freebsd10") }
			Some(11) => println!("cargo:rustc-cfg=freebsd11"),
			_ => {}
		} }`}, "freebsd10 freebsd11"},
		{"autocfg", []string{`fn main() {
			let ac = autocfg::new();
			ac.emit_has_type("i128");
			ac.emit_has_path("std::ffi::CStr");
			ac.emit_has_trait("core::ops::RangeBounds");
			ac.emit_sysroot_crate("alloc");
			ac.emit_type_cfg("u128", "has_u128_type");
			ac.emit_path_cfg("std::ptr::addr_of", "has_addr_of");
			ac.emit_expression_cfg("1u32.reverse_bits()", "has_reverse_bits");
			ac.emit_constant_cfg("1u32.leading_zeros()", "has_const_lz");
			ac.emit_trait_cfg("core::iter::FusedIterator", "has_fused");
			ac.emit_rustc_version(1, 36);
			autocfg::emit("has_std");
		}`}, "has_i128 has_std__ffi__CStr has_core__ops__RangeBounds has_alloc has_u128_type has_addr_of has_reverse_bits has_const_lz has_fused rustc_1_36 has_std"},
		{"autocfg in loops", []string{`fn main() {
			let ac = autocfg::new();
			for root in &["core", "std"] { for size in &[8, 16] {
				ac.emit_expression_cfg(&format!("{}::sync::atomic::AtomicU{}::new", root, size), &format!("has_atomic_u{}", size));
			} }
			for v in &[31, 40] { ac.emit_rustc_version(1, *v); }
		}`}, "has_atomic_u8 has_atomic_u16 rustc_1_31 rustc_1_40"},
		{"autocfg emit imported", []string{`use autocfg::emit; fn main() { emit("imp"); }`}, "imp"},
		{"local emit is not autocfg", []string{`fn emit(x: &str) {} fn main() { emit("no"); }`}, ""},
		{"cfg_aliases", []string{`fn main() { cfg_aliases! { wasm: { target_arch = "wasm32" }, native: { not(wasm) } } }`}, "wasm native"},
		{"invalid names are dropped", []string{`fn main() { println!("cargo:rustc-cfg=not a name"); println!("cargo:rustc-cfg="); }`}, ""},
		{"width spec is unknown", []string{`fn main() { println!("cargo:rustc-cfg=v{:02}", 3); }`}, "v*"},
		{"parameter of unknown caller", []string{`fn main() { let n = read(); go(&n); }
		fn go(n: &str) { println!("cargo:rustc-cfg=x_{}", n); }`}, "x_*"},
		{"tuple let", []string{`fn main() { let (a, b) = ("ta", "tb"); println!("cargo:rustc-cfg={}", b); }`}, "tb"},
		{"recursion stays bounded", []string{`fn f(n: &str) { f(n); println!("cargo:rustc-cfg={}", n); } fn main() { f("rec"); }`}, "* rec"},
		{"returned name", []string{`fn name() -> String { format!("ret_{}", "x") } fn main() { println!("cargo:rustc-cfg={}", name()); }`}, "ret_x"},
		{"shadowing in closure param", []string{`fn main() { let c = "outer"; let f = |c: &str| println!("cargo:rustc-cfg={}", c); f("inner"); }`}, "inner"},
		{"nested fn does not see outer locals", []string{`fn main() { let c = "outer"; fn g() { println!("cargo:rustc-cfg={}", c); } g(); }`}, "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(findSrc(t, tt.srcs...), " ")
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFindPositions(t *testing.T) {
	src := `const CFGS: &[&str] = &[
	"p1",
];
fn main() {
	for c in CFGS { println!("cargo:rustc-cfg={}", c); }
	println!("cargo:rustc-cfg=p2");
	println!("cargo:rustc-cfg=x_{}", std::env::var("X").unwrap());
	autocfg::new().emit_has_type("i128");
}`
	cfgs, fset := findCfgs(t, src)
	want := map[string]string{"p1": "build.rs:2:2", "p2": "build.rs:6:11", "x_*": "build.rs:7:11", "has_i128": "build.rs:8:31"}
	if len(cfgs) != len(want) {
		t.Fatalf("got %v", cfgs)
	}
	for _, c := range cfgs {
		if got := fset.Position(c.Pos).String(); got != want[c.String()] {
			t.Errorf("%s at %s, want %s", c, got, want[c.String()])
		}
	}
}

func TestParseCfg(t *testing.T) {
	tests := []struct {
		in   string
		want Cfg
		ok   bool
	}{
		{"foo", Cfg{Name: "foo"}, true},
		{" foo ", Cfg{Name: "foo"}, true},
		{`k="v"`, Cfg{Name: "k", Value: "v", HasValue: true}, true},
		{`k = "v"`, Cfg{Name: "k", Value: "v", HasValue: true}, true},
		{"k=\"a\x00\"", Cfg{Name: "k", Value: "a", HasValue: true, AnyValue: true}, true},
		{"pre\x00", Cfg{Name: "pre", AnyName: true}, true},
		{"\x00=\"v\"", Cfg{Name: "", AnyName: true, Value: "v", HasValue: true}, true},
		{"", Cfg{}, false},
		{"a b", Cfg{}, false},
		{"1abc", Cfg{}, false},
		{"ünï_cödé", Cfg{Name: "ünï_cödé"}, true},
	}
	for _, tt := range tests {
		got, ok := parseCfg(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseCfg(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseFormat(t *testing.T) {
	got := fmt.Sprint(parseFormat("a{{b}}{}{1}{x:?}{:>3}{"))
	want := `[{a{b} false 0  } { true 0  } { true 1  } { true -1 x ?} { true 1  >3} {{ false 0  }]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestMangle(t *testing.T) {
	for in, want := range map[string]string{
		"std::ffi::CStr": "std__ffi__CStr",
		"i128":           "i128",
		"Box<dyn Fn()>":  "Box_dyn_Fn___",
		"ü":              "_",
	} {
		if got := mangle(in); got != want {
			t.Errorf("mangle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindNilAndEmpty(t *testing.T) {
	if got := Find(syntax.NewFileSet(), nil); len(got) != 0 {
		t.Errorf("no files: %v", got)
	}
	fset := syntax.NewFileSet()
	f := fset.AddFile("build.rs", "")
	if got := Find(fset, []*syntax.File{nil, f}); len(got) != 0 {
		t.Errorf("empty file: %v", got)
	}
}
