package parsestats

import (
	"context"
	"runtime"
	"sync"

	"github.com/wardenrs/warden/internal/source"
)

// Run computes the statistics of files on up to jobs goroutines (all
// cores if jobs <= 0) and calls emit for each, in input order, from the
// calling goroutine. An unreadable file yields Stats whose Errors holds
// the read error. Run stops early if ctx is cancelled or emit fails.
func Run(ctx context.Context, files []string, jobs int, emit func(Stats) error) error {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	results := make([]chan Stats, len(files))
	for i := range results {
		results[i] = make(chan Stats, 1)
	}
	work := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] <- statsOf(files[i])
			}
		}()
	}
	go func() {
		defer close(work)
		for i := range files {
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	for i := range files {
		select {
		case s := <-results[i]:
			if err := emit(s); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func statsOf(path string) Stats {
	src, err := source.ReadFile(path)
	if err != nil {
		return Stats{File: path, Errors: []string{"0:0: " + err.Error()}}
	}
	return File(path, src)
}
