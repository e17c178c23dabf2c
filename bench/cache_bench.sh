#!/bin/sh
# `ordertrace show` of a cached COMPLETED order, process start included (issue #5: target
# <= 5 ms median). Serves scenario 28 (a completed order) from a throwaway HTTP server for
# the first run, which stores it; then times RUNS runs that answer from the cache alone and
# checks that none of them reached the server.
#
#   bench/cache_bench.sh [ORDERTRACE-BINARY]      RUNS=51 by default
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$here/build/apps/ordertrace}
runs=${RUNS:-51}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/www/api"
cp "$here/tests/data/scenarios/28-int-order-id.jaeger.json" "$work/www/api/traces"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >"$work/server.log" 2>&1 &
server=$!
while ! python3 -c "import socket; socket.create_connection(('127.0.0.1',$port))" 2>/dev/null; do :; done
export XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config"
show() { "$binary" show 20260128 --jaeger "http://127.0.0.1:$port" --api legacy \
           --now 2026-11-20T12:00:00Z >/dev/null; }
show
requests=$(grep -c '"GET' "$work/server.log")
python3 - "$runs" "$binary" "$port" <<'PY'
import statistics, subprocess, sys, time
runs, binary, port = int(sys.argv[1]), sys.argv[2], sys.argv[3]
args = [binary, "show", "20260128", "--jaeger", f"http://127.0.0.1:{port}", "--api", "legacy",
        "--now", "2026-11-20T12:00:00Z"]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - start) * 1000)
print(f"show of a cached completed order: median {statistics.median(times):.2f} ms "
      f"(min {min(times):.2f}, max {max(times):.2f}, {runs} runs)")
PY
after=$(grep -c '"GET' "$work/server.log")
echo "HTTP requests: $requests for the first (storing) run, $((after - requests)) for the $runs cached runs"
