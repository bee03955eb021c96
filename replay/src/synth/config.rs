//! `incident.toml`: what the recordings' operators would write beside them — a title, the
//! scenario's description, and the node aliases (IP, member id, URLs). It names no detector
//! (`rift classify` infers it from the logs' start-up lines) and says nothing of the faults.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Error;
use crate::synth::format::{Format, Out};
use crate::synth::logs::log_name;
use crate::synth::members::{client_url, peer_url};
use crate::synth::world::World;

/// Writes `incident.toml`.
pub(crate) struct Config;

#[derive(Serialize)]
struct Incident {
    incident: Header,
    nodes: BTreeMap<String, Vec<String>>,
    #[serde(rename = "source", skip_serializing_if = "Vec::is_empty")]
    sources: Vec<Source>,
}

#[derive(Serialize)]
struct Header {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    generator: String,
}

/// A log whose file name does not name its node.
#[derive(Serialize)]
struct Source {
    path: String,
    node: String,
}

impl Format for Config {
    #[expect(
        clippy::expect_used,
        reason = "the document is built here from types TOML writes"
    )]
    fn write(&self, w: &World, out: &mut Out) -> Result<(), Error> {
        let s = w.scenario;
        let mut nodes = BTreeMap::new();
        for m in w.members() {
            let i = m.ix();
            nodes.insert(
                w.name(m).to_owned(),
                vec![
                    w.ips[i].clone(),
                    w.ids[i].clone(),
                    peer_url(w, i),
                    client_url(w, i),
                ],
            );
        }
        for c in w.clients() {
            nodes.insert(w.name(c).to_owned(), vec![w.ips[c.ix()].clone()]);
        }
        let sources = w
            .members()
            .map(|m| w.name(m))
            .filter(|n| log_name(n) != *n)
            .map(|n| Source {
                path: format!("logs/{}.log", log_name(n)),
                node: n.to_owned(),
            })
            .collect();
        let doc = Incident {
            incident: Header {
                title: s
                    .name
                    .clone()
                    .unwrap_or_else(|| "synthetic incident".to_owned()),
                description: s.description.clone(),
                generator: format!("rift synth, seed {}", w.seed.0),
            },
            nodes,
            sources,
        };
        let text = toml::to_string(&doc).expect("incident.toml always serialises");
        let mut file = out.file("incident.toml", None)?;
        file.raw(&text)?;
        file.close()
    }
}
