//! Node identity: one canonical name for every alias a node is known by.

use std::collections::BTreeMap;

use crate::inert;
use crate::model::NodeId;

/// Resolves IPs, member ids, host names and URLs to canonical node names.
///
/// Aliases declared with where they come from ([`NodeResolver::declare`]: members tables,
/// `incident.toml`) never merge two nodes silently: the first node an alias is declared for
/// keeps it, and a later declaration for another node is refused and reported. A node's own
/// name is never taken by another node as an alias.
#[derive(Clone, Debug, Default)]
pub struct NodeResolver {
    aliases: BTreeMap<String, String>,
    /// Where each declared alias was declared (`file:line`).
    declared: BTreeMap<String, String>,
    /// Hosts that carry several nodes (`127.0.0.1:2551` and `127.0.0.1:2552`): the host alone
    /// names none of them, and an unknown port on it stays a name of its own.
    shared_hosts: std::collections::BTreeSet<String>,
    /// DNS names that are not the node their first label names (`consul-server-0.dc1`, which
    /// `consul-server-0` of another datacenter suspected): each stays a name of its own.
    apart: std::collections::BTreeSet<String>,
    /// The domains of nodes known by the first label of their DNS names (`vault-internal` for
    /// `vault-1`, known as `vault-1.vault-internal`): another name in the same domain is
    /// named by its first label too, as the export names its members.
    member_domains: std::collections::BTreeSet<String>,
}

/// A node name as written in a table cell: trimmed, and without the `'` that spreadsheets and
/// `rift synth` put before a name starting with `=`, `+`, `-`, `@`, a tab or a carriage return so
/// that it is not taken for a formula. The same node then has the same name in its tables and
/// in its logs.
fn name(raw: &str) -> &str {
    let raw = raw.trim();
    match raw.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => raw,
    }
}

/// A [`NodeResolver`] that no longer changes, remembering each name it resolved: reading an
/// export resolves every line's node and peer, a few dozen names a million times.
pub(crate) struct Settled<'r> {
    resolver: &'r NodeResolver,
    resolved: std::cell::RefCell<rustc_hash::FxHashMap<String, NodeId>>,
}

impl<'r> Settled<'r> {
    pub(crate) fn new(resolver: &'r NodeResolver) -> Settled<'r> {
        Settled {
            resolver,
            resolved: Default::default(),
        }
    }

    /// [`NodeResolver::resolve`], once per name.
    pub(crate) fn resolve(&self, raw: &str) -> NodeId {
        if let Some(id) = self.resolved.borrow().get(raw) {
            return id.clone();
        }
        let id = self.resolver.resolve(raw);
        self.resolved
            .borrow_mut()
            .insert(raw.to_owned(), id.clone());
        id
    }
}

impl std::ops::Deref for Settled<'_> {
    type Target = NodeResolver;

    fn deref(&self) -> &NodeResolver {
        self.resolver
    }
}

impl NodeResolver {
    /// An empty resolver: every name resolves to itself.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares `alias` as another name of `node`, read at `origin` (`file:line`). Returns a
    /// note when the alias was already declared for another node (which keeps it), or when it
    /// is another node's own name.
    pub fn declare(&mut self, node: &str, alias: &str, origin: &str) -> Option<String> {
        let (node, alias) = (name(node), name(alias));
        if node.is_empty() || alias.is_empty() {
            return None;
        }
        let key = alias.to_lowercase();
        if let (Some(other), Some(at)) = (self.aliases.get(&key), self.declared.get(&key))
            && !other.eq_ignore_ascii_case(node)
        {
            return Some(format!(
                "'{}' is given for {} at {at} and for {} at {}: the first is kept, so the two are not merged; correct the one that is wrong",
                inert::clip(alias),
                inert::clip(other),
                inert::clip(node),
                inert::clip(origin)
            ));
        }
        self.declared
            .entry(node.to_lowercase())
            .or_insert_with(|| origin.to_owned());
        self.declared
            .entry(key)
            .or_insert_with(|| origin.to_owned());
        self.add_alias(node, alias);
        None
    }

