package deps

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	valid := []struct{ in, out string }{
		{"0.0.0", "0.0.0"},
		{"1.2.3", "1.2.3"},
		{"10.20.30", "10.20.30"},
		{"1.0.0-alpha", "1.0.0-alpha"},
		{"1.0.0-alpha.1", "1.0.0-alpha.1"},
		{"1.0.0-0.3.7", "1.0.0-0.3.7"},
		{"1.0.0-x-y-z.--", "1.0.0-x-y-z.--"},
		{"1.0.0+20130313144700", "1.0.0+20130313144700"},
		{"1.0.0-beta+exp.sha.5114f85", "1.0.0-beta+exp.sha.5114f85"},
		{"1.0.0+001", "1.0.0+001"}, // leading zeros are allowed in build metadata
		{"18446744073709551615.0.0", "18446744073709551615.0.0"},
	}
	for _, tc := range valid {
		v, err := ParseVersion(tc.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", tc.in, err)
			continue
		}
		if v.String() != tc.out {
			t.Errorf("ParseVersion(%q) = %s", tc.in, v)
		}
	}
	invalid := []string{
		"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01",
		"1.2.3-a..b", "1.2.3+", "1.2.3+a..b", "1.2.*", "*", "v1.2.3", "1.2.3 ", " 1.2.3",
		"1.2.3-é", "18446744073709551616.0.0", "a.b.c", "1.2.3-alpha_beta",
		strings.Repeat("1", 2000) + ".0.0",
	}
	for _, in := range invalid {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %s, want an error", in, v)
		}
	}
}

