//! A seed in, byte-identical output out.

use rift_replay::{Scenario, Seed, Variant, compare};

#[test]
fn same_seed_same_json_other_seed_differs() {
    let s = Scenario::load("scenarios/textbook-asymmetric.toml".as_ref()).unwrap();
    let vs = Variant::parse_list("current,raft+checkquorum,swim,phi").unwrap();
    let json = |seed| serde_json::to_string(&compare(&s, &vs, Seed(seed)).unwrap()).unwrap();
    let a = json(7);
    assert_eq!(a, json(7));
    assert_ne!(a, json(8));
}