    /// Declares `alias` as another name of `node`. The node's own name is always an alias of
    /// itself. Aliases are matched case-insensitively.
    pub fn add_alias(&mut self, node: &str, alias: &str) {
        let (node, alias) = (name(node), name(alias));
        if node.is_empty() || alias.is_empty() {
            return;
        }
        self.aliases.insert(node.to_lowercase(), node.to_owned());
        // A declared alias stays with the node it was declared for.
        let key = alias.to_lowercase();
        if let Some(domain) = host_of(alias)
            .unwrap_or(alias)
            .to_lowercase()
            .strip_prefix(&format!("{}.", node.to_lowercase()))
            .filter(|d| d.contains(|c: char| c.is_ascii_alphabetic()) && !d.is_empty())
        {
            self.member_domains.insert(domain.to_owned());
        }
        if !self.declared.contains_key(&key) || !self.aliases.contains_key(&key) {
            self.aliases.insert(key, node.to_owned());
        }
        if let Some(host) = host_of(alias) {
            // A second node on the same host (another port): the host names neither.
            self.name_unless_shared(host.to_lowercase(), node);
        }
    }

    /// Makes `key`, a name several nodes may go by (a host, a pod's name), `node`'s, unless
    /// another node already goes by it: then it names neither, and stays so. A declared alias
    /// stays with the node it was declared for.
    fn name_unless_shared(&mut self, key: String, node: &str) {
        if self.shared_hosts.contains(&key) {
            return;
        }
        match self.aliases.get(&key) {
            None => {
                self.aliases.insert(key, node.to_owned());
            }
            Some(other) if *other != node && !self.declared.contains_key(&key) => {
                self.aliases.remove(&key);
                self.shared_hosts.insert(key);
            }
            Some(_) => {}
        }
    }

    /// The canonical name of `raw`: an exact alias, else the host of a URL or `host:port`
    /// resolved as an alias, else `raw` itself (trimmed).
    pub fn resolve(&self, raw: &str) -> NodeId {
        if let Some(hp) = java_socket(raw) {
            return self.resolve(&hp);
        }
        if let Some(v4) = ipv4_mapped(raw) {
            return self.resolve(&v4);
        }
        let raw = name(raw);
        if let Some(n) = self.known(raw) {
            return NodeId(n);
        }
        if let Some(first) = self.sibling(host_of(raw).unwrap_or(raw)) {
            return NodeId(first.to_owned());
        }
        if let Some(host) = host_of(raw)
            && !self.shared_hosts.contains(&host.to_lowercase())
            && !loopback(host)
        {
            return NodeId(host.to_owned());
        }
        NodeId(authority_of(raw).unwrap_or(raw).to_owned())
    }

