//! Opening input files: transparent gzip / zstd decompression and progress counting.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Error;
use crate::progress::Progress;

/// How a file is compressed, told by its magic bytes (falling back to its extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// Tells the compression from the file's first bytes and rewinds it.
    fn sniff(f: &mut File) -> io::Result<Self> {
        use std::io::Seek;
        let mut magic = [0u8; 4];
        let n = read_up_to(f, &mut magic)?;
        f.rewind()?;
        Ok(match &magic[..n] {
            [0x1f, 0x8b, ..] => Compression::Gzip,
            [0x28, 0xb5, 0x2f, 0xfd] => Compression::Zstd,
            _ => Compression::None,
        })
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The file name without compression suffixes, lowercased: `counters.csv.gz` → `counters.csv`.
pub(crate) fn logical_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .or_else(|| name.strip_suffix(".zstd"))
        .unwrap_or(&name)
        .to_owned()
}

struct Counting<'p, R> {
    inner: R,
    progress: &'p dyn Progress,
    /// Bytes read from disk so far, shared with the decompressor's limit.
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

/// Most bytes rift reads from one file, decompressed: 64 GiB. The largest export benchmarked
/// holds a 1.7 GB counters table (100 nodes for an hour); a file past this is one to split by
/// time, and a compressed file that expands past it is not an export.
pub(crate) const MAX_FILE_BYTES: u64 = 64 << 30;

/// Most bytes a compressed file may decompress to per byte on disk, once past
/// [`RATIO_FLOOR`]: 1,000. Text logs and tables compress 5–20 times, very repetitive ones about
/// 100 times even with `zstd -19`; only a file made to expand (a "decompression bomb") goes
/// past a thousand. Checked as a ratio rather than only against [`MAX_FILE_BYTES`] because a
/// ratio bounds the work by the bytes the file takes on disk: a 131 KB bomb is refused after
/// 131 MB of output, not after 64 GiB of zeros.
pub(crate) const MAX_RATIO: u64 = 1_000;

/// Decompressed bytes a file may reach before [`MAX_RATIO`] applies: 64 MiB, so that a small
/// file of very repetitive lines is never refused for its ratio alone.
pub(crate) const RATIO_FLOOR: u64 = 64 << 20;

/// A decompressor's output, with the lines counted so far: a stream that breaks off (a file cut
/// short while it was being written, at the moment of the incident) is reported with the line
/// after which it broke, instead of the decompressor's bare complaint. It also stops a file that
/// expands past [`MAX_FILE_BYTES`] or [`MAX_RATIO`].
struct Decompressed<R> {
    inner: R,
    /// The format, which is also the name of the tool that decompresses it.
    format: &'static str,
    lines: u64,
    /// Bytes produced so far.
    out: u64,
    /// Bytes read from disk so far.
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
                self.out += n as u64;
                let disk = self.read.get().max(1);
                if self.out > MAX_FILE_BYTES
                    || (self.out > RATIO_FLOOR && self.out / disk >= MAX_RATIO)
                {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "it decompresses to more than {} bytes from {} on disk ({}); the limits are {} bytes \
                             and {} times the compressed size: a file made to expand, not an export. \
                             Move it out of the export folder, or decompress it yourself (`{} -dc`) if it is real",
                            thousands(self.out),
                            thousands(disk),
                            if self.out > MAX_FILE_BYTES {
                                "past the size limit".to_owned()
                            } else {
                                format!("{} times its size", thousands(self.out / disk))
                            },
                            thousands(MAX_FILE_BYTES),
                            thousands(MAX_RATIO),
                            self.format,
                        ),
                    ));
                }
                Ok(n)
            }
            Err(e) => Err(io::Error::new(
                e.kind(),
                format!(
                    "the {} stream breaks off after line {} ({e}): the file was cut short or is damaged; \
                     what precedes the break can be kept with `{} -dc FILE > FILE-without-suffix` \
                     and read from there",
                    self.format, self.lines, self.format,
                ),
            )),
        }
    }
}

/// `n` with a comma between groups of three digits: `1,048,576`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Opens `path` for reading if it is a regular file, without waiting on it: a FIFO opened
/// for reading blocks until a writer comes, so it is opened non-blocking and refused once its
/// type is known, as are devices (`/dev/zero` never ends) and sockets.
pub(crate) fn open_regular(path: &Path) -> Result<File, Error> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::io(path, not_regular()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Error::io(path, too_big(meta.len(), MAX_FILE_BYTES)));
    }
    Ok(file)
}

fn not_regular() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file (a FIFO, socket or device): rift reads only regular files",
    )
}

fn too_big(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "it holds {} bytes; the limit is {}: split it by time, or move it out of the export folder",
            thousands(size),
            thousands(limit)
        ),
    )
}

