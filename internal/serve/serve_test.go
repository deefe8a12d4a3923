package serve

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/audit"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
)

const hostile = `<img src=x onerror=alert(1)>`

// fixture builds a server over a two-crate tree whose names, paths and
// source are hostile, with a crate directory on disk.
func fixture(t *testing.T) (*Server, string, string) {
	t.Helper()
	dir := t.TempDir()
	crateDir := filepath.Join(dir, "dep")
	if err := os.MkdirAll(filepath.Join(crateDir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "pub fn f() {\n    let _ = std::fs::read(\"" + hostile + "\"); // </pre><script>alert(2)</script>\n}\n"
	if err := os.WriteFile(filepath.Join(crateDir, "src", "lib.rs"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(crateDir, "src", "link.rs"))
	eff := diag.Diagnostic{Category: diag.Effect, ID: "e1", Function: "dep::f", Callee: "std::fs::read", Capability: "fs", Kind: "ambient",
		Pos: diag.Position{File: "src/lib.rs", Line: 2, Col: 13}}
	rep := &tree.Report{Root: "app" + hostile, RootID: "app 0.1.0", Crates: []tree.CrateReport{
		{ID: "app 0.1.0", Name: "app" + hostile, Version: "0.1.0", Path: filepath.Join(dir, "app"), Runtime: []model.Capability{model.FS},
			Functions: nil},
		{ID: "dep 1.0.0", Name: "dep", Version: "1.0.0", Path: crateDir, Runtime: []model.Capability{model.FS}, Direct: []model.Capability{model.FS},
			Effects: []diag.Diagnostic{eff}},
	}, Edges: []tree.Edge{{From: "app 0.1.0", To: "dep 1.0.0", Kind: "normal"}}}
	proj := filepath.Join(dir, "warden.toml")
	s, err := New(Options{Report: rep, ProjectFile: proj, Evaluate: func(p *audit.Project) *audit.Result {
		return audit.Evaluate(p, []audit.Effect{{Crate: "dep", Version: "1.0.0", Diagnostic: eff}}, nil)
	}})
	if err != nil {
		t.Fatal(err)
	}
	return s, proj, crateDir
}

// get requests path with the server's cookie.
func get(t *testing.T, s *Server, path string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(&http.Cookie{Name: cookieName, Value: s.Token()})
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

var inlineScript = regexp.MustCompile(`<script(\s[^>]*)?>[^<]`)

func TestToken(t *testing.T) {
	s, _, _ := fixture(t)
	h := s.Handler()
	for _, path := range []string{"/", "/crate?id=dep+1.0.0", "/?token=wrong", "/static/style.css"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusForbidden {
			t.Errorf("GET %s without the token: %d, want 403", path, w.Code)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/?token="+s.Token(), nil))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("first visit: %d to %q, want a redirect to /", w.Code, w.Header().Get("Location"))
	}
	c := w.Result().Cookies()
	if len(c) != 1 || c[0].Value != s.Token() || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v, want the token, HttpOnly, SameSite=Strict", c)
	}
	if w := get(t, s, "/"); w.Code != 200 {
		t.Errorf("with the cookie: %d", w.Code)
	}
}

func TestPagesEscapeAndHaveNoInlineScript(t *testing.T) {
	s, _, _ := fixture(t)
	for _, path := range []string{"/", "/crate?id=dep+1.0.0", "/crate?id=app+0.1.0", "/fn?crate=dep+1.0.0&path=dep::f", "/src?crate=dep+1.0.0&file=src/lib.rs"} {
		w := get(t, s, path)
		body := w.Body.String()
		if w.Code != 200 {
			t.Errorf("GET %s: %d %s", path, w.Code, body)
			continue
		}
		if strings.Contains(body, hostile) || strings.Contains(body, "<script>alert") {
			t.Errorf("GET %s: hostile text unescaped", path)
		}
		if inlineScript.MatchString(body) {
			t.Errorf("GET %s: an inline script", path)
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
	}
	if body := get(t, s, "/src?crate=dep+1.0.0&file=src/lib.rs").Body.String(); !strings.Contains(body, `id="L2"`) || !strings.Contains(body, "mark") {
		t.Errorf("source page lacks line anchors or the effect's mark")
	}
}

func TestSourceStaysInTheCrate(t *testing.T) {
	s, _, _ := fixture(t)
	for _, file := range []string{"../secret.txt", "/etc/passwd", "src/../../secret.txt", "src/link.rs", "src", "", "src/none.rs"} {
		w := get(t, s, "/src?crate=dep+1.0.0&file="+url.QueryEscape(file))
		if w.Code == 200 || strings.Contains(w.Body.String(), "SECRET") {
			t.Errorf("file %q: %d, served", file, w.Code)
		}
	}
	if w := get(t, s, "/src?crate=nope&file=src/lib.rs"); w.Code != http.StatusNotFound {
		t.Errorf("unknown crate: %d", w.Code)
	}
}

func TestDecide(t *testing.T) {
	s, proj, _ := fixture(t)
	post := func(form url.Values) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/decide", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(&http.Cookie{Name: cookieName, Value: s.Token()})
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		return w
	}
	good := url.Values{"csrf": {s.csrf}, "crate": {"dep 1.0.0"}, "id": {"e1"}, "decision": {"safe"}, "reason": {"reads its " + hostile}}
	noCSRF := url.Values{"crate": {"dep 1.0.0"}, "id": {"e1"}, "decision": {"safe"}, "reason": {"x"}}
	if w := post(noCSRF); w.Code != http.StatusForbidden {
		t.Errorf("without CSRF: %d", w.Code)
	}
	if w := get(t, s, "/decide?"+good.Encode()); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /decide: %d, want 405", w.Code)
	}
	bad := url.Values{"csrf": {s.csrf}, "crate": {"dep 1.0.0"}, "id": {"e1"}, "decision": {"maybe"}, "reason": {"x"}}
	if w := post(bad); w.Code != http.StatusBadRequest {
		t.Errorf("bad decision: %d", w.Code)
	}
	if w := post(good); w.Code != http.StatusSeeOther {
		t.Fatalf("decide: %d %s", w.Code, w.Body.String())
	}
	p, err := audit.Load(proj)
	if err != nil || len(p.Decisions) != 1 || p.Decisions[0].ID != "e1" || p.Decisions[0].Decision != "safe" {
		t.Fatalf("project file after the decision: %+v, %v", p, err)
	}
	page := get(t, s, "/crate?id=dep+1.0.0").Body.String()
	if !strings.Contains(page, `class="effect safe"`) || strings.Contains(page, hostile) {
		t.Errorf("the crate page does not show the decision (escaped)")
	}
	if w := post(good); w.Code != http.StatusConflict {
		t.Errorf("second decision on the same effect: %d, want 409", w.Code)
	}
}

func TestLargeSource(t *testing.T) {
	s, _, dir := fixture(t)
	big := strings.Repeat("pub fn f() { let x = \"s\"; /* c */ }\n", 6<<20/37)
	if err := os.WriteFile(filepath.Join(dir, "src", "big.rs"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w := get(t, s, "/src?crate=dep+1.0.0&file=src/big.rs")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "only the first 5 MB") {
		t.Errorf("big file: %d", w.Code)
	}
	// One window of it, around the line asked for, with the way on.
	w = get(t, s, "/src?crate=dep+1.0.0&file=src/big.rs&line=100000")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, `id="L100000"`) || !strings.Contains(body, "lines 97501–102500 of 145636") ||
		!strings.Contains(body, `class="earlier" href="/src?crate=dep&#43;1.0.0&amp;file=src%2Fbig.rs&amp;to=97500"`) ||
		!strings.Contains(body, `class="later" href="/src?crate=dep&#43;1.0.0&amp;file=src%2Fbig.rs&amp;from=102501"`) {
		t.Errorf("window of a big file: %d\n%.2000s", w.Code, body)
	}
	if len(body) > 2<<20 {
		t.Errorf("a window of a big file is %d bytes of HTML", len(body))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 6 MB file took %v", d)
	}
}
