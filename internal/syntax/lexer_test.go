package syntax

import (
	"fmt"
	"strings"
	"testing"
)

// lexTestTok is an expected token: its kind and exact text.
type lexTestTok struct {
	k Kind
	s string
}

func (t lexTestTok) String() string { return fmt.Sprintf("%s %q", t.k, t.s) }

// lexTestRun lexes src as one file and checks the invariants every
// result must satisfy: the slice ends with EOF (and only there), the
// delimiters are balanced, and tokens are in order inside the file.
func lexTestRun(t *testing.T, src string) (*File, []Token, ErrorList) {
	t.Helper()
	f := NewFileSet().AddFile("t.rs", src)
	toks, errs := Lex(f)
	lexTestInvariants(t, f, toks)
	return f, toks, errs
}

func lexTestInvariants(t *testing.T, f *File, toks []Token) {
	t.Helper()
	if len(toks) == 0 || toks[len(toks)-1].Kind != EOF {
		t.Fatalf("token slice does not end with EOF: %v", toks)
	}
	if toks[len(toks)-1].Pos != f.Pos(len(f.Src)) {
		t.Errorf("EOF at offset %d, want %d", f.Offset(toks[len(toks)-1].Pos), len(f.Src))
	}
	var stack []Kind
	prev := f.Base
	for i, tok := range toks {
		if tok.Kind == EOF && i != len(toks)-1 {
			t.Errorf("EOF token at index %d before the end", i)
		}
		if tok.Pos < prev {
			t.Errorf("token %d (%s) at offset %d goes backwards", i, tok.Kind, f.Offset(tok.Pos))
		}
		if tok.End() > f.Pos(len(f.Src)) {
			t.Errorf("token %d (%s) ends past the file", i, tok.Kind)
		}
		prev = tok.Pos
		switch {
		case tok.Kind.IsOpen():
			stack = append(stack, tok.Kind)
		case tok.Kind.IsClose():
			if len(stack) == 0 || closer(stack[len(stack)-1]) != tok.Kind {
				t.Errorf("unbalanced closing %s at index %d", tok.Kind, i)
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Errorf("unclosed delimiters at EOF: %v", stack)
	}
}

// lexTestToks converts tokens (EOF excluded) to kind/text pairs.
func lexTestToks(f *File, toks []Token) []lexTestTok {
	var out []lexTestTok
	for _, tok := range toks {
		if tok.Kind == EOF {
			break
		}
		out = append(out, lexTestTok{tok.Kind, f.Text(tok)})
	}
	return out
}

func lexTestFormat(ts []lexTestTok) string {
	var b strings.Builder
	for i, tok := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tok.String())
	}
	return "[" + b.String() + "]"
}

// lt is shorthand for building expected token lists.
func lt(k Kind, s string) lexTestTok { return lexTestTok{k, s} }

