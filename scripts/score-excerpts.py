#!/usr/bin/env python3
"""Score how well rift reads labelled log excerpts.

    python3 scripts/score-excerpts.py RIFT DIR [-v] [--only ID,ID,...]

DIR holds one folder per excerpt. Each folder has `export/` (the files exactly as the operator
had them, named as the operator would save them) and `label.json`, written by a person who read
the lines without running rift:

    {
      "id": "etcd-ka01",
      "url": "https://github.com/…/issues/…",
      "system": "etcd",
      "in_claim": true,              # a system rift has a profile for; false: only checked not to crash
      "year_less": false,            # the lines carry no year: times are compared without it
      "date_less": false,            # the lines carry only the time of day: compared without the date
      "nodes": {"etcd-1": ["8e9e05c52164694d", "10.0.0.1"], …},   # every node, with every name it goes by;
                                     # a DNS name's first label names its node too, unless shared
      "others": ["10.0.0.9"],        # other names the lines may rightly give as a peer (clients, …);
                                     # `host:port`, `host port` and `host` are one outside peer, and
                                     # so are `backend/server` and `server` when `server` is listed
      "key_events": [
        {"node": "etcd-1", "ts": "2021-03-04T05:06:07.123Z", "kind": ["peer_down", "unreachable"],
         "peer": "etcd-2"}          # peer optional; kind one name or a list of acceptable ones
      ],
      "forbidden": [{"node": "etcd-1", "kind": "peer_down", "peer": "etcd-3"}]   # optional
    }

An excerpt is read correctly when rift exits 0, every key event has an event of rift with a
matching node, an accepted kind, the peer where one is given (a peer that is the node itself is
also met by an event with no peer: rift names none for what a node says of itself), and a time
within one second (a year-less time within a second of the same day of the year, or of the
next or last: a day-of-year date falls a day apart in a leap year); no
event of rift names a node or a peer that is not among `nodes` or `others`; and no forbidden
event appears. Times without a zone in the lines are labelled as UTC.
"""

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path


def parse_ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def canon(label):
    """Map every name (lower-cased) to its node's label name."""
    names = {}
    for node, aliases in label.get("nodes", {}).items():
        names[node.lower()] = node
        for a in aliases or []:
            names[str(a).lower()] = node
    # A node's `host:port` names it by its host alone too, when no other node is on that host
    # (a label may list a member's address only with the port its lines printed).
    hosts = {}
    for node, aliases in label.get("nodes", {}).items():
        for a in aliases or []:
            host = outside_host(str(a)).lower()
            if host != str(a).lower():
                hosts.setdefault(host, set()).add(node)
    for host, nodes in hosts.items():
        if len(nodes) == 1:
            names.setdefault(host, next(iter(nodes)))
    # rift names a node whose name is a DNS name by its first label (`es-1.dc2` is `es-1`), as
    # it names a node after its file's name up to the first dot: the first label of a node's
    # DNS name names it too, when it is no other node's.
    firsts = {}
    for node, aliases in label.get("nodes", {}).items():
        for a in [node, *(aliases or [])]:
            a = str(a).lower()
            first = a.split(".", 1)[0]
            if "." in a and first and not a.replace(".", "").replace(":", "").isdigit():
                firsts.setdefault(first, set()).add(node)
    for first, nodes in firsts.items():
        if len(nodes) == 1:
            names.setdefault(first, next(iter(nodes)))
    # The forms of one outside peer (`10.0.0.9:6379`, `10.0.0.9 6379`, `10.0.0.9`) are one
    # identity: a label lists them all in `others` when the peer is no node of the excerpt.
    for o in label.get("others", []):
        host = outside_host(str(o))
        names.setdefault(str(o).lower(), host)
        names.setdefault(host.lower(), host)
    # A load balancer's server goes by `backend/server` and by its name alone (the same server
    # in several backends too): one outside peer when the label lists the name alone.
    others = {str(o).lower() for o in label.get("others", [])}
    for o in others:
        if "/" in o and "://" not in o:
            server = o.rsplit("/", 1)[1]
            if server in others and server not in hosts:
                names[o] = names[server]
    return names


def outside_host(name):
    """An outside peer's host: `host:port` and `host port` (a port in digits) name `host`, and
    so does an actor-system address (`akka.tcp://system@host:port`)."""
    if "://" in name and "@" in name:
        name = name.split("@", 1)[1]
    for sep in (":", " "):
        if name.count(sep) == 1:
            host, port = name.split(sep)
            if host and port.isdigit():
                return host
    return name


