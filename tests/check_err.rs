//! Every `tests/check/err` file fails `check` with at least the codes its
//! `# expect:` line names; the snapshot is the rendered report. Files named
//! `agreement*` are checked against `tests/check/agreements.json`.

mod common;

#[test]
fn check_err_fixtures() {
    insta::glob!("check/err/*.{rules,yaml,json}", |path| {
        let (loaded, mut diags) = common::load_and_check(path);
        diags.sort_by_key(|d| (d.severity, d.span.start));
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        let expected = common::expected_codes(&loaded.source.text);
        assert!(
            !expected.is_empty(),
            "{}: no `# expect:` line",
            path.display()
        );
        assert!(
            diags.iter().any(|d| d.is_error()),
            "{}: no error",
            path.display()
        );
        for code in &expected {
            assert!(
                codes.contains(&code.as_str()),
                "{}: expected {code}, got {codes:?}",
                path.display()
            );
        }
        insta::assert_snapshot!(common::rendered(
            &common::shown(path),
            &loaded.source.text,
            &diags
        ));
    });
}
