//! `members.csv` — name, member id, IP and URLs of every host, in the layout of the recordings —
//! and the ids and addresses everything else uses: a member's id is 16 hex digits derived from
//! its name, members get 10.77.0.11, .12, … and client hosts 10.77.0.100, .101, … (as
//! `rift export` assumes), so the logs' ids and URLs resolve to the names ingest uses.

use std::net::Ipv4Addr;

use crate::error::Error;
use crate::rng::fnv1a;
use crate::synth::format::{Format, Out, field};
use crate::synth::world::World;

/// Writes `members.csv`.
pub(crate) struct Members;

/// A member's id: 16 hex digits, stable for a name.
pub(crate) fn member_id(name: &str) -> String {
    // FNV alone leaves similar names with similar ids; splitmix64's finaliser spreads them. The
    // top bit set keeps the id 16 digits long, as etcd prints ids without leading zeros.
    let mut z = fnv1a(&format!("rift-synth/member/{name}"));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("{:016x}", (z ^ (z >> 31)) | (1 << 63))
}

/// Addresses of `members` members and `clients` client hosts.
pub(crate) fn addresses(members: usize, clients: usize) -> Vec<String> {
    let base =
        |a: Ipv4Addr, i: usize| Ipv4Addr::from(u32::from(a).wrapping_add(i as u32)).to_string();
    let member_base = Ipv4Addr::new(10, 77, 0, 11);
    // Past 89 members the member range reaches .100: the client hosts move to 10.78.0.100.
    let client_base = if members <= 89 {
        Ipv4Addr::new(10, 77, 0, 100)
    } else {
        Ipv4Addr::new(10, 78, 0, 100)
    };
    (0..members)
        .map(|i| base(member_base, i))
        .chain((0..clients).map(|j| base(client_base, j)))
        .collect()
}

/// A member's peer URL.
pub(crate) fn peer_url(w: &World, member: usize) -> String {
    format!("http://{}:2380", w.ips[member])
}

/// A member's client URL.
pub(crate) fn client_url(w: &World, member: usize) -> String {
    format!("http://{}:2379", w.ips[member])
}

impl Format for Members {
    fn write(&self, w: &World, out: &mut Out) -> Result<(), Error> {
        let mut file = out.file(
            "members.csv",
            Some("name,member_id,ip,peer_url,client_url,metrics_url"),
        )?;
        for m in w.members() {
            let i = m.ix();
            file.row(&format!(
                "{},{},{},{},{},http://{}:2381",
                field(w.name(m)),
                w.ids[i],
                w.ips[i],
                peer_url(w, i),
                client_url(w, i),
                w.ips[i]
            ))?;
        }
        for c in w.clients() {
            file.row(&format!("{},,{},,,", field(w.name(c)), w.ips[c.ix()]))?;
        }
        file.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_sixteen_digits() {
        let a = member_id("n1");
        assert_eq!(a.len(), 16);
        assert_eq!(a, member_id("n1"));
        assert_ne!(a, member_id("n2"));
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn addresses_follow_the_export_defaults() {
        let ips = addresses(3, 2);
        assert_eq!(
            ips,
            [
                "10.77.0.11",
                "10.77.0.12",
                "10.77.0.13",
                "10.77.0.100",
                "10.77.0.101"
            ]
        );
        let many = addresses(300, 1);
        assert_eq!(many[245], "10.77.1.0");
        assert_eq!(many[300], "10.78.0.100");
    }
}
