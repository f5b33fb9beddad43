//! Scenario folders under `tests/trust/`: what an event may claim, each
//! attack of issue 15's "Trust" points driven through the real binary by
//! a `script` (the harness is `common::scenario`: a dry run before every
//! ingest, a replay at the end, the transcript and the store as the
//! snapshot). The snapshot ends with every rejected event the store
//! recorded, with its id and reason: a rejection is on record, never
//! silent.

mod common;

use common::scenario::{folders, scenario};
use std::path::Path;
use ticket_rules::store::{EventState, Store};

/// The rejected events on record in a scenario's store.
fn rejected(name: &str) -> String {
    let db = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("trust")
        .join(name)
        .join("store.db");
    let store = Store::open_existing(&db).unwrap();
    let mut out = String::from("== rejected events on record\n");
    for e in store.events().unwrap() {
        if let EventState::Rejected { reason } = &e.state {
            let line = e.line.map_or(String::new(), |l| format!(" (line {l})"));
            out.push_str(&format!(
                "  {}{line}: {reason}\n",
                e.event_id.escape_debug()
            ));
        }
    }
    out
}

#[test]
fn scenarios() {
    let dirs = folders("trust");
    for (dir, name) in &dirs {
        let mut text = scenario(dir, "trust", name);
        text.push_str(&rejected(name));
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("trust", text);
        });
    }
    assert!(dirs.len() >= 5, "only {} scenarios", dirs.len());
}
