//! The text classifier: which mode a postmortem text describes, and the phrases that decided it.
//!
//! Two parts:
//!
//! - **Rules** grounded in the taxonomy: phrases that say how the network failed (one-way
//!   traffic, health checks passing while requests fail, links going up and down, a process
//!   crash, a bad deploy, …), each with a label and a weight. Words that every outage report uses
//!   — "network", "failover", "outage", "down" — are in no rule, so they alone decide nothing.
//! - **A model learned from the corpus**: multinomial naive Bayes over the words and word pairs
//!   of the corpus's own labelled entries (title, summary, rationale and tags), trained when the
//!   classifier is built. It weighs the labels the rules found and picks the secondary modes.
//!
//! A network mode (complete, asymmetric, partial, gray, flapping) is only chosen when at least
//! one rule for it fired; without any, the text is `none` with low confidence, and the output
//! says that nothing in it describes how the network failed. Texts that read as a study or a
//! design write-up (no single outage) are labelled `none` of kind `design`.

use std::collections::{BTreeMap, BTreeSet};

use regex::{Regex, RegexBuilder};
use serde::Serialize;

use crate::entry::{Entry, Kind, Label};

/// A phrase rule: a pattern, the label it supports and how strongly.
struct Rule {
    label: Label,
    weight: f64,
    pattern: Regex,
}

