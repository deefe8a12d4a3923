package buildcfg

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/syntax"
)

// registryDir holds the crates Debian's librust-*-dev packages install
// (scripts/install-corpus.sh).
const registryDir = "/usr/share/cargo/registry"

var buildKey = regexp.MustCompile(`^\s*build\s*=\s*(.+?)\s*$`)

// buildScriptPath returns the build script of the crate in dir: the
// [package] build key, or build.rs when it exists.
func buildScriptPath(dir string) (string, bool, error) {
	f, err := os.Open(filepath.Join(dir, "Cargo.toml"))
	if err != nil {
		return "", false, fmt.Errorf("reading manifest: %w", err)
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		if section != "[package]" {
			continue
		}
		if m := buildKey.FindStringSubmatch(line); m != nil {
			v := m[1]
			if v == "false" {
				return "", false, nil
			}
			if v == "true" {
				break
			}
			return filepath.Join(dir, strings.Trim(v, `"'`)), true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", false, fmt.Errorf("reading manifest of %s: %w", dir, err)
	}
	p := filepath.Join(dir, "build.rs")
	if _, err := os.Stat(p); err != nil {
		return "", false, nil
	}
	return p, true, nil
}

// loadBuildScript registers the build script root and every file its
// mod items (x.rs, x/mod.rs, #[path]) and include!("...") items load, in
// the order found.
func loadBuildScript(fset *syntax.FileSet, root string) ([]*syntax.File, error) {
	var files []*syntax.File
	seen := map[string]bool{}
	type job struct {
		path   string
		modDir string // where the file's child modules live
	}
	queue := []job{{root, filepath.Dir(root)}}
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		if seen[j.path] {
			continue
		}
		seen[j.path] = true
		src, err := os.ReadFile(j.path)
		if err != nil {
			if len(files) == 0 {
				return nil, fmt.Errorf("reading build script: %w", err)
			}
			continue // a module Debian did not ship, or a cfg'd-out one
		}
		f, err := fset.TryAddFile(j.path, string(src))
		if err != nil {
			return nil, fmt.Errorf("registering %s: %w", j.path, err)
		}
		files = append(files, f)
		sf, _ := syntax.ParseFile(f)
		var walk func(items []syntax.Item, dir string, depth int)
		walk = func(items []syntax.Item, dir string, depth int) {
			if depth > 16 {
				return
			}
			for _, it := range items {
				switch it := it.(type) {
				case *syntax.ModItem:
					if p, ok := pathAttr(f, it.Attrs); ok {
						if it.Inline {
							walk(it.Items, filepath.Join(dir, p), depth+1)
						} else {
							queue = append(queue, job{filepath.Join(filepath.Dir(j.path), p), filepath.Dir(filepath.Join(filepath.Dir(j.path), p))})
						}
						continue
					}
					name := it.Name.Name
					if it.Inline {
						walk(it.Items, filepath.Join(dir, name), depth+1)
						continue
					}
					for _, cand := range []job{
						{filepath.Join(dir, name+".rs"), filepath.Join(dir, name)},
						{filepath.Join(dir, name, "mod.rs"), filepath.Join(dir, name)},
						{filepath.Join(filepath.Dir(j.path), name+".rs"), filepath.Join(filepath.Dir(j.path), name)},
					} {
						if _, err := os.Stat(cand.path); err == nil {
							queue = append(queue, cand)
							break
						}
					}
				case *syntax.MacroItem:
					if it.Mac.Path.String() != "include" || it.Mac.Args == nil || len(it.Mac.Args.Tokens) != 1 {
						continue
					}
					if p, ok := syntax.StringValue(f.Text(it.Mac.Args.Tokens[0])); ok {
						inc := filepath.Join(filepath.Dir(j.path), p)
						queue = append(queue, job{inc, filepath.Dir(inc)})
					}
				}
			}
		}
		walk(sf.Items, j.modDir, 0)
	}
	return files, nil
}