// TestLexerTokens checks exact kinds and texts for every token class;
// none of these inputs may produce an error.
func TestLexerTokens(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []lexTestTok
	}{
		// Identifiers and keywords.
		{"ident", "foo _bar baz9", []lexTestTok{lt(Identifier, "foo"), lt(Identifier, "_bar"), lt(Identifier, "baz9")}},
		{"underscore", "_", []lexTestTok{lt(Identifier, "_")}},
		{"raw ident", "r#fs r#match r#type", []lexTestTok{lt(Identifier, "r#fs"), lt(Identifier, "r#match"), lt(Identifier, "r#type")}},
		{"unicode idents", "été 变量 x变", []lexTestTok{lt(Identifier, "été"), lt(Identifier, "变量"), lt(Identifier, "x变")}},
		{"strict keywords", "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while",
			[]lexTestTok{lt(KwAs, "as"), lt(KwAsync, "async"), lt(KwAwait, "await"), lt(KwBreak, "break"), lt(KwConst, "const"), lt(KwContinue, "continue"), lt(KwCrate, "crate"), lt(KwDyn, "dyn"), lt(KwElse, "else"), lt(KwEnum, "enum"), lt(KwExtern, "extern"), lt(KwFalse, "false"), lt(KwFn, "fn"), lt(KwFor, "for"), lt(KwIf, "if"), lt(KwImpl, "impl"), lt(KwIn, "in"), lt(KwLet, "let"), lt(KwLoop, "loop"), lt(KwMatch, "match"), lt(KwMod, "mod"), lt(KwMove, "move"), lt(KwMut, "mut"), lt(KwPub, "pub"), lt(KwRef, "ref"), lt(KwReturn, "return"), lt(KwSelfValue, "self"), lt(KwSelfType, "Self"), lt(KwStatic, "static"), lt(KwStruct, "struct"), lt(KwSuper, "super"), lt(KwTrait, "trait"), lt(KwTrue, "true"), lt(KwType, "type"), lt(KwUnsafe, "unsafe"), lt(KwUse, "use"), lt(KwWhere, "where"), lt(KwWhile, "while")}},
		{"reserved keywords", "abstract become box do final gen macro override priv try typeof unsized virtual yield",
			[]lexTestTok{lt(KwAbstract, "abstract"), lt(KwBecome, "become"), lt(KwBox, "box"), lt(KwDo, "do"), lt(KwFinal, "final"), lt(KwGen, "gen"), lt(KwMacro, "macro"), lt(KwOverride, "override"), lt(KwPriv, "priv"), lt(KwTry, "try"), lt(KwTypeof, "typeof"), lt(KwUnsized, "unsized"), lt(KwVirtual, "virtual"), lt(KwYield, "yield")}},
		{"weak keywords stay identifiers", "union auto default macro_rules safe raw", []lexTestTok{lt(Identifier, "union"), lt(Identifier, "auto"), lt(Identifier, "default"), lt(Identifier, "macro_rules"), lt(Identifier, "safe"), lt(Identifier, "raw")}},
		{"keyword prefix is identifier", "fnord selfish Selfie matches", []lexTestTok{lt(Identifier, "fnord"), lt(Identifier, "selfish"), lt(Identifier, "Selfie"), lt(Identifier, "matches")}},

		// Strings.
		{"string", `"hello"`, []lexTestTok{lt(Str, `"hello"`)}},
		{"string escapes", `"a\"b\\" x`, []lexTestTok{lt(Str, `"a\"b\\"`), lt(Identifier, "x")}},
		{"multi-line string", "\"a\nb\" c", []lexTestTok{lt(Str, "\"a\nb\""), lt(Identifier, "c")}},
		{"string with suffix", `"s"suf`, []lexTestTok{lt(Str, `"s"suf`)}},
		{"string with unicode", `"€é"`, []lexTestTok{lt(Str, `"€é"`)}},
		{"raw string", `r"a\b"`, []lexTestTok{lt(RawStr, `r"a\b"`)}},
		{"raw string hashes", `r#"say "hi" # there"#`, []lexTestTok{lt(RawStr, `r#"say "hi" # there"#`)}},
		{"raw string two hashes", `r##"a "# b"## x`, []lexTestTok{lt(RawStr, `r##"a "# b"##`), lt(Identifier, "x")}},
		{"raw string backslash", `r"\" br"\" x`, []lexTestTok{lt(RawStr, `r"\"`), lt(RawByteStr, `br"\"`), lt(Identifier, "x")}},
		{"raw string ends at first matching hashes", `r#"a"## x`, []lexTestTok{lt(RawStr, `r#"a"#`), lt(Pound, "#"), lt(Identifier, "x")}},
		{"raw string multi-line", "r\"a\nb\"", []lexTestTok{lt(RawStr, "r\"a\nb\"")}},
		{"raw string empty", `r"" r#""#`, []lexTestTok{lt(RawStr, `r""`), lt(RawStr, `r#""#`)}},
		{"byte string", `b"ab\x00"`, []lexTestTok{lt(ByteStr, `b"ab\x00"`)}},
		{"raw byte string", `br#"a"b"# br"x"`, []lexTestTok{lt(RawByteStr, `br#"a"b"#`), lt(RawByteStr, `br"x"`)}},
		{"C string", `c"hi"`, []lexTestTok{lt(CStr, `c"hi"`)}},
		{"raw C string", `cr"hi" cr#"a"b"#`, []lexTestTok{lt(RawCStr, `cr"hi"`), lt(RawCStr, `cr#"a"b"#`)}},
		{"prefix letters alone are identifiers", "b c r br cr", []lexTestTok{lt(Identifier, "b"), lt(Identifier, "c"), lt(Identifier, "r"), lt(Identifier, "br"), lt(Identifier, "cr")}},

		// Bytes and chars.
		{"byte", `b'x' b'\n' b'\''`, []lexTestTok{lt(Byte, `b'x'`), lt(Byte, `b'\n'`), lt(Byte, `b'\''`)}},
		{"char", `'a'`, []lexTestTok{lt(Char, `'a'`)}},
		{"char escapes", `'\n' '\'' '\\' '\u{1F600}' '\x41'`, []lexTestTok{lt(Char, `'\n'`), lt(Char, `'\''`), lt(Char, `'\\'`), lt(Char, `'\u{1F600}'`), lt(Char, `'\x41'`)}},
		{"unicode char", `'é' '变' '😀'`, []lexTestTok{lt(Char, `'é'`), lt(Char, `'变'`), lt(Char, `'😀'`)}},
		{"quote chars", `'"' ' '`, []lexTestTok{lt(Char, `'"'`), lt(Char, `' '`)}},
		{"char suffix", `'a'x`, []lexTestTok{lt(Char, `'a'x`)}},

		// Lifetimes and labels.
		{"lifetimes", "'a 'static '_ 'abc", []lexTestTok{lt(Lifetime, "'a"), lt(Lifetime, "'static"), lt(Lifetime, "'_"), lt(Lifetime, "'abc")}},
		{"label", "'outer: loop {}", []lexTestTok{lt(Lifetime, "'outer"), lt(Colon, ":"), lt(KwLoop, "loop"), lt(LBrace, "{"), lt(RBrace, "}")}},
		{"lifetime in ref type", "&'a str", []lexTestTok{lt(And, "&"), lt(Lifetime, "'a"), lt(Identifier, "str")}},
		{"lifetime then char", "'a 'b'", []lexTestTok{lt(Lifetime, "'a"), lt(Char, "'b'")}},
		{"lifetime generics", "<'a>", []lexTestTok{lt(Lt, "<"), lt(Lifetime, "'a"), lt(Gt, ">")}},
		{"raw lifetime", "'r#a", []lexTestTok{lt(Lifetime, "'r#a")}},
		{"unicode lifetime", "'été", []lexTestTok{lt(Lifetime, "'été")}},

		// Numbers.
		{"int", "0 42 1_000", []lexTestTok{lt(Int, "0"), lt(Int, "42"), lt(Int, "1_000")}},
		{"hex int suffix", "0x1F_u8 0xff", []lexTestTok{lt(Int, "0x1F_u8"), lt(Int, "0xff")}},
		{"octal", "0o17 0o7_7", []lexTestTok{lt(Int, "0o17"), lt(Int, "0o7_7")}},
		{"binary", "0b1010i32 0b1", []lexTestTok{lt(Int, "0b1010i32"), lt(Int, "0b1")}},
		{"int suffixes", "1u8 2usize 3i128", []lexTestTok{lt(Int, "1u8"), lt(Int, "2usize"), lt(Int, "3i128")}},
		{"float", "1.5 0.0 3.14159", []lexTestTok{lt(Float, "1.5"), lt(Float, "0.0"), lt(Float, "3.14159")}},
		{"float exponent", "1.5e-3f64 1e10 2E+5 1e_3", []lexTestTok{lt(Float, "1.5e-3f64"), lt(Float, "1e10"), lt(Float, "2E+5"), lt(Float, "1e_3")}},
		{"float suffix only", "1f32 2f64", []lexTestTok{lt(Float, "1f32"), lt(Float, "2f64")}},
		{"float underscore suffix", "1.0_f32", []lexTestTok{lt(Float, "1.0_f32")}},
		{"trailing dot float", "2.", []lexTestTok{lt(Float, "2.")}},
		{"trailing dot float then space", "2. + 1", []lexTestTok{lt(Float, "2."), lt(Plus, "+"), lt(Int, "1")}},
		{"range of floats", "1.0..2.0", []lexTestTok{lt(Float, "1.0"), lt(DotDot, ".."), lt(Float, "2.0")}},
		{"float method", "2.0f32.sqrt()", []lexTestTok{lt(Float, "2.0f32"), lt(Dot, "."), lt(Identifier, "sqrt"), lt(LParen, "("), lt(RParen, ")")}},
		{"int dot suffix ident", "2.f32", []lexTestTok{lt(Int, "2"), lt(Dot, "."), lt(Identifier, "f32")}},
		{"range of ints", "1..2", []lexTestTok{lt(Int, "1"), lt(DotDot, ".."), lt(Int, "2")}},
		{"inclusive range", "0..=9", []lexTestTok{lt(Int, "0"), lt(DotDotEq, "..="), lt(Int, "9")}},
		{"method on int", "1.max(2)", []lexTestTok{lt(Int, "1"), lt(Dot, "."), lt(Identifier, "max"), lt(LParen, "("), lt(Int, "2"), lt(RParen, ")")}},
		{"int dot ident e", "1.e5", []lexTestTok{lt(Int, "1"), lt(Dot, "."), lt(Identifier, "e5")}},
		{"tuple index", "x.0.1", []lexTestTok{lt(Identifier, "x"), lt(Dot, "."), lt(Float, "0.1")}},
		{"tuple index single", "x.0", []lexTestTok{lt(Identifier, "x"), lt(Dot, "."), lt(Int, "0")}},
		{"negative is two tokens", "-1", []lexTestTok{lt(Minus, "-"), lt(Int, "1")}},

		// Punctuation.
		{"delimiters", "()[]{}", []lexTestTok{lt(LParen, "("), lt(RParen, ")"), lt(LBrack, "["), lt(RBrack, "]"), lt(LBrace, "{"), lt(RBrace, "}")}},
		{"single punct", "; , . : # $ ? ~ @ = < > ! + - * / % ^ & |",
			[]lexTestTok{lt(Semi, ";"), lt(Comma, ","), lt(Dot, "."), lt(Colon, ":"), lt(Pound, "#"), lt(Dollar, "$"), lt(Question, "?"), lt(Tilde, "~"), lt(At, "@"), lt(Eq, "="), lt(Lt, "<"), lt(Gt, ">"), lt(Not, "!"), lt(Plus, "+"), lt(Minus, "-"), lt(Star, "*"), lt(Slash, "/"), lt(Percent, "%"), lt(Caret, "^"), lt(And, "&"), lt(Or, "|")}},
		{"compound punct", ":: -> => .. ... ..= == != <= >= && || << >> += -= *= /= %= ^= &= |= <<= >>= <-",
			[]lexTestTok{lt(PathSep, "::"), lt(RArrow, "->"), lt(FatArrow, "=>"), lt(DotDot, ".."), lt(DotDotDot, "..."), lt(DotDotEq, "..="), lt(EqEq, "=="), lt(Ne, "!="), lt(Le, "<="), lt(Ge, ">="), lt(AndAnd, "&&"), lt(OrOr, "||"), lt(Shl, "<<"), lt(Shr, ">>"), lt(PlusEq, "+="), lt(MinusEq, "-="), lt(StarEq, "*="), lt(SlashEq, "/="), lt(PercentEq, "%="), lt(CaretEq, "^="), lt(AndEq, "&="), lt(OrEq, "|="), lt(ShlEq, "<<="), lt(ShrEq, ">>="), lt(LArrow, "<-")}},
		{"maximal munch", "a<<=b>>=c", []lexTestTok{lt(Identifier, "a"), lt(ShlEq, "<<="), lt(Identifier, "b"), lt(ShrEq, ">>="), lt(Identifier, "c")}},
		{"nested generics close", "Vec<Vec<u8>>", []lexTestTok{lt(Identifier, "Vec"), lt(Lt, "<"), lt(Identifier, "Vec"), lt(Lt, "<"), lt(Identifier, "u8"), lt(Shr, ">>")}},
		{"four dots", "....", []lexTestTok{lt(DotDotDot, "..."), lt(Dot, ".")}},
		{"path", "::std::fs", []lexTestTok{lt(PathSep, "::"), lt(Identifier, "std"), lt(PathSep, "::"), lt(Identifier, "fs")}},
		{"colon colon colon", ":::", []lexTestTok{lt(PathSep, "::"), lt(Colon, ":")}},

		// Comments.
		{"line comment vanishes", "a // comment\nb", []lexTestTok{lt(Identifier, "a"), lt(Identifier, "b")}},
		{"block comment vanishes", "a /* x */ b", []lexTestTok{lt(Identifier, "a"), lt(Identifier, "b")}},
		{"slash star slash opens a comment", "a /*/ b */ c", []lexTestTok{lt(Identifier, "a"), lt(Identifier, "c")}},
		{"comment markers in strings", `"/* // */" x`, []lexTestTok{lt(Str, `"/* // */"`), lt(Identifier, "x")}},
		{"quote in comment", "// it's\nx", []lexTestTok{lt(Identifier, "x")}},
		{"nested block comment", "a /* /* */ still comment */ b", []lexTestTok{lt(Identifier, "a"), lt(Identifier, "b")}},
		{"outer doc comment", "/// doc\nfn", []lexTestTok{lt(DocComment, "/// doc"), lt(KwFn, "fn")}},
		{"empty outer doc", "///\nfn", []lexTestTok{lt(DocComment, "///"), lt(KwFn, "fn")}},
		{"inner doc comment", "//! crate doc\n", []lexTestTok{lt(DocComment, "//! crate doc")}},
		{"outer block doc", "/** doc */ fn", []lexTestTok{lt(DocComment, "/** doc */"), lt(KwFn, "fn")}},
		{"inner block doc", "/*! doc */", []lexTestTok{lt(DocComment, "/*! doc */")}},
		{"empty inner block doc", "/*!*/", []lexTestTok{lt(DocComment, "/*!*/")}},
		{"nested block doc", "/** a /* b */ c */", []lexTestTok{lt(DocComment, "/** a /* b */ c */")}},
		{"four slashes is plain", "//// not doc\nx", []lexTestTok{lt(Identifier, "x")}},
		{"three stars is plain", "/*** not doc */ x", []lexTestTok{lt(Identifier, "x")}},
		{"slash star star star slash is plain", "/***/ x", []lexTestTok{lt(Identifier, "x")}},
		{"empty block comment is plain", "/**/ x", []lexTestTok{lt(Identifier, "x")}},
		{"comment at EOF without newline", "x // end", []lexTestTok{lt(Identifier, "x")}},

		// File start.
		{"shebang", "#!/usr/bin/env run\nfn main() {}", []lexTestTok{lt(KwFn, "fn"), lt(Identifier, "main"), lt(LParen, "("), lt(RParen, ")"), lt(LBrace, "{"), lt(RBrace, "}")}},
		{"inner attribute is not shebang", "#![allow(x)]", []lexTestTok{lt(Pound, "#"), lt(Not, "!"), lt(LBrack, "["), lt(Identifier, "allow"), lt(LParen, "("), lt(Identifier, "x"), lt(RParen, ")"), lt(RBrack, "]")}},
		{"inner attribute with space is not shebang", "#! [no_std]", []lexTestTok{lt(Pound, "#"), lt(Not, "!"), lt(LBrack, "["), lt(Identifier, "no_std"), lt(RBrack, "]")}},
		{"shebang only at file start", "x\n#!/bin/sh", []lexTestTok{lt(Identifier, "x"), lt(Pound, "#"), lt(Not, "!"), lt(Slash, "/"), lt(Identifier, "bin"), lt(Slash, "/"), lt(Identifier, "sh")}},
		{"BOM", "\uFEFFfn", []lexTestTok{lt(KwFn, "fn")}},
		{"BOM then shebang", "\uFEFF#!/bin/run\nx", []lexTestTok{lt(Identifier, "x")}},
		{"unicode whitespace", "a\u2028b\u200Ec\u0085d\u2029e", []lexTestTok{lt(Identifier, "a"), lt(Identifier, "b"), lt(Identifier, "c"), lt(Identifier, "d"), lt(Identifier, "e")}},
		// Rust's Pattern_White_Space includes vertical tab and form feed.
		{"vertical tab and form feed", "a\vb\fc", []lexTestTok{lt(Identifier, "a"), lt(Identifier, "b"), lt(Identifier, "c")}},
		{"empty", "", nil},
		{"only comments", "// a\n/* b */", nil},

		// Mixed.
		{"statement", "let x: &'a [u8] = b\"hi\";", []lexTestTok{lt(KwLet, "let"), lt(Identifier, "x"), lt(Colon, ":"), lt(And, "&"), lt(Lifetime, "'a"), lt(LBrack, "["), lt(Identifier, "u8"), lt(RBrack, "]"), lt(Eq, "="), lt(ByteStr, `b"hi"`), lt(Semi, ";")}},
		{"macro call", "println!(\"{}\", x);", []lexTestTok{lt(Identifier, "println"), lt(Not, "!"), lt(LParen, "("), lt(Str, `"{}"`), lt(Comma, ","), lt(Identifier, "x"), lt(RParen, ")"), lt(Semi, ";")}},
		{"closure", "|x| x + 1", []lexTestTok{lt(Or, "|"), lt(Identifier, "x"), lt(Or, "|"), lt(Identifier, "x"), lt(Plus, "+"), lt(Int, "1")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, toks, errs := lexTestRun(t, tc.src)
			if len(errs) != 0 {
				t.Errorf("Lex(%q): unexpected errors: %v", tc.src, errs)
			}
			got := lexTestToks(f, toks)
			if lexTestFormat(got) != lexTestFormat(tc.want) {
				t.Errorf("Lex(%q):\n got  %s\n want %s", tc.src, lexTestFormat(got), lexTestFormat(tc.want))
			}
		})
	}
}

