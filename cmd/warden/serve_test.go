package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServe starts "warden serve" as a process on the audit test
// project, opens the printed URL, refuses a request without the token,
// and stops cleanly on an interrupt.
func TestServe(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "audit"), root)
	url, cmd, stderr := startServe(t, "--cache-dir", t.TempDir(), filepath.Join(root, "app"))
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.Contains(url, "/?token=") {
		t.Fatalf("printed %q, want a loopback URL with a token", url)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "auditdep 1.0.0") {
		t.Errorf("overview: %d\n%s", resp.StatusCode, body)
	}
	base := url[:strings.Index(url, "/?")]
	resp, err = http.Get(base + "/crate?id=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("without the token: %d, want 403", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after an interrupt: %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Error("serve did not stop on an interrupt")
	}
}

// startServe starts "warden serve ARGS" as a process and returns the URL
// it printed; the process is killed when the test ends.
func startServe(t *testing.T, args ...string) (url string, cmd *exec.Cmd, stderr *syncBuffer) {
	t.Helper()
	cmd = exec.Command(os.Args[0], append([]string{"-test.run=^TestIssueHelperProcess$", "--", "serve"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr = &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(l)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url = <-lines:
	case <-time.After(120 * time.Second):
		t.Fatalf("no URL printed; stderr:\n%s", stderr.String())
	}
	if url == "" {
		t.Fatalf("warden serve printed nothing; stderr:\n%s", stderr.String())
	}
	return url, cmd, stderr
}

// syncBuffer is a strings.Builder safe for the goroutine that copies a
// process's stderr into it while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
