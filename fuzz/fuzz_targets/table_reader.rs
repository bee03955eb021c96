#![no_main]
//! `cargo fuzz run table_reader`: see `harness::table_reader`.

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::abort_on_unguarded_panics();
    harness::table_reader(data)
});
