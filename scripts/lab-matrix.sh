#!/usr/bin/env bash
# Records the lab's fault matrix for one system: every built-in scenario (`rift lab list`) with
# seeds 1..K, and the single one-way link with at least five seeds, each into
# tests/fixtures/lab/<system>/<scenario>-s<seed>/. To keep the repository small a fixture keeps
# the export compressed with zstd -19 (rift reads compressed files as they are) and leaves out
# the raw Prometheus pages (metrics.csv holds the same series, every second) and the fault
# script (truth.json lists every rule as it ran). Recordings already there are kept, so an
# interrupted matrix resumes where it stopped. Needs root, zstd, and what `rift lab check` asks for.
#
#     sudo scripts/lab-matrix.sh [SYSTEM [K [RIFT]]]     # defaults: etcd 3 target/release/rift
#     sudo SCENARIOS="healthy complete-leader" scripts/lab-matrix.sh redis 1   # only these
set -euo pipefail
cd "$(dirname "$0")/.."
system=${1:-etcd}
k=${2:-3}
rift=${3:-target/release/rift}
dest=tests/fixtures/lab/$system

"$rift" lab check --system "$system" >/dev/null
command -v zstd >/dev/null || { echo "zstd is needed: apt-get install -y zstd" >&2; exit 1; }
mkdir -p "$dest"
for scenario in ${SCENARIOS:-$("$rift" lab list | awk '/^  /{print $1}')}; do
  n=$k
  if [ "$scenario" = one-way-link ] && [ "$n" -lt 5 ]; then n=5; fi
  for seed in $(seq 1 "$n"); do
    out=$dest/$scenario-s$seed
    [ -e "$out/truth.json" ] && continue
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$rift" lab run "$scenario" --system "$system" --seed "$seed" --out "$tmp/rec"
    rm -rf "$tmp/rec/export/metrics-raw" "$tmp/rec/faults.sh"
    find "$tmp/rec/export" -type f \( -name '*.log' -o -name '*.csv' -o -name '*.gz' \) ! -name members.csv |
      while read -r f; do
        case $f in
          *.gz) zcat "$f" | zstd -19 -q -o "${f%.gz}.zst" && rm "$f" ;;
          *) zstd -19 -q --rm "$f" ;;
        esac
      done
    rm -rf "$out"
    mv "$tmp/rec" "$out"
    rm -rf "$tmp"
    trap - EXIT
  done
done
