package cfg

import (
	"errors"
	"slices"
	"strings"

	"github.com/wardenrs/warden/internal/syntax"
)

// Truth is the value of a predicate when some options are unknown: a
// build script may set a cfg, or "--target all" leaves every target
// option open. Code under an Unknown condition is analysed, and what is
// found there carries the condition.
type Truth uint8

// Truth values.
const (
	False Truth = iota
	True
	Unknown
)

func (t Truth) String() string { return [...]string{"false", "true", "unknown"}[t] }

// AllTargets is the target name under which every target option (unix,
// windows, target_os, target_arch, ...) is unknown.
const AllTargets = "all"

// targetKeys are the cfg keys that describe the target, unknown under
// AllTargets.
var targetKeys = map[string]bool{
	"target_arch": true, "target_os": true, "target_family": true, "target_env": true,
	"target_vendor": true, "target_endian": true, "target_abi": true, "target_pointer_width": true,
	"target_has_atomic": true, "target_feature": true, "panic": true,
}

// Maybe lists options that may hold without Warden knowing whether they
// do: those a build script may print (cargo:rustc-cfg=...).
type Maybe struct {
	Names    map[string]bool            // bare options: openssl
	Values   map[string]map[string]bool // key = "value" options: osslconf = "OPENSSL_NO_SSL3"
	AnyValue map[string]bool            // keys set to values Warden cannot read
	// AnyFeature leaves every feature that is not enabled unknown: code
	// for every feature combination is analysed (an import inventory).
	AnyFeature bool
	// NamePrefixes are bare options known only by the start of their
	// name (a build script printing "libressl{}"); "" matches every
	// option that is not built in.
	NamePrefixes []string
	// ValuePrefixes are key = "value" options whose value is known only
	// by its start, by key; KeyPrefixes keys known only by their start
	// (with any value).
	ValuePrefixes map[string][]string
	KeyPrefixes   []string
}

// builtinNames are bare options rustc and cargo set themselves: a build
// script printing a computed name is not taken to set them.
var builtinNames = map[string]bool{"test": true, "debug_assertions": true, "unix": true, "windows": true,
	"doc": true, "doctest": true, "miri": true, "proc_macro": true, "docsrs": true}

// AddBuildCfg records what buildcfg found a build script may set: a
// name or key (known fully, or only by its start when anyName) with,
// for key = "value" options, a value (known fully, or only by its start
// when anyValue).
func (m *Maybe) AddBuildCfg(name, value string, hasValue, anyName, anyValue bool) {
	switch {
	case anyName && hasValue:
		m.KeyPrefixes = append(m.KeyPrefixes, name)
	case anyName:
		m.NamePrefixes = append(m.NamePrefixes, name)
	case hasValue && anyValue:
		if m.ValuePrefixes == nil {
			m.ValuePrefixes = map[string][]string{}
		}
		m.ValuePrefixes[name] = append(m.ValuePrefixes[name], value)
	default:
		m.Add(name, value, hasValue, false)
	}
}

// Add records a bare option (hasValue false) or a key = "value" option;
// anyValue records a key whose values cannot be known.
func (m *Maybe) Add(name, value string, hasValue, anyValue bool) {
	switch {
	case anyValue:
		if m.AnyValue == nil {
			m.AnyValue = map[string]bool{}
		}
		m.AnyValue[name] = true
	case hasValue:
		if m.Values == nil {
			m.Values = map[string]map[string]bool{}
		}
		if m.Values[name] == nil {
			m.Values[name] = map[string]bool{}
		}
		m.Values[name][value] = true
	default:
		if m.Names == nil {
			m.Names = map[string]bool{}
		}
		m.Names[name] = true
	}
}

func (m *Maybe) name(n string) bool {
	if m == nil {
		return false
	}
	if m.Names[n] {
		return true
	}
	for _, p := range m.NamePrefixes {
		if strings.HasPrefix(n, p) && !builtinNames[n] {
			return true
		}
	}
	return false
}

