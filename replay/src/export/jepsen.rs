//! Jepsen grudges: an EDN vector of `{:time SECONDS :phases [..] :grudge {DST #{SRC ..}}}`.
//!
//! A grudge is what `jepsen.net/drop-all!` takes: a map from each node to the set of nodes it drops
//! packets *from* (`{dst #{src}}`), which Jepsen's iptables net turns into an `INPUT` drop on `dst`
//! for `src`'s address — the same receiver-side rule as the iptables export. Each entry is the
//! whole grudge in force from its time until the next entry, so overlapping phases combine;
//! `{}` heals. A grudge drops everything between two db nodes, so a phase that loses only some
//! packets, delays them, is limited to some channels or a flow, or touches a client host is
//! refused with an error rather than exported approximately.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::export::Exporter;
use crate::export::options::ExportOptions;
use crate::export::plan::{self, Cut, Dialect};
use crate::scenario::Scenario;
use crate::time::SimTime;

/// Writes Jepsen grudges.
#[derive(Clone, Copy, Debug, Default)]
pub struct Jepsen;

const TARGET: &str = "jepsen";

/// Most (receiver, sender) pairs listed over all the grudges. Each entry is the whole grudge in
/// force, so a long steady cut beside a fast flap is listed again at every step: 2,000,000 pairs
/// are about 30 MB of EDN.
const MAX_LISTED: u64 = 2_000_000;

impl Exporter for Jepsen {
    fn write(&self, scenario: &Scenario, opts: &ExportOptions) -> Result<String, Error> {
        plan::check_host_names(scenario, TARGET)?;
        plan::check_no_crash(scenario, TARGET)?;
        let cuts = plan::cuts(scenario);
        for c in &cuts {
            check(scenario, c)?;
        }
        let hosts = scenario.hosts();
        let mut times: BTreeSet<SimTime> = BTreeSet::new();
        for c in &cuts {
            times.insert(c.start);
            times.insert(c.end);
        }
        let mut out = plan::header(";;", TARGET, scenario, &opts.origin);
        out.push_str(HELP);
        let mut steps: Vec<String> = Vec::new();
        let mut last: Option<BTreeMap<&str, BTreeSet<&str>>> = None;
        // A sweep over the times: the cuts in force (start <= t < end) are kept up to date as
        // each starts and ends, counted per (receiver, sender) and per phase.
        let mut ends: BTreeSet<(SimTime, usize)> = BTreeSet::new();
        let mut pairs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut phases_live: BTreeMap<usize, usize> = BTreeMap::new();
        let (mut next, mut listed) = (0, 0u64);
        for t in times {
            while let Some(&(end, i)) = ends.first()
                && end <= t
            {
                ends.pop_first();
                let c = &cuts[i];
                release(&mut pairs, (hosts[c.to.ix()], hosts[c.from.ix()]));
                release(&mut phases_live, c.phase);
            }
            while let Some(c) = cuts.get(next).filter(|c| c.start <= t) {
                if c.end > t {
                    ends.insert((c.end, next));
                    *pairs
                        .entry((hosts[c.to.ix()], hosts[c.from.ix()]))
                        .or_default() += 1;
                    *phases_live.entry(c.phase).or_default() += 1;
                }
                next += 1;
            }
            let mut grudge: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (dst, src) in pairs.keys() {
                grudge.entry(dst).or_default().insert(src);
            }
            if last.as_ref() == Some(&grudge) {
                continue;
            }
            listed += pairs.len() as u64;
            if listed > MAX_LISTED {
                return Err(Error::Unexportable {
                    target: TARGET,
                    phase: "the scenario".into(),
                    reason: format!(
                        "its grudges would list more than {} (receiver, sender) pairs by t = {} s, and each entry lists every pair in force; the limit is {}: export fewer or longer phases, or use --to iptables",
                        crate::work::grouped(MAX_LISTED),
                        plan::secs(t),
                        crate::work::grouped(MAX_LISTED)
                    ),
                });
            }
            let phases: Vec<String> = phases_live
                .keys()
                .map(|&p| plan::quote(&plan::phase_label(scenario, p), Dialect::Edn))
                .collect();
            let entries: Vec<String> = grudge
                .iter()
                .map(|(dst, srcs)| {
                    let srcs: Vec<String> =
                        srcs.iter().map(|s| plan::quote(s, Dialect::Edn)).collect();
                    format!("{} #{{{}}}", plan::quote(dst, Dialect::Edn), srcs.join(" "))
                })
                .collect();
            steps.push(format!(
                "{{:time {} :phases [{}] :grudge {{{}}}}}",
                edn_secs(t),
                phases.join(" "),
                entries.join(" ")
            ));
            last = Some(grudge);
        }
        out.push_str(&format!("[{}]\n", steps.join("\n ")));
        Ok(out)
    }
}

