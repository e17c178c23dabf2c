#!/usr/bin/env bash
# Records the interop corpus: a shop-api / crm-api / mes system instrumented with the real
# OpenTelemetry SDKs (Python: shop-api, crm-api; Node.js: mes) talking over HTTP and a real
# RabbitMQ, exporting OTLP protobuf over HTTP to the real Jaeger of scripts/jaeger.sh; a
# driver plays the scenarios of tests/interop/driver.py; then what Jaeger serves is saved.
#
#   scripts/interop.sh [OUT_DIR]    (default tests/data/interop, replaced whole)
#
# Installs what it needs: Debian's rabbitmq-server (apt-get, as root), a Python venv and
# node_modules under ${XDG_CACHE_HOME:-~/.cache}/ordertrace/interop/ from the pinned
# tests/interop/requirements.txt and tests/interop/mes-js/package-lock.json. Everything
# runs on 127.0.0.1 on free ports, RabbitMQ with its own node name, epmd port and data dir
# in a scratch directory; all of it is stopped at the end, failed runs included.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out_dir=$(realpath -m "${1:-$root/tests/data/interop}")
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ordertrace/interop
interop=$root/tests/interop
rabbitmq_bin=/usr/lib/rabbitmq/bin

log() { echo "interop.sh: $*" >&2; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

install_packages() {
  if [ ! -x "$rabbitmq_bin/rabbitmq-server" ]; then
    log "installing Debian's rabbitmq-server"
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q rabbitmq-server >&2
  fi
  mkdir -p "$cache"
  if ! cmp -s "$interop/requirements.txt" "$cache/venv/requirements.txt"; then
    log "installing the Python packages (tests/interop/requirements.txt) into $cache/venv"
    rm -rf "$cache/venv"
    python3 -m venv "$cache/venv"
    "$cache/venv/bin/pip" install -q -r "$interop/requirements.txt" >&2
    cp "$interop/requirements.txt" "$cache/venv/requirements.txt"
  fi
  if ! cmp -s "$interop/mes-js/package-lock.json" "$cache/mes-js/package-lock.json" ||
    [ ! -d "$cache/mes-js/node_modules" ]; then
    log "installing the npm packages (tests/interop/mes-js/package-lock.json) into $cache/mes-js"
    mkdir -p "$cache/mes-js"
    cp "$interop/mes-js/package.json" "$interop/mes-js/package-lock.json" "$cache/mes-js/"
    (cd "$cache/mes-js" && npm ci --no-audit --no-fund >&2)
  fi
}

scratch=
pids=()
cleanup() {
  local status=$?
  set +e
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ -n "$scratch" ]; then
    if [ -f "$scratch/rabbitmq/rabbit.pid" ]; then
      rabbitmq_env "$rabbitmq_bin/rabbitmqctl" stop "$scratch/rabbitmq/rabbit.pid" >/dev/null 2>&1 ||
        kill -KILL "$(cat "$scratch/rabbitmq/rabbit.pid")" 2>/dev/null
    fi
    [ -n "${epmd_port:-}" ] && ERL_EPMD_PORT=$epmd_port epmd -kill >/dev/null 2>&1
    "$root/scripts/jaeger.sh" stop "$scratch/jaeger" >/dev/null 2>&1
    if [ "$status" = 0 ]; then rm -rf "$scratch"; else log "logs kept in $scratch"; fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rabbitmq_env() {
  local dir=$scratch/rabbitmq
  env HOME="$dir/home" RABBITMQ_NODENAME=ordertrace-interop@localhost \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp_port" \
    RABBITMQ_DIST_PORT="$dist_port" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_PID_FILE="$dir/rabbit.pid" "$@"
}

start_rabbitmq() {
  local dir=$scratch/rabbitmq
  mkdir -p "$dir/home"
  amqp_port=$(free_port) dist_port=$(free_port) epmd_port=$(free_port)
  printf 'listeners.tcp.1 = 127.0.0.1:%s\nloopback_users = none\n' "$amqp_port" >"$dir/rabbitmq.conf"
  echo '[].' >"$dir/enabled_plugins"
  rabbitmq_env setsid "$rabbitmq_bin/rabbitmq-server" >"$dir/server.log" 2>&1 </dev/null &
  rabbitmq_env "$rabbitmq_bin/rabbitmqctl" wait --timeout 120 "$dir/rabbit.pid" >/dev/null
  log "RabbitMQ $(rabbitmq_env "$rabbitmq_bin/rabbitmqctl" version 2>/dev/null) on 127.0.0.1:$amqp_port"
}

wait_for_http() {
  local url=$1 pid=$2
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$url" && return 0 # any HTTP answer: the service is up
    kill -0 "$pid" 2>/dev/null || { log "service behind $url exited; see $scratch/*.log"; return 1; }
    sleep 0.1
  done
  log "no answer from $url"
  return 1
}

install_packages
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ordertrace-interop.XXXXXX")
JAEGER_PORTS=auto "$root/scripts/jaeger.sh" start "$scratch/jaeger" >/dev/null
# shellcheck disable=SC1091
. "$scratch/jaeger/env"
start_rabbitmq

shop_port=$(free_port) crm_port=$(free_port) mes_port=$(free_port)
export INTEROP_AMQP_PORT=$amqp_port
export INTEROP_SHOP_URL=http://127.0.0.1:$shop_port INTEROP_SHOP_PORT=$shop_port
export INTEROP_CRM_URL=http://127.0.0.1:$crm_port INTEROP_CRM_PORT=$crm_port
export INTEROP_MES_URL=http://127.0.0.1:$mes_port INTEROP_MES_PORT=$mes_port
export OTEL_EXPORTER_OTLP_ENDPOINT=$JAEGER_OTLP_URL OTEL_PYTHON_FLASK_EXCLUDED_URLS=internal/
export PYTHONDONTWRITEBYTECODE=1

NODE_PATH=$cache/mes-js/node_modules node --require "$interop/mes-js/telemetry.js" \
  "$interop/mes-js/mes.js" >"$scratch/mes.log" 2>&1 &
pids+=($!)
wait_for_http "$INTEROP_MES_URL/internal/orders/none" "${pids[-1]}"
for service in shop_api crm_api; do
  (cd "$interop/services" && exec "$cache/venv/bin/python" "$service.py") >"$scratch/$service.log" 2>&1 &
  pids+=($!)
done
wait_for_http "$INTEROP_CRM_URL/internal/orders/none" "${pids[-1]}"
wait_for_http "$INTEROP_SHOP_URL/internal/ping" "${pids[-2]}"

"$cache/venv/bin/python" "$interop/driver.py" "$scratch/corpus"

# SIGTERM makes each SDK flush its batch of spans before the process exits.
for pid in "${pids[@]}"; do kill -TERM "$pid"; done
for pid in "${pids[@]}"; do wait "$pid" || true; done
pids=()
"$cache/venv/bin/python" "$interop/save_corpus.py" "$JAEGER_URL" "$scratch/corpus" shop-api crm-api mes

rm -rf "$out_dir"
mkdir -p "$(dirname "$out_dir")"
cp -r "$scratch/corpus" "$out_dir"
log "corpus written to $out_dir ($(du -sh "$out_dir" | cut -f1)); judge it at $(cat "$out_dir/now.txt")"
