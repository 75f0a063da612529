#!/usr/bin/env bash
# wirepath's command line as a hostile user meets it: every case states the
# exit status and the message it must give (0 ok, 1 run failed/incomplete,
# 2 bad input). Usage: check_cli.sh WIREPATH DIR CASE
set -uo pipefail
BIN="$(realpath "$1")"; DIR="$2"; CASE="$3"
mkdir -p "$DIR"; cd "$DIR"
fails=0
# expect STATUS REGEX -- ARGS...: run, compare the status, grep stdout+stderr.
expect() {
  local want="$1" re="$2"; shift 3
  "$BIN" "$@" > out.txt 2> err.txt; local rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -Eqs -- "$re" out.txt err.txt; then  # (not cat | grep -q: with pipefail, SIGPIPE when grep quits early)
    echo "FAIL: wirepath $* -> exit $rc (want $want), output must match /$re/:"; tail -n 5 out.txt err.txt
    fails=$((fails + 1))
  else
    echo "ok: wirepath $* -> exit $rc, /$re/"
  fi
}
case "$CASE" in
exit_codes)  # CLI11's own errors exit 2 like ours, --help/--version 0 without running
  expect 2 "not expected: --bogus" -- --bogus
  expect 2 "datagrams" -- -n
  expect 2 "datagrams: Value 0 not in range" -- -n 0
  expect 2 "could not be converted|not a number|Value x" -- -n x
  expect 0 "Exit status: 0 ok" -- --help
  expect 0 "^wirepath [0-9a-f]" -- --version
  [ ! -e wirepath.pcap ] || { echo "FAIL: --help/--version ran the scenario"; fails=$((fails + 1)); }
  ;;
numbers)  # every floating option refuses non-finite and out-of-range values
  for v in nan inf -inf 1e300 -1; do
    expect 2 "rtt-us" -- --rtt-us "$v" --pcap ''
    expect 2 "loss" -- --tcp 1000 --loss "$v" --pcap ''
    expect 2 "reorder" -- --reorder "$v" --pcap ''
    expect 2 "time-limit" -- --time-limit "$v" --pcap ''
  done
  expect 2 "loss: 2 is outside" -- --tcp 1000 --loss 2 --pcap ''
  expect 2 "tipg" -- --tipg 1024 --pcap ''
  ;;
tcp_bytes)  # --tcp BYTES: 1..2^40, whole; the stream is generated, not allocated
  expect 2 "tcp: 0 is outside" -- --tcp 0 --pcap ''
  expect 2 "tcp: -1 is not a whole number" -- --tcp -1 --pcap ''
  expect 2 "tcp: 1.5 is not a whole number" -- --tcp 1.5 --pcap ''
  expect 2 "tcp: 'nan' is not a number" -- --tcp nan --pcap ''
  expect 1 "TCP transfer of 8000000000 bytes.*|INCOMPLETE: stopped at the time limit" -- --tcp 8e9 --time-limit 0.0002 --pcap ''
  grep -q "INCOMPLETE (in order and correct so far)" out.txt || { echo "FAIL: 8e9 not INCOMPLETE"; fails=$((fails + 1)); }
  expect 0 "byte-identical and in order" -- --tcp 1 --pcap ''
  ;;
scenario_options)  # options of the other scenario are refused, not ignored
  expect 2 "loss: applies to the TCP scenario only" -- --loss 0.1 --pcap ''
  expect 2 "nodelay: applies to the TCP scenario only" -- --nodelay --pcap ''
  expect 2 "max-size: applies to the UDP scenario only" -- --tcp 1000 --max-size 10 --pcap ''
  expect 2 "datagrams: applies to the UDP scenario only" -- --tcp 1000 -n 3 --pcap ''
  expect 2 "min-size: 100 is above --max-size 10" -- --min-size 100 --max-size 10 --pcap ''
  ;;
ring)  # --help's ring range is what the driver accepts
  lo=$("$BIN" --help | sed -n 's/.*TX descriptors (multiple of 8, \([0-9]*\)\.\.4096.*/\1/p')
  [ -n "$lo" ] || { echo "FAIL: no ring range in --help"; exit 1; }
  expect 0 "skbs still live 0" -- --ring "$lo" -n 60 --pcap ''
  expect 2 "ring: Value $((lo - 8)) not in range" -- --ring $((lo - 8)) --pcap ''
  expect 2 "ring: must be a multiple of 8" -- --ring $((lo + 4)) --pcap ''
  expect 0 "skbs still live 0" -- --ring 4096 -n 3 --pcap ''
  ;;
