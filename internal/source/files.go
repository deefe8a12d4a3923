// Package source finds and reads the Rust source files Warden analyses.
// Everything it reads is untrusted: it never follows symbolic links to
// directories (so link loops cannot hang it), bounds file sizes, and
// reports unreadable files as errors naming the path.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxFileSize is the largest source file Warden reads (rustc itself
// handles far less in practice; the biggest file in the test corpus is
// under 2 MB).
const MaxFileSize = 64 << 20

// ErrTooLarge is returned by ReadFile for files over MaxFileSize.
var ErrTooLarge = errors.New("file too large")

// ExpandPaths turns command-line arguments into a sorted list of .rs
// files: files are kept as given, directories are walked recursively,
// skipping hidden directories and cargo "target" directories. Symbolic
// links to directories are not followed.
func ExpandPaths(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		if !info.IsDir() {
			files = append(files, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("walking %s: %w", path, err)
			}
			if d.IsDir() {
				name := d.Name()
				if path != arg && (strings.HasPrefix(name, ".") || name == "target") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && strings.HasSuffix(path, ".rs") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// ReadFile reads a source file, refusing files over MaxFileSize.
func ReadFile(path string) ([]byte, error) {
	return ReadFileInto(path, nil)
}

// ReadFileInto is ReadFile reading into buf's memory when it is large
// enough, so that a loop over many files can reuse one buffer; it returns
// the file's content, which aliases buf when it fit. The buffer is sized
// from the file's size up front: growing it from a small guess, as
// io.ReadAll does, costs several allocations and copies per file.
func ReadFileInto(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// One byte more than the size, so that end of file is seen without
	// growing the buffer; the size is only a hint (the file may change
	// while it is read, and special files report 0).
	want := 512
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		if info.Size() > MaxFileSize {
			return nil, tooLarge(path)
		}
		want = int(info.Size()) + 1
	}
	if cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	b := buf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append choose the new capacity
		}
		// Never read more than one byte past the limit.
		n, err := f.Read(b[len(b):min(cap(b), MaxFileSize+1)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		if len(b) > MaxFileSize {
			return nil, tooLarge(path)
		}
	}
	return b, nil
}

func tooLarge(path string) error {
	return fmt.Errorf("%s: %w (over %d MiB)", path, ErrTooLarge, MaxFileSize>>20)
}
