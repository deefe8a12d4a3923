package deps

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/wardenrs/warden/internal/manifest"
)

// debianRegistry is where Debian's librust-*-dev packages put crate
// sources.
const debianRegistry = "/usr/share/cargo/registry"

// maxDirEntries caps how many entries of one source directory are
// indexed; a directory source larger than that is truncated with a note.
const maxDirEntries = 200000

// cargoHome is $CARGO_HOME, else ~/.cargo ("" if there is no home).
func cargoHome() string {
	if h := os.Getenv("CARGO_HOME"); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".cargo")
	}
	return ""
}

// configFiles lists the cargo configuration files cargo reads for a
// project in dir, most specific first: .cargo/config.toml (and the
// legacy .cargo/config) in dir and each parent, then those of
// $CARGO_HOME.
func configFiles(dir string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(d string) {
		for _, name := range []string{"config.toml", "config"} {
			p := filepath.Join(d, name)
			if seen[p] {
				continue
			}
			seen[p] = true
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				out = append(out, p)
			}
		}
	}
	for d := dir; ; d = filepath.Dir(d) {
		add(filepath.Join(d, ".cargo"))
		if filepath.Dir(d) == d {
			break
		}
	}
	if h := cargoHome(); h != "" {
		add(h)
	}
	return out
}

// cargoConfig is the part of a cargo configuration file that says where
// sources are: directory sources (vendor directories, Debian's registry).
type cargoConfig struct {
	Source map[string]struct {
		Directory string `toml:"directory"`
	} `toml:"source"`
}

// maxConfigSize bounds a cargo configuration file Warden reads.
const maxConfigSize = 1 << 20

// sources knows the directories that may hold crate sources and indexes
// their entries on first use.
type sources struct {
	dirs    []string
	entries map[string][]string    // dir -> sorted entry names
	cands   map[string][]candidate // crate name -> candidates, in search order
	notef   func(format string, args ...any)
}

// newSources collects the source directories for a project in project
// (root is its manifest, nil for a virtual workspace): the directory
// sources of its cargo configuration, the directory holding the project
// when that looks like a registry (the project's directory is named
// name-version), $CARGO_HOME/registry/src/*, and Debian's registry.
func newSources(project string, root *manifest.Manifest, notef func(string, ...any)) *sources {
	s := &sources{entries: map[string][]string{}, cands: map[string][]candidate{}, notef: notef}
	seen := map[string]bool{}
	add := func(d string) {
		d = filepath.Clean(d)
		if !seen[d] {
			seen[d] = true
			s.dirs = append(s.dirs, d)
		}
	}
	for _, f := range configFiles(project) {
		data, err := readSmall(f, maxConfigSize)
		if err != nil {
			notef("cargo configuration %s: %v", f, err)
			continue
		}
		var conf cargoConfig
		if _, err := toml.Decode(string(data), &conf); err != nil {
			notef("cargo configuration %s: %v (its sources are not searched)", f, err)
			continue
		}
		names := make([]string, 0, len(conf.Source))
		for n := range conf.Source {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if d := conf.Source[n].Directory; d != "" {
				if !filepath.IsAbs(d) {
					// Relative to the directory holding .cargo/.
					d = filepath.Join(filepath.Dir(filepath.Dir(f)), d)
				}
				add(d)
			}
		}
	}
	if root != nil && root.Name != "" && filepath.Base(project) == root.Name+"-"+root.Version {
		add(filepath.Dir(project))
	}
	if h := cargoHome(); h != "" {
		if regs, err := filepath.Glob(filepath.Join(h, "registry", "src", "*")); err == nil {
			for _, r := range regs {
				add(r)
			}
		}
	}
	add(debianRegistry)
	return s
}

// readSmall reads a regular file of at most limit bytes.
func readSmall(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return os.ReadFile(path)
}

