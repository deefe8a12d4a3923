package deps

import (
	"fmt"
	"strings"

	"github.com/wardenrs/warden/internal/cfg"
	"github.com/wardenrs/warden/internal/syntax"
)

// platform decides which [target.X] dependency tables apply.
type platform struct {
	triple string      // AllTargets keeps every table
	conf   *cfg.Config // nil for AllTargets
	memo   map[string]bool
	notef  func(format string, args ...any)
}

func newPlatform(triple string, notef func(string, ...any)) (*platform, error) {
	p := &platform{triple: triple, memo: map[string]bool{}, notef: notef}
	if triple == AllTargets {
		return p, nil
	}
	conf, err := cfg.NewConfig(triple, nil)
	if err != nil {
		return nil, fmt.Errorf("deps: %w", err)
	}
	// Cargo evaluates these keys against rustc's target cfg: no
	// features, and a build profile plays no part in dependency
	// selection.
	conf.DebugAssertions = false
	p.conf = conf
	return p, nil
}

// holds reports whether the dependency table key of a [target.key]
// section applies: "" always does; a triple when it is the target's; a
// cfg(...) expression when it holds for the target. A key Warden cannot
// read is kept (with a note): auditing too much beats missing code.
func (p *platform) holds(key string) bool {
	if key == "" || p.conf == nil {
		return true
	}
	if v, ok := p.memo[key]; ok {
		return v
	}
	v := p.eval(key)
	p.memo[key] = v
	return v
}

func (p *platform) eval(key string) bool {
	k := strings.TrimSpace(key)
	inner, ok := strings.CutPrefix(k, "cfg(")
	if !ok {
		return k == p.triple
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		p.notef("target key %q: missing closing parenthesis; its dependencies are kept", key)
		return true
	}
	e, err := parseCfg(inner)
	if err != nil {
		p.notef("target key %q: %v; its dependencies are kept", key, err)
		return true
	}
	return p.conf.Eval(e)
}

// parseCfg parses the predicate inside cfg( ... ) with internal/cfg.
func parseCfg(src string) (cfg.Expr, error) {
	fset := syntax.NewFileSet()
	f, err := fset.TryAddFile("Cargo.toml", src)
	if err != nil {
		return nil, err
	}
	toks, errs := syntax.Lex(f)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return cfg.Parse(fset, toks)
}
