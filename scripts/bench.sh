#!/usr/bin/env bash
# The benchmark suite: every speed figure of BENCHMARKS.md, each against its baseline in the same
# invocation, so that every figure is also a ratio.
#
#   scripts/bench.sh [SECTION...]       # sections: a b c d (default: all)
#
# Environment:
#   RIFT_BENCH_DIR   where the generated datasets live (default /tmp/rift-bench; ~3 GB)
#   RUNS             timed runs per command (default 3; hyperfine reports min / median / max)
#   PANDAS_RUNS      runs of the pandas script, which takes minutes (default 1)
#
# Datasets, generated on first use with fixed seeds:
#   (a) `rift synth bench/scenarios/a-100-nodes-1h.toml --seed 1`: 100 members, one hour, 1 s
#       counters (35.6 M rows, 1.7 GB), health checks, client requests, probes, etcd logs;
#   (b) `python3 scripts/gen_logs.py DIR 1024 7`: 1 GB of etcd zap, MongoDB logv2 and hclog JSON
#       lines (rift synth writes etcd logs only, so the mixed-format logs have their own generator),
#       and the same with --wrap, in docker, kubectl and Loki envelopes;
#   (c) `bench/scenarios/c-1000-members-1h.toml`: a 1000-member cluster replayed for one hour;
#   (d) the 100,000-entry corpus the criterion bench `rift-corpus/search` generates (seed fixed).
#
# Baselines: the physical floor (bench/floor: a bare polars lazy scan + group-by of the same
# counters file; `rg` over the same logs with the same patterns), the peer a team would write
# (bench/pandas_counters.py), the Python simulator of ../shared/reference/seed-simulator.py.
# Needs: hyperfine, rg, python3 with pandas (pip install pandas pyarrow). Writes the hyperfine
# JSON files and summary.md to $RIFT_BENCH_DIR/results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data=${RIFT_BENCH_DIR:-/tmp/rift-bench}
runs=${RUNS:-3}
pandas_runs=${PANDAS_RUNS:-1}
sections=${*:-a b c d}
results=$data/results
mkdir -p "$results"
rm -f "$results"/*.json "$results"/*.txt

need() { command -v "$1" >/dev/null || { echo "bench.sh needs $1: $2" >&2; exit 1; }; }
need hyperfine "apt-get install hyperfine"
need rg "apt-get install ripgrep"
need python3 "install Python 3"
[[ $sections != *a* ]] || python3 -c "import pandas" 2>/dev/null || { echo "bench.sh needs pandas: pip install pandas pyarrow" >&2; exit 1; }

echo "== building (release)"
cargo build --release -q
cargo build --release -q --manifest-path bench/floor/Cargo.toml
rift=$root/target/release/rift
floor=$root/bench/floor/target/release/rift-bench-floor

# hyperfine NAME RUNS COMMAND... : times the commands, one after the other, into NAME.json.
bench() {
  local name=$1 n=$2; shift 2
  hyperfine --style basic --runs "$n" --export-json "$results/$name.json" "$@"
}
# rss NAME COMMAND : peak resident set of one run, in KB, into NAME.rss.txt.
rss() {
  local name=$1; shift
  /usr/bin/time -f "%M" -o "$results/$name.rss.txt" bash -c "$*" >/dev/null 2>&1
}

if [[ $sections == *a* ]]; then
  a=$data/a
  [ -s "$a/export/counters.csv" ] ||
    "$rift" synth bench/scenarios/a-100-nodes-1h.toml --out "$a" --seed 1 --force >/dev/null
  echo "== (a) 100 nodes, 1 h: rift classify against the polars floor"
  bench a-classify "$runs" \
    -n "rift classify" "$rift classify $a/export" \
    -n "polars scan + group-by" "$floor $a/export/counters.csv"
  echo "== (a) rift report beyond classification"
  bench a-report "$runs" \
    -n "rift classify" "$rift classify $a/export" \
    -n "rift report --compare none" "$rift report $a/export --compare none -o $data/a-report.html" \
    -n "rift report" "$rift report $a/export -o $data/a-report-replay.html"
  echo "== (a) the pandas script"
  bench a-pandas "$pandas_runs" -n "pandas" "python3 $root/bench/pandas_counters.py $a/export/counters.csv"
  rss a-rift "$rift classify $a/export"
  rss a-floor "$floor $a/export/counters.csv"
  rss a-pandas "python3 $root/bench/pandas_counters.py $a/export/counters.csv"
  echo "== (a) accuracy: the timeline against the slow reference path on a sample of directions"
  "$rift" graph "$a/export" --channel heartbeat --format json > "$data/a-timeline.json"
  python3 bench/pandas_counters.py "$a/export/counters.csv" --check-against "$data/a-timeline.json" \
    --sample 50 --seed 1 | tee "$results/a-check.txt"
fi

if [[ $sections == *b* ]]; then
  b=$data/b
  [ -d "$b/logs" ] || python3 scripts/gen_logs.py "$b" 1024 7 >/dev/null
  patterns=$data/b-patterns.txt
  # Every rule literal of the built-in profiles, as fixed strings: what rift's prefilter looks for.
  python3 - > "$patterns" <<'PY'
import glob, tomllib
pats = {r["msg"] for f in glob.glob("ingest/profiles/*.toml") for r in tomllib.load(open(f, "rb")).get("rule", [])}
print("\n".join(sorted(pats)))
PY
  echo "== (b) 1 GB of logs: rift ingest against rg"
  bench b-logs "$runs" --warmup 1 \
    -n "rift ingest" "$rift ingest $b" \
    -n "rg -c -F -f patterns" "rg -c -F -f $patterns $b/logs"
  rss b-rift "$rift ingest $b"
  # The same logs as collectors hand them over: docker json-file, kubectl --prefix --timestamps,
  # Loki JSON lines (gen_logs.py --wrap).
  bw=$data/b-wrapped
  [ -d "$bw/logs" ] || python3 scripts/gen_logs.py "$bw" 1024 7 --wrap >/dev/null
  echo "== (b) the same logs in envelopes: rift ingest against rg"
  bench b-wrapped "$runs" --warmup 1 \
    -n "rift ingest (wrapped)" "$rift ingest $bw" \
    -n "rg -c -F -f patterns (wrapped)" "rg -c -F -f $patterns $bw/logs"
fi

if [[ $sections == *c* ]]; then
  echo "== (c) replay: 1000 members for one simulated hour"
  bench c-replay "$runs" -n "rift replay 1000 members 1 h" "$rift replay bench/scenarios/c-1000-members-1h.toml"
  rss c-rift "$rift replay bench/scenarios/c-1000-members-1h.toml"
  echo "== (c) the textbook scenario against the Python simulator"
  ref=${RIFT_SEED_SIMULATOR:-$root/../shared/reference/seed-simulator.py}
  sed 's/duration = "10s"/duration = "6s"/' replay/scenarios/textbook-asymmetric.toml > "$data/textbook-6s.toml"
  bench c-textbook 50 --warmup 3 -N \
    -n "python3 seed-simulator.py" "python3 $ref" \
    -n "rift replay textbook" "$rift replay $data/textbook-6s.toml --compare raft"
  # In process, start-up excluded: the reference's run() against criterion's textbook/no_workload.
  python3 - "$ref" > "$results/c-textbook-python-us.txt" <<'PY'
import contextlib, io, sys, time
src = open(sys.argv[1]).read().replace("\nrun()\n", "\n")
ns = {}
exec(compile(src, "seed-simulator", "exec"), ns)
times = []
with contextlib.redirect_stdout(io.StringIO()):
    ns["run"]()
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(400):
            ns["run"]()
        times.append((time.perf_counter() - t) / 400 * 1e6)
print(sorted(times)[2])
PY
  cargo bench -q -p rift-replay --bench replay -- textbook/no_workload 2>/dev/null > "$results/c-textbook-criterion.txt"
fi

if [[ $sections == *d* ]]; then
  echo "== (d) corpus search: shipped corpus and 100,000 entries"
  cargo bench -q -p rift-corpus --bench search 2>/dev/null | tee "$results/d-search.txt" | grep "p99"
  bench d-search-cli 20 --warmup 2 -n "rift corpus search (whole command)" "$rift corpus search 'leader election'"
fi

python3 bench/summary.py "$results" | tee "$results/summary.md"
