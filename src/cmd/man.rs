//! `rift man`: the manual page, from the same definition as `--help`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

/// Print the manual page (roff), or write one page per command into a folder.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Write rift.1 and a page per command (rift-ingest.1, rift-corpus-search.1, …) into this
    /// folder, created if missing, instead of printing rift.1.
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

pub(crate) fn run(args: &Args, command: clap::Command, out: &mut dyn Write) -> anyhow::Result<()> {
    let Some(dir) = &args.dir else {
        clap_mangen::Man::new(command).render(out)?;
        return Ok(());
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder '{}'", dir.display()))?;
    clap_mangen::generate_to(command, dir)
        .with_context(|| format!("cannot write the manual pages into '{}'", dir.display()))?;
    Ok(())
}
