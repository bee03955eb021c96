#!/usr/bin/env bash
# Simulator speed, against the Python reference in the same run.
#
#   scripts/bench_replay.sh            # needs python3 and a release build (built here)
#
# 1. The textbook scenario (5 members, 50 ms heartbeats, 6 s, every follower-to-leader link cut
#    at 2.05 s): the Python reference's run() timed in-process, and rift's simulation of the same
#    scenario without a client workload (the reference has none) timed in-process by criterion;
#    then both as whole commands, start-up included.
# 2. One simulated hour of 1000 members with 50 ms heartbeats: `rift replay` timed once.
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${RIFT_SEED_SIMULATOR:-../shared/reference/seed-simulator.py}
cargo build --release -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

py_us=$(python3 - "$ref" <<'PY'
import contextlib, io, sys, time
src = open(sys.argv[1]).read().replace("\nrun()\n", "\n")
ns = {}
exec(compile(src, "seed-simulator", "exec"), ns)
n = 2000
with contextlib.redirect_stdout(io.StringIO()):
    ns["run"]()
    t = time.perf_counter()
    for _ in range(n):
        ns["run"]()
print(f"{(time.perf_counter() - t) / n * 1e6:.1f}")
PY
)
cargo bench -q -p rift-replay --bench replay -- textbook/no_workload 2>/dev/null | tee "$work/crit.txt" >/dev/null
rift_us=$(python3 - "$work/crit.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"textbook/no_workload\s+time:\s+\[\S+ \S+ (\S+) (\S+)", text)
value, unit = float(m.group(1)), m.group(2)
print(f"{value * {'ns': 1e-3, 'µs': 1.0, 'us': 1.0, 'ms': 1e3}[unit]:.1f}")
PY
)
echo "textbook, in-process: python ${py_us} µs per run, rift ${rift_us} µs per run, ratio $(python3 -c "print(f'{${py_us}/${rift_us}:.2f}')")×"

sed 's/duration = "10s"/duration = "6s"/' replay/scenarios/textbook-asymmetric.toml > "$work/textbook.toml"
whole() { python3 - "$@" <<'PY'
import subprocess, sys, time
n = 30
t = time.perf_counter()
for _ in range(n):
    subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(f"{(time.perf_counter() - t) / n * 1e3:.1f}")
PY
}
py_ms=$(whole python3 "$ref")
rift_ms=$(whole target/release/rift replay "$work/textbook.toml" --compare raft)
echo "textbook, whole command: python3 seed-simulator.py ${py_ms} ms, rift replay ${rift_ms} ms, ratio $(python3 -c "print(f'{${py_ms}/${rift_ms}:.1f}')")×"

python3 - "$work/big.toml" <<'PY'
import sys
nodes = ", ".join(f'"n{i}"' for i in range(1000))
open(sys.argv[1], "w").write(f'''name = "1000 members, one hour"
duration = "1h"
[cluster]
nodes = [{nodes}]
leader = "n0"
[protocol]
heartbeat = "50ms"
election_timeout = "500ms"
jitter = "{sys.argv[2] if len(sys.argv) > 2 else '200us'}"
[[phase]]
start = "1800s"
end = "1810s"
isolate = ["n0"]
''')
PY
for jitter in 200us 0s; do
  sed -i "s/^jitter = .*/jitter = \"$jitter\"/" "$work/big.toml"
  start=$(date +%s.%N)
  target/release/rift replay "$work/big.toml" > /dev/null
  end=$(date +%s.%N)
  python3 -c "w=$end-$start; print(f'1000 members, 1 h simulated, jitter $jitter: {w:.1f} s wall, {3600/w:.0f}x real time')"
done
