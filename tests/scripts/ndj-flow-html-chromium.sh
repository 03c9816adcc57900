#!/usr/bin/env bash
# ndj-flow's HTML page renders in a real browser: headless Chromium (when
# installed; CI installs it) screenshots the page of examples/flow-report.sh
# with the network switched off, and the PNG must be 1200x1600, not blank
# (many colours, not one background), with the charts' colours in it: the
# green of done work, the blue of WIP and the red of a lane over its limit.
set -eu
. "$TESTS_DIR/chromium.bash"
require_chromium
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ex=$(cd "$TESTS_DIR/../examples" && pwd)
"$ex/flow-report.sh" "$dir/report.html"
if grep -qiE '<script|<link|src=|href=|url\(' "$dir/report.html"; then
  echo "FAIL: the page refers to something outside it"
  exit 1
fi
screenshot "$dir/report.html" "$dir/out.png"
check_png "$dir/out.png" green=1a7f37:100 blue=0969da:50 red=cf222e:20
echo "ok: the flow report renders in Chromium"
