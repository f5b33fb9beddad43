//! Every `tests/check/err` file fails `check` with at least the codes its
//! `# expect:` line names; the snapshot is the rendered report. Files named
//! `agreement*` are checked against `tests/check/agreements.json`.

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
fn check_err_fixtures() {
    insta::glob!("check/err/*.{rules,yaml,json}", |path| {
        let mut loaded = load_path(path).unwrap();
        let mut diags = std::mem::take(&mut loaded.diagnostics);
        diags.extend(check(&loaded.file, &options_for(path)));
        diags.extend(check_titles(&[&loaded.file]).into_iter().map(|(_, d)| d));
        diags.sort_by_key(|d| (d.severity, d.span.start));
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        let expected = common::expected_codes(&loaded.source.text);
        assert!(
            !expected.is_empty(),
            "{}: no `# expect:` line",
            path.display()
        );
        assert!(
            diags.iter().any(|d| d.is_error()),
            "{}: no error",
            path.display()
        );
        for code in &expected {
            assert!(
                codes.contains(&code.as_str()),
                "{}: expected {code}, got {codes:?}",
                path.display()
            );
        }
        insta::assert_snapshot!(common::rendered(
            &common::shown(path),
            &loaded.source.text,
            &diags
        ));
    });
}
