//! Keeping input inert on a terminal. Node names, log lines and file names come from the
//! export, and an export can hold anything: an escape sequence in a log line would otherwise
//! recolour, retitle or rewrite the reviewer's terminal when rift quotes it, and a right-to-left
//! override or a zero-width space would make it read other than it is. Every character that
//! [`rift_ingest::inert::is_hazard`] names, but newline and tab, is printed as a visible escape
//! instead.

use std::borrow::Cow;
use std::io::{self, Write};

/// `s` with every hazard but newline and tab escaped; borrowed when there is none.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    rift_ingest::inert::escape_keep_lines(s)
}

/// How an escaped character is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `\u{202e}`: readable in text, tables and reports.
    Text,
    /// `\u202e` (a surrogate pair beyond U+FFFF): valid inside a JSON string, where serde_json
    /// writes these characters raw, so the output stays JSON that reads back to the same text.
    Json,
}

/// A writer that escapes hazardous characters on their way to `inner` (rift's standard output).
/// Bytes that are not UTF-8 pass through as they are: they cannot form such a character.
pub(crate) struct Inert<W: Write> {
    inner: W,
    style: Style,
    /// The start of a multi-byte character whose remaining bytes have not been written yet.
    held: Vec<u8>,
}

impl<W: Write> Inert<W> {
    pub(crate) fn new(inner: W, style: Style) -> Self {
        Inert {
            inner,
            style,
            held: Vec::with_capacity(4),
        }
    }

    fn write_escaped(&mut self, c: char) -> io::Result<()> {
        match self.style {
            Style::Text => write!(self.inner, "\\u{{{:x}}}", u32::from(c)),
            Style::Json => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(self.inner, "\\u{u:04x}")?;
                }
                Ok(())
            }
        }
    }
}

/// The length of a UTF-8 sequence from its lead byte, or `None` for a byte that leads none.
fn sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0x00..=0x7f => Some(1),
        0xc2..=0xdf => Some(2),
        0xe0..=0xef => Some(3),
        0xf0..=0xf4 => Some(4),
        _ => None,
    }
}

fn hazard(c: char) -> bool {
    c != '\n' && c != '\t' && rift_ingest::inert::is_hazard(c)
}

impl<W: Write> Write for Inert<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut i = 0;
        // A character split across two writes is completed from this one first.
        if !self.held.is_empty() {
            let need = sequence_len(self.held[0]).unwrap_or(1);
            while self.held.len() < need && i < buf.len() {
                self.held.push(buf[i]);
                i += 1;
            }
            if self.held.len() < need {
                return Ok(buf.len());
            }
            let held = std::mem::take(&mut self.held);
            match std::str::from_utf8(&held)
                .ok()
                .and_then(|s| s.chars().next())
            {
                Some(c) if hazard(c) => self.write_escaped(c)?,
                _ => self.inner.write_all(&held)?,
            }
        }
        let mut start = i;
        while i < buf.len() {
            let b = buf[i];
            let Some(len) = sequence_len(b) else {
                i += 1;
                continue;
            };
            if i + len > buf.len() {
                self.inner.write_all(&buf[start..i])?;
                self.held.extend_from_slice(&buf[i..]);
                return Ok(buf.len());
            }
            let c = std::str::from_utf8(&buf[i..i + len])
                .ok()
                .and_then(|s| s.chars().next());
            match c {
                Some(c) if hazard(c) => {
                    self.inner.write_all(&buf[start..i])?;
                    self.write_escaped(c)?;
                    i += len;
                    start = i;
                }
                Some(_) => i += len,
                None => i += 1,
            }
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.held.is_empty() {
            let held = std::mem::take(&mut self.held);
            self.inner.write_all(&held)?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::{Inert, Style, text};

    fn through(style: Style, chunks: &[&[u8]]) -> String {
        String::from_utf8(bytes_through(style, chunks)).unwrap()
    }

    fn bytes_through(style: Style, chunks: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = Inert::new(&mut out, style);
            for c in chunks {
                w.write_all(c).unwrap();
            }
            w.flush().unwrap();
        }
        out
    }

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(
            through(Style::Text, &[b"n1 \x1b[31mred\x1b[0m\r\n\tok\x07"]),
            "n1 \\u{1b}[31mred\\u{1b}[0m\\u{d}\n\tok\\u{7}"
        );
        // U+009B (CSI) split across two writes, and ordinary two-byte characters.
        assert_eq!(
            through(Style::Text, &[b"a\xc2", b"\x9b2J \xc2\xa0\xc3\xa9"]),
            "a\\u{9b}2J \u{a0}é"
        );
        assert_eq!(text("plain → text"), "plain → text");
        assert_eq!(text("bell\u{7}"), "bell\\u{7}");
    }

    #[test]
    fn reordering_and_invisible_characters_are_shown_even_when_split() {
        let rlo = "\u{202e}".as_bytes();
        for cut in 0..=rlo.len() {
            let first = [b"n1 ".as_slice(), &rlo[..cut]].concat();
            let second = [&rlo[cut..], b"x \xe2\x80\x8b".as_slice()].concat();
            assert_eq!(
                through(Style::Text, &[&first, &second]),
                "n1 \\u{202e}x \\u{200b}",
                "cut at {cut}"
            );
        }
        // A byte that is not UTF-8 passes as it is, and so does the text around it.
        assert_eq!(
            bytes_through(Style::Text, &[b"a\xffb\xe2\x80"]),
            b"a\xffb\xe2\x80"
        );
    }

    #[test]
    fn json_output_stays_json_and_reads_back_to_the_same_text() {
        let name = "n1\u{202e}\u{85}\u{e0001}";
        let json = serde_json::to_string(&serde_json::json!({ "node": name })).unwrap();
        let shown = through(Style::Json, &[json.as_bytes()]);
        assert_eq!(shown, r#"{"node":"n1\u202e\u0085\udb40\udc01"}"#);
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["node"], name);
    }
}
