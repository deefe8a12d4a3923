package cfg

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

// lexPred lexes src as the inside of cfg( ... ) in a file named p.rs.
func lexPred(t testing.TB, src string) (*syntax.FileSet, []syntax.Token) {
	t.Helper()
	fset := syntax.NewFileSet()
	f := fset.AddFile("p.rs", src)
	toks, _ := syntax.Lex(f)
	return fset, toks[:len(toks)-1]
}

func mustParse(t testing.TB, src string) Expr {
	t.Helper()
	fset, toks := lexPred(t, src)
	e, err := Parse(fset, toks)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

// itemAttrs parses src (attributes followed by an item) and returns the
// first item's attributes.
func itemAttrs(t testing.TB, src string) (*syntax.FileSet, []*syntax.Attr) {
	t.Helper()
	fset := syntax.NewFileSet()
	f := fset.AddFile("a.rs", src)
	sf, errs := syntax.ParseFile(f)
	if len(errs) > 0 {
		t.Logf("%q: syntax errors: %v", src, errs)
	}
	if len(sf.Items) == 0 {
		t.Fatalf("%q: no item", src)
	}
	return fset, sf.Items[0].ItemAttrs()
}

func mustConfig(t testing.TB, triple string, features ...string) *Config {
	t.Helper()
	fs := map[string]bool{}
	for _, f := range features {
		fs[f] = true
	}
	c, err := NewConfig(triple, fs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const (
	linux   = "x86_64-unknown-linux-gnu"
	musl    = "aarch64-unknown-linux-musl"
	mac     = "aarch64-apple-darwin"
	win     = "x86_64-pc-windows-msvc"
	win32   = "i686-pc-windows-gnu"
	wasm    = "wasm32-unknown-unknown"
	wasi    = "wasm32-wasip1"
	emcc    = "wasm32-unknown-emscripten"
	sgx     = "x86_64-fortanix-unknown-sgx"
	armhf   = "armv7-unknown-linux-gnueabihf"
	s390x   = "s390x-unknown-linux-gnu"
	thumbv6 = "thumbv6m-none-eabi"
)

var allTargets = []string{linux, musl, mac, win, win32, wasm, wasi, emcc, sgx, armhf, s390x, thumbv6}

func TestEval(t *testing.T) {
	// Each case lists the targets on which the predicate holds (features
	// "std" and "a b" enabled, dev profile, not a test build).
	tests := []struct {
		pred string
		on   []string
	}{
		{`unix`, []string{linux, musl, mac, emcc, armhf, s390x}},
		{`windows`, []string{win, win32}},
		{`not(unix)`, []string{win, win32, wasm, wasi, sgx, thumbv6}},
		{`target_family = "unix"`, []string{linux, musl, mac, emcc, armhf, s390x}},
		{`target_family = "windows"`, []string{win, win32}},
		{`target_family = "wasm"`, []string{wasm, wasi, emcc}},
		{`all(unix, target_family = "wasm")`, []string{emcc}},
		{`target_family = ""`, nil},
		{`target_os = "linux"`, []string{linux, musl, armhf, s390x}},
		{`target_os = "macos"`, []string{mac}},
		{`target_os = "windows"`, []string{win, win32}},
		{`target_os = "wasi"`, []string{wasi}},
		{`target_os = "unknown"`, []string{wasm, sgx}},
		{`target_os = "none"`, []string{thumbv6}},
		{`any(target_os = "macos", target_os = "ios")`, []string{mac}},
		{`target_arch = "x86_64"`, []string{linux, win, sgx}},
		{`target_arch = "aarch64"`, []string{musl, mac}},
		{`target_arch = "x86"`, []string{win32}},
		{`target_arch = "arm"`, []string{armhf, thumbv6}},
		{`target_arch = "wasm32"`, []string{wasm, wasi, emcc}},
		{`target_pointer_width = "64"`, []string{linux, musl, mac, win, sgx, s390x}},
		{`target_pointer_width = "32"`, []string{win32, wasm, wasi, emcc, armhf, thumbv6}},
		{`target_endian = "big"`, []string{s390x}},
		{`target_endian = "little"`, []string{linux, musl, mac, win, win32, wasm, wasi, emcc, sgx, armhf, thumbv6}},
		{`target_env = "gnu"`, []string{linux, win32, armhf, s390x}},
		{`target_env = "musl"`, []string{musl}},
		{`target_env = "msvc"`, []string{win}},
		{`target_env = "sgx"`, []string{sgx}},
		{`target_env = "p1"`, []string{wasi}},
		{`target_env = ""`, []string{mac, wasm, emcc, thumbv6}},
		{`target_vendor = "apple"`, []string{mac}},
		{`target_vendor = "pc"`, []string{win, win32}},
		{`target_vendor = "fortanix"`, []string{sgx}},
		{`target_abi = "eabihf"`, []string{armhf}},
		{`target_abi = "eabi"`, []string{thumbv6}},
		{`target_abi = "fortanix"`, []string{sgx}},
		{`target_has_atomic = "64"`, []string{linux, musl, mac, win, win32, wasm, wasi, emcc, sgx, armhf, s390x}},
		{`target_has_atomic = "128"`, []string{musl, mac, win, s390x}},
		{`target_has_atomic = "ptr"`, []string{linux, musl, mac, win, win32, wasm, wasi, emcc, sgx, armhf, s390x}},
		{`not(target_has_atomic = "8")`, []string{thumbv6}},
		{`target_feature = "sse2"`, []string{linux, win, win32, sgx}},
		{`target_feature = "neon"`, []string{musl, mac}},
		{`target_feature = "crt-static"`, []string{musl, wasi, emcc}},
		{`panic = "unwind"`, []string{linux, musl, mac, win, win32, emcc, sgx, armhf, s390x}},
		{`panic = "abort"`, []string{wasm, wasi, thumbv6}},
		{`feature = "std"`, allTargets},
		{`feature = r"std"`, allTargets},
		{`feature = r#"std"#`, allTargets},
		{`feature = "s\x74d"`, allTargets},
		{`feature = "\u{73}td"`, allTargets},
		{`feature = "a b"`, allTargets},
		{`feature = "alloc"`, nil},
		{`feature = "STD"`, nil},
		{`test`, nil},
		{`not(test)`, allTargets},
		{`debug_assertions`, allTargets},
		{`doc`, nil},
		{`doctest`, nil},
		{`miri`, nil},
		{`proc_macro`, nil},
		{`docsrs`, nil},
		{`no_such_cfg`, nil},
		{`no_such_key = "x"`, nil},
		{`target_os`, nil},
		{`true`, allTargets},
		{`false`, nil},
		{`r#true`, nil}, // the name "true", not the literal
		{`not(false)`, allTargets},
		{`all()`, allTargets},
		{`any()`, nil},
		{`not(all())`, nil},
		{`not(any())`, allTargets},
		{`all(unix,)`, []string{linux, musl, mac, emcc, armhf, s390x}},
		{`unix,`, []string{linux, musl, mac, emcc, armhf, s390x}},
		{`all(unix, target_pointer_width = "64", not(target_os = "macos"))`, []string{linux, musl, s390x}},
		{`any(windows, all(target_arch = "wasm32", not(target_os = "wasi")))`, []string{win, win32, wasm, emcc}},
		{`all(any(unix, windows), not(any(target_env = "musl", target_endian = "big")), feature = "std")`, []string{linux, mac, win, win32, emcc, armhf}},
		{`not(not(not(windows)))`, []string{linux, musl, mac, wasm, wasi, emcc, sgx, armhf, s390x, thumbv6}},
		{`any(target_os = "linux", target_os = "android", target_os = "freebsd")`, []string{linux, musl, armhf, s390x}},
		{`all(target_arch = "x86_64", target_feature = "sse2", not(target_env = "sgx"))`, []string{linux, win}},
	}
	configs := map[string]*Config{}
	for _, tr := range allTargets {
		configs[tr] = mustConfig(t, tr, "std", "a b")
	}
	for _, tc := range tests {
		e := mustParse(t, tc.pred)
		for _, tr := range allTargets {
			want := slices.Contains(tc.on, tr)
			if got := configs[tr].Eval(e); got != want {
				t.Errorf("cfg(%s) on %s = %v, want %v", tc.pred, tr, got, want)
			}
		}
	}
}

func TestConfigKnobs(t *testing.T) {
	c := mustConfig(t, "", "std")
	if c.Target.Triple != DefaultTriple || !c.DebugAssertions || c.Test {
		t.Fatalf("NewConfig defaults: %+v", c)
	}
	check := func(pred string, want bool) {
		t.Helper()
		if got := c.Eval(mustParse(t, pred)); got != want {
			t.Errorf("cfg(%s) = %v, want %v", pred, got, want)
		}
	}
	check("test", false)
	c.Test = true
	check("test", true)
	c.DebugAssertions = false
	check("debug_assertions", false)
	check("docsrs", false)
	c.Set["docsrs"] = true
	c.Set["doc"] = true
	check("docsrs", true)
	check("doc", true)
	c.Set["unix"] = false // cannot remove a built-in option
	check("unix", true)
	c.KeyValues["tokio_unstable"] = nil
	check(`tokio_unstable = ""`, false)
	c.KeyValues["loom_flavor"] = []string{"a", "b"}
	check(`loom_flavor = "b"`, true)
	c.KeyValues["target_os"] = []string{"hermit"}
	check(`all(target_os = "hermit", target_os = "linux")`, true)
	c.KeyValues["feature"] = []string{"extra"}
	check(`feature = "extra"`, true)
	c.Features["std"] = false
	check(`feature = "std"`, false)
	c.Target.Panic = "abort"
	check(`panic = "abort"`, true)
	c.Target.Panic = ""
	check(`panic = "unwind"`, true)

	// NewConfig copies the features map and drops disabled ones.
	fs := map[string]bool{"x": true, "y": false}
	c2, _ := NewConfig(linux, fs)
	fs["z"] = true
	if !c2.Features["x"] || c2.Features["y"] || c2.Features["z"] {
		t.Errorf("features = %v", c2.Features)
	}

	// A zero Config (nil maps, nil Target) is usable: everything false.
	var z Config
	for _, p := range []string{"unix", `target_os = "linux"`, `feature = "x"`, "debug_assertions"} {
		if z.Eval(mustParse(t, p)) {
			t.Errorf("zero Config: cfg(%s) = true", p)
		}
	}
	if !z.Eval(nil) || !z.Eval(mustParse(t, "not(unix)")) {
		t.Error("zero Config: nil or not(unix) false")
	}
}

func TestNewConfigUnknownTarget(t *testing.T) {
	_, err := NewConfig("x86_64-unknown-plan9", nil)
	if err == nil || !strings.Contains(err.Error(), "x86_64-unknown-plan9") || !strings.Contains(err.Error(), linux) {
		t.Errorf("err = %v", err)
	}
}

func TestLookupTarget(t *testing.T) {
	for _, tr := range Triples() {
		got, err := LookupTarget(tr)
		if err != nil {
			t.Fatal(err)
		}
		if got.Triple != tr {
			t.Errorf("%s: Triple = %q", tr, got.Triple)
		}
		if len(got.Families) > 0 && got.Family != got.Families[0] || len(got.Families) == 0 && got.Family != "" {
			t.Errorf("%s: Family %q, Families %q", tr, got.Family, got.Families)
		}
		if got.Arch == "" || got.OS == "" || got.Vendor == "" || got.Endian == "" || got.PointerWidth == 0 || got.Panic == "" {
			t.Errorf("%s: incomplete %+v", tr, got)
		}
		// Must be a copy.
		got.HasAtomic = append(got.HasAtomic[:0:0], "bogus")
		if len(got.TargetFeatures) > 0 {
			got.TargetFeatures[0] = "bogus"
		}
		if len(got.Families) > 0 {
			got.Families[0] = "bogus"
		}
		again, _ := LookupTarget(tr)
		if slices.Contains(again.TargetFeatures, "bogus") || slices.Contains(again.Families, "bogus") {
			t.Errorf("%s: LookupTarget shares slices with the table", tr)
		}
	}
	for _, want := range []string{
		"x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl", "aarch64-unknown-linux-gnu", "aarch64-unknown-linux-musl",
		"i686-unknown-linux-gnu", "i686-unknown-linux-musl", "armv7-unknown-linux-gnueabihf", "armv7-unknown-linux-musleabihf",
		"riscv64gc-unknown-linux-gnu", "riscv64gc-unknown-linux-musl", "x86_64-apple-darwin", "aarch64-apple-darwin",
		"aarch64-apple-ios", "x86_64-pc-windows-msvc", "i686-pc-windows-msvc", "x86_64-pc-windows-gnu", "i686-pc-windows-gnu",
		"aarch64-pc-windows-msvc", "x86_64-unknown-freebsd", "x86_64-unknown-netbsd", "x86_64-unknown-openbsd",
		"aarch64-linux-android", "wasm32-unknown-unknown", "wasm32-wasi", "wasm32-wasip1", "x86_64-unknown-illumos",
		"x86_64-fortanix-unknown-sgx",
	} {
		if !slices.Contains(Triples(), want) {
			t.Errorf("missing target %s", want)
		}
	}
	w, _ := LookupTarget("wasm32-wasi")
	if w.OS != "wasi" || w.Triple != "wasm32-wasi" {
		t.Errorf("wasm32-wasi alias: %+v", w)
	}
}

func TestParseString(t *testing.T) {
	tests := []struct{ src, want string }{
		{`unix`, `unix`},
		{`  all ( unix , windows , ) `, `all(unix, windows)`},
		{`any()`, `any()`},
		{`not(test)`, `not(test)`},
		{`feature="std"`, `feature = "std"`},
		{`feature = r#"a"b"#`, `feature = "a\"b"`},
		{`feature = "a\\b\n\t\0"`, `feature = "a\\b\n\t\0"`},
		{"feature = \"x\\\n     y\"", `feature = "xy"`},
		{`feature = "\u{1F600}\u{1_F6_00}"`, `feature = "😀😀"`},
		{`feature = "é"`, `feature = "é"`},
		{`feature = "\x01"`, `feature = "\u{1}"`},
		{`r#foo`, `foo`},
		{`r#true`, `r#true`},
		{`r#type = "x"`, `r#type = "x"`},
		{`true`, `true`},
		{`all(false, not(true))`, `all(false, not(true))`},
		{`all`, `all`}, // a plain (unknown) name
		{`any = "x"`, `any = "x"`},
	}
	for _, tc := range tests {
		e := mustParse(t, tc.src)
		if got := e.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.src, got, tc.want)
		}
		// The rendering parses back to the same predicate.
		if again := mustParse(t, e.String()).String(); again != e.String() {
			t.Errorf("round trip of %q: %q", e.String(), again)
		}
	}
	// Positions of nodes.
	e := mustParse(t, "all(unix,\n  feature = \"x\")").(*All)
	fset, _ := lexPred(t, "all(unix,\n  feature = \"x\")")
	if got := fset.Position(e.List[1].Pos()).String(); got != "p.rs:2:3" {
		t.Errorf("position of feature = %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src  string // inside cfg( )
		pos  string // line:col in p.rs
		want string // part of the message
	}{
		{``, ``, "not specified"},
		{`all(unix`, "1:4", "unclosed delimiter"},
		{`any(unix, all(windows)`, "1:4", "unclosed delimiter"},
		{`feature = `, "1:10", "expected a string literal after `feature =`, found end of predicate"},
		{`feature =`, "1:10", "found end of predicate"},
		{`feature = 1`, "1:11", "found integer literal `1`"},
		{`feature = b"x"`, "1:11", "found byte string literal"},
		{`feature = c"x"`, "1:11", "C string literal"},
		{`feature = "x"y`, "1:11", "invalid suffix `y`"},
		{`feature = "\q"`, "1:11", "unknown character escape `\\q`"},
		{`feature = "\xff"`, "1:11", "invalid \\x escape"},
		{`feature = "\u{d800}"`, "1:11", "invalid unicode escape"},
		{`feature = "\u{}"`, "1:11", "invalid unicode escape"},
		{`feature = "\u{1234567}"`, "1:11", "invalid unicode escape"},
		{`"x"`, "1:1", "expected a cfg predicate (an identifier), found string literal `\"x\"`"},
		{`all("x")`, "1:5", "found string literal"},
		{`unix windows`, "1:6", "expected end of cfg predicate, found identifier `windows`"},
		{`unix, windows`, "1:7", "multiple cfg predicates"},
		{`all(unix windows)`, "1:10", "expected `,` or `)`, found identifier `windows`"},
		{`all(unix,,)`, "1:10", "expected a cfg predicate, found `,`"},
		{`not()`, "1:1", "`not` takes exactly one cfg predicate, found 0"},
		{`not(unix, windows)`, "1:1", "found 2"},
		{`foo(unix)`, "1:1", "invalid cfg predicate `foo`"},
		{`std::unix`, "1:1", "must be an identifier"},
		{`all[unix]`, "1:4", "found `[`"},
		{`fn`, "1:1", "found keyword `fn`"},
		{`= "x"`, "1:1", "found `=`"},
		{`'a`, "1:1", "found lifetime `'a`"},
		{"\n  all(unix,\n    feature = )", "3:15", "found `)`"},
	}
	for _, tc := range tests {
		fset, toks := lexPred(t, tc.src)
		_, err := Parse(fset, toks)
		if err == nil {
			t.Errorf("Parse(%q): no error", tc.src)
			continue
		}
		var se *syntax.Error
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T is not a *syntax.Error", tc.src, err)
			continue
		}
		prefix := "p.rs:" + tc.pos + ": "
		if tc.pos == "" {
			prefix = ""
		}
		if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tc.want) {
			t.Errorf("Parse(%q) error:\n  %s\nwant prefix %q and %q", tc.src, msg, prefix, tc.want)
		}
	}
}

