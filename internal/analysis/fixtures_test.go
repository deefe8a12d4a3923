package analysis

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/model"
)

// fixturesDir holds one tiny crate per way an effect can hide, each with
// its expectations written beside the code (see its README.md).
const fixturesDir = "../../testdata/fixtures"

// TestFixtures runs the whole pipeline on every fixture crate and checks
// the `// want:` comments in its sources and the directives of its
// expect.txt.
func TestFixtures(t *testing.T) {
	entries, err := os.ReadDir(fixturesDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue // e.g. outside.rs, the target of path_escape's #[path]
		}
		n++
		name := e.Name()
		dir := filepath.Join(fixturesDir, name)
		t.Run(name, func(t *testing.T) {
			fx, err := readFixture(name, dir)
			if err != nil {
				t.Fatalf("malformed fixture: %v", err)
			}
			res, err := Run(context.Background(), dir, load.Options{})
			if err != nil {
				t.Fatalf("Run(%s): %v", dir, err)
			}
			if res == nil {
				t.Fatalf("Run(%s) returned a nil result and no error", dir)
			}
			fx.check(t, res)
		})
	}
	if n == 0 {
		t.Fatalf("no fixtures found in %s", fixturesDir)
	}
}

// lineKey names one line of one fixture file; file is relative to the
// fixture directory, with forward slashes.
type lineKey struct {
	file string
	line int
}

func (k lineKey) String() string { return fmt.Sprintf("%s:%d", k.file, k.line) }

// directive is one line of expect.txt.
type directive struct {
	line int      // in expect.txt, for messages
	verb string   // reach, noreach, ...
	args []string // the rest of the line, split on spaces
	at   lineKey  // for verbs taking file:line
}

// fixture is a parsed fixture: its wanted capabilities per line and its
// directives.
type fixture struct {
	name   string
	dir    string
	crate  string                               // expected crate name: fix_<name>
	wants  map[lineKey]map[model.Capability]int // capability -> how many times wanted
	source map[lineKey]string                   // text of the lines carrying a want
	files  map[string][]string                  // .rs files: relative name -> lines
	dirs   []directive
}

// lineVerbs take a file:line as their first argument, functionVerbs a
// function path.
var (
	lineVerbs     = map[string]int{"function": 2, "confidence": 2, "via_macro": 2}
	functionVerbs = map[string]int{
		"reach": 2, "noreach": 2, "direct": 2, "nodirect": 2,
		"public": 1, "private": 1, "nofunction": 1, "witness": 2,
	}
	otherVerbs = map[string]int{"effect": 2, "problem": 1, "clean": 0}
)

func readFixture(name, dir string) (*fixture, error) {
	fx := &fixture{
		name:   name,
		dir:    dir,
		crate:  "fix_" + name,
		wants:  map[lineKey]map[model.Capability]int{},
		source: map[lineKey]string{},
		files:  map[string][]string{},
	}
	for _, need := range []string{"Cargo.toml", "expect.txt"} {
		if _, err := os.Stat(filepath.Join(dir, need)); err != nil {
			return nil, fmt.Errorf("every fixture needs %s: %v", need, err)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (d.Name() == "target" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".rs") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return fx.scanSource(filepath.ToSlash(rel), p)
	})
	if err != nil {
		return nil, err
	}
	if err := fx.readExpect(filepath.Join(dir, "expect.txt")); err != nil {
		return nil, err
	}
	if len(fx.wants) == 0 && len(fx.dirs) == 0 {
		return nil, fmt.Errorf("no // want: comments and no expect.txt directives: the fixture asserts nothing")
	}
	return fx, nil
}

const wantMarker = "// want:"

// scanSource records the `// want:` comments of one .rs file.
func (fx *fixture) scanSource(rel, p string) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	fx.files[rel] = lines
	for i, text := range lines {
		j := strings.Index(text, wantMarker)
		if j < 0 {
			continue
		}
		key := lineKey{rel, i + 1}
		caps := strings.Fields(text[j+len(wantMarker):])
		if len(caps) == 0 {
			return fmt.Errorf("%s: %q names no capability", key, wantMarker)
		}
		m := map[model.Capability]int{}
		for _, s := range caps {
			c := model.Capability(s)
			if !c.Valid() {
				return fmt.Errorf("%s: %q is not a capability (want one of %v)", key, s, model.All)
			}
			m[c]++
		}
		fx.wants[key] = m
		fx.source[key] = strings.TrimSpace(text)
	}
	return nil
}

