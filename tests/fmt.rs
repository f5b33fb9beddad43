//! Snapshot tests for the formatter: every `tests/fmt/*.rules` input,
//! formatted. Properties (round trip, idempotence) are in
//! `fmt_properties.rs`; `glob!` tests stay alone in this file.

use ticket_rules::rules::format::format_file;
use ticket_rules::rules::parse::parse_rules;

#[test]
fn formats_fixtures() {
    insta::glob!("fmt/*.rules", |path| {
        let src = std::fs::read_to_string(path).expect("fixture");
        let (file, diags) = parse_rules(&src);
        assert!(diags.is_empty(), "{}: {diags:?}", path.display());
        insta::assert_snapshot!(format_file(&file));
    });
}
