//! The same counters as CSV, NDJSON and Parquet (optionally compressed) give identical tables.

use std::io::Write;

use polars::prelude::*;
use rift_ingest::model::col;

use crate::{fixture, read};

/// Drops `origin` (it names the file and line, which differ by format) and sorts.
fn comparable(df: &DataFrame) -> DataFrame {
    df.drop(col::ORIGIN)
        .unwrap()
        .sort(
            [col::TS, col::SRC, col::DST, col::CHANNEL],
            Default::default(),
        )
        .unwrap()
}

fn counters_rows() -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(fixture("partial-one-flow").join("counters.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_ndjson_and_parquet_give_identical_observations() {
    let (header, rows) = counters_rows();
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();

    std::fs::copy(
        fixture("partial-one-flow").join("counters.csv"),
        dirs[0].path().join("counters.csv"),
    )
    .unwrap();

    let mut nd = String::new();
    for r in &rows {
        let obj: serde_json::Map<String, serde_json::Value> = header
            .iter()
            .zip(r)
            .map(|(h, v)| {
                let v = v
                    .parse::<u64>()
                    .map(serde_json::Value::from)
                    .unwrap_or_else(|_| v.clone().into());
                (h.clone(), v)
            })
            .collect();
        nd.push_str(&serde_json::to_string(&obj).unwrap());
        nd.push('\n');
    }
    std::fs::write(dirs[1].path().join("counters.ndjson"), &nd).unwrap();

    let column = |i: usize| -> Column {
        let name = header[i].as_str();
        if name == "sent" || name == "received" {
            Column::new(
                name.into(),
                rows.iter()
                    .map(|r| r[i].parse::<u32>().unwrap())
                    .collect::<Vec<_>>(),
            )
        } else {
            Column::new(
                name.into(),
                rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>(),
            )
        }
    };
    let mut df = DataFrame::new(rows.len(), (0..header.len()).map(column).collect()).unwrap();
    let file = std::fs::File::create(dirs[2].path().join("counters.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();

    let gz = std::fs::File::create(dirs[3].path().join("counters.csv.gz")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::fast());
    enc.write_all(&std::fs::read(dirs[0].path().join("counters.csv")).unwrap())
        .unwrap();
    enc.finish().unwrap();

    let tables: Vec<DataFrame> = dirs
        .iter()
        .map(|d| comparable(&read(d.path()).observations))
        .collect();
    assert!(tables[0].height() > 0);
    for t in &tables[1..] {
        assert!(
            tables[0].equals_missing(t),
            "{:?}\nvs\n{:?}",
            tables[0].head(Some(3)),
            t.head(Some(3))
        );
    }
}

#[test]
fn cumulative_counters_with_a_reset_give_the_same_deltas() {
    let dir = tempfile::tempdir().unwrap();
    // Running totals of 10 messages a second; n2's counters restart from zero at second 3.
    let mut text = String::from("ts,node,peer,sent_total,received_total\n");
    let mut n2 = 0;
    for t in 0..6 {
        let total = 10 * t;
        text.push_str(&format!("{},n1,n2,{total},{total}\n", 1_767_225_600 + t));
        if t == 3 {
            n2 = 0;
        } else if t > 0 {
            n2 += 10;
        }
        text.push_str(&format!("{},n2,n1,{n2},{n2}\n", 1_767_225_600 + t));
    }
    std::fs::write(dir.path().join("counters.csv"), text).unwrap();
    let got = read(dir.path());
    let acc = &got.accounting.files[0];
    assert_eq!(acc.rows_read, 12);
    assert_eq!(
        acc.skipped.get("baseline of a cumulative counter"),
        Some(&2)
    );
    assert!(
        acc.notes.iter().any(|n| n.contains("counter resets")),
        "{:?}",
        acc.notes
    );
    let attempts: u32 = got
        .observations
        .column(col::ATTEMPTS)
        .unwrap()
        .u32()
        .unwrap()
        .sum()
        .unwrap();
    // 5 intervals each way; at the reset n2's total restarts at 0, so that interval sent nothing
    // and gives no observation.
    assert_eq!(got.observations.height(), 9);
    assert_eq!(attempts, 90);
}
