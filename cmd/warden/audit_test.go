package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// copyTree copies the files of src (a small test project) under dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkJSON runs warden check --format json and decodes it.
func checkJSON(t *testing.T, want int, args ...string) (v struct {
	Pass       bool `json:"pass"`
	Unreviewed int  `json:"unreviewed"`
	Stale      int  `json:"stale"`
	Effects    []struct {
		ID, Crate, Version, Callee, Capability, Status string
	} `json:"effects"`
	StaleList []struct {
		ID   string `json:"id"`
		Line int    `json:"line"`
	} `json:"stale_decisions"`
}) {
	t.Helper()
	out := wantExit(t, want, append([]string{"check", "--format", "json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("check json: %v\n%s", err, out)
	}
	return v
}

// TestAuditEndToEnd is issue 11's scripted review of a project with a
// path dependency: the gate fails with nothing reviewed and passes once
// every effect is accepted; after a version bump that moves every line
// and adds one network call, exactly that call is unreviewed and every
// other decision carries over; a reviewed effect that disappears leaves
// a stale decision; a malformed project file is an input error.
func TestAuditEndToEnd(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "audit"), root)
	app := filepath.Join(root, "app")
	cache := t.TempDir()
	c := []string{"--cache-dir", cache}

	v := checkJSON(t, exitFindings, append(c, app)...)
	if v.Pass || v.Unreviewed != 3 {
		t.Fatalf("fresh project: pass %v with %d unreviewed, want a failure with 3", v.Pass, v.Unreviewed)
	}
	list := wantExit(t, exitOK, append([]string{"audit", "list", "--unreviewed"}, append(c, app)...)...)
	if n := strings.Count(list, "unreviewed"); n != 3 {
		t.Errorf("audit list --unreviewed shows %d effects, want 3:\n%s", n, list)
	}
	wantExit(t, exitUsage, append([]string{"audit", "accept", "--crate", "auditdep"}, append(c, app)...)...) // no reason
	wantExit(t, exitOK, append([]string{"audit", "accept", "--crate", "auditdep", "--reason", "its own config files"}, append(c, app)...)...)
	var appID string
	for _, e := range v.Effects {
		if e.Crate == "auditapp" {
			appID = e.ID
		}
	}
	wantExit(t, exitUsage, append([]string{"audit", "accept", "0000000000000000", "--reason", "x"}, append(c, app)...)...) // unknown id
	wantExit(t, exitOK, append([]string{"audit", "accept", appID, "--reason", "HOME locates the config", "--by", "tester"}, append(c, app)...)...)
	if v := checkJSON(t, exitOK, append(c, app)...); !v.Pass {
		t.Fatalf("after accepting everything the gate fails: %+v", v)
	}

	// A version bump: every line moves, one network call is new.
	dep := filepath.Join(root, "dep")
	manifest := filepath.Join(dep, "Cargo.toml")
	m, _ := os.ReadFile(manifest)
	writeFile(t, dep, "Cargo.toml", strings.Replace(string(m), `version = "1.0.0"`, `version = "1.1.0"`, 1))
	lib, _ := os.ReadFile(filepath.Join(dep, "src", "lib.rs"))
	src := "// 1.1.0 moves every line down.\n\n" + string(lib) +
		"\npub fn report() {\n    let _ = std::net::TcpStream::connect(\"telemetry.example:443\");\n}\n"
	writeFile(t, dep, "src/lib.rs", src)
	v = checkJSON(t, exitFindings, append(c, app)...)
	if v.Unreviewed != 1 || len(v.Effects) != 1 || v.Effects[0].Callee != "std::net::TcpStream::connect" || v.Effects[0].Version != "1.1.0" {
		t.Fatalf("after the bump: %d unreviewed %+v, want exactly the new TcpStream::connect of 1.1.0", v.Unreviewed, v.Effects)
	}
	text := wantExit(t, exitFindings, append([]string{"check"}, append(c, app)...)...)
	if !strings.Contains(text, "2 carried over") {
		t.Errorf("check does not report the carried-over decisions:\n%s", text)
	}

	// A reviewed effect disappears: its decision is stale.
	writeFile(t, dep, "src/lib.rs", strings.Replace(src, `let _ = fs::write(format!("{dir}/.marker"), b"x");`, "let _ = dir;", 1))
	wantExit(t, exitOK, append([]string{"audit", "accept", v.Effects[0].ID, "--reason", "telemetry is documented"}, append(c, app)...)...)
	v = checkJSON(t, exitFindings, append(c, app)...)
	if v.Stale != 1 || len(v.StaleList) != 1 || v.StaleList[0].Line == 0 {
		t.Fatalf("after removing fs::write: %d stale %+v, want one, with its line", v.Stale, v.StaleList)
	}

	// A malformed project file is an input error with its location.
	writeFile(t, app, "warden.toml", "[[decision]]\ncrate = \"x\"\nid = \"y\"\ndecision = \"maybe\"\nreason = \"r\"\n")
	code, _, errOut := runProcess(t, append([]string{"check"}, append(c, app)...)...)
	if code != exitUsage || !strings.Contains(errOut, "warden.toml:1:") {
		t.Errorf("malformed decision: exit %d, stderr %q; want 2 and warden.toml:1", code, errOut)
	}
	writeFile(t, app, "warden.toml", "[policy\n")
	code, _, errOut = runProcess(t, append([]string{"check"}, append(c, app)...)...)
	if code != exitUsage || !regexp.MustCompile(`warden\.toml:\d+: `).MatchString(errOut) {
		t.Errorf("broken TOML: exit %d, stderr %q; want 2 and warden.toml:LINE", code, errOut)
	}
	// The policy allows a capability without review.
	writeFile(t, app, "warden.toml", "[crates.auditdep]\nallow = [\"fs\", \"net\"]\nreason = \"its own files, documented telemetry\"\n[crates.auditapp]\nallow = [\"env\"]\n")
	if v := checkJSON(t, exitOK, append(c, app)...); !v.Pass {
		t.Errorf("policy allowing every capability: the gate fails: %+v", v)
	}
}

