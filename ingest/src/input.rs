//! Opening input files: transparent gzip / zstd decompression and progress counting.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Error;
use crate::export::Progress;

/// How a file is compressed, told by its magic bytes (falling back to its extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    fn sniff(path: &Path) -> Result<Self, Error> {
        let mut magic = [0u8; 4];
        let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
        let n = read_up_to(&mut f, &mut magic).map_err(|e| Error::io(path, e))?;
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
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// A decompressor's output, with the lines counted so far: a stream that breaks off (a file cut
/// short while it was being written, at the moment of the incident) is reported with the line
/// after which it broke, instead of the decompressor's bare complaint.
struct Decompressed<R> {
    inner: R,
    /// The format, which is also the name of the tool that decompresses it.
    format: &'static str,
    lines: u64,
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
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

/// Opens a file for reading, decompressing it if needed. Progress advances by the bytes read
/// from disk (compressed bytes for compressed files), so it matches the total of file sizes.
pub(crate) fn open<'p>(
    path: &Path,
    progress: &'p dyn Progress,
) -> Result<Box<dyn BufRead + 'p>, Error> {
    let compression = Compression::sniff(path)?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let raw = Counting {
        inner: file,
        progress,
    };
    Ok(match compression {
        Compression::None => Box::new(BufReader::with_capacity(1 << 16, raw)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 16,
            Decompressed {
                inner: flate2::read::MultiGzDecoder::new(raw),
                format: "gzip",
                lines: 0,
            },
        )),
        Compression::Zstd => {
            let dec = zstd::stream::read::Decoder::new(raw).map_err(|e| Error::io(path, e))?;
            Box::new(BufReader::with_capacity(
                1 << 16,
                Decompressed {
                    inner: dec,
                    format: "zstd",
                    lines: 0,
                },
            ))
        }
    })
}

/// Reads a whole file into memory, decompressed.
pub(crate) fn read_all(path: &Path, progress: &dyn Progress) -> Result<Vec<u8>, Error> {
    let mut r = open(path, progress)?;
    let mut buf = Vec::new();
    r.read_to_end(&mut buf).map_err(|e| Error::io(path, e))?;
    Ok(buf)
}

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
        n += buf.iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[buf.len() - 1];
        let len = buf.len();
        r.consume(len);
    }
    if last != b'\n' {
        n += 1;
    }
    Ok(n)
}

/// Turns CRLF line ends into LF. The csv reader starts a record that follows a CRLF at the LF,
/// before its line count moves on, so CRLF files would report every record one line early.
pub(crate) struct StripCr<R> {
    inner: R,
    pending_cr: bool,
}

impl<R: BufRead> StripCr<R> {
    pub(crate) fn new(inner: R) -> Self {
        StripCr {
            inner,
            pending_cr: false,
        }
    }
}

impl<R: BufRead> Read for StripCr<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                if self.pending_cr {
                    self.pending_cr = false;
                    out[n] = b'\r';
                    n += 1;
                }
                break;
            }
            if self.pending_cr {
                self.pending_cr = false;
                if buf[0] != b'\n' {
                    out[n] = b'\r';
                    n += 1;
                    continue;
                }
            }
            let room = out.len() - n;
            let chunk = &buf[..buf.len().min(room)];
            let used = match chunk.iter().position(|&b| b == b'\r') {
                None => {
                    out[n..n + chunk.len()].copy_from_slice(chunk);
                    n += chunk.len();
                    chunk.len()
                }
                Some(i) => {
                    out[n..n + i].copy_from_slice(&chunk[..i]);
                    n += i;
                    self.pending_cr = true;
                    i + 1
                }
            };
            self.inner.consume(used);
            if n > 0 && !self.pending_cr {
                break;
            }
        }
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

/// True while a decoder runs under [`guarded`]: a panic then becomes an error that names the
/// file, so a panic hook can stay quiet about it.
pub fn decoding_untrusted() -> bool {
    GUARDED.load(Ordering::SeqCst) > 0
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::StripCr;

    fn strip(input: &[u8], chunk: usize) -> Vec<u8> {
        let reader = std::io::BufReader::with_capacity(chunk, input);
        let mut out = Vec::new();
        let mut s = StripCr::new(reader);
        let mut buf = vec![0u8; chunk + 1];
        loop {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn crlf_becomes_lf_and_lone_cr_stays() {
        let input = b"a,b\r\n1,2\r\n3\r4\r\n\r";
        for chunk in 1..8 {
            assert_eq!(strip(input, chunk), b"a,b\n1,2\n3\r4\n\r", "chunk {chunk}");
        }
    }
}
