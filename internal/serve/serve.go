// Package serve is "warden serve": a local web UI over the analysis of a
// dependency tree, where a reviewer moves from a capability overview to a
// crate, a function, its witness path and the source line at its end, and
// records decisions in the project file. Every page is rendered on the
// server with html/template (crates' names, paths and source text are
// untrusted and always escaped); the few scripts are embedded files, and a
// Content-Security-Policy forbids inline ones. Every request needs the
// random token of the URL the command prints (a cookie after the first
// visit); state-changing requests need POST and a CSRF token.
package serve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/audit"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
	"github.com/wardenrs/warden/internal/treediff"
)

//go:embed assets
var assets embed.FS

// maxSource is the largest source file the source page renders whole.
const maxSource = 5 << 20

// Options is what the server shows.
type Options struct {
	Report *tree.Report
	// ProjectFile is the decisions and policy file; Evaluate judges the
	// tree's effects against a project (read again after each decision).
	ProjectFile string
	Evaluate    func(*audit.Project) *audit.Result
	// Diff is shown on the diff page when set.
	Diff *treediff.Diff
}

// Server serves the UI.
type Server struct {
	opt   Options
	token string
	csrf  string
	pages *template.Template

	mu      sync.Mutex
	project *audit.Project
	result  *audit.Result
	byID    map[string]*tree.CrateReport
}

// New prepares a server: it reads the project file and judges the tree.
func New(opt Options) (*Server, error) {
	s := &Server{opt: opt, token: randomHex(), csrf: randomHex(), byID: map[string]*tree.CrateReport{}}
	for i := range opt.Report.Crates {
		c := &opt.Report.Crates[i]
		s.byID[c.ID] = c
	}
	var err error
	s.pages, err = template.New("pages").Funcs(funcs).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if err := s.reload(); err != nil {
		return nil, err
	}
	return s, nil
}

func randomHex() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// reload reads the project file again and judges the tree.
func (s *Server) reload() error {
	p, err := audit.Load(s.opt.ProjectFile)
	if err != nil {
		return err
	}
	r := s.opt.Evaluate(p)
	s.mu.Lock()
	s.project, s.result = p, r
	s.mu.Unlock()
	return nil
}

// Token is the access token the URL carries.
func (s *Server) Token() string { return s.token }

// Serve listens on addr ("" is 127.0.0.1 on a free port) until ctx is
// done, and calls ready with the URL to open.
func (s *Server) Serve(ctx context.Context, addr string, ready func(url string)) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	host := ln.Addr().String()
	if h, p, err := net.SplitHostPort(host); err == nil && (h == "::" || h == "0.0.0.0") {
		host = net.JoinHostPort("127.0.0.1", p)
	}
	ready("http://" + host + "/?token=" + s.token)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

const cookieName = "warden_token"

// Handler is the UI's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.overview)
	mux.HandleFunc("GET /crate", s.crate)
	mux.HandleFunc("GET /fn", s.function)
	mux.HandleFunc("GET /src", s.source)
	mux.HandleFunc("GET /diff", s.diff)
	mux.HandleFunc("POST /decide", s.decide)
	static, _ := fs.Sub(assets, "assets")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServer(http.FS(static))))
	return s.guard(mux)
}

// guard checks the token on every request (the query on the first
// visit, which sets a cookie and redirects without it; the cookie after)
// and sets the security headers.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if t := r.URL.Query().Get("token"); t != "" {
			if !s.validToken(t) {
				http.Error(w, "forbidden: wrong token", http.StatusForbidden)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			q := r.URL.Query()
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
			return
		}
		c, err := r.Cookie(cookieName)
		if err != nil || !s.validToken(c.Value) {
			http.Error(w, "forbidden: open the URL warden serve printed (it carries the access token)", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) validToken(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// render writes a page.
func (s *Server) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, "rendering failed: "+err.Error(), http.StatusInternalServerError)
	}
}

// Page is what every page gets: the header and the CSRF token.
type Page struct {
	Title string
	Root  string
	CSRF  string
	Diff  bool
}

func (s *Server) base(title string) Page {
	return Page{Title: title, Root: s.opt.Report.Root, CSRF: s.csrf, Diff: s.opt.Diff != nil}
}

