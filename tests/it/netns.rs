//! `rift export --to iptables` against real network namespaces: a one-way fault A -> B drops A's
//! datagrams to B and nothing else while it lasts, and heals on time.
//!
//! Needs root, `ip`, `iptables`, `bash` and `python3` (`.ci/run` installs them on Debian);
//! without them, or where namespaces cannot be made, the test prints why it skips and passes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rift_replay::Scenario;

use crate::{rift, stderr};

/// Waits for a datagram on UDP port 9999 for argv[1] seconds; says "ready" once bound, then
/// "got" or "timeout".
const RECEIVE: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
s.settimeout(float(sys.argv[1]))
print("ready", flush=True)
try:
    s.recvfrom(64)
    print("got", flush=True)
except socket.timeout:
    print("timeout", flush=True)
"#;

/// Sends five datagrams to argv[1]:9999, 50 ms apart.
const SEND: &str = r#"
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b"rift", (sys.argv[1], 9999))
    time.sleep(0.05)
"#;

/// Three namespaces `riftT<pid>a/b/c` on a bridge `riftbr<pid>` that lives in a fourth namespace
/// (`riftT<pid>br`, so the host's own firewall never sees the bridged packets). Dropping it
/// removes everything it made, by name, also when a test panics.
struct Lab {
    pid: u32,
    /// Namespaces made so far.
    made: Vec<String>,
    /// The third octet of the lab's addresses.
    net: u32,
    /// The export script, while it runs.
    script: Option<Child>,
}

impl Lab {
    fn ns(&self, x: &str) -> String {
        format!("riftT{}{x}", self.pid)
    }

    fn ip_of(&self, x: &str) -> String {
        let last = match x {
            "a" => 11,
            "b" => 12,
            _ => 13,
        };
        format!("10.199.{}.{last}", self.net)
    }

    /// Makes the namespaces, the bridge and the veth pairs; `Err` says what failed.
    fn up() -> Result<Lab, String> {
        let pid = std::process::id();
        let mut lab = Lab {
            pid,
            made: Vec::new(),
            net: pid % 250 + 1,
            script: None,
        };
        let br_ns = lab.ns("br");
        let bridge = format!("riftbr{pid}");
        for x in ["br", "a", "b", "c"] {
            let ns = lab.ns(x);
            run("ip", &["netns", "add", &ns])?;
            lab.made.push(ns);
        }
        run(
            "ip",
            &["-n", &br_ns, "link", "add", &bridge, "type", "bridge"],
        )?;
        run("ip", &["-n", &br_ns, "link", "set", &bridge, "up"])?;
        for x in ["a", "b", "c"] {
            let (ns, veth) = (lab.ns(x), format!("riftv{pid}{x}"));
            let addr = format!("{}/24", lab.ip_of(x));
            run(
                "ip",
                &[
                    "-n", &br_ns, "link", "add", &veth, "type", "veth", "peer", "name", "eth0",
                    "netns", &ns,
                ],
            )?;
            run(
                "ip",
                &["-n", &br_ns, "link", "set", &veth, "master", &bridge, "up"],
            )?;
            run("ip", &["-n", &ns, "addr", "add", &addr, "dev", "eth0"])?;
            run("ip", &["-n", &ns, "link", "set", "eth0", "up"])?;
            run("ip", &["-n", &ns, "link", "set", "lo", "up"])?;
            run(
                "ip",
                &["netns", "exec", &ns, "iptables", "-w", "-S", "INPUT"],
            )?;
        }
        Ok(lab)
    }

