// Package cfg evaluates Rust's conditional compilation — #[cfg(...)]
// predicates and #[cfg_attr(...)] attributes — for a chosen target and
// feature set, the way rustc does, without running rustc.
//
// A Target holds the target_* values of a triple (LookupTarget knows the
// common ones); a Config adds the crate's enabled features and the build
// profile. Parse turns the tokens of a predicate into an Expr, Eval
// evaluates it, ExpandCfgAttr applies cfg_attr, and Enabled tells whether
// an item with given attributes is compiled at all. Unknown names and
// keys are false, as in rustc. Malformed predicates are reported but
// never remove code: Warden audits code whose cfg it cannot read.
package cfg

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/wardenrs/warden/internal/syntax"
)

// Config is a compilation configuration: the set of cfg options that
// hold, as rustc would compute it for one crate.
type Config struct {
	// Target supplies the target_* options, unix/windows and panic. A
	// nil Target makes all of them false.
	Target *Target
	// Features are the enabled Cargo features (feature = "name").
	Features map[string]bool
	// Test is cfg(test): building the crate's unit tests.
	Test bool
	// DebugAssertions is cfg(debug_assertions); true in Cargo's default
	// dev profile, false in release.
	DebugAssertions bool
	// Set holds extra bare options (like rustc --cfg docsrs). They add
	// to the built-in ones: Set["unix"] = false does not remove unix.
	Set map[string]bool
	// KeyValues holds extra key = "value" options (like rustc
	// --cfg 'foo="bar"'), added to the built-in ones.
	KeyValues map[string][]string
	// AllTargets leaves every target option unknown (unix, windows and
	// the target_* and panic keys): code for every platform is analysed,
	// each part under its condition.
	AllTargets bool
	// Maybe holds options a build script may set: unknown unless they
	// are set anyway.
	Maybe *Maybe
}

// NewConfig returns the configuration of a dev-profile build (debug
// assertions on, not a test build) of a crate for the given target triple
// (DefaultTriple if empty) with the given features enabled. The features
// map is copied.
func NewConfig(triple string, features map[string]bool) (*Config, error) {
	if triple == "" {
		triple = DefaultTriple
	}
	if triple == AllTargets {
		c := &Config{Target: &Target{Triple: AllTargets}, Features: map[string]bool{}, DebugAssertions: true,
			Set: map[string]bool{}, KeyValues: map[string][]string{}, AllTargets: true}
		for f, on := range features {
			if on {
				c.Features[f] = true
			}
		}
		return c, nil
	}
	t, err := LookupTarget(triple)
	if err != nil {
		return nil, err
	}
	c := &Config{
		Target:          t,
		Features:        make(map[string]bool, len(features)),
		DebugAssertions: true,
		Set:             map[string]bool{},
		KeyValues:       map[string][]string{},
	}
	for f, on := range features {
		if on {
			c.Features[f] = true
		}
	}
	return c, nil
}

// Eval reports whether the predicate certainly holds. Unknown names and
// keys are false, like rustc; doc, doctest, miri and proc_macro are false
// unless added through Set; options left open by AllTargets or Maybe make
// a predicate that depends on them not certain (see Partial). A nil Expr
// is true (no condition).
func (c *Config) Eval(e Expr) bool {
	t, _ := c.Partial(e)
	return t == True
}

func (c *Config) name(n string) bool {
	if c.Set[n] {
		return true
	}
	switch n {
	case "test":
		return c.Test
	case "debug_assertions":
		return c.DebugAssertions
	case "unix", "windows":
		return c.Target != nil && slices.Contains(c.Target.families(), n)
	}
	return false
}

func (c *Config) keyValue(k, v string) bool {
	if slices.Contains(c.KeyValues[k], v) {
		return true
	}
	if k == "feature" {
		return c.Features[v]
	}
	t := c.Target
	if t == nil {
		return false
	}
	switch k {
	case "target_arch":
		return t.Arch == v
	case "target_os":
		return t.OS == v
	case "target_family":
		return slices.Contains(t.families(), v)
	case "target_env":
		return t.Env == v
	case "target_vendor":
		return t.Vendor == v
	case "target_endian":
		return t.Endian == v
	case "target_abi":
		return t.ABI == v
	case "target_pointer_width":
		return strconv.Itoa(t.PointerWidth) == v
	case "target_has_atomic":
		return slices.Contains(t.HasAtomic, v)
	case "target_feature":
		return slices.Contains(t.TargetFeatures, v)
	case "panic":
		return t.panicStrategy() == v
	}
	return false
}

