package manifest

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxDirTargets caps how many entries of one auto-discovery directory
// (src/bin, examples, tests, benches) are looked at; the rest are skipped
// with a warning.
const MaxDirTargets = 10000

// rawTarget is a [lib] or [[bin]]-style table as written.
type rawTarget struct {
	key              string // e.g. "bin[0]", for messages
	name             string
	hasName          bool
	path             string // as written
	hasPath          bool
	edition          string
	requiredFeatures []string
	procMacro        bool
	crateTypes       []string
}

// inferred is a target found by auto-discovery.
type inferred struct {
	name string
	rel  string // slash-separated path relative to the crate directory
}

// entryKind classifies a path inside the crate without following symlinks.
type entryKind int

const (
	entryMissing entryKind = iota
	entryFile
	entryDir
	entrySymlink // the path or one of its parent directories is a symlink
	entryOther
)

// statRel classifies rel (slash-separated, relative to the crate directory,
// already known not to escape it) by lstat-ing every component, so that no
// symlink anywhere along the way is followed.
func (d *decoder) statRel(rel string) entryKind {
	cur := d.m.Dir
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		if p == "" || p == "." {
			continue
		}
		cur = filepath.Join(cur, p)
		fi, err := os.Lstat(cur)
		if err != nil {
			return entryMissing
		}
		mode := fi.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			return entrySymlink
		case i == len(parts)-1 && mode.IsRegular():
			return entryFile
		case mode.IsDir():
			if i == len(parts)-1 {
				return entryDir
			}
		default:
			if i == len(parts)-1 {
				return entryOther
			}
			return entryMissing
		}
	}
	return entryDir
}

// cleanRel turns a path from the manifest into a slash-separated path
// relative to the crate directory; escapes is true when it leaves the
// directory (absolute, or climbing out with ..).
func cleanRel(p string) (rel string, escapes bool) {
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") {
		return filepath.Clean(p), true
	}
	c := filepath.ToSlash(filepath.Clean(filepath.FromSlash(p)))
	if c == ".." || strings.HasPrefix(c, "../") {
		return c, true
	}
	return c, false
}

// resolvePath makes an absolute target path for a path written in the
// manifest, warning when it escapes the crate, is missing or is a symlink.
// what names the target in messages.
func (d *decoder) resolvePath(p, what string) string {
	rel, escapes := cleanRel(p)
	if escapes {
		abs := rel
		if !filepath.IsAbs(rel) {
			abs = filepath.Join(d.m.Dir, filepath.FromSlash(rel))
		}
		d.warnf("%s: target path escapes the crate directory: %q", what, p)
		return abs
	}
	d.checkFile(rel, what)
	return filepath.Join(d.m.Dir, filepath.FromSlash(rel))
}

// checkFile warns when the in-crate file rel is missing or not a plain file.
func (d *decoder) checkFile(rel, what string) {
	switch d.statRel(rel) {
	case entryFile:
	case entryMissing:
		d.warnf("%s: file not found: %s", what, rel)
	case entrySymlink:
		d.warnf("%s: %s is (or is inside) a symlink; not followed", what, rel)
	case entryDir:
		d.warnf("%s: %s is a directory, not a file", what, rel)
	default:
		d.warnf("%s: %s is not a regular file", what, rel)
	}
}

// present reports whether an auto-discovered file exists; symlinks count
// (cargo would build them) but are reported.
func (d *decoder) present(rel string) bool {
	switch d.statRel(rel) {
	case entryFile:
		return true
	case entrySymlink:
		d.warnf("%s is (or is inside) a symlink; not followed", rel)
		return true
	}
	return false
}

