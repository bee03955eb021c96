//! The settings of the classifier.

/// When an edge counts as flapping.
///
/// A *cycle* is a down phase (the pair at fault on a channel) of at least `min_dwell_ns`
/// followed by an up phase of at least `min_dwell_ns`; up phases shorter than the dwell do not
/// end a down phase. An edge flaps while at least `cycles` down phases start within any
/// `window_ns` span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlapRule {
    /// Down phases needed within the window (default 3).
    pub cycles: u32,
    /// The sliding window, ns (default 60 s).
    pub window_ns: i64,
    /// Shortest down or up phase that counts, ns (default 2 s).
    pub min_dwell_ns: i64,
}

impl Default for FlapRule {
    fn default() -> Self {
        FlapRule {
            cycles: 3,
            window_ns: 60_000_000_000,
            min_dwell_ns: 2_000_000_000,
        }
    }
}

/// Settings of [`crate::classify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Episodes shorter than this are listed as transients, not classified (default 3 s).
    pub min_duration_ns: i64,
    /// Findings of the same kind separated by less than this are one episode (default 2 s).
    pub merge_gap_ns: i64,
    /// The flapping rule.
    pub flap: FlapRule,
    /// How much longer one direction of a cut pair must have kept delivering than the other
    /// for the cut to be read as one-way (default 250 ms): a one-way drop lets the reverse
    /// direction run on until TCP stalls it (at least one retransmission timeout, 200 ms),
    /// while the two directions of a clean cut stop within a heartbeat of each other.
    pub echo_gap_ns: i64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_duration_ns: 3_000_000_000,
            merge_gap_ns: 2_000_000_000,
            flap: FlapRule::default(),
            echo_gap_ns: 250_000_000,
        }
    }
}
