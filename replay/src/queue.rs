//! The event queue: a calendar of 250 µs buckets over a horizon, with an ordered overflow beyond
//! it. Events come out in (time, insertion) order, so equal times keep the order in which they
//! were scheduled and a run is repeatable. Events are stored in their bucket, so draining one
//! walks memory in order.
//!
//! A bucket's events are always stored in insertion order (overflow events, inserted earlier,
//! are moved in before any later event can be scheduled into the bucket), so ordering a bucket
//! by time alone, stably, orders it by (time, insertion). With 1 µs times that is a counting
//! sort over the bucket's 250 µs of index numbers; the events themselves are moved once.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};

const BUCKETS: u64 = 1 << 12;
const BUCKET_US: u64 = 250;

/// An event with its time and insertion number.
struct Item<E> {
    t: u64,
    seq: u64,
    e: E,
}

impl<E> Item<E> {
    fn key(&self) -> (u64, u64) {
        (self.t, self.seq)
    }
}

impl<E> PartialEq for Item<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Item<E> {}

impl<E> PartialOrd for Item<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Item<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// A time-ordered queue of `E`.
pub(crate) struct Queue<E> {
    buckets: Vec<Vec<Item<E>>>,
    /// The events of the current bucket in insertion order, `None` once popped.
    draining: Vec<Option<Item<E>>>,
    /// Indexes into `draining` in (time, insertion) order, latest first: the next one is last.
    order: Vec<u32>,
    /// Scratch of the counting sort: per µs of the bucket, where its events go.
    slots: Vec<u32>,
    /// Emptied bucket vectors, most recently used last: a bucket that fills up again takes one,
    /// so the events in flight stay in a few warm allocations instead of one per bucket.
    spare: Vec<Vec<Item<E>>>,
    /// Events scheduled into the current bucket while it drains.
    late: BinaryHeap<Reverse<Item<E>>>,
    overflow: BTreeMap<(u64, u64), E>,
    /// The bucket being drained.
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
            order: Vec::new(),
            slots: vec![0; BUCKET_US as usize + 1],
            spare: Vec::new(),
            late: BinaryHeap::new(),
            overflow: BTreeMap::new(),
            cur: 0,
            seq: 0,
            len: 0,
            in_buckets: 0,
        }
    }

    /// Schedules `e` at `t` (µs). Times before the current bucket are treated as now.
    pub(crate) fn push(&mut self, t: u64, e: E) {
        let t = t.max(self.cur * BUCKET_US);
        let seq = self.seq;
        self.seq += 1;
        self.len += 1;
        let b = t / BUCKET_US;
        if b == self.cur && !(self.order.is_empty() && self.late.is_empty()) {
            self.late.push(Reverse(Item { t, seq, e }));
        } else if b < self.cur + BUCKETS {
            let bucket = &mut self.buckets[(b % BUCKETS) as usize];
            if bucket.capacity() == 0
                && let Some(v) = self.spare.pop()
            {
                *bucket = v;
            }
            bucket.push(Item { t, seq, e });
            self.in_buckets += 1;
        } else {
            self.overflow.insert((t, seq), e);
        }
    }

    /// The next event and its time, or `None` when the queue is empty.
    #[expect(
        clippy::expect_used,
        reason = "the queue's own bookkeeping: indices peeked a line above"
    )]
    pub(crate) fn pop(&mut self) -> Option<(u64, E)> {
        let next = self
            .order
            .last()
            .map(|&i| self.draining[i as usize].as_ref().expect("not popped yet"));
        let late_first = match (next, self.late.peek()) {
            (Some(d), Some(Reverse(l))) => Some(l < d),
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (None, None) => None,
        };
        if let Some(late) = late_first {
            let item = if late {
                self.late.pop().expect("peeked").0
            } else {
                let i = self.order.pop().expect("peeked");
                self.draining[i as usize].take().expect("not popped yet")
            };
            self.len -= 1;
            return Some((item.t, item.e));
        }
        if self.len == 0 {
            return None;
        }
        loop {
            let i = (self.cur % BUCKETS) as usize;
            if !self.buckets[i].is_empty() {
                let mut bucket = std::mem::take(&mut self.buckets[i]);
                self.in_buckets -= bucket.len();
                self.draining.clear();
                self.draining.extend(bucket.drain(..).map(Some));
                self.spare.push(bucket);
                self.sort_draining();
                return self.pop();
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
                self.buckets[((t / BUCKET_US) % BUCKETS) as usize].push(Item { t, seq, e });
                self.in_buckets += 1;
            }
        }
    }

    /// Fills `order` for the bucket just moved into `draining`: a stable counting sort by the
    /// µs within the bucket, written latest first.
    #[expect(
        clippy::expect_used,
        reason = "the queue's own bookkeeping: a bucket just filled"
    )]
    fn sort_draining(&mut self) {
        let n = self.draining.len();
        let base = self.cur * BUCKET_US;
        let offset = |item: &Option<Item<E>>| {
            let t = item.as_ref().expect("a fresh bucket").t;
            debug_assert!((base..base + BUCKET_US).contains(&t));
            (t - base) as usize
        };
        self.order.clear();
        if self.draining.is_sorted_by_key(offset) {
            self.order.extend((0..n as u32).rev());
            return;
        }
        self.slots.fill(0);
        for item in &self.draining {
            self.slots[offset(item) + 1] += 1;
        }
        for us in 1..self.slots.len() {
            self.slots[us] += self.slots[us - 1];
        }
        self.order.resize(n, 0);
        for (idx, item) in self.draining.iter().enumerate() {
            let slot = &mut self.slots[offset(item)];
            self.order[n - 1 - *slot as usize] = idx as u32;
            *slot += 1;
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
