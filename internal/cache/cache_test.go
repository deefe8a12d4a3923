package cache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPutGet(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := Key("crate", "x", "1.0")
	if err := c.Get(k, new(string)); !errors.Is(err, ErrMiss) {
		t.Errorf("empty cache: %v", err)
	}
	if err := c.Put(k, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	var got map[string]int
	if err := c.Get(k, &got); err != nil || got["a"] != 1 {
		t.Errorf("Get = %v, %v", got, err)
	}
	// An entry copied under another key is foreign and is not trusted.
	other := Key("crate", "y", "1.0")
	data, _ := os.ReadFile(c.path(k))
	os.MkdirAll(filepath.Dir(c.path(other)), 0o755)
	os.WriteFile(c.path(other), data, 0o644)
	if err := c.Get(other, &got); !errors.Is(err, ErrMiss) {
		t.Errorf("foreign entry accepted: %v", err)
	}
	// A corrupted entry is a miss and is removed.
	os.WriteFile(c.path(k), data[:len(data)-5], 0o644)
	if err := c.Get(k, &got); !errors.Is(err, ErrMiss) {
		t.Errorf("corrupt entry accepted: %v", err)
	}
	if _, err := os.Stat(c.path(k)); !os.IsNotExist(err) {
		t.Error("corrupt entry not removed")
	}
}

func TestChecksum(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Cargo.toml", "[package]\nname=\"x\"\n")
	write("src/lib.rs", "fn f() {}")
	write("target/debug/junk.rs", "ignored")
	a, err := ChecksumDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	write("target/debug/junk.rs", "still ignored")
	if b, _ := ChecksumDir(dir); b != a {
		t.Error("target/ changed the checksum")
	}
	write("src/lib.rs", "fn g() {}")
	if b, _ := ChecksumDir(dir); b == a {
		t.Error("a source change did not change the checksum")
	}
	c, _ := Open(t.TempDir())
	s1, err := c.Checksum(dir)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := c.Checksum(dir)
	want, _ := ChecksumDir(dir)
	if s1 != want || s2 != want {
		t.Errorf("cached checksum %s %s, want %s", s1, s2, want)
	}
}
