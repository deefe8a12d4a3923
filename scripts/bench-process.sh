#!/usr/bin/env bash
# Measures Warden as whole processes against syn 1.0's parse time of the
# same files, in one run on this machine, and prints a table:
#
#  1. "warden debug parse-stats REGISTRY": one process over every .rs file
#     of the registry (wall time, best of $RUNS), against syn parsing the
#     same files: parse time only, pinned to one core (best of $RUNS
#     passes), and syn's whole process (start, reading the files, one
#     parse pass; best of $RUNS). Target: Warden at most 0.2x syn's parse.
#  2. "warden scan --format json CRATE" run once per crate directory of the
#     registry (one process each, sequentially, total wall time), and the
#     same with --no-deps when "warden scan --help" lists it, against syn's
#     parse time of those crates' .rs files. Target: at most 0.5x. Scans
#     start with an empty cache (a fresh WARDEN_CACHE_DIR) that fills as
#     the crates are scanned, as on a first audit of the registry.
#  3. An application's whole tree (testdata/apps/webclient: reqwest, 68
#     crates): "warden tree" and "warden scan" without a cache (--no-cache)
#     and with a warm one (best of $RUNS each).
#
# Wall times are measured with hyperfine when it is installed (this script
# installs it with apt-get when it can), else with bash's time.
#
# Usage: scripts/bench-process.sh
# Env:   CARGO_REGISTRY (default /usr/share/cargo/registry), RUNS (default 3),
#        BASELINE: another warden binary whose parse-stats is timed in the
#        same run (a before/after comparison).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