// Hand-made token slices need not be balanced.
func TestParseUnbalancedTokens(t *testing.T) {
	fset := syntax.NewFileSet()
	f := fset.AddFile("u.rs", "all(unix")
	toks := []syntax.Token{
		{Pos: f.Pos(0), Len: 3, Kind: syntax.Identifier},
		{Pos: f.Pos(3), Len: 1, Kind: syntax.LParen},
		{Pos: f.Pos(4), Len: 4, Kind: syntax.Identifier},
	}
	_, err := Parse(fset, toks)
	if err == nil || err.Error() != "u.rs:1:4: unclosed delimiter `(`" {
		t.Errorf("err = %v", err)
	}
	if _, err := Parse(fset, toks[2:]); err != nil {
		t.Errorf("Parse(unix) = %v", err)
	}
	if _, err := Parse(fset, nil); err == nil {
		t.Error("Parse(nil): no error")
	}
}

func TestParseNestingLimit(t *testing.T) {
	deep := strings.Repeat("not(", 5000) + "unix" + strings.Repeat(")", 5000)
	fset, toks := lexPred(t, deep)
	if _, err := Parse(fset, toks); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("err = %v", err)
	}
	ok := strings.Repeat("not(", 100) + "unix" + strings.Repeat(")", 100)
	c := mustConfig(t, linux)
	if !c.Eval(mustParse(t, ok)) {
		t.Error("not^100(unix) = false")
	}
}

