// Package manifest reads a Rust crate's Cargo.toml the way cargo does.
//
// Warden audits crates it does not trust, so a crate directory is treated
// as hostile input: the manifest is read with a size cap (MaxManifestSize),
// checked for pathological nesting and structure (MaxNesting,
// MaxComplexity) before it reaches the TOML parser, and decoded by hand so that a value of the wrong type becomes an
// error naming the key instead of a panic. Problems cargo would merely warn
// about, or that only matter when building (a declared target whose file is
// missing, a path that leaves the crate directory, a symlink), are recorded
// in Manifest.Warnings rather than failing the load.
//
// Beyond the raw tables, the package reproduces cargo's target discovery
// (lib, bins, examples, tests, benches and the build script, including
// auto-discovery and its edition-2015 quirks) without ever following a
// symbolic link, and cargo's feature resolution (ResolveFeatures), so that
// later stages know which source files and optional dependencies a build
// would actually involve.
//
// Keys inherited from a workspace ({ workspace = true }) are recorded with
// the placeholder value Inherited; resolving them against the workspace
// root is left to the caller.
package manifest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/BurntSushi/toml"
)

// MaxManifestSize is the largest Cargo.toml Load and Parse accept, in bytes.
const MaxManifestSize = 10 << 20

// ManifestFile is the name of the manifest file inside a crate directory.
const ManifestFile = "Cargo.toml"

// Inherited is the value recorded for a package key written as
// { workspace = true }, e.g. Manifest.Version or Dependency.Version.
const Inherited = "workspace"

// DefaultEdition is the edition of a package that does not declare one.
const DefaultEdition = "2015"

// ErrTooLarge reports a manifest bigger than MaxManifestSize.
var ErrTooLarge = errors.New("manifest too large")

// ErrNotRegular reports a Cargo.toml that is a symbolic link, a directory,
// a device or a pipe; Load refuses to follow or read those.
var ErrNotRegular = errors.New("manifest is not a regular file")

// Manifest is the parsed form of one Cargo.toml.
type Manifest struct {
	Dir     string // absolute crate directory
	Name    string // package.name (required unless it's a virtual workspace)
	Version string // package.version; "0.0.0" when omitted, as cargo does
	Edition string // package.edition; "2015" default (Inherited counts as a post-2015 edition for target discovery)
	Links   string // package.links

	Lib                            *Target   // nil if none
	Bins, Examples, Tests, Benches []*Target // discovered and declared targets, in cargo's order
	BuildScript                    *Target   // nil when none (build = false or no build.rs)

	Features     map[string][]string // [features] table as written
	Dependencies []Dependency        // [dependencies], [build-dependencies], [dev-dependencies], [target.'cfg(..)'.dependencies]
	Workspace    *Workspace          // [workspace] members/exclude/default-members if present

	// InheritedKeys lists the package keys written as { workspace = true }
	// (e.g. "version"), sorted. Their fields hold Inherited.
	InheritedKeys []string

	Warnings []string // non-fatal problems (unknown target kinds, missing files...)
}

// Virtual reports whether m is a virtual workspace manifest: a [workspace]
// without a [package].
func (m *Manifest) Virtual() bool { return m.Name == "" && m.Workspace != nil }

// Targets returns all targets of m in the order lib, bins, examples, tests,
// benches, build script.
func (m *Manifest) Targets() []*Target {
	var ts []*Target
	if m.Lib != nil {
		ts = append(ts, m.Lib)
	}
	ts = append(ts, m.Bins...)
	ts = append(ts, m.Examples...)
	ts = append(ts, m.Tests...)
	ts = append(ts, m.Benches...)
	if m.BuildScript != nil {
		ts = append(ts, m.BuildScript)
	}
	return ts
}

// TargetKind is the kind of a compilation target.
type TargetKind string

// The target kinds.
const (
	KindLib         TargetKind = "lib"
	KindProcMacro   TargetKind = "proc-macro"
	KindBin         TargetKind = "bin"
	KindExample     TargetKind = "example"
	KindTest        TargetKind = "test"
	KindBench       TargetKind = "bench"
	KindBuildScript TargetKind = "build-script"
)

// Target is one compilation target of a package.
type Target struct {
	Name             string     // crate name of the target (lib: package name with '-' → '_')
	Kind             TargetKind // what cargo builds it as
	Path             string     // absolute path of the crate root file
	Edition          string     // the target's edition, defaulting to the package's
	RequiredFeatures []string   // required-features, as written
}

