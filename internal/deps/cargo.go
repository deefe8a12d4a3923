package deps

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/cache"
)

// metadata is the subset of cargo metadata's JSON that Warden reads.
type metadata struct {
	Packages []struct {
		ID           string  `json:"id"`
		Name         string  `json:"name"`
		Version      string  `json:"version"`
		Source       *string `json:"source"`
		ManifestPath string  `json:"manifest_path"`
		Targets      []struct {
			Name string   `json:"name"`
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
					Kind   *string `json:"kind"`
					Target *string `json:"target"`
				} `json:"dep_kinds"`
			} `json:"deps"`
			Features []string `json:"features"`
		} `json:"nodes"`
	} `json:"resolve"`
	WorkspaceMembers []string `json:"workspace_members"`
}

// maxStderr bounds how much of cargo's error output goes into an error
// message.
const maxStderr = 2000

// metadataJSON runs cargo metadata in dir and returns its output.
func metadataJSON(ctx context.Context, dir, target string) ([]byte, error) {
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		return nil, fmt.Errorf("cargo metadata: cargo not found: %w", err)
	}
	// --locked: an audit must not write a Cargo.lock into the project
	// it reads (cargo fails instead, and the lock or manifest modes apply).
	args := []string{"metadata", "--format-version", "1", "--offline", "--locked"}
	if target != AllTargets {
		args = append(args, "--filter-platform", target)
	}
	cmd := exec.CommandContext(ctx, cargo, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("cargo metadata in %s failed: %w: %s", dir, err, condense(stderr.String()))
	}
	return out, nil
}

// condense turns cargo's error output into one line for a note: its
// lines joined, the reminder about --offline dropped, the length capped.
func condense(stderr string) string {
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "As a reminder, you're using offline mode") {
			continue
		}
		lines = append(lines, l)
	}
	msg := strings.Join(lines, "; ")
	if len(msg) > maxStderr {
		msg = msg[:maxStderr] + "..."
	}
	return msg
}

// ParseMetadata reads the JSON of cargo metadata --format-version 1.
// Dev-only dependencies are left out unless devDeps is set, in which
// case those of the workspace members are kept with Dep.Dev.
func ParseMetadata(data []byte, devDeps bool) (*Graph, error) {
	var m metadata
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("reading cargo metadata: %w", err)
	}
	if m.Resolve == nil {
		return nil, errors.New("cargo metadata has no resolve graph")
	}
	g := &Graph{Packages: map[ID]*Package{}}
	for _, p := range m.Packages {
		pkg := &Package{ID: ID(p.ID), Name: p.Name, Version: p.Version, Dir: filepath.Dir(p.ManifestPath), Source: SourcePath}
		if p.Source != nil {
			pkg.Source = sourceKind(*p.Source)
		}
		for _, tg := range p.Targets {
			for _, k := range tg.Kind {
				switch k {
				case "lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro":
					pkg.HasLib, pkg.LibName = true, underscore(tg.Name)
					if k == "proc-macro" {
						pkg.ProcMacro = true
					}
				case "custom-build":
					pkg.BuildScript = true
				case "bin":
					pkg.Bins = append(pkg.Bins, tg.Name)
				}
			}
		}
		g.Packages[pkg.ID] = pkg
	}
	member := map[ID]bool{}
	for _, id := range m.WorkspaceMembers {
		member[ID(id)] = true
	}
	for _, n := range m.Resolve.Nodes {
		pkg := g.Packages[ID(n.ID)]
		if pkg == nil {
			continue
		}
		pkg.Features = append([]string(nil), n.Features...)
		sort.Strings(pkg.Features)
		for _, d := range n.Deps {
			dep := Dep{Name: d.Name, ID: ID(d.Pkg)}
			var targets []string
			anyTarget := len(d.DepKinds) == 0 // cargo before 1.41 gave no kinds: a normal dependency
			for _, k := range d.DepKinds {
				switch {
				case k.Kind == nil:
					dep.Normal = true
				case *k.Kind == "build":
					dep.Build = true
				case *k.Kind == "dev":
					if !devDeps || !member[pkg.ID] {
						continue
					}
					dep.Dev = true
				}
				if k.Target == nil || *k.Target == "" {
					anyTarget = true
				} else {
					targets = append(targets, *k.Target)
				}
			}
			if len(d.DepKinds) == 0 {
				dep.Normal = true
			}
			if !dep.Normal && !dep.Build && !dep.Dev {
				continue
			}
			if !anyTarget {
				dep.Target = joinTargets(targets)
			}
			pkg.Deps = append(pkg.Deps, dep)
		}
	}
	switch {
	case m.Resolve.Root != nil:
		g.Root = ID(*m.Resolve.Root)
	case len(m.WorkspaceMembers) > 0:
		g.Root = ID(m.WorkspaceMembers[0])
	}
	if g.Packages[g.Root] == nil {
		return nil, fmt.Errorf("cargo metadata: root package %q not found", g.Root)
	}
	for _, id := range m.WorkspaceMembers {
		g.Members = append(g.Members, ID(id))
	}
	if len(g.Members) == 0 {
		g.Members = []ID{g.Root}
	}
	g.order()
	return g, nil
}