outputs)  # unwritable outputs fail clearly; --pcap '' is no pcap, --vcd '' refused
  expect 2 "pcap: cannot write '/dev/full': No space left on device" -- -n 3 --pcap /dev/full
  expect 2 "pcap: cannot open '/nonexistent/x.pcap'" -- -n 3 --pcap /nonexistent/x.pcap
  expect 2 "waves: cannot create directory '/proc/x'" -- -n 3 --pcap '' --vcd /proc/x/y.vcd
  expect 2 "vcd: needs a file name" -- -n 3 --pcap '' --vcd ''
  expect 0 "sent +3 UDP" -- -n 3 --pcap ''
  if grep -q "^pcap " out.txt || [ -e wirepath.pcap ]; then echo "FAIL: --pcap '' wrote a pcap"; fails=$((fails + 1)); fi
  ;;
arp_drain)  # the run ends only when the ARP-queued packets are on the wire
  expect 0 "wire +21 frames" -- --arp -n 20 --pcap arp.pcap
  grep -q "skbs still live 0" out.txt || { echo "FAIL: skbs live at the end"; fails=$((fails + 1)); }
  n=$(tshark -r arp.pcap -Y udp 2>/dev/null | wc -l)
  [ "$n" -eq 20 ] || { echo "FAIL: $n UDP frames in the pcap, want 20"; fails=$((fails + 1)); }
  ;;
time_limit)  # the limit is an option; an early end says INCOMPLETE with what is in flight, exit 1
  expect 1 "INCOMPLETE: stopped at the time limit" -- -n 300 --time-limit 0.0001 --pcap lim.pcap
  grep -q "^in flight" out.txt && grep -q "^sent " out.txt || { echo "FAIL: no summary"; fails=$((fails + 1)); }
  capinfos -c lim.pcap > /dev/null 2>&1 || { echo "FAIL: the pcap of an early end does not read"; fails=$((fails + 1)); }
  # 2000 one-byte writes with TCP_NODELAY: the deadline starts with the work, not before connect.
  expect 0 "byte-identical and in order" -- --tcp 2000 --write-size 1 --nodelay --pcap ''
  ;;
signal)  # SIGINT/SIGTERM: full summary, clean pcap, exit 1
  for sig in INT TERM; do
    "$BIN" --tcp 1000000000 --pcap sig.pcap > out.txt 2> err.txt & pid=$!
    while ! grep -q "^wirepath: TCP transfer" out.txt; do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
    kill -$sig $pid; wait $pid; rc=$?
    if [ "$rc" -ne 1 ] || ! grep -q "INCOMPLETE: stopped by a signal" err.txt || ! grep -q "^in flight" out.txt ||
       ! capinfos -c sig.pcap > /dev/null 2>&1; then
      echo "FAIL: SIG$sig -> exit $rc"; cat out.txt err.txt; fails=$((fails + 1))
    else echo "ok: SIG$sig -> exit 1, summary, pcap $(capinfos -c sig.pcap | awk '/Number of packets/ {print $NF}') frames"; fi
  done
  ;;
progress)  # progress only on a terminal, and not with --quiet
  "$BIN" -n 100 --pcap '' --progress-after-s 0 > /dev/null 2> err.txt
  [ ! -s err.txt ] || { echo "FAIL: progress on a non-terminal"; fails=$((fails + 1)); }
  script -qec "$BIN -n 100 --pcap '' --progress-after-s 0 2>&1 >/dev/null" /dev/null > tty.txt
  grep -q "wirepath: sim .* ms, .* frames, .* MB on the wire" tty.txt || { echo "FAIL: no progress on a tty"; fails=$((fails + 1)); }
  script -qec "$BIN -n 100 --pcap '' --progress-after-s 0 --quiet 2>&1 >/dev/null" /dev/null > tty.txt
  ! grep -q "wirepath: sim" tty.txt || { echo "FAIL: progress with --quiet"; fails=$((fails + 1)); }
  ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac
[ "$fails" -eq 0 ] && echo "PASS $CASE" || { echo "$fails failures in $CASE"; exit 1; }