func TestEnabled(t *testing.T) {
	tests := []struct {
		src    string
		on     bool   // on x86_64 linux with feature "std"
		errSub string // "" for no error
	}{
		{`fn f() {}`, true, ""},
		{`#[inline] fn f() {}`, true, ""},
		{`#[cfg(unix)] fn f() {}`, true, ""},
		{`#[cfg(windows)] fn f() {}`, false, ""},
		{`#[cfg(unix)] #[cfg(feature = "std")] fn f() {}`, true, ""},
		{`#[cfg(unix)] #[cfg(feature = "alloc")] fn f() {}`, false, ""},
		{`/// doc
		  #[cfg(test)] fn f() {}`, false, ""},
		{`#[cfg_attr(unix, cfg(windows))] fn f() {}`, false, ""},
		{`#[cfg_attr(windows, cfg(windows))] fn f() {}`, true, ""},
		{`#[cfg_attr(all(), cfg_attr(unix, cfg(any())))] fn f() {}`, false, ""},
		{`#[cfg(feature = )] fn f() {}`, true, "a.rs:1:17: expected a string literal"},
		{`#[cfg(feature = )] #[cfg(windows)] fn f() {}`, false, "a.rs:1:17"},
		{`#[cfg("x")] fn f() {}`, true, "a.rs:1:7:"},
		{`#[cfg] fn f() {}`, true, "malformed `cfg` attribute"},
		{`#[cfg = "unix"] fn f() {}`, true, "a.rs:1:7: malformed `cfg` attribute"},
		{`#[cfg()] fn f() {}`, true, "a.rs:1:7: cfg predicate is not specified"},
		{`#[cfg(unix)(windows)] fn f() {}`, true, "a.rs:1:12: malformed `cfg` attribute: unexpected ("},
		{`#[cfg(all(unix)] fn f() {}`, true, "a.rs:1:6: unclosed delimiter"},
		{`#[cfg(all(windows)] fn f() {}`, true, "unclosed delimiter"},
		{`#[cfg(a)] #[cfg(b = 1)] #[cfg(c = 2)] fn f() {}`, false, "a.rs:1:35"},
		{`#[cfg_attr(feature = , cfg(windows))] fn f() {}`, true, "a.rs:1:22"},
		{`#[cfg_attr(unix, cfg(feature = 1))] fn f() {}`, true, "a.rs:1:32"},
	}
	c := mustConfig(t, linux, "std")
	for _, tc := range tests {
		fset, attrs := itemAttrs(t, tc.src)
		on, err := c.Enabled(fset, attrs)
		if on != tc.on {
			t.Errorf("Enabled(%q) = %v, want %v", tc.src, on, tc.on)
		}
		switch {
		case tc.errSub == "" && err != nil:
			t.Errorf("Enabled(%q): unexpected error %v", tc.src, err)
		case tc.errSub != "" && (err == nil || !strings.Contains(err.Error(), tc.errSub)):
			t.Errorf("Enabled(%q): error %v, want %q", tc.src, err, tc.errSub)
		}
	}
	// Two malformed cfgs: both reported.
	fset, attrs := itemAttrs(t, `#[cfg(a b)] #[cfg(c d)] fn f() {}`)
	_, err := c.Enabled(fset, attrs)
	if err == nil || strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("two errors expected, got %v", err)
	}
}

