//! A small HTTP service on a thread inside a member's namespace, standing beside the system
//! where it has no such service of its own: what keepalived's virtual address fronts, or the
//! status endpoint a container's health probe would run a command behind (ZooKeeper's `srvr`).
//! Each port answers every request with what its function returns at that moment.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::LabError;
use crate::netns;
use crate::stop;

/// No sidecar outlives this, whatever happens to the run.
const LIMIT: Duration = Duration::from_secs(4 * 3600);

/// The answer to one request: the HTTP status and the body.
pub(crate) type Answer = Arc<dyn Fn(u16) -> (u16, String) + Send + Sync>;

/// A running sidecar; [`Sidecar::stop`] ends it.
pub(crate) struct Sidecar {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Sidecar {
    /// Starts listening on `ports` inside member `name`'s namespace, answering each request on
    /// port P with `answer(P)`; returns once it listens.
    pub(crate) fn start(name: &str, ports: &[u16], answer: Answer) -> Result<Sidecar, LabError> {
        let stop_flag = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let flag = Arc::clone(&stop_flag);
        let owned = name.to_owned();
        let ports = ports.to_vec();
        let thread = std::thread::spawn(move || {
            let listen = || -> Result<Vec<(u16, TcpListener)>, String> {
                netns::enter(&owned).map_err(|e| format!("cannot enter the namespace: {e}"))?;
                ports
                    .iter()
                    .map(|&port| {
                        let l = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))
                            .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
                        l.set_nonblocking(true)
                            .map_err(|e| format!("port {port}: {e}"))?;
                        Ok((port, l))
                    })
                    .collect()
            };
            match listen() {
                Ok(ls) => {
                    let _ = tx.send(Ok(()));
                    serve(&ls, &answer, &flag);
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(Ok(())) => Ok(Sidecar {
                stop: stop_flag,
                thread,
            }),
            Ok(Err(e)) => Err(LabError::Cluster(format!("{name}'s service: {e}"))),
            Err(_) => Err(LabError::Cluster(format!(
                "{name}'s service did not start listening within 5 s"
            ))),
        }
    }

    /// Asks the sidecars to stop and waits for them.
    pub(crate) fn stop_all(sidecars: Vec<Sidecar>) {
        for s in &sidecars {
            s.stop.store(true, Ordering::Relaxed);
        }
        for s in sidecars {
            let _ = s.thread.join();
        }
    }
}

/// The sidecars of a cluster's members, by member: each member's go down with it when it
/// crashes, and a member started again starts its own anew.
#[derive(Default)]
pub(crate) struct Sidecars(std::sync::Mutex<Vec<(usize, Sidecar)>>);

impl Sidecars {
    /// Starts member `i`'s sidecar (after stopping one it still has), as [`Sidecar::start`].
    pub(crate) fn start(
        &self,
        i: usize,
        name: &str,
        ports: &[u16],
        answer: Answer,
    ) -> Result<(), LabError> {
        self.stop_member(i);
        let s = Sidecar::start(name, ports, answer)?;
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((i, s));
        Ok(())
    }

    /// Stops member `i`'s sidecars.
    pub(crate) fn stop_member(&self, i: usize) {
        let mut held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut *held)
            .into_iter()
            .partition(|(m, _)| *m == i);
        *held = rest;
        drop(held);
        Sidecar::stop_all(mine.into_iter().map(|(_, s)| s).collect());
    }

    /// Stops them all.
    pub(crate) fn stop_all(&self) {
        let held = std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()));
        Sidecar::stop_all(held.into_iter().map(|(_, s)| s).collect());
    }
}

/// Answers each connection until `stop` is set or the limit passes.
fn serve(listeners: &[(u16, TcpListener)], answer: &Answer, stop_flag: &AtomicBool) {
    let until = Instant::now() + LIMIT;
    while !stop_flag.load(Ordering::Relaxed) && !stop::asked() && Instant::now() < until {
        let mut idle = true;
        for (port, l) in listeners {
            if let Ok((s, _)) = l.accept() {
                idle = false;
                answer_one(s, answer, *port);
            }
        }
        if idle {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Reads a request's head (bounded in size and time) and writes the answer.
fn answer_one(mut s: TcpStream, answer: &Answer, port: u16) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = s.set_write_timeout(Some(Duration::from_millis(500)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while head.len() < 8192 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let (status, body) = answer(port);
    let reason = if status == 200 {
        "OK"
    } else {
        "Service Unavailable"
    };
    let text = format!(
        "HTTP/1.0 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = s.write_all(text.as_bytes());
}
