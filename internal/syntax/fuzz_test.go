package syntax_test

// Fuzz targets for the lexer and parser. Run them with, for example:
//
//	go test ./internal/syntax -run XXX -fuzz FuzzParse -fuzztime 3m
//
// Properties checked on every input:
//   - no panic, and no "internal parser error" diagnostic;
//   - every call finishes within fzTimeout (hangs fail instead of
//     blocking);
//   - Lex: the token slice ends with EOF (and only there), its delimiters
//     balance, token positions are non-decreasing, non-overlapping and
//     inside the file, and only EOF and synthetic closers are empty;
//   - every diagnostic has Line >= 1, Column >= 1, 0 <= Offset <= len(src)
//     and the file's name, and there are at most fzMaxDiags of them;
//   - every node Inspect visits has Pos() <= End() and lies within the
//     file's range [Base, Base+len(src)].
//
// Set WARDEN_FUZZ_NOSPANS=1 to skip the node span checks (to hunt for
// panics and hangs while span bugs are still open), or
// WARDEN_FUZZ_SPAN_IGNORE to a comma-separated list of node types (as
// printed, e.g. "*syntax.WherePredicate") whose spans are not checked.
//
// Crashers are saved by "go test -fuzz" under testdata/fuzz/<Target>/ and
// are then run by every plain "go test" as regression cases.

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/syntax"
)

const (
	// fzTimeout bounds one call on one fuzz input (inputs are small).
	fzTimeout = 10 * time.Second
	// fzMaxDiags: maxErrors (100), plus the parser's first error after
	// the lexer's 100, plus the "too many errors" note.
	fzMaxDiags = 102
)

