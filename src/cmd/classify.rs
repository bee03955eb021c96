//! `rift classify`: the verdict on an incident and the detector gap analysis.

use std::io::Write;
use std::path::PathBuf;

use rift_classify::text;

use crate::args::VerdictArgs;
use crate::progress::Bar;

/// Classify an incident export and compare it with the failure detector in use.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The incident export folder.
    pub(crate) dir: PathBuf,
    /// Print the verdict as JSON (schema rift.verdict/1).
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) verdict: VerdictArgs,
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let (_, verdict) = rift_pipeline::verdict(&args.dir, &args.verdict.settings()?, &Bar::new())?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &verdict)?;
        writeln!(out)?;
    } else {
        out.write_all(text::render(&verdict).as_bytes())?;
    }
    Ok(())
}
