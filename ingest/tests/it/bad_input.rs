//! Bad input: every case has a clear outcome — an error naming the file, or rows counted as
//! skipped with a reason — and nothing panics.

use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};

use crate::{read, strings, write};

const HEADER: &str = "ts,node,peer,sent,received\n";

#[test]
fn malformed_rows_are_counted_and_the_rest_is_used() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "counters.csv",
        &format!(
            "{HEADER}1767225601,n1,n2,10,10\n1767225601,n2,n1,10,10\nnot,a,row\n1767225602,n1,n2,ten,10\n\
             yesterday,n1,n2,10,10\n1767225602,n1,n1,10,10\n1767225602,n2,n1,-3,10\n1767225602,n2,n1,NaN,1\n,n1,n2,1,1\n"
        ),
    );
    let got = read(dir.path());
    let acc = &got.accounting.files[0];
    assert_eq!(acc.rows_read, 9);
    assert_eq!(acc.rows_used, 2);
    assert_eq!(acc.rows_read, acc.rows_used + acc.rows_skipped());
    let skipped = &acc.skipped;
    assert_eq!(skipped["malformed row"], 1);
    assert_eq!(skipped["count is not a number"], 2);
    assert_eq!(skipped["unparseable timestamp"], 1);
    assert_eq!(skipped["source and target are the same node"], 1);
    assert_eq!(skipped["negative count"], 1);
    assert_eq!(skipped["missing timestamp"], 1);
    assert_eq!(acc.examples["malformed row"].line, 4);
    assert_eq!(got.observations.height(), 2);
}

#[test]
fn unknown_columns_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "counters.csv",
        "ts,node,peer,sent,received,colour\n1,n1,n2,1,1,red\n1,n2,n1,1,1,blue\n",
    );
    let got = read(dir.path());
    assert_eq!(
        got.accounting.files[0].ignored_columns,
        vec!["colour".to_owned()]
    );
    assert_eq!(got.observations.height(), 2);
}

#[test]
fn rows_out_of_time_order_give_the_same_table() {
    let sorted = tempfile::tempdir().unwrap();
    let shuffled = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (1..=5)
        .flat_map(|t| [format!("{t},n1,n2,10,{t}"), format!("{t},n2,n1,10,10")])
        .collect();
    write(
        sorted.path(),
        "counters.csv",
        &format!("{HEADER}{}\n", rows.join("\n")),
    );
    let mut rev = rows.clone();
    rev.reverse();
    write(
        shuffled.path(),
        "counters.csv",
        &format!("{HEADER}{}\n", rev.join("\n")),
    );
    let a = read(sorted.path()).observations.drop("origin").unwrap();
    let b = read(shuffled.path()).observations.drop("origin").unwrap();
    assert!(a.equals_missing(&b));
}

#[test]
fn a_counter_without_its_peer_is_counted_unpaired() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "counters.csv",
        &format!("{HEADER}1,n1,n2,10,\n5,n2,n1,,7\n"),
    );
    let got = read(dir.path());
    let acc = &got.accounting.files[0];
    assert_eq!(acc.skipped["no counterpart from the other end"], 2);
    assert_eq!(got.observations.height(), 0);
}

#[test]
fn an_empty_file_is_noted_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "health.csv", "");
    write(dir.path(), "probe-results.csv", "");
    write(
        dir.path(),
        "counters.csv",
        "ts,node,peer,sent,received\n1,n1,n2,5,5\n1,n2,n1,5,5\n",
    );
    let got = IncidentFolder::open(dir.path(), &ReadOptions::default())
        .unwrap()
        .read(&NoProgress)
        .unwrap();
    assert_eq!(got.observations.height(), 2);
    for f in &got.accounting.files[1..] {
        assert_eq!(f.rows_read, 0, "{f:?}");
        assert_eq!(
            f.notes,
            ["not read: the file is empty (not even a header line)"],
            "{f:?}"
        );
    }
}

#[test]
fn a_missing_folder_is_an_error_naming_it() {
    let err =
        IncidentFolder::open("/no/such/export".as_ref(), &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "incident export '/no/such/export' not found: pass the folder that holds the exported files"
    );
}

#[test]
fn an_empty_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = IncidentFolder::open(dir.path(), &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("holds no files"), "{err}");
}

#[test]
fn a_counters_table_without_peers_is_an_error_naming_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "counters.csv", "ts,host,sent\n1,n1,3\n");
    let err = IncidentFolder::open(dir.path(), &ReadOptions::default())
        .unwrap()
        .read(&NoProgress)
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("counters.csv")
            && msg.contains("`node` and `peer`")
            && msg.contains("ts, host, sent"),
        "{msg}"
    );
}

