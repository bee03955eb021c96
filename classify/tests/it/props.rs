//! Properties over generated timelines.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rift_classify::{EdgeDirection, Mode, Options, Subtype, classify};
use rift_ingest::model::{Channel, NodeId};
use rift_reach::synthetic;
use rift_reach::{EdgeKey, EdgeState, Estimate, PairKey, Segment, Timeline};

const WINDOWS: u32 = 120;

fn name(i: usize) -> NodeId {
    NodeId(format!("n{i}"))
}

/// Run-length encodes a per-window state function into segments.
fn segments(state: impl Fn(u32) -> EdgeState) -> Vec<Segment> {
    synthetic::series(WINDOWS, state)
}

fn up_or_down(down: bool) -> EdgeState {
    if down { EdgeState::Down } else { EdgeState::Up }
}

/// A heartbeat mesh over `n` nodes where `down(src, dst, w)` says which directions are down.
fn mesh(n: usize, down: impl Fn(usize, usize, u32) -> bool) -> Timeline {
    let edges = synthetic::mesh(
        &synthetic::names(n),
        Channel::Heartbeat,
        WINDOWS,
        |s, d, w| up_or_down(down(s, d, w)),
    );
    timeline(n, edges, BTreeMap::new())
}

fn timeline(
    n: usize,
    edges: BTreeMap<EdgeKey, Vec<Segment>>,
    round_trips: BTreeMap<PairKey, Vec<Segment>>,
) -> Timeline {
    let mut nodes: Vec<NodeId> = (0..n).map(name).collect();
    for k in round_trips.keys() {
        nodes.push(k.a.clone());
        nodes.push(k.b.clone());
    }
    nodes.sort();
    nodes.dedup();
    Timeline {
        round_trips,
        ..synthetic::timeline(nodes, edges, WINDOWS)
    }
}

fn run(t: &Timeline) -> rift_classify::Classification {
    classify(t, None, &[], &Options::default())
}

