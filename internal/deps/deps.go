// Package deps finds the packages that make up a Rust project: which
// packages there are, how they depend on each other, with which features,
// and where their sources are. It does nothing else; analysing those
// sources is the job of other packages.
//
// Resolve asks cargo first (cargo metadata, offline), then reads
// Cargo.lock and the source directories cargo would use, and finally,
// with neither cargo nor a lock file (a crate unpacked in a registry),
// resolves from the manifests alone, picking for each requirement the
// highest version present on disk. Every way yields the same Graph,
// keyed by package id, so a tree holding two versions of one crate is
// represented faithfully.
package deps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/cfg"
)

// ID identifies one package of a graph: cargo's package id string, or,
// when resolved without cargo, "name version" for registry packages and
// "name version (source)" for the others (path+file:///dir, git+url).
type ID string

// SourceKind says where a package comes from.
type SourceKind string

// The source kinds.
const (
	SourceRegistry SourceKind = "registry" // crates.io or another registry (possibly replaced by a directory source)
	SourcePath     SourceKind = "path"     // a path dependency or workspace member
	SourceGit      SourceKind = "git"
	SourceUnknown  SourceKind = "unknown"
)

// Dep is one dependency edge.
type Dep struct {
	// Name is the extern crate name code uses for the dependency: the
	// rename of a renamed dependency, else the library's name, with
	// dashes turned into underscores.
	Name string
	ID   ID
	// Normal and Build are the kinds the dependency is declared with.
	// Dev is set only for dev-dependencies of workspace members resolved
	// with Options.DevDeps; other dev-dependencies are left out.
	Normal, Build, Dev bool
	// Target is the cfg(...) expression or triple of the
	// [target.X.dependencies] table declaring the dependency, "" when
	// some declaration applies on every target. Declarations under
	// several keys are joined with ", ".
	Target string
}

// Package is one package of the graph.
type Package struct {
	ID      ID
	Name    string
	Version string
	Source  SourceKind
	// Dir is the package's source directory, "" when it was not found;
	// Missing then says where Warden looked.
	Dir     string
	Missing string
	// Features are the enabled features, sorted.
	Features []string
	// DefaultFeatures is set when the features are unknown (the manifest
	// could not be read): the package's default features are to be used.
	DefaultFeatures bool
	Deps            []Dep

	// Targets. LibName is the library's crate name (dashes already
	// turned into underscores).
	HasLib      bool
	LibName     string
	ProcMacro   bool
	BuildScript bool
	Bins        []string
}

// Graph is a resolved project.
type Graph struct {
	Root ID // the package analysed (the first member of a virtual workspace)
	// Members are the workspace members (the root alone for a single
	// package).
	Members  []ID
	Packages map[ID]*Package
	// Order lists the packages reachable from the members through
	// normal and build dependencies (and dev-dependencies when asked
	// for), dependencies before dependents.
	Order []ID
	// Notes explain fallbacks and oddities met while resolving (cargo
	// failing, lock entries out of date, unknown features requested...).
	Notes []string
}

// Mode chooses how Resolve works.
type Mode int

// The modes.
const (
	// Auto tries Cargo, then Lock, then Manifest.
	Auto Mode = iota
	// Cargo runs cargo metadata.
	Cargo
	// Lock reads Cargo.lock and finds each package in the source
	// directories.
	Lock
	// Manifest reads manifests only and picks, for each requirement, the
	// highest version present in the source directories.
	Manifest
)

func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case Cargo:
		return "cargo"
	case Lock:
		return "lock"
	case Manifest:
		return "manifest"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// AllTargets as Options.Target keeps the dependencies of every platform.
const AllTargets = "all"

// Options tune Resolve.
type Options struct {
	// Target is the target triple whose platform-specific dependencies
	// are kept (cargo's --filter-platform); AllTargets keeps every
	// platform's, "" means cfg.DefaultTriple.
	Target string
	Mode   Mode
	// Cache, if set, keeps cargo metadata's output between runs.
	Cache *cache.Cache
	// DevDeps follows the dev-dependencies of the workspace members
	// (never those of other packages, which cargo does not build).
	DevDeps bool
}

