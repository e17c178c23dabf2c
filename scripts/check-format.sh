#!/usr/bin/env bash
# Fails when a C++ file is not formatted as .clang-format says; `-i` fixes them instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
  'lib/*.hpp' 'lib/*.cpp' 'apps/*.cpp' 'tests/*.hpp' 'tests/*.cpp' 'bench/*.cpp' 'bench/*.hpp')
[ ${#files[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "-i" ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run --Werror "${files[@]}"
fi
