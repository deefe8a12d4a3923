package serve

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// wellFormed checks that every line of HighlightRust's output is one
// balanced <span class="line"> element (parsed as XML) and returns the
// number of lines.
func wellFormed(t *testing.T, out string) int {
	t.Helper()
	if out == "" {
		return 0
	}
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline: %q", tail(out))
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		id := fmt.Sprintf(`id="L%d"`, i+1)
		if !strings.HasPrefix(l, `<span class="line`) || !strings.Contains(l, id) || !strings.HasSuffix(l, "</span>") {
			t.Fatalf("line %d malformed: %q", i+1, l)
		}
		if err := parseXML(l); err != nil {
			t.Fatalf("line %d is not balanced: %v\n%q", i+1, err, l)
		}
	}
	return len(lines)
}

func parseXML(s string) error {
	d := xml.NewDecoder(strings.NewReader("<root>" + s + "</root>"))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func tail(s string) string {
	if len(s) > 200 {
		return s[len(s)-200:]
	}
	return s
}

func TestHighlightClasses(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the output
		not       []string
	}{
		{"keywords", "pub fn main() { let mut x = self; }",
			[]string{`<span class="kw">pub fn</span> main`, `<span class="kw">let mut</span> x`, `<span class="kw">self</span>`}, nil},
		{"string", `let s = "a <b> & 'c'";`, []string{`<span class="str">&#34;a &lt;b&gt; &amp; &#39;c&#39;&#34;</span>`}, nil},
		{"char and byte", `('x', b'y', '\n')`,
			[]string{`<span class="str">&#39;x&#39;</span>`, `<span class="str">b&#39;y&#39;</span>`, `<span class="str">&#39;\n&#39;</span>`}, nil},
		{"byte, raw and C strings", `(b"a", r#"b"#, br"c", c"d")`,
			[]string{`<span class="str">b&#34;a&#34;</span>`, `<span class="str">r#&#34;b&#34;#</span>`, `<span class="str">br&#34;c&#34;</span>`, `<span class="str">c&#34;d&#34;</span>`}, nil},
		{"numbers", "x(1u8, 0x1F, 1.5e3, 2_000)",
			[]string{`<span class="num">1u8</span>`, `<span class="num">0x1F</span>`, `<span class="num">1.5e3</span>`, `<span class="num">2_000</span>`}, nil},
		{"line comment", "x(); // a <comment>", []string{`x(); <span class="com">// a &lt;comment&gt;</span>`}, nil},
		{"block comment", "a /* b /* nested */ c */ d", []string{`a <span class="com">/* b /* nested */ c */</span> d`}, nil},
		{"doc comments", "//! inner\n/// outer\nfn f() {}",
			[]string{`<span class="com">//! inner</span>`, `<span class="com">/// outer</span>`}, nil},
		{"macro", `println!("x"); macro_rules! m { () => {} }`,
			[]string{`<span class="mac">println!</span>(<span class="str">`, `<span class="mac">macro_rules!</span> m`}, nil},
		{"not a macro", "if !a && b != c { }", nil, []string{`class="mac"`}},
		{"attribute", "#[inline]\nfn f() {}", []string{`<span class="attr">#[inline]</span>`}, nil},
		{"inner attribute", "#![no_std]", []string{`<span class="attr">#![no_std]</span>`}, nil},
		{"attribute with literal", `#[path = "x<img>.rs"] mod m;`,
			[]string{`<span class="attr">#[path =</span> <span class="str">&#34;x&lt;img&gt;.rs&#34;</span><span class="attr">]</span>`}, nil},
		{"nested attribute brackets", "#[cfg(all(unix, not(x)))] fn f() {}",
			[]string{`<span class="attr">#[cfg(all(unix, not(x)))]</span> <span class="kw">fn</span>`}, nil},
		{"lifetimes", "fn f<'a>(x: &'a str) -> &'static str { 'l: loop {} }",
			[]string{`<span class="lt">&#39;a</span>&gt;`, `<span class="lt">&#39;static</span>`, `<span class="lt">&#39;l</span>:`}, nil},
		{"shebang", "#!/usr/bin/env run-cargo-script\nfn main() {}", []string{`<span class="com">#!/usr/bin/env run-cargo-script</span>`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := HighlightRust(tt.src, nil)
			wellFormed(t, out)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %s\nin %s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("unexpected %s\nin %s", w, out)
				}
			}
		})
	}
}

func TestHighlightMultiLineTokens(t *testing.T) {
	src := "let s = r#\"one\ntwo\"#;\n/* a\nb\n*/ x\n\"str\ning\""
	out := HighlightRust(src, nil)
	if n := wellFormed(t, out); n != 7 {
		t.Fatalf("%d lines, want 7:\n%s", n, out)
	}
	for _, w := range []string{
		`<span class="str">r#&#34;one</span></span>`, `<a class="ln" href="#L2">2</a> <span class="str">two&#34;#</span>;`,
		`<span class="com">/* a</span></span>`, `<a class="ln" href="#L4">4</a> <span class="com">b</span></span>`,
		`<a class="ln" href="#L5">5</a> <span class="com">*/</span> x</span>`,
		`<span class="str">&#34;str</span></span>`, `<span class="str">ing&#34;</span></span>`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %s\nin %s", w, out)
		}
	}
}

