//! The work a scenario asks for, counted from its settings before anything is allocated, and
//! the limits it must stay within: phases, directed faults and their down intervals (what
//! `rift export` writes), events per simulated second and in all, and retained writes (what the
//! simulator does), rows and heartbeats (what `rift synth` writes). A 1 µs flap over 100,000 h
//! or a 1 µs heartbeat asks for more than any machine can give; it is refused with the figure
//! and the limit instead of running out of memory or time.

use std::fmt;

use crate::detect;
use crate::scenario::{Protocol, Scenario};
use crate::variant::Variant;

/// Most phases. An incident's inferred timeline gives one phase per episode, and one per down
/// interval of a flapping episode: a day of a link flapping every 5 s is 17,280.
pub const MAX_PHASES: u64 = 100_000;

/// Most intervals in which faults are in force, summed over the directed faults (each phase's
/// directed links; a flapping one has an interval per down phase). `rift export` writes a rule
/// or a manifest for each and `rift synth` lists them in `truth.json`: 200,000 make a 100 MB
/// iptables script and take 300 MB to write, far more than an injector applies in earnest; a
/// partition of 600 members in halves is 180,000 directed links.
pub const MAX_INTERVALS: u64 = 200_000;

/// Most members the simulator runs. Each keeps replication state for every other (about 48
/// bytes a pair): 3,000 members are 430 MB.
pub const MAX_MEMBERS: u64 = 3_000;

/// Most simulator events (timers, messages, answers) per simulated second. The largest shipped
/// scenario, 1,000 members with 50 ms heartbeats (`bench/scenarios/c-1000-members-1h.toml`),
/// asks for about 110,000; a 1 µs heartbeat asks for millions.
pub const MAX_EVENTS_PER_S: u64 = 1_000_000;

/// Most simulator events in one run. The same 1,000 members for an hour are about 400 million,
/// run in half a minute; a billion is a few minutes of one core.
pub const MAX_EVENTS: u64 = 1_000_000_000;

/// Most client writes in one run. The simulator keeps every write to account for it at the end
/// (about 150 bytes each): 10 million is a write a millisecond for almost three hours, 1.5 GB.
pub const MAX_WRITES: u64 = 10_000_000;

/// Most rows `rift synth` writes. The benchmark's 100 members for an hour are 38 million rows
/// (1.7 GB of counters); 100 million is about 4.5 GB of CSV.
pub const MAX_SYNTH_ROWS: u64 = 100_000_000;

/// Most heartbeats `rift synth` draws for its counters, one at a time from the faults in force.
/// The benchmark's 100 members for an hour draw 356 million.
pub const MAX_SYNTH_HEARTBEATS: u64 = 1_000_000_000;

/// What a scenario or a variant asks for beyond a limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excess {
    /// The setting that asks for it: `[[phase]] #1 (flap): flap down = 1us, up = 1us`.
    pub what: String,
    /// How much it asks for.
    pub figure: u64,
    /// Of what: `down intervals`, `events per simulated second`.
    pub unit: &'static str,
    /// The limit.
    pub limit: u64,
    /// What to change.
    pub fix: String,
}

impl fmt::Display for Excess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} asks for {} {}; the limit is {}: {}",
            self.what,
            grouped(self.figure),
            self.unit,
            grouped(self.limit),
            self.fix
        )
    }
}

/// `n` with its thousands grouped: `3,600,000,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    // The first group holds what is left over from groups of three.
    let head = match digits.len() % 3 {
        0 => 3,
        h => h,
    };
    let mut out = digits[..head.min(digits.len())].to_owned();
    for group in digits.as_bytes()[head.min(digits.len())..].chunks(3) {
        out.push(',');
        out.extend(group.iter().map(|&b| char::from(b)));
    }
    out
}

/// A count from a float estimate, saturating.
fn count(x: f64) -> u64 {
    if x.is_finite() {
        x.ceil() as u64
    } else {
        u64::MAX
    }
}

fn over(
    what: impl Into<String>,
    figure: u64,
    unit: &'static str,
    limit: u64,
    fix: impl Into<String>,
) -> Result<(), Excess> {
    if figure > limit {
        Err(Excess {
            what: what.into(),
            figure,
            unit,
            limit,
            fix: fix.into(),
        })
    } else {
        Ok(())
    }
}

