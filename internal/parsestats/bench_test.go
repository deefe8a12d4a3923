package parsestats

import (
	"context"
	"os"
	"testing"

	"github.com/wardenrs/warden/internal/corpus"
)

// BenchmarkRunCorpus measures what "warden debug parse-stats" does for
// the corpus files, without process start and the directory walk: read,
// lex, parse and count every file on all cores, and write the JSON lines
// (discarded). MB/s is of source. Compare with
// BenchmarkParseCorpus in internal/syntax (parsing only, one core) and
// with scripts/bench-process.sh (the whole process).
func BenchmarkRunCorpus(b *testing.B) {
	_, files, err := corpus.Load(corpusList, corpus.DefaultRegistry)
	if err != nil {
		b.Skipf("corpus: %v", err)
	}
	var total int64
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		total += info.Size()
	}
	b.SetBytes(total)
	var line []byte
	for b.Loop() {
		err := Run(context.Background(), files, 0, func(s Stats) error {
			line = s.AppendJSON(line[:0])
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