registry="${CARGO_REGISTRY:-/usr/share/cargo/registry}"
runs="${RUNS:-3}"
[[ -d "$registry" ]] || { echo "bench-process: $registry not found; run scripts/install-corpus.sh" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building warden and the syn oracle..." >&2
warden="$work/warden"
go build -o "$warden" ./cmd/warden
(cd testdata/synoracle && cargo build --release --offline --quiet)
syn="$PWD/testdata/synoracle/target/release/synoracle"

if ! command -v hyperfine >/dev/null; then
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo -n"
  $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq hyperfine >/dev/null 2>&1 ||
    echo "bench-process: could not install hyperfine; timing with bash's time" >&2
fi
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi

# best CMD: the best wall time, in seconds, of $runs runs of the shell
# command CMD (after one warm-up run, so every run reads from the page
# cache), with its output discarded.
best() {
  if command -v hyperfine >/dev/null; then
    hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/h.json" "$1" >/dev/null
    sed -n 's/^ *"min": *\([0-9.e+-]*\),*$/\1/p' "$work/h.json" | head -n 1
  else
    bash -c "$1" >/dev/null 2>&1 || true
    local t b=""
    for ((i = 0; i < runs; i++)); do
      t="$( { TIMEFORMAT=%R; time bash -c "$1" >/dev/null 2>&1; } 2>&1 )" || true
      if [[ -z "$b" ]] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b="$t"; fi
    done
    echo "$b"
  fi
}

# synparse LIST: syn's best parse time (seconds) of the files in LIST,
# parse only, pinned to one core.
synparse() {
  "${pin[@]}" "$syn" --bench --iters "$runs" --stdin <"$1" |
    sed -n 's/.*"best_seconds":\([0-9.]*\).*/\1/p'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# The files parse-stats reads for the registry directory: regular .rs
# files, skipping hidden and "target" directories below it.
rsfiles() {
  find "$1" -mindepth 1 -type d \( -name '.*' -o -name target \) -prune -o -type f -name '*.rs' -print
}
rsfiles "$registry" | LC_ALL=C sort >"$work/files"
nfiles="$(wc -l <"$work/files")"
nbytes="$(tr '\n' '\0' <"$work/files" | xargs -0 cat | wc -c)"
got="$("$warden" debug parse-stats "$registry" | wc -l)"
if [[ "$got" != "$nfiles" ]]; then
  echo "bench-process: parse-stats printed $got lines for $nfiles files; the file sets differ" >&2
  exit 1
fi

crates=()
for d in "$registry"/*/; do
  [[ -f "$d/Cargo.toml" ]] && crates+=("${d%/}")
done
for d in "${crates[@]}"; do rsfiles "$d"; done | LC_ALL=C sort >"$work/crate-files"

echo "measuring parse-stats and syn (best of $runs)..." >&2
cmd_ps="$warden debug parse-stats $registry"
t_ps="$(best "$cmd_ps")"
if [[ -n "${BASELINE:-}" ]]; then
  t_base="$(best "$BASELINE debug parse-stats $registry")"
fi
t_syn="$(synparse "$work/files")"
cmd_syntotal="$syn --bench --iters 1 --stdin <$work/files"
t_syntotal="$(best "$cmd_syntotal")"
if cmp -s "$work/files" "$work/crate-files"; then
  t_syncrates="$t_syn"
else
  t_syncrates="$(synparse "$work/crate-files")"
fi

# scanall FLAGS: total wall time of one scan process per crate, and the
# number of scans that failed (exit status 2).
scanall() {
  local failed=0 start end
  export WARDEN_CACHE_DIR="$work/cache-$RANDOM"
  start="$(date +%s.%N)"
  for d in "${crates[@]}"; do
    # shellcheck disable=SC2086 # FLAGS is a list of words
    "$warden" scan --format json $1 "$d" >/dev/null 2>&1 || { [[ $? == 1 ]] || failed=$((failed + 1)); }
  done
  end="$(date +%s.%N)"
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
  echo " $failed"
}
echo "measuring scan over ${#crates[@]} crates..." >&2
read -r t_scan f_scan < <(scanall "")
nodeps=""
if "$warden" scan --help 2>&1 | grep -q -- '--no-deps'; then
  nodeps=1
  read -r t_scannd f_scannd < <(scanall "--no-deps")
fi

app=testdata/apps/webclient
echo "measuring the tree of $app..." >&2
export WARDEN_CACHE_DIR="$work/cache-app"
t_tree_cold="$(best "$warden tree --no-cache $app")"
t_tree_warm="$(best "$warden tree $app")"
t_app_cold="$(best "$warden scan --no-cache $app")"
t_app_warm="$(best "$warden scan $app")"
app_crates="$("$warden" tree --format json "$app" 2>/dev/null | grep -c '"analyzed"' || true)"

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
rev="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then rev="$rev plus uncommitted changes"; fi
row() { printf '| %-66s | %8.3f | %-9s | %-9s |\n' "$@"; }
echo
echo "machine: $(nproc) CPUs ($cpu), $(uname -sr), $(go version | cut -d' ' -f3), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "warden: built from $rev"
echo "registry: $registry, $nfiles .rs files, $nbytes bytes, ${#crates[@]} crate directories"
echo
printf '| %-66s | %8s | %-9s | %-9s |\n' "measurement" "seconds" "/ syn" "/ syn all"
printf '|%s|----------|-----------|-----------|\n' "$(printf -- '-%.0s' {1..68})"
row "syn 1.0 parse only, 1 core (best of $runs passes)" "$t_syn" "1" "$(ratio "$t_syn" "$t_syntotal")"
row "syn 1.0 whole process: start, read, parse (best of $runs)" "$t_syntotal" "$(ratio "$t_syntotal" "$t_syn")" "1"
if [[ -n "${BASELINE:-}" ]]; then
  row "baseline warden debug parse-stats (\$BASELINE, best of $runs)" "$t_base" "$(ratio "$t_base" "$t_syn")" "$(ratio "$t_base" "$t_syntotal")"
fi
row "warden debug parse-stats, whole process (best of $runs)" "$t_ps" "$(ratio "$t_ps" "$t_syn")" "$(ratio "$t_ps" "$t_syntotal")"
if [[ "$t_syncrates" != "$t_syn" ]]; then
  row "syn 1.0 parse only, the crates' files, 1 core" "$t_syncrates" "1" "-"
fi
row "warden scan --format json, ${#crates[@]} processes ($f_scan failed)" "$t_scan" "$(ratio "$t_scan" "$t_syncrates")" "-"
if [[ -n "$nodeps" ]]; then
  row "warden scan --format json --no-deps, ${#crates[@]} processes ($f_scannd failed)" "$t_scannd" "$(ratio "$t_scannd" "$t_syncrates")" "-"
fi
row "warden tree --no-cache $app ($app_crates crates)" "$t_tree_cold" "-" "-"
row "warden tree $app (warm cache)" "$t_tree_warm" "-" "-"
row "warden scan --no-cache $app" "$t_app_cold" "-" "-"
row "warden scan $app (warm cache)" "$t_app_warm" "-" "-"
echo
echo "/ syn: the time over syn's parse time of the same files on one core;"
echo "/ syn all: over syn's whole process. Targets: parse-stats at most 0.20"
echo "of syn's parse (5x faster), scan at most 0.50. Warden may use all"
echo "$(nproc) CPUs; syn parses on one thread. Timing: $(command -v hyperfine >/dev/null && hyperfine --version || echo "bash time"), warm page cache."
echo
echo "commands (WARDEN = go build -o WARDEN ./cmd/warden, FILES = the $nfiles files):"
echo "  WARDEN debug parse-stats $registry"
if [[ -n "${BASELINE:-}" ]]; then
  echo "  BASELINE=$BASELINE: \$BASELINE debug parse-stats $registry"
fi
echo "  ${pin[*]}${pin[*]:+ }$syn --bench --iters $runs --stdin <FILES"
echo "  $syn --bench --iters 1 --stdin <FILES"
echo "  for each crate directory D: WARDEN_CACHE_DIR=<empty at start> WARDEN scan --format json D >/dev/null"
if [[ -n "$nodeps" ]]; then
  echo "  for each crate directory D: WARDEN scan --format json --no-deps D >/dev/null"
fi
echo "  WARDEN tree [--no-cache] $app; WARDEN scan [--no-cache] $app"
