// Package load reads a crate from disk for analysis: its manifest, its
// targets (library, binaries, build script, ...) and, for each target, the
// module tree (mod x; -> x.rs or x/mod.rs, #[path], inline modules), with
// every file parsed and cfg/cfg_attr evaluated for the chosen target and
// features. Conditions are three-valued: what the build script may set
// (cargo:rustc-cfg=...) and, under "--target all", every target option
// are unknown, and code under an unknown condition is kept with that
// condition (Crate.Conds). Crates are untrusted: unreadable or malformed
// files, #[path] attributes that escape the crate, module cycles and
// symlink loops become Problems naming the file and position, and
// loading goes on.
package load

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/wardenrs/warden/internal/buildcfg"
	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/syntax"
)

// Options select what to load.
type Options struct {
	Target            string   // target triple; "" means x86_64-unknown-linux-gnu
	Features          []string // features to enable
	AllFeatures       bool
	NoDefaultFeatures bool
	Tests             bool // include cfg(test) code and test targets
	Examples          bool // include example targets
	Benches           bool // include bench targets
	// LibOnly loads the library and the build script only: what cargo
	// builds of a dependency.
	LibOnly bool
	// AnyFeatures leaves every feature that is not enabled unknown, so
	// that code for every feature combination is analysed, each part
	// under its condition (and every target regardless of its
	// required-features).
	AnyFeatures bool
}

// DefaultTarget is the target triple used when none is given.
const DefaultTarget = "x86_64-unknown-linux-gnu"

// Crate is a loaded crate.
type Crate struct {
	Manifest *manifest.Manifest
	Name     string // crate name as used in paths (dashes become underscores)
	Dir      string
	Fset     *syntax.FileSet
	// Cfg is the configuration of the crate's targets: the build
	// script's cfgs are unknown in it (see BuildCfgs). The build script
	// itself is compiled without them (Target.Cfg).
	Cfg      *cfg.Config
	Features *manifest.FeatureSet
	Targets  []*Target
	Problems []Problem
	// BuildCfgs are the cfgs the build script may set, as Rust would
	// write them (openssl, osslconf = "OPENSSL_NO_SSL3", or
	// version = * when any value may be set); code under them is
	// analysed with its condition.
	BuildCfgs []string
	// Conds holds the condition of every item, module and statement
	// whose cfg is neither true nor false (nil everywhere else). Keys
	// are *syntax.Item values and *Module values.
	Conds map[any]cfg.Expr

	real string // Dir with symbolic links resolved
}

// Cond returns the condition recorded for an item, a module or a
// statement (nil when it is certain).
func (c *Crate) Cond(n any) cfg.Expr { return c.Conds[n] }

// realDir is the crate directory with symbolic links resolved (once).
func (c *Crate) realDir() string {
	if c.real == "" {
		c.real = c.Dir
		if r, err := filepath.EvalSymlinks(c.Dir); err == nil {
			c.real = r
		}
	}
	return c.real
}

// Target is one compilation target and its module tree.
type Target struct {
	Kind manifest.TargetKind
	Name string
	Root *Module
	// Cfg is the configuration the target is compiled with.
	Cfg *cfg.Config

	loader *loader
}

// LoadModule loads a module declared by an item that was not part of the
// source as written (a "mod x;" produced by a macro such as tokio's
// cfg_net! { pub mod net; }) and adds it to parent's children. It
// returns nil if the module cannot be loaded (the problem is recorded).
func (t *Target) LoadModule(parent *Module, mod *syntax.ModItem) []*Module {
	if t.loader == nil {
		return nil
	}
	children := t.loader.loadChildren(parent, mod)
	parent.Children = append(parent.Children, children...)
	return children
}

// BlockModule loads an inline module declared in a function body (mod m
// { .. } in a block): its items with cfg applied, and its children.
// parent is the module holding the function; the module is not added to
// its children, as it is no module of the tree. It returns nil for a
// module that is not inline (rustc rejects mod m; in a block).
func (t *Target) BlockModule(parent *Module, mod *syntax.ModItem) []*Module {
	if t.loader == nil || !mod.Inline || parent == nil {
		return nil
	}
	return t.loader.loadChildren(parent, mod)
}

