//! A bash script that replays a scenario's faults with iptables and tc, against hosts that are
//! Linux network namespaces on one machine (`Mode::Netns`) or real machines (`Mode::Hosts`, one
//! section per host, each run on its host).
//!
//! Which side each rule runs on, and why:
//!
//! - A one-way fault A → B (A's packets do not reach B) is a `DROP` rule in **B's** `INPUT` chain
//!   matching A's source address. Dropping on the receiver makes one-way semantics exact: B never
//!   sees A's packets, while B's packets still reach A. The recorded incidents were injected the
//!   same way, and it is what Jepsen's `drop!` does. The rule is inserted at the head of the chain
//!   (`-I`), so that an earlier `ACCEPT` (say, of established connections) cannot let A through.
//! - Loss below 1 is the same rule with `-m statistic --mode random --probability P`; overlapping
//!   lossy phases are rules in a row, so what gets through is the product, as in the simulator.
//! - Delay is `tc netem` on **A's** side: iptables cannot hold a packet, and tc shapes only what
//!   leaves an interface. So that only A → B is delayed, A's interface gets a `prio` qdisc whose
//!   first three bands behave like the default qdisc, one extra band per delay value with a netem
//!   child, and a `u32` filter per destination (and port) that sends A's packets to B into it.
//! - Faults limited to channels or a flow match only the ports given with `--ports` for them, as
//!   source or destination port (either side may have opened the connection). Without ports for a
//!   channel the export fails rather than cut more or less than the scenario says.
//!
//! Every rule carries the comment `rift:<scenario>:<phase>`; a heal deletes exactly the rule its
//! step added (`iptables -D` with the same spec), and an `EXIT` trap removes whatever the script
//! added and has not removed yet, also when it is interrupted.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::error::Error;
use crate::export::Exporter;
use crate::export::options::{ExportOptions, Mode, Port, Proto};
use crate::export::plan::{self, Cut};
use crate::scenario::{Dur, Scenario};
use crate::time::SimTime;

/// Writes the iptables/tc script.
#[derive(Clone, Copy, Debug, Default)]
pub struct Iptables;

const TARGET: &str = "iptables";

/// `iptables -m multiport` takes at most this many ports.
const MAX_PORTS: usize = 15;

/// A `prio` qdisc has at most 16 bands; the first three stay as the default qdisc's.
const MAX_DELAYS: usize = 13;

/// One command the script runs at a time: adding or removing a rule or a filter.
struct Step {
    t: SimTime,
    /// Removals come before additions at the same time.
    add: bool,
    host: usize,
    /// Orders steps of one time and host: filters (`d`), then rules (`r`), each by number.
    key: (char, usize),
    /// The bash line.
    call: String,
    /// The command, for the step table.
    show: String,
    /// What it is for.
    note: String,
}

/// Ports of one protocol that a rule matches.
struct PortGroup {
    proto: Proto,
    numbers: Vec<u16>,
}

/// The delay bands of one sending host.
#[derive(Default)]
struct Bands {
    /// Delay (µs) → band number (4…16).
    by_delay: BTreeMap<u64, usize>,
    /// Destinations, for finding the interface.
    dsts: Vec<Ipv4Addr>,
}

impl Exporter for Iptables {
    fn write(&self, scenario: &Scenario, opts: &ExportOptions) -> Result<String, Error> {
        plan::check_host_names(scenario, TARGET)?;
        plan::check_no_crash(scenario, TARGET)?;
        check_prefix(opts)?;
        let addrs = opts.addresses(scenario)?;
        let cuts = plan::cuts(scenario);
        let bands = delay_bands(scenario, &cuts, &addrs)?;
        let steps = steps(scenario, opts, &cuts, &addrs, &bands)?;
        Ok(render(scenario, opts, &addrs, &bands, &steps))
    }
}