fn fault_span() -> impl Strategy<Value = (u32, u32)> {
    (5u32..60, 5u32..50).prop_map(|(s, len)| (s, s + len))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_symmetric_cut_is_complete(
        n in 3usize..8,
        mask in 1u32..255,
        (s, e) in fault_span(),
    ) {
        let side: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        prop_assume!(!side.is_empty() && side.len() < n);
        let t = mesh(n, |a, b, w| (side.contains(&a) != side.contains(&b)) && (s..e).contains(&w));
        let c = run(&t);
        prop_assert_eq!(c.primary, Mode::Complete);
        prop_assert_eq!(c.episodes.len(), 1);
        let ep = &c.episodes[0];
        let subject: Vec<usize> = ep.subject.iter().map(|x| x.0[1..].parse().unwrap()).collect();
        let other: Vec<usize> = (0..n).filter(|i| !side.contains(i)).collect();
        prop_assert!(subject == side || subject == other, "{:?} vs {:?}", subject, side);
        prop_assert_eq!(ep.start_ns, i64::from(s) * 1_000_000_000);
        prop_assert_eq!(ep.end_ns, i64::from(e) * 1_000_000_000);
        prop_assert!(ep.edges.iter().all(|x| x.direction == EdgeDirection::Both));
        prop_assert_eq!(ep.edges.len(), side.len() * other.len());
    }

    #[test]
    fn a_single_one_way_edge_is_asymmetric_with_its_direction(
        n in 3usize..7,
        src in 0usize..7,
        dst in 0usize..7,
        (s, e) in fault_span(),
    ) {
        let (src, dst) = (src % n, dst % n);
        prop_assume!(src != dst);
        let t = mesh(n, |a, b, w| (a, b) == (src, dst) && (s..e).contains(&w));
        let c = run(&t);
        prop_assert_eq!(c.primary, Mode::Asymmetric);
        prop_assert_eq!(c.episodes.len(), 1);
        let edge = &c.episodes[0].edges[0];
        prop_assert_eq!(c.episodes[0].edges.len(), 1);
        prop_assert_eq!(edge.direction, EdgeDirection::OneWay);
        prop_assert_eq!(&edge.from, &name(src));
        prop_assert_eq!(&edge.to, &name(dst));
    }

    #[test]
    fn a_triangle_missing_one_side_is_non_transitive(
        n in 3usize..7,
        a in 0usize..7,
        b in 0usize..7,
        (s, e) in fault_span(),
    ) {
        let (a, b) = (a % n, b % n);
        prop_assume!(a != b);
        let t = mesh(n, |x, y, w| (x.min(y), x.max(y)) == (a.min(b), a.max(b)) && (s..e).contains(&w));
        let c = run(&t);
        prop_assert_eq!(c.primary, Mode::Partial);
        prop_assert_eq!(c.episodes.len(), 1);
        prop_assert_eq!(c.episodes[0].subtype, Some(Subtype::NonTransitive));
        let mut want = vec![name(a), name(b)];
        want.sort();
        prop_assert_eq!(&c.episodes[0].subject, &want);
    }

    #[test]
    fn health_up_while_data_down_is_gray(
        n in 2usize..6,
        target in 0usize..5,
        (s, e) in fault_span(),
    ) {
        let target = target % n;
        let client = NodeId("client".into());
        let mut rts = BTreeMap::new();
        for i in 0..n {
            for ch in [Channel::Health, Channel::Data] {
                let down = move |w: u32| ch == Channel::Data && i == target && (s..e).contains(&w);
                let (a, b) = if client < name(i) { (client.clone(), name(i)) } else { (name(i), client.clone()) };
                rts.insert(PairKey { channel: ch, a, b, flow: None }, segments(|w| up_or_down(down(w))));
            }
        }
        let t = timeline(n, BTreeMap::new(), rts);
        let c = run(&t);
        prop_assert_eq!(c.primary, Mode::Gray);
        prop_assert_eq!(c.episodes.len(), 1);
        prop_assert_eq!(&c.episodes[0].subject, &vec![name(target)]);
    }

    #[test]
    fn periodic_toggling_is_flapping(
        n in 3usize..6,
        down_for in 2u32..8,
        up_for in 2u32..8,
        cycles in 3u32..6,
        start in 0u32..20,
    ) {
        let period = down_for + up_for;
        let end = start + cycles * period;
        let t = mesh(n, |x, y, w| {
            (x.min(y), x.max(y)) == (0, 1) && (start..end).contains(&w) && (w - start) % period < down_for
        });
        let c = run(&t);
        prop_assert_eq!(c.primary, Mode::Flapping);
        prop_assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
        let ep = &c.episodes[0];
        prop_assert_eq!(&ep.subject, &vec![name(0), name(1)]);
        prop_assert_eq!(ep.flaps.as_ref().unwrap().cycles, cycles);
        prop_assert!((ep.flaps.as_ref().unwrap().period_s - f64::from(period)).abs() < 1e-9);
    }

    #[test]
    fn noise_below_the_thresholds_is_healthy(
        n in 3usize..6,
        seed in any::<u64>(),
    ) {
        // Delivery jitters between 0.9 and 1 everywhere; now and then a single window dips
        // into lossy, at least 6 windows from the previous dip anywhere in the mesh.
        let mix = |x: u64| x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ seed;
        let t = mesh(n, |_, _, _| false);
        let mut t = t;
        let mut last_dip: i64 = -10;
        for (i, segs) in t.edges.values_mut().enumerate() {
            let mut out = Vec::new();
            for w in 0..WINDOWS {
                let r = mix(u64::from(w) * 131 + i as u64);
                let dip = r % 23 == 0 && i64::from(w) - last_dip >= 6;
                if dip {
                    last_dip = i64::from(w);
                }
                let p = if dip { 0.5 } else { 0.9 + (r % 100) as f64 / 1000.0 };
                let state = if dip { EdgeState::Lossy } else { EdgeState::Up };
                out.push(Segment {
                    estimate: Some(Estimate { p, lo: p, hi: p, n: 10 }),
                    ..synthetic::segment(w, w + 1, state)
                });
            }
            *segs = out;
            last_dip = last_dip.max(-10);
        }
        let c = run(&t);
        prop_assert_eq!(c.primary, Mode::Healthy, "{:?}", c.episodes);
        prop_assert!(c.episodes.is_empty());
    }
}

#[test]
fn an_asymmetric_link_that_flaps_is_reported_as_such() {
    // n0 → n1 lost for 4 s out of every 8 s, from second 10 to 58; n1 → n0 fine.
    let t = mesh(3, |a, b, w| {
        (a, b) == (0, 1) && (10..58).contains(&w) && (w - 10) % 8 < 4
    });
    let c = run(&t);
    assert_eq!(c.primary, Mode::Flapping);
    assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
    assert_eq!(c.episodes[0].subtype, Some(Subtype::FlappingAsymmetric));
    assert_eq!(c.episodes[0].edges[0].direction, EdgeDirection::OneWay);
    assert_eq!(c.episodes[0].flaps.as_ref().unwrap().cycles, 6);
}

