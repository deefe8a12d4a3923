package iosafety

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/analyzer"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/testfs"
)

// check lowers one target and runs the I/O-safety analyzer on it.
func check(t testing.TB, c *load.Crate, tg *load.Target) ([]diag.Diagnostic, *Adoption) {
	t.Helper()
	m := model.Builtin()
	p, err := program.Build(context.Background(), c, tg, program.Options{CrateName: c.Name, Known: m.Knows})
	if err != nil {
		t.Fatal(err)
	}
	res, all, err := analyzer.Run(context.Background(), p, analyzer.Config{Model: m}, []*analyzer.Analyzer{Analyzer})
	if err != nil {
		t.Fatal(err)
	}
	var diags []diag.Diagnostic
	for _, d := range all {
		if d.Category == diag.Finding {
			diags = append(diags, d)
		}
	}
	return diags, res[Analyzer].(*Adoption)
}

func runOn(t *testing.T, src string) []diag.Diagnostic {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"Cargo.toml": "[package]\nname = \"io\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nlibc = \"0.2\"\n",
		"src/lib.rs": src,
	}
	testfs.Write(t, dir, files)
	c, err := load.Load(context.Background(), dir, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	diags, _ := check(t, c, c.Targets[0])
	return diags
}

func summary(fs []diag.Diagnostic) string {
	var out []string
	for _, f := range fs {
		s := f.Kind + "@" + f.Function
		if f.Suppressed {
			s += "(suppressed)"
		}
		if f.Severity == string(Low) {
			s += "(low)"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestChecks(t *testing.T) {
	const header = "use std::os::unix::io::{AsRawFd, FromRawFd, RawFd, AsFd, BorrowedFd, OwnedFd, IntoRawFd};\nuse std::fs::File;\n"
	tests := []struct {
		name, src, want string
	}{
		{"raw param to libc", `pub fn write_to(fd: RawFd, b: &[u8]) -> isize { unsafe { libc::write(fd, b.as_ptr() as *const _, b.len()) } }`,
			"WIO001@io::write_to"},
		{"c_int named fd", `pub fn close_it(fd: libc::c_int) { unsafe { libc::close(fd); } }`, "WIO001@io::close_it"},
		{"c_int not a descriptor", `pub fn sleep_for(secs: libc::c_int) { unsafe { libc::sleep(secs as u32); } }`, ""},
		{"private fn is not an API", `fn write_to(fd: RawFd) { unsafe { libc::close(fd); } }`, ""},
		{"unsafe fn with safety doc", "/// # Safety\n/// fd must be owned.\npub unsafe fn adopt(fd: RawFd) -> File { File::from_raw_fd(fd) }", ""},
		{"forging wrapper", `pub fn adopt(fd: RawFd) -> File { unsafe { File::from_raw_fd(fd) } }`, "WIO003@io::adopt"},
		{"forging from field", "pub struct S { fd: RawFd }\nimpl S { pub fn file(&self) -> File { unsafe { File::from_raw_fd(self.fd) } } }",
			"WIO003@io::S::file"},
		{"ownership transfer is fine", `pub fn conv(o: OwnedFd) -> File { unsafe { File::from_raw_fd(o.into_raw_fd()) } }`, ""},
		{"fresh handle is fine", `pub fn make() -> File { unsafe { let fd = libc::dup(0); File::from_raw_fd(libc::dup(fd)) } }`, ""},
		{"forged literal", `pub fn three() -> File { unsafe { File::from_raw_fd(3) } }`, "WIO004@io::three"},
		{"stdio literal is low", `fn out() -> File { unsafe { File::from_raw_fd(1) } }`, "WIO004@io::out(low)"},
		{"raw bound", `pub fn show<T: AsRawFd>(t: &T) -> i32 { t.as_raw_fd() }`, "WIO002@io::show"},
		{"raw bound in where", `pub fn show<T>(t: &T) -> i32 where T: AsRawFd { t.as_raw_fd() }`, "WIO002@io::show"},
		{"impl AsRawFd param", `pub fn show(t: impl AsRawFd) -> i32 { t.as_raw_fd() }`, "WIO002@io::show"},
		{"bound on the impl", "pub struct A<T> { t: T }\nimpl<T: AsRawFd> A<T> { pub fn new(t: T) -> Self { let _fd = t.as_raw_fd(); A { t } } }", "WIO002@io::A::new"},
		{"AsFd bound is fine", `pub fn show<T: AsFd>(t: &T) -> BorrowedFd<'_> { t.as_fd() }`, ""},
		{"FromRawFd impl is fine", "pub struct W(File);\nimpl FromRawFd for W { unsafe fn from_raw_fd(fd: RawFd) -> Self { W(File::from_raw_fd(fd)) } }", ""},
		{"AsRawFd impl on owner is fine", "pub struct W(File);\nimpl AsRawFd for W { fn as_raw_fd(&self) -> RawFd { self.0.as_raw_fd() } }", ""},
		{"std File use is fine", `pub fn open() -> std::io::Result<File> { File::open("x") }`, ""},
		{"returned raw of local", `pub fn leak() -> RawFd { let f = File::open("x").unwrap(); f.as_raw_fd() }`, "WIO005@io::leak"},
		{"stored raw of local", "pub struct H { fd: RawFd }\npub fn h() -> H { let f = File::open(\"x\").unwrap(); H { fd: f.as_raw_fd() } }", "WIO005@io::h"},
		{"accessor of self is fine", "pub struct O { f: File }\nimpl O { pub fn fd(&self) -> RawFd { self.f.as_raw_fd() } }", ""},
		{"use after drop", "fn u() { let f = File::open(\"x\").unwrap(); let fd = f.as_raw_fd(); drop(f); unsafe { libc::fsync(fd); } }", "WIO005@io::u"},
		{"double close", "fn c(f: File) { unsafe { libc::close(f.as_raw_fd()); } }", "WIO006@io::c"},
		{"close after forget is fine", "fn c(f: File) { let fd = f.as_raw_fd(); std::mem::forget(f); unsafe { libc::close(fd); } }", ""},
		{"into_raw_fd discarded", "fn l(f: File) { f.into_raw_fd(); }", "WIO006@io::l"},
		{"into_raw_fd re-owned is fine", "fn k(f: File) -> OwnedFd { unsafe { OwnedFd::from_raw_fd(f.into_raw_fd()) } }", ""},
		{"suppressed with reason", "pub fn adopt(fd: RawFd) -> File {\n    // warden:allow(WIO003) fd comes from systemd socket activation\n    unsafe { File::from_raw_fd(fd) }\n}",
			"WIO003@io::adopt(suppressed)"},
		{"suppression needs a reason", "pub fn adopt(fd: RawFd) -> File {\n    // warden:allow(WIO003)\n    unsafe { File::from_raw_fd(fd) }\n}",
			"WIO003@io::adopt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := summary(runOn(t, header+tc.src))
			if got != tc.want {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks {
		if seen[c.ID] || c.Name == "" || c.Explain == "" || c.Fix == "" || !strings.Contains(c.Explain, "RFC 3128") {
			t.Errorf("check %s is incomplete or duplicated", c.ID)
		}
		seen[c.ID] = true
	}
	if CheckByID("WIO001") == nil || CheckByID("nope") != nil {
		t.Error("CheckByID")
	}
}

func TestAdoption(t *testing.T) {
	dir := t.TempDir()
	src := `use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
pub struct Old(RawFd);
pub struct New(OwnedFd);
impl AsRawFd for Old { fn as_raw_fd(&self) -> RawFd { self.0 } }
impl AsRawFd for New { fn as_raw_fd(&self) -> RawFd { self.0.as_raw_fd() } }
impl AsFd for New { fn as_fd(&self) -> BorrowedFd<'_> { self.0.as_fd() } }
impl From<OwnedFd> for New { fn from(fd: OwnedFd) -> Self { New(fd) } }
pub fn old_in(fd: RawFd) -> RawFd { fd }
pub fn new_in(fd: BorrowedFd<'_>) -> OwnedFd { fd.try_clone_to_owned().unwrap() }
pub fn generic<T: AsFd>(t: &T) {}
`
	for name, content := range map[string]string{
		"Cargo.toml": "[package]\nname = \"ad\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/lib.rs": src,
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := load.Load(context.Background(), dir, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, ap := check(t, c, c.Targets[0])
	a := *ap
	if a.RawParams != 1 || a.RawReturns != 1 || a.SafeParams != 2 || a.SafeReturns != 1 ||
		strings.Join(a.ImplAsFd, ",") != "ad::New" || strings.Join(a.ImplFromOwned, ",") != "ad::New" ||
		strings.Join(a.ImplAsRawOnly, ",") != "ad::Old" {
		t.Errorf("adoption = %+v", a)
	}
}

// TestPrecisionSample measures the precision of the checks against the
// hand-judged sample in testdata/iosafety/precision.tsv: the rate is
// computed from what Warden reports now (each reported finding that the
// sample judges counts as correct or false), not from the sample's own
// verdicts. Every finding judged correct must still be reported, every
// false positive must be gone, and the rate must stay at or above 90%.
func TestPrecisionSample(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus precision sample skipped in -short mode")
	}
	data, err := os.ReadFile("../../testdata/iosafety/precision.tsv")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ crate, id, item, loc, verdict string }
	verdict := map[string]string{} // crate + key -> verdict
	var rows []row
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 || (f[4] != "correct" && f[4] != "false-positive") || f[5] == "" {
			t.Fatalf("bad sample row %q", line)
		}
		r := row{f[0], f[1], f[2], f[3], f[4]}
		rows = append(rows, r)
		verdict[r.crate+" "+r.id+" "+r.item+" "+r.loc] = r.verdict
	}
	found := map[string]map[string]bool{}
	judgedCorrect, judgedFalse, unjudged := 0, 0, 0
	for _, r := range rows {
		if found[r.crate] != nil {
			continue
		}
		dir := filepath.Join("/usr/share/cargo/registry", r.crate)
		if _, err := os.Stat(dir); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("corpus crate %s missing", r.crate)
			}
			t.Skipf("corpus not installed: %v", err)
		}
		c, err := load.Load(context.Background(), dir, load.Options{AllFeatures: true})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, tg := range c.Targets {
			if tg.Kind != "lib" {
				continue
			}
			diags, _ := check(t, c, tg)
			for _, f := range diags {
				key := f.Kind + " " + f.Function + " " + f.Pos.File + ":" + strconv.Itoa(f.Pos.Line)
				if got[key] {
					continue
				}
				got[key] = true
				switch verdict[r.crate+" "+key] {
				case "correct":
					judgedCorrect++
				case "false-positive":
					judgedFalse++
				default:
					unjudged++
				}
			}
		}
		found[r.crate] = got
	}
	for _, r := range rows {
		key := r.id + " " + r.item + " " + r.loc
		switch is := found[r.crate][key]; {
		case r.verdict == "correct" && !is:
			t.Errorf("%s: finding judged correct is no longer reported: %s", r.crate, key)
		case r.verdict == "false-positive" && is:
			t.Errorf("%s: false positive is still reported: %s", r.crate, key)
		}
	}
	judged := judgedCorrect + judgedFalse
	if judged == 0 {
		t.Fatal("Warden reports none of the sampled findings")
	}
	rate := float64(judgedCorrect) / float64(judged)
	t.Logf("precision on the judged findings Warden reports: %d of %d (%.1f%%); %d reported findings are outside the sample",
		judgedCorrect, judged, 100*rate, unjudged)
	if rate < 0.9 {
		t.Errorf("precision %.1f%% is below 90%%", 100*rate)
	}
}
