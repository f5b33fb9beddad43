//! `load(to_yaml(load(x))) == load(x)` for every YAML and JSON rule file in
//! the tests and the examples, with a snapshot of the YAML written. (glob!
//! tests live alone in this file: insta's glob failures can bleed into
//! other tests running in parallel.)

use ticket_rules::rules::convert::{to_json, to_yaml};
use ticket_rules::rules::yaml::load;

fn round_trip(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let json = path.extension().is_some_and(|e| e == "json");
    let (file, diags) = load(&text, json);
    assert!(
        diags.iter().all(|d| !d.is_error()),
        "{}: {diags:#?}",
        path.display()
    );
    let yaml = to_yaml(&file).unwrap_or_else(|e| panic!("{}: {e:#?}", path.display()));
    let (again, diags) = load(&yaml, false);
    assert!(diags.is_empty(), "{}: {diags:#?}\n{yaml}", path.display());
    assert_eq!(
        again,
        file,
        "{}: YAML does not read back\n{yaml}",
        path.display()
    );
    let json_text = to_json(&file).unwrap();
    let (again, diags) = load(&json_text, true);
    assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
    assert_eq!(again, file, "{}: JSON does not read back", path.display());
    insta::assert_snapshot!(yaml);
}

#[test]
fn yaml_and_json_fixtures_round_trip() {
    insta::glob!("yaml/*.{yaml,yml,json}", round_trip);
}

#[test]
fn example_files_round_trip() {
    let has_any = std::fs::read_dir("rules-examples")
        .map(|d| {
            d.flatten().any(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            })
        })
        .unwrap_or(false);
    if has_any {
        insta::glob!("../rules-examples", "*.{yaml,yml,json}", round_trip);
    }
}
