#!/usr/bin/env python3
"""Turns the results of scripts/bench.sh (hyperfine JSON, peak RSS, criterion output) into the
Markdown tables of BENCHMARKS.md: every command's min / median / max, and each target as a ratio
of medians measured in the same invocation.

usage: summary.py RESULTS_DIR
"""
import json
import os
import re
import sys

results = sys.argv[1]


def load(name):
    path = os.path.join(results, name + ".json")
    if not os.path.exists(path):
        return None
    return {r["command"]: r for r in json.load(open(path))["results"]}


def text(name):
    path = os.path.join(results, name)
    return open(path).read().strip() if os.path.exists(path) else None


def rss_mib(name):
    kb = text(name + ".rss.txt")
    return None if kb is None else int(kb.split()[-1]) / 1024


def secs(s):
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


def table(name, title):
    rows = load(name)
    if rows is None:
        return None
    print(f"\n### {title}\n")
    print("| command | runs | min | median | max |")
    print("|---|---|---|---|---|")
    for cmd, r in rows.items():
        print(f"| {cmd} | {len(r['times'])} | {secs(r['min'])} | {secs(r['median'])} | {secs(r['max'])} |")
    return {cmd: r["median"] for cmd, r in rows.items()}


targets = []


def target(what, figure, goal, met):
    targets.append((what, figure, goal, "met" if met else "**missed**"))


print("## Results of scripts/bench.sh")

a = table("a-classify", "(a) 100 nodes, 1 h of 1 s counters: rift classify and the polars floor")
if a:
    ratio = a["rift classify"] / a["polars scan + group-by"]
    target("`rift classify` on (a) / bare polars scan + group-by", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5)
pandas = table("a-pandas", "(a) the pandas script")
if a and pandas:
    ratio = pandas["pandas"] / a["rift classify"]
    target("pandas script / `rift classify` on (a)", f"{ratio:.1f}×", "≥ 20×", ratio >= 20)
rss = rss_mib("a-rift")
if rss is not None:
    floor = rss_mib("a-floor")
    pd = rss_mib("a-pandas")
    print(f"\nPeak RSS on (a): rift classify {rss:.0f} MiB; polars floor {floor:.0f} MiB; pandas {pd:.0f} MiB")
    target("peak RSS of `rift classify` on (a)", f"{rss:.0f} MiB", "≤ 2048 MiB", rss <= 2048)
check = text("a-check.txt")
if check:
    print(f"\nSlow reference path on (a): {check.splitlines()[-1]}")
rep = table("a-report", "(a) review reports beyond classification")
if rep:
    extra = rep["rift report --compare none"] - rep["rift classify"]
    target("`rift report --compare none` on (a), beyond classification", f"{extra:+.2f} s", "≤ 2 s", extra <= 2)
    extra = rep["rift report"] - rep["rift classify"]
    target("`rift report` (7 replayed variants) on (a), beyond classification", f"{extra:+.2f} s", "≤ 2 s", extra <= 2)

b = table("b-logs", "(b) 1 GB of mixed-format logs: rift ingest and rg")
if b:
    ratio = b["rift ingest"] / b["rg -c -F -f patterns"]
    target("`rift ingest` on (b) / `rg` with the same patterns", f"{ratio:.2f}×", "≤ 3×", ratio <= 3)

c = table("c-replay", "(c) replay of 1000 members for one simulated hour")
if c:
    speed = 3600 / c["rift replay 1000 members 1 h"]
    target("replay (c), simulated time / wall time", f"{speed:.0f}×", "≥ 200×", speed >= 200)
t = table("c-textbook", "(c) the textbook scenario, whole command (start-up included)")
if t:
    ratio = t["python3 seed-simulator.py"] / t["rift replay textbook"]
    target("textbook scenario, Python simulator / rift (whole command)", f"{ratio:.1f}×", "≥ 100×", ratio >= 100)
py_us = text("c-textbook-python-us.txt")
crit = text("c-textbook-criterion.txt")
if py_us and crit:
    m = re.search(r"textbook/no_workload\s+time:\s+\[\S+ \S+ (\S+) (\S+)", crit)
    rift_us = float(m.group(1)) * {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3}[m.group(2)]
    ratio = float(py_us) / rift_us
    print(f"\nIn process: Python run() {float(py_us):.0f} µs, rift {rift_us:.0f} µs per run")
    target("textbook scenario, Python simulator / rift (in process)", f"{ratio:.1f}×", "≥ 100×", ratio >= 100)

d = text("d-search.txt")
if d:
    print("\n### (d) corpus search\n")
    for line in d.splitlines():
        if "p99" in line:
            print(f"- {line.strip()}")

    def p99_ms(label):
        m = re.search(label + r".*p99 ([\d.]+)(ms|µs|us|ns|s)", d)
        if not m:
            return None
        return float(m.group(1)) * {"s": 1e3, "ms": 1.0, "µs": 1e-3, "us": 1e-3, "ns": 1e-6}[m.group(2)]

    big = p99_ms("generated corpus")
    shipped = p99_ms("shipped corpus")
    if big is not None:
        target("corpus search p99 on (d), 100,000 entries", f"{big:.2f} ms", "≤ 50 ms", big <= 50)
    if shipped is not None:
        target("corpus search p99, shipped corpus", f"{shipped:.2f} ms", "≤ 5 ms", shipped <= 5)
table("d-search-cli", "(d) `rift corpus search` as a whole command, shipped corpus")

print("\n### Targets\n")
print("| target | measured | goal | |")
print("|---|---|---|---|")
for row in targets:
    print("| " + " | ".join(row) + " |")
