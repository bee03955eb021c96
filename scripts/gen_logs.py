#!/usr/bin/env python3
"""Writes an export of mixed JSON-lines node logs (etcd zap, MongoDB logv2, hclog JSON) of about
SIZE_MB megabytes, for the log-ingest benchmark. Most lines are ordinary chatter; about one in
twenty is a line a profile reads (peer lost, elections, heartbeats failing).

With --wrap, each line comes in the envelope a collector would have put it in: the etcd lines
in docker json-file records, the MongoDB lines behind `kubectl logs --prefix --timestamps`, the
hclog lines in Loki JSON records (`logcli --output jsonl`) with the pod as a label.

usage: gen_logs.py OUT_DIR SIZE_MB [SEED] [--wrap]
"""
import json
import os
import random
import sys

wrap = "--wrap" in sys.argv
args = [a for a in sys.argv[1:] if a != "--wrap"]
out, size_mb = args[0], int(args[1])
rng = random.Random(int(args[2]) if len(args) > 2 else 7)
os.makedirs(os.path.join(out, "logs"), exist_ok=True)
ids = ["%016x" % rng.getrandbits(64) for _ in range(5)]
with open(os.path.join(out, "members.csv"), "w") as f:
    f.write("name,member_id,ip\n")
    for i, m in enumerate(ids):
        f.write(f"n{i + 1},{m},10.9.0.{i + 11}\n")


def ts(ms):
    s, ms = divmod(ms, 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"2026-11-22T{h % 24:02d}:{m:02d}:{s:02d}.{ms:03d}Z"


def etcd(ms, me, peer):
    r = rng.random()
    if r < 0.02:
        return {"level": "warn", "ts": ts(ms), "caller": "rafthttp/stream.go:436",
                "msg": "lost TCP streaming connection with remote peer",
                "stream-reader-type": "stream MsgApp v2", "local-member-id": me,
                "remote-peer-id": peer, "error": "read tcp 10.9.0.11:1->10.9.0.12:2380: i/o timeout"}
    if r < 0.04:
        return {"level": "info", "ts": ts(ms), "caller": "raft/raft.go:923",
                "msg": f"{me} received MsgVoteResp from {peer} at term 7"}
    # Routine lines that say nothing rift reads: the periodic compaction (its `took` passes the
    # wording prefilter's literal but no rule), with a request key to keep the lines as long.
    return {"level": "info", "ts": ts(ms), "caller": "mvcc/kvstore_compaction.go:57", "msg": "finished scheduled compaction",
            "compact-revision": rng.getrandbits(20), "took": "%dms" % rng.randint(1, 900),
            "request": "header:<ID:%d> put:<key:\"/k/%d\">" % (rng.getrandbits(40), rng.getrandbits(20))}


def mongo(ms, me, peer):
    if rng.random() < 0.04:
        return {"t": {"$date": ts(ms)}, "s": "I", "c": "REPL_HB", "id": 23974, "ctx": "ReplCoord-3",
                "msg": "Heartbeat failed after max retries", "attr": {"target": "n2:27017", "maxHeartbeatRetries": 2,
                "error": {"code": 6, "codeName": "HostUnreachable", "errmsg": "Connection refused"}}}
    return {"t": {"$date": ts(ms)}, "s": "I", "c": "NETWORK", "id": 22943, "ctx": "listener",
            "msg": "Connection accepted", "attr": {"remote": "10.9.0.%d:%d" % (rng.randint(1, 250), rng.randint(1024, 65000)), "connectionCount": rng.randint(1, 900)}}


def hclog(ms, me, peer):
    if rng.random() < 0.04:
        return {"@level": "info", "@message": "memberlist: Suspect n3 has failed, no acks received",
                "@module": "agent.server.memberlist.lan", "@timestamp": ts(ms)}
    return {"@level": "debug", "@message": "agent: Check status updated", "@module": "agent",
            "@timestamp": ts(ms), "check": "service:web-%d" % rng.randint(1, 99), "status": "passing"}


def wrapped(make, line, ms, node):
    """`line` as the collector of `make`'s system hands it over."""
    if make is etcd:
        return json.dumps({"log": line + "\n", "stream": "stderr", "time": ts(ms)}, separators=(",", ":"))
    if make is mongo:
        return f"[pod/{node}/mongod] {ts(ms)} {line}"
    return json.dumps({"labels": {"pod": node, "app": "consul"}, "line": line, "timestamp": ts(ms)},
                      separators=(",", ":"))


makers = [etcd, mongo, hclog]
per_file = size_mb * 1024 * 1024 // 6
for i in range(6):
    me = ids[i % len(ids)]
    peer = ids[(i + 1) % len(ids)]
    make = makers[i % 3]
    written = 0
    ms = 0
    with open(os.path.join(out, "logs", f"n{i % 5 + 1}.{make.__name__}.{i}.log"), "w") as f:
        buf = []
        while written < per_file:
            ms += rng.randint(1, 40)
            line = json.dumps(make(ms, me, peer), separators=(",", ":"))
            if wrap:
                line = wrapped(make, line, ms, f"n{i % 5 + 1}")
            line += "\n"
            buf.append(line)
            written += len(line)
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
