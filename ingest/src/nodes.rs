//! Node identity: one canonical name for every alias a node is known by.

use std::collections::BTreeMap;

use crate::model::NodeId;

/// Resolves IPs, member ids, host names and URLs to canonical node names.
#[derive(Clone, Debug, Default)]
pub struct NodeResolver {
    aliases: BTreeMap<String, String>,
}

impl NodeResolver {
    /// An empty resolver: every name resolves to itself.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares `alias` as another name of `node`. The node's own name is always an alias of
    /// itself. Aliases are matched case-insensitively.
    pub fn add_alias(&mut self, node: &str, alias: &str) {
        let node = node.trim();
        let alias = alias.trim();
        if node.is_empty() || alias.is_empty() {
            return;
        }
        self.aliases.insert(node.to_lowercase(), node.to_owned());
        self.aliases.insert(alias.to_lowercase(), node.to_owned());
        if let Some(host) = host_of(alias) {
            self.aliases
                .entry(host.to_lowercase())
                .or_insert_with(|| node.to_owned());
        }
    }

    /// The canonical name of `raw`: an exact alias, else the host of a URL or `host:port`
    /// resolved as an alias, else `raw` itself (trimmed).
    pub fn resolve(&self, raw: &str) -> NodeId {
        let raw = raw.trim();
        if let Some(n) = self.aliases.get(&raw.to_lowercase()) {
            return NodeId(n.clone());
        }
        if let Some(host) = host_of(raw) {
            if let Some(n) = self.aliases.get(&host.to_lowercase()) {
                return NodeId(n.clone());
            }
            return NodeId(host.to_owned());
        }
        NodeId(raw.to_owned())
    }

    /// The canonical name of `raw` when it is a declared alias (directly or as the host of a
    /// URL), `None` when rift would only be guessing.
    pub fn known(&self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if let Some(n) = self.aliases.get(&raw.to_lowercase()) {
            return Some(n.clone());
        }
        host_of(raw).and_then(|h| self.aliases.get(&h.to_lowercase()).cloned())
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

/// The host part of a URL (`http://10.0.0.1:2379/health` → `10.0.0.1`) or of `host:port`.
fn host_of(s: &str) -> Option<&str> {
    let rest = s.split_once("://").map(|(_, r)| r);
    let had_scheme = rest.is_some();
    let rest = rest.unwrap_or(s);
    let hostport = rest.split('/').next().unwrap_or(rest);
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else if hostport.matches(':').count() == 1 {
        hostport.split(':').next().unwrap_or(hostport)
    } else {
        hostport
    };
    (!host.is_empty() && (had_scheme || host != s)).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
