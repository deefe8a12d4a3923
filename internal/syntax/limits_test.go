package syntax_test

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/wardenrs/warden/internal/syntax"
)

func TestExpScratch(t *testing.T) {
	for _, n := range []int{100000, 1000000} {
		src := "fn f() { a" + strings.Repeat("+a", n) + "; }"
		f := syntax.NewFileSet().AddFile("x.rs", src)
		st := time.Now()
		sf, errs := syntax.ParseFile(f)
		t.Logf("chain n=%d %v errs=%d", n, time.Since(st), len(errs))
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("stack inuse before %d", ms.StackInuse)
		done := make(chan uint64)
		go func() {
			cnt := 0
			depth, maxd := 0, 0
			_ = depth
			syntax.Inspect(sf, func(n syntax.Node) bool { cnt++; return true })
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			_ = maxd
			done <- ms.StackInuse
		}()
		t.Logf("stack inuse during %d, %v", <-done, time.Since(st))
	}
	_ = debug.SetMaxStack
}
