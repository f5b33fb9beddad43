//! `load(to_yaml(load(x))) == load(x)` (and the same through JSON) for one
//! YAML or JSON rule file; returns the YAML written, for a snapshot.

use ticket_rules::rules::convert::{to_json, to_yaml};
use ticket_rules::rules::yaml::load;

pub fn round_trip(path: &std::path::Path) -> String {
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
    yaml
}
