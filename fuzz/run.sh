#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, from the committed seeds, and prints
# one line per target: executions, seconds, corpus size, and the crash file if one was found.
#
#   fuzz/run.sh [-j JOBS] [-n RUNS] SECONDS [TARGET...]
#
# With -n, a target also stops once it has executed RUNS inputs, whichever comes first.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The toolchain is stable, so the build is told it
# may use libFuzzer's nightly-only flags (RUSTC_BOOTSTRAP=1); no sanitizer is used (rift has no
# unsafe code), and debug assertions are on so that integer overflow is a finding.
set -euo pipefail
cd "$(dirname "$0")"

jobs=1
runs=-1
while :; do
  case "${1:-}" in
    -j) jobs=$2; shift 2 ;;
    -n) runs=$2; shift 2 ;;
    *) break ;;
  esac
done
seconds=${1:?usage: fuzz/run.sh [-j JOBS] [-n RUNS] SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^rift-fuzz$')
fi

export RUSTC_BOOTSTRAP=1
# Coverage only in rift's crates and the parsers they hand input to (fuzz/coverage-scope.sh):
# the rest of polars and tantivy would make libFuzzer's per-execution bookkeeping dominate.
export RUSTC_WRAPPER=$PWD/coverage-scope.sh
cargo fuzz build -s none -a >/dev/null

run() {
  local t=$1
  mkdir -p "work/$t" "artifacts/$t"
  local log="work/$t.log"
  local start=$SECONDS
  # New inputs go to work/<target>; corpus/<target> holds the committed seeds.
  cargo fuzz run -s none -a "$t" "work/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1 || true
  local execs elapsed
  elapsed=$(( SECONDS - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  local crash
  crash=$(ls -t "artifacts/$t" 2>/dev/null | head -1)
  printf '%-13s %12s execs  %6s s  corpus %5s  %s\n' "$t" "${execs:-?}" "$elapsed" \
    "$(ls "work/$t" | wc -l)" "${crash:+CRASH artifacts/$t/$crash}"
}
export -f run
export seconds runs
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run {}'
