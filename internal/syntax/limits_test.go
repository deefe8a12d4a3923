package syntax_test

// Resource-limit tests: hostile inputs (deep nesting, huge files, long
// chains, garbage) must be parsed without panicking, without overflowing
// the stack, in bounded time and memory, with capped diagnostics that
// name a location.
//
// Each case runs in a child process (this test binary re-executed with
// limChildEnv set), so that a hang can be killed, a fatal "stack
// overflow" (which no recover can catch) fails only that case, the
// child's memory statistics are not polluted by other tests, and
// debug.SetMaxStack can be lowered without affecting other tests.
//
// Time budgets apply to the child's CPU time (user+system, from
// getrusage), so that a loaded machine does not fail them; set
// WARDEN_SYNTAX_TIME_SCALE (a number, default 1) to stretch them on slow
// machines or under -race.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/syntax"
)

const (
	limChildEnv = "WARDEN_SYNTAX_LIMIT_CASE"
	// limMaxDiags is the largest acceptable number of diagnostics: the
	// lexer's maxErrors (100), plus the parser's first error (the parser
	// checks the cap after appending), plus its "too many errors" note.
	limMaxDiags = 102
	// limBytesPerByte bounds the bytes allocated per input byte.
	limBytesPerByte = 200
	// limAllocSlack is allowed on top of that, for small inputs.
	limAllocSlack = 4 << 20
	// limParseStack is the maximum goroutine stack while parsing (the
	// parser bounds its nesting, so it needs little stack).
	limParseStack = 64 << 20
)

type limWant int

const (
	limAny   limWant = iota // diagnostics or not, both fine
	limErrs                 // must report at least one diagnostic
	limClean                // must report no diagnostic
)

type limCase struct {
	name   string
	src    func() string
	want   limWant
	budget time.Duration // parse time budget; 0 means 2s
	long   bool          // skipped with -short
}

func limRep(s string, n int) string { return strings.Repeat(s, n) }

