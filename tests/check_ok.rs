//! Every `tests/check/ok` file passes `check` with no errors, and with
//! exactly the warnings its `# expect:` line names (none when it has none).

mod common;

#[test]
fn check_ok_fixtures() {
    insta::glob!("check/ok/*.{rules,yaml,json}", |path| {
        let (loaded, diags) = common::load_and_check(path);
        let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        let mut expected = common::expected_codes(&loaded.source.text);
        codes.sort();
        expected.sort();
        assert_eq!(codes, expected, "{}", path.display());
        assert!(
            !loaded.file.rules.is_empty(),
            "{}: no rules",
            path.display()
        );
        insta::assert_snapshot!(common::rendered(
            &common::shown(path),
            &loaded.source.text,
            &diags
        ));
    });
}
