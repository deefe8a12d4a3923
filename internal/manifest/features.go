package manifest

import (
	"fmt"
	"strings"
)

// FeatureSet is the outcome of ResolveFeatures.
type FeatureSet struct {
	// Enabled holds the enabled features of the package, including the
	// implicit features of enabled optional dependencies.
	Enabled map[string]bool
	// OptionalDeps holds the optional dependencies (by Dependency.Name)
	// that the enabled features turn on.
	OptionalDeps map[string]bool
	// DepFeatures maps a dependency name to the features that the enabled
	// features request on it through "name/feat" or "name?/feat", sorted
	// and without duplicates. It does not repeat the dependency's own
	// features = [...] (see Dependency.Features).
	DepFeatures map[string][]string
}

// UnknownFeaturesError is returned by ResolveFeatures for requested
// features the package does not have.
type UnknownFeaturesError struct {
	Package  string   // package name
	Features []string // the unknown features, as requested
}

// Error names the package and the unknown features.
func (e *UnknownFeaturesError) Error() string {
	return fmt.Sprintf("package %q does not have these features: %s", e.Package, strings.Join(e.Features, ", "))
}

// featureIndex summarises what feature values may refer to.
type featureIndex struct {
	deps     map[string]bool // names of normal and build dependencies (any target)
	optional map[string]bool // the optional ones among them
	implicit map[string]bool // optional deps that act as a feature of the same name
	hidden   map[string]bool // names referenced as "dep:name" somewhere in [features]
}

func (m *Manifest) featureIndex() *featureIndex {
	ix := &featureIndex{deps: map[string]bool{}, optional: map[string]bool{}, implicit: map[string]bool{}}
	for _, d := range m.Dependencies {
		if d.Kind == DepDev {
			continue
		}
		ix.deps[d.Name] = true
		if d.Optional {
			ix.optional[d.Name] = true
		}
	}
	hidden := map[string]bool{}
	ix.hidden = hidden
	for _, vals := range m.Features {
		for _, v := range vals {
			if name, ok := strings.CutPrefix(v, "dep:"); ok {
				hidden[name] = true
			}
		}
	}
	for name := range ix.optional {
		if !hidden[name] {
			if _, explicit := m.Features[name]; !explicit {
				ix.implicit[name] = true
			}
		}
	}
	return ix
}

func (ix *featureIndex) isFeature(m *Manifest, name string) bool {
	_, explicit := m.Features[name]
	return explicit || ix.implicit[name]
}

// splitDepFeature splits "dep/feat" and "dep?/feat".
func splitDepFeature(v string) (dep, feat string, weak, ok bool) {
	dep, feat, ok = strings.Cut(v, "/")
	if !ok {
		return "", "", false, false
	}
	if d, isWeak := strings.CutSuffix(dep, "?"); isWeak {
		return d, feat, true, true
	}
	return dep, feat, false, true
}