// crateRow is a crate in the overview's matrix.
type crateRow struct {
	ID, Name, Version string
	Runtime, Build    map[model.Capability]bool
	Blind             int
	Unreviewed        int
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	res := s.result
	s.mu.Unlock()
	unreviewed := map[string]int{}
	for _, it := range res.Items {
		if it.Status == audit.Unreviewed {
			unreviewed[it.Crate+" "+it.Version]++
		}
	}
	var rows []crateRow
	for _, c := range s.opt.Report.Crates {
		row := crateRow{ID: c.ID, Name: c.Name, Version: c.Version, Runtime: set(c.Runtime), Build: set(c.BuildTime),
			Blind: len(c.BlindSpots), Unreviewed: unreviewed[c.Name+" "+c.Version]}
		rows = append(rows, row)
	}
	// The project's own crate first, then by name.
	sort.SliceStable(rows, func(i, j int) bool {
		if ri, rj := rows[i].ID == s.opt.Report.RootID, rows[j].ID == s.opt.Report.RootID; ri != rj {
			return ri
		}
		return rows[i].Name+" "+rows[i].Version < rows[j].Name+" "+rows[j].Version
	})
	u, rj, st, b := res.Failures()
	s.render(w, "overview.html", struct {
		Page
		Caps                        []model.Capability
		Crates                      []crateRow
		Graph                       template.HTML
		BlindSpots, Incomplete      int
		Unreviewed, Rejected, Stale int
		BlindFail, Pass             bool
		Effects                     int
	}{Page: s.base("Overview"), Caps: model.All, Crates: rows,
		Graph:      template.HTML(GraphSVG(s.opt.Report, func(id string) string { return "/crate?id=" + url.QueryEscape(id) })), // GraphSVG escapes every string it writes
		BlindSpots: s.opt.Report.BlindSpots, Incomplete: s.opt.Report.IncompleteCrates,
		Unreviewed: u, Rejected: rj, Stale: st, BlindFail: b > 0, Pass: res.Pass(), Effects: len(res.Items)})
}

func set(cs []model.Capability) map[model.Capability]bool {
	m := map[model.Capability]bool{}
	for _, c := range cs {
		m[c] = true
	}
	return m
}

// effectRow is an effect on the crate page.
type effectRow struct {
	audit.Item
	Reason string
}

type fnGroup struct {
	Function string
	Effects  []effectRow
}

type capGroup struct {
	Cap       string
	Functions []fnGroup
}

func (s *Server) crateOf(w http.ResponseWriter, r *http.Request) *tree.CrateReport {
	c := s.byID[r.URL.Query().Get("id")]
	if c == nil {
		c = s.byID[r.URL.Query().Get("crate")]
	}
	if c == nil {
		http.Error(w, "no such crate in the tree", http.StatusNotFound)
	}
	return c
}

func (s *Server) crate(w http.ResponseWriter, r *http.Request) {
	c := s.crateOf(w, r)
	if c == nil {
		return
	}
	s.mu.Lock()
	res := s.result
	s.mu.Unlock()
	groups := map[string]map[string][]effectRow{}
	for _, it := range res.Items {
		if it.Crate != c.Name || it.Version != c.Version {
			continue
		}
		row := effectRow{Item: it}
		if it.Decision != nil {
			row.Reason = it.Decision.Reason
		}
		if groups[it.Capability] == nil {
			groups[it.Capability] = map[string][]effectRow{}
		}
		groups[it.Capability][it.Function] = append(groups[it.Capability][it.Function], row)
	}
	var caps []capGroup
	for _, cp := range model.All {
		fns := groups[string(cp)]
		if len(fns) == 0 {
			continue
		}
		g := capGroup{Cap: string(cp)}
		var names []string
		for f := range fns {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			g.Functions = append(g.Functions, fnGroup{Function: f, Effects: fns[f]})
		}
		caps = append(caps, g)
	}
	s.render(w, "crate.html", struct {
		Page
		Crate *tree.CrateReport
		Caps  []capGroup
	}{Page: s.base(c.Name + " " + c.Version), Crate: c, Caps: caps})
}

// hop is one step of a witness path: a function (Crate and Path set),
// or the callee at its end, linked to the effect's line (File set).
type hop struct {
	Text, Crate, Path string
	File              string
	Line              int
}

// reach is a capability a function reaches, with its witness.
type reach struct {
	Cap    model.Capability
	ByName bool
	Hops   []hop
}

// caller is a call from another crate's function.
type caller struct {
	Crate, Label, Function, File string
	Line                         int
}

