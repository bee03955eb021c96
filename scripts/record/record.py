#!/usr/bin/env python3
"""Record a real etcd 3.4 network-fault incident in network namespaces.

Produces <out>/export/{logs,metrics-raw,metrics.csv.gz,health.csv,client.csv,members.csv},
<out>/truth.json and <out>/lab-timeline.csv, in the format of the shared etcd recordings (tests/fixtures/recordings/).

Usage (as root):
    python3 record.py SCENARIO OUTDIR          # record one scenario
    python3 record.py --list                   # list scenarios
    python3 record.py --cleanup                # delete leftover elab-* namespaces

Internal modes (run inside the client namespace by the harness itself):
    record.py --telemetry CONFIG_JSON          # scraper / prober / client workload
    record.py --probe-leader CONFIG_JSON       # print the current leader(s) via /metrics

Stdlib only; calls ip, iptables, etcd and etcdctl.
"""
import gzip
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

NODES = ["n1", "n2", "n3"]
IPS = {"n1": "10.77.0.11", "n2": "10.77.0.12", "n3": "10.77.0.13", "client": "10.77.0.100"}
NS = {"n1": "elab-n1", "n2": "elab-n2", "n3": "elab-n3", "client": "elab-client"}
BR_NS = "elab-br"
ALL_NS = [NS["n1"], NS["n2"], NS["n3"], NS["client"], BR_NS]
IFACE = "eth0"  # name of the veth end inside every node/client namespace
CLIENT_PORT, PEER_PORT, METRICS_PORT = 2379, 2380, 2381
HEARTBEAT_MS, ELECTION_MS = 100, 1000

INJECTION_TEXT = ("iptables (iptables) INPUT DROP rules inside the receiving member's network namespace "
                  "(silent drop: no RST, no ICMP); heal = flush INPUT. start = just before the first rule "
                  "was inserted, end = just after the last rule was removed; exact rule commands in "
                  "lab-timeline.csv")
INJECTION_TEXT_FLAP = ("iptables (iptables) INPUT DROP rules inside the receiving member's network namespace "
                       "(silent drop: no RST, no ICMP); heal = flush INPUT. The fault is switched on and off "
                       "several times: each entry of intervals is one on-period (start = just before its first "
                       "rule was inserted, end = just after its last rule was removed); start/end span the first "
                       "on-period's start to the last on-period's end; exact rule commands in lab-timeline.csv")
WINDOW_NOTE = ("client/health/metrics cover exactly this window. Node logs also contain cluster start-up "
               "(before it) and the orderly shutdown (from shutdown_start_ms on: SIGTERM to every member), "
               "which are not faults.")

# ---------------------------------------------------------------------------------------------
# scenarios
# ---------------------------------------------------------------------------------------------


def drop_from(src, dst):
    """Rule for directed edge src->dst: inside dst's namespace drop everything from src."""
    return (dst, ["iptables", "-I", "INPUT", "-s", IPS[src], "-j", "DROP"])


