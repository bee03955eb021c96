//! `logs/<member>.log`: etcd 3.4 zap JSON logs (`--logger=zap`), the messages and fields of
//! `reference/log-formats.md` and the recordings, read by ingest's `etcd-zap` profile.
//!
//! - **Start-up**, 3 s before t = 0: `starting an etcd server` (name, URLs, `heartbeat-interval`,
//!   `election-timeout`, `pre-vote`: what `rift classify` infers the detector from), `starting
//!   local member` (the member id), `added remote peer` per peer, and the role at t = 0.
//! - **Role and leader changes**, from the simulator's run of the scenario under
//!   [`Variant::current`](crate::Variant::current) with the same seed: `became
//!   follower|pre-candidate|candidate|leader at term N`, `stepped down to follower since quorum is
//!   not active`, and `raft.node: … elected leader / changed leader / lost leader …`, in etcd's
//!   order. These are events only; none is reachability evidence.
//! - **Stream read timeouts**, the one peer message whose direction is certain: when every Raft
//!   message from peer B to member A is lost (heartbeat and data channels) for longer than the
//!   stream read timeout (5 s), A logs `lost TCP streaming connection with remote peer` (a
//!   `stream MsgApp v2` reader, `i/o timeout`) and `peer became inactive` with `failed to read`,
//!   5 s after it last heard B: the profile reads both as B⇢A failing, the first with
//!   `last_heard = 5s`. When both directions carry messages again, A logs `peer became active`
//!   (a working connection). Writer failures and dial errors are not written: their direction
//!   depends on TCP behaviour the synthetic network does not model. `is starting a new
//!   election` is not written either: the profile reads it as the leader's traffic failing, which
//!   is false when the leader stepped down rather than went quiet.

use serde_json::{Value, json};

use rift_ingest::model::Channel;

use crate::error::Error;
use crate::outcome::Role;
use crate::rng::{Stream, fnv1a};
use crate::scenario::{Flow, Host};
use crate::synth::format::{Format, Out};
use crate::synth::links::{intersect, merge};
use crate::synth::members::{client_url, peer_url};
use crate::synth::world::World;
use crate::time::SimTime;

/// Writes one zap log per member.
pub(crate) struct Logs;

/// How long before t = 0 the members start.
const STARTUP_NS: i64 = 3_000_000_000;

/// etcd's stream read timeout (`ConnReadTimeout`).
const READ_TIMEOUT: u64 = 5_000_000;

/// A line with the time it is stamped at; lines of one time keep the order they were added in.
struct Line {
    ns: i64,
    text: String,
}

/// One zap JSON line: `level`, `ts`, `caller`, `msg`, then `fields` in order.
fn zap(level: &str, ns: i64, caller: &str, msg: &str, fields: &[(&str, Value)]) -> String {
    let mut s = format!(
        "{{\"level\":{},\"ts\":{},\"caller\":{},\"msg\":{}",
        json!(level),
        json!(zap_ts(ns)),
        json!(caller),
        json!(msg)
    );
    for (k, v) in fields {
        s.push_str(&format!(",{}:{}", json!(k), v));
    }
    s.push('}');
    s
}

/// zap's 3.4 time layout, `2006-01-02T15:04:05.000Z0700`: milliseconds and `Z` for UTC.
fn zap_ts(ns: i64) -> String {
    rift_ingest::format_ts(ns)
}