/// (label, weight, pattern). Patterns are case-insensitive regexes over the text.
const RULES: &[(Label, f64, &str)] = &[
    // One direction works, the other does not.
    (
        Label::Asymmetric,
        3.0,
        r"\b(one[- ]way|asymmetric(al)?|unidirectional)\b",
    ),
    (
        Label::Asymmetric,
        2.5,
        r"\b(could|can|was able to) (send|talk|transmit|reach \w+)\b[^.]{0,40}\b(but|yet)\b[^.]{0,30}\b(not|never|couldn.t|could not|no) (receive|hear|get)",
    ),
    (
        Label::Asymmetric,
        2.5,
        r"\b(stopped|stop|quit|ceased) (receiving|accepting)( incoming)?( packets| traffic)?\b[^.]{0,40}\b(while|but|yet) (still )?(sending|transmitting)",
    ),
    (
        Label::Asymmetric,
        2.0,
        r"\b(inbound|incoming|receive|rx) (traffic|packets|path|side)\b[^.]{0,30}\b(dropped|lost|blocked|failed)",
    ),
    (
        Label::Asymmetric,
        2.0,
        r"\b(outbound|outgoing|egress) (traffic|packets|path)\b[^.]{0,30}\b(dropped|lost|blocked|failed)",
    ),
    // Health checks green while the work fails; observers disagree.
    (Label::Gray, 3.0, r"\bgr[ae]y failures?\b"),
    (
        Label::Gray,
        2.5,
        r"\bhealth ?checks? (kept |still |were |was )?(pass(ed|ing)?|succeed(ed|ing)?|green|ok|healthy)",
    ),
    (
        Label::Gray,
        2.5,
        r"\b(reported|marked|looked|appeared|considered|showed) (as )?(healthy|up|green)\b[^.]{0,50}\b(while|but|although|even though|yet)",
    ),
    (
        Label::Gray,
        2.0,
        r"\b(failing|failed|dropped|timing out|timed out) (requests|queries|writes)\b[^.]{0,60}\bhealth",
    ),
    (
        Label::Gray,
        1.5,
        r"\b(partially (failed|working|degraded)|half[- ]dead|zombie)\b",
    ),
    // Connectivity comes and goes.
    (Label::Flapping, 3.0, r"\bflap(s|ped|ping)?\b"),
    (
        Label::Flapping,
        2.5,
        r"\b(oscillat\w+|bounc(ed|ing) (up and down|between))\b",
    ),
    (
        Label::Flapping,
        2.0,
        r"\b(went|came|going|coming) (up and down|down and up|back and forth)\b",
    ),
    (
        Label::Flapping,
        1.5,
        r"\b(repeatedly|again and again|several times|over and over) (lost|dropped|disconnected|partitioned|re-?connected)",
    ),
    (Label::Flapping, 1.0, r"\bintermittent(ly)?\b"),
    // Some flows, paths or pairs fail; reachability not transitive.
    (
        Label::Partial,
        2.5,
        r"\bnon[- ]?transitive\b|\bpartial (network )?partition",
    ),
    (
        Label::Partial,
        2.0,
        r"\bsome (of the )?(nodes|hosts|servers|flows|connections|requests|packets|paths|clients|routes|regions|customers)\b[^.]{0,40}\b(could not|couldn.t|failed|lost|dropped|unable|timed out)",
    ),
    (
        Label::Partial,
        2.0,
        r"\bpacket loss\b|\b(dropping|dropped|lost) (a )?(some|fraction|percentage|portion) of (the )?(packets|traffic)",
    ),
    (
        Label::Partial,
        2.0,
        r"\b(conntrack|snat|nat table|port exhaustion|ecmp|hash(ed|ing)? (to|onto) (a|one) (bad|faulty|broken))\b",
    ),
    (
        Label::Partial,
        1.5,
        r"\b(certain|specific|particular) (flows|paths|routes|connections|ports|prefixes|destinations)\b",
    ),
    (
        Label::Partial,
        1.5,
        r"\b(mtu|fragmentation|blackhole[sd]?|black[- ]holed?)\b",
    ),
    (
        Label::Partial,
        1.0,
        r"\b(dns|resolver|name resolution)\b[^.]{0,40}\b(fail(ed|ing|ures?)|timeouts?|timed out|servfail)",
    ),
    // Everything between two sides dropped.
    (
        Label::Complete,
        2.5,
        r"\bnetwork partition(s|ed)?\b|\bpartitioned\b",
    ),
    (
        Label::Complete,
        2.0,
        r"\b(isolated|cut off|severed|disconnected) from (the )?(rest|network|cluster|other|each other|peers|primary|majority)",
    ),
    (
        Label::Complete,
        2.0,
        r"\b(lost|lose|losing) (all )?(network )?connectivity\b|\bcomplete(ly)? (loss of )?(connectivity|isolat\w+)",
    ),
    (
        Label::Complete,
        1.5,
        r"\bsplit[- ]brain\b|\btwo (primaries|masters|leaders)\b|\bdual[- ](primary|master|leader)",
    ),
    (
        Label::Complete,
        1.5,
        r"\b(switch|router|link|uplink|fiber|cable)s? (failed|died|went down|was cut|were cut|lost power|power(ed)? off)",
    ),
    (
        Label::Complete,
        1.0,
        r"\b(bridge|switching) loops?\b|\bspanning[- ]tree\b|\bbroadcast storm\b",
    ),
    // A process or machine failed, not the network.
    (
        Label::Crash,
        2.5,
        r"\b(crash(ed|es|ing)?|segfault(ed)?|segmentation fault|kernel panic|panicked)\b",
    ),
    (
        Label::Crash,
        2.0,
        r"\b(out of memory|oom[- ]?kill(ed|er)?|ran out of memory)\b",
    ),
    (
        Label::Crash,
        1.5,
        r"\b(gc|garbage[- ]collection) pauses?\b|\bstop[- ]the[- ]world\b",
    ),
    (
        Label::Crash,
        1.5,
        r"\b(power (loss|failure|outage)|lost power|hardware failure|disk failure|failed disk)\b",
    ),
    (
        Label::Crash,
        1.0,
        r"\b(process|daemon|server|node) (died|exited|was killed|restarted|hung)\b",
    ),
    // More ways to say some paths fail, or that the sides cannot reach each other.
    (
        Label::Partial,
        2.0,
        r"\b(reachable|reached|could (still )?reach|could (still )?talk to|could (still )?see)\b[^.]{0,60}\b(but|yet|while)\b[^.]{0,40}\b(not|couldn.t|could not|unable|no longer)",
    ),
    (
        Label::Partial,
        2.0,
        r"\b(bgp|route|routes|routing|prefix(es)?)\b[^.]{0,30}\b(leak(ed|s)?|withdraw(n|al|als)?|hijack(ed|s)?|misannounce\w*|blackhol\w+)",
    ),
    (
        Label::Partial,
        1.5,
        r"\b(congest(ed|ion)|saturat(ed|ion)|queue(s|ing)? (filled|overflow\w*)|buffers? (filled|full))\b",
    ),
    (
        Label::Partial,
        1.0,
        r"\b(latency|packet) (spike|spikes|increase|increased)\b|\bhigh (latency|packet loss)\b",
    ),
    (
        Label::Complete,
        2.0,
        r"\b(could not|couldn.t|unable to|no longer|stopped being able to|cannot|can.t) (communicate|talk|see|reach|hear)( with| from)? (each other|one another|the (other|rest|primary|master|leader|peers?|cluster)|its peers)",
    ),
    (
        Label::Complete,
        1.5,
        r"\b(lost|losing|lose) (contact|communication|sight|touch) (with|of)\b",
    ),
    // The network did not fail.
    (
        Label::None,
        2.5,
        r"\b(bad|faulty|broken|buggy) (deploy(ment)?|release|push|config(uration)? (change|push))\b",
    ),
    (
        Label::None,
        2.0,
        r"\b(config(uration)? (error|mistake|change)|typo|human error|fat[- ]finger\w*)\b",
    ),
    (
        Label::None,
        2.0,
        r"\b(overload(ed)?|capacity|thundering herd|retry storm|load spike)\b",
    ),
    (Label::None, 2.0, r"\b(ddos|denial[- ]of[- ]service)\b"),
    (
        Label::None,
        2.0,
        r"\b(expired|expiry of (the|a)) (tls |ssl )?certificate|\bcertificate expir\w+",
    ),
    (
        Label::None,
        1.5,
        r"\b(bug|regression) in (the|our|a)\b|\bsoftware bug\b",
    ),
    (
        Label::None,
        1.5,
        r"\b(database|schema) migration\b|\brolled back\b|\brollback\b",
    ),
];

