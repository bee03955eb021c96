//! Headless Chromium as a test instrument: load one HTML file, and get back what the browser's
//! console said, the DOM after load and a PNG screenshot.
//!
//! One browser run does all three: `--dump-dom` prints the DOM on stdout, `--screenshot=` writes
//! the PNG, and `--enable-logging=stderr` makes the browser log every console message of the page
//! on stderr as `[pid:tid:time:INFO:CONSOLE:line] "text", source: url (line)`, whatever its level.
//! Uncaught exceptions ("Uncaught TypeError: ...") and Content-Security-Policy violations (a
//! blocked inline script, style sheet or image) are console messages too, so they arrive the
//! same way. Everything else on stderr (D-Bus, VA-API, sandbox warnings, and the Debian launcher's
//! own shell noise) is not about the page and is ignored.
//!
//! Not seen: messages logged after the load event (the page is captured once it has loaded) and
//! network errors without a console message (e.g. a missing `<img>` file on a page without a CSP;
//! under a CSP such as `img-src data:` the load is blocked and reported as a violation instead).
//!
//! Linux only (process groups); `.ci/run` installs Debian's `chromium`, and tests that need it
//! skip without it.

use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long one browser run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Flags of every run, besides the per-run profile, screenshot path and URL.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    // Containers often have a small /dev/shm; Debian's launcher adds this only when it can tell.
    "--disable-dev-shm-usage",
    // Nothing but the file itself is fetched: no update checks, sync, first-run pages or
    // extensions, and no host name resolves (Chromium still looked up Google hosts without it).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-crash-reporter",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1280,2400",
    // Console messages on stderr, at INFO and above (console messages are logged at INFO).
    "--enable-logging=stderr",
    "--log-level=0",
    "--dump-dom",
];

/// What a headless Chromium run of one HTML file showed.
#[derive(Debug)]
pub(crate) struct PageRun {
    /// Console messages (any level) and page/JS errors reported by the browser, one per entry.
    pub(crate) console: Vec<String>,
    /// The DOM after load, serialized (from --dump-dom or CDP).
    pub(crate) dom: String,
    /// Path of the PNG screenshot written.
    pub(crate) screenshot: PathBuf,
}

/// Finds chromium (`chromium`, `chromium-browser`, `google-chrome`); None if absent.
pub(crate) fn chromium() -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|exe| {
            exe.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Loads `html` (a file path) in headless Chromium with `--headless --no-sandbox --disable-gpu`,
/// a fresh temporary `--user-data-dir`, background networking disabled and a 1280x2400 window
/// (see `FLAGS`), and returns what it saw. The screenshot is written to `screenshot` (any file
/// already there is removed first). Errors name what failed; a run that takes longer than
/// `TIMEOUT` is killed, with all its processes, and is an error.
pub(crate) fn load(chromium: &Path, html: &Path, screenshot: &Path) -> Result<PageRun, String> {
    let html = html
        .canonicalize()
        .map_err(|e| format!("cannot open {}: {e}", html.display()))?;
    match std::fs::remove_file(screenshot) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot replace {}: {e}", screenshot.display()));
        }
        _ => {}
    }
    let work = tempfile::tempdir().map_err(|e| format!("cannot make a temporary dir: {e}"))?;
    let profile = work.path().join("profile");
    let (out_path, err_path) = (work.path().join("stdout"), work.path().join("stderr"));
    let create =
        |p: &Path| File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()));
    let (out, err) = (create(&out_path)?, create(&err_path)?);

    let started = Instant::now();
    // Files, not pipes, take the output: nothing can block on a full pipe, and no reader waits on
    // a helper process that keeps the pipe open. Its own process group lets a timeout kill the
    // browser's helpers (zygote, renderer, GPU, network) along with it.
    let mut child = Command::new(chromium)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(file_url(&html))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", chromium.display()))?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < TIMEOUT => sleep(Duration::from_millis(20)),
            Ok(None) => {
                let group = format!("-{}", child.id());
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not finish loading {} within {TIMEOUT:?}; killed it",
                    chromium.display(),
                    html.display()
                ));
            }
            Err(e) => return Err(format!("cannot wait for {}: {e}", chromium.display())),
        }
    };

    let read = |p: &Path| {
        std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let (dom, log) = (read(&out_path)?, read(&err_path)?);
    let failed = |what: &str| {
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!(
            "{} on {}: {what}; the end of its stderr:\n{}",
            chromium.display(),
            html.display(),
            tail.join("\n")
        )
    };
    if !status.success() {
        return Err(failed(&format!("exited with {status}")));
    }
    if !dom.contains("<html") {
        return Err(failed("printed no DOM"));
    }
    match std::fs::read(screenshot) {
        Ok(png) if png.starts_with(b"\x89PNG\r\n\x1a\n") => {}
        Ok(_) => return Err(failed(&format!("{} is not a PNG", screenshot.display()))),
        Err(e) => {
            return Err(failed(&format!(
                "no screenshot at {}: {e}",
                screenshot.display()
            )));
        }
    }
    Ok(PageRun {
        console: console_entries(&log),
        dom,
        screenshot: screenshot.to_path_buf(),
    })
}