def same_time(a, b, year_less, date_less=False):
    ta, tb = parse_ts(a), parse_ts(b)
    if date_less:
        apart = abs((ta - tb).total_seconds()) % 86400
        return min(apart, 86400 - apart) <= 1.0
    if year_less:
        try:
            tb = tb.replace(year=ta.year)
        except ValueError:
            return False
        # A day-of-year date (HAProxy's `279/142102`) falls a day apart in a leap year and in
        # another: labels write year-less times in 2000, rift in the year it inferred.
        apart = abs((ta - tb).total_seconds())
        return apart <= 1.0 or abs(apart - 86400) <= 1.0
    return abs((ta - tb).total_seconds()) <= 1.0


def kinds(k):
    return [k] if isinstance(k, str) else list(k)


# rift's kinds that the labels' vocabulary names otherwise: a load balancer taking a server out
# of its backend is its own verdict that the peer is down.
AS_LABELLED = {"backend_down": "peer_down"}


def kind_fits(e, k):
    return e["kind"] in kinds(k) or AS_LABELLED.get(e["kind"]) in kinds(k)


def sides(e):
    """The (node, peer) pairs an event stands for. rift names the checked node of a health
    event as its node and the checker as its peer, and a load balancer's verdict on a server
    from the balancer's side; a label may name either from the other side (the labelling
    instructions allow the checked server as node and the checker as peer)."""
    yield e["node"], e.get("peer")
    if e["kind"] in ("health_down", "health_up", "backend_down") and e.get("peer") is not None:
        yield e["peer"], e["node"]


def score(rift, folder):
    label = json.loads((folder / "label.json").read_text())
    names = canon(label)
    run = subprocess.run(
        [rift, "events", "--json", str(folder / "export")],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        return label, False, ["rift failed: " + run.stderr.strip().splitlines()[-1:][0]
                              if run.stderr.strip() else "rift failed"]
    events = json.loads(run.stdout)["events"]
    problems = []
    year_less = label.get("year_less", False)

    def who(name):
        return names.get(str(name).lower()) if name is not None else None

    for e in events:
        if who(e["node"]) is None:
            problems.append(f"phantom node {e['node']!r} ({e['kind']} at {e['origin']})")
        if e.get("peer") is not None and who(e["peer"]) is None:
            problems.append(f"phantom peer {e['peer']!r} ({e['kind']} of {e['node']} at {e['origin']})")
    for k in label.get("key_events", []):
        node = who(k["node"]) or k["node"]
        peer = (who(k["peer"]) or str(k["peer"]).lower()) if k.get("peer") else None
        ok = any(
            who(n) == node
            and kind_fits(e, k["kind"])
            and (peer is None or (who(p) or str(p).lower()) == peer
                 # a key event about the node itself (its own role, its own lead): rift
                 # names no peer for what a node says of itself
                 or (peer == node and p is None))
            and same_time(e["ts"], k["ts"], year_less, label.get("date_less", False))
            for e in events
            for n, p in sides(e)
        )
        if not ok:
            problems.append(f"missing {k['node']} {'/'.join(kinds(k['kind']))} "
                            f"{k.get('peer') or ''} at {k['ts']}")
    for f in label.get("forbidden", []):
        node = who(f["node"]) or f["node"]
        peer = (who(f["peer"]) or str(f["peer"]).lower()) if f.get("peer") else None
        for e in events:
            if any(who(n) == node and kind_fits(e, f["kind"])
                   and (peer is None or (who(p) or str(p).lower()) == peer)
                   for n, p in sides(e)):
                problems.append(f"forbidden {e['node']} {e['kind']} {e.get('peer') or ''} "
                                f"at {e['origin']}")
    # one line per distinct problem, in order
    seen = []
    for p in problems:
        if p not in seen:
            seen.append(p)
    return label, not seen, seen


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    only = None
    if "--only" in args:
        only = set(args[args.index("--only") + 1].split(","))
        del args[args.index("--only"):args.index("--only") + 2]
    args = [a for a in args if a != "-v"]
    if len(args) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    rift, root = args[0], Path(args[1])
    total = good = 0
    by_system = {}
    for folder in sorted(p for p in root.iterdir() if (p / "label.json").is_file()):
        if only and folder.name not in only:
            continue
        label, ok, problems = score(rift, folder)
        if not label.get("in_claim", True):
            continue
        total += 1
        good += ok
        s = by_system.setdefault(label.get("system", "?"), [0, 0])
        s[0] += ok
        s[1] += 1
        if verbose or not ok:
            print(f"{'ok  ' if ok else 'FAIL'} {folder.name}")
            for p in problems[: (20 if verbose else 5)]:
                print(f"       {p}")
    for system, (g, t) in sorted(by_system.items()):
        print(f"  {system:16} {g}/{t}")
    print(f"read correctly: {good}/{total}" + (f" ({100 * good / total:.0f} %)" if total else ""))


if __name__ == "__main__":
    main()
