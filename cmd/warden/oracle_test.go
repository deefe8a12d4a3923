package main

// rustc as the oracle for call resolution (issue 9, item 5): for each
// registry crate with a testdata/oracle/NAME-VERSION.mir.tsv (the calls of
// the crate's library as nightly rustc resolves them in MIR, written by
// scripts/mir-oracle.sh), run `warden debug calls --no-deps` on the crate
// and measure
//
//   - agreement: among Warden's call sites resolved by path, type or trait
//     whose file:line also holds at least one MIR call (MIR spans of calls
//     written by macros point at the macro's source, so only lines present
//     on both sides count), the share whose callee matches one of the MIR
//     callees on that line, after oracleNorm;
//   - coverage: the share of Warden's method-call sites (`x.m()`) resolved
//     by type or trait rather than by name.
//
// The table (Markdown, for the README):
//
//	go test ./cmd/warden -run 'TestRustcOracle$' -v -count=1 | sed -n 's/^ *//; /^|/p'
//
// With -v each crate's subtest also lists its disagreements
// (file:line, resolution, Warden's callee, MIR's callees on that line).

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// oracleFloors: the lowest agreement (percent) each crate may have; set
// from measurement minus 2 points so that a regression fails. A crate
// missing here is measured and reported, never failed.
var oracleFloors = map[string]float64{}

// oracleCall is one line of either side.
type oracleCall struct {
	caller, callee string
	file           string
	line           int
	resolution     string // Warden: path, type, trait, name
	kind           string // Warden: method, call
}

// oracleParse reads TSV lines `caller TAB callee TAB file:line [TAB
// resolution TAB kind]`.
func oracleParse(t *testing.T, what, text string) []oracleCall {
	t.Helper()
	var out []oracleCall
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) < 3 {
			t.Fatalf("%s:%d: want at least 3 tab-separated fields: %q", what, i+1, l)
		}
		k := strings.LastIndexByte(f[2], ':')
		n, err := strconv.Atoi(f[2][k+1:])
		if k < 0 || err != nil {
			t.Fatalf("%s:%d: want file:line, got %q", what, i+1, f[2])
		}
		c := oracleCall{caller: f[0], callee: f[1], file: f[2][:k], line: n}
		if len(f) > 3 {
			c.resolution = f[3]
		}
		if len(f) > 4 {
			c.kind = f[4]
		}
		out = append(out, c)
	}
	return out
}

