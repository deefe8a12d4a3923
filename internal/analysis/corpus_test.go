package analysis

import (
	"context"
	"flag"
	"fmt"
	"github.com/wardenrs/warden/internal/textdiff"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/wardenrs/warden/internal/corpus"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden scan reports in testdata/golden")

const corpusList = "../../testdata/corpus/crates.txt"

func corpusCrates(tb testing.TB) []corpus.Crate {
	tb.Helper()
	names, err := corpus.ReadList(corpusList)
	if err != nil {
		tb.Fatal(err)
	}
	crates, err := corpus.Resolve(corpus.DefaultRegistry, names)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("corpus: %v", err)
		}
		tb.Skipf("corpus not installed: %v", err)
	}
	return crates
}

// scanAll analyses crates on all cores and returns results in input
// order.
func scanAll(ctx context.Context, crates []corpus.Crate, opt load.Options) ([]*Result, []error) {
	return scanAllWith(ctx, crates, opt, Options{})
}

func scanAllWith(ctx context.Context, crates []corpus.Crate, opt load.Options, aopt Options) ([]*Result, []error) {
	results := make([]*Result, len(crates))
	errs := make([]error, len(crates))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				c, err := load.Load(ctx, crates[i].Dir, opt)
				if err != nil {
					errs[i] = err
					continue
				}
				results[i], errs[i] = Analyze(ctx, c, model.Builtin(), aopt)
			}
		}()
	}
	for i := range crates {
		work <- i
	}
	close(work)
	wg.Wait()
	return results, errs
}

// TestCorpusScan scans every corpus crate: none may fail or panic. It
// logs per-crate counts and the share of crates without any effect.
func TestCorpusScan(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus scan skipped in -short mode")
	}
	crates := corpusCrates(t)
	results, errs := scanAll(context.Background(), crates, load.Options{})
	clean := 0
	var lines []string
	for i, c := range crates {
		if errs[i] != nil {
			t.Errorf("%s: %v", c.Name, errs[i])
			continue
		}
		r := results[i]
		effs := r.Of(diag.Effect)
		if len(effs) == 0 {
			clean++
		}
		byCap := map[string]int{}
		low := 0
		for _, e := range effs {
			byCap[e.Capability]++
			if e.Resolution.Weak() {
				low++
			}
		}
		var caps []string
		for cap, n := range byCap {
			caps = append(caps, fmt.Sprintf("%s=%d", cap, n))
		}
		sort.Strings(caps)
		lines = append(lines, fmt.Sprintf("%-22s fns=%-5d effects=%-5d low=%-3d problems=%-3d blind=%-3d %s",
			c.Name+"-"+c.Version, len(r.Functions), len(effs), low, len(r.Of(diag.Problem)), len(r.Of(diag.BlindSpot)), strings.Join(caps, " ")))
	}
	t.Logf("per-crate counts (default features, %s):\n%s", load.DefaultTarget, strings.Join(lines, "\n"))
	t.Logf("%d of %d crates (%.0f%%) have no effect at all", clean, len(crates), 100*float64(clean)/float64(len(crates)))
}

// goldenCrates are scanned and compared with compact reports reviewed by
// reading the crates' code. They are small crates whose goldens stay
// short enough (a few hundred lines) to be reviewed line by line.
var goldenCrates = []struct {
	name     string
	features []string
}{
	{"mio", []string{"os-poll", "net"}},
	{"num_cpus", nil},
	{"tempfile", nil},
	{"itoa", nil}, // pure: unsafe pointer writes, no authority
	{"same-file", nil},
	{"hostname", nil},
}

