// Package load reads a crate from disk for analysis: its manifest, its
// targets (library, binaries, build script, ...) and, for each target, the
// module tree (mod x; -> x.rs or x/mod.rs, #[path], inline modules), with
// every file parsed and cfg/cfg_attr evaluated for the chosen target and
// features. Crates are untrusted: unreadable or malformed files, #[path]
// attributes that escape the crate, module cycles and symlink loops become
// Problems naming the file and position, and loading goes on.
package load

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/source"
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
}

// DefaultTarget is the target triple used when none is given.
const DefaultTarget = "x86_64-unknown-linux-gnu"

// Crate is a loaded crate.
type Crate struct {
	Manifest *manifest.Manifest
	Name     string // crate name as used in paths (dashes become underscores)
	Dir      string
	Fset     *syntax.FileSet
	Cfg      *cfg.Config
	Features *manifest.FeatureSet
	Targets  []*Target
	Problems []Problem
}

// Target is one compilation target and its module tree.
type Target struct {
	Kind manifest.TargetKind
	Name string
	Root *Module

	loader *loader
}

// LoadModule loads a module declared by an item that was not part of the
// source as written (a "mod x;" produced by a macro such as tokio's
// cfg_net! { pub mod net; }) and adds it to parent's children. It
// returns nil if the module cannot be loaded (the problem is recorded).
func (t *Target) LoadModule(parent *Module, mod *syntax.ModItem) *Module {
	if t.loader == nil {
		return nil
	}
	child := t.loader.loadChild(parent, mod)
	if child != nil {
		parent.Children = append(parent.Children, child)
	}
	return child
}

// Module is one module of a target.
type Module struct {
	Name     string   // "" for the crate root
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
}

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
	c := &Crate{
		Manifest: m,
		Name:     strings.ReplaceAll(m.Name, "-", "_"),
		Dir:      abs,
		Fset:     syntax.NewFileSet(),
		Cfg:      conf,
		Features: fs,
	}
	for _, w := range m.Warnings {
		c.Problems = append(c.Problems, Problem{Kind: "manifest", Pos: syntax.Position{Filename: filepath.Join(abs, "Cargo.toml")}, Msg: w})
	}
	var targets []*manifest.Target
	if m.Lib != nil {
		targets = append(targets, m.Lib)
		c.Name = m.Lib.Name
	}
	targets = append(targets, m.Bins...)
	if m.BuildScript != nil {
		targets = append(targets, m.BuildScript)
	}
	if opt.Examples {
		targets = append(targets, m.Examples...)
	}
	if opt.Tests {
		targets = append(targets, m.Tests...)
	}
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !featuresEnabled(t.RequiredFeatures, fs) {
			continue
		}
		l := &loader{crate: c, ctx: ctx, seen: map[string]bool{}}
		root := l.loadRoot(t)
		if root != nil {
			c.Targets = append(c.Targets, &Target{Kind: t.Kind, Name: t.Name, Root: root, loader: l})
		}
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
	ctx   context.Context
	seen  map[string]bool // files already loaded in this target (cycle guard)
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
	root, err := filepath.EvalSymlinks(l.crate.Dir)
	if err != nil {
		root = l.crate.Dir
	}
	rel, err := filepath.Rel(root, real)
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
	src, err := source.ReadFile(path)
	if err != nil {
		l.problem("read", from, "cannot read %s: %v", path, err)
		return nil, nil
	}
	f, err := l.crate.Fset.TryAddFile(path, string(src))
	if err != nil {
		l.problem("read", from, "%v", err)
		return nil, nil
	}
	sf, errs := syntax.ParseFile(f)
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
	conf, fset := l.crate.Cfg, l.crate.Fset
	attrs, errs := conf.ExpandCfgAttr(fset, inner)
	l.cfgErrors(errs)
	m.Attrs = attrs
	if ok, err := conf.Enabled(fset, attrs); err != nil {
		l.cfgErrors([]error{err})
	} else if !ok {
		return // #![cfg(...)] disables the whole module
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
			if child := l.loadChild(m, mod); child != nil {
				m.Children = append(m.Children, child)
			}
		}
	}
}

// enabled expands an item's cfg_attr attributes in place and evaluates
// its cfg attributes.
func (l *loader) enabled(it syntax.Item) bool {
	return Enabled(l.crate.Cfg, l.crate.Fset, it, l.cfgErrors)
}

// Enabled expands the cfg_attr attributes of an item in place and reports
// whether its cfg attributes hold. Malformed predicates are reported
// through report and count as true, so the code is still audited.
func Enabled(conf *cfg.Config, fset *syntax.FileSet, it syntax.Item, report func([]error)) bool {
	base := itemBase(it)
	if base == nil {
		return true
	}
	attrs, errs := conf.ExpandCfgAttr(fset, base.Attrs)
	if report != nil && len(errs) > 0 {
		report(errs)
	}
	base.Attrs = attrs
	ok, err := conf.Enabled(fset, attrs)
	if err != nil && report != nil {
		report([]error{err})
	}
	return ok || err != nil
}

func (l *loader) cfgErrors(errs []error) {
	for _, err := range errs {
		l.problem("cfg", syntax.Position{}, "%v", err)
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

func (l *loader) loadChild(parent *Module, mod *syntax.ModItem) *Module {
	fset := l.crate.Fset
	child := &Module{
		Name:   mod.Name.Name,
		Parent: parent,
		Path:   append(append([]string(nil), parent.Path...), mod.Name.Name),
		Decl:   mod,
	}
	declPos := fset.Position(mod.Pos())
	pathValue, hasPath := pathAttr(fset, mod.Attrs)
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
	var candidates []string
	if hasPath {
		if filepath.IsAbs(pathValue) {
			candidates = []string{pathValue}
		} else if parent.Decl != nil && parent.Decl.Inline {
			candidates = []string{filepath.Join(parent.childDir, pathValue)}
		} else {
			candidates = []string{filepath.Join(filepath.Dir(parent.File.Name), pathValue)}
		}
	} else {
		candidates = []string{
			filepath.Join(parent.childDir, mod.Name.Name+".rs"),
			filepath.Join(parent.childDir, mod.Name.Name, "mod.rs"),
		}
	}
	var file string
	for _, c := range candidates {
		if info, err := os.Lstat(c); err == nil && !info.IsDir() {
			file = c
			break
		}
	}
	if file == "" {
		l.problem("module-not-found", declPos, "module %s: none of %s exists", strings.Join(child.Path, "::"), strings.Join(candidates, ", "))
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