SCENARIOS = {
    "asym-leader2-mute": {
        "baseline_s": 19.5,
        "recovery_s": 24.5,
        "mode": "asymmetric",
        "leader": "n2",
        "fault_s": 15.0,
        "edges": [["n2", "n1"], ["n2", "n3"]],
        "edge_scope": "all IPv4 packets from the leader n2 to every other member; packets from the others to n2 are delivered",
        "description": ("Asymmetric partition: packets FROM the leader n2 TO the followers n1 and n3 are dropped "
                        "(n2 can hear but not speak) for {dur}."),
    },
    "asym-single-edge": {
        "baseline_s": 20.0,
        "recovery_s": 25.0,
        "mode": "asymmetric",
        "leader": "n1",
        "fault_s": 20.0,
        "edges": [["n1", "n3"]],
        "edge_scope": "IPv4 packets from the leader n1 to follower n3 only; every other direction is delivered",
        "description": ("Asymmetric partition of one edge: packets FROM the leader n1 TO follower n3 are dropped "
                        "for {dur}; n3 still reaches n1, and n2 is unaffected."),
    },
    "asym-leader-deaf": {
        "baseline_s": 20.0,
        "recovery_s": 25.0,
        "mode": "asymmetric",
        "leader": "n1",
        "fault_s": 18.0,
        "edges": [["n2", "n1"], ["n3", "n1"]],
        "edge_scope": "all IPv4 packets from every other member to n1; packets from n1 to the others are delivered",
        "description": ("Asymmetric partition: packets FROM the followers n2 and n3 TO the leader n1 are dropped "
                        "(n1 can speak but not hear) for {dur}. At the IP level n1's packets still reach the "
                        "followers, but TCP needs both directions, so new connections between them cannot be "
                        "opened and open ones stall (data segments from n1 arrive, the followers' ACKs do not)."),
    },
    "asym-follower-mute": {
        "baseline_s": 21.5,
        "recovery_s": 24.0,
        "mode": "asymmetric",
        "leader": "n1",
        "fault_s": 23.0,
        "edges": [["n3", "n1"], ["n3", "n2"]],
        "edge_scope": "all IPv4 packets from n3 to every other member; packets from the others to n3 are delivered",
        "description": ("Asymmetric partition: packets FROM follower n3 TO the other members n1 (leader) and n2 are "
                        "dropped (n3 can hear but not speak) for {dur}. At the IP level n1's and n2's packets "
                        "still reach n3, but TCP needs both directions, so new connections between n3 and them "
                        "cannot be opened and open ones stall."),
    },
    "complete-follower": {
        "baseline_s": 19.0,
        "recovery_s": 26.5,
        "mode": "complete",
        "leader": "n1",
        "fault_s": 16.0,
        "edges": [["n1", "n3"], ["n3", "n1"], ["n2", "n3"], ["n3", "n2"]],
        "edge_scope": "all IPv4 packets in both directions between n3 and every other member",
        "description": ("Complete partition: follower n3 is cut off from all other members (n1, the leader, and n2) "
                        "in both directions for {dur}; client and monitoring traffic to n3 (from the client "
                        "namespace) is not affected."),
    },
    "partial-followers": {
        "baseline_s": 22.0,
        "recovery_s": 25.5,
        "mode": "partial",
        "leader": "n1",
        "fault_s": 21.0,
        "edges": [["n2", "n3"], ["n3", "n2"]],
        "edge_scope": ("all IPv4 packets in both directions between n2 and n3 only; n1<->n2 and n1<->n3 "
                       "(and any other member) unaffected"),
        "description": ("Partial (non-transitive) partition: followers n2 and n3 cannot reach each other, but both "
                        "still reach the leader n1 (and the client) for {dur}."),
    },
    "gray-leader": {
        "baseline_s": 20.5,
        "recovery_s": 23.5,
        "mode": "gray",
        "leader": "n1",
        "fault_s": 24.0,
        "edges": [["client", "n1"]],
        "rules": [("n1", ["iptables", "-I", "INPUT", "-i", IFACE, "-p", "tcp", "--dport", str(CLIENT_PORT),
                          "-j", "DROP"])],
        "edge_scope": ("TCP packets arriving at n1's client port 2379 from outside n1 (i.e. from the client "
                       "namespace); peer port 2380 and metrics/health port 2381 unaffected"),
        "description": ("Gray failure: for {dur} the leader n1 stops accepting client (gRPC) traffic on port 2379, "
                        "while raft on 2380 and /health + /metrics on 2381 keep working, so health checks stay "
                        "green and n1 stays leader."),
    },
    "complete-leader-n2": {
        "baseline_s": 18.5,
        "recovery_s": 26.0,
        "mode": "complete",
        "leader": "n2",
        "fault_s": 19.0,
        "edges": [["n2", "n1"], ["n1", "n2"], ["n2", "n3"], ["n3", "n2"]],
        "edge_scope": "all IPv4 packets in both directions between n2 and every other member",
        "description": ("Complete partition: member n2 (the raft leader at injection) is cut off from all other "
                        "members in both directions for {dur}; client and monitoring traffic to n2 (from the "
                        "client namespace) is not affected."),
    },
    "flapping-n1": {
        "baseline_s": 21.0,
        "recovery_s": 25.0,
        "mode": "flapping",
        "leader": "n1",
        "flap_on_s": [4.0, 4.3, 3.8, 4.1],
        "flap_off_s": [4.0, 3.7, 4.2],
        "edges": [["n1", "n2"], ["n2", "n1"], ["n1", "n3"], ["n3", "n1"]],
        "edge_scope": ("all IPv4 packets in both directions between n1 and every other member, during each "
                       "on-period only"),
        "description": ("Flapping partition: member n1 (the raft leader at the first injection) is cut off from all "
                        "other members in both directions for about 4 s, then healed for about 4 s, four times "
                        "over ({dur} from the first cut to the last heal); client and monitoring traffic to n1 "
                        "(from the client namespace) is not affected."),
    },
}

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def now_ms():
    return int(time.time() * 1000)


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000.0)) + ".%03dZ" % (ms % 1000)


