package cfg

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Target describes a compilation target as rustc's conditional
// compilation sees it: the values of the target_* cfg keys.
type Target struct {
	Triple string // e.g. "x86_64-unknown-linux-gnu"
	Arch   string // target_arch: "x86_64", "aarch64", "x86", "arm", "wasm32", ...
	OS     string // target_os: "linux", "macos", "windows", "none", ...
	// Family is the primary target_family: "unix", "windows", "wasm" or
	// "" (none, as for bare-metal and SGX targets). It is Families[0]
	// when Families is set.
	Family string
	Env    string // target_env: "gnu", "musl", "msvc", "" ...
	Vendor string // target_vendor: "unknown", "pc", "apple", ...
	Endian string // target_endian: "little" or "big"
	ABI    string // target_abi: "", "eabihf", "sim", ...
	// PointerWidth is target_pointer_width in bits (16, 32 or 64).
	PointerWidth int
	// HasAtomic lists the target_has_atomic values: "8", "16", "32",
	// "64", "128", "ptr".
	HasAtomic []string
	// Families lists every target_family (wasm32-unknown-emscripten is
	// both "unix" and "wasm"). When empty, Family alone is used.
	Families []string
	// Panic is the default panic strategy ("unwind" or "abort"); empty
	// means "unwind".
	Panic string
	// TargetFeatures lists the target_feature values enabled by default
	// (the stable ones rustc prints for the target's baseline CPU).
	TargetFeatures []string
}

// families returns every family of t.
func (t *Target) families() []string {
	if len(t.Families) > 0 {
		if t.Family != "" && !slices.Contains(t.Families, t.Family) {
			return append(slices.Clip(t.Families), t.Family)
		}
		return t.Families
	}
	if t.Family != "" {
		return []string{t.Family}
	}
	return nil
}

func (t *Target) panicStrategy() string {
	if t.Panic == "" {
		return "unwind"
	}
	return t.Panic
}

// Cfg returns the target's cfg options in the format and order of
// `rustc --print cfg --target <triple>` (without debug_assertions, which
// belongs to the build profile, and without unstable options).
func (t *Target) Cfg() []string {
	var out []string
	kv := func(k, v string) { out = append(out, k+"="+strconv.Quote(v)) }
	kv("panic", t.panicStrategy())
	kv("target_abi", t.ABI)
	kv("target_arch", t.Arch)
	kv("target_endian", t.Endian)
	kv("target_env", t.Env)
	fams := t.families()
	for _, f := range fams {
		kv("target_family", f)
	}
	for _, f := range t.TargetFeatures {
		kv("target_feature", f)
	}
	for _, a := range t.HasAtomic {
		kv("target_has_atomic", a)
	}
	kv("target_os", t.OS)
	kv("target_pointer_width", strconv.Itoa(t.PointerWidth))
	kv("target_vendor", t.Vendor)
	if slices.Contains(fams, "unix") {
		out = append(out, "unix")
	}
	if slices.Contains(fams, "windows") {
		out = append(out, "windows")
	}
	slices.Sort(out)
	return out
}

func (t *Target) clone() *Target {
	c := *t
	c.HasAtomic = slices.Clone(t.HasAtomic)
	c.Families = slices.Clone(t.Families)
	c.TargetFeatures = slices.Clone(t.TargetFeatures)
	return &c
}

// DefaultTriple is the target NewConfig uses when given an empty triple.
const DefaultTriple = "x86_64-unknown-linux-gnu"

// LookupTarget returns a fresh copy (safe to modify) of a built-in
// target. An unknown triple is an error listing the known ones.
func LookupTarget(triple string) (*Target, error) {
	name := triple
	if alias, ok := targetAliases[name]; ok {
		name = alias
	}
	i := slices.IndexFunc(targets, func(t Target) bool { return t.Triple == name })
	if i < 0 {
		return nil, fmt.Errorf("unknown target %q; known targets: %s", triple, strings.Join(Triples(), ", "))
	}
	t := targets[i].clone()
	t.Triple = triple
	return t, nil
}

// Triples returns the sorted names of the built-in targets (aliases
// included).
func Triples() []string {
	names := make([]string, 0, len(targets)+len(targetAliases))
	for _, t := range targets {
		names = append(names, t.Triple)
	}
	for a := range targetAliases {
		names = append(names, a)
	}
	slices.Sort(names)
	return names
}

// targetAliases maps retired or informal triples to built-in ones.
// wasm32-wasi was renamed wasm32-wasip1 (and removed in Rust 1.84).
var targetAliases = map[string]string{
	"wasm32-wasi": "wasm32-wasip1",
}

var (
	atomicUpTo32  = []string{"8", "16", "32", "ptr"}
	atomicUpTo64  = []string{"8", "16", "32", "64", "ptr"}
	atomicUpTo128 = []string{"8", "16", "32", "64", "128", "ptr"}
)

