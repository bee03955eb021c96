//! What one recording will do: the scenario with the run's members, roles and timing.
//!
//! Without a seed a scenario runs as written. With one, the seed decides which member plays each
//! of the scenario's roles (the scenario's `n1` may be the member named `n3`), shifts the faults by
//! up to 4 s and stretches or shrinks each by up to a fifth, so that recordings of one scenario
//! differ in roles, links and timing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rift_replay::{Dur, Scenario, Seed, SimTime, Stream};

use crate::error::LabError;
use crate::scenarios::find_scenario;

/// What `rift lab run` was asked for.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The system (`etcd`).
    pub system: String,
    /// A built-in scenario's name or a scenario file.
    pub scenario: String,
    /// Where the recording goes: `export/`, `truth.json`, `faults.sh`, `lab-timeline.csv`.
    pub out: PathBuf,
    /// Members in the cluster.
    pub nodes: usize,
    /// Varies roles and timing; `None` runs the scenario as written.
    pub seed: Option<u64>,
    /// The mode of a scenario file's fault, for the truth (built-in scenarios know theirs).
    pub mode: Option<String>,
    /// A variant of `rift replay --compare` to run the system with (`current+prevote`).
    pub variant: Option<String>,
    /// Settings of the system's `[lab]` table by their own names (`down_after_ms=5000`).
    pub set: Vec<String>,
}

/// One recording, planned.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario as it will run: the run's members, roles renamed, timing varied.
    pub scenario: Scenario,
    /// Its name as asked for.
    pub name: String,
    /// The mode of its fault, where known.
    pub mode: Option<String>,
    /// The seed, where one was given.
    pub seed: Option<u64>,
    /// Which member plays each of the written scenario's hosts.
    pub roles: BTreeMap<String, String>,
}

/// Fewest members a recording has.
const MIN_NODES: usize = 3;
/// Most members a recording has (addresses .11 to .30).
const MAX_NODES: usize = 20;

impl Plan {
    /// Plans a recording; the scenario must fit the members asked for.
    pub fn new(opts: &RunOptions) -> Result<Plan, LabError> {
        let (written, mode, origin) = find_scenario(&opts.scenario)?;
        let bad = |reason: String| LabError::Scenario {
            origin: origin.clone(),
            reason,
        };
        if !(MIN_NODES..=MAX_NODES).contains(&opts.nodes) {
            return Err(bad(format!(
                "--nodes {} is outside {MIN_NODES}..={MAX_NODES}",
                opts.nodes
            )));
        }
        let members: Vec<String> = (1..=opts.nodes).map(|i| format!("n{i}")).collect();
        for n in &written.cluster.nodes {
            if !members.contains(n) {
                return Err(bad(format!(
                    "it names member '{n}'; the lab's members are n1..n{} (--nodes {})",
                    opts.nodes, opts.nodes
                )));
            }
        }
        if written.cluster.clients != ["client"] {
            return Err(bad(
                "the lab has one client host, named 'client'; the scenario's [cluster] clients must be [\"client\"]"
                    .into(),
            ));
        }
        let mut roles: BTreeMap<String, String> =
            members.iter().map(|m| (m.clone(), m.clone())).collect();
        let mut s = written.clone();
        s.cluster.nodes = members.clone();
        if let Some(seed) = opts.seed {
            let mut rng = Stream::new(Seed(seed), "lab roles");
            let mut order = members.clone();
            // Fisher-Yates: which member plays each written host.
            for i in (1..order.len()).rev() {
                let j = rng.range(0, i as u64 + 1) as usize;
                order.swap(i, j);
            }
            roles = members.iter().cloned().zip(order).collect();
            rename(&mut s, &roles);
            let mut rng = Stream::new(Seed(seed), "lab timing");
            vary_timing(&mut s, &mut rng);
        }
        s.check().map_err(|e| bad(e.to_string()))?;
        Ok(Plan {
            name: written.name.clone().unwrap_or(origin),
            scenario: s,
            mode: opts.mode.clone().or(mode),
            seed: opts.seed,
            roles,
        })
    }

    /// The member that should lead when the first fault starts, if the scenario says.
    pub fn leader(&self) -> Option<&str> {
        self.scenario.cluster.leader.as_deref()
    }

    /// When the first fault starts, from the start of the window.
    pub fn first_fault(&self) -> Option<SimTime> {
        let crashes = self.scenario.crashes();
        self.scenario
            .faults()
            .iter()
            .map(|f| f.start)
            .chain(crashes.iter().map(|c| c.start))
            .min()
    }
}

