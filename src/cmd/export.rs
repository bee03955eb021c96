//! `rift export`: a scenario as a fault schedule for a real injector.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rift_replay::Scenario;
use rift_replay::export::{ExportOptions, ExportTarget, Mode};

use super::UsageError;

/// The injectors `--to` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Target {
    /// A bash script of iptables DROP rules (on the receiver) and tc netem delays (on the sender).
    Iptables,
    /// Chaos Mesh NetworkChaos manifests (selector = sender, target = receivers, direction: to).
    ChaosMesh,
    /// An EDN vector of Jepsen grudges ({dst #{src}}, as net/drop-all! takes them).
    Jepsen,
}

impl From<Target> for ExportTarget {
    fn from(t: Target) -> Self {
        match t {
            Target::Iptables => ExportTarget::Iptables,
            Target::ChaosMesh => ExportTarget::ChaosMesh,
            Target::Jepsen => ExportTarget::Jepsen,
        }
    }
}

/// Where the iptables script runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ModeArg {
    /// Hosts are network namespaces on the machine running the script.
    Netns,
    /// One section per host, each run on its host (`bash script HOST`).
    Hosts,
}

/// Export a scenario as a fault schedule: an iptables/tc script, Chaos Mesh manifests or Jepsen
/// grudges.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The scenario file (TOML).
    pub(crate) scenario: PathBuf,
    /// The injector.
    #[arg(long, value_enum, value_name = "TARGET")]
    pub(crate) to: Target,
    /// Write the output to this file instead of standard output (an iptables script is made
    /// executable); `-` is standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// iptables: hosts are network namespaces (netns) or machines (hosts).
    #[arg(long, value_enum, default_value = "netns")]
    pub(crate) mode: ModeArg,
    /// iptables: a host's IPv4 address (repeatable); defaults are 10.77.0.11, .12, … for the
    /// members and 10.77.0.100, .101, … for the client hosts.
    #[arg(long, value_name = "HOST=IP")]
    pub(crate) addr: Vec<String>,
    /// iptables: the ports of a channel or flow (repeatable), e.g. heartbeat=2380,
    /// data=2379,2380, gossip=7946/udp; needed by faults limited to channels or a flow.
    #[arg(long, value_name = "CHANNEL=PORTS")]
    pub(crate) ports: Vec<String>,
    /// iptables, --mode netns: the namespace of host H is P followed by H.
    #[arg(long, value_name = "P", default_value = "")]
    pub(crate) netns_prefix: String,
    /// chaos-mesh: the pod label whose value is the host's name.
    #[arg(long, value_name = "K", default_value = rift_replay::export::DEFAULT_LABEL_KEY)]
    pub(crate) label_key: String,
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    let opts = options(args).map_err(|e| UsageError(e.to_string()))?;
    let text = rift_replay::export::export(&scenario, args.to.into(), &opts)
        .map_err(|e| UsageError(e.to_string()))?;
    match args.output.as_deref().filter(|p| *p != Path::new("-")) {
        Some(path) => {
            rift_reports::atomic(path, text.as_bytes())?;
            if args.to == Target::Iptables {
                make_executable(path)?;
            }
            writeln!(
                out,
                "{} written to {}",
                ExportTarget::from(args.to),
                path.display()
            )?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}

/// Reads the scenario to export: a `.toml` scenario file.
pub(crate) fn load_scenario(path: &Path) -> anyhow::Result<Scenario> {
    Ok(Scenario::load(path)?)
}

fn options(args: &Args) -> Result<ExportOptions, rift_replay::Error> {
    let mut opts = ExportOptions {
        origin: args.scenario.display().to_string(),
        mode: match args.mode {
            ModeArg::Netns => Mode::Netns,
            ModeArg::Hosts => Mode::Hosts,
        },
        netns_prefix: args.netns_prefix.clone(),
        label_key: args.label_key.clone(),
        ..ExportOptions::default()
    };
    for a in &args.addr {
        opts.add_addr(a)?;
    }
    for p in &args.ports {
        opts.add_ports(p)?;
    }
    Ok(opts)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // A device or FIFO written into (`-o /dev/stdout`) keeps its own mode.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make '{}' executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}
