//! `convert`: DSL to Zendesk-shaped YAML (pushing `not` inward), what does
//! not fit, and the `convert` subcommand.

use std::path::PathBuf;
use std::process::Command;
use ticket_rules::rules::ast::*;
use ticket_rules::rules::convert::to_yaml;
use ticket_rules::rules::diagnostics::SourceFile;
use ticket_rules::rules::format::format_file;
use ticket_rules::rules::parse::parse_rules;
use ticket_rules::rules::yaml::load;

fn parse_ok(src: &str) -> RuleFile {
    let (file, diags) = parse_rules(src);
    assert!(diags.is_empty(), "{diags:#?}");
    file
}

fn yaml_of(dsl: &str) -> String {
    to_yaml(&parse_ok(dsl)).unwrap_or_else(|e| panic!("{e:#?}"))
}

/// The run succeeded; its stderr says why when not.
fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
}

#[test]
fn support_example_converts_with_not_pushed_inward() {
    let src = std::fs::read_to_string("rules-examples/support.rules").unwrap();
    let yaml = yaml_of(&src);
    assert!(yaml.contains("- { field: status, operator: is_not, value: solved }\n"));
    assert!(yaml.contains("- { field: status, operator: is_not, value: closed }\n"));
    insta::assert_snapshot!("support_rules_as_yaml", yaml);
    let (back, diags) = load(&yaml, false);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(back.rules.len(), 5);
    assert_eq!(
        to_yaml(&back).unwrap(),
        yaml,
        "converting again changes nothing"
    );
}

#[test]
fn not_becomes_the_inverse_operator() {
    let cases = [
        (
            "not status is open",
            "status, operator: is_not, value: open",
        ),
        (
            "not tags contains at least one of a b",
            "current_tags, operator: not_includes, value: a b",
        ),
        (
            "not tags contains none of a",
            "current_tags, operator: includes, value: a",
        ),
        (
            "not subject contains \"x\"",
            "subject_includes_word, operator: is_not, value: x",
        ),
        (
            "not comment text contains any of the words a",
            "comment_includes_word, operator: not_includes, value: a",
        ),
        ("not group changed", "group_id, operator: not_changed }"),
        (
            "not status changed to solved",
            "status, operator: not_value, value: solved",
        ),
        (
            "not status not changed from open",
            "status, operator: value_previous, value: open",
        ),
        (
            "not custom field \"Tier\" is present",
            "custom_fields_Tier, operator: not_present }",
        ),
        (
            "not status less than solved",
            "status, operator: greater_than, value: hold",
        ),
        (
            "not status greater than open",
            "status, operator: less_than, value: pending",
        ),
        (
            "not shared with \"Acme\"",
            "sent_to, operator: is_not, value: Acme",
        ),
        (
            "not not status is open",
            "status, operator: is, value: open",
        ),
        (
            "not ticket is shared with agent \"cy@s.test\"",
            "shared_with_agent, operator: is_not, value: cy@s.test",
        ),
        (
            "not ticket is not shared with agent cy@s.test",
            "shared_with_agent, operator: is, value: cy@s.test",
        ),
    ];
    for (cond, expected) in cases {
        let yaml = yaml_of(&format!("trigger \"t\" {{ when {cond} then add tags x }}"));
        assert!(
            yaml.contains(&format!("- {{ field: {expected}")),
            "{cond}:\n{yaml}"
        );
    }
}

#[test]
fn de_morgan_fits_all_and_any() {
    let yaml = yaml_of(
        "trigger \"t\" { when ticket is created and not (status is open and priority is high) then add tags x }",
    );
    assert!(yaml.contains("any:\n        - { field: status, operator: is_not, value: open }\n        - { field: priority, operator: is_not, value: high }\n"), "{yaml}");
    let (back, _) = load(&yaml, false);
    let Some(Expr::All(items)) = &back.rules[0].conditions else {
        panic!()
    };
    assert!(matches!(items.last(), Some(Expr::Any(a)) if a.len() == 2));
}