// ResolveFeatures computes the enabled feature set for requested features, like cargo:
// "default" unless noDefault, all features if all; follows feature lists transitively;
// "dep:name" enables optional dependency name; "name/feat" and "name?/feat" enable (for "name/feat") the
// optional dependency name and record a feature of that dependency; an optional dependency
// without "dep:" references elsewhere acts as an implicit feature of the same name.
// Unknown requested features are an error naming them (*UnknownFeaturesError).
//
// Requested entries may be feature names or "dep/feat" forms, as on cargo's
// command line; blank entries are ignored and "default" is always accepted.
// References inside [features] to things that do not exist are ignored here
// (Parse has already warned about them). Dev-dependencies take no part.
func (m *Manifest) ResolveFeatures(requested []string, all, noDefault bool) (*FeatureSet, error) {
	ix := m.featureIndex()
	fs := &FeatureSet{Enabled: map[string]bool{}, OptionalDeps: map[string]bool{}, DepFeatures: map[string][]string{}}

	var queue []string
	var unknown []string
	for _, r := range requested {
		r = strings.TrimSpace(r)
		switch {
		case r == "":
			continue
		case r == "default":
		case strings.HasPrefix(r, "dep:"):
			if !ix.optional[strings.TrimPrefix(r, "dep:")] {
				unknown = append(unknown, r)
				continue
			}
		case strings.Contains(r, "/"):
			if dep, feat, _, _ := splitDepFeature(r); !ix.deps[dep] || feat == "" {
				unknown = append(unknown, r)
				continue
			}
		default:
			if !ix.isFeature(m, r) {
				unknown = append(unknown, r)
				continue
			}
		}
		queue = append(queue, r)
	}
	if len(unknown) > 0 {
		return nil, &UnknownFeaturesError{Package: m.Name, Features: unknown}
	}
	if all {
		queue = append(queue, sortedKeys(m.Features)...)
		queue = append(queue, sortedKeys(ix.implicit)...)
	}
	if !noDefault {
		queue = append(queue, "default")
	}

	type weakRef struct{ dep, feat string }
	var weak []weakRef
	depFeat := map[string]map[string]bool{}
	addDepFeature := func(dep, feat string) {
		if depFeat[dep] == nil {
			depFeat[dep] = map[string]bool{}
		}
		depFeat[dep][feat] = true
	}
	enableDep := func(name string) {
		if ix.optional[name] {
			fs.OptionalDeps[name] = true
		}
	}
	// Worklist instead of recursion: feature graphs come from untrusted
	// manifests and may be long chains or cycles.
	for len(queue) > 0 {
		v := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if name, ok := strings.CutPrefix(v, "dep:"); ok {
			enableDep(name)
			continue
		}
		if dep, feat, isWeak, ok := splitDepFeature(v); ok {
			if isWeak {
				weak = append(weak, weakRef{dep, feat})
				continue
			}
			if ix.optional[dep] {
				enableDep(dep)
				// Like cargo, "dep/feat" also enables a feature named
				// like the dependency, when there is one.
				if ix.isFeature(m, dep) {
					queue = append(queue, dep)
				}
			}
			if ix.deps[dep] {
				addDepFeature(dep, feat)
			}
			continue
		}
		if fs.Enabled[v] {
			continue
		}
		if vals, ok := m.Features[v]; ok {
			fs.Enabled[v] = true
			for i := len(vals) - 1; i >= 0; i-- {
				queue = append(queue, vals[i])
			}
		} else if ix.implicit[v] {
			fs.Enabled[v] = true
			enableDep(v)
		}
	}
	// A weak reference only adds the feature when the dependency ends up
	// enabled anyway; it never enables anything itself.
	for _, w := range weak {
		if ix.deps[w.dep] && (!ix.optional[w.dep] || fs.OptionalDeps[w.dep]) {
			addDepFeature(w.dep, w.feat)
		}
	}
	for dep, set := range depFeat {
		fs.DepFeatures[dep] = sortedKeys(set)
	}
	return fs, nil
}

// checkFeatures warns about [features] values cargo would reject: references
// to dependencies or features that do not exist.
func (d *decoder) checkFeatures() {
	m := d.m
	if len(m.Features) == 0 {
		return
	}
	ix := m.featureIndex()
	dev := map[string]bool{}
	for _, dep := range m.Dependencies {
		if dep.Kind == DepDev {
			dev[dep.Name] = true
		}
	}
	for _, name := range sortedKeys(m.Features) {
		key := keyPath("features", name)
		if ix.optional[name] && !ix.hidden[name] {
			d.warnf("%s: feature has the same name as an optional dependency that no feature enables with \"dep:%s\"", key, name)
		}
		for _, v := range m.Features[name] {
			if dep, ok := strings.CutPrefix(v, "dep:"); ok {
				switch {
				case ix.optional[dep]:
				case ix.deps[dep]:
					d.warnf("%s: includes %q, but %q is not an optional dependency", key, v, dep)
				default:
					d.warnf("%s: includes %q, but %q is not a dependency", key, v, dep)
				}
				continue
			}
			if dep, feat, _, ok := splitDepFeature(v); ok {
				switch {
				case dep == "" || feat == "" || strings.Contains(feat, "/"):
					d.warnf("%s: malformed feature value %q", key, v)
				case ix.deps[dep]:
				case dev[dep]:
					d.warnf("%s: includes %q, but %q is only a dev-dependency", key, v, dep)
				default:
					d.warnf("%s: includes %q, but %q is not a dependency", key, v, dep)
				}
				continue
			}
			switch {
			case ix.isFeature(m, v):
			case ix.optional[v]:
				d.warnf("%s: includes %q, an optional dependency hidden by a dep: reference; use \"dep:%s\"", key, v, v)
			case ix.deps[v]:
				d.warnf("%s: includes %q, but %q is not an optional dependency", key, v, v)
			default:
				d.warnf("%s: includes %q, which is neither a dependency nor another feature", key, v)
			}
		}
	}
}