// TestGoldenScans compares compact renderings (goldenText) of the scans
// of a few corpus crates with reviewed golden files in testdata/golden
// (rewrite with -update, then review the diff).
func TestGoldenScans(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus golden scans skipped in -short mode")
	}
	all := corpusCrates(t)
	byName := map[string]corpus.Crate{}
	for _, c := range all {
		byName[c.Name] = c
	}
	for _, gc := range goldenCrates {
		c, ok := byName[gc.name]
		if !ok {
			t.Fatalf("golden crate %s not in the corpus list", gc.name)
		}
		t.Run(gc.name, func(t *testing.T) {
			r, err := Run(context.Background(), c.Dir, load.Options{Features: gc.features})
			if err != nil {
				t.Fatal(err)
			}
			got := goldenText(r, c.Dir)
			golden := filepath.Join("testdata", "golden", gc.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/analysis -run GoldenScans -update)", err)
			}
			if d := textdiff.Diff(string(want), got, 40); d != "" {
				t.Errorf("scan of %s differs from %s (-want +got; rerun with -update and review):\n%s", gc.name, golden, d)
			}
		})
	}
}

// goldenText renders what a reviewer checks against the crate's code,
// one fact per line so that a diff names exactly what changed:
//
//	file:line:col capability kind callee  (function) [cfg] [via macro m] [build time]
//	path: reachable capabilities, cap(indirect) when the witness uses a call resolved by name only
//	problem kind file:line message
//	blind kind file:line message
//
// Effects and diagnostics are in the Result's order (by position);
// functions are listed only when they reach a capability. The crate's
// directory is replaced by <crate> so that goldens do not depend on
// where the corpus is installed.
func goldenText(r *Result, dir string) string {
	var b strings.Builder
	strip := func(s string) string { return strings.ReplaceAll(s, dir, "<crate>") }
	for _, d := range r.Of(diag.Effect) {
		fmt.Fprintf(&b, "%s %s %s %s  (%s)", d.Pos, d.Capability, d.Kind, d.Callee, d.Function)
		if d.Cfg != "" {
			fmt.Fprintf(&b, " [%s]", d.Cfg)
		}
		if d.ViaMacro != "" {
			fmt.Fprintf(&b, " [via macro %s]", d.ViaMacro)
		}
		if d.BuildTime {
			b.WriteString(" [build time]")
		}
		if d.Resolution != diag.ResolvedPath {
			b.WriteString(" [by " + d.Resolution.String() + "]")
		}
		b.WriteString("\n")
	}
	for _, f := range r.Functions {
		if len(f.Reachable) == 0 {
			continue
		}
		caps := make([]string, len(f.Reachable))
		for i, c := range f.Reachable {
			caps[i] = string(c)
			// Reach through calls resolved by method name only is where
			// false positives come from: the reviewer checks those first.
			if i < len(f.Witness) && strings.HasSuffix(f.Witness[i], " (indirect)") {
				caps[i] += "(indirect)"
			}
		}
		fmt.Fprintf(&b, "%s: %s\n", f.Path, strings.Join(caps, " "))
	}
	for _, d := range r.Of(diag.Problem) {
		fmt.Fprintf(&b, "problem %s %s %s\n", d.Kind, posLine(d.Pos), d.Message)
	}
	for _, d := range r.Of(diag.BlindSpot) {
		fmt.Fprintf(&b, "blind %s %s %s\n", d.Kind, posLine(d.Pos), d.Message)
	}
	return strip(b.String())
}

// posLine is file:line, the precision a reviewer needs for a problem or
// blind spot.
func posLine(p diag.Position) string { return diag.Position{File: p.File, Line: p.Line}.String() }

// BenchmarkScanCorpus scans every corpus crate on all cores (default
// features). Compare with BenchmarkParseCorpus in internal/syntax, and
// with BenchmarkScanCorpusNoIOSafety for the cost of the I/O-safety
// checks.
func BenchmarkScanCorpus(b *testing.B) { benchScan(b, Options{}) }

// BenchmarkScanCorpusNoIOSafety is BenchmarkScanCorpus without the
// I/O-safety checks.
func BenchmarkScanCorpusNoIOSafety(b *testing.B) { benchScan(b, Options{NoIOSafety: true}) }

func benchScan(b *testing.B, aopt Options) {
	crates := corpusCrates(b)
	var bytes int64
	for _, c := range crates {
		files, _ := corpus.RustFiles(c.Dir)
		for _, f := range files {
			if st, err := os.Stat(f); err == nil {
				bytes += st.Size()
			}
		}
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		scanAllWith(context.Background(), crates, load.Options{}, aopt)
	}
}
