#!/usr/bin/env bash
# Every scenarios/*.toml loads through --config and runs to exit 0; a value
# given on the command line wins over the file; a bad key is refused (exit 2).
# Usage: check_scenarios.sh WIREPATH SOURCE_DIR OUT_DIR
set -uo pipefail
BIN="$(realpath "$1")"; SRC="$2"; OUT="$(realpath -m "$3")"
mkdir -p "$OUT"; cd "$SRC"   # paths inside the files are relative to the repo root
fails=0
for f in scenarios/*.toml; do
  name=$(basename "$f" .toml)
  "$BIN" --config "$f" --pcap "$OUT/$name.pcap" > "$OUT/$name.txt" 2> "$OUT/$name.err"; rc=$?
  if [ $rc -ne 0 ]; then echo "FAIL: $f -> exit $rc"; tail -n 5 "$OUT/$name.txt" "$OUT/$name.err"; fails=$((fails + 1)); continue; fi
  echo "ok: $f: $(head -1 "$OUT/$name.txt")"
done
# The file's values are used ...
grep -q "^wirepath: 50 UDP datagrams of 1..3000" "$OUT/nat_fragments.txt" || { echo "FAIL: nat_fragments values"; fails=$((fails + 1)); }
grep -q "^netfilter" "$OUT/nat_fragments.txt" || { echo "FAIL: nat_fragments rules not loaded"; fails=$((fails + 1)); }
grep -q "^wirepath: TCP transfer of 300000 bytes .*(reno).*loss 0.01" "$OUT/tcp_lossy.txt" || { echo "FAIL: tcp_lossy values"; fails=$((fails + 1)); }
# ... the command line wins ...
"$BIN" --config scenarios/udp_default.toml -n 7 --pcap '' > "$OUT/override.txt" 2>&1
grep -q "^wirepath: 7 UDP datagrams" "$OUT/override.txt" || { echo "FAIL: -n 7 did not win over the file"; fails=$((fails + 1)); }
# ... and the file is checked like the command line.
printf 'datagrams = 0\n' > "$OUT/bad.toml"
"$BIN" --config "$OUT/bad.toml" --pcap '' > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: datagrams = 0 in a file -> exit $rc"; fails=$((fails + 1)); }
printf 'no-such-option = 1\n' > "$OUT/bad2.toml"
"$BIN" --config "$OUT/bad2.toml" --pcap '' > "$OUT/bad2.txt" 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: an unknown key -> exit $rc"; cat "$OUT/bad2.txt"; fails=$((fails + 1)); }
"$BIN" --config "$OUT/missing.toml" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: a missing config file -> exit $rc"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo PASS || exit 1
