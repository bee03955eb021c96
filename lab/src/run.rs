//! One recording, start to end: network, members, leader, probes, the fault script, shutdown,
//! truth. Whatever happens, what the run started is stopped and its namespaces removed before
//! [`record`] returns.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write as _};
use std::net::Ipv4Addr;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rift_replay::export::{ExportOptions, ExportTarget, Mode};
use rift_replay::{Seed, Stream};

use crate::error::LabError;
use crate::netns::{self, Host, Net};
use crate::plan::{Plan, RunOptions};
use crate::stop;
use crate::system::{self, Cluster, LabSpec, LabSystem, Member};
use crate::telemetry::{Telemetry, q};
use crate::truth::{self, Applied, Span, Truth, Window, iso, now_ms};

/// Says what the run is doing, one line at a time (the CLI prints them).
pub type Progress<'a> = &'a mut dyn FnMut(&str);

/// The lab's addresses: members 10.77.0.11 + i, the client 10.77.0.100.
fn member_ip(i: usize) -> Ipv4Addr {
    Ipv4Addr::new(10, 77, 0, 11 + i as u8)
}
const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 100);

/// How long the same member must lead before the lab takes it as the leader.
const LEADER_SETTLES: Duration = Duration::from_secs(1);

/// Records one scenario; returns its truth (also written to `OUT/truth.json`).
pub fn record(opts: &RunOptions, progress: Progress<'_>) -> Result<Truth, LabError> {
    let spec =
        LabSpec::of(&opts.system)?.adjusted(&opts.system, opts.variant.as_deref(), &opts.set)?;
    let plan = Plan::new(opts)?;
    let out = &opts.out;
    let export = out.join("export");
    if export.exists() || out.join("truth.json").exists() {
        return Err(LabError::OutExists(out.clone()));
    }
    if let Some(e) = system::check(&opts.system)?.error() {
        return Err(e);
    }
    let left = netns::leftovers();
    if !left.is_empty() {
        return Err(LabError::Leftovers {
            names: left.join(", "),
        });
    }
    stop::install();
    let sys: Arc<dyn LabSystem> = Arc::from(system::module(&opts.system, &spec)?);
    let mut dirs = vec![export.join("logs")];
    if sys.serves_metrics() {
        dirs.push(export.join("metrics-raw"));
    }
    for d in dirs {
        std::fs::create_dir_all(&d).map_err(LabError::io(&d))?;
    }
    let timeline = Timeline::create(&out.join("lab-timeline.csv"))?;
    let mut run = Run {
        system: opts.system.clone(),
        changed: opts
            .variant
            .iter()
            .map(|v| format!("--variant {v}"))
            .chain(opts.set.iter().map(|s| format!("--set {s}")))
            .collect(),
        plan,
        spec,
        sys,
        out: out.clone(),
        export,
        timeline,
        net: None,
        members: Vec::new(),
        telemetry: None,
        script: None,
    };
    let result = run.go(progress);
    run.teardown();
    result
}

struct Run {
    system: String,
    /// The settings the run was asked to change, as asked (`--variant current+prevote`).
    changed: Vec<String>,
    plan: Plan,
    spec: LabSpec,
    sys: Arc<dyn LabSystem>,
    out: PathBuf,
    export: PathBuf,
    timeline: Timeline,
    net: Option<Net>,
    /// Every process started, with the member it belongs to (`None`: the client's host).
    members: Vec<(Option<usize>, Child)>,
    telemetry: Option<Telemetry>,
    script: Option<Child>,
}

/// `lab-timeline.csv`: what the run did, when.
struct Timeline(Mutex<File>);

impl Timeline {
    fn create(path: &Path) -> Result<Timeline, LabError> {
        let mut f = File::create(path).map_err(LabError::io(path))?;
        writeln!(f, "ts_iso,ts_ms,event,detail").map_err(LabError::io(path))?;
        Ok(Timeline(Mutex::new(f)))
    }

    fn add(&self, ms: i64, event: &str, detail: &str) {
        let mut f = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(f, "{},{ms},{event},{}", iso(ms), q(detail));
    }
}

