//! The settings of an export: how the iptables script reaches each host, the hosts' addresses, the
//! ports that carry each channel or flow, and how Chaos Mesh selects pods.

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use rift_ingest::model::Channel;

use crate::error::Error;
use crate::scenario::{Flow, Scenario};

/// The pod label Chaos Mesh selects by when `--label-key` is not given: a StatefulSet's pods carry
/// their own name in it, and a scenario's hosts are named like the pods.
pub const DEFAULT_LABEL_KEY: &str = "statefulset.kubernetes.io/pod-name";

/// Where the iptables script runs its commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every host is a Linux network namespace on the machine that runs the script.
    #[default]
    Netns,
    /// Every host is a machine of its own; the script holds one section per host, run on that host.
    Hosts,
}

impl FromStr for Mode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "netns" => Ok(Mode::Netns),
            "hosts" => Ok(Mode::Hosts),
            _ => Err(Error::ExportOption {
                flag: "--mode",
                value: s.to_owned(),
                reason: "use netns (hosts are network namespaces) or hosts (one section per host)"
                    .into(),
            }),
        }
    }
}

/// A transport protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    /// TCP, the default for a port written without a protocol.
    Tcp,
    /// UDP (`7946/udp`).
    Udp,
}

impl Proto {
    /// The name iptables uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }

    /// The IP protocol number, as tc's u32 filter matches it.
    pub fn number(self) -> u8 {
        match self {
            Proto::Tcp => 6,
            Proto::Udp => 17,
        }
    }
}

/// A port with its protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Port {
    /// TCP or UDP.
    pub proto: Proto,
    /// The port number.
    pub number: u16,
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.proto {
            Proto::Tcp => write!(f, "{}", self.number),
            Proto::Udp => write!(f, "{}/udp", self.number),
        }
    }
}

/// Settings of an export; each target reads the ones it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// Where the scenario came from (its file, as given), named in the output's header line.
    pub origin: String,
    /// iptables: namespaces on one machine, or one section per host.
    pub mode: Mode,
    /// iptables: host addresses that replace the defaults (10.77.0.11 + i for the i-th member,
    /// 10.77.0.100 + j for the j-th client host, as in the recorded incidents).
    pub addrs: BTreeMap<String, Ipv4Addr>,
    /// iptables: the ports of each channel (`heartbeat`, `data`, `health`, `probe`, `indirect`) or
    /// flow (`raft`, `client`, `gossip`, …), for faults limited to some channels or one flow.
    pub ports: BTreeMap<String, Vec<Port>>,
    /// iptables, `--mode netns`: prepended to a host's name to give its namespace's name.
    pub netns_prefix: String,
    /// chaos-mesh: the pod label whose value is the host's name.
    pub label_key: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            origin: String::new(),
            mode: Mode::Netns,
            addrs: BTreeMap::new(),
            ports: BTreeMap::new(),
            netns_prefix: String::new(),
            label_key: DEFAULT_LABEL_KEY.to_owned(),
        }
    }
}

