//! rift-replay: the replay stage of the pipeline (`… → classify → replay → reports`).
//!
//! This crate will own the deterministic discrete-event cluster simulator: a Raft-style cluster
//! and failure-detector models exchanging messages over a network whose per-direction,
//! per-channel delivery follows a reachability timeline; counterfactual runs; synthetic
//! telemetry in the formats ingest reads; and exports of a timeline as fault schedules for real
//! injectors (iptables/tc, Chaos Mesh, Jepsen).
//!
//! It has no public items yet.