/// A duration as Go's `time.Duration.String` prints it (`100ms`, `1s`, `1.5s`, `1m30s`).
pub(crate) fn go_duration(us: u64) -> String {
    fn trim(whole: u64, frac: u64, digits: usize) -> String {
        let f = format!("{frac:0digits$}");
        let f = f.trim_end_matches('0');
        if f.is_empty() {
            whole.to_string()
        } else {
            format!("{whole}.{f}")
        }
    }
    match us {
        0 => "0s".to_owned(),
        1..1_000 => format!("{us}µs"),
        1_000..1_000_000 => format!("{}ms", trim(us / 1_000, us % 1_000, 3)),
        _ => {
            let (h, rest) = (us / 3_600_000_000, us % 3_600_000_000);
            let (m, rest) = (rest / 60_000_000, rest % 60_000_000);
            let s = format!("{}s", trim(rest / 1_000_000, rest % 1_000_000, 6));
            match (h, m) {
                (0, 0) => s,
                (0, m) => format!("{m}m{s}"),
                (h, m) => format!("{h}h{m}m{s}"),
            }
        }
    }
}

/// When every Raft message `from → to` on `channel` is lost.
fn cut(w: &World, from: Host, to: Host, channel: Channel) -> Vec<(u64, u64)> {
    merge(
        w.links
            .faults()
            .iter()
            .filter(|f| {
                f.from == from && f.to == to && f.loss >= 1.0 && f.matches(channel, Flow::Raft)
            })
            .flat_map(|f| f.intervals())
            .map(|(s, e)| (s.0, e.0))
            .collect(),
    )
}

/// When the Raft stream `from → to` is silent: heartbeats and appends both lost.
fn silent(w: &World, from: Host, to: Host) -> Vec<(u64, u64)> {
    intersect(
        &cut(w, from, to, Channel::Heartbeat),
        &cut(w, from, to, Channel::Data),
    )
}

/// Whether `t` falls in one of `spans`.
fn within(spans: &[(u64, u64)], t: u64) -> bool {
    spans.iter().any(|&(s, e)| s <= t && t < e)
}

struct Member<'w, 's> {
    w: &'w World<'s>,
    me: Host,
    lines: Vec<Line>,
}

impl Member<'_, '_> {
    fn id(&self, h: Host) -> &str {
        &self.w.ids[h.ix()]
    }

    fn push(&mut self, ns: i64, level: &str, caller: &str, msg: &str, fields: &[(&str, Value)]) {
        self.lines.push(Line {
            ns,
            text: zap(level, ns, caller, msg, fields),
        });
    }

    fn raft(&mut self, ns: i64, caller: &str, msg: String) {
        self.push(ns, "info", caller, &msg, &[]);
    }

    fn startup(&mut self, ns: i64) {
        let w = self.w;
        let s = w.scenario;
        let i = self.me.ix();
        let name = w.name(self.me);
        let peer = peer_url(w, i);
        let client = client_url(w, i);
        let cluster = w
            .members()
            .map(|m| format!("{}={}", w.name(m), peer_url(w, m.ix())))
            .collect::<Vec<_>>()
            .join(",");
        self.push(
            ns,
            "info",
            "embed/etcd.go:305",
            "starting an etcd server",
            &[
                ("etcd-version", json!("3.4.23")),
                ("go-version", json!("go1.19.8")),
                ("go-os", json!("linux")),
                ("go-arch", json!("amd64")),
                ("member-initialized", json!(false)),
                ("name", json!(name)),
                ("data-dir", json!(format!("data/{name}"))),
                ("member-dir", json!(format!("data/{name}/member"))),
                (
                    "heartbeat-interval",
                    json!(go_duration(s.protocol.heartbeat.us())),
                ),
                (
                    "election-timeout",
                    json!(go_duration(s.protocol.election_timeout.us())),
                ),
                ("initial-advertise-peer-urls", json!([peer])),
                ("listen-peer-urls", json!([peer])),
                ("advertise-client-urls", json!([client])),
                ("listen-client-urls", json!([client])),
                ("initial-cluster", json!(cluster)),
                ("initial-cluster-state", json!("new")),
                ("initial-cluster-token", json!("rift-synth")),
                ("pre-vote", json!(s.protocol.prevote)),
            ],
        );
        let cluster_id = format!("{:016x}", fnv1a(&format!("rift-synth/cluster/{cluster}")));
        let id = self.id(self.me).to_owned();
        self.push(
            ns + 1_000_000,
            "info",
            "etcdserver/raft.go:536",
            "starting local member",
            &[
                ("local-member-id", json!(id)),
                ("cluster-id", json!(cluster_id)),
            ],
        );
        self.raft(
            ns + 1_000_000,
            "raft/raft.go:706",
            format!("{id} became follower at term 0"),
        );
        let me = self.me;
        for p in w.members().filter(|&p| p != me) {
            let pid = self.id(p).to_owned();
            self.push(
                ns + 2_000_000,
                "info",
                "rafthttp/transport.go:327",
                "added remote peer",
                &[
                    ("local-member-id", json!(id)),
                    ("remote-peer-id", json!(pid)),
                    ("remote-peer-urls", json!([peer_url(w, p.ix())])),
                ],
            );
        }
    }