/// The model's posterior above which it may decide a network mode without a phrase rule.
const MODEL_ALONE: f64 = 0.6;

/// Words every outage report uses: never enough, alone, to call a network mode.
const GENERIC: &[&str] = &[
    "network",
    "networks",
    "networking",
    "failover",
    "failovers",
    "outage",
    "outages",
    "down",
    "incident",
    "failure",
    "failures",
    "failed",
    "service",
    "services",
    "issue",
    "issues",
    "problem",
    "problems",
    "impact",
    "impacted",
    "customers",
    "users",
    "error",
    "errors",
];

/// Phrases of a study or design write-up rather than one outage.
const DESIGN: &str = r"\b(this (paper|study|survey|article) (describes|presents|studies|analy[sz]es|surveys)|we (study|analy[sz]e|survey|measured|characterize)|(percent|%) of (all )?(failures|incidents|outages|tickets)|design (lessons|principles|goals)|lessons (learned|from building))\b";

/// One phrase that decided the verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// The text that matched, or a word the model weighed.
    pub phrase: String,
    /// The label it supports.
    pub label: Label,
    /// `rule` or `model`.
    pub source: &'static str,
    /// Byte offset in the text (rules only).
    pub at: Option<usize>,
    /// How much it counted.
    pub weight: f64,
}

/// The classifier's answer for one text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextVerdict {
    /// The main mode.
    pub primary: Label,
    /// Other modes the text supports.
    pub secondary: Vec<Label>,
    /// 0–1.
    pub confidence: f64,
    /// Incident or design write-up.
    pub kind: Kind,
    /// The final score of every label, summing to 1.
    pub scores: BTreeMap<Label, f64>,
    /// The phrases that decided it, strongest first.
    pub evidence: Vec<Evidence>,
    /// What to keep in mind.
    pub notes: Vec<String>,
}

/// The classifier: rules and a naive Bayes model trained on labelled entries.
pub struct TextClassifier {
    rules: Vec<Rule>,
    design: Option<Regex>,
    model: Model,
}

/// A token, the label it favours, and by how much (log-likelihood over the other labels').
type Lift = (String, Label, f64);

/// Multinomial naive Bayes over words and word pairs.
struct Model {
    /// log P(label).
    prior: BTreeMap<Label, f64>,
    /// log P(token | label), with add-one smoothing.
    likelihood: BTreeMap<Label, BTreeMap<String, f64>>,
    /// log P(unseen token | label).
    unseen: BTreeMap<Label, f64>,
}

const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from", "as",
    "is", "was", "were", "are", "be", "been", "it", "its", "that", "this", "which", "their",
    "they", "had", "has", "have", "but", "not", "so", "into", "than", "then", "when", "while",
    "after", "before", "one", "two", "all", "more", "most", "some", "could", "would", "also",
    "there", "what", "who", "he", "she", "we", "our", "his", "her", "them",
];

