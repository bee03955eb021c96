#!/usr/bin/env python3
"""Writes the hostile inputs of scripts/hostile.sh into DIR, one folder per case, and the list of
cases as DIR/cases.txt (name, class, folder, command, check, expected exit codes), for the
script to run and time.

    python3 scripts/hostile_inputs.py DIR [GROUP...]

GROUP names a function below (injection, outputs, outside, timestamps, unbounded, work,
arguments, budgets, low); without one, every group is written.

Each class is one kind of damage a hostile or careless input can do: a command that runs where
text was meant, a file outside the export read into a report, memory or time without bound. The
commands use $RIFT (the binary) and $D (the case's folder); a check is a shell test that must hold
afterwards (besides the bounds on memory and time every case has). Inputs are made here, never
committed: some are gigabytes once decompressed.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "asymmetric-leader")
CASES = []


def case(name, klass, d, command, check="", expect="0"):
    """One case: `command` must exit with a code in `expect` (`3`, or a range `0-3`) and `check`
    must hold afterwards."""
    CASES.append((name, klass, d, command, check, expect))


def folder(out, name):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def example_copy(out, name):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(EXAMPLE, d)
    return d


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


SCENARIO = """name = {name}
duration = "{duration}"
[cluster]
nodes = ["n1", "n2", "n3"]
{protocol}
[[phase]]
name = {phase}
start = "1s"
end = "{end}"
drop = ["n1->n2"]
{extra}
"""


def scenario(path, name='"s"', phase='"p"', duration="10s", end="5s", protocol="", extra=""):
    write(path, SCENARIO.format(name=name, phase=phase, duration=duration, end=end,
                                protocol=protocol, extra=extra))


def injection(out):
    """High 1-2: a name that ends a comment or a scalar under some reader."""
    terminators = {"lf": "\\n", "cr": "\\r", "vt": "\\u000b", "ff": "\\u000c",
                   "nel": "\\u0085", "ls": "\\u2028", "ps": "\\u2029"}
    d = folder(out, "injection")
    for key, t in terminators.items():
        payload = f'x{t}touch $D/pwned-{key}{t}---{t}kind: ConfigMap{t}#'
        scenario(os.path.join(d, f"{key}.toml"), name=f'"n{t}touch $D/pwned-name-{key}"',
                 phase=f'"{payload}"')
    stubs = os.path.join(d, "stubs")
    os.makedirs(stubs, exist_ok=True)
    for tool in ["ip", "iptables", "tc", "sleep"]:
        write(os.path.join(stubs, tool), "#!/bin/sh\nexit 0\n")
        os.chmod(os.path.join(stubs, tool), 0o755)
    for key in terminators:
        case(f"iptables-{key}", "script injection", d, f'$RIFT export $D/{key}.toml --to iptables -o $D/{key}.sh && '
             f'PATH=$D/stubs:$PATH D=$D bash $D/{key}.sh >/dev/null',
             f'! ls $D/pwned-* 2>/dev/null | grep -q .')
        case(f"chaos-mesh-{key}", "YAML injection", d, f'$RIFT export $D/{key}.toml --to chaos-mesh -o $D/{key}.yaml',
             f'python3 -c "import yaml,sys; docs=[x for x in yaml.safe_load_all(open(sys.argv[1])) if x]; '
             f'sys.exit(any(x.get(\'kind\') != \'NetworkChaos\' for x in docs))" $D/{key}.yaml')
        case(f"jepsen-{key}", "EDN injection", d, f'$RIFT export $D/{key}.toml --to jepsen -o $D/{key}.edn',
             f'test "$(grep -c "^;;" $D/{key}.edn)" -ge 1 && ! grep -q "^touch" $D/{key}.edn')


def outputs(out):
    """High 3: -o onto a device or a link."""
    d = folder(out, "outputs")
    scenario(os.path.join(d, "s.toml"))
    write(os.path.join(d, "real.txt"), "before")
    os.symlink(os.path.join(d, "real.txt"), os.path.join(d, "link.txt"))
    case("o-dev-null", "output replaces a device", d, "$RIFT export $D/s.toml --to iptables -o /dev/null && "
         f"$RIFT report {EXAMPLE} -o /dev/null 2>/dev/null && $RIFT ingest {EXAMPLE} -o /dev/null",
         "test -c /dev/null")
    case("o-symlink", "output replaces a link", d, "$RIFT export $D/s.toml --to jepsen -o $D/link.txt",
         "test -L $D/link.txt && grep -q grudge $D/real.txt")


def outside(out):
    """High 4 and 7: files outside the export, through links and through incident.toml."""
    d = example_copy(out, "outside-links")
    os.makedirs(os.path.join(d, "logs"))
    os.symlink("/proc/self/environ", os.path.join(d, "logs", "env.log"))
    os.symlink("/etc/passwd", os.path.join(d, "logs", "passwd.log"))
    os.symlink("/etc/passwd", os.path.join(d, "health2.csv"))
    write(os.path.join(d, "incident.toml"),
          open(os.path.join(EXAMPLE, "incident.toml")).read() + '\n[logs]\nprofile = "etcd-zap"\n')
    case("symlink-environ", "file outside the export", d, "RIFT_HOSTILE_SECRET=s3cr3t-t0ken $RIFT report $D -o $D/r.html 2>$D/err; "
         "RIFT_HOSTILE_SECRET=s3cr3t-t0ken $RIFT ingest $D --json >$D/i.json 2>>$D/err; true",
         "! grep -q -e s3cr3t-t0ken -e root:x: $D/r.html $D/i.json $D/err")
    for key, target in [("fifo", "fifo.toml"), ("dev-zero", "/dev/zero"),
                        ("dotdot", "../../../../etc/passwd"), ("absolute", "/etc/passwd")]:
        d = example_copy(out, f"config-path-{key}")
        if key == "fifo":
            os.mkfifo(os.path.join(d, "fifo.toml"))
        write(os.path.join(d, "incident.toml"),
              open(os.path.join(EXAMPLE, "incident.toml")).read()
              + f'\n[logs]\nprofiles = ["{target}"]\n')
        case(f"profiles-{key}", "path in incident.toml", d, f"$RIFT ingest $D >$D/out 2>&1",
             "! grep -q root:x: $D/out", expect="3")
    d = folder(out, "cli-profiles")
    case("cli-profiles-dev-zero", "path in a flag", d, "$RIFT profiles --profiles /dev/zero", expect="1-3")


def timestamps(out):
    """High 5: timestamps at the edges of what i64 nanoseconds hold."""
    for key, ts in [("2262", "2262-04-11T23:47:16.854Z"), ("1677", "1677-09-21T00:12:43.146Z"),
                    ("i64-max-ns", "9223372036854775807"), ("i64-min-ns", "-9223372036854775808"),
                    ("year-9999", "9999-12-31T23:59:59.999Z"), ("epoch-s-huge", "99999999999999")]:
        d = example_copy(out, f"ts-{key}")
        with open(os.path.join(d, "counters.csv"), "a") as f:
            f.write(f"{ts},n1,n2,heartbeat,10,10\n")
        case(f"ts-{key}", "time at the edge of i64", d, "$RIFT report $D -o $D/r.html && $RIFT classify $D >/dev/null")


def unbounded(out):
    """High 6: reads without a bound."""
    d = example_copy(out, "zstd-bomb")
    subprocess.run(f"head -c 4G /dev/zero | zstd -q -o {d}/counters2.csv.zst", shell=True,
                   check=True)
    case("zstd-bomb", "unbounded read", d, "$RIFT ingest $D >/dev/null", expect="0-3")
    d = example_copy(out, "sparse-5g")
    os.makedirs(os.path.join(d, "logs"))
    with open(os.path.join(d, "logs", "n1.log"), "wb") as f:
        f.truncate(5 << 30)
    case("sparse-5g", "unbounded read", d, "$RIFT ingest $D >/dev/null", expect="0-3")
    d = example_copy(out, "long-line-mid-gzip")
    os.makedirs(os.path.join(d, "logs"))
    with gzip.open(os.path.join(d, "logs", "n1.log.gz"), "wb", compresslevel=9) as f:
        f.write(b'{"level":"info","ts":"2026-01-01T00:00:01Z","msg":"starting"}\n')
        chunk = b"a" * (1 << 24)
        for _ in range(128):  # 2 GiB in one line
            f.write(chunk)
        f.write(b'\n{"level":"info","ts":"2026-01-01T00:00:02Z","msg":"done"}\n')
    case("long-line-mid-gzip", "unbounded read", d, "$RIFT ingest $D >/dev/null", expect="0-3")
    d = example_copy(out, "first-line-200mb")
    with open(os.path.join(d, "probes.csv"), "wb") as f:
        f.write(b"ts" + b",x" * (100 << 20) + b"\n1,2\n")
    case("first-line-200mb", "unbounded read", d, "$RIFT ingest $D >/dev/null", expect="0-3")
    d = example_copy(out, "header-26mb")
    with open(os.path.join(d, "counters.csv"), "wb") as f:
        f.write(b"ts,node,peer," + b"y" * (26 << 20) + b"\n")
    case("header-26mb", "unbounded read", d, "$RIFT ingest $D >$D/out 2>&1", "test $(wc -c <$D/out) -lt 100000", expect="0-3")


def work(out):
    """High 8 and the replay settings: work a scenario asks for."""
    d = folder(out, "work")
    scenario(os.path.join(d, "flap.toml"), duration="100000h", end="99999h",
             extra='flap = { down = "1us", up = "1us" }')
    scenario(os.path.join(d, "beat.toml"), duration="60s",
             protocol='[protocol]\nheartbeat = "1us"\nelection_timeout = "2us"\n')
    scenario(os.path.join(d, "load.toml"), duration="60s",
             protocol='[workload]\nwrites_per_s = 100000\nreads_per_s = 100000\n')
    for target in ["iptables", "jepsen", "chaos-mesh"]:
        case(f"flap-1us-{target}", "work a scenario asks for", d, f"$RIFT export $D/flap.toml --to {target} >/dev/null", expect="0-3")
    case("flap-1us-replay", "work a scenario asks for", d, "$RIFT replay $D/flap.toml >/dev/null", expect="0-3")
    case("flap-1us-synth", "work a scenario asks for", d, "$RIFT synth $D/flap.toml --out $D/synth-flap >/dev/null", expect="0-3")
    case("heartbeat-1us-replay", "work a scenario asks for", d, "$RIFT replay $D/beat.toml >/dev/null", expect="0-3")
    case("heartbeat-1us-synth", "work a scenario asks for", d, "$RIFT synth $D/beat.toml --out $D/synth-beat >/dev/null", expect="0-3")
    case("workload-100k-replay", "work a scenario asks for", d, "$RIFT replay $D/load.toml >/dev/null", expect="0-3")
    case("compare-lb-interval-0", "work a scenario asks for", d, f"$RIFT replay {EXAMPLE} --compare 'lb+interval_ms=0' >/dev/null", expect="0-3")
    case("compare-swim-tiny", "work a scenario asks for", d, f"$RIFT replay {EXAMPLE} --compare 'swim+interval_ms=0.001' >/dev/null", expect="0-3")


def arguments(out):
    """High 9: numeric arguments."""
    d = folder(out, "arguments")
    for name, args in [("limit-u64-max", "corpus search x --limit 18446744073709551615"),
                       ("limit-2-32", "corpus search x --limit 4294967296"),
                       ("similar-limit-0", "corpus similar github-2012-network-partition --limit 0"),
                       ("report-similar-huge", f"report {EXAMPLE} -o /dev/null --similar 18446744073709551615"),
                       ("window-1ns", f"graph {EXAMPLE} --window 1ns"),
                       ("max-nodes-huge", f"classify {EXAMPLE} --max-nodes 18446744073709551615")]:
        case(f"arg-{name}", "numeric argument", d, f"$RIFT {args} >/dev/null 2>&1", expect="2-3")


def budgets(out):
    """Medium: profiles, metrics, cluster size, concurrency, identity, text size."""
    d = example_copy(out, "profile-10k-rules")
    rules = "".join(
        f'[[rule]]\nkind = "note"\nregex = \'(a|b|c|d|e)+(x{{1,100}}){{1,50}}rule{i}\'\n'
        for i in range(10000))
    write(os.path.join(d, "heavy.toml"),
          'name = "heavy"\nsystem = "x"\ntitle = "heavy"\nformat = "text"\n' + rules)
    write(os.path.join(d, "incident.toml"),
          open(os.path.join(EXAMPLE, "incident.toml")).read() + '\n[logs]\nprofiles = ["heavy.toml"]\n')
    case("profile-10k-rules", "rule budget", d, "$RIFT ingest $D >/dev/null 2>&1", expect="0-3")
    case("profile-10k-rules-cli", "rule budget", d, "$RIFT profiles --profiles $D/heavy.toml >/dev/null 2>&1", expect="0-3")
    for key, mb in [("40mb", 40), ("400mb", 400)]:
        d = example_copy(out, f"query-range-{key}")
        path = os.path.join(d, "query_range.json")
        with open(path, "w") as f:
            f.write('{"status":"success","data":{"resultType":"matrix","result":[')
            per_series = 20000
            series = mb * (1 << 20) // (per_series * 26)
            t0 = 1767225600
            for s in range(series):
                if s:
                    f.write(",")
                f.write(json.dumps({"metric": {"__name__": "etcd_network_peer_sent_bytes_total",
                                               "instance": f"n{s % 3 + 1}:2379",
                                               "To": f"peer{s}"}})[:-1])
                f.write(',"values":[')
                f.write(",".join(f'[{t0 + i},"{i * 10}"]' for i in range(per_series)))
                f.write("]}")
            f.write("]}}")
        case(f"query-range-{key}", "metrics held per sample", d, "$RIFT ingest $D >/dev/null 2>&1", expect="0-3")
    d = folder(out, "cluster-2000")
    with open(os.path.join(d, "counters.csv"), "w") as f:
        f.write("ts,node,peer,channel,sent,received\n")
        for s in range(30):
            for n in range(2000):
                for k in (1, -1, 7, -7):
                    p = (n + k) % 2000
                    # From t = 11 s nobody hears n0-n4: five members cut off one way.
                    heard = 0 if (p < 5 and s > 10) else 10
                    f.write(f"2026-01-01T00:00:{s:02d}Z,n{n},n{p},heartbeat,10,{heard}\n")
    case("report-2000-nodes", "replay scaled to the cluster", d, "$RIFT report $D -o $D/r.html")
    d = folder(out, "concurrent-index-builds")
    case("concurrent-index-builds", "concurrent first index builds", d, "export RIFT_CACHE_DIR=$D/cache; rm -rf $D/cache; mkdir -p $D; "
         "for i in $(seq 60); do ($RIFT corpus search leader >/dev/null 2>&1 || touch $D/failed-$i) & done; "
         "wait; ! ls $D/failed-* 2>/dev/null | grep -q .")
    d = example_copy(out, "alias-conflict")
    write(os.path.join(d, "members.csv"),
          "name,member_id,ip,peer_url\nn1,a1,10.0.0.1,http://10.0.0.1:2380\n"
          "n2,a2,10.0.0.2,http://10.0.0.2:2380\nn3,a3,10.0.0.3,http://10.0.0.3:2380\n"
          "n2,a9,10.0.0.1,http://10.0.0.1:2380\nn1,a2,10.0.0.9,http://10.0.0.9:2380\n")
    case("alias-conflict", "identity conflict", d, "$RIFT classify $D >$D/out 2>&1", "grep -q -i asymmetric $D/out && ! grep -q -i '^primary.*flapping' $D/out")
    d = example_copy(out, "confusable-names")
    with open(os.path.join(d, "counters.csv"), "a") as f:
        for name in ["n1\u200b", "\u202en1"]:
            f.write(f"2026-01-01T00:00:05.000Z,{name},n2,heartbeat,10,10\n")
            f.write(f"2026-01-01T00:00:05.000Z,n2,{name},heartbeat,10,10\n")
    case("confusable-names", "terminal and identity spoofing", d, "$RIFT ingest $D >$D/out 2>&1",
         "! grep -q $'\\u200b' $D/out && ! grep -q $'\\u202e' $D/out && grep -q 'u{200b}' $D/out")
    d = folder(out, "corpus-100mb")
    with open(os.path.join(d, "big.txt"), "w") as f:
        line = "the primary could not reach the replicas while health checks passed. " * 16 + "\n"
        for _ in range((100 << 20) // len(line)):
            f.write(line)
    case("corpus-classify-100mb", "text size", d, "$RIFT corpus classify $D/big.txt >/dev/null 2>&1", expect="3")


def low(out):
    """Low: detector values, units, names, duplicates, misnamed files, synth outputs."""
    for key, value in [("negative", "-5"), ("zero", "0"), ("nan", "nan"), ("huge", "1e300")]:
        d = example_copy(out, f"detector-{key}")
        text = open(os.path.join(EXAMPLE, "incident.toml")).read().replace(
            "heartbeat_ms = 100", f"heartbeat_ms = {value}")
        write(os.path.join(d, "incident.toml"), text)
        case(f"detector-{key}", "detector values", d, "$RIFT classify $D >/dev/null 2>&1", expect="3")
    d = example_copy(out, "parquet-named-csv")
    with open(os.path.join(d, "counters2.csv"), "wb") as f:
        f.write(b"PAR1" + os.urandom(64) + b"PAR1")
    case("parquet-named-csv", "misnamed file", d, "$RIFT ingest $D >$D/out 2>&1; true",
         "grep -q -i parquet $D/out")
    d = example_copy(out, "duplicate-rows")
    with open(os.path.join(d, "counters.csv")) as f:
        lines = f.readlines()
    with open(os.path.join(d, "counters.csv"), "a") as f:
        f.writelines(lines[1:11])
    case("duplicate-rows", "duplicate rows", d, "$RIFT ingest $D >$D/out 2>&1",
         "grep -q -i duplicate $D/out")
    d = example_copy(out, "long-path")
    # A path longer than PATH_MAX (4096), made one folder at a time relative to the last.
    fd = os.open(d, os.O_RDONLY)
    for _ in range(25):
        os.mkdir("d" * 200, dir_fd=fd)
        inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    leaf = os.open("x.csv", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(leaf, b"a,b\n1,2\n")
    os.close(leaf)
    os.close(fd)
    case("long-path", "over-long path", d, "$RIFT ingest $D >/dev/null 2>&1")
    d = folder(out, "synth-outputs")
    scenario(os.path.join(d, "s.toml"), name='"=HYPERLINK(\\"http://x\\")"')
    os.makedirs(os.path.join(d, "out"))
    os.symlink("/etc/passwd-rift-should-not-write", os.path.join(d, "out", "truth.json"))
    case("synth-into-link", "synth outputs", d, "$RIFT synth $D/s.toml --out $D/out >/dev/null 2>&1",
         "test ! -e /etc/passwd-rift-should-not-write", expect="1-3")


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    groups = [injection, outputs, outside, timestamps, unbounded, work, arguments, budgets, low]
    wanted = sys.argv[2:]
    for make in groups:
        if not wanted or make.__name__ in wanted:
            make(out)
    with open(os.path.join(out, "cases.txt"), "w") as f:
        for row in CASES:
            # The unit separator, not a tab: `read` would merge two tabs around an empty check.
            f.write("\x1f".join(row) + "\n")
    print(f"{len(CASES)} cases in {out}/cases.txt")


if __name__ == "__main__":
    main()
