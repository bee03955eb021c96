#!/usr/bin/env python3
"""Per-direction delivery from a per-node counters CSV, the way a team would do it in pandas.

Needs Python 3.11+ and pandas 2.x or 3.x, which brings numpy: `pip install pandas pyarrow`
(pyarrow is what pandas 3 keeps strings in; the CSV itself is read with pandas' C parser).

    pandas_counters.py COUNTERS.csv
    pandas_counters.py COUNTERS.csv --check-against TIMELINE.json [--sample N] [--seed S]
                                    [--include SPEC] [--show N]

The CSV has the header `ts,node,peer,channel,sent,received`: in the 1 s interval that ends at
`ts`, `node` sent `sent` heartbeats to `peer` and received `received` heartbeats from `peer`.

Default mode: the peer baseline
-------------------------------
What an SRE team would write to get rift's windowed per-direction view out of the file: read it
with compact dtypes, put each row in the 1 s window that ends at its timestamp, sum `sent` and
`received` per (node, peer, channel, window), pair the sender's `sent` for A→B with the
receiver's `received` from A (the row node=B, peer=A) in the same window, and classify the
delivery received/sent (capped at 1) as up (≥ 0.9), down (≤ 0.1) or lossy. Prints the number
of direction-windows per state and the most affected directions; the time of each phase goes to
stderr.

Check mode: a slow, independent reference for `rift graph`
-----------------------------------------------------------
`--check-against` takes the output of

    rift graph EXPORT_DIR --channel heartbeat --format json      (schema rift.timeline/1)

recomputes the state of every window of a sample of directions in plain Python, and compares.
The exit code is 0 when every compared (direction, window) agrees and 1 otherwise.

The reference follows what rift documents (README "What an export may hold" and "How the
timeline is estimated"; ingest/src/source/counters.rs, reach/src/build.rs, reach/src/estimate.rs),
which differs from the simple recipe above in three places:

  * Pairing. A row's timestamp is rounded to the *nearest* second (the pairing bucket), not
    floored, and the one-way observation is stamped at the bucket. A lone sender half and a
    lone receiver half of the same direction in neighbouring buckets are joined into the earlier
    bucket (clock jitter between the two ends). Halves that stay alone are not evidence, and
    neither is a bucket in which nothing was sent.
  * Windows. The observation stamped at T covers (T-1 s, T], so it counts for the window that
    starts at T-1 s. Windows are numbered from the document's `epoch_ns` in steps of
    `window_ns`. For whole-second timestamps this is simply "window start = ts - 1 s".
  * Other evidence. When a window holds one-way evidence for A→B, rift's state for A→B is set by
    that evidence alone (reach/src/estimate.rs `direction`): round trips and the reverse
    direction are only consulted when A→B has no one-way count, so they never change a compared
    window. But the one-way counts of a window pool *every* source on the channel: rift also
    reads the nodes' logs, and log lines become one-message heartbeat observations that are
    added to the counters' messages of the same window. etcd's "lost TCP streaming connection
    with remote peer" (a 5 s read timeout), for one, becomes a delivered message 5 s before the
    line and a failed one for every second after that. A CSV-only reference cannot see those;
    where they tip a window's state (10/10 from the counters plus two failed log messages is
    10/12, lossy) the two disagree. Each disagreement shows how many messages rift's segment
    pools against what counters.csv gives over the same windows, which identifies this case.

Only windows in which the reference has evidence are compared. rift's state of such a window is
the state of its segment that covers the window; rift carries a state over up to `fill_windows`
windows without evidence, and those carried windows are not compared. Counts sum across flows
(rift's `flow: null` series) and are capped per pairing bucket (received > sent counts as sent).
Node names are compared as the CSV writes them; rift resolves aliases (members.csv,
incident.toml), so a CSV that names nodes by IP would find no matching series.

The sample: the directions named by `--include` that are present in the CSV, then directions
drawn at random (seeded) among all directions the CSV holds, up to `--sample`. An include is
`A>B` (that direction) or a node name `A` (one direction out of A and one into A, drawn with the
seed). The default names the faults of the benchmark scenario: the one-way cut n1→n2 and its
healthy reverse, the n3↔n4 flaps, and the isolated n0.
"""

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone

import numpy as np
import pandas as pd

COLUMNS = ["ts", "node", "peer", "channel", "sent", "received"]
STATES = np.array(["up", "lossy", "down"])
UP, LOSSY, DOWN = 0, 1, 2
SECOND_NS = 1_000_000_000


class Phases:
    """Wall time per phase, printed to stderr as each phase ends."""

    def __init__(self):
        self.start = self.last = time.perf_counter()

    def done(self, name):
        now = time.perf_counter()
        print(f"  {name:<10} {now - self.last:8.2f} s", file=sys.stderr, flush=True)
        self.last = now

    def total(self):
        print(f"  {'total':<10} {time.perf_counter() - self.start:8.2f} s", file=sys.stderr)