const HELP: &str = "\
;;
;; A grudge maps each node to the set of nodes it drops packets FROM ({dst #{src ...}}), as
;; jepsen.net/drop-all! takes it: {\"n2\" #{\"n1\"}} means n2 drops what n1 sends, the one-way
;; fault n1 -> n2 (Jepsen's iptables net adds the DROP to n2's INPUT chain; n2's packets still
;; reach n1). Each entry is the whole grudge in force from :time (seconds from the start) until
;; the next entry; {} heals. Replay it from a nemesis: at each :time, (net/heal! (:net test) test)
;; then, unless the grudge is empty, (net/drop-all! test grudge).
";

/// Counts one less of `key`, forgetting it at zero.
fn release<K: Ord>(live: &mut BTreeMap<K, usize>, key: K) {
    if let Some(n) = live.get_mut(&key) {
        *n -= 1;
        if *n == 0 {
            live.remove(&key);
        }
    }
}

/// Refuses what a grudge cannot say.
fn check(scenario: &Scenario, c: &Cut) -> Result<(), Error> {
    let refuse = |reason: String| Error::Unexportable {
        target: TARGET,
        phase: plan::phase_ref(scenario, c.phase),
        reason,
    };
    if c.restricted() {
        return Err(refuse(format!(
            "it is limited to {}, and a grudge drops all traffic between two nodes; export it with --to iptables and --ports",
            c.restriction()
        )));
    }
    if !c.total() {
        return Err(refuse(format!(
            "it {} rather than dropping every packet, and a grudge can only drop; export it with --to iptables or chaos-mesh",
            if c.loss > 0.0 {
                format!("loses {} % of packets", plan::percent(c.loss))
            } else {
                "delays packets".to_owned()
            }
        )));
    }
    let members = scenario.members();
    if let Some(h) = [c.from, c.to].into_iter().find(|h| h.ix() >= members) {
        return Err(refuse(format!(
            "it cuts client host '{}', and Jepsen grudges name only db nodes; export it with --to iptables",
            scenario.hosts()[h.ix()]
        )));
    }
    Ok(())
}

/// Seconds as an EDN double: `10.0`, `12.5`, `0.00025`.
fn edn_secs(t: SimTime) -> String {
    let (whole, frac) = (t.0 / 1_000_000, t.0 % 1_000_000);
    if frac == 0 {
        format!("{whole}.0")
    } else {
        let frac = format!("{frac:06}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::plan::three_members as scenario;
    use crate::export::{ExportTarget, export};

    fn grudges(s: &Scenario) -> String {
        let out = export(s, ExportTarget::Jepsen, &ExportOptions::default()).unwrap();
        out.lines()
            .filter(|l| !l.starts_with(";;"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_one_way_fault_is_a_grudge_of_the_receiver() {
        let s = scenario(
            "[[phase]]\nname = \"mute\"\nstart = \"10s\"\nend = \"20s\"\ndrop = [\"n1->n2\"]\n",
        );
        assert_eq!(
            grudges(&s),
            "[{:time 10.0 :phases [\"mute\"] :grudge {\"n2\" #{\"n1\"}}}\n {:time 20.0 :phases [] :grudge {}}]"
        );
    }

    #[test]
    fn a_partition_is_both_directions_and_heals_to_an_empty_grudge() {
        let s = scenario(
            "[[phase]]\nstart = \"1s\"\nend = \"2.5s\"\npartition = [[\"n1\"], [\"n2\", \"n3\"]]\n",
        );
        assert_eq!(
            grudges(&s),
            "[{:time 1.0 :phases [\"phase 1\"] :grudge {\"n1\" #{\"n2\" \"n3\"} \"n2\" #{\"n1\"} \"n3\" #{\"n1\"}}}\n {:time 2.5 :phases [] :grudge {}}]"
        );
    }

    #[test]
    fn overlapping_phases_combine_and_flapping_expands() {
        let s = scenario(
            "[[phase]]\nstart = \"0s\"\nend = \"10s\"\ndrop = [\"n1->n2\"]\nflap = { down = \"2s\", up = \"3s\" }\n\
             [[phase]]\nname = \"b\"\nstart = \"1s\"\nend = \"6s\"\ndrop = [\"n3->n2\"]\n",
        );
        let g = grudges(&s);
        let times: Vec<&str> = g
            .match_indices(":time ")
            .map(|(i, _)| &g[i + 6..i + 10])
            .collect();
        assert_eq!(times, ["0.0 ", "1.0 ", "2.0 ", "5.0 ", "6.0 ", "7.0 "]);
        assert!(
            g.contains("{:time 1.0 :phases [\"phase 1\" \"b\"] :grudge {\"n2\" #{\"n1\" \"n3\"}}}"),
            "{g}"
        );
        assert!(g.ends_with("{:time 7.0 :phases [] :grudge {}}]"), "{g}");
    }

    #[test]
    fn refuses_what_a_grudge_cannot_say() {
        let s = scenario("[[phase]]\nstart = \"1s\"\ndrop = [\"n1->n2\"]\nloss = 0.3\n");
        let e = export(&s, ExportTarget::Jepsen, &ExportOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot export phase 1 to jepsen: it loses 30 % of packets rather than dropping every packet, and a grudge can only drop; export it with --to iptables or chaos-mesh"
        );
        let s = scenario("[[phase]]\nstart = \"1s\"\ndrop = [\"n1->n2\"]\nchannels = [\"data\"]\n");
        let e = export(&s, ExportTarget::Jepsen, &ExportOptions::default()).unwrap_err();
        assert!(e.to_string().contains("limited to channel data"), "{e}");
    }

    /// The strings of an EDN text, read back (this exporter's strings use only escapes that
    /// JSON shares), with what lies outside them.
    fn edn_strings(text: &str) -> (Vec<String>, String) {
        let (mut strings, mut outside) = (Vec::new(), String::new());
        let mut rest = text;
        while let Some(open) = rest.find('"') {
            outside.push_str(&rest[..open]);
            let body = &rest[open + 1..];
            let mut end = 0;
            let mut chars = body.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            strings.push(serde_json::from_str(&rest[open..open + end + 2]).unwrap());
            rest = &body[end + 1..];
        }
        outside.push_str(rest);
        (strings, outside)
    }

    #[test]
    fn hostile_names_stay_inside_their_strings_and_comments() {
        for name in plan::hostile_names() {
            let opts = ExportOptions {
                origin: name.clone(),
                ..ExportOptions::default()
            };
            let out = export(&plan::hostile(&name), ExportTarget::Jepsen, &opts).unwrap();
            let lines: Vec<&str> = out.split(plan::TERMINATORS).collect();
            let comments = lines.iter().take_while(|l| l.starts_with(";;")).count();
            assert_eq!(comments, HELP.lines().count() + 1, "{out}");
            let forms = &lines[comments..];
            assert!(forms[0].starts_with("[{:time 1.0 :phases [\""), "{out}");
            assert!(forms[1].starts_with(" {:time 2.0 :phases []"), "{out}");
            assert_eq!(forms[2..], [""], "{out}");
            let (strings, outside) = edn_strings(&forms.join("\n"));
            assert_eq!(strings[0], name);
            assert_eq!(strings[1..], ["n1", "n2", "n3", "n2", "n1", "n3", "n1"]);
            assert!(!outside.contains(';'), "{outside}");
        }
    }

    #[test]
    fn host_names_that_are_not_plain_words_are_refused() {
        let s = Scenario::parse(
            "duration = \"3s\"\n[cluster]\nnodes = [\"n1\", \"n2 #{}\"]\n[[phase]]\nstart = \"1s\"\ndrop = [\"n1->n2 #{}\"]\n",
            "h.toml",
        )
        .unwrap();
        let e = export(&s, ExportTarget::Jepsen, &ExportOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot export host \"n2 #{}\" to jepsen: host names must be"),
            "{e}"
        );
    }

    #[test]
    fn snapshot_of_an_asymmetric_scenario() {
        let (s, opts) = plan::asymmetric();
        insta::assert_snapshot!(export(&s, ExportTarget::Jepsen, &opts).unwrap());
    }
}
