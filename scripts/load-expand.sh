#!/usr/bin/env bash
# scripts/load-expand.sh: HTTP throughput of $expand and ValueSet/$validate-code
# beside a bare Go server (scripts/ceiling) answering a fixed body of the same
# size, driven by the same wrk script, in one run. Loopback only; each run is
# bounded by DURATION.
#
#   scripts/load-expand.sh            # 16 connections, 10 s per scenario
#   CONNS=1 DURATION=5s scripts/load-expand.sh
#
# The server runs with --cache-size 0, so every request is computed: this
# measures the engine, not the response cache. Needs wrk (apt-get install wrk).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CONNS="${CONNS:-16}"
DURATION="${DURATION:-10s}"
DATA="${DATA:-${HCPCS_TEST_DATA:-../shared/hcpcs-data}/2025-10_quarterly}"
PORT=18080 CEIL=18081
command -v wrk >/dev/null || { echo "load-expand: wrk is needed (apt-get install wrk)" >&2; exit 1; }
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/hcpcs-server" ./cmd/hcpcs-server
go build -o "$tmp/ceiling" ./scripts/ceiling
if curl -fs "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then echo "load-expand: port $PORT is in use" >&2; exit 1; fi
"$tmp/hcpcs-server" serve --listen "127.0.0.1:$PORT" --data "$DATA" --valuesets fhir/testdata/valuesets --cache-size 0 2>"$tmp/server.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "127.0.0.1:$PORT/readyz" >/dev/null
base="/fhir"
hcpcs='http%3A%2F%2Fwww.cms.gov%2FMedicare%2FCoding%2FHCPCSReleaseCodeSets'
# Request paths, one per line; the wrk script picks one at random per request.
words="wheelch crutch walker cane oxygen insulin pump catheter ostomy pouch glucose lancet nebulizer ventilator cpap orthosis prosthetic ambulance syringe dressing"
: >"$tmp/expand.txt"
for w in $words; do echo "$base/ValueSet/\$expand?url=$hcpcs%3Ffhir_vs&filter=$w&count=20&activeOnly=true" >>"$tmp/expand.txt"; done
codes="$(curl -fs "127.0.0.1:$PORT$base/ValueSet/\$expand?url=http%3A%2F%2Fexample.org%2Ffhir%2FValueSet%2Fwheelchair-accessories&count=200" | grep -o '"code":"[A-Z0-9]*"' | cut -d'"' -f4)"
: >"$tmp/vs-composed.txt"; : >"$tmp/vs-implicit.txt"
for c in $codes; do
	echo "$base/ValueSet/\$validate-code?url=http%3A%2F%2Fexample.org%2Ffhir%2FValueSet%2Fwheelchair-accessories&system=$hcpcs&code=$c" >>"$tmp/vs-composed.txt"
	echo "$base/ValueSet/\$validate-code?url=$hcpcs%3Ffhir_vs&system=$hcpcs&code=$c" >>"$tmp/vs-implicit.txt"
done
cat >"$tmp/paths.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
math.randomseed(42)
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.0f %.0f %.0f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
THREADS=$((CONNS < 2 ? CONNS : 2))
run() { PATHS="$2" wrk -t"$THREADS" -c"$CONNS" -d"${3:-$DURATION}" -s "$tmp/paths.lua" "http://127.0.0.1:$1" | grep '^RESULT'; }
printf '| scenario (%s conn, %s) | body | server req/s | ceiling req/s | ratio | p50 µs | p99 µs | p99.9 µs | ceiling p99 µs | errors |\n' "$CONNS" "$DURATION"
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for scenario in expand vs-composed vs-implicit; do
	paths="$tmp/$scenario.txt"
	size="$(curl -fs "127.0.0.1:$PORT$(head -1 "$paths")" | wc -c)"
	"$tmp/ceiling" -listen "127.0.0.1:$CEIL" -size "$size" &
	cpid=$!
	for _ in $(seq 1 50); do curl -fs "127.0.0.1:$CEIL/" >/dev/null 2>&1 && break; sleep 0.1; done
	# The ceiling must be this one (not a leftover on the port) and answer the same size.
	kill -0 "$cpid" 2>/dev/null || { echo "load-expand: the ceiling server did not start (port $CEIL in use?)" >&2; exit 1; }
	[ "$(curl -fs "127.0.0.1:$CEIL/" | wc -c)" = "$size" ] || { echo "load-expand: the ceiling's body is not $size bytes" >&2; exit 1; }
	# Warm-up of both, so that neither measured pass pays for first touches.
	run "$PORT" "$paths" 2s >/dev/null
	run "$CEIL" "$paths" 2s >/dev/null
	s=$(run "$PORT" "$paths") && c=$(run "$CEIL" "$paths") || { echo "load-expand: wrk failed" >&2; exit 1; }
	kill "$cpid"; wait "$cpid" 2>/dev/null || true
	read -r _ srps sp50 sp99 sp999 serr <<<"$s"
	read -r _ crps cp50 cp99 cp999 cerr <<<"$c"
	ratio=$(awk -v a="$srps" -v b="$crps" 'BEGIN{printf "%.2f", a/b}')
	printf '| %s | %s B | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$scenario" "$size" "$srps" "$crps" "$ratio" "$sp50" "$sp99" "$sp999" "$cp99" "$serr"
done