#[test]
fn what_does_not_fit_is_named_at_its_span() {
    let path = "tests/yaml/does_not_fit.rules";
    let src = std::fs::read_to_string(path).unwrap();
    let errors = to_yaml(&parse_ok(&src)).unwrap_err();
    let f = SourceFile::new(path, src.clone());
    let found: Vec<(usize, &str, &str)> = errors
        .iter()
        .map(|d| (f.line_col(d.span.start).0, d.code, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                4,
                "does-not-fit",
                "`and` inside `or` does not fit Zendesk's all/any conditions"
            ),
            (
                9,
                "does-not-fit",
                "a second `or` inside `and` does not fit Zendesk's all/any conditions"
            ),
            (
                14,
                "does-not-fit",
                "`not` before `hours since solved is` does not fit Zendesk's all/any conditions"
            ),
        ]
    );
    assert!(errors.iter().all(|d| d.is_error() && d.help.is_some()));
    let d = &errors[2];
    assert_eq!(&src[d.span.start..d.span.end], "Hours since solved is 24");
    for (cond, _) in [
        ("not status less than new", ""),
        ("not priority less than high", ""),
        ("not tags contains all of a b", ""),
        ("not subject matches /x/", ""),
        ("not comment is public", ""),
    ] {
        let file = parse_ok(&format!("trigger \"t\" {{ when {cond} then add tags x }}"));
        let errors = to_yaml(&file).unwrap_err();
        assert_eq!(errors[0].code, "does-not-fit", "{cond}");
    }
}

#[test]
fn zendesk_passthrough_goes_out_as_it_came() {
    let src = r#"{"triggers": [{"title": "T", "conditions": {"all": [
  {"field": "ticket_form_id", "operator": "is", "value": 360000123456},
  {"field": "OPEN", "operator": "less_than_business_hours", "value": "8"}]},
  "actions": [{"field": "notification_webhook", "value": ["01GW", "{\"a\": [1, {\"b\": null}]}"]},
              {"field": "follower", "value": {"id": 5}}]}]}"#;
    let (file, diags) = load(src, true);
    assert!(diags.is_empty(), "{diags:#?}");
    let yaml = to_yaml(&file).unwrap();
    assert!(
        yaml.contains("- { field: ticket_form_id, operator: is, value: 360000123456 }"),
        "{yaml}"
    );
    assert!(
        yaml.contains("- { field: OPEN, operator: less_than_business_hours, value: \"8\" }"),
        "{yaml}"
    );
    assert!(
        yaml.contains("- field: follower\n        value: { id: 5 }\n"),
        "{yaml}"
    );
    assert_eq!(load(&yaml, false).0, file);
}

#[test]
fn odd_strings_survive_yaml() {
    let titles = [
        "yes",
        "No",
        "null",
        "~",
        "123",
        "1e3",
        "0x1F",
        "- dash",
        "a: b",
        "a #b",
        "#c",
        "'q'",
        "\"dq\"",
        "tab\there",
        "new\nline",
        "trailing ",
        " leading",
        "@at",
        "`tick`",
        "[x]",
        "{y}",
        "a, b",
        "ünïcödé ✓",
        "\u{7f}\u{85}\u{2028}",
        "*star",
        "&amp",
        "!bang",
        "%pct",
        "?q",
        "",
        ".5",
        "+1",
        "1_000",
        "2024-01-01",
        "12:30",
        "on",
        "Off",
        "=",
    ];
    for t in titles {
        let mut file = RuleFile::default();
        let (mut one, _) = load(
            "triggers:\n  - title: x\n    actions: [ { field: status, value: open } ]\n",
            false,
        );
        one.rules[0].title.node = t.to_string();
        one.rules[0].actions[0].args[0].node = Atom::Str(t.to_string());
        one.rules[0].actions[0].kind.node =
            ActionKind::SetCustomField(FieldKey::Title("Note".into()));
        file.rules = one.rules;
        let yaml = to_yaml(&file).unwrap();
        let (back, diags) = load(&yaml, false);
        assert!(diags.is_empty(), "{t:?}: {diags:#?}\n{yaml}");
        assert_eq!(back.rules[0].title.node, t, "{yaml}");
    }
}