// DepKind says in which table a dependency was declared.
type DepKind string

// The dependency kinds.
const (
	DepNormal DepKind = "normal"
	DepBuild  DepKind = "build"
	DepDev    DepKind = "dev"
)

// Dependency is one entry of a dependency table.
type Dependency struct {
	Name            string   // the key, i.e. the name code and features use (the rename when package = ... is set)
	Package         string   // real crate name (package = ...), else Name
	Kind            DepKind  // normal, build or dev
	Optional        bool     // optional = true
	DefaultFeatures bool     // default-features (true unless set to false)
	Features        []string // features = [...], as written
	Target          string   // cfg or triple of [target.X] tables, "" otherwise
	Path            string   // path = ..., as written (relative to the crate directory)
	Version         string   // version requirement as written; Inherited when Workspace
	Git             string   // git = ...
	Workspace       bool     // workspace = true: the rest comes from [workspace.dependencies]
}

// Workspace is the [workspace] table of a manifest.
type Workspace struct {
	Members        []string // members globs, as written
	Exclude        []string // exclude paths, as written
	DefaultMembers []string // default-members, as written
	Resolver       string   // resolver, "" if unset

	// Version and Edition come from [workspace.package]; members that
	// inherit them use these.
	Version, Edition string
	// Dependencies are [workspace.dependencies] (Kind normal).
	Dependencies []Dependency
}

// KeyError reports a manifest key whose value has the wrong type or is
// otherwise unacceptable.
type KeyError struct {
	File string // manifest path
	Key  string // dotted key path, e.g. `bin[0].name` or `features.std`
	Msg  string // what is wrong
}

// Error formats the error as "file: key K: message".
func (e *KeyError) Error() string {
	return fmt.Sprintf("%s: key %s: %s", e.File, e.Key, e.Msg)
}

// Load reads dir/Cargo.toml and parses it with Parse. A missing manifest
// gives an error wrapping fs.ErrNotExist; a Cargo.toml that is not a regular
// file (a symlink, a pipe, ...) gives one wrapping ErrNotRegular.
func Load(dir string) (*Manifest, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("manifest: %s: %w", dir, err)
	}
	path := filepath.Join(abs, ManifestFile)
	data, err := readCapped(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// readCapped reads a regular file of at most MaxManifestSize bytes without
// following a final symlink.
func readCapped(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("manifest: %s: %w (mode %s)", path, ErrNotRegular, fi.Mode().Type())
	}
	if fi.Size() > MaxManifestSize {
		return nil, fmt.Errorf("manifest: %s: %w (%d bytes, limit %d)", path, ErrTooLarge, fi.Size(), MaxManifestSize)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxManifestSize+1))
	if err != nil {
		return nil, fmt.Errorf("manifest: read %s: %w", path, err)
	}
	if len(data) > MaxManifestSize {
		return nil, fmt.Errorf("manifest: %s: %w (limit %d bytes)", path, ErrTooLarge, MaxManifestSize)
	}
	return data, nil
}

// Parse parses data as the Cargo.toml at path. Target discovery looks at
// the directory containing path, so path should name the real location of
// the manifest. Syntax errors are reported as path:line:col and wrap the
// toml.ParseError; values of the wrong type give a *KeyError.
func Parse(path string, data []byte) (m *Manifest, err error) {
	if len(data) > MaxManifestSize {
		return nil, fmt.Errorf("manifest: %s: %w (%d bytes, limit %d)", path, ErrTooLarge, len(data), MaxManifestSize)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: %s: %w", path, err)
	}
	if err := checkShape(data, MaxNesting, MaxComplexity); err != nil {
		var se *shapeError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("manifest: %s:%d:%d: %w (limits: nesting %d, complexity %d)", path, se.line, se.col, se.err, MaxNesting, MaxComplexity)
		}
		return nil, fmt.Errorf("manifest: %s: %w", path, err)
	}
	var root map[string]any
	if _, err := toml.Decode(string(data), &root); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("manifest: %s:%d:%d: %w", path, pe.Position.Line, pe.Position.Col, err)
		}
		return nil, fmt.Errorf("manifest: %s: %w", path, err)
	}
	defer func() {
		// Safety net: a bug here must not take the auditor down with it.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("manifest: %s: internal error: %v", path, r)
		}
	}()
	d := &decoder{file: path, m: &Manifest{Dir: filepath.Dir(abs)}}
	if err := d.decode(root); err != nil {
		return nil, err
	}
	return d.m, nil
}

