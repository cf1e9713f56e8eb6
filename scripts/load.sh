#!/usr/bin/env bash
# scripts/load.sh implements `make load`: the server as deployed (nine
# releases, the default response cache, a Redis of its own) under fixed
# random-code scenarios, each measured in the same run beside the ceiling:
# scripts/ceiling, a bare Go server answering a fixed body of the scenario's
# mean answer size, driven by the same wrk script; and the same ceiling
# sending the five headers every answer of the server carries (-headers), so
# that what HTTP's headers cost shows apart from what the server's code
# costs. Loopback only; every run is bounded by DURATION.
#
#   make load                                  # 1 and 16 connections, 10 s each
#   DURATION=5s CONNS="16" SCENARIOS="lookup cs-validate" scripts/load.sh
#   ROUNDS=3 DURATION=5s scripts/load.sh       # the median of 3 alternated rounds
#   SERVER_FLAGS="--cache-size 0 --redis-ops read" scripts/load.sh   # the engine, not the cache
#
# Scenarios (codes drawn at random from 2025-10, seed 42):
#   lookup        GET CodeSystem/$lookup
#   cs-validate   GET CodeSystem/$validate-code
#   vs-implicit   GET ValueSet/$validate-code, the all-codes value set
#   vs-composed   GET ValueSet/$validate-code, a composed value set (about
#                 one code in ten is a member)
#   expand        GET ValueSet/$expand, a text filter, count=20
#   download-gzip the complete 2025-10 CodeSystem, Accept-Encoding: gzip
#   download      the same, identity
#   vs-txresource POST ValueSet/$validate-code with 53 KB of tx-resources
#   vs-session    the same through a $cache-control session
#
# The table goes to stdout and to $OUT (bin/load-report.md). docs/performance.md
# says why wrk and how to read the table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CONNS="${CONNS:-1 16}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
ROUNDS="${ROUNDS:-1}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "load: ROUNDS must be a positive whole number, not '$ROUNDS'" >&2; exit 1; }
SCENARIOS="${SCENARIOS:-lookup cs-validate vs-implicit vs-composed expand download-gzip download vs-txresource vs-session}"
DATA_DIR="${HCPCS_TEST_DATA:-$root/../shared/hcpcs-data}"
OUT="${OUT:-$root/bin/load-report.md}"
PORT="${PORT:-18080}" CEIL="${CEIL:-18081}" HCEIL="${HCEIL:-18082}"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then echo "load: needs ${need[*]} (apt-get install ${need[*]})" >&2; exit 1; fi
	echo "load: installing ${need[*]}" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for p in "$PORT" "$CEIL" "$HCEIL"; do
	if curl -fs -o /dev/null "127.0.0.1:$p/" 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		echo "load: port $p is in use (set PORT/CEIL/HCEIL)" >&2; exit 1
	fi
done

go build -o "$tmp/hcpcs-server" ./cmd/hcpcs-server
go build -o "$tmp/ceiling" ./scripts/ceiling

# A Redis of this run's own: nothing of another run is shared.
rport="$(free_port)"
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" --maxmemory 512mb \
	--maxmemory-policy allkeys-lru >"$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.05; done

releases="$(find -L "$DATA_DIR" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9][0-9][0-9][0-9]-[0-9][0-9].*' | sort | paste -sd, -)"
[ -n "$releases" ] || { echo "load: no release folders in $DATA_DIR (set HCPCS_TEST_DATA)" >&2; exit 1; }
start_ns=$(date +%s%N)
"$tmp/hcpcs-server" serve --listen "127.0.0.1:$PORT" --data "$releases" --valuesets fhir/testdata/valuesets \
	--redis "redis://127.0.0.1:$rport/0" ${SERVER_FLAGS:-} 2>"$tmp/server.log" &
spid=$!
pids+=($spid)
for _ in $(seq 1 600); do curl -fs -o /dev/null "127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.01; done
curl -fs -o /dev/null "127.0.0.1:$PORT/readyz" || { cat "$tmp/server.log" >&2; exit 1; }
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
cold_rss=$(rss_kb "$spid")

