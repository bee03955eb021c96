//! Chaos Mesh `NetworkChaos` manifests, written as YAML text (no YAML library: the documents are
//! small and fixed in shape, and every string goes through one quoting function, `plan::quote`,
//! which escapes whatever a YAML 1.1 or 1.2 reader would take as a line break). The phase's and
//! the scenario's names are carried as annotations (`rift/phase`, `rift/scenario-name`), so a
//! reader gets them back as values; in comments they are made inert (`plan::comment`).
//!
//! One manifest per phase and sending host, or per down interval of a flapping phase, each with
//! `direction: to`, the sender as `selector` and the receivers as `target`. Chaos Mesh documents
//! `direction` as the direction of the packets relative to the target: `to` affects packets from
//! the selected pods to the target, `from` packets from the target to the selected pods, `both`
//! either. Its partition action drops a `to` packet at both ends (the selected pods' `OUTPUT`
//! chain and the targets' `INPUT` chain, `controllers/chaosimpl/networkchaos/partition/impl.go`)
//! and leaves the reverse direction alone, so `selector = A, target = B, direction = to` is the
//! one-way fault A → B exactly; a cut both ways is two manifests. `both` is never used: one-way
//! manifests say the same thing and avoid Chaos Mesh issue #1450 (a `both` netem chaos also hit
//! traffic among the selected pods).
//!
//! A manifest starts when it is applied and ends by itself after its `duration`; one manifest
//! cannot start later, so each carries its offset in a comment and the header holds a small
//! `kubectl apply` schedule. `NetworkChaos` cannot match ports, so a phase limited to channels or
//! a flow is refused.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::export::Exporter;
use crate::export::options::ExportOptions;
use crate::export::plan::{self, Cut, Dialect};
use crate::scenario::{Dur, Scenario};
use crate::time::SimTime;

/// Writes Chaos Mesh manifests.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChaosMesh;

const TARGET: &str = "chaos-mesh";

/// One manifest: a sender's cuts of one phase over one interval, with one action.
struct Manifest {
    name: String,
    start: SimTime,
    end: SimTime,
    phase: usize,
    from: String,
    to: Vec<String>,
    action: Action,
}

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Partition,
    Loss(f64),
    Delay(SimTime),
}

impl Action {
    /// Its value, to tell actions of one kind apart without comparing floats.
    fn value_bits(self) -> u64 {
        match self {
            Action::Partition => 0,
            Action::Loss(p) => p.to_bits(),
            Action::Delay(d) => d.0,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Action::Partition => "partition",
            Action::Loss(_) => "loss",
            Action::Delay(_) => "delay",
        }
    }
}

impl Exporter for ChaosMesh {
    fn write(&self, scenario: &Scenario, opts: &ExportOptions) -> Result<String, Error> {
        plan::check_host_names(scenario, TARGET)?;
        plan::check_no_crash(scenario, TARGET)?;
        check_label_key(&opts.label_key)?;
        let hosts = scenario.hosts();
        let scen = plan::slug(plan::scenario_name(scenario));
        let scen = truncate(&scen, 40);
        let mut manifests: Vec<Manifest> = Vec::new();
        // Manifest of (phase, sender, start, end, action): a cut joins its manifest in one look-up.
        let mut index: BTreeMap<(usize, usize, SimTime, SimTime, &str, u64), usize> =
            BTreeMap::new();
        for c in plan::cuts(scenario) {
            if c.restricted() {
                return Err(Error::Unexportable {
                    target: TARGET,
                    phase: plan::phase_ref(scenario, c.phase),
                    reason: format!(
                        "it is limited to {}, and NetworkChaos cannot match ports; export it with --to iptables and --ports",
                        c.restriction()
                    ),
                });
            }
            for action in actions(&c) {
                let key = (
                    c.phase,
                    c.from.ix(),
                    c.start,
                    c.end,
                    action.name(),
                    action.value_bits(),
                );
                match index.get(&key) {
                    Some(&i) => manifests[i].to.push(hosts[c.to.ix()].to_owned()),
                    None => {
                        index.insert(key, manifests.len());
                        manifests.push(Manifest {
                            name: name(&scen, &c, hosts[c.from.ix()], action),
                            start: c.start,
                            end: c.end,
                            phase: c.phase,
                            from: hosts[c.from.ix()].to_owned(),
                            to: vec![hosts[c.to.ix()].to_owned()],
                            action,
                        });
                    }
                }
            }
        }
        manifests.sort_by_key(|m| (m.start, m.phase, m.from.clone(), m.action.name()));
        let mut names = BTreeSet::new();
        for m in &manifests {
            if !names.insert(m.name.as_str()) {
                return Err(Error::Unexportable {
                    target: TARGET,
                    phase: plan::phase_ref(scenario, m.phase),
                    reason: format!(
                        "two manifests would both be named '{}'; shorten the scenario's or the hosts' names",
                        m.name
                    ),
                });
            }
        }

        let mut out = plan::header("#", TARGET, scenario, &opts.origin);
        out.push_str(&help(&opts.label_key));
        out.push_str(&schedule(&manifests, &scen));
        for m in &manifests {
            out.push_str(&manifest(scenario, m, &scen, &opts.label_key));
        }
        Ok(out)
    }
}

