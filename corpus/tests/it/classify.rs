//! The text classifier on postmortem-like texts that are not in the corpus.

use rift_corpus::{Corpus, Kind, Label, TextClassifier, TextVerdict, default_dir};

fn classify(text: &str) -> TextVerdict {
    let c = Corpus::load(&default_dir()).unwrap();
    let entries: Vec<_> = c.entries.iter().collect();
    TextClassifier::train(&entries).classify(text)
}

#[test]
fn each_mode_is_told_by_what_the_network_did() {
    let cases = [
        (
            "After the upgrade one NIC stopped receiving packets while still sending them: the node kept sending heartbeats but could not receive any replies.",
            Label::Asymmetric,
        ),
        (
            "Health checks kept passing while user requests timed out, so the load balancer never took the broken backend out of rotation.",
            Label::Gray,
        ),
        (
            "The uplink flapped every few seconds for an hour and the cluster went up and down with it.",
            Label::Flapping,
        ),
        (
            "A core switch failure partitioned the cluster. The two halves could not communicate with each other and each side elected its own primary.",
            Label::Complete,
        ),
        (
            "Some of the nodes could not reach the database while the others were fine; the conntrack table on the gateway had filled up.",
            Label::Partial,
        ),
        (
            "The primary database process crashed with a segfault and was restarted by the supervisor twenty minutes later.",
            Label::Crash,
        ),
    ];
    for (text, want) in cases {
        let v = classify(text);
        assert_eq!(v.primary, want, "{text}\n{v:#?}");
        assert!(
            v.evidence
                .iter()
                .any(|e| e.label == want && e.source == "rule"),
            "the phrase that decided it is shown: {v:#?}"
        );
    }
}

#[test]
fn generic_words_alone_decide_nothing() {
    let v = classify(
        "We had a major network outage yesterday. Failover took twenty minutes and the outage impacted all customers. The network team is investigating the failure.",
    );
    assert_eq!(v.primary, Label::None, "{v:#?}");
    assert!(v.confidence <= 0.4, "{v:#?}");
}

#[test]
fn a_bad_deploy_is_not_a_partition() {
    let v = classify(
        "A bad deploy of the API service shipped a configuration error; every request returned errors until the release was rolled back.",
    );
    assert_eq!(v.primary, Label::None, "{v:#?}");
}

#[test]
fn a_study_reads_as_a_design_write_up() {
    let v = classify(
        "This paper presents a study of three years of network tickets in a large datacenter. We analyze which devices fail, and find that 13 percent of failures involve load balancers.",
    );
    assert_eq!(v.kind, Kind::Design, "{v:#?}");
    assert_eq!(v.primary, Label::None, "{v:#?}");
}
