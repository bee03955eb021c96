//! Counterfactual variants: `current`, `raft`, `raft+prevote+checkquorum`, `phi`,
//! `swim+indirect_checks=5`, `current+election=500ms`, ….
//!
//! The first word is the base: `current` keeps the scenario's own protocol settings, `raft` is
//! textbook Raft (no PreVote, no CheckQuorum, ReadIndex reads, majority commit, no fencing), and a
//! detector model's name (`timeout`, `phi`, `swim`, `bidi`, `probes`, `lb`, or their catalogue
//! names) runs that model beside the scenario's own cluster. Each `+word` adds a guard
//! (`prevote`, `checkquorum`, `lease`, `local-reads`, `fencing`, `w1`) or sets a value
//! (`heartbeat=50ms`, `election=500ms`, or a detector parameter such as `phi_threshold=12`).

use std::collections::BTreeMap;

use crate::error::Error;
use crate::scenario::{Commit, Dur, Protocol, Reads};

/// The detector models that can run beside the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// A fixed timeout on all-to-all heartbeats.
    Timeout,
    /// Phi-accrual on all-to-all heartbeats.
    Phi,
    /// SWIM: random direct probes, k indirect probes through helpers.
    Swim,
    /// Per-direction probes between every pair, each side told what the other received.
    Bidi,
    /// Synthetic data-plane probes from the client hosts.
    Probes,
    /// A load balancer's `/health` checks from the first client host.
    Lb,
}

impl ModelKind {
    /// The name used in variants and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelKind::Timeout => "timeout",
            ModelKind::Phi => "phi",
            ModelKind::Swim => "swim",
            ModelKind::Bidi => "bidi",
            ModelKind::Probes => "probes",
            ModelKind::Lb => "lb",
        }
    }

    /// Its entry in the detector catalogue, for default parameters.
    pub fn catalogue_name(self) -> Option<&'static str> {
        match self {
            ModelKind::Timeout => None,
            ModelKind::Phi => Some("phi-accrual"),
            ModelKind::Swim => Some("swim"),
            ModelKind::Bidi => Some("bidirectional-probes"),
            ModelKind::Probes => Some("data-plane-probes"),
            ModelKind::Lb => Some("lb-health"),
        }
    }

    fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "timeout" | "fixed-timeout" => ModelKind::Timeout,
            "phi" | "phi-accrual" => ModelKind::Phi,
            "swim" | "memberlist" => ModelKind::Swim,
            "bidi" | "bidirectional-probes" => ModelKind::Bidi,
            "probes" | "data-plane-probes" | "canary" => ModelKind::Probes,
            "lb" | "lb-health" | "health" => ModelKind::Lb,
            _ => return None,
        })
    }
}

/// The base of a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// The scenario's own settings.
    Current,
    /// Textbook Raft.
    Raft,
    /// The scenario's own cluster with a detector model beside it.
    Model(ModelKind),
}

/// One counterfactual.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    name: String,
    /// The base.
    pub base: Base,
    guards: Vec<String>,
    values: BTreeMap<String, String>,
}

/// The guards a variant may add.
pub const GUARDS: [&str; 7] = [
    "prevote",
    "checkquorum",
    "lease",
    "local-reads",
    "fencing",
    "w1",
    "majority",
];

impl Variant {
    /// The scenario as written.
    #[expect(clippy::expect_used, reason = "a constant variant name")]
    pub fn current() -> Self {
        Variant::parse("current").expect("`current` is a variant")
    }

