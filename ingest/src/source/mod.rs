//! Readers for each kind of table in an export.

pub(crate) mod columns;
pub(crate) mod counters;
pub(crate) mod members;
pub(crate) mod probes;

use crate::model::Channel;

/// The channel of a table row: the one the settings fix for the whole file, else the row's
/// `channel` cell, else the table's default. `Err` is the reason a cell names no channel.
pub(crate) fn row_channel(
    fixed: Option<Channel>,
    cell: Option<&str>,
    default: Channel,
) -> Result<Channel, String> {
    match (fixed, cell) {
        (Some(c), _) => Ok(c),
        (None, Some(v)) => v.parse::<Channel>(),
        (None, None) => Ok(default),
    }
}