#[test]
fn yaml_to_dsl_to_yaml_keeps_the_ast() {
    let roots = [PathBuf::from("tests/yaml"), PathBuf::from("rules-examples")];
    let paths: Vec<PathBuf> = ticket_rules::rules::collect_paths(&roots)
        .unwrap()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e != "rules"))
        .collect();
    assert!(paths.len() >= 4, "{paths:?}");
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let (file, _) = load(&text, path.extension().is_some_and(|e| e == "json"));
        assert!(!file.rules.is_empty(), "{}", path.display());
        let dsl = format_file(&file);
        let (back, diags) = parse_rules(&dsl);
        assert!(diags.is_empty(), "{}: {diags:#?}\n{dsl}", path.display());
        assert_eq!(back.rules, file.rules, "{}:\n{dsl}", path.display());
        let yaml = to_yaml(&back).unwrap();
        assert_eq!(load(&yaml, false).0.rules, file.rules, "{}", path.display());
    }
}

#[test]
fn cli_converts_to_yaml_and_json() {
    let out = bin()
        .args(["convert", "rules-examples/support.rules", "--to", "yaml"])
        .output()
        .unwrap();
    assert_ok(&out);
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.starts_with("triggers:\n"));
    // Warnings go to stderr, never into the converted text.
    assert!(String::from_utf8_lossy(&out.stderr).contains("trigger-refires"));

    let dir = std::env::temp_dir().join(format!("ticket-rules-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("out.json");
    let out = bin()
        .args([
            "convert",
            "tests/yaml/sharing.yaml",
            "--to",
            "json",
            "--output",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(out.stdout.is_empty());
    let json = std::fs::read_to_string(&target).unwrap();
    let (file, diags) = load(&json, true);
    assert!(diags.is_empty());
    assert_eq!(file.rules.len(), 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_converts_to_dsl() {
    let path = "tests/yaml/zendesk_export.json";
    let out = bin()
        .args(["convert", path, "--to", "dsl"])
        .output()
        .unwrap();
    assert_ok(&out);
    let dsl = String::from_utf8(out.stdout).unwrap();
    let (back, diags) = parse_rules(&dsl);
    assert!(diags.is_empty(), "{diags:#?}\n{dsl}");
    let (file, _) = load(&std::fs::read_to_string(path).unwrap(), true);
    assert_eq!(back.rules, file.rules);
}

#[test]
fn cli_fails_on_what_does_not_fit_and_on_check_errors() {
    let out = bin()
        .args(["convert", "tests/yaml/does_not_fit.rules", "--to", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[does-not-fit]"), "{err}");

    let dir = std::env::temp_dir().join(format!("ticket-rules-convert-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "triggers:\n  - title: T\n    actions: [ { field: status, value: opne } ]\n",
    )
    .unwrap();
    let out = bin()
        .args(["convert", "--to", "dsl"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[unknown-value]"));
    let out = bin()
        .args(["convert", "--to", "xml"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn agent_sharing_converts_both_ways() {
    let dsl = "trigger \"t\" {\n  when Ticket is not shared with agent \"cy@s.test\"\n  then Share ticket with agent \"cy@s.test\"\n       Unshare ticket from agent \"dee@s.test\"\n}\n";
    let yaml = yaml_of(dsl);
    assert!(
        yaml.contains("- { field: shared_with_agent, operator: is_not, value: cy@s.test }"),
        "{yaml}"
    );
    assert!(
        yaml.contains("- { field: share_ticket_with_agent, value: cy@s.test }"),
        "{yaml}"
    );
    assert!(
        yaml.contains("- { field: unshare_ticket_from_agent, value: dee@s.test }"),
        "{yaml}"
    );
    let (back, diags) = load(&yaml, false);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(format_file(&back), dsl);
}
