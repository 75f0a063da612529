#!/usr/bin/env bash
# Opens a --report page in headless Chromium: the page's script must build
# all its charts (it writes "rendered N charts" into #status) and log no
# script error. Usage: check_report_renders.sh WIREPATH DIR
set -euo pipefail
BIN="$1"; DIR="$2"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "chromium not installed (scripts/deps.sh installs Debian's chromium)"; exit 1; }
rm -rf "$DIR"; mkdir -p "$DIR"; cd "$DIR"
"$BIN" -n 60 --pcap "" --report report.html > run.txt
grep -q "^report      report.html" run.txt
timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run --disable-extensions \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$DIR/profile" \
  --virtual-time-budget=5000 --enable-logging=stderr --v=0 --dump-dom "file://$DIR/report.html" \
  > dom.html 2> chromium.log || { tail -20 chromium.log; exit 1; }
status=$(grep -o '<div id="status">[^<]*' dom.html | sed 's/.*>//' || true)
echo "status: ${status:-none}"
if grep -E 'CONSOLE.*(Uncaught|Error)' chromium.log; then echo "script errors in the report"; exit 1; fi
[ "$status" = "rendered 5 charts" ]