// oracleStripGenerics removes generic argument lists, as mir-calls.sh does:
// `Name<..>` and the turbofish `::<..>`; a qualified path's `<X as T>`
// stays.
func oracleStripGenerics(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		out := b.String()
		if c == '<' && (strings.HasSuffix(out, "::") || (out != "" && isIdentByte(out[len(out)-1]))) {
			if strings.HasSuffix(out, "::") {
				b.Reset()
				b.WriteString(out[:len(out)-2])
			}
			depth := 0
			for ; i < len(s); i++ {
				if s[i] == '-' && i+1 < len(s) && s[i+1] == '>' {
					i++
					continue
				}
				if s[i] == '<' {
					depth++
				} else if s[i] == '>' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// oracleStdAliases maps std paths that name one item two ways (a
// definition path and its public re-export, or two public re-exports) to
// one spelling. Keys are rewritten at the start of a path (also inside
// `<X as T>`). Keep it to items that really are the same.
var oracleStdAliases = []struct{ from, to string }{
	{"std::os::unix::io::", "std::os::fd::"},        // unix::io re-exports os::fd
	{"std::os::fd::owned::", "std::os::fd::"},       // definition modules of os::fd
	{"std::os::fd::raw::", "std::os::fd::"},         //
	{"std::io::error::", "std::io::"},               // io::Error, io::ErrorKind
	{"std::ffi::os_str::", "std::ffi::"},            // OsStr, OsString
	{"std::ffi::c_str::", "std::ffi::"},             // CStr, CString
	{"std::sync::mutex::", "std::sync::"},           //
	{"std::sync::poison::mutex::", "std::sync::"},   //
	{"std::sync::poison::", "std::sync::"},          //
	{"std::io::stdio::", "std::io::"},               //
	{"std::io::buffered::bufreader::", "std::io::"}, //
	{"std::io::buffered::bufwriter::", "std::io::"}, //
	{"std::io::buffered::", "std::io::"},            //
	{"std::net::tcp::", "std::net::"},               // TcpStream, TcpListener
	{"std::net::udp::", "std::net::"},               //
	{"std::net::ip_addr::", "std::net::"},           //
	{"std::net::socket_addr::", "std::net::"},       //
	{"std::thread::builder::", "std::thread::"},     //
}

var oracleCoreRe = regexp.MustCompile(`(^|[<\s&(*])(?:core|alloc)::`)

// oracleNorm puts one path in the compared form: generic arguments gone,
// core::/alloc:: as std::, std aliases resolved, no spaces doubled.
func oracleNorm(p string) string {
	p = strings.TrimSpace(oracleStripGenerics(p))
	p = oracleCoreRe.ReplaceAllString(p, "${1}std::")
	for _, a := range oracleStdAliases {
		if strings.Contains(p, a.from) {
			p = strings.ReplaceAll(p, a.from, a.to)
		}
	}
	return p
}

// oracleQualified splits `<X as T>::m` into X, T and m.
func oracleQualified(p string) (self, trait, method string, ok bool) {
	if !strings.HasPrefix(p, "<") {
		return "", "", "", false
	}
	depth := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '<', '(', '[', '{':
			depth++
		case '>', ')', ']', '}':
			if p[i] == '>' && i > 0 && p[i-1] == '-' {
				continue
			}
			depth--
			if depth == 0 {
				inner, rest := p[1:i], p[i+1:]
				if !strings.HasPrefix(rest, "::") {
					return "", "", "", false
				}
				k := oracleTopAs(inner)
				if k < 0 {
					return "", "", "", false
				}
				return strings.TrimSpace(inner[:k]), strings.TrimSpace(inner[k+4:]), rest[2:], true
			}
		}
	}
	return "", "", "", false
}

// oracleTopAs is the index of the last " as " outside brackets, or -1.
func oracleTopAs(s string) int {
	depth, at := 0, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '(', '[', '{':
			depth++
		case '>', ')', ']', '}':
			if !(s[i] == '>' && i > 0 && s[i-1] == '-') {
				depth--
			}
		}
		if depth == 0 && strings.HasPrefix(s[i:], " as ") {
			at = i
		}
	}
	return at
}

var oraclePrimitive = map[string]bool{
	"str": true, "bool": true, "char": true, "u8": true, "u16": true, "u32": true, "u64": true,
	"u128": true, "usize": true, "i8": true, "i16": true, "i32": true, "i64": true, "i128": true,
	"isize": true, "f32": true, "f64": true,
}

// oracleSelf strips references, raw pointers, dyn and impl from a
// qualified path's self type and says whether it is generic: a type
// parameter (one segment, not a primitive), `dyn Trait`, `impl Trait` or a
// closure, whose call rustc leaves to the trait.
func oracleSelf(x string) (string, bool) {
	for {
		y := strings.TrimPrefix(x, "&")
		y = strings.TrimPrefix(y, "mut ")
		y = strings.TrimPrefix(y, "*const ")
		y = strings.TrimPrefix(y, "*mut ")
		y = strings.TrimPrefix(y, "dyn* ")
		if strings.HasPrefix(y, "'") { // &'a T
			if k := strings.IndexByte(y, ' '); k > 0 {
				y = y[k+1:]
			}
		}
		if y == x {
			break
		}
		x = y
	}
	switch {
	case strings.HasPrefix(x, "dyn "), strings.HasPrefix(x, "impl "), strings.HasPrefix(x, "{closure"):
		return x, true
	case strings.HasPrefix(x, "["): // as scripts/mir-oracle.sh names primitives' inherent methods
		if strings.Contains(x, ";") {
			return "array", false
		}
		return "slice", false
	case strings.HasPrefix(x, "("):
		return x, false
	case !strings.Contains(x, "::") && !oraclePrimitive[x]:
		return x, true
	}
	return x, false
}

