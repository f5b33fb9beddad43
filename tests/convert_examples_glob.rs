//! The round trip of `convert_glob.rs` over the YAML and JSON files in
//! `rules-examples/` (a glob test alone in its file, as insta wants).

mod common;

use common::round_trip::round_trip;

#[test]
fn example_files_round_trip() {
    insta::glob!("../rules-examples", "*.{yaml,yml,json}", |path| {
        // Test files sit beside the rules; they are not rules.
        if ticket_rules::rules::is_test_file(path) {
            return;
        }
        insta::assert_snapshot!(round_trip(path));
    });
}