/// The delay bands of every sending host that delays some of its packets.
fn delay_bands(
    scenario: &Scenario,
    cuts: &[Cut],
    addrs: &[Ipv4Addr],
) -> Result<BTreeMap<usize, Bands>, Error> {
    let mut bands: BTreeMap<usize, Bands> = BTreeMap::new();
    for c in cuts.iter().filter(|c| delays(c)) {
        let b = bands.entry(c.from.ix()).or_default();
        b.by_delay.insert(c.delay.0, 0);
        let dst = addrs[c.to.ix()];
        if !b.dsts.contains(&dst) {
            b.dsts.push(dst);
        }
        if b.by_delay.len() > MAX_DELAYS {
            return Err(refuse(
                scenario,
                c,
                format!(
                    "host '{}' would need more than {MAX_DELAYS} different delays, and a prio qdisc has 16 bands",
                    scenario.hosts()[c.from.ix()]
                ),
            ));
        }
    }
    // Bands 1-3 stay the default qdisc's; the delays follow in increasing order.
    for b in bands.values_mut() {
        for (i, band) in b.by_delay.values_mut().enumerate() {
            *band = i + 4;
        }
    }
    Ok(bands)
}

/// Every rule and filter added and removed, in the order the script runs them.
fn steps(
    scenario: &Scenario,
    opts: &ExportOptions,
    cuts: &[Cut],
    addrs: &[Ipv4Addr],
    bands: &BTreeMap<usize, Bands>,
) -> Result<Vec<Step>, Error> {
    let hosts = scenario.hosts();
    let scen = plan::slug(plan::scenario_name(scenario));
    let mut steps: Vec<Step> = Vec::new();
    let mut rules = 0;
    let mut prefs: BTreeMap<usize, usize> = BTreeMap::new();
    // Numbered by start and receiver, so rule numbers rise down the script.
    let mut order: Vec<&Cut> = cuts.iter().collect();
    order.sort_by_key(|c| (c.start, c.to, c.from, c.phase));
    for c in order {
        let groups = port_groups(scenario, opts, c)?;
        let (from, to) = (hosts[c.from.ix()], hosts[c.to.ix()]);
        let phase = plan::phase_label(scenario, c.phase);
        // The note lands in a comment of the step table: the phase's name is made inert there.
        let mut why = format!("{from} -> {to}, {}", plan::comment(&phase));
        if c.flaps {
            why.push_str(&format!(", down phase {}", c.cycle + 1));
        }
        if c.loss > 0.0 {
            let tag = format!("rift:{scen}:{}", plan::slug(&phase));
            for g in &groups {
                rules += 1;
                let spec = rule_spec(addrs[c.from.ix()], g.as_ref(), c.loss, &tag);
                for (t, add, verb, flag) in [
                    (c.start, true, "drop_on", "-I"),
                    (c.end, false, "drop_off", "-D"),
                ] {
                    steps.push(Step {
                        t,
                        add,
                        host: c.to.ix(),
                        key: ('r', rules),
                        call: format!("{verb} r{rules} {to} {spec}"),
                        show: format!("iptables {flag} INPUT {spec}"),
                        note: why.clone(),
                    });
                }
            }
        }
        if delays(c) {
            let pref = prefs.entry(c.from.ix()).or_default();
            *pref += 1;
            let pref = *pref;
            let band = bands[&c.from.ix()].by_delay[&c.delay.0];
            let matches = u32_matches(addrs[c.to.ix()], &groups);
            let filter = |m: &String| format!("{m} flowid 1:{band}");
            let note = format!("{why}, +{}", Dur(c.delay));
            let prio = format!("parent 1: protocol ip prio {pref}");
            steps.push(Step {
                t: c.start,
                add: true,
                host: c.from.ix(),
                key: ('d', pref),
                call: matches
                    .iter()
                    .map(|m| format!("delay_on {from} {pref} {}", filter(m)))
                    .collect::<Vec<_>>()
                    .join("\n"),
                show: matches
                    .iter()
                    .map(|m| format!("tc filter add dev DEV {prio} u32 {}", filter(m)))
                    .collect::<Vec<_>>()
                    .join("\n"),
                note: note.clone(),
            });
            steps.push(Step {
                t: c.end,
                add: false,
                host: c.from.ix(),
                key: ('d', pref),
                call: format!("delay_off {from} {pref}"),
                show: format!("tc filter del dev DEV {prio}"),
                note,
            });
        }
    }
    steps.sort_by_key(|s| (s.t, s.add, s.host, s.key));
    Ok(steps)
}

