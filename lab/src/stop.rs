//! Stopping on Ctrl-C and SIGTERM: the signals set one flag, and every wait of a run checks it,
//! so a run always gets to stop what it started.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::LabError;

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Installs the handlers (once); later signals only set the flag.
pub(crate) fn install() {
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in [
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
        ] {
            // Registration fails only for signals that cannot be caught; these can.
            let _ = signal_hook::flag::register(sig, Arc::clone(&flag));
        }
        flag
    });
}

/// Whether a stop was asked for.
pub(crate) fn asked() -> bool {
    FLAG.get().is_some_and(|f| f.load(Ordering::Relaxed))
}

/// `Err(Interrupted)` once a stop was asked for.
pub(crate) fn check() -> Result<(), LabError> {
    if asked() {
        Err(LabError::Interrupted)
    } else {
        Ok(())
    }
}

/// Sleeps until `deadline`, waking every 50 ms to see whether a stop was asked for.
pub(crate) fn sleep_until(deadline: Instant) -> Result<(), LabError> {
    loop {
        check()?;
        let now = Instant::now();
        if now >= deadline {
            return Ok(());
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(50)));
    }
}

/// Sleeps for `d` (see [`sleep_until`]).
pub(crate) fn sleep(d: Duration) -> Result<(), LabError> {
    sleep_until(Instant::now() + d)
}
