//! `rift report`: the review report of an incident, as self-contained HTML or Markdown.

use std::io::Write;
use std::path::{Path, PathBuf};

use rift_replay::{Seed, Variant, compare};
use rift_reports::{Format as _, Html, Inputs, Markdown, Report};

use super::UsageError;
use crate::args::VerdictArgs;
use crate::progress::{Bar, Spinner};

/// The variants a report replays unless told otherwise: the incident's own settings, its
/// Raft with both guards, and each detector model beside it.
const DEFAULT_COMPARE: &str = "current,current+prevote+checkquorum,phi,swim,bidi,probes,lb";

/// Report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One self-contained HTML file: inline SVG pictures, no script, nothing loaded from anywhere.
    Html,
    /// Markdown for a postmortem document, with the pictures as SVG files in a folder beside it.
    Md,
}

/// Write a review report of an incident.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The incident export folder.
    pub(crate) dir: PathBuf,
    /// Where to write the report, `-` for standard output [default: report.html, or report.md
    /// with --format md].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The format [default: from the output file's extension, else html].
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// Variants to replay for the comparison table (as `rift replay --compare`); `none` leaves
    /// the replay out.
    #[arg(long, value_name = "LIST", default_value = DEFAULT_COMPARE)]
    pub(crate) compare: String,
    /// The seed of the replay, printed in the report.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(crate) seed: u64,
    /// How many similar public incidents to list (0 to 100); 0 leaves the corpus out.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = super::count::<0, 100>)]
    pub(crate) similar: usize,
    /// The corpus entries folder (default: the corpus shipped with rift).
    #[arg(long, value_name = "DIR")]
    pub(crate) entries: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) verdict: VerdictArgs,
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(p)) if p.extension().is_some_and(|e| e == "md" || e == "markdown") => {
            Format::Md
        }
        _ => Format::Html,
    };
    let variants = if args.compare.trim() == "none" {
        Vec::new()
    } else {
        Variant::parse_list(&args.compare).map_err(|e| UsageError(format!("--compare: {e}")))?
    };
    let settings = args.verdict.settings()?;
    let (built, verdict) = rift_pipeline::verdict(&args.dir, &settings, &Bar::new())?;
    let source = args.dir.display().to_string();
    let mut command = format!(
        "rift replay {} --compare {} --seed {}",
        shell_quote(&source),
        shell_quote(&args.compare),
        args.seed
    );
    if let Some(d) = &args.verdict.detector {
        command.push_str(&format!(" --detector {}", shell_quote(d)));
    }
    let comparison = if variants.is_empty() {
        Err("left out with --compare none.".to_owned())
    } else {
        rift_pipeline::scenario_of_incident(&built, &verdict)
            .map_err(|e| format!("the incident could not be turned into a scenario: {e}."))
            .and_then(|scenario| {
                let _spinner = Spinner::new(format!(
                    "replaying {} variant{} of {} members",
                    variants.len(),
                    if variants.len() == 1 { "" } else { "s" },
                    scenario.cluster.nodes.len()
                ));
                compare(&scenario, &variants, Seed(args.seed))
                    .map_err(|e| format!("the replay failed: {e}."))
            })
    };
    let similar = if args.similar == 0 {
        Err("Left out with --similar 0.".to_owned())
    } else {
        crate::entries::load(args.entries.clone())
            .map_err(|e| format!("the corpus could not be read: {e:#}."))
            .and_then(|corpus| rift_pipeline::similar(&corpus, &verdict, args.similar))
    };
    // The report says why a section is empty; whoever ran the command hears it too, so a report
    // without its similar incidents is never taken for a complete one.
    if let (Err(why), true) = (&similar, args.similar > 0) {
        eprintln!(
            "warning: the report lists no similar incidents: {}",
            crate::inert::text(why)
        );
    }
    let report = Report::build(&Inputs {
        source: &source,
        verdict: &verdict,
        timeline: &built.timeline,
        events: &built.events,
        accounting: &built.accounting,
        invariants: &built.invariants,
        replay: comparison.as_ref().map_err(Clone::clone),
        replay_command: command,
        similar,
        generator: format!("rift {}", env!("CARGO_PKG_VERSION")),
    });
    let to_stdout = args.output.as_deref() == Some(Path::new("-"));
    let path = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(match format {
            Format::Html => "report.html",
            Format::Md => "report.md",
        })
    });
    let rendered = match format {
        Format::Html => Html.render(&report)?,
        Format::Md => Markdown {
            figures: (!to_stdout).then(|| figures_dir(&path)),
        }
        .render(&report)?,
    };
    if to_stdout {
        out.write_all(rendered.document.as_bytes())?;
        return Ok(());
    }
    let written = rift_reports::write(&rendered, &path)?;
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "report written to {} ({} KB{}){}",
        crate::inert::text(&path.display().to_string()),
        rendered.document.len().div_ceil(1024),
        if written.len() > 1 {
            format!(", and {} pictures beside it", written.len() - 1)
        } else {
            String::new()
        },
        match format {
            Format::Html => ": open it in a browser",
            Format::Md => "",
        }
    )?;
    Ok(())
}

/// The folder for a Markdown report's pictures: `report.md` → `report.figures`.
fn figures_dir(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map_or_else(|| "report".to_owned(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.figures")
}

/// Quotes `s` for a POSIX shell when it holds anything but safe characters.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,+=@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