    /// The first label of a DNS name in the domain of nodes known by their first labels
    /// (`rabbit-0.rabbit-nodes.prod`, when `rabbit-1` is known as `rabbit-1.rabbit-nodes.prod`):
    /// a member the export names the way it names the others. Not an address, nor a name kept
    /// apart.
    fn sibling<'a>(&self, host: &'a str) -> Option<&'a str> {
        if self.member_domains.is_empty() || host.parse::<std::net::IpAddr>().is_ok() {
            return None;
        }
        let (first, domain) = host.split_once('.')?;
        (first.starts_with(|c: char| c.is_ascii_alphabetic())
            && self.member_domains.contains(&domain.to_lowercase())
            && !self.apart.contains(&host.to_lowercase()))
        .then_some(first)
    }

    /// Whether `raw` names a port on the loopback `host` other than every port a node is known
    /// by there (`127.0.0.1:2555` when a node is `127.0.0.1:2551`): a cluster run on one
    /// machine, whose members differ by port only, so the host alone names none of the others.
    /// On any other host a node answers on several ports (peer, client, gossip), and the host
    /// names it.
    fn another_port(&self, raw: &str, host: &str) -> bool {
        if !loopback(host) {
            return false;
        }
        let at = authority_of(raw).unwrap_or(raw).to_lowercase();
        let prefix = format!("{}:", host.to_lowercase());
        if !at.starts_with(&prefix) {
            return false;
        }
        let mut ported = self
            .aliases
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .peekable();
        ported.peek().is_some() && ported.all(|(k, _)| *k != at)
    }

    /// Says that `host` carries several nodes, told apart by port (a member naming itself
    /// `10.0.0.5:4647` and its peers `10.0.0.5:5647`, `10.0.0.5:6647`): the host alone names
    /// none of them, and each port on it stays a name of its own. A host declared as a node's
    /// alias (a members table, `incident.toml`) stays that node's.
    pub fn share_host(&mut self, host: &str) {
        let host = host.to_lowercase();
        if self.declared.contains_key(&host) {
            return;
        }
        self.aliases.remove(&host);
        self.shared_hosts.insert(host);
    }

    /// Makes `node`, a node the logs were written by, a name [`NodeResolver::adopt_dns_name`]
    /// finds by a DNS name's first label; a name already known keeps its node. Only a host name
    /// is such a name: an address (`10.0.0.1:7000`, a URL) resolves by its host as before.
    pub fn know(&mut self, node: &str) {
        let node = name(node);
        let host_name = node.starts_with(|c: char| c.is_ascii_alphabetic())
            && !node.contains([':', '/', '@', ' ']);
        if host_name {
            self.aliases
                .entry(node.to_lowercase())
                .or_insert_with(|| node.to_owned());
            if let Some(ip) = address_in_name(node) {
                self.name_unless_shared(ip, node);
            }
            // A pod named with the machine it ran on (`kv-store-2(worker-c)`, as an operator
            // labels a viewer's rows) is its pod's name too, unless two such nodes share it.
            if let Some((base, _)) = node
                .strip_suffix(')')
                .and_then(|n| n.split_once('('))
                .filter(|(base, _)| !base.is_empty())
            {
                self.name_unless_shared(base.to_lowercase(), node);
            }
        }
    }

    /// Records a DNS name that [`NodeResolver::resolve`] would take for a node by its first
    /// label as that node's alias (a name already known is left as it is).
    pub fn adopt_dns_name(&mut self, raw: &str) {
        let raw = name(raw);
        let host = host_of(raw).unwrap_or(raw);
        if self.aliases.contains_key(&host.to_lowercase()) {
            return;
        }
        if let Some(node) = self.by_first_label(host) {
            self.add_alias(&node, host);
            return;
        }
        // A host named after its address (`ip-10-0-1-7-2f9c…`): the node at that address, or,
        // when none is known, the node the address names from now on.
        if let Some(ip) = address_in_name(host) {
            match self.aliases.get(&ip).cloned() {
                Some(node) => self.add_alias(&node, host),
                None => self.name_unless_shared(ip, host),
            }
        }
    }

    /// The node a DNS name belongs to by its first label, when that label is a known name
    /// (`vault-2.vault-internal` and `consul-server-2.dc1.consul` are `vault-2` and
    /// `consul-server-2` when those are nodes). An IP address has no such label, and a name
    /// kept apart ([`NodeResolver::keep_apart`]) is no such node.
    fn by_first_label(&self, host: &str) -> Option<String> {
        let (first, rest) = host.split_once('.')?;
        if self.apart.contains(&host.to_lowercase()) {
            return None;
        }
        (first.starts_with(|c: char| c.is_ascii_alphabetic()) && !rest.is_empty())
            .then(|| self.aliases.get(&first.to_lowercase()).cloned())?
    }

    /// Says that the DNS name `raw` (or its host) is not `node`, though its first label names
    /// `node`: `node` itself named it as a peer it could not reach or suspected, which no
    /// detector says of its own node (two datacenters' `consul-server-0`, told apart by the
    /// datacenter after the name).
    pub fn keep_apart(&mut self, node: &str, raw: &str) {
        let raw = name(raw);
        let host = host_of(raw).unwrap_or(raw);
        let key = host.to_lowercase();
        if !self.aliases.contains_key(&key) && self.by_first_label(host).is_some_and(|n| n == node)
        {
            self.apart.insert(key);
        }
    }

    /// The node `raw` names exactly: an alias of it as written, or as a URL's `host:port`; not
    /// by its host alone (several nodes may share a host).
    pub fn exactly(&self, raw: &str) -> Option<&str> {
        let raw = name(raw);
        self.aliases
            .get(&raw.to_lowercase())
            .or_else(|| authority_of(raw).and_then(|a| self.aliases.get(&a.to_lowercase())))
            .map(String::as_str)
    }

    /// The canonical name of `raw` when it is a declared alias (directly or as the host of a
    /// URL), `None` when rift would only be guessing.
    pub fn known(&self, raw: &str) -> Option<String> {
        if let Some(hp) = java_socket(raw) {
            return self.known(&hp);
        }
        if let Some(n) = self.exactly(raw) {
            return Some(n.to_owned());
        }
        // The loopback goes by several names (`localhost`, `127.0.0.1`, `::1`): a port on it is
        // one member by each.
        if let Some(port) = loopback_port(raw) {
            for host in ["localhost", "127.0.0.1", "[::1]"] {
                if let Some(n) = self.exactly(&format!("{host}:{port}")) {
                    return Some(n.to_owned());
                }
            }
        }
        let raw = name(raw);
        let host = host_of(raw).unwrap_or(raw);
        if self.another_port(raw, host) {
            return None;
        }
        self.aliases
            .get(&host.to_lowercase())
            .cloned()
            .or_else(|| self.by_first_label(host))
    }

    /// The other names each of `nodes` is known by (member ids, IPs, host names, URLs), sorted;
    /// nodes known by no other name are left out.
    pub fn identities(&self, nodes: &[String]) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (alias, node) in &self.aliases {
            if *alias != node.to_lowercase() && nodes.binary_search(node).is_ok() {
                out.entry(node.clone()).or_default().push(alias.clone());
            }
        }
        out
    }

    /// Number of aliases known.
    pub fn len(&self) -> usize {
        self.aliases.len()
    }

    /// True when no alias is known.
    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty()
    }
}

