#!/usr/bin/env bash
# The main job on bundled data, no server needed: builds ordertrace and shows a lost
# and a completed order from data/demo/ as support staff would see them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ORDERTRACE_BUILD_DIR:-$root/build}

"$root/scripts/bootstrap.sh"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "building ordertrace in $build ..." >&2
if ! { cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build "$build" --target ordertrace; } >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi

demo=$root/data/demo
now=$(cat "$demo/now.txt")
sources=()
for file in "$demo"/*.json; do
  sources+=(--source "$file")
done

show() {
  echo
  echo "\$ ordertrace show $1 --now $now --source data/demo/*.json"
  "$build/apps/ordertrace" show "$1" --now "$now" "${sources[@]}" || true
}
# A message stuck in a queue (LOST, suspect mes) and a completed order; pass other ids
# as arguments (data/demo/README.md lists every order).
show "${1:-ORD-2026-0005}"
show "${2:-ORD-2026-0001}"
