package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/wardenrs/warden/internal/corpus"
	"github.com/wardenrs/warden/internal/effects"
	"github.com/wardenrs/warden/internal/load"
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
				results[i], errs[i] = Analyze(ctx, c, effects.Builtin(), aopt)
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
		if len(r.Effects) == 0 {
			clean++
		}
		var caps []string
		for cap, n := range r.Summary.ByCapability {
			caps = append(caps, fmt.Sprintf("%s=%d", cap, n))
		}
		sort.Strings(caps)
		lines = append(lines, fmt.Sprintf("%-22s fns=%-5d effects=%-5d low=%-3d problems=%-3d %s",
			c.Name+"-"+c.Version, r.Summary.Functions, r.Summary.Effects, r.Summary.LowConfidence, r.Summary.Problems, strings.Join(caps, " ")))
	}
	t.Logf("per-crate counts (default features, %s):\n%s", load.DefaultTarget, strings.Join(lines, "\n"))
	t.Logf("%d of %d crates (%.0f%%) have no effect at all", clean, len(crates), 100*float64(clean)/float64(len(crates)))
}

// goldenCrates are scanned and compared with reports reviewed by reading
// the crates' code.
var goldenCrates = []struct {
	name     string
	features []string
}{
	{"mio", []string{"os-poll", "net"}},
	{"num_cpus", nil},
	{"nix", nil},
	{"tempfile", nil},
	{"itoa", nil}, // pure: unsafe pointer writes, no authority
}

// TestGoldenScans compares the JSON reports of a few corpus crates with
// reviewed golden files (rewrite with -update, then review the diff).
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
		name := gc.name
		c, ok := byName[name]
		if !ok {
			t.Fatalf("golden crate %s not in the corpus list", name)
		}
		t.Run(name, func(t *testing.T) {
			r, err := Run(context.Background(), c.Dir, load.Options{Features: gc.features})
			if err != nil {
				t.Fatal(err)
			}
			r.Crate.Path = "<registry>/" + filepath.Base(c.Dir)
			for i := range r.Imports {
				r.Imports[i].Dir = r.Crate.Path
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("scan of %s differs from %s; rerun with -update and review the diff", name, golden)
			}
		})
	}
}

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
