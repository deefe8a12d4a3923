#!/usr/bin/env bash
# Regenerate the compiler ground truth of the application fixtures:
# truth.txt (every call made by every fn of the app's own crates, from
# nightly MIR) and, for cli, drops.txt (the drop calls the compiler inserts).
# Needs cargo +nightly and Debian's crates in /usr/share/cargo/registry.
# See scripts/mir-calls.sh for the line format.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
S="$here/../../scripts/mir-calls.sh"

# MIR of a build script (cargo has no `rustc` target for it; build.rs of cli
# uses std only). -Zunpretty prints to stdout and writes no file.
build_mir() {
  rustc +nightly --edition 2021 --crate-name build_script_build --crate-type bin \
    build.rs -Zunpretty=mir -Ztrim-diagnostic-paths=no -Zmir-include-spans=yes
}

cd "$here/cli"
{
  "$S" --mir . --bin cli | "$S" cli
  "$S" --mir . --bin tool | "$S" tool
  build_mir | "$S" build_script_build
} | LC_ALL=C sort -u > truth.txt
{
  "$S" --mir . --bin cli | "$S" --drops cli
  "$S" --mir . --bin tool | "$S" --drops tool
  build_mir | "$S" --drops build_script_build
} | awk -F'\t' '$2 ~ /^drop\(/' | LC_ALL=C sort -u > drops.txt

cd "$here/hostname_user"
"$S" --mir . --bin hostname_user | "$S" hostname_user | LC_ALL=C sort -u > truth.txt

cd "$here/twoversions"
"$S" --mir . --lib | "$S" twoversions | LC_ALL=C sort -u > truth.txt

wc -l "$here"/*/truth.txt "$here"/cli/drops.txt
