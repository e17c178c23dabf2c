#!/usr/bin/env bash
# Every test: installs what is missing (Jaeger for the integration tests included),
# checks formatting, builds with warnings as errors, runs all tests, then builds again
# with ASan+UBSan and runs them there too.
# ORDERTRACE_SKIP_SANITIZE=1 skips the sanitizer pass (quicker local runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${ORDERTRACE_JOBS:-$(nproc)}

"$root/scripts/bootstrap.sh"
"$root/scripts/check-format.sh"
# The integration tests run a real Jaeger (ctest fixture jaeger_start). Build it now, once
# per machine (~4 min on 2 cores; at once when cached), never inside a test's timeout.
"$root/scripts/jaeger.sh" install

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
  # The integration tests run here too (each build directory starts its own Jaeger on free
  # ports): about 30 s under ASan, and they drive the HTTP client the unit tests only fake.
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
  run_suite "$root/build-sanitize" -DCMAKE_BUILD_TYPE=Debug -DORDERTRACE_SANITIZE=ON \
    -DORDERTRACE_BUILD_BENCH=OFF
fi
