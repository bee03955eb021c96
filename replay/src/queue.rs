//! The event queue: a calendar of 100 µs buckets over a horizon, with an ordered overflow
//! beyond it. Events come out in (time, insertion) order, so equal times keep the order in which
//! they were scheduled and a run is repeatable. Events live in a slab; buckets and the heap of
//! the current bucket hold only their keys.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

const BUCKETS: u64 = 1 << 16;
const BUCKET_US: u64 = 100;

/// (time, insertion number, slab slot).
type Key = (u64, u64, u32);

/// A time-ordered queue of `E`.
pub(crate) struct Queue<E> {
    slab: Vec<Option<E>>,
    free: Vec<u32>,
    buckets: Vec<Vec<Key>>,
    /// The events of the current bucket in order; `pos` is the next one.
    draining: Vec<Key>,
    pos: usize,
    /// Events scheduled into the current bucket while it drains.
    late: BinaryHeap<Reverse<Key>>,
    overflow: BTreeMap<(u64, u64), u32>,
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
            slab: Vec::new(),
            free: Vec::new(),
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            draining: Vec::new(),
            pos: 0,
            late: BinaryHeap::new(),
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
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = Some(e);
                s
            }
            None => {
                self.slab.push(Some(e));
                (self.slab.len() - 1) as u32
            }
        };
        let ms = t / BUCKET_US;
        if ms == self.cur && !(self.pos == self.draining.len() && self.late.is_empty()) {
            self.late.push(Reverse((t, seq, slot)));
        } else if ms < self.cur + BUCKETS {
            self.buckets[(ms % BUCKETS) as usize].push((t, seq, slot));
            self.in_buckets += 1;
        } else {
            self.overflow.insert((t, seq), slot);
        }
    }

    fn take(&mut self, slot: u32) -> E {
        self.free.push(slot);
        self.slab[slot as usize]
            .take()
            .expect("a queued slot holds its event")
    }

    /// The next event and its time, or `None` when the queue is empty.
    pub(crate) fn pop(&mut self) -> Option<(u64, E)> {
        let from_late = match (self.draining.get(self.pos), self.late.peek()) {
            (Some(d), Some(Reverse(l))) => Some(l < d),
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (None, None) => None,
        };
        if let Some(late) = from_late {
            let (t, _, slot) = if late {
                self.late.pop().expect("peeked").0
            } else {
                self.pos += 1;
                self.draining[self.pos - 1]
            };
            self.len -= 1;
            return Some((t, self.take(slot)));
        }
        if self.len == 0 {
            return None;
        }
        loop {
            let i = (self.cur % BUCKETS) as usize;
            if !self.buckets[i].is_empty() {
                // Swap the bucket in (keeping both allocations); sort it unless it already is
                // (events scheduled in time order, the common case).
                self.draining.clear();
                std::mem::swap(&mut self.draining, &mut self.buckets[i]);
                self.in_buckets -= self.draining.len();
                if !self.draining.is_sorted() {
                    self.draining.sort_unstable();
                }
                self.pos = 1;
                let (t, _, slot) = self.draining[0];
                self.len -= 1;
                return Some((t, self.take(slot)));
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
                let ((t, seq), slot) = entry.remove_entry();
                self.buckets[((t / BUCKET_US) % BUCKETS) as usize].push((t, seq, slot));
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
