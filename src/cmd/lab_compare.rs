//! `rift lab compare`: a recording's real outcome beside the simulator's replay of what rift
//! inferred from it.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use rift_lab::{RealOutcome, SimulatedOutcome};
use rift_replay::{Comparison, Seed, Variant, compare};
use serde::Serialize;

use super::{UnreadableInput, UsageError};
use crate::args::VerdictArgs;
use crate::progress::Bar;

/// The schema of `--json`.
const SCHEMA: &str = "rift.lab-compare/1";

/// What the recording was, from its truth.
#[derive(Serialize)]
struct Recording {
    scenario: String,
    system: String,
    /// The software and its version, as the run recorded them.
    software: String,
    seed: Option<u64>,
    /// The mode of the injected fault.
    mode: String,
    /// When the first fault went in (RFC 3339), and how long the faults lasted, s.
    fault_start: Option<String>,
    fault_s: Option<f64>,
}

#[derive(Serialize)]
struct Document {
    schema: &'static str,
    recording: Recording,
    /// rift's verdict from the export alone, and whether its mode is the injected one.
    rift_mode: String,
    rift_right: bool,
    real: RealOutcome,
    seed: u64,
    simulated: Vec<SimulatedOutcome>,
}

pub(crate) fn run(
    dir: &Path,
    compare_list: &str,
    seed: Option<u64>,
    json: bool,
    verdict_args: &VerdictArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let variants =
        Variant::parse_list(compare_list).map_err(|e| UsageError(format!("--compare: {e}")))?;
    if variants.is_empty() {
        return Err(UsageError("--compare: name at least one variant, e.g. current".into()).into());
    }
    let truth_path = dir.join("truth.json");
    let unreadable = |reason: String| UnreadableInput {
        path: format!("'{}'", truth_path.display()),
        reason,
    };
    let text = std::fs::read_to_string(&truth_path).map_err(|e| {
        unreadable(format!(
            "{e}; give the folder `rift lab run --out` wrote (truth.json beside export/)"
        ))
    })?;
    let truth: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| unreadable(format!("it is not JSON ({e})")))?;
    if truth["schema"] != "rift.lab-truth/1" {
        return Err(unreadable(format!(
            "it is not the truth of a lab recording (schema {}, not rift.lab-truth/1)",
            truth["schema"]
        ))
        .into());
    }
    let ms = |v: &serde_json::Value| v.as_i64();
    let window_ms = (
        ms(&truth["observation_window"]["start_ms"]),
        ms(&truth["observation_window"]["end_ms"]),
    );
    let (Some(w0), Some(w1)) = window_ms else {
        return Err(unreadable(
            "it names no observation window (observation_window.start_ms, end_ms)".into(),
        )
        .into());
    };
    let fault_ms = ms(&truth["start_ms"]);
    let text_of = |k: &str| truth[k].as_str().unwrap_or("").to_owned();
    let recording = Recording {
        scenario: text_of("scenario"),
        system: text_of("system"),
        // `3.4.23`, or with the name as the program says it (`NATS 2.9.10`).
        software: match truth["cluster"]["version"].as_str().unwrap_or("") {
            v if v.starts_with(|c: char| c.is_ascii_digit()) => format!(
                "{} {v}",
                truth["cluster"]["software"].as_str().unwrap_or("")
            )
            .trim()
            .to_owned(),
            v => v.to_owned(),
        },
        seed: truth["seed"].as_u64(),
        mode: text_of("mode"),
        fault_start: truth["start"].as_str().map(str::to_owned),
        fault_s: fault_ms
            .zip(ms(&truth["end_ms"]))
            .map(|(a, b)| (b - a) as f64 / 1e3),
    };

    let export = dir.join("export");
    let settings = verdict_args.settings()?;
    let (incident, verdict) = rift_pipeline::verdict(&export, &settings, &Bar::new())?;
    let scenario = rift_pipeline::scenario_of_incident(&incident, &verdict)?;
    let seed = Seed(
        seed.or(scenario.seed)
            .unwrap_or(super::replay::DEFAULT_SEED),
    );
    let sim: Comparison = compare(&scenario, &variants, seed)?;

    let client = ["client.csv", "client.csv.zst", "client.csv.gz"]
        .iter()
        .map(|n| export.join(n))
        .find(|p| p.is_file())
        .map(|p| {
            rift_ingest::read_decompressed(&p)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .with_context(|| format!("reading {}", p.display()))
        })
        .transpose()?;
    let fault_ns = fault_ms.unwrap_or(w0) * 1_000_000;
    let window_ns = (w0 * 1_000_000, w1 * 1_000_000);
    let crashed: Vec<(String, i64)> = verdict
        .classification
        .episodes
        .iter()
        .filter(|e| e.mode == rift_classify::Mode::Crash)
        .flat_map(|e| e.subject.iter().map(move |n| (n.0.clone(), e.start_ns)))
        .collect();
    let real = rift_lab::real_outcome(
        &incident.events,
        client.as_deref(),
        fault_ns,
        window_ns,
        &crashed,
    );

    let epoch_ns = sim.epoch.as_deref().and_then(rift_ingest::parse_ts);
    let simulated = sim
        .variants
        .iter()
        .map(|v| rift_lab::simulated_outcome(v, epoch_ns, fault_ns, window_ns))
        .collect();
    let primary = verdict.classification.primary.as_str().to_owned();
    let doc = Document {
        schema: SCHEMA,
        rift_right: primary == recording.mode,
        rift_mode: primary,
        recording,
        real,
        seed: sim.seed,
        simulated,
    };
    if json {
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    out.write_all(to_text(&doc).as_bytes())?;
    Ok(())
}

