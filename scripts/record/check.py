#!/usr/bin/env python3
"""Sanity checks for recordings: structure vs a reference recording + coverage + elections."""
import csv, gzip, io, json, os, re, sys, collections

REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/fixtures/recordings/etcd-asymmetric")

def read_csv(path, gz=False):
    f = gzip.open(path, "rt") if gz else open(path)
    return list(csv.reader(f))

def families(path):
    return set(r[3] for r in read_csv(path, True)[1:])

def check(d):
    out = []
    t = json.load(open(os.path.join(d, "truth.json")))
    ref_t = json.load(open(os.path.join(REF, "truth.json")))
    if list(t) != list(ref_t):
        out.append("truth keys differ: %s" % (set(t) ^ set(ref_t)))
    if list(t["observation_window"]) != list(ref_t["observation_window"]):
        out.append("observation_window keys differ")
    ws, we = t["observation_window"]["start_ms"], t["observation_window"]["end_ms"]
    e = os.path.join(d, "export")
    for name, gz in (("metrics.csv.gz", True), ("health.csv", False), ("client.csv", False), ("members.csv", False)):
        rows = read_csv(os.path.join(e, name), gz)
        ref = read_csv(os.path.join(REF, "export", name), gz)
        if rows[0] != ref[0]:
            out.append("%s header differs: %s" % (name, rows[0]))
        if name == "members.csv":
            continue
        ts = [int(r[1]) for r in rows[1:]]
        if min(ts) < ws or max(ts) > we:
            out.append("%s rows outside window" % name)
        per = collections.defaultdict(list)
        for r in rows[1:]:
            if name != "metrics.csv.gz" or r[3] == "elab_scrape_ok":
                per[r[2]].append(int(r[1]))
        for n in ("n1", "n2", "n3"):
            v = sorted(set(per[n]))
            gaps = [b - a for a, b in zip(v, v[1:])]
            out.append("%s %s: %d samples, first +%dms, last -%dms, max gap %dms" % (
                name, n, len(v), v[0] - ws, we - v[-1], max(gaps)))
        if name == "client.csv":
            c = collections.Counter((r[2], r[6]) for r in rows[1:])
            out.append("client results: %s" % dict(sorted(c.items())))
        if name == "health.csv":
            c = collections.Counter((r[2], r[4]) for r in rows[1:])
            out.append("health statuses: %s" % dict(sorted(c.items())))
        if name == "metrics.csv.gz":
            fam, reff = set(r[3] for r in rows[1:]), set(r[3] for r in ref[1:])
            out.append("metric families extra=%s missing=%s" % (sorted(fam - reff), sorted(reff - fam)))
            bad = [r for r in rows[1:] if r[3] == "elab_scrape_ok" and r[6] != "1"]
            out.append("failed scrapes: %d" % len(bad))
    for n in ("n1", "n2", "n3"):
        raw = gzip.open(os.path.join(e, "metrics-raw", "%s.prom.gz" % n), "rt").read()
        marks = re.findall(r"^# elab_scrape ts_iso=\S+ ts_ms=(\d+) node=(\S+)$", raw, re.M)
        if any(m[1] != n for m in marks):
            out.append("raw %s: wrong node in marker" % n)
        ms = [int(m[0]) for m in marks]
        out.append("raw %s: %d snapshots, spacing %s" % (n, len(ms), sorted(set(round((b - a) / 1000) for a, b in zip(ms, ms[1:])))))
        bad = [l for l in raw.splitlines() if not l.startswith("#") and not l.startswith("etcd_")]
        if bad:
            out.append("raw %s: non-etcd lines %d" % (n, len(bad)))
    # elections from logs
    for n in ("n1", "n2", "n3"):
        ev = []
        for line in open(os.path.join(e, "logs", "%s.log" % n)):
            j = json.loads(line)
            m = j["msg"]
            if "elected leader" in m or "lost leader" in m or "became leader" in m or "became candidate" in m:
                ev.append("%s %s" % (j["ts"][11:23], re.sub(r"^raft.node: ", "", m)))
        out.append("log %s: %d lines; elections:\n      %s" % (n, sum(1 for _ in open(os.path.join(e, "logs", "%s.log" % n))), "\n      ".join(ev)))
    return out

for d in sys.argv[1:]:
    print("####", d)
    for l in check(d):
        print("  ", l)
