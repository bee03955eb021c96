//! `rift report`: what a reviewer reads, that it opens cleanly in a real browser, and that
//! nothing from the input can act in it.

use std::path::{Path, PathBuf};

use super::browser;
use super::{rift, stderr, stdout};

/// A node name that would act if it reached the page unescaped: an image whose error handler and
/// a script that would each mark the page (`data-pwned`), quotes, a terminal escape sequence and
/// Markdown. (Ingest ends a node name at `/` and `:`, so the script is left unclosed.)
const HOSTILE_NODE: &str = "n1\"'<img src=x onerror=document.body.setAttribute(\"data-pwned\",1)><script>document.body.setAttribute(\"data-pwned\",2)\u{1b}[31m|*_[x](javascript:alert(3))";

fn report(args: &[&str]) -> std::process::Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    rift(&all)
}

/// The Markdown report of `dir` on standard output, without the replay or similar incidents.
fn markdown_to_stdout(dir: &str) -> std::process::Output {
    report(&[
        dir,
        "--format",
        "md",
        "-o",
        "-",
        "--compare",
        "none",
        "--similar",
        "0",
    ])
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The shipped three-node example with its leader renamed to [`HOSTILE_NODE`], a title full of
/// markup and a log whose first line carries markup and an escape sequence.
fn hostile_export(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/asymmetric-leader");
    let out = dir.join("hostile");
    std::fs::create_dir_all(out.join("logs")).unwrap();
    let quoted = format!("\"{}\"", HOSTILE_NODE.replace('"', "\"\""));
    for f in ["client.csv", "counters.csv", "health.csv"] {
        let text = read(&src.join(f))
            .replace(",n1,", &format!(",{quoted},"))
            .replace("\nn1,", &format!("\n{quoted},"));
        std::fs::write(out.join(f), text).unwrap();
    }
    std::fs::write(
        out.join("incident.toml"),
        "[incident]\ntitle = \"<script>alert('title')</script> \\\"q\\\" \\u001b[2J\"\n\n[detector]\nname = \"raft\"\n",
    )
    .unwrap();
    let real = read(&super::root_fixture(
        "recordings/etcd-asymmetric/export/logs/n2.log",
    ));
    let mut log = String::from(
        // Short enough to be quoted whole: messages quote at most 80 characters of a line.
        "{\"msg\":\"<script>alert(4)</script>\u{1b}[2J<img src=x onerror=alert(5)> **b** |\"}\n",
    );
    for line in real.lines().skip(1).take(29) {
        log.push_str(line);
        log.push('\n');
    }
    std::fs::write(out.join("logs/n2.log"), log).unwrap();
    out
}

#[test]
fn the_report_of_the_shipped_etcd_example_answers_the_review_questions() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let o = report(&["examples/etcd-asymmetric", "-o", html.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("open it in a browser"),
        "{}",
        stderr(&o)
    );
    let page = read(&html);
    // 1. The verdict and the directed edges, in sentences.
    assert!(page.contains(r#"<span class="verdict mode-asymmetric">asymmetric</span>"#));
    assert!(
        page.contains("n1 → n2, n1 → n3"),
        "failing directions listed"
    );
    assert!(
        page.contains("From 03:03:24.195 to 03:03:44.000 UTC"),
        "onset and heal"
    );
    // 2–3. The pictures: a timeline, a strip and a grid per channel, graph snapshots, the belief
    // overlay; every one an inline SVG.
    for id in [
        "timeline",
        "strip-heartbeat",
        "strip-data",
        "strip-health",
        "matrix-heartbeat",
        "graph-1",
        "belief",
    ] {
        assert!(
            page.contains(&format!("<figure id=\"{id}\">")),
            "figure {id}"
        );
    }
    // The snapshot during the episode draws n1's lost directions as down arrows.
    assert!(page.contains("n1 → n2: down"), "a down arrow's tooltip");
    // 4. The four questions with the lag measured from the logs.
    assert!(page.contains("Design or deployment?"));
    assert!(page.contains("Measured detection lag: 1.2 s (role_change on n2 at logs/n2.log:75)"));
    // 5. The replay with its seed and the command that repeats it.
    assert!(page.contains("Seed <strong>1</strong>"));
    assert!(page.contains("current+prevote+checkquorum"));
    assert!(page.contains("Write accounting"));
    // 6. Invariants from the metrics: n1 was without a leader for 20 s.
    assert!(page.contains("<td>n1</td><td class=\"mono\">03:03:26.164</td>"));
    // 7. Similar public incidents, linked.
    assert!(page.contains("rift corpus show broadcom-2012-bcm5709-inbound-drop"));
    assert!(page.contains("<a href=\"http://www.spinics.net/"));
    // 8. The accounting adds up.
    assert!(page.contains("38802 lines read: 3440 used, 35362 skipped."));
    // Self-contained: no script, nothing fetched.
    assert!(!page.to_ascii_lowercase().contains("<script"));
    assert!(!page.contains("src=\"http"));
    assert!(page.contains("default-src 'none'"));
}

#[test]
fn input_cannot_inject_markup_or_escape_sequences_into_either_report() {
    let dir = tempfile::tempdir().unwrap();
    let export = hostile_export(dir.path());
    let html = dir.path().join("h.html");
    let md = dir.path().join("h.md");
    for out in [&html, &md] {
        let o = report(&[export.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let page = read(&html);
    // The name, the title and the log line are all there, escaped.
    assert!(
        page.contains("n1&quot;&#39;&lt;img src=x onerror=document.body.setAttribute(&quot;data-pwned&quot;,1)&gt;&lt;script&gt;document.body.setAttribute(&quot;data-pwned&quot;,2)␛[31m")
    );
    assert!(
        page.contains(
            "<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &quot;q&quot; ␛[2J"
        )
    );
    assert!(page.contains(
        "&lt;script&gt;alert(4)&lt;/script&gt;\\u{1b}[2J&lt;img src=x onerror=alert(5)&gt;"
    ));
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no script element");
    assert!(!lower.contains("<img"), "no image element");
    assert!(!page.contains('\u{1b}'), "no raw escape character");
    // Every `<` left in the page opens one of the report's own tags: none carries a handler or
    // a script URL.
    for tag in page.split('<').skip(1) {
        let tag = tag
            .split('>')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        assert!(
            !tag.contains("onerror") && !tag.contains("javascript:"),
            "a tag from the input: <{tag}>"
        );
    }
    let text = read(&md);
    assert!(
        !text.contains('<'),
        "no raw angle bracket in the Markdown:\n{text}"
    );
    assert!(!text.contains('\u{1b}'));
    assert!(text.contains("n1\"'&lt;img src=x onerror=document.body.setAttribute(\"data-pwned\",1)&gt;&lt;script&gt;document.body.setAttribute(\"data-pwned\",2)␛\\[31m\\|\\*\\_\\[x\\](javascript"));
    for entry in std::fs::read_dir(dir.path().join("h.figures")).unwrap() {
        let svg = read(&entry.unwrap().path());
        assert!(!svg.to_ascii_lowercase().contains("<script") && !svg.contains('\u{1b}'));
    }
}

/// Loads each report in headless Chromium: the page must load with no console message (a
/// blocked inline script or an uncaught error would be one), keep its own title, and hold no
/// element that came from the input. The screenshots stay in the target folder for a look.
#[test]
fn reports_load_cleanly_in_headless_chromium() {
    let Some(chromium) = browser::chromium() else {
        eprintln!("skipped: chromium is not installed (.ci/run installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hostile = hostile_export(dir.path());
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for (name, export) in [
        ("etcd-asymmetric", PathBuf::from("examples/etcd-asymmetric")),
        ("hostile", hostile),
    ] {
        let html = dir.path().join(format!("{name}.html"));
        let o = report(&[export.to_str().unwrap(), "-o", html.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let png = shots.join(format!("report-{name}.png"));
        let run = browser::load(&chromium, &html, &png).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            run.console.is_empty(),
            "{name}: console said {:?}",
            run.console
        );
        let dom = run.dom.to_ascii_lowercase();
        assert!(
            !dom.contains("<script"),
            "{name}: a script element in the DOM"
        );
        assert!(!dom.contains("<img"), "{name}: an image element in the DOM");
        assert!(
            dom.contains("<h2>8. what the verdict rests on</h2>"),
            "{name}: the page is whole"
        );
        // Had the image's handler or the script run, the body would carry the mark.
        assert!(
            !dom.contains("<body data-pwned"),
            "{name}: a script from the input ran"
        );
        eprintln!("{name}: screenshot at {}", run.screenshot.display());
    }
}

#[test]
fn the_markdown_report_of_the_example() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("review.md");
    let o = report(&["examples/asymmetric-leader", "-o", md.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("and 11 pictures beside it"),
        "{}",
        stderr(&o)
    );
    let text = read(&md);
    // The pictures are files beside the report, linked relative to it.
    assert!(text.contains("![Timeline](review.figures/timeline.svg)"));
    assert!(
        dir.path()
            .join("review.figures/strip-heartbeat.svg")
            .is_file()
    );
    let version = format!("rift {}", env!("CARGO_PKG_VERSION"));
    insta::assert_snapshot!("report_markdown", text.replace(&version, "rift [version]"));
}

#[test]
fn markdown_on_standard_output_says_the_pictures_were_left_out() {
    let o = markdown_to_stdout("examples/asymmetric-leader");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("# leader n1 can send but cannot hear\n"));
    assert!(text.contains("*Picture left out (the report went to standard output"));
    assert!(text.contains("*No replay: left out with --compare none.*"));
    assert!(text.contains("*Left out with --similar 0.*"));
}

/// keepalived's split brain: the backup that took over and the master cut off both say they are
/// MASTER, each in its own log, for as long as the cut lasts.
#[test]
fn two_masters_at_once_are_named_with_how_long_they_lasted() {
    let o = markdown_to_stdout("tests/fixtures/lab/keepalived/complete-leader-s1/export");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Two leaders at once, each by its own log"),
        "{text}"
    );
    assert!(
        text.contains("| n1 and n2 | 10:51:16.000 | 10:51:28.000 | 12 s |"),
        "{text}"
    );
    // The shipped etcd example never had two leaders at once.
    let o = markdown_to_stdout("examples/etcd-asymmetric");
    assert!(!stdout(&o).contains("Two leaders at once"));
}

#[test]
fn report_errors_name_the_problem_and_the_fix() {
    let o = report(&["examples/no-such-export"]);
    assert!(!o.status.success());
    insta::assert_snapshot!("report_missing_export", stderr(&o));
    let o = report(&[
        "examples/asymmetric-leader",
        "--compare",
        "current,bogus",
        "-o",
        "-",
    ]);
    assert!(!o.status.success());
    insta::assert_snapshot!("report_bad_compare", stderr(&o));
    let o = report(&[
        "examples/asymmetric-leader",
        "--compare",
        "none",
        "--similar",
        "0",
        "-o",
        "/nonexistent-folder/report.html",
    ]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("report_unwritable_output", stderr(&o));
}

#[test]
fn the_same_export_and_seed_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.html"), dir.path().join("b.html"));
    for p in [&a, &b] {
        let o = report(&["examples/asymmetric-leader", "-o", p.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(read(&a), read(&b));
}

#[test]
fn a_healthy_export_gets_a_report_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("healthy.html");
    let fixture = super::root_fixture("incidents/healthy");
    let o = report(&[fixture.to_str().unwrap(), "-o", html.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(&html);
    assert!(page.contains(r#"<span class="verdict mode-healthy">healthy</span>"#));
    assert!(page.contains("rift finds no network incident in this export"));
    assert!(
        page.contains("No network episode to compare with the detector.")
            || page.contains("No failure detector was named")
    );
}

/// Control characters other than newline and tab, which a terminal would act on.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
        })
        .collect()
}

#[test]
fn input_cannot_drive_the_terminal_or_break_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let export = hostile_export(dir.path());
    let path = export.to_str().unwrap();
    for args in [
        vec!["ingest", path],
        vec!["classify", path],
        vec!["graph", path],
        vec!["graph", "--format", "dot", path],
        vec![
            "report",
            "--format",
            "md",
            "--compare",
            "none",
            "-o",
            "-",
            path,
        ],
    ] {
        let o = rift(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let (out, err) = (stdout(&o), stderr(&o));
        assert_eq!(
            raw_controls(&out),
            [],
            "{args:?} printed a control character"
        );
        assert_eq!(
            raw_controls(&err),
            [],
            "{args:?} printed a control character on stderr"
        );
    }
    // The terminal output shows the escape, visibly.
    let o = rift(&["classify", path]);
    assert!(stdout(&o).contains("\\u{1b}[31m"), "{}", stdout(&o));

    // JSON carries the names exactly, as escaped strings a parser gives back unchanged.
    for args in [
        vec!["ingest", "--json", path],
        vec!["classify", "--json", path],
    ] {
        let o = rift(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert_eq!(raw_controls(&out), [], "{args:?}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        let text = v.to_string();
        assert!(text.contains("\\u001b[31m"), "{args:?}");
        let names = match args[0] {
            "ingest" => &v["summary"]["nodes"],
            _ => &v["nodes"],
        };
        assert!(
            names
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n == HOSTILE_NODE.split(['/', ':']).next().unwrap()),
            "{args:?}: {names}"
        );
    }

    // An error that quotes the input quotes it inert too.
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("counters.csv"),
        "ts,node,peer,sent\n1,\u{1b}]0;pwned\u{7},n2,3\n",
    )
    .unwrap();
    std::fs::write(bad.join("incident.toml"), "[counters\u{1b}[2J]\n").unwrap();
    let o = rift(&["classify", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(raw_controls(&stderr(&o)), [], "{}", stderr(&o));
}
