//! rift-classify: the classifier stage of the pipeline (`ingest → reach → classify → replay → reports`).
//!
//! This crate will own the five network failure modes (complete, asymmetric, partial, gray,
//! flapping) plus `crash` and `healthy`, computed on a [`rift_reach`] timeline: incident episodes
//! with their edges, direction, channels, confidence and evidence; the catalogue of failure
//! detectors (the model each assumes and the paths it observes); and the gap analysis that compares
//! the mode the network showed with the mode the detector assumed.
//!
//! It has no public items yet.