/// The `file://` URL of an absolute path, percent-encoding every byte but unreserved ones and `/`.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The console messages in Chromium's stderr log, each as `"text", source: url (line)`.
///
/// A message is a log line whose prefix has `:CONSOLE` (`INFO:CONSOLE:12]` in Chromium 156,
/// `INFO:CONSOLE(12)]` in older ones). A message with line breaks goes on over the following
/// lines, up to the one that ends it with `", source: url (line)` or the next log line.
fn console_entries(stderr: &str) -> Vec<String> {
    /// Whether a message's text has reached its closing `", source: url (line)`.
    fn complete(text: &str) -> bool {
        text.ends_with(')') && text.contains("\", source: ")
    }
    let mut entries = Vec::new();
    // A message whose text goes on over the next lines.
    let mut open: Option<String> = None;
    for line in stderr.lines() {
        let logged = log_line(line);
        if let Some(mut entry) = open.take() {
            if logged.is_none() {
                entry.push('\n');
                entry.push_str(line);
                if complete(line) {
                    entries.push(entry);
                } else {
                    open = Some(entry);
                }
                continue;
            }
            entries.push(entry);
        }
        match logged {
            Some((prefix, text)) if prefix.contains(":CONSOLE") => {
                if complete(text) {
                    entries.push(text.to_string());
                } else {
                    open = Some(text.to_string());
                }
            }
            _ => {}
        }
    }
    entries.extend(open);
    entries
}

/// Splits a Chromium log line `[pid:tid:time:LEVEL:where] text` into `pid:tid:time:LEVEL:where`
/// and `text`; None for any other line.
fn log_line(line: &str) -> Option<(&str, &str)> {
    let (prefix, text) = line.strip_prefix('[')?.split_once("] ")?;
    let mut fields = prefix.split(':');
    let numeric =
        |f: Option<&str>| f.is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    (numeric(fields.next()) && numeric(fields.next())).then_some((prefix, text))
}

/// The Content-Security-Policy of `rift report`'s pages.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Writes `<!doctype html>` with `head` and `body` to `dir/name.html` and returns its path.
fn page(dir: &Path, name: &str, head: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{name}.html"));
    let html = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">{head}</head>\n<body>{body}</body></html>\n"
    );
    std::fs::write(&path, html).expect("the page is written");
    path
}

/// The harness reports a console error and an uncaught exception, a script blocked by the report's
/// CSP, and nothing for a clean page like a report; the DOM and screenshot are those of the page.
#[test]
fn harness_sees_console_errors_and_blocked_scripts() {
    let Some(chromium) = chromium() else {
        eprintln!("skipping: no chromium, chromium-browser or google-chrome on PATH");
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary dir");
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">");
    let run = |html: PathBuf| {
        let png = html.with_extension("png");
        load(&chromium, &html, &png).unwrap_or_else(|e| panic!("{e}"))
    };

    // A console.error and an uncaught exception, without a CSP: both are reported, in order.
    let logged = run(page(
        dir.path(),
        "logged",
        "<title>logged</title>",
        "<p>x</p><script>console.error(\"X\")</script><script>null.x</script>",
    ));
    assert_eq!(logged.console.len(), 2, "{:#?}", logged.console);
    assert!(
        logged.console[0].starts_with("\"X\", source: file://"),
        "{:#?}",
        logged.console
    );
    assert!(
        logged.console[1].starts_with("\"Uncaught TypeError: "),
        "{:#?}",
        logged.console
    );

    // An inline script under the report's CSP: blocked (the title stays), and the violation is
    // reported.
    let blocked = run(page(
        dir.path(),
        "blocked",
        &format!("{meta}<title>blocked</title>"),
        "<p>x</p><script>document.title = \"ran\"</script>",
    ));
    assert_eq!(blocked.console.len(), 1, "{:#?}", blocked.console);
    assert!(
        blocked.console[0].contains("violates the following Content Security Policy directive"),
        "{:#?}",
        blocked.console
    );
    assert!(
        blocked.dom.contains("<title>blocked</title>"),
        "{}",
        blocked.dom
    );

    // What a report is made of: the CSP, inline CSS, inline SVG and a data: image. Nothing is
    // reported, the DOM has it all and the screenshot is a PNG of the window's size.
    let clean = run(page(
        dir.path(),
        "clean",
        &format!("{meta}<title>clean</title><style>p {{ color: #b00 }}</style>"),
        "<p style=\"font-weight: bold\">rift</p>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">\
         <rect width=\"40\" height=\"20\" fill=\"#08c\"/></svg>\
         <img alt=\"dot\" src=\"data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==\">",
    ));
    assert_eq!(clean.console, Vec::<String>::new());
    assert!(clean.dom.contains("<rect width=\"40\""), "{}", clean.dom);
    let png = std::fs::read(&clean.screenshot).expect("the screenshot is there");
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    assert_eq!(
        (size(16), size(20)),
        (1280, 2400),
        "the PNG's IHDR width and height"
    );
}

/// Console messages, also multi-line ones, are picked out of stderr's other log lines and noise.
#[test]
fn console_messages_are_told_from_other_log_lines() {
    let stderr = "\
/usr/bin/chromium: 9: [: 25276510208: unexpected operator
[1:2:1130/162132.536057:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Could not parse
[1:1:1130/162133.502755:INFO:CONSOLE:1] \"plain\", source: file:///t/a.html (1)
[1:1:1130/162133.502756:INFO:CONSOLE:2] \"two
lines\", source: file:///t/a.html (2)
[1:1:1130/162133.502757:INFO:CONSOLE(3)] \"older format\", source: file:///t/a.html (3)
[1:1:1130/162133.502758:INFO:CONSOLE:4] \"cut short
[3:3:1130/162133.502759:WARNING:ui/base/idle/idle_linux.cc:111] None of the known D-Bus
14348 bytes written to file /t/a.png
";
    assert_eq!(
        console_entries(stderr),
        [
            "\"plain\", source: file:///t/a.html (1)",
            "\"two\nlines\", source: file:///t/a.html (2)",
            "\"older format\", source: file:///t/a.html (3)",
            "\"cut short",
        ]
    );
    assert_eq!(
        file_url(Path::new("/t/a b%.html")),
        "file:///t/a%20b%25.html"
    );
}
