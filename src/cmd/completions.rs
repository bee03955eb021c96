//! `rift completions SHELL`: a completion script for a shell, from the same definition as
//! `--help`.

use std::io::Write;

/// Print a completion script for a shell.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

pub(crate) fn run(
    args: &Args,
    mut command: clap::Command,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    clap_complete::generate(args.shell, &mut command, "rift", out);
    Ok(())
}
