//! The profile of a log file is sniffed unless `incident.toml` or the caller names one.

use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};

use crate::write;

const ZAP: &str = r#"{"level":"warn","ts":"2026-11-22T02:50:36.908Z","caller":"rafthttp/stream.go:436","msg":"lost TCP streaming connection with remote peer","stream-reader-type":"stream MsgApp v2","local-member-id":"aaaa","remote-peer-id":"bbbb","error":"read tcp 127.0.0.1:1->127.0.0.1:2: i/o timeout"}
"#;

fn note_of(options: &ReadOptions, toml: Option<&str>) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "n1.log", ZAP);
    if let Some(t) = toml {
        write(dir.path(), "incident.toml", t);
    }
    let got = IncidentFolder::open(dir.path(), options)
        .and_then(|e| e.read(&NoProgress))
        .map_err(|e| e.to_string())?;
    Ok(got.accounting.files[0].notes.join("; "))
}

#[test]
fn a_profile_is_sniffed_or_named() {
    let sniffed = note_of(&ReadOptions::default(), None).unwrap();
    assert!(sniffed.contains("profile etcd-zap (sniffed"), "{sniffed}");
    let flag = ReadOptions {
        log_profile: Some("hclog-json".into()),
        ..ReadOptions::default()
    };
    let named = note_of(&flag, None).unwrap();
    assert!(
        named.contains("profile hclog-json (named by --log-profile)"),
        "{named}"
    );
    let toml = "[[source]]\npath = \"n1.log\"\nprofile = \"mongodb-json\"\nnode = \"db-1\"\n";
    let per_file = note_of(&flag, Some(toml)).unwrap();
    assert!(
        per_file.contains("profile mongodb-json (named in incident.toml), node db-1"),
        "{per_file}"
    );
}

#[test]
fn an_unknown_profile_is_an_error_listing_the_known_ones() {
    let flag = ReadOptions {
        log_profile: Some("etcd-zapp".into()),
        ..ReadOptions::default()
    };
    let err = note_of(&flag, None).unwrap_err();
    assert!(
        err.contains("unknown log profile 'etcd-zapp' (--log-profile)")
            && err.contains("etcd-zap,"),
        "{err}"
    );
}