// TestLexerPositions checks that token positions are byte offsets and that
// Position counts characters for columns.
func TestLexerPositions(t *testing.T) {
	src := "fn f() {\n\tlet é = \"€\"; x\n}"
	f, toks, errs := lexTestRun(t, src)
	if len(errs) != 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	want := []struct {
		text      string
		line, col int
		offset    int
	}{
		{"fn", 1, 1, 0}, {"f", 1, 4, 3}, {"(", 1, 5, 4}, {")", 1, 6, 5}, {"{", 1, 8, 7},
		{"let", 2, 2, 10}, {"é", 2, 6, 14}, {"=", 2, 8, 17}, {`"€"`, 2, 10, 19}, {";", 2, 13, 24}, {"x", 2, 15, 26},
		{"}", 3, 1, 28},
	}
	if len(toks) != len(want)+1 {
		t.Fatalf("got %d tokens, want %d: %s", len(toks)-1, len(want), lexTestFormat(lexTestToks(f, toks)))
	}
	for i, w := range want {
		tok := toks[i]
		pos := f.Position(tok.Pos)
		if f.Text(tok) != w.text || pos.Line != w.line || pos.Column != w.col || pos.Offset != w.offset {
			t.Errorf("token %d: got %q at %d:%d (offset %d), want %q at %d:%d (offset %d)",
				i, f.Text(tok), pos.Line, pos.Column, pos.Offset, w.text, w.line, w.col, w.offset)
		}
	}
	eof := f.Position(toks[len(toks)-1].Pos)
	if eof.Line != 3 || eof.Column != 2 {
		t.Errorf("EOF at %d:%d, want 3:2", eof.Line, eof.Column)
	}
}

