package parsestats

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// encodingJSON is the line json.Encoder (HTML escaping off) writes for
// s: the reference AppendJSON must reproduce byte for byte.
func encodingJSON(t testing.TB, s Stats) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// hostileStrings are file names and messages an untrusted crate can
// produce: every ASCII control character, quotes and backslashes, HTML
// metacharacters, DEL, the JavaScript line separators, invalid and
// truncated UTF-8, encoded surrogates, and a literal U+FFFD.
var hostileStrings = func() []string {
	s := []string{
		"", "src/lib.rs", `a"b\c`, `\"`, `<script>&amp;</script>`, "\x7f",
		"line\u2028sep\u2029para", "\u2027\u202a", "ok\xffbad", "\xc3", "\xe2\x80", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xef\xbf\xbd", "caf\u00e9/\U0001F980.rs", "tab\there\r\nnl\b\f",
		"1:2: unexpected character '\\x00'", "0:0: open /x/\x1b[31mred.rs: no such file or directory",
		"\x00\x01\x02", strings.Repeat("\xff", 5), "a/\u0085/b",
	}
	var ctl strings.Builder
	for c := 0; c < 0x20; c++ {
		ctl.WriteByte(byte(c))
	}
	return append(s, ctl.String())
}()

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	cases := []Stats{
		{}, // nil Errors: encoding/json writes null
		{File: "a.rs", Bytes: 12, Fns: 1, Calls: 2, MethodCalls: 3, MacroCalls: 4, UnsafeBlocks: 5, UseLeaves: 6, Errors: []string{}},
		{File: "big.rs", Bytes: 1 << 40, Fns: -1, Errors: []string{"1:1: x", "2:3: y"}},
	}
	for _, h := range hostileStrings {
		cases = append(cases, Stats{File: h, Errors: []string{h, "0:0: " + h}})
	}
	var buf []byte
	for _, s := range cases {
		want := encodingJSON(t, s)
		buf = s.AppendJSON(buf[:0])
		if string(buf) != want {
			t.Errorf("AppendJSON(%+q)\n got %s\nwant %s", s.File, buf, want)
		}
	}
}

func TestAppendJSONOmitsReadErr(t *testing.T) {
	s := readError("gone.rs", errTest)
	want := `{"file":"gone.rs","bytes":0,"fns":0,"calls":0,"method_calls":0,"macro_calls":0,"unsafe_blocks":0,"use_leaves":0,"errors":["0:0: test error"]}` + "\n"
	if got := string(s.AppendJSON(nil)); got != want || encodingJSON(t, s) != want {
		t.Errorf("AppendJSON = %s, encoding/json = %s, want %s", got, encodingJSON(t, s), want)
	}
}

type testError string

func (e testError) Error() string { return string(e) }

const errTest = testError("test error")

func FuzzAppendJSON(f *testing.F) {
	for _, h := range hostileStrings {
		f.Add(h, h, 3)
	}
	f.Fuzz(func(t *testing.T, file, msg string, n int) {
		s := Stats{File: file, Bytes: n, Fns: -n, Errors: []string{msg, file}}
		if got, want := string(s.AppendJSON(nil)), encodingJSON(t, s); got != want {
			t.Errorf("AppendJSON(%+q, %+q)\n got %s\nwant %s", file, msg, got, want)
		}
	})
}

func BenchmarkAppendJSON(b *testing.B) {
	s := Stats{File: "/usr/share/cargo/registry/tokio-1.24.2/src/net/tcp/stream.rs", Bytes: 43210, Fns: 61, Calls: 120, MethodCalls: 90, MacroCalls: 14, UseLeaves: 20, Errors: []string{}}
	var buf []byte
	for b.Loop() {
		buf = s.AppendJSON(buf[:0])
	}
}

func BenchmarkEncodingJSON(b *testing.B) {
	s := Stats{File: "/usr/share/cargo/registry/tokio-1.24.2/src/net/tcp/stream.rs", Bytes: 43210, Fns: 61, Calls: 120, MethodCalls: 90, MacroCalls: 14, UseLeaves: 20, Errors: []string{}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for b.Loop() {
		buf.Reset()
		if err := enc.Encode(s); err != nil {
			b.Fatal(err)
		}
	}
}
