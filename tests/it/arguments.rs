//! Numeric arguments: every number or duration a flag takes has a range, and a value outside it
//! is a usage error (exit 2) naming the range, never a panic, an abort or a run that does not
//! end.

use std::time::{Duration, Instant};

use crate::{rift, stderr};

const EXPORT: &str = "examples/asymmetric-leader";

/// Values a hostile or careless caller passes: zero, negative, past u32 and u64, not finite,
/// huge, tiny.
const VALUES: [&str; 10] = [
    "0",
    "-1",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "NaN",
    "inf",
    "1e300",
    "1ns",
    "99999999999999h",
];

/// Each numeric flag, with the command line it is tried on.
fn flags() -> Vec<(Vec<&'static str>, &'static str)> {
    let classify = vec!["classify", EXPORT];
    let mut out: Vec<(Vec<&str>, &str)> = [
        "--window",
        "--fill",
        "--up",
        "--down",
        "--max-nodes",
        "--min-duration",
        "--merge-gap",
        "--flap-cycles",
        "--flap-window",
        "--flap-dwell",
        "--echo-gap",
    ]
    .into_iter()
    .map(|f| (classify.clone(), f))
    .collect();
    out.push((vec!["replay", EXPORT], "--seed"));
    out.push((vec!["report", EXPORT, "-o", "/dev/null"], "--similar"));
    out.push((vec!["report", EXPORT, "-o", "/dev/null"], "--seed"));
    out.push((vec!["corpus", "search", "leader"], "--limit"));
    out.push((
        vec!["corpus", "similar", "github-2012-network-partition"],
        "--limit",
    ));
    out
}

#[test]
fn every_numeric_flag_refuses_what_is_out_of_range_without_a_panic() {
    for (cmd, flag) in flags() {
        for value in VALUES {
            let pair = format!("{flag}={value}");
            let mut args = cmd.clone();
            args.push(&pair);
            let start = Instant::now();
            let o = rift(&args);
            let took = start.elapsed();
            let err = stderr(&o);
            let code = o.status.code();
            assert!(
                matches!(code, Some(0 | 2 | 3)),
                "{args:?} exited with {code:?}: {err}"
            );
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert!(
                took < Duration::from_secs(30),
                "{args:?} took {took:?}: a value should be refused, not run for that long"
            );
            if code == Some(2) {
                // A usage error says which flag and what it takes.
                assert!(err.contains(flag), "{args:?}: {err}");
            }
        }
    }
}

#[test]
fn counts_name_their_range() {
    let o = rift(&["corpus", "search", "x", "--limit", "18446744073709551615"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "invalid value '18446744073709551615' for '--limit <LIMIT>': expected a whole number from 1 to 10000"
        ),
        "{}",
        stderr(&o)
    );
    let o = rift(&["graph", EXPORT, "--window", "99999999999999h"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("longer than 87600h (10 years), the longest rift takes"),
        "{}",
        stderr(&o)
    );
}

/// Every flag whose help shows a number or a duration as its default is in [`flags`], so that a
/// new numeric flag is tried too.
#[test]
fn the_list_of_numeric_flags_is_complete() {
    let listed: Vec<&str> = flags().into_iter().map(|(_, f)| f).collect();
    let mut found = 0;
    for cmd in [
        vec!["ingest"],
        vec!["graph"],
        vec!["classify"],
        vec!["events"],
        vec!["replay"],
        vec!["report"],
        vec!["synth"],
        vec!["export"],
        vec!["corpus", "search"],
        vec!["corpus", "similar"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let help = crate::stdout(&rift(&args)).replace('\n', " ");
        for (i, _) in help.match_indices(" --") {
            let flag: String = help[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let rest = &help[i + 1..];
            let next = rest[2..].find(" --").map_or(rest.len(), |j| j + 2);
            let default = rest[..next]
                .split("[default: ")
                .nth(1)
                .and_then(|d| d.split(']').next())
                .unwrap_or("");
            let numeric = default.starts_with(|c: char| c.is_ascii_digit());
            found += usize::from(numeric);
            assert!(
                !numeric || listed.contains(&flag.as_str()),
                "{cmd:?} {flag} [default: {default}] is numeric and not tried here"
            );
        }
    }
    // The help texts were read: classify alone shows ten numeric defaults.
    assert!(
        found >= 10,
        "only {found} numeric defaults found in the help texts"
    );
}