// Module is one module of a target.
type Module struct {
	Name string // "" for the crate root
	// Cond is the module's own condition when it is unknown (a
	// #[cfg] on its declaration or its #![cfg], or the #[cfg_attr(..,
	// path = ..)] alternative it was loaded from); nil when certain.
	Cond     cfg.Expr
	Path     []string // names from the crate root
	Parent   *Module
	File     *syntax.File // file holding the module's items
	Decl     *syntax.ModItem
	Attrs    []*syntax.Attr // inner attributes (after cfg_attr)
	Items    []syntax.Item  // items enabled by cfg, in source order
	Children []*Module
	// childDir is the directory in which "mod x;" declared in this
	// module looks for x.rs and x/mod.rs.
	childDir string
}

// Problem is something about the input that the auditor should know:
// unreadable or unparsable files, paths escaping the crate, cycles.
type Problem struct {
	Kind string // "read", "syntax", "path-escape", "module-not-found", "module-cycle", "cfg", "manifest"
	Pos  syntax.Position
	Msg  string
	// Blind marks problems that leave code unseen (an unreadable or
	// missing module file, a module outside the crate, code the parser
	// skipped): they are blind spots of the analysis.
	Blind bool
}

// blindKinds are the problem kinds that leave code unanalysed.
var blindKinds = map[string]bool{"read": true, "syntax": true, "path-escape": true, "module-not-found": true}

func (p Problem) String() string {
	if p.Pos.Filename == "" {
		return p.Msg
	}
	if p.Pos.Line == 0 {
		return p.Pos.Filename + ": " + p.Msg
	}
	return p.Pos.String() + ": " + p.Msg
}

// Load reads the crate in dir.
func Load(ctx context.Context, dir string, opt Options) (*Crate, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("crate directory %s: %w", dir, err)
	}
	m, err := manifest.Load(abs)
	if err != nil {
		return nil, err
	}
	if m.Name == "" {
		return nil, fmt.Errorf("%s: no [package] (a virtual workspace manifest); give the path of a member crate", filepath.Join(abs, "Cargo.toml"))
	}
	fs, err := m.ResolveFeatures(opt.Features, opt.AllFeatures, opt.NoDefaultFeatures)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(abs, "Cargo.toml"), err)
	}
	triple := opt.Target
	if triple == "" {
		triple = DefaultTarget
	}
	conf, err := cfg.NewConfig(triple, fs.Enabled)
	if err != nil {
		return nil, err
	}
	conf.Test = opt.Tests
	if opt.AnyFeatures {
		conf.Maybe = &cfg.Maybe{AnyFeature: true}
	}
	c := &Crate{
		Manifest: m,
		Name:     strings.ReplaceAll(m.Name, "-", "_"),
		Dir:      abs,
		Fset:     syntax.NewFileSet(),
		Cfg:      conf,
		Features: fs,
		Conds:    map[any]cfg.Expr{},
	}
	for _, w := range m.Warnings {
		c.Problems = append(c.Problems, Problem{Kind: "manifest", Pos: syntax.Position{Filename: filepath.Join(abs, "Cargo.toml")}, Msg: w})
	}
	if m.Lib != nil {
		c.Name = m.Lib.Name
	}
	// The build script first: the cfgs it may set are unknown in every
	// other target, so code behind them is analysed rather than dropped.
	if m.BuildScript != nil {
		if t := c.loadTarget(ctx, m.BuildScript, conf); t != nil {
			c.Targets = append(c.Targets, t)
			c.assumeBuildCfgs(t)
		}
	}
	var targets []*manifest.Target
	if m.Lib != nil {
		targets = append(targets, m.Lib)
	}
	if !opt.LibOnly || m.Lib == nil {
		targets = append(targets, m.Bins...)
	}
	if opt.Examples {
		targets = append(targets, m.Examples...)
	}
	if opt.Tests {
		targets = append(targets, m.Tests...)
	}
	if opt.Benches {
		targets = append(targets, m.Benches...)
	}
	var loaded []*Target
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !opt.AnyFeatures && !featuresEnabled(t.RequiredFeatures, fs) {
			continue
		}
		if lt := c.loadTarget(ctx, t, c.Cfg); lt != nil {
			loaded = append(loaded, lt)
		}
	}
	// Report order: library, binaries, ..., then the build script.
	c.Targets = append(loaded, c.Targets...)
	for i := range c.Problems {
		c.Problems[i].Blind = blindKinds[c.Problems[i].Kind]
	}
	sort.SliceStable(c.Problems, func(i, j int) bool {
		a, b := c.Problems[i].Pos, c.Problems[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Offset < b.Offset
	})
	return c, nil
}

