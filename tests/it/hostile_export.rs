//! `rift export --to iptables` with hostile names: the generated script runs as root, so no
//! scenario name, phase name or file name may run as a command in it. Each script is run by bash
//! with stub `ip`, `iptables`, `tc`, `sleep` and `date` first on `PATH`; the stubs log what they
//! are asked to do, and a name that escaped its comment would create the marker file.

use std::path::PathBuf;
use std::process::Command;

use crate::{rift, stderr};

/// Every line terminator some reader obeys: LF, CR, VT, FF, NEL, LS, PS.
const TERMINATORS: [char; 7] = [
    '\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}',
];

/// Stubs that log their arguments to `$STUB_LOG`; `ip netns exec NS CMD…` then runs CMD (another
/// stub), `ip -o route get` answers with a route through eth0.
const STUBS: [(&str, &str); 5] = [
    (
        "ip",
        "echo \"ip $*\" >> \"$STUB_LOG\"\n\
         if [ \"$1 $2\" = 'netns exec' ]; then shift 3; exec \"$@\"; fi\n\
         if [ \"$1 $2 $3\" = '-o route get' ]; then echo \"$4 dev eth0 src 10.77.0.1\"; fi\n",
    ),
    ("iptables", "echo \"iptables $*\" >> \"$STUB_LOG\"\n"),
    ("tc", "echo \"tc $*\" >> \"$STUB_LOG\"\n"),
    // Timing only: every step is due at once.
    ("sleep", ":\n"),
    ("date", "echo 1700000000000000000\n"),
];

/// A folder of stubs, and a scenario file named `file` whose scenario and phases are all named
/// `name`: n1 -> n2 cut from 1 s to 2 s, and n1 -> n3 delayed and lossy over the same second.
struct Run {
    dir: tempfile::TempDir,
    scenario: PathBuf,
}