func TestHighlightHostile(t *testing.T) {
	tests := []struct{ name, src string }{
		{"script in string", `let x = "</span><script>alert(1)</script>";`},
		{"script in code", `</span><script>alert(1)</script>`},
		{"script in raw string", "r##\"\n</span><script>alert(1)</script>\n\"##"},
		{"script in comment", "// </span><script>alert(1)</script>\n/* </pre> */ /* <script>\nalert(1) </script> */"},
		{"script in doc comment", "/// <script>alert(1)</script>\n/** </span>\n<script> */"},
		{"script in attribute", `#[doc = "<script>alert(1)</script>"] #[path = "x<img src=x onerror=alert(1)>.rs"] mod m;`},
		{"unterminated string", `"</span><script>alert(1)` + "\n</script>"},
		{"unterminated comment", "/* </span>\n<script>alert(1)</script>"},
		{"escape sequence", "let red = \"\x1b[31m\"; \x1b[0m\x07 \x00 \x7f"},
		{"invalid UTF-8", "let s = \"\xff\xfe<script>\"; // \xc3\x28 </span>\n\xe2\x82 x"},
		{"bidi override", "let admin = \"user\u202e \u2066// check\u2069 \u2066\"; \ufeff\u200b"},
		{"CR", "a\rb\r\nc\r"},
		{"quotes", `"onload="x' onerror='y`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := HighlightRust(tt.src, map[int]string{1: `fs: "</span><script>alert(1)</script>`})
			if strings.Contains(strings.ToLower(out), "<script") {
				t.Errorf("raw <script in output:\n%s", out)
			}
			if strings.Contains(out, "<img") || strings.Contains(out, "</pre") {
				t.Errorf("raw markup in output:\n%s", out)
			}
			if got, want := wellFormed(t, out), countLines(tt.src); got != want {
				t.Errorf("%d lines, want %d", got, want)
			}
			if strings.ContainsAny(out, "\x00\x07\x1b\x7f\r\u202e\u2066\ufeff") {
				t.Errorf("invisible character written raw:\n%q", out)
			}
		})
	}
}

// countLines is the number of lines of s: a final newline ends the last
// line.
func countLines(s string) int {
	if s == "" {
		return 0
	}
	n := strings.Count(s, "\n")
	if !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

func TestHighlightLineCount(t *testing.T) {
	for _, src := range []string{"", "a", "a\n", "a\nb", "\n", "\n\n", "a\r\nb\r\n", "/* x\n\n*/", "\"\n\n\"\n\n", "fn f() {\n\n}\n"} {
		out := HighlightRust(src, nil)
		if got, want := wellFormed(t, out), countLines(src); got != want {
			t.Errorf("%q: %d lines, want %d:\n%s", src, got, want, out)
		}
	}
}

func TestHighlightMarks(t *testing.T) {
	src := "use std::fs;\nfn f() {\n    fs::read(\"x\");\n}\n"
	out := HighlightRust(src, map[int]string{3: "fs: std::fs::read", 1: `a "<b>" & c`, 9: "beyond the file"})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	want := []string{
		`<span class="line mark" id="L1" title="a &#34;&lt;b&gt;&#34; &amp; c"><a class="ln" href="#L1">1</a> `,
		`<span class="line" id="L2"><a class="ln" href="#L2">2</a> `,
		`<span class="line mark" id="L3" title="fs: std::fs::read"><a class="ln" href="#L3">3</a> `,
		`<span class="line" id="L4"><a class="ln" href="#L4">4</a> }</span>`,
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %s\nwant prefix %s", i+1, lines[i], w)
		}
	}
	if strings.Contains(out, "L9") || strings.Contains(out, "beyond") {
		t.Errorf("mark beyond the file written:\n%s", out)
	}
}

// TestHighlightText checks that the text of every line, tags removed and
// entities decoded, is the source line (placeholders aside).
func TestHighlightText(t *testing.T) {
	src := rustSample
	out := HighlightRust(src, nil)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	srcLines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	if len(lines) != len(srcLines) {
		t.Fatalf("%d lines, want %d", len(lines), len(srcLines))
	}
	for i, l := range lines {
		text := stripTags(l)
		want := fmt.Sprintf("%d %s", i+1, srcLines[i])
		if text != want {
			t.Errorf("line %d: text %q, want %q", i+1, text, want)
		}
	}
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}