/// The whole script: comments, functions, then the steps (one section per host in hosts mode).
fn render(
    scenario: &Scenario,
    opts: &ExportOptions,
    addrs: &[Ipv4Addr],
    bands: &BTreeMap<usize, Bands>,
    steps: &[Step],
) -> String {
    let hosts = scenario.hosts();
    let end = scenario.end();
    let mut out = String::from("#!/usr/bin/env bash\n");
    out.push_str(&plan::header("#", TARGET, scenario, &opts.origin));
    out.push_str("#\n");
    out.push_str(&usage(scenario, opts));
    out.push_str(HOW);
    out.push_str(&host_table(scenario, opts, addrs));
    out.push_str(&step_table(scenario, steps));
    out.push_str("\nset -euo pipefail\n");
    match opts.mode {
        Mode::Netns => {
            out.push_str(&format!(
                "\nNETNS_PREFIX={}\n",
                shell_word(&opts.netns_prefix)
            ));
            out.push_str(IN_NETNS);
        }
        Mode::Hosts => out.push_str(IN_HOST),
    }
    out.push_str(FUNCTIONS);
    match opts.mode {
        Mode::Netns => {
            let mut touched: Vec<usize> = steps.iter().map(|s| s.host).collect();
            touched.sort_unstable();
            touched.dedup();
            if !touched.is_empty() {
                let names: Vec<&str> = touched.iter().map(|&h| hosts[h]).collect();
                out.push_str(&format!(
                    "\nfor h in {}; do\n  preflight \"$h\"\ndone\n",
                    names.join(" ")
                ));
            }
            out.push('\n');
            for (h, b) in bands {
                out.push_str(&band_setup(hosts[*h], b));
            }
            out.push_str(&timeline(steps.iter(), end));
        }
        Mode::Hosts => {
            out.push_str("\nHOST=${1-}\ncase $HOST in\n");
            for (h, name) in hosts.iter().enumerate() {
                let mine: Vec<&Step> = steps.iter().filter(|s| s.host == h).collect();
                let mut body = String::new();
                if mine.is_empty() {
                    body.push_str(&format!("log \"nothing to do on {name}\"\n"));
                } else {
                    body.push_str(&format!("preflight {name}\n"));
                    if let Some(b) = bands.get(&h) {
                        body.push_str(&band_setup(name, b));
                    }
                    body.push_str(&timeline(mine.into_iter(), end));
                }
                out.push_str(&format!("  {name})\n"));
                for line in body.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
                out.push_str("    ;;\n");
            }
            out.push_str(&format!(
                "  *)\n    echo \"usage: $0 HOST, on each host at the same time (or with the same RIFT_T0_NS); HOST is one of: {}\" >&2\n    exit 2\n    ;;\nesac\n",
                hosts.join(" ")
            ));
        }
    }
    out
}

/// Whether a cut needs a tc filter: it delays packets that are not all dropped anyway.
fn delays(c: &Cut) -> bool {
    c.delay.0 > 0 && !c.total()
}

fn refuse(scenario: &Scenario, c: &Cut, reason: String) -> Error {
    Error::Unexportable {
        target: TARGET,
        phase: plan::phase_ref(scenario, c.phase),
        reason,
    }
}

fn check_prefix(opts: &ExportOptions) -> Result<(), Error> {
    let p = &opts.netns_prefix;
    if p.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        Ok(())
    } else {
        Err(Error::ExportOption {
            flag: "--netns-prefix",
            value: p.clone(),
            reason: "use letters, digits, '-', '_' or '.'".into(),
        })
    }
}

