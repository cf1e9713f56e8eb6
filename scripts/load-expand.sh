#!/usr/bin/env bash
# scripts/load-expand.sh: HTTP throughput of $expand and ValueSet/$validate-code
# (also POSTed with three tx-resources of IG size, inline and through a
# $cache-control session) beside a bare Go server (scripts/ceiling) answering a fixed body of the same
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
# The tx-resource scenarios: the value set and two code systems of
# BenchmarkValidateWithTxResources (53 KB), POSTed inline, or once to a
# session whose X-Cache-Id the requests then carry.
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def cs(url, prefix, n):
    concepts = [{"code": "%s%03d" % (prefix, i), "display": "%s concept number %d" % (prefix, i),
                 "definition": "The %d-th concept of the %s system, for benchmarks" % (i, prefix),
                 "designation": [{"language": "de", "value": "%s Konzept %d" % (prefix, i)}],
                 "property": [{"code": "group", "valueCode": "g%d" % (i % 7)}]} for i in range(n)]
    return {"resourceType": "CodeSystem", "url": url, "version": "1.0.0", "name": "Bench", "status": "active", "content": "complete",
            "caseSensitive": True, "language": "en", "property": [{"code": "group", "type": "code"}], "concept": concepts}
vs = {"resourceType": "ValueSet", "url": "http://example.org/fhir/ValueSet/bench", "version": "1.0.0", "status": "active", "compose": {"include": [
    {"system": "http://example.org/fhir/CodeSystem/bench-a", "filter": [{"property": "group", "op": "=", "value": "g3"}]},
    {"system": "http://example.org/fhir/CodeSystem/bench-b"},
    {"system": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "concept": [{"code": "E0114"}, {"code": "E0100"}]}]}}
defs = [cs("http://example.org/fhir/CodeSystem/bench-a", "A", 200), cs("http://example.org/fhir/CodeSystem/bench-b", "B", 40), vs]
question = [{"name": "url", "valueUri": vs["url"]},
            {"name": "coding", "valueCoding": {"system": "http://example.org/fhir/CodeSystem/bench-a", "code": "A010", "display": "A concept number 10"}}]
tx = [{"name": "tx-resource", "resource": d} for d in defs]
json.dump({"resourceType": "Parameters", "parameter": question + tx}, open(tmp + "/inline.json", "w"))
json.dump({"resourceType": "Parameters", "parameter": question}, open(tmp + "/bare.json", "w"))
json.dump({"resourceType": "Parameters", "parameter": tx}, open(tmp + "/start.json", "w"))
PY
cache_id="$(curl -fs -X POST -H 'Content-Type: application/fhir+json' --data-binary @"$tmp/start.json" "127.0.0.1:$PORT$base/\$cache-control?mode=start" | grep -o '"valueString":"[0-9a-f]*"' | cut -d'"' -f4)"
[ -n "$cache_id" ] || { echo "load-expand: no cache-id" >&2; exit 1; }
echo "$base/ValueSet/\$validate-code" >"$tmp/vs-txresource.txt"
echo "$base/ValueSet/\$validate-code" >"$tmp/vs-session.txt"
cat >"$tmp/paths.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
math.randomseed(42)
local body, headers = nil, {}
if os.getenv("BODY") and os.getenv("BODY") ~= "" then
  local f = io.open(os.getenv("BODY"), "rb"); body = f:read("*a"); f:close()
  headers["Content-Type"] = "application/fhir+json"
  if os.getenv("CACHE_ID") and os.getenv("CACHE_ID") ~= "" then headers["X-Cache-Id"] = os.getenv("CACHE_ID") end
end
request = function()
  if body then return wrk.format("POST", paths[math.random(#paths)], headers, body) end
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.0f %.0f %.0f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
THREADS=$((CONNS < 2 ? CONNS : 2))
run() { PATHS="$2" BODY="${body:-}" CACHE_ID="${cid:-}" wrk -t"$THREADS" -c"$CONNS" -d"${3:-$DURATION}" -s "$tmp/paths.lua" "http://127.0.0.1:$1" | grep '^RESULT'; }
# answer_size is the size of the server's answer to a scenario's request.
answer_size() {
	if [ -n "${body:-}" ]; then
		curl -fs -X POST -H 'Content-Type: application/fhir+json' ${cid:+-H "X-Cache-Id: $cid"} --data-binary @"$body" "127.0.0.1:$PORT$(head -1 "$1")" | wc -c
	else
		curl -fs "127.0.0.1:$PORT$(head -1 "$1")" | wc -c
	fi
}
printf '| scenario (%s conn, %s) | body | server req/s | ceiling req/s | ratio | p50 µs | p99 µs | p99.9 µs | ceiling p99 µs | errors |\n' "$CONNS" "$DURATION"
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for scenario in expand vs-composed vs-implicit vs-txresource vs-session; do
	paths="$tmp/$scenario.txt"
	body="" cid=""
	case "$scenario" in
	vs-txresource) body="$tmp/inline.json" ;;
	vs-session) body="$tmp/bare.json" cid="$cache_id" ;;
	esac
	size="$(answer_size "$paths")"
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
