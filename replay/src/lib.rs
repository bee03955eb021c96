//! rift-replay: the replay stage of the pipeline (`… → classify → replay → reports`).
//!
//! A [`Scenario`] (hand-written TOML, a corpus sketch, or an incident's inferred timeline) drives a
//! deterministic discrete-event simulation: a Raft-style cluster and failure-detector models
//! exchange messages over a network whose per-direction, per-channel delivery follows the
//! scenario's phases. Runs are repeatable from one [`Seed`]; each component draws from its own
//! stream. The crate also writes synthetic telemetry in the formats ingest reads, and exports a
//! scenario as fault schedules for real injectors (iptables, Chaos Mesh, Jepsen).

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
pub use variant::Variant;