    /// Parses one variant.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let mut words = text.split('+').map(str::trim);
        let first = words.next().unwrap_or_default();
        let base = match first {
            "current" | "as-is" => Base::Current,
            "raft" => Base::Raft,
            other => match ModelKind::parse(other) {
                Some(k) => Base::Model(k),
                None => {
                    return Err(Error::Variant {
                        name: text.to_owned(),
                        hint: "start with current, raft, timeout, phi, swim, bidi, probes or lb"
                            .to_owned(),
                    });
                }
            },
        };
        let mut guards = Vec::new();
        let mut values = BTreeMap::new();
        for w in words {
            if let Some((k, v)) = w.split_once('=') {
                let (k, v) = (k.trim(), v.trim());
                if matches!(k, "heartbeat" | "election") {
                    rift_ingest::parse_duration(v).map_err(|e| Error::Variant {
                        name: text.to_owned(),
                        hint: e,
                    })?;
                } else if v.parse::<f64>().is_err() {
                    return Err(Error::Variant {
                        name: text.to_owned(),
                        hint: format!("'{k}={v}': a detector parameter takes a number"),
                    });
                }
                values.insert(k.to_owned(), v.to_owned());
            } else if GUARDS.contains(&w) {
                guards.push(w.to_owned());
            } else {
                return Err(Error::Variant {
                    name: text.to_owned(),
                    hint: format!(
                        "'{w}' is not a guard; guards are {}, and settings are written key=value (heartbeat=50ms, election=500ms, or a detector parameter)",
                        GUARDS.join(", ")
                    ),
                });
            }
        }
        Ok(Variant {
            name: text.to_owned(),
            base,
            guards,
            values,
        })
    }

    /// A comma-separated list.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, Error> {
        text.split(',')
            .filter(|w| !w.trim().is_empty())
            .map(Variant::parse)
            .collect()
    }

    /// The name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The detector model it runs, if any.
    pub fn model(&self) -> Option<ModelKind> {
        match self.base {
            Base::Model(k) => Some(k),
            _ => None,
        }
    }

    /// A detector parameter set on the variant.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.values.get(key).and_then(|v| v.parse().ok())
    }

    /// The protocol settings this variant runs with.
    pub fn protocol(&self, own: &Protocol) -> Protocol {
        let mut p = own.clone();
        if self.base == Base::Raft {
            p.prevote = false;
            p.checkquorum = false;
            p.reads = Reads::Quorum;
            p.fencing = false;
            p.commit = Commit::Majority;
        }
        for g in &self.guards {
            match g.as_str() {
                "prevote" => p.prevote = true,
                "checkquorum" => p.checkquorum = true,
                "lease" => p.reads = Reads::Lease,
                "local-reads" => p.reads = Reads::Local,
                "fencing" => p.fencing = true,
                "w1" => p.commit = Commit::W1,
                "majority" => p.commit = Commit::Majority,
                _ => {}
            }
        }
        let dur = |v: &str| {
            rift_ingest::parse_duration(v)
                .ok()
                .map(|ns| Dur(crate::time::SimTime((ns / 1000) as u64)))
        };
        if let Some(h) = self.values.get("heartbeat").and_then(|v| dur(v)) {
            p.heartbeat = h;
        }
        if let Some(e) = self.values.get("election").and_then(|v| dur(v)) {
            p.election_timeout = e;
            p.election_timeout_max = None;
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_and_values() {
        let own = Protocol::default();
        let v = Variant::parse("raft+prevote+checkquorum").unwrap();
        let p = v.protocol(&own);
        assert!(p.prevote && p.checkquorum);
        let plain = Variant::parse("raft").unwrap().protocol(&own);
        assert!(!plain.prevote && !plain.checkquorum);
        let cur = Variant::current().protocol(&own);
        assert!(cur.checkquorum, "etcd's own settings keep CheckQuorum");
        let v = Variant::parse("current+election=500ms").unwrap();
        assert_eq!(v.protocol(&own).election_timeout, Dur::ms(500));
        assert_eq!(
            Variant::parse("phi+phi_threshold=12")
                .unwrap()
                .value("phi_threshold"),
            Some(12.0)
        );
    }

    #[test]
    fn bad_variants_say_what_is_known() {
        let e = Variant::parse("raft+quorum").unwrap_err().to_string();
        assert!(
            e.contains("'quorum' is not a guard") && e.contains("prevote"),
            "{e}"
        );
        let e = Variant::parse("paxos").unwrap_err().to_string();
        assert!(e.contains("start with current, raft"), "{e}");
    }
}
