//! Delivery estimates: Wilson intervals and the combination of one-way and round-trip evidence.

use crate::model::{Basis, EdgeState, Estimate, Thresholds};

/// The Wilson score interval (95 %) for `k` successes in `n` trials: `(p̂, lo, hi)`.
/// With `n = 0` the interval is the whole of [0, 1].
pub fn wilson(k: u64, n: u64) -> (f64, f64, f64) {
    if n == 0 {
        return (0.0, 0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let n_f = n as f64;
    let p = k.min(n) as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z * ((p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt()) / denom;
    (p, (centre - half).max(0.0), (centre + half).min(1.0))
}

/// Sample counts: `n` attempts, `k` delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) n: u64,
    pub(crate) k: u64,
}

impl Counts {
    pub(crate) fn add(&mut self, o: Counts) {
        self.n += o.n;
        self.k += o.k;
    }

    pub(crate) fn p(self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.k.min(self.n) as f64 / self.n as f64
        }
    }
}

/// What the evidence of one window says about one direction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Verdict {
    /// Nothing measured this direction or its pair in the window.
    NoData,
    /// Pinned: the state and the evidence it rests on.
    Known {
        state: EdgeState,
        basis: Basis,
        own: Counts,
        rt: Counts,
        rev: Counts,
    },
    /// The pair's round trips failed and nothing tells which direction: `unknown`.
    Ambiguous { rt: Counts },
}

impl Verdict {
    /// The state and basis, for run-length encoding.
    pub(crate) fn class(&self) -> Option<(EdgeState, Basis)> {
        match *self {
            Verdict::NoData => None,
            Verdict::Known { state, basis, .. } => Some((state, basis)),
            Verdict::Ambiguous { .. } => Some((EdgeState::Unknown, Basis::RoundTrip)),
        }
    }
}

/// Combines one window's evidence for direction a→b.
///
/// `own` is one-way a→b, `rev` one-way b→a, `rt` the pair's round trips (both orientations).
pub(crate) fn direction(own: Counts, rev: Counts, rt: Counts, t: &Thresholds) -> Verdict {
    if own.n > 0 {
        return Verdict::Known {
            state: t.state(own.p()),
            basis: Basis::OneWay,
            own,
            rt: Counts::default(),
            rev: Counts::default(),
        };
    }
    if rt.n == 0 {
        return Verdict::NoData;
    }
    let q = rt.p();
    if t.state(q) == EdgeState::Up {
        return Verdict::Known {
            state: EdgeState::Up,
            basis: Basis::RoundTrip,
            own,
            rt,
            rev: Counts::default(),
        };
    }
    if rev.n > 0 && t.state(rev.p()) == EdgeState::Up {
        let p = (q / rev.p()).min(1.0);
        return Verdict::Known {
            state: t.state(p),
            basis: Basis::Combined,
            own,
            rt,
            rev,
        };
    }
    Verdict::Ambiguous { rt }
}

/// What one direction's one-way evidence last showed.
pub(crate) type Last = Option<EdgeState>;

/// Reads a window's failed round trips against what each direction was last shown to be.
///
/// A round trip that got no answer says that one of the two directions failed, never which:
/// alone it leaves both `unknown`. Read with one-way evidence it narrows: when the reverse
/// direction was last shown up (in this window or before it), this direction is the one that
/// failed; when this direction was itself last shown down, a round trip that still fails is what
/// that state predicts, so the state carries on. What was shown lasts until evidence says
/// otherwise (round trips that go through, or one-way evidence of another state), not for a
/// set time: a stream's silence logged once at a cut, then a prober's timeouts every few
/// seconds, keep the direction the silence showed for as long as the timeouts last. `fwd` and
/// `rev` are the window's verdicts for a→b and b→a, `last_fwd` and `last_rev` what the windows
/// before it showed.
pub(crate) fn narrow(
    (fwd, rev): (Verdict, Verdict),
    (last_fwd, last_rev): (Last, Last),
    t: &Thresholds,
) -> (Verdict, Verdict) {
    let shown = |v: &Verdict, last: Last| match *v {
        Verdict::Known {
            basis: Basis::RoundTrip,
            ..
        } => None,
        Verdict::Known { state, .. } => Some(state),
        _ => last,
    };
    let (was_fwd, was_rev) = (shown(&fwd, last_fwd), shown(&rev, last_rev));
    let one = |v: Verdict, was_own: Option<EdgeState>, was_back: Option<EdgeState>| match v {
        Verdict::Ambiguous { rt }
            if t.state(rt.p()) == EdgeState::Down
                && (was_back == Some(EdgeState::Up) || was_own == Some(EdgeState::Down)) =>
        {
            Verdict::Known {
                state: EdgeState::Down,
                basis: Basis::Combined,
                own: Counts::default(),
                rt,
                // The reverse direction as last shown: up, or (carrying a down state) taken as
                // up so that the estimate is the round trips' own, the least that fits them.
                rev: Counts { n: 1, k: 1 },
            }
        }
        v => v,
    };
    (one(fwd, was_fwd, was_rev), one(rev, was_rev, was_fwd))
}

/// Remembers what a window's one-way evidence showed of a direction. Round trips that went
/// through show both directions up but neither on its own: they end what was remembered
/// without standing in for it.
pub(crate) fn remember(last: &mut Last, v: &Verdict) {
    match *v {
        Verdict::Known {
            basis: Basis::RoundTrip,
            ..
        } => *last = None,
        Verdict::Known { state, .. } => *last = Some(state),
        Verdict::NoData | Verdict::Ambiguous { .. } => {}
    }
}

