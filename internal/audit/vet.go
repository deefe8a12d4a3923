package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Vet is what a project's cargo-vet audits certify: for each crate, the
// versions audited for each criterion (full audits, and deltas chained
// from them), from supply-chain/audits.toml and the imported audits in
// supply-chain/imports.lock.
type Vet struct {
	certified map[string]map[string]map[string]bool // crate -> criterion -> version
}

type vetEntry struct {
	Who      any    `toml:"who"`
	Criteria any    `toml:"criteria"`
	Version  string `toml:"version"`
	Delta    string `toml:"delta"`
	Notes    string `toml:"notes"`
}

// LoadVet reads the cargo-vet files under dir (a project's supply-chain
// directory). Missing files certify nothing.
func LoadVet(dir string) (*Vet, error) {
	v := &Vet{certified: map[string]map[string]map[string]bool{}}
	type deltaEdge struct{ crate, criterion, from, to string }
	var deltas []deltaEdge
	add := func(crate string, e vetEntry) {
		for _, c := range criteriaOf(e.Criteria) {
			if e.Version != "" {
				v.mark(crate, c, e.Version)
			}
			if from, to, ok := strings.Cut(e.Delta, "->"); ok {
				deltas = append(deltas, deltaEdge{crate, c, strings.TrimSpace(from), strings.TrimSpace(to)})
			}
		}
	}
	var audits struct {
		Audits map[string][]vetEntry `toml:"audits"`
	}
	if err := decodeVet(filepath.Join(dir, "audits.toml"), &audits); err != nil {
		return nil, err
	}
	for crate, es := range audits.Audits {
		for _, e := range es {
			add(crate, e)
		}
	}
	var imports struct {
		Audits map[string]struct {
			Audits map[string][]vetEntry `toml:"audits"`
		} `toml:"audits"`
	}
	if err := decodeVet(filepath.Join(dir, "imports.lock"), &imports); err != nil {
		return nil, err
	}
	for _, peer := range imports.Audits {
		for crate, es := range peer.Audits {
			for _, e := range es {
				add(crate, e)
			}
		}
	}
	// A delta audit certifies its target when its source is certified.
	for changed := true; changed; {
		changed = false
		for _, d := range deltas {
			if v.Certified(d.crate, d.from, d.criterion) && !v.Certified(d.crate, d.to, d.criterion) {
				v.mark(d.crate, d.criterion, d.to)
				changed = true
			}
		}
	}
	return v, nil
}

func decodeVet(path string, into any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(into); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// criteriaOf reads cargo-vet's criteria field: a string or a list.
func criteriaOf(x any) []string {
	switch c := x.(type) {
	case string:
		return []string{c}
	case []any:
		var out []string
		for _, e := range c {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (v *Vet) mark(crate, criterion, version string) {
	if v.certified[crate] == nil {
		v.certified[crate] = map[string]map[string]bool{}
	}
	if v.certified[crate][criterion] == nil {
		v.certified[crate][criterion] = map[string]bool{}
	}
	v.certified[crate][criterion][version] = true
}

// Certified reports whether a crate's version is certified for a
// criterion.
func (v *Vet) Certified(crate, version, criterion string) bool {
	return v != nil && v.certified[crate][criterion][version]
}

// Criterion is the cargo-vet criterion Warden defines for "warden vet
// export": every effect of the crate's version was reviewed with Warden.
const Criterion = "warden-reviewed"

// CriterionDescription documents the criterion in supply-chain/config.toml.
const CriterionDescription = "Every effect Warden finds in this crate version (file, network, process, " +
	"environment, FFI, unsafe code, raw handles, build-time code) was reviewed by a person and recorded " +
	"as a decision in the project's warden.toml, or is allowed by its policy; Warden's analysis of it had no blind spot."

// ExportVet writes cargo-vet audit entries (audits.toml syntax) for the
// crate versions whose every effect is reviewed or allowed, without a
// rejection and without blind spots.
func ExportVet(w io.Writer, r *Result, who string) error {
	type key struct{ crate, version string }
	ok := map[key]bool{}
	for _, it := range r.Items {
		k := key{it.Crate, it.Version}
		if _, seen := ok[k]; !seen {
			ok[k] = true
		}
		if it.Status == Unreviewed || it.Status == Unsafe {
			ok[k] = false
		}
	}
	for _, b := range r.Blind {
		ok[key{b.Crate, b.Version}] = false
	}
	var keys []key
	for k, good := range ok {
		if good {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].crate < keys[j].crate || keys[i].crate == keys[j].crate && keys[i].version < keys[j].version
	})
	fmt.Fprintf(w, "# Criterion (supply-chain/config.toml):\n# [criteria.%s]\n# description = %s\n", Criterion, quote(CriterionDescription))
	for _, k := range keys {
		if _, err := fmt.Fprintf(w, "\n[[audits.%s]]\nwho = %s\ncriteria = %s\nversion = %s\nnotes = %s\n", tomlKey(k.crate), quote(who),
			quote(Criterion), quote(k.version), quote("Every effect reviewed with warden check")); err != nil {
			return err
		}
	}
	return nil
}

// tomlKey writes a crate name as a TOML key (quoted unless bare).
func tomlKey(s string) string {
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return quote(s)
		}
	}
	return s
}
