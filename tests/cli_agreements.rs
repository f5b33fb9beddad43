//! Accounts, agreements and the outbox through the real binary: an
//! agreement's whole life on both sides (invite, accept, list, show,
//! export, import again, deactivate, the refused way back), account
//! settings, a remote partner told through the outbox, and a transport
//! acking what it delivered. Every refusal exits 2 and changes nothing.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_agreements")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One store file, and the commands run against it.
struct Db(String);

impl Db {
    fn new(dir: &Path, file: &str) -> Db {
        Db(dir.join(file).display().to_string())
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        all.extend(["--db", &self.0]);
        run(&all)
    }

    /// Runs a command that must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// Runs a command that must be refused (exit 2, nothing on stdout)
    /// and must leave every agreement and outbox entry as it was; its
    /// stderr.
    fn refused(&self, args: &[&str]) -> String {
        let before = self.state();
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stdout)
        );
        assert_eq!(text(&out.stdout), "", "{args:?}");
        assert_eq!(self.state(), before, "{args:?} changed the store");
        text(&out.stderr)
    }

    /// What a refusal must not change.
    fn state(&self) -> String {
        let mut state = self.ok(&["agreements", "export"]);
        state += &self.ok(&["outbox", "list", "--all", "--format", "json"]);
        state += &self.ok(&["accounts", "list", "--format", "json"]);
        state
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("JSON")
    }
}

/// Times the binary takes from the clock, as a placeholder of the same
/// width so that tables stay lined up.
fn scrub_times(text: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z").unwrap();
    time.replace_all(text, "YYYY-MM-DDThh:mm:ssZ").into_owned()
}

const INVITE: &[&str] = &[
    "agreements",
    "invite",
    "--from",
    "support",
    "--to",
    "acme",
    "--name",
    "Acme Optics",
    "--comments",
    "public_and_private",
    "--sync-tags",
];

/// `support` and `acme` in a new store.
fn two_accounts(name: &str) -> (PathBuf, Db) {
    let dir = scratch(name);
    let db = Db::new(&dir, "store.db");
    assert_eq!(
        db.ok(&["accounts", "add", "support"]),
        "added account `support`\n"
    );
    assert_eq!(
        db.ok(&["accounts", "add", "acme"]),
        "added account `acme`\n"
    );
    (dir, db)
}

