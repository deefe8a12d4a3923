package deps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/manifest"
)

// Limits on what one resolution may build: the input is untrusted, and a
// project with more packages than this is not one Warden can audit
// anyway.
const (
	maxPackages = 20000
	maxMembers  = 2000
	// maxSteps bounds package (re)visits; features only grow, so the
	// resolution converges long before this in any real tree.
	maxSteps = 1000000
)

// resolveLock resolves from Cargo.lock and the source directories.
func resolveLock(ctx context.Context, dir string, opt Options) (*Graph, error) {
	r, err := newResolver(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	// A workspace shares the root's lock file; a project that has its
	// own is taken at its word.
	path := filepath.Join(r.abs, "Cargo.lock")
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join(r.wsRoot, "Cargo.lock")
	}
	l, err := readLock(path)
	if err != nil {
		return nil, err
	}
	r.lock = l
	return r.run()
}

// resolveManifests resolves from the manifests alone.
func resolveManifests(ctx context.Context, dir string, opt Options) (*Graph, error) {
	r, err := newResolver(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	return r.run()
}

// resolver resolves a project without cargo. Packages are found from
// the members' manifests outwards; their features are unified the way
// cargo does for one package id (the union of what every dependent asks
// for, plus the default features unless every dependent says
// default-features = false), which can enable optional dependencies and
// so bring in more packages: a worklist revisits a package whenever what
// is asked of it grows, until nothing changes.
type resolver struct {
	ctx  context.Context
	opt  Options
	abs  string             // the project directory
	root *manifest.Manifest // the project's manifest
	// wsRoot is the directory of the workspace root manifest (abs when
	// the project is not in a workspace).
	wsRoot string
	plat   *platform
	src    *sources
	lock   *lockData // nil in manifest mode

	g       *Graph
	nodes   map[ID]*node
	located map[locKey]*node
	byLock  map[int]*node
	queue   []*node
	noted   map[string]bool
	// wsCache maps a directory to the workspace manifest that governs
	// it (nil: none), for { workspace = true } inheritance.
	wsCache map[string]*manifest.Manifest
}

// node is a package under resolution.
type node struct {
	pkg *Package
	man *manifest.Manifest // nil when the manifest is missing or unreadable
	// deps are man's dependencies with workspace inheritance applied.
	deps   []manifest.Dependency
	member bool
	// req and defaults are what dependents ask for.
	req      map[string]bool
	defaults bool
	queued   bool
	visited  bool
	lockIdx  int // the package's Cargo.lock entry, -1 if none
}

type locKey struct {
	from ID
	dep  int
}

func newResolver(ctx context.Context, dir string, opt Options) (*resolver, error) {
	abs, err := absDir(dir)
	if err != nil {
		return nil, err
	}
	root, err := manifest.Load(abs)
	if err != nil {
		return nil, err
	}
	r := &resolver{ctx: ctx, opt: opt, abs: abs, root: root, wsRoot: abs,
		g:     &Graph{Packages: map[ID]*Package{}},
		nodes: map[ID]*node{}, located: map[locKey]*node{}, byLock: map[int]*node{},
		noted: map[string]bool{}, wsCache: map[string]*manifest.Manifest{}}
	if ws := r.workspaceOf(abs); ws != nil {
		r.wsRoot = ws.Dir
	}
	if r.plat, err = newPlatform(opt.Target, r.notef); err != nil {
		return nil, err
	}
	var forSiblings *manifest.Manifest
	if !root.Virtual() {
		forSiblings = root
	}
	r.src = newSources(abs, forSiblings, r.notef)
	return r, nil
}

// notef records a note once.
func (r *resolver) notef(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if !r.noted[s] {
		r.noted[s] = true
		r.g.Notes = append(r.g.Notes, s)
	}
}

// run resolves the members and everything they need.
func (r *resolver) run() (*Graph, error) {
	members, err := r.memberDirs()
	if err != nil {
		return nil, err
	}
	for _, dir := range members {
		n := r.pathNode(dir, "", nil)
		if n.man == nil {
			// Only the project's own manifest is fatal: a member's
			// problem is reported when it is analysed.
			if dir == r.abs {
				return nil, fmt.Errorf("deps: %s", n.pkg.Missing)
			}
		}
		n.member = true
		if r.lock != nil && n.lockIdx < 0 && n.man != nil {
			if r.g.Root == "" {
				return nil, fmt.Errorf("%s: package %s %s not found", r.lock.path, n.pkg.Name, n.pkg.Version)
			}
			r.notef("%s: workspace member %s %s not found", r.lock.path, n.pkg.Name, n.pkg.Version)
		}
		r.request(n, nil, true)
		if r.g.Root == "" {
			r.g.Root = n.pkg.ID
		}
		r.g.Members = append(r.g.Members, n.pkg.ID)
	}
	for steps := 0; len(r.queue) > 0; steps++ {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		if steps > maxSteps {
			return nil, fmt.Errorf("deps: %s: resolution did not settle after %d steps", r.abs, maxSteps)
		}
		if len(r.nodes) > maxPackages {
			return nil, fmt.Errorf("deps: %s: more than %d packages", r.abs, maxPackages)
		}
		n := r.queue[0]
		r.queue = r.queue[1:]
		n.queued = false
		r.visit(n)
	}
	r.g.order()
	return r.g, nil
}

// memberDirs lists the directories of the packages to resolve: the
// project itself unless it is a virtual manifest, then the members of
// its [workspace], in the order of the members globs.
func (r *resolver) memberDirs() ([]string, error) {
	var dirs []string
	seen := map[string]bool{}
	add := func(d string) {
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	if !r.root.Virtual() {
		add(r.abs)
	}
	if r.root.Workspace == nil {
		return dirs, nil
	}
	excluded := map[string]bool{}
	for _, e := range r.root.Workspace.Exclude {
		excluded[filepath.Clean(filepath.Join(r.abs, e))] = true
	}
	for _, pat := range r.root.Workspace.Members {
		matches, err := filepath.Glob(filepath.Join(r.abs, pat))
		if err != nil {
			return nil, fmt.Errorf("%s: workspace member %q: %w", filepath.Join(r.abs, "Cargo.toml"), pat, err)
		}
		sort.Strings(matches)
		for _, m := range matches {
			if excluded[filepath.Clean(m)] {
				continue
			}
			if fi, err := os.Stat(filepath.Join(m, "Cargo.toml")); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			real, err := absDir(m)
			if err != nil {
				continue
			}
			add(real)
			if len(dirs) > maxMembers {
				return nil, fmt.Errorf("%s: more than %d workspace members", filepath.Join(r.abs, "Cargo.toml"), maxMembers)
			}
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: virtual workspace without members", filepath.Join(r.abs, "Cargo.toml"))
	}
	return dirs, nil
}

// request asks n for features (and its defaults), queueing it when that
// is more than it had.
func (r *resolver) request(n *node, feats []string, defaults bool) {
	grew := !n.visited
	for _, f := range feats {
		if !n.req[f] {
			n.req[f] = true
			grew = true
		}
	}
	if defaults && !n.defaults {
		n.defaults, grew = true, true
	}
	if grew && !n.queued {
		n.queued = true
		r.queue = append(r.queue, n)
	}
}

// visit computes n's features and dependency edges from what is asked of
// it, and passes the requests on to its dependencies.
func (r *resolver) visit(n *node) {
	n.visited = true
	if n.man == nil {
		r.visitLocked(n)
		return
	}
	fs := r.features(n)
	n.pkg.Features = sortedSet(fs.Enabled)
	n.pkg.DefaultFeatures = false
	edges := map[string]*Dep{}
	anyTarget := map[string]bool{}
	targets := map[string][]string{}
	for i, d := range n.deps {
		if d.Kind == manifest.DepDev && !(n.member && r.opt.DevDeps) {
			continue
		}
		if !r.plat.holds(d.Target) {
			continue
		}
		if d.Optional && !fs.OptionalDeps[d.Name] {
			continue
		}
		child := r.locate(n, i)
		feats := append(append([]string(nil), d.Features...), fs.DepFeatures[d.Name]...)
		r.request(child, feats, d.DefaultFeatures)
		name := underscore(d.Name)
		if d.Name == d.Package && child.pkg.LibName != "" {
			name = child.pkg.LibName
		}
		key := name + "\x00" + string(child.pkg.ID)
		e := edges[key]
		if e == nil {
			e = &Dep{Name: name, ID: child.pkg.ID}
			edges[key] = e
		}
		switch d.Kind {
		case manifest.DepNormal:
			e.Normal = true
		case manifest.DepBuild:
			e.Build = true
		case manifest.DepDev:
			e.Dev = true
		}
		if d.Target == "" {
			anyTarget[key] = true
		} else {
			targets[key] = append(targets[key], d.Target)
		}
	}
	n.pkg.Deps = n.pkg.Deps[:0]
	for key, e := range edges {
		if !anyTarget[key] {
			e.Target = joinTargets(targets[key])
		}
		n.pkg.Deps = append(n.pkg.Deps, *e)
	}
	sortDeps(n.pkg.Deps)
}

// visitLocked handles a package whose manifest is not available: in lock
// mode its locked dependencies are still known (with their default
// features, all that can be said without the manifest).
func (r *resolver) visitLocked(n *node) {
	n.pkg.DefaultFeatures = true
	if r.lock == nil || n.lockIdx < 0 {
		return
	}
	n.pkg.Deps = n.pkg.Deps[:0]
	for _, j := range r.lock.deps[n.lockIdx] {
		child := r.lockNode(j)
		r.request(child, nil, true)
		name := underscore(child.pkg.Name)
		if child.pkg.LibName != "" {
			name = child.pkg.LibName
		}
		n.pkg.Deps = append(n.pkg.Deps, Dep{Name: name, ID: child.pkg.ID, Normal: true})
	}
	sortDeps(n.pkg.Deps)
}

func sortDeps(ds []Dep) {
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].Name != ds[j].Name {
			return ds[i].Name < ds[j].Name
		}
		return ds[i].ID < ds[j].ID
	})
}

