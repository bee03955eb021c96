//! `rift corpus`: the corpus of public network postmortems.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use rift_corpus::{
    Corpus, CorpusIndex, Entry, Filters, Found, Hit, Label, System, TextClassifier, TextVerdict,
    vocabulary_name,
};

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
    /// Search the corpus (BM25 over titles, summaries, tags and rationales), with filters.
    Search {
        /// Words to look for; quotes make a phrase (`"split brain"`), `+word` requires one. Empty
        /// lists every entry that passes the filters.
        #[arg(default_value = "")]
        query: String,
        /// Only entries whose primary or secondary mode is this one.
        #[arg(long, value_name = "MODE")]
        mode: Option<String>,
        /// Only entries that involve this system (e.g. switch, dns, load-balancer).
        #[arg(long, value_name = "SYSTEM")]
        system: Option<String>,
        /// Only entries of these years: `2012`, `2010..2015`, `2010..` or `..2015`.
        #[arg(long, value_name = "RANGE")]
        year: Option<String>,
        /// How many hits to show (1 to 10000).
        #[arg(long, default_value_t = 10, value_parser = super::count::<1, { super::MAX_HITS }>)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read a postmortem text and say which mode it describes, with the phrases that decided it.
    Classify {
        /// A text file, or `-` for standard input.
        file: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draft a corpus entry from a postmortem text, labels pre-filled by the classifier.
    Add {
        /// A text file, or `-` for standard input.
        file: String,
        /// The entry id (kebab-case: org-year-topic).
        #[arg(long)]
        id: Option<String>,
        /// The source URL.
        #[arg(long)]
        source: Option<String>,
        /// Write the draft here instead of printing it.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Leave-one-out accuracy and per-mode F1 of the text classifier on the corpus.
    Evaluate {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Incidents like this one: an entry id, or a file with a postmortem text.
    Similar {
        /// An entry id or a file.
        target: String,
        /// How many to show (1 to 10000).
        #[arg(long, default_value_t = 5, value_parser = super::count::<1, { super::MAX_HITS }>)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Parses `2012`, `2010..2015`, `2010..` or `..2015`.
fn parse_years(s: &str) -> anyhow::Result<(u32, u32)> {
    let bad = || {
        UsageError(format!(
            "--year {s}: expected 2012, 2010..2015, 2010.. or ..2015"
        ))
    };
    let year =
        |t: &str| -> anyhow::Result<u32> { t.trim().parse::<u32>().map_err(|_| bad().into()) };
    match s.split_once("..") {
        None => {
            let y = year(s)?;
            Ok((y, y))
        }
        Some((a, b)) => {
            let lo = if a.trim().is_empty() { 0 } else { year(a)? };
            let hi = if b.trim().is_empty() {
                u32::MAX
            } else {
                year(b)?
            };
            if lo > hi {
                return Err(bad().into());
            }
            Ok((lo, hi))
        }
    }
}

fn open_index(c: &Corpus) -> anyhow::Result<CorpusIndex> {
    Ok(CorpusIndex::open_or_build(c, &rift_corpus::cache_dir())?)
}

/// The snippet with its matched terms marked `**like this**`.
fn marked(h: &Hit) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(a, b) in &h.highlighted {
        if a < at
            || b > h.snippet.len()
            || !h.snippet.is_char_boundary(a)
            || !h.snippet.is_char_boundary(b)
        {
            continue;
        }
        out.push_str(&h.snippet[at..a]);
        out.push_str("**");
        out.push_str(&h.snippet[a..b]);
        out.push_str("**");
        at = b;
    }
    out.push_str(&h.snippet[at..]);
    out.replace('\n', " ")
}

fn print_found(
    found: &Found,
    total_entries: usize,
    what: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "{} of {total_entries} entries {what}", found.total)?;
    for (facet, counts) in &found.facets {
        if counts.is_empty() {
            continue;
        }
        let mut v: Vec<(&String, &u64)> = counts.iter().collect();
        if facet != "year" {
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        }
        let shown: Vec<String> = v.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(out, "  {facet:<7} {}", shown.join(", "))?;
    }
    for (i, h) in found.hits.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "{:>2}. {}  {}  {}  (score {:.2})",
            i + 1,
            h.id,
            h.date,
            h.primary,
            h.score
        )?;
        writeln!(out, "    {}", h.title)?;
        writeln!(out, "    {}", marked(h))?;
    }
    Ok(())
}

fn load(args: &Args) -> anyhow::Result<Corpus> {
    crate::entries::load(args.entries.clone())
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
            let shown: Vec<&Entry> = c.list(mode, system);
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
        Command::Search {
            query,
            mode,
            system,
            year,
            limit,
            json,
        } => {
            let filters = Filters {
                mode: mode.as_deref().map(parse_label).transpose()?,
                system: system.as_deref().map(parse_system).transpose()?,
                years: year.as_deref().map(parse_years).transpose()?,
            };
            let c = load(args)?;
            let index = open_index(&c)?;
            let found = index.search(query, &filters, (*limit).max(1))?;
            if *json {
                serde_json::to_writer_pretty(&mut *out, &found.as_search(query))?;
                writeln!(out)?;
            } else {
                print_found(&found, c.entries.len(), "match", out)?;
            }
        }
        Command::Similar {
            target,
            limit,
            json,
        } => {
            let c = load(args)?;
            let index = open_index(&c)?;
            let found = match c.get(target) {
                Some(e) => index.similar_to_entry(e, (*limit).max(1))?,
                None => {
                    let path = std::path::Path::new(target);
                    if !path.exists() {
                        return Err(UsageError(format!(
                            "'{target}' is neither an entry id nor a file: `rift corpus list` shows the ids"
                        ))
                        .into());
                    }
                    let text = read_text(target)?;
                    index.similar_to_text(&text, None, (*limit).max(1))?
                }
            };
            if *json {
                serde_json::to_writer_pretty(&mut *out, &found.as_similar(target))?;
                writeln!(out)?;
            } else {
                print_found(
                    &found,
                    c.entries.len(),
                    &format!("share terms or labels with {target}"),
                    out,
                )?;
            }
        }
        Command::Classify { file, json } => {
            let text = read_text(file)?;
            let c = load(args)?;
            let entries: Vec<&Entry> = c.entries.iter().collect();
            let v = TextClassifier::train(&entries).classify(&text);
            if *json {
                let doc = serde_json::json!({"schema": "rift.corpus.classify/1", "verdict": v});
                serde_json::to_writer_pretty(&mut *out, &doc)?;
                writeln!(out)?;
            } else {
                print_verdict(&v, out)?;
            }
        }
        Command::Add {
            file,
            id,
            source,
            output,
        } => {
            let text = read_text(file)?;
            let c = load(args)?;
            let entries: Vec<&Entry> = c.entries.iter().collect();
            let v = TextClassifier::train(&entries).classify(&text);
            let draft = rift_corpus::draft_entry(&text, &v, id.as_deref(), source.as_deref());
            match output {
                Some(path) => {
                    rift_ingest::output::write(path, ".rift-draft-", draft.as_bytes())
                        .with_context(|| format!("cannot write '{}'", path.display()))?;
                    writeln!(out, "draft written to {}", path.display())?;
                }
                None => out.write_all(draft.as_bytes())?,
            }
        }
        Command::Evaluate { json } => {
            let c = load(args)?;
            let e = rift_corpus::leave_one_out(&c.entries);
            if *json {
                serde_json::to_writer_pretty(&mut *out, &e)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "leave-one-out over {} entries: accuracy {:.3}, macro-F1 {:.3}",
                    e.n, e.accuracy, e.macro_f1
                )?;
                writeln!(
                    out,
                    "{:<11} {:>7} {:>9} {:>6} {:>6}",
                    "mode", "entries", "precision", "recall", "F1"
                )?;
                for (label, (n, p, r, f)) in &e.per_label {
                    writeln!(
                        out,
                        "{:<11} {n:>7} {p:>9.3} {r:>6.3} {f:>6.3}",
                        label.as_str()
                    )?;
                }
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
    let systems: Vec<String> = m.systems.iter().map(vocabulary_name).collect();
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
    let consequences: Vec<String> = m.consequence.iter().map(vocabulary_name).collect();
    if !consequences.is_empty() {
        writeln!(out, "cost      {}", names(&consequences))?;
    }
    writeln!(out, "source    {}", m.source)?;
    if m.scenario.is_some() {
        writeln!(out, "replay    rift replay corpus:{}", m.id)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", e.body)?;
    Ok(())
}

/// The most a postmortem text may hold: a long postmortem is a few hundred kilobytes, and the
/// classifier's time and memory grow with the text.
const MAX_TEXT_BYTES: u64 = 4 << 20;

/// Reads a postmortem text: a file (a regular one, at most [`MAX_TEXT_BYTES`]) or `-` for
/// standard input (read up to the same size).
fn read_text(file: &str) -> Result<String, super::UnreadableInput> {
    let unreadable = |reason: String| super::UnreadableInput {
        path: if file == "-" {
            "standard input".to_owned()
        } else {
            format!("'{file}'")
        },
        reason,
    };
    let too_big = || {
        format!(
            "it holds more than {} MiB, the most a postmortem text may hold; pass the part that tells the incident",
            MAX_TEXT_BYTES >> 20
        )
    };
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin(), MAX_TEXT_BYTES + 1),
            &mut bytes,
        )
        .map_err(|e| unreadable(e.to_string()))?;
    } else {
        let meta = std::fs::metadata(file).map_err(|e| unreadable(e.to_string()))?;
        if !meta.is_file() {
            return Err(unreadable(
                "it is not a regular file (a folder, FIFO or device); pass a text file, or - for standard input".into(),
            ));
        }
        if meta.len() > MAX_TEXT_BYTES {
            return Err(unreadable(too_big()));
        }
        let f = std::fs::File::open(file).map_err(|e| unreadable(e.to_string()))?;
        std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_TEXT_BYTES + 1), &mut bytes)
            .map_err(|e| unreadable(e.to_string()))?;
    }
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(unreadable(too_big()));
    }
    String::from_utf8(bytes).map_err(|e| {
        unreadable(format!(
            "it is not UTF-8 text (byte {} is not); convert it, e.g. with iconv -t UTF-8",
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

fn print_verdict(v: &TextVerdict, out: &mut dyn Write) -> anyhow::Result<()> {
    let secondary: Vec<&str> = v.secondary.iter().map(|l| l.as_str()).collect();
    writeln!(
        out,
        "mode        {}{} (confidence {:.2}){}",
        v.primary,
        if secondary.is_empty() {
            String::new()
        } else {
            format!(", also {}", secondary.join(", "))
        },
        v.confidence,
        if v.kind == rift_corpus::Kind::Design {
            ", a design write-up"
        } else {
            ""
        }
    )?;
    let scores: Vec<String> = v
        .scores
        .iter()
        .filter(|(_, s)| **s >= 0.01)
        .map(|(l, s)| format!("{l} {s:.2}"))
        .collect();
    writeln!(out, "scores      {}", scores.join(", "))?;
    for n in &v.notes {
        writeln!(out, "note        {n}")?;
    }
    writeln!(out, "evidence")?;
    for e in v.evidence.iter().take(12) {
        writeln!(
            out,
            "  {:<10} {:<5} {:>5.2}  \"{}\"",
            e.label.as_str(),
            e.source,
            e.weight,
            e.phrase.replace('\n', " ")
        )?;
    }
    Ok(())
}
