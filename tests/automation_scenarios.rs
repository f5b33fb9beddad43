//! Scenario folders under `tests/automation/`: tickets ingested at given
//! times, then `automations run --at T` through the real binary. The
//! harness (`common::scenario`) checks each run against its dry run and
//! runs it a second time at once, which must change nothing.

mod common;

use common::scenario::{folders, scenario};

/// The issue asks for at least this many.
const MIN_SCENARIOS: usize = 15;

#[test]
fn scenarios() {
    let dirs = folders("automation");
    for (dir, name) in &dirs {
        let text = scenario(dir, "automation", name);
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("automation", text);
        });
    }
    assert!(dirs.len() >= MIN_SCENARIOS, "only {} scenarios", dirs.len());
}
