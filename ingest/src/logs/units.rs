//! systemd's own lines about a system's unit, among the system's lines in a syslog or journald
//! export: `Started etcd.`, `Stopping Consul Agent...`, `consul.service: Main process exited,
//! code=exited, status=1/FAILURE`. They are the service manager's word that the node's daemon
//! started or stopped, and often the only one (a crashed daemon logs nothing about it).
//! `Starting …` is a start (the daemon runs from then on); `Stopping …` is the stop signal sent
//! (what the daemon logs after it is its way out, as after its own `received signal`); a
//! scheduled restart is a restart.
//!
//! systemd words these the same way from v219 (CentOS 7) on; v246 and later put the unit's name
//! before its description (`Started etcd.service - etcd key-value store.`), and older versions
//! spell `main process exited` in lower case. A line counts only when its unit is the system's
//! (see [`names_system`]): `Started Session 4 of user root.` is not.

use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use super::envelope::{self, Peeler, Said};
use super::profile::Profile;
use crate::model::EventKind;

/// A unit line: the event it gives and what it names (unit, description, exit status).
static UNIT_LINES: LazyLock<Vec<(Regex, EventKind)>> = LazyLock::new(|| {
    [
        (
            r"^Start(?:ed|ing) (?P<what>.+?)(?:\.\.\.|…|\.)?$",
            EventKind::Start,
        ),
        (
            r"^Stop(?:ped|ping) (?P<what>.+?)(?:\.\.\.|…|\.)?$",
            EventKind::Shutdown,
        ),
        (
            r"^(?P<what>\S+?): [Mm]ain process exited, (?P<how>code=\w+, status=\S+?)\.?$",
            EventKind::Shutdown,
        ),
        // The unit's restart policy brings the daemon back (v219: `etcd2.service holdoff time
        // over, scheduling restart.`; v230 on: `etcd.service: Scheduled restart job, restart
        // counter is at 3.`).
        (
            r"^(?P<what>\S+?):? (?:holdoff time over, scheduling restart|Scheduled restart job, restart counter is at \d+)\.?$",
            EventKind::Restart,
        ),
    ]
    .into_iter()
    .filter_map(|(p, k)| Regex::new(p).ok().map(|r| (r, k)))
    .collect()
});

/// Where the word `systemd` is looked for first: most lines do not hold it.
static SYSTEMD: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"systemd"));

/// A start or stop of `profile`'s system that systemd logged on `raw`: the layers around the
/// message (its time and host), the event and its detail.
pub(crate) fn read(
    raw: &str,
    profile: &Profile,
    peeler: &Peeler<'_>,
) -> Option<(Said, EventKind, String)> {
    SYSTEMD.find(raw.as_bytes())?;
    let mut layers = envelope::Layers::new(raw);
    let (text, said) = layers.innermost(peeler);
    if said.program.as_deref() != Some("systemd") || said.ts.is_none() {
        return None;
    }
    let text = text.trim();
    let (caps, kind) = UNIT_LINES
        .iter()
        .find_map(|(re, kind)| re.captures(text).map(|c| (c, *kind)))?;
    let what = caps.name("what")?.as_str();
    if !names_system(what, profile) {
        return None;
    }
    let detail = match caps.name("how") {
        Some(how) => format!("systemd: {what} main process exited, {}", how.as_str()),
        None => format!("systemd: {text}"),
    };
    Some((said.clone(), kind, detail))
}

/// True when a unit's name or description names the profile's system or one of its programs.
/// A unit's name says it exactly: `etcd.service`, `etcd2.service`, `consul@dc1.service` (not
/// `redis-exporter.service`, another program). A description says it in its first word
/// (`etcd key-value store`, `Consul is a tool …`, `etcd2`; not `Prometheus Redis exporter`), or starts
/// as one of the profile's shipped unit descriptions (`units`).
fn names_system(what: &str, profile: &Profile) -> bool {
    let what = what.to_ascii_lowercase();
    let unit = what.split(" - ").next().unwrap_or_default();
    let names = || {
        std::iter::once(&profile.system)
            .chain(&profile.programs)
            .map(|n| n.to_ascii_lowercase())
    };
    if let Some(stem) = unit.strip_suffix(".service") {
        let stem = stem.split('@').next().unwrap_or_default();
        let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit());
        // A unit per role of the same program: `k3s-server`, `k3s-agent`, `consul-server`.
        const ROLES: &[&str] = &["server", "agent", "node", "master", "worker", "member"];
        return names().any(|n| {
            n == stem
                || stem
                    .strip_prefix(n.as_str())
                    .and_then(|r| r.strip_prefix('-'))
                    .is_some_and(|r| ROLES.contains(&r))
        });
    }
    let first = what
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-')
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    // A description that is the unit's own name, major version and all (CoreOS's `etcd2`).
    let unversioned = first.trim_end_matches(|c: char| c.is_ascii_digit());
    names().any(|n| n == first || n == unversioned)
        || profile
            .units
            .iter()
            .any(|d| what.starts_with(&d.to_ascii_lowercase()))
}
