//! What the client namespace sees, written as an operator's monitoring would: every member's
//! metrics scraped each second (`metrics.csv.gz`, and every fifth page raw under `metrics-raw/`),
//! its health check each second (`health.csv`), and a workload of a write and a read every
//! 500 ms per member (`client.csv`). Each loop runs on a thread of its own inside the client
//! namespace, and starts its next round one period after the last one started (at once when it
//! overran), so a stalled member delays only its own loop.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::error::LabError;
use crate::netns;
use crate::stop;
use crate::system::{Cluster, LabSystem};
use crate::truth::{iso, now_ms};

type Gz = GzEncoder<BufWriter<File>>;

struct Files {
    /// None for a system that serves no metrics.
    metrics: Option<Mutex<Gz>>,
    raw: Vec<Mutex<Gz>>,
    health: Mutex<BufWriter<File>>,
    client: Mutex<BufWriter<File>>,
}

/// The running loops.
pub(crate) struct Telemetry {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    files: Option<Arc<Files>>,
    failures: Arc<AtomicU64>,
    /// When the window began (ms since the epoch).
    pub(crate) start_ms: i64,
}

/// A CSV field in double quotes.
pub(crate) fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn create(path: &Path) -> Result<File, LabError> {
    File::create(path).map_err(LabError::io(path))
}

fn gz(path: &Path) -> Result<Mutex<Gz>, LabError> {
    Ok(Mutex::new(GzEncoder::new(
        BufWriter::new(create(path)?),
        Compression::best(),
    )))
}

impl Telemetry {
    /// Opens the files, starts every loop in the client namespace and returns once all run.
    pub(crate) fn start(
        sys: Arc<dyn LabSystem>,
        cluster: Arc<Cluster>,
        export: &Path,
    ) -> Result<Telemetry, LabError> {
        let metrics = sys.serves_metrics();
        let files = Files {
            metrics: if metrics {
                Some(gz(&export.join("metrics.csv.gz"))?)
            } else {
                None
            },
            raw: if metrics {
                cluster
                    .members
                    .iter()
                    .map(|m| gz(&export.join(format!("metrics-raw/{}.prom.gz", m.host.name))))
                    .collect::<Result<_, _>>()?
            } else {
                Vec::new()
            },
            health: Mutex::new(BufWriter::new(create(&export.join("health.csv"))?)),
            client: Mutex::new(BufWriter::new(create(&export.join("client.csv"))?)),
        };
        let health_header = format!(
            "ts_iso,ts_ms,node,url,{},latency_ms,body\n",
            sys.health_column()
        );
        let headers = [
            (&files.health, health_header.as_str()),
            (
                &files.client,
                "ts_iso,ts_ms,node,endpoint,op,key,result,latency_ms,error\n",
            ),
        ];
        for (f, h) in headers {
            f.lock()
                .expect("not shared yet")
                .write_all(h.as_bytes())
                .map_err(LabError::io(export))?;
        }
        if let Some(m) = &files.metrics {
            m.lock()
                .expect("not shared yet")
                .write_all(b"ts_iso,ts_ms,node,metric,labels,peer,value\n")
                .map_err(LabError::io(export))?;
        }
        let files = Arc::new(files);
        let stop_flag = Arc::new(AtomicBool::new(false));
        let failures = Arc::new(AtomicU64::new(0));
        let start_ms = now_ms();
        let t0 = Instant::now() + Duration::from_millis(10);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        let mut threads = Vec::new();
        let n = cluster.members.len();
        for i in 0..n {
            let loops: &[Loop] = if metrics {
                &[Loop::Scrape, Loop::Health, Loop::Client]
            } else {
                &[Loop::Health, Loop::Client]
            };
            for &kind in loops {
                let ctx = LoopCtx {
                    sys: Arc::clone(&sys),
                    cluster: Arc::clone(&cluster),
                    files: Arc::clone(&files),
                    stop: Arc::clone(&stop_flag),
                    failures: Arc::clone(&failures),
                    member: i,
                    t0,
                };
                let ready = ready_tx.clone();
                threads.push(std::thread::spawn(move || {
                    if let Err(e) = netns::enter(&ctx.cluster.client.name) {
                        let _ = ready.send(Err(e.to_string()));
                        return;
                    }
                    let _ = ready.send(Ok(()));
                    drop(ready);
                    kind.run(&ctx);
                }));
            }
        }
        drop(ready_tx);
        let mut tele = Telemetry {
            stop: stop_flag,
            threads,
            files: Some(files),
            failures,
            start_ms,
        };
        for r in ready_rx.iter() {
            if let Err(e) = r {
                tele.halt();
                return Err(LabError::Cluster(format!(
                    "the probes could not enter the client's network namespace: {e}"
                )));
            }
        }
        Ok(tele)
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Stops every loop, finishes the files; returns when the window ended and how many scrapes
    /// and probes got no answer.
    pub(crate) fn finish(mut self, export: &Path) -> Result<(i64, u64), LabError> {
        self.halt();
        let end_ms = now_ms();
        let failures = self.failures.load(Ordering::Relaxed);
        let files = self
            .files
            .take()
            .and_then(|f| Arc::try_unwrap(f).ok())
            .ok_or_else(|| LabError::Cluster("a probe loop did not stop".into()))?;
        let mut gz: Vec<Mutex<Gz>> = files.metrics.into_iter().collect();
        gz.extend(files.raw);
        for g in gz {
            g.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .finish()
                .and_then(|mut w| w.flush())
                .map_err(LabError::io(export))?;
        }
        for f in [files.health, files.client] {
            f.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .flush()
                .map_err(LabError::io(export))?;
        }
        Ok((end_ms, failures))
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        self.halt();
    }
}

#[derive(Clone, Copy)]
enum Loop {
    Scrape,
    Health,
    Client,
}

struct LoopCtx {
    sys: Arc<dyn LabSystem>,
    cluster: Arc<Cluster>,
    files: Arc<Files>,
    stop: Arc<AtomicBool>,
    failures: Arc<AtomicU64>,
    member: usize,
    t0: Instant,
}

impl LoopCtx {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || stop::asked()
    }

