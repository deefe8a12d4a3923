package tree

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/wardenrs/warden/internal/manifest"
)

// lockFile is the part of Cargo.lock Warden reads.
type lockFile struct {
	Package []struct {
		Name         string   `toml:"name"`
		Version      string   `toml:"version"`
		Source       string   `toml:"source"`
		Dependencies []string `toml:"dependencies"`
	} `toml:"package"`
}

// cargoConfig is the part of .cargo/config.toml that says where sources
// are: directory sources (vendor directories, Debian's registry).
type cargoConfig struct {
	Source map[string]struct {
		Directory string `toml:"directory"`
	} `toml:"source"`
}

// ResolveLock builds the tree without cargo, from the project's
// Cargo.lock and manifests. Each crate's source is looked for in the
// directory sources of .cargo/config.toml (vendoring), in
// $CARGO_HOME/registry/src/*/, in Debian's /usr/share/cargo/registry, and
// for path dependencies next to the crate that declares them. Features
// are not resolved (cargo is not there to do it): every crate gets its
// default features. A crate whose source is not found stays in the tree
// with an empty Dir, and its analysis reports why.
func ResolveLock(dir string) (*Tree, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := manifest.Load(abs)
	if err != nil {
		return nil, err
	}
	lockPath := filepath.Join(abs, "Cargo.lock")
	data, err := os.ReadFile(lockPath)
	if err != nil {
		return nil, fmt.Errorf("no cargo to resolve the tree, and no lock file: %w", err)
	}
	var lock lockFile
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return nil, fmt.Errorf("%s: %w", lockPath, err)
	}
	searchDirs := sourceDirs(abs)
	t := &Tree{Packages: map[string]*Package{}}
	byName := map[string][]string{} // name -> ids
	pathDeps := map[string]string{} // name -> dir, from manifests' path dependencies
	for _, d := range root.Dependencies {
		if d.Path != "" {
			pathDeps[pkgName(d)] = filepath.Join(abs, d.Path)
		}
	}
	for _, p := range lock.Package {
		id := p.Name + " " + p.Version
		pkg := &Package{ID: id, Name: p.Name, Version: p.Version, Deps: map[string]string{}, DefaultFeatures: true}
		switch {
		case p.Name == root.Name && p.Source == "":
			pkg.Dir = abs
			t.Root = id
		case p.Source == "":
			pkg.Dir = pathDeps[p.Name]
		default:
			pkg.Dir = findSource(searchDirs, p.Name, p.Version)
		}
		t.Packages[id] = pkg
		byName[p.Name] = append(byName[p.Name], id)
	}
	for _, p := range lock.Package {
		pkg := t.Packages[p.Name+" "+p.Version]
		for _, d := range p.Dependencies {
			f := strings.Fields(d)
			if len(f) == 0 {
				continue
			}
			var dep string
			if len(f) >= 2 {
				dep = f[0] + " " + f[1]
			} else if ids := byName[f[0]]; len(ids) == 1 {
				dep = ids[0]
			}
			if dep != "" {
				pkg.Deps[strings.ReplaceAll(f[0], "-", "_")] = dep
			}
		}
		if pkg.Dir != "" {
			if m, err := manifest.Load(pkg.Dir); err == nil {
				pkg.Build = m.BuildScript != nil
				pkg.Proc = m.Lib != nil && m.Lib.Kind == "proc-macro"
				for _, d := range m.Dependencies {
					if d.Path != "" {
						pathDeps[pkgName(d)] = filepath.Join(pkg.Dir, d.Path)
					}
				}
			}
		}
	}
	// Path dependencies of dependencies are known only now.
	for _, pkg := range t.Packages {
		if pkg.Dir == "" && pathDeps[pkg.Name] != "" {
			pkg.Dir = pathDeps[pkg.Name]
		}
	}
	if t.Root == "" {
		return nil, fmt.Errorf("%s: package %s not found", lockPath, root.Name)
	}
	t.Order = t.order()
	return t, nil
}

func pkgName(d manifest.Dependency) string {
	if d.Package != "" {
		return d.Package
	}
	return d.Name
}

// sourceDirs lists the directories that may hold crate sources.
func sourceDirs(project string) []string {
	var dirs []string
	for d := project; ; d = filepath.Dir(d) {
		var conf cargoConfig
		if _, err := toml.DecodeFile(filepath.Join(d, ".cargo", "config.toml"), &conf); err == nil {
			var names []string
			for n := range conf.Source {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if dir := conf.Source[n].Directory; dir != "" {
					if !filepath.IsAbs(dir) {
						dir = filepath.Join(d, dir)
					}
					dirs = append(dirs, dir)
				}
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	home := os.Getenv("CARGO_HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = filepath.Join(h, ".cargo")
		}
	}
	if home != "" {
		if regs, err := filepath.Glob(filepath.Join(home, "registry", "src", "*")); err == nil {
			dirs = append(dirs, regs...)
		}
	}
	return append(dirs, "/usr/share/cargo/registry")
}

// findSource returns the directory of name-version in the first search
// directory that has it ("name-version" or, in vendor directories,
// "name" with a matching manifest version), or "".
func findSource(dirs []string, name, version string) string {
	for _, d := range dirs {
		for _, cand := range []string{filepath.Join(d, name+"-"+version), filepath.Join(d, name)} {
			if m, err := manifest.Load(cand); err == nil && m.Name == name && (m.Version == version || m.Version == manifest.Inherited) {
				return cand
			}
		}
	}
	return ""
}
