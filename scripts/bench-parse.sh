#!/usr/bin/env bash
# Measures lexing+parsing throughput over the whole corpus, Warden and syn
# in the same run on the same files, both on one core. These are
# in-process figures; scripts/bench-process.sh times whole Warden processes
# (parse-stats and scan) against syn.
# Usage: scripts/bench-parse.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

files="$(mktemp)"
trap 'rm -f "$files"' EXIT
scripts/corpus-dirs.sh | while read -r d; do find "$d" -name '*.rs' -type f; done | sort >"$files"
echo "corpus: $(wc -l <"$files") files, $(tr '\n' '\0' <"$files" | xargs -0 cat | wc -c) bytes"

echo "== Warden (go test -bench, GOMAXPROCS=1)"
go test ./internal/syntax -run '^$' -bench 'Corpus$' -benchtime 5x -cpu 1

echo "== syn 1.0 (testdata/synoracle --bench, best of 3, one thread)"
(cd testdata/synoracle && cargo build --release --offline --quiet)
taskset -c 0 testdata/synoracle/target/release/synoracle --bench --iters 3 --stdin <"$files"