// limCases lists the hostile inputs. Sizes follow the task brief.
var limCases = []limCase{
	// Delimiters.
	{name: "paren_unclosed_toplevel_100k", src: func() string { return limRep("(", 100000) }, want: limErrs},
	{name: "paren_unclosed_toplevel_1M", src: func() string { return limRep("(", 1000000) }, want: limErrs},
	{name: "paren_unclosed_expr_100k", src: func() string { return "fn f() { x = " + limRep("(", 100000) }, want: limErrs},
	{name: "paren_closed_expr_100k", src: func() string {
		return "fn f() { x = " + limRep("(", 100000) + "1" + limRep(")", 100000) + "; }"
	}, want: limErrs},
	{name: "bracket_unclosed_expr_100k", src: func() string { return "fn f() { x = " + limRep("[", 100000) }, want: limErrs},
	{name: "bracket_closed_expr_100k", src: func() string {
		return "fn f() { x = " + limRep("[", 100000) + "1" + limRep("]", 100000) + "; }"
	}, want: limErrs},
	{name: "brace_unclosed_toplevel_100k", src: func() string { return limRep("{", 100000) }, want: limErrs},
	{name: "brace_unclosed_fn_100k", src: func() string { return "fn f() " + limRep("{", 100000) }, want: limErrs},
	{name: "blocks_closed_fn_100k", src: func() string { return "fn f() " + limRep("{", 100000) + limRep("}", 100000) }, want: limErrs},
	// A closer that matches an outer group closes 100k inner groups.
	{name: "unclosed_inside_matched_100k", src: func() string { return "[" + limRep("(", 100000) + "]" }, want: limErrs},
	{name: "unmatched_closers_100k", src: func() string { return limRep(")", 50000) + limRep("]}", 25000) }, want: limErrs},

	// Prefix operators and other right-recursive forms.
	{name: "unary_minus_100k", src: func() string { return "fn f() { " + limRep("- ", 100000) + "x; }" }, want: limErrs},
	{name: "unary_not_100k", src: func() string { return "fn f() { " + limRep("!", 100000) + "x; }" }, want: limErrs},
	{name: "unary_deref_100k", src: func() string { return "fn f() { " + limRep("*", 100000) + "x; }" }, want: limErrs},
	{name: "ref_andand_100k", src: func() string { return "fn f() { " + limRep("&&", 50000) + "x; }" }, want: limErrs},
	{name: "closures_100k", src: func() string { return "fn f() { " + limRep("|| ", 100000) + "x; }" }, want: limErrs},
	{name: "assign_chain_100k", src: func() string { return "fn f() { " + limRep("a = ", 100000) + "b; }" }, want: limErrs},
	{name: "nested_mods_100k", src: func() string { return limRep("mod a { ", 100000) + limRep("}", 100000) }, want: limErrs},
	// An else-if chain is not nesting in the source, but the parser
	// counts it as such: diagnostics are accepted, time must be linear.
	{name: "else_if_chain_100k", src: func() string { return "fn f() { if a {} " + limRep("else if a {} ", 100000) + "}" }, want: limAny},

	// Generic types: 10 000 deep (beyond maxDepth), and 40 deep (within
	// it, so valid and clean).
	{name: "generic_vec_10k", src: func() string { return "type T = " + limRep("Vec<", 10000) + "u8" + limRep(">", 10000) + ";" }, want: limErrs},
	{name: "generic_vec_1M", src: func() string { return "type T = " + limRep("Vec<", 1000000) + "u8" + limRep(">", 1000000) + ";" }, want: limErrs},
	{name: "generic_vec_40", src: func() string { return "type T = " + limRep("Vec<", 40) + "u8" + limRep(">", 40) + ";" }, want: limClean},
	{name: "generic_vec_fnparam_40", src: func() string {
		return "fn f(x: " + limRep("Vec<", 40) + "u8" + limRep(">", 40) + ") {}"
	}, want: limClean},
	// Too deep inside a function parameter: the parser tries a pattern,
	// backtracks and reparses as a type; the "nesting too deep"
	// diagnostic must survive the backtracking.
	{name: "slice_type_param_1000", src: func() string {
		return "fn f(" + limRep("[", 1000) + "u8" + limRep("]", 1000) + ") {}"
	}, want: limErrs},
	// Backtracking in function parameters (pattern, then type) over
	// nested const-generic blocks holding functions: 30 levels.
	{name: "fnparam_backtrack_nested_30", src: func() string {
		return "fn f(" + limRep("a::<{ fn g(", 30) + "x: u8" + limRep(") {} }> x", 30) + ") {}"
	}, want: limErrs},
	{name: "path_segments_100k", src: func() string { return "fn f() { a" + limRep("::a", 100000) + "; }" }, want: limClean},

	// Long left-associative chains: loops in the parser, must be clean.
	{name: "binary_chain_200k", src: func() string { return "fn f() { a" + limRep("+a", 199999) + "; }" }, want: limClean},
	{name: "method_chain_100k", src: func() string { return "fn f() { x" + limRep(".f()", 100000) + "; }" }, want: limClean},
	{name: "try_field_chain_100k", src: func() string { return "fn f() { x" + limRep("?.a", 100000) + "; }" }, want: limClean},
	// A 2 MB chain: the tree is 1M levels deep on the left; walking it
	// with Inspect must not overflow the stack.
	{name: "binary_chain_1M_inspect", src: func() string { return "fn f() { a" + limRep("+a", 1000000) + "; }" }, want: limClean, budget: 8 * time.Second},

	// Big files.
	{name: "valid_20MB", src: limBigValid, want: limClean, budget: 20 * time.Second, long: true},
	{name: "random_bytes_1MB", src: func() string {
		b := make([]byte, 1<<20)
		rand.New(rand.NewSource(1)).Read(b)
		return string(b)
	}, want: limErrs},
	{name: "pound_1M", src: func() string { return limRep("#", 1000000) }, want: limErrs},
	{name: "pound_bracket_100k", src: func() string { return limRep("#[", 100000) }, want: limErrs},
	{name: "dquote_100001", src: func() string { return limRep(`"`, 100001) }, want: limErrs},
	{name: "dquote_lines_100k", src: func() string { return limRep("\"a\\\n", 100000) }, want: limErrs},
	{name: "squote_100k", src: func() string { return limRep("'", 100000) }, want: limErrs},
	{name: "squote_a_100k", src: func() string { return limRep("'a ", 100000) }, want: limErrs},
	{name: "raw_string_open_100k", src: func() string { return limRep(`r#"`, 100000) }, want: limErrs},
	{name: "raw_string_many_hashes", src: func() string { return "r" + limRep("#", 1000000) + `"` + limRep(`"#`, 100000) }, want: limErrs},
	{name: "byte_raw_open_100k", src: func() string { return limRep(`br##"x"#`, 100000) }, want: limErrs},
	{name: "invalid_utf8_1M", src: func() string { return limRep("\xff", 1000000) }, want: limErrs},
	{name: "invalid_utf8_mixed_1M", src: func() string { return limRep("\xc3(\xe2\x28\xa1 ", 200000) }, want: limErrs},
	{name: "block_comments_open_10k", src: func() string { return limRep("/* ", 10000) }, want: limErrs},
	{name: "block_comments_open_1M", src: func() string { return limRep("/*", 1000000) }, want: limErrs},
	{name: "long_line_errors", src: func() string { return limRep("a", 1<<20) + limRep(" $", 10000) }, want: limErrs},
	{name: "many_lines_errors", src: func() string { return limRep("fn\n", 300000) }, want: limErrs},
}

