//! The textbook asymmetric partition (every follower-to-leader link cut at 2.05 s) under plain
//! Raft, with CheckQuorum, and with CheckQuorum and PreVote.

use rift_replay::outcome::Role;
use rift_replay::{Scenario, Seed, Variant, compare};

fn textbook() -> Scenario {
    Scenario::load("scenarios/textbook-asymmetric.toml".as_ref()).unwrap()
}

#[test]
fn plain_raft_keeps_a_leader_that_commits_nothing() {
    let s = textbook();
    let c = compare(&s, &[Variant::parse("raft").unwrap()], Seed(1)).unwrap();
    let o = &c.variants[0].outcome;
    assert_eq!(o.elections, 0, "followers keep hearing n0's heartbeats");
    assert_eq!(o.leader_changes, 0);
    let stuck = o.unavailable.spans.last().expect("commits stop");
    assert!(stuck.from <= 2.2 && stuck.to == 10.0, "{stuck:?}");
    assert!(c.variants[0].story[0].starts_with("Stuck commit: n0 kept the lead"));
    assert!(
        o.writes.w1.at_risk > 0,
        "w=1 acknowledged writes that never replicate"
    );
    assert_eq!(o.writes.majority.lost + o.writes.majority.at_risk, 0);
}

#[test]
fn checkquorum_replaces_the_leader_and_the_deaf_one_churns_terms() {
    let s = textbook();
    let c = compare(&s, &[Variant::parse("raft+checkquorum").unwrap()], Seed(1)).unwrap();
    let o = &c.variants[0].outcome;
    let down = o
        .roles
        .iter()
        .find(|r| r.node == "n0" && r.role == Role::Follower && r.t > 2.0)
        .expect("n0 steps down");
    assert_eq!(down.reason, "lost quorum");
    // CheckQuorum looks every election timeout (300 ms): within two of the cut.
    assert!(down.t > 2.05 && down.t < 2.05 + 0.65, "{down:?}");
    let new = o
        .leaders
        .iter()
        .find(|l| l.from > 2.0)
        .expect("a new leader");
    assert_ne!(new.node, "n0");
    assert_eq!(new.to, 10.0, "the new leader holds to the end");
    assert!(
        o.max_term >= 6,
        "n0 cannot hear anyone and raises its term again and again"
    );
    assert!(
        c.variants[0]
            .story
            .iter()
            .any(|l| l.starts_with("Term churn"))
    );
}

#[test]
fn prevote_stops_the_churn() {
    let s = textbook();
    let c = compare(
        &s,
        &[Variant::parse("raft+checkquorum+prevote").unwrap()],
        Seed(1),
    )
    .unwrap();
    let o = &c.variants[0].outcome;
    assert_eq!(o.max_term, 2, "one election, no churn");
    assert_eq!(o.leader_changes, 1);
    assert!(o.pre_votes > 3, "n0 keeps asking, without raising its term");
    assert_eq!(o.dual_leader.count, 0);
}

#[test]
fn the_comparison_table_reads() {
    let s = textbook();
    let vs = Variant::parse_list("raft,raft+checkquorum,raft+checkquorum+prevote").unwrap();
    let text = compare(&s, &vs, Seed(1)).unwrap().to_text();
    insta::assert_snapshot!(text);
}
