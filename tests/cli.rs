//! The real binary, run as an admin would: exit codes, output shape, colour.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ticket-rules"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_examples_is_clean() {
    let out = run(&["check", "rules-examples"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 errors"), "{}", stdout(&out));
}

#[test]
fn check_errors_exit_1_with_location() {
    let out = run(&["check", "tests/check/err/unknown_field.rules"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("tests/check/err/unknown_field.rules:3:8"),
        "{text}"
    );
    assert!(text.contains("did you mean `status`?"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour when not a terminal: {text}"
    );
}

#[test]
fn check_collects_errors_across_files_and_folders() {
    let out = run(&["check", "tests/check/err"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let files = std::fs::read_dir("tests/check/err").unwrap().count();
    assert!(text.contains(&format!("checked {files} files")), "{text}");
    for code in [
        "unknown-field",
        "bad-regex",
        "automation-never-stops",
        "unknown-value",
    ] {
        assert!(text.contains(&format!("error[{code}]")), "missing {code}");
    }
}

#[test]
fn check_json_lists_every_diagnostic() {
    let out = run(&[
        "check",
        "--format",
        "json",
        "tests/check/err/many_errors.rules",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let items = items.as_array().expect("a list");
    assert_eq!(items.len(), 6, "{items:?}");
    let first = &items[0];
    assert_eq!(first["path"], "tests/check/err/many_errors.rules");
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 8);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-field");
    assert_eq!(first["message"], "unknown field `Statuss`");
}

#[test]
fn check_agreements_file_names_agreements() {
    let bad = "tests/check/err/agreement_unknown.rules";
    let without = run(&["check", bad]);
    assert_eq!(
        without.status.code(),
        Some(0),
        "agreements unknown without --agreements"
    );
    let with = run(&["check", "--agreements", "tests/check/agreements.json", bad]);
    assert_eq!(with.status.code(), Some(1));
    assert!(stdout(&with).contains("did you mean `Acme Optics`?"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["check"],
        vec!["check", "no/such/file.rules"],
        vec!["check", "Cargo.toml"],
        vec!["check", "--agreements", "no-such.json", "rules-examples"],
        vec!["frobnicate"],
    ] {
        let out = run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}

#[test]
fn warnings_alone_exit_0() {
    let out = run(&["check", "tests/check/ok/warn_set_tags.rules"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("warning[set-tags]"));
    assert!(stdout(&out).contains("0 errors, 1 warning"));
}

#[test]
fn check_deny_warnings_fails_on_a_warning_an_allow_does_not_accept() {
    let out = run(&["check", "tests/check/ok/ticket_is_updated_refires.rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = run(&[
        "check",
        "--deny",
        "warnings",
        "tests/check/ok/ticket_is_updated_refires.rules",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("`--deny warnings`"),
        "{}",
        stdout(&out)
    );
    // The same warning accepted on its rule, with a reason: nothing left.
    for file in [
        "allow_with_reason.rules",
        "allow_in_yaml.yaml",
        "allow_in_json.json",
    ] {
        let path = format!("tests/check/ok/{file}");
        let out = run(&["check", "--deny", "warnings", &path]);
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        assert!(stdout(&out).contains("0 warnings"), "{}", stdout(&out));
    }
}

#[test]
fn a_bare_trigger_object_is_one_error() {
    let out = run(&[
        "check",
        "--format",
        "json",
        "tests/check/err/bare_trigger_object.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let items = items.as_array().expect("a list");
    assert_eq!(items.len(), 1, "{items:#?}");
    assert!(items[0]["help"].as_str().unwrap().contains("\"triggers\""));
}

#[test]
fn rule_files_with_any_name_load_by_content_or_rules_format() {
    let dir = std::env::temp_dir().join(format!("ticket-rules-any-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dsl = dir.join("support-rules.txt");
    std::fs::write(
        &dsl,
        "trigger \"T\" {\n  when Ticket is Created\n  then Add tags x\n}\n",
    )
    .unwrap();
    let json = dir.join("triggers-export");
    std::fs::copy("tests/real-exports/go-zendesk-triggers.json", &json).unwrap();
    let yaml = dir.join("escalations.conf");
    std::fs::copy("rules-examples/escalations.yaml", &yaml).unwrap();
    for path in [&dsl, &json, &yaml] {
        let out = run(&["check", path.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            stdout(&out)
        );
    }
    // `--rules-format` wins over the content: DSL read as YAML is an error.
    let out = run(&["check", "--rules-format", "yaml", dsl.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let out = run(&["check", "--rules-format", "dsl", dsl.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Text that is no rule file at all says how to name it.
    let other = dir.join("notes.txt");
    std::fs::write(&other, "just notes\n").unwrap();
    let out = run(&["check", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--rules-format"), "{err}");
}