// targets is the built-in target table, generated from
// `rustc --print cfg --target <triple>` (rustc 1.95.0) and checked
// against the installed rustc by TestTargetsMatchRustc.
var targets = []Target{
	{Triple: "x86_64-unknown-linux-gnu", Arch: "x86_64", OS: "linux", Env: "gnu", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "x86_64-unknown-linux-musl", Arch: "x86_64", OS: "linux", Env: "musl", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"crt-static", "fxsr", "sse", "sse2"}},
	{Triple: "aarch64-unknown-linux-gnu", Arch: "aarch64", OS: "linux", Env: "gnu", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"neon"}},
	{Triple: "aarch64-unknown-linux-musl", Arch: "aarch64", OS: "linux", Env: "musl", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"crt-static", "neon"}},
	{Triple: "i686-unknown-linux-gnu", Arch: "x86", OS: "linux", Env: "gnu", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "i686-unknown-linux-musl", Arch: "x86", OS: "linux", Env: "musl", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"crt-static", "fxsr", "sse", "sse2"}},
	{Triple: "armv7-unknown-linux-gnueabihf", Arch: "arm", OS: "linux", Env: "gnu", Vendor: "unknown", ABI: "eabihf", Endian: "little", PointerWidth: 32,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: nil},
	{Triple: "armv7-unknown-linux-musleabihf", Arch: "arm", OS: "linux", Env: "musl", Vendor: "unknown", ABI: "eabihf", Endian: "little", PointerWidth: 32,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"crt-static"}},
	{Triple: "riscv64gc-unknown-linux-gnu", Arch: "riscv64", OS: "linux", Env: "gnu", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"a", "c", "m", "zaamo", "zalrsc", "zca", "zicsr", "zifencei"}},
	{Triple: "riscv64gc-unknown-linux-musl", Arch: "riscv64", OS: "linux", Env: "musl", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"a", "c", "m", "zaamo", "zalrsc", "zca", "zicsr", "zifencei"}},
	{Triple: "powerpc64le-unknown-linux-gnu", Arch: "powerpc64", OS: "linux", Env: "gnu", Vendor: "unknown", ABI: "elfv2", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: nil},
	{Triple: "s390x-unknown-linux-gnu", Arch: "s390x", OS: "linux", Env: "gnu", Vendor: "unknown", ABI: "", Endian: "big", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: nil},
	{Triple: "x86_64-apple-darwin", Arch: "x86_64", OS: "macos", Env: "", Vendor: "apple", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"cmpxchg16b", "fxsr", "sse", "sse2", "sse3", "sse4.1", "ssse3"}},
	{Triple: "aarch64-apple-darwin", Arch: "aarch64", OS: "macos", Env: "", Vendor: "apple", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"aes", "crc", "dit", "dotprod", "dpb", "dpb2", "fcma", "fhm", "flagm", "fp16", "frintts", "jsconv", "lor", "lse", "neon", "paca", "pacg", "pan", "pmuv3", "ras", "rcpc", "rcpc2", "rdm", "sb", "sha2", "sha3", "ssbs", "vh"}},
	{Triple: "aarch64-apple-ios", Arch: "aarch64", OS: "ios", Env: "", Vendor: "apple", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"aes", "neon", "pmuv3", "sha2"}},
	{Triple: "aarch64-apple-ios-sim", Arch: "aarch64", OS: "ios", Env: "sim", Vendor: "apple", ABI: "sim", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"aes", "crc", "dpb", "fcma", "fp16", "jsconv", "lor", "lse", "neon", "paca", "pacg", "pan", "pmuv3", "ras", "rcpc", "rdm", "sha2", "vh"}},
	{Triple: "x86_64-apple-ios", Arch: "x86_64", OS: "ios", Env: "sim", Vendor: "apple", ABI: "sim", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"cmpxchg16b", "fxsr", "sse", "sse2", "sse3", "sse4.1", "ssse3"}},
	{Triple: "x86_64-pc-windows-msvc", Arch: "x86_64", OS: "windows", Env: "msvc", Vendor: "pc", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "windows", Families: []string{"windows"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"cmpxchg16b", "fxsr", "sse", "sse2", "sse3"}},
	{Triple: "i686-pc-windows-msvc", Arch: "x86", OS: "windows", Env: "msvc", Vendor: "pc", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "windows", Families: []string{"windows"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "aarch64-pc-windows-msvc", Arch: "aarch64", OS: "windows", Env: "msvc", Vendor: "pc", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "windows", Families: []string{"windows"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"neon"}},
	{Triple: "x86_64-pc-windows-gnu", Arch: "x86_64", OS: "windows", Env: "gnu", Vendor: "pc", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "windows", Families: []string{"windows"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"cmpxchg16b", "fxsr", "sse", "sse2", "sse3"}},
	{Triple: "i686-pc-windows-gnu", Arch: "x86", OS: "windows", Env: "gnu", Vendor: "pc", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "windows", Families: []string{"windows"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "x86_64-unknown-freebsd", Arch: "x86_64", OS: "freebsd", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "aarch64-unknown-freebsd", Arch: "aarch64", OS: "freebsd", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"neon"}},
	{Triple: "x86_64-unknown-netbsd", Arch: "x86_64", OS: "netbsd", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "x86_64-unknown-openbsd", Arch: "x86_64", OS: "openbsd", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "x86_64-unknown-illumos", Arch: "x86_64", OS: "illumos", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "x86_64-pc-solaris", Arch: "x86_64", OS: "solaris", Env: "", Vendor: "pc", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2"}},
	{Triple: "aarch64-linux-android", Arch: "aarch64", OS: "android", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo128, Panic: "unwind",
		TargetFeatures: []string{"neon"}},
	{Triple: "armv7-linux-androideabi", Arch: "arm", OS: "android", Env: "", Vendor: "unknown", ABI: "eabi", Endian: "little", PointerWidth: 32,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: nil},
	{Triple: "x86_64-linux-android", Arch: "x86_64", OS: "android", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "popcnt", "sse", "sse2", "sse3", "sse4.1", "sse4.2", "ssse3"}},
	{Triple: "i686-linux-android", Arch: "x86", OS: "android", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "unix", Families: []string{"unix"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "sse", "sse2", "sse3", "ssse3"}},
	{Triple: "wasm32-unknown-unknown", Arch: "wasm32", OS: "unknown", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "wasm", Families: []string{"wasm"}, HasAtomic: atomicUpTo64, Panic: "abort",
		TargetFeatures: []string{"bulk-memory", "multivalue", "mutable-globals", "nontrapping-fptoint", "reference-types", "sign-ext"}},
	{Triple: "wasm32-wasip1", Arch: "wasm32", OS: "wasi", Env: "p1", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "wasm", Families: []string{"wasm"}, HasAtomic: atomicUpTo64, Panic: "abort",
		TargetFeatures: []string{"bulk-memory", "crt-static", "multivalue", "mutable-globals", "nontrapping-fptoint", "reference-types", "sign-ext"}},
	{Triple: "wasm32-wasip2", Arch: "wasm32", OS: "wasi", Env: "p2", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "wasm", Families: []string{"wasm"}, HasAtomic: atomicUpTo64, Panic: "abort",
		TargetFeatures: []string{"bulk-memory", "crt-static", "multivalue", "mutable-globals", "nontrapping-fptoint", "reference-types", "sign-ext"}},
	{Triple: "wasm32-unknown-emscripten", Arch: "wasm32", OS: "emscripten", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "unix", Families: []string{"unix", "wasm"}, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"bulk-memory", "crt-static", "multivalue", "mutable-globals", "nontrapping-fptoint", "reference-types", "sign-ext"}},
	{Triple: "x86_64-fortanix-unknown-sgx", Arch: "x86_64", OS: "unknown", Env: "sgx", Vendor: "fortanix", ABI: "fortanix", Endian: "little", PointerWidth: 64,
		Family: "", Families: nil, HasAtomic: atomicUpTo64, Panic: "unwind",
		TargetFeatures: []string{"fxsr", "rdrand", "rdseed", "sse", "sse2"}},
	{Triple: "x86_64-unknown-uefi", Arch: "x86_64", OS: "uefi", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "", Families: nil, HasAtomic: atomicUpTo64, Panic: "abort",
		TargetFeatures: []string{"fxsr"}},
	{Triple: "thumbv6m-none-eabi", Arch: "arm", OS: "none", Env: "", Vendor: "unknown", ABI: "eabi", Endian: "little", PointerWidth: 32,
		Family: "", Families: nil, HasAtomic: nil, Panic: "abort",
		TargetFeatures: nil},
	{Triple: "thumbv7em-none-eabihf", Arch: "arm", OS: "none", Env: "", Vendor: "unknown", ABI: "eabihf", Endian: "little", PointerWidth: 32,
		Family: "", Families: nil, HasAtomic: atomicUpTo32, Panic: "abort",
		TargetFeatures: nil},
	{Triple: "riscv32imac-unknown-none-elf", Arch: "riscv32", OS: "none", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 32,
		Family: "", Families: nil, HasAtomic: atomicUpTo32, Panic: "abort",
		TargetFeatures: []string{"a", "c", "m", "zaamo", "zalrsc", "zca"}},
	{Triple: "aarch64-unknown-none", Arch: "aarch64", OS: "none", Env: "", Vendor: "unknown", ABI: "", Endian: "little", PointerWidth: 64,
		Family: "", Families: nil, HasAtomic: atomicUpTo128, Panic: "abort",
		TargetFeatures: []string{"neon"}},
}
