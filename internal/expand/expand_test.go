package expand

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/syntax"
)

// lexFile registers src and returns its tokens without the final EOF.
func lexFile(t testing.TB, fset *syntax.FileSet, name, src string) (*syntax.File, []syntax.Token) {
	t.Helper()
	f := fset.AddFile(name, src)
	toks, errs := syntax.Lex(f)
	if len(errs) > 0 {
		t.Fatalf("%s: lex errors: %v", name, errs)
	}
	return f, toks[:len(toks)-1]
}

// define parses src and compiles its macro_rules! items into an Expander.
func define(t testing.TB, fset *syntax.FileSet, src string) *Expander {
	t.Helper()
	f := fset.AddFile("defs.rs", src)
	sf, errs := syntax.ParseFile(f)
	if len(errs) > 0 {
		t.Fatalf("defs: parse errors: %v", errs)
	}
	e := &Expander{Fset: fset, Macros: map[string]*Macro{}}
	for _, it := range sf.Items {
		if def, ok := it.(*syntax.MacroRulesItem); ok {
			m, err := Compile(fset, def)
			if err != nil {
				t.Fatalf("Compile(%s): %v", def.Name.Name, err)
			}
			e.Macros[m.Name] = m
		}
	}
	return e
}

// render joins the tokens' texts with spaces; zero-length tokens show
// their kind.
func render(fset *syntax.FileSet, toks []syntax.Token) string {
	var sb strings.Builder
	for i, t := range toks {
		if i > 0 {
			sb.WriteByte(' ')
		}
		if t.Len == 0 {
			sb.WriteString(tokText(fset, nil, t))
			if t.Kind != syntax.Identifier {
				sb.WriteString(t.Kind.String())
			}
			continue
		}
		sb.WriteString(fset.Text(t))
	}
	return sb.String()
}

// balanced reports whether toks' delimiters pair up.
func balanced(toks []syntax.Token) bool { return delimMatch(toks) != nil }

// parseAs parses toks as items, stmts or an expr and returns the errors.
func parseAs(file *syntax.File, kind string, toks []syntax.Token) syntax.ErrorList {
	var errs syntax.ErrorList
	switch kind {
	case "items":
		_, errs = syntax.ParseItems(file, toks)
	case "stmts":
		_, errs = syntax.ParseStmts(file, toks)
	case "expr":
		_, errs = syntax.ParseExpr(file, toks)
	}
	return errs
}