/// The ports a cut is limited to, grouped by protocol; `[None]` when it touches all traffic.
/// The ports of its channels (their union) and of its flow must both match, as in the simulator.
fn port_groups(
    scenario: &Scenario,
    opts: &ExportOptions,
    c: &Cut,
) -> Result<Vec<Option<PortGroup>>, Error> {
    if !c.restricted() {
        return Ok(vec![None]);
    }
    let mut names: Vec<&str> = c.channels.iter().map(|ch| ch.as_str()).collect();
    names.extend(c.flow.map(|f| f.as_str()));
    let unknown: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !opts.ports.contains_key(*n))
        .collect();
    if !unknown.is_empty() {
        let example: Vec<String> = unknown
            .iter()
            .map(|n| format!("--ports {n}=PORT[,PORT]"))
            .collect();
        return Err(refuse(
            scenario,
            c,
            format!(
                "it is limited to {}, and no ports are known for {}: pass {} (e.g. etcd: --ports heartbeat=2380 --ports data=2379,2380)",
                c.restriction(),
                unknown.join(", "),
                example.join(" ")
            ),
        ));
    }
    let mut ports: Option<Vec<Port>> = None;
    if !c.channels.is_empty() {
        let mut union: Vec<Port> = c
            .channels
            .iter()
            .flat_map(|ch| opts.ports[ch.as_str()].iter().copied())
            .collect();
        union.sort();
        union.dedup();
        ports = Some(union);
    }
    if let Some(f) = c.flow {
        let flow = &opts.ports[f.as_str()];
        ports = Some(match ports {
            None => flow.clone(),
            Some(p) => p.into_iter().filter(|p| flow.contains(p)).collect(),
        });
    }
    let ports = ports.unwrap_or_default();
    if ports.is_empty() {
        return Err(refuse(
            scenario,
            c,
            format!(
                "it is limited to {}, and no port given with --ports is in both its channels and its flow",
                c.restriction()
            ),
        ));
    }
    let mut groups = Vec::new();
    for proto in [Proto::Tcp, Proto::Udp] {
        let numbers: Vec<u16> = ports
            .iter()
            .filter(|p| p.proto == proto)
            .map(|p| p.number)
            .collect();
        if numbers.len() > MAX_PORTS {
            return Err(refuse(
                scenario,
                c,
                format!(
                    "it needs {} {} ports, and one iptables rule matches at most {MAX_PORTS}",
                    numbers.len(),
                    proto.as_str()
                ),
            ));
        }
        if !numbers.is_empty() {
            groups.push(Some(PortGroup { proto, numbers }));
        }
    }
    Ok(groups)
}

/// The match part of a DROP rule, the same for `-A` and `-D`.
fn rule_spec(src: Ipv4Addr, ports: Option<&PortGroup>, loss: f64, tag: &str) -> String {
    let mut spec = format!("-s {src}");
    if let Some(PortGroup { proto, numbers }) = ports {
        let list: Vec<String> = numbers.iter().map(u16::to_string).collect();
        spec.push_str(&format!(
            " -p {} -m multiport --ports {}",
            proto.as_str(),
            list.join(",")
        ));
    }
    if loss < 1.0 {
        spec.push_str(&format!(
            " -m statistic --mode random --probability {}",
            probability(loss)
        ));
    }
    spec.push_str(&format!(" -m comment --comment {tag} -j DROP"));
    spec
}

/// A probability without float noise: 0.3 → `0.3`.
fn probability(p: f64) -> String {
    let text = format!("{p:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The u32 matches of a delay filter: the destination, and each port as source or destination.
fn u32_matches(dst: Ipv4Addr, groups: &[Option<PortGroup>]) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        match g {
            None => out.push(format!("match ip dst {dst}/32")),
            Some(PortGroup { proto, numbers }) => {
                for n in numbers {
                    for side in ["dport", "sport"] {
                        out.push(format!(
                            "match ip dst {dst}/32 match ip protocol {} 0xff match ip {side} {n} 0xffff",
                            proto.number()
                        ));
                    }
                }
            }
        }
    }
    out
}