/// A YAML double-quoted scalar.
fn quote(text: &str) -> String {
    plan::quote(text, Dialect::Yaml)
}

/// Longest Kubernetes label name, and longest prefix (a DNS subdomain), as the API server checks
/// them: a key beyond either is refused when the manifest is applied.
const MAX_LABEL_NAME: usize = 63;
const MAX_LABEL_PREFIX: usize = 253;

/// Refuses a `--label-key` that Kubernetes would not accept as a label key: `[prefix/]name`, the
/// prefix a DNS subdomain (lowercase letters, digits, '-' and '.'), the name 1-63 letters,
/// digits, '-', '_' or '.', starting and ending with a letter or digit.
fn check_label_key(key: &str) -> Result<(), Error> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let ends_ok = |t: &str| {
        t.starts_with(|c: char| c.is_ascii_alphanumeric())
            && t.ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    let name_ok = name.len() <= MAX_LABEL_NAME
        && ends_ok(name)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let prefix_ok = prefix.is_none_or(|p| {
        p.len() <= MAX_LABEL_PREFIX
            && ends_ok(p)
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'))
    });
    if name_ok && prefix_ok {
        return Ok(());
    }
    Err(Error::ExportOption {
        flag: "--label-key",
        value: plan::comment(key).into_owned(),
        reason: format!(
            "not a Kubernetes label key: write [PREFIX/]NAME, the prefix a DNS subdomain (lowercase letters, digits, '-', '.'; at most {MAX_LABEL_PREFIX}), the name at most {MAX_LABEL_NAME} letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        ),
    })
}

fn help(label_key: &str) -> String {
    format!(
        "#
# One NetworkChaos per phase and sending host (per down interval when the phase flaps), all with
# direction: to. In Chaos Mesh, direction \"to\" affects packets from the selected pods to the
# target pods, \"from\" packets from the target pods to the selected ones, \"both\" either. A
# partition drops a \"to\" packet at both ends (the sender's OUTPUT and the receiver's INPUT chain)
# and never touches the reverse direction; loss and delay are netem on the sender's interface,
# for packets to the targets. So selector = A, target = B, direction: to is the one-way fault
# A -> B; a cut both ways is two manifests.
#
# Pods are selected by the label {label_key} = the host's name,
# in the namespace the manifests are applied in (kubectl apply -n NAMESPACE).
#
# A manifest starts when it is applied and ends by itself after its duration, so each one must be
# applied at its offset from the start (the comment above it). This schedule does it; save this
# file as rift-chaos.yaml and run these lines with bash (kubectl's own latency adds up, tens of ms
# per manifest):
#
"
    )
}

/// The `kubectl apply` schedule, as comment lines: each manifest at its offset.
fn schedule(manifests: &[Manifest], scen: &str) -> String {
    let mut out = String::from(
        "#   doc() { awk -v n=\"# manifest: $1\" '$0 == \"---\" { p = 0 } $0 == n { p = 1 } p' rift-chaos.yaml; }\n",
    );
    let mut at = SimTime(0);
    for m in manifests {
        let wait = m.start.since(at);
        let sleep = if wait.0 > 0 {
            format!("sleep {}; ", plan::secs(wait))
        } else {
            String::new()
        };
        out.push_str(&format!("#   {sleep}doc {} | kubectl apply -f -\n", m.name));
        at = m.start;
    }
    out.push_str(&format!(
        "#   # when done (the objects stay after they end):\n#   kubectl delete networkchaos -l rift/scenario={scen}\n"
    ));
    out
}

/// The actions a cut needs: a partition, or a loss and a delay (either may be absent).
fn actions(c: &Cut) -> Vec<Action> {
    if c.total() {
        return vec![Action::Partition];
    }
    let mut out = Vec::new();
    if c.loss > 0.0 {
        out.push(Action::Loss(c.loss));
    }
    if c.delay.0 > 0 {
        out.push(Action::Delay(c.delay));
    }
    out
}

/// `rift-<scenario>-p<phase>[-c<cycle>]-<sender>-<action>`, at most 63 characters.
fn name(scen: &str, c: &Cut, from: &str, action: Action) -> String {
    let cycle = if c.flaps {
        format!("-c{}", c.cycle + 1)
    } else {
        String::new()
    };
    let name = format!(
        "rift-{scen}-p{}{cycle}-{}-{}",
        c.phase + 1,
        plan::slug(from),
        action.name()
    );
    truncate(&name, 63)
}

fn truncate(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

fn manifest(scenario: &Scenario, m: &Manifest, scen: &str, label_key: &str) -> String {
    let (what, settings) = match m.action {
        Action::Partition => ("dropped".to_owned(), String::new()),
        Action::Loss(p) => (
            format!("{} % lost", plan::percent(p)),
            format!(
                "  loss:\n    loss: {}\n    correlation: \"0\"\n",
                quote(&plan::percent(p))
            ),
        ),
        Action::Delay(d) => (
            format!("delayed by {}", Dur(d)),
            format!(
                "  delay:\n    latency: {}\n    correlation: \"0\"\n    jitter: \"0ms\"\n",
                quote(&Dur(d).to_string())
            ),
        ),
    };
    let values: Vec<String> = m.to.iter().map(|h| quote(h)).collect();
    format!(
        "---
# manifest: {name}
# apply at t = {start} s; {phase}: {from} -> {to} {what} until t = {end} s
apiVersion: chaos-mesh.org/v1alpha1
kind: NetworkChaos
metadata:
  name: {name}
  labels:
    rift/scenario: {scen}
  annotations:
    rift/scenario-name: {scenario_name}
    rift/phase: {phase_name}
spec:
  action: {action}
  mode: all
  selector:
    labelSelectors:
      {key}: {sender}
{settings}  direction: to
  target:
    mode: all
    selector:
      expressionSelectors:
        - key: {key}
          operator: In
          values: [{values}]
  duration: {duration}
",
        name = m.name,
        start = plan::secs(m.start),
        end = plan::secs(m.end),
        phase = plan::comment(&plan::phase_label(scenario, m.phase)),
        scenario_name = quote(plan::scenario_name(scenario)),
        phase_name = quote(&plan::phase_label(scenario, m.phase)),
        from = m.from,
        to = m.to.join(", "),
        scen = quote(scen),
        action = m.action.name(),
        key = quote(label_key),
        sender = quote(&m.from),
        values = values.join(", "),
        duration = quote(&Dur(m.end.since(m.start)).to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::plan::three_members as scenario;
    use crate::export::{ExportTarget, export};

    fn yaml(s: &Scenario) -> String {
        export(s, ExportTarget::ChaosMesh, &ExportOptions::default()).unwrap()
    }

    /// The manifests without the header, one string each.
    fn docs(s: &Scenario) -> Vec<String> {
        yaml(s).split("---\n").skip(1).map(str::to_owned).collect()
    }

    #[test]
    fn a_one_way_fault_selects_the_sender_and_targets_the_receiver() {
        let d = docs(&scenario(
            "[[phase]]\nstart = \"10s\"\nend = \"20s\"\ndrop = [\"n1->n2\"]\n",
        ));
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("# manifest: rift-t-p1-n1-partition\n# apply at t = 10.000 s; phase 1: n1 -> n2 dropped until t = 20.000 s\n"), "{}", d[0]);
        assert!(d[0].contains("  action: partition\n  mode: all\n  selector:\n    labelSelectors:\n      \"statefulset.kubernetes.io/pod-name\": \"n1\"\n"), "{}", d[0]);
        assert!(d[0].contains("  direction: to\n"), "{}", d[0]);
        assert!(
            d[0].contains("values: [\"n2\"]\n  duration: \"10s\"\n"),
            "{}",
            d[0]
        );
    }

    #[test]
    fn a_partition_is_one_manifest_per_sender() {
        let d = docs(&scenario(
            "[[phase]]\nstart = \"1s\"\nend = \"3s\"\npartition = [[\"n1\"], [\"n2\", \"n3\"]]\n",
        ));
        let heads: Vec<&str> = d.iter().map(|d| d.lines().nth(1).unwrap()).collect();
        assert_eq!(
            heads,
            [
                "# apply at t = 1.000 s; phase 1: n1 -> n2, n3 dropped until t = 3.000 s",
                "# apply at t = 1.000 s; phase 1: n2 -> n1 dropped until t = 3.000 s",
                "# apply at t = 1.000 s; phase 1: n3 -> n1 dropped until t = 3.000 s",
            ]
        );
        assert!(
            d.iter()
                .all(|d| d.contains("direction: to\n") && d.contains("duration: \"2s\""))
        );
    }

    #[test]
    fn flapping_gives_a_manifest_per_down_phase_and_the_schedule_applies_them_in_turn() {
        let s = scenario(
            "[[phase]]\nstart = \"10s\"\nend = \"20s\"\ndrop = [\"n1->n2\"]\nloss = 0.5\nflap = { down = \"2s\", up = \"3s\" }\n",
        );
        let names: Vec<String> = docs(&s)
            .iter()
            .map(|d| d.lines().next().unwrap().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "# manifest: rift-t-p1-c1-n1-loss",
                "# manifest: rift-t-p1-c2-n1-loss"
            ]
        );
        let y = yaml(&s);
        assert!(y.contains("#   sleep 10.000; doc rift-t-p1-c1-n1-loss | kubectl apply -f -\n#   sleep 5.000; doc rift-t-p1-c2-n1-loss | kubectl apply -f -\n"), "{y}");
        assert!(y.contains("  loss:\n    loss: \"50\"\n"), "{y}");
    }

    #[test]
    fn refuses_channel_faults() {
        let s = scenario("[[phase]]\nstart = \"1s\"\ndrop = [\"n1->n2\"]\nflow = \"client\"\n");
        let e = export(&s, ExportTarget::ChaosMesh, &ExportOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot export phase 1 to chaos-mesh: it is limited to flow client, and NetworkChaos cannot match ports; export it with --to iptables and --ports"
        );
    }

    /// The annotations of every document PyYAML reads in `yaml`, as JSON; `None` (with a
    /// message) without python3 and its `yaml` module.
    fn pyyaml_annotations(yaml: &str) -> Option<serde_json::Value> {
        use std::io::Write as _;
        const READ: &str = "import json, sys, yaml\n\
            docs = list(yaml.safe_load_all(sys.stdin.read()))\n\
            print(json.dumps([d['metadata'].get('annotations') if isinstance(d, dict) and 'metadata' in d else d for d in docs]))\n";
        let Ok(mut child) = std::process::Command::new("python3")
            .args(["-c", READ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        else {
            eprintln!("skipping the PyYAML check: no python3");
            return None;
        };
        child.stdin.take()?.write_all(yaml.as_bytes()).ok()?;
        let out = child.wait_with_output().ok()?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("No module named 'yaml'"),
                "PyYAML could not read the manifests: {err}"
            );
            eprintln!("skipping the PyYAML check: python3 has no yaml module (python3-yaml)");
            return None;
        }
        Some(serde_json::from_slice(&out.stdout).unwrap())
    }

    #[test]
    fn hostile_names_read_back_as_written_and_add_no_document() {
        for name in plan::hostile_names() {
            let s = plan::hostile(&name);
            let opts = ExportOptions {
                origin: name.clone(),
                ..ExportOptions::default()
            };
            let y = export(&s, ExportTarget::ChaosMesh, &opts).unwrap();
            // One per sender of the cut: n1 -> n2, n3; n2 -> n1; n3 -> n1.
            let docs = yaml_rust2::YamlLoader::load_from_str(&y).unwrap();
            assert_eq!(docs.len(), 3, "{y}");
            for d in &docs {
                let keys: Vec<&str> = d
                    .as_hash()
                    .unwrap()
                    .keys()
                    .map(|k| k.as_str().unwrap())
                    .collect();
                assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec"], "{y}");
                let notes = &d["metadata"]["annotations"];
                assert_eq!(notes["rift/phase"].as_str(), Some(name.as_str()), "{y}");
                assert_eq!(notes["rift/scenario-name"].as_str(), Some(name.as_str()));
                assert_eq!(notes.as_hash().unwrap().len(), 2, "{y}");
            }
            let Some(py) = pyyaml_annotations(&y) else {
                continue;
            };
            let want = serde_json::json!({"rift/scenario-name": name, "rift/phase": name});
            assert_eq!(py, serde_json::json!([want, want, want]), "{y}");
        }
    }

    #[test]
    fn a_label_key_kubernetes_would_refuse_is_refused() {
        let s = scenario("[[phase]]\nstart = \"1s\"\ndrop = [\"n1->n2\"]\n");
        for bad in [
            "a\nb",
            "a b",
            "-a",
            "Example.com/name",
            "a/",
            "/a",
            &"k".repeat(64),
        ] {
            let opts = ExportOptions {
                label_key: bad.to_owned(),
                ..ExportOptions::default()
            };
            let e = export(&s, ExportTarget::ChaosMesh, &opts)
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("--label-key ") && e.contains("not a Kubernetes label key"),
                "{bad:?}: {e}"
            );
            assert!(!e.contains('\n'), "{e}");
        }
        for good in ["app", "example.com/pod-name", "app.kubernetes.io/instance"] {
            let opts = ExportOptions {
                label_key: good.to_owned(),
                ..ExportOptions::default()
            };
            assert!(export(&s, ExportTarget::ChaosMesh, &opts).is_ok(), "{good}");
        }
    }

    #[test]
    fn snapshot_of_an_asymmetric_scenario() {
        let (s, opts) = plan::asymmetric();
        insta::assert_snapshot!(export(&s, ExportTarget::ChaosMesh, &opts).unwrap());
    }
}
