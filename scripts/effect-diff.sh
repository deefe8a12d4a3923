#!/usr/bin/env bash
# Compare the effects two Warden versions report on the same crates.
#
# Usage: scripts/effect-diff.sh OLD-DIR NEW-DIR
#   Each DIR holds one `warden scan --format json` output per crate,
#   NAME.json, as `KEEP=DIR scripts/blind-census.sh` leaves them.
#
# Prints the number of effects of each version by capability and by how
# the callee was resolved (resolution, or the older evidence field), then
# every effect of the old version that the new one no longer reports at
# the same crate, capability, line and kind (lost), and the reverse
# (gained), each group with its count: "cap  resolution  callee".
# Needs jq.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 OLD-DIR NEW-DIR" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# crate TAB cap TAB callee TAB file:line TAB resolution TAB kind
rows() {
  for f in "$1"/*.json; do
    jq -r --arg n "$(basename "$f" .json)" '
      [if has("members") then .members[].scan else . end][]
      | .effects[]?
      | [$n, .capability, .callee, "\(.file):\(.line)", (.resolution // .evidence), .kind] | @tsv' "$f" 2>/dev/null || true
  done | LC_ALL=C sort
}
rows "$1" >"$work/old"
rows "$2" >"$work/new"

for v in old new; do
  echo "== $v: $(wc -l <"$work/$v") effects"
  echo "by capability:"
  cut -f2 "$work/$v" | sort | uniq -c | sort -rn | sed 's/^/  /'
  echo "by resolution:"
  cut -f5 "$work/$v" | sort | uniq -c | sort -rn | sed 's/^/  /'
done

# An effect is lost when the new version has fewer effects with its key
# (crate, capability, line, kind) than the old one.
key() { awk -F'\t' '{print $1"\t"$2"\t"$4"\t"$6}' "$1" | LC_ALL=C sort; }
LC_ALL=C comm -23 <(key "$work/old") <(key "$work/new") >"$work/lost"
LC_ALL=C comm -13 <(key "$work/old") <(key "$work/new") >"$work/gained"
show() { # keys rows
  awk -F'\t' 'NR==FNR{n[$0]++; next} { k=$1"\t"$2"\t"$4"\t"$6; if (n[k] > 0) { n[k]--; print $2"\t"$5"\t"$3 } }' "$1" "$2" |
    sort | uniq -c | sort -rn
}
echo "== lost: $(wc -l <"$work/lost") (cap, old resolution, callee)"
show "$work/lost" "$work/old"
echo "== gained: $(wc -l <"$work/gained") (cap, new resolution, callee)"
show "$work/gained" "$work/new"
