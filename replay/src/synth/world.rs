//! What every format reads: the scenario, its faults, the wall clock, the hosts' names, ids and
//! addresses, and the simulator's role changes.

use crate::outcome::RoleChange;
use crate::rng::Seed;
use crate::scenario::{Host, Scenario};
use crate::synth::links::Links;
use crate::synth::members;
use crate::synth::service::{Roles, Service, timelines};
use crate::time::SimTime;

/// One scenario, ready to be written.
pub(crate) struct World<'s> {
    /// The scenario.
    pub(crate) scenario: &'s Scenario,
    /// The seed every stream derives from.
    pub(crate) seed: Seed,
    /// Wall clock of t = 0, ns since the Unix epoch.
    pub(crate) epoch_ns: i64,
    /// Every host's name: members, then client hosts.
    pub(crate) hosts: Vec<&'s str>,
    /// Member ids (16 hex digits), per member.
    pub(crate) ids: Vec<String>,
    /// IPv4 addresses, per host.
    pub(crate) ips: Vec<String>,
    /// The faults, by directed link.
    pub(crate) links: Links,
    /// The simulator's role changes, in time order.
    pub(crate) roles: Vec<RoleChange>,
    /// The same, per member.
    pub(crate) timelines: Vec<Roles>,
    /// How members answer requests.
    pub(crate) service: Service,
}

impl<'s> World<'s> {
    pub(crate) fn new(
        scenario: &'s Scenario,
        seed: Seed,
        epoch_ns: i64,
        roles: Vec<RoleChange>,
        service: Service,
    ) -> Self {
        let hosts = scenario.hosts();
        let ids = scenario
            .cluster
            .nodes
            .iter()
            .map(|n| members::member_id(n))
            .collect();
        let ips = members::addresses(scenario.members(), scenario.cluster.clients.len());
        World {
            scenario,
            seed,
            epoch_ns,
            hosts,
            ids,
            ips,
            links: Links::new(scenario),
            timelines: timelines(scenario, &roles),
            roles,
            service,
        }
    }

    /// The member hosts.
    pub(crate) fn members(&self) -> impl Iterator<Item = Host> + use<> {
        (0..self.scenario.members() as u32).map(Host)
    }

    /// The client hosts.
    pub(crate) fn clients(&self) -> impl Iterator<Item = Host> + use<> {
        let m = self.scenario.members() as u32;
        (m..m + self.scenario.cluster.clients.len() as u32).map(Host)
    }

    /// A host's name.
    pub(crate) fn name(&self, h: Host) -> &'s str {
        self.hosts[h.ix()]
    }

    /// Whole seconds covered, the last one possibly partial.
    pub(crate) fn seconds(&self) -> u64 {
        self.scenario.end().0.div_ceil(1_000_000)
    }

    /// Wall clock of simulated time `t`, ns.
    pub(crate) fn ns(&self, t: SimTime) -> i64 {
        self.epoch_ns + (t.0 as i64) * 1_000
    }

    /// Wall clock of simulated time `t`, RFC 3339 with milliseconds.
    pub(crate) fn ts(&self, t: SimTime) -> String {
        rift_ingest::format_ts(self.ns(t))
    }
}
