use rift_replay::{Scenario, Seed, Sim, Variant};

#[test]
fn textbook_prints() {
    let s = Scenario::load("scenarios/textbook-asymmetric.toml".as_ref()).unwrap();
    for v in ["raft", "raft+checkquorum", "raft+checkquorum+prevote"] {
        let o = Sim::new(&s, &Variant::parse(v).unwrap(), Seed(1)).run().unwrap();
        let mut o2 = o.clone();
        o2.roles.retain(|r| r.t > 1.0);
        o2.roles.truncate(30);
        println!("{}", serde_json::to_string_pretty(&o2).unwrap());
    }
}
