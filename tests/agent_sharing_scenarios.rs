//! Scenario folders under `tests/agent_sharing/`: one account's groups,
//! agents and tickets, and single tickets shared with agents outside
//! their group, driven through the real binary by a `script` (`groups
//! add`, `agents add`, `accounts set`, `tickets share`, `ingest FILE`,
//! `replies due`, …), each command run with `--db` pointing at the
//! scenario's store. The harness (dry run before every ingest, replay at
//! the end, the snapshot of the transcript and the store) is
//! `common::scenario`, shared with `sharing_scenarios`.

mod common;

use common::scenario::{folders, scenario};

/// The issue asks for at least this many.
const MIN_SCENARIOS: usize = 12;

#[test]
fn scenarios() {
    let dirs = folders("agent_sharing");
    for (dir, name) in &dirs {
        let text = scenario(dir, "agent_sharing", name);
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("agent_sharing", text);
        });
    }
    assert!(dirs.len() >= MIN_SCENARIOS, "only {} scenarios", dirs.len());
}