// fzSeeds is the seed corpus: valid snippets covering most of the
// grammar, then nasty inputs.
var fzSeeds = []string{
	// Items.
	"",
	"fn main() {}",
	"#![allow(dead_code)]\n//! crate doc\n/// item doc\n#[derive(Debug, Clone)]\npub struct S { pub a: u32, b: Vec<String> }",
	"struct T(pub u8, Box<dyn Fn(u32) -> u32 + Send>);\nstruct U;\nunion V { a: u32, b: f32 }",
	"enum E<T> where T: Clone { A, B(T, u8), C { x: i32 }, D = 3 }",
	"use std::{io::{self, Read}, fmt::*, collections::HashMap as Map};\nuse ::core::mem;\nextern crate alloc as a;",
	"mod m { pub(crate) fn f() {} pub(in crate::m) struct S; } mod n;",
	"pub trait Tr<'a, T: ?Sized + 'a>: Sized where Self: 'a { type A: Clone = u8; const N: usize; fn f(&self) -> Self::A; fn g(self: Box<Self>) {} }",
	"impl<T: Default> Tr for Vec<T> { type A = T; fn f(&self) -> T { T::default() } }\nimpl !Send for S {}\nunsafe impl Sync for S {}",
	"const C: &str = \"x\"; static mut S: [u8; 4] = [0; 4]; const _: () = ();",
	"type Alias<T> = Result<T, Box<dyn std::error::Error + Send + Sync + 'static>>;",
	"extern \"C\" { fn printf(fmt: *const u8, ...) -> i32; static errno: i32; }\nunsafe extern \"C\" { safe fn f(); }",
	"macro_rules! m { ($x:expr, $($y:tt)*) => { $x + m!($($y)*) }; () => {} }\nm!(1, 2);\nthread_local! { static X: u8 = 0; }",
	"async fn f() -> impl Future<Output = ()> + use<'_> { g().await }\nconst unsafe extern \"C\" fn h() {}",
	"pub(super) auto trait A {} trait B = C + D; default fn x() {}",
	"fn f<const N: usize, T = u8>(a: [T; N]) -> [T; N] { a }\nfn g(_: for<'a> fn(&'a u8) -> &'a u8) {}",
	"#[cfg(all(unix, not(target_os = \"macos\")))]\n#[unsafe(no_mangle)]\nfn f() {}",
	// Statements and expressions.
	"fn f() { let x: u32 = 1 + 2 * 3 - -4 / 5 % 6 << 1 >> 2 & 3 | 4 ^ 5; let Some(y) = o else { return; }; }",
	"fn f() { a = b += c -= d; x.0.1 = y?.z.await?; v[i][j] = *p as u64 as f32; &mut **r; &raw const x; }",
	"fn f() { if a && b || !c { } else if let Some(x) = y && x > 0 { } else { } while let Ok(_) = r {} loop { break 'a 1; } }",
	"fn f() { 'outer: for (i, &x) in v.iter().enumerate() { continue 'outer; } match x { 0 | 1 => {}, 2..=5 if y => z, _ => unreachable!() } }",
	"fn f() { let c = move |a, b: u8| -> u8 { a + b }; let d = async move { 1 }; let e = || ||| x | x; static || 1; }",
	"fn f() { S { a, b: 1, ..Default::default() }; T(1, 2); [1, 2, 3]; [0u8; 16]; (); (1,); ((1)); }",
	"fn f() { x..y; ..; ..=z; a..; Vec::<u8>::new(); <T as Tr>::f(); <[u8]>::len(&[]); <Vec<u8>>::new(); }",
	"fn f() { unsafe { } const { } try { } 'b: { break 'b; } yield x; become f(); box 1; x.f::<u8, 3>(); }",
	"fn f() { println!(\"{}\", 1); vec![1; 2]; m!{}; m! x {} ; let _ = format_args!(\"{a}\", a = 1); }",
	"fn f() { let 1.. = x; let (a, .., b) = t; let [x, rest @ ..] = s; let S { a: ref mut b, box c, .. } = s; let &(a, b) = r; }",
	"fn f() { match x { ..=0 | 10.. => {}, -1 => {}, 'a'..='z' => {}, P::Q(..) => {}, m!() => {}, ref x @ Some(_) => {}, const { 1 } => {} } }",
	"fn f() { 0x1F_u32; 0o17; 0b1010; 1_000i64; 1.5e-3; 2.; 1f32; 'a'; '\\n'; '\\u{1F600}'; b'a'; b\"x\\x00\"; c\"c\"; r\"raw\"; r##\"a\"#b\"##; br#\"x\"#; cr\"y\"; }",
	"fn f() { r#match; 'r#a: loop {}; let r#fn = 1; x.r#type; }",
	"fn f<'a>(x: &'a mut dyn for<'b> Tr<'b, Assoc = u8>, y: *const [u8], z: impl Iterator<Item: Copy>, w: ! ) {}",
	"fn f() -> <T as Iterator>::Item where for<'a> &'a T: IntoIterator, T: ~const Tr + ?Sized {}",
	"/** block doc */ /*! inner */ /* /* nested */ */ fn f() {} // line\n/*** not doc */",
	"#!/usr/bin/env rust\nfn main() {}",
	"\ufefffn main() { let ü = \"ünïcödé\"; let 变量 = 1; }",
	// Nasty inputs.
	"\"unterminated",
	"'",
	"'a",
	"'ab'",
	"b'",
	"r#\"never closed",
	"r##########\"x\"#########",
	"r#",
	"br##\"x\"#",
	"/* /* /* never closed",
	"/* */ */",
	"\xff\xfe\xfd",
	"fn \xc3\x28() {}",
	"\"\xff\"",
	"fn f() { ((((((((((((((((((((x",
	"fn f() { [[[[[[[[[[[[[[[[[[[[x]]]]]]]]]",
	"fn f() {{{{{{{{{{{{{{{{{{{{{{{{{",
	"))))]]]]}}}}",
	"([)]{(}]",
	"fn f() { - - - - - - - - - - - - - - - - - x }",
	"fn f() { !!!!!!!!!!!!!!!!!!!!!!!!!!!x }",
	"fn f() { &&&&&&&&&&&&&&&&&&&&&&x }",
	"type T = Vec<Vec<Vec<Vec<Vec<Vec<Vec<Vec<u8>>>>>>>>;",
	"fn f() { || || || || || || || || x }",
	"mod a { mod a { mod a { mod a { } } } }",
	"fn f() { if a {} else if b {} else if c {} else if d {} else {} }",
	"fn f() { x.f().f().f().f().f().f().f().f().f() }",
	"fn f(",
	"fn f() -> ",
	"impl<",
	"fn f() { let x = ; }",
	"fn f() { match { } }",
	"struct S { a: }",
	"#[",
	"#![",
	"#",
	"######",
	"$crate::x!{}",
	"fn f() { $x + $y::z }",
	"a::<b::<c>>::<",
	"fn f() { x as *const u8 < y }",
	"fn f() { a < b > c; a >>= b; a >= b; x.0.1.2; 1.0.foo(); }",
	"fn f() { 1.e3; 1..2; 1...2; x.. .y }",
	"\x00\x01\x7f",
	"\r\n\t \v\f",
	"fn f() { let x = 'a'b; }",
	"'\\u{110000}' '\\x80' \"\\q\"",
	"0x 0b2 1e 1e+ 0xg",
	"pub(",
	"pub(crate",
	"use a::{b, {c, {d}}, *;",
	"fn f() { |x| x\n}",
	"extern crate;",
	"fn f() { for }",
	"let x = 1;",
	"union union {}",
	"<<<<<<<<<<",
	">>>>>>>>>>",
	"fn f(a::<[u8; { fn g(b::<[u8; { 0 }]> x) {} 0 }]> x) {}",
	"fn f() { # }",
}