// TestDiff: an update that adds a network call to a dependency is
// reported as net gained, with the new effect and the caller's new reach
// and its witness; the same state twice gains nothing. Between two git
// revisions too.
func TestDiff(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "audit"), filepath.Join(root, "old"))
	copyTree(t, filepath.Join("..", "..", "testdata", "audit"), filepath.Join(root, "new"))
	dep := filepath.Join(root, "new", "dep")
	m, _ := os.ReadFile(filepath.Join(dep, "Cargo.toml"))
	writeFile(t, dep, "Cargo.toml", strings.Replace(string(m), `version = "1.0.0"`, `version = "1.1.0"`, 1))
	lib, _ := os.ReadFile(filepath.Join(dep, "src", "lib.rs"))
	writeFile(t, dep, "src/lib.rs", string(lib)+"\npub fn report() {\n    let _ = std::net::TcpStream::connect(\"t.example:443\");\n}\n")
	app := filepath.Join(root, "new", "app")
	main, _ := os.ReadFile(filepath.Join(app, "src", "main.rs"))
	writeFile(t, app, "src/main.rs", strings.Replace(string(main), "    println!", "    auditdep::report();\n    println!", 1))
	cache := []string{"--cache-dir", t.TempDir()}

	out := wantExit(t, exitFindings, append([]string{"diff", "--format", "json"}, append(cache, filepath.Join(root, "old", "app"), app)...)...)
	var v struct {
		Gained bool `json:"gained"`
		Crates []struct {
			Name       string
			OldVersion string                                           `json:"old_version"`
			NewVersion string                                           `json:"new_version"`
			Gained     []string                                         `json:"gained"`
			NewReach   []struct{ Function, Capability, Witness string } `json:"new_reach"`
			NewEffects []struct{ Callee, File string }                  `json:"new_effects"`
		} `json:"crates"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("diff json: %v\n%s", err, out)
	}
	found := false
	for _, c := range v.Crates {
		if c.Name == "auditdep" {
			found = true
			if c.OldVersion != "1.0.0" || c.NewVersion != "1.1.0" || !contains(c.Gained, "net") || len(c.NewEffects) != 1 ||
				c.NewEffects[0].Callee != "std::net::TcpStream::connect" {
				t.Errorf("auditdep: %+v, want 1.0.0 -> 1.1.0, net gained, one new TcpStream::connect", c)
			}
		}
		if c.Name == "auditapp" {
			if len(c.NewReach) != 1 || !strings.Contains(c.NewReach[0].Witness, "auditdep::report -> std::net::TcpStream::connect") {
				t.Errorf("auditapp's new reach %+v, want main reaching net through auditdep::report", c.NewReach)
			}
		}
	}
	if !v.Gained || !found {
		t.Errorf("diff = %+v, want auditdep gaining net", v)
	}
	wantExit(t, exitOK, append([]string{"diff"}, append(cache, filepath.Join(root, "old", "app"), filepath.Join(root, "old", "app"))...)...)

	// Two git revisions of the project.
	repo := filepath.Join(root, "repo")
	copyTree(t, filepath.Join(root, "old"), repo)
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "old")
	copyTree(t, filepath.Join(root, "new"), repo)
	git("add", ".")
	git("commit", "-q", "-m", "new")
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestIssueHelperProcess$", "--", "diff"}, append(cache, "HEAD~1", "HEAD")...)...)
	cmd.Dir = filepath.Join(repo, "app")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	outb, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFindings || !strings.Contains(string(outb), "auditdep 1.0.0 -> 1.1.0") {
		t.Errorf("diff HEAD~1 HEAD: %v\n%s", err, outb)
	}
}

// TestCheckExitCodes: each cause of a failing gate, and the policy's
// control of blind spots.
func TestCheckExitCodes(t *testing.T) {
	cache := []string{"--cache-dir", t.TempDir()}
	// A rejected effect fails the gate and is named.
	root := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "audit"), root)
	app := filepath.Join(root, "app")
	writeFile(t, app, "warden.toml", "[policy.default]\nallow = [\"env\"]\n[crates.auditdep]\nallow = [\"fs\"]\n")
	wantExit(t, exitOK, append([]string{"check"}, append(cache, app)...)...)
	if v := checkJSON(t, exitOK, append(cache, app)...); !v.Pass {
		t.Errorf("policy allowing every effect: %+v", v)
	}
	list := wantExit(t, exitOK, append([]string{"audit", "list", "--format", "json"}, append(cache, app)...)...)
	var l struct {
		Effects []struct{ ID, Crate, Status string }
	}
	if err := json.Unmarshal([]byte(list), &l); err != nil {
		t.Fatal(err)
	}
	var depID string
	for _, e := range l.Effects {
		if e.Status != "allowed-by-policy" {
			t.Errorf("effect %+v is not allowed by the policy", e)
		}
		if e.Crate == "auditdep" {
			depID = e.ID
		}
	}
	wantExit(t, exitOK, append([]string{"audit", "reject", depID, "--reason", "must not read the config"}, append(cache, app)...)...)
	out := wantExit(t, exitFindings, append([]string{"check"}, append(cache, app)...)...)
	if !strings.Contains(out, "rejected") || !strings.Contains(out, "must not read the config") {
		t.Errorf("check does not name the rejected effect:\n%s", out)
	}

	// Blind spots fail by default, and only warn when the policy says so.
	nomacro := filepath.Join(t.TempDir(), "nomacro")
	copyTree(t, filepath.Join("..", "..", "testdata", "apps", "nomacro"), nomacro)
	all := "[policy.default]\nallow = [\"fs\", \"net\", \"process\", \"env\", \"system\", \"ffi\", \"unsafe\", \"raw_handle\", \"build\"]\n"
	writeFile(t, nomacro, "warden.toml", all)
	out = wantExit(t, exitFindings, append([]string{"check"}, append(cache, nomacro)...)...)
	if !strings.Contains(out, "blind") {
		t.Errorf("check does not name the blind spots:\n%s", out)
	}
	writeFile(t, nomacro, "warden.toml", "[policy]\nblind = \"warn\"\n"+all)
	wantExit(t, exitOK, append([]string{"check"}, append(cache, nomacro)...)...)
	// Usage errors.
	wantExit(t, exitUsage, "check", "--format", "yaml", nomacro)
	wantExit(t, exitUsage, "audit", "frobnicate", nomacro)
}

// TestCallerCheckedAtCLI: marking the dependency's read caller-checked
// makes the app's call of it an obligation to review.
func TestCallerCheckedAtCLI(t *testing.T) {
	cache := []string{"--cache-dir", t.TempDir()}
	root := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "audit"), root)
	app := filepath.Join(root, "app")
	writeFile(t, app, "warden.toml", "[crates.auditdep]\nallow = [\"fs\"]\n[crates.auditapp]\nallow = [\"env\"]\n")
	list := wantExit(t, exitOK, append([]string{"audit", "list", "--format", "json"}, append(cache, app)...)...)
	var l struct {
		Effects []struct{ ID, Callee string }
	}
	if err := json.Unmarshal([]byte(list), &l); err != nil {
		t.Fatal(err)
	}
	var readID string
	for _, e := range l.Effects {
		if e.Callee == "std::fs::read_to_string" {
			readID = e.ID
		}
	}
	wantExit(t, exitOK, append([]string{"audit", "caller-checked", readID, "--reason", "the directory must be the caller's"}, append(cache, app)...)...)
	v := checkJSON(t, exitFindings, append(cache, app)...)
	if len(v.Effects) != 1 || v.Effects[0].Crate != "auditapp" || v.Effects[0].Callee != "auditdep::config" {
		t.Fatalf("after caller-checked: %+v, want one obligation of auditapp calling auditdep::config", v.Effects)
	}
	wantExit(t, exitOK, append([]string{"audit", "accept", v.Effects[0].ID, "--reason", "main passes HOME"}, append(cache, app)...)...)
	checkJSON(t, exitOK, append(cache, app)...)
}

// TestUnanalysedCrateIsBlind: a dependency whose source is nowhere is
// code Warden never read. The tree must say it is incomplete, and
// neither the blind-spot gate nor warden check may pass over it.
func TestUnanalysedCrateIsBlind(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Cargo.toml", "[package]\nname = \"miss\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nnotinregistry = \"1\"\n")
	writeFile(t, dir, "src/lib.rs", "pub fn f() { notinregistry::go(); }\n")
	cache := t.TempDir()
	code, out, _ := runProcess(t, "tree", "--cache-dir", cache, dir)
	if code != 0 || !strings.Contains(out, "incomplete: 1 blind spot") || strings.Contains(out, "every line") {
		t.Errorf("tree: exit %d\n%s", code, out)
	}
	if code, out, _ := runProcess(t, "tree", "--fail-on", "blind", "--cache-dir", cache, dir); code != 1 {
		t.Errorf("tree --fail-on blind: exit %d, want 1\n%s", code, out)
	}
	code, out, _ = runProcess(t, "check", "--cache-dir", cache, dir)
	if code != 1 || !strings.Contains(out, "not-analysed: the crate was not analysed: source of notinregistry not found") {
		t.Errorf("check: exit %d, want 1\n%s", code, out)
	}
}