// limBigValid returns about 20 MB of valid Rust: a varied function
// repeated with distinct names.
func limBigValid() string {
	const unit = `
/// Documentation for f%[1]d.
#[inline]
pub fn f%[1]d<'a, T: Clone + Send>(x: &'a [T], n: usize) -> Option<Vec<T>> where T: 'a {
    let mut out = Vec::with_capacity(n);
    for (i, v) in x.iter().enumerate() {
        if i %% 2 == 0 && n > 0 { out.push(v.clone()); } else if i > n { break; }
    }
    let s = match n { 0 => "zero", 1..=9 => "small", _ => r#"big"# };
    let c = |a: u32, b: u32| -> u32 { a.wrapping_mul(b) + 0x1f };
    let _ = (s, c(1, 2), [0u8; 4], b'x', 'y', 1.5e3f64);
    unsafe { core::ptr::read_volatile(&n as *const usize); }
    println!("{} {:?}", n, out.len());
    Some(out)
}

struct S%[1]d<T> { a: u32, b: Box<dyn Fn(T) -> T + Send>, }
impl<T> S%[1]d<T> { const K: usize = 3; fn get(&self) -> u32 { self.a } }
`
	var b strings.Builder
	for i := 0; b.Len() < 20<<20; i++ {
		fmt.Fprintf(&b, unit, i)
	}
	return b.String()
}

// limResult is what a child process reports.
type limResult struct {
	Bytes       int
	ParseNanos  int64 // wall time
	ParseCPU    int64 // CPU time of the process during ParseFile (nanoseconds)
	LexNanos    int64
	Alloc       uint64 // bytes allocated by ParseFile
	NErrs       int
	FirstErrs   []string
	BadPos      []string // diagnostics with an invalid position
	Internal    string   // an "internal parser error" diagnostic
	Panic       string
	Nodes       int
	InspectNano int64
	Stack       uint64 // StackInuse right after parsing, in the parsing goroutine
}

func limTimeScale() float64 {
	if s := os.Getenv("WARDEN_SYNTAX_TIME_SCALE"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 {
			return f
		}
	}
	return 1
}