func fzSpansChecked() bool { return os.Getenv("WARDEN_FUZZ_NOSPANS") == "" }

// fzGuard runs fn on its own goroutine and fails the test if it panics
// (with the stack) or does not finish within fzTimeout.
func fzGuard(t *testing.T, what, src string, fn func()) {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Sprintf("%v\n%s", r, debug.Stack())
				return
			}
			done <- ""
		}()
		fn()
	}()
	timer := time.NewTimer(fzTimeout)
	defer timer.Stop()
	select {
	case p := <-done:
		if p != "" {
			t.Fatalf("%s panicked on %s: %s", what, fzQuote(src), p)
		}
	case <-timer.C:
		t.Fatalf("%s did not finish within %v on %s", what, fzTimeout, fzQuote(src))
	}
}

func fzQuote(src string) string {
	if len(src) > 200 {
		return fmt.Sprintf("%q… (%d bytes)", src[:200], len(src))
	}
	return fmt.Sprintf("%q", src)
}

// fzCheckErrors checks the diagnostics' count and positions. emptyOK
// permits Line/Column 0 (used for token slices that are empty, where no
// position exists; see TestParseExprEmptyTokensPosition).
func fzCheckErrors(t *testing.T, what string, f *syntax.File, errs syntax.ErrorList, emptyOK bool) {
	t.Helper()
	if len(errs) > fzMaxDiags {
		t.Errorf("%s: %d diagnostics, want at most %d", what, len(errs), fzMaxDiags)
	}
	for _, e := range errs {
		if strings.Contains(e.Msg, "internal parser error") {
			t.Fatalf("%s: %v\nsource: %s", what, e, fzQuote(f.Src))
		}
		p := e.Pos
		if emptyOK && p.Line == 0 && p.Column == 0 && p.Offset == 0 {
			continue
		}
		if p.Line < 1 || p.Column < 1 || p.Offset < 0 || p.Offset > len(f.Src) || p.Filename != f.Name {
			t.Errorf("%s: diagnostic with invalid position %+v: %s\nsource: %s", what, p, e.Msg, fzQuote(f.Src))
		}
	}
}

