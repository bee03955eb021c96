//! `rift profiles`: the log profiles rift reads node logs with.

use std::io::Write;
use std::path::PathBuf;

use rift_ingest::Profile;

/// List the log profiles: built-in ones and those added with --profiles; with a NAME, that
/// profile's rules (`wording`: the rules that read, by their words alone, the lines no rule of
/// their profile reads).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Show this profile's programs, versions and rules: what each reads, the event it gives,
    /// the direction it claims, what its line shows of the link and why.
    #[arg(value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Also load profiles from these TOML files (checks that they compile).
    #[arg(long = "profiles", value_name = "FILE")]
    pub(crate) profiles: Vec<PathBuf>,
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut all = rift_ingest::builtin_profiles().map_err(anyhow::Error::msg)?;
    let builtin = all.len();
    for path in &args.profiles {
        let p = Profile::load(path)?;
        match all.iter().position(|q| q.name == p.name) {
            Some(i) if args.name.is_some() => all[i] = p,
            _ => all.push(p),
        }
    }
    if let Some(name) = &args.name {
        let found = all.iter().find(|p| &p.name == name);
        if found.is_none() && name == "wording" {
            let w = rift_ingest::wording().map_err(anyhow::Error::msg)?;
            writeln!(out, "{}: {}", w.name, w.title)?;
            writeln!(
                out,
                "reads the lines no rule of their profile reads; gives events only, never link evidence"
            )?;
            return rules(&w.rule_summaries(), out);
        }
        let Some(p) = found else {
            let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
            return Err(crate::cmd::UsageError(format!(
                "no profile named '{name}'; the profiles are: {}",
                names.join(", ")
            ))
            .into());
        };
        writeln!(out, "{} ({}): {}", p.name, p.system, p.title)?;
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.join(", ")
            }
        };
        writeln!(out, "programs  {}", list(&p.programs))?;
        writeln!(out, "versions  {}", list(&p.versions))?;
        if let Some(field) = &p.refused {
            let error = match field.as_str() {
                "msg" => "message".to_owned(),
                f => format!("'{f}'"),
            };
            writeln!(
                out,
                "refused   a failed request or connection whose {error} says the host refused it: event peer_down, no link evidence"
            )?;
        }
        return rules(&p.rule_summaries(), out);
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
    let w = rift_ingest::wording().map_err(anyhow::Error::msg)?;
    writeln!(
        out,
        "\n{} rules read by their words the lines no rule of their profile reads: rift profiles wording",
        w.rule_summaries().len()
    )?;
    Ok(())
}

/// A list of rules, each with what it concludes and why.
fn rules(summaries: &[rift_ingest::RuleSummary], out: &mut dyn Write) -> anyhow::Result<()> {
    for (i, r) in summaries.iter().enumerate() {
        let mut says = Vec::new();
        if let Some(e) = &r.event {
            says.push(format!("event {e}"));
        }
        if let Some(e) = &r.evidence {
            says.push(e.clone());
        }
        if let Some(b) = &r.basis {
            says.push(format!("({b})"));
        }
        writeln!(
            out,
            "{:>3}. '{}' → {}",
            i + 1,
            r.msg,
            if r.quiet {
                "nothing: a known message that says nothing rift reads".to_owned()
            } else if says.is_empty() {
                "names the node".to_owned()
            } else {
                says.join(" ")
            }
        )?;
        if let Some(why) = &r.why {
            writeln!(out, "     {why}")?;
        }
    }
    Ok(())
}