// Resolve finds the packages of the project in dir. In Auto mode each
// failed way is recorded in Graph.Notes before the next is tried; the
// error of the last one is returned if none works.
func Resolve(ctx context.Context, dir string, opt Options) (*Graph, error) {
	if opt.Target == "" {
		opt.Target = cfg.DefaultTriple
	}
	switch opt.Mode {
	case Cargo:
		return resolveCargo(ctx, dir, opt)
	case Lock:
		return resolveLock(ctx, dir, opt)
	case Manifest:
		return resolveManifests(ctx, dir, opt)
	case Auto:
	default:
		return nil, fmt.Errorf("deps: unknown mode %v", opt.Mode)
	}
	if !lockNearby(dir) {
		// cargo metadata --locked cannot work without a lock file, and
		// an audit does not write one: the manifests decide.
		g, err := resolveManifests(ctx, dir, opt)
		if err != nil {
			return nil, err
		}
		g.Notes = append([]string{"no Cargo.lock: dependencies resolved from the manifests, highest versions present"}, g.Notes...)
		return g, nil
	}
	var notes []string
	g, err := resolveCargo(ctx, dir, opt)
	if err == nil {
		return g, nil
	}
	if ctx.Err() != nil {
		return nil, err
	}
	g, lerr := resolveLock(ctx, dir, opt)
	if lerr == nil {
		g.Notes = append([]string{fmt.Sprintf("%v; resolved from Cargo.lock", err)}, g.Notes...)
		return g, nil
	}
	notes = append(notes, err.Error())
	if !errors.Is(lerr, errNoLock) {
		notes = append(notes, lerr.Error())
	}
	if ctx.Err() != nil {
		return nil, lerr
	}
	g, merr := resolveManifests(ctx, dir, opt)
	if merr != nil {
		return nil, fmt.Errorf("%w (before: %s)", merr, strings.Join(notes, "; "))
	}
	why := strings.Join(notes, "; ")
	if errors.Is(lerr, errNoLock) {
		why += "; no Cargo.lock"
	}
	g.Notes = append([]string{why + "; resolved from the manifests, highest versions present"}, g.Notes...)
	return g, nil
}

// lockNearby reports whether a Cargo.lock sits in dir or in a directory
// above it that holds a Cargo.toml (a workspace root).
func lockNearby(dir string) bool {
	d, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for i := 0; i < 16; i++ {
		if _, err := os.Stat(filepath.Join(d, "Cargo.lock")); err == nil {
			return true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return false
		}
		if _, err := os.Stat(filepath.Join(parent, "Cargo.toml")); err != nil {
			return false
		}
		d = parent
	}
	return false
}

// order computes g.Order: a depth-first walk from the root and the
// members, dependencies (in ID order) before dependents. It is iterative
// because graphs come from untrusted input and may be deep.
func (g *Graph) order() {
	g.Order = nil
	const (
		unseen = iota
		open
		done
	)
	state := map[ID]int{}
	type frame struct {
		id   ID
		deps []ID
		next int
	}
	var stack []frame
	push := func(id ID) {
		p := g.Packages[id]
		if p == nil || state[id] != unseen {
			return
		}
		state[id] = open
		deps := make([]ID, 0, len(p.Deps))
		for _, d := range p.Deps {
			deps = append(deps, d.ID)
		}
		sort.Slice(deps, func(i, j int) bool { return deps[i] < deps[j] })
		stack = append(stack, frame{id: id, deps: deps})
	}
	starts := append([]ID{g.Root}, g.Members...)
	for _, s := range starts {
		push(s)
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next < len(top.deps) {
				d := top.deps[top.next]
				top.next++
				push(d) // a cycle (state open) is simply not followed again
				continue
			}
			state[top.id] = done
			g.Order = append(g.Order, top.id)
			stack = stack[:len(stack)-1]
		}
	}
}

// underscore turns a package name into the crate name code uses.
func underscore(name string) string { return strings.ReplaceAll(name, "-", "_") }

// absDir returns dir as an absolute path with symbolic links resolved, so
// that one directory always gets one package id.
func absDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("deps: %s: %w", dir, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("deps: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("deps: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("deps: %s is not a directory", dir)
	}
	return real, nil
}

// sortedSet returns the keys of a set, sorted.
func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k, ok := range m {
		if ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
