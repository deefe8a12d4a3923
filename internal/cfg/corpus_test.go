package cfg

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

const corpusDir = "/usr/share/cargo/registry"

// TestCorpus parses every #[cfg(...)] and #[cfg_attr(...)] attribute of
// every .rs file under /usr/share/cargo/registry (cfg_attr: predicate
// and each attribute of its list, recursively). Each must parse. The
// test is skipped when the directory is missing, unless CI is set.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus %s missing (CI is set): %v", corpusDir, err)
		}
		t.Skipf("corpus %s missing", corpusDir)
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	var paths []string
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".rs") {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		cfgs, cfgAttrs int
		failures       []string
	}
	results := make([]result, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				r := &results[i]
				src, err := os.ReadFile(paths[i])
				if err != nil {
					r.failures = append(r.failures, err.Error())
					continue
				}
				fset := syntax.NewFileSet()
				sf, _ := syntax.ParseFile(fset.AddFile(paths[i], string(src)))
				syntax.Inspect(sf, func(n syntax.Node) bool {
					a, ok := n.(*syntax.Attr)
					if !ok || a.Doc != "" {
						return true
					}
					switch a.Name() {
					case "cfg":
						r.cfgs++
					case "cfg_attr":
						r.cfgAttrs++
					default:
						return true
					}
					if err := checkCfgAttr(fset, a, 0); err != nil {
						r.failures = append(r.failures, fmt.Sprintf("%v\n\tin %s", err, attrText(fset, a)))
					}
					return true
				})
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	var cfgs, cfgAttrs int
	var failures []string
	for _, r := range results {
		cfgs += r.cfgs
		cfgAttrs += r.cfgAttrs
		failures = append(failures, r.failures...)
	}
	files := len(paths)
	t.Logf("%d files: %d cfg and %d cfg_attr attributes checked, %d failed", files, cfgs, cfgAttrs, len(failures))
	for _, f := range failures {
		t.Error(f)
	}
}

// checkCfgAttr parses a cfg or cfg_attr attribute whatever its
// predicate's value, recursing into the attributes cfg_attr lists.
func checkCfgAttr(fset *syntax.FileSet, a *syntax.Attr, depth int) error {
	switch a.Name() {
	case "cfg":
		_, err := ParseAttr(fset, a)
		return err
	case "cfg_attr":
		if depth > maxCfgAttrDepth {
			return fmt.Errorf("cfg_attr nested too deeply")
		}
		_, list, err := splitCfgAttr(fset, a)
		if err != nil {
			return err
		}
		for _, toks := range list {
			m, err := parseMeta(fset, toks)
			if err != nil {
				return err
			}
			if err := checkCfgAttr(fset, m, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// attrText returns an attribute's source text.
func attrText(fset *syntax.FileSet, a *syntax.Attr) string {
	f := fset.File(a.Pos())
	if f == nil {
		return "?"
	}
	return f.Src[f.Offset(a.Pos()):f.Offset(a.End())]
}