// oracleImpls indexes the crate's trait impls, from the MIR bodies'
// callers `<Type as Trait>::m`: by trait name (last segment) and method,
// the Type::m paths.
type oracleImpls map[string][]string

func oracleImplsOf(mir []oracleCall) oracleImpls {
	im := oracleImpls{}
	seen := map[string]bool{}
	for _, c := range mir {
		self, trait, m, ok := oracleQualified(oracleNorm(c.caller))
		if !ok || strings.Contains(m, "::") {
			continue // a closure or nested body
		}
		key := oracleLast(trait) + "::" + m
		p := self + "::" + m
		if !seen[key+"\x00"+p] {
			seen[key+"\x00"+p] = true
			im[key] = append(im[key], p)
		}
	}
	return im
}

func oracleLast(p string) string {
	if k := strings.LastIndex(p, "::"); k >= 0 {
		return p[k+2:]
	}
	return p
}

// oracleMIRNames is what one MIR callee matches (normalised):
//   - a plain path, itself;
//   - `<X as T>::m` with a concrete X: `X::m` and `T::m` (Warden may name
//     the method by its type or by its trait);
//   - `<T as Trait>::m` with a generic T (a type parameter, dyn, impl, a
//     closure): `Trait::m`, and, when trait is set (Warden's resolution
//     is trait), every impl `Type::m` of Trait in the crate.
//
// A one-segment trait is an item of the crate root that mir-calls.sh did
// not prefix (`<dyn EventHandler as EventHandler>`): it gets CRATE::. A
// one-segment concrete self type may be one too: both spellings are kept.
func oracleMIRNames(crate, callee string, im oracleImpls, trait bool) []string {
	p := oracleNorm(callee)
	self, tr, m, ok := oracleQualified(p)
	if !ok {
		return []string{p}
	}
	if !strings.Contains(tr, "::") {
		tr = crate + "::" + tr
	}
	x, generic := oracleSelf(self)
	names := []string{tr + "::" + m}
	if !generic {
		names = append(names, x+"::"+m)
		if !strings.Contains(x, "::") && !oraclePrimitive[x] {
			names = append(names, crate+"::"+x+"::"+m)
		}
	} else if trait {
		names = append(names, im[oracleLast(tr)+"::"+m]...)
	}
	return names
}

// oracleWardenName is Warden's callee in the compared form. Should Warden
// print a qualified path, a concrete self type names the method, a generic
// one the trait.
func oracleWardenName(crate, callee string) string {
	p := oracleNorm(callee)
	self, tr, m, ok := oracleQualified(p)
	if !ok {
		return p
	}
	if x, generic := oracleSelf(self); !generic {
		return x + "::" + m
	}
	if !strings.Contains(tr, "::") {
		tr = crate + "::" + tr
	}
	return tr + "::" + m
}

type oracleStats struct {
	lines, resolved, compared, agree int
	method, byType, byTrait, byName  int
	disagreements                    []string
}

func (s oracleStats) agreement() float64 { return oraclePct(s.agree, s.compared) }
func (s oracleStats) coverage() float64  { return oraclePct(s.byType+s.byTrait, s.method) }

