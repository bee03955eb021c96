//! Clocks that disagree: placing each node's clock against its peers' from pairwise
//! differences, and what was found.
//!
//! Two kinds of evidence give the differences. Paired counters: both ends of an edge count the
//! same messages, each stamped by its own clock, so the receiver's counts run shifted from the
//! sender's by the difference of their clocks. Leader elections: a Raft node logs the leader of a
//! term when the leader's first message reaches it, within a heartbeat of every other member, so
//! the same election logged by two nodes is a sample of their clocks' difference.

use std::collections::{BTreeMap, VecDeque};

use crate::time::format_duration;

/// What showed that a clock was off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkewEvidence {
    /// The counts both ends of its edges reported.
    Counters,
    /// The leader elections it and its peers logged.
    Elections,
}

/// A node whose clock was found off from its peers' and corrected.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClockSkew {
    /// The node.
    pub node: String,
    /// How far its clock was ahead of its peers' (negative: behind), in ns; its times were
    /// moved back by this much.
    pub offset_ns: i64,
    /// How many peers' evidence agreed on it.
    pub peers: usize,
    /// What showed it.
    pub evidence: SkewEvidence,
}

impl ClockSkew {
    /// How far and which way, as "1h ahead of" or "5s behind".
    pub fn offset(&self) -> String {
        let (dir, by) = if self.offset_ns >= 0 {
            ("ahead of", self.offset_ns)
        } else {
            ("behind", -self.offset_ns)
        };
        format!("{} {dir}", format_duration(by))
    }

    /// What showed it, as "the counts it and 2 of its peers reported".
    pub fn shown_by(&self) -> String {
        match self.evidence {
            SkewEvidence::Counters => {
                format!("the counts it and {} of its peers reported", self.peers)
            }
            SkewEvidence::Elections => format!(
                "the leader elections it and {} of its peers logged",
                self.peers
            ),
        }
    }

    /// The account note for a file whose `what` (counts, lines) was moved.
    pub(crate) fn note(&self, what: &str) -> String {
        format!(
            "the clock of {} is {} its peers' (shown by {}): {what} were moved back onto theirs",
            self.node,
            self.offset(),
            self.shown_by()
        )
    }
}

/// A quarter of an hour, the grain of the world's zones.
const QUARTER: i64 = 15 * 60 * 1_000_000_000;

/// `offset_ns` rounded to a zone's offset (whole quarters of an hour, at most 14 hours, not
/// zero), when it is within a second of one.
pub(crate) fn zone_offset(offset_ns: i64) -> Option<i64> {
    let quarters = (offset_ns as f64 / QUARTER as f64).round() as i64;
    let near = (offset_ns - quarters * QUARTER).abs() <= 1_000_000_000;
    (near && quarters != 0 && quarters.abs() <= 14 * 4).then_some(quarters * QUARTER)
}

/// The offset a zone would explain: within a second of a whole number of quarter hours (every
/// zone in use is one) and at least one of them, as `UTC+8` or `UTC-3:30`.
pub(crate) fn zone_like(offset_ns: i64) -> Option<String> {
    let quarters = zone_offset(offset_ns)? / QUARTER;
    let (sign, q) = if quarters > 0 {
        ('+', quarters)
    } else {
        ('-', -quarters)
    };
    Some(match q % 4 {
        0 => format!("UTC{sign}{}", q / 4),
        r => format!("UTC{sign}{}:{:02}", q / 4, r * 15),
    })
}

/// The median of `samples` (the upper one of an even count), sorting them; `None` for none.
pub(crate) fn median(samples: &mut [i64]) -> Option<i64> {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied()
}

/// Places clocks from pairwise differences. `diff[(a, b)]` (with `a < b`) estimates
/// clock(b) − clock(a). Each node is placed through the differences (breadth first from the
/// lowest node of each connected group), and the median placed node defines the common clock.
/// Returns each placed node's offset from the common clock and how many of its peers'
/// differences agree with the placement within `tolerance`.
pub(crate) fn place<N: Ord + Clone>(
    diff: &BTreeMap<(N, N), i64>,
    tolerance: i64,
) -> Vec<(N, i64, usize)> {
    let between = |a: &N, b: &N| -> Option<i64> {
        if a < b {
            diff.get(&(a.clone(), b.clone())).copied()
        } else {
            diff.get(&(b.clone(), a.clone())).map(|d| -d)
        }
    };
    let mut nodes: Vec<&N> = diff.keys().flat_map(|(a, b)| [a, b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let mut clock: BTreeMap<&N, i64> = BTreeMap::new();
    for &root in &nodes {
        if clock.contains_key(root) {
            continue;
        }
        clock.insert(root, 0);
        let mut queue = VecDeque::from([root]);
        while let Some(a) = queue.pop_front() {
            let at = clock[a];
            for &b in &nodes {
                if let (false, Some(d)) = (clock.contains_key(b), between(a, b)) {
                    clock.insert(b, at + d);
                    queue.push_back(b);
                }
            }
        }
    }
    let mut all: Vec<i64> = clock.values().copied().collect();
    all.sort_unstable();
    let Some(&common) = all.get(all.len() / 2) else {
        return Vec::new();
    };
    clock
        .iter()
        .map(|(&node, &c)| {
            let agree = clock
                .iter()
                .filter(|&(&peer, &p)| {
                    peer != node
                        && between(peer, node).is_some_and(|d| (d - (c - p)).abs() <= tolerance)
                })
                .count();
            (node.clone(), c - common, agree)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{place, zone_like};

    #[test]
    fn offsets_of_whole_quarter_hours_look_like_zones() {
        let h = 3_600_000_000_000i64;
        assert_eq!(zone_like(8 * h + 400_000_000).as_deref(), Some("UTC+8"));
        assert_eq!(zone_like(-(3 * h + h / 2)).as_deref(), Some("UTC-3:30"));
        assert_eq!(
            zone_like(5 * h + 45 * 60_000_000_000).as_deref(),
            Some("UTC+5:45")
        );
        assert_eq!(zone_like(7_000_000_000), None);
        assert_eq!(zone_like(h + 90_000_000_000), None);
    }

    #[test]
    fn the_odd_clock_out_is_placed_against_the_median() {
        // b runs 100 ahead of a and c; c and a agree.
        let diff = BTreeMap::from([(("a", "b"), 100), (("b", "c"), -101), (("a", "c"), 0)]);
        assert_eq!(
            place(&diff, 1),
            vec![("a", 0, 2), ("b", 100, 2), ("c", 0, 2)]
        );
        assert!(place::<u32>(&BTreeMap::new(), 1).is_empty());
    }
}
