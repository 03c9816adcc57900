#!/usr/bin/env bash
# The HTML report renders in a real browser: headless Chromium (when
# installed; CI installs it) screenshots the page of examples/dora-report.sh,
# with the network switched off, and the PNG must be 1200x1600 and not blank
# (many colours, most of them in the charts and text, not one background).
set -eu
. "$TESTS_DIR/chromium.bash"
require_chromium
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ex=$(cd "$TESTS_DIR/../examples" && pwd)
"$ex/dora-report.sh" "$dir/report.html"
screenshot "$dir/report.html" "$dir/out.png"
# The tier colours of the bars must be there: green and red-ish pixels.
check_png "$dir/out.png" green=1a7f37:100 red=cf222e:20
echo "ok: the report renders in Chromium"