func TestParseLimits(t *testing.T) {
	if os.Getenv(limChildEnv) != "" {
		t.Skip("running as a child process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	scale := limTimeScale()
	for _, c := range limCases {
		t.Run(c.name, func(t *testing.T) {
			if c.long && testing.Short() {
				t.Skip("large input; skipped with -short")
			}
			budget := c.budget
			if budget == 0 {
				budget = 2 * time.Second
			}
			budget = time.Duration(float64(budget) * scale)
			// The child is killed after six times the budget (wall
			// time, generous for loaded machines) plus startup time: a
			// hang fails the case instead of the whole run.
			hard := 6*budget + 10*time.Second
			ctx, cancel := context.WithTimeout(context.Background(), hard)
			defer cancel()
			cmd := exec.CommandContext(ctx, exe, "-test.run=^TestParseLimitsChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), limChildEnv+"="+c.name, "WARDEN_SYNTAX_LIMIT_DEADLINE="+hard.String())
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			runErr := cmd.Run()
			wall := time.Since(start)
			if ctx.Err() != nil {
				t.Fatalf("HANG (or super-linear time): not finished after %v (budget %v); input %s", wall.Round(time.Millisecond), budget, limDescribe(c))
			}
			res, ok := limParseChild(stdout.String())
			if !ok {
				t.Fatalf("child process failed (%v) on %s:\n%s", runErr, limDescribe(c), limCrashExcerpt(stderr.String()+stdout.String()))
			}
			t.Logf("%d bytes: parse %v wall, %v CPU (lex %v), %.1f alloc bytes/input byte, %d diagnostics, %d nodes (Inspect %v), stack %d KB",
				res.Bytes, time.Duration(res.ParseNanos).Round(time.Microsecond), time.Duration(res.ParseCPU).Round(time.Microsecond), time.Duration(res.LexNanos).Round(time.Microsecond),
				float64(res.Alloc)/float64(max(res.Bytes, 1)), res.NErrs, res.Nodes,
				time.Duration(res.InspectNano).Round(time.Microsecond), res.Stack>>10)
			if len(res.FirstErrs) > 0 {
				t.Logf("first diagnostics: %q", res.FirstErrs)
			}
			if res.Panic != "" {
				t.Errorf("PANIC: %s", res.Panic)
			}
			if res.Internal != "" {
				t.Errorf("internal parser error reported: %s", res.Internal)
			}
			if len(res.BadPos) > 0 {
				t.Errorf("%d diagnostics without a valid location, e.g. %q", len(res.BadPos), res.BadPos[0])
			}
			if res.NErrs > limMaxDiags {
				t.Errorf("%d diagnostics, want at most %d", res.NErrs, limMaxDiags)
			}
			switch c.want {
			case limErrs:
				if res.NErrs == 0 {
					t.Errorf("no diagnostic for invalid (or too deeply nested) input")
				}
			case limClean:
				if res.NErrs != 0 {
					t.Errorf("valid input reported %d diagnostics: %q", res.NErrs, res.FirstErrs)
				}
			}
			if d := time.Duration(res.ParseCPU); d > budget {
				t.Errorf("TOO SLOW: ParseFile took %v of CPU on %d bytes (budget %v)", d, res.Bytes, budget)
			}
			if limit := uint64(limBytesPerByte*res.Bytes + limAllocSlack); res.Alloc > limit {
				t.Errorf("TOO MUCH MEMORY: ParseFile allocated %d bytes for %d input bytes (limit %d)", res.Alloc, res.Bytes, limit)
			}
		})
	}
}

func limDescribe(c limCase) string {
	return fmt.Sprintf("%s (want %v)", c.name, map[limWant]string{limAny: "any", limErrs: "errors", limClean: "no errors"}[c.want])
}

func limParseChild(out string) (limResult, bool) {
	var res limResult
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "LIMRESULT "); ok {
			if err := json.Unmarshal([]byte(rest), &res); err == nil {
				return res, true
			}
		}
	}
	return res, false
}

// limCrashExcerpt keeps the useful part of a crashed child's output: the
// fatal error line and the top frames of the running goroutine.
func limCrashExcerpt(out string) string {
	lines := strings.Split(out, "\n")
	var keep []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "fatal error") || strings.HasPrefix(l, "runtime: goroutine stack exceeds") ||
			strings.HasPrefix(l, "panic:") || strings.Contains(l, "limits_test.go") && strings.Contains(l, "child") {
			keep = append(keep, l)
		}
		if strings.Contains(l, "[running]:") {
			end := min(i+13, len(lines))
			keep = append(keep, lines[i:end]...)
			break
		}
	}
	if len(keep) == 0 {
		if len(out) > 3000 {
			out = out[:3000] + "…"
		}
		return out
	}
	return strings.Join(keep, "\n")
}

