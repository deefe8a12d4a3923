// Package model is Warden's capability model: the capabilities (the
// vocabulary every report uses) and, as embedded data (model.txt,
// documented in docs/effect-model.md), which std, core, alloc and
// system-crate paths mean which capability. No analysis names a std
// path in code; they ask the model.
package model

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/wardenrs/warden/internal/datafile"
)

// Capability is a class of authority over the outside world.
type Capability string

// The capabilities, in report order.
const (
	FS        Capability = "fs"         // files and directories
	Net       Capability = "net"        // sockets, Unix sockets, DNS
	Process   Capability = "process"    // spawn, exec, exit, abort, signals
	Env       Capability = "env"        // environment variables, args, current dir
	System    Capability = "system"     // calls into system-binding crates (libc, ...)
	FFI       Capability = "ffi"        // extern declarations and calls, #[link]
	Unsafe    Capability = "unsafe"     // unsafe blocks and operations
	RawHandle Capability = "raw_handle" // I/O objects made from raw fds/sockets/handles
	Build     Capability = "build"      // build scripts, proc macros, compile-time reads
)

// All lists every capability in report order.
var All = []Capability{FS, Net, Process, Env, System, FFI, Unsafe, RawHandle, Build}

// Valid reports whether c is a known capability.
func (c Capability) Valid() bool {
	for _, k := range All {
		if k == c {
			return true
		}
	}
	return false
}

// Rank orders capabilities for reports.
func (c Capability) Rank() int {
	for i, k := range All {
		if k == c {
			return i
		}
	}
	return len(All)
}

// SortCaps sorts capabilities in report order and removes duplicates.
func SortCaps(cs []Capability) []Capability {
	sort.Slice(cs, func(i, j int) bool { return cs[i].Rank() < cs[j].Rank() })
	out := cs[:0]
	for i, c := range cs {
		if i == 0 || c != cs[i-1] {
			out = append(out, c)
		}
	}
	return out
}

// MatchKind says how a rule's pattern is compared with a path.
type MatchKind string

// Match kinds.
const (
	MatchPath   MatchKind = "path"   // the path itself
	MatchPrefix MatchKind = "prefix" // any path under the pattern
	MatchName   MatchKind = "name"   // any path whose last segment is the pattern
	// MatchMember matches paths with exactly one more segment than the
	// pattern: the free functions of a flat crate such as libc, not the
	// associated items of its types (libc::c_int::max_value).
	MatchMember MatchKind = "member"
)

// Rule is one line of the model.
type Rule struct {
	Cap     Capability
	Kind    string // ambient, forge, exit, signal, unsafe, call
	Match   MatchKind
	Pattern string
	Line    int // line in the model file
}

// Model is a parsed capability model.
type Model struct {
	byPath   map[string]*Rule
	byName   map[string]*Rule
	prefixes []*Rule // longest first
	// methods maps a method name to the rules of "Type::method" paths
	// with that last segment, for low-confidence matching of method calls
	// whose receiver type is unknown.
	methods map[string][]*Rule
	Rules   []*Rule
	known   map[string]bool // every proper prefix of a path rule
}

//go:embed model.txt
var builtin string

// Builtin returns the model embedded in the binary.
func Builtin() *Model {
	m, err := Parse("model.txt", builtin)
	if err != nil {
		panic(fmt.Sprintf("embedded effect model is invalid: %v", err)) // caught by tests
	}
	return m
}

