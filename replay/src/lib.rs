//! rift-replay: the replay stage of the pipeline (`… → classify → replay → reports`).
//!
//! A [`Scenario`] (hand-written TOML, a corpus sketch, or an incident's inferred timeline) drives a
//! deterministic discrete-event simulation: a Raft-style cluster and failure-detector models
//! exchange messages over a network whose per-direction, per-channel delivery follows the
//! scenario's phases. Runs are repeatable from one [`Seed`]; each component draws from its own
//! stream. The crate also writes synthetic telemetry in the formats ingest reads, and exports a
//! scenario as fault schedules for real injectors (iptables, Chaos Mesh, Jepsen).
//!
//! [`compare()`] runs one scenario under several [`Variant`]s (the cluster's own settings, Raft
//! with guards added, a detector model beside it) with the same seed; [`scenario_from_incident`]
//! turns a classified incident into a scenario.
//!
//! ```
//! use rift_replay::{Scenario, Seed, Variant, compare};
//!
//! // The leader n1 stops hearing its followers from 10 s to 25 s (`replay/scenarios/`).
//! let scenario = Scenario::parse(
//!     include_str!("../scenarios/n1-cannot-hear.toml"),
//!     "n1-cannot-hear.toml",
//! )?;
//! let variants = Variant::parse_list("current,current+prevote")?;
//! let result = compare(&scenario, &variants, Seed(1))?;
//! let (plain, prevote) = (&result.variants[0].outcome, &result.variants[1].outcome);
//! // Cut off from its followers' replies, n1 campaigns again and again with ever higher
//! // terms; with PreVote its pre-votes go unanswered and the terms stay put.
//! assert!(prevote.elections < plain.elections);
//! assert_eq!(result, compare(&scenario, &variants, Seed(1))?, "the same seed, the same run");
//! print!("{}", result.to_text());
//! # Ok::<(), rift_replay::Error>(())
//! ```

// Input decides nothing here by panicking: a value that may be missing is an error or a
// skipped row, never an `unwrap` (tests may unwrap; clippy.toml allows it there).
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod client;
pub mod compare;
mod detect;
mod entry;
mod error;
pub mod export;
mod incident;
mod net;
pub mod outcome;
mod queue;
mod raft;
mod record;
mod rng;
pub mod scenario;
mod sim;
pub mod synth;
mod time;
pub mod variant;
pub mod work;

pub use compare::{Comparison, TABLE_LEGEND, VariantOutcome, compare};
pub use error::Error;
pub use incident::scenario_from_incident;
pub use outcome::Outcome;
pub use rng::{Seed, Stream};
pub use scenario::{Dur, LinkError, Scenario, ScenarioError};
pub use sim::Sim;
pub use time::SimTime;
pub use variant::{Base, Variant};
