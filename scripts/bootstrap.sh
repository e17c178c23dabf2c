#!/usr/bin/env bash
# Installs the Debian packages ordertrace needs to build and test, when missing.
# Idempotent: does nothing when everything is there. Runs apt-get as root or via sudo.
set -euo pipefail

packages=(
  cmake g++ ninja-build pkg-config
  libcli11-dev libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev
  libsqlitecpp-dev libsqlite3-dev
  libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  libmimalloc-dev
  clang-format python3 curl
  chromium
)
packages+=("$@")

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
