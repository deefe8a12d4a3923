#!/usr/bin/env bash
# Blind-spot census: how much of the registry Warden can see.
#
# Runs `warden scan --format json` on every crate directory of the registry
# (default /usr/share/cargo/registry), one process per crate, dependencies on
# and default features (what a user gets with no flags), all processes
# sharing one result cache in a temporary directory. Then prints:
#   - crates scanned, and the failures with their reason (exit status and
#     warden's error line);
#   - crates complete vs incomplete;
#   - blind spots by kind: total, and the number of crates with at least one;
#   - the 10 crates with the most blind spots.
#
# Usage: scripts/blind-census.sh [WARDEN-SCAN-FLAGS...]
#   Flags are passed to every `warden scan`, e.g. --no-deps or --target all.
# Env:
#   WARDEN     the warden binary (default: built from this checkout)
#   REGISTRY   the registry directory (default /usr/share/cargo/registry)
#   JOBS       scans run at once (default: nproc); each scan is given -j 1
#              so that JOBS processes use JOBS cores
#   TIMEOUT    seconds allowed per crate (default 600)
#   KEEP       a directory to keep each crate's JSON and stderr in
#
# Needs jq (installed with apt-get when missing and running as root or with
# sudo) and coreutils' timeout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
registry="${REGISTRY:-/usr/share/cargo/registry}"
jobs="${JOBS:-$(nproc)}"
timeout_s="${TIMEOUT:-600}"
[[ -d "$registry" ]] || { echo "blind-census: registry $registry not found (scripts/install-corpus.sh)" >&2; exit 2; }

if ! command -v jq >/dev/null; then
  echo "blind-census: jq not found; installing it with apt-get" >&2
  sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q jq >&2 ||
    { echo "blind-census: cannot install jq" >&2; exit 2; }
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="${KEEP:-$work/out}"
mkdir -p "$out" "$work/cache"

warden="${WARDEN:-}"
if [[ -z "$warden" ]]; then
  (cd "$here/.." && go build -o "$work/warden" ./cmd/warden)
  warden="$work/warden"
fi

# One crate: its JSON in $out/NAME.json, stderr in .err, exit status in .rc.
# Exported for xargs' sub-shells.
scan_one() {
  local dir="$1" name
  name="$(basename "$dir")"
  local rc=0
  timeout "$TIMEOUT_S" "$WARDEN_BIN" scan --format json -j 1 --cache-dir "$CACHE" "${SCAN_FLAGS[@]}" "$dir" \
    >"$OUT/$name.json" 2>"$OUT/$name.err" || rc=$?
  echo "$rc" >"$OUT/$name.rc"
}
export -f scan_one
export WARDEN_BIN="$warden" CACHE="$work/cache" OUT="$out" TIMEOUT_S="$timeout_s"
# Arrays cannot be exported: pass the flags through a string and re-split
# (flags with spaces are not supported).
export SCAN_FLAGS_STR="$*"

dirs=()
for d in "$registry"/*/; do
  [[ -f "$d/Cargo.toml" ]] && dirs+=("${d%/}")
done
echo "blind-census: scanning ${#dirs[@]} crates of $registry (${jobs} at a time, flags: ${*:-none})" >&2
start=$SECONDS
printf '%s\0' "${dirs[@]}" |
  xargs -0 -n 1 -P "$jobs" bash -c 'read -r -a SCAN_FLAGS <<<"$SCAN_FLAGS_STR"; scan_one "$1"' _
elapsed=$((SECONDS - start))

# One TSV row per crate: name, status (ok|fail), complete (true|false|-),
# blind spot count, "kind=n,kind=n", failure reason.
rows="$work/rows.tsv"
: >"$rows"
for d in "${dirs[@]}"; do
  name="$(basename "$d")"
  rc="$(cat "$out/$name.rc")"
  if [[ "$rc" == 0 ]] && summary="$(jq -r '
      # A virtual workspace is scanned member by member.
      [if has("members") then .members[].scan else . end] as $r
      | [$r[].coverage.blind_spots[]] as $b
      | [($r | all(.coverage.complete)), ($b | length),
         ($b | group_by(.kind) | map("\(.[0].kind)=\(length)") | join(","))]
      | @tsv' "$out/$name.json" 2>/dev/null)"; then
    printf '%s\tok\t%s\t\n' "$name" "$summary" >>"$rows"
  else
    if [[ "$rc" == 0 ]]; then
      reason="exit 0 but the output is not scan JSON"
    elif [[ "$rc" == 124 ]]; then
      reason="timed out after ${timeout_s}s"
    else
      # warden's own error line, else the last line of stderr.
      # (notes come first, the error that ended the scan last).
      msg="$(grep '^warden scan: ' "$out/$name.err" | tail -n 1 || true)"
      [[ -n "$msg" ]] || msg="$(tail -n 1 "$out/$name.err")"
      msg="${msg//$'\t'/ }"
      reason="exit $rc: ${msg:0:300}"
    fi
    printf '%s\tfail\t-\t0\t\t%s\n' "$name" "$reason" >>"$rows"
  fi
done

awk -F'\t' -v total="${#dirs[@]}" -v secs="$elapsed" -v flags="${*:-none}" '
  $2 == "fail" { fails[++nf] = $1 "  " $6; next }
  {
    ok++
    if ($3 == "true") complete++; else incomplete++
    blind[$1] = $4; kinds[$1] = $5
    n = split($5, kv, ",")
    for (i = 1; i <= n; i++) {
      split(kv[i], p, "=")
      bytotal[p[1]] += p[2]; bycrates[p[1]]++
    }
    all += $4; if ($4 > 0) allcrates++
  }
  END {
    printf "blind-spot census: warden scan --format json (flags: %s), %d s\n\n", flags, secs
    printf "crates:      %d\n", total
    printf "scanned:     %d\n", ok
    printf "failures:    %d\n", nf
    for (i = 1; i <= nf; i++) printf "  %s\n", fails[i]
    printf "complete:    %d\n", complete
    printf "incomplete:  %d\n\n", incomplete
    printf "%-28s %8s %8s\n", "blind spots by kind", "total", "crates"
    cmd = "sort -t\"\t\" -k2,2nr -k1,1"
    for (k in bytotal) printf "%s\t%d\t%d\n", k, bytotal[k], bycrates[k] | cmd
    close(cmd)
    printf "  %-26s %8d %8d\n\n", "(all kinds)", all, allcrates
    print "10 crates with the most blind spots"
    cmd = "sort -t\"\t\" -k1,1nr -k2,2 | head -n 10"
    for (c in blind) if (blind[c] > 0) printf "%d\t%s\t%s\n", blind[c], c, kinds[c] | cmd
    close(cmd)
  }' "$rows" | awk -F'\t' '
  # Align the rows that the sorts above print as TSV.
  NF == 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { printf "  %-26s %8d %8d\n", $1, $2, $3; next }
  NF == 3 && $1 ~ /^[0-9]+$/ { gsub(",", ", ", $3); gsub("=", " ", $3); printf "  %6d  %-32s %s\n", $1, $2, $3; next }
  { print }'