def classify(delivery, up, down):
    """State codes (UP, LOSSY, DOWN) of an array of delivery ratios."""
    return np.where(delivery >= up, UP, np.where(delivery <= down, DOWN, LOSSY)).astype(np.int8)


# ---------------------------------------------------------------------------------------------
# The peer baseline
# ---------------------------------------------------------------------------------------------


def read_counters(path, count_dtype, extra=()):
    """The counters file with compact dtypes; `node` and `peer` share one category list, so that
    the sender and receiver sides of the pairing merge compare category codes. `extra` names
    optional columns to read as well when the file has them."""
    header = pd.read_csv(path, nrows=0).columns
    # pandas' own C parser: with category dtypes and ISO 8601 dates it is both faster and far
    # leaner here than engine="pyarrow", which materialises the whole file as Arrow first.
    df = pd.read_csv(
        path,
        usecols=COLUMNS + [c for c in extra if c in header],
        dtype={
            "node": "category",
            "peer": "category",
            "channel": "category",
            "sent": count_dtype,
            "received": count_dtype,
        },
        parse_dates=["ts"],
        date_format="ISO8601",
    )
    names = df["node"].cat.categories.union(df["peer"].cat.categories)
    df["node"] = df["node"].cat.set_categories(names)
    df["peer"] = df["peer"].cat.set_categories(names)
    return df


def baseline(path, up=0.9, down=0.1, top=10):
    phases = Phases()
    df = read_counters(path, "uint32")
    rows = len(df)
    phases.done("read")

    # The row's interval ends at ts: it belongs to the 1 s window that starts at ts - 1 s.
    df["window"] = (df["ts"] - pd.Timedelta(seconds=1)).dt.floor("s")
    del df["ts"]
    phases.done("window")

    per_node = (
        df.groupby(["node", "peer", "channel", "window"], observed=True, sort=False)[
            ["sent", "received"]
        ]
        .sum()
        .reset_index()
    )
    del df
    phases.done("aggregate")

    # Row (node=A, peer=B) holds A's sent for A→B and A's received for B→A: pair the sender's
    # side of each direction with the receiver's side of the same direction and window.
    keys = ["src", "dst", "channel", "window"]
    senders = per_node[["node", "peer", "channel", "window", "sent"]].rename(
        columns={"node": "src", "peer": "dst"}
    )
    receivers = per_node[["node", "peer", "channel", "window", "received"]].rename(
        columns={"node": "dst", "peer": "src"}
    )
    del per_node
    directions = senders.merge(receivers, on=keys, how="inner", sort=False)
    del senders, receivers
    phases.done("pair")

    sent = directions["sent"].to_numpy()
    received = directions["received"].to_numpy()
    measured = np.flatnonzero(sent > 0)
    delivery = np.minimum(received[measured] / sent[measured], 1.0)
    state = classify(delivery, up, down)
    per_state = np.bincount(state, minlength=len(STATES))
    faulty = directions.iloc[measured[state != UP]].assign(state=STATES[state[state != UP]])
    phases.done("classify")

    n_directions = directions.groupby(["src", "dst", "channel"], observed=True).ngroups
    print(f"rows: {rows:,}")
    print(
        f"direction-windows: {len(measured):,} "
        f"(up {per_state[UP]:,}, lossy {per_state[LOSSY]:,}, down {per_state[DOWN]:,})"
    )
    affected = (
        faulty.groupby(["src", "dst", "channel"], observed=True)
        .agg(
            down=("state", lambda s: int((s == "down").sum())),
            lossy=("state", lambda s: int((s == "lossy").sum())),
            first=("window", "min"),
            last=("window", "max"),
        )
        .assign(bad=lambda t: t["down"] + t["lossy"])
        .sort_values(["bad", "src", "dst"], ascending=[False, True, True])
    )
    print(f"directions: {n_directions:,}, with a down or lossy window: {len(affected):,}")
    for (src, dst, channel), r in affected.head(top).iterrows():
        print(
            f"  {src}->{dst} {channel}: down {r['down']}, lossy {r['lossy']}, "
            f"windows {r['first']:%H:%M:%S} .. {r['last']:%H:%M:%S}"
        )
    if len(affected) > top:
        print(f"  … and {len(affected) - top:,} more")
    phases.done("summary")
    phases.total()


# ---------------------------------------------------------------------------------------------
# The reference check
# ---------------------------------------------------------------------------------------------


