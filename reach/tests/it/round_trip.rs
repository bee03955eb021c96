//! Direction is handled honestly: round trips alone never claim a direction; one-way evidence
//! plus round trips pins the failed one.

use rift_ingest::ObservationsBuilder;
use rift_ingest::model::{Channel, Evidence, NodeId, Observation};
use rift_reach::{Basis, Direction, EdgeState, TimelineBuilder, WindowIdx};

fn obs(t: i64, src: &str, dst: &str, evidence: Evidence, n: u32, k: u32) -> Observation {
    Observation {
        ts_ns: t * 1_000_000_000,
        src: NodeId(src.into()),
        dst: NodeId(dst.into()),
        channel: Channel::Probe,
        flow: None,
        evidence,
        attempts: n,
        delivered: k,
        latency_ms: None,
        reporter: src.into(),
        origin: format!("test:{t}"),
    }
}

#[test]
fn failing_round_trips_alone_leave_the_direction_unknown() {
    let mut b = ObservationsBuilder::new();
    for t in 0..10 {
        b.push(obs(t, "a", "b", Evidence::RoundTrip, 1, u32::from(t < 5)));
    }
    let mut tb = TimelineBuilder::new();
    tb.add(&b.take_frame()).unwrap();
    let t = tb.finish();
    let w = WindowIdx(7);
    assert_eq!(
        t.state(Channel::Probe, "a", "b", w),
        Some(EdgeState::Unknown)
    );
    assert_eq!(
        t.state(Channel::Probe, "b", "a", w),
        Some(EdgeState::Unknown)
    );
    assert_eq!(
        t.fault(Channel::Probe, "a", "b", w),
        Some(Direction::Unknown)
    );
    assert!(
        t.segment(Channel::Probe, "a", "b", w)
            .unwrap()
            .estimate
            .is_none()
    );
    assert_eq!(
        t.state(Channel::Probe, "a", "b", WindowIdx(2)),
        Some(EdgeState::Up)
    );
}

#[test]
fn one_way_success_plus_failing_round_trips_pins_the_reverse_direction() {
    let mut b = ObservationsBuilder::new();
    for t in 0..10 {
        b.push(obs(t, "a", "b", Evidence::OneWay, 10, 10));
        b.push(obs(t, "a", "b", Evidence::RoundTrip, 1, 0));
    }
    let mut tb = TimelineBuilder::new();
    tb.add(&b.take_frame()).unwrap();
    let t = tb.finish();
    let seg = t.segment(Channel::Probe, "b", "a", WindowIdx(3)).unwrap();
    assert_eq!((seg.state, seg.basis), (EdgeState::Down, Basis::Combined));
    assert_eq!(
        t.state(Channel::Probe, "a", "b", WindowIdx(3)),
        Some(EdgeState::Up)
    );
    assert_eq!(
        t.fault(Channel::Probe, "a", "b", WindowIdx(3)),
        Some(Direction::Reverse)
    );
}

/// A batch from elsewhere (a Parquet file written by `rift ingest -o`, a hand-made table) may
/// carry its names as plain strings; it must give the same timeline and trail as the
/// categorical batches ingest streams.
#[test]
fn string_columns_give_the_same_timeline_as_categorical_ones() {
    use polars::prelude::*;
    let mut b = ObservationsBuilder::new();
    for t in 0..20 {
        b.push(obs(
            t,
            "a",
            "b",
            Evidence::OneWay,
            10,
            if t < 8 { 10 } else { 0 },
        ));
        b.push(obs(t, "b", "a", Evidence::OneWay, 10, 10));
        b.push(obs(
            t,
            "a",
            "c",
            Evidence::RoundTrip,
            1,
            u32::from(t % 3 != 0),
        ));
    }
    let df = b.take_frame();
    let mut strings = df.clone();
    for name in ["src", "dst", "channel", "evidence", "reporter"] {
        let c = strings
            .column(name)
            .unwrap()
            .cast(&DataType::String)
            .unwrap();
        strings.with_column(c).unwrap();
    }
    assert_eq!(strings.column("src").unwrap().dtype(), &DataType::String);
    let build = |df: &DataFrame| {
        let mut tb = TimelineBuilder::new();
        tb.add(df).unwrap();
        tb.finish_traced()
    };
    let (t1, trail1) = build(&df);
    let (t2, trail2) = build(&strings);
    assert_eq!(t1, t2);
    assert_eq!(trail1, trail2);
    assert_eq!(
        t1.state(Channel::Probe, "a", "b", WindowIdx(12)),
        Some(EdgeState::Down)
    );
}