// features resolves n's enabled features from what dependents ask for.
// Features a dependent asks for that n does not have are dropped with a
// note (cargo would refuse to build; Warden audits what it can).
func (r *resolver) features(n *node) *manifest.FeatureSet {
	req := sortedSet(n.req)
	fs, err := n.man.ResolveFeatures(req, false, !n.defaults)
	var unknown *manifest.UnknownFeaturesError
	if errors.As(err, &unknown) {
		r.notef("%s: features %s asked for by dependents do not exist; ignored", n.pkg.ID, strings.Join(unknown.Features, ", "))
		bad := map[string]bool{}
		for _, f := range unknown.Features {
			bad[f] = true
		}
		var kept []string
		for _, f := range req {
			if !bad[f] {
				kept = append(kept, f)
			}
		}
		fs, err = n.man.ResolveFeatures(kept, false, !n.defaults)
	}
	if err != nil {
		r.notef("%s: features: %v", n.pkg.ID, err)
		fs = &manifest.FeatureSet{Enabled: map[string]bool{}, OptionalDeps: map[string]bool{}, DepFeatures: map[string][]string{}}
	}
	return fs
}

// locate finds the package that dependency i of n refers to.
func (r *resolver) locate(n *node, i int) *node {
	key := locKey{n.pkg.ID, i}
	if c := r.located[key]; c != nil {
		return c
	}
	d := n.deps[i]
	var c *node
	switch {
	case d.Workspace && d.Version == manifest.Inherited && d.Path == "" && d.Git == "":
		c = r.missing(d, "", fmt.Sprintf("%s inherits dependency %s from a workspace, and no [workspace.dependencies] entry was found", n.pkg.ID, d.Name))
	case d.Path != "" && n.pkg.Source != SourceRegistry:
		// Registry packages never use their path dependencies: cargo
		// publish keeps only the version.
		p := d.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(n.pkg.Dir, p)
		}
		c = r.pathNode(p, d.Package, n)
	case r.lock != nil:
		c = r.lockLocate(n, d)
	default:
		c = r.highest(d)
	}
	r.located[key] = c
	return c
}