    /// The role changes, as etcd logs them.
    fn roles(&mut self, startup_ns: i64) {
        let w = self.w;
        let me = w.name(self.me);
        let id = self.id(self.me).to_owned();
        let id_of = |name: &str| {
            w.scenario
                .host(name)
                .filter(|h| h.ix() < w.ids.len())
                .map(|h| w.ids[h.ix()].clone())
        };
        let (mut role, mut term, mut lead): (Option<Role>, u64, Option<String>) = (None, 0, None);
        for c in w.roles.iter().filter(|c| c.node == me) {
            // The role at t = 0 was reached before the window, shortly after start-up.
            let ns = if c.reason == "initial" {
                startup_ns + 500_000_000
            } else {
                w.epoch_ns + (c.t * 1e3).round() as i64 * 1_000_000
            };
            let t = c.term;
            let new_lead = c.leader.as_deref().and_then(id_of);
            match c.role {
                Role::Leader => {
                    self.raft(
                        ns,
                        "raft/raft.go:771",
                        format!("{id} became leader at term {t}"),
                    );
                }
                Role::Candidate => {
                    self.raft(
                        ns,
                        "raft/raft.go:719",
                        format!("{id} became candidate at term {t}"),
                    );
                }
                Role::PreCandidate => {
                    self.raft(
                        ns,
                        "raft/raft.go:730",
                        format!("{id} became pre-candidate at term {t}"),
                    );
                }
                Role::Follower => {
                    if c.reason == "lost quorum" {
                        self.push(
                            ns,
                            "warn",
                            "raft/raft.go:1017",
                            &format!("{id} stepped down to follower since quorum is not active"),
                            &[],
                        );
                    }
                    // A follower that only learns its leader logs no role change.
                    if role != Some(Role::Follower) || term != t {
                        self.raft(
                            ns,
                            "raft/raft.go:706",
                            format!("{id} became follower at term {t}"),
                        );
                    }
                }
            }
            match (&lead, &new_lead) {
                (Some(old), Some(new)) if old != new => self.raft(
                    ns,
                    "raft/node.go:329",
                    format!("raft.node: {id} changed leader from {old} to {new} at term {t}"),
                ),
                (None, Some(new)) => self.raft(
                    ns,
                    "raft/node.go:327",
                    format!("raft.node: {id} elected leader {new} at term {t}"),
                ),
                (Some(old), None) => self.raft(
                    ns,
                    "raft/node.go:333",
                    format!("raft.node: {id} lost leader {old} at term {t}"),
                ),
                _ => {}
            }
            (role, term, lead) = (Some(c.role), t, new_lead);
        }
    }