// pathAttr returns the value of a #[path = "..."] attribute.
func pathAttr(f *syntax.File, attrs []*syntax.Attr) (string, bool) {
	for _, a := range attrs {
		if a.Name() == "path" && len(a.Tokens) == 2 && a.Tokens[0].Kind == syntax.Eq {
			if p, ok := syntax.StringValue(f.Text(a.Tokens[1])); ok {
				return p, true
			}
		}
	}
	return "", false
}

// builtinCfgs are the cfg names rustc, Cargo, rustdoc, miri and common
// tools set, which a build script does not need to.
var builtinCfgs = map[string]bool{
	"target_arch": true, "target_os": true, "target_family": true, "target_env": true,
	"target_endian": true, "target_pointer_width": true, "target_vendor": true,
	"target_has_atomic": true, "target_has_atomic_load_store": true,
	"target_has_atomic_equal_alignment": true, "target_feature": true, "target_thread_local": true,
	"target_abi": true, "unix": true, "windows": true, "test": true, "debug_assertions": true,
	"proc_macro": true, "panic": true, "feature": true, "doc": true, "doctest": true, "docsrs": true,
	"miri": true, "relocation_model": true, "sanitize": true, "overflow_checks": true,
	"fmt_debug": true, "ub_checks": true, "contract_checks": true, "rustfmt": true, "clippy": true,
	"version": true, "accessible": true, "sanitizer_cfi_generalize_pointers": true,
	"sanitizer_cfi_normalize_integers": true, "emscripten_wasm_eh": true,
}

// usedCfgNames returns the custom cfg names used by #[cfg(...)],
// #![cfg(...)], cfg!(...) and the predicate of cfg_attr(...) in the .rs
// files under dir other than skip, with one file where each is used.
func usedCfgNames(dir string, skip map[string]bool) (map[string]string, error) {
	used := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(p, ".rs") || skip[p] {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		fset := syntax.NewFileSet()
		f, err := fset.TryAddFile(p, string(src))
		if err != nil {
			return fmt.Errorf("registering %s: %w", p, err)
		}
		toks, _ := syntax.Lex(f)
		for _, name := range cfgNamesIn(f, toks) {
			if !builtinCfgs[name] {
				if _, ok := used[name]; !ok {
					rel, _ := filepath.Rel(dir, p)
					used[name] = rel
				}
			}
		}
		return nil
	})
	return used, err
}

// cfgNamesIn returns the option names in the cfg predicates of a token
// stream.
func cfgNamesIn(f *syntax.File, toks []syntax.Token) []string {
	var names []string
	closeOf := func(open int) int {
		depth := 0
		for j := open; j < len(toks); j++ {
			switch {
			case toks[j].Kind.IsOpen():
				depth++
			case toks[j].Kind.IsClose():
				depth--
				if depth == 0 {
					return j
				}
			}
		}
		return len(toks) - 1
	}
	predicate := func(lo, hi int) {
		for j := lo; j < hi; j++ {
			if toks[j].Kind != syntax.Identifier {
				continue
			}
			if toks[j+1].Kind == syntax.LParen { // all, any, not
				continue
			}
			if j > 0 && (toks[j-1].Kind == syntax.Dollar || toks[j-1].Kind == syntax.Colon) {
				continue // a macro_rules metavariable or fragment specifier
			}
			names = append(names, f.Text(toks[j]))
		}
	}
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].Kind != syntax.Identifier {
			continue
		}
		switch f.Text(toks[i]) {
		case "cfg":
			attr := i >= 2 && toks[i-1].Kind == syntax.LBrack && (toks[i-2].Kind == syntax.Pound || toks[i-2].Kind == syntax.Not)
			if attr && toks[i+1].Kind == syntax.LParen {
				predicate(i+2, closeOf(i+1))
			} else if toks[i+1].Kind == syntax.Not && toks[i+2].Kind == syntax.LParen {
				predicate(i+3, closeOf(i+2))
			}
		case "cfg_attr":
			if toks[i+1].Kind != syntax.LParen {
				continue
			}
			end, depth := closeOf(i+1), 0
			for j := i + 2; j < end; j++ {
				if toks[j].Kind.IsOpen() {
					depth++
				} else if toks[j].Kind.IsClose() {
					depth--
				} else if toks[j].Kind == syntax.Comma && depth == 0 {
					end = j
				}
			}
			predicate(i+2, end)
		}
	}
	return names
}

