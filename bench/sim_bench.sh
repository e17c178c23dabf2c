#!/usr/bin/env bash
# How long does `ordertrace-sim` take to generate N orders (default 100,000) to a file?
# Target: seconds, not minutes. Prints the wall time of each run, the median, spans and
# bytes written; the file goes to a temporary directory and is removed afterwards.
#
#   bench/sim_bench.sh [ORDERS]          default 100000
#
# ORDERTRACE_SIM: the binary (default: build/apps/ordertrace-sim, else the first build*/
# one). RUNS: timed runs (default 3). OUT_DIR: where the file goes (default: mktemp -d; the
# disk's speed matters: 100,000 orders are ~2.4 GB of OTLP JSON).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
orders=${1:-100000}
runs=${RUNS:-3}

sim=${ORDERTRACE_SIM:-}
if [ -z "$sim" ]; then
  for candidate in "$root/build/apps/ordertrace-sim" "$root"/build*/apps/ordertrace-sim; do
    if [ -x "$candidate" ]; then
      sim=$candidate
      break
    fi
  done
fi
if [ -z "$sim" ] || [ ! -x "$sim" ]; then
  echo "sim_bench: no ordertrace-sim binary; build one or set ORDERTRACE_SIM" >&2
  exit 1
fi

out_dir=${OUT_DIR:-$(mktemp -d)}
trap 'rm -f "$out_dir/sim-bench.json" "$out_dir/sim-bench.jsonl"' EXIT
times=()
for run in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$sim" -n "$orders" --now 2026-11-20T12:00:00Z -o "$out_dir/sim-bench.json" \
    --manifest "$out_dir/sim-bench.jsonl" 2>"$out_dir/sim-bench.err"
  end=$(date +%s.%N)
  seconds=$(echo "$end - $start" | bc)
  times+=("$seconds")
  echo "run $run: ${seconds}s ($(cat "$out_dir/sim-bench.err"))"
done
bytes=$(stat -c %s "$out_dir/sim-bench.json")
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
echo "orders $orders, file $((bytes / 1000000)) MB, median ${median}s of $runs runs"
rm -f "$out_dir/sim-bench.err"