/// Java's way of printing a socket address, `host/ip:port` (`/ip:port` when it has no host name),
/// as `host:port` (`ip:port`).
fn java_socket(raw: &str) -> Option<String> {
    let (host, rest) = raw.trim().split_once('/')?;
    let (ip, port) = rest.rsplit_once(':')?;
    let ip_like = !ip.is_empty()
        && ip
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':');
    let host_like = !host.contains([':', '@', ' ']);
    (ip_like && host_like && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}:{port}", if host.is_empty() { ip } else { host }))
}

/// An IPv4 address written as IPv6 (`[::ffff:10.0.0.2]:4053`, `::ffff:10.0.0.2`, as a dual-stack
/// socket prints it) in its IPv4 form, with its port.
fn ipv4_mapped(raw: &str) -> Option<String> {
    let t = raw.trim();
    let (inner, port) = match t.strip_prefix('[') {
        Some(rest) => {
            let (inner, after) = rest.split_once(']')?;
            let port = match after.strip_prefix(':') {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p),
                None if after.is_empty() => None,
                _ => return None,
            };
            (inner, port)
        }
        None => (t, None),
    };
    let v4 = inner
        .strip_prefix("::ffff:")
        .or_else(|| inner.strip_prefix("::FFFF:"))?;
    v4.parse::<std::net::Ipv4Addr>().ok()?;
    Some(match port {
        Some(p) => format!("{v4}:{p}"),
        None => v4.to_owned(),
    })
}

/// The IPv4 address a host name spells out in its first label, as cloud providers name their
/// machines and what runs on them: `ip-10-0-1-7` (EC2), `ip-10-0-1-7.ec2.internal`, and with a
/// suffix after it (`ip-10-0-1-7-2f9c41d0e5aa`, Docker's node name for a swarm member).
fn address_in_name(host: &str) -> Option<String> {
    let first = host.split('.').next()?;
    let rest = first
        .strip_prefix("ip-")
        .or_else(|| first.strip_prefix("IP-"))?;
    let parts: Vec<&str> = rest.splitn(5, '-').collect();
    if parts.len() < 4 {
        return None;
    }
    let ip: std::net::Ipv4Addr = parts[..4].join(".").parse().ok()?;
    // `ip-10-0-1-7-` with nothing after the dash is no name.
    if parts.get(4).is_some_and(|s| s.is_empty()) {
        return None;
    }
    Some(ip.to_string())
}

/// The port of a `host:port` (or a URL's) on the loopback, by any of its names.
fn loopback_port(raw: &str) -> Option<&str> {
    let at = authority_of(name(raw)).unwrap_or(name(raw));
    let (host, port) = at.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (loopback(host) && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())).then_some(port)
}

