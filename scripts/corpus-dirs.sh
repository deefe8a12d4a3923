#!/usr/bin/env bash
# Print the absolute /usr/share/cargo/registry directory of each crate listed in
# testdata/corpus/crates.txt, one per line, in list order. When several
# versions of a crate are installed, the highest version is printed. '-' and
# '_' in crate names are treated as equivalent; the on-disk name is printed.
# Exits non-zero, naming the crates, if any listed crate is not installed.
#
# Usage: scripts/corpus-dirs.sh [path/to/crates.txt]
# Env:   CARGO_REGISTRY overrides /usr/share/cargo/registry.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="${1:-$here/../testdata/corpus/crates.txt}"
registry="${CARGO_REGISTRY:-/usr/share/cargo/registry}"
[[ -r "$list" ]] || { echo "corpus-dirs: cannot read $list" >&2; exit 1; }
[[ -d "$registry" ]] || { echo "corpus-dirs: registry $registry not found; run scripts/install-corpus.sh" >&2; exit 1; }

# Map normalized crate name ('_' -> '-', lowercase) to the on-disk directory
# of its highest installed version. Directory names are <crate>-<version>;
# crate names may themselves contain '-', so split before the version number.
declare -A best=()
while IFS=$'\t' read -r key _ dir; do
  best["$key"]="$dir"   # input is sorted by version, so the last one wins
done < <(
  for d in "$registry"/*/; do
    d="${d%/}"; b="${d##*/}"
    if [[ "$b" =~ ^(.+)-([0-9]+\.[0-9]+\.[0-9]+.*)$ ]]; then
      n="${BASH_REMATCH[1],,}"
      printf '%s\t%s\t%s\n' "${n//_/-}" "${BASH_REMATCH[2]}" "$b"
    fi
  done | sort -t$'\t' -k1,1 -k2,2V
)

missing=()
out=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line%%#*}"
  read -r crate _ <<<"$line" || true
  [[ -z "${crate:-}" ]] && continue
  key="${crate,,}"; key="${key//_/-}"
  if [[ -n "${best[$key]:-}" ]]; then
    out+=("$registry/${best[$key]}")
  else
    missing+=("$crate")
  fi
done <"$list"

if ((${#missing[@]} > 0)); then
  echo "corpus-dirs: ${#missing[@]} listed crate(s) not installed in $registry: ${missing[*]}" >&2
  echo "corpus-dirs: run scripts/install-corpus.sh" >&2
  exit 1
fi
printf '%s\n' "${out[@]}"
