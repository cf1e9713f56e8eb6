#!/usr/bin/env bash
# scripts/ab.sh: the server at two git revisions, alternated under the same
# wrk load, to measure what a change buys. Each revision is built from a
# worktree of its own and served on loopback with the nine releases and the
# test value sets (no Redis: the in-process tiers answer). For each scenario
# both are warmed, then measured in turn ROUNDS times; each pass prints
# requests per second, p99 and the CPU the server spent per answer (user +
# system time from /proc, divided by the answers). Alternating makes the
# drift of a shared machine fall on both alike (docs/performance.md).
#
#   scripts/ab.sh ef012aa HEAD
#   ROUNDS=5 DURATION=10s CONNS=1 SCENARIOS="lookup" scripts/ab.sh HEAD~1 HEAD
#
# Scenarios: the GETs of scripts/load.sh (its paths and wrk script):
#   lookup, cs-validate, vs-implicit, vs-composed, expand.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/ab.sh OLD-REV NEW-REV" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-5s}" WARMUP="${WARMUP:-2s}" CONNS="${CONNS:-16}"
SCENARIOS="${SCENARIOS:-lookup cs-validate vs-implicit}"
DATA_DIR="${HCPCS_TEST_DATA:-$root/../shared/hcpcs-data}"
command -v wrk >/dev/null || { echo "ab: needs wrk (apt-get install wrk)" >&2; exit 1; }

tmp="$(mktemp -d)"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for side in old new; do git worktree remove --force "$tmp/$side" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

releases="$(find -L "$DATA_DIR" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9][0-9][0-9][0-9]-[0-9][0-9].*' | sort | paste -sd, -)"
[ -n "$releases" ] || { echo "ab: no release folders in $DATA_DIR (set HCPCS_TEST_DATA)" >&2; exit 1; }
declare -A port pid rev=([old]="$1" [new]="$2")
for side in old new; do
	git worktree add -q --detach "$tmp/$side" "${rev[$side]}"
	(cd "$tmp/$side" && go build -o "$tmp/$side.bin" ./cmd/hcpcs-server)
	port[$side]="$(free_port)"
	"$tmp/$side.bin" serve --listen "127.0.0.1:${port[$side]}" --data "$releases" \
		--valuesets "$root/fhir/testdata/valuesets" 2>"$tmp/$side.log" &
	pid[$side]=$!
	pids+=("${pid[$side]}")
done
for side in old new; do
	for _ in $(seq 1 600); do curl -fs -o /dev/null "127.0.0.1:${port[$side]}/readyz" && break; sleep 0.05; done
	curl -fs -o /dev/null "127.0.0.1:${port[$side]}/readyz" || { cat "$tmp/$side.log" >&2; exit 1; }
done

curl -fs "127.0.0.1:${port[new]}/fhir/CodeSystem/hcpcs-2025-10" >"$tmp/cs.json"
python3 "$root/scripts/load_paths.py" "$tmp" /fhir 'http%3A%2F%2Fwww.cms.gov%2FMedicare%2FCoding%2FHCPCSReleaseCodeSets' \
	'http%3A%2F%2Fexample.org%2Ffhir%2FValueSet%2Fwheelchair-accessories'
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
threads=$((CONNS < 2 ? CONNS : 2))
pass() { # pass SIDE PATHS DURATION: one wrk pass against SIDE
	PATHS="$2" BODY="" CACHE_ID="" ACCEPT_ENCODING="" \
		wrk -t"$threads" -c"$CONNS" -d"$3" --timeout 10s -s "$root/scripts/load.lua" "http://127.0.0.1:${port[$1]}" | grep '^RESULT'
}
echo "| scenario | round | revision | req/s | p99 µs | CPU µs/answer | errors |"
echo "|---|---|---|---|---|---|---|"
for scenario in $SCENARIOS; do
	case "$scenario" in lookup | cs-validate | vs-implicit | vs-composed | expand) ;;
	*) echo "ab: unknown scenario $scenario" >&2; exit 1 ;; esac
	for side in old new; do pass "$side" "$tmp/$scenario.txt" "$WARMUP" >/dev/null; done
	for round in $(seq 1 "$ROUNDS"); do
		for side in old new; do
			before=$(cpu_ticks "${pid[$side]}")
			read -r _ rps _ p99 _ errors n < <(pass "$side" "$tmp/$scenario.txt" "$DURATION")
			cpu=$(awk -v t="$(( $(cpu_ticks "${pid[$side]}") - before ))" -v hz="$hz" -v n="$n" \
				'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
			echo "| $scenario | $round | ${rev[$side]} | $rps | $p99 | $cpu | $errors |"
		done
	done
done
echo
echo "wrk -t$threads -c$CONNS, $DURATION per pass after a $WARMUP warm-up, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)."
