#!/usr/bin/env bash
# A real Jaeger (v2.13.0 = Go module github.com/jaegertracing/jaeger@v1.76.0) for the
# integration tests and the live demo, on 127.0.0.1 with memory storage.
#
#   scripts/jaeger.sh install          build the binary once per machine (~4 min on 2 cores)
#   scripts/jaeger.sh start [RUN_DIR]  start it, wait for health, print its addresses
#   scripts/jaeger.sh stop [RUN_DIR]   stop it by PID (TERM, then KILL)
#   scripts/jaeger.sh status [RUN_DIR] exit 0 when it answers
#
# Ports: JAEGER_QUERY_PORT (16686), JAEGER_OTLP_HTTP_PORT (4318), JAEGER_OTLP_GRPC_PORT (4317),
# JAEGER_QUERY_GRPC_PORT (16685), JAEGER_HEALTH_PORT (13133); JAEGER_PORTS=auto picks free
# ones, so parallel runs do not collide. JAEGER_MAX_TRACES (10000) bounds the store.
# `start` writes RUN_DIR/env (shell assignments: JAEGER_URL, JAEGER_OTLP_URL, ...).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ordertrace
module_version=v1.76.0
binary=$cache/jaeger-$module_version/jaeger

find_binary() {
  if [ -x "$binary" ]; then
    echo "$binary"
  elif command -v jaeger >/dev/null 2>&1; then
    command -v jaeger
  else
    return 1
  fi
}

install() {
  find_binary >/dev/null && return 0
  if ! command -v go >/dev/null 2>&1; then
    echo "jaeger.sh: Go is needed to build Jaeger (go 1.24 or newer on PATH)" >&2
    exit 1
  fi
  local work=$cache/jaeger-build
  mkdir -p "$work" "$(dirname "$binary")"
  echo "jaeger.sh: building Jaeger ($module_version) into $binary, once per machine" >&2
  (
    cd "$work"
    [ -f go.mod ] || go mod init jaeger-build >/dev/null 2>&1
    go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$module_version" >&2
    go build -o "$binary.tmp" github.com/jaegertracing/jaeger/cmd/jaeger >&2
  )
  mv "$binary.tmp" "$binary"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

run_dir() { echo "${1:-$cache/run}"; }

start() {
  install
  local dir
  dir=$(run_dir "${1:-}")
  mkdir -p "$dir"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "jaeger.sh: already running (pid $(cat "$dir/pid")); stop it first" >&2
    exit 1
  fi
  local query otlp_http otlp_grpc query_grpc health
  if [ "${JAEGER_PORTS:-}" = auto ]; then
    query=$(free_port) otlp_http=$(free_port) otlp_grpc=$(free_port)
    query_grpc=$(free_port) health=$(free_port)
  else
    query=${JAEGER_QUERY_PORT:-16686} otlp_http=${JAEGER_OTLP_HTTP_PORT:-4318}
    otlp_grpc=${JAEGER_OTLP_GRPC_PORT:-4317} query_grpc=${JAEGER_QUERY_GRPC_PORT:-16685}
    health=${JAEGER_HEALTH_PORT:-13133}
  fi
  sed -e "s/@QUERY_PORT@/$query/" -e "s/@OTLP_HTTP_PORT@/$otlp_http/" \
    -e "s/@OTLP_GRPC_PORT@/$otlp_grpc/" -e "s/@QUERY_GRPC_PORT@/$query_grpc/" \
    -e "s/@HEALTH_PORT@/$health/" -e "s/@MAX_TRACES@/${JAEGER_MAX_TRACES:-10000}/" \
    "$root/scripts/jaeger-config.yaml.in" >"$dir/config.yaml"
  # setsid: its own process group, so stop can take any child with it.
  setsid "$(find_binary)" --config "$dir/config.yaml" >"$dir/jaeger.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  cat >"$dir/env" <<ENV
JAEGER_URL=http://127.0.0.1:$query
JAEGER_OTLP_URL=http://127.0.0.1:$otlp_http
JAEGER_HEALTH_URL=http://127.0.0.1:$health/status
JAEGER_PID=$(cat "$dir/pid")
ENV
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null "http://127.0.0.1:$health/status" 2>/dev/null; do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "jaeger.sh: Jaeger exited during start-up; its log:" >&2
      tail -n 20 "$dir/jaeger.log" >&2
      rm -f "$dir/pid"
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "jaeger.sh: Jaeger did not become healthy within 60 s" >&2
      stop "$dir"
      exit 1
    fi
    sleep 0.2
  done
  cat "$dir/env"
}

stop() {
  local dir pid
  dir=$(run_dir "${1:-}")
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

status() {
  local dir
  dir=$(run_dir "${1:-}")
  [ -f "$dir/env" ] && [ -f "$dir/pid" ] || { echo "not running"; return 1; }
  # shellcheck disable=SC1091
  . "$dir/env"
  if curl -fsS -o /dev/null "$JAEGER_HEALTH_URL"; then
    echo "running: $JAEGER_URL (pid $JAEGER_PID)"
  else
    echo "not answering (pid $JAEGER_PID)"
    return 1
  fi
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  status) status "${2:-}" ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
