#!/usr/bin/env bash
# Install the Rust crate test corpus listed in testdata/corpus/crates.txt from
# Debian packages (librust-<name>-dev). Sources land in
# /usr/share/cargo/registry/<crate>-<version>/.
#
# Idempotent: if every package is already installed, apt is not invoked.
# Usage: scripts/install-corpus.sh [path/to/crates.txt]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="${1:-$here/../testdata/corpus/crates.txt}"
[[ -r "$list" ]] || { echo "install-corpus: cannot read $list" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive

# crate name -> Debian package name (lowercase, '_' -> '-').
pkgs=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line%%#*}"
  read -r crate _ <<<"$line" || true
  [[ -z "${crate:-}" ]] && continue
  crate="${crate,,}"
  pkgs+=("librust-${crate//_/-}-dev")
done <"$list"

if ((${#pkgs[@]} == 0)); then
  echo "install-corpus: no crates listed in $list" >&2
  exit 1
fi

# Which packages are not yet installed? (one dpkg-query call for speed)
declare -A installed=()
while IFS=$'\t' read -r name status; do
  if [[ "$status" == "installed" ]]; then installed["$name"]=1; fi
done < <(dpkg-query -W -f='${Package}\t${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null || true)
missing=()
for p in "${pkgs[@]}"; do
  [[ -n "${installed[$p]:-}" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-corpus: all ${#pkgs[@]} corpus packages already installed"
  exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-corpus: need root or sudo" >&2; exit 1; }
  SUDO=(sudo -E)
fi

# Refresh package lists only if they look absent (no install candidate).
# (Capture first: `grep -q` on a pipe would SIGPIPE apt-cache under pipefail.)
policy="$(apt-cache policy librust-libc-dev 2>/dev/null || true)"
if [[ "$policy" != *"Candidate: "[0-9]* ]]; then
  echo "install-corpus: package lists look absent/stale; running apt-get update"
  "${SUDO[@]}" apt-get update -qq
fi

echo "install-corpus: installing ${#missing[@]} of ${#pkgs[@]} packages"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
