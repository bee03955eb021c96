//! The lab: a real cluster of a real system, started in Linux network namespaces, put through a
//! scenario's faults, and recorded as an operator would export it.
//!
//! A run makes one namespace per member, one for the client and one holding the bridge that links
//! them; starts the members; puts a workload and health probes on them from the client
//! namespace; and applies the scenario's faults with the very script `rift export --to iptables`
//! writes, so that the lab and a user's own injection share one code path. It writes `export/`
//! (each member's log, metrics, probes, client results and the members table) and, beside it,
//! `truth.json` with the faults as they were applied and the measured time each rule went in and
//! came out. rift reads `export/` like any other export; `truth.json` is for checking it.
//!
//! What a system needs in the lab is data (the `[lab]` table of its file under
//! `ingest/systems/`: Debian packages, programs, the ports of each channel) and a small start-up
//! module here (how to start a member, find the leader, move leadership and talk to it as a
//! client).
//!
//! Everything a run starts is stopped when it ends, fails or is interrupted (Ctrl-C, SIGTERM);
//! what a killed run leaves behind, [`clean`] removes. Traffic goes only to the addresses the lab
//! gave its own namespaces.

mod error;
mod etcd;
mod haproxy;
mod http;
mod jute;
mod keepalived;
mod nats;
mod natsproto;
mod netns;
pub mod outcome;
mod plan;
mod rabbitmq;
mod redis;
mod resp;
mod run;
mod scenarios;
mod sidecar;
mod stop;
mod system;
mod telemetry;
mod truth;
mod zookeeper;

pub use error::LabError;
pub use netns::{PREFIX, clean, leftovers};
pub use outcome::{RealOutcome, SimulatedOutcome, real_outcome, simulated_outcome};
pub use plan::{Plan, RunOptions};
pub use run::{Progress, record};
pub use scenarios::{BUILTIN, BuiltinScenario, find_scenario};
pub use system::{Check, LabSpec, SYSTEMS, check};
pub use truth::{Applied, Span, Truth, Window};
