//! `ticket-rules demo --network`, the real binary: two servers on
//! loopback share a ticket over HTTP, and the demo prints every partner
//! call that crossed between them. The ports and the agreement's uuid
//! change every run and are masked; the rest is the snapshot.

use std::process::{Command, Output};

/// The real binary with these arguments.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs")
}

/// The demo's output with what changes every run masked.
fn masked(out: &str) -> String {
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    let out = port.replace_all(out, "127.0.0.1:PORT");
    let agreement = regex::Regex::new(r"agreements/[0-9a-f-]{36}").unwrap();
    agreement.replace_all(&out, "agreements/UUID").into_owned()
}

#[test]
fn two_servers_share_a_ticket_over_http_and_the_wire_is_printed() {
    let out = run(&["demo", "--network"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let wire: Vec<&str> = stdout.lines().filter(|l| l.contains("wire:")).collect();
    assert_eq!(
        wire.len(),
        5,
        "invite, accept, share, sync back, reply:\n{stdout}"
    );
    assert!(
        wire.iter().all(|l| l.contains(" → 20")),
        "every partner call succeeded:\n{stdout}"
    );
    insta::assert_snapshot!(masked(&stdout));
}

#[test]
fn the_network_demo_keeps_no_store() {
    let out = run(&["demo", "--network", "--db", "kept.db"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "`--db` and `--network` conflict"
    );
}

#[test]
fn the_network_demo_rules_check_clean() {
    let out = run(&["check", "demo/network"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("0 errors, 0 warnings"), "{stdout}");
}