// readExpect parses expect.txt.
func (fx *fixture) readExpect(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		d := directive{line: n, verb: fields[0], args: fields[1:]}
		where := fmt.Sprintf("expect.txt:%d", n)
		nargs, ok := lineVerbs[d.verb]
		if !ok {
			nargs, ok = functionVerbs[d.verb]
		}
		if !ok {
			nargs, ok = otherVerbs[d.verb]
		}
		if !ok {
			return fmt.Errorf("%s: unknown directive %q", where, d.verb)
		}
		if len(d.args) != nargs {
			return fmt.Errorf("%s: %s takes %d argument(s), got %d", where, d.verb, nargs, len(d.args))
		}
		switch d.verb {
		case "function", "confidence", "via_macro":
			key, err := parseLineKey(d.args[0])
			if err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
			if _, ok := fx.wants[key]; !ok {
				if lines, ok := fx.files[key.file]; !ok {
					return fmt.Errorf("%s: no file %s in the fixture", where, key.file)
				} else if key.line > len(lines) {
					return fmt.Errorf("%s: %s has only %d lines", where, key.file, len(lines))
				}
				return fmt.Errorf("%s: %s carries no %q comment (stale line number?): %q",
					where, key, wantMarker, strings.TrimSpace(fx.files[key.file][key.line-1]))
			}
			d.at = key
			if d.verb == "confidence" && d.args[1] != "low" && d.args[1] != "high" {
				return fmt.Errorf("%s: confidence is low or high, not %q", where, d.args[1])
			}
		case "reach", "noreach", "direct", "nodirect":
			if !model.Capability(d.args[1]).Valid() {
				return fmt.Errorf("%s: %q is not a capability", where, d.args[1])
			}
		case "effect":
			if !model.Capability(d.args[0]).Valid() {
				return fmt.Errorf("%s: %q is not a capability", where, d.args[0])
			}
		case "clean":
			if len(fx.wants) > 0 {
				keys := fx.wantKeys()
				return fmt.Errorf("%s: a clean fixture cannot want effects, but %s does", where, keys[0])
			}
		}
		fx.dirs = append(fx.dirs, d)
	}
	return sc.Err()
}

func parseLineKey(s string) (lineKey, error) {
	i := strings.LastIndex(s, ":")
	if i <= 0 {
		return lineKey{}, fmt.Errorf("%q is not file:line", s)
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n <= 0 {
		return lineKey{}, fmt.Errorf("%q is not file:line", s)
	}
	return lineKey{path.Clean(filepath.ToSlash(s[:i])), n}, nil
}

func (fx *fixture) wantKeys() []lineKey {
	keys := make([]lineKey, 0, len(fx.wants))
	for k := range fx.wants {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].file != keys[j].file {
			return keys[i].file < keys[j].file
		}
		return keys[i].line < keys[j].line
	})
	return keys
}

// effectFile returns an effect's file relative to the fixture directory,
// with forward slashes, whether Run reported it relative or absolute.
func (fx *fixture) effectFile(f string) string {
	if filepath.IsAbs(f) {
		if abs, err := filepath.Abs(fx.dir); err == nil {
			if rel, err := filepath.Rel(abs, f); err == nil {
				f = rel
			}
		}
	}
	return path.Clean(filepath.ToSlash(f))
}

// Effect is an effect diagnostic, with the fields the harness reads.
type Effect struct {
	diag.Diagnostic
	Capability model.Capability
	File       string
	Line, Col  int
	Confidence string
}

// Problem is a problem or blind-spot diagnostic.
type Problem struct {
	Kind, File, Msg string
	Line, Col       int
}

// fixtureView extracts the effects and problems of a result.
func fixtureView(res *Result) (effs []Effect, problems []Problem) {
	for _, d := range res.Diagnostics {
		switch d.Category {
		case diag.Effect:
			conf := "high"
			if d.Evidence == diag.Guessed {
				conf = "low"
			}
			effs = append(effs, Effect{Diagnostic: d, Capability: model.Capability(d.Capability), File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col, Confidence: conf})
		case diag.Problem, diag.BlindSpot:
			problems = append(problems, Problem{Kind: d.Kind, File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col, Msg: d.Message})
		}
	}
	return effs, problems
}

func describe(e *Effect) string {
	s := fmt.Sprintf("%s/%s %s in %s at %s:%d:%d", e.Capability, e.Kind, e.Callee, e.Function, e.File, e.Line, e.Col)
	if e.Confidence != "high" {
		s += " confidence=" + e.Confidence
	}
	if e.ViaMacro != "" {
		s += " via_macro=" + e.ViaMacro
	}
	return s
}

func describeAll(es []*Effect) string {
	if len(es) == 0 {
		return "none"
	}
	var b strings.Builder
	for _, e := range es {
		b.WriteString("\n\t\t")
		b.WriteString(describe(e))
	}
	return b.String()
}

