//! Every input a fuzz target (`fuzz/`, `cargo +nightly fuzz run TARGET`)
//! crashed on, or that crashed before the fuzzers existed, kept in
//! `tests/fuzz/<target>/` and run through the target's own code: each must
//! now go through without a panic or a stack overflow. Test threads have
//! a 2 MiB stack, a quarter of the binary's.

#[path = "../fuzz/exercise.rs"]
mod exercise;

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    all.sort();
    assert!(!all.is_empty(), "no inputs for `{target}`");
    all
}

fn replay(target: &str, run: fn(&[u8])) {
    for (name, data) in inputs(target) {
        let ran = std::panic::catch_unwind(|| run(&data));
        assert!(ran.is_ok(), "{name} panics again");
    }
}

#[test]
fn dsl_crashes_stay_fixed() {
    replay("dsl", exercise::dsl);
}

#[test]
fn yaml_crashes_stay_fixed() {
    replay("yaml", exercise::yaml);
}

#[test]
fn event_crashes_stay_fixed() {
    replay("events", exercise::events);
}

/// The HTTP bodies: the shapes that crashed the event reader before the
/// fuzzers (deep JSON, a year-9999 time), sent as a ticket, a dry run
/// and a partner's payload.
#[test]
fn http_body_crashes_stay_fixed() {
    replay("http_bodies", exercise::http_bodies);
}
