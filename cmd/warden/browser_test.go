package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The review UI in a real browser: Debian's chromium, driven through the
// DevTools protocol (chromedp), on "warden serve" started as a process on
// testdata/serve/review. .ci/run installs chromium; elsewhere the test is
// skipped when no browser is found (WARDEN_CHROMIUM names one).
//
// Screenshots of the main pages are written to WARDEN_ARTIFACTS (default
// artifacts/browser at the repository's root).

// findChromium returns the browser to drive, or "".
func findChromium() string {
	if p := os.Getenv("WARDEN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserWatch collects what must never happen on a page of the UI:
// uncaught exceptions, dialogs, and Content-Security-Policy violations
// (an inline script or handler the escaping let through and the policy
// stopped).
type browserWatch struct {
	mu       sync.Mutex
	problems []string
}

func (w *browserWatch) add(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, s)
}

func (w *browserWatch) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}

func (w *browserWatch) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		w.add("exception: " + ev.ExceptionDetails.Text)
	case *page.EventJavascriptDialogOpening:
		w.add("dialog: " + ev.Message)
	case *cdplog.EventEntryAdded:
		if strings.Contains(ev.Entry.Text, "Content Security Policy") {
			w.add("csp: " + ev.Entry.Text)
		}
	}
}

type browserTest struct {
	t     *testing.T
	ctx   context.Context
	watch *browserWatch
	shots string
}

// do runs steps; a failure is fatal and names what was being done.
func (b *browserTest) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// click clicks the element an XPath expression finds and waits for the
// next page's marker.
func (b *browserTest) click(xpath, wait string) {
	b.t.Helper()
	b.do("click "+xpath, chromedp.Click(chromedp.Search(xpath), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.Search(wait)))
}

func (b *browserTest) text(sel chromedp.CSS) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(sel))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *browserTest) eval(js string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// clean checks that nothing of a crate's text ran or became markup on the
// current page.
func (b *browserTest) clean(page string) {
	b.t.Helper()
	if !b.eval(`window.__pwned === undefined`) {
		b.t.Errorf("%s: a payload ran", page)
	}
	if !b.eval(`document.querySelectorAll("main script, main img, main iframe, main svg [onload], main [onerror]").length === 0`) {
		b.t.Errorf("%s: a payload became markup", page)
	}
	for _, p := range b.watch.take() {
		b.t.Errorf("%s: %s", page, p)
	}
}

func (b *browserTest) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
}

