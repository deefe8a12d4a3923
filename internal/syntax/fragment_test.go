package syntax

import "testing"

func TestFragmentMatcher(t *testing.T) {
	tests := []struct {
		src  string
		kind FragmentKind
		n    int
		ok   bool
	}{
		{"a + b * c, d", FragExpr, 5, true},
		{"f(x)?.y => z", FragExpr, 7, true},
		{"Vec<Vec<u8>>, x", FragTy, 6, true},
		{"&'a mut [u8] ; 3", FragTy, 6, true},
		{"std::fs::File::open(p)", FragPath, 10, true}, // type-style path: (p) is Fn sugar
		{"std::fs::File, x", FragPath, 5, true},
		{"Some(x) | None => 1", FragPat, 6, true},
		{"Some(x) | None => 1", FragPatParam, 4, true},
		{"{ a; b } c", FragBlock, 5, true},
		{"let x: u8 = 1; more", FragStmt, 6, true},
		{"fn f() {} fn g() {}", FragItem, 6, true},
		{"(a b) c", FragTT, 4, true},
		{"x y", FragTT, 1, true},
		{"-1 ,", FragLiteral, 2, true},
		{"\"s\"", FragLiteral, 1, true},
		{"'a x", FragLifetime, 1, true},
		{"foo bar", FragIdent, 1, true},
		{"_ bar", FragIdent, 0, false},
		{"pub(crate) fn", FragVis, 4, true},
		{"fn", FragVis, 0, true},
		{"cfg(unix) ,", FragMeta, 4, true},
		{"path = \"a.rs\" ,", FragMeta, 3, true},
		{", x", FragExpr, 0, false},
		{"", FragExpr, 0, false},
		{"x", FragBlock, 0, false},
	}
	for _, tc := range tests {
		fset := NewFileSet()
		f := fset.AddFile("m.rs", tc.src)
		toks, errs := Lex(f)
		if len(errs) > 0 {
			t.Fatalf("%q: lex errors %v", tc.src, errs)
		}
		toks = toks[:len(toks)-1] // drop EOF: matching works on token-tree contents
		m := NewFragmentMatcher(f, toks)
		n, ok := m.Match(0, tc.kind)
		if n != tc.n || ok != tc.ok {
			t.Errorf("Match(%q, %d) = %d, %v; want %d, %v", tc.src, tc.kind, n, ok, tc.n, tc.ok)
		}
		// Matching must not alter the tokens (split ">>" restored).
		again, ok2 := m.Match(0, tc.kind)
		if again != n || ok2 != ok {
			t.Errorf("second Match(%q) = %d, %v; first %d, %v", tc.src, again, ok2, n, ok)
		}
	}
}

func TestMatchAtOffset(t *testing.T) {
	fset := NewFileSet()
	f := fset.AddFile("m.rs", "1, 2 + 3, foo(4)")
	toks, _ := Lex(f)
	toks = toks[:len(toks)-1]
	m := NewFragmentMatcher(f, toks)
	var got []int
	for off := 0; off < len(toks); {
		n, ok := m.Match(off, FragExpr)
		if !ok {
			t.Fatalf("no expr at %d", off)
		}
		got = append(got, n)
		off += n + 1 // skip the comma
	}
	if len(got) != 3 || got[0] != 1 || got[1] != 3 || got[2] != 4 {
		t.Errorf("expr lengths = %v, want [1 3 4]", got)
	}
}

func TestParseMeta(t *testing.T) {
	fset := NewFileSet()
	f := fset.AddFile("m.rs", `feature = "std"`)
	toks, _ := Lex(f)
	a, errs := ParseMeta(f, toks[:len(toks)-1])
	if len(errs) > 0 || a.Path.String() != "feature" || len(a.Tokens) != 2 || f.Text(a.Tokens[1]) != `"std"` {
		t.Errorf("ParseMeta = %+v, %v", a, errs)
	}
}
