//! Issue 15, "never crash, never lose work", through the real binary: event
//! data cannot drive the terminal, one bad event is rejected alone, a
//! closed stdout loses nothing.

mod common;
use common::desk::{create, creates, lines, text, Desk};

/// Every escape an attacker would try, in every field `tickets show` and
/// `ingest --report` print.
#[test]
fn event_data_cannot_drive_the_terminal() {
    let desk = Desk::new("escapes");
    let evil = "x\u{1b}[2J\u{1b}]0;pwned\u{7}\r";
    let mut event = create(1, "2026-11-21T09:00:00Z");
    event["ticket"]["tags"] = serde_json::json!(["x\u{1b}[2J\u{1b}]0;pwned\u{7}"]);
    event["ticket"]["comment"] = serde_json::json!({"body": evil, "public": true});
    event["ticket"]["subject"] = serde_json::json!(evil);
    event["ticket"]["custom_fields"] = serde_json::json!({"Model": evil});
    desk.write("evil.jsonl", &lines([event]));
    let ingest = desk.ingest("evil.jsonl", &["--report"]);
    let show = desk.run(&["tickets", "show", "--db", "store.db", "1"]);
    for out in [&ingest, &show] {
        let shown = text(&out.stdout);
        assert!(
            shown.contains("\\u{1b}]0;pwned\\u{7}"),
            "{shown}{}",
            text(&out.stderr)
        );
        let raw = out.stdout.iter().chain(&out.stderr);
        let controls: Vec<&u8> = raw
            .filter(|b| b.is_ascii_control() && **b != b'\n')
            .collect();
        assert!(controls.is_empty(), "raw controls {controls:?} in {shown}");
    }
}

/// A rejected event's id and reason come from the event: stderr escapes
/// them too.
#[test]
fn rejections_cannot_drive_the_terminal() {
    let desk = Desk::new("escaped-rejection");
    desk.write(
        "bad.jsonl",
        "{\"id\": \"a\\u001b]0;x\\u0007\", \"type\": 7}\n",
    );
    let out = desk.ingest("bad.jsonl", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("a\\u{1b}]0;x\\u{7}"), "{err}");
    assert!(!out.stderr.contains(&0x1b), "{err}");
}

/// Times the store cannot hold, at line 1,500 of 2,500: those events alone
/// are rejected, with line and id, and everything else is stored.
#[test]
fn an_out_of_range_time_rejects_only_its_event() {
    let desk = Desk::new("poison");
    let mut events: Vec<serde_json::Value> = (1..=2500)
        .map(|n| create(n, "2026-11-21T09:00:00Z"))
        .collect();
    events[1499]["at"] = "9999-12-31T23:59:59Z".into();
    events[1599]["at"] = "0001-01-01T00:00:00Z".into();
    events[1699]["ticket"]["schedule_reply"] =
        serde_json::json!({"at": "9999-01-01T00:00:00Z", "body": "later"});
    desk.write("poison.jsonl", &lines(events));
    let out = desk.ingest("poison.jsonl", &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("event e1500 (line 1500): line 1500, column"),
        "{err}"
    );
    assert!(
        err.contains("`9999-12-31T23:59:59Z`, out of the store's range"),
        "{err}"
    );
    assert!(err.contains("event e1600 (line 1600)"), "{err}");
    assert!(err.contains("`ticket.schedule_reply.at`"), "{err}");
    assert_eq!(desk.applied(), 2497);
    assert_eq!(desk.rejected(), ["e1500", "e1600", "e1700"]);
    let again = desk.ingest("poison.jsonl", &[]);
    assert!(text(&again.stdout).contains("0 applied, 3 rejected, 2497 duplicate"));
}

/// `ingest --report … | head -3`: no panic, and every event is stored.
#[test]
fn ingest_into_a_closed_pipe_keeps_its_work() {
    let desk = Desk::new("closed-pipe-ingest");
    desk.write("many.jsonl", &creates(2500));
    let args = [
        "ingest", "--db", "store.db", "--rules", "r.rules", "--report",
    ];
    let out = desk.run_into_closed_pipe(&[&args[..], &["many.jsonl"]].concat());
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(desk.applied(), 2500);
}

/// Every reading command, into a closed pipe: none panics.
#[test]
fn reading_commands_into_a_closed_pipe_do_not_panic() {
    let desk = Desk::new("closed-pipe-read");
    desk.write("few.jsonl", &creates(3));
    assert!(desk.ingest("few.jsonl", &[]).status.success());
    let db = ["--db", "store.db"];
    let commands: [&[&str]; 9] = [
        &["tickets", "show", "1"],
        &["tickets", "list"],
        &["replies", "due", "--at", "2026-11-22T00:00:00Z"],
        &["replies", "list"],
        &["accounts", "list"],
        &["agreements", "list"],
        &["outbox", "list"],
        &["groups", "list", "--account", "support"],
        &["agents", "list", "--account", "support"],
    ];
    for command in commands {
        let out = desk.run_into_closed_pipe(&[command, &db[..]].concat());
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{command:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{command:?}: {err}");
    }
    for command in [
        &["check", "r.rules"][..],
        &["fmt", "--check", "r.rules"],
        &["--help"],
    ] {
        let out = desk.run_into_closed_pipe(command);
        assert!(!text(&out.stderr).contains("panicked"), "{command:?}");
    }
}
