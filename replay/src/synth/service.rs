//! Whether a member can answer a request: what makes a health check or a client request fail even
//! when the network carries it, as in the recordings — a member cut off from its quorum answers
//! `/health` with 503 and lets puts and linearizable gets time out. With [`Service::Network`]
//! every member always answers.
//!
//! etcd serves a request through its leader (its `/health` does a quorum read): member M serves
//! at t when, by the simulator's role changes, M follows a leader L that still leads, M and L
//! reach each other (unless M is L), and L reaches a quorum of members, itself included. Two
//! members reach each other while Raft traffic gets through both ways on the heartbeat and data
//! channels (a lossy link still gets there in the end; a one-way cut breaks TCP).

use rift_ingest::model::Channel;
use serde::{Deserialize, Serialize};

use crate::outcome::{Role, RoleChange};
use crate::scenario::{Flow, Host, Scenario};
use crate::synth::links::Way;
use crate::synth::world::World;
use crate::time::SimTime;

/// How members answer the client's requests and health checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// As etcd does: a member with no leader, or whose leader has no quorum, answers `/health`
    /// with 503 and lets requests time out.
    #[default]
    Etcd,
    /// Every request that gets through both ways is answered: the tables show the network
    /// alone.
    Network,
}

impl Service {
    /// The name used by `--service` and in `truth.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Etcd => "etcd",
            Service::Network => "network",
        }
    }
}

/// One member's roles over time: (since, role, the leader it follows).
pub(crate) type Roles = Vec<(SimTime, Role, Option<Host>)>;

/// Each member's role timeline, from the simulator's role changes (which are in time order).
pub(crate) fn timelines(scenario: &Scenario, changes: &[RoleChange]) -> Vec<Roles> {
    let mut out = vec![Vec::new(); scenario.members()];
    for c in changes {
        let Some(h) = scenario.host(&c.node).filter(|h| h.ix() < out.len()) else {
            continue;
        };
        let lead = c.leader.as_deref().and_then(|l| scenario.host(l));
        out[h.ix()].push((SimTime((c.t * 1e6).round() as u64), c.role, lead));
    }
    out
}

fn at(roles: &Roles, t: SimTime) -> Option<(Role, Option<Host>)> {
    let i = roles.partition_point(|&(since, ..)| since <= t);
    i.checked_sub(1).map(|i| (roles[i].1, roles[i].2))
}

/// Whether Raft traffic gets from `a` to `b` at `t` at all.
fn gets_through(w: &World, a: Host, b: Host, t: SimTime) -> bool {
    [Channel::Heartbeat, Channel::Data]
        .into_iter()
        .all(|channel| {
            let way = Way {
                from: a,
                to: b,
                channel,
                flow: Flow::Raft,
            };
            w.links.keep(way, t) > 0.0
        })
}

fn reach(w: &World, a: Host, b: Host, t: SimTime) -> bool {
    a == b || (gets_through(w, a, b, t) && gets_through(w, b, a, t))
}

/// Whether member `m` answers a request that reaches it at `t`.
pub(crate) fn serving(w: &World, m: Host, t: SimTime) -> bool {
    if w.service == Service::Network {
        return true;
    }
    let Some((_, Some(lead))) = at(&w.timelines[m.ix()], t) else {
        return false;
    };
    if lead.ix() >= w.timelines.len()
        || at(&w.timelines[lead.ix()], t).map(|r| r.0) != Some(Role::Leader)
    {
        return false;
    }
    let quorum = w.scenario.members() / 2 + 1;
    reach(w, m, lead, t) && w.members().filter(|&p| reach(w, lead, p, t)).count() >= quorum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Seed;

    fn change(t: f64, node: &str, role: Role, leader: Option<&str>) -> RoleChange {
        RoleChange {
            t,
            node: node.into(),
            role,
            term: 1,
            leader: leader.map(Into::into),
            reason: "test",
        }
    }

    #[test]
    fn a_member_cut_off_from_its_quorum_does_not_serve() {
        let s = Scenario::parse(
            "duration = \"30s\"\n[cluster]\nnodes = [\"n1\", \"n2\", \"n3\"]\n[[phase]]\nstart = \"10s\"\nend = \"20s\"\nisolate = [\"n1\"]\n",
            "s.toml",
        )
        .unwrap();
        let roles = vec![
            change(0.0, "n1", Role::Leader, Some("n1")),
            change(0.0, "n2", Role::Follower, Some("n1")),
            change(0.0, "n3", Role::Follower, Some("n1")),
            change(11.5, "n1", Role::Follower, None),
            change(11.2, "n2", Role::Candidate, None),
            change(11.3, "n2", Role::Leader, Some("n2")),
            change(11.3, "n3", Role::Follower, Some("n2")),
        ];
        let mut roles = roles;
        roles.sort_by(|a, b| a.t.total_cmp(&b.t));
        let w = World::new(&s, Seed(1), 0, roles, Service::Etcd);
        let secs = SimTime::from_ms;
        assert!(serving(&w, Host(0), secs(5_000)));
        // Still leader, but without a quorum.
        assert!(!serving(&w, Host(0), secs(10_500)));
        // n3 still follows n1, which it cannot reach.
        assert!(!serving(&w, Host(2), secs(10_500)));
        assert!(serving(&w, Host(2), secs(12_000)));
        assert!(!serving(&w, Host(0), secs(15_000)));
        assert!(serving(&w, Host(1), secs(15_000)));
        let net = World::new(&s, Seed(1), 0, w.roles.clone(), Service::Network);
        assert!(serving(&net, Host(0), secs(15_000)));
    }
}