fn tokens(text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-').to_owned())
        .filter(|w| {
            w.len() > 2 && !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    let pairs: Vec<String> = words
        .windows(2)
        .map(|w| format!("{} {}", w[0], w[1]))
        .collect();
    words.into_iter().chain(pairs).collect()
}

/// The text the model learns from for an entry.
pub fn training_text(e: &Entry) -> String {
    format!(
        "{} {} {} {}",
        e.meta.title,
        e.body,
        e.meta.mode.rationale,
        e.meta.tags.join(" ")
    )
}

/// The text of an entry as a reader would see it (title and summary): what evaluation classifies.
pub fn reading_text(e: &Entry) -> String {
    format!("{}. {}", e.meta.title, e.body)
}

impl Model {
    fn train(examples: &[(Label, String)]) -> Model {
        let mut counts: BTreeMap<Label, BTreeMap<String, f64>> = BTreeMap::new();
        let mut docs: BTreeMap<Label, f64> = BTreeMap::new();
        let mut vocab: BTreeSet<String> = BTreeSet::new();
        for (label, text) in examples {
            *docs.entry(*label).or_default() += 1.0;
            let c = counts.entry(*label).or_default();
            for t in tokens(text) {
                vocab.insert(t.clone());
                *c.entry(t).or_default() += 1.0;
            }
        }
        let n_docs: f64 = docs.values().sum::<f64>().max(1.0);
        let v = vocab.len().max(1) as f64;
        let mut prior = BTreeMap::new();
        let mut likelihood = BTreeMap::new();
        let mut unseen = BTreeMap::new();
        for label in Label::ALL {
            let d = docs.get(&label).copied().unwrap_or(0.0);
            prior.insert(label, ((d + 1.0) / (n_docs + Label::ALL.len() as f64)).ln());
            let c = counts.remove(&label).unwrap_or_default();
            let total: f64 = c.values().sum();
            let denom = total + v;
            unseen.insert(label, (1.0 / denom).ln());
            likelihood.insert(
                label,
                c.into_iter()
                    .map(|(t, n)| (t, ((n + 1.0) / denom).ln()))
                    .collect(),
            );
        }
        Model {
            prior,
            likelihood,
            unseen,
        }
    }

    /// Posterior per label, and the tokens that favoured each label most.
    fn posterior(&self, text: &str) -> (BTreeMap<Label, f64>, Vec<Lift>) {
        let toks = tokens(text);
        let mut log: BTreeMap<Label, f64> = self.prior.clone();
        let lp = |label: Label, t: &str| {
            self.likelihood[&label]
                .get(t)
                .copied()
                .unwrap_or(self.unseen[&label])
        };
        for t in &toks {
            for label in Label::ALL {
                *log.get_mut(&label).unwrap_or(&mut 0.0) += lp(label, t);
            }
        }
        let max = log.values().copied().fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = log.values().map(|l| (l - max).exp()).sum();
        let post: BTreeMap<Label, f64> =
            log.iter().map(|(k, l)| (*k, (l - max).exp() / z)).collect();
        // Tokens that most favour a label over the average of the others.
        let mut strong: Vec<Lift> = Vec::new();
        let seen: BTreeSet<&String> = toks.iter().collect();
        for t in seen {
            for label in Label::ALL {
                let mine = lp(label, t);
                let others: f64 = Label::ALL
                    .iter()
                    .filter(|l| **l != label)
                    .map(|l| lp(*l, t))
                    .sum::<f64>()
                    / (Label::ALL.len() - 1) as f64;
                let lift = mine - others;
                if lift > 0.5 && self.likelihood[&label].contains_key(t.as_str()) {
                    strong.push((t.clone(), label, lift));
                }
            }
        }
        strong.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        (post, strong)
    }
}

impl TextClassifier {
    /// Builds the classifier, training its model on `entries`.
    pub fn train(entries: &[&Entry]) -> TextClassifier {
        let rules = RULES
            .iter()
            .filter_map(|(label, weight, p)| {
                RegexBuilder::new(p)
                    .case_insensitive(true)
                    .build()
                    .ok()
                    .map(|pattern| Rule {
                        label: *label,
                        weight: *weight,
                        pattern,
                    })
            })
            .collect();
        let examples: Vec<(Label, String)> = entries
            .iter()
            .map(|e| (e.meta.mode.primary, training_text(e)))
            .collect();
        TextClassifier {
            rules,
            design: RegexBuilder::new(DESIGN)
                .case_insensitive(true)
                .build()
                .ok(),
            model: Model::train(&examples),
        }
    }

    /// Classifies a postmortem text.
    pub fn classify(&self, text: &str) -> TextVerdict {
        let mut evidence: Vec<Evidence> = Vec::new();
        let mut rule_score: BTreeMap<Label, f64> = BTreeMap::new();
        for r in &self.rules {
            // Each rule counts once per text, however often it matches; the first match is shown.
            if let Some(m) = r.pattern.find(text) {
                *rule_score.entry(r.label).or_default() += r.weight;
                evidence.push(Evidence {
                    phrase: m.as_str().to_owned(),
                    label: r.label,
                    source: "rule",
                    at: Some(m.start()),
                    weight: r.weight,
                });
            }
        }
        let design = self.design.as_ref().and_then(|d| d.find(text));
        let (post, strong) = self.model.posterior(text);
        let mut notes = Vec::new();
        // Rule evidence, softened, times the model's posterior: the rules say which labels are in
        // play, the model weighs them.
        let mut scores: BTreeMap<Label, f64> = BTreeMap::new();
        for label in Label::ALL {
            let r = rule_score.get(&label).copied().unwrap_or(0.0);
            let prior_from_rules = if r > 0.0 { r } else { 0.05 };
            scores.insert(label, prior_from_rules * (0.25 + post[&label]));
        }
        let network_rules = rule_score
            .keys()
            .any(|l| l.mode().is_some_and(|m| m.is_network()));
        // With no rule for any network mode, the model may still decide when it is sure and
        // what makes it sure is more than the words every outage report uses.
        let model_top = post
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(l, p)| (*l, *p));
        let model_decides = !network_rules
            && model_top.is_some_and(|(l, p)| {
                p >= MODEL_ALONE
                    && l.mode().is_some_and(|m| m.is_network())
                    && strong
                        .iter()
                        .any(|(t, sl, _)| *sl == l && !t.split(' ').all(|w| GENERIC.contains(&w)))
            });
        if model_decides {
            if let Some((l, p)) = model_top {
                scores.insert(l, scores[&l] + p);
                notes.push(format!(
                    "no phrase rule describes the network failure; the model learned from the corpus reads it as {l} ({p:.2})"
                ));
            }
        } else if !network_rules {
            for label in [
                Label::Complete,
                Label::Asymmetric,
                Label::Partial,
                Label::Gray,
                Label::Flapping,
            ] {
                scores.insert(label, 0.0);
            }
            if rule_score.is_empty() {
                scores.insert(Label::None, 1.0);
                notes.push(
                    "nothing in the text says how the network failed (words like network, failover or outage decide nothing on their own)"
                        .to_owned(),
                );
            }
        }
        let z: f64 = scores.values().sum::<f64>().max(f64::MIN_POSITIVE);
        for v in scores.values_mut() {
            *v /= z;
        }
        let mut ranked: Vec<(Label, f64)> = scores.iter().map(|(k, v)| (*k, *v)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut primary = ranked[0].0;
        let kind = if design.is_some() && rule_score.values().sum::<f64>() < 4.0 {
            primary = Label::None;
            notes.push("reads as a study or design write-up rather than one outage".to_owned());
            Kind::Design
        } else {
            Kind::Incident
        };
        let secondary: Vec<Label> = ranked
            .iter()
            .skip(1)
            .filter(|(l, s)| *s >= 0.15 && *l != primary && rule_score.contains_key(l))
            .map(|(l, _)| *l)
            .collect();
        let top = scores[&primary];
        let runner = ranked
            .iter()
            .find(|(l, _)| *l != primary)
            .map_or(0.0, |r| r.1);
        let strength = (rule_score.get(&primary).copied().unwrap_or(0.0) / 5.0).min(1.0);
        let confidence = if model_decides {
            0.35
        } else if rule_score.is_empty() {
            0.2
        } else {
            (0.3 + 0.4 * (top - runner).max(0.0) + 0.3 * strength).clamp(0.0, 0.95)
        };
        for (t, label, lift) in strong.into_iter().filter(|s| s.1 == primary).take(5) {
            evidence.push(Evidence {
                phrase: t,
                label,
                source: "model",
                at: None,
                weight: (lift * 100.0).round() / 100.0,
            });
        }
        if let Some(d) = design {
            evidence.push(Evidence {
                phrase: d.as_str().to_owned(),
                label: Label::None,
                source: "rule",
                at: Some(d.start()),
                weight: 0.0,
            });
        }
        evidence.sort_by(|a, b| {
            (a.label != primary)
                .cmp(&(b.label != primary))
                .then(b.weight.total_cmp(&a.weight))
                .then(a.at.cmp(&b.at))
        });
        TextVerdict {
            primary,
            secondary,
            confidence: (confidence * 100.0).round() / 100.0,
            kind,
            scores: scores
                .into_iter()
                .map(|(k, v)| (k, (v * 1000.0).round() / 1000.0))
                .collect(),
            evidence,
            notes,
        }
    }
}

/// Per-label precision, recall and F1, and overall accuracy, of a leave-one-out evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Entries evaluated.
    pub n: usize,
    /// Share classified to their primary label.
    pub accuracy: f64,
    /// Mean F1 over the labels present.
    pub macro_f1: f64,
    /// label → (support, precision, recall, f1).
    pub per_label: BTreeMap<Label, (usize, f64, f64, f64)>,
    /// true label → predicted label → count.
    pub confusion: BTreeMap<Label, BTreeMap<Label, usize>>,
}

/// Leave-one-out: each entry is classified (title and summary) by a classifier trained on all
/// the others.
pub fn leave_one_out(entries: &[Entry]) -> Evaluation {
    let mut confusion: BTreeMap<Label, BTreeMap<Label, usize>> = BTreeMap::new();
    let mut right = 0;
    for (i, e) in entries.iter().enumerate() {
        let others: Vec<&Entry> = entries
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, x)| x)
            .collect();
        let c = TextClassifier::train(&others);
        let got = c.classify(&reading_text(e)).primary;
        let want = e.meta.mode.primary;
        right += usize::from(got == want);
        *confusion.entry(want).or_default().entry(got).or_default() += 1;
    }
    let mut per_label = BTreeMap::new();
    for label in Label::ALL {
        let tp = confusion
            .get(&label)
            .and_then(|m| m.get(&label))
            .copied()
            .unwrap_or(0);
        let support: usize = confusion.get(&label).map_or(0, |m| m.values().sum());
        let predicted: usize = confusion.values().filter_map(|m| m.get(&label)).sum();
        if support == 0 && predicted == 0 {
            continue;
        }
        let p = if predicted > 0 {
            tp as f64 / predicted as f64
        } else {
            0.0
        };
        let r = if support > 0 {
            tp as f64 / support as f64
        } else {
            0.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        per_label.insert(label, (support, p, r, f));
    }
    let present: Vec<f64> = per_label
        .values()
        .filter(|v| v.0 > 0)
        .map(|v| v.3)
        .collect();
    Evaluation {
        n: entries.len(),
        accuracy: right as f64 / entries.len().max(1) as f64,
        macro_f1: present.iter().sum::<f64>() / present.len().max(1) as f64,
        per_label,
        confusion,
    }
}

