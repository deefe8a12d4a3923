package deps

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is a semantic version (major.minor.patch[-pre][+build]).
type Version struct {
	Major, Minor, Patch uint64
	// Pre holds the dot-separated pre-release identifiers; empty for a
	// release.
	Pre []string
	// Build is the build metadata, kept only for String: it takes no
	// part in precedence.
	Build string
}

// maxVersionLen bounds the text ParseVersion and ParseReq accept: the
// strings come from untrusted manifests and directory names.
const maxVersionLen = 1024

// ParseVersion parses a full semantic version. Leading zeros in numeric
// parts and empty identifiers are errors, as in the SemVer 2.0 grammar.
func ParseVersion(s string) (Version, error) {
	if len(s) > maxVersionLen {
		return Version{}, fmt.Errorf("version %.20q...: too long", s)
	}
	v, rest, err := parsePartial(s)
	if err != nil {
		return Version{}, fmt.Errorf("version %q: %w", s, err)
	}
	if rest != "" {
		return Version{}, fmt.Errorf("version %q: unexpected %q", s, rest)
	}
	if v.major == nil || v.minor == nil || v.patch == nil || v.wildcard {
		return Version{}, fmt.Errorf("version %q: want major.minor.patch", s)
	}
	return Version{Major: *v.major, Minor: *v.minor, Patch: *v.patch, Pre: v.pre, Build: v.build}, nil
}

