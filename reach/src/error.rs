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
    /// A timeline JSON document cannot be read.
    #[error("timeline JSON: {0}")]
    BadJson(String),
}
