#![no_main]
//! `cargo fuzz run log_reader`: see `harness::log_reader`.

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::abort_on_unguarded_panics();
    harness::log_reader(data)
});