func (s *Server) function(w http.ResponseWriter, r *http.Request) {
	c := s.crateOf(w, r)
	if c == nil {
		return
	}
	path := r.URL.Query().Get("path")
	var reaches []reach
	var file string
	var line int
	var fn *analysis.Function
	for _, list := range [][]analysis.Function{c.Functions, c.Internal} {
		for i := range list {
			if list[i].Path == path && fn == nil {
				fn = &list[i]
			}
		}
	}
	if fn != nil {
		file, line = fn.File, fn.Line
		for i, cp := range fn.Reachable {
			rc := reach{Cap: cp, ByName: slices.Contains(fn.ByName, cp)}
			if i < len(fn.Witness) {
				rc.Hops = s.hops(c, fn.Witness[i])
			}
			reaches = append(reaches, rc)
		}
	}
	var effects []diag.Diagnostic
	for _, d := range c.Effects {
		if d.Function == path {
			effects = append(effects, d)
			if file == "" {
				file, line = d.Pos.File, d.Pos.Line
			}
		}
	}
	var callers []caller
	seen := map[caller]bool{}
	for _, cc := range s.opt.Report.CrossCalls {
		if cc.CalleeCrate != c.Name || !slices.Contains(cc.Reaches, path) {
			continue
		}
		for _, from := range s.opt.Report.Crates {
			if from.Name == cc.CallerCrate && from.Version == cc.CallerVersion {
				k := caller{Crate: from.ID, Label: from.Label(), Function: cc.Caller, File: cc.File, Line: cc.Line}
				if !seen[k] {
					seen[k] = true
					callers = append(callers, k)
				}
			}
		}
	}
	s.render(w, "function.html", struct {
		Page
		Crate   *tree.CrateReport
		Path    string
		Known   bool
		Public  bool
		File    string
		Line    int
		Reaches []reach
		Effects []diag.Diagnostic
		Callers []caller
	}{Page: s.base(path), Crate: c, Path: path, Known: fn != nil || len(effects) > 0, Public: fn != nil && (fn.Public || fn.Entry),
		File: file, Line: line, Reaches: reaches, Effects: effects, Callers: callers})
}

// hops splits a witness ("f -> g -> callee") into links: each function
// to its page, the callee at the end to the effect's line in the last
// function's source.
func (s *Server) hops(c *tree.CrateReport, witness string) []hop {
	parts := strings.Split(witness, " -> ")
	hops := make([]hop, len(parts))
	for i, part := range parts {
		hops[i] = s.hopOf(c, part)
	}
	if n := len(hops); n >= 2 {
		last, holder := &hops[n-1], hops[n-2]
		last.Crate, last.Path = "", ""
		if cr := s.byID[holder.Crate]; cr != nil {
			for _, d := range cr.Effects {
				if d.Function == holder.Path && (d.Callee == last.Text || strings.HasSuffix(last.Text, d.Callee)) {
					last.Crate, last.File, last.Line = cr.ID, d.Pos.File, d.Pos.Line
					break
				}
			}
		}
	}
	return hops
}

// hopOf finds the crate of a function named in a witness: the crate
// itself, or the dependency whose library the path's first segment
// names (crate@version:: when the tree holds two versions).
func (s *Server) hopOf(from *tree.CrateReport, part string) hop {
	h := hop{Text: part}
	first, rest, ok := strings.Cut(part, "::")
	if !ok {
		return h // a callee such as "unsafe block"
	}
	name, version, _ := strings.Cut(first, "@")
	path := strings.ReplaceAll(name, "-", "_") + "::" + rest
	for _, c := range s.opt.Report.Crates {
		if strings.ReplaceAll(c.Name, "-", "_") == strings.ReplaceAll(name, "-", "_") && (version == "" || c.Version == version) {
			if c.ID == from.ID || version != "" || h.Crate == "" {
				h.Crate, h.Path = c.ID, path
			}
		}
	}
	if from.Name == name || strings.ReplaceAll(from.Name, "-", "_") == name {
		h.Crate, h.Path = from.ID, path
	}
	return h
}

// source renders a file of an analysed crate: only files under the
// crate's directory, after resolving symlinks.
func (s *Server) source(w http.ResponseWriter, r *http.Request) {
	c := s.crateOf(w, r)
	if c == nil {
		return
	}
	rel := r.URL.Query().Get("file")
	full, err := within(c.Path, rel)
	if err != nil {
		http.Error(w, "forbidden: "+err.Error(), http.StatusForbidden)
		return
	}
	f, err := os.Open(full)
	if err != nil {
		http.Error(w, "cannot read the file", http.StatusNotFound)
		return
	}
	defer f.Close()
	buf := make([]byte, maxSource+1)
	n, _ := f.Read(buf)
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil || m == 0 {
			break
		}
	}
	truncated := n > maxSource
	if truncated {
		n = maxSource
	}
	q := r.URL.Query()
	atoi := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return v }
	win := windowOf(buf[:n], atoi("line"), atoi("from"), atoi("to"))
	marks := map[int]string{}
	for _, d := range c.Effects {
		if d.Pos.File == rel && d.Pos.Line >= win.First && d.Pos.Line <= win.Last {
			if marks[d.Pos.Line] != "" {
				marks[d.Pos.Line] += "; "
			}
			marks[d.Pos.Line] += d.Capability + ": " + d.Callee
		}
	}
	s.render(w, "source.html", struct {
		Page
		Crate     *tree.CrateReport
		File      string
		Code      template.HTML
		Window    sourceWindow
		Truncated bool
	}{Page: s.base(rel), Crate: c, File: rel, Window: win, Truncated: truncated,
		Code: template.HTML(HighlightRustFrom(string(buf[win.A:win.B]), win.First, marks))}) // HighlightRustFrom escapes every character
}

