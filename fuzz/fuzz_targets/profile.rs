#![no_main]
//! `cargo fuzz run profile`: see `harness::profile`.

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::abort_on_unguarded_panics();
    harness::profile(data)
});
