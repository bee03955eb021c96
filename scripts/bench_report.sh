#!/usr/bin/env bash
# What a review report costs beyond classification, on the 100-node, 1-hour counters export
# (scripts/gen_counters.py: 35.6 M rows, n0 cut off for the middle third).
#
#   scripts/bench_report.sh [RUNS=1]      # needs python3; builds the release binary
#
# In one invocation, alternating: `rift classify`, `rift report --compare none` (classification
# plus the report) and `rift report` with the default replay of seven variants. Prints each run's
# wall time and peak RSS, the report's size, and the medians. The in-process cost of building and
# rendering the report alone is `cargo bench -p rift-reports --bench report`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
cargo build --release -q
data=${RIFT_BENCH_DATA:-/tmp/rift-bench-100x3600}
[ -s "$data/counters.csv" ] || python3 scripts/gen_counters.py "$data" 100 3600
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rift=target/release/rift
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb <"$work/t"
  echo "$name $secs $kb" | tee -a "$work/all"
}
for _ in $(seq "$runs"); do
  measure classify "$rift" classify "$data" --detector raft
  measure report "$rift" report "$data" --detector raft --compare none -o "$work/r.html"
  measure report+replay "$rift" report "$data" --detector raft -o "$work/rr.html"
done
echo "report size: $(stat -c %s "$work/r.html") bytes; with the replay: $(stat -c %s "$work/rr.html") bytes"
python3 - "$work/all" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, kb = line.split()
    rows.setdefault(name, []).append((float(secs), int(kb)))
base = statistics.median(s for s, _ in rows["classify"])
for name, v in rows.items():
    med = statistics.median(s for s, _ in v)
    print(f"{name:14} median {med:7.2f} s  (min {min(s for s, _ in v):.2f}, max {max(s for s, _ in v):.2f})"
          f"  beyond classify {med - base:+6.2f} s  peak RSS {max(k for _, k in v) / 1024:.0f} MiB")
PY
