//! Fuzz target: see `exercise::http_bodies`.
#![no_main]

#[path = "../exercise.rs"]
mod exercise;

libfuzzer_sys::fuzz_target!(|data: &[u8]| exercise::http_bodies(data));
