//! Scenario folders under `tests/sharing/`, each a small network of
//! accounts in one store, driven through the real binary by a `script`
//! (see `common::scenario` for what the harness checks on each line).

mod common;

use common::scenario::{folders, scenario, words};

/// The issue asks for at least this many.
const MIN_SCENARIOS: usize = 20;

#[test]
fn scenarios() {
    let dirs = folders("sharing");
    for (dir, name) in &dirs {
        let text = scenario(dir, "sharing", name);
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("sharing", text);
        });
    }
    assert!(dirs.len() >= MIN_SCENARIOS, "only {} scenarios", dirs.len());
}

#[test]
fn script_words_keep_quoted_text_together() {
    assert_eq!(
        words(r#"agreements invite --from support --name "Acme Optics" --sync-tags"#),
        [
            "agreements",
            "invite",
            "--from",
            "support",
            "--name",
            "Acme Optics",
            "--sync-tags"
        ]
    );
    assert_eq!(words(r#"a "" b"#), ["a", "", "b"]);
}