/// The pooled estimate of a run of windows with the same verdict class.
pub(crate) fn pooled(basis: Basis, own: Counts, rt: Counts, rev: Counts) -> Estimate {
    match basis {
        Basis::OneWay => {
            let (p, lo, hi) = wilson(own.k, own.n);
            Estimate {
                p,
                lo,
                hi,
                n: own.n,
            }
        }
        Basis::RoundTrip => {
            // q is a lower bound on each direction.
            let (p, lo, _) = wilson(rt.k, rt.n);
            Estimate {
                p,
                lo,
                hi: 1.0,
                n: rt.n,
            }
        }
        Basis::Combined => {
            let (q, qlo, qhi) = wilson(rt.k, rt.n);
            let r = rev.p().max(f64::MIN_POSITIVE);
            Estimate {
                p: (q / r).min(1.0),
                lo: (qlo / r).min(1.0),
                hi: (qhi / r).min(1.0),
                n: rt.n,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(n: u64, k: u64) -> Counts {
        Counts { n, k }
    }

    #[test]
    fn failing_round_trips_alone_never_claim_a_direction() {
        let t = Thresholds::default();
        assert_eq!(
            direction(c(0, 0), c(0, 0), c(10, 0), &t),
            Verdict::Ambiguous { rt: c(10, 0) }
        );
    }

    /// Runs `narrow` over windows of (a→b one-way, b→a one-way, round trips) and gives each
    /// window's (a→b, b→a) states, `None` for no data.
    fn walk(windows: &[(Counts, Counts, Counts)]) -> Vec<(Option<EdgeState>, Option<EdgeState>)> {
        let t = Thresholds::default();
        let (mut lf, mut lr): (Last, Last) = (None, None);
        let state = |v: &Verdict| v.class().map(|(s, _)| s);
        windows
            .iter()
            .map(|&(own, back, rt)| {
                let (f, r) = narrow(
                    (direction(own, back, rt, &t), direction(back, own, rt, &t)),
                    (lf, lr),
                    &t,
                );
                remember(&mut lf, &f);
                remember(&mut lr, &r);
                (state(&f), state(&r))
            })
            .collect()
    }

    #[test]
    fn failing_round_trips_carry_on_what_one_way_evidence_last_showed() {
        use EdgeState::{Down, Unknown, Up};
        let none = c(0, 0);
        // a→b seen down and b→a seen up, then only failing round trips: a→b stays down, b→a
        // (the direction shown up) is not claimed down.
        let got = walk(&[
            (c(5, 0), c(5, 5), none),
            (none, none, c(2, 0)),
            (none, none, c(2, 0)),
        ]);
        assert_eq!(got[1], (Some(Down), Some(Unknown)));
        assert_eq!(got[2], (Some(Down), Some(Unknown)));
        // Windows without evidence change nothing: a→b was last shown down, and still is when
        // the round trips fail again.
        let got = walk(&[
            (c(5, 0), none, none),
            (none, none, none),
            (none, none, none),
            (none, none, none),
            (none, none, c(2, 0)),
        ]);
        assert_eq!(got[4], (Some(Down), Some(Unknown)));
        // One-way evidence of another state replaces what was shown: a→b now shown up, the
        // failing round trips pin b→a instead.
        let got = walk(&[
            (c(5, 0), none, none),
            (c(5, 5), none, none),
            (none, none, c(2, 0)),
        ]);
        assert_eq!(got[2], (Some(Unknown), Some(Down)));
        // Round trips that went through end the memory: a later failure says no direction.
        let got = walk(&[
            (c(5, 0), none, none),
            (none, none, c(2, 2)),
            (none, none, c(2, 0)),
        ]);
        assert_eq!(got[1], (Some(Up), Some(Up)));
        assert_eq!(got[2], (Some(Unknown), Some(Unknown)));
    }

    #[test]
    fn one_way_up_plus_failing_round_trips_pins_the_other_direction() {
        let t = Thresholds::default();
        let v = direction(c(0, 0), c(10, 10), c(10, 0), &t);
        assert!(
            matches!(
                v,
                Verdict::Known {
                    state: EdgeState::Down,
                    basis: Basis::Combined,
                    ..
                }
            ),
            "{v:?}"
        );
    }

    proptest! {
        #[test]
        fn wilson_interval_contains_the_point(k in 0u64..1000, extra in 0u64..1000) {
            let n = k + extra;
            let (p, lo, hi) = wilson(k, n);
            prop_assert!(lo <= p + 1e-12 && p <= hi + 1e-12);
            prop_assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
        }

        #[test]
        fn round_trip_only_evidence_is_symmetric(n in 1u64..50, k in 0u64..50) {
            let t = Thresholds::default();
            let rt = c(n, k.min(n));
            let ab = direction(c(0, 0), c(0, 0), rt, &t);
            let ba = direction(c(0, 0), c(0, 0), rt, &t);
            prop_assert_eq!(ab, ba);
            let honest = matches!(ab, Verdict::Ambiguous { .. } | Verdict::Known { state: EdgeState::Up, .. });
            prop_assert!(honest, "round trips alone claimed a direction: {:?}", ab);
        }
    }
}
