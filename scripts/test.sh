#!/usr/bin/env bash
# Every test: installs what is missing, checks formatting, builds with warnings as
# errors, runs all tests, then builds again with ASan+UBSan and runs them there too.
# ORDERTRACE_SKIP_SANITIZE=1 skips the sanitizer pass (quicker local runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${ORDERTRACE_JOBS:-$(nproc)}

"$root/scripts/bootstrap.sh"
"$root/scripts/check-format.sh"

run_suite() {
  local build=$1
  shift
  cmake -S "$root" -B "$build" -G Ninja -DORDERTRACE_WARNINGS_AS_ERRORS=ON "$@" >/dev/null
  cmake --build "$build" -j "$jobs"
  ctest --test-dir "$build" --output-on-failure -j "$jobs"
}

echo "== build and test (RelWithDebInfo)"
run_suite "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "${ORDERTRACE_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
  run_suite "$root/build-sanitize" -DCMAKE_BUILD_TYPE=Debug -DORDERTRACE_SANITIZE=ON \
    -DORDERTRACE_BUILD_BENCH=OFF
fi
