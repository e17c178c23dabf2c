#!/usr/bin/env bash
# How close is `ordertrace show` against a live Jaeger to the floor set by the HTTP it
# needs? Starts a Jaeger (scripts/jaeger.sh, free ports), loads the hand-made showcase set
# (tests/data/showcase/shop-week-otlp.json), records the exact URLs one `show --verbose`
# requests, then compares the wall time of a cold `ordertrace show` with
# `curl --parallel --parallel-max 8` fetching the same URLs
# (target: at most 1.2x), and counts the requests against the target (services x
# order-id keys searches per window searched, plus linked traces, no trace fetched twice).
#
#   bench/show_vs_curl.sh [ORDER_ID]        default ORD-2026-0005 (lost in the queue)
#
# ORDERTRACE: the binary (default: build/apps/ordertrace, else the first build*/ one).
# RUNS: timed runs of each side (default 21; the median is reported). API: --api value
# (default auto, what a user gets).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
order_id=${1:-ORD-2026-0005}
runs=${RUNS:-21}
api=${API:-auto}

ordertrace=${ORDERTRACE:-}
if [ -z "$ordertrace" ]; then
  for candidate in "$root/build/apps/ordertrace" "$root"/build*/apps/ordertrace; do
    if [ -x "$candidate" ]; then
      ordertrace=$candidate
      break
    fi
  done
fi
if [ -z "$ordertrace" ] || [ ! -x "$ordertrace" ]; then
  echo "show_vs_curl: no ordertrace binary; build one or set ORDERTRACE" >&2
  exit 1
fi

work=$(mktemp -d)
cleanup() {
  "$root/scripts/jaeger.sh" stop "$work/jaeger" || true
  rm -rf "$work"
}
trap cleanup EXIT

JAEGER_PORTS=auto "$root/scripts/jaeger.sh" start "$work/jaeger" >/dev/null
# shellcheck disable=SC1091
. "$work/jaeger/env"
now=$(cat "$root/tests/data/showcase/now.txt")

status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary "@$root/tests/data/showcase/shop-week-otlp.json" "$JAEGER_OTLP_URL/v1/traces")
if [ "$status" != 200 ]; then
  echo "show_vs_curl: Jaeger answered HTTP $status to the showcase data" >&2
  exit 1
fi

show=("$ordertrace" show "$order_id" --jaeger "$JAEGER_URL" --now "$now" --format json
  --api "$api")

# The exact URLs of one run, in the order they were sent.
"${show[@]}" --verbose >"$work/report.json" 2>"$work/verbose.txt" || true
sed -n 's/^ordertrace: GET \([^ ]*\) -> .*/\1/p' "$work/verbose.txt" >"$work/urls.txt"
verdict=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["verdict"], j["suspect"])' \
  "$work/report.json")
while read -r url; do
  printf 'url = "%s"\noutput = "/dev/null"\n' "$url"
done <"$work/urls.txt" >"$work/curl.cfg"

# Request counts, from the URLs themselves.
total=$(wc -l <"$work/urls.txt")
distinct=$(sort -u "$work/urls.txt" | wc -l)
v3_searches=$(grep -c '/api/v3/traces?' "$work/urls.txt" || true)
order_searches=$(grep '/api/traces?service=' "$work/urls.txt" | grep -vc 'messaging' || true)
consumer_searches=$(grep '/api/traces?service=' "$work/urls.txt" | grep -c 'messaging' || true)
fetches=$(grep -cE '/api(/v3)?/traces/[0-9a-f]+' "$work/urls.txt" || true)
distinct_fetches=$({ grep -oE '/traces/[0-9a-f]+' "$work/urls.txt" || true; } | sort -u | wc -l)
windows=$({ grep '/api/traces?service=' "$work/urls.txt" || true; } | { grep -v messaging || true; } |
  sed -n 's/.*&start=\([0-9]*\)&.*/\1/p' | sort -u | wc -l)
services=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["services"]))' \
  "$root/data/lifecycle/default.json")
keys=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("order_id_keys", ["order.id","order_id","orderId","app.order.id"])))' \
  "$root/data/lifecycle/default.json")

# Wall time in ms of one run of "$@", output discarded.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

fetch_all() { curl --parallel --parallel-max 8 -sS -g -K "$work/curl.cfg"; }
time_ms "${show[@]}" >/dev/null # warm the page cache and Jaeger
time_ms fetch_all >/dev/null
for _ in $(seq "$runs"); do
  time_ms "${show[@]}" >>"$work/show.ms"
  time_ms fetch_all >>"$work/curl.ms"
done
show_ms=$(median <"$work/show.ms")
curl_ms=$(median <"$work/curl.ms")
ratio=$(awk -v a="$show_ms" -v b="$curl_ms" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
verdict_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.2 ? "within" : "OVER") }')

cat <<REPORT
order $order_id (verdict: $verdict), Jaeger $JAEGER_URL, --api $api, $(nproc) cores
requests:   $total sent, $distinct distinct URLs
  api_v3 searches (route detection):     $v3_searches
  legacy order-id searches:              $order_searches = $windows window(s) x $services services x $keys keys ($((windows * services * keys)) expected)
  consumer searches (messages w/o id):   $consumer_searches
  traces fetched by id (linked):         $fetches ($distinct_fetches distinct; fetched twice: $((fetches - distinct_fetches)))
  target: searches + linked traces = $((windows * services * keys + distinct_fetches)); over it: $((total - windows * services * keys - distinct_fetches)) (detection + consumer searches)
wall time, median of $runs cold runs:
  ordertrace show:                       ${show_ms} ms
  curl --parallel --parallel-max 8:      ${curl_ms} ms
  ratio:                                 ${ratio}x ($verdict_ok the 1.2x target)
REPORT
