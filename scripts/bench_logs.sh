#!/usr/bin/env bash
# Log ingest throughput: `rift ingest` over ~1 GB of mixed JSON-lines logs (etcd zap, MongoDB logv2,
# hclog JSON) against `rg -c` over the same files with every built-in profile's rule literals, in
# one invocation, each run RUNS times; prints min / median / max and the ratio of the medians.
#
# usage: scripts/bench_logs.sh [DIR] [SIZE_MB] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/biglogs}
size=${2:-1024}
runs=${3:-5}
command -v rg >/dev/null || { echo "ripgrep (rg) is needed: apt-get install ripgrep" >&2; exit 1; }
[ -d "$dir/logs" ] || python3 scripts/gen_logs.py "$dir" "$size"
cargo build --release -q
patterns=$(mktemp)
# Every rule literal of the built-in profiles, as rg patterns (fixed strings).
python3 - > "$patterns" <<'PY'
import glob, tomllib
pats = {r["msg"] for f in glob.glob("ingest/profiles/*.toml") for r in tomllib.load(open(f, "rb")).get("rule", [])}
print("\n".join(sorted(pats)))
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[1], a[int((NR+1)/2)], a[NR]}'; }
time_it() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
rift_t=(); rg_t=()
for _ in $(seq "$runs"); do
  rift_t+=("$(time_it target/release/rift ingest "$dir")")
  rg_t+=("$(time_it rg -c -F -f "$patterns" "$dir/logs")")
done
read -r rmin rmed rmax < <(printf '%s\n' "${rift_t[@]}" | median)
read -r gmin gmed gmax < <(printf '%s\n' "${rg_t[@]}" | median)
bytes=$(du -sb "$dir/logs" | cut -f1)
echo "logs: $((bytes / 1000000)) MB in $(ls "$dir/logs" | wc -l) files; $(wc -l < "$patterns") patterns"
echo "rift ingest  min/median/max s: $rmin $rmed $rmax"
echo "rg -c        min/median/max s: $gmin $gmed $gmax"
echo "ratio (median rift / median rg): $(echo "scale=2; $rmed / $gmed" | bc)"
rm -f "$patterns"
