// Package tree analyses a whole dependency tree: it resolves the tree the
// way cargo does (cargo metadata, offline), analyses every crate with the
// features cargo enables for it, links calls between crates through
// their public re-exports, and propagates capabilities across crates with
// a witness path from each function down to the effect.
package tree

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Package is one crate of the resolved tree.
type Package struct {
	ID       string
	Name     string
	Version  string
	Dir      string
	Features []string
	// Deps maps the name a dependency is used under in code to its
	// package id (normal and build dependencies; dev-dependencies are
	// left out).
	Deps  map[string]string
	Build bool // has a build script
	Proc  bool // is a proc-macro crate
	// DefaultFeatures is set when the tree was resolved without cargo
	// (from Cargo.lock): features are unknown and defaults are used.
	DefaultFeatures bool
}

// Tree is a resolved dependency tree.
type Tree struct {
	Root string // package id of the crate analysed
	// Members are the workspace members' package ids (the root alone for
	// a single package).
	Members  []string
	Packages map[string]*Package
	// Order lists package ids with dependencies before dependents.
	Order []string
}

// metadata is the subset of cargo metadata's JSON that Warden reads.
type metadata struct {
	Packages []struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Version      string `json:"version"`
		ManifestPath string `json:"manifest_path"`
		Targets      []struct {
			Kind []string `json:"kind"`
		} `json:"targets"`
	} `json:"packages"`
	Resolve *struct {
		Root  *string `json:"root"`
		Nodes []struct {
			ID   string `json:"id"`
			Deps []struct {
				Name     string `json:"name"`
				Pkg      string `json:"pkg"`
				DepKinds []struct {
					Kind *string `json:"kind"`
				} `json:"dep_kinds"`
			} `json:"deps"`
			Features []string `json:"features"`
		} `json:"nodes"`
	} `json:"resolve"`
	WorkspaceMembers []string `json:"workspace_members"`
}

// Resolve runs "cargo metadata --format-version 1 --offline" in dir and
// returns the resolved tree for the current target platform's
// dependencies (cargo decides which target-specific dependencies apply
// when filterPlatform is set).
func Resolve(ctx context.Context, dir, filterPlatform string) (*Tree, error) {
	out, err := metadataJSON(ctx, dir, filterPlatform)
	if err != nil {
		return nil, err
	}
	return Parse(out)
}

// metadataJSON runs cargo metadata and returns its output.
func metadataJSON(ctx context.Context, dir, filterPlatform string) ([]byte, error) {
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		return nil, fmt.Errorf("cargo not found (needed to resolve the dependency tree): %w", err)
	}
	args := []string{"metadata", "--format-version", "1", "--offline"}
	if filterPlatform != "" {
		args = append(args, "--filter-platform", filterPlatform)
	}
	cmd := exec.CommandContext(ctx, cargo, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("cargo metadata in %s: %w: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Parse reads cargo metadata JSON.
func Parse(data []byte) (*Tree, error) {
	var m metadata
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("reading cargo metadata: %w", err)
	}
	if m.Resolve == nil {
		return nil, fmt.Errorf("cargo metadata has no resolve graph")
	}
	t := &Tree{Packages: map[string]*Package{}}
	for _, p := range m.Packages {
		pkg := &Package{ID: p.ID, Name: p.Name, Version: p.Version, Dir: filepath.Dir(p.ManifestPath), Deps: map[string]string{}}
		for _, tg := range p.Targets {
			for _, k := range tg.Kind {
				switch k {
				case "custom-build":
					pkg.Build = true
				case "proc-macro":
					pkg.Proc = true
				}
			}
		}
		t.Packages[p.ID] = pkg
	}
	for _, n := range m.Resolve.Nodes {
		pkg := t.Packages[n.ID]
		if pkg == nil {
			continue
		}
		pkg.Features = append([]string(nil), n.Features...)
		sort.Strings(pkg.Features)
		for _, d := range n.Deps {
			devOnly := len(d.DepKinds) > 0
			for _, k := range d.DepKinds {
				if k.Kind == nil || *k.Kind != "dev" {
					devOnly = false
				}
			}
			if !devOnly {
				pkg.Deps[d.Name] = d.Pkg
			}
		}
	}
	switch {
	case m.Resolve.Root != nil:
		t.Root = *m.Resolve.Root
	case len(m.WorkspaceMembers) > 0:
		t.Root = m.WorkspaceMembers[0]
	}
	if t.Packages[t.Root] == nil {
		return nil, fmt.Errorf("cargo metadata: root package %q not found", t.Root)
	}
	t.Members = m.WorkspaceMembers
	if len(t.Members) == 0 {
		t.Members = []string{t.Root}
	}
	t.Order = t.order()
	return t, nil
}

// order returns the packages reachable from the root, dependencies
// first.
func (t *Tree) order() []string {
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(id string)
	visit = func(id string) {
		if state[id] != 0 {
			return
		}
		state[id] = 1
		p := t.Packages[id]
		if p == nil {
			return
		}
		deps := make([]string, 0, len(p.Deps))
		for _, d := range p.Deps {
			deps = append(deps, d)
		}
		sort.Strings(deps)
		for _, d := range deps {
			visit(d)
		}
		state[id] = 2
		out = append(out, id)
	}
	visit(t.Root)
	for _, m := range t.Members {
		visit(m)
	}
	return out
}