func (fx *fixture) check(t *testing.T, res *Result) {
	t.Helper()
	if res.Crate.Name != fx.crate {
		t.Errorf("crate name is %q, want %q (fixture crates are named fix_<dir>)", res.Crate.Name, fx.crate)
	}

	// Index effects by line, and functions by path.
	effs, problems := fixtureView(res)
	byLine := map[lineKey][]*Effect{}
	for i := range effs {
		e := &effs[i]
		if !e.Capability.Valid() {
			t.Errorf("effect with unknown capability %q: %s", e.Capability, describe(e))
		}
		k := lineKey{fx.effectFile(e.File), e.Line}
		byLine[k] = append(byLine[k], e)
	}
	fns := map[string]*Function{}
	for i := range res.Functions {
		f := &res.Functions[i]
		if _, dup := fns[f.Path]; !dup {
			fns[f.Path] = f
		}
		checkFunctionInvariants(t, f)
	}

	// Effects excused from wants by "effect <cap> <kind>" directives.
	excused := map[[2]string]bool{}
	for _, d := range fx.dirs {
		if d.verb == "effect" {
			excused[[2]string{d.args[0], d.args[1]}] = true
		}
	}

	// Every want is met, at least as many times as it is written.
	for _, k := range fx.wantKeys() {
		got := byLine[k]
		for _, c := range model.All {
			n := fx.wants[k][c]
			have := 0
			for _, e := range got {
				if e.Capability == c {
					have++
				}
			}
			if have >= n {
				continue
			}
			msg := fmt.Sprintf("%s: want %d %s effect(s), got %d\n\tsource: %s\n\teffects on this line: %s",
				k, n, c, have, fx.source[k], describeAll(got))
			if all := fx.sameCapElsewhere(effs, k.file, c); all != "" {
				msg += "\n\tall " + string(c) + " effects in " + k.file + " (line:col): " + all
			}
			t.Error(msg)
		}
	}

	// Every reported effect other than unsafe is wanted on its line.
	for i := range effs {
		e := &effs[i]
		if e.Capability == model.Unsafe || excused[[2]string{string(e.Capability), e.Kind}] {
			continue
		}
		k := lineKey{fx.effectFile(e.File), e.Line}
		if fx.wants[k][e.Capability] > 0 {
			continue
		}
		src := ""
		if lines, ok := fx.files[k.file]; ok && k.line >= 1 && k.line <= len(lines) {
			src = "\n\tsource: " + strings.TrimSpace(lines[k.line-1])
		}
		t.Errorf("%s: unexpected %s effect (no \"// want: %s\" on this line): %s%s", k, e.Capability, e.Capability, describe(e), src)
	}

	// Problems: exactly the expected kinds.
	wantProblems := map[string]bool{}
	for _, d := range fx.dirs {
		if d.verb == "problem" {
			wantProblems[d.args[0]] = true
		}
	}
	seenProblems := map[string]bool{}
	for _, p := range problems {
		seenProblems[p.Kind] = true
		if !wantProblems[p.Kind] {
			t.Errorf("unexpected problem %s at %s:%d:%d: %s (add \"problem %s\" to expect.txt if it is intended)", p.Kind, p.File, p.Line, p.Col, p.Msg, p.Kind)
		}
	}

	for _, d := range fx.dirs {
		where := fmt.Sprintf("expect.txt:%d: %s %s", d.line, d.verb, strings.Join(d.args, " "))
		switch d.verb {
		case "clean":
			n := 0
			for i := range effs {
				if effs[i].Capability != model.Unsafe {
					n++
				}
			}
			if n > 0 {
				t.Errorf("%s: fixture must be clean, but Warden reports %d effect(s) (listed above)", where, n)
			}
		case "problem":
			if !seenProblems[d.args[0]] {
				t.Errorf("%s: no problem of kind %s reported; problems: %s", where, d.args[0], describeProblems(problems))
			}
		case "effect":
			found := false
			for i := range effs {
				e := &effs[i]
				if string(e.Capability) == d.args[0] && e.Kind == d.args[1] {
					found = true
					break
				}
			}
			if !found {
				all := make([]*Effect, len(effs))
				for i := range effs {
					all[i] = &effs[i]
				}
				t.Errorf("%s: no %s effect of kind %s reported; effects: %s", where, d.args[0], d.args[1], describeAll(all))
			}
		case "function":
			got := byLine[d.at]
			if len(got) == 0 {
				t.Errorf("%s: no effect on %s", where, d.at)
			}
			for _, e := range got {
				if e.Function != d.args[1] {
					t.Errorf("%s: effect on %s is attributed to %q, want %q: %s", where, d.at, e.Function, d.args[1], describe(e))
				}
			}
		case "confidence":
			if !anyEffect(byLine[d.at], func(e *Effect) bool { return string(e.Confidence) == d.args[1] }) {
				t.Errorf("%s: no effect on %s has confidence %s; effects on this line: %s", where, d.at, d.args[1], describeAll(byLine[d.at]))
			}
		case "via_macro":
			name := strings.TrimSuffix(d.args[1], "!")
			if !anyEffect(byLine[d.at], func(e *Effect) bool { return strings.TrimSuffix(e.ViaMacro, "!") == name }) {
				t.Errorf("%s: no effect on %s comes via macro %s; effects on this line: %s", where, d.at, name, describeAll(byLine[d.at]))
			}
		default: // function directives
			f := fns[d.args[0]]
			if d.verb == "nofunction" {
				if f != nil {
					t.Errorf("%s: function exists (%s:%d) but must not (compiled out or not loaded)", where, f.File, f.Line)
				}
				continue
			}
			if f == nil {
				t.Errorf("%s: no function %s; functions: %s", where, d.args[0], functionNames(res.Functions))
				continue
			}
			fx.checkFunction(t, where, d, f)
		}
	}
}

