#!/usr/bin/env bash
# The main job on bundled data, no server needed: builds ordertrace and shows a lost
# and a completed order from data/demo/ as support staff would see them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ORDERTRACE_BUILD_DIR:-$root/build}

"$root/scripts/bootstrap.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target ordertrace

demo=$root/data/demo
now=$(cat "$demo/now.txt")
sources=()
for file in "$demo"/*.json; do
  sources+=(--source "$file")
done

show() {
  echo
  echo "\$ ordertrace show $1 --now $now --source data/demo/..."
  "$build/apps/ordertrace" show "$1" --now "$now" "${sources[@]}" || true
}
show "${1:-ORD-2026-0003}"
show "${2:-ORD-2026-0001}"
