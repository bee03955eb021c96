#![no_main]
//! `cargo fuzz run front_matter`: see `harness::front_matter`.

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::abort_on_unguarded_panics();
    harness::front_matter(data)
});