fn band_setup(host: &str, b: &Bands) -> String {
    let dsts: Vec<String> = b.dsts.iter().map(Ipv4Addr::to_string).collect();
    let mut out = format!(
        "delay_root {host} {} {}\n",
        b.by_delay.len() + 3,
        dsts.join(" ")
    );
    for (delay, band) in &b.by_delay {
        out.push_str(&format!(
            "delay_band {host} {band} {}\n",
            Dur(SimTime(*delay))
        ));
    }
    out
}

/// The steps as `at T` lines followed by their calls, ending at the scenario's end.
fn timeline<'a>(steps: impl Iterator<Item = &'a Step>, end: SimTime) -> String {
    let mut out = String::new();
    let mut at: Option<SimTime> = None;
    for s in steps {
        if at != Some(s.t) {
            out.push_str(&format!("at {}\n", plan::secs(s.t)));
            at = Some(s.t);
        }
        out.push_str(&s.call);
        out.push('\n');
    }
    out.push_str(&format!(
        "at {}\nlog \"end of the scenario\"\n",
        plan::secs(end)
    ));
    out
}

fn usage(scenario: &Scenario, opts: &ExportOptions) -> String {
    let hosts = scenario.hosts();
    match opts.mode {
        Mode::Netns => format!(
            "# Hosts are network namespaces named {}<host>. Run as root on the machine that holds them:\n\
             #     bash THIS_FILE\n\
             # Steps are timed from the start of the script (or from RIFT_T0_NS, ns since the epoch).\n#\n",
            opts.netns_prefix
        ),
        Mode::Hosts => format!(
            "# One section per host. Run as root on every host at the same time, naming it:\n\
             #     bash THIS_FILE {}\n\
             # Steps are timed from the start of the script; to share a start across hosts, set\n\
             # RIFT_T0_NS (ns since the epoch, e.g. RIFT_T0_NS=$(date -d '+1 min' +%s%N)) on every host.\n#\n",
            hosts.first().copied().unwrap_or("HOST")
        ),
    }
}

const HOW: &str = "\
# How each fault is made:
# - A one-way fault A -> B (A's packets do not reach B) is a DROP rule in B's INPUT chain for A's
#   address, run on B (the receiver): B never sees A's packets, while B's packets still reach A.
#   A cut both ways is one such rule on each side. Rules go at the head of the chain (-I), so an
#   earlier ACCEPT (of established connections, say) cannot let A's packets through.
# - Loss below 100 % adds -m statistic --mode random --probability P to that rule, on B.
# - Delay is tc netem on A's side (the sender): tc shapes only what leaves an interface. A's
#   interface gets a prio qdisc (bands 1-3 as the default qdisc, one more band per delay, each
#   with a netem child) and a u32 filter per destination (and port) sends A -> B into its band, so
#   only A -> B is delayed. u32 port matches assume IP headers without options; overlapping delays
#   on one direction do not add up (the filter with the lowest priority number wins).
# - Faults limited to channels or a flow match their ports (rift export --ports) as source or
#   destination port, since either side may have opened the connection.
# - Every rule carries the comment rift:<scenario>:<phase>. A heal deletes exactly the rule its
#   step added (iptables -D with the same spec); on exit, also when interrupted, every rule and
#   qdisc the script added and has not removed is removed.
# - Each step sleeps until its time from the start, so the time commands take does not add up.
#
";

fn host_table(scenario: &Scenario, opts: &ExportOptions, addrs: &[Ipv4Addr]) -> String {
    let mut out = String::from("# Hosts:");
    for (name, ip) in scenario.hosts().iter().zip(addrs) {
        out.push_str(&format!(" {name} {ip},"));
    }
    out.pop();
    out.push('\n');
    if !opts.ports.is_empty() {
        out.push_str("# Ports:");
        for (name, ports) in &opts.ports {
            let list: Vec<String> = ports.iter().map(Port::to_string).collect();
            out.push_str(&format!(" {name} {};", list.join(",")));
        }
        out.pop();
        out.push('\n');
    }
    out.push_str("#\n");
    out
}

