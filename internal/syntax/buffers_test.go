package syntax_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

// dumpParse returns the tree dump and the diagnostics of src parsed with
// parse, for comparing two ways of parsing the same file.
func dumpParse(t testing.TB, src string, parse func(*syntax.File) (*syntax.SourceFile, syntax.ErrorList)) string {
	t.Helper()
	fset := syntax.NewFileSet()
	sf, errs := parse(fset.AddFile("t.rs", src))
	var buf bytes.Buffer
	if err := syntax.Fprint(&buf, fset, sf); err != nil {
		t.Fatal(err)
	}
	buf.WriteString("-- errors --\n")
	for _, e := range errs {
		buf.WriteString(e.Error() + "\n")
	}
	return buf.String()
}

// TestBuffersParseFile checks that parsing through a reused Buffers gives
// exactly the tree and diagnostics of ParseFile, whatever was parsed
// before with the same buffers: larger and smaller files, files whose
// delimiters the lexer has to rebalance (a fresh token slice), and token
// trees and attribute token lists that alias the buffers.
func TestBuffersParseFile(t *testing.T) {
	srcs := append([]string{}, fzSeeds...)
	inputs, err := filepath.Glob("testdata/golden/*.rs")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, string(b))
	}
	srcs = append(srcs,
		"fn f() { m!(a b c); } #[attr(x, y)] struct S;",
		"fn f( { ] } ) m!{ ( }",
		strings.Repeat("fn g() { h(1, [2, 3], {4}); }\n", 2000),
		"macro_rules! m { ($x:expr) => { $x + 1 }; }",
		"",
	)
	var b syntax.Buffers
	// Each order reuses the buffers after files of other sizes.
	for pass, order := range [][]string{srcs, reversed(srcs)} {
		for i, src := range order {
			want := dumpParse(t, src, syntax.ParseFile)
			if got := dumpParse(t, src, b.ParseFile); got != want {
				t.Errorf("pass %d, input %d (%.40q): Buffers.ParseFile differs from ParseFile:\n got %s\nwant %s", pass, i, src, got, want)
			}
		}
	}
}

func reversed(s []string) []string {
	r := make([]string, len(s))
	for i, x := range s {
		r[len(s)-1-i] = x
	}
	return r
}

// FuzzBuffersParseFile checks Buffers.ParseFile against ParseFile on
// pairs of inputs parsed one after the other with the same buffers.
func FuzzBuffersParseFile(f *testing.F) {
	for i, s := range fzSeeds {
		f.Add(s, fzSeeds[(i+1)%len(fzSeeds)])
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		var b syntax.Buffers
		for _, src := range []string{first, second, first} {
			if got, want := dumpParse(t, src, b.ParseFile), dumpParse(t, src, syntax.ParseFile); got != want {
				t.Fatalf("Buffers.ParseFile(%q) after other input differs from ParseFile:\n got %s\nwant %s", src, got, want)
			}
		}
	})
}