type crateResult struct {
	crate    string
	cfgs     []Cfg
	used     map[string]string
	steps    int      // work done by Find
	limit    int      // its budget
	found    []string // used and set by an option Find reports by name
	prefixed []string // used and covered only by an AnyName option with a non-empty prefix
	missing  []string
	// mentioned lists the missing names that occur in the build script's
	// text: the likeliest misses of Find (the others are set by RUSTFLAGS
	// or not at all).
	mentioned []string
}

func analyseCrate(dir string) (*crateResult, error) {
	root, ok, err := buildScriptPath(dir)
	if err != nil || !ok {
		return nil, err
	}
	fset := syntax.NewFileSet()
	files, err := loadBuildScript(fset, root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	skip := map[string]bool{}
	for _, f := range files {
		skip[f.Name] = true
	}
	used, err := usedCfgNames(dir, skip)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	cfgs, bud := find(files)
	if bud.exhausted {
		return nil, fmt.Errorf("%s: budget exhausted (%d steps)", dir, bud.steps)
	}
	r := &crateResult{crate: filepath.Base(dir), cfgs: cfgs, used: used, steps: bud.steps, limit: bud.limit}
	names := map[string]bool{}
	var prefixes []string
	for _, c := range r.cfgs {
		if c.AnyName {
			if c.Name != "" {
				prefixes = append(prefixes, c.Name)
			}
			continue
		}
		names[c.Name] = true
	}
	for name := range used {
		switch {
		case names[name]:
			r.found = append(r.found, name)
		case hasAnyPrefix(name, prefixes):
			r.prefixed = append(r.prefixed, name)
		default:
			r.missing = append(r.missing, name)
		}
	}
	for _, m := range r.missing {
		for _, f := range files {
			if strings.Contains(f.Src, m) {
				r.mentioned = append(r.mentioned, m)
				break
			}
		}
	}
	sort.Strings(r.found)
	sort.Strings(r.prefixed)
	sort.Strings(r.missing)
	return r, nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// TestRegistryCoverage runs Find over the build script of every registry
// crate that has one and logs how many of the custom cfg names the
// crate's code uses it finds. Run with -v to see the numbers:
//
//	go test ./internal/buildcfg/ -run TestRegistryCoverage -v
func TestRegistryCoverage(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(registryDir, "*", "Cargo.toml"))
	if len(dirs) == 0 {
		t.Skipf("no crates under %s (run scripts/install-corpus.sh)", registryDir)
	}
	var scripts, withUsed, total, found, prefixed, mentioned int
	maxUse := 0.0
	for _, p := range dirs {
		r, err := analyseCrate(filepath.Dir(p))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if r == nil {
			continue
		}
		scripts++
		if u := float64(r.steps) / float64(r.limit); u > maxUse {
			maxUse = u
		}
		var unknown []string
		for _, c := range r.cfgs {
			if c.AnyName || c.AnyValue {
				unknown = append(unknown, c.String())
			}
		}
		if len(unknown) > 0 {
			t.Logf("%s: %d options, partly unknown: %s", r.crate, len(r.cfgs), strings.Join(unknown, " "))
		}
		if len(r.used) == 0 {
			continue
		}
		withUsed++
		total += len(r.used)
		found += len(r.found)
		prefixed += len(r.prefixed)
		mentioned += len(r.mentioned)
		if len(r.mentioned) > 0 {
			t.Logf("%s: not found although its build script mentions them: %s", r.crate, strings.Join(r.mentioned, ", "))
		}
		if len(r.missing) > 0 {
			var where []string
			for _, m := range r.missing {
				where = append(where, m+" ("+r.used[m]+")")
			}
			t.Logf("%s: %d/%d found; not found: %s", r.crate, len(r.found)+len(r.prefixed), len(r.used), strings.Join(where, ", "))
		}
	}
	t.Logf("crates with build scripts: %d; using custom cfgs: %d; largest share of the step budget used: %.1f%%", scripts, withUsed, 100*maxUse)
	t.Logf("custom cfg names used: %d; found by name: %d; covered by a name prefix: %d; not found: %d (mentioned in the build script: %d)",
		total, found, prefixed, total-found-prefixed, mentioned)
}

// TestRegistryExpected pins Find's exact result for some real build
// scripts.
func TestRegistryExpected(t *testing.T) {
	tests := []struct {
		crate string
		want  string
	}{
		{"openssl-sys-0.9.80", `boringssl openssl const_fn osslconf="*" libressl libressl251 libressl252 libressl261 ` +
			`libressl270 libressl271 libressl273 libressl280 libressl281 libressl291 libressl321 libressl332 ` +
			`libressl340 libressl350 libressl360 libressl370 ossl300 ossl101 ossl102 ossl102f ossl102h ossl110 ` +
			`ossl110f ossl110g ossl110h ossl111 ossl111b ossl111c`},
		{"openssl-0.10.45", `libressl boringssl libressl* osslconf="*" ossl101 ossl102 ossl110 ossl110g ` +
			`ossl110h ossl111 ossl300 libressl251 libressl261 libressl270 libressl271 libressl273 libressl280 ` +
			`libressl291 libressl321 libressl332 libressl340 libressl350 libressl360 libressl361`},
		{"memchr-2.5.0", "memchr_runtime_simd memchr_runtime_sse2 memchr_runtime_sse42 memchr_runtime_avx " +
			"memchr_runtime_wasm128 memchr_libc"},
		{"anyhow-1.0.69", "backtrace anyhow_no_ptr_addr_of anyhow_no_fmt_arguments_as_str"},
		{"ahash-0.7.6", `feature="specialize" feature="stdsimd" feature="runtime-rng" feature="folded_multiply"`},
		{"libc-0.2.139", "freebsd10 freebsd11 freebsd12 freebsd13 freebsd14 libc_deny_warnings " +
			"libc_priv_mod_use libc_union libc_const_size_of libc_align libc_int128 libc_core_cvoid " +
			"libc_packedN libc_cfg_target_vendor libc_non_exhaustive libc_ptr_addr_of " +
			"libc_underscore_const_names libc_thread_local libc_const_extern_fn libc_const_extern_fn_unstable"},
		{"io-lifetimes-0.7.2", "rustc_attrs panic_in_const_fn"},
		{"rustix-0.35.12", "rustc_attrs const_raw_ptr_deref core_ffi_c core_c_str alloc_c_string libc linux_raw " +
			"core_intrinsics asm naked_functions asm_experimental_arch thumb_mode"},
		{"value-bag-1.0.0-alpha.9", "value_bag_capture_const_type_id value_bag_capture_ctor value_bag_capture_fallback"},
		{"atomic-0.5.1", "has_atomic_u8 has_atomic_i8 has_atomic_u16 has_atomic_i16 has_atomic_u32 has_atomic_i32 " +
			"has_atomic_u64 has_atomic_i64 has_atomic_u128 has_atomic_i128"},
		{"indexmap-1.9.2", "has_std"},
	}
	for _, tt := range tests {
		t.Run(tt.crate, func(t *testing.T) {
			dir := filepath.Join(registryDir, tt.crate)
			if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
				t.Skipf("%s not installed (run scripts/install-corpus.sh)", dir)
			}
			r, err := analyseCrate(dir)
			if err != nil || r == nil {
				t.Fatalf("analysing %s: %v (nil result: %v)", dir, err, r == nil)
			}
			var got []string
			for _, c := range r.cfgs {
				got = append(got, c.String())
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got  %s\nwant %s", g, tt.want)
			}
		})
	}
}