// TestServeBrowser reviews the test project as a person would: the token
// is required, the overview shows the matrix and the graph, a witness is
// followed by clicks from the application's main down to libc::connect's
// line in mio, the crate with hostile file names and source renders them
// as text, a decision recorded in the page makes "warden check" pass, and
// the diff page shows what the update gained.
func TestServeBrowser(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no chromium: .ci/run installs Debian's chromium package")
		}
		t.Skip("no chromium (set WARDEN_CHROMIUM)")
	}
	needCrates(t, "mio-0.8.4", "libc-0.2.139", "log-0.4.17")
	shots := os.Getenv("WARDEN_ARTIFACTS")
	if shots == "" {
		shots = filepath.Join("..", "..", "artifacts", "browser")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	// The project, and an earlier state of it where oddnames read no file.
	root := t.TempDir()
	proj, old := filepath.Join(root, "review"), filepath.Join(root, "old")
	copyTree(t, filepath.Join("..", "..", "testdata", "serve", "review"), proj)
	copyTree(t, filepath.Join("..", "..", "testdata", "serve", "review"), old)
	payload := filepath.Join(old, "oddnames", "src", "x<img src=x onerror=window.__pwned=1>.rs")
	if err := os.WriteFile(payload, []byte("pub fn read_config() -> String { String::new() }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cacheDir := t.TempDir()
	// Before the review: one effect to review, and the blind spot printed
	// although the policy only warns of it.
	if code, out, _ := runProcess(t, "check", "--cache-dir", cacheDir, proj); code != 1 || !strings.Contains(out, "unreviewed  oddnames 0.1.0") ||
		!strings.Contains(out, "blind, warn oddnames 0.1.0  src/lib.rs:8  module-not-found") {
		t.Fatalf("warden check before the review: exit %d\n%s", code, out)
	}
	url, _, stderr := startServe(t, "--cache-dir", cacheDir, "--diff", old, proj)
	base := url[:strings.Index(url, "/?")]

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900))...)
	defer cancelAlloc()
	watch := &browserWatch{}
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(watch.listen), chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	b := &browserTest{t: t, ctx: bctx, watch: watch, shots: shots}
	if _, err := chromedp.Call(bctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}

	// Without the token (or with a wrong one) nothing is served.
	for _, u := range []string{base + "/", base + "/?token=0123", base + "/src?crate=x&file=Cargo.toml"} {
		b.do("open "+u, chromedp.Navigate(u))
		if body := b.text("body"); !strings.HasPrefix(body, "forbidden") {
			t.Errorf("%s without the token shows %q", u, body)
		}
	}

	// The watch sees a policy violation: the page refuses an inline
	// handler injected into it (so a clean page below means something).
	b.do("open the overview", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#matrix")))
	b.do("inject", chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML("beforeend", "<img src=/x onerror=window.__pwned=9>")`))
	time.Sleep(500 * time.Millisecond)
	if !b.eval(`window.__pwned === undefined`) || len(watch.take()) == 0 {
		t.Error("an injected inline handler was not reported as a CSP violation")
	}

	// Overview.
	b.do("reload the overview", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#matrix")))
	if loc, _ := chromedp.Run(bctx, chromedp.Location()); strings.Contains(loc, "token") {
		t.Errorf("the token stays in the address bar: %s", loc)
	}
	if gate := b.text("#gate"); !strings.Contains(gate, "warden check fails") || !strings.Contains(gate, "1 unreviewed") {
		t.Errorf("overview gate: %q", gate)
	}
	for _, want := range []string{"review 0.1.0", "mio 0.8.4", "libc 0.2.139", "oddnames 0.1.0"} {
		if !strings.Contains(b.text("#matrix"), want) {
			t.Errorf("matrix lacks %s", want)
		}
	}
	if !b.eval(`document.querySelectorAll(".graph svg a").length >= 6`) {
		t.Error("the dependency graph has no linked node per crate")
	}
	if c := b.text(".coverage"); !strings.Contains(c, "1 blind spot") {
		t.Errorf("coverage: %q", c)
	}
	b.clean("overview")
	b.screenshot("overview")

	// From the application's main to libc::connect, by clicking.
	b.click(`//a[@class="crate-link"][normalize-space()="review 0.1.0"]`, `//h1[normalize-space()="review 0.1.0"]`)
	b.clean("crate review")
	b.click(`//a[@class="fn-link"][normalize-space()="review::main"]`, `//h1/code[text()="review::main"]`)
	b.clean("function review::main")
	b.screenshot("function")
	net := func(hop, next string) {
		b.click(`//h3[span[text()="net"]]/following-sibling::ol[1]//a[normalize-space()="`+hop+`"]`, next)
	}
	net("review::fetch", `//h1/code[text()="review::fetch"]`)
	net("mio::net::tcp::stream::TcpStream::connect", `//h1/code[text()="mio::net::tcp::stream::TcpStream::connect"]`)
	b.clean("function TcpStream::connect")
	net("mio::sys::unix::tcp::connect", `//h1/code[text()="mio::sys::unix::tcp::connect"]`)
	net("libc::connect", `//pre[@class="source"]`)
	if h := b.text("h1"); h != "src/sys/unix/tcp.rs" {
		t.Errorf("the witness ends in %q, want mio's src/sys/unix/tcp.rs", h)
	}
	if line := b.text(".line.target"); !strings.Contains(line, "connect(") || !b.eval(`document.querySelector(".line.target").classList.contains("mark")`) {
		t.Errorf("the witness's last line is %q (want the marked libc::connect call)", line)
	}
	if m, _ := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(".line.target"), "title")); !strings.Contains(m.Value, "libc::connect") {
		t.Errorf("the marked line's title is %q", m.Value)
	}
	b.clean("source tcp.rs")
	b.screenshot("source")

	// Hostile names and source, shown as text.
	b.do("back to the overview", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#matrix")))
	b.click(`//a[@class="crate-link"][normalize-space()="oddnames 0.1.0"]`, `//h1[normalize-space()="oddnames 0.1.0"]`)
	if bs := b.text("ul.blind"); !strings.Contains(bs, "<script>window.__pwned=2</script>.rs") {
		t.Errorf("the blind spot does not show the module's file name as text: %q", bs)
	}
	b.clean("crate oddnames")
	b.screenshot("crate")
	b.click(`//table[@class="effects"]//a[contains(text(), "x<img")]`, `//pre[@class="source"]`)
	if h := b.text("h1"); h != "src/x<img src=x onerror=window.__pwned=1>.rs" {
		t.Errorf("source page title %q", h)
	}
	if src := b.text("pre.source"); !strings.Contains(src, `</pre><script>window.__pwned=4</script><img src=x onerror="window.__pwned=5">`) ||
		!strings.Contains(src, `"\"><svg onload=window.__pwned=6>"`) {
		t.Errorf("the source is not shown as written:\n%s", src)
	}
	b.clean("source of the payload file")

	// A decision recorded in the page, and warden check after it.
	b.click(`//p/a[normalize-space()="oddnames 0.1.0"]`, `//form[@class="decide"]`)
	b.do("fill the decision",
		chromedp.SetValue(chromedp.CSS(`form.decide select[name=decision]`), "safe"),
		chromedp.SendKeys(chromedp.CSS(`form.decide input[name=reason]`), "reads its own configuration file"),
		chromedp.Click(chromedp.CSS(`form.decide button`)),
		chromedp.WaitNotPresent(chromedp.CSS("form.decide")))
	if st := b.text("tr.effect td.status"); !strings.Contains(st, "safe: reads its own configuration file") {
		t.Errorf("after the decision the effect shows %q", st)
	}
	b.clean("crate oddnames after the decision")
	data, err := os.ReadFile(filepath.Join(proj, "warden.toml"))
	if err != nil || !strings.Contains(string(data), `decision = "safe"`) || !strings.Contains(string(data), `crate = "oddnames"`) {
		t.Errorf("the project file after the decision:\n%s", data)
	}
	if code, out, _ := runProcess(t, "check", "--cache-dir", cacheDir, proj); code != 0 {
		t.Errorf("warden check after the review: exit %d\n%s", code, out)
	}
	b.do("overview after the decision", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#matrix")))
	if gate := b.text("#gate"); !strings.Contains(gate, "warden check passes") {
		t.Errorf("overview gate after the decision: %q", gate)
	}

	// The diff against the earlier state.
	b.click(`//header/a[text()="diff"]`, `//h1[text()="What the update changes"]`)
	if d := b.text("main"); !strings.Contains(d, "oddnames") || !strings.Contains(d, "gained: fs") {
		t.Errorf("diff page:\n%s", d)
	}
	b.clean("diff")
	b.screenshot("diff")

	// A 5 MB source file: the page loads, jumps to its line and answers.
	line := "pub fn f() -> u32 { let x = \"s\"; /* c */ x.len() as u32 }\n"
	big := strings.Repeat(line, 5<<20/len(line))
	if err := os.WriteFile(filepath.Join(proj, "oddnames", "src", "big.rs"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("overview", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#matrix")))
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#matrix a.crate-link[href*="oddnames"]').getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	target := strings.Count(big, "\n") - 10
	start := time.Now()
	b.do("open a 5 MB file", chromedp.Navigate(fmt.Sprintf("%s/src?crate=%s&file=src/big.rs&line=%d#L%d", base, strings.TrimPrefix(href, "/crate?id="), target, target)),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("L%d", target))))
	loaded := time.Since(start)
	start = time.Now()
	inView := b.eval(fmt.Sprintf(`(r => r.top >= 0 && r.bottom <= innerHeight)(document.getElementById("L%d").getBoundingClientRect())`, target))
	answered := time.Since(start)
	t.Logf("a 5 MB source file (%d lines): shown at its last lines in %v, then answered in %v", target+10, loaded.Round(time.Millisecond), answered.Round(time.Millisecond))
	if !inView {
		t.Error("the 5 MB page did not scroll to its #L anchor")
	}
	if loaded > 30*time.Second || answered > 2*time.Second {
		t.Errorf("the 5 MB page is not responsive: loaded in %v, answered in %v", loaded, answered)
	}
	if win := b.text(".window"); !strings.Contains(win, fmt.Sprintf("of %d", target+10)) {
		t.Errorf("the 5 MB page does not say which lines it shows: %q", win)
	}
	first, err := chromedp.Run(bctx, chromedp.Evaluate[int](`+document.querySelector(".line").id.slice(1)`))
	if err != nil || first <= 1 {
		t.Fatalf("the 5 MB page's first line: %d, %v", first, err)
	}
	b.click(`//a[@class="earlier"]`, fmt.Sprintf(`//span[@id="L%d"]`, first-1))
	if !b.eval(fmt.Sprintf(`document.querySelectorAll(".line").length <= 5000 && document.querySelector(".line:last-child").id === "L%d"`, first-1)) {
		t.Error("earlier does not show the lines before the window")
	}
	b.clean("5 MB source")

	if t.Failed() {
		t.Logf("warden serve's stderr:\n%s", stderr.String())
	}
}