// String formats v back in SemVer form.
func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if len(v.Pre) > 0 {
		s += "-" + strings.Join(v.Pre, ".")
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// Compare orders versions by SemVer precedence: -1, 0 or +1. Build
// metadata is ignored; a pre-release sorts before its release.
func (v Version) Compare(w Version) int {
	if c := cmpUint(v.Major, w.Major); c != 0 {
		return c
	}
	if c := cmpUint(v.Minor, w.Minor); c != 0 {
		return c
	}
	if c := cmpUint(v.Patch, w.Patch); c != 0 {
		return c
	}
	return comparePre(v.Pre, w.Pre)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// comparePre compares pre-release identifier lists: none is highest,
// numeric identifiers compare as numbers and sort below alphanumeric
// ones, and a shorter list that is a prefix of a longer one sorts first.
func comparePre(a, b []string) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return 1
	case len(b) == 0:
		return -1
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		xn, yn := isNumeric(x), isNumeric(y)
		var c int
		switch {
		case xn && yn:
			// No leading zeros, so a longer number is a bigger one.
			c = cmpUint(uint64(len(x)), uint64(len(y)))
			if c == 0 {
				c = strings.Compare(x, y)
			}
		case xn:
			c = -1
		case yn:
			c = 1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return cmpUint(uint64(len(a)), uint64(len(b)))
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// op is the operator of one comparator of a requirement.
type op int

const (
	opCaret     op = iota // ^1.2.3, and a bare 1.2.3
	opTilde               // ~1.2.3
	opExact               // =1.2.3, and wildcards such as 1.2.*
	opGreater             // >1.2.3
	opGreaterEq           // >=1.2.3
	opLess                // <1.2.3
	opLessEq              // <=1.2.3
)

// comparator is one "op version" term; minor and patch are nil when the
// version leaves them out (1, 1.2) or writes them as wildcards.
type comparator struct {
	op           op
	major        uint64
	minor, patch *uint64
	pre          []string
}

// Req is a Cargo version requirement: comparators that must all hold.
type Req struct {
	text  string
	terms []comparator // empty: any version ("*" or "")
}

// String returns the requirement as written.
func (r Req) String() string { return r.text }

// ParseReq parses a Cargo version requirement: comma-separated
// comparators, each an optional operator (^ ~ = > >= < <=; none means ^)
// and a version whose minor and patch may be left out or written as a
// wildcard (*, x or X). "" and "*" match every release.
func ParseReq(s string) (Req, error) {
	if len(s) > maxVersionLen {
		return Req{}, fmt.Errorf("version requirement %.20q...: too long", s)
	}
	r := Req{text: s}
	if strings.TrimSpace(s) == "" {
		return r, nil
	}
	for _, part := range strings.Split(s, ",") {
		c, any, err := parseComparator(strings.TrimSpace(part))
		if err != nil {
			return Req{}, fmt.Errorf("version requirement %q: %w", s, err)
		}
		if !any {
			r.terms = append(r.terms, c)
		}
	}
	return r, nil
}

// parseComparator parses one term; any is set for "*", which puts no
// bound on the version.
func parseComparator(s string) (c comparator, any bool, err error) {
	if s == "" {
		return c, false, errors.New("empty comparator")
	}
	explicit := true
	switch {
	case strings.HasPrefix(s, ">="):
		c.op, s = opGreaterEq, s[2:]
	case strings.HasPrefix(s, "<="):
		c.op, s = opLessEq, s[2:]
	case strings.HasPrefix(s, ">"):
		c.op, s = opGreater, s[1:]
	case strings.HasPrefix(s, "<"):
		c.op, s = opLess, s[1:]
	case strings.HasPrefix(s, "="):
		c.op, s = opExact, s[1:]
	case strings.HasPrefix(s, "~"):
		c.op, s = opTilde, s[1:]
	case strings.HasPrefix(s, "^"):
		c.op, s = opCaret, s[1:]
	default:
		c.op, explicit = opCaret, false
	}
	s = strings.TrimSpace(s)
	p, rest, err := parsePartial(s)
	if err != nil {
		return c, false, err
	}
	if rest != "" {
		return c, false, fmt.Errorf("unexpected %q in comparator", rest)
	}
	if p.wildcard {
		if p.major == nil {
			// "*": any version; with an operator cargo rejects it.
			if explicit {
				return c, false, errors.New("operator before *")
			}
			return c, true, nil
		}
		// A bare 1.* or 1.2.* means "this major (and minor) exactly",
		// not the caret range a bare 1 or 1.2 would mean.
		if !explicit {
			c.op = opExact
		}
	}
	if p.major == nil {
		return c, false, errors.New("missing major version")
	}
	c.major, c.minor, c.patch, c.pre = *p.major, p.minor, p.patch, p.pre
	return c, false, nil
}

// partial is a version that may stop after any component or end in a
// wildcard.
type partial struct {
	major, minor, patch *uint64 // nil: absent or wildcard
	wildcard            bool
	pre                 []string
	build               string
}

// parsePartial reads "1", "1.2", "1.2.3-pre+build", "1.*", "1.2.x", "*"
// and returns the unparsed rest (only whitespace is left to callers).
func parsePartial(s string) (partial, string, error) {
	var p partial
	parts := []**uint64{&p.major, &p.minor, &p.patch}
	for i, dst := range parts {
		if i > 0 {
			if !strings.HasPrefix(s, ".") {
				return p, s, nil
			}
			s = s[1:]
		}
		if s != "" && (s[0] == '*' || s[0] == 'x' || s[0] == 'X') {
			p.wildcard = true
			s = s[1:]
			continue
		}
		if p.wildcard {
			return p, s, errors.New("number after a wildcard")
		}
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 {
			if s == "" {
				return p, s, errors.New("missing number")
			}
			return p, s, fmt.Errorf("unexpected %q where a number belongs", s[:1])
		}
		if n > 1 && s[0] == '0' {
			return p, s, fmt.Errorf("leading zero in %q", s[:n])
		}
		v, err := strconv.ParseUint(s[:n], 10, 64)
		if err != nil {
			return p, s, fmt.Errorf("number %q out of range", s[:n])
		}
		*dst = &v
		s = s[n:]
	}
	if strings.HasPrefix(s, "-") {
		if p.patch == nil {
			return p, s, errors.New("pre-release on a partial version")
		}
		end := strings.IndexAny(s, "+ ,")
		if end < 0 {
			end = len(s)
		}
		ids := strings.Split(s[1:end], ".")
		for _, id := range ids {
			if err := checkIdent(id, true); err != nil {
				return p, s, fmt.Errorf("pre-release: %w", err)
			}
		}
		p.pre = ids
		s = s[end:]
	}
	if strings.HasPrefix(s, "+") {
		if p.patch == nil {
			return p, s, errors.New("build metadata on a partial version")
		}
		end := strings.IndexAny(s, " ,")
		if end < 0 {
			end = len(s)
		}
		for _, id := range strings.Split(s[1:end], ".") {
			if err := checkIdent(id, false); err != nil {
				return p, s, fmt.Errorf("build metadata: %w", err)
			}
		}
		p.build = s[1:end]
		s = s[end:]
	}
	return p, s, nil
}

// checkIdent checks one pre-release or build identifier: ASCII letters,
// digits and hyphens, not empty; numeric pre-release identifiers have no
// leading zero.
func checkIdent(id string, pre bool) error {
	if id == "" {
		return errors.New("empty identifier")
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-') {
			return fmt.Errorf("invalid character %q in %q", b, id)
		}
	}
	if pre && len(id) > 1 && id[0] == '0' && isNumeric(id) {
		return fmt.Errorf("leading zero in %q", id)
	}
	return nil
}

// Matches reports whether v satisfies every comparator of r. A
// pre-release version matches only if some comparator names a
// pre-release of the same major.minor.patch: asking for ^1.2 must not
// select 1.3.0-alpha, while ^1.3.0-alpha may select 1.3.0-beta.
func (r Req) Matches(v Version) bool {
	for _, c := range r.terms {
		if !c.matches(v) {
			return false
		}
	}
	if len(v.Pre) == 0 {
		return true
	}
	for _, c := range r.terms {
		if len(c.pre) > 0 && c.major == v.Major && c.minor != nil && *c.minor == v.Minor && c.patch != nil && *c.patch == v.Patch {
			return true
		}
	}
	return false
}

// matches applies one comparator, ignoring the pre-release rule that
// Matches adds on top.
func (c comparator) matches(v Version) bool {
	// The version the comparator spells out, missing parts as zero.
	low := Version{Major: c.major, Pre: c.pre}
	if c.minor != nil {
		low.Minor = *c.minor
	}
	if c.patch != nil {
		low.Patch = *c.patch
	}
	cmp := v.Compare(low)
	switch c.op {
	case opExact:
		return c.inPrefix(v, cmp)
	case opGreater:
		return cmp > 0 && !c.samePrefix(v)
	case opGreaterEq:
		return cmp >= 0
	case opLess:
		return cmp < 0
	case opLessEq:
		return cmp <= 0 || c.samePrefix(v)
	case opTilde:
		if cmp < 0 {
			return false
		}
		if c.minor == nil {
			return v.Major == c.major
		}
		return v.Major == c.major && v.Minor == *c.minor
	case opCaret:
		if cmp < 0 {
			return false
		}
		switch {
		case c.major > 0 || c.minor == nil:
			return v.Major == c.major
		case *c.minor > 0 || c.patch == nil:
			return v.Major == 0 && v.Minor == *c.minor
		default:
			return v.Major == 0 && v.Minor == 0 && v.Patch == *c.patch
		}
	}
	return false
}

// samePrefix reports whether v agrees with every component the
// comparator spells out: >1.2 excludes all of 1.2.x, <=1.2 includes it.
// A full version is its own prefix only when it is equal.
func (c comparator) samePrefix(v Version) bool {
	if c.patch != nil {
		return false // full versions: the plain comparison decides
	}
	if v.Major != c.major {
		return false
	}
	return c.minor == nil || v.Minor == *c.minor
}

// inPrefix is "=": equal for a full version, same prefix for a partial
// one (=1.2 is 1.2.x).
func (c comparator) inPrefix(v Version, cmp int) bool {
	if c.patch != nil {
		return cmp == 0
	}
	return c.samePrefix(v)
}