/// Opens a file for reading, decompressing it if needed. Progress advances by the bytes read
/// from disk (compressed bytes for compressed files), so it matches the total of file sizes.
/// Only a regular file is opened (see [`open_regular`]), and what it decompresses to is bounded
/// (see [`MAX_FILE_BYTES`] and [`MAX_RATIO`]), so every reader of the export gets both.
pub(crate) fn open<'p>(
    path: &Path,
    progress: &'p dyn Progress,
) -> Result<Box<dyn BufRead + 'p>, Error> {
    let mut file = open_regular(path)?;
    let compression = Compression::sniff(&mut file).map_err(|e| Error::io(path, e))?;
    let read = Rc::new(Cell::new(0));
    let raw = Counting {
        inner: file,
        progress,
        read: read.clone(),
    };
    let decompressed = |inner: Box<dyn Read + 'p>, format| {
        Box::new(BufReader::with_capacity(
            1 << 16,
            Decompressed {
                inner,
                format,
                lines: 0,
                out: 0,
                read,
            },
        ))
    };
    Ok(match compression {
        Compression::None => Box::new(BufReader::with_capacity(1 << 16, raw)),
        Compression::Gzip => decompressed(Box::new(flate2::read::MultiGzDecoder::new(raw)), "gzip"),
        Compression::Zstd => {
            let dec = zstd::stream::read::Decoder::new(raw).map_err(|e| Error::io(path, e))?;
            decompressed(Box::new(dec), "zstd")
        }
    })
}

/// Most bytes of a settings file (`incident.toml`, a log profile): 1 MiB. The built-in profiles
/// are 2–12 KB; a settings file a thousand times that is not one.
pub(crate) const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Reads a settings file that a configuration or a flag names: it must be a regular file (never
/// a FIFO, which would hang, or a device such as `/dev/zero`, which never ends) of at most
/// [`MAX_CONFIG_BYTES`], and with `inside`, its real path (links followed, `..` resolved) must
/// lie in that folder. The error says what is wrong and what to do, without the file's name.
pub(crate) fn read_named(path: &Path, inside: Option<&Path>) -> Result<String, String> {
    let real =
        std::fs::canonicalize(path).map_err(|e| format!("it cannot be found or reached ({e})"))?;
    if let Some(root) = inside
        && !real.starts_with(root)
    {
        return Err(format!(
            "it lies outside the export ({}): a file an export names must be inside it; pass {} to read it anyway",
            crate::inert::clip(&real.to_string_lossy()),
            crate::discover::FOLLOW_FLAG
        ));
    }
    let file = open_regular(&real).map_err(|e| match e {
        Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    })?;
    let mut text = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "it is longer than {} bytes, the most a settings file may be",
            thousands(MAX_CONFIG_BYTES)
        ));
    }
    String::from_utf8(text).map_err(|_| "it is not UTF-8 text".to_owned())
}

/// Most bytes of a file read whole into memory (Parquet tables, which are decoded from
/// memory): 2 GiB, eight times the 232 MB that 100 M counters rows take as Parquet.
pub(crate) const MAX_WHOLE_FILE_BYTES: u64 = 2 << 30;

/// Reads a whole file into memory, decompressed as its name says (`.gz`, `.zst`, …), refusing
/// one past 2 GiB: for a tool beside the ingest that reads one file of an export.
pub fn read_decompressed(path: &Path) -> Result<Vec<u8>, Error> {
    read_all(path, &crate::NoProgress)
}

