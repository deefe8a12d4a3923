package manifest

import (
	"errors"
	"reflect"
	"sort"
	"strconv"
	"testing"
)

const featureFixture = `
[package]
name = "feat"
edition = "2021"

[dependencies]
serde = { version = "1", optional = true }
log = { version = "0.4", optional = true }
rand = { version = "0.8", optional = true }
regex = { version = "1", optional = true }
hidden = { version = "1", optional = true }
always = "1"

[target.'cfg(unix)'.dependencies]
libc = { version = "0.2", optional = true }

[dev-dependencies]
devonly = "1"

[features]
default = ["std"]
std = ["serde?/std", "always/std"]
derive = ["serde/derive"]
logging = ["dep:log", "log/max_level_info"]
random = ["dep:rand", "rand?/small_rng"]
cycle-a = ["cycle-b"]
cycle-b = ["cycle-a", "libc"]
secret = ["dep:hidden"]
`

func keys(m map[string]bool) []string {
	var ks []string
	for k, v := range m {
		if v {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

func TestResolveFeatures(t *testing.T) {
	m := loadFixture(t, map[string]string{"Cargo.toml": featureFixture, "src/lib.rs": ""})
	if len(m.Warnings) != 0 {
		t.Fatalf("unexpected warnings: %q", m.Warnings)
	}
	tests := []struct {
		name         string
		requested    []string
		all, noDef   bool
		wantEnabled  []string
		wantOptional []string
		wantDepFeats map[string][]string
	}{
		{
			name:        "default only",
			wantEnabled: []string{"default", "std"},
			// serde?/std is weak and serde is off; always is not optional.
			wantDepFeats: map[string][]string{"always": {"std"}},
		},
		{
			name:         "no default",
			noDef:        true,
			wantDepFeats: map[string][]string{},
		},
		{
			name:         "implicit feature of an optional dependency",
			requested:    []string{"serde"},
			noDef:        true,
			wantEnabled:  []string{"serde"},
			wantOptional: []string{"serde"},
			wantDepFeats: map[string][]string{},
		},
		{
			name:         "weak dependency feature applies once the dependency is on",
			requested:    []string{"serde"},
			wantEnabled:  []string{"default", "serde", "std"},
			wantOptional: []string{"serde"},
			wantDepFeats: map[string][]string{"always": {"std"}, "serde": {"std"}},
		},
		{
			name:         "dep/feat enables the dependency and its implicit feature",
			requested:    []string{"derive"},
			noDef:        true,
			wantEnabled:  []string{"derive", "serde"},
			wantOptional: []string{"serde"},
			wantDepFeats: map[string][]string{"serde": {"derive"}},
		},
		{
			name:         "dep: syntax enables without an implicit feature",
			requested:    []string{"logging", "random"},
			noDef:        true,
			wantEnabled:  []string{"logging", "random"},
			wantOptional: []string{"log", "rand"},
			wantDepFeats: map[string][]string{"log": {"max_level_info"}, "rand": {"small_rng"}},
		},
		{
			name:         "cycles terminate; target-specific optional dependency",
			requested:    []string{"cycle-a"},
			noDef:        true,
			wantEnabled:  []string{"cycle-a", "cycle-b", "libc"},
			wantOptional: []string{"libc"},
			wantDepFeats: map[string][]string{},
		},
		{
			name:         "command-line dep/feat form and blanks",
			requested:    []string{" ", "regex/unicode", ""},
			noDef:        true,
			wantEnabled:  []string{"regex"},
			wantOptional: []string{"regex"},
			wantDepFeats: map[string][]string{"regex": {"unicode"}},
		},
		{
			name:         "all features",
			all:          true,
			wantEnabled:  []string{"cycle-a", "cycle-b", "default", "derive", "libc", "logging", "random", "regex", "secret", "serde", "std"},
			wantOptional: []string{"hidden", "libc", "log", "rand", "regex", "serde"},
			wantDepFeats: map[string][]string{"always": {"std"}, "log": {"max_level_info"}, "rand": {"small_rng"}, "serde": {"derive", "std"}},
		},
		{
			name:         "default requested explicitly with noDefault",
			requested:    []string{"default"},
			noDef:        true,
			wantEnabled:  []string{"default", "std"},
			wantDepFeats: map[string][]string{"always": {"std"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := m.ResolveFeatures(tt.requested, tt.all, tt.noDef)
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(fs.Enabled); !reflect.DeepEqual(got, tt.wantEnabled) {
				t.Errorf("Enabled = %q, want %q", got, tt.wantEnabled)
			}
			if got := keys(fs.OptionalDeps); !reflect.DeepEqual(got, tt.wantOptional) {
				t.Errorf("OptionalDeps = %q, want %q", got, tt.wantOptional)
			}
			if !reflect.DeepEqual(fs.DepFeatures, tt.wantDepFeats) {
				t.Errorf("DepFeatures = %q, want %q", fs.DepFeatures, tt.wantDepFeats)
			}
		})
	}
}

func TestResolveFeaturesUnknown(t *testing.T) {
	m := loadFixture(t, map[string]string{"Cargo.toml": featureFixture})
	tests := []struct {
		requested []string
		unknown   []string
	}{
		{[]string{"nope"}, []string{"nope"}},
		{[]string{"std", "nope", "also-nope"}, []string{"nope", "also-nope"}},
		{[]string{"log"}, []string{"log"}},             // hidden by dep:log
		{[]string{"always"}, []string{"always"}},       // not optional
		{[]string{"devonly/x"}, []string{"devonly/x"}}, // dev-dependency
		{[]string{"missing/x"}, []string{"missing/x"}},
		{[]string{"dep:always"}, []string{"dep:always"}},
	}
	for _, tt := range tests {
		_, err := m.ResolveFeatures(tt.requested, false, false)
		var ue *UnknownFeaturesError
		if !errors.As(err, &ue) {
			t.Errorf("ResolveFeatures(%q) err = %v, want *UnknownFeaturesError", tt.requested, err)
			continue
		}
		if ue.Package != "feat" || !reflect.DeepEqual(ue.Features, tt.unknown) {
			t.Errorf("ResolveFeatures(%q) unknown = %q, want %q", tt.requested, ue.Features, tt.unknown)
		}
	}
}

func TestFeatureWarnings(t *testing.T) {
	m := loadFixture(t, map[string]string{"Cargo.toml": `
[package]
name = "w"
[dependencies]
opt = { version = "1", optional = true }
req = "1"
[dev-dependencies]
dv = "1"
[features]
a = ["dep:nothere", "dep:req", "ghost", "req", "dv/x", "nodep/x", "/x"]
opt = []
`})
	for _, w := range []string{
		`features.a: includes "dep:nothere", but "nothere" is not a dependency`,
		`features.a: includes "dep:req", but "req" is not an optional dependency`,
		`features.a: includes "ghost", which is neither a dependency nor another feature`,
		`features.a: includes "req", but "req" is not an optional dependency`,
		`features.a: includes "dv/x", but "dv" is only a dev-dependency`,
		`features.a: includes "nodep/x", but "nodep" is not a dependency`,
		`features.a: malformed feature value "/x"`,
		`features.opt: feature has the same name as an optional dependency`,
	} {
		if !hasWarning(m, w) {
			t.Errorf("no warning %q in\n%q", w, m.Warnings)
		}
	}
	// Resolution still works and ignores the bad references.
	if _, err := m.ResolveFeatures([]string{"a"}, true, false); err != nil {
		t.Fatal(err)
	}
}

func TestResolveFeaturesLongChain(t *testing.T) {
	m := &Manifest{Name: "chain", Features: map[string][]string{}}
	const n = 100000
	for i := 0; i < n; i++ {
		m.Features[itoaFeat(i)] = []string{itoaFeat(i + 1)}
	}
	m.Features[itoaFeat(n)] = nil
	fs, err := m.ResolveFeatures([]string{itoaFeat(0)}, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs.Enabled) != n+1 {
		t.Errorf("enabled %d features, want %d", len(fs.Enabled), n+1)
	}
}

func itoaFeat(i int) string { return "f" + strconv.Itoa(i) }
