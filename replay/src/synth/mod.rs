//! Synthetic telemetry: a [`Scenario`](crate::Scenario) written as an incident export in the
//! formats rift's ingest reads, with the ground truth beside it (`rift synth`), so the whole
//! pipeline — ingest, timeline, classifier — can be checked end to end on any scenario.
//!
//! [`synth`] writes, for a scenario and a seed:
//!
//! ```text
//! OUT/
//!   truth.json          the faults: phases, intervals, directed edges, channels (never read by rift)
//!   scenario.toml       the scenario as run (`rift replay OUT/scenario.toml --seed N` repeats it)
//!   export/
//!     incident.toml     a title and the node aliases
//!     members.csv       name, member id, IP and URLs of every host
//!     counters.csv      per-direction heartbeat counters between members, one row per node, peer
//!                       and second
//!     health.csv        a load balancer's /health checks of every member, once a second
//!     client.csv        the client hosts' requests to every member (put and get, twice a second)
//!     probe.csv         data-plane probes of every member, once a second
//!     logs/<node>.log   etcd 3.4 zap JSON logs: start-up, role and leader changes from the
//!                       simulator, stream read timeouts
//! ```
//!
//! Each file is one `Format` in its own module. Messages are drawn one at a time from the faults
//! in force when they are sent (`links.rs`); a member answers a request only while it can serve
//! (it follows a leader that reaches a quorum, by the simulator's role changes: `service.rs`).
//! Every component draws from its own [`Stream`](crate::Stream) named `synth/<component>/…`, so
//! the same seed gives byte-identical files. [`random_scenario`] makes well-formed random
//! scenarios of each mode for round-trip tests.
//!
//! ```no_run
//! use rift_replay::{Scenario, Seed};
//!
//! let scenario = Scenario::load("replay/scenarios/textbook-asymmetric.toml".as_ref())?;
//! let report = rift_replay::synth::synth(&scenario, Seed(1), "/tmp/asym".as_ref())?;
//! println!("{} files, the export in {}", report.files.len(), report.export.display());
//! # Ok::<(), rift_replay::Error>(())
//! ```

mod config;
mod counters;
mod format;
mod links;
mod logs;
mod members;
mod probes;
pub mod random;
mod service;
mod truth;
mod world;
mod write;

pub use random::{MODES, random_scenario};
pub use service::Service;
pub use truth::{Truth, TruthInterval, TruthPhase};
pub use write::{DEFAULT_EPOCH, SynthFile, SynthOptions, SynthReport, synth, synth_with};
