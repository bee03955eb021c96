//! `rift profiles`: the log profiles rift reads node logs with.

use std::io::Write;
use std::path::PathBuf;

use rift_ingest::Profile;

/// List the log profiles: built-in ones and those added with --profiles.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Also load profiles from these TOML files (checks that they compile).
    #[arg(long = "profiles", value_name = "FILE")]
    pub(crate) profiles: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut all = rift_ingest::builtin_profiles().map_err(anyhow::Error::msg)?;
    let builtin = all.len();
    for path in &args.profiles {
        all.push(Profile::load(path)?);
    }
    writeln!(
        out,
        "{:<18} {:<16} {:>5}  reads",
        "profile", "system", "rules"
    )?;
    for (i, p) in all.iter().enumerate() {
        let origin = if i < builtin { "" } else { " (added)" };
        writeln!(
            out,
            "{:<18} {:<16} {:>5}  {}{origin}",
            p.name,
            p.system,
            p.rule_count(),
            p.title
        )?;
    }
    Ok(())
}
