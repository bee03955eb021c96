//! The lab's network: one namespace per host (`rlab-<host>`), each with one interface `eth0` on a
//! bridge that lives in a namespace of its own (`rlab-br`), so the machine's own firewall and
//! routes never see the lab's packets and the lab's never leave it.

use std::fs::File;
use std::io::Write as _;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::LabError;

/// Every namespace the lab makes is named with this prefix.
pub const PREFIX: &str = "rlab-";

/// The namespace holding the bridge.
const BRIDGE_NS: &str = "rlab-br";

/// Where runs write the PIDs of what they started outside the namespaces (the fault script), for
/// `rift lab clean` after a run that was killed.
const STATE_DIR: &str = "/run/rift-lab";

/// A host of the lab: its name and address.
#[derive(Clone, Debug)]
pub(crate) struct Host {
    pub(crate) name: String,
    pub(crate) ip: Ipv4Addr,
}

/// The namespaces of one run; dropping it stops what runs in them and removes them.
#[derive(Debug)]
pub(crate) struct Net {
    made: Vec<String>,
    state: PathBuf,
}

/// The namespace of a host.
pub(crate) fn ns_of(host: &str) -> String {
    format!("{PREFIX}{host}")
}

impl Net {
    /// Makes the bridge and one namespace per host.
    pub(crate) fn up(hosts: &[Host]) -> Result<Net, LabError> {
        let mut net = Net {
            made: Vec::new(),
            state: Path::new(STATE_DIR).join(format!("run-{}", std::process::id())),
        };
        ip(&["netns", "add", BRIDGE_NS])?;
        net.made.push(BRIDGE_NS.to_owned());
        ip(&["-n", BRIDGE_NS, "link", "set", "lo", "up"])?;
        ip(&["-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge"])?;
        ip(&["-n", BRIDGE_NS, "link", "set", "br0", "up"])?;
        for h in hosts {
            let ns = ns_of(&h.name);
            ip(&["netns", "add", &ns])?;
            net.made.push(ns.clone());
            let veth = format!("v-{}", h.name);
            ip(&[
                "-n", BRIDGE_NS, "link", "add", &veth, "type", "veth", "peer", "name", "eth0",
                "netns", &ns,
            ])?;
            ip(&["-n", BRIDGE_NS, "link", "set", &veth, "master", "br0", "up"])?;
            ip(&["-n", &ns, "link", "set", "lo", "up"])?;
            ip(&[
                "-n",
                &ns,
                "addr",
                "add",
                &format!("{}/24", h.ip),
                "dev",
                "eth0",
            ])?;
            ip(&["-n", &ns, "link", "set", "eth0", "up"])?;
            // Fails early, before anything starts, where iptables cannot run in a namespace.
            run(Command::new("ip").args(["netns", "exec", &ns, "iptables", "-w", "-S", "INPUT"]))?;
        }
        Ok(net)
    }

    /// Notes a process started outside the namespaces, so that `rift lab clean` can stop it if
    /// this run is killed.
    pub(crate) fn note_pid(&self, pid: u32, what: &str) {
        let Some(start) = start_time(pid) else {
            return;
        };
        let _ = std::fs::create_dir_all(STATE_DIR);
        if let Ok(mut f) = File::options().create(true).append(true).open(&self.state) {
            let _ = writeln!(f, "{pid} {start} {what}");
        }
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in self.made.iter().rev() {
            stop_inside(ns);
            let _ = ip(&["netns", "del", ns]);
        }
        let _ = std::fs::remove_file(&self.state);
    }
}

/// Moves the calling thread into a host's namespace: sockets it opens and processes it starts
/// from then on are that host's.
pub(crate) fn enter(host: &str) -> std::io::Result<()> {
    let f = File::open(Path::new("/var/run/netns").join(ns_of(host)))?;
    // SAFETY: setns with a namespace file descriptor this thread owns; it changes only the
    // calling thread's network namespace.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// `ip netns exec <host's namespace> program`.
pub(crate) fn exec(host: &str, program: &str) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &ns_of(host), program]);
    cmd
}

/// Namespaces of the lab that exist now.
pub fn leftovers() -> Vec<String> {
    let Ok(out) = Command::new("ip")
        .args(["netns", "list"])
        .stderr(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with(PREFIX))
        .map(str::to_owned)
        .collect();
    names.sort();
    names
}

/// Removes what killed runs left: the processes in the lab's namespaces, the fault scripts they
/// started (by PID, checked against the start time noted with it), and the namespaces. Returns
/// what it removed, one line each.
pub fn clean() -> Result<Vec<String>, LabError> {
    if unsafe { libc::geteuid() } != 0 {
        return Err(LabError::NotRoot);
    }
    let mut done = Vec::new();
    if let Ok(dir) = std::fs::read_dir(STATE_DIR) {
        for entry in dir.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for line in text.lines() {
                let mut parts = line.splitn(3, ' ');
                let (Some(pid), Some(start), what) = (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                let Ok(pid) = pid.parse::<u32>() else {
                    continue;
                };
                if start_time(pid).as_deref() == Some(start) {
                    terminate(&[pid]);
                    done.push(format!("stopped {} (pid {pid})", what.unwrap_or("process")));
                }
            }
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let mut names = leftovers();
    // The bridge's namespace last, after every veth's other end is gone.
    names.sort_by_key(|n| n == BRIDGE_NS);
    for ns in names {
        let pids = stop_inside(&ns);
        if pids > 0 {
            done.push(format!("stopped {pids} processes in {ns}"));
        }
        ip(&["netns", "del", &ns])?;
        done.push(format!("removed network namespace {ns}"));
    }
    Ok(done)
}

/// Stops every process in a namespace (SIGTERM, then SIGKILL after 5 s); returns how many.
fn stop_inside(ns: &str) -> usize {
    let Ok(out) = Command::new("ip")
        .args(["netns", "pids", ns])
        .stderr(Stdio::null())
        .output()
    else {
        return 0;
    };
    let pids: Vec<u32> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect();
    terminate(&pids);
    pids.len()
}

/// SIGTERM to each, then SIGKILL to those still there after 5 s.
pub(crate) fn terminate(pids: &[u32]) {
    for &p in pids {
        // SAFETY: kill(2) with a PID read from the kernel just now; no memory is touched.
        unsafe { libc::kill(p as libc::pid_t, libc::SIGTERM) };
    }
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until && pids.iter().any(|&p| alive(p)) {
        std::thread::sleep(Duration::from_millis(50));
    }
    for &p in pids.iter().filter(|&&p| alive(p)) {
        // SAFETY: as above.
        unsafe { libc::kill(p as libc::pid_t, libc::SIGKILL) };
    }
}

fn alive(pid: u32) -> bool {
    // A zombie has exited: its parent only has not collected it yet.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
        Err(_) => false,
    }
}

/// The start time of a process (field 22 of /proc/PID/stat), which tells it from a later process
/// that reused its PID.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(") ")?;
    rest.split_whitespace().nth(19).map(str::to_owned)
}

fn ip(args: &[&str]) -> Result<(), LabError> {
    run(Command::new("ip").args(args))
}

/// Runs a command to its end; a failure names the command and what it printed.
pub(crate) fn run(cmd: &mut Command) -> Result<(), LabError> {
    let shown = shown(cmd);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| LabError::Command {
            command: shown.clone(),
            detail: e.to_string(),
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(LabError::Command {
            command: shown,
            detail: format!(
                "{}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        })
    }
}

/// A command as a person would type it.
pub(crate) fn shown(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}