/// Reads a whole file into memory, decompressed, refusing one past [`MAX_WHOLE_FILE_BYTES`].
pub(crate) fn read_all(path: &Path, progress: &dyn Progress) -> Result<Vec<u8>, Error> {
    let r = open(path, progress)?;
    let mut buf = Vec::new();
    r.take(MAX_WHOLE_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    if buf.len() as u64 > MAX_WHOLE_FILE_BYTES {
        return Err(Error::io(
            path,
            too_big(buf.len() as u64, MAX_WHOLE_FILE_BYTES),
        ));
    }
    Ok(buf)
}

/// The first bytes of a file, decompressed: what sniffing looks at, never more than `max`.
pub(crate) fn head(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let r = open(path, &crate::progress::NoProgress)?;
    let mut buf = Vec::new();
    r.take(max)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    Ok(buf)
}

/// Whether `bytes` (the start of a file, decompressed) begin like a Parquet file.
pub(crate) fn looks_like_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

/// The hint for a Parquet file under a CSV or NDJSON name.
pub(crate) const PARQUET_HINT: &str = "this looks like a Parquet file; rename it to .parquet";

/// Counts the lines of a file (for files rift has no reader for, so that they are accounted).
pub(crate) fn count_lines(path: &Path, progress: &dyn Progress) -> Result<u64, Error> {
    let mut r = open(path, progress)?;
    let mut n = 0u64;
    let mut last = b'\n';
    loop {
        let buf = r.fill_buf().map_err(|e| Error::io(path, e))?;
        if buf.is_empty() {
            break;
        }
        n += memchr::memchr_iter(b'\n', buf).count() as u64;
        last = buf[buf.len() - 1];
        let len = buf.len();
        r.consume(len);
    }
    if last != b'\n' {
        n += 1;
    }
    Ok(n)
}

/// The longest line (or CSV record) rift holds: 1 MiB. Collectors cut lines far shorter
/// (Kubernetes at 16 KiB, journald at 48 KiB) and the longest line of the shared recordings is
/// under 2 KB; a longer one is skipped, counted, and never held whole, so a file without line
/// ends (a sparse file, a bomb of zeros) costs no more memory than this.
pub(crate) const MAX_LINE_BYTES: usize = 1 << 20;

/// One line (or record) of a [`Lines`] reader.
pub(crate) enum Line<'a> {
    /// The line, without its line end (a CR before the LF is dropped too).
    Text(&'a [u8]),
    /// The line was longer than [`MAX_LINE_BYTES`]; it was read past, not held.
    TooLong,
}

/// Reads lines with a bounded buffer: a line longer than [`MAX_LINE_BYTES`] is consumed up to
/// its end without being held and reported as [`Line::TooLong`]. Every reader of line-based
/// input goes through it. With `quotes`, a line end inside double quotes does not end the
/// record (CSV), so that an unclosed quote cannot make one record of the rest of the file.
pub(crate) struct Lines<R> {
    inner: R,
    buf: Vec<u8>,
    quotes: bool,
    /// Physical lines (line ends) consumed so far.
    lines: u64,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(inner: R) -> Self {
        Lines {
            inner,
            buf: Vec::new(),
            quotes: false,
            lines: 0,
        }
    }

    /// A reader of CSV records: line ends inside quotes belong to the record.
    pub(crate) fn csv(inner: R) -> Self {
        Lines {
            quotes: true,
            ..Lines::new(inner)
        }
    }

    /// Physical lines consumed so far (the line of the last record's end).
    pub(crate) fn lines(&self) -> u64 {
        self.lines
    }

    /// The next line, `None` at the end of the input.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buf.clear();
        let mut any = false;
        let mut too_long = false;
        let mut in_quotes = false;
        loop {
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                break;
            }
            any = true;
            let mut from = 0;
            if !too_long {
                // Look for the record's end among the bytes it may still hold, and one more.
                let room = MAX_LINE_BYTES - self.buf.len();
                let limit = (room + 1).min(avail.len());
                let mut end = None;
                while from < limit {
                    let hit = if self.quotes {
                        memchr::memchr2(b'\n', b'"', &avail[from..limit])
                    } else {
                        memchr::memchr(b'\n', &avail[from..limit])
                    };
                    let Some(i) = hit.map(|i| i + from) else {
                        break;
                    };
                    from = i + 1;
                    if avail[i] == b'"' {
                        in_quotes = !in_quotes;
                    } else {
                        self.lines += 1;
                        if !in_quotes {
                            end = Some(i);
                            break;
                        }
                    }
                }
                if let Some(i) = end {
                    self.buf.extend_from_slice(&avail[..i]);
                    self.inner.consume(i + 1);
                    return Ok(Some(self.finish(false)));
                }
                if limit <= room {
                    // All of it fits, and the record goes on.
                    self.buf.extend_from_slice(avail);
                    let n = avail.len();
                    self.inner.consume(n);
                    continue;
                }
                // Past the limit: the record ends at the next line end, quoted or not (its
                // quotes can no longer be trusted to pair up), and is not held.
                too_long = true;
                self.buf = Vec::new();
                from = limit;
            }
            match memchr::memchr(b'\n', &avail[from..]) {
                Some(i) => {
                    self.lines += 1;
                    self.inner.consume(from + i + 1);
                    return Ok(Some(Line::TooLong));
                }
                None => {
                    let n = avail.len();
                    self.inner.consume(n);
                }
            }
        }
        if !any {
            return Ok(None);
        }
        Ok(Some(self.finish(too_long)))
    }

    fn finish(&mut self, too_long: bool) -> Line<'_> {
        if too_long {
            return Line::TooLong;
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Line::Text(&self.buf)
    }
}

