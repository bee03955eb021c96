//! Lines about every other member at once (`peer = "@others"`: a ZooKeeper member whose vote
//! timed out asked all the others and heard from none): who those others are, and which of them
//! the line means, from what each node's own lines said before it.

use std::collections::{BTreeMap, BTreeSet};

use super::LogFile;
use super::read::{OTHER_MEMBERS, Out};
use crate::model::{EventKind, NodeId};
use crate::nodes::Settled;

/// The members of the export and what each node last said of each other one. Empty, and never
/// consulted, when no line speaks of every other member.
#[derive(Default)]
pub(crate) struct OtherMembers {
    /// Some line speaks of every other member.
    on: bool,
    /// Each node that wrote lines, and each node the lines name.
    members: BTreeSet<NodeId>,
    /// Whom each node last took for down (its own `peer_down`, not yet followed by word from
    /// the peer): the node itself would not count on their answer.
    taken_down: BTreeSet<(NodeId, NodeId)>,
    /// When each node last heard from each other one (a message arrived, or it answered).
    heard: BTreeMap<(NodeId, NodeId), i64>,
}

impl OtherMembers {
    /// The members of `files`, when some line of them speaks of every other member.
    pub(crate) fn learn(files: &[LogFile], resolver: &Settled) -> Self {
        let on = files.iter().any(|f| {
            f.lines.iter().any(|p| {
                p.outs
                    .iter()
                    .any(|o| matches!(o, Out::Obs { peer, .. } if peer.starts_with(OTHER_MEMBERS)))
            })
        });
        let mut members = BTreeSet::new();
        for f in files.iter().filter(|_| on) {
            for p in &f.lines {
                members.insert(resolver.resolve(f.node_of(p)));
                for o in &p.outs {
                    let named = match o {
                        Out::Obs { peer, .. } => Some(peer),
                        Out::Event { peer, .. } => peer.as_ref(),
                        _ => None,
                    };
                    if let Some(peer) = named.filter(|p| !p.starts_with('\u{1}')) {
                        members.insert(resolver.resolve(peer));
                    }
                }
            }
        }
        OtherMembers {
            on,
            members,
            ..Self::default()
        }
    }

    /// The members a line of `me` at `ts_ns` means by `peer` (the placeholder, with the time in
    /// ms it heard nothing for when the line gives one); `None` when `peer` is not the
    /// placeholder.
    pub(crate) fn meant(&self, me: &NodeId, peer: &str, ts_ns: i64) -> Option<Vec<NodeId>> {
        let quiet = peer.strip_prefix(OTHER_MEMBERS)?;
        let since = quiet
            .parse::<i64>()
            .map_or(i64::MAX, |ms| ts_ns - ms * 1_000_000);
        let key = |m: &NodeId| (me.clone(), m.clone());
        Some(
            self.members
                .iter()
                .filter(|m| *m != me && !self.taken_down.contains(&key(m)))
                .filter(|m| self.heard.get(&key(m)).is_none_or(|&t| t < since))
                .cloned()
                .collect(),
        )
    }

    /// `me` heard from `peer` at `ts_ns`.
    pub(crate) fn heard(&mut self, me: &NodeId, peer: &NodeId, ts_ns: i64) {
        if self.on {
            let key = (me.clone(), peer.clone());
            self.taken_down.remove(&key);
            self.heard.insert(key, ts_ns);
        }
    }

    /// `me` logged an event of `kind` about `peer`.
    pub(crate) fn event(&mut self, me: &NodeId, peer: &NodeId, kind: EventKind) {
        if !self.on {
            return;
        }
        let key = (me.clone(), peer.clone());
        match kind {
            EventKind::PeerDown => {
                self.taken_down.insert(key);
            }
            EventKind::PeerUp => {
                self.taken_down.remove(&key);
            }
            _ => {}
        }
    }
}