// lockLocate picks d's version from Cargo.lock, falling back to the
// highest version present when the lock file does not have it.
func (r *resolver) lockLocate(n *node, d manifest.Dependency) *node {
	if j := r.lock.pick(n.lockIdx, d); j >= 0 {
		return r.lockNode(j)
	}
	req := d.Version
	if req == "" {
		req = "*"
	}
	r.notef("%s has no entry for %s %s (a dependency of %s): out of date? Using the highest version present", r.lock.path, d.Package, req, n.pkg.ID)
	return r.highest(d)
}

// lockNode returns the package of lock entry j.
func (r *resolver) lockNode(j int) *node {
	if n := r.byLock[j]; n != nil {
		return n
	}
	p := r.lock.pkgs[j]
	id := lockID(p)
	if n := r.nodes[id]; n != nil {
		r.byLock[j] = n
		return n
	}
	var n *node
	switch sourceKind(p.Source) {
	case SourcePath:
		// Path packages are reached through the path dependencies that
		// name them; reaching one only through the lock means the
		// dependent's manifest was not available.
		for _, m := range r.nodes {
			if m.pkg.Source == SourcePath && m.pkg.Name == p.Name && m.pkg.Version == p.Version && (n == nil || m.pkg.ID < n.pkg.ID) {
				n = m
			}
		}
		if n == nil {
			n = r.newNode(id, p.Name, p.Version, SourcePath, "", nil)
			n.pkg.Missing = fmt.Sprintf("path package %s %s is in %s, but no manifest says where it is", p.Name, p.Version, r.lock.path)
		}
	case SourceGit:
		n = r.gitNode(p.Name, p.Source, gitRev(p.Source), func(v Version) bool { return v.String() == p.Version || p.Version == "" }, id)
	default:
		n = r.exactNode(p.Name, p.Version, id)
	}
	n.lockIdx = j
	r.byLock[j] = n
	return n
}

