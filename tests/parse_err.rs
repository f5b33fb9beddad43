//! Every `tests/parse/err` file gives the diagnostics its `# expect:` line
//! names; the snapshot is the rendered report.

mod common;

use ticket_rules::rules::parse::parse_rules;

#[test]
fn parse_err_fixtures() {
    insta::glob!("parse/err/*.rules", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let (_, diags) = parse_rules(&src);
        common::assert_expected_codes(path, &src, &diags);
        insta::assert_snapshot!(common::rendered(&common::shown(path), &src, &diags));
    });
}
