package syntax

import "testing"

func TestStringValue(t *testing.T) {
	tests := []struct {
		lit  string
		want string
		ok   bool
	}{
		{`"a.rs"`, "a.rs", true},
		{`"a\"b\\c\n"`, "a\"b\\c\n", true},
		{`"\x41\u{1F600}\u{00_e9}"`, "A😀é", true},
		{"\"a\\\n   b\"", "ab", true},
		{`r"C:\x"`, `C:\x`, true},
		{`r#"say "hi""#`, `say "hi"`, true},
		{`"x"suffix`, "x", true},
		{`b"x"`, "", false},
		{`"\q"`, "", false},
		{`"\xff"`, "", false},
		{`"\u{110000}"`, "", false},
		{`x`, "", false},
	}
	for _, tc := range tests {
		got, ok := StringValue(tc.lit)
		if got != tc.want || ok != tc.ok {
			t.Errorf("StringValue(%q) = %q, %v; want %q, %v", tc.lit, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFileLine(t *testing.T) {
	f := NewFileSet().AddFile("l.rs", "a\r\nbb\n\nccc")
	for n, want := range map[int]string{0: "", 1: "a", 2: "bb", 3: "", 4: "ccc", 5: ""} {
		if got := f.Line(n); got != want {
			t.Errorf("Line(%d) = %q, want %q", n, got, want)
		}
	}
}
