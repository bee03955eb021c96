#!/usr/bin/env python3
"""Side by side: what the real etcd cluster did in a recorded incident, and what `rift replay`
of its inferred timeline does, over many seeds.

    scripts/replay_fidelity.py [--rift target/release/rift] [--seeds 100]

The real times are read off the recordings' logs (etcd 3.4 zap: "became leader", "became
follower", "became candidate"); the replayed ones from `rift replay --json`.
"""
import argparse
import datetime
import json
import statistics
import subprocess

CASES = {
    "etcd-complete": {
        "cut": "2026-11-22T02:52:07.617Z",
        "heal": "2026-11-22T02:52:27.712Z",
        "real": {
            "first campaign": "2026-11-22T02:52:08.501Z",
            "old leader steps down": "2026-11-22T02:52:09.261Z",
            "new leader": "2026-11-22T02:52:11.422Z",
            "leader deposed after heal": "2026-11-22T02:52:27.822Z",
            "re-election after heal": "2026-11-22T02:52:29.922Z",
        },
        "new_leader": "n3",
    },
    "etcd-asymmetric": {
        "cut": "2026-11-22T03:03:24.174Z",
        "heal": "2026-11-22T03:03:44.228Z",
        "real": {
            "first campaign": "2026-11-22T03:03:25.425Z",
            "old leader steps down": "2026-11-22T03:03:25.894Z",
            "new leader": "2026-11-22T03:03:25.426Z",
            "leader deposed after heal": "2026-11-22T03:03:44.312Z",
            "re-election after heal": "2026-11-22T03:03:45.726Z",
        },
        "new_leader": "n3",
    },
}


def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def milestones(roles, epoch, cut, heal):
    r = [(epoch + x["t"], x) for x in roles]
    def first(after, pick):
        return next(((t, x) for t, x in r if t > after and pick(x)), (None, None))
    out = {}
    out["first campaign"] = first(cut - 1, lambda x: x["role"] == "candidate" and x["node"] != "n1")
    out["old leader steps down"] = first(cut - 1, lambda x: x["node"] == "n1" and x["role"] == "follower")
    out["new leader"] = first(cut - 1, lambda x: x["role"] == "leader")
    out["leader deposed after heal"] = first(heal - 0.5, lambda x: x["node"] != "n1" and x["role"] == "follower" and x["reason"] == "higher term" and x["term"] > 10)
    out["re-election after heal"] = first(heal - 0.5, lambda x: x["role"] == "leader")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rift", default="target/release/rift")
    ap.add_argument("--seeds", type=int, default=100)
    a = ap.parse_args()
    for case, c in CASES.items():
        cut, heal = ts(c["cut"]), ts(c["heal"])
        got = {k: [] for k in c["real"]}
        who = []
        for seed in range(1, a.seeds + 1):
            out = subprocess.run([a.rift, "replay", f"tests/fixtures/recordings/{case}/export", "--json", "--seed", str(seed)],
                                 check=True, capture_output=True, text=True).stdout
            j = json.loads(out)
            m = milestones(j["variants"][0]["roles"], ts(j["epoch"]), cut, heal)
            for k, (t, x) in m.items():
                if t is not None:
                    got[k].append(t - ts(c["real"][k]))
            who.append(m["new leader"][1]["node"] if m["new leader"][1] else None)
        print(f"\n{case} ({a.seeds} seeds); offsets are replay minus real, in seconds")
        print(f"  {'milestone':<28} {'real':>12} {'median':>8} {'within 1 s':>11}")
        for k, real in c["real"].items():
            d = got[k]
            within = sum(1 for x in d if abs(x) <= 1.0)
            med = statistics.median(d) if d else float("nan")
            print(f"  {k:<28} {real[11:23]:>12} {med:>+8.3f} {within:>7}/{a.seeds}")
        print(f"  new leader is {c['new_leader']} (as in reality) in {who.count(c['new_leader'])}/{a.seeds} seeds; "
              + ", ".join(f"{n}: {who.count(n)}" for n in sorted(set(filter(None, who)))))


if __name__ == "__main__":
    main()