func (m *Maybe) keyValue(k, v string) bool {
	if m == nil {
		return false
	}
	if m.AnyValue[k] || m.Values[k][v] || m.AnyFeature && k == "feature" {
		return true
	}
	for _, p := range m.ValuePrefixes[k] {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	for _, p := range m.KeyPrefixes {
		if strings.HasPrefix(k, p) && !targetKeys[k] {
			return true
		}
	}
	return false
}

// Partial evaluates e three-valued (Kleene logic). For Unknown it also
// returns the residual predicate: e with every decided operand removed,
// so the condition shown to a reader names only what is open (not(unix)
// rather than all(feature = "std", not(unix)) when std is enabled).
func (c *Config) Partial(e Expr) (Truth, Expr) {
	switch e := e.(type) {
	case nil:
		return True, nil
	case *Bool:
		return boolTruth(e.Value), nil
	case *All:
		var open []Expr
		for _, x := range e.List {
			switch t, r := c.Partial(x); t {
			case False:
				return False, nil
			case Unknown:
				open = append(open, r)
			}
		}
		switch len(open) {
		case 0:
			return True, nil
		case 1:
			return Unknown, open[0]
		}
		return Unknown, &All{At: e.At, List: open}
	case *Any:
		var open []Expr
		for _, x := range e.List {
			switch t, r := c.Partial(x); t {
			case True:
				return True, nil
			case Unknown:
				open = append(open, r)
			}
		}
		switch len(open) {
		case 0:
			return False, nil
		case 1:
			return Unknown, open[0]
		}
		return Unknown, &Any{At: e.At, List: open}
	case *Not:
		switch t, r := c.Partial(e.X); t {
		case True:
			return False, nil
		case False:
			return True, nil
		default:
			if n, ok := r.(*Not); ok {
				return Unknown, n.X
			}
			return Unknown, &Not{At: e.At, X: r}
		}
	case *Name:
		if c.AllTargets && (e.Name == "unix" || e.Name == "windows") {
			return Unknown, e
		}
		if c.name(e.Name) {
			return True, nil
		}
		if c.Maybe.name(e.Name) {
			return Unknown, e
		}
		return False, nil
	case *KeyValue:
		if c.AllTargets && targetKeys[e.Key] {
			return Unknown, e
		}
		if c.keyValue(e.Key, e.Value) {
			return True, nil
		}
		if c.Maybe.keyValue(e.Key, e.Value) {
			return Unknown, e
		}
		return False, nil
	}
	return False, nil
}

func boolTruth(b bool) Truth {
	if b {
		return True
	}
	return False
}

// And returns the conjunction of two conditions (nil means always).
func And(a, b Expr) Expr {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	var list []Expr
	for _, x := range []Expr{a, b} {
		if all, ok := x.(*All); ok {
			list = append(list, all.List...)
		} else {
			list = append(list, x)
		}
	}
	// The same condition twice (nested items under one cfg) says nothing new.
	out := list[:0]
	for _, x := range list {
		if !slices.ContainsFunc(out, func(y Expr) bool { return y.String() == x.String() }) {
			out = append(out, x)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return &All{At: a.Pos(), List: out}
}

// Condition evaluates the cfg attributes among attrs (after cfg_attr)
// three-valued: False if the code is compiled out, True if it is
// compiled, Unknown with the residual condition otherwise. A malformed
// cfg counts as true (the code is still audited) and is described in
// the error, which joins one *syntax.Error per problem.
func (c *Config) Condition(fset *syntax.FileSet, attrs []*syntax.Attr) (Truth, Expr, error) {
	expanded, errs := c.ExpandCfgAttr(fset, attrs)
	truth := True
	var cond Expr
	for _, a := range expanded {
		if a.Doc != "" || a.Name() != "cfg" {
			continue
		}
		e, err := ParseAttr(fset, a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch t, r := c.Partial(e); t {
		case False:
			truth = False
		case Unknown:
			if truth == True {
				truth = Unknown
			}
			cond = And(cond, r)
		}
	}
	if truth != Unknown {
		cond = nil
	}
	return truth, cond, errors.Join(errs...)
}