var expandTests = []struct {
	name  string
	defs  string
	call  string
	want  string
	parse string // items, stmts or expr
}{
	{
		name:  "square",
		defs:  `macro_rules! sq { ($x:expr) => { $x * $x } }`,
		call:  `sq!(1 + 1)`,
		want:  `( 1 + 1 ) * ( 1 + 1 )`,
		parse: "expr",
	},
	{
		name:  "square-atom",
		defs:  `macro_rules! sq { ($x:expr) => { $x * $x } }`,
		call:  `sq!(a::b)`,
		want:  `a :: b * a :: b`,
		parse: "expr",
	},
	{
		name: "multiple-rules",
		defs: `macro_rules! op {
			(add $a:expr, $b:expr) => { $a + $b };
			(mul $a:expr, $b:expr) => { $a * $b };
			($a:expr) => { -$a }
		}`,
		call:  `let x = op!(mul 2, y - 1); let z = op!(q);`,
		want:  `let x = ( 2 * ( y - 1 ) ) ; let z = ( - q ) ;`,
		parse: "stmts",
	},
	{
		name: "vec-like",
		defs: `macro_rules! myvec {
			($($x:expr),* $(,)?) => {{ let mut v = Vec::new(); $(v.push($x);)* v }};
		}`,
		call:  `myvec![1, a + b, f(x),]`,
		want:  `{ let mut v = Vec :: new ( ) ; v . push ( 1 ) ; v . push ( ( a + b ) ) ; v . push ( ( f ( x ) ) ) ; v }`,
		parse: "expr",
	},
	{
		name: "hashmap",
		defs: `macro_rules! map {
			($($k:ident => $v:expr),+ $(,)?) => {{ let mut m = HashMap::new(); $(m.insert(stringify!($k), $v);)+ m }};
		}`,
		call:  `map!{a => 1, b => "two"}`,
		want:  `{ let mut m = HashMap :: new ( ) ; m . insert ( stringify ! ( a ) , 1 ) ; m . insert ( stringify ! ( b ) , "two" ) ; m }`,
		parse: "expr",
	},
	{
		name: "nested-repetition",
		defs: `macro_rules! structs {
			($( $name:ident { $($f:ident : $t:ty),* } )*) => { $( pub struct $name { $(pub $f: $t),* } )* };
		}`,
		call:  `structs!{ A { x: u8, y: Vec<Vec<u8>> } B { } }`,
		want:  `pub struct A { pub x : u8 , pub y : Vec < Vec < u8 >> } pub struct B { }`,
		parse: "items",
	},
	{
		name: "outer-var-in-inner-repetition",
		defs: `macro_rules! prints {
			($( $name:ident : $($v:expr),* );*) => { $( fn $name() { $( println!("{} {}", stringify!($name), $v); )* } )* };
		}`,
		call:  `prints!(f: 1, 2; g: x)`,
		want:  `fn f ( ) { println ! ( "{} {}" , stringify ! ( f ) , 1 ) ; println ! ( "{} {}" , stringify ! ( f ) , 2 ) ; } fn g ( ) { println ! ( "{} {}" , stringify ! ( g ) , x ) ; }`,
		parse: "items",
	},
	{
		name: "optional",
		defs: `macro_rules! field {
			($a:ident $(: $t:ty)? $(= $d:expr)?) => { let $a $(: $t)? $(= $d)?; };
		}`,
		call:  `field!(x: u8 = 1 + 2); field!(y);`,
		want:  `let x : u8 = ( 1 + 2 ) ; ; let y ; ;`,
		parse: "stmts",
	},
	{
		name: "separators",
		defs: `macro_rules! alts {
			($($x:ident)|+ ; $($e:expr);*) => { match v { $($x)|+ => { $($e);* } } };
		}`,
		call:  `alts!(A | B | C ; f(); g())`,
		want:  `match v { A | B | C => { ( f ( ) ) ; ( g ( ) ) } }`,
		parse: "expr",
	},
	{
		name: "tt-muncher-count",
		defs: `macro_rules! count {
			() => { 0 };
			($head:tt $($tail:tt)*) => { 1 + count!($($tail)*) };
		}`,
		call:  `count!(a (b c) [d])`,
		want:  `1 + ( 1 + ( 1 + 0 ) )`,
		parse: "expr",
	},
	{
		name: "tt-muncher-accumulator",
		defs: `macro_rules! fields {
			(@acc [$($out:tt)*]) => { pub struct S { $($out)* } };
			(@acc [$($out:tt)*] $name:ident : $t:ty, $($rest:tt)*) => { fields!(@acc [$($out)* $name: $t,] $($rest)*); };
			($($input:tt)*) => { fields!(@acc [] $($input)*); };
		}`,
		call:  `fields!(a: u8, b: Option<String>,);`,
		want:  `pub struct S { a : u8 , b : Option < String > , } ; ; ; ;`,
		parse: "items",
	},
	{
		name: "macro-defining-macro",
		defs: `macro_rules! make_adder {
			($name:ident, $n:expr) => { macro_rules! $name { ($x:expr) => { $x + $n } } };
		}`,
		call:  `make_adder!(add2, 2); let y = add2!(10 * 3);`,
		want:  `macro_rules ! add2 { ( $ x : expr ) => { $ x + 2 } } ; let y = ( ( 10 * 3 ) + 2 ) ;`,
		parse: "stmts",
	},
	{
		name: "macro-defining-macro-dollar-tt",
		defs: `macro_rules! with_dollar {
			($d:tt $name:ident) => { macro_rules! $name { ($d($d x:expr),*) => { [$d($d x),*] } } };
		}`,
		call:  `with_dollar!($ arr); let a = arr!(1, 2 + 3);`,
		want:  `macro_rules ! arr { ( $ ( $ x : expr ) , * ) => { [ $ ( $ x ) , * ] } } ; let a = [ 1 , ( 2 + 3 ) ] ;`,
		parse: "stmts",
	},
	{
		name: "macro-defining-macro-double-dollar",
		defs: `macro_rules! def_sum {
			($name:ident) => { macro_rules! $name { ($$($$x:expr),*) => { 0 $$(+ $$x)* } } };
		}`,
		call:  `def_sum!(sum); let s = sum!(1, 2);`,
		want:  `macro_rules ! sum { ( $ ( $ x : expr ) , * ) => { 0 $ ( + $ x ) * } } ; let s = ( 0 + 1 + 2 ) ;`,
		parse: "stmts",
	},
	{
		name: "dollar-crate",
		defs: `macro_rules! cr {
			($x:expr) => { $crate::helper($x) + $crate::inner!($x) };
			(@inner $x:expr) => { $x };
		}
		macro_rules! inner { ($x:expr) => { [$x] } }`,
		call:  `cr!(1)`,
		want:  `$ crate :: helper ( 1 ) + [ 1 ]`,
		parse: "expr",
	},
	{
		name:  "impl-trait-for-types",
		defs:  `macro_rules! impl_zero { ($($t:ty),*) => { $(impl Zero for $t { fn zero() -> Self { 0 as $t } })* } }`,
		call:  `impl_zero!(u8, u16, u32);`,
		want:  `impl Zero for u8 { fn zero ( ) -> Self { 0 as u8 } } impl Zero for u16 { fn zero ( ) -> Self { 0 as u16 } } impl Zero for u32 { fn zero ( ) -> Self { 0 as u32 } } ;`,
		parse: "items",
	},
	{
		name: "fragments",
		defs: `macro_rules! frags {
			($v:vis fn $n:ident <$l:lifetime> ($p:pat) -> $r:path $b:block) => { $v fn $n<$l>($p: &$l str) -> $r $b };
		}`,
		call:  `frags!(pub(crate) fn f<'a>((a, _)) -> io::Result { Ok(()) })`,
		want:  `pub ( crate ) fn f < 'a > ( ( a , _ ) : & 'a str ) -> io :: Result { Ok ( ( ) ) }`,
		parse: "items",
	},
	{
		name: "items-stmts-literal-meta",
		defs: `macro_rules! misc {
			(#[$m:meta] $i:item; $s:stmt; $l:literal) => { #[$m] $i fn g() { $s; let _ = $l; } };
		}`,
		call:  `misc!(#[cfg(unix)] fn f() {}; let x = 1; -5)`,
		want:  `# [ cfg ( unix ) ] fn f ( ) { } fn g ( ) { let x = 1 ; let _ = - 5 ; }`,
		parse: "items",
	},
	{
		name: "doc-comments-as-attributes",
		defs: `macro_rules! documented {
			($(#[$m:meta])* pub struct $n:ident; $(#[$i:ident $($a:tt)*])*) => { $(#[$m])* pub struct $n; $(#[$i $($a)*])* fn f() {} };
		}`,
		call:  "documented!(\n/// The doc.\n#[derive(Debug)]\npub struct S;\n/// Inner doc.\n#[inline]\n)",
		want:  `/// The doc. # [ derive ( Debug ) ] pub struct S ; /// Inner doc. # [ inline ] fn f ( ) { }`,
		parse: "items",
	},
	{
		name: "doc-comments-as-doc-exprs",
		defs: `macro_rules! docs {
			($(#[doc = $d:expr])* fn $n:ident) => { $(#[doc = $d])* fn $n() {} const N: &[&str] = &[$($d),*]; };
		}`,
		call:  "docs!(\n/// One.\n/** Two. */\nfn f)",
		want:  `/// One. /** Two. */ fn f ( ) { } const N : & [ & str ] = & [ /// One. , /** Two. */ ] ;`,
		parse: "items",
	},
	{
		// rustc ignores doc comments in a matcher (rust-lang/rust#95267,
		// kept for compatibility): ring's features! documents a field
		// of its pattern that invocations do not repeat.
		name: "doc-comments-in-matcher-ignored",
		defs: `macro_rules! features {
			{ $( $name:ident { mask: $mask:expr,
				/// Documented inside the pattern.
				apple: true, } ),+ , } => { $( const $name: u32 = $mask; )+ };
		}`,
		call:  "features! { NEON { mask: 1, apple: true, }, AES { mask: 4, apple: true, }, }",
		want:  `const NEON : u32 = 1 ; const AES : u32 = 4 ;`,
		parse: "items",
	},
	{
		name: "forwarded-fragments",
		defs: `macro_rules! outer { ($e:expr, $i:ident) => { inner!($e); inner!($i) } }
		macro_rules! inner { (foo) => { foo_was_matched_literally() }; ($t:tt) => { f($t) } }`,
		call:  `outer!(1 + 2, foo)`,
		want:  `f ( ( 1 + 2 ) ) ; foo_was_matched_literally ( )`,
		parse: "stmts",
	},
	{
		// tokio's generate_addr_of_methods: the ty fragment ends inside ">>".
		name:  "split-shr",
		defs:  `macro_rules! ptr { (NonNull<$t:ty>) => { fn f() -> NonNull<$t> { todo!() } } }`,
		call:  `ptr!(NonNull<Pointers<Waiter>>);`,
		want:  `fn f ( ) -> NonNull < Pointers < Waiter > > { todo ! ( ) } ;`,
		parse: "items",
	},
	{
		// arbitrary's "x |= buf[i] as $unsigned << (i * 8)".
		name:  "ty-before-shift",
		defs:  `macro_rules! shl { ($t:ty) => { x as $t << 8 } }`,
		call:  `shl!(u8)`,
		want:  `x as ( u8 ) << 8`,
		parse: "expr",
	},
	{
		// memoffset's "let $type { $field: _, .. };" with a path fragment.
		name:  "path-turbofish",
		defs:  `macro_rules! check { ($p:path, $f:tt) => { let $p { $f: _, .. }; let _: $p; } }`,
		call:  `check!(Pair<T, Vec<U>>, 1)`,
		want:  `let Pair :: < T , Vec < U >> { 1 : _ , .. } ; let _ : Pair :: < T , Vec < U >> ;`,
		parse: "stmts",
	},
	{
		// httparse (edition 2018): "$pat:pat |?" means pat_param.
		name: "pat-before-or",
		defs: `macro_rules! expect {
			($e:expr => $pat:pat |? $ret:expr) => { match $e { v@$pat => v, _ => return $ret } };
		}`,
		call:  `expect!(next() => b'H' |? Err(E))`,
		want:  `match ( next ( ) ) { v @ b'H' => v , _ => return ( Err ( E ) ) }`,
		parse: "expr",
	},
	{
		// h2's "pseudo_size!(method) + pseudo_size!(scheme)" in statement
		// position: the first expansion, a block, must stay an operand.
		name:  "statement-position-expression",
		defs:  `macro_rules! size { ($n:ident) => {{ self.$n.len() }} }`,
		call:  `{ size!(a) + size!(b) } { size!(c).max(1) } { size!{d} }`,
		want:  `{ ( { self . a . len ( ) } ) + { self . b . len ( ) } } { ( { self . c . len ( ) } ) . max ( 1 ) } { { self . d . len ( ) } }`,
		parse: "stmts",
	},
	{
		name:  "empty-and-group-delimiters",
		defs:  `macro_rules! nothing { () => {}; [x] => [struct Y;]; {$($t:tt)*} => ( $($t)* ) }`,
		call:  `nothing!{} nothing!(x); nothing![fn f() {}]`,
		want:  `struct Y ; ; fn f ( ) { }`,
		parse: "items",
	},
	{
		name: "effects-through-fragments",
		defs: `macro_rules! run {
			($cmd:expr, $($arg:expr),*) => { std::process::Command::new($cmd)$(.arg($arg))*.spawn() };
		}`,
		call:  `run!("sh", "-c", script)`,
		want:  `std :: process :: Command :: new ( "sh" ) . arg ( "-c" ) . arg ( script ) . spawn ( )`,
		parse: "expr",
	},
}

