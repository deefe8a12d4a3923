package syntax

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// TestGolden parses each testdata/golden/*.rs file and compares the tree
// dump (Fprint) followed by the diagnostics with the .golden file beside
// it. Run "go test ./internal/syntax -run Golden -update" to rewrite the
// golden files after an intended change, and review the diff.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/golden/*.rs")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			fset := NewFileSet()
			f := fset.AddFile(filepath.Base(in), string(src))
			sf, errs := ParseFile(f)
			var buf bytes.Buffer
			if err := Fprint(&buf, fset, sf); err != nil {
				t.Fatal(err)
			}
			buf.WriteString("-- errors --\n")
			for _, e := range errs {
				buf.WriteString(e.Error() + "\n")
			}
			golden := strings.TrimSuffix(in, ".rs") + ".golden"
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("tree of %s differs from %s; run with -update and review the diff.\n%s", in, golden, firstDiff(got, string(want)))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}
