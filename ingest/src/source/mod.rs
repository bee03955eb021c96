//! Readers for each kind of table in an export.

pub(crate) mod columns;
pub(crate) mod counters;
pub(crate) mod members;
pub(crate) mod probes;
