//! Every `tests/check/err` file fails `check` with at least the codes its
//! `# expect:` line names; the snapshot is the rendered report. Files named
//! `agreement*` are checked against `tests/check/agreements.json`.

mod common;

#[test]
fn check_err_fixtures() {
    insta::glob!("check/err/*.{rules,yaml,json}", |path| {
        let (loaded, mut diags) = common::load_and_check(path);
        diags.sort_by_key(|d| (d.severity, d.span.start));
        common::assert_expected_codes(path, &loaded.source.text, &diags);
        assert!(
            diags.iter().any(|d| d.is_error()),
            "{}: no error",
            path.display()
        );
        insta::assert_snapshot!(common::rendered(
            &common::shown(path),
            &loaded.source.text,
            &diags
        ));
    });
}