#[test]
fn gray_on_one_node_while_another_is_isolated_reports_both() {
    // Heartbeats: n0 cut off from n1, n2 from second 20 to 60. Client probes: n2's data
    // fails from 30 to 70 while its health passes.
    let mut t = mesh(3, |a, b, w| (a == 0 || b == 0) && (20..60).contains(&w));
    let client = NodeId("client".into());
    for i in 0..3 {
        for ch in [Channel::Health, Channel::Data] {
            let down = move |w: u32| {
                (i == 0 && (20..60).contains(&w))
                    || (ch == Channel::Data && i == 2 && (30..70).contains(&w))
            };
            t.round_trips.insert(
                PairKey {
                    channel: ch,
                    a: client.clone(),
                    b: name(i),
                    flow: None,
                },
                segments(|w| up_or_down(down(w))),
            );
        }
    }
    t.nodes.insert(0, client);
    let c = run(&t);
    assert_eq!(c.primary, Mode::Complete, "{:?}", c.scores);
    assert_eq!(c.secondary, [Mode::Gray]);
    let gray = c.episodes.iter().find(|e| e.mode == Mode::Gray).unwrap();
    assert_eq!(gray.subject, [name(2)]);
    assert_eq!(gray.start_ns, 30_000_000_000);
    let cut = c
        .episodes
        .iter()
        .find(|e| e.mode == Mode::Complete)
        .unwrap();
    assert_eq!(cut.subject, [name(0)]);
    assert_eq!(cut.start_ns, 20_000_000_000);
}

#[test]
fn observers_that_disagree_about_a_node_make_it_gray() {
    // Two load balancers probe two backends; lb1 loses b2 while lb2 still reaches it.
    let mut rts = BTreeMap::new();
    for lb in ["lb1", "lb2"] {
        for b in ["b1", "b2"] {
            let down = move |w: u32| lb == "lb1" && b == "b2" && (20..50).contains(&w);
            rts.insert(
                PairKey {
                    channel: Channel::Health,
                    a: NodeId(b.into()),
                    b: NodeId(lb.into()),
                    flow: None,
                },
                segments(|w| up_or_down(down(w))),
            );
        }
    }
    let t = timeline(0, BTreeMap::new(), rts);
    let c = run(&t);
    assert_eq!(c.primary, Mode::Gray, "{:?}", c.episodes);
    assert_eq!(c.episodes[0].subtype, Some(Subtype::ObserversDisagree));
}

#[test]
fn text_of_a_large_cut_stays_short_and_points_to_json() {
    let t = mesh(20, |a, b, w| (a == 0 || b == 0) && (30..90).contains(&w));
    let c = run(&t);
    let v = rift_classify::Verdict::new(None, c, None, &[]);
    let text = rift_classify::text::render(&v);
    assert!(text.contains("(20 nodes)"), "{text}");
    assert!(text.contains("complete: n0 cut off"), "{text}");
    assert!(text.contains("… 11 more edges in --json"), "{text}");
    assert!(text.lines().count() < 30, "{text}");
}

#[test]
fn a_node_flapping_in_and_out_of_isolation_is_a_flapping_cut_of_that_node() {
    // n2 cut off from everyone for 3 s out of every 7 s, from second 10 to 52.
    let t = mesh(4, |a, b, w| {
        (a == 2 || b == 2) && (10..52).contains(&w) && (w - 10) % 7 < 3
    });
    let c = run(&t);
    assert_eq!(c.primary, Mode::Flapping);
    assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
    let e = &c.episodes[0];
    assert_eq!(e.subtype, Some(Subtype::FlappingComplete));
    assert_eq!(e.subject, [name(2)]);
    assert_eq!(e.flaps.as_ref().unwrap().cycles, 6);
    let text = rift_classify::text::render(&rift_classify::Verdict::new(None, c, None, &[]));
    assert!(
        text.contains("flapping (complete): n2 cut off again and again"),
        "{text}"
    );
}

/// n2 cut off from n0 and n1 for 4 s, back for 1 s, four times from second 10; the one-second
/// up phases rest on estimates whose 95 % interval starts at `up_lo`.
fn cut_back_for_a_second(up_lo: f64) -> Timeline {
    let mut t = mesh(3, |a, b, w| {
        (a == 2 || b == 2) && (10..30).contains(&w) && (w - 10) % 5 < 4
    });
    for segs in t.edges.values_mut() {
        for s in segs.iter_mut().filter(|s| s.state == EdgeState::Up) {
            if (10..30).contains(&s.start.0) {
                s.estimate = Some(Estimate {
                    p: 1.0,
                    lo: up_lo,
                    hi: 1.0,
                    n: 50,
                });
            }
        }
    }
    t
}

#[test]
fn a_cut_back_for_one_second_on_firm_evidence_is_flapping() {
    // Byte counters that move again in full for a second between the down phases (TCP's
    // backoff after each heal leaves a connection up that briefly): four down phases.
    let c = run(&cut_back_for_a_second(0.95));
    assert_eq!(c.primary, Mode::Flapping, "{:?}", c.episodes);
    assert_eq!(c.episodes[0].flaps.as_ref().unwrap().cycles, 4);
    // The same second resting on a request or two proves nothing: one cut throughout.
    let c = run(&cut_back_for_a_second(0.3));
    assert_eq!(c.primary, Mode::Complete, "{:?}", c.episodes);
}