// inferDir lists the targets of an auto-discovery directory: dir/*.rs and
// dir/*/main.rs, skipping dotfiles like cargo, sorted by name.
func (d *decoder) inferDir(dir string) []inferred {
	switch d.statRel(dir) {
	case entryDir:
	case entrySymlink:
		d.warnf("%s is (or is inside) a symlink; not searched for targets", dir)
		return nil
	default:
		return nil
	}
	f, err := os.Open(filepath.Join(d.m.Dir, filepath.FromSlash(dir)))
	if err != nil {
		d.warnf("%s: %v", dir, err)
		return nil
	}
	defer f.Close()
	entries, err := f.ReadDir(MaxDirTargets + 1)
	if err != nil && err != io.EOF {
		d.warnf("%s: %v", dir, err)
	}
	if len(entries) > MaxDirTargets {
		d.warnf("%s has more than %d entries; only the first %d are considered", dir, MaxDirTargets, MaxDirTargets)
		entries = entries[:MaxDirTargets]
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var out []inferred
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		rel := dir + "/" + name
		switch t := e.Type(); {
		case t&fs.ModeSymlink != 0:
			if strings.HasSuffix(name, ".rs") {
				d.warnf("%s is a symlink; not followed", rel)
				out = append(out, inferred{strings.TrimSuffix(name, ".rs"), rel})
			} else {
				d.warnf("%s is a symlink; not searched for targets", rel)
			}
		case t.IsRegular():
			if strings.HasSuffix(name, ".rs") && len(name) > len(".rs") {
				out = append(out, inferred{strings.TrimSuffix(name, ".rs"), rel})
			}
		case t.IsDir():
			if d.present(rel + "/main.rs") {
				out = append(out, inferred{name, rel + "/main.rs"})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// rawTargets reads the [[kind]] array of tables.
func (d *decoder) rawTargets(root map[string]any, key string) ([]*rawTarget, bool, error) {
	v, ok := root[key]
	if !ok {
		return nil, false, nil
	}
	var tables []map[string]any
	switch v := v.(type) {
	case []map[string]any:
		tables = v
	case []any:
		for i, e := range v {
			t, isT := e.(map[string]any)
			if !isT {
				return nil, false, d.typeErr(fmt.Sprintf("%s[%d]", key, i), "a table", e)
			}
			tables = append(tables, t)
		}
	default:
		return nil, false, d.typeErr(key, "an array of tables ([["+key+"]])", v)
	}
	out := make([]*rawTarget, 0, len(tables))
	for i, t := range tables {
		rt, err := d.rawTarget(t, fmt.Sprintf("%s[%d]", key, i))
		if err != nil {
			return nil, false, err
		}
		out = append(out, rt)
	}
	return out, true, nil
}

func (d *decoder) rawTarget(t map[string]any, key string) (*rawTarget, error) {
	rt := &rawTarget{key: key}
	var err error
	if rt.name, rt.hasName, err = d.str(t, "name", key+".name"); err != nil {
		return nil, err
	}
	if rt.path, rt.hasPath, err = d.str(t, "path", key+".path"); err != nil {
		return nil, err
	}
	if rt.edition, _, err = d.str(t, "edition", key+".edition"); err != nil {
		return nil, err
	}
	if rt.edition != "" {
		d.checkEdition(rt.edition, key+".edition")
	}
	if rt.requiredFeatures, _, err = d.strings(t, "required-features", key+".required-features"); err != nil {
		return nil, err
	}
	if k, ok := d.aliased(t, "proc-macro", key); ok {
		if rt.procMacro, _, err = d.boolean(t, k, key+"."+k); err != nil {
			return nil, err
		}
	}
	if k, ok := d.aliased(t, "crate-type", key); ok {
		if rt.crateTypes, _, err = d.strings(t, k, key+"."+k); err != nil {
			return nil, err
		}
	}
	if rt.hasName {
		if rt.name == "" {
			return nil, d.keyErr(key+".name", "target name cannot be empty")
		}
		if strings.ContainsAny(rt.name, `/\`) || rt.name == "." || rt.name == ".." || strings.ContainsRune(rt.name, 0) {
			return nil, d.keyErr(key+".name", "invalid target name %q", rt.name)
		}
	}
	return rt, nil
}

// knownTopLevel are the top-level keys of a package manifest cargo
// knows; anything else gets an "unknown key" warning.
var knownTopLevel = map[string]bool{
	"cargo-features": true, "package": true, "project": true, "profile": true,
	"lib": true, "bin": true, "example": true, "test": true, "bench": true,
	"dependencies": true, "dev-dependencies": true, "dev_dependencies": true,
	"build-dependencies": true, "build_dependencies": true, "features": true,
	"target": true, "replace": true, "patch": true, "workspace": true,
	"badges": true, "lints": true, "hints": true,
}

func (d *decoder) discoverTargets(root, pkg map[string]any) error {
	m := d.m
	for _, k := range sortedKeys(root) {
		if knownTopLevel[k] {
			continue
		}
		if _, isAoT := root[k].([]map[string]any); isAoT {
			d.warnf("unknown target kind [[%s]] ignored", k)
		} else {
			d.warnf("unused manifest key: %s", keyPath(k))
		}
	}
	auto := map[string]bool{}
	autoSet := map[string]bool{}
	for _, k := range []string{"autolib", "autobins", "autoexamples", "autotests", "autobenches"} {
		v, ok, err := d.boolean(pkg, k, "package."+k)
		if err != nil {
			return err
		}
		auto[k], autoSet[k] = v, ok
	}

	// Library.
	libT, hasLib, err := d.table(root, "lib", "lib")
	if err != nil {
		return err
	}
	libName := strings.ReplaceAll(m.Name, "-", "_")
	if hasLib {
		rt, err := d.rawTarget(libT, "lib")
		if err != nil {
			return err
		}
		if rt.hasName {
			libName = rt.name
			if strings.Contains(libName, "-") {
				d.warnf("lib.name %q contains '-'; cargo rejects library names with hyphens", libName)
			}
		}
		m.Lib = d.makeLib(rt, libName)
	} else if !autoSet["autolib"] || auto["autolib"] {
		if d.present("src/lib.rs") {
			m.Lib = &Target{Name: libName, Kind: KindLib, Path: d.abs("src/lib.rs"), Edition: m.Edition}
		}
	}
	hasLibTarget := m.Lib != nil

	// Binaries.
	var binsInferred []inferred
	if d.present("src/main.rs") {
		binsInferred = append(binsInferred, inferred{m.Name, "src/main.rs"})
	}
	binsInferred = append(binsInferred, d.inferDir("src/bin")...)
	m.Bins, err = d.targetsOfKind(root, "bin", KindBin, binsInferred, "autobins", auto, autoSet, func(name string) []string {
		var legacy []string
		if m.Edition == "2015" {
			if !hasLibTarget {
				legacy = append(legacy, "src/"+name+".rs")
			}
			legacy = append(legacy, "src/bin/main.rs")
		}
		return legacy
	}, func(name string) string {
		if name == m.Name {
			return "src/main.rs"
		}
		return "src/bin/" + name + ".rs"
	})
	if err != nil {
		return err
	}

	for _, k := range []struct {
		key, dir, flag string
		kind           TargetKind
		dst            *[]*Target
	}{
		{"example", "examples", "autoexamples", KindExample, &m.Examples},
		{"test", "tests", "autotests", KindTest, &m.Tests},
		{"bench", "benches", "autobenches", KindBench, &m.Benches},
	} {
		dir := k.dir
		*k.dst, err = d.targetsOfKind(root, k.key, k.kind, d.inferDir(dir), k.flag, auto, autoSet, nil,
			func(name string) string { return dir + "/" + name + ".rs" })
		if err != nil {
			return err
		}
	}

	return d.buildScript(pkg)
}

func (d *decoder) abs(rel string) string {
	return filepath.Join(d.m.Dir, filepath.FromSlash(rel))
}

func (d *decoder) makeLib(rt *rawTarget, name string) *Target {
	m := d.m
	t := &Target{Name: name, Kind: KindLib, Edition: m.Edition, RequiredFeatures: rt.requiredFeatures}
	if rt.edition != "" {
		t.Edition = rt.edition
	}
	if rt.procMacro {
		t.Kind = KindProcMacro
	}
	for _, ct := range rt.crateTypes {
		if ct == "proc-macro" {
			t.Kind = KindProcMacro
		}
	}
	what := "lib"
	switch {
	case rt.hasPath:
		t.Path = d.resolvePath(rt.path, what)
	case d.statRel("src/lib.rs") != entryMissing:
		d.checkFile("src/lib.rs", what)
		t.Path = d.abs("src/lib.rs")
	case m.Edition == "2015" && d.statRel("src/"+name+".rs") != entryMissing:
		d.checkFile("src/"+name+".rs", what)
		t.Path = d.abs("src/" + name + ".rs")
	default:
		d.warnf("lib: file not found: src/lib.rs (and no lib.path)")
		t.Path = d.abs("src/lib.rs")
	}
	return t
}

// targetsOfKind merges declared [[key]] targets with auto-discovered ones
// following cargo's toml_targets_and_inferred: declared targets come first;
// inferred ones whose name or path is already declared are dropped; the
// rest are added when auto-discovery is on (explicitly, or by default on
// editions after 2015; on 2015 declaring any target turns it off).
func (d *decoder) targetsOfKind(root map[string]any, key string, kind TargetKind, found []inferred,
	flag string, auto, autoSet map[string]bool, legacy func(string) []string, defaultPath func(string) string) ([]*Target, error) {
	m := d.m
	raws, declared, err := d.rawTargets(root, key)
	if err != nil {
		return nil, err
	}
	var out []*Target
	if !declared {
		if autoSet[flag] && !auto[flag] {
			return nil, nil
		}
		for _, in := range found {
			out = append(out, &Target{Name: in.name, Kind: kind, Path: d.abs(in.rel), Edition: m.Edition})
		}
		d.checkDuplicates(key, out)
		return out, nil
	}
	seenNames := map[string]bool{}
	seenPaths := map[string]bool{}
	for _, rt := range raws {
		if !rt.hasName {
			return nil, d.keyErr(rt.key+".name", "%s target names are required", key)
		}
		what := fmt.Sprintf("%s (%s)", rt.key, rt.name)
		t := &Target{Name: rt.name, Kind: kind, Edition: m.Edition, RequiredFeatures: rt.requiredFeatures}
		if rt.edition != "" {
			t.Edition = rt.edition
		}
		if rt.hasPath {
			t.Path = d.resolvePath(rt.path, what)
		} else {
			t.Path = d.defaultTargetPath(rt.name, found, legacy, defaultPath, what)
		}
		if rt.procMacro || contains(rt.crateTypes, "proc-macro") {
			d.warnf("%s: proc-macro is only meaningful for the lib target", what)
		}
		seenNames[rt.name] = true
		if rt.hasPath {
			seenPaths[t.Path] = true
		}
		out = append(out, t)
	}
	var rest []*Target
	for _, in := range found {
		if !seenNames[in.name] && !seenPaths[d.abs(in.rel)] {
			rest = append(rest, &Target{Name: in.name, Kind: kind, Path: d.abs(in.rel), Edition: m.Edition})
		}
	}
	on := auto[flag]
	if !autoSet[flag] {
		on = m.Edition != "2015"
		if !on && len(rest) > 0 {
			d.warnf("an explicit [[%s]] section disables %s auto-discovery on edition 2015; not built: %s", key, key, targetNames(rest))
		}
	}
	if on {
		out = append(out, rest...)
	}
	d.checkDuplicates(key, out)
	return out, nil
}

// defaultTargetPath finds the file of a declared target without a path.
func (d *decoder) defaultTargetPath(name string, found []inferred, legacy func(string) []string, defaultPath func(string) string, what string) string {
	var matches []inferred
	for _, in := range found {
		if in.name == name {
			matches = append(matches, in)
		}
	}
	if len(matches) == 1 {
		return d.abs(matches[0].rel)
	}
	if len(matches) > 1 {
		d.warnf("%s: ambiguous target file, both %s and %s exist; specify a path", what, matches[0].rel, matches[1].rel)
		return d.abs(matches[0].rel)
	}
	if legacy != nil {
		for _, rel := range legacy(name) {
			if d.present(rel) {
				return d.abs(rel)
			}
		}
	}
	rel := defaultPath(name)
	d.checkFile(rel, what)
	return d.abs(rel)
}

func (d *decoder) checkDuplicates(key string, ts []*Target) {
	seen := map[string]bool{}
	for _, t := range ts {
		if seen[t.Name] {
			d.warnf("duplicate %s target name %q", key, t.Name)
		}
		seen[t.Name] = true
	}
}

func targetNames(ts []*Target) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// buildScript applies package.build: a path, false to disable, true for
// build.rs, or (unset) build.rs when that file exists.
func (d *decoder) buildScript(pkg map[string]any) error {
	m := d.m
	rel := ""
	switch v := pkg["build"].(type) {
	case nil: // unset
		if !d.present("build.rs") {
			return nil
		}
		m.BuildScript = &Target{Name: "build-script-build", Kind: KindBuildScript, Path: d.abs("build.rs"), Edition: m.Edition}
		return nil
	case bool:
		if !v {
			return nil
		}
		rel = "build.rs"
	case string:
		rel = v
	case []any:
		paths, err := d.stringList(v, "package.build")
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			return nil
		}
		if len(paths) > 1 {
			d.warnf("package.build lists %d build scripts; only %s is recorded", len(paths), paths[0])
		}
		rel = paths[0]
	default:
		return d.typeErr("package.build", "a path or a boolean", v)
	}
	stem := strings.TrimSuffix(filepath.Base(filepath.FromSlash(rel)), ".rs")
	m.BuildScript = &Target{
		Name:    "build-script-" + stem,
		Kind:    KindBuildScript,
		Path:    d.resolvePath(rel, "package.build"),
		Edition: m.Edition,
	}
	return nil
}