    /// Waits until `at`; false when asked to stop first.
    fn wait_until(&self, at: Instant) -> bool {
        loop {
            if self.stopped() {
                return false;
            }
            let now = Instant::now();
            if now >= at {
                return true;
            }
            std::thread::sleep((at - now).min(Duration::from_millis(20)));
        }
    }

    fn name(&self) -> &str {
        &self.cluster.members[self.member].host.name
    }
}

fn write(f: &Mutex<impl Write>, text: &str) {
    // A write error shows when the file is finished; a poisoned lock only means another loop
    // panicked mid-line, and the rest is still worth keeping.
    let mut w = f.lock().unwrap_or_else(|p| p.into_inner());
    let _ = w.write_all(text.as_bytes());
}

impl Loop {
    fn period(self) -> Duration {
        match self {
            Loop::Scrape | Loop::Health => Duration::from_secs(1),
            Loop::Client => Duration::from_millis(500),
        }
    }

    fn run(self, ctx: &LoopCtx) {
        let mut next = ctx.t0;
        let mut round: u64 = 0;
        while ctx.wait_until(next) {
            let started = Instant::now();
            match self {
                Loop::Scrape => scrape(ctx, round),
                Loop::Health => health(ctx),
                Loop::Client => client(ctx, round + 1),
            }
            round += 1;
            next = started + self.period();
        }
    }
}

fn scrape(ctx: &LoopCtx, round: u64) {
    let ms = now_ms();
    let answer = ctx.sys.scrape(&ctx.cluster, ctx.member);
    let ts = iso(ms);
    let node = ctx.name();
    let mut lines = String::new();
    if let Ok(page) = &answer {
        for [metric, labels, peer, value] in ctx.sys.select_metrics(&ctx.cluster, page) {
            lines.push_str(&format!(
                "{ts},{ms},{node},{metric},{},{peer},{value}\n",
                q(&labels)
            ));
        }
    } else {
        ctx.failures.fetch_add(1, Ordering::Relaxed);
    }
    lines.push_str(&format!(
        "{ts},{ms},{node},elab_scrape_ok,\"\",,{}\n",
        u8::from(answer.is_ok())
    ));
    if let Some(m) = &ctx.files.metrics {
        write(m, &lines);
    }
    if round.is_multiple_of(5) {
        let mut page = format!("# elab_scrape ts_iso={ts} ts_ms={ms} node={node}\n");
        match &answer {
            Ok(body) => {
                for l in body.lines().filter(|l| ctx.sys.keep_raw(l)) {
                    page.push_str(l);
                    page.push('\n');
                }
            }
            Err(e) => page.push_str(&format!("# elab_scrape_error {}\n", e.replace('\n', " "))),
        }
        write(&ctx.files.raw[ctx.member], &page);
    }
}

fn health(ctx: &LoopCtx) {
    let ms = now_ms();
    let t = Instant::now();
    let a = ctx.sys.health(&ctx.cluster, ctx.member);
    if !a.answered {
        ctx.failures.fetch_add(1, Ordering::Relaxed);
    }
    let lat = t.elapsed().as_millis();
    write(
        &ctx.files.health,
        &format!(
            "{},{ms},{},{},{},{lat},{}\n",
            iso(ms),
            ctx.name(),
            q(&a.url),
            a.status,
            q(&a.body)
        ),
    );
}

fn client(ctx: &LoopCtx, seq: u64) {
    let key = format!("/elab/{}/{seq}", ctx.name());
    let value = format!("v{seq}");
    let ep = ctx.sys.endpoint(&ctx.cluster, ctx.member);
    for op in ["put", "get"] {
        if ctx.stopped() {
            return;
        }
        let ms = now_ms();
        let t = Instant::now();
        let r = ctx.sys.request(&ctx.cluster, ctx.member, op, &key, &value);
        let lat = t.elapsed().as_millis();
        let (node, ep) = match r.served_by {
            Some(m) => (
                ctx.cluster.members[m].host.name.as_str(),
                ctx.sys.endpoint(&ctx.cluster, m),
            ),
            None => (ctx.name(), ep.clone()),
        };
        write(
            &ctx.files.client,
            &format!(
                "{},{ms},{node},{ep},{op},{key},{},{lat},{}\n",
                iso(ms),
                r.result,
                q(&r.error)
            ),
        );
    }
}
