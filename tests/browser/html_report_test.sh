#!/bin/sh
# Renders the nightly HTML report of the demo data in headless Chromium (Debian's
# `chromium`): the page must produce a screenshot, run its script to the end (it marks the
# document data-report-ready="1") and log nothing to the console (no script error, no
# blocked fetch). Exits 77 (skipped) only when chromium is missing or cannot start at all.
#
# usage: html_report_test.sh ORDERTRACE SOURCE_DIR WORK_DIR
set -eu
ordertrace=$1
source_dir=$2
work=$3

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIP: chromium is not installed (scripts/bootstrap.sh installs it)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
demo=$source_dir/data/demo

# Every trace file of the demo set, whatever the simulator named them.
set --
for file in "$demo"/*.json; do
  set -- "$@" --source "$file"
done
status=0
"$ordertrace" report "$@" --now "$(cat "$demo/now.txt")" --format html \
  --out "$work/report.html" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "FAIL: ordertrace report exited $status"
  exit 1
fi

# Its own profile, so that two runs at once (ctest -j) do not share one.
browse() {
  name=$1
  shift
  timeout 120 "$chromium" --headless --disable-gpu --no-sandbox --no-first-run \
    --user-data-dir="$work/profile-$name" --enable-logging=stderr --v=0 "$@" \
    2>>"$work/chromium-$name.log"
}

if ! browse probe --dump-dom "about:blank" >"$work/probe.html" || ! grep -q "<html" "$work/probe.html"; then
  echo "SKIP: chromium cannot start here:"
  tail -5 "$work/chromium-probe.log"
  exit 77
fi

browse dom --dump-dom "file://$work/report.html" >"$work/dom.html"
browse shot --screenshot="$work/report.png" --window-size=1366,900 "file://$work/report.html" >/dev/null

failed=0
if ! grep -q 'data-report-ready="1"' "$work/dom.html"; then
  echo "FAIL: the page's script did not run to the end"
  failed=1
fi
if [ ! -s "$work/report.png" ]; then
  echo "FAIL: no screenshot was produced"
  failed=1
elif [ "$(head -c 8 "$work/report.png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
  echo "FAIL: the screenshot is not a PNG"
  failed=1
fi
# Chromium logs every console message (errors, uncaught exceptions, refused loads) as
# ":CONSOLE" lines; a clean page logs none.
if grep -h ":CONSOLE" "$work/chromium-dom.log" "$work/chromium-shot.log"; then
  echo "FAIL: the page logged to the console (above)"
  failed=1
fi
[ "$failed" -eq 0 ] && echo "OK: $work/report.png"
exit "$failed"
