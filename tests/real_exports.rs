//! Every file in `tests/real-exports/` (trigger and automation JSON others
//! published, see its README) checks with 0 errors, goes to the DSL and back
//! with the same AST, and gets exactly the warnings in its snapshot.

mod common;

use ticket_rules::rules::format::format_file;
use ticket_rules::rules::parse::parse_rules;

#[test]
fn real_exports_load_clean_and_round_trip() {
    insta::glob!("real-exports/*.json", |path| {
        let (loaded, diags) = common::load_and_check(path);
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        assert!(
            !loaded.file.rules.is_empty(),
            "{}: no rules",
            path.display()
        );
        let dsl = format_file(&loaded.file);
        let (back, parse_diags) = parse_rules(&dsl);
        assert!(
            parse_diags.is_empty(),
            "{}: {parse_diags:#?}\n{dsl}",
            path.display()
        );
        assert_eq!(back.rules, loaded.file.rules, "{}:\n{dsl}", path.display());
        insta::assert_snapshot!(common::rendered(
            &common::shown(path),
            &loaded.source.text,
            &diags
        ));
    });
}

#[test]
fn the_corpus_has_ten_files_each_with_a_source() {
    let readme = std::fs::read_to_string("tests/real-exports/README.md").unwrap();
    let files: Vec<String> = std::fs::read_dir("tests/real-exports")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert!(files.len() >= 10, "{files:?}");
    for name in &files {
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} has no source in the README"
        );
    }
}
