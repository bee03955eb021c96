//! `rift events`: every event rift read from an incident, as one merged timeline of the cluster.

use std::io::Write;
use std::path::PathBuf;

use rift_ingest::model::{Event, EventFilter, EventKind, NodeId};
use rift_ingest::{MomentError, format_ts, parse_moment};
use rift_pipeline::Events;

use super::UsageError;
use crate::progress::Bar;

/// List every event read from an incident export (elections, role and leader changes, peers
/// marked down, health flips, restarts, …), in time order, with the node, peer, term and the
/// file:line each came from.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The incident export folder.
    pub(crate) dir: PathBuf,
    /// Print the events as JSON (schema rift.events/1).
    #[arg(long)]
    pub(crate) json: bool,
    /// Only the events of this node (its name as `rift ingest` lists it).
    #[arg(long, value_name = "NODE")]
    pub(crate) node: Option<String>,
    /// Only the events of this kind (election, role_change, leader_change, peer_down, …).
    #[arg(long, value_name = "KIND", value_parser = kind)]
    pub(crate) kind: Option<EventKind>,
    /// Only the events at or after this moment: an RFC 3339 time, a time of day on the
    /// incident's first day (03:00:10), or an offset from its start (+20s).
    #[arg(long, value_name = "TIME")]
    pub(crate) since: Option<String>,
    /// Only the events at or before this moment (written as for --since).
    #[arg(long, value_name = "TIME")]
    pub(crate) until: Option<String>,
    #[command(flatten)]
    pub(crate) logs: crate::args::LogArgs,
}

fn kind(s: &str) -> Result<EventKind, String> {
    EventKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s.trim())
        .ok_or_else(|| {
            let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("expected one of {}", names.join(", "))
        })
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let all = rift_pipeline::events(&args.dir, &args.logs.read_options(), &Bar::new())?;
    let start = all.start_ns.unwrap_or(0);
    let moment = |flag: &str, text: &Option<String>| -> Result<Option<i64>, UsageError> {
        text.as_deref()
            .map(|t| {
                parse_moment(t, start).map_err(|e| match e {
                    MomentError::Offset(e) => UsageError(format!("{flag} {t}: {e}")),
                    e => UsageError(format!("{flag} '{t}': {e}")),
                })
            })
            .transpose()
    };
    let filter = EventFilter {
        node: args.node.as_deref().map(|n| NodeId(n.to_owned())),
        kind: args.kind,
        since_ns: moment("--since", &args.since)?,
        until_ns: moment("--until", &args.until)?,
    };
    let shown: Vec<&Event> = all.events.iter().filter(|e| filter.matches(e)).collect();
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &all.document(&shown))?;
        writeln!(out)?;
        return Ok(());
    }
    text(&all, &shown, out)
}

/// The merged timeline: one line per event, the node and kind in aligned columns, what the
/// event says, and where it came from; then what reading the times assumed, per file.
fn text(all: &Events, shown: &[&Event], out: &mut dyn Write) -> anyhow::Result<()> {
    let node_width = shown
        .iter()
        .map(|e| e.node.0.chars().count())
        .max()
        .unwrap_or(0);
    let kind_width = shown
        .iter()
        .map(|e| e.kind.as_str().len())
        .max()
        .unwrap_or(0);
    for e in shown {
        let mut said = e.detail.clone();
        if let Some(p) = &e.peer {
            said = format!("peer {}  {said}", p.0);
        }
        if let Some(t) = e.term {
            said = format!("term {t}  {said}");
        }
        writeln!(
            out,
            "{}  {:<node_width$}  {:<kind_width$}  {}  ({})",
            format_ts(e.ts_ns),
            e.node.0,
            e.kind.as_str(),
            said.trim_end(),
            e.origin
        )?;
    }
    let nodes: std::collections::BTreeSet<&str> = shown.iter().map(|e| e.node.0.as_str()).collect();
    writeln!(
        out,
        "{} of {} events, {} node{}",
        shown.len(),
        all.events.len(),
        nodes.len(),
        if nodes.len() == 1 { "" } else { "s" }
    )?;
    // What reading the times of the files shown assumed.
    let mut said = std::collections::BTreeSet::new();
    for e in shown {
        let assumed = all.assumed_for(e);
        let file = rift_pipeline::origin_file(&e.origin);
        if !assumed.is_empty() && said.insert(file) {
            writeln!(out, "{file}: assumed {}", assumed.join("; "))?;
        }
    }
    Ok(())
}
