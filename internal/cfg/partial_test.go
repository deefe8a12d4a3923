package cfg

import (
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

func parsePred(t *testing.T, src string) Expr {
	t.Helper()
	fset := syntax.NewFileSet()
	f := fset.AddFile("p.rs", src)
	toks, errs := syntax.Lex(f)
	if len(errs) > 0 {
		t.Fatalf("lex %q: %v", src, errs)
	}
	e, err := Parse(fset, toks)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return e
}

func TestPartial(t *testing.T) {
	host, err := NewConfig("", map[string]bool{"std": true})
	if err != nil {
		t.Fatal(err)
	}
	host.Maybe = &Maybe{}
	host.Maybe.Add("openssl", "", false, false)
	host.Maybe.Add("osslconf", "OPENSSL_NO_SSL3", true, false)
	host.Maybe.Add("feature", "specialize", true, false)
	host.Maybe.Add("version", "", false, true)
	all, err := NewConfig(AllTargets, map[string]bool{"std": true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		conf *Config
		pred string
		want Truth
		cond string // residual for Unknown
	}{
		{host, `unix`, True, ""},
		{host, `windows`, False, ""},
		{host, `openssl`, Unknown, "openssl"},
		{host, `not(openssl)`, Unknown, "not(openssl)"},
		{host, `not(not(openssl))`, Unknown, "openssl"},
		{host, `all(unix, openssl)`, Unknown, "openssl"},
		{host, `all(windows, openssl)`, False, ""},
		{host, `any(unix, openssl)`, True, ""},
		{host, `any(windows, openssl)`, Unknown, "openssl"},
		{host, `all(feature = "std", any(openssl, osslconf = "OPENSSL_NO_SSL3"))`, Unknown, `any(openssl, osslconf = "OPENSSL_NO_SSL3")`},
		{host, `osslconf = "OPENSSL_NO_OTHER"`, False, ""},
		{host, `feature = "specialize"`, Unknown, `feature = "specialize"`},
		{host, `feature = "std"`, True, ""},
		{host, `version = "1.2"`, Unknown, `version = "1.2"`},
		{host, `docsrs`, False, ""},
		{all, `unix`, Unknown, "unix"},
		{all, `all(unix, not(target_os = "macos"))`, Unknown, `all(unix, not(target_os = "macos"))`},
		{all, `any(windows, feature = "std")`, True, ""},
		{all, `all(windows, feature = "nope")`, False, ""},
		{all, `target_pointer_width = "64"`, Unknown, `target_pointer_width = "64"`},
		{all, `test`, False, ""},
		{all, `debug_assertions`, True, ""},
	}
	for _, c := range cases {
		got, res := c.conf.Partial(parsePred(t, c.pred))
		if got != c.want {
			t.Errorf("%s: Partial(%s) = %v, want %v", c.conf.Target.Triple, c.pred, got, c.want)
			continue
		}
		if got == Unknown && res.String() != c.cond {
			t.Errorf("%s: Partial(%s) residual = %s, want %s", c.conf.Target.Triple, c.pred, res, c.cond)
		}
		if c.conf.Eval(parsePred(t, c.pred)) != (c.want == True) {
			t.Errorf("Eval(%s) disagrees with Partial", c.pred)
		}
	}
}

func TestAnd(t *testing.T) {
	a, b := parsePred(t, "unix"), parsePred(t, "openssl")
	if got := And(nil, nil); got != nil {
		t.Errorf("And(nil, nil) = %v", got)
	}
	if got := And(a, nil).String(); got != "unix" {
		t.Errorf("And(a, nil) = %s", got)
	}
	if got := And(And(a, b), a).String(); got != "all(unix, openssl)" {
		t.Errorf("And dedup = %s", got)
	}
}