// Enabled reports whether code carrying attrs may be compiled: false if
// some #[cfg(p)] among attrs — including those produced by cfg_attr
// (see ExpandCfgAttr) — has a false predicate; code under an unknown
// condition is enabled (see Condition for the condition itself). A
// malformed cfg counts as true (the code is still audited) and is
// described in the error, which joins one *syntax.Error per problem.
func (c *Config) Enabled(fset *syntax.FileSet, attrs []*syntax.Attr) (bool, error) {
	t, _, err := c.Condition(fset, attrs)
	return t != False, err
}

// ParseAttr parses the predicate of a #[cfg(...)] attribute: its Tokens
// must be one parenthesized group, holding one predicate. Errors are
// *syntax.Error values.
func ParseAttr(fset *syntax.FileSet, a *syntax.Attr) (Expr, error) {
	inner, closing, err := parenArgs(fset, a)
	if err != nil {
		return nil, err
	}
	return parse(fset, inner, closing)
}

// parenArgs returns the tokens inside the single parenthesized group
// that forms a's arguments, and the position of its closing parenthesis.
func parenArgs(fset *syntax.FileSet, a *syntax.Attr) ([]syntax.Token, syntax.Pos, error) {
	name := a.Name()
	toks := a.Tokens
	bad := func(pos syntax.Pos, format string, args ...any) ([]syntax.Token, syntax.Pos, error) {
		return nil, syntax.NoPos, &syntax.Error{Pos: fset.Position(pos), Msg: fmt.Sprintf(format, args...)}
	}
	if len(toks) == 0 || toks[0].Kind != syntax.LParen {
		pos := a.End() - 1 // the closing ]
		if len(toks) > 0 {
			pos = toks[0].Pos
		}
		return bad(pos, "malformed `%s` attribute: expected #[%s(...)]", name, name)
	}
	depth := 0
	for i, t := range toks {
		switch {
		case t.Kind.IsOpen():
			depth++
		case t.Kind.IsClose():
			depth--
			if t.Len == 0 { // inserted by the lexer for a missing closer
				return bad(toks[0].Pos, "unclosed delimiter `(` in `%s` attribute", name)
			}
			if depth == 0 {
				if i != len(toks)-1 {
					return bad(toks[i+1].Pos, "malformed `%s` attribute: unexpected %s after (...)", name, toks[i+1].Kind)
				}
				if t.Kind != syntax.RParen {
					return bad(t.Pos, "mismatched closing delimiter `%s`", t.Kind)
				}
				return toks[1:i], t.Pos, nil
			}
		}
	}
	return bad(toks[0].Pos, "unclosed delimiter `(` in `%s` attribute", name)
}

// maxCfgAttrDepth bounds cfg_attr inside cfg_attr, so hostile nesting
// stays cheap (each level re-parses its arguments).
const maxCfgAttrDepth = 32

// ExpandCfgAttr applies cfg_attr: each #[cfg_attr(pred, a, b(..), c =
// "x")] is replaced by a, b(..) and c = "x" (in place, keeping Inner) if
// pred holds, and dropped otherwise; produced cfg_attr attributes are
// expanded in turn. Other attributes are kept as they are. A malformed
// cfg_attr is dropped and reported (one *syntax.Error each); a malformed
// attribute in its list is left out and reported. Without any cfg_attr,
// attrs itself is returned; otherwise a new slice (attrs is never
// modified).
func (c *Config) ExpandCfgAttr(fset *syntax.FileSet, attrs []*syntax.Attr) ([]*syntax.Attr, []error) {
	if !slices.ContainsFunc(attrs, isCfgAttr) {
		return attrs, nil
	}
	var out []*syntax.Attr
	var errs []error
	for _, a := range attrs {
		out = c.expand(fset, a, 0, out, &errs)
	}
	return out, errs
}

func isCfgAttr(a *syntax.Attr) bool { return a.Doc == "" && a.Name() == "cfg_attr" }

func (c *Config) expand(fset *syntax.FileSet, a *syntax.Attr, depth int, out []*syntax.Attr, errs *[]error) []*syntax.Attr {
	if !isCfgAttr(a) {
		return append(out, a)
	}
	if depth >= maxCfgAttrDepth {
		*errs = append(*errs, &syntax.Error{Pos: fset.Position(a.Pos()), Msg: "cfg_attr nested too deeply"})
		return out
	}
	pred, list, err := splitCfgAttr(fset, a)
	if err != nil {
		*errs = append(*errs, err)
		return out
	}
	if t, _ := c.Partial(pred); t == False {
		// An unknown predicate applies its attributes: the code is
		// analysed as if it held.
		return out
	}
	for _, toks := range list {
		m, err := parseMeta(fset, toks)
		if err != nil {
			*errs = append(*errs, err)
			continue
		}
		m.Inner = a.Inner
		out = c.expand(fset, m, depth+1, out, errs)
	}
	return out
}

