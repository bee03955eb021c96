//! `rift profiles`: the log profiles rift reads node logs with.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
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
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read '{}'", path.display()))?;
        let p = Profile::parse(&text, &path.display().to_string()).map_err(anyhow::Error::msg)?;
        all.push(p);
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