func TestExpand(t *testing.T) {
	for _, tc := range expandTests {
		t.Run(tc.name, func(t *testing.T) {
			fset := syntax.NewFileSet()
			e := define(t, fset, tc.defs)
			f, toks := lexFile(t, fset, "call.rs", tc.call)
			out, err := e.ExpandAll(toks, 0)
			if err != nil {
				t.Fatalf("ExpandAll: %v", err)
			}
			if got := render(fset, out); got != tc.want {
				t.Errorf("expansion:\n got: %s\nwant: %s", got, tc.want)
			}
			if !balanced(out) {
				t.Errorf("unbalanced output")
			}
			if errs := parseAs(f, tc.parse, out); len(errs) > 0 {
				t.Errorf("parse %s: %v", tc.parse, errs)
			}
		})
	}
}

// TestEffectsVisible checks that a path hidden in a transcriber comes out
// with positions in the definition, and the argument with positions in
// the invocation.
func TestEffectsVisible(t *testing.T) {
	fset := syntax.NewFileSet()
	defs := `macro_rules! read_cfg { ($p:expr) => { std::fs::File::open($p).unwrap() } }`
	e := define(t, fset, defs)
	_, toks := lexFile(t, fset, "call.rs", `fn main() { let f = read_cfg!(home + "/.ssh/id_rsa"); }`)
	out, err := e.ExpandAll(toks, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := render(fset, out)
	want := `fn main ( ) { let f = ( std :: fs :: File :: open ( ( home + "/.ssh/id_rsa" ) ) . unwrap ( ) ) ; }`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var path []string
	for i, tok := range out {
		text := fset.Text(tok)
		switch text {
		case "std", "fs", "File", "open":
			if p := fset.Position(tok.Pos); p.Filename != "defs.rs" {
				t.Errorf("token %d %q at %v, want in defs.rs", i, text, p)
			}
			path = append(path, text)
		case "home", `"/.ssh/id_rsa"`:
			if p := fset.Position(tok.Pos); p.Filename != "call.rs" {
				t.Errorf("token %d %q at %v, want in call.rs", i, text, p)
			}
		}
	}
	if strings.Join(path, "::") != "std::fs::File::open" {
		t.Errorf("path tokens %v", path)
	}
	// The synthetic parentheses are zero-length, at the fragment's start.
	for _, tok := range out {
		if tok.Len == 0 && tok.Kind != syntax.LParen && tok.Kind != syntax.RParen {
			t.Errorf("unexpected synthetic %v", tok.Kind)
		}
	}
	// And the output parses into a call of that path.
	f := fset.File(toks[0].Pos)
	items, errs := syntax.ParseItems(f, out)
	if len(errs) > 0 || len(items) != 1 {
		t.Fatalf("parse: %v", errs)
	}
	found := false
	syntax.Inspect(items[0], func(n syntax.Node) bool {
		if p, ok := n.(*syntax.Path); ok && p.String() == "std::fs::File::open" {
			found = true
		}
		return true
	})
	if !found {
		t.Errorf("no std::fs::File::open path in the parsed expansion")
	}
}

func TestExpandErrors(t *testing.T) {
	tests := []struct {
		name, defs, args string
		is               error
		msg              string
	}{
		{"no-rule", `macro_rules! m { (a $x:expr) => {}; (b) => {} }`, `a ,`, ErrNoMatch, "rule 1 got farthest"},
		{"no-rule-empty", `macro_rules! m { (a) => {} }`, ``, ErrNoMatch, "end of input"},
		{"no-rules-at-all", `macro_rules! m {}`, `x`, ErrNoMatch, "no rules"},
		{"count-mismatch", `macro_rules! zip { ($($a:ident),* ; $($b:ident),*) => { $(($a, $b))* } }`, `a, b ; c`, nil, "repeats 2 times, but `b` repeats 1 times"},
		{"still-repeating", `macro_rules! m { ($($a:ident),*) => { $a } }`, `a, b`, nil, "still repeating"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fset := syntax.NewFileSet()
			e := define(t, fset, tc.defs)
			_, args := lexFile(t, fset, "call.rs", tc.args)
			var m *Macro
			for _, mm := range e.Macros {
				m = mm
			}
			_, err := m.Expand(fset, args, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ def, msg string }{
		{`macro_rules! m { ($x) => {} }`, "missing fragment specifier"},
		{`macro_rules! m { ($x:foo) => {} }`, "invalid fragment specifier `foo`"},
		{`macro_rules! m { ($x:expr $x:ty) => {} }`, "duplicate matcher binding"},
		{`macro_rules! m { ($x:expr) {} }`, "expected `=>`"},
		{`macro_rules! m { ($x:expr) => }`, "expected macro transcriber"},
		{`macro_rules! m { x => {} }`, "expected macro matcher"},
		{`macro_rules! m { () => {} () => {} }`, "expected `;` after macro rule"},
		{`macro_rules! m { ($($x:tt)) => {} }`, "expected one of `*`, `+`, or `?`"},
		{`macro_rules! m { ($($x:tt),?) => {} }`, "does not take a separator"},
		{`macro_rules! m { ($($x:tt) ()) => {} }`, "expected one of"},
		{`macro_rules! m { () => { $($x)= } }`, "expected one of"},
	}
	for _, tc := range tests {
		fset := syntax.NewFileSet()
		f := fset.AddFile("m.rs", tc.def)
		sf, errs := syntax.ParseFile(f)
		if len(errs) > 0 || len(sf.Items) != 1 {
			t.Fatalf("%s: parse: %v", tc.def, errs)
		}
		_, err := Compile(fset, sf.Items[0].(*syntax.MacroRulesItem))
		var se *syntax.Error
		if !errors.As(err, &se) {
			t.Errorf("%s: error %v is not a *syntax.Error", tc.def, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.msg) || se.Pos.Line != 1 || se.Pos.Column <= 1 || se.Pos.Filename != "m.rs" {
			t.Errorf("%s: got %v, want %q with a position", tc.def, err, tc.msg)
		}
	}
	if _, err := Compile(nil, nil); err == nil {
		t.Error("Compile(nil) succeeded")
	}
}

func TestCompileExported(t *testing.T) {
	fset := syntax.NewFileSet()
	f := fset.AddFile("m.rs", "#[macro_export(local_inner_macros)]\nmacro_rules! a { () => {} }\nmacro_rules! b { () => {} }")
	sf, _ := syntax.ParseFile(f)
	a, _ := Compile(fset, sf.Items[0].(*syntax.MacroRulesItem))
	b, _ := Compile(fset, sf.Items[1].(*syntax.MacroRulesItem))
	if !a.Exported || b.Exported || a.Name != "a" || len(a.Rules) != 1 {
		t.Errorf("a: %+v, b: %+v", a, b)
	}
}

func TestMacro2(t *testing.T) {
	fset := syntax.NewFileSet()
	f := fset.AddFile("m.rs", "macro m1($x:expr) { $x + 1 }\nmacro m2 { ($x:ident) => { $x }, () => { 0 } }")
	sf, errs := syntax.ParseFile(f)
	if len(errs) > 0 || len(sf.Items) != 2 {
		t.Fatalf("parse: %v", errs)
	}
	for i, args := range []string{"a * b", "q"} {
		m, err := Compile(fset, sf.Items[i].(*syntax.MacroRulesItem))
		if err != nil {
			t.Fatal(err)
		}
		_, toks := lexFile(t, fset, "call.rs", args)
		out, err := m.Expand(fset, toks, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := render(fset, out)
		if want := []string{"( a * b ) + 1", "q"}[i]; got != want {
			t.Errorf("%s: got %q want %q", m.Name, got, want)
		}
	}
}

// TestShadowing checks textual scoping: a later definition shadows an
// earlier one from where it appears.
func TestShadowing(t *testing.T) {
	fset := syntax.NewFileSet()
	e := define(t, fset, `macro_rules! v { () => { 1 } }`)
	_, toks := lexFile(t, fset, "call.rs", `let a = v!(); macro_rules! v { () => { 2 } } let b = v!();`)
	out, err := e.ExpandAll(toks, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := `let a = 1 ; macro_rules ! v { ( ) => { 2 } } let b = 2 ;`
	if got := render(fset, out); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if e.Expanded != 2 {
		t.Errorf("Expanded = %d", e.Expanded)
	}
	if e.Macros["v"].Exported {
		t.Errorf("v exported")
	}
	_, toks = lexFile(t, fset, "call2.rs", `#[doc(hidden)] #[macro_export] macro_rules! v { () => { 3 } }`)
	if _, err := e.ExpandAll(toks, 0); err != nil || !e.Macros["v"].Exported {
		t.Errorf("macro_export not seen: %v", err)
	}
}

// TestBlockScope checks that a definition inside a block ends with it,
// restoring what it shadowed, except in a #[macro_use] mod and in the
// braces of an invocation that is not expanded.
func TestBlockScope(t *testing.T) {
	fset := syntax.NewFileSet()
	e := define(t, fset, `macro_rules! v { () => { 1 } }`)
	_, toks := lexFile(t, fset, "call.rs", `fn f() { macro_rules! v { () => { 2 } } v!(); macro_rules! w { () => { 3 } } }
		v!(); w!();
		#[macro_use] pub(crate) mod m { macro_rules! w { () => { 4 } } }
		w!();
		unknown! { macro_rules! u { () => { 5 } } }
		u!();`)
	out, err := e.ExpandAll(toks, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := render(fset, out)
	for _, want := range []string{"} } 2 ;", "} 1 ; w ! ( ) ;", "} } 4 ;", "} } 5 ;"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q not in %s", want, got)
		}
	}
	if e.Macros["v"] == nil || len(e.Macros) != 3 {
		t.Errorf("macros after: %v", e.Macros)
	}
}

// TestUnknownAndForeign checks that unknown macros are kept (with the
// known invocations in their arguments expanded) and that another crate's
// path is not resolved to a local macro.
func TestUnknownAndForeign(t *testing.T) {
	fset := syntax.NewFileSet()
	e := define(t, fset, `macro_rules! two { () => { 1 + 1 } }`)
	_, toks := lexFile(t, fset, "call.rs", `println!("{}", two!()); other::two!(); crate::two!(); self::m::two!(); ::two!();`)
	out, err := e.ExpandAll(toks, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := `println ! ( "{}" , ( 1 + 1 ) ) ; other :: two ! ( ) ; 1 + 1 ; 1 + 1 ; :: two ! ( ) ;`
	if got := render(fset, out); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestExtern checks the resolution of other crates' macros: by crate
// path, then $crate:: paths and bare names inside their expansions first
// in that crate.
func TestExtern(t *testing.T) {
	fset := syntax.NewFileSet()
	dep := define(t, fset, `macro_rules! outer { ($x:expr) => { $crate::inner!($x) + inner!($x) + local!() } }
		macro_rules! inner { ($x:expr) => { dep_fn($x) } }`)
	e := &Expander{Fset: fset, Macros: map[string]*Macro{}}
	e.Extern = func(crate, name string) *Macro {
		if crate == "dep" {
			return dep.Macros[name]
		}
		return nil
	}
	_, toks := lexFile(t, fset, "call.rs", `macro_rules! inner { () => { local_fn() } }
		macro_rules! local { () => { 0 } }
		dep::outer!(1); ::dep::inner!(2); inner!(); other::inner!(3);`)
	out, err := e.ExpandAll(toks, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := render(fset, out)
	want := `( dep_fn ( 1 ) ) + ( dep_fn ( 1 ) ) + 0 ; dep_fn ( 2 ) ; local_fn ( ) ; other :: inner ! ( 3 ) ;`
	if !strings.HasSuffix(got, want) {
		t.Errorf("got  %s\nwant suffix %s", got, want)
	}
}

// TestFailedInvocationKept checks that an invocation that does not match
// stays as written, the error reported, and the rest still expanded.
func TestFailedInvocationKept(t *testing.T) {
	fset := syntax.NewFileSet()
	e := define(t, fset, `macro_rules! one { (x) => { 1 } }`)
	_, toks := lexFile(t, fset, "call.rs", `one!(y); one!(x);`)
	out, err := e.ExpandAll(toks, 0)
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("err = %v", err)
	}
	if got, want := render(fset, out), `one ! ( y ) ; 1 ;`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

// TestBudget checks that macro bombs stop with ErrBudget quickly and in
// bounded memory.
func TestBudget(t *testing.T) {
	var bomb strings.Builder
	const levels = 30
	for i := 0; i < levels; i++ {
		bomb.WriteString("macro_rules! a" + itoa(i) + " { () => { a" + itoa(i+1) + "!(); a" + itoa(i+1) + "!(); } }\n")
	}
	bomb.WriteString("macro_rules! a" + itoa(levels) + " { () => { boom(); } }\n")
	tests := []struct {
		name, defs, call string
	}{
		{"exponential", bomb.String(), "a0!();"},
		{"infinite-recursion", `macro_rules! inf { () => { inf!(); } }`, "inf!();"},
		{"infinite-recursion-expr", `macro_rules! inf { ($x:expr) => { inf!($x + 1) } }`, "let x = inf!(0);"},
		{"growing", `macro_rules! grow { ($($t:tt)*) => { grow!($($t)* $($t)* x); } }`, "grow!(a);"},
		{"wide", `macro_rules! w { ($($t:tt)*) => { $($t)* $($t)* $($t)* $($t)* } }
			macro_rules! w2 { () => { w!(w!(w!(w!(w!(w!(w!(w!(w!(w!(w!(w!(x)))))))))))) } }`, "w2!();"},
		{"mutual", `macro_rules! ping { () => { pong!(); pong!(); } } macro_rules! pong { () => { ping!(); } }`, "ping!();"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fset := syntax.NewFileSet()
			e := define(t, fset, tc.defs)
			e.Budget = &Budget{MaxDepth: 64, MaxTokens: 2_000_000}
			_, toks := lexFile(t, fset, "call.rs", tc.call)
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start, cpu0 := time.Now(), cpuTime()
			out, err := e.ExpandAll(toks, 0)
			elapsed, cpu := time.Since(start), cpuTime()-cpu0
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrBudget) {
				t.Fatalf("err = %v, want ErrBudget", err)
			}
			// CPU time (the process's, GC included), as wall time is
			// meaningless on a loaded machine; wall time only catches hangs.
			if cpu > time.Second || elapsed > 30*time.Second {
				t.Errorf("took %v CPU, %v wall", cpu, elapsed)
			}
			if len(out) > 2*e.Budget.MaxTokens {
				t.Errorf("output of %d tokens", len(out))
			}
			if !balanced(out) {
				t.Errorf("unbalanced output")
			}
			// Bounded memory: a small multiple of the token budget (12
			// bytes a token).
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 400<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			t.Logf("%v CPU, %v wall, %d tokens out, %d used, %d expansions, %d KiB allocated", cpu, elapsed, len(out), e.Budget.Used(), e.Expanded, (after.TotalAlloc-before.TotalAlloc)>>10)
		})
	}
}

// TestBudgetExpand checks the token budget of a single expansion.
func TestBudgetExpand(t *testing.T) {
	fset := syntax.NewFileSet()
	e := define(t, fset, `macro_rules! rep { ($($t:tt)*) => { $($t)* $($t)* $($t)* } }`)
	_, args := lexFile(t, fset, "call.rs", strings.Repeat("x ", 100))
	b := &Budget{MaxTokens: 250}
	if _, err := e.Macros["rep"].Expand(fset, args, b); !errors.Is(err, ErrBudget) {
		t.Errorf("err = %v, want ErrBudget", err)
	}
	b = &Budget{MaxTokens: 1000}
	out, err := e.Macros["rep"].Expand(fset, args, b)
	if err != nil || len(out) != 300 || b.Used() != 301 {
		t.Errorf("len %d, used %d, err %v", len(out), b.Used(), err)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
