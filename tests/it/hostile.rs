//! Broken and hostile exports: rift keeps going where it can, says what it could not use, and
//! stops with the file's name where it cannot.

use std::fs;
use std::path::{Path, PathBuf};

use super::{rift, stderr, stdout};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// What `rift classify` says on stderr about an export it must refuse as bad input (exit 3).
fn classify_error(export: &Path) -> String {
    let o = rift(&["classify", export.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    stderr(&o)
}

/// A fresh copy of the shipped etcd example, to break; the folder lives as long as the guard.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    copy_dir(Path::new("examples/etcd-asymmetric"), &export);
    (dir, export)
}

#[test]
fn a_file_of_garbage_is_counted_as_skipped_and_the_rest_is_read() {
    let (_dir, export) = example_copy();
    // Bytes that are neither UTF-8 nor a table, under a name that claims a table.
    let garbage: Vec<u8> = (0..4000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .map(|b| if b == b'\n' { 0xff } else { b })
        .chain([b'\n', 0xfe, 0xff, b'\n'])
        .collect();
    fs::write(export.join("garbage.csv"), garbage).unwrap();

    let o = rift(&["ingest", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let line = text
        .lines()
        .find(|l| l.starts_with("garbage.csv"))
        .unwrap_or_else(|| panic!("garbage.csv is accounted for:\n{text}"));
    assert!(line.contains("unknown"), "{line}");
    assert!(
        text.contains("skipped 2 × no reader for this file type"),
        "{text}"
    );

    let o = rift(&["classify", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("verdict   asymmetric"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_export_of_garbage_alone_names_the_folder_and_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("garbage.csv"),
        [0xffu8, 0xfe, 0x00, b'\n', 0x80],
    )
    .unwrap();
    let o = rift(&["classify", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(err.contains("holds no reachability evidence"), "{err}");
    assert!(err.contains("run `rift ingest"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_the_export_do_not_hang_or_change_the_verdict() {
    let (_dir, export) = example_copy();
    let plain = rift(&["classify", export.to_str().unwrap()]);
    std::os::unix::fs::symlink(".", export.join("self")).unwrap();
    std::os::unix::fs::symlink("b", export.join("a")).unwrap();
    std::os::unix::fs::symlink("a", export.join("b")).unwrap();
    let looped = rift(&["classify", export.to_str().unwrap()]);
    assert!(looped.status.success(), "{}", stderr(&looped));
    assert_eq!(stdout(&plain), stdout(&looped));
}

#[test]
fn a_compressed_file_cut_short_is_named_with_the_line_where_it_breaks() {
    let (_dir, export) = example_copy();
    let gz = export.join("metrics.csv.gz");
    let bytes = fs::read(&gz).unwrap();
    fs::write(&gz, &bytes[..bytes.len() / 2]).unwrap();
    let err = classify_error(&export);
    assert!(err.contains("metrics.csv.gz"), "{err}");
    assert!(
        err.contains("the gzip stream breaks off after line "),
        "{err}"
    );
    assert!(err.contains("gzip -dc"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn parquet_counts_that_would_make_the_decoder_abort_are_reported_as_corrupt() {
    // Found by fuzzing (and one written to match): polars sizes buffers from these counts
    // before it checks them, and a failed allocation aborts the process.
    let cases = [
        // A page header with a negative value count (a validity bitmap of 2^61 bytes); the
        // fuzzer's input with its footer's one mistyped field set right, so that the footer
        // passes and the page header is what is caught.
        (
            "oom-ce635f64dbfb-retyped",
            "(column 'node' in row group 0: a page header gives -17 values, 0 nulls and 0 rows)",
        ),
        // The fuzzer's input as found: the same footer field, a boolean where a number belongs.
        (
            "oom-ce635f64dbfb",
            "(its footer is damaged (a field of the wrong type at footer byte 5))",
        ),
        // A footer field of the wrong type that polars read as a list of 2^31 row groups.
        (
            "oom-b0d7e7f32f28",
            "(its footer is damaged (a field of the wrong type at footer byte 2))",
        ),
        // A compressed page of 10 bytes whose header says it decompresses to 2 GB (polars
        // allocated and zeroed 4 GB before noticing a later page's size was wrong).
        (
            "oom-1d0e81481963",
            "(column 'received' in row group 0: a page of 10 bytes would decompress to 2013265920 (more than 1000x its size, past 64 MiB))",
        ),
        // A dictionary page that says it holds 63 strings in 72 bytes (each takes 4 at least):
        // polars sizes the dictionary from the count.
        (
            "dictionary-count-overstated",
            "(column 'ts' in row group 0: a dictionary page gives 63 values in 72 bytes)",
        ),
    ];
    for (input, reason) in cases {
        let dir = tempfile::tempdir().unwrap();
        fs::copy(
            format!("fuzz/regressions/parquet/{input}"),
            dir.path().join("counters.parquet"),
        )
        .unwrap();
        let err = classify_error(dir.path());
        assert!(
            err.contains(&format!(
                "counters.parquet': the file is corrupt {reason}; export it again"
            )),
            "{input}: {err}"
        );
    }
}

/// A fresh copy of the small counters example (`examples/asymmetric-leader`).
fn counters_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    copy_dir(Path::new("examples/asymmetric-leader"), &export);
    (dir, export)
}

/// What a reviewer acts on: the primary mode and, per episode, its mode, span and edges with
/// their evidence counts.
fn verdict(export: &Path) -> String {
    verdict_with(export, true)
}

/// [`verdict`], with or without the evidence counts.
fn verdict_with(export: &Path, counts: bool) -> String {
    let o = rift(&["classify", "--json", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut out = format!("{}", v["primary"]);
    for e in v["episodes"].as_array().unwrap() {
        out += &format!("\n{} {} – {}:", e["mode"], e["start"], e["end"]);
        for edge in e["edges"].as_array().unwrap() {
            out += &format!(
                " {}→{} {} {}",
                edge["from"], edge["to"], edge["channel"], edge["state"]
            );
            if counts {
                out += &format!(" n={}", edge["n"]);
            }
            out += ";";
        }
    }
    out
}

/// `rift ingest --json`'s account of the file `path`.
fn account(export: &Path, path: &str) -> serde_json::Value {
    let o = rift(&["ingest", "--json", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files = v["accounting"]["files"].as_array().unwrap();
    for f in files {
        let skipped: u64 = f["skipped"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(
            f["rows_read"].as_u64().unwrap(),
            f["rows_used"].as_u64().unwrap() + skipped,
            "every line read is used or skipped: {f}"
        );
    }
    files
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} is accounted for: {files:?}"))
        .clone()
}

/// Rewrites the lines of a text file.
fn edit_lines(path: &Path, edit: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let text = fs::read(path).unwrap();
    let mut lines: Vec<Vec<u8>> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    edit(&mut lines);
    let mut out = lines.join(&b'\n');
    out.push(b'\n');
    fs::write(path, out).unwrap();
}

#[test]
fn lines_that_are_not_utf8_are_skipped_and_counted() {
    let (_dir, export) = example_copy();
    let plain = verdict(&export);
    edit_lines(&export.join("logs/n2.log"), |lines| {
        lines.insert(
            5,
            b"{\"level\":\"warn\",\"msg\":\"\xff\xfe broken\"}".to_vec(),
        );
    });
    edit_lines(&export.join("health.csv"), |lines| {
        lines.insert(3, b"2026-11-22T03:03:05.000Z,client,n\xff,200,3".to_vec());
    });
    assert_eq!(verdict(&export), plain);
    let log = account(&export, "logs/n2.log");
    assert_eq!(log["skipped"]["not valid UTF-8"], 1, "{log}");
    let health = account(&export, "health.csv");
    assert_eq!(health["rows_read"], 199, "{health}");
}

#[test]
fn a_100_mb_line_is_skipped_and_counted() {
    let (_dir, export) = example_copy();
    let plain = verdict(&export);
    let huge = vec![b'x'; 100 << 20];
    edit_lines(&export.join("logs/n3.log"), |lines| {
        lines.insert(10, huge.clone());
    });
    edit_lines(&export.join("client.csv"), |lines| lines.insert(10, huge));
    assert_eq!(verdict(&export), plain);
    let log = account(&export, "logs/n3.log");
    assert_eq!(log["rows_read"], 183, "{log}");
    assert_eq!(
        log["skipped"]["line longer than 1,048,576 bytes"], 1,
        "{log}"
    );
    let client = account(&export, "client.csv");
    assert_eq!(
        client["skipped"]["line longer than 1,048,576 bytes"], 1,
        "{client}"
    );
}

/// A counters file naming `nodes` distinct nodes, each heard from once.
fn wide_counters(export: &Path, nodes: usize) {
    let mut csv = String::from("ts,node,peer,channel,sent,received\n");
    for i in 0..nodes {
        csv += &format!("2026-01-01T00:00:30.000Z,w{i},n1,heartbeat,10,10\n");
    }
    fs::write(export.join("wide.csv"), csv).unwrap();
}

#[test]
fn a_million_node_names_stop_at_the_limit_with_the_flag_to_raise_it() {
    let (_dir, export) = counters_copy();
    wide_counters(&export, 1_000_000);
    let err = classify_error(&export);
    assert!(
        err.contains("wide.csv:9999: more than 10000 distinct node names (the next is 'w9997')"),
        "{err}"
    );
    assert!(err.contains("--max-nodes"), "{err}");
}

#[test]
fn max_nodes_raises_the_limit() {
    let (_dir, export) = counters_copy();
    wide_counters(&export, 100);
    let dir = export.to_str().unwrap();
    let o = rift(&["ingest", "--max-nodes", "50", dir]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("more than 50 distinct node names"),
        "{}",
        stderr(&o)
    );
    let o = rift(&["ingest", "--max-nodes", "200", dir]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn the_same_file_twice_gives_the_same_verdict() {
    let (_dir, export) = counters_copy();
    let plain = verdict(&export);
    // Read in path order, the copy comes first; the original then adds nothing.
    let copy = |from: &str, to: &str| fs::copy(export.join(from), export.join(to)).unwrap();
    copy("counters.csv", "counters-again.csv");
    copy("health.csv", "health-again.csv");
    assert_eq!(verdict(&export), plain);
    let original = account(&export, "counters.csv");
    assert_eq!(original["rows_used"], 0, "{original}");
    assert_eq!(
        original["skipped"]["already given by another file"], 360,
        "{original}"
    );
    let health = account(&export, "health.csv");
    assert_eq!(
        health["skipped"]["already given by another file"], 180,
        "{health}"
    );
}

#[test]
fn overlapping_exports_give_the_same_verdict() {
    let (_dir, export) = counters_copy();
    let plain = verdict(&export);
    // Two exports of the same counters, 0–40 s and 20–60 s: the middle third is in both.
    let text = fs::read_to_string(export.join("counters.csv")).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    let third = rows.len() / 3;
    let first = format!("{header}\n{}\n", rows[..2 * third].join("\n"));
    let second = format!("{header}\n{}\n", rows[third..].join("\n"));
    fs::remove_file(export.join("counters.csv")).unwrap();
    fs::write(export.join("counters-0-40.csv"), first).unwrap();
    fs::write(export.join("counters-20-60.csv"), second).unwrap();
    assert_eq!(verdict(&export), plain);
    let second = account(&export, "counters-20-60.csv");
    assert_eq!(
        second["skipped"]["already given by another file"], third as u64,
        "{second}"
    );
}

#[test]
fn shuffled_lines_give_the_same_verdict() {
    let (_dir, export) = counters_copy();
    let plain = verdict(&export);
    for file in ["counters.csv", "health.csv", "client.csv", "lb.csv"] {
        edit_lines(&export.join(file), |lines| {
            let header = lines.remove(0);
            // A fixed permutation: stride through the rows by a step prime to their count.
            let n = lines.len();
            let step = (1..n)
                .rev()
                .find(|s| gcd(*s, n) == 1 && *s < n / 2)
                .unwrap_or(1);
            let shuffled: Vec<Vec<u8>> = (0..n).map(|i| lines[(i * step) % n].clone()).collect();
            *lines = std::iter::once(header).chain(shuffled).collect();
        });
    }
    assert_eq!(verdict(&export), plain);
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[test]
fn shuffled_log_lines_give_the_same_verdict() {
    let (_dir, export) = example_copy();
    let plain = verdict_with(&export, false);
    for file in ["logs/n1.log", "logs/n2.log", "logs/n3.log"] {
        edit_lines(&export.join(file), |lines| lines.reverse());
    }
    // Lines are read in time order, but lines of the same millisecond cannot be put back in
    // their order: the evidence counts may differ by such a line, the verdict does not.
    assert_eq!(verdict_with(&export, false), plain);
}

/// The counters example as running totals (`cumulative = true`), with `edit` applied to each
/// node's totals before they are written.
fn cumulative_counters(export: &Path, edit: impl Fn(&str, &str, u64, u64) -> (u64, u64)) {
    let text = fs::read_to_string(export.join("counters.csv")).unwrap();
    let mut totals: std::collections::BTreeMap<(String, String, String), (u64, u64)> =
        Default::default();
    let mut out = String::from("ts,node,peer,channel,sent,received\n");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let t = totals
            .entry((f[1].into(), f[2].into(), f[3].into()))
            .or_default();
        t.0 += f[4].parse::<u64>().unwrap();
        t.1 += f[5].parse::<u64>().unwrap();
        let (sent, received) = edit(f[0], f[1], t.0, t.1);
        out += &format!("{},{},{},{},{sent},{received}\n", f[0], f[1], f[2], f[3]);
    }
    fs::write(export.join("counters.csv"), out).unwrap();
    let config = fs::read_to_string(export.join("incident.toml")).unwrap();
    fs::write(
        export.join("incident.toml"),
        config + "\n[counters]\ncumulative = true\n",
    )
    .unwrap();
}

#[test]
fn counters_that_wrap_or_reset_give_the_same_verdict() {
    let (_dir, plain_export) = counters_copy();
    cumulative_counters(&plain_export, |_, _, s, r| (s, r));
    let plain = verdict(&plain_export);

    // n2's totals are 32-bit and start just below the wrap; n3 restarts at 00:00:50 (its totals
    // go back to zero).
    let (_dir, export) = counters_copy();
    cumulative_counters(&export, |ts, node, s, r| match node {
        "n2" => (
            (s + u64::from(u32::MAX) - 300) % (1 << 32),
            (r + u64::from(u32::MAX) - 300) % (1 << 32),
        ),
        "n3" if ts >= "2026-01-01T00:00:50" => (s - 490, r - 490),
        _ => (s, r),
    });
    assert_eq!(verdict(&export), plain);
}

#[test]
fn negative_nan_and_absurd_counts_are_skipped_and_counted() {
    let (_dir, export) = counters_copy();
    let plain = verdict(&export);
    edit_lines(&export.join("counters.csv"), |lines| {
        for bad in [
            "-5",
            "NaN",
            "inf",
            "1e300",
            "99999999999999999999999",
            "0x10",
            "",
        ] {
            lines.push(format!("2026-01-01T00:00:05.000Z,n1,n2,heartbeat,{bad},10").into_bytes());
        }
    });
    assert_eq!(verdict(&export), plain);
    let counters = account(&export, "counters.csv");
    let skipped = counters["skipped"].as_object().unwrap();
    assert_eq!(
        skipped.values().map(|n| n.as_u64().unwrap()).sum::<u64>(),
        7,
        "{counters}"
    );
    assert_eq!(counters["skipped"]["negative count"], 1, "{counters}");
}

#[cfg(unix)]
#[test]
fn unreadable_entries_are_noted_and_the_rest_is_read() {
    use std::os::unix::fs::PermissionsExt;

    let (_dir, export) = example_copy();
    let plain = verdict(&export);
    std::os::unix::fs::symlink("/nonexistent/counters.csv", export.join("gone.csv")).unwrap();
    let fifo = export.join("pipe.csv");
    crate::mkfifo(&fifo);
    let locked = export.join("locked.log");
    fs::write(&locked, "secret\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    fs::write(export.join("empty.csv"), "").unwrap();
    fs::write(export.join("health-2.csv"), "").unwrap();

    assert_eq!(verdict(&export), plain);
    assert_note(&export, "gone.csv", "a symbolic link that leads nowhere");
    assert_note(&export, "pipe.csv", "not a regular file");
    assert_note(&export, "health-2.csv", "the file is empty");
    // Root reads a file without read permission; anyone else is told it cannot be opened.
    if fs::read(&locked).is_err() {
        assert_note(&export, "locked.log", "cannot be opened");
    }
}

/// A note of `path`'s account says `text`.
fn assert_note(export: &Path, path: &str, text: &str) {
    let account = account(export, path);
    let notes = account["notes"].as_array().cloned().unwrap_or_default();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains(text))),
        "{account}"
    );
}

#[test]
fn an_empty_export_says_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let o = rift(&["classify", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("holds no files"), "{}", stderr(&o));

    fs::write(dir.path().join("counters.csv"), "").unwrap();
    fs::write(dir.path().join("n1.log"), "").unwrap();
    let o = rift(&["classify", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("holds no reachability evidence"),
        "{}",
        stderr(&o)
    );
}

/// Moves every counters row that `node` reported by `by_s` seconds (its clock is off).
fn skew_clock(export: &Path, node: &str, by_s: i64) {
    edit_lines(&export.join("counters.csv"), |lines| {
        for line in lines.iter_mut().skip(1) {
            let text = String::from_utf8(line.clone()).unwrap();
            let (ts, rest) = text.split_once(',').unwrap();
            if rest.split(',').next() != Some(node) {
                continue;
            }
            // 2026-01-01T00:00:SS.000Z: the example spans one minute from midnight.
            let secs: i64 =
                ts[17..19].parse::<i64>().unwrap() + ts[14..16].parse::<i64>().unwrap() * 60;
            let t = 1_767_225_600 + secs + by_s;
            *line = format!("{t}.000,{rest}").into_bytes();
        }
    });
}

#[test]
fn a_clock_an_hour_off_is_found_and_corrected_from_the_paired_counters() {
    let (_dir, export) = counters_copy();
    let plain = verdict(&export);
    skew_clock(&export, "n2", 3600);
    skew_clock(&export, "n3", -3600);

    assert_eq!(verdict(&export), plain);
    let clocks = clock_lines(&export);
    assert_eq!(
        clocks,
        [
            "clock         n2 was 1h ahead of its peers (shown by the counts it and 2 of its peers reported); its times were corrected",
            "clock         n3 was 1h behind its peers (shown by the counts it and 2 of its peers reported); its times were corrected",
        ]
    );
    assert_note(
        &export,
        "counters.csv",
        "the clock of n2 is 1h ahead of its peers'",
    );
}

/// The `clock` lines of `rift ingest`.
fn clock_lines(export: &Path) -> Vec<String> {
    let o = rift(&["ingest", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .filter(|l| l.starts_with("clock "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_clock_an_hour_off_is_found_and_corrected_from_the_elections_in_the_logs() {
    // No counters: only the logs, where every member names the leader of each term it sees.
    let (_dir, export) = example_copy();
    let plain = verdict(&export);
    for name in ["n2.log", "n2.stderr.log"] {
        let path = export.join("logs").join(name);
        let text = fs::read_to_string(&path)
            .unwrap()
            .replace("2026-11-22T03:", "2026-11-22T04:")
            .replace("2026-11-22 03:", "2026-11-22 04:");
        fs::write(&path, text).unwrap();
    }
    assert_eq!(
        clock_lines(&export),
        [
            "clock         n2 was 1h ahead of its peers (shown by the leader elections it and 2 of its peers logged); its times were corrected"
        ]
    );
    assert_eq!(verdict(&export), plain);
    assert_note(
        &export,
        "logs/n2.log",
        "the clock of n2 is 1h ahead of its peers'",
    );
}

#[test]
fn a_zone_less_log_a_whole_zone_off_is_said_to_look_like_a_zone() {
    // n2 wrote local times of UTC+8 without naming the zone: read as UTC, they run 8 h ahead.
    let (_dir, export) = example_copy();
    let plain = verdict(&export);
    let path = export.join("logs").join("n2.log");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("\"ts\":\"2026-11-22T03:", "\"ts\":\"2026-11-22T11:")
        .replace("Z\",\"caller\"", "\",\"caller\"");
    fs::write(&path, text).unwrap();
    assert_eq!(
        clock_lines(&export),
        [
            "clock         n2 was 8h ahead of its peers (shown by the leader elections it and 2 of its peers logged); its times were corrected"
        ]
    );
    assert_eq!(verdict(&export), plain);
    assert_note(
        &export,
        "logs/n2.log",
        "its times name no zone and are 8h ahead of its peers', a whole zone's difference: they were likely written in UTC+8",
    );
}

#[test]
fn a_timestamp_decades_off_stops_with_the_row_named() {
    // A counters row from a clock reset to 1970, among rows from 2026.
    let (_dir, export) = counters_copy();
    edit_lines(&export.join("counters.csv"), |lines| {
        lines.push(b"1970-01-01T00:00:05.000Z,n1,n2,heartbeat,10,10".to_vec());
    });
    let err = classify_error(&export);
    assert!(
        err.contains("counters.csv:362: its time, 1970-01-01T00:00:05.000Z"),
        "{err}"
    );
    assert!(err.contains("a clock reset"), "{err}");

    // The same in a health check: the timeline refuses to span 56 years.
    let (_dir, export) = counters_copy();
    edit_lines(&export.join("health.csv"), |lines| {
        lines.push(b"1970-01-01T00:00:05.000Z,client,n1,200,3".to_vec());
    });
    let err = classify_error(&export);
    assert!(
        err.contains("1970-01-01T00:00:05.000Z at health.csv:182"),
        "{err}"
    );
    assert!(err.contains("pass a longer --window"), "{err}");
}

/// Runs rift and gives up (failing the test) if it has not ended within `secs` seconds.
fn rift_within(secs: u64, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rift"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() >= secs {
            child.kill().unwrap();
            panic!("rift {args:?} did not end within {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

const SECRET: &str = "RIFT-SECRET-7f3a";

#[cfg(unix)]
#[test]
fn links_out_of_the_export_are_not_read_unless_asked() {
    let (dir, export) = example_copy();
    let plain = verdict(&export);
    let secret = dir.path().join("secret.csv");
    fs::write(
        &secret,
        format!("ts,node,peer,sent,received\n2026-11-22T03:03:10.000Z,n1,{SECRET},1,1\n"),
    )
    .unwrap();
    let link =
        |target: &Path, name: &str| std::os::unix::fs::symlink(target, export.join(name)).unwrap();
    link(&secret, "counters-2.csv");
    link(&secret, "logs/n4.log");
    link(&secret, "members-2.csv");
    link(Path::new("/etc/passwd"), "passwd.csv");
    // A link inside the export to a file inside it is read.
    link(Path::new("health.csv"), "health-again.csv");
    let d = export.to_str().unwrap();
    let report = dir.path().join("r.html");
    for args in [
        vec!["ingest", d],
        vec!["ingest", "--json", d],
        vec!["ingest", "--log-profile", "etcd-zap", d],
        vec!["classify", d],
        vec![
            "report",
            d,
            "-o",
            report.to_str().unwrap(),
            "--compare",
            "none",
            "--similar",
            "0",
        ],
    ] {
        let o = rift(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let all = stdout(&o) + &stderr(&o);
        assert!(
            !all.contains(SECRET) && !all.contains("root:x:0"),
            "{args:?}: {all}"
        );
    }
    let html = fs::read_to_string(&report).unwrap();
    assert!(!html.contains(SECRET) && !html.contains("root:x:0"));
    assert_eq!(verdict(&export), plain);
    assert_note(
        &export,
        "counters-2.csv",
        "a symbolic link to a file outside the export",
    );
    assert_note(&export, "logs/n4.log", "pass --follow-symlinks to read it");
    assert!(
        account(&export, "health-again.csv")["rows_read"]
            .as_u64()
            .unwrap()
            > 0
    );

    // Asked for, the link is read.
    let o = rift(&["ingest", "--json", "--follow-symlinks", d]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files = v["accounting"]["files"].as_array().unwrap();
    let linked = files
        .iter()
        .find(|f| f["path"] == "counters-2.csv")
        .unwrap();
    assert_eq!(linked["rows_read"], 1, "{linked}");
}

#[cfg(unix)]
#[test]
fn paths_in_settings_that_hang_never_end_or_leave_the_export_are_refused_at_once() {
    let (dir, export) = counters_copy();
    let fifo = export.join("pipe.toml");
    crate::mkfifo(&fifo);
    fs::write(dir.path().join("outside.toml"), "name = \"x\"\n").unwrap();
    let config = fs::read_to_string(export.join("incident.toml")).unwrap();
    let d = export.to_str().unwrap();
    for (path, says) in [
        ("pipe.toml", "not a regular file"),
        ("../outside.toml", "outside the export"),
        ("/dev/zero", "outside the export"),
    ] {
        fs::write(
            export.join("incident.toml"),
            format!("{config}\n[logs]\nprofiles = [\"{path}\"]\n"),
        )
        .unwrap();
        let line = config.lines().count() + 3;
        let o = rift_within(5, &["classify", d]);
        assert_eq!(o.status.code(), Some(3), "{path}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("incident.toml:{line}:")),
            "{path}: {err}"
        );
        assert!(
            err.contains("[logs] profiles") && err.contains(says),
            "{path}: {err}"
        );
    }
    // Allowed out of the export, /dev/zero is still no file to read.
    let o = rift_within(5, &["classify", "--follow-symlinks", d]);
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    fs::write(export.join("incident.toml"), &config).unwrap();
    for path in [fifo.to_str().unwrap(), "/dev/zero"] {
        for args in [
            vec!["classify", d, "--profiles", path],
            vec!["profiles", "--profiles", path],
        ] {
            let o = rift_within(5, &args);
            assert_eq!(o.status.code(), Some(3), "{args:?}");
            assert!(
                stderr(&o).contains("not a regular file"),
                "{args:?}: {}",
                stderr(&o)
            );
        }
    }
}

/// Runs `sh -c script` in `dir`.
fn sh(dir: &Path, script: &str) {
    let ok = std::process::Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "{script}");
}

#[test]
fn a_decompression_bomb_is_refused_with_its_figures() {
    let (_dir, export) = example_copy();
    sh(
        &export,
        "head -c 200000000 /dev/zero | zstd -q > logs/n9.log.zst",
    );
    let err = classify_error(&export);
    assert!(err.contains("n9.log.zst"), "{err}");
    assert!(err.contains("it decompresses to more than"), "{err}");
    assert!(err.contains("1,000 times the compressed size"), "{err}");
}

#[test]
fn long_lines_anywhere_are_skipped_and_the_rest_is_read() {
    let (_dir, export) = example_copy();
    let plain = verdict(&export);
    // A long first line, and a long line in the middle of a compressed log.
    edit_lines(&export.join("logs/n3.log"), |lines| {
        lines.insert(0, vec![b'x'; 20 << 20])
    });
    edit_lines(&export.join("logs/n2.log"), |lines| {
        lines.insert(30, vec![b'y'; 20 << 20])
    });
    sh(&export, "gzip logs/n2.log");
    // A table whose only line never ends (a sparse file): no header to read.
    fs::File::create(export.join("health-2.csv"))
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let err = classify_error(&export);
    assert!(
        err.contains("health-2.csv: its first line (the header) is longer than 1,048,576 bytes"),
        "{err}"
    );
    fs::remove_file(export.join("health-2.csv")).unwrap();
    // The same under a name that claims no kind is counted as one line not recognised.
    fs::File::create(export.join("zeros.csv"))
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    assert_eq!(verdict(&export), plain);
    for log in ["logs/n3.log", "logs/n2.log.gz"] {
        let a = account(&export, log);
        assert_eq!(a["skipped"]["line longer than 1,048,576 bytes"], 1, "{a}");
    }
    assert_eq!(account(&export, "zeros.csv")["rows_read"], 1);
}

#[test]
fn timestamps_outside_1970_to_2200_are_skipped_in_every_notation() {
    let (dir, export) = example_copy();
    let plain = verdict(&export);
    let window = "timestamp outside 1970-01-01 – 2200-01-01";
    let mut health = String::from("ts,prober,target,http_status,latency_ms\n");
    for ts in [
        "2262-04-12T00:00:00.000Z",
        "1677-09-21T00:12:44.000Z",
        "9223372036854775807",
        "-9223372036854775808",
        "1e300",
    ] {
        health += &format!("{ts},client,n1,200,3\n");
    }
    fs::write(export.join("health-3.csv"), health).unwrap();
    edit_lines(&export.join("logs/n1.log"), |lines| {
        for ts in ["2262-04-12T00:00:00Z", "9223372036854775807"] {
            lines.push(format!("{{\"level\":\"info\",\"ts\":\"{ts}\",\"msg\":\"lost TCP streaming connection with remote peer\"}}").into_bytes());
        }
    });
    fs::write(
        export.join("n1.prom"),
        "# scrape ts_ms=9223372036854775807 node=n1\nx 1\ny 2 9223372036854775807\n",
    )
    .unwrap();
    fs::write(
        export.join("query.json"),
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"etcd_server_has_leader","instance":"n1"},"values":[[1e10,"1"],[9223372036854.775807,"1"],[-1e10,"1"]]}]}}"#,
    )
    .unwrap();
    assert_eq!(verdict(&export), plain);
    assert_eq!(account(&export, "health-3.csv")["skipped"][window], 5);
    assert_eq!(account(&export, "logs/n1.log")["skipped"][window], 2);
    assert_eq!(account(&export, "n1.prom")["skipped"][window], 2);
    assert_eq!(account(&export, "query.json")["skipped"][window], 3);
    let out = dir.path().join("r.md");
    let o = rift(&[
        "report",
        export.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--compare",
        "none",
        "--similar",
        "0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn profiles_past_their_budget_are_refused_with_the_figure() {
    let dir = tempfile::tempdir().unwrap();
    let head = "name = \"mine\"\nsystem = \"x\"\ntitle = \"x\"\n[json]\nts = \"t\"\nmsg = \"m\"\n";
    let many = dir.path().join("many.toml");
    fs::write(
        &many,
        format!("{head}{}", "[[rule]]\nmsg = \"a\"\n".repeat(501)),
    )
    .unwrap();
    let heavy = dir.path().join("heavy.toml");
    fs::write(
        &heavy,
        format!("{head}[[rule]]\nmsg = \"a\"\nregex = '(\\w+){{200}}'\n"),
    )
    .unwrap();
    for (file, says) in [
        (
            &many,
            "profile 'mine': 501 rules; the limit is 500 per profile",
        ),
        (
            &heavy,
            "profile 'mine': rule 1: regex does not compile within 262,144 bytes",
        ),
    ] {
        let f = file.to_str().unwrap();
        for args in [
            vec!["profiles", "--profiles", f],
            vec!["ingest", "examples/asymmetric-leader", "--profiles", f],
        ] {
            let o = rift_within(20, &args);
            assert_eq!(o.status.code(), Some(3), "{args:?}");
            let err = stderr(&o);
            assert!(err.contains(f) && err.contains(says), "{args:?}: {err}");
        }
    }
}

#[test]
fn aliases_given_to_two_nodes_do_not_merge_them() {
    let (_dir, export) = example_copy();
    let plain = verdict(&export);
    let first = fs::read_to_string(export.join("members.csv"))
        .unwrap()
        .lines()
        .count()
        + 1;
    // n1's member id and IP claimed for n2, n1 given a second member id, n1's IP given to n4.
    edit_lines(&export.join("members.csv"), |lines| {
        lines.push(b"n2,df691433fb00fcd1,10.77.0.11,,,".to_vec());
        lines.push(b"n1,0123456789abcdef,,,,".to_vec());
        lines.push(b"n4,,10.77.0.11,,,".to_vec());
    });
    assert_eq!(verdict(&export), plain);
    let notes = account(&export, "members.csv")["notes"].to_string();
    for note in [
        format!("n2 is given '7e1a4a622685c848' at line 3 and 'df691433fb00fcd1' at line {first}"),
        format!(
            "n1 is given 'df691433fb00fcd1' at line 2 and '0123456789abcdef' at line {}",
            first + 1
        ),
        format!(
            "'10.77.0.11' is given for n1 at members.csv:2 and for n4 at members.csv:{}",
            first + 2
        ),
    ] {
        assert!(notes.contains(&note), "{note}: {notes}");
    }
}

#[test]
fn node_names_that_print_alike_are_named_escaped() {
    let (_dir, export) = counters_copy();
    edit_lines(&export.join("health.csv"), |lines| {
        lines.push("2026-01-01T00:00:05.000Z,client,n1\u{200b},200,3".into());
        lines.push("2026-01-01T00:00:05.000Z,\u{441}lient,n2,200,3".into());
    });
    let o = rift(&["ingest", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("note          node names 'n1' and 'n1\\u{200b}' look alike"),
        "{out}"
    );
    assert!(
        out.contains("'client' and '\u{441}lient'") || out.contains("'\u{441}lient' and 'client'"),
        "{out}"
    );
}

#[test]
fn a_right_to_left_override_in_a_node_name_reaches_no_terminal_raw() {
    // n2 renamed with U+202E (which would print the rest of a line backwards) in every file
    // that names it; each text command shows the character escaped, never raw.
    let (_dir, export) = counters_copy();
    for file in ["counters.csv", "health.csv"] {
        edit_lines(&export.join(file), |lines| {
            for line in lines.iter_mut() {
                let text = String::from_utf8(std::mem::take(line)).unwrap();
                *line = text.replace("n2", "n2\u{202e}x").into_bytes();
            }
        });
    }
    // Markdown escapes the backslash of the escape.
    for (args, shown) in [
        (vec!["ingest"], "n2\\u{202e}x"),
        (vec!["classify"], "n2\\u{202e}x"),
        (vec!["graph"], "n2\\u{202e}x"),
        (
            vec![
                "report",
                "--compare",
                "none",
                "--similar",
                "0",
                "--format",
                "md",
                "-o",
                "-",
            ],
            "n2\\\\u{202e}x",
        ),
    ] {
        let mut all = args.clone();
        all.push(export.to_str().unwrap());
        let o = rift(&all);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(
            !out.contains('\u{202e}') && !err.contains('\u{202e}'),
            "{args:?}: {out}{err}"
        );
        assert!(out.contains(shown), "{args:?}: {out}");
    }
}

#[test]
fn a_row_repeated_within_a_counters_file_is_counted_once() {
    let (_dir, export) = counters_copy();
    let plain = verdict(&export);
    edit_lines(&export.join("counters.csv"), |lines| {
        let row = lines[5].clone();
        lines.push(row);
    });
    assert_eq!(verdict(&export), plain);
    let a = account(&export, "counters.csv");
    assert_eq!(
        a["skipped"]["repeats an earlier line of the same file"], 1,
        "{a}"
    );
    assert_eq!(
        a["examples"]["repeats an earlier line of the same file"]["detail"],
        "duplicate of line 6"
    );
    assert!(
        a["skipped"]
            .get("no counterpart from the other end")
            .is_none(),
        "{a}"
    );
}

#[cfg(unix)]
#[test]
fn odd_names_and_files_are_accounted_and_the_rest_is_read() {
    let (_dir, export) = counters_copy();
    let plain = verdict(&export);
    // A Parquet file under a CSV name.
    fs::write(export.join("probes.csv"), b"PAR1\x15\x04garbage").unwrap();
    // A newline in a file name.
    fs::write(export.join("a\nb.csv"), "x\n").unwrap();
    // A folder whose path is longer than the system takes.
    let seg = "d".repeat(250);
    sh(
        &export,
        &format!("for i in $(seq 20); do mkdir {seg} && cd {seg}; done; echo x > deep.csv"),
    );
    assert_eq!(verdict(&export), plain);
    assert_note(
        &export,
        "probes.csv",
        "this looks like a Parquet file; rename it to .parquet",
    );
    let o = rift(&["ingest", export.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(
        out.contains("a\\u{a}b.csv") && !out.lines().any(|l| l.starts_with("b.csv")),
        "{out}"
    );
    assert!(out.contains("a folder that cannot be listed"), "{out}");
}

#[test]
fn epoch_units_told_by_magnitude_are_noted() {
    let (_dir, export) = counters_copy();
    edit_lines(&export.join("health.csv"), |lines| {
        lines.push(b"5000,client,n1,200,3".to_vec());
        lines.push(b"1767225605000,client,n1,200,3".to_vec());
    });
    assert_note(&export, "health.csv", "mixes magnitudes of epoch numbers");
}