// TestLexerSecondFile checks that positions of a file that is not the
// first of its FileSet are offset by its base and still map back.
func TestLexerSecondFile(t *testing.T) {
	fset := NewFileSet()
	fset.AddFile("a.rs", "fn a() {}")
	f := fset.AddFile("b.rs", "x\n  yy")
	toks, errs := Lex(f)
	if len(errs) != 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	lexTestInvariants(t, f, toks)
	if len(toks) != 3 {
		t.Fatalf("got %d tokens, want 3", len(toks))
	}
	if got := fset.Text(toks[1]); got != "yy" {
		t.Errorf("FileSet.Text = %q, want yy", got)
	}
	if p := fset.Position(toks[1].Pos); p.Filename != "b.rs" || p.Line != 2 || p.Column != 3 {
		t.Errorf("position %v, want b.rs:2:3", p)
	}
}

type lexTestErr struct {
	line, col int
	msg       string // substring of the message
}

// TestLexerErrors checks that each problem is reported at the right
// line:col, that lexing goes on, and that the tokens stay usable.
func TestLexerErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		errs []lexTestErr
		want []lexTestTok // expected tokens (EOF excluded); nil to skip
	}{
		{"invalid UTF-8", "a \xff b", []lexTestErr{{1, 3, "invalid UTF-8"}},
			[]lexTestTok{lt(Identifier, "a"), lt(Invalid, "\xff"), lt(Identifier, "b")}},
		{"invalid UTF-8 after unicode", "é\xfe x", []lexTestErr{{1, 2, "invalid UTF-8"}},
			[]lexTestTok{lt(Identifier, "é"), lt(Invalid, "\xfe"), lt(Identifier, "x")}},
		{"invalid UTF-8 in string", "x \"a\xffb\" y", []lexTestErr{{1, 5, "invalid UTF-8"}},
			[]lexTestTok{lt(Identifier, "x"), lt(Str, "\"a\xffb\""), lt(Identifier, "y")}},
		{"invalid UTF-8 in comment", "x // \xc3\n y", []lexTestErr{{1, 6, "invalid UTF-8"}},
			[]lexTestTok{lt(Identifier, "x"), lt(Identifier, "y")}},
		{"stray euro", "let x = €;", []lexTestErr{{1, 9, "unexpected character"}},
			[]lexTestTok{lt(KwLet, "let"), lt(Identifier, "x"), lt(Eq, "="), lt(Invalid, "€"), lt(Semi, ";")}},
		{"euro in string is fine then stray", "\"€\" é €", []lexTestErr{{1, 7, "unexpected character"}},
			[]lexTestTok{lt(Str, "\"€\""), lt(Identifier, "é"), lt(Invalid, "€")}},
		{"backtick", "a `b", []lexTestErr{{1, 3, "unexpected character"}},
			[]lexTestTok{lt(Identifier, "a"), lt(Invalid, "`"), lt(Identifier, "b")}},
		{"control character", "a\x01b", []lexTestErr{{1, 2, "control character"}},
			[]lexTestTok{lt(Identifier, "a"), lt(Invalid, "\x01"), lt(Identifier, "b")}},
		{"second line column counts chars", "fn f() {}\n/* é */ é `", []lexTestErr{{2, 11, "unexpected character"}}, nil},
		{"unterminated string", "x \"abc\ndef", []lexTestErr{{1, 3, "unterminated"}},
			[]lexTestTok{lt(Identifier, "x"), lt(Str, "\"abc\ndef")}},
		{"unterminated string after escape", "\"abc\\", []lexTestErr{{1, 1, "unterminated"}},
			[]lexTestTok{lt(Str, "\"abc\\")}},
		{"unterminated byte string", "b\"abc", []lexTestErr{{1, 1, "unterminated"}},
			[]lexTestTok{lt(ByteStr, "b\"abc")}},
		{"unterminated block comment", "a\n  /* x /* y */ z", []lexTestErr{{2, 3, "unterminated block comment"}},
			[]lexTestTok{lt(Identifier, "a")}},
		{"unterminated raw string", "x r#\"abc\"", []lexTestErr{{1, 3, "unterminated"}},
			[]lexTestTok{lt(Identifier, "x"), lt(RawStr, "r#\"abc\"")}},
		{"unterminated char stops at newline", "'\\n\nx", []lexTestErr{{1, 1, "unterminated"}}, nil},
		{"over-long char", "'ab'", []lexTestErr{{1, 1, "one codepoint"}}, []lexTestTok{lt(Char, "'ab'")}},
		{"unbalanced mismatched", "(]", []lexTestErr{{1, 1, "unclosed delimiter"}, {1, 2, "unexpected closing delimiter"}},
			[]lexTestTok{lt(LParen, "("), lt(RParen, "")}},
		{"stray closer", "a ) b", []lexTestErr{{1, 3, "unexpected closing delimiter"}},
			[]lexTestTok{lt(Identifier, "a"), lt(Identifier, "b")}},
		{"unclosed at EOF", "fn f() {\n  x", []lexTestErr{{1, 8, "unclosed delimiter"}},
			[]lexTestTok{lt(KwFn, "fn"), lt(Identifier, "f"), lt(LParen, "("), lt(RParen, ")"), lt(LBrace, "{"), lt(Identifier, "x"), lt(RBrace, "")}},
		{"closer closes inner groups", "{ ( }", []lexTestErr{{1, 3, "unclosed delimiter"}},
			[]lexTestTok{lt(LBrace, "{"), lt(LParen, "("), lt(RParen, ""), lt(RBrace, "}")}},
		{"emoji is not an identifier", "let 😀 = 1;", []lexTestErr{{1, 5, "unexpected character"}},
			[]lexTestTok{lt(KwLet, "let"), lt(Invalid, "😀"), lt(Eq, "="), lt(Int, "1"), lt(Semi, ";")}},
		{"BOM inside the file", "a \uFEFF b", []lexTestErr{{1, 3, "unexpected character"}},
			[]lexTestTok{lt(Identifier, "a"), lt(Invalid, "\uFEFF"), lt(Identifier, "b")}},
		{"several problems", "€ `\n\xff (", []lexTestErr{{1, 1, "unexpected character"}, {1, 3, "unexpected character"}, {2, 1, "invalid UTF-8"}, {2, 3, "unclosed delimiter"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, toks, errs := lexTestRun(t, tc.src)
			errs.Sort()
			if len(errs) != len(tc.errs) {
				t.Fatalf("Lex(%q): got %d errors, want %d: %v", tc.src, len(errs), len(tc.errs), lexTestErrs(errs))
			}
			for i, w := range tc.errs {
				e := errs[i]
				if e.Pos.Line != w.line || e.Pos.Column != w.col || !strings.Contains(e.Msg, w.msg) || e.Pos.Filename != "t.rs" {
					t.Errorf("error %d: got %s, want %d:%d containing %q", i, e, w.line, w.col, w.msg)
				}
			}
			if tc.want != nil {
				got := lexTestToks(f, toks)
				if lexTestFormat(got) != lexTestFormat(tc.want) {
					t.Errorf("Lex(%q):\n got  %s\n want %s", tc.src, lexTestFormat(got), lexTestFormat(tc.want))
				}
			}
		})
	}
}

