#!/usr/bin/env bash
# --peer kernel without CAP_SYS_ADMIN/CAP_NET_ADMIN (every capability dropped
# with setpriv) must end at once with a clear error and exit status 2.
set -euo pipefail
WIREPATH="$1"; OUT="$2"
mkdir -p "$OUT"; cd "$OUT"
command -v setpriv >/dev/null || { echo "setpriv (util-linux) not found"; exit 1; }
set +e
timeout 60 setpriv --bounding-set=-all --inh-caps=-all "$WIREPATH" --peer kernel -n 3 >stdout.txt 2>stderr.txt
rc=$?
set -e
cat stderr.txt
[ "$rc" -eq 2 ] || { echo "expected exit status 2, got $rc"; exit 1; }
grep -q "kernel peer: unshare(CLONE_NEWNET): Operation not permitted" stderr.txt
echo "ok: refused with exit status 2"
