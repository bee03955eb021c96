//! `rift corpus`: the corpus of public network postmortems.

use std::io::Write;
use std::path::PathBuf;

use miette::{GraphicalReportHandler, GraphicalTheme};
use rift_corpus::{Corpus, CorpusError, Entry, Label, System};

use super::UsageError;

/// Browse and check the corpus of public postmortems.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// The entries folder (default: the corpus shipped with rift).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) entries: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// List the entries, optionally only those of a mode or a system.
    List {
        /// Only entries whose primary or secondary mode is this one.
        #[arg(long, value_name = "MODE")]
        mode: Option<String>,
        /// Only entries that involve this system (e.g. switch, dns, load-balancer).
        #[arg(long, value_name = "SYSTEM")]
        system: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one entry.
    Show {
        /// The entry id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check every entry (front matter, vocabularies, unique ids and sources).
    Check,
}

/// The corpus failed to load; the diagnostic has already been printed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct BadCorpus(pub(crate) CorpusError);

fn load(args: &Args) -> anyhow::Result<Corpus> {
    let dir = args
        .entries
        .clone()
        .unwrap_or_else(rift_corpus::default_dir);
    Corpus::load(&dir).map_err(|e| {
        let mut shown = String::new();
        if GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .render_report(&mut shown, &e)
            .is_ok()
        {
            eprint!("{shown}");
        }
        BadCorpus(e).into()
    })
}

fn parse_label(s: &str) -> anyhow::Result<Label> {
    Label::ALL
        .into_iter()
        .find(|l| l.as_str() == s)
        .ok_or_else(|| {
            let names: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
            UsageError(format!("--mode {s}: expected one of {}", names.join(", "))).into()
        })
}

fn parse_system(s: &str) -> anyhow::Result<System> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
        UsageError(format!(
            "--system {s}: not a system of the corpus vocabulary (corpus/FORMAT.md)"
        ))
        .into()
    })
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    match &args.command {
        Command::Check => {
            let c = load(args)?;
            writeln!(out, "{} entries, all valid", c.entries.len())?;
        }
        Command::List { mode, system, json } => {
            let mode = mode.as_deref().map(parse_label).transpose()?;
            let system = system.as_deref().map(parse_system).transpose()?;
            let c = load(args)?;
            let shown: Vec<&Entry> = c
                .entries
                .iter()
                .filter(|e| {
                    mode.is_none_or(|m| {
                        e.meta.mode.primary == m || e.meta.mode.secondary.contains(&m)
                    })
                })
                .filter(|e| system.is_none_or(|s| e.meta.systems.contains(&s)))
                .collect();
            if *json {
                serde_json::to_writer_pretty(&mut *out, &shown)?;
                writeln!(out)?;
            } else {
                for e in &shown {
                    writeln!(
                        out,
                        "{:<44} {:<7} {:<10} {}",
                        e.meta.id, e.meta.date, e.meta.mode.primary, e.meta.title
                    )?;
                }
                writeln!(out, "{} of {} entries", shown.len(), c.entries.len())?;
            }
        }
        Command::Show { id, json } => {
            let c = load(args)?;
            let e = c.get(id).ok_or_else(|| {
                UsageError(format!("no entry '{id}': `rift corpus list` shows the ids"))
            })?;
            if *json {
                serde_json::to_writer_pretty(&mut *out, e)?;
                writeln!(out)?;
            } else {
                show(e, out)?;
            }
        }
    }
    Ok(())
}

fn show(e: &Entry, out: &mut dyn Write) -> anyhow::Result<()> {
    let m = &e.meta;
    writeln!(out, "{}", m.title)?;
    writeln!(out, "id        {}", m.id)?;
    writeln!(
        out,
        "when      {}{}",
        m.date,
        m.duration
            .as_deref()
            .map(|d| format!(" (lasted {d})"))
            .unwrap_or_default()
    )?;
    writeln!(out, "org       {}", m.org)?;
    let names = |v: &[String]| v.join(", ");
    let systems: Vec<String> = m
        .systems
        .iter()
        .map(|s| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    writeln!(out, "systems   {}", names(&systems))?;
    let secondary: Vec<String> = m.mode.secondary.iter().map(|l| l.to_string()).collect();
    writeln!(
        out,
        "mode      {}{} (confidence {:.2}): {}",
        m.mode.primary,
        if secondary.is_empty() {
            String::new()
        } else {
            format!(", also {}", secondary.join(", "))
        },
        m.mode.confidence,
        m.mode.rationale
    )?;
    if let Some(d) = &m.detector {
        writeln!(
            out,
            "detector  {}{}",
            d.name,
            d.assumed
                .as_deref()
                .map(|a| format!(": assumed {a}"))
                .unwrap_or_default()
        )?;
    }
    let consequences: Vec<String> = m
        .consequence
        .iter()
        .map(|s| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    if !consequences.is_empty() {
        writeln!(out, "cost      {}", names(&consequences))?;
    }
    writeln!(out, "source    {}", m.source)?;
    writeln!(out)?;
    writeln!(out, "{}", e.body)?;
    Ok(())
}