fn to_text(doc: &Document) -> String {
    use std::fmt::Write as _;
    let r = &doc.recording;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "recording  {} on {}{}{}",
        r.scenario,
        r.system,
        if r.software.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.software)
        },
        r.seed.map(|s| format!(", seed {s}")).unwrap_or_default()
    );
    match (&r.fault_start, r.fault_s) {
        (Some(start), Some(len)) => {
            let _ = writeln!(
                t,
                "fault      {} from {start} for {len:.1} s (times below are from its start)",
                r.mode
            );
        }
        _ => {
            let _ = writeln!(
                t,
                "fault      none ({}; times below are from the window's start)",
                r.mode
            );
        }
    }
    let _ = writeln!(
        t,
        "rift says  {}{}",
        doc.rift_mode,
        if doc.rift_right {
            ", the injected mode".to_owned()
        } else {
            format!(", not the injected {}", r.mode)
        }
    );
    let _ = writeln!(
        t,
        "replayed   what rift inferred, seed {} (`rift replay` shows the whole run)\n",
        doc.seed
    );
    let real = &doc.real;
    let secs = |s: f64| format!("{s:+.2} s");
    let mut header = vec![String::new(), "real cluster".to_owned()];
    header.extend(doc.simulated.iter().map(|s| s.variant.clone()));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |name: &str, real: String, sim: &dyn Fn(&SimulatedOutcome) -> String| {
        let mut r = vec![name.to_owned(), real];
        r.extend(doc.simulated.iter().map(sim));
        rows.push(r);
    };
    row(
        "first reaction",
        real.first_reaction.as_ref().map_or("none".into(), |f| {
            format!("{} {} {}", secs(f.after_s), f.node, f.kind)
        }),
        &|s| {
            s.first_reaction
                .as_ref()
                .map_or("none".into(), |(t, n, role)| {
                    format!("{} {n} {role}", secs(*t))
                })
        },
    );
    row(
        "took leadership",
        list(real.new_leaders.iter().map(|l| {
            format!(
                "{} {}{}",
                l.node,
                secs(l.at_s),
                l.term.map(|t| format!(" (term {t})")).unwrap_or_default()
            )
        })),
        &|s| {
            list(
                s.new_leaders
                    .iter()
                    .map(|(n, t, term)| format!("{n} {} (term {term})", secs(*t))),
            )
        },
    );
    row(
        "two leaders at once",
        format!("{:.2} s", real.dual_leader_s),
        &|s| format!("{:.2} s", s.dual_leader_s),
    );
    row(
        "highest term",
        real.max_term
            .map_or("not in the logs".into(), |t| t.to_string()),
        &|s| s.max_term.to_string(),
    );
    row(
        "writes failed",
        format!("{} of {}", real.writes.failed, real.writes.sent),
        &|s| format!("{} of {} timed out", s.writes_timed_out, s.writes_sent),
    );
    row(
        "longest without an ack",
        format!("{:.2} s", real.writes.longest_unacknowledged_s),
        &|s| format!("{:.2} s", s.longest_unacknowledged_s),
    );
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        let _ = writeln!(t, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(
        t,
        "\nreal cluster: its members' logs and client.csv{}; simulated: {}",
        if real.writes.skipped_rows > 0 {
            format!(" ({} rows of client.csv unread)", real.writes.skipped_rows)
        } else {
            String::new()
        },
        doc.simulated
            .iter()
            .map(|s| format!("{} ({})", s.variant, s.settings))
            .collect::<Vec<_>>()
            .join("; ")
    );
    t
}

/// Items joined with commas, or `none`.
fn list(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}
