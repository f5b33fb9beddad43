//! Issue 14's hostile sizes through the real binary: one event with
//! 100,000 tags is applied whole, and an update that replaces them all
//! leaves exactly the set it names. Both used to take time quadratic in
//! the tags (tag lists checked with `Vec::contains`); `benches/ingest.rs`
//! measures them, this test checks what they store.

mod common;
use common::desk::{lines, text, Desk};
use serde_json::json;
use ticket_rules::store::{AuditEntry, Store};

const TAGS: usize = 100_000;

fn tags(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("t{n}")).collect()
}

#[test]
fn one_event_with_100k_tags_is_stored_whole() {
    let desk = Desk::new("ingest_large_tags");
    let agent = [
        "agents",
        "add",
        "--db",
        "store.db",
        "support",
        "a@support.example",
    ];
    assert!(desk.run(&agent).status.success());
    let mut create_tags = tags(0..TAGS);
    // Repeats and upper case fold into the set, as in any tag list.
    create_tags.push("T7".into());
    create_tags.push("t8".into());
    let create = json!({
        "id": "big", "type": "create", "account": "support",
        "at": "2026-11-21T09:00:00Z", "via": "email",
        "actor": {"email": "u@example.com", "role": "end_user"},
        "ticket": {"id": 1, "subject": "many tags", "requester": "u@example.com",
                   "tags": create_tags},
    });
    // Half the old tags stay, half go, and as many new ones come.
    let replace = json!({
        "id": "swap", "type": "update", "account": "support", "ticket_id": 1,
        "at": "2026-11-21T10:00:00Z", "via": "web",
        "actor": {"email": "a@support.example", "role": "agent"},
        "changes": {"tags": tags(TAGS / 2..TAGS + TAGS / 2)},
    });
    desk.write("events.jsonl", &lines([create, replace]));
    let out = desk.ingest("events.jsonl", &["--max-line-bytes", "4000000"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 applied, 0 rejected"),
        "{}",
        text(&out.stdout)
    );

    let store = Store::open_existing(&desk.path("store.db")).unwrap();
    let ticket = store.ticket("support", 1).unwrap().expect("ticket 1");
    let want: ticket_rules::model::Tags = tags(TAGS / 2..TAGS + TAGS / 2)
        .into_iter()
        .map(Into::into)
        .collect();
    assert_eq!(ticket.tags.len(), TAGS);
    assert_eq!(ticket.tags, want);
    let audit = store.audit("support", 1).unwrap();
    // Audit rows read `tag t5 added`.
    let of = |event: &str, what: &str| {
        let tag_change = |a: &&AuditEntry| a.change.starts_with("tag ") && a.change.ends_with(what);
        audit
            .iter()
            .filter(|a| a.event_id == event)
            .filter(tag_change)
            .count()
    };
    // The rule's `seen` comes on top of the create's own tags; the swap
    // removes `seen` and half the rest, and adds as many.
    assert_eq!(of("big", " added"), TAGS + 1, "{:?}", &audit[..3]);
    assert_eq!(of("swap", " removed"), TAGS / 2 + 1);
    assert_eq!(of("swap", " added"), TAGS / 2);
}