// attrStrings renders attributes as "#[path tokens]" (inner ones as
// "#![...]") for comparison.
func attrStrings(fset *syntax.FileSet, attrs []*syntax.Attr) []string {
	var out []string
	for _, a := range attrs {
		var b strings.Builder
		b.WriteString("#")
		if a.Inner {
			b.WriteString("!")
		}
		b.WriteString("[")
		if a.Unsafe {
			b.WriteString("unsafe ")
		}
		b.WriteString(a.Name())
		for _, t := range a.Tokens {
			b.WriteString(" ")
			b.WriteString(fset.Text(t))
		}
		b.WriteString("]")
		out = append(out, b.String())
	}
	return out
}

func TestExpandCfgAttr(t *testing.T) {
	tests := []struct {
		src  string
		want string // attrStrings joined by " "
		errs []string
	}{
		{`#[inline] fn f() {}`, `#[inline]`, nil},
		{`#[cfg_attr(unix, inline)] fn f() {}`, `#[inline]`, nil},
		{`#[cfg_attr(windows, inline)] fn f() {}`, ``, nil},
		{`#[a] #[cfg_attr(unix, b, c(x, y), d = "z")] #[e] fn f() {}`, `#[a] #[b] #[c ( x , y )] #[d = "z"] #[e]`, nil},
		{`#[cfg_attr(unix, b, c(x, y), d = "z",)] fn f() {}`, `#[b] #[c ( x , y )] #[d = "z"]`, nil},
		{`#[cfg_attr(unix)] fn f() {}`, ``, nil},
		{`#[cfg_attr(unix,)] fn f() {}`, ``, nil},
		{`#[cfg_attr(unix, cfg_attr(feature = "std", derive(Debug, Clone)), allow(dead_code))] fn f() {}`,
			`#[derive ( Debug , Clone )] #[allow ( dead_code )]`, nil},
		{`#[cfg_attr(unix, cfg_attr(feature = "nope", derive(Debug)), must_use)] fn f() {}`, `#[must_use]`, nil},
		{`#[cfg_attr(unix, cfg_attr(all(), cfg_attr(any(unix, windows), deep)))] fn f() {}`, `#[deep]`, nil},
		{`#[cfg_attr(all(target_os = "linux", not(test)), path = "linux.rs")] mod m;`, `#[path = "linux.rs"]`, nil},
		{`#[cfg_attr(docsrs, doc(cfg(feature = "std")))] fn f() {}`, ``, nil},
		{`#[cfg_attr(unix, unsafe(no_mangle))] fn f() {}`, `#[unsafe no_mangle]`, nil},
		{`#[cfg_attr(unix, serde::rename = "x")] fn f() {}`, `#[serde::rename = "x"]`, nil},
		{`#[cfg_attr(unix, cfg(windows))] fn f() {}`, `#[cfg ( windows )]`, nil},
		// Errors.
		{`#[cfg_attr] fn f() {}`, ``, []string{"a.rs:1:11: malformed `cfg_attr` attribute"}},
		{`#[cfg_attr()] fn f() {}`, ``, []string{"a.rs:1:12: malformed `cfg_attr` attribute: expected a cfg predicate"}},
		{`#[cfg_attr(, inline)] fn f() {}`, ``, []string{"a.rs:1:12: malformed `cfg_attr`"}},
		{`#[cfg_attr("unix", inline)] fn f() {}`, ``, []string{"a.rs:1:12: expected a cfg predicate"}},
		{`#[cfg_attr(unix, a,, b)] fn f() {}`, ``, []string{"a.rs:1:20: malformed `cfg_attr` attribute: expected an attribute"}},
		{`#[cfg_attr(unix, a, = 1, b)] fn f() {}`, `#[a] #[b]`, []string{"a.rs:1:21:"}},
		{`#[cfg_attr(unix, a b)] fn f() {}`, ``, []string{"a.rs:1:20: malformed attribute `a` in `cfg_attr`: expected `(`, `[`, `{` or `=` after the path, found identifier `b`"}},
		{`#[cfg_attr(unix windows, a)] fn f() {}`, ``, []string{"a.rs:1:17: expected end of cfg predicate"}},
		{`#[cfg_attr(all(unix, a)] fn f() {}`, ``, []string{"unclosed delimiter"}},
	}
	c := mustConfig(t, linux, "std")
	for _, tc := range tests {
		fset, attrs := itemAttrs(t, tc.src)
		got, errs := c.ExpandCfgAttr(fset, attrs)
		if s := strings.Join(attrStrings(fset, got), " "); s != tc.want {
			t.Errorf("ExpandCfgAttr(%q) = %s, want %s", tc.src, s, tc.want)
		}
		if len(errs) != len(tc.errs) {
			t.Errorf("ExpandCfgAttr(%q): errors %v, want %q", tc.src, errs, tc.errs)
			continue
		}
		for i, e := range errs {
			if !strings.HasPrefix(e.Error(), tc.errs[i]) && !strings.Contains(e.Error(), tc.errs[i]) {
				t.Errorf("ExpandCfgAttr(%q): error %q, want %q", tc.src, e, tc.errs[i])
			}
		}
	}
}