/// Renames the scenario's members by `roles` wherever a phase or the leader names them.
fn rename(s: &mut Scenario, roles: &BTreeMap<String, String>) {
    let map = |name: &str| roles.get(name).cloned().unwrap_or_else(|| name.to_owned());
    s.cluster.leader = s.cluster.leader.as_deref().map(map);
    for ph in &mut s.phases {
        for link in &mut ph.drop {
            *link = rename_link(link, &map);
        }
        for group in &mut ph.partition {
            for n in group.iter_mut() {
                *n = map(n);
            }
        }
        for n in ph.isolate.iter_mut().chain(ph.crash.iter_mut()) {
            *n = map(n);
        }
    }
}

/// `a->b` / `a<->b` with both ends renamed (`*` stays).
fn rename_link(link: &str, map: &dyn Fn(&str) -> String) -> String {
    for arrow in ["<->", "->"] {
        if let Some((a, b)) = link.split_once(arrow) {
            let end = |x: &str| {
                let x = x.trim();
                if x == "*" { x.to_owned() } else { map(x) }
            };
            return format!("{}{arrow}{}", end(a), end(b));
        }
    }
    link.to_owned()
}

/// Shifts every phase by one draw in [0, 4 s) and scales each phase's length (and its flap
/// periods) by a draw in [0.8, 1.2]; the scenario grows by what the faults moved out.
fn vary_timing(s: &mut Scenario, rng: &mut Stream) {
    // Whole milliseconds, as the fault script's schedule prints them.
    let ms = |us: f64| (us / 1000.0).round() as u64 * 1000;
    let shift = rng.range(0, 4_000) * 1000;
    let end0 = s.duration.0.0;
    let mut last_end = 0u64;
    let mut slack = 0u64;
    for ph in &mut s.phases {
        let scale = 0.8 + 0.4 * rng.unit();
        let start = ph.start.0.0 + shift;
        if let Some(end) = ph.end {
            let len = end.0.0.saturating_sub(ph.start.0.0);
            let new_end = start + ms(len as f64 * scale);
            slack = slack.max(end0.saturating_sub(end.0.0));
            last_end = last_end.max(new_end);
            ph.end = Some(Dur(SimTime(new_end)));
        }
        ph.start = Dur(SimTime(start));
        if let Some(f) = &mut ph.flap {
            f.down = Dur(SimTime(ms(f.down.0.0 as f64 * scale)));
            f.up = Dur(SimTime(ms(f.up.0.0 as f64 * scale)));
        }
    }
    // Keep at least the written recovery time after the last heal.
    s.duration = Dur(SimTime((end0 + shift).max(last_end + slack)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(scenario: &str, seed: Option<u64>) -> RunOptions {
        RunOptions {
            variant: None,
            set: Vec::new(),
            system: "etcd".into(),
            scenario: scenario.into(),
            out: PathBuf::from("/nonexistent"),
            nodes: 3,
            seed,
            mode: None,
        }
    }

    #[test]
    fn without_a_seed_the_scenario_runs_as_written() {
        let p = Plan::new(&opts("one-way-link", None)).unwrap();
        assert_eq!(p.scenario.phases[0].drop, ["n1->n3"]);
        assert_eq!(p.leader(), Some("n1"));
        assert_eq!(p.first_fault(), Some(SimTime::from_secs(15)));
        assert_eq!(p.mode.as_deref(), Some("asymmetric"));
    }

    #[test]
    fn seeds_give_other_roles_and_timing_and_the_same_seed_the_same_plan() {
        let mut drops = std::collections::BTreeSet::new();
        for seed in 1..=8 {
            let p = Plan::new(&opts("one-way-link", Some(seed))).unwrap();
            let q = Plan::new(&opts("one-way-link", Some(seed))).unwrap();
            assert_eq!(p.scenario, q.scenario);
            let ph = &p.scenario.phases[0];
            // The leader is whoever plays n1, and the cut runs from it.
            let leader = p.leader().unwrap();
            assert!(ph.drop[0].starts_with(&format!("{leader}->")), "{ph:?}");
            let start = ph.start.0.secs();
            let len = ph.end.unwrap().0.secs() - start;
            assert!((15.0..19.0).contains(&start), "{start}");
            assert!((12.0..=18.0).contains(&len), "{len}");
            assert!(p.scenario.duration.0.secs() >= ph.end.unwrap().0.secs() + 20.0);
            drops.insert(ph.drop[0].clone());
        }
        assert!(drops.len() >= 3, "eight seeds gave only {drops:?}");
    }

    #[test]
    fn a_scenario_naming_more_members_than_the_run_has_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("five.toml");
        std::fs::write(
            &f,
            "duration = \"30s\"\n[cluster]\nnodes = [\"n1\", \"n2\", \"n3\", \"n4\", \"n5\"]\n",
        )
        .unwrap();
        let err = Plan::new(&opts(f.to_str().unwrap(), None)).unwrap_err();
        assert!(err.to_string().contains("member 'n4'"), "{err}");
    }
}
