//! Keeping input inert on a terminal. Node names, log lines and file names come from the
//! export, and an export can hold anything: an escape sequence in a log line would otherwise
//! recolour, retitle or rewrite the reviewer's terminal when rift quotes it. Every control
//! character but newline and tab is printed as a visible escape (`\u{1b}`) instead.

use std::borrow::Cow;
use std::io::{self, Write};

/// The visible form of a control character: `\u{1b}`.
fn escaped(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// Whether `c` must not reach a terminal raw: C0 controls but newline and tab, DEL, and the C1
/// controls (U+0080–U+009F; U+009B alone starts an escape sequence on some terminals).
fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{80}'..='\u{9f}')
}

/// `s` with every control character escaped; borrowed when there is none.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_control(c) {
                    escaped(c)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A writer that escapes control characters on their way to `inner` (rift's standard output).
/// Bytes that are not UTF-8 pass through as they are: they cannot form a control character.
pub(crate) struct Inert<W: Write> {
    inner: W,
    /// A UTF-8 lead byte (0xC2) held back until the next write shows whether it begins a C1
    /// control.
    held: Option<u8>,
}

impl<W: Write> Inert<W> {
    pub(crate) fn new(inner: W) -> Self {
        Inert { inner, held: None }
    }
}

impl<W: Write> Write for Inert<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        let mut i = 0;
        if let Some(lead) = self.held.take() {
            match buf.first() {
                Some(&b) if (0x80..=0x9f).contains(&b) => {
                    self.inner.write_all(escaped(char::from(b)).as_bytes())?;
                    start = 1;
                    i = 1;
                }
                Some(_) => self.inner.write_all(&[lead])?,
                None => {
                    self.held = Some(lead);
                    return Ok(0);
                }
            }
        }
        while i < buf.len() {
            let b = buf[i];
            let c0 = (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f;
            let c1 = b == 0xc2 && buf.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n));
            if c0 || c1 {
                self.inner.write_all(&buf[start..i])?;
                let c = if c0 {
                    char::from(b)
                } else {
                    char::from(buf[i + 1])
                };
                self.inner.write_all(escaped(c).as_bytes())?;
                i += if c0 { 1 } else { 2 };
                start = i;
            } else if b == 0xc2 && i + 1 == buf.len() {
                self.inner.write_all(&buf[start..i])?;
                self.held = Some(b);
                return Ok(buf.len());
            } else {
                i += 1;
            }
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(lead) = self.held.take() {
            self.inner.write_all(&[lead])?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::{Inert, text};

    fn through(chunks: &[&[u8]]) -> String {
        let mut out = Vec::new();
        {
            let mut w = Inert::new(&mut out);
            for c in chunks {
                w.write_all(c).unwrap();
            }
            w.flush().unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(
            through(&[b"n1 \x1b[31mred\x1b[0m\r\n\tok\x07"]),
            "n1 \\u{1b}[31mred\\u{1b}[0m\\u{d}\n\tok\\u{7}"
        );
        // U+009B (CSI) split across two writes, and ordinary two-byte characters.
        assert_eq!(
            through(&[b"a\xc2", b"\x9b2J \xc2\xa0\xc3\xa9"]),
            "a\\u{9b}2J \u{a0}é"
        );
        assert_eq!(text("plain → text"), "plain → text");
        assert_eq!(text("bell\u{7}"), "bell\\u{7}");
    }
}
