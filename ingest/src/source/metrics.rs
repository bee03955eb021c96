//! Metric exports: Prometheus text snapshots, `query_range` JSON, and long tables (one sample
//! per row). Their samples wait in [`Reading::metrics`] until every file is read, and are then
//! interpreted together (`crate::metrics::interpret`).

use crate::config::SourceKind;
use crate::error::Error;
use crate::metrics::{self, MetricFile, MetricTable};
use crate::row::{Format, read_table};
use crate::source::{Candidate, Reading, Source, empty_table, note_empty};

/// Metric exports.
pub(crate) struct Metrics;

impl Source for Metrics {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Metrics]
    }

    fn by_content(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        (file.format == Some(Format::Ndjson) && metrics::is_query_json(file.path))
            .then_some(SourceKind::Metrics)
    }

    fn by_name(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        (file.name.ends_with(".prom") || file.name.ends_with(".prom.txt"))
            .then_some(SourceKind::Metrics)
    }

    fn by_columns(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        (file.has(&["metric", "__name__"]) && file.has(&["value"])).then_some(SourceKind::Metrics)
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        for &i in files {
            let f = &reading.files[i];
            reading.progress.file(&f.rel);
            let node = reading.node_of(i);
            let acc = &mut reading.accounts[i];
            let progress = reading.progress;
            // The samples of all metric files share one budget.
            let room = metrics::MAX_SAMPLES
                - reading
                    .metrics
                    .iter()
                    .map(|m| m.samples.len())
                    .sum::<usize>();
            let samples = match f.format {
                Some(Format::Ndjson) if metrics::is_query_json(&f.path) => {
                    metrics::read_query_json(&f.path, &node, acc, room, progress)?
                }
                Some(format) => {
                    let mut table = MetricTable::new(acc, node, room);
                    let empty = empty_table(read_table(&f.path, format, &mut table, progress))?;
                    let samples = table.finish(&f.path)?;
                    note_empty(acc, empty);
                    samples
                }
                None => metrics::read_prom(&f.path, &f.rel, &node, acc, room, progress)?,
            };
            reading.metrics.push(MetricFile {
                account: i,
                rel: f.rel.clone(),
                samples,
            });
        }
        Ok(())
    }
}
