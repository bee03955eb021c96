//! Errors of the reach stage.

/// What can go wrong building or reading a timeline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An observations table lacks a column or has it with the wrong type.
    #[error("observations table: column '{column}': {reason}")]
    BadColumn {
        /// The column.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// A row of an observations table holds a value outside the schema.
    #[error("observations table row {row}: {reason}")]
    BadRow {
        /// 0-based row index within the batch.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// The observations span more windows than a timeline holds ([`crate::MAX_WINDOWS`]): a
    /// timestamp far from the others (a clock reset to 1970, a misread column) would stretch it
    /// over years. The message names both ends and where their observations came from.
    #[error("{0}")]
    SpanTooLong(String),
    /// Series spread thinly over long spans would need more (series, window) cells than the
    /// limit.
    #[error(
        "the timeline would need more than {limit} (direction, window) cells for {series} series spread over long spans: pass a longer --window"
    )]
    TooManyCells {
        /// Series so far.
        series: usize,
        /// The limit.
        limit: u64,
    },
    /// A timeline JSON document cannot be read.
    #[error("timeline JSON: {0}")]
    BadJson(String),
}
