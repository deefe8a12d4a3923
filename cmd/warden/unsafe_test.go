package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// effectKinds scans a registry crate and counts its effects by kind,
// with the unsafe ones' contexts.
func effectKinds(t *testing.T, args ...string) (map[string]int, []map[string]any) {
	t.Helper()
	out, _ := runOK(t, append([]string{"scan", "--format", "json"}, args...)...)
	var s struct {
		Effects []map[string]any `json:"effects"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range s.Effects {
		kinds[e["kind"].(string)]++
	}
	return kinds, s.Effects
}

// Issue 10: memchr's SIMD code yields its unsafe operations one by one
// (its build script's memchr_runtime_simd cfg is assumed), each inside
// its unsafe block or unsafe fn.
func TestUnsafeOperations(t *testing.T) {
	needCrates(t, "memchr-2.5.0")
	kinds, effects := effectKinds(t, "--no-deps", filepath.Join(registryDir, "memchr-2.5.0"))
	if kinds["unsafe_call"] < 300 || kinds["raw_deref"] < 10 {
		t.Errorf("memchr: %d unsafe_call and %d raw_deref effects, want hundreds of calls and some derefs (kinds %v)",
			kinds["unsafe_call"], kinds["raw_deref"], kinds)
	}
	simd := 0
	for _, e := range effects {
		if e["kind"] != "unsafe_call" {
			continue
		}
		if e["unsafe_context"] == nil {
			t.Errorf("unsafe_call %v at %v:%v has no unsafe_context", e["callee"], e["file"], e["line"])
		}
		if strings.HasPrefix(e["callee"].(string), "std::arch::x86_64::_mm") {
			simd++
		}
	}
	if simd < 100 {
		t.Errorf("memchr: %d calls of SIMD intrinsics, want more than 100", simd)
	}
}

// Issue 10: every forging call is a raw_handle effect at its call site,
// on io-lifetimes' own types as on std's.
func TestForgingSites(t *testing.T) {
	needCrates(t, "io-lifetimes-0.7.2")
	_, effects := effectKinds(t, "--no-deps", filepath.Join(registryDir, "io-lifetimes-0.7.2"))
	own, std := 0, 0
	for _, e := range effects {
		if e["capability"] != "raw_handle" {
			continue
		}
		switch callee := e["callee"].(string); {
		case strings.HasPrefix(callee, "io_lifetimes::"):
			own++
		case strings.HasPrefix(callee, "std::"):
			std++
		}
	}
	if own < 10 || std < 10 {
		t.Errorf("io-lifetimes: %d forging calls on its own types and %d on std's, want dozens of each", own, std)
	}
}