    /// `ip netns exec <namespace of x> args…`.
    fn exec(&self, x: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.ns(x)]).args(args);
        cmd
    }

    /// Whether a datagram sent from namespace `from` reaches namespace `to`.
    fn udp_arrives(&self, from: &str, to: &str) -> bool {
        let mut rx = self
            .exec(to, &["python3", "-c", RECEIVE, "1.0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("ip netns exec runs");
        let mut lines = BufReader::new(rx.stdout.take().expect("piped stdout")).lines();
        let ready = lines.next().and_then(Result::ok);
        assert_eq!(
            ready.as_deref(),
            Some("ready"),
            "the receiver in {to} did not start"
        );
        let sent = self
            .exec(from, &["python3", "-c", SEND, &self.ip_of(to)])
            .status()
            .expect("ip netns exec runs");
        assert!(sent.success(), "sending from {from} failed");
        let verdict = lines.next().and_then(Result::ok);
        rx.wait().expect("the receiver ends");
        verdict.as_deref() == Some("got")
    }

    /// The INPUT chain of a namespace, as `iptables -S` prints it.
    fn input_rules(&self, x: &str) -> String {
        let out = self
            .exec(x, &["iptables", "-w", "-S", "INPUT"])
            .output()
            .expect("ip netns exec runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(mut script) = self.script.take() {
            let _ = script.kill();
            let _ = script.wait();
        }
        let br_ns = self.ns("br");
        for x in ["a", "b", "c"] {
            let _ = run(
                "ip",
                &[
                    "-n",
                    &br_ns,
                    "link",
                    "del",
                    &format!("riftv{}{x}", self.pid),
                ],
            );
        }
        let _ = run(
            "ip",
            &["-n", &br_ns, "link", "del", &format!("riftbr{}", self.pid)],
        );
        for ns in self.made.iter().rev() {
            let _ = run("ip", &["netns", "del", ns]);
        }
    }
}

/// Runs a command; `Err` holds the command and what it printed.
fn run(cmd: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .map_err(|e| format!("{cmd}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{cmd} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Why this machine cannot run the test, if it cannot.
fn missing_prerequisite() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("not root (network namespaces and iptables need root)".into());
    }
    for (tool, flag) in [
        ("ip", "-V"),
        ("iptables", "-V"),
        ("bash", "--version"),
        ("python3", "-V"),
    ] {
        if run(tool, &[flag]).is_err() {
            return Some(format!("`{tool}` is missing"));
        }
    }
    None
}

fn wait_until(t0: Instant, secs: f64) {
    let at = t0 + Duration::from_secs_f64(secs);
    if let Some(left) = at.checked_duration_since(Instant::now()) {
        std::thread::sleep(left);
    }
}

#[test]
fn a_one_way_drop_in_real_namespaces_drops_only_that_direction_and_heals() {
    if let Some(reason) = missing_prerequisite() {
        eprintln!("skipping: {reason}");
        return;
    }
    let mut lab = match Lab::up() {
        Ok(lab) => lab,
        Err(reason) => {
            eprintln!("skipping: cannot build the namespace lab: {reason}");
            return;
        }
    };
    if !(lab.udp_arrives("a", "b") && lab.udp_arrives("b", "a")) {
        eprintln!(
            "skipping: the namespaces do not reach each other over the bridge before any fault"
        );
        return;
    }
    let (a, b, c) = (lab.ns("a"), lab.ns("b"), lab.ns("c"));
    let text = format!(
        r#"name = "netns one-way"
duration = "12s"
[cluster]
nodes = ["{a}", "{b}", "{c}"]
[[phase]]
name = "a-mute"
start = "1s"
end = "10s"
drop = ["{a}->{b}"]
"#
    );
    let scenario = Scenario::parse(&text, "netns.toml").expect("the test scenario parses");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let toml = dir.path().join("netns.toml");
    std::fs::write(&toml, scenario.to_toml()).expect("the scenario is written");
    let script = dir.path().join("netns.sh");
    let addr = |x: &str| format!("{}={}", lab.ns(x), lab.ip_of(x));
    let (addr_a, addr_b, addr_c) = (addr("a"), addr("b"), addr("c"));
    let o = rift(&[
        "export",
        &toml.display().to_string(),
        "--to",
        "iptables",
        "--addr",
        &addr_a,
        "--addr",
        &addr_b,
        "--addr",
        &addr_c,
        "-o",
        &script.display().to_string(),
    ]);
    assert!(o.status.success(), "rift export failed: {}", stderr(&o));

    let log = dir.path().join("netns.log");
    let log_file = std::fs::File::create(&log).expect("a log file");
    let t0 = Instant::now();
    lab.script = Some(
        Command::new("bash")
            .arg(&script)
            .stdout(log_file.try_clone().expect("the log file"))
            .stderr(log_file)
            .spawn()
            .expect("bash runs"),
    );
    let log_text = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();

    // While the fault is in force (1 s to 10 s): a's packets do not reach b; b's still reach a,
    // and c is untouched.
    wait_until(t0, 1.5);
    let rules = lab.input_rules("b");
    let src = format!("-s {}/32", lab.ip_of("a"));
    assert!(
        rules.contains(&src) && rules.contains("rift:netns-one-way:a-mute"),
        "b's INPUT chain lacks the rule: {rules}\nscript log:\n{}",
        log_text(&log)
    );
    assert!(
        lab.input_rules("a").lines().all(|l| !l.contains("rift:")),
        "a has a rule"
    );
    assert!(
        !lab.udp_arrives("a", "b"),
        "a -> b got through during the fault"
    );
    assert!(
        lab.udp_arrives("b", "a"),
        "b -> a was dropped: the fault is not one-way"
    );
    assert!(
        lab.udp_arrives("a", "c"),
        "a -> c was dropped: the fault is not only a -> b"
    );
    let checked = t0.elapsed();
    assert!(
        checked < Duration::from_secs_f64(9.9),
        "the checks took until {checked:?}, past the heal at 10 s: the machine is too loaded"
    );

    // After the heal (10 s) and before the end (12 s): the rule is gone and a -> b gets through.
    wait_until(t0, 10.5);
    let rules = lab.input_rules("b");
    assert!(!rules.contains("rift:"), "the heal left a rule: {rules}");
    assert!(
        lab.udp_arrives("a", "b"),
        "a -> b still dropped after the heal"
    );

    let status = lab
        .script
        .take()
        .expect("the script")
        .wait()
        .expect("bash ends");
    assert!(status.success(), "the script failed:\n{}", log_text(&log));
    let out = log_text(&log);
    assert!(
        out.contains("[t=1.000]")
            && out.contains("[t=10.000]")
            && out.contains("end of the scenario"),
        "{out}"
    );
}
