#!/usr/bin/env bash
# with-redis.sh CMD…: run CMD with REDIS_ADDR pointing at a Redis that answers.
# Uses $REDIS_ADDR or 127.0.0.1:6379 when it answers PING; otherwise starts a
# throwaway redis-server on a free port and stops it afterwards.
set -euo pipefail

ping() { # host port
  { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  local reply
  read -r -t 2 reply <&3 || true
  exec 3<&- 3>&-
  [[ "$reply" == "+PONG"* ]]
}

addr="${REDIS_ADDR:-127.0.0.1:6379}"
if ping "${addr%:*}" "${addr##*:}"; then
  export REDIS_ADDR="$addr"
  exec "$@"
fi

if ! command -v redis-server >/dev/null; then
  echo "with-redis: no Redis answers at $addr and redis-server is not installed (apt-get install redis-server)" >&2
  exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 16379)
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no >"$dir/redis.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  ping 127.0.0.1 "$port" && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/redis.log" >&2; exit 1; }
  sleep 0.05
done
ping 127.0.0.1 "$port" || { echo "with-redis: throwaway redis-server did not answer" >&2; exit 1; }
echo "with-redis: started a throwaway Redis on 127.0.0.1:$port" >&2
export REDIS_ADDR="127.0.0.1:$port"
"$@"