/// Checks the scenario's phases and faults, and what simulating it as written asks for.
pub(crate) fn check_scenario(scenario: &Scenario) -> Result<(), Excess> {
    over(
        "[[phase]]",
        scenario.phases.len() as u64,
        "phases",
        MAX_PHASES,
        "merge phases, or split the scenario",
    )?;
    let mut intervals = 0u64;
    for (i, ph) in scenario.phases.iter().enumerate() {
        let links = scenario.phase_links(ph).map_or(0, |l| l.len() as u64);
        let end = ph.end.map_or(scenario.end(), |e| e.0.min(scenario.end()));
        let each = match ph.flap {
            Some(f) if f.down.us() + f.up.us() > 0 => {
                end.since(ph.start.0).0.div_ceil(f.down.us() + f.up.us())
            }
            _ => 1,
        };
        intervals = intervals.saturating_add(links.saturating_mul(each));
        let at = format!(
            "[[phase]] #{} ({})",
            i + 1,
            rift_ingest::inert::escape(ph.name.as_deref().unwrap_or("unnamed"))
        );
        if let Some(f) = ph.flap {
            over(
                format!(
                    "{at}, flapping {} down and {} up over {} on {links} link(s), with the phases before it,",
                    f.down,
                    f.up,
                    crate::Dur(end.since(ph.start.0))
                ),
                intervals,
                "down intervals",
                MAX_INTERVALS,
                "make flap.down + flap.up longer or the phase shorter",
            )?;
        } else {
            over(
                format!("{at} on {links} directed link(s), with the phases before it,"),
                intervals,
                "directed faults",
                MAX_INTERVALS,
                "cut fewer links, or merge phases",
            )?;
        }
    }
    check_sim(scenario, &scenario.protocol, 0.0, "")
}

/// Checks what simulating the scenario under `variant` asks for: its protocol settings and its
/// detector model.
pub(crate) fn check_variant(scenario: &Scenario, variant: &Variant) -> Result<(), Excess> {
    let p = variant.protocol(&scenario.protocol);
    check_sim(
        scenario,
        &p,
        detect::events_per_s(scenario, variant),
        variant.name(),
    )
}

/// Events per simulated second of the cluster and its workload with protocol `p`: each member's
/// tick, the leader's heartbeat to every follower and its answer, and per client request the
/// request, its answer, its deadline and a replication or ReadIndex round to every follower.
fn cluster_events_per_s(scenario: &Scenario, p: &Protocol) -> f64 {
    let n = scenario.members() as f64;
    let ticks = 1e6 / p.heartbeat.us().max(1) as f64;
    let w = &scenario.workload;
    let requests = scenario.cluster.clients.len() as f64 * (w.writes_per_s + w.reads_per_s);
    n * ticks + 2.0 * (n - 1.0) * ticks + requests * (3.0 + 2.0 * (n - 1.0))
}

fn check_sim(scenario: &Scenario, p: &Protocol, model: f64, variant: &str) -> Result<(), Excess> {
    let within = if variant.is_empty() {
        String::new()
    } else {
        format!(" under variant '{variant}'")
    };
    over(
        format!("[cluster] nodes{within}"),
        scenario.members() as u64,
        "members",
        MAX_MEMBERS,
        "replay fewer members",
    )?;
    let cluster = cluster_events_per_s(scenario, p);
    let per_s = count(cluster + model);
    let (hb, members) = (p.heartbeat, scenario.members());
    let w = &scenario.workload;
    let mut what = format!(
        "[protocol] heartbeat = {hb} with {members} members and {} requests per second{within}",
        w.writes_per_s + w.reads_per_s
    );
    if model > 0.0 {
        what.push_str(&format!(
            " (its detector model {} of them)",
            grouped(count(model))
        ));
    }
    over(
        what.clone(),
        per_s,
        "events per simulated second",
        MAX_EVENTS_PER_S,
        "use a longer heartbeat or detector interval, fewer requests, or fewer members",
    )?;
    let secs = scenario.end().secs();
    over(
        format!("{what}, over duration = {}", scenario.duration),
        count((cluster + model) * secs),
        "events",
        MAX_EVENTS,
        "shorten duration, or use a longer heartbeat or fewer members",
    )?;
    over(
        format!(
            "[workload] writes_per_s = {} from {} client host(s) over duration = {}",
            w.writes_per_s,
            scenario.cluster.clients.len(),
            scenario.duration
        ),
        count(w.writes_per_s * scenario.cluster.clients.len() as f64 * secs),
        "writes",
        MAX_WRITES,
        "write less often, or shorten duration",
    )
}