func oraclePct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// oracleCompare measures Warden's calls against the MIR calls of one crate.
func oracleCompare(crate string, warden, mir []oracleCall) oracleStats {
	im := oracleImplsOf(mir)
	byLine := map[string][]string{} // file:line -> MIR callees
	for _, c := range mir {
		k := fmt.Sprintf("%s:%d", c.file, c.line)
		byLine[k] = append(byLine[k], c.callee)
	}
	var s oracleStats
	for _, w := range warden {
		s.lines++
		if w.kind == "method" {
			s.method++
			switch w.resolution {
			case "type":
				s.byType++
			case "trait":
				s.byTrait++
			case "name":
				s.byName++
			}
		}
		switch w.resolution {
		case "path", "type", "trait":
		default:
			continue
		}
		s.resolved++
		k := fmt.Sprintf("%s:%d", w.file, w.line)
		callees := byLine[k]
		if len(callees) == 0 {
			continue
		}
		s.compared++
		want := oracleWardenName(crate, w.callee)
		ok := false
		for _, c := range callees {
			for _, n := range oracleMIRNames(crate, c, im, w.resolution == "trait") {
				if n == want {
					ok = true
				}
			}
		}
		if ok {
			s.agree++
			continue
		}
		mc := append([]string(nil), callees...)
		sort.Strings(mc)
		s.disagreements = append(s.disagreements,
			fmt.Sprintf("%s\t%s %s\t%s\tmir: %s", k, w.resolution, w.kind, w.callee, strings.Join(mc, " | ")))
	}
	return s
}

func TestRustcOracle(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "oracle", "*.mir.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/oracle/*.mir.tsv (scripts/mir-oracle.sh): %v", err)
	}
	var table strings.Builder
	table.WriteString("| crate | Warden calls | resolved (path/type/trait) | compared with MIR | agree | agreement | method calls | by type | by trait | by name | method calls by type or trait |\n")
	table.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	var total oracleStats
	for _, f := range files {
		nv := strings.TrimSuffix(filepath.Base(f), ".mir.tsv")
		crate := strings.ReplaceAll(nv[:strings.LastIndexByte(nv, '-')], "-", "_")
		t.Run(nv, func(t *testing.T) {
			needCrates(t, nv)
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			mir := oracleParse(t, f, string(data))
			code, out, errOut := runCLI(t, "debug", "calls", "--no-deps", filepath.Join(registryDir, nv))
			if code != exitOK {
				if strings.Contains(errOut, `unknown subcommand "calls"`) {
					t.Skip("warden debug calls not implemented yet")
				}
				t.Fatalf("warden debug calls --no-deps %s: exit %d, stderr:\n%s", nv, code, errOut)
			}
			warden := oracleParse(t, "debug calls "+nv, out)
			s := oracleCompare(crate, warden, mir)
			fmt.Fprintf(&table, "| %s | %d | %d | %d | %d | %.1f%% | %d | %d | %d | %d | %.1f%% |\n",
				nv, s.lines, s.resolved, s.compared, s.agree, s.agreement(),
				s.method, s.byType, s.byTrait, s.byName, s.coverage())
			total.lines += s.lines
			total.resolved += s.resolved
			total.compared += s.compared
			total.agree += s.agree
			total.method += s.method
			total.byType += s.byType
			total.byTrait += s.byTrait
			total.byName += s.byName
			if testing.Verbose() {
				for _, d := range s.disagreements {
					t.Logf("disagree %s", d)
				}
			}
			if floor, ok := oracleFloors[nv]; ok && s.agreement() < floor {
				t.Errorf("%s: agreement with rustc %.1f%% (%d/%d), below the floor %.1f%%; run with -v for the disagreements",
					nv, s.agreement(), s.agree, s.compared, floor)
			}
		})
	}
	fmt.Fprintf(&table, "| **all** | %d | %d | %d | %d | %.1f%% | %d | %d | %d | %d | %.1f%% |\n",
		total.lines, total.resolved, total.compared, total.agree, total.agreement(),
		total.method, total.byType, total.byTrait, total.byName, total.coverage())
	t.Logf("agreement with rustc (nightly MIR) on the calls Warden resolves:\n%s", table.String())
}