#[test]
fn a_malformed_incident_toml_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "counters.csv",
        &format!("{HEADER}1,n1,n2,1,1\n"),
    );
    write(dir.path(), "incident.toml", "[nodes]\nn1 = \"10.0.0.1\"\n");
    let err = IncidentFolder::open(dir.path(), &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("incident.toml:2:"), "{err}");
}

#[test]
fn unknown_status_values_are_skipped_with_the_value() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "health.csv",
        "ts,target,status\n1,n1,ok\n2,n1,purple\n",
    );
    let got = read(dir.path());
    let acc = &got.accounting.files[0];
    assert_eq!(acc.skipped["unrecognised status/result value"], 1);
    assert_eq!(
        acc.examples["unrecognised status/result value"].detail,
        "'purple'"
    );
}

#[test]
fn crlf_files_report_the_real_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "counters.csv",
        "ts,node,peer,sent,received\r\n1767225601,n1,n2,10,10\r\n1767225601,n2,n1,10,10\r\nnot,a,row\r\n",
    );
    let got = read(dir.path());
    let acc = &got.accounting.files[0];
    assert_eq!(acc.examples["malformed row"].line, 4);
    let origins: Vec<String> = got
        .observations
        .column("origin")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|o| o.unwrap().to_owned())
        .collect();
    assert!(
        origins.contains(&"counters.csv:2;counters.csv:3".to_owned()),
        "{origins:?}"
    );
}

#[test]
fn a_refused_connection_in_a_client_table_says_the_target_is_down() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "client.csv",
        "ts,node,op,result,latency_ms,error\n\
         2024-05-01T10:00:00Z,n2,put,ok,3,\n\
         2024-05-01T10:00:01Z,n2,put,error,0,\"Connection refused (os error 111)\"\n\
         2024-05-01T10:00:02Z,n2,put,error,0,\"Connection refused (os error 111)\"\n\
         2024-05-01T10:00:03Z,n2,put,ok,4,\n\
         2024-05-01T10:00:04Z,n2,put,error,5000,timed out\n\
         2024-05-01T10:00:05Z,n2,put,error,0,ECONNREFUSED\n",
    );
    let got = read(dir.path());
    let acc = &got.accounting.files[0];
    assert_eq!((acc.rows_read, acc.rows_used), (6, 6));
    // The error column is read; only the operation's name is not.
    assert_eq!(acc.ignored_columns, ["op"]);
    // Every request is a round trip, the refused ones failed.
    assert_eq!(got.observations.height(), 6);
    // One peer_down per run of refusals, at its first row.
    assert_eq!(strings(&got.events, "kind"), ["peer_down", "peer_down"]);
    assert_eq!(strings(&got.events, "peer"), ["n2", "n2"]);
    let ts = strings(&got.events, "ts");
    assert!(ts[0].contains("10:00:01"), "{ts:?}");
    assert!(ts[1].contains("10:00:05"), "{ts:?}");
}

#[test]
fn a_health_check_answered_with_an_error_status_says_the_path_worked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "health.csv",
        "ts,node,http_status\n\
         2024-05-01T10:00:00Z,n2,200\n\
         2024-05-01T10:00:01Z,n2,503\n\
         2024-05-01T10:00:02Z,n2,503\n\
         2024-05-01T10:00:03Z,n2,502\n\
         2024-05-01T10:00:04Z,n2,200\n\
         2024-05-01T10:00:05Z,n2,refused\n",
    );
    let got = read(dir.path());
    // Every check is a round trip; the health events follow the status.
    assert_eq!(got.observations.height(), 6);
    let kinds = strings(&got.events, "kind");
    let details = strings(&got.events, "detail");
    let answered: Vec<(&str, &str)> = kinds
        .iter()
        .zip(&details)
        .filter(|(k, _)| *k == "peer_down")
        .map(|(k, d)| (k.as_str(), d.as_str()))
        .collect();
    // n2's own 503 is its answer; a gateway's 502 speaks for what is behind it, not for n2;
    // a refused connection is the host's answer.
    assert_eq!(answered.len(), 2, "{answered:?}");
    assert!(
        answered[0].1.starts_with(rift_ingest::model::ANSWERED),
        "{answered:?}"
    );
    assert!(answered[0].1.contains("status 503"), "{answered:?}");
    assert!(
        answered[1].1.starts_with(rift_ingest::model::REFUSED),
        "{answered:?}"
    );
}
