#!/usr/bin/env bash
# Renders DIR/report.html in headless Chromium and writes DIR/report.png, proving the
# report renders offline with visible charts. Needs Debian's chromium
# (apt-get install chromium). Usage: scripts/screenshot-report.sh DIR [WIDTHxHEIGHT]
set -euo pipefail
dir=${1:?usage: screenshot-report.sh DIR [WIDTHxHEIGHT]}
size=${2:-1400x4000}
[ -f "$dir/report.html" ] || { echo "screenshot-report: $dir/report.html does not exist (run 'deploybench report $dir' first)" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "screenshot-report: no chromium found (apt-get install chromium)" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$dir" && pwd)
# The flags keep Chromium off the network: the report must render with no connection.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size="${size/x/,}" \
  --screenshot="$abs/report.png" "file://$abs/report.html" >/dev/null 2>&1
[ -s "$abs/report.png" ] || { echo "screenshot-report: chromium wrote no screenshot" >&2; exit 1; }
echo "$abs/report.png"
