// Package testfs writes small file trees (test crates, workspaces,
// registries) for tests; a failure to write fails the test.
package testfs

import (
	"os"
	"path/filepath"
	"testing"
)

// Write creates files under dir (slash-separated path relative to dir
// -> content), with their parent directories, and returns dir.
func Write(t testing.TB, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		WriteFile(t, dir, name, content)
	}
	return dir
}

// WriteFile creates one file under dir and returns its path.
func WriteFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