/// Checks what `rift synth` writes: counters rows (every ordered pair of members, per flow and
/// second), the round-trip tables' rows, and the heartbeats drawn for the counters.
pub(crate) fn check_synth(scenario: &Scenario, flows: u64) -> Result<(), Excess> {
    let n = scenario.members() as u64;
    let clients = scenario.cluster.clients.len() as u64;
    let secs = scenario.end().0.div_ceil(1_000_000);
    let pairs = n.saturating_mul(n.saturating_sub(1)).saturating_mul(flows);
    // health: one prober; client: a put and a get per client; probe: one per client.
    let round_trips = n.saturating_mul(1 + 3 * clients);
    let rows = pairs.saturating_add(round_trips).saturating_mul(secs);
    over(
        format!(
            "{n} members and {clients} client host(s) over duration = {}",
            scenario.duration
        ),
        rows,
        "rows of synthetic telemetry",
        MAX_SYNTH_ROWS,
        "shorten duration, or use fewer members",
    )?;
    let hb = scenario.protocol.heartbeat;
    over(
        format!(
            "[protocol] heartbeat = {hb} between {n} members over duration = {}",
            scenario.duration
        ),
        count(pairs as f64 * scenario.end().secs() * 1e6 / hb.us().max(1) as f64),
        "heartbeats to draw",
        MAX_SYNTH_HEARTBEATS,
        "use a longer heartbeat, fewer members, or a shorter duration",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(3_600_000_000), "3,600,000,000");
    }

    /// Three members for `duration`, with `rest` appended.
    fn scenario(duration: &str, rest: &str) -> Result<Scenario, String> {
        let text = format!(
            "duration = \"{duration}\"\n[cluster]\nnodes = [\"n1\", \"n2\", \"n3\"]\n{rest}"
        );
        Scenario::parse(&text, "w.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn each_kind_of_work_is_refused_past_its_limit_with_the_figure() {
        for (duration, rest, shown) in [
            (
                "87000h",
                "[[phase]]\nname = \"f\"\nstart = \"1s\"\ndrop = [\"n1->n2\"]\nflap = { down = \"1us\", up = \"1us\" }\n",
                "w.toml: [[phase]] #1 (f), flapping 1us down and 1us up over 313199999s on 1 link(s), with the phases before it, asks for 156,599,999,500,000 down intervals; the limit is 200,000: make flap.down + flap.up longer or the phase shorter",
            ),
            (
                "60s",
                "[protocol]\nheartbeat = \"1us\"\nelection_timeout = \"2us\"\n",
                "w.toml: [protocol] heartbeat = 1us with 3 members and 20 requests per second asks for 7,000,140 events per simulated second; the limit is 1,000,000",
            ),
            (
                "87600h",
                "",
                "asks for 66,225,600,000 events; the limit is 1,000,000,000: shorten duration",
            ),
            (
                "100h",
                "[workload]\nwrites_per_s = 100\nreads_per_s = 0\n",
                "[workload] writes_per_s = 100 from 1 client host(s) over duration = 360000s asks for 36,000,000 writes; the limit is 10,000,000",
            ),
        ] {
            let e = scenario(duration, rest).unwrap_err();
            assert!(e.contains(shown), "{e}");
        }
        let many: Vec<String> = (0..100_001)
            .map(|_| "[[phase]]\nstart = \"1s\"\ndrop = [\"n1->n2\"]\n".to_owned())
            .collect();
        let e = scenario("10s", &many.concat()).unwrap_err();
        assert!(
            e.contains("asks for 100,001 phases; the limit is 100,000"),
            "{e}"
        );
    }

    #[test]
    fn variants_and_synth_are_counted_too() {
        let nodes: Vec<String> = (0..3_001).map(|i| format!("\"n{i}\"")).collect();
        let text = format!(
            "duration = \"10s\"\n[cluster]\nnodes = [{}]\n",
            nodes.join(", ")
        );
        let e = Scenario::parse(&text, "big.toml").unwrap_err().to_string();
        assert!(
            e.contains("asks for 3,001 members; the limit is 3,000"),
            "{e}"
        );
        let s = scenario("1h", "").unwrap();
        let tiny = Variant::parse("timeout+interval_ms=1").unwrap();
        assert!(
            check_variant(&s, &tiny).is_ok(),
            "three members at 1 ms are cheap"
        );
        let s = scenario("24h", "[protocol]\nheartbeat = \"10ms\"\n").unwrap();
        let e = check_variant(&s, &Variant::parse("phi+heartbeat_interval_ms=1").unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "under variant 'phi+heartbeat_interval_ms=1' (its detector model 12,000 of them)"
            ) && e.contains("events; the limit is 1,000,000,000"),
            "{e}"
        );
        let nodes: Vec<String> = (0..1_000).map(|i| format!("\"n{i}\"")).collect();
        let text = format!(
            "duration = \"200s\"\n[cluster]\nnodes = [{}]\n",
            nodes.join(", ")
        );
        let s = Scenario::parse(&text, "wide.toml").unwrap();
        let e = check_synth(&s, 1).unwrap_err().to_string();
        assert_eq!(
            e,
            "1000 members and 1 client host(s) over duration = 200s asks for 200,600,000 rows of synthetic telemetry; the limit is 100,000,000: shorten duration, or use fewer members"
        );
    }

    #[test]
    fn the_shipped_scenarios_are_within_the_limits() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for dir in ["replay/scenarios", "bench/scenarios"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = e.unwrap().path();
                let s = Scenario::load(&path).unwrap();
                for v in ["current", "phi", "swim", "bidi", "probes", "lb"] {
                    check_variant(&s, &Variant::parse(v).unwrap())
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                }
            }
        }
    }
}
