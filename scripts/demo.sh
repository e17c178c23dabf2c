#!/usr/bin/env bash
# The main job on bundled data, no server needed: builds ordertrace, shows a lost order
# of the simulated month in data/demo/ as support staff would see it, then the nightly
# report over the whole month.
#
#   scripts/demo.sh                         a lost order and the report, from data/demo/
#   scripts/demo.sh ORDER-ID...             those orders instead (data/demo/README.md lists them)
#   scripts/demo.sh --live                  a real Jaeger: starts one (scripts/jaeger.sh,
#                                           free ports), loads a simulated month into it with
#                                           ordertrace-sim --otlp, shows a lost order from
#                                           Jaeger, and stops Jaeger on exit
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ORDERTRACE_BUILD_DIR:-$root/build}
live=false
if [ "${1:-}" = "--live" ]; then
  live=true
  shift
fi

"$root/scripts/bootstrap.sh"
log=$(mktemp)
cleanup() { rm -f "$log"; }
trap cleanup EXIT
targets=(ordertrace)
if $live; then
  targets+=(ordertrace-sim)
fi
echo "building ${targets[*]} in $build ..." >&2
if ! { cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build "$build" --target "${targets[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi

if $live; then
  run_dir=$(mktemp -d)
  manifest=$run_dir/manifest.jsonl
  # Stop Jaeger whatever happens from here on (an error, Ctrl-C).
  cleanup() {
    "$root/scripts/jaeger.sh" stop "$run_dir" >/dev/null 2>&1 || true
    rm -rf "$run_dir" "$log"
  }
  "$root/scripts/jaeger.sh" install
  JAEGER_PORTS=auto "$root/scripts/jaeger.sh" start "$run_dir" >/dev/null
  # shellcheck disable=SC1091
  . "$run_dir/env"
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  echo
  echo "\$ ordertrace-sim -n 500 --now $now --otlp $JAEGER_OTLP_URL --manifest manifest.jsonl"
  "$build/apps/ordertrace-sim" -n 500 --now "$now" --otlp "$JAEGER_OTLP_URL" --manifest "$manifest"
  # The first order the manifest says is lost in a queue.
  order=$(grep -m1 '"fault":"lost-in-queue"' "$manifest" | sed 's/^{"order_id":"\([^"]*\)".*/\1/')
  echo
  echo "\$ ordertrace show $order --jaeger $JAEGER_URL --parallel 1 --now $now"
  "$build/apps/ordertrace" show "$order" --jaeger "$JAEGER_URL" --parallel 1 --now "$now" \
    --no-cache || true
  echo
  echo "Jaeger UI: $JAEGER_URL (stopped when this script exits; press Enter to stop now)"
  if [ -t 0 ]; then
    read -r _ || true
  fi
  exit 0
fi

demo=$root/data/demo
now=$(cat "$demo/now.txt")
sources=()
shown=()
for file in "$demo"/*.json; do
  sources+=(--source "$file")
  shown+=(--source "data/demo/${file##*/}")
done

# Exit 3 (report: lost orders found) and 4 (show: not found) are answers, not failures.
run() {
  local status=0
  "$build/apps/ordertrace" "$@" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && [ "$status" -ne 4 ]; then
    exit "$status"
  fi
}

if [ $# -gt 0 ]; then
  for order in "$@"; do
    echo
    echo "\$ ordertrace show $order --now $now ${shown[*]}"
    run show "$order" --now "$now" "${sources[@]}"
  done
  exit 0
fi
# A message published by shop-api and never consumed by mes (LOST, suspect mes).
echo
echo "\$ ordertrace show DEMO-0000003 --now $now ${shown[*]}"
run show DEMO-0000003 --now "$now" "${sources[@]}"
# Every order of the month at once, as cron would run it against Jaeger.
echo
echo "\$ ordertrace report --now $now ${shown[*]}"
run report --now "$now" "${sources[@]}"