func (fx *fixture) checkFunction(t *testing.T, where string, d directive, f *Function) {
	t.Helper()
	state := fmt.Sprintf("direct %v, reachable %v, witness %q", f.Direct, f.Reachable, f.Witness)
	switch d.verb {
	case "reach":
		if !hasCap(f.Reachable, d.args[1]) {
			t.Errorf("%s: %s does not reach %s (%s)", where, f.Path, d.args[1], state)
		}
	case "noreach":
		if hasCap(f.Reachable, d.args[1]) {
			t.Errorf("%s: %s reaches %s but must not (%s)", where, f.Path, d.args[1], state)
		}
	case "direct":
		if !hasCap(f.Direct, d.args[1]) {
			t.Errorf("%s: %s has no direct %s effect (%s)", where, f.Path, d.args[1], state)
		}
	case "nodirect":
		if hasCap(f.Direct, d.args[1]) {
			t.Errorf("%s: %s has a direct %s effect but must not (%s)", where, f.Path, d.args[1], state)
		}
	case "public":
		if !f.Public {
			t.Errorf("%s: %s is reported private, want public", where, f.Path)
		}
	case "private":
		if f.Public {
			t.Errorf("%s: %s is reported public, want private", where, f.Path)
		}
	case "witness":
		for _, w := range f.Witness {
			if strings.Contains(w, d.args[1]) {
				return
			}
		}
		t.Errorf("%s: no witness of %s contains %q (%s)", where, f.Path, d.args[1], state)
	}
}

// checkFunctionInvariants checks what Result documents about every
// function: Direct is part of Reachable, and there is one witness per
// reachable capability.
func checkFunctionInvariants(t *testing.T, f *Function) {
	t.Helper()
	for _, c := range f.Direct {
		if !hasCap(f.Reachable, string(c)) {
			t.Errorf("function %s: direct capability %s missing from reachable %v", f.Path, c, f.Reachable)
		}
	}
	if len(f.Witness) != len(f.Reachable) {
		t.Errorf("function %s: %d witnesses for %d reachable capabilities (%v, %q)", f.Path, len(f.Witness), len(f.Reachable), f.Reachable, f.Witness)
	}
}

// sameCapElsewhere lists the line:col of every effect of capability c in
// file: a wanted effect reported on a neighbouring line is the usual
// mistake.
func (fx *fixture) sameCapElsewhere(effs []Effect, file string, c model.Capability) string {
	var locs []string
	for i := range effs {
		e := &effs[i]
		if e.Capability == c && fx.effectFile(e.File) == file {
			locs = append(locs, fmt.Sprintf("%d:%d", e.Line, e.Col))
		}
	}
	return strings.Join(locs, ", ")
}

func anyEffect(es []*Effect, pred func(*Effect) bool) bool {
	for _, e := range es {
		if pred(e) {
			return true
		}
	}
	return false
}

func hasCap(cs []model.Capability, c string) bool {
	for _, x := range cs {
		if string(x) == c {
			return true
		}
	}
	return false
}

func functionNames(fs []Function) string {
	if len(fs) == 0 {
		return "none"
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Path
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func describeProblems(ps []Problem) string {
	if len(ps) == 0 {
		return "none"
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n\t\t%s at %s:%d:%d: %s", p.Kind, p.File, p.Line, p.Col, p.Msg)
	}
	return b.String()
}