// exactNode finds name-version in the source directories.
func (r *resolver) exactNode(name, version string, id ID) *node {
	want, err := ParseVersion(version)
	if err == nil {
		for _, c := range r.src.candidates(name) {
			if c.version.Compare(want) != 0 {
				continue
			}
			if m, ok, merr := checkCandidate(c, name); ok {
				if merr != nil {
					r.notef("%s: %v", c.dir, merr)
				}
				return r.newNode(id, name, version, SourceRegistry, c.dir, m)
			}
		}
	}
	n := r.newNode(id, name, version, SourceRegistry, "", nil)
	n.pkg.Missing = fmt.Sprintf("source of %s %s not found (looked in %s)", name, version, r.src.searched())
	return n
}

// highest picks, for a registry or git dependency, the highest version
// present in the source directories that satisfies its requirement.
func (r *resolver) highest(d manifest.Dependency) *node {
	req, err := ParseReq(d.Version)
	if err != nil {
		return r.missing(d, d.Version, err.Error())
	}
	if d.Git != "" {
		return r.gitNode(d.Package, d.Git, "", req.Matches, "")
	}
	cands := append([]candidate(nil), r.src.candidates(d.Package)...)
	// Highest first; the search order breaks ties.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].version.Compare(cands[j].version) > 0 })
	var seen []string
	for _, c := range cands {
		if !req.Matches(c.version) {
			seen = append(seen, c.version.String())
			continue
		}
		id := ID(d.Package + " " + c.version.String())
		if n := r.nodes[id]; n != nil {
			return n
		}
		m, ok, merr := checkCandidate(c, d.Package)
		if !ok {
			continue
		}
		if merr != nil {
			r.notef("%s: %v", c.dir, merr)
		}
		return r.newNode(id, d.Package, c.version.String(), SourceRegistry, c.dir, m)
	}
	why := fmt.Sprintf("no version of %s matching %q in %s", d.Package, reqText(d.Version), r.src.searched())
	if len(seen) > 0 {
		why += " (present: " + strings.Join(dedupe(seen), ", ") + ")"
	}
	return r.missing(d, d.Version, why)
}

