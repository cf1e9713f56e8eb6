#!/usr/bin/env bash
# Runs every fuzz target of the module (each `func FuzzX` of a _test.go
# file) for a fixed time on top of its seed corpus: scripts/fuzz.sh 4s.
# Each package's fuzzing test binary is built once and run once per target,
# from the package's directory, so that a failing input is written to its
# testdata/fuzz (and fails the run) as `go test -fuzz` does.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-30s}
go=${GO:-go}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
for dir in $(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | xargs -n1 dirname | sort -u); do
	exe="$bin/$(echo "$dir" | tr / _).test"
	$go test -c -fuzz=. -o "$exe" "./$dir"
	for target in $(cat "$dir"/*_test.go | sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p'); do
		echo "fuzz ./$dir $target for $fuzztime"
		# A slow target can be cut mid-input when the time is up: Go then
		# fails the run with "context deadline exceeded" and writes no
		# failing input. That says nothing of the code, so such a run is
		# tried up to twice more (a hang, cut each time, still fails); a failing input always fails.
		for try in 1 2 3; do
			if (cd "$dir" && "$exe" -test.run '^$' -test.fuzz "^${target}\$" -test.fuzztime "$fuzztime" \
				-test.fuzzcachedir "$bin/cache/$dir/$target") >"$bin/out" 2>&1; then
				cat "$bin/out"
				break
			fi
			cat "$bin/out"
			if [ "$try" = 3 ] || grep -q 'Failing input written to' "$bin/out" || ! grep -q 'context deadline exceeded' "$bin/out"; then
				exit 1
			fi
			echo "fuzz: $target was cut mid-input at the deadline, with no failing input; once more"
		done
	done
done
