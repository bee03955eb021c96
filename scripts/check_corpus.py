#!/usr/bin/env python3
"""Checks corpus entries: front matter parses, fields and vocabularies are valid, ids are unique and
match file names, source URLs are unique, a `[scenario]` sketch uses only scenario-file keys and
goes with the `replayable` tag, and no run of 12 words from the reference texts appears in an
entry. (Whether a sketch replays is checked by the root crate's `sketches` tests.)

usage: check_corpus.py [ENTRIES_DIR] [REFERENCE_DIR]
"""
import glob
import os
import re
import sys
import tomllib

entries = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../corpus/entries")
reference = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../shared/reference")
MODES = {"complete", "asymmetric", "partial", "gray", "flapping", "crash", "none"}
SYSTEMS = {"switch", "nic-driver", "router-bgp", "dns", "load-balancer", "firewall-acl", "overlay-cni",
           "wan-backbone", "cloud-network", "consensus", "database", "storage", "message-queue", "cache",
           "orchestrator", "cdn", "host", "application"}
CONSEQUENCES = {"split-brain", "data-loss", "unavailability", "degraded", "stale-reads", "failover-storm", "none"}
SCOPES = {"host", "rack", "datacenter", "region", "multi-region", "global"}
RUN = 12
# The keys of a `rift replay` scenario file (replay/src/scenario.rs), by table.
SCENARIO_KEYS = {
    "": {"name", "description", "epoch", "duration", "seed", "cluster", "protocol", "workload", "phase"},
    "cluster": {"nodes", "leader", "term", "clients"},
    "protocol": {"heartbeat", "election_timeout", "election_timeout_max", "prevote", "checkquorum",
                 "reads", "fencing", "commit", "latency", "jitter", "transport", "tcp_stall"},
    "workload": {"writes_per_s", "reads_per_s", "timeout"},
    "phase": {"name", "start", "end", "drop", "partition", "isolate", "loss", "delay", "channels",
              "flow", "flap"},
}


def check_scenario(name, sc):
    """Problems with a `[scenario]` table: unknown keys, missing duration, members or links."""
    out = []
    if not isinstance(sc, dict):
        return [f"{name}: scenario is not a table"]
    for k in sc:
        if k not in SCENARIO_KEYS[""]:
            out.append(f"{name}: unknown key scenario.{k}")
    for table in ("cluster", "protocol", "workload"):
        for k in sc.get(table, {}):
            if k not in SCENARIO_KEYS[table]:
                out.append(f"{name}: unknown key scenario.{table}.{k}")
    if "duration" not in sc:
        out.append(f"{name}: scenario has no duration")
    if not sc.get("cluster", {}).get("nodes"):
        out.append(f"{name}: scenario.cluster.nodes is missing or empty")
    if not sc.get("description"):
        out.append(f"{name}: scenario has no description")
    for i, ph in enumerate(sc.get("phase", []), 1):
        for k in ph:
            if k not in SCENARIO_KEYS["phase"]:
                out.append(f"{name}: unknown key in scenario phase {i}: {k}")
        if "start" not in ph:
            out.append(f"{name}: scenario phase {i} has no start")
        if not (ph.get("drop") or ph.get("partition") or ph.get("isolate")):
            out.append(f"{name}: scenario phase {i} names no links (drop, partition or isolate)")
    return out



def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


runs = set()
for f in glob.glob(os.path.join(reference, "*.md")):
    w = words(open(f, encoding="utf-8").read())
    for i in range(len(w) - RUN + 1):
        runs.add(" ".join(w[i:i + RUN]))

errors = []
ids, urls = {}, {}
files = sorted(glob.glob(os.path.join(entries, "*.md")))
for path in files:
    name = os.path.basename(path)
    text = open(path, encoding="utf-8").read()
    m = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n(.*)", text, re.S)
    if not m:
        errors.append(f"{name}: no +++ front matter")
        continue
    try:
        fm = tomllib.loads(m.group(1))
    except Exception as e:
        errors.append(f"{name}: {e}")
        continue
    body = m.group(2).strip()
    def need(k):
        if k not in fm:
            errors.append(f"{name}: missing {k}")
    for k in ["id", "title", "org", "date", "kind", "systems", "source", "consequence", "scope", "tags", "mode"]:
        need(k)
    if fm.get("id") != name[:-3]:
        errors.append(f"{name}: id {fm.get('id')!r} differs from the file name")
    if fm.get("id") in ids:
        errors.append(f"{name}: duplicate id of {ids[fm['id']]}")
    ids[fm.get("id")] = name
    src = fm.get("source", "")
    if not src.startswith("http"):
        errors.append(f"{name}: source is not a URL")
    if src in urls:
        errors.append(f"{name}: same source as {urls[src]}")
    urls[src] = name
    if not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", str(fm.get("date", ""))):
        errors.append(f"{name}: date {fm.get('date')!r} is not YYYY[-MM[-DD]]")
    if fm.get("kind") not in ("incident", "design"):
        errors.append(f"{name}: kind {fm.get('kind')!r}")
    for s in fm.get("systems", []):
        if s not in SYSTEMS:
            errors.append(f"{name}: unknown system {s!r}")
    for c in fm.get("consequence", []):
        if c not in CONSEQUENCES:
            errors.append(f"{name}: unknown consequence {c!r}")
    if fm.get("scope") not in SCOPES:
        errors.append(f"{name}: unknown scope {fm.get('scope')!r}")
    mode = fm.get("mode", {})
    if mode.get("primary") not in MODES:
        errors.append(f"{name}: unknown primary mode {mode.get('primary')!r}")
    for s in mode.get("secondary", []):
        if s not in MODES:
            errors.append(f"{name}: unknown secondary mode {s!r}")
    c = mode.get("confidence")
    if not isinstance(c, (int, float)) or not 0 <= c <= 1:
        errors.append(f"{name}: confidence {c!r}")
    if not mode.get("rationale"):
        errors.append(f"{name}: no rationale")
    if "scenario" in fm:
        errors.extend(check_scenario(name, fm["scenario"]))
    if ("replayable" in fm.get("tags", [])) != ("scenario" in fm):
        errors.append(f"{name}: the replayable tag and a [scenario] sketch go together")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", body) if s.strip()]
    if not 2 <= len(sentences) <= 5:
        errors.append(f"{name}: body has {len(sentences)} sentences (2-5 wanted)")
    # The source URL is a fact (and often a long one): it is left out of the copy check.
    w = words("\n".join(l for l in text.splitlines() if not l.startswith("source = ")))
    for i in range(len(w) - RUN + 1):
        run = " ".join(w[i:i + RUN])
        if run in runs:
            errors.append(f"{name}: copies the reference: '{run}'")
            break

print(f"{len(files)} entries, {len(errors)} problems")
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)