// TestVersionOrder checks precedence on the ordering the SemVer
// specification gives as its example, plus numeric comparisons that
// string comparison would get wrong.
func TestVersionOrder(t *testing.T) {
	order := []string{
		"0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0", "2.0.0",
	}
	for i := range order {
		for j := range order {
			a, _ := ParseVersion(order[i])
			b, _ := ParseVersion(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	a, _ := ParseVersion("1.0.0+a")
	b, _ := ParseVersion("1.0.0+b")
	if a.Compare(b) != 0 {
		t.Error("build metadata takes part in precedence")
	}
}

func TestReqMatches(t *testing.T) {
	tests := []struct {
		req      string
		match    []string
		mismatch []string
	}{
		// Caret, written or not.
		{"1.2.3", []string{"1.2.3", "1.2.4", "1.9.0"}, []string{"1.2.2", "2.0.0", "0.9.0", "2.0.0-alpha"}},
		{"^1.2.3", []string{"1.2.3", "1.99.99"}, []string{"2.0.0", "1.2.2"}},
		{"^1.2", []string{"1.2.0", "1.3.0"}, []string{"1.1.9", "2.0.0"}},
		{"^1", []string{"1.0.0", "1.9.9"}, []string{"0.9.9", "2.0.0"}},
		{"^0.2.3", []string{"0.2.3", "0.2.9"}, []string{"0.3.0", "0.2.2"}},
		{"0.2", []string{"0.2.0", "0.2.139"}, []string{"0.3.0", "0.1.9"}},
		{"^0.0.3", []string{"0.0.3"}, []string{"0.0.4", "0.0.2"}},
		{"^0.0", []string{"0.0.0", "0.0.9"}, []string{"0.1.0"}},
		{"^0", []string{"0.0.0", "0.9.9"}, []string{"1.0.0"}},
		{"^0.1", []string{"0.1.0", "0.1.5"}, []string{"0.2.0"}},
		// Tilde.
		{"~1.2.3", []string{"1.2.3", "1.2.9"}, []string{"1.3.0", "1.2.2"}},
		{"~1.2", []string{"1.2.0", "1.2.9"}, []string{"1.3.0", "1.1.0"}},
		{"~1", []string{"1.0.0", "1.9.0"}, []string{"2.0.0", "0.9.0"}},
		{"~0.2.3", []string{"0.2.3", "0.2.9"}, []string{"0.3.0"}},
		// Exact.
		{"=1.2.3", []string{"1.2.3", "1.2.3+build"}, []string{"1.2.4", "1.2.2"}},
		{"=1.2", []string{"1.2.0", "1.2.9"}, []string{"1.3.0", "1.1.0"}},
		{"=1", []string{"1.0.0", "1.9.0"}, []string{"2.0.0"}},
		// Comparisons with full and partial versions.
		{">1.2.3", []string{"1.2.4", "2.0.0"}, []string{"1.2.3", "1.0.0"}},
		{">1.2", []string{"1.3.0"}, []string{"1.2.9", "1.2.0"}},
		{">1", []string{"2.0.0"}, []string{"1.9.9"}},
		{">=1.2.3", []string{"1.2.3", "5.0.0"}, []string{"1.2.2"}},
		{">=1.2", []string{"1.2.0"}, []string{"1.1.9"}},
		{"<1.2.3", []string{"1.2.2", "0.1.0"}, []string{"1.2.3", "1.3.0"}},
		{"<1.2", []string{"1.1.9"}, []string{"1.2.0"}},
		{"<1", []string{"0.9.9"}, []string{"1.0.0"}},
		{"<=1.2.3", []string{"1.2.3", "1.0.0"}, []string{"1.2.4"}},
		{"<=1.2", []string{"1.2.9", "1.0.0"}, []string{"1.3.0"}},
		{"<=1", []string{"1.9.9"}, []string{"2.0.0"}},
		// Wildcards.
		{"*", []string{"0.0.1", "1.0.0", "99.0.0"}, []string{"1.0.0-alpha"}},
		{"", []string{"0.1.0", "3.0.0"}, []string{"3.0.0-rc.1"}},
		{"1.*", []string{"1.0.0", "1.9.9"}, []string{"2.0.0", "0.9.0"}},
		{"1.x", []string{"1.5.0"}, []string{"2.0.0"}},
		{"1.2.*", []string{"1.2.0", "1.2.9"}, []string{"1.3.0"}},
		{"1.2.X", []string{"1.2.7"}, []string{"1.3.0"}},
		{"0.*", []string{"0.1.0", "0.9.0"}, []string{"1.0.0"}},
		{"=1.*", []string{"1.3.0"}, []string{"2.0.0"}},
		// Conjunctions.
		{">= 1.2, < 1.5", []string{"1.2.0", "1.4.9"}, []string{"1.5.0", "1.1.0"}},
		{">=0.3,<0.5", []string{"0.3.0", "0.4.9"}, []string{"0.5.0"}},
		{"^1.2, !=", nil, nil}, // invalid; see TestParseReqErrors
		{"~1.2.3, <1.2.5", []string{"1.2.4"}, []string{"1.2.5"}},
		// Pre-releases match only a comparator naming one of the same
		// major.minor.patch.
		{"^1.2.3-alpha", []string{"1.2.3-alpha", "1.2.3-beta", "1.2.3", "1.5.0"}, []string{"1.2.4-alpha", "1.2.3-0", "2.0.0"}},
		{"=1.2.3-rc.1", []string{"1.2.3-rc.1"}, []string{"1.2.3-rc.2", "1.2.3"}},
		{">=1.2.3-alpha, <2", []string{"1.2.3-beta", "1.9.0"}, []string{"1.5.0-alpha", "2.0.0-alpha"}},
		{">1.0.0-alpha", []string{"1.0.0-beta", "1.0.0"}, []string{"1.0.0-alpha", "1.0.1-beta"}},
		{"<1.0.0", []string{"0.9.0"}, []string{"1.0.0-rc.1"}},
		{"~1.2.3-beta", []string{"1.2.3-beta", "1.2.3-beta.2", "1.2.9"}, []string{"1.2.3-alpha", "1.3.0"}},
	}
	for _, tc := range tests {
		r, err := ParseReq(tc.req)
		if err != nil {
			if tc.match != nil || tc.mismatch != nil {
				t.Errorf("ParseReq(%q): %v", tc.req, err)
			}
			continue
		}
		if tc.match == nil && tc.mismatch == nil {
			t.Errorf("ParseReq(%q) accepted an invalid requirement", tc.req)
		}
		for _, s := range tc.match {
			if v := mustVersion(t, s); !r.Matches(v) {
				t.Errorf("%q does not match %s", tc.req, s)
			}
		}
		for _, s := range tc.mismatch {
			if v := mustVersion(t, s); r.Matches(v) {
				t.Errorf("%q matches %s", tc.req, s)
			}
		}
	}
}

func TestParseReqErrors(t *testing.T) {
	for _, in := range []string{
		",", "1.2,", ",1.2", "1.2,,1.3", ">", ">=", "^", "~", "=", "!=1.2", "1.2.3.4", "1.2.3-", "01.2",
		"1.*.3", "1.x.3", ">=*", "^*", "a", "1 .2", "1.2.3 - 2.0.0", "1.2.3 || 2", "1.2-alpha", "1+build",
		"1.2.3-01", "v1", "1.0.0-alpha..1", strings.Repeat("1.", 600) + "1",
	} {
		if r, err := ParseReq(in); err == nil {
			t.Errorf("ParseReq(%q) = %+v, want an error", in, r.terms)
		}
	}
	// Whitespace around operators and terms is accepted.
	for _, in := range []string{" >= 1.2 , < 2 ", "= 1.2.3", "^ 1", "  ", "*"} {
		if _, err := ParseReq(in); err != nil {
			t.Errorf("ParseReq(%q): %v", in, err)
		}
	}
}

func mustVersion(t *testing.T, s string) Version {
	t.Helper()
	v, err := ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzSemver: parsing never panics, a parsed version prints back to
// itself, and matching never panics.
func FuzzSemver(f *testing.F) {
	for _, s := range []string{"1.2.3", "^0.2", ">= 1.2, < 1.5", "1.*", "~1.2.3-beta.1+x", "*", "=1.0.0-rc.1"} {
		f.Add(s, "1.2.3-alpha.1")
	}
	f.Fuzz(func(t *testing.T, req, ver string) {
		r, rerr := ParseReq(req)
		v, verr := ParseVersion(ver)
		if verr == nil {
			again, err := ParseVersion(v.String())
			if err != nil || again.Compare(v) != 0 || again.String() != v.String() {
				t.Fatalf("%q: round trip gives %q (%v)", ver, again, err)
			}
		}
		if rerr == nil && verr == nil {
			r.Matches(v)
		}
	})
}
