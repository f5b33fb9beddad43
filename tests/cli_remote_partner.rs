//! A partner on another server, from the command line: `agreements invite
//! --to URL`, then what the delivery worker leaves for `outbox list` and
//! `agreements show` to show.

mod common;

use common::partner::Desk;
use std::process::{Command, Output};

fn run(db: &str, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--db", db]);
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
        .args(&all)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn ok(db: &str, args: &[&str]) -> String {
    let out = run(db, args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}{stderr}");
    stdout
}

fn refused(db: &str, args: &[&str]) -> String {
    let out = run(db, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        text(&out.stdout)
    );
    text(&out.stderr)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn invite(to: &str) -> Vec<&str> {
    vec![
        "agreements",
        "invite",
        "--from",
        "support",
        "--to",
        to,
        "--name",
        "Acme Optics",
        "--comments",
        "public_and_private",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_invited_by_url_shows_its_deliveries() {
    let dir = std::env::temp_dir().join(format!("ticket-rules-cli-remote-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("support.db");
    let db = path.to_str().unwrap();
    ok(db, &["accounts", "add", "support"]);
    ok(db, &["accounts", "add", "ledger"]);

    let err = refused(db, &invite("https://acme.example/acme"));
    assert!(err.contains("is not a sharing URL"), "{err}");
    assert!(err.contains("\nhelp: "), "{err}");
    let err = refused(db, &invite("https://desk.example/sharing/ledger"));
    assert!(
        err.contains("`ledger` is an account in this store"),
        "{err}"
    );

    // Nothing listens on this port: the partner is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/sharing/acme");
    let said = ok(db, &invite(&url));
    assert_eq!(
        said,
        "agreement `Acme Optics` invited, pending: support #1 (outbound) ⇄ acme (remote: outbox entry 1 tells it)\n"
    );
    let shown = ok(db, &["agreements", "show", "1", "--account", "support"]);
    assert!(
        shown.contains(&format!("partner's sharing URL: {url}\n")),
        "{shown}"
    );
    assert!(shown.contains(": outbound, pending\n"), "{shown}");
    let listed = ok(db, &["outbox", "list"]);
    assert!(!listed.contains("attempts"), "{listed}");

    let desk = Desk::open(&path);
    assert_eq!(desk.deliver().await.retried, 1);
    let listed = ok(db, &["outbox", "list"]);
    let header = listed.lines().next().unwrap();
    assert!(
        header.contains("attempts") && header.contains("last error"),
        "{listed}"
    );
    let row = listed.lines().nth(1).unwrap();
    assert!(row.contains(" 1 "), "{row}");
    assert!(row.contains("error sending request"), "{row}");
    let json = ok(db, &["outbox", "list", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["attempts"], 1);
    assert!(rows[0]["last_error"]
        .as_str()
        .unwrap()
        .contains("127.0.0.1"));

    // A server is there now, but has no account `acme`: 404, failed.
    drop(desk);
    let other = Desk::new(&dir, "elsewhere", "");
    let _serving = other.serve(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
    let desk = Desk::open(&path);
    let faults = desk.deliver_until(|p| p.faults > 0).await.faults;
    assert_eq!(faults, 1);
    let shown = ok(db, &["agreements", "show", "1", "--account", "support"]);
    assert!(shown.contains(": outbound, failed\n"), "{shown}");
    let listed = ok(db, &["outbox", "list"]);
    assert!(listed.contains("404 Not Found"), "{listed}");

    // Retried, it is pending again, as before the fault, and the invite
    // is sent again (and refused again).
    let said = ok(db, &["agreements", "retry", "1", "--as", "support"]);
    assert!(
        said.starts_with("agreement `Acme Optics` pending again (was failed)"),
        "{said}"
    );
    let err = refused(db, &["agreements", "retry", "1", "--as", "support"]);
    assert!(
        err.contains("is pending, not in a delivery fault\nhelp: "),
        "{err}"
    );
    let err = refused(db, &["agreements", "retry", "9", "--as", "support"]);
    assert!(err.contains("no agreement 9 in `support`"), "{err}");
    let faults = desk.deliver_until(|p| p.faults > 0).await.faults;
    assert_eq!(faults, 1);
    let json = ok(db, &["outbox", "list", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["attempts"], 3, "the invite was sent once more");
}