// decoder turns the generic TOML tree into a Manifest.
type decoder struct {
	file string
	m    *Manifest
}

func (d *decoder) warnf(format string, args ...any) {
	d.m.Warnings = append(d.m.Warnings, fmt.Sprintf(format, args...))
}

func (d *decoder) keyErr(key, format string, args ...any) error {
	return &KeyError{File: d.file, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) typeErr(key, want string, got any) error {
	return d.keyErr(key, "expected %s, found %s", want, typeName(got))
}

// typeName names the TOML type of a decoded value.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case []map[string]any:
		return "array of tables"
	case map[string]any:
		return "table"
	case nil:
		return "nothing"
	default:
		return "datetime"
	}
}

// keyPath joins key parts the way TOML writes them, quoting where needed.
func keyPath(parts ...string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		if strings.HasPrefix(p, "[") || isBareKey(p) {
			b.WriteString(p)
		} else {
			fmt.Fprintf(&b, "%q", p)
		}
	}
	return b.String()
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// table returns t[key] as a table; ok is false when absent.
func (d *decoder) table(t map[string]any, key, path string) (map[string]any, bool, error) {
	v, ok := t[key]
	if !ok {
		return nil, false, nil
	}
	tt, isT := v.(map[string]any)
	if !isT {
		return nil, false, d.typeErr(path, "a table", v)
	}
	return tt, true, nil
}

func (d *decoder) str(t map[string]any, key, path string) (string, bool, error) {
	v, ok := t[key]
	if !ok {
		return "", false, nil
	}
	s, isS := v.(string)
	if !isS {
		return "", false, d.typeErr(path, "a string", v)
	}
	return s, true, nil
}

func (d *decoder) boolean(t map[string]any, key, path string) (val, present bool, err error) {
	v, ok := t[key]
	if !ok {
		return false, false, nil
	}
	b, isB := v.(bool)
	if !isB {
		return false, false, d.typeErr(path, "a boolean", v)
	}
	return b, true, nil
}

func (d *decoder) strings(t map[string]any, key, path string) ([]string, bool, error) {
	v, ok := t[key]
	if !ok {
		return nil, false, nil
	}
	ss, err := d.stringList(v, path)
	return ss, true, err
}

func (d *decoder) stringList(v any, path string) ([]string, error) {
	arr, isA := v.([]any)
	if !isA {
		return nil, d.typeErr(path, "an array of strings", v)
	}
	ss := make([]string, 0, len(arr))
	for i, e := range arr {
		s, isS := e.(string)
		if !isS {
			return nil, d.typeErr(fmt.Sprintf("%s[%d]", path, i), "a string", e)
		}
		ss = append(ss, s)
	}
	return ss, nil
}

// aliased looks a key up under its dashed name and, failing that, under the
// underscore spelling cargo also accepts, warning when both are present.
func (d *decoder) aliased(t map[string]any, dashed, prefix string) (key string, ok bool) {
	under := strings.ReplaceAll(dashed, "-", "_")
	_, hasD := t[dashed]
	_, hasU := t[under]
	switch {
	case hasD && hasU:
		d.warnf("both %s and %s are set; %s is ignored", keyPath(prefix, dashed), keyPath(prefix, under), keyPath(prefix, under))
		return dashed, true
	case hasD:
		return dashed, true
	case hasU:
		return under, true
	}
	return "", false
}

// inheritable reads a package key that may be { workspace = true }.
func (d *decoder) inheritable(t map[string]any, key, path string) (val string, present bool, err error) {
	v, ok := t[key]
	if !ok {
		return "", false, nil
	}
	switch v := v.(type) {
	case string:
		return v, true, nil
	case map[string]any:
		ws, wsOK, err := d.boolean(v, "workspace", path+".workspace")
		if err != nil {
			return "", false, err
		}
		if !wsOK || !ws {
			return "", false, d.keyErr(path, "a table here must be { workspace = true }")
		}
		d.m.InheritedKeys = append(d.m.InheritedKeys, key)
		return Inherited, true, nil
	}
	return "", false, d.typeErr(path, "a string or { workspace = true }", v)
}