base="/fhir"
hcpcs='http%3A%2F%2Fwww.cms.gov%2FMedicare%2FCoding%2FHCPCSReleaseCodeSets'
composed='http%3A%2F%2Fexample.org%2Ffhir%2FValueSet%2Fwheelchair-accessories'
curl -fs "127.0.0.1:$PORT$base/CodeSystem/hcpcs-2025-10" >"$tmp/cs.json"
python3 "$root/scripts/load_paths.py" "$tmp" "$base" "$hcpcs" "$composed"
cache_id="$(curl -fs -X POST -H 'Content-Type: application/fhir+json' --data-binary @"$tmp/start.json" \
	"127.0.0.1:$PORT$base/\$cache-control?mode=start" | python3 -c 'import json,sys; print([p["valueString"] for p in json.load(sys.stdin)["parameter"] if p["name"]=="cache-id"][0])')"

# settings SCENARIO: the body, session and encoding of a scenario's requests.
settings() {
	body="" cid="" enc=""
	case "$1" in
	vs-txresource) body="$tmp/inline.json" ;;
	vs-session) body="$tmp/bare.json" cid="$cache_id" ;;
	download-gzip) enc="gzip" ;;
	esac
}
# cpu_ticks PID: the CPU time a process has used (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# run PORT PATHS DURATION CONNS PID: one wrk pass; prints "RESULT rps p50 p99 p999 errors
# requests cpu-µs-per-request", the CPU the process PID spent per request answered.
run() {
	local threads=$(($4 < 2 ? $4 : 2)) before result
	before=$(cpu_ticks "$5")
	result=$(PATHS="$2" BODY="$body" CACHE_ID="$cid" ACCEPT_ENCODING="$enc" \
		wrk -t"$threads" -c"$4" -d"$3" --timeout 10s -s "$root/scripts/load.lua" "http://127.0.0.1:$1" | grep '^RESULT') || return 1
	awk -v r="$result" -v t="$(( $(cpu_ticks "$5") - before ))" -v hz="$hz" \
		'BEGIN { split(r, f, " "); printf "%s %.1f\n", r, (f[7] > 0 ? t / hz * 1e6 / f[7] : 0) }'
}
# mean_size PATHS: the mean size in bytes of the server's answers to the first 50 requests.
mean_size() {
	local total=0 n=0 size
	while read -r path && [ $n -lt 50 ]; do
		if [ -n "$body" ]; then
			size=$(curl -fs -X POST -H 'Content-Type: application/fhir+json' ${cid:+-H "X-Cache-Id: $cid"} \
				--data-binary @"$body" "127.0.0.1:$PORT$path" | wc -c)
		else
			size=$(curl -fs ${enc:+-H "Accept-Encoding: $enc"} "127.0.0.1:$PORT$path" | wc -c)
		fi
		total=$((total + size)) n=$((n + 1))
	done <"$1"
	echo $((total / n))
}

# medians FILE: run's fields, each the median over FILE's lines (the lower
# middle of an even count), but the errors, which are summed.
medians() {
	local out="RESULT" f
	for f in 2 3 4 5 6 7 8; do
		if [ $f = 6 ]; then
			out="$out $(awk '{ n += $6 } END { print n }' "$1")"
		else
			out="$out $(awk -v f=$f '{ print $f }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
		fi
	done
	echo "$out"
}

