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
    let o = rift(&["classify", export.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("metrics.csv.gz"), "{err}");
    assert!(
        err.contains("the gzip stream breaks off after line "),
        "{err}"
    );
    assert!(err.contains("gzip -dc"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
