package source

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"src/lib.rs", "src/a/b.rs", "src/notes.txt", "target/debug/x.rs", ".git/y.rs", "build.rs"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("fn f() {}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A symlink loop must not hang or duplicate files.
	if err := os.Symlink(dir, filepath.Join(dir, "src", "loop")); err != nil {
		t.Fatal(err)
	}
	got, err := ExpandPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "build.rs"), filepath.Join(dir, "src/a/b.rs"), filepath.Join(dir, "src/lib.rs")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExpandPaths = %v, want %v", got, want)
	}
	if _, err := ExpandPaths([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing path: no error")
	}
}

func TestReadFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.rs")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ReadFile(path); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile(huge) error = %v, want ErrTooLarge", err)
	}
}
