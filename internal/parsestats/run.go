package parsestats

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/wardenrs/warden/internal/source"
	"github.com/wardenrs/warden/internal/syntax"
)

// Run computes the statistics of files on up to jobs goroutines (all
// cores if jobs <= 0) and calls emit for each, in input order, from the
// calling goroutine. An unreadable file yields Stats with ReadErr set.
// Run stops early if ctx is cancelled or emit fails.
func Run(ctx context.Context, files []string, jobs int, emit func(Stats) error) error {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	jobs = max(1, min(jobs, len(files)))
	ctx, cancel := context.WithCancel(ctx)

	type result struct {
		i int
		s Stats
	}
	// Workers claim files by incrementing a shared index and send each
	// result, tagged with its index, on one channel; the caller puts them
	// back in order. This costs one channel operation per file, where a
	// channel per file plus a feeder goroutine cost an allocation and two
	// goroutine hand-offs.
	var next atomic.Int64
	results := make(chan result, 4*jobs)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var wk worker
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				select {
				case results <- result{i, wk.stats(files[i])}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	// On an early return, stop the workers (which may be blocked sending
	// a result nobody will read) before waiting for them.
	defer func() {
		cancel()
		wg.Wait()
	}()

	// pending holds results that arrived before their turn; with jobs
	// workers claiming files in order it stays small.
	pending := map[int]Stats{}
	for i := 0; i < len(files); {
		if s, ok := pending[i]; ok {
			delete(pending, i)
			if err := emit(s); err != nil {
				return err
			}
			i++
			continue
		}
		select {
		case r := <-results:
			if r.i != i {
				pending[r.i] = r.s
				continue
			}
			if err := emit(r.s); err != nil {
				return err
			}
			i++
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// worker holds the memory one goroutine reuses from file to file: the
// read buffer and the parser's token tables. Without it every file
// allocated about six times its size in short-lived buffers, and the
// garbage collector ran hundreds of times over a registry.
type worker struct {
	buf  []byte
	bufs syntax.Buffers
}

func (w *worker) stats(path string) Stats {
	src, err := source.ReadFileInto(path, w.buf)
	if err != nil {
		return readError(path, err)
	}
	if cap(src) > cap(w.buf) {
		w.buf = src[:0]
	}
	// The source is copied once into a string (syntax.File holds
	// strings); the tree and its token tables are dead once counted, so
	// the next file may reuse them.
	return fileStats(path, string(src), &w.bufs)
}