/// Whether `host` is this machine's loopback (`127.0.0.1`, `::1`, `localhost`): where a cluster
/// run on one machine puts every member, each on its own port.
fn loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The `host:port` of a URL (`akka://sys@10.0.0.1:2552/user` → `10.0.0.1:2552`), when it is
/// not the whole of `s`.
fn authority_of(s: &str) -> Option<&str> {
    let (_, rest) = s.split_once("://")?;
    let rest = rest.split('/').next().unwrap_or(rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    (!rest.is_empty()).then_some(rest)
}

/// The host part of a URL (`http://10.0.0.1:2379/health` → `10.0.0.1`) or of `host:port`.
pub(crate) fn host_of(s: &str) -> Option<&str> {
    let rest = s.split_once("://").map(|(_, r)| r);
    let had_scheme = rest.is_some();
    let rest = rest.unwrap_or(s);
    // A URL's user part (`akka://sys@10.0.0.1:2552`) is not its host, nor is the name part of
    // an Erlang node name (`rabbit@10.0.0.1`).
    let rest = if had_scheme {
        let authority = rest.split('/').next().unwrap_or(rest);
        match authority.rsplit_once('@') {
            Some((user, _)) => &rest[user.len() + 1..],
            None => rest,
        }
    } else {
        match rest.rsplit_once('@') {
            Some((user, host)) if !user.is_empty() && !host.contains('/') => host,
            _ => rest,
        }
    };
    // Without a scheme a `/` does not start a path: `etcd/etcd-1/4f9c` (a log stream) is a name.
    let hostport = if had_scheme {
        rest.split('/').next().unwrap_or(rest)
    } else {
        rest
    };
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else if hostport.matches(':').count() == 1 {
        hostport.split(':').next().unwrap_or(hostport)
    } else {
        hostport
    };
    (!host.is_empty() && (had_scheme || host != s) && (had_scheme || host_like(host)))
        .then_some(host)
}

/// Whether `host` can be a host: an IP address, or a name whose last label is not all digits
/// (no top-level domain is). A member name such as `m-127.0.0.1` in `m-127.0.0.1:8888` is
/// neither, so the whole of it, port and all, is the name.
fn host_like(host: &str) -> bool {
    if host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') || redacted_ipv4(host) {
        return true;
    }
    let last = host.rsplit('.').next().unwrap_or(host);
    last.is_empty() || !last.bytes().all(|b| b.is_ascii_digit())
}

