#![no_main]
//! `cargo fuzz run metrics_reader`: see `harness::metrics_reader`.

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::abort_on_unguarded_panics();
    harness::metrics_reader(data)
});
