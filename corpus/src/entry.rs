//! One corpus entry: TOML front matter between `+++` lines and a short summary (see
//! `corpus/FORMAT.md`).

use std::fmt;
use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};
use rift_classify::Mode;
use serde::{Deserialize, Serialize};

use crate::error::{CorpusError, FrontMatterError};

/// How the network failed in an incident, as the corpus labels it: one of rift's modes, or
/// `none` when the network did not fail (a bad deploy, overload, a design write-up).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// All traffic between two sides dropped.
    Complete,
    /// One direction works, the other does not.
    Asymmetric,
    /// Some flows or pairs fail, or reachability is not transitive.
    Partial,
    /// Health checks pass while the workload fails.
    Gray,
    /// Connectivity comes and goes.
    Flapping,
    /// A node or process failed, not the network.
    Crash,
    /// The network did not fail.
    None,
}

impl Label {
    /// Every label, in severity order then the non-network ones.
    pub const ALL: [Label; 7] = [
        Label::Complete,
        Label::Asymmetric,
        Label::Flapping,
        Label::Gray,
        Label::Partial,
        Label::Crash,
        Label::None,
    ];

    /// The name used in entries and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Complete => "complete",
            Label::Asymmetric => "asymmetric",
            Label::Partial => "partial",
            Label::Gray => "gray",
            Label::Flapping => "flapping",
            Label::Crash => "crash",
            Label::None => "none",
        }
    }

    /// The classifier's mode for this label (`none` has none).
    pub fn mode(self) -> Option<Mode> {
        match self {
            Label::Complete => Some(Mode::Complete),
            Label::Asymmetric => Some(Mode::Asymmetric),
            Label::Partial => Some(Mode::Partial),
            Label::Gray => Some(Mode::Gray),
            Label::Flapping => Some(Mode::Flapping),
            Label::Crash => Some(Mode::Crash),
            Label::None => None,
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an entry reports one outage or a design write-up / study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One outage.
    Incident,
    /// A design write-up or a study of many incidents.
    Design,
}

/// Part of the stack involved (a controlled vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum System {
    Switch,
    NicDriver,
    RouterBgp,
    Dns,
    LoadBalancer,
    FirewallAcl,
    OverlayCni,
    WanBackbone,
    CloudNetwork,
    Consensus,
    Database,
    Storage,
    MessageQueue,
    Cache,
    Orchestrator,
    Cdn,
    Host,
    Application,
}

/// What the incident cost (a controlled vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum Consequence {
    SplitBrain,
    DataLoss,
    Unavailability,
    Degraded,
    StaleReads,
    FailoverStorm,
    None,
}

/// How far the incident reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum Scope {
    Host,
    Rack,
    Datacenter,
    Region,
    MultiRegion,
    Global,
}

/// The name a vocabulary value (a [`System`], [`Consequence`], [`Scope`], …) has in entries.
pub fn vocabulary_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The mode labels of an entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeLabel {
    /// The main mode.
    pub primary: Label,
    /// Other modes the incident showed.
    #[serde(default)]
    pub secondary: Vec<Label>,
    /// How clearly the source shows the mode, 0–1.
    pub confidence: f64,
    /// One sentence on why.
    pub rationale: String,
}

/// The failure detector involved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectorLabel {
    /// A catalogue name or the product's.
    pub name: String,
    /// What it assumed.
    #[serde(default)]
    pub assumed: Option<String>,
}

/// The front matter of an entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Unique id, equal to the file name without `.md`.
    pub id: String,
    /// Title, in the project's words.
    pub title: String,
    /// The organisation that had the incident.
    pub org: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub date: String,
    /// How long the impact lasted, where known.
    #[serde(default)]
    pub duration: Option<String>,
    /// Incident or design write-up.
    pub kind: Kind,
    /// Parts of the stack involved.
    pub systems: Vec<System>,
    /// The source URL.
    pub source: String,
    /// What it cost.
    #[serde(default)]
    pub consequence: Vec<Consequence>,
    /// How far it reached.
    pub scope: Scope,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The mode labels.
    pub mode: ModeLabel,
    /// The failure detector involved.
    #[serde(default)]
    pub detector: Option<DetectorLabel>,
    /// A replayable scenario sketch, in the format of `rift replay` scenario files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<toml::Table>,
}

/// A parsed entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// The front matter.
    #[serde(flatten)]
    pub meta: FrontMatter,
    /// The summary.
    pub body: String,
    /// The file it came from.
    #[serde(skip)]
    pub path: PathBuf,
}

impl Entry {
    /// The scenario sketch as scenario-file text, if the entry has one.
    pub fn sketch_toml(&self) -> Option<String> {
        self.meta
            .scenario
            .as_ref()
            .and_then(|t| toml::to_string(t).ok())
    }

    /// The year of the incident.
    pub fn year(&self) -> Option<u32> {
        self.meta.date.get(..4).and_then(|y| y.parse().ok())
    }

    /// Parses one entry; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Entry, CorpusError> {
        let bad = |span: (usize, usize), message: String| {
            CorpusError::FrontMatter(Box::new(FrontMatterError::new(path, text, span, message)))
        };
        let Some(rest) = text
            .strip_prefix("+++\n")
            .or_else(|| text.strip_prefix("+++\r\n"))
        else {
            return Err(bad(
                (0, text.find('\n').unwrap_or(text.len()).min(3)),
                "an entry starts with a `+++` line, then TOML front matter, then `+++`".into(),
            ));
        };
        let start = text.len() - rest.len();
        let Some(end) = rest.find("\n+++") else {
            return Err(bad(
                (0, 3),
                "the front matter is not closed: add a `+++` line after it".into(),
            ));
        };
        let toml_text = &rest[..end + 1];
        let meta: FrontMatter = toml::from_str(toml_text).map_err(|e| {
            let span = e
                .span()
                .map_or((start, 1), |s| (start + s.start, (s.end - s.start).max(1)));
            bad(span, e.message().to_owned())
        })?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        if stem.as_deref() != Some(meta.id.as_str()) {
            let at = text.find(&format!("\"{}\"", meta.id)).unwrap_or(start);
            return Err(bad(
                (at, meta.id.len() + 2),
                format!(
                    "id '{}' differs from the file name: rename the file to {}.md or change the id",
                    meta.id, meta.id
                ),
            ));
        }
        if !(0.0..=1.0).contains(&meta.mode.confidence) {
            let at = text.find("confidence").unwrap_or(start);
            return Err(bad((at, 10), "confidence must be between 0 and 1".into()));
        }
        let body_start = start + end + 4;
        let body = text
            .get(body_start..)
            .unwrap_or_default()
            .trim_start_matches(['\r', '\n'])
            .trim_end()
            .to_owned();
        Ok(Entry {
            meta,
            body,
            path: path.to_owned(),
        })
    }
}

impl FrontMatterError {
    fn new(path: &Path, text: &str, span: (usize, usize), message: String) -> Self {
        let before = &text[..span.0.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before.len(), |p| before.len() - p - 1)
            + 1;
        FrontMatterError {
            location: format!("{}:{line}:{column}", path.display()),
            message,
            src: NamedSource::new(path.display().to_string(), text.to_owned()),
            span: SourceSpan::new(span.0.into(), span.1),
        }
    }
}