// assumedText writes a build script's cfg as conditions are written
// (osslconf = "OPENSSL_NO_SSL3"), with * for the parts not known.
func assumedText(b buildcfg.Cfg) string {
	name := b.Name
	if b.AnyName {
		name += "*"
	}
	if !b.HasValue {
		return name
	}
	v := b.Value
	if b.AnyValue {
		v += "*"
	}
	return name + " = " + strconv.Quote(v)
}

// loadTarget loads one target's module tree under conf.
func (c *Crate) loadTarget(ctx context.Context, t *manifest.Target, conf *cfg.Config) *Target {
	l := &loader{crate: c, conf: conf, ctx: ctx, seen: map[string]bool{}}
	root := l.loadRoot(t)
	if root == nil {
		return nil
	}
	return &Target{Kind: t.Kind, Name: t.Name, Root: root, Cfg: conf, loader: l}
}

// assumeBuildCfgs reads the cfgs the build script may print and makes
// them unknown in the crate's configuration.
func (c *Crate) assumeBuildCfgs(t *Target) {
	var files []*syntax.File
	seen := map[*syntax.File]bool{}
	t.Root.Walk(func(m *Module) {
		if m.File != nil && !seen[m.File] {
			seen[m.File] = true
			files = append(files, m.File)
		}
	})
	found := buildcfg.Find(c.Fset, files)
	if len(found) == 0 {
		return
	}
	conf := *c.Cfg
	maybe := cfg.Maybe{}
	if c.Cfg.Maybe != nil {
		maybe.AnyFeature = c.Cfg.Maybe.AnyFeature
	}
	conf.Maybe = &maybe
	have := map[string]bool{}
	for _, b := range found {
		conf.Maybe.AddBuildCfg(b.Name, b.Value, b.HasValue, b.AnyName, b.AnyValue)
		if text := assumedText(b); !have[text] {
			have[text] = true
			c.BuildCfgs = append(c.BuildCfgs, text)
		}
	}
	c.Cfg = &conf
}

func featuresEnabled(required []string, fs *manifest.FeatureSet) bool {
	for _, f := range required {
		if !fs.Enabled[f] {
			return false
		}
	}
	return true
}

type loader struct {
	crate *Crate
	conf  *cfg.Config
	// raw keeps the attributes of mod items as written, before cfg_attr
	// expansion, for modules whose file depends on an unknown cfg_attr.
	raw  map[*syntax.ModItem][]*syntax.Attr
	ctx  context.Context
	seen map[string]bool // files already loaded in this target (cycle guard)
}

