// Package corpus locates the real-world test corpus: the crates listed in
// testdata/corpus/crates.txt, installed from Debian's librust-*-dev
// packages under /usr/share/cargo/registry. Tests and benchmarks use it;
// scripts/install-corpus.sh installs it.
package corpus

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/wardenrs/warden/internal/datafile"
)

// DefaultRegistry is where Debian installs crate sources.
const DefaultRegistry = "/usr/share/cargo/registry"

// Crate is one corpus crate resolved to its source directory.
type Crate struct {
	Name    string
	Version string
	Dir     string
}

// ReadList reads crate names from a crates.txt file ("name  # comment",
// blank and comment lines ignored).
func ReadList(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading corpus list: %w", err)
	}
	var names []string
	err = datafile.Each(string(data), func(_ int, f []string) error {
		names = append(names, f[0])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading corpus list %s: %w", path, err)
	}
	return names, nil
}

var dirName = regexp.MustCompile(`^(.+)-([0-9]+\.[0-9]+\.[0-9]+.*)$`)

func normalize(name string) string { return strings.ReplaceAll(strings.ToLower(name), "_", "-") }

// Resolve maps crate names to the highest installed version in registry.
// It returns an error naming every crate that is not installed.
func Resolve(registry string, names []string) ([]Crate, error) {
	entries, err := os.ReadDir(registry)
	if err != nil {
		return nil, fmt.Errorf("corpus registry %s: %w (run scripts/install-corpus.sh)", registry, err)
	}
	best := map[string]Crate{}
	for _, e := range entries {
		m := dirName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		key := normalize(m[1])
		c := Crate{Name: m[1], Version: m[2], Dir: filepath.Join(registry, e.Name())}
		if old, ok := best[key]; !ok || versionLess(old.Version, c.Version) {
			best[key] = c
		}
	}
	var out []Crate
	var missing []string
	for _, n := range names {
		c, ok := best[normalize(n)]
		if !ok {
			missing = append(missing, n)
			continue
		}
		out = append(out, c)
	}
	if len(missing) > 0 {
		return out, fmt.Errorf("%d corpus crates not installed in %s: %s (run scripts/install-corpus.sh)", len(missing), registry, strings.Join(missing, " "))
	}
	return out, nil
}

// versionLess compares dotted numeric versions, ignoring pre-release
// suffixes beyond the numeric parts.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(strings.TrimRightFunc(pa[i], func(r rune) bool { return r < '0' || r > '9' }))
		nb, eb := strconv.Atoi(strings.TrimRightFunc(pb[i], func(r rune) bool { return r < '0' || r > '9' }))
		if ea != nil || eb != nil {
			if pa[i] != pb[i] {
				return pa[i] < pb[i]
			}
			continue
		}
		if na != nb {
			return na < nb
		}
	}
	return len(pa) < len(pb)
}

// RustFiles lists the .rs files under dir, sorted, without following
// symbolic links.
func RustFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(path, ".rs") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// Load resolves the list file against the registry and returns every
// .rs file of every listed crate.
func Load(listFile, registry string) ([]Crate, []string, error) {
	names, err := ReadList(listFile)
	if err != nil {
		return nil, nil, err
	}
	crates, err := Resolve(registry, names)
	if err != nil {
		return nil, nil, err
	}
	var files []string
	for _, c := range crates {
		fs, err := RustFiles(c.Dir)
		if err != nil {
			return nil, nil, fmt.Errorf("listing %s: %w", c.Dir, err)
		}
		files = append(files, fs...)
	}
	return crates, files, nil
}