#[test]
fn an_agreement_lives_its_whole_life_on_both_sides() {
    let (dir, db) = two_accounts("life");
    assert_eq!(
        db.ok(INVITE),
        "agreement `Acme Optics` invited, pending: support #1 (outbound) ⇄ acme #2 (inbound)\n"
    );
    let err = db.refused(&["agreements", "accept", "1", "--as", "support"]);
    assert_eq!(
        err,
        "error: cannot accept agreement 1 `Acme Optics`: only the receiving account `acme` can \
         accept it\nhelp: `support` sent this invite; deactivating it withdraws it\n"
    );
    let err = db.refused(&["agreements", "accept", "1", "--as", "acme"]);
    assert!(
        err.contains("help: agreement 1 is `support`'s side; `acme`'s side of it is 2"),
        "{err}"
    );
    assert_eq!(
        db.ok(&["agreements", "accept", "2", "--as", "acme"]),
        "agreement `Acme Optics` accepted: support #1 (outbound) ⇄ acme #2 (inbound)\n"
    );
    db.refused(&["agreements", "decline", "2", "--as", "acme"]);

    insta::assert_snapshot!("list_after_accept", db.ok(&["agreements", "list"]));
    insta::assert_snapshot!(
        "show_after_accept",
        scrub_times(&db.ok(&["agreements", "show", "1"]))
    );
    let shown = db.json(&["agreements", "show", "2", "--format", "json"]);
    let side = &shown["sharing_agreement"];
    assert_eq!(side["status"], "accepted");
    assert_eq!(side["type"], "inbound");
    assert_eq!(side["remote_subdomain"], "support");
    assert_eq!(side["account"], "acme");
    let listed = db.json(&[
        "agreements",
        "list",
        "--account",
        "acme",
        "--format",
        "json",
    ]);
    assert_eq!(listed["sharing_agreements"].as_array().unwrap().len(), 1);

    round_trip_export(&dir, &db);

    assert_eq!(
        db.ok(&["agreements", "deactivate", "2", "--as", "acme"]),
        "agreement `Acme Optics` deactivated: support #1 (outbound) ⇄ acme #2 (inbound)\n"
    );
    let err = db.refused(&["agreements", "accept", "2", "--as", "acme"]);
    assert_eq!(
        err,
        "error: cannot accept agreement 2 `Acme Optics`: it is inactive, and deactivation is \
         final\nhelp: `support` can invite `acme` again, under a new name\n"
    );
    db.refused(&["agreements", "deactivate", "1", "--as", "support"]);
    let statuses: Vec<Value> = db.json(&["agreements", "export"])["sharing_agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, ["inactive", "inactive"]);
    assert_eq!(
        db.ok(&["outbox", "list"]),
        "nothing waits in the outbox\n",
        "both sides are local: nothing for a transport"
    );
}

/// `export` prints what `import` reads: into a new store (each side into
/// its own account) and into the same store, it changes nothing.
fn round_trip_export(dir: &Path, db: &Db) {
    let exported = db.ok(&["agreements", "export"]);
    insta::assert_snapshot!("export_after_accept", scrub_times(&exported));
    let file = dir.join("export.json");
    std::fs::write(&file, &exported).unwrap();
    let file = file.display().to_string();

    let copy = Db::new(dir, "copy.db");
    assert_eq!(
        copy.ok(&["agreements", "import", &file]),
        "imported 1 agreement for `acme`\nimported 1 agreement for `support`\n"
    );
    assert_eq!(copy.ok(&["agreements", "export"]), exported);
    // The sides pair up again from their fields alone.
    assert!(copy
        .ok(&["agreements", "show", "1"])
        .contains("other side: agreement 2 of `acme` (inbound, accepted)"));

    db.ok(&["agreements", "import", &file]);
    assert_eq!(db.ok(&["agreements", "export"]), exported);
}

#[test]
fn account_settings_decline_invites_and_define_fields() {
    let (_dir, db) = two_accounts("accounts");
    assert_eq!(
        db.ok(&["accounts", "add", "acme"]),
        "account `acme` is already in the store\n"
    );
    db.refused(&["accounts", "add", "Acme Optics"]);
    assert_eq!(
        db.ok(&[
            "accounts",
            "set",
            "acme",
            "--decline-all-invites",
            "on",
            "--field",
            "Camera model=dropdown",
            "--field",
            "Seats=integer",
        ]),
        "`acme` declines all invites: on\n\
         `acme` field `Camera model`: dropdown (new)\n\
         `acme` field `Seats`: integer (new)\n"
    );
    assert_eq!(
        db.ok(&["accounts", "set", "acme", "--field", "camera MODEL=text"]),
        "`acme` field `camera MODEL`: dropdown → text\n"
    );
    // One bad field refuses them all.
    let err = db.refused(&[
        "accounts",
        "set",
        "acme",
        "--field",
        "Colour=text",
        "--field",
        "Size=intger",
    ]);
    assert_eq!(
        err,
        "error: unknown field type `intger`\nhelp: did you mean `integer`?\n"
    );
    let err = db.refused(&["accounts", "set", "acmee", "--field", "Colour=text"]);
    assert_eq!(
        err,
        "error: no account `acmee` in the store\nhelp: did you mean `acme`?\n"
    );
    let err = db.refused(&["accounts", "set", "acme"]);
    assert!(err.starts_with("error: nothing to set\nhelp: "), "{err}");

    assert_eq!(
        db.ok(&["accounts", "show", "acme"]),
        "account `acme`\n  declines all invites: on\n  agent ticket sharing: off\n  fields:\n    \
         camera MODEL  text\n    Seats         integer\n  agreements: 0 outbound, 0 inbound\n"
    );
    assert_eq!(
        db.ok(&["accounts", "set", "support", "--agent-ticket-sharing", "on"]),
        "`support` agent ticket sharing: on\n"
    );
    let listed = db.json(&["accounts", "list", "--format", "json"]);
    assert_eq!(
        listed,
        serde_json::json!({"accounts": [
            {"name": "acme", "decline_all_invites": true, "agent_ticket_sharing": false,
             "fields": [
                {"title": "camera MODEL", "type": "text"},
                {"title": "Seats", "type": "integer"}
            ]},
            {"name": "support", "decline_all_invites": false, "agent_ticket_sharing": true,
             "fields": []}
        ]})
    );

    assert_eq!(
        db.ok(INVITE),
        "agreement `Acme Optics` declined: support #1 (outbound) ⇄ acme #2 (inbound)\n\
         `acme` declines all invites\n"
    );
    db.refused(&["agreements", "accept", "2", "--as", "acme"]);
    assert_eq!(
        db.ok(&["accounts", "list"]),
        "account  declines all invites  agent ticket sharing  fields  agreements\n\
         acme     on                    off                   2       1\n\
         support  off                   on                    0       1\n"
    );
    assert_eq!(
        db.ok(&["accounts", "set", "acme", "--decline-all-invites", "off"]),
        "`acme` declines all invites: off\n"
    );
}

/// An inbound agreement `support` has with an account outside the store.
const FROM_REMOTE: &str = r#"{"sharing_agreements": [{
    "id": 40, "name": "Far Away", "partner_name": "Far Away Inc",
    "remote_subdomain": "faraway", "status": "pending", "type": "inbound",
    "comments": "private_only", "created_at": "2026-11-20T08:00:00Z"
}]}"#;

