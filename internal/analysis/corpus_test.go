package analysis

import (
	"context"
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
			if e.Evidence == diag.Guessed {
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
			if d := lineDiff(string(want), got, 40); d != "" {
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
		if d.Evidence == diag.Guessed {
			b.WriteString(" [low confidence]")
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

// lineDiff returns a unified-style diff of two texts (want is "-", got
// is "+") with two lines of context, showing at most maxLines changed
// lines; "" when they are equal.
func lineDiff(want, got string, maxLines int) string {
	if want == got {
		return ""
	}
	ops := diffLines(splitLines(want), splitLines(got))
	total := 0
	for _, op := range ops {
		if op.kind != ' ' {
			total++
		}
	}
	const context = 2
	var out strings.Builder
	shown := 0
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// One hunk: the changes at most 2*context kept lines apart, with
		// context lines around them.
		start, end := max(0, i-context), i
		for j := i; j < len(ops) && j <= end+2*context; j++ {
			if ops[j].kind != ' ' {
				end = j
			}
		}
		end = min(len(ops)-1, end+context)
		fmt.Fprintf(&out, "@@ -%d +%d @@\n", ops[start].a+1, ops[start].b+1)
		for _, op := range ops[start : end+1] {
			if op.kind != ' ' {
				if shown == maxLines {
					fmt.Fprintf(&out, "... and %d more changed lines\n", total-shown)
					return out.String()
				}
				shown++
			}
			out.WriteString(string(op.kind) + strings.TrimSuffix(op.text, "\n") + "\n")
		}
		i = end + 1
	}
	return out.String()
}

func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineOp is a line of a diff: ' ' kept, '-' removed, '+' added; a and b
// are its line index in each text.
type lineOp struct {
	kind rune
	text string
	a, b int
}

// diffLines computes a shortest edit script with a longest-common-
// subsequence table over the lines between the common prefix and
// suffix; a middle too large for the table is shown as all removed,
// then all added.
func diffLines(a, b []string) []lineOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []lineOp
	for i := 0; i < pre; i++ {
		ops = append(ops, lineOp{' ', a[i], i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(ma), len(mb)
	if n*m > 4_000_000 {
		for i, l := range ma {
			ops = append(ops, lineOp{'-', l, pre + i, pre})
		}
		for j, l := range mb {
			ops = append(ops, lineOp{'+', l, pre + n, pre + j})
		}
	} else {
		lcs := make([][]int32, n+1) // lcs[i][j]: LCS length of ma[i:] and mb[j:]
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		for i, j := 0, 0; i < n || j < m; {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				ops = append(ops, lineOp{' ', ma[i], pre + i, pre + j})
				i, j = i+1, j+1
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, lineOp{'-', ma[i], pre + i, pre + j})
				i++
			default:
				ops = append(ops, lineOp{'+', mb[j], pre + i, pre + j})
				j++
			}
		}
	}
	for k := 0; k < suf; k++ {
		ia, ib := len(a)-suf+k, len(b)-suf+k
		ops = append(ops, lineOp{' ', a[ia], ia, ib})
	}
	return ops
}

func TestLineDiff(t *testing.T) {
	want := "a\nb\nc\nd\ne\nf\ng\n"
	got := "a\nb\nc\nD\ne\nf\ng\nh\n"
	d := lineDiff(want, got, 40)
	if !strings.Contains(d, "@@ -2 +2 @@\n b\n c\n-d\n+D\n e\n f\n") || !strings.Contains(d, "+h\n") {
		t.Errorf("unexpected diff:\n%s", d)
	}
	if lineDiff(want, want, 40) != "" {
		t.Error("equal texts differ")
	}
	if d := lineDiff(want, got, 1); !strings.Contains(d, "... and 2 more changed lines") {
		t.Errorf("limit not applied:\n%s", d)
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