impl Run {
    fn new(name: &str, file: &str) -> Run {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let stubs = dir.path().join("bin");
        std::fs::create_dir(&stubs).expect("the stub folder");
        for (cmd, body) in STUBS {
            let path = stubs.join(cmd);
            std::fs::write(&path, format!("#!/bin/sh\n{body}")).expect("a stub");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                    .expect("the stub is executable");
            }
        }
        let quoted = serde_json::to_string(name).expect("a JSON string");
        // TOML reads a JSON string's escapes alike, but for DEL, which no name here holds.
        let text = format!(
            "name = {quoted}\nduration = \"3s\"\n[cluster]\nnodes = [\"n1\", \"n2\", \"n3\"]\n\
             [[phase]]\nname = {quoted}\nstart = \"1s\"\nend = \"2s\"\ndrop = [\"n1->n2\"]\n\
             [[phase]]\nname = {quoted}\nstart = \"1s\"\nend = \"2s\"\ndrop = [\"n1->n3\"]\nloss = 0.5\ndelay = \"10ms\"\n"
        );
        let scenario = dir.path().join(file);
        std::fs::write(&scenario, text).expect("the scenario is written");
        Run { dir, scenario }
    }

    fn marker(&self) -> PathBuf {
        self.dir.path().join("pwned")
    }

    /// Exports the scenario (with `extra` options) and runs the script with bash and `args`;
    /// returns the stubs' log.
    fn script(&self, extra: &[&str], args: &[&str]) -> Vec<String> {
        let script = self.dir.path().join("faults.sh");
        let mut argv = vec![
            "export",
            self.scenario.to_str().expect("a UTF-8 path"),
            "--to",
            "iptables",
            "-o",
            script.to_str().expect("a UTF-8 path"),
        ];
        argv.extend(extra);
        let o = rift(&argv);
        assert!(o.status.success(), "{}", stderr(&o));
        let syntax = Command::new("bash")
            .arg("-n")
            .arg(&script)
            .output()
            .expect("bash runs");
        assert!(syntax.status.success(), "{}", stderr(&syntax));
        let log = self.dir.path().join("stubs.log");
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let run = Command::new("bash")
            .arg(&script)
            .args(args)
            .env("PATH", path)
            .env("STUB_LOG", &log)
            .env("MARKER", self.marker())
            .env_remove("RIFT_T0_NS")
            .current_dir(self.dir.path())
            .output()
            .expect("bash runs");
        let text = std::fs::read_to_string(&script).expect("the script");
        assert!(run.status.success(), "{}\n{text}", stderr(&run));
        assert!(!self.marker().exists(), "a name ran as a command:\n{text}");
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// Logs `cmd` run in `host`'s namespace: the `ip netns exec` stub, then the command's stub.
fn in_netns(out: &mut Vec<String>, host: &str, cmd: &str) {
    out.push(format!("ip netns exec {host} {cmd}"));
    out.push(cmd.to_owned());
}

/// What the stubs must see for [`Run`]'s scenario in netns mode, with `tag` the rules' comment.
fn netns_commands(tag: &str) -> Vec<String> {
    let drop = format!("-s 10.77.0.11 -m comment --comment {tag} -j DROP");
    let lossy = format!(
        "-s 10.77.0.11 -m statistic --mode random --probability 0.5 -m comment --comment {tag} -j DROP"
    );
    let filter = "parent 1: protocol ip prio 1";
    let mut out = Vec::new();
    for h in ["n1", "n2", "n3"] {
        in_netns(&mut out, h, "iptables -w -S INPUT");
    }
    in_netns(&mut out, "n1", "ip -o route get 10.77.0.13");
    for (host, cmd) in [
        (
            "n1",
            "tc qdisc add dev eth0 root handle 1: prio bands 4 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1"
                .to_owned(),
        ),
        ("n1", "tc qdisc add dev eth0 parent 1:4 netem delay 10ms".to_owned()),
        (
            "n1",
            format!("tc filter add dev eth0 {filter} u32 match ip dst 10.77.0.13/32 flowid 1:4"),
        ),
        ("n2", format!("iptables -w -I INPUT {drop}")),
        ("n3", format!("iptables -w -I INPUT {lossy}")),
        ("n1", format!("tc filter del dev eth0 {filter}")),
        ("n2", format!("iptables -w -D INPUT {drop}")),
        ("n3", format!("iptables -w -D INPUT {lossy}")),
        // The exit trap: the qdisc the script added goes.
        ("n1", "tc qdisc del dev eth0 root".to_owned()),
    ] {
        in_netns(&mut out, host, &cmd);
    }
    out
}

/// A name that would run `touch $MARKER` if it left its comment or string, in four ways.
fn payload(t: char) -> String {
    format!(
        "x{t}touch \"$MARKER\"{t}$(touch \"$MARKER\"){t}`touch \"$MARKER\"`{t}'; touch \"$MARKER\"; '"
    )
}

/// The rules' comment for [`payload`] as scenario and phase name: `rift:<scenario>:<phase>`,
/// each reduced to letters, digits and dashes.
const TAG: &str = "rift:x-touch-marker-touch-marker-touch-marker-touch-marker:x-touch-marker-touch-marker-touch-marker-touch-marker";

#[test]
fn hostile_export_no_name_or_file_name_runs_in_the_iptables_script() {
    for t in TERMINATORS {
        let name = payload(t);
        // A file name cannot hold '/': the same commands, each with its terminator.
        let file = format!("s{t}touch $MARKER{t}$(touch $MARKER){t}.toml");
        let run = Run::new(&name, &file);
        assert_eq!(run.script(&[], &[]), netns_commands(TAG), "{t:?}");
    }
}

#[test]
fn hostile_export_hosts_mode_and_a_prefix_run_only_the_intended_commands() {
    let run = Run::new(&payload('\n'), "plain.toml");
    let log = run.script(&["--mode", "hosts"], &["n2"]);
    let drop = format!("-s 10.77.0.11 -m comment --comment {TAG} -j DROP");
    assert_eq!(
        log,
        [
            "iptables -w -S INPUT".to_owned(),
            format!("iptables -w -I INPUT {drop}"),
            format!("iptables -w -D INPUT {drop}"),
        ]
    );
    // A prefix that is not a plain word is refused before anything is written.
    let o = rift(&[
        "export",
        run.scenario.to_str().expect("a UTF-8 path"),
        "--to",
        "iptables",
        "--netns-prefix",
        "a\nb",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--netns-prefix"), "{}", stderr(&o));
}

/// Every scenario under `tests/fixtures/hostile/` asks for more work than rift does: each
/// command that reads it refuses it at once, with the figure and the limit, and exit 3.
#[test]
fn hostile_export_work_beyond_the_limits_is_refused_at_once() {
    let dir = crate::root_fixture("hostile");
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the hostile fixtures")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 4, "{scenarios:?}");
    let out = tempfile::tempdir().expect("a temporary folder");
    for path in &scenarios {
        let path = path.to_str().expect("a UTF-8 path");
        let synth_out = out.path().join("synth").display().to_string();
        for args in [
            vec!["replay", path],
            vec!["export", path, "--to", "iptables"],
            vec!["export", path, "--to", "jepsen"],
            vec!["synth", path, "--out", &synth_out],
        ] {
            let started = std::time::Instant::now();
            let o = rift(&args);
            let took = started.elapsed();
            assert_eq!(o.status.code(), Some(3), "{args:?}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("; the limit is "),
                "{args:?}: {}",
                stderr(&o)
            );
            assert!(took.as_secs() < 5, "{args:?} took {took:?}");
        }
        assert!(!out.path().join("synth").exists(), "synth wrote nothing");
    }
    let o = rift(&[
        "replay",
        "replay/scenarios/textbook-asymmetric.toml",
        "--compare",
        "current,lb+interval_ms=0",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("'interval_ms=0': 0 is outside what rift accepts for lb-health"),
        "{}",
        stderr(&o)
    );
}