func reqText(req string) string {
	if strings.TrimSpace(req) == "" {
		return "*"
	}
	return req
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// gitNode finds a git dependency among cargo's git checkouts.
func (r *resolver) gitNode(name, url, rev string, ok func(Version) bool, id ID) *node {
	for _, dir := range gitCheckouts(url, rev, name) {
		m, err := manifest.Load(dir)
		if err != nil || m.Name != name {
			continue
		}
		v, err := ParseVersion(m.Version)
		if err != nil || !ok(v) {
			continue
		}
		nid := id
		if nid == "" {
			nid = ID(fmt.Sprintf("%s %s (git+%s)", name, m.Version, url))
		}
		if n := r.nodes[nid]; n != nil {
			return n
		}
		return r.newNode(nid, name, m.Version, SourceGit, dir, m)
	}
	if id == "" {
		id = ID(fmt.Sprintf("%s (git+%s) (missing)", name, url))
	}
	if n := r.nodes[id]; n != nil {
		return n
	}
	n := r.newNode(id, name, "", SourceGit, "", nil)
	n.pkg.Missing = fmt.Sprintf("git dependency %s from %s not found among cargo's checkouts (%s)", name, url, filepath.Join(cargoHome(), "git", "checkouts"))
	return n
}

// missing returns the placeholder package of a dependency whose source
// was not found.
func (r *resolver) missing(d manifest.Dependency, req, why string) *node {
	kind := SourceRegistry
	switch {
	case d.Git != "":
		kind = SourceGit
	case d.Path != "":
		kind = SourcePath
	}
	id := ID(fmt.Sprintf("%s %s (missing)", d.Package, reqText(req)))
	if n := r.nodes[id]; n != nil {
		return n
	}
	n := r.newNode(id, d.Package, "", kind, "", nil)
	n.pkg.Missing = why
	return n
}

// pathNode returns the package in dir (a member or a path dependency
// named want, declared by from; from is nil for members).
func (r *resolver) pathNode(dir, want string, from *node) *node {
	real, err := absDir(dir)
	if err != nil {
		name := want
		if name == "" {
			name = filepath.Base(dir)
		}
		id := ID(fmt.Sprintf("%s (path+file://%s)", name, filepath.Clean(dir)))
		if n := r.nodes[id]; n != nil {
			return n
		}
		n := r.newNode(id, name, "", SourcePath, "", nil)
		n.pkg.Missing = fmt.Sprintf("path dependency %s: %v", name, unwrapPath(err))
		return n
	}
	m, err := manifest.Load(real)
	if err != nil {
		name := want
		if name == "" {
			name = filepath.Base(real)
		}
		id := ID(fmt.Sprintf("%s (path+file://%s)", name, real))
		if n := r.nodes[id]; n != nil {
			return n
		}
		n := r.newNode(id, name, "", SourcePath, real, nil)
		if errors.Is(err, fs.ErrNotExist) {
			n.pkg.Dir = ""
			n.pkg.Missing = fmt.Sprintf("path dependency %s: no Cargo.toml in %s", name, real)
		} else {
			n.pkg.Missing = err.Error()
			n.pkg.Dir = real // its analysis reports the manifest's problem
			if from != nil {
				r.notef("%s: %v", from.pkg.ID, err)
			}
		}
		return n
	}
	if m.Virtual() {
		id := ID(fmt.Sprintf("%s (path+file://%s)", want, real))
		if n := r.nodes[id]; n != nil {
			return n
		}
		n := r.newNode(id, want, "", SourcePath, "", nil)
		n.pkg.Missing = fmt.Sprintf("path dependency %s: %s is a virtual workspace manifest", want, filepath.Join(real, "Cargo.toml"))
		return n
	}
	if want != "" && m.Name != want {
		r.notef("%s: path dependency %s leads to package %s (%s)", from.pkg.ID, want, m.Name, real)
	}
	version := m.Version
	if version == manifest.Inherited {
		if ws := r.workspaceOf(real); ws != nil && ws.Workspace.Version != "" {
			version = ws.Workspace.Version
		} else {
			r.notef("%s: version inherited from a workspace that does not set one", filepath.Join(real, "Cargo.toml"))
		}
	}
	id := ID(fmt.Sprintf("%s %s (path+file://%s)", m.Name, version, real))
	if n := r.nodes[id]; n != nil {
		return n
	}
	n := r.newNode(id, m.Name, version, SourcePath, real, m)
	if r.lock != nil {
		n.lockIdx = r.lock.findPath(m.Name, version)
	}
	return n
}

// unwrapPath drops the "deps: " prefix absDir puts on its errors.
func unwrapPath(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// newNode registers a package; m (when not nil) gives its targets and
// dependencies.
func (r *resolver) newNode(id ID, name, version string, kind SourceKind, dir string, m *manifest.Manifest) *node {
	p := &Package{ID: id, Name: name, Version: version, Source: kind, Dir: dir, DefaultFeatures: m == nil}
	n := &node{pkg: p, man: m, req: map[string]bool{}, lockIdx: -1}
	if m != nil {
		if m.Lib != nil {
			p.HasLib, p.LibName = true, underscore(m.Lib.Name)
			p.ProcMacro = m.Lib.Kind == manifest.KindProcMacro
		}
		p.BuildScript = m.BuildScript != nil
		for _, b := range m.Bins {
			p.Bins = append(p.Bins, b.Name)
		}
		n.deps = r.inherit(m, n)
	}
	r.nodes[id] = n
	r.g.Packages[id] = p
	return n
}

// inherit applies [workspace.dependencies] to the dependencies of m
// written as { workspace = true }: the workspace entry gives the
// version, path (relative to the workspace root), git, package name,
// default-features and features, to which the member adds its own
// features and optional flag.
func (r *resolver) inherit(m *manifest.Manifest, n *node) []manifest.Dependency {
	out := make([]manifest.Dependency, len(m.Dependencies))
	copy(out, m.Dependencies)
	var ws *manifest.Manifest
	for i := range out {
		d := &out[i]
		if !d.Workspace {
			continue
		}
		if ws == nil {
			if ws = r.workspaceOf(m.Dir); ws == nil {
				r.notef("%s: dependency %s is inherited from a workspace, and none was found above %s", n.pkg.ID, d.Name, m.Dir)
				return out
			}
		}
		var base *manifest.Dependency
		for j := range ws.Workspace.Dependencies {
			if ws.Workspace.Dependencies[j].Name == d.Name {
				base = &ws.Workspace.Dependencies[j]
			}
		}
		if base == nil {
			continue // stays Inherited; locate reports it
		}
		d.Version, d.Git, d.Package, d.DefaultFeatures = base.Version, base.Git, base.Package, base.DefaultFeatures
		d.Path = ""
		if base.Path != "" {
			if rel, err := filepath.Rel(m.Dir, filepath.Join(ws.Dir, base.Path)); err == nil {
				d.Path = rel
			}
		}
		d.Features = append(append([]string(nil), base.Features...), d.Features...)
	}
	return out
}

// workspaceOf returns the manifest of the workspace root governing the
// package in dir: dir's own manifest if it has a [workspace], else the
// nearest parent's. Nil when there is none (or it cannot be read).
func (r *resolver) workspaceOf(dir string) *manifest.Manifest {
	if ws, ok := r.wsCache[dir]; ok {
		return ws
	}
	var found *manifest.Manifest
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, "Cargo.toml")); err == nil && fi.Mode().IsRegular() {
			if m, err := manifest.Load(d); err == nil && m.Workspace != nil {
				found = m
				break
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	r.wsCache[dir] = found
	return found
}