func TestHighlightTooLarge(t *testing.T) {
	src := strings.Repeat("fn f() {} // <script>\n", maxHighlight/22+1)
	out := HighlightRust(src, map[int]string{2: "m"})
	if strings.Contains(out, `class="kw"`) || strings.Contains(out, "<script") {
		t.Fatal("a source over the limit is coloured, or not escaped")
	}
	if !strings.Contains(out, `<span class="line mark" id="L2" title="m">`) {
		t.Error("marks are lost in plain rendering")
	}
	if got, want := strings.Count(out, "\n"), countLines(src); got != want {
		t.Errorf("%d lines, want %d", got, want)
	}
}

// TestHighlight5MB renders 5 MB of Rust (and pathological sources) and
// checks that it takes a bounded time; the bound is loose (the
// benchmark measures), it catches superlinear behaviour.
func TestHighlight5MB(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	inputs := map[string]string{
		"rust":        sized(rustSample, maxHighlight),
		"newlines":    strings.Repeat("\n", maxHighlight),
		"attributes":  sized("#[", maxHighlight),
		"brackets":    sized("(([[{", maxHighlight),
		"comments":    sized("/*", maxHighlight),
		"quotes":      sized(`"'`, maxHighlight),
		"numbers":     sized("1 ", maxHighlight),
		"macros":      sized("a!", maxHighlight),
		"invalid":     sized("\xff\x1b", maxHighlight),
		"long line":   sized("x", maxHighlight),
		"lifetimes":   sized("'a ", maxHighlight),
		"doc comment": sized("///x\n", maxHighlight),
	}
	for name, src := range inputs {
		start := time.Now()
		out := HighlightRust(src, nil)
		d := time.Since(start)
		t.Logf("%s: %d bytes -> %d bytes of HTML in %v", name, len(src), len(out), d)
		if d > 10*time.Second {
			t.Errorf("%s: %v", name, d)
		}
		if got, want := strings.Count(out, "\n"), countLines(src); got != want {
			t.Errorf("%s: %d lines, want %d", name, got, want)
		}
		if name == "rust" {
			wellFormed(t, out)
		}
	}
}

func BenchmarkHighlight5MB(b *testing.B) {
	src := sized(rustSample, maxHighlight)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		HighlightRust(src, map[int]string{10: "fs: std::fs::read"})
	}
}

// sized repeats s to exactly n bytes.
func sized(s string, n int) string {
	return strings.Repeat(s, n/len(s)+1)[:n]
}

// rustSample is ordinary Rust with every token class.
const rustSample = `//! A sample crate for the highlighter.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};

/// A configuration read from a file.
#[derive(Debug, Clone, Default)]
pub struct Config<'a> {
    name: &'a str,
    values: HashMap<String, u64>,
    limit: f64,
}

impl<'a> Config<'a> {
    /// Reads the configuration at path.
    pub fn load(path: &str) -> io::Result<Self> {
        let mut f = File::open(path)?;
        let mut buf = String::new();
        f.read_to_string(&mut buf)?; // the whole file
        let mut values = HashMap::new();
        for (i, line) in buf.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            /* key = value, the value
               a number */
            let (k, v) = line.split_once('=').ok_or_else(|| io::Error::new(io::ErrorKind::Other, format!("line {}", i + 1)))?;
            values.insert(k.trim().to_string(), v.trim().parse::<u64>().unwrap_or(0x1F));
        }
        println!("loaded {} values from {:?}", values.len(), path);
        Ok(Config { name: "config", values, limit: 1.5e3 })
    }

    #[inline]
    fn raw(&self) -> &'static [u8] {
        br#"raw "bytes" here"#
    }
}

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

fn main() {
    let c = Config::load("app.toml").expect("config");
    let n = square!(3u32);
    unsafe {
        let p = &n as *const u32;
        assert_eq!(*p, 9, "{}", r"raw \n");
    }
    'outer: loop {
        break 'outer;
    }
    let _ = fs::write("out.txt", b"done\n");
    io::stdout().flush().unwrap();
    let _ = (c, 'x', b'y', c"z");
}
`

// FuzzHighlight checks that any source, from any first line, renders as
// the highlighter's own tags around escaped text: no byte of the source
// can open a tag, close one, or end an attribute.
func FuzzHighlight(f *testing.F) {
	f.Add("fn main() { let s = \"</span><script>\"; }\n", 1)
	f.Add("/* <img onerror=x> */\n'a' b\"\x00\u202e\xff", 40)
	f.Add("r#\"\n\"#\n", 0)
	tag := regexp.MustCompile(`<span( [a-z]+="[^"<>]*")*>|</span>|<a class="ln" href="#L[0-9]+">|</a>`)
	f.Fuzz(func(t *testing.T, src string, first int) {
		if len(src) > 1<<16 {
			return
		}
		out := HighlightRustFrom(src, first, map[int]string{first: `"><script>x</script>`})
		if strings.Count(out, "<span") != strings.Count(out, "</span>") {
			t.Fatalf("unbalanced spans:\n%s", out)
		}
		if rest := tag.ReplaceAllString(out, ""); strings.ContainsAny(rest, `<>"`) {
			t.Fatalf("markup outside the highlighter's tags:\n%s", rest)
		}
	})
}
