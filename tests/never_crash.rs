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

/// A 2 MiB line between two good ones: rejected with its line number
/// and id, the others applied; the flag lets it in.
#[test]
fn an_event_line_over_the_limit_is_rejected_with_its_line() {
    let desk = Desk::new("long-line");
    let mut long = create(2, "2026-11-21T09:00:00Z");
    long["ticket"]["comment"] = serde_json::json!({"body": "x".repeat(2 << 20)});
    let events = [
        create(1, "2026-11-21T09:00:00Z"),
        long,
        create(3, "2026-11-21T09:00:00Z"),
    ];
    desk.write("long.jsonl", &lines(events));
    let out = desk.ingest("long.jsonl", &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("event e2 (line 2): line 2"), "{err}");
    assert!(err.contains("over 1048576 bytes long"), "{err}");
    assert!(err.contains("`--max-line-bytes`"), "{err}");
    assert_eq!(desk.applied(), 2);
    let raised = desk.ingest("long.jsonl", &["--max-line-bytes", "4194304"]);
    assert!(raised.status.success(), "{}", text(&raised.stderr));
    assert_eq!(desk.applied(), 3);
}

/// 10,000 `not`s and 30,000 parentheses: a clear error from every command
/// that loads rules, never a crash; 64 levels still load.
#[test]
fn deep_nesting_is_refused_by_every_command() {
    let desk = Desk::new("deep");
    let rule = |when: String| format!("trigger \"t\" {{\n  when {when}\n  then add tags x\n}}\n");
    desk.write("nots.rules", &rule("not ".repeat(10_000) + "status is new"));
    let parens = "(".repeat(30_000) + "status is new" + &")".repeat(30_000);
    desk.write("parens.rules", &rule(parens));
    let json = "[".repeat(5_000) + &"]".repeat(5_000);
    desk.write("json.rules", &rule(format!("zendesk \"f\" \"is\" {json}")));
    desk.write("few.jsonl", &creates(1));
    for file in ["nots.rules", "parens.rules", "json.rules"] {
        for args in [
            vec!["check", file],
            vec!["ingest", "--db", "store.db", "--rules", file, "few.jsonl"],
            vec![
                "dry-run",
                "--db",
                "store.db",
                "--rules",
                file,
                "--event",
                "few.jsonl",
            ],
        ] {
            let out = desk.run(&args);
            let shown = text(&out.stdout) + &text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {shown}");
            let code = "too-deep";
            assert!(
                shown.contains(&format!("error[{code}]")),
                "{args:?}: {shown}"
            );
            assert!(
                shown.contains(&format!("--> {file}:2:")),
                "{args:?}: {shown}"
            );
        }
    }
    let deepest = "not ".repeat(32) + &"(".repeat(32) + "status is new" + &")".repeat(32);
    desk.write("deepest.rules", &rule(deepest));
    let out = desk.run(&["check", "deepest.rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// Events nested 100,000 deep, as JSON, are one rejected line.
#[test]
fn a_deep_event_is_rejected() {
    let desk = Desk::new("deep-event");
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let mut good = creates(2);
    good.insert_str(0, &format!("{{\"id\": \"deep\", \"type\": {deep}}}\n"));
    desk.write("deep.jsonl", &good);
    let out = desk.ingest("deep.jsonl", &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("event deep (line 1)"), "{err}");
    assert_eq!(desk.applied(), 2);
}

/// A rule file past the size limit, and a string past the length limit.
#[test]
fn rule_files_and_strings_are_bounded() {
    let desk = Desk::new("rule-sizes");
    let big = format!("# {}\n{}", "x".repeat(17 << 20), common::desk::RULES);
    desk.write("big.rules", &big);
    let out = desk.run(&["check", "big.rules"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`big.rules` is over 16 MiB"), "{err}");
    let body = "y".repeat(70_000);
    let long = format!(
        "trigger \"t\" {{\n  when ticket is created\n  then add comment private \"{body}\"\n}}\n"
    );
    desk.write("long.rules", &long);
    let out = desk.run(&["check", "long.rules"]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let code = "string-too-long";
    assert!(shown.contains(&format!("error[{code}]")), "{shown}");
    assert!(shown.contains("--> long.rules:3:"), "{shown}");
}

/// A stdout that fails for another reason (a full disk) is said once,
/// and the command still ends without a panic.
#[test]
fn a_full_stdout_is_reported_once() {
    let desk = Desk::new("full-stdout");
    desk.write("few.jsonl", &creates(3));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = desk
        .ingest_command("few.jsonl", &["--report"])
        .stdout(full)
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("cannot write to stdout: ").count(), 1, "{err}");
    assert_eq!(desk.applied(), 3);
}