/// CSV input for the csv reader, record by record through [`Lines`]: CRLF line ends become LF
/// (the csv reader starts a record that follows a CRLF at the LF, before its line count moves
/// on, so CRLF files would report every record one line early), and a record longer than
/// [`MAX_LINE_BYTES`] is replaced by as many empty lines as it spanned, so that line numbers
/// stay right; its first line is kept in [`CsvInput::too_long`] for the accounting.
pub(crate) struct CsvInput<R> {
    lines: Lines<R>,
    out: Vec<u8>,
    pos: usize,
    /// First lines of records that were too long, not yet taken.
    pub(crate) too_long: Vec<u64>,
}

impl<R: BufRead> CsvInput<R> {
    pub(crate) fn new(inner: R) -> Self {
        CsvInput {
            lines: Lines::csv(inner),
            out: Vec::new(),
            pos: 0,
            too_long: Vec::new(),
        }
    }
}

impl<R: BufRead> Read for CsvInput<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.out.len() {
            self.out.clear();
            self.pos = 0;
            let first = self.lines.lines() + 1;
            match self.lines.next_line()? {
                None => return Ok(0),
                Some(Line::Text(t)) => {
                    self.out.extend_from_slice(t);
                    self.out.push(b'\n');
                }
                Some(Line::TooLong) => {
                    self.too_long.push(first);
                    let spanned = (self.lines.lines() + 1 - first).max(1);
                    self.out.resize(spanned as usize, b'\n');
                }
            }
        }
        let n = out.len().min(self.out.len() - self.pos);
        out[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// How many [`guarded`] decoders are running.
static GUARDED: AtomicUsize = AtomicUsize::new(0);

/// Runs a third-party decoder that may panic on corrupt input (the Parquet reader does), turning
/// a panic into an error message for the file's account instead of a crash.
pub(crate) fn guarded<T>(decode: impl FnOnce() -> T) -> Result<T, String> {
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode));
    GUARDED.fetch_sub(1, Ordering::SeqCst);
    outcome.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the decoder gave up".to_owned())
    })
}

/// True while a decoder of untrusted bytes runs: a panic then becomes an error that names the
/// file, so a panic hook can stay quiet about it.
pub fn decoding_untrusted() -> bool {
    GUARDED.load(Ordering::SeqCst) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], chunk: usize, quotes: bool) -> Vec<String> {
        let reader = std::io::BufReader::with_capacity(chunk, input);
        let mut l = if quotes {
            Lines::csv(reader)
        } else {
            Lines::new(reader)
        };
        let mut out = Vec::new();
        while let Some(line) = l.next_line().unwrap() {
            out.push(match line {
                Line::Text(t) => String::from_utf8_lossy(t).into_owned(),
                Line::TooLong => "<too long>".to_owned(),
            });
        }
        out
    }

    #[test]
    fn crlf_ends_a_line_and_a_lone_cr_stays() {
        for chunk in 1..8 {
            assert_eq!(
                lines(b"a,b\r\n1,2\r\n3\r4\r\n\r", chunk, false),
                ["a,b", "1,2", "3\r4", ""],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn a_line_past_the_limit_is_read_past_and_the_next_one_is_whole() {
        let mut input = vec![b'x'; MAX_LINE_BYTES + 1];
        input.extend_from_slice(b"\nnext\n");
        input.extend(std::iter::repeat_n(b'y', MAX_LINE_BYTES));
        for chunk in [7, 1 << 16] {
            let got = lines(&input, chunk, false);
            assert_eq!(got.len(), 3);
            assert_eq!(got[..2], ["<too long>", "next"]);
            assert_eq!(got[2].len(), MAX_LINE_BYTES, "a line at the limit is kept");
        }
    }

    #[test]
    fn csv_records_span_quoted_line_ends_but_an_unclosed_quote_is_bounded() {
        assert_eq!(lines(b"a,\"b\nc\",d\ne\n", 3, true), ["a,\"b\nc\",d", "e"]);
        let mut input = b"1,\"open\n".to_vec();
        for _ in 0..(MAX_LINE_BYTES / 8 + 10) {
            input.extend_from_slice(b"2,3,4,5\n");
        }
        input.extend_from_slice(b"6,7\n");
        let got = lines(&input, 1 << 16, true);
        assert_eq!(got[0], "<too long>");
        assert_eq!(got.last().unwrap(), "6,7");
        // The record read past ends at the first line end after the limit; the rest is read.
        assert!(got.len() > 2 && got.len() < 20, "{}", got.len());
    }

    #[test]
    fn a_too_long_csv_record_keeps_the_line_numbers() {
        let mut input = b"h\n1\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 5));
        input.extend_from_slice(b"\n2\n");
        let mut csv = CsvInput::new(std::io::BufReader::new(&input[..]));
        let mut out = Vec::new();
        csv.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"h\n1\n\n2\n");
        assert_eq!(csv.too_long, [3]);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }
}