// fzCheckTokens checks the lexer's output invariants.
func fzCheckTokens(t *testing.T, f *syntax.File, toks []syntax.Token) {
	t.Helper()
	if len(toks) == 0 || toks[len(toks)-1].Kind != syntax.EOF {
		t.Fatalf("token slice does not end with EOF (%d tokens) for %s", len(toks), fzQuote(f.Src))
	}
	lo, hi := f.Base, f.Base+syntax.Pos(len(f.Src))
	if eof := toks[len(toks)-1]; eof.Pos != hi || eof.Len != 0 {
		t.Errorf("EOF token at %d+%d, want %d+0", eof.Pos, eof.Len, hi)
	}
	var stack []syntax.Kind
	var prev syntax.Token
	for i, tok := range toks {
		if tok.Kind == syntax.EOF && i != len(toks)-1 {
			t.Fatalf("EOF token at index %d of %d", i, len(toks))
		}
		if tok.Len < 0 || tok.Pos < lo || tok.End() > hi {
			t.Fatalf("token %d (%s at %d+%d) outside the file [%d,%d] for %s", i, tok.Kind, tok.Pos, tok.Len, lo, hi, fzQuote(f.Src))
		}
		if i > 0 && (tok.Pos < prev.Pos || tok.Pos < prev.End()) {
			t.Fatalf("token %d (%s at %d+%d) before or overlapping token %d (%s at %d+%d) for %s",
				i, tok.Kind, tok.Pos, tok.Len, i-1, prev.Kind, prev.Pos, prev.Len, fzQuote(f.Src))
		}
		if tok.Len == 0 && tok.Kind != syntax.EOF && !tok.Kind.IsClose() {
			t.Errorf("empty token %d of kind %s at %d for %s", i, tok.Kind, tok.Pos, fzQuote(f.Src))
		}
		if tok.Len > 0 && (tok.Kind.IsOpen() || tok.Kind.IsClose()) && f.Text(tok) != tok.Kind.String() {
			t.Errorf("delimiter token %d of kind %s has text %q", i, tok.Kind, f.Text(tok))
		}
		switch {
		case tok.Kind.IsOpen():
			stack = append(stack, tok.Kind)
		case tok.Kind.IsClose():
			if len(stack) == 0 || fzCloser(stack[len(stack)-1]) != tok.Kind {
				t.Fatalf("unbalanced closing delimiter %s (token %d) for %s", tok.Kind, i, fzQuote(f.Src))
			}
			stack = stack[:len(stack)-1]
		}
		prev = tok
	}
	if len(stack) != 0 {
		t.Fatalf("%d unclosed delimiters at EOF for %s", len(stack), fzQuote(f.Src))
	}
}

func fzCloser(k syntax.Kind) syntax.Kind {
	switch k {
	case syntax.LParen:
		return syntax.RParen
	case syntax.LBrack:
		return syntax.RBrack
	}
	return syntax.RBrace
}

// fzCheckSpans checks that every node n visits has a sane span inside f.
func fzCheckSpans(t *testing.T, what string, f *syntax.File, root syntax.Node) {
	t.Helper()
	if !fzSpansChecked() {
		return
	}
	lo, hi := f.Base, f.Base+syntax.Pos(len(f.Src))
	ignore := os.Getenv("WARDEN_FUZZ_SPAN_IGNORE")
	reported := 0
	syntax.Inspect(root, func(n syntax.Node) bool {
		p, e := n.Pos(), n.End()
		if (p > e || p < lo || e > hi) && reported < 3 {
			if ignore != "" && slices.Contains(strings.Split(ignore, ","), fmt.Sprintf("%T", n)) {
				return true
			}
			reported++
			t.Errorf("%s: %T has span [%d,%d) (offsets %d..%d), file range [%d,%d]\nsource: %s",
				what, n, p, e, int(p-f.Base), int(e-f.Base), lo, hi, fzQuote(f.Src))
		}
		return true
	})
}

func FuzzLex(f *testing.F) {
	for _, s := range fzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { fzDispatch(t, "FuzzLex", src) })
}