mkdir -p "$(dirname "$OUT")"
{
	echo "| scenario | conns | body | server req/s | ceiling req/s | ratio | p50 µs | p99 µs | p99.9 µs | ceiling p50/p99/p99.9 µs | p99 ratio | CPU µs/req server / ceiling | CPU ratio | with headers: ceiling req/s / ratio / p99 ratio | errors |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$OUT"
# start_ceiling PORT SIZE [FLAGS]: a ceiling answering SIZE bytes; its pid in $started.
start_ceiling() {
	"$tmp/ceiling" -listen "127.0.0.1:$1" -size "$2" ${3:-} &
	started=$!
	pids+=("$started")
	for _ in $(seq 1 100); do curl -fs -o /dev/null "127.0.0.1:$1/" 2>/dev/null && break; sleep 0.05; done
	kill -0 "$started" 2>/dev/null || { echo "load: the ceiling server did not start (port $1 in use?)" >&2; exit 1; }
	[ "$(curl -fs "127.0.0.1:$1/" | wc -c)" = "$2" ] || { echo "load: the ceiling's body is not $2 bytes" >&2; exit 1; }
}
for conns in $CONNS; do
	for scenario in $SCENARIOS; do
		paths="$tmp/$scenario.txt"
		[ -f "$paths" ] || { echo "load: unknown scenario $scenario" >&2; exit 1; }
		settings "$scenario"
		size="$(mean_size "$paths")"
		start_ceiling "$CEIL" "$size"
		cpid=$started
		start_ceiling "$HCEIL" "$size" -headers
		hpid=$started
		# Warm-up of each, so that no measured pass pays for first touches
		# (for the server, that fills the response cache with the sample).
		run "$PORT" "$paths" "$WARMUP" "$conns" "$spid" >/dev/null
		run "$CEIL" "$paths" "$WARMUP" "$conns" "$cpid" >/dev/null
		run "$HCEIL" "$paths" "$WARMUP" "$conns" "$hpid" >/dev/null
		# Rounds alternate the three, so that the machine's drift falls on each
		# alike; every figure reported is its median over the rounds.
		: >"$tmp/s.txt"; : >"$tmp/c.txt"; : >"$tmp/h.txt"
		for _ in $(seq 1 "$ROUNDS"); do
			run "$PORT" "$paths" "$DURATION" "$conns" "$spid" >>"$tmp/s.txt" &&
				run "$CEIL" "$paths" "$DURATION" "$conns" "$cpid" >>"$tmp/c.txt" &&
				run "$HCEIL" "$paths" "$DURATION" "$conns" "$hpid" >>"$tmp/h.txt" || { echo "load: wrk failed" >&2; exit 1; }
		done
		s=$(medians "$tmp/s.txt") c=$(medians "$tmp/c.txt") h=$(medians "$tmp/h.txt")
		kill "$cpid" "$hpid"; wait "$cpid" "$hpid" 2>/dev/null || true
		read -r _ srps sp50 sp99 sp999 serr _ scpu <<<"$s"
		read -r _ crps cp50 cp99 cp999 _ _ ccpu <<<"$c"
		read -r _ hrps _ hp99 _ _ _ _ <<<"$h"
		awk -v sc="$scenario" -v n="$conns" -v size="$size" -v srps="$srps" -v crps="$crps" \
			-v sp50="$sp50" -v sp99="$sp99" -v sp999="$sp999" -v cp50="$cp50" -v cp99="$cp99" -v cp999="$cp999" -v err="$serr" \
			-v scpu="$scpu" -v ccpu="$ccpu" -v hrps="$hrps" -v hp99="$hp99" \
			'BEGIN { printf "| %s | %d | %d B | %d | %d | %.2f | %d | %d | %d | %d / %d / %d | %.2f | %.1f / %.1f | %.2f | %d / %.2f / %.2f | %d |\n",
				sc, n, size, srps, crps, srps / crps, sp50, sp99, sp999, cp50, cp99, cp999, sp99 / (cp99 > 0 ? cp99 : 1),
				scpu, ccpu, ccpu / (scpu > 0 ? scpu : 1), hrps, srps / (hrps > 0 ? hrps : 1), sp99 / (hp99 > 0 ? hp99 : 1), err }' | tee -a "$OUT"
	done
done
{
	echo
	echo "Server: nine releases from $DATA_DIR, its own Redis, flags: ${SERVER_FLAGS:-none}; ready after ${ready_ms} ms;"
	echo "RSS $((cold_rss / 1024)) MiB when ready, $(( $(rss_kb "$spid") / 1024 )) MiB at the end (peak $(( $(hwm_kb "$spid") / 1024 )) MiB)."
	echo "wrk, ${DURATION} per pass after a ${WARMUP} warm-up, up to 2 threads, the median of ${ROUNDS} alternated round(s); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)."
} | tee -a "$OUT"
