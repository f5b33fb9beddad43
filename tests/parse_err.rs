//! Every `tests/parse/err` file gives the diagnostics its `# expect:` line
//! names; the snapshot is the rendered report.

mod common;

use ticket_rules::rules::parse::parse_rules;

#[test]
fn parse_err_fixtures() {
    insta::glob!("parse/err/*.rules", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let (_, diags) = parse_rules(&src);
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        let expected = common::expected_codes(&src);
        assert!(
            !expected.is_empty(),
            "{}: no `# expect:` line",
            path.display()
        );
        for code in &expected {
            assert!(
                codes.contains(&code.as_str()),
                "{}: expected {code}, got {codes:?}",
                path.display()
            );
        }
        insta::assert_snapshot!(common::rendered(&common::shown(path), &src, &diags));
    });
}
