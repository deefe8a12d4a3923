package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

func TestReadFileInto(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	long := write("long.rs", strings.Repeat("fn f() {}\n", 1000))
	short := write("short.rs", "mod a;")
	empty := write("empty.rs", "")

	got, err := ReadFileInto(long, nil)
	if err != nil || string(got) != strings.Repeat("fn f() {}\n", 1000) {
		t.Fatalf("ReadFileInto(long) = %d bytes, %v", len(got), err)
	}
	// A large enough buffer is reused, and only the new content is
	// returned.
	buf := got
	got, err = ReadFileInto(short, buf)
	if err != nil || string(got) != "mod a;" {
		t.Fatalf("ReadFileInto(short) = %q, %v", got, err)
	}
	if &got[0] != &buf[0] {
		t.Error("ReadFileInto did not reuse a buffer that was large enough")
	}
	if got, err := ReadFileInto(empty, buf); err != nil || len(got) != 0 {
		t.Errorf("ReadFileInto(empty) = %q, %v", got, err)
	}
	// A buffer too small for the file is not overrun.
	small := make([]byte, 0, 4)
	if got, err := ReadFileInto(long, small[:0:2]); err != nil || len(got) != 10000 {
		t.Errorf("ReadFileInto(long, small buffer) = %d bytes, %v", len(got), err)
	}

	// Files whose size is unknown up front (size 0 in stat) are read
	// whole.
	if _, err := os.Stat("/proc/self/maps"); err == nil {
		want, err := os.ReadFile("/proc/self/maps")
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadFileInto("/proc/self/maps", nil)
		if err != nil || len(got) < len(want)/2 {
			t.Errorf("ReadFileInto(/proc/self/maps) = %d bytes, %v; want about %d", len(got), err, len(want))
		}
	}

	// Errors name the path, as they always have.
	if _, err := ReadFileInto(dir, nil); err == nil || !strings.HasPrefix(err.Error(), "reading "+dir+": ") {
		t.Errorf("ReadFileInto(directory) error = %v", err)
	}
	if _, err := ReadFileInto(filepath.Join(dir, "missing.rs"), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFileInto(missing) error = %v", err)
	}
}