func (l *loader) problem(kind string, pos syntax.Position, format string, args ...any) {
	l.crate.Problems = append(l.crate.Problems, Problem{Kind: kind, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// inCrate reports whether path (after resolving symlinks) lies inside the
// crate directory.
func (l *loader) inCrate(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(l.crate.realDir(), real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", errEscape
	}
	return real, nil
}

var errEscape = errors.New("outside the crate directory")

// parseFile reads and parses a file, recording problems.
func (l *loader) parseFile(path string, from syntax.Position) (*syntax.File, *syntax.SourceFile) {
	real, err := l.inCrate(path)
	switch {
	case errors.Is(err, errEscape):
		l.problem("path-escape", from, "module file %s is outside the crate directory; not followed", path)
		return nil, nil
	case err != nil:
		l.problem("read", from, "cannot read module file %s: %v", path, err)
		return nil, nil
	}
	if l.seen[real] {
		l.problem("module-cycle", from, "module file %s is already part of the module tree; not loaded twice", path)
		return nil, nil
	}
	l.seen[real] = true
	r := parseInto(l.crate.Fset, path)
	if r.err != nil {
		l.problem("read", from, "%v", r.err)
		return nil, nil
	}
	f, sf, errs := r.f, r.sf, r.errs
	for _, e := range errs {
		l.crate.Problems = append(l.crate.Problems, Problem{Kind: "syntax", Pos: e.Pos, Msg: e.Msg})
	}
	return f, sf
}

func (l *loader) loadRoot(t *manifest.Target) *Module {
	f, sf := l.parseFile(t.Path, syntax.Position{Filename: filepath.Join(l.crate.Dir, "Cargo.toml")})
	if f == nil {
		return nil
	}
	m := &Module{File: f, childDir: filepath.Dir(t.Path)}
	l.fill(m, sf.Attrs, sf.Items)
	return m
}

// fill applies cfg to a module's attributes and items and loads its
// child modules.
func (l *loader) fill(m *Module, inner []*syntax.Attr, items []syntax.Item) {
	conf, fset := l.conf, l.crate.Fset
	attrs, errs := conf.ExpandCfgAttr(fset, inner)
	l.cfgErrors(errs)
	m.Attrs = attrs
	t, cond, err := conf.Condition(fset, attrs)
	if err != nil {
		l.cfgErrors([]error{err})
	}
	switch t {
	case cfg.False:
		return // #![cfg(...)] disables the whole module
	case cfg.Unknown:
		m.Cond = cfg.And(m.Cond, cond)
	}
	if m.Cond != nil {
		l.crate.Conds[m] = m.Cond
	}
	for _, it := range items {
		if l.ctx.Err() != nil {
			return
		}
		if !l.enabled(it) {
			continue
		}
		m.Items = append(m.Items, it)
		if mod, ok := it.(*syntax.ModItem); ok {
			m.Children = append(m.Children, l.loadChildren(m, mod)...)
		}
	}
}

// enabled expands an item's cfg_attr attributes in place, evaluates its
// cfg attributes and records an unknown condition.
func (l *loader) enabled(it syntax.Item) bool {
	if mod, ok := it.(*syntax.ModItem); ok && !mod.Inline && (l.conf.AllTargets || l.conf.Maybe != nil) {
		if l.raw == nil {
			l.raw = map[*syntax.ModItem][]*syntax.Attr{}
		}
		l.raw[mod] = mod.Attrs
	}
	return Enabled(l.conf, l.crate.Fset, it, l.crate.Conds, l.cfgErrors)
}

// Enabled expands the cfg_attr attributes of an item in place and reports
// whether it may be compiled: its cfg attributes hold, or depend on
// options that are unknown, in which case the residual condition is
// recorded in conds (when conds is not nil), joined to one recorded
// there before (the branch of a cfg_if! that produced the item).
// Malformed predicates are reported through report and count as true, so
// the code is still audited.
func Enabled(conf *cfg.Config, fset *syntax.FileSet, it syntax.Item, conds map[any]cfg.Expr, report func([]error)) bool {
	base := itemBase(it)
	if base == nil {
		return true
	}
	attrs, errs := conf.ExpandCfgAttr(fset, base.Attrs)
	if report != nil && len(errs) > 0 {
		report(errs)
	}
	base.Attrs = attrs
	if !conf.Test && isTestItem(attrs) {
		return false // #[test] functions exist only in test builds
	}
	t, cond, err := conf.Condition(fset, attrs)
	if err != nil && report != nil {
		report([]error{err})
	}
	if t == cfg.Unknown && conds != nil {
		conds[it] = cfg.And(conds[it], cond)
	}
	return t != cfg.False || err != nil
}

// isTestItem reports whether attrs mark a test or benchmark function
// (#[test], #[bench], #[tokio::test]).
func isTestItem(attrs []*syntax.Attr) bool {
	for _, a := range attrs {
		if a.Doc != "" {
			continue
		}
		if n := a.Name(); n == "test" || n == "bench" || strings.HasSuffix(n, "::test") {
			return true
		}
	}
	return false
}

// cfgErrors records malformed cfg predicates at their position.
func (l *loader) cfgErrors(errs []error) {
	for _, err := range errs {
		var pos syntax.Position
		var se *syntax.Error
		msg := err.Error()
		if errors.As(err, &se) {
			pos, msg = se.Pos, se.Msg
		}
		// errors.Join of several: report each.
		if j, ok := err.(interface{ Unwrap() []error }); ok && se == nil {
			l.cfgErrors(j.Unwrap())
			continue
		}
		l.problem("cfg", pos, "%s", msg)
	}
}

// itemBase returns the common part of an item.
func itemBase(it syntax.Item) *syntax.ItemBase {
	switch it := it.(type) {
	case *syntax.UseItem:
		return &it.ItemBase
	case *syntax.FnItem:
		return &it.ItemBase
	case *syntax.ModItem:
		return &it.ItemBase
	case *syntax.StructItem:
		return &it.ItemBase
	case *syntax.EnumItem:
		return &it.ItemBase
	case *syntax.UnionItem:
		return &it.ItemBase
	case *syntax.TraitItem:
		return &it.ItemBase
	case *syntax.ImplItem:
		return &it.ItemBase
	case *syntax.ConstItem:
		return &it.ItemBase
	case *syntax.StaticItem:
		return &it.ItemBase
	case *syntax.TypeAliasItem:
		return &it.ItemBase
	case *syntax.ExternCrateItem:
		return &it.ItemBase
	case *syntax.ExternBlockItem:
		return &it.ItemBase
	case *syntax.MacroRulesItem:
		return &it.ItemBase
	case *syntax.MacroItem:
		return &it.ItemBase
	case *syntax.BadItem:
		return &it.ItemBase
	}
	return nil
}

// ItemBase exposes itemBase to later stages.
func ItemBase(it syntax.Item) *syntax.ItemBase { return itemBase(it) }

// pathAttr returns the value of a #[path = "..."] attribute, if any.
func pathAttr(fset *syntax.FileSet, attrs []*syntax.Attr) (string, bool) {
	for _, a := range attrs {
		if a.Name() != "path" || len(a.Tokens) != 2 || a.Tokens[0].Kind != syntax.Eq {
			continue
		}
		lit := a.Tokens[1]
		if lit.Kind != syntax.Str && lit.Kind != syntax.RawStr {
			continue
		}
		if v, ok := syntax.StringValue(fset.Text(lit)); ok {
			return v, true
		}
	}
	return "", false
}

// loadChildren loads the module a mod item declares: one module, or one
// per #[cfg_attr(p, path = "..")] alternative whose condition is unknown
// (#[cfg_attr(unix, path = "unix.rs")] #[cfg_attr(windows, path =
// "windows.rs")] mod sys; under "--target all"), each with its condition.
func (l *loader) loadChildren(parent *Module, mod *syntax.ModItem) []*Module {
	cond := l.crate.Conds[syntax.Item(mod)]
	alts := l.pathAlternatives(mod)
	if alts == nil {
		v, ok := pathAttr(l.crate.Fset, mod.Attrs)
		if child := l.loadChild(parent, mod, v, ok, cond, false); child != nil {
			return []*Module{child}
		}
		return nil
	}
	var out []*Module
	for i, a := range alts {
		quiet := i == len(alts)-1 // the default file, when no cfg_attr applies
		if child := l.loadChild(parent, mod, a.path, a.hasPath, cfg.And(cond, a.cond), quiet); child != nil {
			out = append(out, child)
		}
	}
	return out
}

// pathAlt is one way a module declaration may be loaded.
type pathAlt struct {
	cond    cfg.Expr
	path    string
	hasPath bool
}

// pathAlternatives returns the alternatives of a mod item whose path
// depends on a cfg_attr with an unknown predicate, or nil when there is
// one way only. mod.Attrs already holds the cfg_attr expansion; the
// predicates are read again from the attributes as written (l.raw).
func (l *loader) pathAlternatives(mod *syntax.ModItem) []pathAlt {
	if !l.conf.AllTargets && l.conf.Maybe == nil {
		return nil
	}
	fset := l.crate.Fset
	var alts []pathAlt
	var open []cfg.Expr
	raw := l.raw[mod]
	for _, a := range raw {
		if a.Doc != "" || a.Name() != "cfg_attr" {
			continue
		}
		pred, attrs, err := cfg.CfgAttrParts(fset, a)
		if err != nil {
			continue
		}
		t, cond := l.conf.Partial(pred)
		if t != cfg.Unknown {
			continue
		}
		if v, ok := pathAttr(fset, attrs); ok {
			alts = append(alts, pathAlt{cond: cond, path: v, hasPath: true})
			open = append(open, cond)
		}
	}
	if len(alts) == 0 {
		return nil
	}
	// Without any of those predicates, the declaration's own #[path] (if
	// any) or the default file applies.
	v, ok := pathAttr(fset, raw)
	var none cfg.Expr
	if len(open) == 1 {
		none = &cfg.Not{X: open[0]}
	} else {
		none = &cfg.Not{X: &cfg.Any{List: open}}
	}
	return append(alts, pathAlt{cond: none, path: v, hasPath: ok})
}

// loadChild loads one module file. quiet leaves a missing file
// unreported: the default file of a declaration whose cfg_attr paths are
// unknown, which often exists under none of the configurations (rustix's
// backend module is one of two cfg_attr paths, always).
func (l *loader) loadChild(parent *Module, mod *syntax.ModItem, pathValue string, hasPath bool, cond cfg.Expr, quiet bool) *Module {
	fset := l.crate.Fset
	child := &Module{
		Name:   mod.Name.Name,
		Parent: parent,
		Path:   append(append([]string(nil), parent.Path...), mod.Name.Name),
		Decl:   mod,
		Cond:   cond,
	}
	declPos := fset.Position(mod.Pos())
	if mod.Inline {
		child.File = parent.File
		if hasPath {
			child.childDir = filepath.Join(parent.childDir, pathValue)
		} else {
			child.childDir = filepath.Join(parent.childDir, mod.Name.Name)
		}
		l.fill(child, mod.InnerAttrs, mod.Items)
		return child
	}
	candidates := childCandidates(parent, mod, pathValue, hasPath)
	file := firstFile(candidates)
	if file == "" {
		if !quiet {
			l.problem("module-not-found", declPos, "module %s: none of %s exists", strings.Join(child.Path, "::"), strings.Join(candidates, ", "))
		}
		return nil
	}
	f, sf := l.parseFile(file, declPos)
	if f == nil {
		return nil
	}
	child.File = f
	base := filepath.Base(file)
	if hasPath || base == "mod.rs" {
		child.childDir = filepath.Dir(file)
	} else {
		child.childDir = filepath.Join(filepath.Dir(file), strings.TrimSuffix(base, ".rs"))
	}
	l.fill(child, sf.Attrs, sf.Items)
	return child
}

// childCandidates are the files a "mod x;" of parent may be in.
func childCandidates(parent *Module, mod *syntax.ModItem, pathValue string, hasPath bool) []string {
	switch {
	case hasPath && filepath.IsAbs(pathValue):
		return []string{pathValue}
	case hasPath && parent.Decl != nil && parent.Decl.Inline:
		return []string{filepath.Join(parent.childDir, pathValue)}
	case hasPath:
		return []string{filepath.Join(filepath.Dir(parent.File.Name), pathValue)}
	}
	return []string{
		filepath.Join(parent.childDir, mod.Name.Name+".rs"),
		filepath.Join(parent.childDir, mod.Name.Name, "mod.rs"),
	}
}

// firstFile returns the first candidate that exists and is not a
// directory, or "".
func firstFile(candidates []string) string {
	for _, c := range candidates {
		if info, err := os.Lstat(c); err == nil && !info.IsDir() {
			return c
		}
	}
	return ""
}

// Walk calls f for every module of the tree rooted at m, parents first.
func (m *Module) Walk(f func(*Module)) {
	f(m)
	for _, c := range m.Children {
		c.Walk(f)
	}
}

// String returns the module path ("crate::a::b").
func (m *Module) String() string {
	return strings.Join(append([]string{"crate"}, m.Path...), "::")
}
