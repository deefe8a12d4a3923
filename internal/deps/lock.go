package deps

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/wardenrs/warden/internal/manifest"
)

// errNoLock reports a project without a Cargo.lock.
var errNoLock = errors.New("no Cargo.lock")

// maxLockSize bounds the Cargo.lock Warden reads.
const maxLockSize = 64 << 20

// lockFile is the part of Cargo.lock Warden reads.
type lockFile struct {
	Package []lockPackage `toml:"package"`
}

type lockPackage struct {
	Name         string   `toml:"name"`
	Version      string   `toml:"version"`
	Source       string   `toml:"source"`
	Dependencies []string `toml:"dependencies"`
}

// lockData is a parsed Cargo.lock with its dependency lists resolved to
// package indices.
type lockData struct {
	path   string
	pkgs   []lockPackage
	deps   [][]int          // per package, the indices of its dependencies
	byName map[string][]int // name -> indices
}

// readLock reads and indexes a Cargo.lock.
func readLock(path string) (*lockData, error) {
	data, err := readSmall(path, maxLockSize)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, errNoLock)
	}
	if err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	var lf lockFile
	if _, err := toml.Decode(string(data), &lf); err != nil {
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	l := &lockData{path: path, pkgs: lf.Package, byName: map[string][]int{}}
	for i, p := range l.pkgs {
		if p.Name == "" || p.Version == "" {
			return nil, fmt.Errorf("lock file %s: package %d has no name or version", path, i+1)
		}
		l.byName[p.Name] = append(l.byName[p.Name], i)
	}
	l.deps = make([][]int, len(l.pkgs))
	for i, p := range l.pkgs {
		for _, d := range p.Dependencies {
			j, err := l.lookup(d)
			if err != nil {
				return nil, fmt.Errorf("lock file %s: package %s %s: %w", path, p.Name, p.Version, err)
			}
			l.deps[i] = append(l.deps[i], j)
		}
	}
	return l, nil
}

// lookup resolves a dependency entry of Cargo.lock: "name", "name
// version" or "name version (source)", the short forms being used when
// they are unambiguous.
func (l *lockData) lookup(ref string) (int, error) {
	f := strings.Fields(ref)
	if len(f) == 0 {
		return -1, errors.New("empty dependency entry")
	}
	source := ""
	if len(f) >= 3 {
		source = strings.TrimSuffix(strings.TrimPrefix(strings.Join(f[2:], " "), "("), ")")
	}
	found := -1
	for _, i := range l.byName[f[0]] {
		p := l.pkgs[i]
		if len(f) >= 2 && p.Version != f[1] || source != "" && p.Source != source {
			continue
		}
		if found >= 0 {
			return -1, fmt.Errorf("dependency %q is ambiguous", ref)
		}
		found = i
	}
	if found < 0 {
		return -1, fmt.Errorf("dependency %q has no [[package]] entry", ref)
	}
	return found, nil
}

// findPath returns the index of the entry with name and version whose source
// is a path (no source), or -1.
func (l *lockData) findPath(name, version string) int {
	for _, i := range l.byName[name] {
		if p := l.pkgs[i]; p.Version == version && p.Source == "" {
			return i
		}
	}
	return -1
}

// pick chooses the lock entry for dependency d of the package with lock
// entry from (-1 when that package has none): among from's locked
// dependencies (else all entries) with d's package name, those matching
// d's requirement and source kind, the highest version. It returns -1
// when none fits: the lock file is out of date.
func (l *lockData) pick(from int, d manifest.Dependency) int {
	cands := l.byName[d.Package]
	if from >= 0 {
		cands = nil
		for _, j := range l.deps[from] {
			if l.pkgs[j].Name == d.Package {
				cands = append(cands, j)
			}
		}
	}
	req, reqErr := ParseReq(d.Version)
	best, bestV := -1, Version{}
	for _, j := range cands {
		p := l.pkgs[j]
		if (d.Git != "") != strings.HasPrefix(p.Source, "git+") || p.Source == "" {
			continue
		}
		v, err := ParseVersion(p.Version)
		if err != nil {
			continue
		}
		if reqErr == nil && d.Git == "" && !req.Matches(v) {
			continue
		}
		if best < 0 || v.Compare(bestV) > 0 {
			best, bestV = j, v
		}
	}
	return best
}

// lockID is the package id of a registry or git lock entry: "name
// version", plus the source unless it is crates.io.
func lockID(p lockPackage) ID {
	if p.Source == "" || isCratesIO(p.Source) {
		return ID(p.Name + " " + p.Version)
	}
	return ID(fmt.Sprintf("%s %s (%s)", p.Name, p.Version, p.Source))
}

func isCratesIO(src string) bool {
	return src == "registry+https://github.com/rust-lang/crates.io-index" || src == "sparse+https://index.crates.io/"
}

// gitRev returns the commit of a git source id ("git+url?branch=x#rev").
func gitRev(src string) string {
	if i := strings.LastIndex(src, "#"); i >= 0 {
		return src[i+1:]
	}
	return ""
}
