#!/usr/bin/env python3
"""Writes a large synthetic counters export for benchmarks: N nodes, S seconds of per-node 1 s
heartbeat counters (N·(N-1)·S rows), node n0 isolated during the middle third.

    python3 scripts/gen_counters.py OUT_DIR [NODES=100] [SECONDS=3600]
"""
import os, sys

out = sys.argv[1]
nodes = int(sys.argv[2]) if len(sys.argv) > 2 else 100
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 3600
os.makedirs(out, exist_ok=True)
base = 1767225600
names = [f"n{i}" for i in range(nodes)]
with open(os.path.join(out, "counters.csv"), "w") as f:
    f.write("ts,node,peer,sent,received\n")
    for t in range(1, seconds + 1):
        cut = seconds // 3 < t <= 2 * seconds // 3
        ts = base + t
        lines = []
        for i, n in enumerate(names):
            for j, p in enumerate(names):
                if i != j:
                    rec = 0 if cut and (i == 0 or j == 0) else 10
                    lines.append(f"{ts},{n},{p},10,{rec}\n")
        f.write("".join(lines))
