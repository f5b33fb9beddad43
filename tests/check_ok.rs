//! Every `tests/check/ok` file passes `check` with no errors, and with
//! exactly the warnings its `# expect:` line names (none when it has none).

mod common;

use ticket_rules::rules::check::{agreements_from_json, check, check_titles, CheckOptions};
use ticket_rules::rules::load_path;

fn options_for(path: &std::path::Path) -> CheckOptions {
    let name = path.file_name().unwrap().to_string_lossy();
    if !name.starts_with("agreement") {
        return CheckOptions::default();
    }
    let json = path
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("agreements.json");
    let text = std::fs::read_to_string(&json).unwrap();
    CheckOptions {
        agreements: Some(agreements_from_json("agreements.json", &text).unwrap()),
    }
}

#[test]
fn check_ok_fixtures() {
    insta::glob!("check/ok/*.{rules,yaml,json}", |path| {
        let mut loaded = load_path(path).unwrap();
        let mut diags = std::mem::take(&mut loaded.diagnostics);
        diags.extend(check(&loaded.file, &options_for(path)));
        diags.extend(check_titles(&[&loaded.file]).into_iter().map(|(_, d)| d));
        let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        let mut expected = common::expected_codes(&loaded.source.text);
        codes.sort();
        expected.sort();
        assert_eq!(codes, expected, "{}", path.display());
        assert!(
            !loaded.file.rules.is_empty(),
            "{}: no rules",
            path.display()
        );
        insta::assert_snapshot!(common::rendered(
            &common::shown(path),
            &loaded.source.text,
            &diags
        ));
    });
}
