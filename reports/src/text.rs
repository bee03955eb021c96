//! Text from input made safe to show, and the small formatters the report shares.
//!
//! Node names, log lines and file names come from the incident export, which may hold anything:
//! HTML, Markdown, terminal escape sequences, bidirectional-override characters. Every such string
//! passes through [`visible`] before it is escaped for its output format, so a control character
//! shows as its Unicode control picture (`␛`) instead of acting.

use std::borrow::Cow;

/// Replaces hazardous characters ([`rift_ingest::inert::is_hazard`]) by visible stand-ins: C0
/// controls by their Unicode control pictures (U+2400 block, `\n` → `␊`), DEL by `␡`, and the
/// others (C1 controls, line and paragraph separators, bidirectional overrides and isolates,
/// zero-width and other invisible characters) by their escape, `\u{202e}`, as rift shows them
/// on a terminal: `n1` and `n1` with a zero-width space never look alike.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(rift_ingest::inert::is_hazard) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            c if rift_ingest::inert::is_hazard(c) => {
                out.push_str(&rift_ingest::inert::escape(&c.to_string()));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes text for HTML and XML (element content and quoted attributes), after [`visible`].
pub fn html(s: &str) -> String {
    escape(s, &[('"', "&quot;"), ('\'', "&#39;")], &[])
}

/// Escapes text for Markdown (CommonMark and GitHub tables), after [`visible`]: the punctuation
/// that starts emphasis, code, links, headings or table cells is backslash-escaped, and `<`,
/// `>` and `&` become entities so that no HTML passes through. A value never starts a line
/// (newlines became `␊`), so list and numbering markers need no escape.
///
/// GitHub's Markdown also makes links of bare URLs, `www.` names and e-mail addresses
/// (autolinks): the `:` of `://`, the `.` of `www.` and every `@` are backslash-escaped too, which
/// shows the same text and keeps a URL from the input from becoming a link in the report.
pub fn markdown(s: &str) -> String {
    let escaped = escape(s, &[], &['\\', '`', '*', '_', '[', ']', '#', '|', '~', '@']);
    let mut out = String::with_capacity(escaped.len() + 4);
    let mut rest = escaped.as_str();
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("://") {
            out.push_str("\\://");
            rest = &rest[3..];
            continue;
        }
        if rest
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("www."))
        {
            out.push_str(&rest[..3]);
            out.push_str("\\.");
            rest = &rest[4..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// [`visible`], then `&`, `<`, `>` and the `entities` as character references and the
/// `backslashed` characters behind a backslash.
fn escape(s: &str, entities: &[(char, &str)], backslashed: &[char]) -> String {
    const MARKUP: [(char, &str); 3] = [('&', "&amp;"), ('<', "&lt;"), ('>', "&gt;")];
    let s = visible(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if let Some((_, reference)) = MARKUP.iter().chain(entities).find(|(e, _)| *e == c) {
            out.push_str(reference);
        } else {
            if backslashed.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A duration in seconds, short: `850 ms`, `12.3 s`, `4 min 10 s`, `2 h 5 min`.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "–".to_owned();
    }
    if secs < 1.0 {
        return format!("{:.0} ms", secs * 1000.0);
    }
    if secs < 60.0 {
        return if (secs - secs.round()).abs() < 0.05 {
            format!("{secs:.0} s")
        } else {
            format!("{secs:.1} s")
        };
    }
    let whole = secs.round() as u64;
    if whole < 3600 {
        let (m, s) = (whole / 60, whole % 60);
        return if s == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {s} s")
        };
    }
    let (h, m) = (whole / 3600, (whole % 3600) / 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

/// The time of day of a timestamp in ns, `HH:MM:SS.mmm` (UTC).
pub fn time_of_day(ts_ns: i64) -> String {
    let ts = rift_ingest::format_ts(ts_ns);
    ts.get(11..23).map_or(ts.clone(), str::to_owned)
}

/// Joins names as `a, b and c`, keeping at most `max` and saying how many more there were.
pub fn list(names: &[String], max: usize) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n if n <= max => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        n => format!("{} and {} more", names[..max].join(", "), n - max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_and_markup_is_escaped() {
        assert_eq!(visible("a\u{1b}[31mb\nc"), "a␛[31mb␊c");
        assert_eq!(visible("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(visible("n1\u{200b}"), "n1\\u{200b}");
        assert_eq!(visible("a\u{2028}b"), "a\\u{2028}b");
        assert_eq!(html("<script>\"'&"), "&lt;script&gt;&quot;&#39;&amp;");
        assert_eq!(
            markdown("*a* [b](c) <i> 0.90"),
            "\\*a\\* \\[b\\](c) &lt;i&gt; 0.90"
        );
        // Bare URLs, www. names and addresses do not become links under GitHub's autolinking.
        assert_eq!(
            markdown("see https://evil.example/x, WWW.evil.example or ops@evil.example"),
            "see https\\://evil.example/x, WWW\\.evil.example or ops\\@evil.example"
        );
        assert_eq!(markdown("ww\u{e9}"), "ww\u{e9}");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0.25), "250 ms");
        assert_eq!(duration(20.02), "20 s");
        assert_eq!(duration(12.34), "12.3 s");
        assert_eq!(duration(250.0), "4 min 10 s");
        assert_eq!(duration(7500.0), "2 h 5 min");
    }
}
