//! Seeds and per-component random streams.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// The one explicit seed of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Seed(pub u64);

/// A component's own random stream: the seed's generator on a stream named after the component,
/// so adding draws to one component never shifts another's.
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream called `name` of `seed`.
    pub fn new(seed: Seed, name: &str) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.0);
        rng.set_stream(fnv1a(name));
        Stream(rng)
    }

    /// A uniform draw in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in `[lo, hi)`; `lo` when the range is empty.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.0.next_u64() % (hi - lo)
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p >= 1.0 || (p > 0.0 && self.unit() < p)
    }
}

/// FNV-1a, 64 bits: a stable hash of a component name.
pub(crate) fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let a: Vec<u64> = (0..4)
            .map(|_| Stream::new(Seed(1), "net").range(0, 1000))
            .collect();
        let mut s = Stream::new(Seed(1), "net");
        let b: Vec<u64> = (0..4).map(|_| s.range(0, 1000)).collect();
        assert!(a.iter().all(|x| *x == a[0]));
        let mut t = Stream::new(Seed(1), "raft");
        let c: Vec<u64> = (0..4).map(|_| t.range(0, 1000)).collect();
        assert_ne!(b, c);
        let mut again = Stream::new(Seed(1), "net");
        assert_eq!(b, (0..4).map(|_| again.range(0, 1000)).collect::<Vec<_>>());
    }
}
