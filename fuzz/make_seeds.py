#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*) from the project's
own examples, fixtures, profiles, corpus entries and the shared etcd recordings.

Run from the repository root: python3 fuzz/make_seeds.py [SHARED_DIR]. The output is
deterministic; the seeds are committed, so the fuzzers and the test that replays them
(tests/it/fuzz_corpus.rs) start from the same inputs on every machine.

The first byte of a seed picks a variant where the target has several (see fuzz/harness.rs):
the file name of `counters`, `table` and `metrics`, and the log profile of `log`.
"""

import glob
import gzip
import io
import json
import os
import re
import shutil
import sys

ROOT = os.getcwd()
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared")
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX = 4096  # seeds stay small: libFuzzer mutates short inputs far faster

# Must match fuzz/harness.rs and the built-in profile order (ingest/src/logs/profile.rs).
PROFILES = [
    "etcd-zap", "etcd-capnslog", "etcd-journald", "memberlist", "hclog-json", "cassandra", "akka",
    "mongodb-json", "mongodb-text", "elasticsearch", "elasticsearch-json", "redis-sentinel",
    "keepalived", "kubernetes", "cockroachdb",
]
TABLES = ["health.csv", "client.csv", "probes.csv", "members.csv", "lb.ndjson"]
METRICS = ["metrics-raw/n1.prom", "query_range.json", "metrics.csv"]

seeds = {}


def add(target, data, selector=None):
    if isinstance(data, str):
        data = data.encode()
    if selector is not None:
        data = bytes([selector]) + data
    seeds.setdefault(target, []).append(data)


def head(data, limit=MAX):
    """The first lines of `data` that fit in `limit` bytes."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) <= limit:
        return data
    cut = data.rfind(b"\n", 0, limit)
    return data[: cut + 1] if cut > 0 else data[:limit]


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if path.endswith(".gz") else data


def rows(csv_text):
    lines = csv_text.decode().splitlines()
    cols = lines[0].split(",")
    return [dict(zip(cols, line.split(","))) for line in lines[1:] if line]


# counters: CSV (selector 0) and the same rows as NDJSON (selector 1)
for path in sorted(glob.glob("tests/fixtures/incidents/*/counters.csv")) + [
    "examples/asymmetric-leader/counters.csv"
]:
    text = head(read(path), 2048)
    add("counters", text, 0)
    ndjson = "".join(json.dumps(r) + "\n" for r in rows(text))
    add("counters", head(ndjson), 1)

# parquet: a few counters files as Parquet, if pyarrow is there to write them
try:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for path in sorted(glob.glob("tests/fixtures/incidents/*/counters.csv"))[:3]:
        table = rows(head(read(path), 1024))
        cols = {k: [r[k] for r in table] for k in table[0]}
        for k in ("sent", "received"):
            if k in cols:
                cols[k] = [int(v) for v in cols[k]]
        buf = io.BytesIO()
        pq.write_table(pa.table(cols), buf)
        add("parquet", buf.getvalue())
except ImportError:
    print("pyarrow is not installed: no Parquet seeds (pip install pyarrow)", file=sys.stderr)

# table: health, client, probes, members, lb
for i, name in enumerate(TABLES):
    stem = name.split(".")[0]
    for path in sorted(glob.glob(f"tests/fixtures/incidents/*/{stem}.csv"))[:2] + sorted(
        glob.glob(f"{SHARED}/incidents/*/export/{stem}.csv")
    )[:2]:
        text = head(read(path), 1024)
        if name.endswith(".ndjson"):
            text = head("".join(json.dumps(r) + "\n" for r in rows(text)))
        add("table", text, i)

# log: every sample line of the profile tests, per profile and sniffed; the etcd recordings
tests = open("ingest/tests/it/profiles.rs", encoding="utf-8").read()
blocks = re.findall(r"const (\w+): Lines = &\[(.*?)\n\];", tests, re.S)
used_by = dict(
    (const, prof) for prof, const in re.findall(r'"([\w-]+)",\s*&\[\("logs/[^"]+", (\w+)\)', tests)
)
literal = re.compile(r'\(\s*(?:r#"(.*?)"#|"((?:[^"\\]|\\.)*)")\s*,', re.S)
for const, body in blocks:
    lines = [raw if raw else json.loads(f'"{esc}"') for raw, esc in literal.findall(body)]
    text = head("\n".join(lines) + "\n")
    add("log", text, 0)
    if const in used_by and used_by[const] in PROFILES:
        add("log", text, PROFILES.index(used_by[const]) + 1)
for path in sorted(glob.glob(f"{SHARED}/incidents/*/export/logs/n1.log"))[:2]:
    add("log", head(read(path)), 1)

# metrics: Prometheus text, a query_range response, the long CSV
for path in sorted(glob.glob(f"{SHARED}/incidents/*/export/metrics-raw/n1.prom.gz"))[:2]:
    add("metrics", head(read(path)), 0)
query = {
    "status": "success",
    "data": {
        "resultType": "matrix",
        "result": [
            {
                "metric": {"__name__": "etcd_network_peer_sent_bytes_total", "instance": "10.0.0.1:2381", "To": "bbbb"},
                "values": [[1700000000 + i, str(1000 * i)] for i in range(5)],
            },
            {
                "metric": {"__name__": "etcd_server_is_leader", "instance": "10.0.0.2:2381"},
                "values": [[1700000000 + i, "1"] for i in range(5)],
            },
        ],
    },
}
add("metrics", json.dumps(query), 1)
for path in sorted(glob.glob(f"{SHARED}/incidents/*/export/metrics.csv.gz"))[:2]:
    add("metrics", head(read(path)), 2)

# incident.toml, log profiles, scenarios, corpus entries
for path in sorted(glob.glob("examples/*/incident.toml") + glob.glob("tests/fixtures/incidents/*/incident.toml")):
    add("incident", read(path))
for path in sorted(glob.glob("ingest/profiles/*.toml")):
    add("profile", read(path))
for path in sorted(glob.glob("replay/scenarios/*.toml") + glob.glob("bench/scenarios/*.toml")):
    add("scenario", read(path))
entries = sorted(glob.glob("corpus/entries/*.md"), key=lambda p: (os.path.getsize(p), p))
for path in entries[:6]:
    add("front_matter", read(path))

# The reader targets start from the pipeline targets' seeds: the same bytes, the same first byte
# (the profile of a log, the format of metrics; for tables, even picks CSV and odd NDJSON).
seeds["log_reader"] = list(seeds["log"])
seeds["metrics_reader"] = list(seeds["metrics"])
seeds["table_reader"] = list(seeds["counters"]) + [
    bytes([int(TABLES[s[0] % len(TABLES)].endswith(".ndjson"))]) + s[1:] for s in seeds["table"] if s
]

for target, items in sorted(seeds.items()):
    folder = os.path.join(OUT, target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for i, data in enumerate(items):
        with open(os.path.join(folder, f"seed-{i:03}"), "wb") as f:
            f.write(data)
    print(f"{target}: {len(items)} seeds")