func (d *decoder) decode(root map[string]any) error {
	m := d.m
	pkg, hasPkg, err := d.table(root, "package", "package")
	if err != nil {
		return err
	}
	if proj, hasProj, err := d.table(root, "project", "project"); err != nil {
		return err
	} else if hasProj {
		if hasPkg {
			d.warnf("both [package] and [project] are present; [project] is ignored")
		} else {
			d.warnf("[project] is deprecated; read as [package]")
			pkg, hasPkg = proj, true
		}
	}
	if err := d.decodeWorkspace(root); err != nil {
		return err
	}
	if !hasPkg {
		if m.Workspace == nil {
			return fmt.Errorf("manifest: %s: no [package] or [workspace] table", d.file)
		}
		for _, k := range []string{"lib", "bin", "example", "test", "bench", "dependencies", "dev-dependencies", "build-dependencies", "features", "target"} {
			if _, ok := root[k]; ok {
				d.warnf("virtual workspace manifest has a [%s] table; cargo rejects this", k)
			}
		}
		return nil
	}
	if err := d.decodePackage(pkg); err != nil {
		return err
	}
	if err := d.decodeFeatures(root); err != nil {
		return err
	}
	if err := d.decodeAllDependencies(root); err != nil {
		return err
	}
	if err := d.discoverTargets(root, pkg); err != nil {
		return err
	}
	d.checkFeatures()
	return nil
}

func (d *decoder) decodePackage(pkg map[string]any) error {
	m := d.m
	name, ok, err := d.inheritable(pkg, "name", "package.name")
	if err != nil {
		return err
	}
	if !ok {
		return d.keyErr("package.name", "missing")
	}
	if nameInherited := len(m.InheritedKeys) == 1; nameInherited {
		d.warnf("package.name is { workspace = true }; cargo does not allow inheriting the name")
	} else if err := validName(name); err != nil {
		return d.keyErr("package.name", "%v", err)
	}
	m.Name = name

	if m.Version, ok, err = d.inheritable(pkg, "version", "package.version"); err != nil {
		return err
	} else if !ok {
		m.Version = "0.0.0"
	}
	if m.Edition, ok, err = d.inheritable(pkg, "edition", "package.edition"); err != nil {
		return err
	} else if !ok {
		m.Edition = DefaultEdition
	} else {
		d.checkEdition(m.Edition, "package.edition")
		if m.Edition == "" {
			// cargo refuses it; Warden reads the code as the default
			// edition's, with the problem reported.
			m.Edition = DefaultEdition
		}
	}
	if m.Links, _, err = d.str(pkg, "links", "package.links"); err != nil {
		return err
	}
	sort.Strings(m.InheritedKeys)
	return nil
}

// knownEditions are the editions cargo accepts today.
var knownEditions = map[string]bool{"2015": true, "2018": true, "2021": true, "2024": true}

func (d *decoder) checkEdition(ed, key string) {
	if ed != Inherited && !knownEditions[ed] {
		d.warnf("%s = %q is not a known edition", key, ed)
	}
}

// validName applies cargo's rules for package names.
func validName(name string) error {
	if name == "" {
		return errors.New("package name cannot be empty")
	}
	for i, r := range name {
		if i == 0 && unicode.IsDigit(r) {
			return fmt.Errorf("package name %q cannot start with a digit", name)
		}
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return fmt.Errorf("invalid character %q in package name %q", r, name)
		}
	}
	return nil
}

func (d *decoder) decodeFeatures(root map[string]any) error {
	v, ok := root["features"]
	if !ok {
		return nil
	}
	t, isT := v.(map[string]any)
	if !isT {
		return d.typeErr("features", "a table", v)
	}
	d.m.Features = make(map[string][]string, len(t))
	for _, name := range sortedKeys(t) {
		vals, err := d.stringList(t[name], keyPath("features", name))
		if err != nil {
			return err
		}
		d.m.Features[name] = vals
	}
	return nil
}

func (d *decoder) decodeWorkspace(root map[string]any) error {
	ws, ok, err := d.table(root, "workspace", "workspace")
	if err != nil || !ok {
		return err
	}
	w := &Workspace{}
	if w.Members, _, err = d.strings(ws, "members", "workspace.members"); err != nil {
		return err
	}
	if w.Exclude, _, err = d.strings(ws, "exclude", "workspace.exclude"); err != nil {
		return err
	}
	if w.DefaultMembers, _, err = d.strings(ws, "default-members", "workspace.default-members"); err != nil {
		return err
	}
	if w.Resolver, _, err = d.str(ws, "resolver", "workspace.resolver"); err != nil {
		return err
	}
	if wp, ok, err := d.table(ws, "package", "workspace.package"); err != nil {
		return err
	} else if ok {
		if w.Version, _, err = d.str(wp, "version", "workspace.package.version"); err != nil {
			return err
		}
		if w.Edition, _, err = d.str(wp, "edition", "workspace.package.edition"); err != nil {
			return err
		}
	}
	if deps, ok, err := d.table(ws, "dependencies", "workspace.dependencies"); err != nil {
		return err
	} else if ok {
		if w.Dependencies, err = d.decodeDeps(deps, DepNormal, "", "workspace.dependencies"); err != nil {
			return err
		}
	}
	d.m.Workspace = w
	return nil
}

