//! Runs a scenario under several variants with one seed and lays the outcomes side by side.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::outcome::{Outcome, round_ms};
use crate::rng::Seed;
use crate::scenario::Scenario;
use crate::sim::Sim;
use crate::variant::Variant;

/// The JSON schema name of [`Comparison`].
pub const SCHEMA: &str = "rift.replay/1";

/// A fault phase, as the table header lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseSummary {
    /// Its label.
    pub name: String,
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// The directed links it cuts, `a->b`.
    pub links: Vec<String>,
    /// The members it crashes (killed at its start, started again at its end).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crash: Vec<String>,
}

/// Every variant's outcome for one scenario and seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The scenario's name.
    pub scenario: String,
    /// The seed every variant ran with.
    pub seed: u64,
    /// The wall-clock time of t = 0, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<String>,
    /// Simulated seconds.
    pub duration_s: f64,
    /// Members.
    pub members: Vec<String>,
    /// Fault phases.
    pub phases: Vec<PhaseSummary>,
    /// One outcome per variant, in the order asked.
    pub variants: Vec<VariantOutcome>,
}

/// One variant's outcome and what it means in words.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VariantOutcome {
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The outcome in sentences.
    pub story: Vec<String>,
}

/// Runs `scenario` once per variant, all with `seed`; the variants run in parallel.
pub fn compare(scenario: &Scenario, variants: &[Variant], seed: Seed) -> Result<Comparison, Error> {
    let hosts = scenario.hosts();
    let phases = scenario
        .phases
        .iter()
        .enumerate()
        .map(|(i, ph)| PhaseSummary {
            name: ph
                .name
                .clone()
                .unwrap_or_else(|| format!("phase {}", i + 1)),
            start: round_ms(ph.start.0.secs()),
            end: round_ms(ph.end.map_or(scenario.end(), |e| e.0).secs()),
            links: scenario
                .phase_links(ph)
                .unwrap_or_default()
                .into_iter()
                .map(|(a, b)| format!("{}->{}", hosts[a.ix()], hosts[b.ix()]))
                .collect(),
            crash: ph.crash.clone(),
        })
        .collect();
    // Every variant's work is counted before any runs, so a refused one costs nothing.
    for v in variants {
        crate::work::check_variant(scenario, v).map_err(|excess| Error::TooMuchWork {
            variant: v.name().to_owned(),
            excess,
        })?;
    }
    // Each variant is its own simulation with its own seed streams: they run side by side and
    // are collected in the order given.
    let out = variants
        .par_iter()
        .map(|v| {
            let outcome = Sim::new(scenario, v, seed).run()?;
            let story = story(scenario, &outcome);
            Ok(VariantOutcome { outcome, story })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Comparison {
        schema: SCHEMA,
        scenario: scenario.name.clone().unwrap_or_else(|| "scenario".into()),
        seed: seed.0,
        epoch: scenario.epoch.clone(),
        duration_s: round_ms(scenario.end().secs()),
        members: scenario.cluster.nodes.clone(),
        phases,
        variants: out,
    })
}

/// The outcome in a few sentences a reviewer can read.
pub fn story(scenario: &Scenario, o: &Outcome) -> Vec<String> {
    let mut s = Vec::new();
    let first_fault = scenario
        .phases
        .iter()
        .map(|p| p.start.0.secs())
        .fold(f64::INFINITY, f64::min);
    let initial = scenario.cluster.leader.clone();
    let later: Vec<_> = o.leaders.iter().filter(|l| l.from > 0.0).collect();
    if later.is_empty() {
        if let Some(l) = &initial {
            if o.unavailable.count > 0 {
                let u = &o.unavailable.spans[o.unavailable.spans.len() - 1];
                s.push(format!(
                    "Stuck commit: {l} kept the lead throughout, but no write committed from {:.2} s to {:.2} s; nothing made it step down.",
                    u.from, u.to
                ));
            } else {
                s.push(format!(
                    "{l} kept the lead throughout and writes kept committing."
                ));
            }
        } else {
            s.push("No member ever became leader.".into());
        }
    } else {
        let moves: Vec<String> = later
            .iter()
            .take(4)
            .map(|l| format!("{} at {:.2} s (term {})", l.node, l.from, l.term))
            .collect();
        let more = if later.len() > 4 {
            format!(", and {} more", later.len() - 4)
        } else {
            String::new()
        };
        s.push(format!("New leaders: {}{more}.", moves.join(", ")));
        if let Some(l) = &initial
            && let Some(stepped) = o
                .roles
                .iter()
                .find(|r| &r.node == l && r.t > 0.0 && r.role != crate::outcome::Role::Leader)
        {
            s.push(format!(
                "The old leader {l} stepped down at {:.2} s ({}).",
                stepped.t, stepped.reason
            ));
        }
        let last = later[later.len() - 1];
        if (last.to - o_end(scenario)).abs() < 1e-9 && later.len() == 1 && o.dual_leader.count == 0
        {
            s.push(format!("{} then led, stably, to the end.", last.node));
        }
    }
    let start_term = scenario.cluster.term;
    if o.elections >= 5 || o.max_term >= start_term + 5 {
        s.push(format!(
            "Term churn: {} elections, terms rose from {start_term} to {}{}.",
            o.elections,
            o.max_term,
            if o.pre_votes > 0 {
                format!(" ({} pre-votes)", o.pre_votes)
            } else {
                String::new()
            }
        ));
    } else if o.pre_votes > 0 {
        s.push(format!(
            "{} pre-votes kept cut-off members from raising terms ({} elections, highest term {}).",
            o.pre_votes, o.elections, o.max_term
        ));
    }
    if o.dual_leader.count > 0 {
        let first = &o.dual_leader.spans[0];
        s.push(format!(
            "Two leaders at once for {:.3} s in all ({}, first from {:.2} s): each believed it led.",
            o.dual_leader.total_s,
            first.nodes.join(" and "),
            first.from
        ));
    }
    if o.unavailable.count > 0 && !later.is_empty() {
        s.push(format!(
            "No write committed for {:.2} s in all (longest stretch {:.2} s).",
            o.unavailable.total_s, o.unavailable.longest_s
        ));
    }
    let (w1, maj) = (&o.writes.w1, &o.writes.majority);
    if w1.lost + w1.at_risk > 0 {
        s.push(format!(
            "Under w=1, {} acknowledged write(s) would be lost and {} left at risk; under majority commit {} lost, {} at risk.",
            w1.lost, w1.at_risk, maj.lost, maj.at_risk
        ));
    }
    if w1.fenced + maj.fenced > 0 {
        s.push(format!(
            "Fencing refused {} write(s) from a deposed leader.",
            w1.fenced + maj.fenced
        ));
    }
    if o.reads.stale > 0 {
        s.push(format!(
            "{} read(s) returned stale data (served by a member that no longer led).",
            o.reads.stale
        ));
    }
    for d in &o.detection {
        if let Some(ob) = d.observers {
            s.push(format!(
                "{} watched from {} of the {} members: past {} members, a model that sends between every pair runs on a sample (the ends of the faulted links first, then members spread evenly), so its detection and suspicions are those observers'.",
                d.detector,
                ob.observers,
                ob.members,
                crate::detect::ALL_PAIRS_MEMBERS
            ));
        }
        let noticed: Vec<String> = d
            .time_to_detect_s
            .iter()
            .map(|t| t.map_or("never".to_owned(), |t| format!("{t:.2} s")))
            .collect();
        if !noticed.is_empty() && first_fault.is_finite() {
            let when = if d.time_to_detect_s.iter().all(Option::is_none) {
                format!("{} never noticed a fault", d.detector)
            } else {
                format!(
                    "{} noticed each fault after {}",
                    d.detector,
                    noticed.join(", ")
                )
            };
            s.push(format!(
                "{when}; {} of {} suspicions were of healthy links.",
                d.false_suspicions, d.suspicions
            ));
        }
    }
    s
}

fn o_end(scenario: &Scenario) -> f64 {
    round_ms(scenario.end().secs())
}

/// What the columns of [`Comparison::table`] mean.
pub const TABLE_LEGEND: &str = "detect: first suspicion after a fault began (by the variant's detector model, else Raft's own timeouts); false: suspicions of healthy links; no commit: time without a committed write; w=1/maj: acknowledged writes lost or at risk at the end";

impl Comparison {
    /// The comparison table: the column names and one row of cells per variant, as
    /// [`Comparison::to_text`] and the review report show it; [`TABLE_LEGEND`] explains the
    /// columns.
    pub fn table(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec![
            "variant",
            "detect",
            "false",
            "elections",
            "max term",
            "leaders",
            "dual-leader",
            "no commit",
            "w=1 lost",
            "w=1 risk",
            "maj lost",
            "stale",
        ];
        let rows: Vec<Vec<String>> = self
            .variants
            .iter()
            .map(|v| {
                let o = &v.outcome;
                let det = o.detection.last();
                let detect = det
                    .and_then(|d| {
                        d.time_to_detect_s
                            .iter()
                            .flatten()
                            .copied()
                            .reduce(f64::min)
                    })
                    .map_or("–".to_owned(), |x| format!("{x:.2} s"));
                vec![
                    o.variant.clone(),
                    detect,
                    det.map_or(0, |d| d.false_suspicions).to_string(),
                    o.elections.to_string(),
                    o.max_term.to_string(),
                    o.leader_changes.to_string(),
                    format!("{:.2} s", o.dual_leader.total_s),
                    format!("{:.2} s", o.unavailable.total_s),
                    o.writes.w1.lost.to_string(),
                    o.writes.w1.at_risk.to_string(),
                    o.writes.majority.lost.to_string(),
                    o.reads.stale.to_string(),
                ]
            })
            .collect();
        (header, rows)
    }

    /// The comparison as a text table, one row per variant, then each variant's story.
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "replay of {}: {} members, {:.1} s simulated, seed {} (the same seed gives the same output)",
            self.scenario,
            self.members.len(),
            self.duration_s,
            self.seed
        );
        for (i, p) in self.phases.iter().enumerate() {
            let links = if !p.crash.is_empty() {
                format!("crash {}", p.crash.join(" "))
            } else if p.links.len() > 6 {
                format!("{} … ({} links)", p.links[..6].join(" "), p.links.len())
            } else {
                p.links.join(" ")
            };
            let _ = writeln!(
                t,
                "  fault {}: {:.2}–{:.2} s  {}  [{}]",
                i + 1,
                p.start,
                p.end,
                p.name,
                links
            );
        }
        let _ = writeln!(t);
        let (header, rows) = self.table();
        let widths: Vec<usize> = (0..header.len())
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| {
            cells
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    if c == 0 {
                        format!("{s:<w$}", w = widths[c])
                    } else {
                        format!("{s:>w$}", w = widths[c])
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        };
        let _ = writeln!(t, "{}", line(header.clone()));
        for r in &rows {
            let _ = writeln!(t, "{}", line(r.iter().map(String::as_str).collect()));
        }
        let _ = writeln!(t);
        let _ = writeln!(t, "{TABLE_LEGEND}");
        for v in &self.variants {
            let _ = writeln!(t);
            let _ = writeln!(t, "{} ({})", v.outcome.variant, v.outcome.settings);
            for line in &v.story {
                let _ = writeln!(t, "  - {line}");
            }
        }
        t
    }
}
