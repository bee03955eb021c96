//! What reading reports while it goes: every module that reads bytes from disk reports them here.

/// Receives progress while an export is read. Implementations must be cheap: `advance` is called
/// for every buffer read.
pub trait Progress: Sync {
    /// Reading starts; `total_bytes` is the size of all files on disk.
    fn start(&self, _total_bytes: u64) {}
    /// `bytes` more bytes were read from disk.
    fn advance(&self, _bytes: u64) {}
    /// Reading moves on to the file at `rel`.
    fn file(&self, _rel: &str) {}
    /// Reading is done.
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
