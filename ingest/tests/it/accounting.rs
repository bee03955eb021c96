//! The accounting invariant under random corruption of the real etcd recordings: whatever is
//! done to an export's lines, every line read is either used or skipped with a reason, and a
//! file that cannot be read at all stops the run with an error that names it.

use std::io::Read;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};

/// The recordings as plain text files (compressed ones decompressed, so that their lines can be
/// corrupted too): (path relative to the export, bytes).
fn recording(name: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/incidents")
        .join(name)
        .join("export");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let raw = std::fs::read(&path).unwrap();
            match rel.strip_suffix(".gz") {
                Some(plain) => {
                    let mut text = Vec::new();
                    flate2::read::GzDecoder::new(&raw[..])
                        .read_to_end(&mut text)
                        .unwrap();
                    out.push((plain.to_owned(), text));
                }
                None => out.push((rel, raw)),
            }
        }
    }
    out.sort();
    out
}

/// One way to damage a file, at positions given as fractions of it.
#[derive(Clone, Debug)]
enum Damage {
    /// Drop a line.
    Delete(f64),
    /// Repeat a line.
    Duplicate(f64),
    /// Cut a line short at a byte.
    CutLine(f64, f64),
    /// Insert bytes (any bytes: invalid UTF-8, NUL, CR, quotes, delimiters) at a byte.
    Insert(f64, Vec<u8>),
    /// Swap two lines.
    Swap(f64, f64),
    /// End the file at a byte (a file cut off mid-write).
    Truncate(f64),
}

fn damage() -> impl Strategy<Value = Damage> {
    let at = 0.0..1.0f64;
    let bytes = prop::collection::vec(
        prop_oneof![
            any::<u8>(),
            Just(b','),
            Just(b'"'),
            Just(b'\n'),
            Just(b'\r'),
            Just(b'{'),
        ],
        1..12,
    );
    prop_oneof![
        at.clone().prop_map(Damage::Delete),
        at.clone().prop_map(Damage::Duplicate),
        (at.clone(), at.clone()).prop_map(|(a, b)| Damage::CutLine(a, b)),
        (at.clone(), bytes).prop_map(|(a, b)| Damage::Insert(a, b)),
        (at.clone(), at.clone()).prop_map(|(a, b)| Damage::Swap(a, b)),
        at.prop_map(Damage::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, d: &Damage) {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let pick = |f: f64, n: usize| ((f * n as f64) as usize).min(n.saturating_sub(1));
    let n = lines.len();
    match d {
        Damage::Delete(a) => {
            lines.remove(pick(*a, n));
        }
        Damage::Duplicate(a) => {
            let l = lines[pick(*a, n)].clone();
            lines.insert(pick(*a, n), l);
        }
        Damage::CutLine(a, b) => {
            let l = &mut lines[pick(*a, n)];
            l.truncate(pick(*b, l.len() + 1));
        }
        Damage::Swap(a, b) => lines.swap(pick(*a, n), pick(*b, n)),
        Damage::Insert(a, new) => {
            let at = pick(*a, bytes.len() + 1);
            bytes.splice(at..at, new.iter().copied());
            return;
        }
        Damage::Truncate(a) => {
            bytes.truncate(pick(*a, bytes.len() + 1));
            return;
        }
    }
    *bytes = lines.join(&b'\n');
}

fn write(dir: &Path, files: &[(String, Vec<u8>)]) -> PathBuf {
    let export = dir.join("export");
    for (rel, bytes) in files {
        let path = export.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    export
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_line_read_is_used_or_skipped_with_a_reason(
        recording_ix in 0..4usize,
        damages in prop::collection::vec((0.0..1.0f64, damage()), 1..8),
    ) {
        let names = ["etcd-asymmetric", "etcd-complete", "etcd-gray", "etcd-partial-nontransitive"];
        let mut files = recording(names[recording_ix]);
        for (which, d) in &damages {
            let i = ((which * files.len() as f64) as usize).min(files.len() - 1);
            apply(&mut files[i].1, d);
        }
        let dir = tempfile::tempdir().unwrap();
        let export = write(dir.path(), &files);
        match IncidentFolder::open(&export, &ReadOptions::default()).and_then(|e| e.read(&NoProgress)) {
            Ok(got) => {
                for f in &got.accounting.files {
                    prop_assert_eq!(
                        f.rows_read,
                        f.rows_used + f.rows_skipped(),
                        "{}: {:?}",
                        f.path,
                        f.skipped
                    );
                }
            }
            // A file whose header is gone cannot be read as its kind: the error says which.
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(
                    files.iter().any(|(rel, _)| msg.contains(rel.as_str())),
                    "an error names the file: {}",
                    msg
                );
            }
        }
    }
}
