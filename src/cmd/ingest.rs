//! `rift ingest`: read an export, print the accounting and a summary.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use rift_ingest::inert::escape;
use rift_ingest::{Accounting, IncidentFolder, Invariants, Summary, format_ts};

use crate::progress::Bar;

/// Read an incident export and report what was read.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The incident export folder.
    pub(crate) dir: PathBuf,
    /// Print the summary and accounting as JSON (schema `rift.ingest/1`, see the README).
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write the observations table to this Parquet file.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) logs: crate::args::LogArgs,
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let export = IncidentFolder::open(&args.dir, &args.logs.read_options())?;
    let bar = Bar::new();
    let report = match &args.output {
        Some(path) => export
            .write_parquet(path, &bar)
            .with_context(|| format!("writing observations to '{}'", path.display()))?,
        None => export.stream(&bar, &mut |_| Ok(()))?,
    };
    if args.json {
        let doc = serde_json::json!({
            "schema": "rift.ingest/1",
            "export": args.dir.display().to_string(),
            "summary": report.summary,
            "accounting": report.accounting,
            "invariants": report.invariants,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
    } else {
        print_summary(&report.summary, out)?;
        print_invariants(&report.invariants, out)?;
        writeln!(out)?;
        print_accounting(&report.accounting, out)?;
        if let Some(path) = &args.output {
            writeln!(out, "\nobservations written to {}", path.display())?;
        }
    }
    Ok(())
}

pub(crate) fn print_summary(s: &Summary, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "nodes         {}", s.nodes.join(", "))?;
    for (node, names) in &s.identities {
        writeln!(out, "  {node:<11} also {}", names.join(", "))?;
    }
    let channels: Vec<&str> = s.channels.iter().map(|c| c.as_str()).collect();
    writeln!(out, "channels      {}", channels.join(", "))?;
    match (s.start_ns, s.end_ns) {
        (Some(a), Some(b)) => writeln!(
            out,
            "span          {} – {} ({:.1} s)",
            format_ts(a),
            format_ts(b),
            (b - a) as f64 / 1e9
        )?,
        _ => writeln!(out, "span          (no timestamps)")?,
    }
    writeln!(out, "observations  {}", s.observations)?;
    writeln!(out, "events        {}", s.events)?;
    for note in &s.notes {
        writeln!(out, "note          {}", escape(note))?;
    }
    for skew in &s.clock_skews {
        writeln!(
            out,
            "clock         {} was {} its peers (shown by {}); its times were corrected",
            skew.node,
            skew.offset(),
            skew.shown_by()
        )?;
    }
    Ok(())
}

/// What the metrics say about the cluster itself, when they say anything.
fn print_invariants(inv: &Invariants, out: &mut dyn Write) -> anyhow::Result<()> {
    let per_minute = inv.leader_changes_per_minute();
    if let Some((minute, most)) = per_minute
        .iter()
        .max_by_key(|(m, n)| (**n, std::cmp::Reverse(**m)))
    {
        let total: u64 = per_minute.values().sum();
        writeln!(
            out,
            "leaders       {total} changes (at most {most} in the minute from {})",
            format_ts(*minute)
        )?;
    }
    if !inv.no_leader.is_empty() {
        let spans: Vec<String> = inv
            .no_leader
            .iter()
            .map(|(n, a, b)| format!("{n} {:.1} s", (b - a) as f64 / 1e9))
            .collect();
        writeln!(out, "no leader     {}", spans.join(", "))?;
    }
    if let Some(worst) = inv
        .request_latency
        .iter()
        .filter(|b| b.answered > 0)
        .max_by(|a, b| {
            a.p99_ms
                .total_cmp(&b.p99_ms)
                .then(b.start_ns.cmp(&a.start_ns))
        })
    {
        let answered: u64 = inv.request_latency.iter().map(|b| b.answered).sum();
        let failed: u64 = inv.request_latency.iter().map(|b| b.failed).sum();
        writeln!(
            out,
            "requests      {answered} answered, {failed} failed; worst 10 s p99 {:.0} ms from {}",
            worst.p99_ms,
            format_ts(worst.start_ns)
        )?;
    }
    for (node, ts, origin) in &inv.commit_regressions {
        writeln!(
            out,
            "commit index  went back on {node} at {} ({origin})",
            format_ts(*ts)
        )?;
    }
    Ok(())
}

/// The widest file name the accounting table shows.
const MAX_NAME_CHARS: usize = 72;

/// `s` with its middle replaced by `…` when it is longer than `max` characters.
fn middle_cut(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_owned();
    }
    let keep = max.saturating_sub(1);
    let head: String = s.chars().take(keep / 2).collect();
    let tail: String = s.chars().skip(n - (keep - keep / 2)).collect();
    format!("{head}…{tail}")
}

pub(crate) fn print_accounting(a: &Accounting, out: &mut dyn Write) -> anyhow::Result<()> {
    // File names, reasons and notes come from the export: each is shown on one line, so that
    // a newline in a file name cannot forge a row of the table.
    // A name longer than the table can hold keeps its ends, where folders and file names are
    // told apart (`--json` has it whole).
    let paths: Vec<String> = a
        .files
        .iter()
        .map(|f| middle_cut(&escape(&f.path), MAX_NAME_CHARS))
        .collect();
    let width = paths
        .iter()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:width$}  {:9} {:>9} {:>9} {:>9}",
        "file", "read as", "rows", "used", "skipped"
    )?;
    for (f, path) in a.files.iter().zip(&paths) {
        writeln!(
            out,
            "{:width$}  {:9} {:>9} {:>9} {:>9}",
            path,
            f.kind.as_str(),
            f.rows_read,
            f.rows_used,
            f.rows_skipped()
        )?;
        for (reason, n) in &f.skipped {
            let ex = &f.examples[reason];
            let detail = if ex.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", escape(&ex.detail))
            };
            writeln!(
                out,
                "{:width$}    skipped {n} × {} (first at line {}{detail})",
                "",
                escape(reason),
                ex.line
            )?;
        }
        if !f.ignored_columns.is_empty() {
            writeln!(
                out,
                "{:width$}    columns not used: {}",
                "",
                escape(&f.ignored_columns.join(", "))
            )?;
        }
        for note in &f.notes {
            writeln!(out, "{:width$}    note: {}", "", escape(note))?;
        }
    }
    writeln!(
        out,
        "{:width$}  {:9} {:>9} {:>9} {:>9}",
        "total",
        "",
        a.rows_read(),
        a.rows_used(),
        a.rows_skipped()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::middle_cut;

    #[test]
    fn long_names_keep_their_ends() {
        assert_eq!(middle_cut("logs/n1.log", 72), "logs/n1.log");
        let long = format!("logs/{}/n1.log", "d".repeat(300));
        let cut = middle_cut(&long, 20);
        assert_eq!(cut.chars().count(), 20);
        assert!(
            cut.starts_with("logs/ddd") && cut.ends_with("d/n1.log"),
            "{cut}"
        );
    }
}