// list returns the sorted entry names of a source directory.
func (s *sources) list(dir string) []string {
	if names, ok := s.entries[dir]; ok {
		return names
	}
	f, err := os.Open(dir)
	var names []string
	if err == nil {
		names, err = f.Readdirnames(maxDirEntries + 1)
		f.Close()
		if len(names) > maxDirEntries {
			s.notef("source directory %s has more than %d entries; only part of it is searched", dir, maxDirEntries)
			names = names[:maxDirEntries]
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) && len(names) == 0 {
			s.notef("source directory %s: %v", dir, err)
		}
	}
	sort.Strings(names)
	s.entries[dir] = names
	return names
}

// candidate is a directory that may hold a version of a crate.
type candidate struct {
	dir     string
	version Version
	// named is set when the version comes from the directory's name
	// (name-version) rather than its manifest (a vendor directory "name").
	named bool
}

// candidates lists the directories that may hold a version of crate
// name, in search order: "name-version" entries, then a vendored "name"
// entry whose version is read from its manifest. The caller must not
// modify the slice.
func (s *sources) candidates(name string) []candidate {
	if c, ok := s.cands[name]; ok {
		return c
	}
	var out []candidate
	defer func() { s.cands[name] = out }()
	prefix := name + "-"
	for _, d := range s.dirs {
		names := s.list(d)
		i := sort.SearchStrings(names, prefix)
		for ; i < len(names) && strings.HasPrefix(names[i], prefix); i++ {
			if v, err := ParseVersion(names[i][len(prefix):]); err == nil {
				out = append(out, candidate{dir: filepath.Join(d, names[i]), version: v, named: true})
			}
		}
		if j := sort.SearchStrings(names, name); j < len(names) && names[j] == name {
			dir := filepath.Join(d, name)
			if m, err := manifest.Load(dir); err == nil && m.Name == name {
				if v, err := ParseVersion(m.Version); err == nil {
					out = append(out, candidate{dir: dir, version: v})
				}
			}
		}
	}
	return out
}

// searched describes the search directories for messages.
func (s *sources) searched() string {
	return strings.Join(s.dirs, ", ")
}

// checkCandidate loads the manifest of a candidate and checks that it is
// the crate and version the directory claims. A manifest that cannot be
// read does not disqualify a directory named name-version: the package
// is kept, and its analysis reports the manifest's problem.
//
// ok says whether the candidate is usable; m is nil when its manifest
// could not be read, and err then says why.
func checkCandidate(c candidate, name string) (m *manifest.Manifest, ok bool, err error) {
	m, err = manifest.Load(c.dir)
	if err != nil {
		return nil, c.named && !errors.Is(err, fs.ErrNotExist), err
	}
	if m.Name != name {
		return nil, false, nil
	}
	if c.named && m.Version != manifest.Inherited {
		if v, err := ParseVersion(m.Version); err != nil || v.Compare(c.version) != 0 {
			return nil, false, nil
		}
	}
	return m, true, nil
}

// gitCheckouts lists the checkout directories cargo keeps for git
// dependencies ($CARGO_HOME/git/checkouts/<repo>-<hash>/<short rev>),
// those of commit rev (when known) first, then those of the repository
// named in url, and for each the directories where crate name may sit:
// the checkout itself, name and crates/name.
func gitCheckouts(url, rev, name string) []string {
	h := cargoHome()
	if h == "" {
		return nil
	}
	repo := url
	if i := strings.IndexAny(repo, "?#"); i >= 0 {
		repo = repo[:i]
	}
	repo = strings.TrimSuffix(strings.TrimSuffix(repo, "/"), ".git")
	repo = repo[strings.LastIndex(repo, "/")+1:]
	revs, _ := filepath.Glob(filepath.Join(h, "git", "checkouts", "*", "*"))
	rank := func(dir string) int {
		switch {
		case rev != "" && strings.HasPrefix(rev, filepath.Base(dir)):
			return 0
		case strings.HasPrefix(filepath.Base(filepath.Dir(dir)), repo+"-"):
			return 1
		}
		return 2
	}
	sort.SliceStable(revs, func(i, j int) bool { return rank(revs[i]) < rank(revs[j]) })
	var out []string
	for _, r := range revs {
		out = append(out, r, filepath.Join(r, name), filepath.Join(r, "crates", name))
	}
	return out
}