fn step_table(scenario: &Scenario, steps: &[Step]) -> String {
    let hosts = scenario.hosts();
    let width = hosts.iter().map(|h| h.len()).max().unwrap_or(4).max(4);
    let row = |t: SimTime, host: &str, what: &str| {
        format!("# {:>10}  {host:<width$}  {what}\n", plan::secs(t))
    };
    let mut out = String::from("# Steps (t: seconds from the start):\n");
    out.push_str(&format!("# {:>10}  {:<width$}  command\n", "t", "host"));
    for s in steps {
        for line in s.show.lines() {
            out.push_str(&row(s.t, hosts[s.host], &format!("{line}   ({})", s.note)));
        }
    }
    out.push_str(&row(scenario.end(), "-", "end of the scenario"));
    out
}

/// A single-quoted shell word.
fn shell_word(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

const IN_NETNS: &str = r#"
# in_host HOST CMD...: run CMD in HOST's network namespace.
in_host() { local h=$1; shift; ip netns exec "$NETNS_PREFIX$h" "$@"; }

# preflight HOST: fail early, before any rule, if HOST's namespace cannot run iptables.
preflight() {
  in_host "$1" iptables -w -S INPUT >/dev/null || {
    echo "rift: cannot run iptables in network namespace '$NETNS_PREFIX$1': run as root, create the namespace, or export with --netns-prefix" >&2
    exit 1
  }
}
"#;

const IN_HOST: &str = r#"
# in_host HOST CMD...: run CMD here; each section runs on its own host.
in_host() { shift; "$@"; }

# preflight HOST: fail early, before any rule, if iptables cannot run here.
preflight() {
  iptables -w -S INPUT >/dev/null || { echo "rift: cannot run iptables on $1: run as root" >&2; exit 1; }
}
"#;

const FUNCTIONS: &str = r#"
T0_US=$(( ${RIFT_T0_NS:-$(date +%s%N)} / 1000 ))
T=0.000
SLEEPER=
declare -A RULE_HOST=() RULE_SPEC=() QDISC_DEV=()

log() { printf '[t=%s] %s\n' "$T" "$*"; }

# run HOST CMD...: run CMD on HOST, then log it (so a log line says the step is in force).
run() { local h=$1; shift; in_host "$h" "$@"; log "$h: $*"; }

# at SECONDS: sleep until SECONDS after the start.
at() {
  local s=${1%.*} f=${1#*.}000000 left
  T=$1
  left=$(( 10#$s * 1000000 + 10#${f:0:6} - ($(date +%s%N) / 1000 - T0_US) ))
  if (( left > 0 )); then
    sleep "$(( left / 1000000 )).$(printf '%06d' $(( left % 1000000 )))" & SLEEPER=$!
    wait "$SLEEPER"
    SLEEPER=
  fi
}

# drop_on ID HOST SPEC...: insert the DROP rule SPEC at the head of HOST's INPUT chain.
drop_on() {
  local id=$1 h=$2; shift 2
  RULE_HOST[$id]=$h RULE_SPEC[$id]="$*"
  run "$h" iptables -w -I INPUT "$@"
}

# drop_off ID HOST SPEC...: delete that rule (the same SPEC) from HOST's INPUT chain.
drop_off() {
  local id=$1 h=$2; shift 2
  run "$h" iptables -w -D INPUT "$@"
  unset "RULE_HOST[$id]" "RULE_SPEC[$id]"
}

# delay_root HOST BANDS DST...: a prio qdisc on the interface HOST reaches every DST through.
delay_root() {
  local h=$1 bands=$2 dev='' d route; shift 2
  for d in "$@"; do
    route=$(in_host "$h" ip -o route get "$d")
    [[ $route =~ \ dev\ ([^ ]+) ]] || { echo "rift: $h has no route to $d" >&2; exit 1; }
    if [[ -n $dev && $dev != "${BASH_REMATCH[1]}" ]]; then
      echo "rift: $h reaches its peers through $dev and ${BASH_REMATCH[1]}; delays need one interface" >&2
      exit 1
    fi
    dev=${BASH_REMATCH[1]}
  done
  run "$h" tc qdisc add dev "$dev" root handle 1: prio bands "$bands" priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1
  QDISC_DEV[$h]=$dev
}

# delay_band HOST BAND DELAY: packets sent to band 1:BAND wait DELAY.
delay_band() { run "$1" tc qdisc add dev "${QDISC_DEV[$1]}" parent "1:$2" netem delay "$3"; }

# delay_on HOST PREF MATCH...: a u32 filter at priority PREF (MATCH ends with flowid 1:BAND).
delay_on() {
  local h=$1 pref=$2; shift 2
  run "$h" tc filter add dev "${QDISC_DEV[$h]}" parent 1: protocol ip prio "$pref" u32 "$@"
}

# delay_off HOST PREF: delete the filters at priority PREF.
delay_off() { run "$1" tc filter del dev "${QDISC_DEV[$1]}" parent 1: protocol ip prio "$2"; }

# Whatever was added and not yet removed goes on exit, however the script ends.
cleanup() {
  local id h
  if [[ -n $SLEEPER ]]; then kill "$SLEEPER" 2>/dev/null || true; fi
  for id in "${!RULE_HOST[@]}"; do
    # shellcheck disable=SC2086 # a spec is words without spaces or wildcards
    in_host "${RULE_HOST[$id]}" iptables -w -D INPUT ${RULE_SPEC[$id]} ||
      echo "rift: could not remove rule $id from ${RULE_HOST[$id]}" >&2
  done
  for h in "${!QDISC_DEV[@]}"; do
    in_host "$h" tc qdisc del dev "${QDISC_DEV[$h]}" root ||
      echo "rift: could not remove the qdisc on ${QDISC_DEV[$h]} of $h" >&2
  done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::plan::three_members as scenario;
    use crate::export::{ExportTarget, export};

    fn script(s: &Scenario, opts: &ExportOptions) -> String {
        export(s, ExportTarget::Iptables, opts).unwrap()
    }

    /// The script's commands after the functions: preflight, setup and the timed steps.
    fn body(s: &Scenario, opts: &ExportOptions) -> Vec<String> {
        let text = script(s, opts);
        let start = text.find("trap 'exit 143' TERM\n").expect("the traps") + 21;
        text[start..]
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_one_way_fault_is_a_drop_in_the_receivers_input_for_the_senders_address() {
        let s = scenario(
            "[[phase]]\nname = \"mute\"\nstart = \"10s\"\nend = \"20s\"\ndrop = [\"n1->n2\"]\n",
        );
        assert_eq!(
            body(&s, &ExportOptions::default()),
            [
                "for h in n2; do",
                "  preflight \"$h\"",
                "done",
                "at 10.000",
                "drop_on r1 n2 -s 10.77.0.11 -m comment --comment rift:t:mute -j DROP",
                "at 20.000",
                "drop_off r1 n2 -s 10.77.0.11 -m comment --comment rift:t:mute -j DROP",
                "at 30.000",
                "log \"end of the scenario\"",
            ]
        );
    }

    #[test]
    fn a_partition_drops_on_both_sides_and_heals_both() {
        let s =
            scenario("[[phase]]\nstart = \"1s\"\nend = \"2s\"\npartition = [[\"n1\"], [\"n2\"]]\n");
        let mut o = ExportOptions::default();
        o.add_addr("n2=192.168.1.2").unwrap();
        let b = body(&s, &o);
        assert_eq!(
            b[3..9],
            [
                "at 1.000",
                "drop_on r1 n1 -s 192.168.1.2 -m comment --comment rift:t:phase-1 -j DROP",
                "drop_on r2 n2 -s 10.77.0.11 -m comment --comment rift:t:phase-1 -j DROP",
                "at 2.000",
                "drop_off r1 n1 -s 192.168.1.2 -m comment --comment rift:t:phase-1 -j DROP",
                "drop_off r2 n2 -s 10.77.0.11 -m comment --comment rift:t:phase-1 -j DROP",
            ]
        );
    }

    #[test]
    fn flapping_adds_and_deletes_the_rule_once_per_down_phase() {
        let s = scenario(
            "[[phase]]\nstart = \"10s\"\nend = \"20s\"\ndrop = [\"n1->n2\"]\nloss = 0.25\nflap = { down = \"2s\", up = \"3s\" }\n",
        );
        let b = body(&s, &ExportOptions::default());
        let timed: Vec<&str> = b
            .iter()
            .skip(3)
            .map(|l| l.split(" -s").next().unwrap())
            .collect();
        assert_eq!(
            timed,
            [
                "at 10.000",
                "drop_on r1 n2",
                "at 12.000",
                "drop_off r1 n2",
                "at 15.000",
                "drop_on r2 n2",
                "at 17.000",
                "drop_off r2 n2",
                "at 30.000",
                "log \"end of the scenario\""
            ]
        );
        assert!(b[4].ends_with("-s 10.77.0.11 -m statistic --mode random --probability 0.25 -m comment --comment rift:t:phase-1 -j DROP"), "{}", b[4]);
    }

    #[test]
    fn channels_need_ports_and_match_them_both_ways() {
        let s = scenario(
            "[[phase]]\nstart = \"1s\"\nend = \"2s\"\ndrop = [\"n1->n2\"]\nchannels = [\"heartbeat\", \"data\"]\n",
        );
        let mut o = ExportOptions::default();
        o.add_ports("data=2379,2380").unwrap();
        let e = export(&s, ExportTarget::Iptables, &o).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot export phase 1 to iptables: it is limited to channel heartbeat, data, and no ports are known for heartbeat: pass --ports heartbeat=PORT[,PORT] (e.g. etcd: --ports heartbeat=2380 --ports data=2379,2380)"
        );
        o.add_ports("heartbeat=2380").unwrap();
        o.add_ports("raft=2380,7946/udp").unwrap();
        assert!(body(&s, &o)[4].starts_with(
            "drop_on r1 n2 -s 10.77.0.11 -p tcp -m multiport --ports 2379,2380 -m comment"
        ));
        // A flow narrows the channels' ports to its own.
        let s = scenario(
            "[[phase]]\nstart = \"1s\"\nend = \"2s\"\ndrop = [\"n1->n2\"]\nchannels = [\"data\"]\nflow = \"raft\"\n",
        );
        assert!(body(&s, &o)[4].contains(" -p tcp -m multiport --ports 2380 -m comment"));
    }

    #[test]
    fn delay_is_a_filter_on_the_senders_interface_for_that_destination() {
        let s = scenario(
            "[[phase]]\nstart = \"1s\"\nend = \"2s\"\ndrop = [\"n1->n3\"]\nloss = 0\ndelay = \"150ms\"\n",
        );
        assert_eq!(
            body(&s, &ExportOptions::default())[3..],
            [
                "delay_root n1 4 10.77.0.13",
                "delay_band n1 4 150ms",
                "at 1.000",
                "delay_on n1 1 match ip dst 10.77.0.13/32 flowid 1:4",
                "at 2.000",
                "delay_off n1 1",
                "at 30.000",
                "log \"end of the scenario\"",
            ]
        );
    }

    #[test]
    fn hosts_mode_gives_each_host_its_section_with_the_same_times() {
        let s = scenario("[[phase]]\nstart = \"10s\"\nend = \"20s\"\ndrop = [\"n1->*\"]\n");
        let o = ExportOptions {
            mode: Mode::Hosts,
            ..ExportOptions::default()
        };
        let text = script(&s, &o);
        let n3 = text.find("  n3)\n").unwrap();
        assert!(
            text[n3..].starts_with(
                "  n3)\n    preflight n3\n    at 10.000\n    drop_on r2 n3 -s 10.77.0.11"
            ),
            "{text}"
        );
        assert!(
            text.contains("  n1)\n    log \"nothing to do on n1\"\n    ;;\n"),
            "{text}"
        );
    }

    #[test]
    fn snapshot_of_an_asymmetric_scenario() {
        let (s, opts) = plan::asymmetric();
        insta::assert_snapshot!(export(&s, ExportTarget::Iptables, &opts).unwrap());
    }
}
