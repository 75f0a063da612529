#!/usr/bin/env bash
# scripts/sweep over sweeps/smoke.toml (4 runs) with GNU parallel on this
# machine: every run exits 0 and is merged into results.csv with its grid
# values and metrics, parallel's joblog lists all 4, the plot is written; and
# the Slurm job array script names 4 tasks.
set -euo pipefail
BIN="$1"; DIR="$2"; ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$DIR"; mkdir -p "$DIR"
"$ROOT/scripts/sweep" run "$ROOT/sweeps/smoke.toml" -o "$DIR/local" -j 2 --wirepath "$BIN"
CSV="$DIR/local/results.csv"
head -1 "$CSV" | grep -q '^id,max-size,seed,rc,host,wall_s,'
[ "$(tail -n +2 "$CSV" | wc -l)" -eq 4 ]
# Every row: rc 0, 20 datagrams sent, 20 frames on the wire, a throughput.
python3 - "$CSV" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert sorted((r['max-size'], r['seed']) for r in rows) == [('1472', '1'), ('1472', '2'), ('64', '1'), ('64', '2')], rows
for r in rows:
    assert r['rc'] == '0' and r['sent'] == '20' and r['wire_frames'] == '20' and float(r['throughput_gbps']) > 0, r
PY
[ "$(tail -n +2 "$DIR/local/joblog" | awk '$7 == 0' | wc -l)" -eq 4 ]
grep -q '<svg' "$DIR/local/plot.svg"
"$ROOT/scripts/sweep" slurm "$ROOT/sweeps/smoke.toml" -o "$DIR/slurm" --wirepath "$BIN"
grep -q '^#SBATCH --array=0-3$' "$DIR/slurm/sweep.sbatch"
# A task of the array is the same `one` call parallel made.
SLURM_ARRAY_TASK_ID=2 bash "$DIR/slurm/sweep.sbatch"
grep -q '"rc": 0' "$DIR/slurm/runs/0002/run.json"
echo "sweep: 4 runs with parallel merged, Slurm array of 4 written, task 2 ran"