    /// Stream read timeouts and reconnections with every peer.
    fn streams(&mut self) {
        let w = self.w;
        let me = self.me;
        let hb = w.scenario.protocol.heartbeat.us().clamp(1, 1_000_000);
        let end = w.scenario.end().0;
        for peer in w.members().filter(|&p| p != me) {
            let inbound = silent(w, peer, me);
            let outbound = silent(w, me, peer);
            let mut rng = Stream::new(
                w.seed,
                &format!("synth/logs/{}<-{}", w.name(me), w.name(peer)),
            );
            let pid = self.id(peer).to_owned();
            let local = self.id(me).to_owned();
            for &(s, e) in &inbound {
                // The last message before the cut left up to one heartbeat earlier; zap keeps ms.
                let last = s.saturating_sub(rng.range(0, hb)) / 1_000 * 1_000;
                let at = last + READ_TIMEOUT;
                if at >= e || at >= end {
                    continue;
                }
                let ns = w.ns(SimTime(at));
                let port = 40_000 + rng.range(0, 20_000);
                let err = format!(
                    "read tcp {}:{port}->{}:2380: i/o timeout",
                    w.ips[me.ix()],
                    w.ips[peer.ix()]
                );
                self.push(
                    ns,
                    "warn",
                    "rafthttp/stream.go:436",
                    "lost TCP streaming connection with remote peer",
                    &[
                        ("stream-reader-type", json!("stream MsgApp v2")),
                        ("local-member-id", json!(local)),
                        ("remote-peer-id", json!(pid)),
                        ("error", json!(err)),
                    ],
                );
                self.push(
                    ns,
                    "warn",
                    "rafthttp/peer_status.go:68",
                    "peer became inactive (message send to peer failed)",
                    &[
                        ("peer-id", json!(pid)),
                        (
                            "error",
                            json!(format!("failed to read {pid} on stream MsgApp v2 ({err})")),
                        ),
                    ],
                );
                // Reconnected once both directions carry messages again; etcd redials every
                // 100 ms.
                let mut up = e;
                while let Some(&(_, until)) = outbound.iter().find(|&&(s2, e2)| s2 <= up && up < e2)
                {
                    up = until;
                }
                let up = up + rng.range(0, 100_000);
                if up < end && !within(&inbound, up) && !within(&outbound, up) {
                    self.push(
                        w.ns(SimTime(up)),
                        "info",
                        "rafthttp/peer_status.go:51",
                        "peer became active",
                        &[("peer-id", json!(pid))],
                    );
                }
            }
        }
    }
}

impl Format for Logs {
    fn write(&self, w: &World, out: &mut Out) -> Result<(), Error> {
        for me in w.members() {
            let startup_ns = w.epoch_ns - STARTUP_NS + me.ix() as i64 * 1_000_000;
            let mut m = Member {
                w,
                me,
                lines: Vec::new(),
            };
            m.startup(startup_ns);
            m.roles(startup_ns);
            m.streams();
            // Stable: lines of one millisecond keep the order they were written in.
            m.lines.sort_by_key(|l| l.ns);
            let mut file = out.file(&format!("logs/{}.log", log_name(w.name(me))), None)?;
            for l in &m.lines {
                file.row(&l.text)?;
            }
            file.close()?;
        }
        Ok(())
    }
}

/// A file name for a member's log: ingest names a log's node by its file name up to the first
/// dot, so dots and path separators become `_` (incident.toml maps such files back).
pub(crate) fn log_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '.' || c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_as_go_does() {
        assert_eq!(go_duration(100_000), "100ms");
        assert_eq!(go_duration(1_000_000), "1s");
        assert_eq!(go_duration(1_500_000), "1.5s");
        assert_eq!(go_duration(1_500), "1.5ms");
        assert_eq!(go_duration(90_000_000), "1m30s");
        assert_eq!(go_duration(250), "250µs");
    }

    #[test]
    fn zap_lines_keep_key_order() {
        let l = zap(
            "info",
            0,
            "x.go:1",
            "hello \"you\"",
            &[("peer-id", json!("ab"))],
        );
        assert_eq!(
            l,
            r#"{"level":"info","ts":"1970-01-01T00:00:00.000Z","caller":"x.go:1","msg":"hello \"you\"","peer-id":"ab"}"#
        );
    }
}
