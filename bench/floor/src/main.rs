//! `rift-bench-floor COUNTERS.csv`: scans a per-node counters CSV (`ts, node, peer, channel,
//! sent, received`) with polars' lazy CSV reader on the streaming engine, truncates each
//! timestamp to its 1 s window and sums `sent` and `received` per (node, peer, channel, window):
//! the least work any tool must do to get per-direction counts out of the file. Prints the
//! number of groups and the sums, so the work cannot be optimised away.

use polars::prelude::*;

fn main() -> PolarsResult<()> {
    let path = std::env::args()
        .nth(1)
        .expect("usage: rift-bench-floor COUNTERS.csv");
    let out = LazyCsvReader::new(PlRefPath::from(path.as_str()))
        .with_has_header(true)
        .with_try_parse_dates(true)
        .finish()?
        .with_column(col("ts").dt().truncate(lit("1s")).alias("window"))
        .group_by([col("node"), col("peer"), col("channel"), col("window")])
        .agg([col("sent").sum(), col("received").sum()])
        .select([
            len().alias("groups"),
            col("sent").sum(),
            col("received").sum(),
        ])
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    for c in out.columns() {
        println!("{} {}", c.name(), c.get(0)?);
    }
    Ok(())
}