// depSections are the dependency tables of a package or [target.X] table.
var depSections = []struct {
	key  string
	kind DepKind
}{
	{"dependencies", DepNormal},
	{"build-dependencies", DepBuild},
	{"dev-dependencies", DepDev},
}

func (d *decoder) decodeAllDependencies(root map[string]any) error {
	if err := d.decodeDepSections(root, "", ""); err != nil {
		return err
	}
	targets, ok, err := d.table(root, "target", "target")
	if err != nil || !ok {
		return err
	}
	for _, cfg := range sortedKeys(targets) {
		prefix := keyPath("target", cfg)
		t, isT := targets[cfg].(map[string]any)
		if !isT {
			return d.typeErr(prefix, "a table", targets[cfg])
		}
		if err := d.decodeDepSections(t, cfg, prefix); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) decodeDepSections(t map[string]any, target, prefix string) error {
	for _, sec := range depSections {
		key, ok := sec.key, true
		if sec.kind != DepNormal {
			key, ok = d.aliased(t, sec.key, prefix)
		} else {
			_, ok = t[key]
		}
		if !ok {
			continue
		}
		path := key
		if prefix != "" {
			path = prefix + "." + key
		}
		deps, isT := t[key].(map[string]any)
		if !isT {
			return d.typeErr(path, "a table", t[key])
		}
		list, err := d.decodeDeps(deps, sec.kind, target, path)
		if err != nil {
			return err
		}
		d.m.Dependencies = append(d.m.Dependencies, list...)
	}
	return nil
}

func (d *decoder) decodeDeps(deps map[string]any, kind DepKind, target, prefix string) ([]Dependency, error) {
	out := make([]Dependency, 0, len(deps))
	for _, name := range sortedKeys(deps) {
		path := prefix + "." + keyPath(name)
		dep := Dependency{Name: name, Package: name, Kind: kind, Target: target, DefaultFeatures: true}
		switch v := deps[name].(type) {
		case string:
			dep.Version = v
		case map[string]any:
			if err := d.decodeDepTable(&dep, v, path); err != nil {
				return nil, err
			}
		default:
			return nil, d.typeErr(path, "a version string or a table", v)
		}
		if dep.Optional && kind == DepDev {
			d.warnf("%s: dev-dependencies cannot be optional", path)
		}
		out = append(out, dep)
	}
	return out, nil
}

func (d *decoder) decodeDepTable(dep *Dependency, t map[string]any, path string) error {
	var err error
	if dep.Version, _, err = d.str(t, "version", path+".version"); err != nil {
		return err
	}
	if dep.Path, _, err = d.str(t, "path", path+".path"); err != nil {
		return err
	}
	if dep.Git, _, err = d.str(t, "git", path+".git"); err != nil {
		return err
	}
	for _, k := range []string{"branch", "tag", "rev", "registry"} {
		if _, _, err = d.str(t, k, path+"."+k); err != nil {
			return err
		}
	}
	if pkg, ok, err := d.str(t, "package", path+".package"); err != nil {
		return err
	} else if ok {
		dep.Package = pkg
	}
	if dep.Features, _, err = d.strings(t, "features", path+".features"); err != nil {
		return err
	}
	if dep.Optional, _, err = d.boolean(t, "optional", path+".optional"); err != nil {
		return err
	}
	if key, ok := d.aliased(t, "default-features", path); ok {
		if dep.DefaultFeatures, _, err = d.boolean(t, key, path+"."+key); err != nil {
			return err
		}
	}
	ws, wsSet, err := d.boolean(t, "workspace", path+".workspace")
	if err != nil {
		return err
	}
	if wsSet && !ws {
		return d.keyErr(path+".workspace", "`workspace` cannot be false")
	}
	if ws {
		dep.Workspace = true
		if dep.Version == "" {
			dep.Version = Inherited
		}
	} else if dep.Version == "" && dep.Path == "" && dep.Git == "" {
		d.warnf("%s: dependency specifies no version, path or git source", path)
	}
	return nil
}