func FuzzParse(f *testing.F) {
	for _, s := range fzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { fzDispatch(t, "FuzzParse", src) })
}

// FuzzParseExpr parses the lexed tokens of the input (without EOF) as an
// expression, as statements and as items, the way macro token trees are
// parsed on demand.
func FuzzParseExpr(f *testing.F) {
	for _, s := range fzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"1 + 2 * f(x)[3].y?", "a, b", "{ x }", "|x| x + 1", "match x { _ => 1 }", "S { a: 1 }", "&mut *x as u8", "..=5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { fzDispatch(t, "FuzzParseExpr", src) })
}

var fzBodies = map[string]func(*testing.T, string){
	"FuzzLex":       fzLexBody,
	"FuzzParse":     fzParseBody,
	"FuzzParseExpr": fzParseExprBody,
}

// fzDispatch runs the target's checks on src.
func fzDispatch(t *testing.T, target, src string) { fzBodies[target](t, src) }

const (
	fzChildTarget = "WARDEN_FUZZ_CHILD_TARGET"
	fzChildInput  = "WARDEN_FUZZ_CHILD_INPUT"
)

// fzRunIsolated runs a target's checks on src in a child process (this
// test binary, running TestFuzzIsolatedChild), so that a fatal error
// fails the test instead of killing the binary.
func fzRunIsolated(t *testing.T, target, src string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), fzTimeout+20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestFuzzIsolatedChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), fzChildTarget+"="+target, fzChildInput+"="+hex.EncodeToString([]byte(src)))
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s: child process hung on %s", target, fzQuote(src))
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestFuzzIsolatedChild") {
		t.Fatalf("%s: child process failed (%v) on %s:\n%s", target, err, fzQuote(src), limCrashExcerpt(string(out)))
	}
}

// TestFuzzIsolatedChild is the child half of fzRunIsolated; it does
// nothing unless started by it.
func TestFuzzIsolatedChild(t *testing.T) {
	target := os.Getenv(fzChildTarget)
	if target == "" {
		t.Skip("only run as a child process of fzRunIsolated")
	}
	src, err := hex.DecodeString(os.Getenv(fzChildInput))
	if err != nil || fzBodies[target] == nil {
		t.Fatalf("bad child request %q: %v", target, err)
	}
	// Fail fast on runaway recursion: the parser bounds its nesting and
	// needs far less than this.
	debug.SetMaxStack(64 << 20)
	fzBodies[target](t, string(src))
}

func fzLexBody(t *testing.T, src string) {
	file := syntax.NewFileSet().AddFile("fuzz.rs", src)
	var toks []syntax.Token
	var errs syntax.ErrorList
	fzGuard(t, "Lex", src, func() { toks, errs = syntax.Lex(file) })
	fzCheckTokens(t, file, toks)
	if len(errs) > fzMaxDiags-2 {
		t.Errorf("Lex: %d diagnostics, want at most %d", len(errs), fzMaxDiags-2)
	}
	fzCheckErrors(t, "Lex", file, errs, false)
}

func fzParseBody(t *testing.T, src string) {
	file := syntax.NewFileSet().AddFile("fuzz.rs", src)
	var sf *syntax.SourceFile
	var errs syntax.ErrorList
	fzGuard(t, "ParseFile", src, func() { sf, errs = syntax.ParseFile(file) })
	fzCheckErrors(t, "ParseFile", file, errs, false)
	if sf == nil {
		t.Fatalf("ParseFile returned a nil tree")
	}
	fzGuard(t, "Inspect", src, func() { fzCheckSpans(t, "ParseFile", file, sf) })
}