func lexTestErrs(errs ErrorList) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

// TestLexerSyntheticClosers checks that synthetic closers are zero-width
// and placed where the group was closed.
func TestLexerSyntheticClosers(t *testing.T) {
	src := "f(a, [b"
	f, toks, errs := lexTestRun(t, src)
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want 2: %v", len(errs), errs)
	}
	n := len(toks)
	if n < 3 || toks[n-3].Kind != RBrack || toks[n-2].Kind != RParen {
		t.Fatalf("want synthetic ] ) before EOF, got %s", lexTestFormat(lexTestToks(f, toks)))
	}
	for _, tok := range toks[n-3 : n-1] {
		if tok.Len != 0 || f.Offset(tok.Pos) != len(src) {
			t.Errorf("synthetic %s: len %d at offset %d, want 0 at %d", tok.Kind, tok.Len, f.Offset(tok.Pos), len(src))
		}
	}
}

// TestLexerGarbage runs hostile inputs through the lexer: they must not
// panic and must keep the invariants (EOF last, balanced delimiters).
func TestLexerGarbage(t *testing.T) {
	inputs := []string{
		"(((((", ")))))", "]}[{)(", "'", "\"", "r#", "r#\"", "br##\"x\"#", "b'", "c\"", "'\\", "/*", "/*/", "#!",
		"\xff\xfe\xfd", "0x", "0b", "1e", "1e+", "1.", "..=", "r#$", "'r#", "'\u00e9", "\u00e9'", "///", "//!",
		"#![", "\uFEFF", "\uFEFF\uFEFF", "'a'b'c'", strings.Repeat("{", 100) + strings.Repeat(")", 50),
	}
	for _, src := range inputs {
		f := NewFileSet().AddFile("g.rs", src)
		toks, _ := Lex(f)
		lexTestInvariants(t, f, toks)
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{EOF, "end of file"}, {Identifier, "identifier"}, {ShrEq, ">>="}, {KwSelfType, "Self"}, {KwFn, "fn"}, {Kind(250), "Kind(250)"},
	}
	for _, tc := range tests {
		if got := tc.k.String(); got != tc.want {
			t.Errorf("Kind(%d).String() = %q, want %q", tc.k, got, tc.want)
		}
	}
	if !KwYield.IsKeyword() || Identifier.IsKeyword() || !RawCStr.IsLiteral() || DocComment.IsLiteral() || !LBrace.IsOpen() || !RBrack.IsClose() {
		t.Error("kind predicates are wrong")
	}
}
