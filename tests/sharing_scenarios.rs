//! Scenario folders under `tests/sharing/`, each a small network of
//! accounts in one store, driven through the real binary by a `script`:
//! one command per line (`agreements invite …`, `accounts set …`,
//! `ingest FILE`), each run with `--db` pointing at the scenario's store.
//! The harness (dry run before every ingest, replay at the end, the
//! snapshot of the transcript and the store) is `common::scenario`.

mod common;

use common::scenario::{scenario, scenario_dirs, words};

/// The issue asks for at least this many.
const MIN_SCENARIOS: usize = 20;

#[test]
fn scenarios() {
    let dirs = scenario_dirs("sharing");
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let text = scenario("sharing", dir, &name);
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