// within resolves rel under dir, refusing absolute paths, "..", and
// symlinks that lead outside dir.
func within(dir, rel string) (string, error) {
	if dir == "" || rel == "" || filepath.IsAbs(rel) || strings.Contains(rel, "\x00") {
		return "", errors.New("not a file of the crate")
	}
	clean := filepath.Clean(rel)
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", errors.New("outside the crate")
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", errors.New("the crate's directory is gone")
	}
	full, err := filepath.EvalSymlinks(filepath.Join(root, clean))
	if err != nil {
		return "", errors.New("no such file")
	}
	if r, err := filepath.Rel(root, full); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", errors.New("a link out of the crate")
	}
	if st, err := os.Stat(full); err != nil || !st.Mode().IsRegular() {
		return "", errors.New("not a regular file")
	}
	return full, nil
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) {
	if s.opt.Diff == nil {
		http.Error(w, "no second state: start warden serve with --diff OLD", http.StatusNotFound)
		return
	}
	ids := map[string]string{} // "name version" -> crate id, for links
	for _, c := range s.opt.Report.Crates {
		ids[c.Label()] = c.ID
	}
	s.render(w, "diff.html", struct {
		Page
		Diff *treediff.Diff
		IDs  map[string]string
	}{Page: s.base("Diff"), Diff: s.opt.Diff, IDs: ids})
}

// decide records a decision from the crate page's form.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(s.csrf)) != 1 {
		http.Error(w, "forbidden: missing or wrong CSRF token", http.StatusForbidden)
		return
	}
	id, crate, decision, reason := r.PostForm.Get("id"), r.PostForm.Get("crate"), r.PostForm.Get("decision"), strings.TrimSpace(r.PostForm.Get("reason"))
	switch decision {
	case audit.Safe, audit.Unsafe, audit.CallerChecked:
	default:
		http.Error(w, "decision is safe, unsafe or caller-checked", http.StatusBadRequest)
		return
	}
	if reason == "" {
		http.Error(w, "a decision needs a reason", http.StatusBadRequest)
		return
	}
	c := s.byID[crate]
	if c == nil {
		http.Error(w, "no such crate", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	var item *audit.Item
	for i := range s.result.Items {
		it := &s.result.Items[i]
		if it.ID == id && it.Crate == c.Name && it.Version == c.Version {
			item = it
		}
	}
	proj := s.project
	s.mu.Unlock()
	if item == nil {
		http.Error(w, "no such effect", http.StatusBadRequest)
		return
	}
	if item.Decision != nil {
		http.Error(w, fmt.Sprintf("this effect already has a decision (%s:%d)", proj.Path, item.Decision.Line), http.StatusConflict)
		return
	}
	d := audit.Decision{Crate: item.Crate, Version: item.Version, ID: item.ID, Function: item.Function, Callee: item.Callee,
		Capability: item.Capability, Decision: decision, By: os.Getenv("USER"), Date: time.Now().UTC().Format("2006-01-02"), Reason: reason}
	if err := proj.Append([]audit.Decision{d}); err != nil {
		http.Error(w, "writing the decision failed", http.StatusInternalServerError)
		return
	}
	if err := s.reload(); err != nil {
		http.Error(w, "the project file no longer reads: "+err.Error(), http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, "/crate?id="+url.QueryEscape(crate)+"#e-"+url.QueryEscape(id), http.StatusSeeOther)
}

var funcs = template.FuncMap{
	"fnURL": func(crate, path string) string {
		return "/fn?crate=" + url.QueryEscape(crate) + "&path=" + url.QueryEscape(path)
	},
	"srcURL": func(crate, file string, line int) string {
		return fmt.Sprintf("/src?crate=%s&file=%s&line=%d#L%d", url.QueryEscape(crate), url.QueryEscape(file), line, line)
	},
	"srcPage": func(crate, file, key string, line int) string {
		return fmt.Sprintf("/src?crate=%s&file=%s&%s=%d", url.QueryEscape(crate), url.QueryEscape(file), key, line)
	},
	"crateURL": func(id string) string { return "/crate?id=" + url.QueryEscape(id) },
	"has":      func(m map[model.Capability]bool, c model.Capability) bool { return m[c] },
	"inc":      func(n int) int { return n + 1 },
	"dec":      func(n int) int { return n - 1 },
	"plural": func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return fmt.Sprintf("%d %ss", n, word)
	},
}