impl ExportOptions {
    /// Adds `HOST=IP` (an `--addr` value). Fails on a malformed value; whether the host exists is
    /// checked against the scenario when exporting.
    pub fn add_addr(&mut self, spec: &str) -> Result<(), Error> {
        let bad = |reason: &str| Error::ExportOption {
            flag: "--addr",
            value: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let (host, ip) = spec
            .split_once('=')
            .ok_or_else(|| bad("write HOST=IPV4, e.g. --addr n1=10.0.0.1"))?;
        let ip: Ipv4Addr = ip.trim().parse().map_err(|_| {
            bad("the address is not an IPv4 address (the script writes iptables rules, not ip6tables)")
        })?;
        self.addrs.insert(host.trim().to_owned(), ip);
        Ok(())
    }

    /// Adds `CHANNEL=PORT[,PORT…]` (a `--ports` value); a port is `2380`, `2380/tcp` or `7946/udp`.
    /// The name is a channel or a flow. Repeating a name adds ports to it.
    pub fn add_ports(&mut self, spec: &str) -> Result<(), Error> {
        let bad = |reason: String| Error::ExportOption {
            flag: "--ports",
            value: spec.to_owned(),
            reason,
        };
        let (name, list) = spec.split_once('=').ok_or_else(|| {
            bad(
                "write CHANNEL=PORT[,PORT], e.g. --ports heartbeat=2380 --ports data=2379,2380"
                    .into(),
            )
        })?;
        let name = name.trim();
        if !port_keys().any(|k| k == name) {
            return Err(bad(format!(
                "'{name}' is neither a channel nor a flow; use one of {}",
                port_keys().collect::<Vec<_>>().join(", ")
            )));
        }
        let mut ports = Vec::new();
        for p in list.split(',').map(str::trim) {
            let (number, proto) = match p.split_once('/') {
                None => (p, Proto::Tcp),
                Some((n, "tcp")) => (n, Proto::Tcp),
                Some((n, "udp")) => (n, Proto::Udp),
                Some(_) => return Err(bad(format!("'{p}': the protocol is tcp or udp"))),
            };
            match number.parse::<u16>() {
                Ok(number) if number > 0 => ports.push(Port { proto, number }),
                _ => return Err(bad(format!("'{p}' is not a port (1-65535)"))),
            }
        }
        let entry = self.ports.entry(name.to_owned()).or_default();
        entry.extend(ports);
        entry.sort();
        entry.dedup();
        Ok(())
    }

    /// The address of every host, by host index: `--addr` values over the defaults. Fails when an
    /// `--addr` names no host, when two hosts share an address, or when a default runs past .254.
    pub fn addresses(&self, scenario: &Scenario) -> Result<Vec<Ipv4Addr>, Error> {
        let hosts = scenario.hosts();
        if let Some((name, ip)) = self
            .addrs
            .iter()
            .find(|(n, _)| !hosts.contains(&n.as_str()))
        {
            return Err(Error::ExportOption {
                flag: "--addr",
                value: format!("{name}={ip}"),
                reason: format!(
                    "no host '{name}' in the scenario; hosts are {}",
                    hosts.join(", ")
                ),
            });
        }
        let members = scenario.members();
        let mut out: Vec<Ipv4Addr> = Vec::with_capacity(hosts.len());
        for (i, name) in hosts.iter().enumerate() {
            let ip = match self.addrs.get(*name) {
                Some(ip) => *ip,
                None => {
                    let last = if i < members {
                        11 + i
                    } else {
                        100 + i - members
                    };
                    let last = u8::try_from(last).ok().filter(|l| *l < 255).ok_or_else(|| {
                        Error::ExportOption {
                            flag: "--addr",
                            value: (*name).to_owned(),
                            reason: format!(
                                "host '{name}' has no default address (10.77.0.{last} is out of range): give it one with --addr {name}=IP"
                            ),
                        }
                    })?;
                    Ipv4Addr::new(10, 77, 0, last)
                }
            };
            if let Some(j) = out.iter().position(|o| *o == ip) {
                return Err(Error::ExportOption {
                    flag: "--addr",
                    value: format!("{name}={ip}"),
                    reason: format!(
                        "'{}' has the same address; every host needs its own",
                        hosts[j]
                    ),
                });
            }
            out.push(ip);
        }
        Ok(out)
    }
}

/// The names `--ports` accepts: channels, then flows not already named as a channel.
pub(crate) fn port_keys() -> impl Iterator<Item = &'static str> {
    let flows = [
        Flow::Raft,
        Flow::Client,
        Flow::Health,
        Flow::Probe,
        Flow::Gossip,
    ];
    let channels = Channel::ALL.map(Channel::as_str);
    channels.into_iter().chain(
        flows
            .into_iter()
            .map(Flow::as_str)
            .filter(move |f| !channels.contains(f)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_with_protocols_and_merge() {
        let mut o = ExportOptions::default();
        o.add_ports("data=2380,2379").unwrap();
        o.add_ports("data=2379/tcp").unwrap();
        o.add_ports("gossip=7946/udp").unwrap();
        assert_eq!(
            o.ports["data"],
            vec![
                Port {
                    proto: Proto::Tcp,
                    number: 2379
                },
                Port {
                    proto: Proto::Tcp,
                    number: 2380
                }
            ]
        );
        assert_eq!(o.ports["gossip"][0].to_string(), "7946/udp");
        let e = o.add_ports("heartbeats=2380").unwrap_err().to_string();
        assert!(
            e.starts_with("--ports heartbeats=2380: 'heartbeats' is neither"),
            "{e}"
        );
        assert!(o.add_ports("data=0").is_err() && o.add_ports("data=80/sctp").is_err());
    }

    #[test]
    fn addresses_default_to_the_recordings_and_refuse_clashes() {
        let s = Scenario::parse(
            "duration = \"10s\"\n[cluster]\nnodes = [\"n1\", \"n2\"]\nclients = [\"c\"]\n",
            "t.toml",
        )
        .unwrap();
        let mut o = ExportOptions::default();
        let ips = o.addresses(&s).unwrap();
        assert_eq!(
            ips,
            ["10.77.0.11", "10.77.0.12", "10.77.0.100"].map(|i| i.parse::<Ipv4Addr>().unwrap())
        );
        o.add_addr("n2=10.77.0.11").unwrap();
        let e = o.addresses(&s).unwrap_err().to_string();
        assert_eq!(
            e,
            "--addr n2=10.77.0.11: 'n1' has the same address; every host needs its own"
        );
        let mut o = ExportOptions::default();
        o.add_addr("n9=10.0.0.9").unwrap();
        assert!(
            o.addresses(&s)
                .unwrap_err()
                .to_string()
                .contains("no host 'n9'")
        );
        assert!(o.add_addr("n1=fe80::1").is_err() && o.add_addr("n1").is_err());
    }
}