// joinTargets joins the distinct target keys of a dependency's
// declarations.
func joinTargets(ts []string) string {
	sort.Strings(ts)
	var out []string
	for i, t := range ts {
		if i == 0 || t != ts[i-1] {
			out = append(out, t)
		}
	}
	return strings.Join(out, ", ")
}

// sourceKind classifies a cargo source id ("registry+https://...",
// "sparse+...", "git+...", "path+...").
func sourceKind(src string) SourceKind {
	switch {
	case src == "" || strings.HasPrefix(src, "path+"):
		return SourcePath
	case strings.HasPrefix(src, "registry+"), strings.HasPrefix(src, "sparse+"):
		return SourceRegistry
	case strings.HasPrefix(src, "git+"):
		return SourceGit
	}
	return SourceUnknown
}

// metadataEntry is what the cache keeps of one cargo metadata run: its
// output and the checksums of the manifests of its path packages, which
// the cache key does not cover (a member's Cargo.toml can change the
// features cargo enables without touching Cargo.lock).
type metadataEntry struct {
	JSON      json.RawMessage   `json:"json"`
	Manifests map[string]string `json:"manifests"`
}

// resolveCargo runs cargo metadata, through the cache when there is one.
// The cache key covers the project's Cargo.toml and Cargo.lock, every
// cargo configuration file cargo would read, and the target; without a
// Cargo.lock the resolution is not pinned and is not cached.
func resolveCargo(ctx context.Context, dir string, opt Options) (*Graph, error) {
	abs, err := absDir(dir)
	if err != nil {
		return nil, err
	}
	key := ""
	if opt.Cache != nil {
		key = metadataKey(abs, opt)
	}
	if key != "" {
		var e metadataEntry
		if opt.Cache.Get(key, &e) == nil && manifestsUnchanged(e.Manifests) {
			if g, err := ParseMetadata(e.JSON, opt.DevDeps); err == nil {
				return g, nil
			}
		}
	}
	raw, err := metadataJSON(ctx, abs, opt.Target)
	if err != nil {
		return nil, err
	}
	g, err := ParseMetadata(raw, opt.DevDeps)
	if err != nil {
		return nil, fmt.Errorf("cargo metadata in %s: %w", abs, err)
	}
	if key != "" {
		e := metadataEntry{JSON: raw, Manifests: map[string]string{}}
		ok := true
		for _, p := range g.Packages {
			if p.Source == SourcePath {
				path := filepath.Join(p.Dir, "Cargo.toml")
				sum, err := fileSum(path)
				if err != nil {
					ok = false // cannot vouch for it later: do not cache
					break
				}
				e.Manifests[path] = sum
			}
		}
		if ok {
			// A failed write only costs the next run a cargo call.
			_ = opt.Cache.Put(key, e)
		}
	}
	return g, nil
}

// metadataKey is the cache key of a cargo metadata run, "" when the
// project has no Cargo.lock.
func metadataKey(abs string, opt Options) string {
	lock, err := os.ReadFile(filepath.Join(abs, "Cargo.lock"))
	if err != nil {
		return ""
	}
	manifest, _ := os.ReadFile(filepath.Join(abs, "Cargo.toml"))
	parts := []string{"metadata", abs, opt.Target, fmt.Sprint(opt.DevDeps), string(manifest), string(lock)}
	for _, f := range configFiles(abs) {
		b, err := os.ReadFile(f)
		if err == nil {
			parts = append(parts, f, string(b))
		}
	}
	return cache.Key(parts...)
}

// manifestsUnchanged reports whether every file still has its checksum.
func manifestsUnchanged(sums map[string]string) bool {
	for path, want := range sums {
		if got, err := fileSum(path); err != nil || got != want {
			return false
		}
	}
	return true
}

func fileSum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
