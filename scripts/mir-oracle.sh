#!/usr/bin/env bash
# Compiler ground truth for Warden's call resolution on registry crates:
# for each NAME-VERSION (default list testdata/oracle/crates.txt), build the
# crate's library MIR with nightly, offline, and write
# testdata/oracle/NAME-VERSION.mir.tsv: one line per call of the crate's own
# fn bodies, `caller TAB callee TAB file:line`, file relative to the crate
# dir, sorted (format: scripts/mir-calls.sh). cmd/warden's TestRustcOracle
# compares `warden debug calls --no-deps` with these files.
#
# Usage: scripts/mir-oracle.sh [NAME-VERSION...]
#
# How: a throwaway wrapper project depending on `NAME = "=VERSION"` (default
# features), with a .cargo/config.toml replacing crates.io by Debian's
# /usr/share/cargo/registry and a Cargo.lock generated offline, then
#   scripts/mir-calls.sh --mir WRAPPER -p NAME --lib
#     | scripts/mir-calls.sh --root /usr/share/cargo/registry/NAME-VERSION NAME
# CRATE is the library name (`same_file` for same-file). Only lines whose
# file is inside the crate are kept (calls written by std or dependency
# macros point at those macros' sources), and lines that are not calls are
# dropped: mir-calls.sh reads a fn-pointer cast (`f as for fn(..)
# (PointerCoercion(ReifyFnPointer))`, `move _5 as std::boxed::Box<..>`,
# `const ZeroSized: {closure..} as fn`, `discriminant(..)`) as one because of
# its `->`. Target: the host
# (x86_64-unknown-linux-gnu), as Warden's default.
#
# Crates: which-4.2.5 dirs-sys-0.3.7 walkdir-2.3.2 same-file-1.0.6
# tempfile-3.3.0 hostname-0.3.1 ctrlc-3.2.3 notify-5.0.0 ureq-2.6.2
# memchr-2.5.0 sd-notify-0.4.1 http-body-0.4.5 tokio-stream-0.1.9 tokio-util-0.7.3
# futures-lite-1.12.0: all build offline with nightly 2026-05 (cargo 1.97.0-nightly).
# Not used: fd-lock (not installed in the registry).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
S="$here/scripts/mir-calls.sh"
reg=/usr/share/cargo/registry
out="$here/testdata/oracle"

if [[ $# -eq 0 ]]; then
  mapfile -t crates < <(grep -v '^\s*\(#\|$\)' "$out/crates.txt")
else
  crates=("$@")
fi

# A primitive type's inherent method, which rustc prints by its impl
# (`core::slice::<impl [u8]>::iter`, `std::ptr::const_ptr::<impl *const u8>::add`,
# `core::num::<impl u32>::wrapping_add`) and mir-calls.sh would cut to
# `core::slice::iter`, becomes PRIMITIVE::method, the primitive named as in
# std's docs: `slice::iter`, `array::map`, `str::len`, `pointer::add`,
# `u32::wrapping_add`.
#
# mir-calls.sh skips const and static bodies; the calls in their
# initializers (`static IS_TEST: Lazy<..> = Lazy::new(..)`) are calls
# written in the crate all the same, so their headers are made fn headers
# first (`fn ureq::is_test::IS_TEST() -> T {`; associated consts of an
# `<impl at ..>` stay skipped).
prims() {
  perl -pe 's/^(?:const|static(?: mut)?) ((?:(?!<impl at)\S)+): (.*) = \{$/fn $1() -> $2 {/;
    s{\b(?:core|std|alloc)::[\w:]*?::<impl ((?:[^<>]|<[^<>]*>)*)>::}{
    my ($all, $t) = ($&, $1);
    $t =~ /^\[.*;.*\]$/ ? "array::" : $t =~ /^\[/ ? "slice::" : $t =~ /^\*(const|mut) / ? "pointer::" :
      $t =~ /^(str|char|bool|[iu](8|16|32|64|128|size)|f(16|32|64|128))$/ ? "${t}::" : $all
  }ge'
}

# mir-calls.sh prefixes CRATE:: to every path whose first segment starts
# some body's name; a crate's impl of its trait for a foreign type
# (notify: `impl EventHandler for crossbeam_channel::Sender<..>`, for
# `std::sync::mpsc::Sender<..>`) makes `crossbeam_channel` and `std` such
# segments, and a module named like a dependency (notify's `mod inotify`
# and the inotify crate) is ambiguous. unprefix CRATE DIR LOCK takes the
# prefix off again before X:: when X is std/core/alloc or a package of the
# lock file, unless X is a module of the crate (a `mod X` in its sources)
# and the item after it (`CRATE::X::Item`) names a body of the crate.
unprefix() {
  python3 -c '
import re, sys, os
crate, src, lock = sys.argv[1:4]
deps = {"std", "core", "alloc"}
for m in re.finditer(r"^name = \"([^\"]+)\"", open(lock).read(), re.M):
    deps.add(m.group(1).replace("-", "_"))
mods = set()
for dp, _, fs in os.walk(src):
    for f in fs:
        if f.endswith(".rs"):
            for m in re.finditer(r"\bmod\s+(\w+)", open(os.path.join(dp, f), errors="replace").read()):
                mods.add(m.group(1))
lines = [l.rstrip("\n").split("\t") for l in sys.stdin]
tok = re.compile(r"\b%s::(\w+)::(\w+)" % re.escape(crate))
def fix(text, callers):
    def rep(m):
        x, item = m.group(1), m.group(2)
        if x not in deps:
            return m.group(0)
        if x in mods and re.search(r"\b%s::%s::%s\b(?!::\w+::)" % (crate, x, item), callers):
            return m.group(0)
        return x + "::" + item
    return tok.sub(rep, text)
callers = "\n".join(l[0] for l in lines)
fixed_callers = fix(callers, callers)
for l in lines:
    print("\t".join([fix(l[0], callers), fix(l[1], fixed_callers)] + l[2:]))
' "$@"
}

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail=0
for nv in "${crates[@]}"; do
  name="${nv%-*}" ver="${nv##*-}"
  [[ -d "$reg/$nv" ]] || { echo "$nv: not in $reg" >&2; fail=1; continue; }
  w="$work/$nv"
  mkdir -p "$w/src" "$w/.cargo"
  cat > "$w/Cargo.toml" <<TOML
[package]
name = "oracle-wrapper"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$name = "=$ver"
TOML
  : > "$w/src/lib.rs"
  cat > "$w/.cargo/config.toml" <<TOML
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$reg"

[net]
offline = true
TOML
  if ! ( cd "$w" && cargo +nightly generate-lockfile --offline -q ) 2> "$w/err" ||
     ! "$S" --mir "$w" -p "$name" --lib > "$w/mir" 2>> "$w/err"; then
    echo "$nv: build failed:" >&2; tail -20 "$w/err" >&2; fail=1; continue
  fi
  prims < "$w/mir" | "$S" --root "$reg/$nv" "${name//-/_}" |
    unprefix "${name//-/_}" "$reg/$nv" "$w/Cargo.lock" |
    awk -F'\t' '$3 !~ /^[\/$]/ && $2 !~ / as (for |std::boxed::Box)/ && $2 !~ /^(move|copy|no_retag|const) / &&
      $2 !~ /^(move|copy|&|&mut|discriminant)$/' |
    LC_ALL=C sort -u > "$out/$nv.mir.tsv"
  echo "$nv: $(wc -l < "$out/$nv.mir.tsv") calls" >&2
done
exit $fail
