#!/usr/bin/env bash
# Runs Warden's whole test suite: formatting, vet and staticcheck checks,
# every Go test (including the differential test against syn on the
# real-crate corpus), then each fuzz target briefly. Installs the corpus first if it is missing
# (Debian packages; needs root or sudo).
#
# Usage: scripts/test.sh            (FUZZTIME=30s to fuzz longer)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzztime="${FUZZTIME:-10s}"

scripts/install-corpus.sh

unformatted="$(gofmt -l .)"
if [[ -n "$unformatted" ]]; then
  echo "gofmt needed on:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
# staticcheck at a pinned release, fetched through the module proxy; it
# is not a dependency of Warden, so it stays out of go.mod.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
CGO_ENABLED=0 go build -o /dev/null ./cmd/warden
go test ./...

# Each fuzz target runs alone (go test -fuzz accepts one target at a time).
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "fuzzing $pkg $target for $fuzztime"
    go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"
  done
done