def to_ns(series):
    """Timestamps (any pandas datetime unit, UTC) as integer ns since the Unix epoch."""
    return ((series - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(nanoseconds=1)).to_numpy()


def fmt_ns(ns):
    t = datetime.fromtimestamp(ns // SECOND_NS, tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{ns % SECOND_NS // 1_000_000:03d}Z"


def choose_sample(present, size, seed, include):
    """Directions to check: the includes present in the CSV, then seeded random ones. Returns
    the sample, how many of its first directions come from the includes, and the includes that
    the CSV does not hold."""
    rng = random.Random(seed)
    pool = sorted(present)
    chosen = []
    missing = []

    def take(d):
        if d not in chosen:
            chosen.append(d)

    for spec in filter(None, (s.strip() for s in include.split(","))):
        if ">" in spec:
            src, dst = (p.strip() for p in spec.split(">", 1))
            if (src, dst) in present:
                take((src, dst))
            else:
                missing.append(spec)
            continue
        outgoing = [d for d in pool if d[0] == spec and d not in chosen]
        incoming = [d for d in pool if d[1] == spec and d not in chosen]
        if not outgoing and not incoming:
            missing.append(spec)
        for options in (outgoing, incoming):
            if options:
                take(rng.choice(options))
    included = len(chosen)
    rest = [d for d in pool if d not in chosen]
    chosen += rng.sample(rest, min(max(size - included, 0), len(rest)))
    return chosen, included, missing


def reference_counts(rows, sample, window_ns, epoch_ns, resolution_ns=SECOND_NS):
    """Per sampled direction, {window index: (sent, delivered)} from the counters rows alone,
    paired and windowed the way rift documents it (see the module docstring)."""
    wanted = set(sample)
    # (src, dst, flow) -> {bucket: [sent or None, received or None]}
    cells = defaultdict(dict)
    for ts_ns, node, peer, flow, sent, received in rows:
        bucket = (ts_ns + resolution_ns // 2) // resolution_ns
        if (node, peer) in wanted and sent is not None:
            cell = cells[(node, peer, flow)].setdefault(bucket, [None, None])
            cell[0] = (cell[0] or 0) + sent
        if (peer, node) in wanted and received is not None:
            cell = cells[(peer, node, flow)].setdefault(bucket, [None, None])
            cell[1] = (cell[1] or 0) + received

    counts = {d: defaultdict(lambda: [0, 0]) for d in sample}
    for (src, dst, _flow), buckets in cells.items():
        join_neighbours(buckets)
        for bucket, (sent, received) in buckets.items():
            if sent is None or received is None or sent == 0:
                continue  # unpaired, or nothing sent: no evidence
            stamp = bucket * resolution_ns
            window = (stamp - 1) // window_ns - epoch_ns // window_ns
            total = counts[(src, dst)][window]
            total[0] += sent
            total[1] += min(received, sent)
    return counts


def join_neighbours(buckets):
    """Joins a lone half with the other lone half in the next bucket, into the earlier bucket."""

    def lone(cell):
        return cell is not None and (cell[0] is None) != (cell[1] is None)

    for b in sorted(buckets):
        here, there = buckets.get(b), buckets.get(b + 1)
        if lone(here) and lone(there) and (here[0] is None) != (there[0] is None):
            if there[0] is not None:
                here[0] = there[0]
            else:
                here[1] = there[1]
            del buckets[b + 1]


def segment_at(segments, window):
    """rift's segment [start_window, end_window) holding `window`, or None."""
    lo, hi = 0, len(segments)
    while lo < hi:
        mid = (lo + hi) // 2
        if segments[mid]["end_window"] <= window:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(segments) and segments[lo]["start_window"] <= window:
        return segments[lo]
    return None


def check(path, timeline_path, size, seed, include, show, channel="heartbeat"):
    phases = Phases()
    with open(timeline_path) as f:
        doc = json.load(f)
    if doc.get("schema") != "rift.timeline/1":
        sys.exit(f"{timeline_path}: schema {doc.get('schema')!r}, expected 'rift.timeline/1'")
    epoch_ns, window_ns = doc["epoch_ns"], doc["window_ns"]
    up, down = doc["thresholds"]["up"], doc["thresholds"]["down"]
    edges = {
        (e["src"], e["dst"]): e["segments"]
        for e in doc["edges"]
        if e["channel"] == channel and e["flow"] is None
    }
    phases.done("timeline")

    # Counts as floats so that an empty cell (a missing half) stays visible as NaN.
    df = read_counters(path, "float64", extra=["flow"])
    df = df[df["channel"] == channel]
    phases.done("read")

    pairs = df[["node", "peer"]].drop_duplicates()
    present = set(zip(pairs["node"].astype(str), pairs["peer"].astype(str)))
    present |= {(b, a) for a, b in present}  # a per-node row speaks for both directions
    sample, included, missing = choose_sample(present, size, seed, include)
    if missing:
        print(f"not in the CSV, left out of the sample: {', '.join(missing)}")
    print(
        f"sample: {', '.join(f'{a}->{b}' for a, b in sample[:included])}"
        f"{' and ' if included else ''}{len(sample) - included} drawn with seed {seed} "
        f"among {len(present):,} directions"
    )

    rows_needed = set(sample) | {(b, a) for a, b in sample}
    keep = pd.MultiIndex.from_arrays([df["node"], df["peer"]]).isin(list(rows_needed))
    rows = df[keep]
    del df
    flows = rows["flow"] if "flow" in rows else [None] * len(rows)

    def count(v):
        return None if np.isnan(v) else int(v)

    reference = reference_counts(
        (
            (int(t), str(n), str(p), f if isinstance(f, str) and f else None, count(s), count(r))
            for t, n, p, f, s, r in zip(
                to_ns(rows["ts"]), rows["node"], rows["peer"], flows, rows["sent"], rows["received"]
            )
        ),
        sample,
        window_ns,
        epoch_ns,
    )
    phases.done("reference")

    compared = agree = 0
    differences = []
    by_state = defaultdict(int)
    pooled_more = pooled_fewer = 0
    for src, dst in sample:
        windows = reference[(src, dst)]
        segments = edges.get((src, dst), [])
        for w in sorted(windows):
            sent, delivered = windows[w]
            p = delivered / sent
            want = "up" if p >= up else "down" if p <= down else "lossy"
            seg = segment_at(segments, w)
            got = seg["state"] if seg else "none"
            compared += 1
            by_state[want] += 1
            if got == want:
                agree += 1
            else:
                differences.append((src, dst, w, want, sent, delivered, p, seg))
        # The messages each of rift's segments pools, against what the counters give over the
        # same windows (for the segments that hold a compared window).
        for seg in segments:
            ours = sum(
                windows[w][0] for w in range(seg["start_window"], seg["end_window"]) if w in windows
            )
            if ours == 0 or "n" not in seg:
                continue
            pooled_more += seg["n"] > ours
            pooled_fewer += seg["n"] < ours
    phases.done("compare")

    for src, dst, w, want, sent, delivered, p, seg in differences[:show]:
        where = fmt_ns(epoch_ns + w * window_ns)
        if seg is None:
            theirs = "no segment"
        else:
            ours = sum(
                reference[(src, dst)][x][0]
                for x in range(seg["start_window"], seg["end_window"])
                if x in reference[(src, dst)]
            )
            theirs = (
                f"{seg['state']} (segment {seg['start_window']}..{seg['end_window']}, "
                f"{seg['basis']}, p={seg.get('p', float('nan')):.3f}, n={seg.get('n', 0)}; "
                f"counters.csv gives n={ours} over the segment)"
            )
        print(
            f"DIFF {src}->{dst} {where} (window {w}): reference {want} "
            f"({delivered}/{sent} = {p:.3f}), rift {theirs}"
        )
    if len(differences) > show:
        print(f"… and {len(differences) - show:,} more differences")
    print(
        "compared windows by reference state: "
        + ", ".join(f"{s} {by_state[s]:,}" for s in STATES)
    )
    print(
        f"rift segments holding compared windows that pool more messages than counters.csv: "
        f"{pooled_more:,} (evidence from other sources, e.g. node logs); fewer: {pooled_fewer:,}"
    )
    print(
        f"reference check: {len(sample)} directions, {compared} windows, "
        f"{agree} agree, {compared - agree} differ"
    )
    phases.total()
    return 0 if compared == agree and compared > 0 else 1


def main():
    ap = argparse.ArgumentParser(
        description="Per-direction delivery from a per-node counters CSV with pandas "
        "(the peer baseline), or a reference check of a rift timeline."
    )
    ap.add_argument("counters", help="counters CSV: ts,node,peer,channel,sent,received")
    ap.add_argument(
        "--check-against",
        metavar="TIMELINE.json",
        help="compare a sample of directions with `rift graph … --format json` output",
    )
    ap.add_argument("--sample", type=int, default=50, help="directions to check (default 50)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the sample (default 1)")
    ap.add_argument(
        "--include",
        default="n1>n2,n2>n1,n3>n4,n4>n3,n0",
        help="directions (A>B) or nodes (A) always in the sample, when present "
        "(default: the faults of the benchmark scenario)",
    )
    ap.add_argument("--show", type=int, default=20, help="differences to print (default 20)")
    args = ap.parse_args()
    if args.check_against:
        return check(
            args.counters, args.check_against, args.sample, args.seed, args.include, args.show
        )
    baseline(args.counters)
    return 0


if __name__ == "__main__":
    sys.exit(main())
