//! Keeping text from an export inert wherever rift shows it or writes it into something that runs.
//!
//! Node names, log lines, file names and scenario names come from files a user was handed, and such
//! a file can hold anything. Three kinds of character must never reach output raw:
//!
//! - **controls** (C0 but tab, DEL, C1 — U+009B alone starts an escape sequence on some
//!   terminals): they recolour, retitle or rewrite a terminal;
//! - **line and paragraph ends other than the one the output uses**: CR, VT, FF, NEL (U+0085),
//!   LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) end a comment or a plain scalar in
//!   some reader (YAML 1.1 treats NEL, LS and PS as line breaks), so a name carrying one could
//!   start a line of code in a generated script or manifest;
//! - **invisible format characters**: bidirectional overrides and isolates, zero-width spaces and
//!   joiners, the byte-order mark, tag characters. They make `n1` and `n1` + U+200B print alike
//!   and make a line read in another order than it runs.
//!
//! Each is shown as a visible escape, `\u{202e}`, so what a reviewer reads is what is there. One
//! classification ([`is_hazard`]) serves the terminal, the reports and the exporters.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is shown as an escape rather than written raw: any control character (newline and
/// tab included, see [`escape_keep_lines`] for text that may hold lines), the Unicode line and
/// paragraph separators, and the invisible format characters that change how text reads.
pub fn is_hazard(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Format characters that print as nothing or reorder what follows, and the Unicode line and
/// paragraph separators. Listed by code point: the standard library has no general category,
/// and these are the ones terminals, browsers and YAML readers act on.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'                      // soft hyphen
        | '\u{34f}'                   // combining grapheme joiner
        | '\u{61c}'                   // Arabic letter mark
        | '\u{115f}'..='\u{1160}'     // Hangul fillers
        | '\u{17b4}'..='\u{17b5}'     // Khmer inherent vowels
        | '\u{180b}'..='\u{180f}'     // Mongolian variation selectors and vowel separator
        | '\u{200b}'..='\u{200f}'     // zero-width space, (non-)joiner, LRM, RLM
        | '\u{2028}'..='\u{202e}'     // line/paragraph separators, bidi embeddings and overrides
        | '\u{2060}'..='\u{206f}'     // word joiner, invisible operators, bidi isolates
        | '\u{3164}'                  // Hangul filler
        | '\u{fe00}'..='\u{fe0f}'     // variation selectors
        | '\u{feff}'                  // byte-order mark, zero-width no-break space
        | '\u{ffa0}'                  // halfwidth Hangul filler
        | '\u{fff9}'..='\u{fffb}'     // interlinear annotation
        | '\u{1d173}'..='\u{1d17a}'   // musical formatting
        | '\u{e0000}'..='\u{e0fff}' // tags and supplementary variation selectors
    )
}

/// The visible form of a hazardous character: `\u{1b}`.
fn push_escaped(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

fn escape_where(s: &str, hazard: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&hazard) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` on one line with every hazard escaped (newline and tab too); borrowed when there is none.
/// For a name or a quoted input line inside a message, a table cell or a comment.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_where(s, is_hazard)
}

/// `s` with every hazard escaped but newline and tab, which keep their meaning: for text that is
/// meant to span lines, such as rift's own output on a terminal.
pub fn escape_keep_lines(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c != '\n' && c != '\t' && is_hazard(c))
}

/// How many characters of an input line, value or name a message, note or skip reason shows:
/// 80, enough to recognise a line or a header, short enough that a message stays one line and
/// that what a file holds is never echoed whole.
pub const EXCERPT_CHARS: usize = 80;

/// [`excerpt`] at [`EXCERPT_CHARS`]: how every message of rift quotes its input.
pub fn clip(s: &str) -> String {
    excerpt(s, EXCERPT_CHARS)
}

/// At most `max` characters of `s`, escaped by [`escape`], with `…` where it was cut: what a
/// message shows of an input line, so that a skipped line is never echoed whole.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if is_hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_terminator_and_control_is_escaped() {
        for (c, shown) in [
            ('\n', "\\u{a}"),
            ('\r', "\\u{d}"),
            ('\u{b}', "\\u{b}"),
            ('\u{c}', "\\u{c}"),
            ('\u{85}', "\\u{85}"),
            ('\u{2028}', "\\u{2028}"),
            ('\u{2029}', "\\u{2029}"),
            ('\u{1b}', "\\u{1b}"),
            ('\u{9b}', "\\u{9b}"),
            ('\u{7f}', "\\u{7f}"),
        ] {
            assert_eq!(escape(&format!("a{c}b")), format!("a{shown}b"), "{c:?}");
        }
    }

    #[test]
    fn invisible_and_reordering_characters_are_shown() {
        assert_eq!(escape("n1\u{200b}"), "n1\\u{200b}");
        assert_eq!(escape("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
        assert_eq!(escape("\u{feff}ts"), "\\u{feff}ts");
        assert_eq!(escape("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        // Ordinary non-ASCII text is left alone.
        assert_eq!(escape("nœud-é → ñ 日本"), "nœud-é → ñ 日本");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn lines_can_be_kept_and_excerpts_are_short() {
        assert_eq!(
            escape_keep_lines("a\n\tb\r\u{2028}"),
            "a\n\tb\\u{d}\\u{2028}"
        );
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("ab\ncd", 10), "ab\\u{a}cd");
        assert_eq!(excerpt("", 3), "");
    }
}
