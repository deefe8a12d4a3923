package syntax_test

import (
	"os"
	"testing"

	"github.com/wardenrs/warden/internal/corpus"
	"github.com/wardenrs/warden/internal/syntax"
)

type srcFile struct {
	name string
	src  string
}

// loadCorpus reads every corpus file into memory once.
func loadCorpus(tb testing.TB) ([]srcFile, int64) {
	tb.Helper()
	_, files, err := corpus.Load("../../testdata/corpus/crates.txt", corpus.DefaultRegistry)
	if err != nil {
		tb.Skipf("corpus not installed: %v", err)
	}
	var out []srcFile
	var total int64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, srcFile{f, string(b)})
		total += int64(len(b))
	}
	return out, total
}

// BenchmarkLexCorpus measures lexing throughput over the whole corpus on
// one goroutine (MB/s is reported by the testing package).
func BenchmarkLexCorpus(b *testing.B) {
	files, total := loadCorpus(b)
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fset := syntax.NewFileSet()
		for _, f := range files {
			syntax.Lex(fset.AddFile(f.name, f.src))
		}
	}
}

// BenchmarkParseCorpus measures lexing plus parsing of the whole corpus
// on one goroutine.
func BenchmarkParseCorpus(b *testing.B) {
	files, total := loadCorpus(b)
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fset := syntax.NewFileSet()
		for _, f := range files {
			syntax.ParseFile(fset.AddFile(f.name, f.src))
		}
	}
}
