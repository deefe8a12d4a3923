package parsestats

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeFiles creates n small files of different sizes and shapes (one
// with unbalanced delimiters, one empty, one large) and returns their
// paths in order.
func writeFiles(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for i := 0; i < n; i++ {
		var src string
		switch i % 7 {
		case 0:
			src = strings.Repeat(fmt.Sprintf("fn f%d() { g(1); x.m(); unsafe { h() } }\n", i), 1+i)
		case 1:
			src = "use a::{b, c as d, e::*};\nmacro_rules! m { () => {} }\n"
		case 2:
			src = "fn broken( {\n" // unbalanced: the lexer rebuilds the token slice
		case 3:
			src = ""
		case 4:
			src = strings.Repeat("impl S { fn a(&self) -> u8 { m!(1, 2); self.b().c() } }\n", 400)
		case 5:
			src = "#![attr(x)]\n/// doc\nstruct S { a: [u8; 3] }\n"
		default:
			src = "fn main() { println!(\"{}\", 1); }"
		}
		p := filepath.Join(dir, fmt.Sprintf("f%03d.rs", i))
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return files
}

func collect(t *testing.T, files []string, jobs int) []Stats {
	t.Helper()
	var got []Stats
	if err := Run(context.Background(), files, jobs, func(s Stats) error {
		got = append(got, s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestRunMatchesFile checks that Run, which reuses read buffers and token
// tables from file to file on each worker, gives for every file, in
// input order, exactly what File gives for that file alone.
func TestRunMatchesFile(t *testing.T) {
	files := writeFiles(t, 60)
	missing := filepath.Join(filepath.Dir(files[0]), "missing.rs")
	files = append(files[:30], append([]string{missing}, files[30:]...)...)
	for _, jobs := range []int{1, 2, 4, 0} {
		got := collect(t, files, jobs)
		if len(got) != len(files) {
			t.Fatalf("jobs=%d: %d results for %d files", jobs, len(got), len(files))
		}
		for i, s := range got {
			if files[i] == missing {
				if !errors.Is(s.ReadErr, fs.ErrNotExist) || len(s.Errors) != 1 || !strings.HasPrefix(s.Errors[0], "0:0: open ") || s.Bytes != 0 {
					t.Errorf("jobs=%d: unreadable file: %+v", jobs, s)
				}
				continue
			}
			src, err := os.ReadFile(files[i])
			if err != nil {
				t.Fatal(err)
			}
			if want := File(files[i], src); !reflect.DeepEqual(s, want) {
				t.Errorf("jobs=%d: result %d = %+v, want %+v", jobs, i, s, want)
			}
		}
	}
}

func TestRunStopsOnEmitError(t *testing.T) {
	files := writeFiles(t, 50)
	stop := errors.New("stop")
	n := 0
	err := Run(context.Background(), files, 2, func(Stats) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Errorf("Run = %v after %d results, want stop after 5", err, n)
	}
}

func TestRunCancelled(t *testing.T) {
	files := writeFiles(t, 50)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Run(ctx, files, 2, func(Stats) error {
		n++
		if n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= len(files) {
		t.Errorf("Run = %v after %d results, want context.Canceled early", err, n)
	}
}

func TestRunNoFiles(t *testing.T) {
	if got := collect(t, nil, 0); len(got) != 0 {
		t.Errorf("Run(no files) = %v", got)
	}
}