#[test]
fn a_remote_partner_is_told_through_the_outbox_and_a_transport_acks() {
    let dir = scratch("remote");
    let db = Db::new(&dir, "store.db");
    db.ok(&["accounts", "add", "support"]);
    assert_eq!(
        db.ok(&[
            "agreements",
            "invite",
            "--from",
            "support",
            "--to",
            "elsewhere",
            "--name",
            "Elsewhere",
            "--comments",
            "private_only",
        ]),
        "agreement `Elsewhere` invited, pending: support #1 (outbound) ⇄ elsewhere (remote: \
         outbox entry 1 tells it)\n"
    );
    let file = dir.join("remote.json");
    std::fs::write(&file, FROM_REMOTE).unwrap();
    db.ok(&["agreements", "import", &file.display().to_string()]);
    assert_eq!(
        db.ok(&["agreements", "accept", "40", "--as", "support"]),
        "agreement `Far Away` accepted: faraway (remote: outbox entry 2 tells it) ⇄ support #40 \
         (inbound)\n"
    );
    insta::assert_snapshot!(
        "outbox_with_a_remote_partner",
        scrub_times(&db.ok(&["outbox", "list"]))
    );
    let rows = db.json(&["outbox", "list", "--format", "json"]);
    let accepted = &rows[1];
    assert_eq!(accepted["event_id"], "agreement-40-accepted");
    assert_eq!(accepted["kind"], "agreement");
    assert_eq!(accepted["ticket_id"], 0);
    assert_eq!(accepted["acked"], false);
    let payload = &accepted["payload"]["sharing_agreement"];
    assert_eq!(payload["status"], "accepted", "the payload is JSON: {rows}");
    assert_eq!(payload["remote_subdomain"], "faraway");

    let err = db.refused(&["outbox", "ack", "1", "7", "9"]);
    assert_eq!(
        err,
        "error: no outbox entries 7, 9; nothing was acked\nhelp: `ticket-rules outbox list \
         --all` shows every entry\n"
    );
    assert_eq!(db.ok(&["outbox", "ack", "1"]), "acked outbox entry 1\n");
    assert_eq!(
        db.ok(&["outbox", "ack", "2", "1", "2"]),
        "outbox entry 1 was already acked\nacked outbox entry 2\n"
    );
    assert_eq!(db.ok(&["outbox", "list"]), "nothing waits in the outbox\n");
    let all = db.json(&["outbox", "list", "--all", "--format", "json"]);
    let acked: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["acked"])
        .collect();
    assert_eq!(acked, [true, true]);
    assert!(db.ok(&["outbox", "list", "--all"]).contains("acked"));
}

#[test]
fn what_cannot_be_done_exits_2_and_says_why() {
    let (dir, db) = two_accounts("refusals");
    let err = db.refused(&[
        "agreements",
        "invite",
        "--from",
        "nobody",
        "--to",
        "acme",
        "--name",
        "X",
        "--comments",
        "private_only",
    ]);
    assert_eq!(
        err,
        "error: account `nobody` is not in the store\nhelp: add it with `ticket-rules accounts \
         add nobody`\n"
    );
    db.ok(INVITE);
    let err = db.refused(INVITE);
    assert!(
        err.starts_with("error: `support` already has agreement 1 named `Acme Optics`"),
        "{err}"
    );
    let err = db.refused(&["agreements", "show", "9"]);
    assert!(
        err.starts_with("error: no agreement 9 in the store\n"),
        "{err}"
    );
    // Imported sides may share an id: `show` then asks whose.
    let file = dir.join("same_id.json");
    std::fs::write(&file, FROM_REMOTE.replace("40", "1")).unwrap();
    let file = file.display().to_string();
    db.ok(&["agreements", "import", &file, "--account", "acme"]);
    let err = db.refused(&["agreements", "show", "1"]);
    assert_eq!(
        err,
        "error: accounts acme, support each have an agreement 1\nhelp: name one with \
         `--account`\n"
    );
    assert!(db
        .ok(&["agreements", "show", "1", "--account", "acme"])
        .starts_with("agreement 1 `Far Away` of `acme`: inbound, pending\n"));

    let missing = Db::new(&dir, "missing.db");
    for args in [
        &["agreements", "list"][..],
        &["accounts", "list"],
        &["outbox", "list"],
        &["agreements", "accept", "1", "--as", "acme"],
    ] {
        let out = missing.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("no store at"), "{args:?}");
    }
    assert!(!Path::new(&missing.0).exists(), "reading made a store");
}
