// Package cache stores per-crate analysis results on disk, so that a
// dependency tree analysed once is analysed again only where something
// changed. Entries are keyed by everything that determines the result
// (crate name, version, a checksum of its files, target, features and
// Warden's own schema version), written atomically, and verified on read:
// a corrupt, truncated or foreign entry is ignored and rebuilt, never
// trusted.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Schema changes whenever the cached data or the analysis changes
// meaning; it is part of every key.
const Schema = "warden-cache-9"

// Cache is a directory of entries.
type Cache struct {
	Dir string
}

// DefaultDir returns $WARDEN_CACHE_DIR, or warden/ in the user's cache
// directory ($XDG_CACHE_HOME or ~/.cache on Linux).
func DefaultDir() (string, error) {
	if d := os.Getenv("WARDEN_CACHE_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w", err)
	}
	return filepath.Join(base, "warden"), nil
}

// Open returns a cache in dir, creating the directory.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache directory %s: %w", dir, err)
	}
	return &Cache{Dir: dir}, nil
}

// Key derives an entry key from its parts.
func Key(parts ...string) string {
	h := sha256.New()
	io.WriteString(h, Schema)
	for _, p := range parts {
		io.WriteString(h, "\x00")
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChecksumDir hashes the names and contents of the files under dir that
// can affect an analysis (.rs files, Cargo.toml, Cargo.lock), without
// following symbolic links and skipping target/ and hidden directories.
func ChecksumDir(dir string) (string, error) {
	var files []string
	err := walkInputs(dir, func(path string, d fs.DirEntry) error {
		files = append(files, path)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("checksum of %s: %w", dir, err)
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		fh, err := os.Open(f)
		if err != nil {
			return "", fmt.Errorf("checksum of %s: %w", f, err)
		}
		_, err = io.Copy(h, fh)
		fh.Close()
		if err != nil {
			return "", fmt.Errorf("checksum of %s: %w", f, err)
		}
		io.WriteString(h, "\x00")
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// An entry file is a header of three lines, then the payload:
//
//	warden-cache-9            the schema
//	KEY                       the key it was written for
//	SUM                       sha256 of the payload, hex
//	PAYLOAD                   the value, encoded with encoding/gob
//
// gob rather than JSON: a dependency's facts are read by every scan of
// a crate that depends on it, and gob decodes them about five times
// faster (libc's 0.9 MB of facts: 7.6 ms as JSON, 1.6 ms as gob).

func (c *Cache) path(key string) string {
	return filepath.Join(c.Dir, key[:2], key+".gob")
}

// ErrMiss reports that no valid entry exists for a key.
var ErrMiss = errors.New("cache miss")

// Get decodes the entry for key into v. Missing, corrupt and foreign
// entries are ErrMiss (a corrupt entry is removed).
func (c *Cache) Get(key string, v any) error {
	p := c.path(key)
	data, err := os.ReadFile(p)
	if err != nil {
		return ErrMiss
	}
	payload, ok := checkHeader(data, key)
	if !ok {
		os.Remove(p)
		return ErrMiss
	}
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(v); err != nil {
		os.Remove(p)
		return ErrMiss
	}
	return nil
}

// checkHeader verifies an entry's schema, key and checksum and returns
// its payload.
func checkHeader(data []byte, key string) ([]byte, bool) {
	rest := data
	var lines [3][]byte
	for i := range lines {
		j := bytes.IndexByte(rest, '\n')
		if j < 0 {
			return nil, false
		}
		lines[i], rest = rest[:j], rest[j+1:]
	}
	if string(lines[0]) != Schema || string(lines[1]) != key || string(lines[2]) != sum(rest) {
		return nil, false
	}
	return rest, true
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Put stores v under key, atomically: a reader sees the old entry, the
// new one, or none, never a partial one.
func (c *Cache) Put(key string, v any) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(v); err != nil {
		return fmt.Errorf("cache entry %s: %w", key, err)
	}
	var data bytes.Buffer
	fmt.Fprintf(&data, "%s\n%s\n%s\n", Schema, key, sum(payload.Bytes()))
	data.Write(payload.Bytes())
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache entry %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache entry %s: %w", key, err)
	}
	if _, err := tmp.Write(data.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("cache entry %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache entry %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cache entry %s: %w", key, err)
	}
	return nil
}

// walkInputs calls f for every file of dir that can affect an analysis.
func walkInputs(dir string, f func(path string, d fs.DirEntry) error) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && (strings.HasPrefix(name, ".") || name == "target") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && (strings.HasSuffix(name, ".rs") || name == "Cargo.toml" || name == "Cargo.lock" ||
			strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, ".in")) {
			return f(path, d)
		}
		return nil
	})
}

// Checksum returns the content checksum of dir (see ChecksumDir),
// remembered in the cache under a fingerprint of the files' names, sizes
// and modification times, so that an unchanged crate is not read again.
// A file changed in place with the same size and time is the one case
// this misses; "warden tree --no-cache" rereads everything.
func (c *Cache) Checksum(dir string) (string, error) {
	h := sha256.New()
	err := walkInputs(dir, func(path string, d fs.DirEntry) error {
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", path, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("checksum of %s: %w", dir, err)
	}
	key := Key("fingerprint", hex.EncodeToString(h.Sum(nil)))
	var sum string
	if c.Get(key, &sum) == nil && sum != "" {
		return sum, nil
	}
	sum, err = ChecksumDir(dir)
	if err != nil {
		return "", err
	}
	c.Put(key, sum)
	return sum, nil
}
