//! Every `tests/parse/ok` file parses with no diagnostics; the snapshot is
//! an outline of its AST.

mod common;

use ticket_rules::rules::parse::parse_rules;

#[test]
fn parse_ok_fixtures() {
    insta::glob!("parse/ok/*.rules", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let (file, diags) = parse_rules(&src);
        assert!(diags.is_empty(), "{}: {diags:?}", path.display());
        insta::assert_snapshot!(common::outline(&file));
    });
}