// TestOracleNormaliser pins what the comparison counts as the same callee,
// so that it cannot drift into matching everything.
func TestOracleNormaliser(t *testing.T) {
	mir := []oracleCall{
		{caller: "<which::checker::ExecutableChecker as Checker>::is_valid"},
		{caller: "<which::checker::ExistedChecker as Checker>::is_valid"},
		{caller: "<which::checker::ExistedChecker as Checker>::is_valid::{closure#0}"},
	}
	im := oracleImplsOf(mir)
	tests := []struct {
		warden, mir string
		trait       bool
		want        bool
	}{
		{"std::fs::File::open", "std::fs::File::open", false, true},
		{"std::fs::File::open", "core::fs::File::open", false, true},
		{"std::vec::Vec::push", "alloc::vec::Vec::<T, A>::push", false, true},
		{"std::option::Option::unwrap", "core::option::Option::<T>::unwrap", false, true},
		{"std::net::TcpStream::write_all", "<std::net::TcpStream as std::io::Write>::write_all", false, true},
		{"std::io::Write::write_all", "<std::net::TcpStream as std::io::Write>::write_all", false, true},
		{"<std::net::TcpStream as std::io::Write>::write_all", "<std::net::TcpStream as std::io::Write>::write_all", false, true},
		{"std::os::unix::io::AsRawFd::as_raw_fd", "<std::fs::File as std::os::fd::AsRawFd>::as_raw_fd", false, true},
		{"std::convert::AsRef::as_ref", "<P as std::convert::AsRef>::as_ref", true, true},
		{"which::finder::Checker::is_valid", "<dyn finder::Checker as which::finder::Checker>::is_valid", true, true},
		{"which::checker::ExistedChecker::is_valid", "<dyn finder::Checker as which::finder::Checker>::is_valid", true, true},
		{"notify::EventHandler::handle_event", "<dyn EventHandler as EventHandler>::handle_event", true, true},
		// Not the same function.
		{"which::checker::ExistedChecker::is_valid", "<dyn finder::Checker as which::finder::Checker>::is_valid", false, false},
		{"std::process::Command::new", "ureq::error::ErrorKind::new", false, false},
		{"ureq::error::ErrorKind::new", "std::process::Command::new", false, false},
		{"std::process::Command::spawn", "std::thread::Builder::spawn", false, false},
		{"std::path::Path::is_file", "std::fs::Metadata::is_file", false, false},
		{"dirs_sys::home_dir", "std::path::Path::join", false, false},
		{"std::fmt::Debug::fmt", "<std::path::PathBuf as std::fmt::Display>::fmt", false, false},
		{"std::path::PathBuf::is_absolute", "std::path::Path::is_absolute", false, false},
		{"which::checker::ExecutableChecker::is_valid", "<which::checker::ExistedChecker as which::finder::Checker>::is_valid", true, false},
	}
	for _, tt := range tests {
		crate := strings.SplitN(strings.TrimLeft(tt.mir, "<"), "::", 2)[0]
		if crate == "std" || crate == "core" || crate == "alloc" || strings.HasPrefix(crate, "P as") || strings.HasPrefix(crate, "dyn") {
			crate = strings.SplitN(tt.warden, "::", 2)[0]
		}
		w := oracleWardenName(crate, tt.warden)
		got := false
		for _, n := range oracleMIRNames(crate, tt.mir, im, tt.trait) {
			got = got || n == w
		}
		if got != tt.want {
			t.Errorf("match(warden %q, mir %q, trait=%v) = %v, want %v (compared %q with %q)",
				tt.warden, tt.mir, tt.trait, got, tt.want, w, oracleMIRNames(crate, tt.mir, im, tt.trait))
		}
	}
	// Every MIR callee, printed by Warden as rustc prints it, matches itself.
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "oracle", "*.mir.tsv"))
	for _, f := range files {
		nv := strings.TrimSuffix(filepath.Base(f), ".mir.tsv")
		crate := strings.ReplaceAll(nv[:strings.LastIndexByte(nv, '-')], "-", "_")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		mir := oracleParse(t, f, string(data))
		var self []oracleCall
		for _, c := range mir {
			c.resolution, c.kind = "path", "call"
			if _, _, _, ok := oracleQualified(c.callee); ok {
				c.resolution = "trait"
			}
			self = append(self, c)
		}
		if s := oracleCompare(crate, self, mir); s.agree != s.compared || s.compared != len(mir) {
			t.Errorf("%s against itself: %d/%d agree of %d lines; first disagreements: %q", nv, s.agree, s.compared, len(mir), s.disagreements[:min(3, len(s.disagreements))])
		}
	}
}