def q(s):
    return '"' + str(s).replace('"', '""') + '"'


def sh(cmd, check=True, timeout=30, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s%s" % (r.returncode, " ".join(cmd), r.stdout, r.stderr))
    return r


def nsexec(ns, cmd, **kw):
    return sh(["ip", "netns", "exec", ns] + cmd, **kw)


class Timeline:
    def __init__(self, path):
        self.f = open(path, "w")
        self.f.write("ts_iso,ts_ms,event,detail\n")
        self.lock = threading.Lock()

    def add(self, event, detail="", ms=None):
        ms = now_ms() if ms is None else ms
        with self.lock:
            self.f.write("%s,%d,%s,%s\n" % (iso(ms), ms, event, q(detail)))
            self.f.flush()
        print("  [%s] %s %s" % (iso(ms)[11:23], event, detail), flush=True)
        return ms

    def close(self):
        self.f.close()


# ---------------------------------------------------------------------------------------------
# network
# ---------------------------------------------------------------------------------------------


def existing_ns():
    r = sh(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def cleanup_net():
    have = existing_ns()
    for ns in ALL_NS:
        if ns in have:
            sh(["ip", "netns", "del", ns], check=False)


def setup_net():
    cleanup_net()
    sh(["ip", "netns", "add", BR_NS])
    nsexec(BR_NS, ["ip", "link", "set", "lo", "up"])
    nsexec(BR_NS, ["ip", "link", "add", "br0", "type", "bridge"])
    nsexec(BR_NS, ["ip", "link", "set", "br0", "up"])
    for name in NODES + ["client"]:
        ns = NS[name]
        sh(["ip", "netns", "add", ns])
        veth = "v" + name
        sh(["ip", "link", "add", veth, "netns", BR_NS, "type", "veth", "peer", "name", IFACE, "netns", ns])
        nsexec(BR_NS, ["ip", "link", "set", veth, "master", "br0"])
        nsexec(BR_NS, ["ip", "link", "set", veth, "up"])
        nsexec(ns, ["ip", "link", "set", "lo", "up"])
        nsexec(ns, ["ip", "addr", "add", IPS[name] + "/24", "dev", IFACE])
        nsexec(ns, ["ip", "link", "set", IFACE, "up"])
        # make sure the INPUT chain exists and is empty
        nsexec(ns, ["iptables", "-F", "INPUT"])
    # wait until every member answers ping-free reachability: just let links settle
    time.sleep(0.3)


# ---------------------------------------------------------------------------------------------
# leader probe (runs in the client namespace)
# ---------------------------------------------------------------------------------------------


def probe_leader_main(cfg_path):
    cfg = json.load(open(cfg_path))
    leaders = []
    for n in cfg["nodes"]:
        url = "http://%s:%d/metrics" % (cfg["ips"][n], METRICS_PORT)
        try:
            with urllib.request.urlopen(url, timeout=1.0) as r:
                text = r.read().decode("utf-8", "replace")
            m = re.search(r"^etcd_server_is_leader (\S+)$", text, re.M)
            if m and float(m.group(1)) == 1.0:
                leaders.append(n)
        except Exception:
            pass
    print(" ".join(leaders))


# ---------------------------------------------------------------------------------------------
# telemetry (runs in the client namespace)
# ---------------------------------------------------------------------------------------------

CSV_SERVER_METRICS = {
    "etcd_server_has_leader", "etcd_server_health_failures", "etcd_server_health_success",
    "etcd_server_heartbeat_send_failures_total", "etcd_server_is_leader",
    "etcd_server_leader_changes_seen_total", "etcd_server_proposals_applied_total",
    "etcd_server_proposals_committed_total", "etcd_server_proposals_failed_total",
    "etcd_server_proposals_pending", "etcd_server_read_indexes_failed_total",
    "etcd_server_slow_read_indexes_total",
}
SAMPLE_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$")
PEER_LABEL_RE = re.compile(r'(?:^|,)(?:To|From|Remote)="([^"]*)"')


def metric_family_of_comment(line):
    parts = line.split()
    if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
        return parts[2]
    return None


def raw_filter(text):
    """Keep only the etcd_* families of a /metrics page (HELP/TYPE lines and samples)."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            fam = metric_family_of_comment(line)
            if fam is not None and fam.startswith("etcd_"):
                out.append(line)
            continue
        if line.startswith("etcd_"):
            out.append(line)
    return out


def csv_select(text, id2name):
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        if not m:
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        keep = False
        if name.startswith("etcd_network_"):
            keep = True
        elif name in CSV_SERVER_METRICS:
            keep = True
        elif name == "grpc_server_handled_total":
            keep = 'grpc_service="etcdserverpb.KV"' in labels and float(value) != 0.0
        if not keep:
            continue
        peer = ""
        pm = None
        for pm in PEER_LABEL_RE.finditer(labels):
            pass
        if pm is not None:
            pid = pm.group(1)
            peer = id2name.get(pid, pid)
        rows.append((name, labels, peer, value))
    return rows


class Telemetry:
    def __init__(self, cfg):
        self.cfg = cfg
        self.nodes = cfg["nodes"]
        self.ips = cfg["ips"]
        self.id2name = {v: k for k, v in cfg["member_ids"].items()}
        exp = cfg["export"]
        self.stop_ev = threading.Event()
        self.lock_m = threading.Lock()
        self.lock_h = threading.Lock()
        self.lock_c = threading.Lock()
        self.metrics = gzip.open(os.path.join(exp, "metrics.csv.gz"), "wt", compresslevel=9)
        self.metrics.write("ts_iso,ts_ms,node,metric,labels,peer,value\n")
        self.raw = {n: gzip.open(os.path.join(exp, "metrics-raw", "%s.prom.gz" % n), "wt", compresslevel=9)
                    for n in self.nodes}
        self.health = open(os.path.join(exp, "health.csv"), "w")
        self.health.write("ts_iso,ts_ms,node,url,http_status,latency_ms,body\n")
        self.client = open(os.path.join(exp, "client.csv"), "w")
        self.client.write("ts_iso,ts_ms,node,endpoint,op,key,result,latency_ms,error\n")
        self.threads = []
        self.t0 = None
        self.problems = {"scrape_fail": 0, "health_fail": 0}

    # --- scraping --------------------------------------------------------------------------
    def scrape_loop(self, n):
        url = "http://%s:%d/metrics" % (self.ips[n], METRICS_PORT)
        k = 0
        nxt = self.t0
        while not self.stop_ev.is_set():
            delay = nxt - time.time()
            if delay > 0 and self.stop_ev.wait(delay):
                break
            ms = now_ms()
            # next scrape 1 s after this one started, or right away if this one overran
            nxt = ms / 1000.0 + 1.0
            ok, text, err = True, "", ""
            try:
                with urllib.request.urlopen(url, timeout=0.9) as r:
                    text = r.read().decode("utf-8", "replace")
            except Exception as e:  # noqa
                ok, err = False, str(e)
                self.problems["scrape_fail"] += 1
            tsi = iso(ms)
            lines = []
            if ok:
                for name, labels, peer, value in csv_select(text, self.id2name):
                    lines.append("%s,%d,%s,%s,%s,%s,%s\n" % (tsi, ms, n, name, q(labels), peer, value))
            lines.append("%s,%d,%s,elab_scrape_ok,\"\",,%d\n" % (tsi, ms, n, 1 if ok else 0))
            with self.lock_m:
                self.metrics.write("".join(lines))
            if k % 5 == 0:
                body = ["# elab_scrape ts_iso=%s ts_ms=%d node=%s" % (tsi, ms, n)]
                if ok:
                    body += raw_filter(text)
                else:
                    body.append("# elab_scrape_error %s" % err.replace("\n", " "))
                self.raw[n].write("\n".join(body) + "\n")
            k += 1
            if nxt < time.time():
                nxt = time.time()

    # --- /health ---------------------------------------------------------------------------
    def health_loop(self, n):
        url = "http://%s:%d/health" % (self.ips[n], METRICS_PORT)
        nxt = self.t0
        while not self.stop_ev.is_set():
            delay = nxt - time.time()
            if delay > 0 and self.stop_ev.wait(delay):
                break
            ms = now_ms()
            # next probe 1 s after this one started, or right away if this one overran
            nxt = ms / 1000.0 + 1.0
            t = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=2.0) as r:
                    status, body = r.status, r.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as e:
                status, body = e.code, e.read().decode("utf-8", "replace")
            except Exception as e:  # noqa
                status, body = 0, "error: %s" % e
                self.problems["health_fail"] += 1
            lat = int(round((time.monotonic() - t) * 1000))
            body = body.strip()
            with self.lock_h:
                self.health.write("%s,%d,%s,%s,%s,%d,%s\n" % (iso(ms), ms, n, url, status, lat, q(body)))
            if nxt < time.time():
                nxt = time.time()

    # --- client workload (etcdctl) -----------------------------------------------------------
    def etcdctl(self, n, args):
        ep = "http://%s:%d" % (self.ips[n], CLIENT_PORT)
        cmd = ["etcdctl", "--endpoints=" + ep, "--dial-timeout=2s", "--command-timeout=2s"] + args
        ms = now_ms()
        t = time.monotonic()
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=10,
                               env=dict(os.environ, ETCDCTL_API="3"))
            rc, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired:
            rc, err = -1, "Error: context deadline exceeded"
        lat = int(round((time.monotonic() - t) * 1000))
        if rc == 0:
            return ms, "ok", lat, ""
        msg = ""
        for line in err.splitlines():
            if line.startswith("Error:"):
                msg = line.strip()
        if not msg:
            lines = [x for x in err.splitlines() if x.strip()]
            msg = lines[-1].strip() if lines else "exit status %d" % rc
        res = "timeout" if "deadline exceeded" in msg else "error"
        return ms, res, lat, msg

    def client_loop(self, n):
        ep = "http://%s:%d" % (self.ips[n], CLIENT_PORT)
        seq = 0
        nxt = self.t0
        while not self.stop_ev.is_set():
            delay = nxt - time.time()
            if delay > 0 and self.stop_ev.wait(delay):
                break
            start = time.time()
            seq += 1
            key = "/elab/%s/%d" % (n, seq)
            for op, args in (("put", ["put", key, "v%d" % seq]), ("get", ["get", key])):
                ms, res, lat, err = self.etcdctl(n, args)
                with self.lock_c:
                    self.client.write("%s,%d,%s,%s,%s,%s,%s,%d,%s\n" % (iso(ms), ms, n, ep, op, key, res, lat,
                                                                        q(err)))
            nxt = start + 0.5
            if nxt < time.time():
                nxt = time.time()

    def flusher(self):
        while not self.stop_ev.wait(2.0):
            with self.lock_h:
                self.health.flush()
            with self.lock_c:
                self.client.flush()

    def run(self):
        start_ms = now_ms()
        self.t0 = start_ms / 1000.0 + 0.01
        for n in self.nodes:
            for fn in (self.scrape_loop, self.health_loop, self.client_loop):
                th = threading.Thread(target=fn, args=(n,), daemon=True)
                self.threads.append(th)
        fl = threading.Thread(target=self.flusher, daemon=True)
        # shuffle thread start order a little, like independent probes
        random.shuffle(self.threads)
        for th in self.threads:
            th.start()
        fl.start()
        print("started %d" % start_ms, flush=True)
        # wait for "stop" on stdin (or EOF)
        sys.stdin.readline()
        self.stop_ev.set()
        for th in self.threads:
            th.join(timeout=15)
        end_ms = now_ms()
        self.metrics.close()
        for f in self.raw.values():
            f.close()
        self.health.close()
        self.client.close()
        print("stopped %d %s" % (end_ms, json.dumps(self.problems)), flush=True)


def telemetry_main(cfg_path):
    cfg = json.load(open(cfg_path))
    Telemetry(cfg).run()


# ---------------------------------------------------------------------------------------------
# the recording
# ---------------------------------------------------------------------------------------------


class Recorder:
    def __init__(self, scenario, outdir):
        self.name = scenario
        self.sc = SCENARIOS[scenario]
        self.out = os.path.abspath(outdir)
        self.export = os.path.join(self.out, "export")
        self.rundir = "/tmp/elab-run-%s" % scenario
        self.procs = {}
        self.tele = None
        self.tl = None
        self.member_ids = {}
        self.cfg_path = os.path.join(self.rundir, "telemetry.json")

    # -- helpers --
    def probe_leader(self):
        r = nsexec(NS["client"], [sys.executable, os.path.abspath(__file__), "--probe-leader", self.cfg_path],
                   check=False)
        ls = r.stdout.split()
        return ls[0] if len(ls) == 1 else None

    def wait_leader(self, want=None, timeout=15.0):
        t_end = time.time() + timeout
        while time.time() < t_end:
            ld = self.probe_leader()
            if ld and (want is None or ld == want):
                return ld
            time.sleep(0.1)
        return None

    def etcdctl(self, node, args, check=True):
        ep = "http://%s:%d" % (IPS[node], CLIENT_PORT)
        return nsexec(NS["client"], ["etcdctl", "--endpoints=" + ep, "--dial-timeout=2s",
                                     "--command-timeout=5s"] + args, check=check,
                      env=dict(os.environ, ETCDCTL_API="3"))

    def move_leader(self, target):
        cur = self.wait_leader()
        if cur is None:
            raise RuntimeError("no leader")
        if cur == target:
            return cur
        self.etcdctl(cur, ["move-leader", self.member_ids[target]])
        self.tl.add("move_leader", "from %s to %s (id %s)" % (cur, target, self.member_ids[target]))
        ld = self.wait_leader(want=target, timeout=10)
        if ld != target:
            raise RuntimeError("move-leader to %s did not take effect" % target)
        return ld

    def rule(self, node, cmd):
        nsexec(NS[node], cmd)
        self.tl.add("iptables", "%s: %s" % (node, " ".join(cmd)))

    def fault_rules(self):
        if "rules" in self.sc:
            return self.sc["rules"]
        return [drop_from(s, d) for s, d in self.sc["edges"]]

    def inject(self):
        start = now_ms()
        self.tl.add("fault_on", self.name)
        for node, cmd in self.fault_rules():
            self.rule(node, cmd)
        return start

    def heal(self):
        for n in NODES:
            self.rule(n, ["iptables", "-F", "INPUT"])
        end = now_ms()
        self.tl.add("fault_off", self.name)
        return end

    # -- main flow --
    def run(self):
        if os.path.exists(self.out):
            shutil.rmtree(self.out)
        os.makedirs(os.path.join(self.export, "logs"))
        os.makedirs(os.path.join(self.export, "metrics-raw"))
        if os.path.exists(self.rundir):
            shutil.rmtree(self.rundir)
        os.makedirs(self.rundir)
        self.tl = Timeline(os.path.join(self.out, "lab-timeline.csv"))
        try:
            self._run()
        finally:
            self.teardown()
            self.tl.close()

    def _run(self):
        ipt = sh(["iptables", "--version"]).stdout.strip()
        etcd_ver = re.search(r"etcd Version: (\S+)", sh(["etcd", "--version"]).stdout).group(1)
        self.tl.add("run_start", "scenario=%s etcd=%s iptables=%s" % (self.name, etcd_ver, ipt))
        setup_net()
        self.tl.add("net_ready", "bridge br0 in %s; nodes n1 n2 n3 + client on 10.77.0.0/24" % BR_NS)

        cfg = {"nodes": NODES, "ips": IPS, "member_ids": {}, "export": self.export}
        json.dump(cfg, open(self.cfg_path, "w"))

        token = "elab-%s" % self.name
        init = ",".join("%s=http://%s:%d" % (n, IPS[n], PEER_PORT) for n in NODES)
        cluster_start = now_ms()
        for n in NODES:
            ip = IPS[n]
            cmd = ["ip", "netns", "exec", NS[n], "etcd",
                   "--name", n, "--data-dir", "data/%s" % n,
                   "--listen-peer-urls", "http://%s:%d" % (ip, PEER_PORT),
                   "--initial-advertise-peer-urls", "http://%s:%d" % (ip, PEER_PORT),
                   "--listen-client-urls", "http://%s:%d" % (ip, CLIENT_PORT),
                   "--advertise-client-urls", "http://%s:%d" % (ip, CLIENT_PORT),
                   "--listen-metrics-urls", "http://%s:%d" % (ip, METRICS_PORT),
                   "--initial-cluster", init, "--initial-cluster-state", "new",
                   "--initial-cluster-token", token,
                   "--heartbeat-interval", str(HEARTBEAT_MS), "--election-timeout", str(ELECTION_MS),
                   "--logger=zap", "--log-outputs=%s" % os.path.join(self.export, "logs", "%s.log" % n)]
            errf = open(os.path.join(self.export, "logs", "%s.stderr.log" % n), "w")
            self.procs[n] = subprocess.Popen(cmd, cwd=self.rundir, stdout=errf, stderr=errf,
                                             env=dict(os.environ, TZ="UTC"), start_new_session=True)
            errf.close()
            # a small stagger: started in the very same millisecond, each member's bootstrap check
            # ("is this member already bootstrapped?") hangs on the others' not-yet-served peer
            # listeners for the full 1 s bootstrap timeout per peer (process start-up time varies by
            # tens of ms, so the gap has to be larger than that)
            time.sleep(random.uniform(0.12, 0.2))
        self.tl.add("etcd_started", "3 members, pids %s" % " ".join(str(self.procs[n].pid) for n in NODES))

        first = self.wait_leader(timeout=20)
        if first is None:
            raise RuntimeError("no leader elected")
        self.tl.add("leader_elected", first)

        # member ids (hex, as etcdctl prints them)
        r = self.etcdctl(first, ["member", "list"])
        for line in r.stdout.splitlines():
            parts = [p.strip() for p in line.split(",")]
            if len(parts) >= 3 and parts[2] in NODES:
                self.member_ids[parts[2]] = parts[0]
        if sorted(self.member_ids) != NODES:
            raise RuntimeError("could not read member ids: %r" % r.stdout)
        cfg["member_ids"] = self.member_ids
        json.dump(cfg, open(self.cfg_path, "w"))
        with open(os.path.join(self.export, "members.csv"), "w") as f:
            f.write("name,member_id,ip,peer_url,client_url,metrics_url\n")
            for n in NODES:
                ip = IPS[n]
                f.write("%s,%s,%s,http://%s:%d,http://%s:%d,http://%s:%d\n" % (
                    n, self.member_ids[n], ip, ip, PEER_PORT, ip, CLIENT_PORT, ip, METRICS_PORT))
            f.write("client,,%s,,,\n" % IPS["client"])

        want = self.sc["leader"]
        ld = self.move_leader(want)
        self.tl.add("leader", ld)
        time.sleep(2.0)

        # telemetry
        self.tele = subprocess.Popen(["ip", "netns", "exec", NS["client"], sys.executable,
                                      os.path.abspath(__file__), "--telemetry", self.cfg_path],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     start_new_session=True)
        line = self.tele.stdout.readline().split()
        if not line or line[0] != "started":
            raise RuntimeError("telemetry did not start: %r" % line)
        win_start = int(line[1])
        self.tl.add("telemetry_started", "scrape+health every 1 s per member, client put/get every 500 ms per member")

        baseline = self.sc.get("baseline_s", 20.0)
        time.sleep(max(0.0, win_start / 1000.0 + baseline - time.time()))

        ld = self.probe_leader()
        if ld != want:
            # leadership drifted during the baseline (should not happen): put it back
            self.tl.add("leader_before_fault", str(ld))
            ld = self.move_leader(want)
            time.sleep(2.0)
            ld = self.probe_leader()
        self.tl.add("leader_before_fault", str(ld))
        leader_at_injection = ld

        intervals = []
        if self.sc["mode"] == "flapping":
            ons, offs = self.sc["flap_on_s"], self.sc["flap_off_s"]
            for i, on_s in enumerate(ons):
                s = self.inject()
                time.sleep(max(0.0, s / 1000.0 + on_s - time.time()))
                e = self.heal()
                intervals.append((s, e))
                if i < len(offs):
                    time.sleep(max(0.0, e / 1000.0 + offs[i] - time.time()))
        else:
            s = self.inject()
            time.sleep(max(0.0, s / 1000.0 + self.sc["fault_s"] - time.time()))
            e = self.heal()
            intervals.append((s, e))

        recovery = self.sc.get("recovery_s", 25.0)
        time.sleep(max(0.0, intervals[-1][1] / 1000.0 + recovery - time.time()))
        self.tl.add("leader_after_recovery", str(self.probe_leader()))

        self.tele.stdin.write("stop\n")
        self.tele.stdin.flush()
        line = self.tele.stdout.readline().split(None, 2)
        if not line or line[0] != "stopped":
            raise RuntimeError("telemetry did not stop cleanly: %r" % line)
        win_end = int(line[1])
        self.tele_problems = json.loads(line[2]) if len(line) > 2 else {}
        self.tele.wait(timeout=10)
        self.tele = None
        self.tl.add("telemetry_stopped", "")

        shutdown_start = now_ms()
        self.tl.add("etcd_shutdown", "SIGTERM to all members")
        for n in NODES:
            self.procs[n].send_signal(signal.SIGTERM)
        for n in NODES:
            try:
                self.procs[n].wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.procs[n].kill()
                self.procs[n].wait()
                self.tl.add("etcd_killed", n)
        self.procs = {}
        self.tl.add("etcd_stopped", "")

        self.write_truth(intervals, leader_at_injection, win_start, win_end, cluster_start, shutdown_start,
                         etcd_ver)

    def write_truth(self, intervals, leader, ws, we, cluster_start, shutdown_start, etcd_ver):
        sc = self.sc
        start, end = intervals[0][0], intervals[-1][1]
        total = (end - start) / 1000.0
        if sc["mode"] == "flapping":
            dur = "%.0f s" % total
        else:
            dur = "%.0f s" % round(total)
        ivs = ", ".join(json.dumps({"start": iso(s), "end": iso(e), "start_ms": s, "end_ms": e})
                        for s, e in intervals)
        nodes = {n: {"ip": IPS[n], "member_id": self.member_ids[n]} for n in NODES}
        nodes["client"] = {"ip": IPS["client"]}
        cluster = {"software": "etcd", "version": etcd_ver, "size": 3, "heartbeat_ms": HEARTBEAT_MS,
                   "election_timeout_ms": ELECTION_MS, "pre_vote": False}
        lines = [
            "{",
            '  "scenario": %s,' % json.dumps(self.name),
            '  "mode": %s,' % json.dumps(sc["mode"]),
            '  "start": %s,' % json.dumps(iso(start)),
            '  "end": %s,' % json.dumps(iso(end)),
            '  "start_ms": %d,' % start,
            '  "end_ms": %d,' % end,
            '  "intervals": [%s],' % ivs,
            '  "affected_edges": %s,' % json.dumps(sc["edges"]),
            '  "edge_scope": %s,' % json.dumps(sc["edge_scope"]),
            '  "description": %s,' % json.dumps(sc["description"].format(dur=dur)),
            '  "leader_at_injection": %s,' % json.dumps(leader),
            '  "injection": %s,' % json.dumps(INJECTION_TEXT_FLAP if sc["mode"] == "flapping" else INJECTION_TEXT),
            '  "cluster": %s,' % json.dumps(cluster),
            '  "nodes": %s,' % json.dumps(nodes),
            '  "observation_window": {"start": %s, "end": %s, "start_ms": %d, "end_ms": %d,' % (
                json.dumps(iso(ws)), json.dumps(iso(we)), ws, we),
            '    "note": %s,' % json.dumps(WINDOW_NOTE),
            '    "cluster_start_ms": %d, "shutdown_start": %s, "shutdown_start_ms": %d}' % (
                cluster_start, json.dumps(iso(shutdown_start)), shutdown_start),
            "}",
        ]
        with open(os.path.join(self.out, "truth.json"), "w") as f:
            f.write("\n".join(lines) + "\n")
        json.load(open(os.path.join(self.out, "truth.json")))  # validate

    def teardown(self):
        if self.tele is not None:
            try:
                self.tele.stdin.close()
            except Exception:
                pass
            try:
                self.tele.wait(timeout=10)
            except Exception:
                self.tele.kill()
        for n, p in list(self.procs.items()):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for n, p in list(self.procs.items()):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = {}
        cleanup_net()
        shutil.rmtree(self.rundir, ignore_errors=True)
        left = [ns for ns in existing_ns() if ns in ALL_NS]
        self.tl.add("run_end", "namespaces deleted" if not left else "namespaces left: %s" % " ".join(left))


def main():
    a = sys.argv[1:]
    if a and a[0] == "--telemetry":
        return telemetry_main(a[1])
    if a and a[0] == "--probe-leader":
        return probe_leader_main(a[1])
    if a and a[0] == "--list":
        print("\n".join(SCENARIOS))
        return
    if a and a[0] == "--cleanup":
        cleanup_net()
        return
    if len(a) != 2 or a[0] not in SCENARIOS:
        print(__doc__)
        print("scenarios:", ", ".join(SCENARIOS))
        sys.exit(2)
    if os.geteuid() != 0:
        sys.exit("must run as root")
    for tool in ("ip", "iptables", "etcd", "etcdctl"):
        if shutil.which(tool) is None:
            sys.exit("missing tool: %s" % tool)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    rec = Recorder(a[0], a[1])
    if os.environ.get("ELAB_QUICK"):  # short smoke-test timings (not for real recordings)
        rec.sc = dict(rec.sc, baseline_s=5.0, fault_s=5.0, recovery_s=5.0)
    rec.run()


if __name__ == "__main__":
    main()