// CfgAttrParts parses #[cfg_attr(pred, a, b)] into its predicate and its
// attributes, without evaluating anything.
func CfgAttrParts(fset *syntax.FileSet, a *syntax.Attr) (Expr, []*syntax.Attr, error) {
	pred, list, err := splitCfgAttr(fset, a)
	if err != nil {
		return nil, nil, err
	}
	var attrs []*syntax.Attr
	for _, toks := range list {
		m, err := parseMeta(fset, toks)
		if err != nil {
			return nil, nil, err
		}
		m.Inner = a.Inner
		attrs = append(attrs, m)
	}
	return pred, attrs, nil
}

// splitCfgAttr parses a cfg_attr attribute into its predicate and the
// token lists of its attributes.
func splitCfgAttr(fset *syntax.FileSet, a *syntax.Attr) (Expr, [][]syntax.Token, error) {
	inner, closing, err := parenArgs(fset, a)
	if err != nil {
		return nil, nil, err
	}
	parts, ends := splitCommas(inner, closing)
	if len(parts) == 0 || len(parts[0]) == 0 {
		pos := closing
		if len(inner) > 0 {
			pos = inner[0].Pos
		}
		return nil, nil, &syntax.Error{Pos: fset.Position(pos), Msg: "malformed `cfg_attr` attribute: expected a cfg predicate"}
	}
	pred, err := parse(fset, parts[0], ends[0])
	if err != nil {
		return nil, nil, err
	}
	list := parts[1:]
	if n := len(list); n > 0 && len(list[n-1]) == 0 {
		list = list[:n-1] // trailing comma
	}
	for i, p := range list {
		if len(p) == 0 {
			// An empty attribute between two commas: point at the second.
			return nil, nil, &syntax.Error{Pos: fset.Position(ends[i+1]), Msg: "malformed `cfg_attr` attribute: expected an attribute, found `,`"}
		}
	}
	return pred, list, nil
}

// splitCommas splits toks at commas outside delimited groups; a trailing
// comma yields an empty last part. ends[i] is the position of the comma
// ending parts[i], or end for the last part.
func splitCommas(toks []syntax.Token, end syntax.Pos) (parts [][]syntax.Token, ends []syntax.Pos) {
	if len(toks) == 0 {
		return nil, nil
	}
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.Kind.IsOpen():
			depth++
		case t.Kind.IsClose():
			depth--
		case t.Kind == syntax.Comma && depth == 0:
			parts = append(parts, toks[start:i])
			ends = append(ends, t.Pos)
			start = i + 1
		}
	}
	return append(parts, toks[start:]), append(ends, end)
}

// parseMeta builds an attribute from its content tokens.
func parseMeta(fset *syntax.FileSet, toks []syntax.Token) (*syntax.Attr, error) {
	file := fset.File(toks[0].Pos)
	if file == nil {
		return nil, fmt.Errorf("cfg_attr: attribute tokens lie in no file of the file set")
	}
	m, errs := syntax.ParseMeta(file, toks)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if m.Path == nil || len(m.Path.Segments) == 0 {
		return nil, &syntax.Error{Pos: fset.Position(toks[0].Pos), Msg: "malformed attribute in `cfg_attr`"}
	}
	// ParseMeta accepts any token trees after the path; an attribute
	// takes one delimited group or "= value".
	if args := m.Tokens; len(args) > 0 {
		ok := args[0].Kind == syntax.Eq && len(args) > 1 ||
			args[0].Kind.IsOpen() && groupEnd(args) == len(args)-1
		if !ok {
			return nil, &syntax.Error{Pos: fset.Position(args[0].Pos),
				Msg: fmt.Sprintf("malformed attribute `%s` in `cfg_attr`: expected `(`, `[`, `{` or `=` after the path, found %s", m.Name(), tokDesc(fset, args[0]))}
		}
	}
	return m, nil
}

// groupEnd returns the index of the token closing the group that
// toks[0] opens, or -1.
func groupEnd(toks []syntax.Token) int {
	depth := 0
	for i, t := range toks {
		switch {
		case t.Kind.IsOpen():
			depth++
		case t.Kind.IsClose():
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}