func fzParseExprBody(t *testing.T, src string) {
	file := syntax.NewFileSet().AddFile("fuzz.rs", src)
	toks, _ := syntax.Lex(file)
	body := toks[:len(toks)-1] // without EOF
	empty := len(body) == 0
	var x syntax.Expr
	var stmts []syntax.Stmt
	var items []syntax.Item
	var e1, e2, e3 syntax.ErrorList
	fzGuard(t, "ParseExpr", src, func() { x, e1 = syntax.ParseExpr(file, body) })
	fzGuard(t, "ParseStmts", src, func() { stmts, e2 = syntax.ParseStmts(file, body) })
	fzGuard(t, "ParseItems", src, func() { items, e3 = syntax.ParseItems(file, body) })
	fzCheckErrors(t, "ParseExpr", file, e1, empty)
	fzCheckErrors(t, "ParseStmts", file, e2, empty)
	fzCheckErrors(t, "ParseItems", file, e3, empty)
	if x == nil {
		t.Fatalf("ParseExpr returned a nil expression for %s", fzQuote(src))
	}
	if empty {
		// Nothing to locate nodes at (see TestParseExprEmptyTokensPosition).
		return
	}
	fzGuard(t, "Inspect", src, func() {
		fzCheckSpans(t, "ParseExpr", file, x)
		for _, s := range stmts {
			fzCheckSpans(t, "ParseStmts", file, s)
		}
		for _, it := range items {
			fzCheckSpans(t, "ParseItems", file, it)
		}
	})
	// The parser splits compound tokens in a private copy: the caller's
	// tokens must be left untouched.
	again, _ := syntax.Lex(syntax.NewFileSet().AddFile("fuzz.rs", src))
	for i := range body {
		if body[i] != again[i] {
			t.Fatalf("parsing modified the caller's token %d: %+v, lexed as %+v", i, body[i], again[i])
		}
	}
}

// TestPoundInExpression: a '#' that does not start an outer attribute,
// in expression position, must be a diagnostic, not a fatal stack
// overflow (primary() used to call outerAttrs(), which consumed nothing,
// then unaryExpr() -> primary() again, forever). Run in child processes,
// since the failure mode kills the process.
func TestPoundInExpression(t *testing.T) {
	for _, src := range []string{"fn f(){#}", "const X: u8 = #;", "fn f() { #!x }", "fn f() { # 1 }"} {
		t.Run("", func(t *testing.T) { fzRunIsolated(t, "FuzzParse", src) })
	}
}

// TestParseExprEmptyTokensPosition: parsing an empty token slice (for
// example the arguments of "m!()" parsed as an expression) reports an
// error, which must still name a location in the file.
func TestParseExprEmptyTokensPosition(t *testing.T) {
	file := syntax.NewFileSet().AddFile("empty.rs", "m!()")
	_, errs := syntax.ParseExpr(file, nil)
	if len(errs) == 0 {
		t.Fatalf("ParseExpr(nil) reported no error")
	}
	for _, e := range errs {
		if e.Pos.Line < 1 || e.Pos.Column < 1 {
			t.Errorf("ParseExpr(nil): diagnostic %q has no location (%+v)", e.Error(), e.Pos)
		}
	}
}

// TestFuzzSeedSpans runs the span check over the seed corpus and lists
// every offending node kind once, as a summary (the fuzz targets stop at
// the first failure).
func TestFuzzSeedSpans(t *testing.T) {
	bad := map[string]string{}
	for _, src := range fzSeeds {
		file := syntax.NewFileSet().AddFile("seed.rs", src)
		sf, _ := syntax.ParseFile(file)
		lo, hi := file.Base, file.Base+syntax.Pos(len(src))
		syntax.Inspect(sf, func(n syntax.Node) bool {
			p, e := n.Pos(), n.End()
			if p > e || p < lo || e > hi {
				k := fmt.Sprintf("%T", n)
				if _, ok := bad[k]; !ok {
					bad[k] = fmt.Sprintf("span [%d,%d) (offsets %d..%d of %d) in %s", p, e, int(p-file.Base), int(e-file.Base), len(src), fzQuote(src))
				}
			}
			return true
		})
	}
	for k, v := range bad {
		t.Errorf("%s: %s", k, v)
	}
}
