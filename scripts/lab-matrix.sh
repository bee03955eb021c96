#!/usr/bin/env bash
# Records the lab's fault matrix for one system: every built-in scenario (`rift lab list`) with
# seeds 1..K, and the single one-way link with at least five seeds; each recording goes,
# compressed (gzip -9 -n: rift reads compressed files as they are), to
# tests/fixtures/lab/<system>/<scenario>-s<seed>/. Recordings already there are kept, so an
# interrupted matrix resumes where it stopped. Needs root and what `rift lab check` asks for.
#
#     sudo scripts/lab-matrix.sh [SYSTEM [K [RIFT]]]     # defaults: etcd 3 target/release/rift
set -euo pipefail
cd "$(dirname "$0")/.."
system=${1:-etcd}
k=${2:-3}
rift=${3:-target/release/rift}
dest=tests/fixtures/lab/$system

"$rift" lab check --system "$system" >/dev/null
mkdir -p "$dest"
for scenario in $("$rift" lab list | awk '/^  /{print $1}'); do
  n=$k
  if [ "$scenario" = one-way-link ] && [ "$n" -lt 5 ]; then n=5; fi
  for seed in $(seq 1 "$n"); do
    out=$dest/$scenario-s$seed
    [ -e "$out/truth.json" ] && continue
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$rift" lab run "$scenario" --system "$system" --seed "$seed" --out "$tmp/rec"
    gzip -9 -n "$tmp/rec/export/logs/"* "$tmp/rec/export/health.csv" "$tmp/rec/export/client.csv"
    rm -rf "$out"
    mv "$tmp/rec" "$out"
    rm -rf "$tmp"
    trap - EXIT
  done
done