// TestParseLimitsChild is the child half of TestParseLimits; it does
// nothing unless started by it.
func TestParseLimitsChild(t *testing.T) {
	name := os.Getenv(limChildEnv)
	if name == "" {
		t.Skip("only run as a child process of TestParseLimits")
	}
	var c *limCase
	for i := range limCases {
		if limCases[i].name == name {
			c = &limCases[i]
		}
	}
	if c == nil {
		t.Fatalf("unknown case %q", name)
	}
	// Never outlive the parent, even if it dies without killing us.
	if d, err := time.ParseDuration(os.Getenv("WARDEN_SYNTAX_LIMIT_DEADLINE")); err == nil {
		time.AfterFunc(d+2*time.Second, func() { os.Exit(3) })
	}
	src := c.src()
	res := limResult{Bytes: len(src)}
	fset := syntax.NewFileSet()
	f := fset.AddFile(name+".rs", src)

	// Parse in a fresh goroutine (small initial stack) under a low
	// stack limit: the parser's nesting is bounded by maxDepth.
	runtime.GC()
	var sf *syntax.SourceFile
	var errs syntax.ErrorList
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				res.Panic = fmt.Sprintf("%v\n%s", r, debug.Stack())
			}
		}()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		old := debug.SetMaxStack(limParseStack)
		cpu := limCPU()
		st := time.Now()
		sf, errs = syntax.ParseFile(f)
		res.ParseNanos = int64(time.Since(st))
		res.ParseCPU = int64(limCPU() - cpu)
		debug.SetMaxStack(old)
		runtime.ReadMemStats(&after)
		res.Alloc = after.TotalAlloc - before.TotalAlloc
		res.Stack = after.StackInuse
	}()
	<-done

	// Lex alone (timing only), after parsing so that a slow lexer does
	// not double the time to detect a hang.
	st := time.Now()
	syntax.Lex(f)
	res.LexNanos = int64(time.Since(st))

	res.NErrs = len(errs)
	for i, e := range errs {
		if i < 3 {
			res.FirstErrs = append(res.FirstErrs, e.Error())
		}
		if strings.Contains(e.Msg, "internal parser error") && res.Internal == "" {
			res.Internal = e.Error()
		}
		if e.Pos.Line < 1 || e.Pos.Column < 1 || e.Pos.Offset < 0 || e.Pos.Offset > len(src) || e.Pos.Filename != f.Name {
			res.BadPos = append(res.BadPos, fmt.Sprintf("%+v %s", e.Pos, e.Msg))
		}
	}

	// Walk the tree with the default stack limit, in a fresh goroutine.
	if sf != nil {
		done := make(chan struct{})
		go func() {
			defer close(done)
			st := time.Now()
			syntax.Inspect(sf, func(syntax.Node) bool { res.Nodes++; return true })
			res.InspectNano = int64(time.Since(st))
		}()
		<-done
	}
	b, _ := json.Marshal(res)
	fmt.Printf("\nLIMRESULT %s\n", b)
}

// limCPU returns the CPU time (user+system) used so far by this process.
func limCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