/// An IPv4 address with some of its numbers masked by the poster (`x.x.x.158`, `10.xx.xx.7`).
fn redacted_ipv4(host: &str) -> bool {
    let masked = |l: &str| l.bytes().all(|b| matches!(b, b'x' | b'X' | b'*'));
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() == 4
        && labels.iter().any(|l| masked(l))
        && labels.iter().all(|l| {
            (1..=3).contains(&l.len()) && (l.bytes().all(|b| b.is_ascii_digit()) || masked(l))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_on_the_loopback_is_one_member_by_each_of_its_names() {
        let mut r = NodeResolver::new();
        r.add_alias("jvm-1", "localhost:2551");
        r.add_alias("jvm-2", "127.0.0.1:2552");
        assert_eq!(r.resolve("127.0.0.1:2551").as_str(), "jvm-1");
        assert_eq!(r.resolve("[::1]:2551").as_str(), "jvm-1");
        assert_eq!(r.resolve("localhost/127.0.0.1:2552").as_str(), "jvm-2");
        assert_eq!(r.resolve("localhost:2552").as_str(), "jvm-2");
        // Another port names no known member.
        assert_eq!(r.resolve("localhost:2553").as_str(), "localhost:2553");
    }

    #[test]
    fn a_host_named_after_its_address_is_the_node_at_that_address() {
        // A writer named so: its address is its name too.
        let mut r = NodeResolver::new();
        r.know("ip-10-0-3-21");
        assert_eq!(r.resolve("10.0.3.21:7946").as_str(), "ip-10-0-3-21");
        r.adopt_dns_name("ip-10-0-3-21.eu-west-1.compute.internal");
        assert_eq!(
            r.resolve("ip-10-0-3-21.eu-west-1.compute.internal")
                .as_str(),
            "ip-10-0-3-21"
        );
        // A peer named so, and by its address elsewhere: one node.
        r.adopt_dns_name("ip-10-0-9-4-77ab01c2d3e4");
        assert_eq!(r.resolve("10.0.9.4").as_str(), "ip-10-0-9-4-77ab01c2d3e4");
        // Not an address: no tie.
        assert_eq!(address_in_name("ip-10-0-9"), None);
        assert_eq!(address_in_name("ip-10-0-9-400"), None);
        assert_eq!(address_in_name("zip-10-0-9-4"), None);
    }

    #[test]
    fn another_port_on_a_known_members_host_is_another_member() {
        // One member pasted its log: its peers on the same host differ by port only.
        let mut r = NodeResolver::new();
        r.add_alias("paste", "127.0.0.1:2551");
        assert_eq!(r.resolve("127.0.0.1:2551").as_str(), "paste");
        assert_eq!(r.resolve("127.0.0.1").as_str(), "paste");
        assert_eq!(r.resolve("127.0.0.1:2555").as_str(), "127.0.0.1:2555");
        // A loopback address keeps its port even when no node is known there.
        assert_eq!(
            NodeResolver::new().resolve("[::1]:2380").as_str(),
            "[::1]:2380"
        );
        assert_eq!(
            r.resolve("akka.tcp://sys@127.0.0.1:2557").as_str(),
            "127.0.0.1:2557"
        );
        assert_eq!(r.known("127.0.0.1:2555"), None);
    }

    #[test]
    fn members_on_one_host_keep_their_ports() {
        let mut r = NodeResolver::new();
        r.add_alias("a", "127.0.0.1:2551");
        r.add_alias("b", "127.0.0.1:2552");
        assert_eq!(r.resolve("127.0.0.1:2551").as_str(), "a");
        assert_eq!(r.resolve("akka://sys@127.0.0.1:2552").as_str(), "b");
        // A third member that logged nothing is neither of them.
        assert_eq!(r.resolve("127.0.0.1:2553").as_str(), "127.0.0.1:2553");
        // One member on a host still answers to the host alone.
        r.add_alias("c", "10.0.0.3:2551");
        assert_eq!(r.resolve("10.0.0.3:9999").as_str(), "c");
    }

    #[test]
    fn an_ipv4_address_written_as_ipv6_is_the_same_address() {
        let mut r = NodeResolver::new();
        r.add_alias("shop-1", "10.8.0.4:4053");
        r.add_alias("shop-2", "10.8.0.5:4053");
        assert_eq!(r.resolve("[::ffff:10.8.0.4]:4053").as_str(), "shop-1");
        assert_eq!(r.resolve("::ffff:10.8.0.5").as_str(), "shop-2");
        // Real IPv6 stays as written.
        assert_eq!(r.resolve("[fd00::4]:4053").as_str(), "fd00::4");
    }

    #[test]
    fn a_dns_name_is_the_node_its_first_label_names() {
        let mut r = NodeResolver::new();
        r.add_alias("vault-2", "vault-2");
        r.add_alias("n1", "10.0.0.1");
        assert_eq!(r.resolve("vault-2.vault-internal").as_str(), "vault-2");
        assert_eq!(
            r.resolve("https://vault-2.vault-internal:8201").as_str(),
            "vault-2"
        );
        assert_eq!(r.resolve("VAULT-2.vault-internal:8201").as_str(), "vault-2");
        // Not a guess: an unknown first label, and an IP address, stay as they are.
        assert_eq!(
            r.resolve("vault-9.vault-internal").as_str(),
            "vault-9.vault-internal"
        );
        assert_eq!(r.resolve("10.0.0.1").as_str(), "n1");
        assert_eq!(r.resolve("10.0.0.7").as_str(), "10.0.0.7");
        // Once adopted, the name is listed with the node's others.
        r.adopt_dns_name("https://vault-2.vault-internal:8201");
        r.adopt_dns_name("vault-9.vault-internal");
        let names = r.identities(&["n1".to_owned(), "vault-2".to_owned()]);
        assert_eq!(names["vault-2"], ["vault-2.vault-internal"]);
        // A member of the same domain is then named as the export names vault-2: by its first
        // label.
        assert_eq!(r.resolve("vault-9.vault-internal").as_str(), "vault-9");
    }

    #[test]
    fn a_pod_named_with_its_machine_is_its_pod_unless_two_share_the_pod_name() {
        let mut r = NodeResolver::new();
        r.know("kv-store-2(worker-c)");
        r.know("db-0(node9-dc1)");
        r.know("db-0(node3-dc2)");
        assert_eq!(r.resolve("kv-store-2").0, "kv-store-2(worker-c)");
        assert_eq!(r.known("db-0"), None);
    }

    #[test]
    fn a_member_name_that_only_looks_like_an_address_keeps_its_port() {
        // memberlist names members freely; `m-127.0.0.1` is no host (its last label is a number).
        let r = NodeResolver::new();
        assert_eq!(r.resolve("m-127.0.0.1:8888").0, "m-127.0.0.1:8888");
        assert_eq!(r.resolve("db-1.example.com:8300").0, "db-1.example.com");
        assert_eq!(r.resolve("10.0.0.7:8301").0, "10.0.0.7");
    }

    #[test]
    fn a_name_in_the_domain_of_a_member_known_by_its_first_label_is_named_so_too() {
        let mut r = NodeResolver::new();
        r.know("mq-1");
        r.add_alias("mq-1", "mq-1.mq-nodes.prod");
        assert_eq!(r.resolve("mq-0.mq-nodes.prod").0, "mq-0");
        assert_eq!(r.resolve("rabbit@mq-2.mq-nodes.prod").0, "mq-2");
        // Another domain, an address: as they are.
        assert_eq!(r.resolve("mq-0.other.prod").0, "mq-0.other.prod");
        assert_eq!(r.resolve("10.0.0.9:5672").0, "10.0.0.9");
    }

    #[test]
    fn a_masked_address_is_a_host_as_the_address_was() {
        let r = NodeResolver::new();
        assert_eq!(r.resolve("x.x.x.158:6379").0, "x.x.x.158");
        assert_eq!(r.resolve("10.xx.xx.7:2380").0, "10.xx.xx.7");
        assert_eq!(r.resolve("x.x.1234.5:80").0, "x.x.1234.5:80");
    }

    #[test]
    fn a_java_socket_address_is_its_host_and_port() {
        let mut r = NodeResolver::new();
        r.add_alias("gw", "akka.tcp://shop@gw:2552");
        r.add_alias("n2", "10.0.0.2:7000");
        assert_eq!(r.resolve("gw/10.0.0.9:2552").as_str(), "gw");
        assert_eq!(r.resolve("/10.0.0.2:7000").as_str(), "n2");
        // A log stream's path is not a socket address.
        assert_eq!(r.resolve("etcd/etcd-1/4f9c").as_str(), "etcd/etcd-1/4f9c");
    }

    #[test]
    fn a_name_guarded_against_spreadsheet_formulas_is_the_name() {
        let r = NodeResolver::new();
        assert_eq!(r.resolve("'-n1").as_str(), "-n1");
        assert_eq!(r.resolve(" '=cmd").as_str(), "=cmd");
        // A quote before anything else is part of the name.
        assert_eq!(r.resolve("'n1").as_str(), "'n1");
    }

    #[test]
    fn urls_ips_and_ids_resolve_to_one_name() {
        let mut r = NodeResolver::new();
        r.add_alias("n1", "10.77.0.11");
        r.add_alias("n1", "ccb6f22cf2508085");
        r.add_alias("n1", "http://10.77.0.11:2380");
        assert_eq!(r.resolve("http://10.77.0.11:2381/health").as_str(), "n1");
        assert_eq!(r.resolve("10.77.0.11:2379").as_str(), "n1");
        assert_eq!(r.resolve("CCB6F22CF2508085").as_str(), "n1");
        assert_eq!(r.resolve("n1").as_str(), "n1");
        assert_eq!(r.resolve("n9").as_str(), "n9");
        assert_eq!(r.resolve("http://10.0.0.9:80/x").as_str(), "10.0.0.9");
    }

    #[test]
    fn a_declared_alias_stays_with_the_first_node_and_the_conflict_is_said() {
        let mut r = NodeResolver::new();
        assert_eq!(r.declare("n1", "10.0.0.1", "members.csv:2"), None);
        assert_eq!(r.declare("n2", "10.0.0.2", "members.csv:3"), None);
        let note = r.declare("n2", "10.0.0.1", "members.csv:5").unwrap();
        assert!(
            note.contains("members.csv:2") && note.contains("members.csv:5"),
            "{note}"
        );
        assert_eq!(r.resolve("10.0.0.1").as_str(), "n1");
        // A node's own name is not taken by another node either.
        assert!(r.declare("n2", "N1", "members.csv:6").is_some());
        assert_eq!(r.resolve("n1").as_str(), "n1");
        // Saying the same again is no conflict.
        assert_eq!(r.declare("n1", "10.0.0.1", "incident.toml:3"), None);
    }
}
