//! `load(to_yaml(load(x))) == load(x)` for every YAML and JSON rule file in
//! the tests and the examples, with a snapshot of the YAML written. (glob!
//! tests live alone in this file: insta's glob failures can bleed into
//! other tests running in parallel.)

mod common;

use common::round_trip::round_trip;

#[test]
fn yaml_and_json_fixtures_round_trip() {
    insta::glob!("yaml/*.{yaml,yml,json}", |path| {
        insta::assert_snapshot!(round_trip(path));
    });
}