// Parse reads a model in the documented line format.
func Parse(name, text string) (*Model, error) {
	m := &Model{byPath: map[string]*Rule{}, byName: map[string]*Rule{}, methods: map[string][]*Rule{}}
	err := datafile.Each(text, func(n int, f []string) error {
		if len(f) != 4 {
			return fmt.Errorf("%s:%d: want 4 fields (capability kind match pattern), got %d", name, n, len(f))
		}
		r := &Rule{Cap: Capability(f[0]), Kind: f[1], Match: MatchKind(f[2]), Pattern: f[3], Line: n}
		if !r.Cap.Valid() {
			return fmt.Errorf("%s:%d: unknown capability %q", name, n, f[0])
		}
		switch r.Match {
		case MatchPath:
			if _, dup := m.byPath[r.Pattern]; dup {
				return fmt.Errorf("%s:%d: duplicate rule for %s", name, n, r.Pattern)
			}
			m.byPath[r.Pattern] = r
			segs := strings.Split(r.Pattern, "::")
			if len(segs) >= 2 {
				typ := segs[len(segs)-2]
				if typ != "" && typ[0] >= 'A' && typ[0] <= 'Z' {
					last := segs[len(segs)-1]
					m.methods[last] = append(m.methods[last], r)
				}
			}
		case MatchPrefix, MatchMember:
			if !strings.HasSuffix(r.Pattern, "::") {
				return fmt.Errorf("%s:%d: %s pattern must end with \"::\"", name, n, r.Match)
			}
			m.prefixes = append(m.prefixes, r)
		case MatchName:
			if strings.Contains(r.Pattern, "::") {
				return fmt.Errorf("%s:%d: name pattern must be a single identifier", name, n)
			}
			m.byName[r.Pattern] = r
		default:
			return fmt.Errorf("%s:%d: unknown match kind %q (path, prefix, member or name)", name, n, f[2])
		}
		m.Rules = append(m.Rules, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.known = map[string]bool{}
	for p := range m.byPath {
		for i := strings.LastIndex(p, "::"); i > 0; i = strings.LastIndex(p[:i], "::") {
			m.known[p[:i]] = true
		}
	}
	sort.SliceStable(m.prefixes, func(i, j int) bool { return len(m.prefixes[i].Pattern) > len(m.prefixes[j].Pattern) })
	return m, nil
}

// Canonical rewrites core:: and alloc:: paths to their std:: re-exports
// and normalises the std::os::unix::io and std::os::fd aliases.
func Canonical(path string) string {
	switch {
	case strings.HasPrefix(path, "core::"):
		path = "std::" + path[len("core::"):]
	case strings.HasPrefix(path, "alloc::"):
		path = "std::" + path[len("alloc::"):]
	case strings.HasPrefix(path, "::"):
		path = path[2:]
		return Canonical(path)
	}
	for _, a := range osAliases {
		if strings.HasPrefix(path, a.from) {
			return a.to + path[len(a.from):]
		}
	}
	return path
}

// osAliases are std modules that re-export the same items.
var osAliases = []struct{ from, to string }{
	{"std::os::unix::io::", "std::os::fd::"},
	{"std::os::linux::net::", "std::os::unix::net::"},
	{"std::os::wasi::io::", "std::os::fd::"},
	// std::os::unix::prelude re-exports the fd items and the extension
	// traits of their modules.
	{"std::os::unix::prelude::RawFd", "std::os::fd::RawFd"},
	{"std::os::unix::prelude::AsRawFd", "std::os::fd::AsRawFd"},
	{"std::os::unix::prelude::FromRawFd", "std::os::fd::FromRawFd"},
	{"std::os::unix::prelude::IntoRawFd", "std::os::fd::IntoRawFd"},
	{"std::os::unix::prelude::AsFd", "std::os::fd::AsFd"},
	{"std::os::unix::prelude::BorrowedFd", "std::os::fd::BorrowedFd"},
	{"std::os::unix::prelude::OwnedFd", "std::os::fd::OwnedFd"},
	{"std::os::unix::prelude::CommandExt", "std::os::unix::process::CommandExt"},
	{"std::os::unix::prelude::ExitStatusExt", "std::os::unix::process::ExitStatusExt"},
	{"std::os::unix::prelude::OpenOptionsExt", "std::os::unix::fs::OpenOptionsExt"},
	{"std::os::unix::prelude::PermissionsExt", "std::os::unix::fs::PermissionsExt"},
	{"std::os::unix::prelude::MetadataExt", "std::os::unix::fs::MetadataExt"},
	{"std::os::unix::prelude::FileTypeExt", "std::os::unix::fs::FileTypeExt"},
	{"std::os::unix::prelude::DirEntryExt", "std::os::unix::fs::DirEntryExt"},
	{"std::os::unix::prelude::FileExt", "std::os::unix::fs::FileExt"},
	{"std::os::unix::prelude::OsStrExt", "std::os::unix::ffi::OsStrExt"},
	{"std::os::unix::prelude::OsStringExt", "std::os::unix::ffi::OsStringExt"},
}

// Lookup returns the rule matching a canonical path, or nil.
func (m *Model) Lookup(path string) *Rule {
	path = Canonical(path)
	if r := m.byPath[path]; r != nil {
		return r
	}
	for _, r := range m.prefixes {
		if strings.HasPrefix(path, r.Pattern) {
			if r.Match == MatchMember && strings.Contains(path[len(r.Pattern):], "::") {
				continue
			}
			return r
		}
	}
	last := path
	if i := strings.LastIndex(path, "::"); i >= 0 {
		last = path[i+2:]
	}
	return m.byName[last]
}

// Knows reports whether path is a modelled path or a prefix of one
// (a module or type that has modelled functions).
func (m *Model) Knows(path string) bool {
	path = Canonical(path)
	if m.Lookup(path) != nil {
		return true
	}
	return m.known[path]
}

// KnowsPath reports whether a path or name rule names path itself, or
// path is a proper prefix of a path rule: what the model says of that
// very item, not of everything under a prefix.
func (m *Model) KnowsPath(path string) bool {
	path = Canonical(path)
	if m.byPath[path] != nil || m.known[path] {
		return true
	}
	return m.byName[path[strings.LastIndex(path, ":")+1:]] != nil
}

// MethodCandidates returns the rules whose path ends in "Type::name",
// for a method call whose receiver type is unknown.
func (m *Model) MethodCandidates(name string) []*Rule {
	if r := m.byName[name]; r != nil {
		return []*Rule{r}
	}
	return m.methods[name]
}

// ByName returns the rule matching any method or associated function
// with this name (a distinctive trait method such as from_raw_fd), or
// nil.
func (m *Model) ByName(name string) *Rule { return m.byName[name] }
