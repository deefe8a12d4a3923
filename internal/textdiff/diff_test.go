package textdiff

import (
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	if d := Diff("a\nb\n", "a\nb\n", 40); d != "" {
		t.Errorf("equal texts: diff %q", d)
	}
	want := "1\n2\n3\n4\n5\n6\n7\n8\n"
	got := "1\n2\n3\nfour\n5\n6\n7\n8\nnine\n"
	d := Diff(want, got, 40)
	for _, l := range []string{"@@ -2 +2 @@\n", " 2\n 3\n-4\n+four\n 5\n 6\n", "+nine\n"} {
		if !strings.Contains(d, l) {
			t.Errorf("diff lacks %q:\n%s", l, d)
		}
	}
	if strings.Contains(d, " 1\n") {
		t.Errorf("diff shows more than two lines of context:\n%s", d)
	}
	if d := Diff(want, got, 1); !strings.Contains(d, "... and 2 more changed lines") {
		t.Errorf("limit not applied:\n%s", d)
	}
}
