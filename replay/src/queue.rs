//! The event queue: a calendar of one-millisecond buckets over a horizon, with an ordered overflow
//! beyond it. Events come out in (time, insertion) order, so equal times keep the order in which
//! they were scheduled and a run is repeatable.

use std::collections::BTreeMap;

const BUCKETS: u64 = 1 << 13;
const BUCKET_US: u64 = 1_000;

/// A time-ordered queue of `E`.
pub(crate) struct Queue<E> {
    buckets: Vec<Vec<(u64, u64, E)>>,
    /// The events of the current bucket, sorted so that the next one is last.
    draining: Vec<(u64, u64, E)>,
    overflow: BTreeMap<(u64, u64), E>,
    /// The millisecond being drained.
    cur: u64,
    seq: u64,
    len: usize,
    /// Events sitting in `buckets`.
    in_buckets: usize,
}

impl<E> Queue<E> {
    pub(crate) fn new() -> Self {
        Queue {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            draining: Vec::new(),
            overflow: BTreeMap::new(),
            cur: 0,
            seq: 0,
            len: 0,
            in_buckets: 0,
        }
    }

    /// Schedules `e` at `t` (µs). Times before the current millisecond are treated as now.
    pub(crate) fn push(&mut self, t: u64, e: E) {
        let t = t.max(self.cur * BUCKET_US);
        let seq = self.seq;
        self.seq += 1;
        self.len += 1;
        let ms = t / BUCKET_US;
        if ms == self.cur && !self.draining.is_empty() {
            // Keep the draining batch sorted (descending), so the new event takes its place.
            let pos = self
                .draining
                .partition_point(|&(ot, os, _)| (ot, os) > (t, seq));
            self.draining.insert(pos, (t, seq, e));
        } else if ms < self.cur + BUCKETS {
            self.buckets[(ms % BUCKETS) as usize].push((t, seq, e));
            self.in_buckets += 1;
        } else {
            self.overflow.insert((t, seq), e);
        }
    }

    /// The next event and its time, or `None` when the queue is empty.
    pub(crate) fn pop(&mut self) -> Option<(u64, E)> {
        if let Some((t, _, e)) = self.draining.pop() {
            self.len -= 1;
            return Some((t, e));
        }
        if self.len == 0 {
            return None;
        }
        loop {
            let slot = (self.cur % BUCKETS) as usize;
            if !self.buckets[slot].is_empty() {
                std::mem::swap(&mut self.draining, &mut self.buckets[slot]);
                self.in_buckets -= self.draining.len();
                self.draining
                    .sort_unstable_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)));
                let (t, _, e) = self.draining.pop().expect("bucket is not empty");
                self.len -= 1;
                return Some((t, e));
            }
            self.cur += 1;
            if self.in_buckets == 0 {
                // Nothing within the horizon: jump to the first overflow event.
                let &(t, _) = self.overflow.keys().next()?;
                self.cur = self.cur.max(t / BUCKET_US);
            }
            // Pull in overflow events that are now within the horizon.
            while let Some(entry) = self.overflow.first_entry() {
                let (t, _) = *entry.key();
                if t / BUCKET_US >= self.cur + BUCKETS {
                    break;
                }
                let ((t, seq), e) = entry.remove_entry();
                self.buckets[((t / BUCKET_US) % BUCKETS) as usize].push((t, seq, e));
                self.in_buckets += 1;
            }
        }
    }

    /// Pending events.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_in_time_then_insertion_order() {
        let mut q = Queue::new();
        q.push(5_000, "c");
        q.push(1_200, "a");
        q.push(1_200, "b");
        q.push(20_000_000, "far");
        q.push(1_100, "first");
        let (t, e) = q.pop().unwrap();
        assert_eq!((t, e), (1_100, "first"));
        // Scheduled while the bucket drains, earlier than what is left in it.
        q.push(1_150, "inserted");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
        assert_eq!(order, vec!["inserted", "a", "b", "c", "far"]);
        assert_eq!(q.len(), 0);
    }
}
