package parsestats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/corpus"
)

const (
	oracleDir      = "../../testdata/synoracle"
	knownMismatchF = "../../testdata/synoracle/known-mismatches.txt"
	corpusList     = "../../testdata/corpus/crates.txt"
	// minAgreement is the share of syn-parsable corpus files whose counts
	// must match exactly.
	minAgreement = 0.999
)

// needOrSkip skips a test whose prerequisites are missing on a
// developer machine, and fails it in CI, where .ci/run installs them.
func needOrSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("%s (CI must install this; see .ci/run)", msg)
	}
	t.Skip(msg)
}

// buildOracle builds the syn-based counter offline with cargo.
func buildOracle(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("cargo"); err != nil {
		needOrSkip(t, "cargo not found: %v", err)
	}
	cmd := exec.Command("cargo", "build", "--release", "--offline", "--quiet")
	cmd.Dir = oracleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		needOrSkip(t, "building the syn oracle failed: %v\n%s", err, out)
	}
	bin, err := filepath.Abs(filepath.Join(oracleDir, "target", "release", "synoracle"))
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func readKnownMismatches(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(knownMismatchF)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		path, why, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(why) == "" {
			t.Fatalf("%s: entry without explanation: %q", knownMismatchF, line)
		}
		known[path] = why
	}
	return known
}

// TestSynAgreement is the differential test of the parser against syn
// 1.0 on every file of the corpus: counts must agree on at least 99.9% of
// the files syn parses, every remaining mismatch must be explained in
// testdata/synoracle/known-mismatches.txt, and files syn rejects must
// still parse with local errors only.
func TestSynAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus differential test skipped in -short mode")
	}
	_, files, err := corpus.Load(corpusList, corpus.DefaultRegistry)
	if err != nil {
		needOrSkip(t, "corpus: %v", err)
	}
	bin := buildOracle(t)

	cmd := exec.Command(bin, "--stdin")
	cmd.Stdin = strings.NewReader(strings.Join(files, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("synoracle: %v\n%s", err, stderr.String())
	}
	synStats := map[string]Stats{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var s Stats
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("synoracle output: %v: %s", err, sc.Text())
		}
		synStats[s.File] = s
	}
	if len(synStats) != len(files) {
		t.Fatalf("synoracle reported %d files, want %d", len(synStats), len(files))
	}

	known := readKnownMismatches(t)
	seen := map[string]bool{}
	agree, synOK, synRejected := 0, 0, 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := File(f, src)
		s := synStats[f]
		rel, _ := filepath.Rel(corpus.DefaultRegistry, f)
		if len(s.Errors) > 0 {
			synRejected++
			for _, e := range w.Errors {
				if strings.Contains(e, "internal parser error") || strings.Contains(e, "too many errors") {
					t.Errorf("%s (rejected by syn): Warden did not recover locally: %s", rel, e)
				}
			}
			continue
		}
		synOK++
		diff := compare(s, w)
		if len(w.Errors) > 0 {
			diff = append(diff, fmt.Sprintf("warden errors %v", w.Errors))
		}
		if len(diff) == 0 {
			agree++
			if _, ok := known[rel]; ok {
				t.Errorf("%s is listed in known-mismatches.txt but now agrees with syn; remove it", rel)
			}
			continue
		}
		seen[rel] = true
		if _, ok := known[rel]; !ok {
			t.Errorf("%s: counts differ from syn and the mismatch is not explained: %s", rel, strings.Join(diff, "; "))
		}
	}
	for rel := range known {
		if !seen[rel] {
			if _, err := os.Stat(filepath.Join(corpus.DefaultRegistry, rel)); err != nil {
				t.Errorf("known-mismatches.txt lists %s, which is not in the corpus", rel)
			}
		}
	}
	rate := float64(agree) / float64(synOK)
	t.Logf("syn agreement: %d of %d syn-parsable files (%.3f%%); %d files rejected by syn", agree, synOK, 100*rate, synRejected)
	if rate < minAgreement {
		t.Errorf("agreement %.3f%% is below %.1f%%", 100*rate, 100*minAgreement)
	}
}

func compare(syn, w Stats) []string {
	var d []string
	check := func(name string, a, b int) {
		if a != b {
			d = append(d, fmt.Sprintf("%s: syn %d, warden %d", name, a, b))
		}
	}
	check("fns", syn.Fns, w.Fns)
	check("calls", syn.Calls, w.Calls)
	check("method_calls", syn.MethodCalls, w.MethodCalls)
	check("macro_calls", syn.MacroCalls, w.MacroCalls)
	check("unsafe_blocks", syn.UnsafeBlocks, w.UnsafeBlocks)
	check("use_leaves", syn.UseLeaves, w.UseLeaves)
	return d
}