impl Run {
    fn note(&self, progress: &mut dyn FnMut(&str), event: &str, detail: &str) -> i64 {
        let ms = now_ms();
        self.timeline.add(ms, event, detail);
        progress(&format!("{} {event} {detail}", &iso(ms)[11..23]));
        ms
    }

    fn go(&mut self, progress: Progress<'_>) -> Result<Truth, LabError> {
        let version = self.sys.version()?;
        let n = self.plan.scenario.cluster.nodes.len();
        self.note(
            progress,
            "run_start",
            &format!(
                "scenario={} system={} {version} nodes={n} seed={}",
                self.plan.name,
                self.system,
                self.plan.seed.map_or("none".into(), |s| s.to_string())
            ),
        );
        let names = &self.plan.scenario.cluster.nodes;
        let want = self
            .plan
            .leader()
            .and_then(|l| names.iter().position(|m| m == l));
        let mut cluster = Cluster {
            members: (0..n)
                .map(|i| Member {
                    host: Host {
                        name: self.plan.scenario.cluster.nodes[i].clone(),
                        ip: member_ip(i),
                    },
                    id: None,
                })
                .collect(),
            client: Host {
                name: "client".into(),
                ip: CLIENT_IP,
            },
            token: format!("rift-lab-{}-{}", self.plan.name, now_ms()),
            leader: want,
        };
        let mut hosts: Vec<Host> = cluster.members.iter().map(|m| m.host.clone()).collect();
        hosts.push(cluster.client.clone());
        self.net = Some(Net::up(&hosts)?);
        self.note(
            progress,
            "net_ready",
            &format!(
                "namespaces {}<host> on a bridge in {}br, 10.77.0.0/24",
                netns::PREFIX,
                netns::PREFIX
            ),
        );

        // Members, a little apart: started in the same millisecond, each one's bootstrap check
        // waits out its timeout on peers not yet listening. The member wanted as leader goes
        // first, so that a system whose first election goes to whoever is there wins with it.
        let rundir = self.out.join("data");
        std::fs::create_dir_all(&rundir).map_err(LabError::io(&rundir))?;
        let rundir = std::path::absolute(&rundir).map_err(LabError::io(&rundir))?;
        let logs =
            std::path::absolute(self.export.join("logs")).map_err(LabError::io(&self.export))?;
        let mut stagger = Stream::new(Seed(self.plan.seed.unwrap_or(0)), "lab start");
        let cluster_start = now_ms();
        let order: Vec<usize> = want
            .into_iter()
            .chain((0..n).filter(|&i| Some(i) != want))
            .collect();
        for i in order {
            stop::check()?;
            let name = cluster.members[i].host.name.clone();
            for p in self.sys.start(&cluster, i, &logs, &rundir)? {
                let child = spawn_process(p, &name, &logs, &rundir)?;
                self.members.push((Some(i), child));
            }
            std::thread::sleep(Duration::from_millis(120 + stagger.range(0, 80)));
        }
        let pids: Vec<String> = self
            .members
            .iter()
            .map(|(_, c)| c.id().to_string())
            .collect();
        self.note(
            progress,
            "members_started",
            &format!("{n} members, processes {}", pids.join(" ")),
        );

        let first = self.wait_leader(&cluster, None, self.sys.start_within())?;
        self.note(
            progress,
            "leader_elected",
            &cluster.members[first].host.name.clone(),
        );
        let sys = Arc::clone(&self.sys);
        let client = cluster.client.name.clone();
        in_client(&client, || sys.identify(&mut cluster))?;
        self.write_members(&cluster)?;
        if let Some(w) = want {
            self.move_leader(&cluster, w, progress)?;
        }
        self.start_client_processes(&cluster, &logs, &rundir, progress)?;
        stop::sleep(Duration::from_secs(2))?;

        let cluster = Arc::new(cluster);
        let tele = Telemetry::start(Arc::clone(&self.sys), Arc::clone(&cluster), &self.export)?;
        let t0_ms = tele.start_ms;
        let t0 = Instant::now();
        self.telemetry = Some(tele);
        self.timeline.add(
            t0_ms,
            "telemetry_started",
            "metrics and health every 1 s per member, a write and a read every 500 ms per member",
        );

        // The fault script: the same text `rift export --to iptables` writes.
        let script_path = self.out.join("faults.sh");
        let script = self.script(&cluster)?;
        std::fs::write(&script_path, script).map_err(LabError::io(&script_path))?;
        let applied = Arc::new(Mutex::new(Vec::<Applied>::new()));
        let reader = self.start_script(&script_path, t0_ms, Arc::clone(&applied))?;

        // Before the first fault: the leader the scenario wants, and who leads at injection.
        let mut leader_at = None;
        if let Some(first) = self.plan.first_fault() {
            let at = t0 + Duration::from_micros(first.0);
            stop::sleep_until(at.checked_sub(Duration::from_millis(1500)).unwrap_or(at))?;
            if let Some(w) = want {
                let now = self.leaders(&cluster)?;
                if now != [w] {
                    self.move_leader(&cluster, w, progress)?;
                    // The script keeps its own clock: a leader still moving when the first
                    // fault goes in would record the move, not the fault.
                    if Instant::now() >= at {
                        return Err(LabError::Cluster(format!(
                            "leadership had drifted from {} and was still moving back when the \
                             first fault was due; record again",
                            cluster.members[w].host.name
                        )));
                    }
                }
            }
            stop::sleep_until(at.checked_sub(Duration::from_millis(200)).unwrap_or(at))?;
        }
        let now = self.leaders(&cluster)?;
        if let [l] = now.as_slice() {
            leader_at = Some(cluster.members[*l].host.name.clone());
        }
        self.note(
            progress,
            "leader_before_fault",
            leader_at.as_deref().unwrap_or("none or several"),
        );

        // The script ends at the scenario's end; crashes are the run's own to make.
        let end = t0 + Duration::from_micros(self.plan.scenario.duration.0.0);
        let limit = end + Duration::from_secs(30);
        let mut crashes: Vec<(u64, usize, bool)> = Vec::new();
        for c in self.plan.scenario.crashes() {
            crashes.push((c.start.0, c.host.ix(), true));
            if c.end < self.plan.scenario.end() {
                crashes.push((c.end.0, c.host.ix(), false));
            }
        }
        crashes.sort_unstable();
        let mut crashes = crashes.into_iter().peekable();
        loop {
            stop::check()?;
            while let Some(&(us, i, kill)) = crashes.peek() {
                if Instant::now() < t0 + Duration::from_micros(us) {
                    break;
                }
                crashes.next();
                let step = self.crash_step(&cluster, i, kill, &logs, &rundir, us)?;
                self.timeline.add(
                    step.ts_ms,
                    "fault_rule",
                    &format!("{}: {}", step.host, step.command),
                );
                applied.lock().unwrap_or_else(|p| p.into_inner()).push(step);
            }
            let child = self.script.as_mut().expect("started above");
            match child.try_wait() {
                Ok(Some(status)) => {
                    let _ = reader.join();
                    // try_wait has collected it; only its error output is left to read.
                    let stderr = self.script.as_mut().and_then(|c| c.stderr.take());
                    self.script = None;
                    if !status.success() {
                        let mut msg = String::new();
                        if let Some(mut e) = stderr {
                            let _ = std::io::Read::read_to_string(&mut e, &mut msg);
                        }
                        return Err(LabError::Command {
                            command: format!("bash {}", script_path.display()),
                            detail: format!("{status}: {}", msg.trim()),
                        });
                    }
                    break;
                }
                Ok(None) if Instant::now() < limit => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    return Err(LabError::Cluster(format!(
                        "the fault script did not end 30 s after the scenario's end ({})",
                        script_path.display()
                    )));
                }
            }
        }
        for a in applied.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            self.timeline
                .add(a.ts_ms, "fault_rule", &format!("{}: {}", a.host, a.command));
        }
        let after = self.leaders(&cluster)?;
        let names: Vec<&str> = after
            .iter()
            .map(|&i| cluster.members[i].host.name.as_str())
            .collect();
        self.note(progress, "leader_after_recovery", &names.join(" "));

        let tele = self.telemetry.take().expect("started above");
        let (t1_ms, unanswered) = tele.finish(&self.export)?;
        self.timeline.add(t1_ms, "telemetry_stopped", "");
        let shutdown = self.note(progress, "shutdown", "SIGTERM to every member");
        self.stop_members();
        self.note(progress, "members_stopped", "");
        self.export_config(&cluster)?;
        if let Some(text) = self.sys.incident_toml() {
            let path = self.export.join("incident.toml");
            std::fs::write(&path, text).map_err(LabError::io(&path))?;
        }

        let applied = applied.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let truth = self.truth(
            &cluster,
            &version,
            applied,
            leader_at,
            Window {
                start: iso(t0_ms),
                end: iso(t1_ms),
                start_ms: t0_ms,
                end_ms: t1_ms,
                note: truth::WINDOW_NOTE.into(),
                cluster_start_ms: cluster_start,
                shutdown_start: iso(shutdown),
                shutdown_start_ms: shutdown,
            },
            unanswered,
        );
        let path = self.out.join("truth.json");
        let text = serde_json::to_string_pretty(&truth).expect("plain data serializes");
        std::fs::write(&path, text + "\n").map_err(LabError::io(&path))?;
        Ok(truth)
    }

    /// Starts what the client's host runs besides the workload (a load balancer), and waits
    /// until it serves.
    fn start_client_processes(
        &mut self,
        cluster: &Cluster,
        logs: &Path,
        rundir: &Path,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), LabError> {
        let name = cluster.client.name.clone();
        let procs = self.sys.client_processes(cluster, &rundir.join(&name))?;
        if procs.is_empty() {
            return Ok(());
        }
        let mut pids = Vec::new();
        for p in procs {
            let child = spawn_process(p, &name, logs, rundir)?;
            pids.push(child.id().to_string());
            self.members.push((None, child));
        }
        let until = Instant::now() + Duration::from_secs(10);
        while !in_client(&name, || Ok(self.sys.client_ready(cluster)))? {
            stop::check()?;
            if Instant::now() >= until {
                return Err(LabError::Cluster(format!(
                    "what the client's host runs (processes {}) did not serve within 10 s; its \
                     logs are in {}",
                    pids.join(" "),
                    logs.display()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.note(
            progress,
            "client_processes_started",
            &format!("on {name}, processes {}", pids.join(" ")),
        );
        Ok(())
    }

    /// The members that report themselves leader, asked from the client's namespace.
    fn leaders(&self, cluster: &Cluster) -> Result<Vec<usize>, LabError> {
        in_client(&cluster.client.name, || Ok(self.sys.leaders(cluster)))
    }

    /// Waits for exactly one leader (the wanted one when given), the same for [`LEADER_SETTLES`].
    fn wait_leader(
        &self,
        cluster: &Cluster,
        want: Option<usize>,
        limit: Duration,
    ) -> Result<usize, LabError> {
        let until = Instant::now() + limit;
        // A member that leads for a moment of an election (a VRRP backup that times out and
        // yields to a higher priority in the same second) is no leader yet: the same one must
        // lead for a whole second.
        let mut held: Option<(usize, Instant)> = None;
        while Instant::now() < until {
            stop::check()?;
            let leaders = self.leaders(cluster)?;
            match leaders.as_slice() {
                [l] if want.is_none_or(|w| w == *l) => match held {
                    Some((h, since)) if h == *l => {
                        if since.elapsed() >= LEADER_SETTLES {
                            return Ok(*l);
                        }
                    }
                    _ => held = Some((*l, Instant::now())),
                },
                _ => held = None,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(LabError::Cluster(match want {
            None => format!(
                "no single leader within {} s of the start; the members' logs are in {}",
                limit.as_secs(),
                self.export.join("logs").display()
            ),
            Some(w) => format!(
                "{} did not take leadership within {} s",
                cluster.members[w].host.name,
                limit.as_secs()
            ),
        }))
    }

    fn move_leader(
        &self,
        cluster: &Cluster,
        to: usize,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), LabError> {
        let cur = self.wait_leader(cluster, None, Duration::from_secs(15))?;
        if cur == to {
            return Ok(());
        }
        in_client(&cluster.client.name, || {
            self.sys.move_leader(cluster, cur, to)
        })?;
        self.note(
            progress,
            "move_leader",
            &format!(
                "from {} to {}",
                cluster.members[cur].host.name, cluster.members[to].host.name
            ),
        );
        self.wait_leader(cluster, Some(to), Duration::from_secs(10))
            .map(|_| ())
    }

    /// Copies each member's configuration files into the export, as `config/<member>.<file>`,
    /// as they were when the members stopped.
    fn export_config(&self, cluster: &Cluster) -> Result<(), LabError> {
        let files = self.sys.config_files();
        if files.is_empty() {
            return Ok(());
        }
        let dir = self.export.join("config");
        std::fs::create_dir_all(&dir).map_err(LabError::io(&dir))?;
        let hosts = cluster.members.iter().map(|m| &m.host);
        for host in hosts.chain([&cluster.client]) {
            for f in files {
                let from = self.out.join("data").join(&host.name).join(f);
                if from.is_file() {
                    let to = dir.join(format!("{}.{f}", host.name));
                    std::fs::copy(&from, &to).map_err(LabError::io(&to))?;
                }
            }
        }
        Ok(())
    }

    fn write_members(&self, cluster: &Cluster) -> Result<(), LabError> {
        let path = self.export.join("members.csv");
        std::fs::write(&path, self.sys.members_csv(cluster)).map_err(LabError::io(&path))
    }

    fn script(&self, cluster: &Cluster) -> Result<String, LabError> {
        let mut opts = ExportOptions {
            origin: format!("rift lab run {}", self.plan.name),
            mode: Mode::Netns,
            netns_prefix: netns::PREFIX.to_owned(),
            ..ExportOptions::default()
        };
        for m in &cluster.members {
            opts.addrs.insert(m.host.name.clone(), m.host.ip);
        }
        opts.addrs
            .insert(cluster.client.name.clone(), cluster.client.ip);
        let bad = |e: rift_replay::Error| LabError::Scenario {
            origin: self.plan.name.clone(),
            reason: e.to_string(),
        };
        for (name, ports) in &self.spec.ports {
            opts.add_ports(&format!("{name}={ports}")).map_err(bad)?;
        }
        // The run kills and restarts crashed members itself: the script holds the network's faults.
        let mut network = self.plan.scenario.clone();
        network.phases.retain(|ph| ph.crash.is_empty());
        rift_replay::export::export(&network, ExportTarget::Iptables, &opts).map_err(bad)
    }

    /// Starts the script with the window's start as its zero; a thread stamps each rule the
    /// script reports done.
    fn start_script(
        &mut self,
        path: &Path,
        t0_ms: i64,
        applied: Arc<Mutex<Vec<Applied>>>,
    ) -> Result<std::thread::JoinHandle<()>, LabError> {
        let mut cmd = Command::new("bash");
        cmd.arg(path)
            .env("RIFT_T0_NS", (t0_ms * 1_000_000).to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = spawn_owned(&mut cmd)?;
        if let Some(net) = &self.net {
            net.note_pid(child.id(), "rift lab fault script");
        }
        let stdout = child.stdout.take().expect("piped");
        self.script = Some(child);
        Ok(std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let ms = now_ms();
                if let Some(a) = parse_step(&line, ms) {
                    applied.lock().unwrap_or_else(|p| p.into_inner()).push(a);
                }
            }
        }))
    }

    fn truth(
        &self,
        cluster: &Cluster,
        version: &str,
        applied: Vec<Applied>,
        leader_at: Option<String>,
        window: Window,
        unanswered: u64,
    ) -> Truth {
        let s = &self.plan.scenario;
        let hosts = s.hosts();
        let faults = s.faults();
        // Each interval of the schedule, from the measured time of the rules at its ends.
        let crashes = s.crashes();
        let mut spans: Vec<(u64, u64)> = faults
            .iter()
            .flat_map(|f| f.intervals())
            .map(|(a, b)| (a.0, b.0))
            .chain(crashes.iter().map(|c| (c.start.0, c.end.0)))
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let measured = |us: u64, first: bool| -> i64 {
            let at: Vec<i64> = applied
                .iter()
                .filter(|a| ((a.scheduled_s * 1e6).round() - us as f64).abs() < 1000.0)
                .map(|a| a.ts_ms)
                .collect();
            let m = if first {
                at.iter().min()
            } else {
                at.iter().max()
            };
            m.copied().unwrap_or(window.start_ms + (us / 1000) as i64)
        };
        let intervals: Vec<Span> = merged
            .iter()
            .map(|&(a, b)| Span::new(measured(a, true), measured(b, false)))
            .collect();
        let mut edges: Vec<[String; 2]> = Vec::new();
        for f in &faults {
            let e = [hosts[f.from.ix()].to_owned(), hosts[f.to.ix()].to_owned()];
            if !edges.contains(&e) {
                edges.push(e);
            }
        }
        let mut nodes = BTreeMap::new();
        for m in &cluster.members {
            let mut v = BTreeMap::from([("ip".to_owned(), m.host.ip.to_string())]);
            if let Some(id) = &m.id {
                v.insert("member_id".to_owned(), id.clone());
            }
            nodes.insert(m.host.name.clone(), v);
        }
        nodes.insert(
            cluster.client.name.clone(),
            BTreeMap::from([("ip".to_owned(), cluster.client.ip.to_string())]),
        );
        let mut settings = self.sys.settings();
        if let Some(obj) = settings.as_object_mut() {
            obj.insert("software".into(), self.system.clone().into());
            obj.insert("version".into(), version.into());
            obj.insert("size".into(), cluster.members.len().into());
        }
        Truth {
            schema: "rift.lab-truth/1",
            scenario: self.plan.name.clone(),
            system: self.system.clone(),
            mode: self.plan.mode.clone(),
            seed: self.plan.seed,
            start: intervals.first().map(|i| i.start.clone()),
            end: intervals.last().map(|i| i.end.clone()),
            start_ms: intervals.first().map(|i| i.start_ms),
            end_ms: intervals.last().map(|i| i.end_ms),
            intervals,
            affected_edges: edges,
            crashed: crashes
                .iter()
                .map(|c| hosts[c.host.ix()].to_owned())
                .collect(),
            description: s.description.clone().unwrap_or_default(),
            leader_at_injection: leader_at,
            injection: truth::INJECTION.into(),
            applied,
            roles: self.plan.roles.clone(),
            cluster: settings,
            changed: self.changed.clone(),
            nodes,
            observation_window: window,
            unanswered_probes: unanswered,
        }
    }

    /// Kills every process of member `i` at once (SIGKILL: nothing said to anyone), or starts
    /// them again with their data as the crash left it, `us` after the window's start.
    fn crash_step(
        &mut self,
        cluster: &Cluster,
        i: usize,
        kill: bool,
        logs: &Path,
        rundir: &Path,
        us: u64,
    ) -> Result<Applied, LabError> {
        let name = cluster.members[i].host.name.clone();
        let command = if kill {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.members)
                .into_iter()
                .partition(|(m, _)| *m == Some(i));
            self.members = rest;
            let mut pids = Vec::new();
            for (_, mut c) in mine {
                pids.push(c.id().to_string());
                // The whole process group: what the process forked (keepalived's VRRP child,
                // the Erlang VM's helpers) dies with it, unwarned, as on a crashed host.
                if let Ok(pgid) = i32::try_from(c.id()) {
                    // SAFETY: kill with the process group of a child this run started (each
                    // sits in a group of its own, see spawn_owned).
                    unsafe { libc::kill(-pgid, libc::SIGKILL) };
                } else {
                    let _ = c.kill();
                }
                let _ = c.wait();
            }
            self.sys.crashed(i);
            format!(
                "kill -KILL -- {}",
                pids.iter()
                    .map(|p| format!("-{p}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        } else {
            let mut pids = Vec::new();
            for p in self.sys.start(cluster, i, logs, rundir)? {
                let child = spawn_process(p, &name, logs, rundir)?;
                pids.push(child.id().to_string());
                self.members.push((Some(i), child));
            }
            format!("start again (processes {})", pids.join(" "))
        };
        let ts_ms = now_ms();
        Ok(Applied {
            ts: iso(ts_ms),
            ts_ms,
            scheduled_s: us as f64 / 1e6,
            host: name,
            command,
        })
    }

    fn stop_members(&mut self) {
        let pids: Vec<u32> = self.members.iter().map(|(_, c)| c.id()).collect();
        netns::terminate(&pids);
        for (_, mut c) in self.members.drain(..) {
            let _ = c.wait();
        }
        self.sys.stop();
    }

    /// Stops everything still running, in reverse order of start, and removes the namespaces.
    fn teardown(&mut self) {
        if let Some(mut s) = self.script.take() {
            netns::terminate(&[s.id()]);
            let _ = s.wait();
        }
        drop(self.telemetry.take());
        self.stop_members();
        let _ = std::fs::remove_dir_all(self.out.join("data"));
        self.net = None;
    }
}

/// `[t=20.000] n3: iptables -w -I INPUT …`, logged by the script once the command ran.
fn parse_step(line: &str, ts_ms: i64) -> Option<Applied> {
    let rest = line.strip_prefix("[t=")?;
    let (t, rest) = rest.split_once("] ")?;
    let (host, command) = rest.split_once(": ")?;
    if !(command.starts_with("iptables") || command.starts_with("tc")) {
        return None;
    }
    Some(Applied {
        ts: iso(ts_ms),
        ts_ms,
        scheduled_s: t.parse().ok()?,
        host: host.to_owned(),
        command: command.to_owned(),
    })
}

/// Spawns a process that dies with rift (SIGTERM when rift's thread that started it exits) and
/// sits in a process group of its own, so that Ctrl-C at the terminal reaches rift only and the
/// run stops it in order.
/// Starts process `p` of host `host` from `rundir`, its output where [`system::Output`] says
/// under `logs`.
fn spawn_process(
    p: system::Process,
    host: &str,
    logs: &Path,
    rundir: &Path,
) -> Result<Child, LabError> {
    let create = |suffix: &str| {
        let path = logs.join(format!("{host}.{}.{suffix}", p.label));
        // A member started again after a crash goes on writing where it stopped.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(LabError::io(&path))
    };
    let (out, err) = match p.output {
        system::Output::Errors => {
            let f = create("stderr.log")?;
            (f.try_clone().map_err(LabError::io(logs))?, f)
        }
        system::Output::Log => {
            let f = create("log")?;
            (f.try_clone().map_err(LabError::io(logs))?, f)
        }
        system::Output::LogAndErrors => (create("log")?, create("stderr.log")?),
    };
    let mut cmd = p.cmd;
    cmd.current_dir(rundir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    spawn_owned(&mut cmd)
}

fn spawn_owned(cmd: &mut Command) -> Result<Child, LabError> {
    // SAFETY: prctl is async-signal-safe and touches only the child's own attributes.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    cmd.process_group(0);
    cmd.spawn().map_err(|e| LabError::Command {
        command: netns::shown(cmd),
        detail: e.to_string(),
    })
}

/// Runs `f` on a thread inside the client's namespace.
fn in_client<T: Send>(
    client: &str,
    f: impl FnOnce() -> Result<T, LabError> + Send,
) -> Result<T, LabError> {
    std::thread::scope(|s| {
        s.spawn(|| {
            netns::enter(client).map_err(|e| {
                LabError::Cluster(format!("cannot enter the client's namespace: {e}"))
            })?;
            f()
        })
        .join()
        .unwrap_or_else(|_| Err(LabError::Cluster("a client request panicked".into())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_line_is_a_rule_applied_at_its_time() {
        let a = parse_step(
            "[t=20.000] n3: iptables -w -I INPUT -s 10.77.0.11 -m comment --comment rift:x:y -j DROP",
            1_000,
        )
        .unwrap();
        assert_eq!(a.host, "n3");
        assert_eq!(a.scheduled_s, 20.0);
        assert!(a.command.starts_with("iptables -w -I INPUT"));
        assert!(parse_step("[t=65.000] end of the scenario", 1).is_none());
    }
}