/// A draft entry for `text`: front matter with the classifier's labels, and a body to write.
pub fn draft_entry(text: &str, v: &TextVerdict, id: Option<&str>, source: Option<&str>) -> String {
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("untitled")
        .trim_start_matches('#')
        .trim();
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
    let secondary: Vec<String> = v.secondary.iter().map(|l| quote(l.as_str())).collect();
    let why: Vec<String> = v
        .evidence
        .iter()
        .filter(|e| e.label == v.primary && e.source == "rule")
        .take(3)
        .map(|e| e.phrase.clone())
        .collect();
    let rationale = if why.is_empty() {
        "Nothing in the text says how the network failed.".to_owned()
    } else {
        format!("The text says: {}.", why.join("; "))
    };
    format!(
        "+++\nid = {}\ntitle = {}\norg = \"\"\ndate = \"\"\nkind = \"{}\"\nsystems = []\nsource = {}\nconsequence = []\nscope = \"datacenter\"\ntags = []\n\n[mode]\nprimary = \"{}\"\nsecondary = [{}]\nconfidence = {:.2}\nrationale = {}\n+++\nSummarise the incident here in two to five sentences of your own words.\n",
        quote(id.unwrap_or("org-year-topic")),
        quote(first_line),
        match v.kind {
            Kind::Design => "design",
            Kind::Incident => "incident",
        },
        quote(source.unwrap_or("")),
        v.primary,
        secondary.join(", "),
        v.confidence,
        quote(&rationale)
    )
}
