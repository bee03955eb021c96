//! rift-ingest: the first stage of the pipeline (`ingest → reach → classify → replay → reports`).
//!
//! It reads an incident folder (what an operator exported: an [`IncidentFolder`]) into the two
//! tables every later stage works on:
//!
//! - **observations**: delivery evidence, one row per measurement (see [`model::col`] for the
//!   exact schema, [`model::Channel`] and [`model::Evidence`] for the enums);
//! - **events**: what nodes and detectors concluded: health flips, restarts, and what node logs
//!   and metrics say (elections, role and leader changes, peers marked down, stalls, …).
//!
//! Node logs are read with **profiles** (TOML, built in for etcd, memberlist/Consul/serf,
//! hashicorp raft, Cassandra, Akka, MongoDB, Elasticsearch, Redis Sentinel, keepalived and
//! Kubernetes; users add their own), sniffed from each file's first lines. Metric exports
//! (Prometheus text snapshots, `query_range` JSON, long CSV tables) become per-direction
//! observations and events where the series say so. What rift knows of one system (its log
//! profiles, what its metrics mean, the start-up line that gives its failure detector's
//! settings) is a data file of [`system`]; the settings found come back as a
//! [`system::DetectorSettings`] with the `file:line` they were read from.
//!
//! Each kind of file (counters, health checks, client results, probes, members, logs,
//! metrics) is a *source*: one module that says how a file of its kind is recognised and read,
//! listed once in the order of recognition and reading. Every input line is either used or
//! counted as skipped with a reason ([`Accounting`]). Observations are produced in batches so
//! that an export of tens of millions of rows is read with bounded memory:
//! [`IncidentFolder::stream`] hands each batch to a callback (whose own error comes back whole,
//! as [`Error::Sink`]'s source), [`IncidentFolder::read`] collects them into one table. Every
//! error says whose doing it is ([`Blame`]).
//!
//! ```no_run
//! use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
//!
//! // Run from the workspace root: the etcd export shipped with rift.
//! let dir = std::path::Path::new("examples/etcd-asymmetric");
//! let export = IncidentFolder::open(dir, &ReadOptions::default())?;
//! let ingested = export.read(&NoProgress)?;
//! println!("{} observations from {} files", ingested.observations.height(),
//!          ingested.accounting.files.len());
//! if let Some(settings) = &ingested.detector {
//!     println!("{} ({})", settings.reason, settings.origin);
//! }
//! # Ok::<(), rift_ingest::Error>(())
//! ```

// Input decides nothing here by panicking: a value that may be missing is an error or a
// skipped row, never an `unwrap` (tests may unwrap; clippy.toml allows it there).
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod accounting;
mod clock;
mod config;
mod discover;
mod error;
mod folder;
#[doc(hidden)]
pub mod fuzzing;
pub mod inert;
mod input;
pub mod intern;
mod logs;
mod metrics;
pub mod model;
mod nodes;
pub mod output;
mod par;
mod parquet;
mod progress;
mod row;
mod source;
pub mod system;
mod table;
mod tally;
mod time;

pub use accounting::{Accounting, FileAccount, SkipReason};
pub use config::{IncidentConfig, LogsConfig, SourceKind};
pub use error::{Blame, Error, SinkError};
pub use folder::{
    ClockSkew, DEFAULT_MAX_NODES, IncidentFolder, Ingested, MAX_PROFILE_FILES, NoProgress,
    Progress, ReadOptions, SkewEvidence, StreamReport, Summary,
};
pub use input::{decoding_untrusted, read_decompressed};
pub use logs::{
    BY_WORDING, Profile, ProfileError, RuleSummary, Wording, builtin as builtin_profiles, wording,
};
pub use metrics::{Invariants, LATENCY_BIN_NS, LatencyBin};
pub use nodes::NodeResolver;
pub use row::origin_file;
pub use table::{ObservationsBuilder, events_frame, observations_schema};
pub use time::{
    DurationError, MomentError, TS_MAX_NS, TS_MIN_NS, check_date, check_zone, format_duration,
    format_ts, parse_duration, parse_moment, parse_ts,
};