func TestExpandCfgAttrInner(t *testing.T) {
	fset := syntax.NewFileSet()
	f := fset.AddFile("lib.rs", "#![cfg_attr(not(feature = \"std\"), no_std)]\n#![cfg_attr(unix, allow(x), cfg_attr(unix, deny(y)))]\n")
	sf, errs := syntax.ParseFile(f)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := mustConfig(t, linux)
	got, errList := c.ExpandCfgAttr(fset, sf.Attrs)
	if len(errList) > 0 {
		t.Fatal(errList)
	}
	if s := strings.Join(attrStrings(fset, got), " "); s != `#![no_std] #![allow ( x )] #![deny ( y )]` {
		t.Errorf("got %s", s)
	}
	// The original slice is untouched.
	if len(sf.Attrs) != 2 || sf.Attrs[0].Name() != "cfg_attr" {
		t.Error("ExpandCfgAttr modified its input")
	}
	// Spans of produced attributes point at their source.
	if p := fset.Position(got[1].Pos()); p.Line != 2 || p.Column != 19 {
		t.Errorf("allow(x) at %s", p)
	}
}

func TestExpandCfgAttrDepthLimit(t *testing.T) {
	n := 100
	src := "#[" + strings.Repeat("cfg_attr(unix, ", n) + "deep" + strings.Repeat(")", n) + "] fn f() {}"
	fset, attrs := itemAttrs(t, src)
	c := mustConfig(t, linux)
	got, errs := c.ExpandCfgAttr(fset, attrs)
	if len(got) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "nested too deeply") {
		t.Errorf("got %d attrs, errors %v", len(got), errs)
	}
}

func TestTargetCfg(t *testing.T) {
	tg, _ := LookupTarget(emcc)
	got := strings.Join(tg.Cfg(), " ")
	for _, want := range []string{`target_family="unix" target_family="wasm"`, `target_os="emscripten"`, " unix", `panic="unwind"`} {
		if !strings.Contains(got, want) {
			t.Errorf("Cfg() = %s; missing %s", got, want)
		}
	}
	// Family without Families still counts.
	manual := &Target{Family: "windows", PointerWidth: 64}
	c := &Config{Target: manual}
	if !c.Eval(mustParse(t, `all(windows, target_family = "windows", panic = "unwind", target_pointer_width = "64")`)) {
		t.Error("manual Target: predicate false")
	}
}
