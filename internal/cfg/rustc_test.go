package cfg

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestTargetsMatchRustc compares every built-in target with the output
// of `rustc --print cfg --target <triple>`, the ground truth. It skips
// when rustc is not installed, and skips triples the installed rustc
// does not know (such as the retired wasm32-wasi). Options the table does
// not model (unstable ones printed by nightly, debug_assertions) are
// ignored; target_feature differences, which vary with rustc versions as
// features are stabilised, are logged rather than failed.
func TestTargetsMatchRustc(t *testing.T) {
	rustc, err := exec.LookPath("rustc")
	if err != nil {
		t.Skip("rustc not installed")
	}
	version, _ := exec.Command(rustc, "--version").Output()
	t.Logf("checking %d targets against %s", len(Triples()), strings.TrimSpace(string(version)))
	for _, triple := range Triples() {
		t.Run(triple, func(t *testing.T) {
			t.Parallel()
			checkAgainstRustc(t, rustc, triple)
		})
	}
}

func checkAgainstRustc(t *testing.T, rustc, triple string) {
	out, err := exec.Command(rustc, "--print", "cfg", "--target", triple).CombinedOutput()
	if err != nil {
		t.Skipf("rustc does not know this target (%s)", firstLine(out))
	}
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line = strings.TrimSpace(line); modelled(line) {
			want = append(want, line)
		}
	}
	slices.Sort(want)
	tg, err := LookupTarget(triple)
	if err != nil {
		t.Fatal(err)
	}
	got := tg.Cfg()
	if missing, extra := diff(split(want, false), split(got, false)); len(missing)+len(extra) > 0 {
		t.Errorf("table differs from rustc: missing %q, extra %q", missing, extra)
	}
	if missing, extra := diff(split(want, true), split(got, true)); len(missing)+len(extra) > 0 {
		t.Logf("target features differ from rustc: missing %q, extra %q", missing, extra)
	}
}

// modelled reports whether a line of rustc --print cfg is an option
// Target models.
func modelled(line string) bool {
	key, _, hasValue := strings.Cut(line, "=")
	switch key {
	case "panic", "target_abi", "target_arch", "target_endian", "target_env", "target_family",
		"target_feature", "target_os", "target_pointer_width", "target_vendor", "unix", "windows":
		return true
	case "target_has_atomic":
		return hasValue // nightly also prints a bare target_has_atomic
	}
	return false
}

// split returns the target_feature lines of lines (features true) or the
// others.
func split(lines []string, features bool) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "target_feature=") == features {
			out = append(out, l)
		}
	}
	return out
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// diff returns the lines only in want and only in got (both sorted).
func diff(want, got []string) (missing, extra []string) {
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	return missing, extra
}
