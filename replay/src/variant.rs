//! Counterfactual variants: `current`, `raft`, `raft+prevote+checkquorum`, `phi`,
//! `swim+indirect_checks=5`, `current+election=500ms`, ….
//!
//! The first word is the base: `current` keeps the scenario's own protocol settings, `raft` is
//! textbook Raft (no PreVote, no CheckQuorum, ReadIndex reads, majority commit, no fencing), and a
//! detector model's name (`timeout`, `phi`, `swim`, `bidi`, `probes`, `lb`, or any name or alias
//! of its entry in the detector catalogue) runs that model beside the scenario's own cluster.
//! Each `+word` adds a guard (`prevote`, `checkquorum`, `lease`, `local-reads`, `fencing`, `w1`)
//! or sets a value (`heartbeat=50ms`, `election=500ms`, or a detector parameter such as
//! `phi_threshold=12`).

use std::collections::BTreeMap;

use crate::entry::{self, Entry};
use crate::error::Error;
use crate::scenario::{Commit, Dur, Protocol, Reads};

/// The detector models that can run beside the cluster. Each has an entry (see
/// [`ModelKind::entry_name`]) that gives the words a variant names it by and its parameters.
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
    /// Every model, in the order errors list them.
    pub const ALL: [ModelKind; 6] = [
        ModelKind::Timeout,
        ModelKind::Phi,
        ModelKind::Swim,
        ModelKind::Bidi,
        ModelKind::Probes,
        ModelKind::Lb,
    ];

    /// The name used in tables; it is also a name or an alias of its entry.
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

    /// The name of its entry: in the detector catalogue (`classify/detectors/`), or, for
    /// `timeout`, which the catalogue does not describe, in `replay/models/`.
    pub fn entry_name(self) -> &'static str {
        match self {
            ModelKind::Timeout => "timeout",
            ModelKind::Phi => "phi-accrual",
            ModelKind::Swim => "swim",
            ModelKind::Bidi => "bidirectional-probes",
            ModelKind::Probes => "data-plane-probes",
            ModelKind::Lb => "lb-health",
        }
    }

    /// Its entry, for the words that name it and its parameters.
    #[expect(
        clippy::expect_used,
        reason = "every model's entry is built in, and a test finds each"
    )]
    pub(crate) fn entry(self) -> Entry {
        entry::find(self.entry_name()).expect("every detector model has an entry")
    }

    /// The model whose entry `word` names (its name or an alias, case-insensitively).
    fn parse(word: &str) -> Option<Self> {
        let name = entry::find(word)?.name();
        ModelKind::ALL.into_iter().find(|k| k.entry_name() == name)
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

/// Checks a detector parameter set on a variant of `base`: the model must have it, and the
/// value must be within what its entry accepts.
fn check_parameter(base: Base, key: &str, value: f64) -> Result<(), String> {
    let kind = match base {
        Base::Model(kind) => kind,
        Base::Current | Base::Raft => {
            return Err(format!(
                "a detector parameter, and this variant runs no detector model; start it with the model, e.g. phi+{key}=…"
            ));
        }
    };
    kind.entry()
        .check_parameter(key, value)
        .map_err(|e| e.to_string())
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

    /// The guards it adds, as written (`prevote`).
    pub fn guards(&self) -> &[String] {
        &self.guards
    }

    /// The settings it gives, as written (`election` → `500ms`).
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
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
                    let [rest @ .., last] = ModelKind::ALL.map(ModelKind::as_str);
                    return Err(Error::Variant {
                        name: text.to_owned(),
                        hint: format!("start with current, raft, {} or {last}", rest.join(", ")),
                    });
                }
            },
        };
        let mut guards = Vec::new();
        let mut values = BTreeMap::new();
        let bad = |hint: String| Error::Variant {
            name: text.to_owned(),
            hint,
        };
        for w in words {
            if let Some((k, v)) = w.split_once('=') {
                let (k, v) = (k.trim(), v.trim());
                if matches!(k, "heartbeat" | "election") {
                    let ns = rift_ingest::parse_duration(v).map_err(|e| bad(e.to_string()))?;
                    if ns < 1_000 {
                        return Err(bad(format!(
                            "'{k}={v}': a {k} is at least 1us, e.g. {k}=100ms"
                        )));
                    }
                } else {
                    let x: f64 = v.parse().map_err(|_| {
                        bad(format!("'{k}={v}': a detector parameter takes a number"))
                    })?;
                    check_parameter(base, k, x).map_err(|e| bad(format!("'{k}={v}': {e}")))?;
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
        assert_eq!(
            e,
            "variant 'paxos': start with current, raft, timeout, phi, swim, bidi, probes or lb"
        );
    }

    #[test]
    fn every_model_is_named_by_its_table_name_and_by_every_word_of_its_entry() {
        for kind in ModelKind::ALL {
            let entry = kind.entry();
            assert_eq!(entry.name(), kind.entry_name());
            assert_eq!(ModelKind::parse(kind.as_str()), Some(kind));
            for word in entry.words() {
                assert_eq!(ModelKind::parse(word), Some(kind), "{word}");
                assert_eq!(ModelKind::parse(&word.to_uppercase()), Some(kind), "{word}");
            }
        }
        // The words variants have always accepted.
        for (word, kind) in [
            ("fixed-timeout", ModelKind::Timeout),
            ("phi-accrual", ModelKind::Phi),
            ("memberlist", ModelKind::Swim),
            ("bidirectional-probes", ModelKind::Bidi),
            ("data-plane-probes", ModelKind::Probes),
            ("canary", ModelKind::Probes),
            ("lb-health", ModelKind::Lb),
            ("health", ModelKind::Lb),
        ] {
            assert_eq!(Variant::parse(word).unwrap().model(), Some(kind), "{word}");
        }
    }

    #[test]
    fn every_word_of_a_catalogue_entry_names_its_model_or_none() {
        for d in rift_classify::detector::catalogue() {
            let kind = ModelKind::ALL
                .into_iter()
                .find(|k| k.entry_name() == d.name);
            for word in std::iter::once(&d.name).chain(&d.aliases) {
                assert_eq!(ModelKind::parse(word), kind, "{}: {word}", d.name);
            }
        }
        // The raft entry and the guards are entries of no model.
        assert!(Variant::parse("etcd").is_err());
        assert_eq!(Variant::parse("raft").unwrap().base, Base::Raft);
        assert!(Variant::parse("pre-vote").is_err());
    }

    #[test]
    fn detector_parameters_are_checked_against_the_model_and_its_ranges() {
        for (text, shown) in [
            (
                "lb+interval_ms=0",
                "'interval_ms=0': 0 is outside what rift accepts for lb-health: between 1 and 86400000",
            ),
            ("phi+phi_threshold=-5", "-5 is outside"),
            ("phi+phi_threshold=NaN", "NaN is not a number"),
            ("phi+phi_threshold=inf", "inf is not a number"),
            ("swim+probe_interval_ms=1e300", "is outside"),
            (
                "timeout+interval_ms=0.5",
                "0.5 is outside what rift accepts for timeout",
            ),
            ("phi+interval_ms=10", "not a parameter of phi-accrual"),
            ("timeout+phi_threshold=3", "not a parameter of timeout"),
            ("current+phi_threshold=3", "runs no detector model"),
            ("current+heartbeat=0s", "must be positive"),
        ] {
            let e = Variant::parse(text).unwrap_err().to_string();
            assert!(e.contains(shown), "{text}: {e}");
        }
        assert!(Variant::parse("lb+interval_ms=5000+unhealthy_threshold=3").is_ok());
        assert!(Variant::parse("timeout+interval_ms=100+timeout_ms=1000").is_ok());
    }
}
