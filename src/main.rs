//! `rift`: the command-line front of the rift pipeline. It only wires: argument parsing,
//! progress, output and exit codes; the work happens in the library crates.

mod args;
mod cmd;
mod entries;
mod exit;
mod inert;
mod progress;

use std::io::Write;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::exit::ExitCode;

/// Reading logs allocates a few short strings per line: mimalloc keeps that cheap where the
/// system's allocator was a sixth of `rift ingest`'s time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Postmortem of network incidents: what the network did, per direction, over time.
#[derive(Debug, Parser)]
#[command(name = "rift", version, about, max_term_width = 100)]
struct Cli {
    /// When to colour help and usage errors: auto (on a terminal, unless NO_COLOR is set),
    /// always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto,
        hide_possible_values = true,
        display_order = 1000
    )]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// The `--color` given in `args` (the last one before `--`), else auto; auto becomes never
    /// when NO_COLOR is set to anything but the empty string (no-color.org).
    fn from_args(args: &[std::ffi::OsString]) -> clap::ColorChoice {
        let mut when = ColorWhen::Auto;
        let mut it = args.iter().skip(1).filter_map(|a| a.to_str());
        while let Some(arg) = it.next() {
            let value = match arg {
                "--" => break,
                "--color" => it.next(),
                _ => arg.strip_prefix("--color="),
            };
            if let Some(w) = value.and_then(|v| ColorWhen::from_str(v, false).ok()) {
                when = w;
            }
        }
        match when {
            ColorWhen::Always => clap::ColorChoice::Always,
            ColorWhen::Never => clap::ColorChoice::Never,
            ColorWhen::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
                clap::ColorChoice::Never
            }
            ColorWhen::Auto => clap::ColorChoice::Auto,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read an incident export and report what was read: nodes, channels, time span, and for
    /// every file the rows used and skipped with reasons.
    Ingest(cmd::ingest::Args),
    /// Infer the directional reachability timeline: per window, channel and ordered pair, the
    /// delivery estimate and state (up, lossy, down, unknown).
    Graph(cmd::graph::Args),
    /// Classify the incident (complete, asymmetric, partial, gray, flapping) and compare it with
    /// the failure detector's model.
    Classify(cmd::classify::Args),
    /// List every event read from the incident (elections, role changes, peers marked down,
    /// health flips, restarts, …) as one timeline of the cluster, with each event's file:line.
    Events(cmd::events::Args),
    /// List the log profiles node logs are read with (built-in and added with --profiles).
    Profiles(cmd::profiles::Args),
    /// Browse and check the corpus of public network postmortems.
    Corpus(cmd::corpus::Args),
    /// Replay an incident, a scenario or a corpus sketch in the deterministic cluster simulator
    /// and compare detectors and guards.
    Replay(cmd::replay::Args),
    /// Write a review report of an incident: one self-contained HTML file (or Markdown) with the
    /// verdict, the pictures, the detector gap, the replay comparison, similar public incidents
    /// and the input accounting.
    Report(cmd::report::Args),
    Synth(cmd::synth::Args),
    /// Export a scenario as a fault schedule for a real injector: an iptables/tc script, Chaos Mesh
    /// manifests or Jepsen grudges.
    Export(cmd::export::Args),
    /// Record a real cluster of a real system through a scenario's faults, in Linux network
    /// namespaces, as an export rift reads and the truth to check it against.
    Lab(cmd::lab::Args),
    /// Print a completion script for bash, zsh, fish, powershell or elvish.
    Completions(cmd::completions::Args),
    /// Print the manual page (roff), or write a page per command into a folder with --dir.
    Man(cmd::man::Args),
}

fn run(cli: &Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    match &cli.command {
        Command::Ingest(args) => cmd::ingest::run(args, out),
        Command::Graph(args) => cmd::graph::run(args, out),
        Command::Classify(args) => cmd::classify::run(args, out),
        Command::Events(args) => cmd::events::run(args, out),
        Command::Profiles(args) => cmd::profiles::run(args, out),
        Command::Corpus(args) => cmd::corpus::run(args, out),
        Command::Replay(args) => cmd::replay::run(args, out),
        Command::Report(args) => cmd::report::run(args, out),
        Command::Synth(args) => cmd::synth::run(args, out),
        Command::Export(args) => cmd::export::run(args, out),
        Command::Lab(args) => cmd::lab::run(args, out),
        Command::Completions(args) => cmd::completions::run(args, Cli::command(), out),
        Command::Man(args) => cmd::man::run(args, Cli::command(), out),
    }
}

/// Whether the command prints JSON: its output then escapes hazards the way JSON strings do.
fn writes_json(cli: &Cli) -> bool {
    use cmd::corpus::Command as C;
    match &cli.command {
        Command::Ingest(a) => a.json,
        Command::Graph(a) => a.format == cmd::graph::Format::Json,
        Command::Classify(a) => a.json,
        Command::Events(a) => a.json,
        Command::Replay(a) => a.json,
        Command::Corpus(a) => match &a.command {
            C::List { json, .. }
            | C::Show { json, .. }
            | C::Search { json, .. }
            | C::Classify { json, .. }
            | C::Evaluate { json }
            | C::Similar { json, .. } => *json,
            C::Check | C::Add { .. } => false,
        },
        Command::Profiles(_)
        | Command::Report(_)
        | Command::Synth(_)
        | Command::Export(_)
        | Command::Lab(_)
        | Command::Completions(_)
        | Command::Man(_) => false,
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            // JSON written straight to the output wraps the write's error in its own.
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

fn main() {
    // A decoder that panics on a corrupt input file is caught and reported as an error naming
    // the file; its panic message would only be noise.
    let report_panic = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !rift_ingest::decoding_untrusted() {
            report_panic(info);
        }
    }));
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = Cli::command()
        .color(ColorWhen::from_args(&args))
        .get_matches_from(&args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let stdout = std::io::stdout();
    // Everything printed passes through `Inert`: what the export holds cannot drive the terminal.
    let style = if writes_json(&cli) {
        inert::Style::Json
    } else {
        inert::Style::Text
    };
    let mut out = inert::Inert::new(std::io::BufWriter::new(stdout.lock()), style);
    let result = run(&cli, &mut out).and_then(|()| out.flush().map_err(Into::into));
    let code = match result {
        Ok(()) => ExitCode::Success,
        Err(err) if is_broken_pipe(&err) => ExitCode::Success,
        Err(err) => {
            drop(out);
            // A corpus error has been shown as a diagnostic with its span already.
            if !err
                .chain()
                .any(|e| e.downcast_ref::<entries::BadCorpus>().is_some())
            {
                eprintln!("error: {}", inert::text(&exit::message(&err)));
            }
            ExitCode::of(&err)
        }
    };
    std::process::exit(code as i32);
}
