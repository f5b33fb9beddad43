//! `ticket-rules test`, the real binary over real test files: the
//! examples' and the demo's cases pass (so CI runs them), a failing case
//! shows the right diff, snapshots are written, reviewed and accepted,
//! JUnit output parses, coverage names an untested rule, and a test file
//! with mistakes gets diagnostics with line and column.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    common::scenario::run(dir, &args)
}

fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_examples_and_the_demo_pass() {
    let out = run(&["test", "rules-examples", "demo/rules"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(" 0 failed"), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
}

#[test]
fn the_examples_and_the_demo_cover_every_rule() {
    let out = run(&["test", "rules-examples", "demo/rules", "--coverage"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("rules no case fired"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("coverage: "))
        .expect("a coverage line");
    let words: Vec<&str> = line.split(' ').collect();
    assert_eq!(words[1], words[3], "{line}");
}

#[test]
fn a_failing_case_shows_expected_against_got_and_why_not() {
    let out = run(&["test", "tests/testing/failing.test.yaml"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let want = "  ok    a vip ticket is escalated
  FAIL  an urgent vip ticket is escalated
        must_fire:
          expected: `Escalate VIP tickets` fires
          got:      it did not; fired: (none)
            ✗ Priority less than High: priority is urgent
        ticket.priority:
          expected: high
          got:      urgent
2 cases: 1 passed, 1 failed
";
    assert!(text.ends_with(want), "{text}");
}

#[test]
fn filter_runs_only_matching_cases() {
    let out = run(&[
        "test",
        "tests/testing/failing.test.yaml",
        "--filter",
        "A VIP",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 case: 1 passed, 0 failed"), "{text}");
}

#[test]
fn json_lists_each_failure() {
    let out = run(&[
        "test",
        "tests/testing/failing.test.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 1);
    let case = &v["files"][0]["cases"][1];
    assert_eq!(case["status"], "failed");
    assert_eq!(case["failures"][0]["what"], "must_fire");
    assert_eq!(
        case["failures"][0]["why"][0],
        "✗ Priority less than High: priority is urgent"
    );
    assert_eq!(case["failures"][1]["what"], "ticket.priority");
    assert_eq!(case["failures"][1]["got"], "urgent");
}

#[test]
fn junit_output_is_well_formed() {
    let out = run(&["test", "tests/testing", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert_eq!(
        names,
        [
            "tests/testing/failing.test.yaml",
            "tests/testing/mistakes.test.yaml",
            "tests/testing/mistakes2.test.yaml"
        ]
    );
    let failing = suites[0];
    assert_eq!(failing.attribute("tests"), Some("2"));
    assert_eq!(failing.attribute("failures"), Some("1"));
    let cases: Vec<_> = failing
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert!(
        cases[0].children().all(|n| !n.is_element()),
        "a pass has no child"
    );
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure element");
    let body = failure.text().unwrap_or("");
    assert!(body.contains("got:      urgent"), "{body}");
    let error = suites[1]
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("the file with mistakes is an error");
    assert!(error.text().unwrap_or("").contains("unknown key `fird`"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("2"));
}

#[test]
fn coverage_names_an_untested_rule_and_one_way_conditions() {
    let out = run(&["test", "tests/testing/failing.test.yaml", "--coverage"]);
    let text = stdout(&out);
    assert!(
        text.contains("coverage: 2 of 3 rules fired in some case"),
        "{text}"
    );
    assert!(
        text.contains("  rules no case fired:\n    tests/testing/desk.rules:13:1: trigger `Never tested` (desk)\n"),
        "{text}"
    );
    assert!(
        text.contains("  conditions never seen true:\n    tests/testing/desk.rules:13:1: Tags contains at least one of never_seen\n"),
        "{text}"
    );
    let json = run(&[
        "test",
        "tests/testing/failing.test.yaml",
        "--coverage",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(v["coverage"]["never_fired"][0]["title"], "Never tested");
    assert_eq!(
        v["coverage"]["never_fired"][0]["at"],
        "tests/testing/desk.rules:13:1"
    );
}

#[test]
fn a_test_file_with_mistakes_gets_diagnostics_with_line_and_column() {
    let out = run(&["test", "tests/testing/mistakes.test.yaml"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let want = "error[test-file]: unknown key `fird` in `cases[0].expect`
  --> tests/testing/mistakes.test.yaml:10:7
   |
10 |       fird: [Escalate VIP tickets]
   |       ^^^^
   = help: did you mean `fired`?
";
    assert!(text.contains(want), "{text}");
    let first = text;
    let out = run(&["test", "tests/testing/mistakes2.test.yaml"]);
    let text = stdout(&out);
    let both = format!("{first}{text}");
    for code in ["test-file", "bad-event", "unknown-rule", "unknown-account"] {
        assert!(both.contains(&format!("error[{code}]")), "{code}: {both}");
    }
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[bad-event]: in `when`: unknown status `opne`"),
        "{text}"
    );
    assert!(
        text.contains("--> tests/testing/mistakes2.test.yaml:10:28"),
        "{text}"
    );
    assert!(
        text.contains("error[unknown-rule]: no rule `Escalate VIP tickts` in `desk`'s rules"),
        "{text}"
    );
    assert!(
        text.contains("--> tests/testing/mistakes2.test.yaml:19:19"),
        "{text}"
    );
    assert!(
        text.contains("did you mean `Escalate VIP tickets`?"),
        "{text}"
    );
    let field = "error[test-file]: unknown ticket field `priorty`
  --> tests/testing/mistakes2.test.yaml:28:17
   |
28 |       ticket: { priorty: high }
   |                 ^^^^^^^
   = help: did you mean `priority`?
";
    assert!(text.contains(field), "{text}");
}

#[test]
fn no_test_files_is_a_usage_error() {
    let out = run(&["test", "grammar"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no test files in `grammar`"), "{err}");
}

/// A folder of its own with the desk's rules and one snapshot case.
fn snapshot_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ticket-rules-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let rules = std::fs::read_to_string("tests/testing/desk.rules").unwrap();
    std::fs::write(dir.join("desk.rules"), rules).unwrap();
    let case = "accounts: { desk: { rules: desk.rules } }
cases:
  - name: VIP escalation, whole outcome
    given: { ticket: { subject: Broken, priority: normal, tags: [vip] } }
    when: { event: { changes: { comment: { body: Any news? } } } }
    expect: snapshot
";
    std::fs::write(dir.join("desk.test.yaml"), case).unwrap();
    dir
}

#[test]
fn a_snapshot_is_written_reviewed_and_accepted() {
    let dir = snapshot_dir("snapshot");
    let snap = dir.join("desk.snapshots/vip-escalation-whole-outcome.snap");
    // New: the case fails and shows what it would store.
    let out = run_in(&dir, &["test"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("new snapshot: `./desk.snapshots/vip-escalation-whole-outcome.snap`"),
        "{text}"
    );
    assert!(text.contains("`test --review` shows them all"), "{text}");
    assert!(!snap.exists());
    let review = stdout(&run_in(&dir, &["test", "--review"]));
    assert!(diff_line(&review, '+', "\"after\": \"high\""), "{review}");
    assert!(!review.contains("more lines"), "{review}");
    // Accepted: written, and the case passes from then on.
    let out = run_in(&dir, &["test", "--accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let stored = std::fs::read_to_string(&snap).unwrap();
    let v: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(v[0]["outcome"]["fired"][0]["title"], "Escalate VIP tickets");
    assert_eq!(v[0]["outcome"]["fired"][0]["source"], "desk.rules:3:1");
    assert_eq!(run_in(&dir, &["test"]).status.code(), Some(0));
    // The rule changes: the diff shows the new effect against the stored one.
    let rules = std::fs::read_to_string(dir.join("desk.rules")).unwrap();
    let changed = rules.replace("then Set priority high", "then Set priority urgent");
    std::fs::write(dir.join("desk.rules"), changed).unwrap();
    let out = run_in(&dir, &["test", "--review"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("snapshot differs"), "{text}");
    assert!(diff_line(&text, '-', "\"after\": \"high\""), "{text}");
    assert!(diff_line(&text, '+', "\"after\": \"urgent\""), "{text}");
    assert_eq!(
        std::fs::read_to_string(&snap).unwrap(),
        stored,
        "review writes nothing"
    );
    assert_eq!(run_in(&dir, &["test", "--accept"]).status.code(), Some(0));
    assert!(std::fs::read_to_string(&snap)
        .unwrap()
        .contains("\"after\": \"urgent\""));
    assert_eq!(run_in(&dir, &["test"]).status.code(), Some(0));
    // A renamed case leaves its old snapshot behind until --accept.
    let case = std::fs::read_to_string(dir.join("desk.test.yaml")).unwrap();
    let renamed = case.replace("VIP escalation, whole outcome", "VIP escalation");
    std::fs::write(dir.join("desk.test.yaml"), renamed).unwrap();
    let text = stdout(&run_in(&dir, &["test"]));
    assert!(
        text.contains("new snapshot: `./desk.snapshots/vip-escalation.snap`"),
        "{text}"
    );
    let note = "note: no case makes `./desk.snapshots/vip-escalation-whole-outcome.snap` any more";
    assert!(text.contains(note), "{text}");
    assert_eq!(run_in(&dir, &["test", "--accept"]).status.code(), Some(0));
    assert!(!snap.exists());
    assert!(dir.join("desk.snapshots/vip-escalation.snap").exists());
    let text = stdout(&run_in(&dir, &["test"]));
    assert!(!text.contains("note:"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Does the diff in `text` have a line marked `mark` with `content`?
fn diff_line(text: &str, mark: char, content: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .any(|l| l.starts_with(mark) && l.contains(content))
}

#[test]
fn dry_run_save_test_pins_todays_outcome() {
    let dir = snapshot_dir("save-test");
    let ticket = r#"{"id": 4, "subject": "Broken", "priority": "normal", "tags": ["vip"]}"#;
    std::fs::write(dir.join("ticket.json"), ticket).unwrap();
    let event = r#"{"id":"e1","type":"update","account":"support","at":"2026-11-21T10:00:00Z","ticket_id":4,"changes":{"comment":{"body":"I want a refund"}}}"#;
    std::fs::write(dir.join("events.jsonl"), format!("{event}\n")).unwrap();
    let common = [
        "dry-run",
        "--rules",
        "desk.rules",
        "--ticket-json",
        "ticket.json",
    ];
    let with_event = [&common[..], &["--event", "events.jsonl"]].concat();
    let out = run_in(
        &dir,
        &[&with_event[..], &["--save-test", "pinned.test.yaml"]].concat(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("saved case `event e1 as it runs today` to `pinned.test.yaml`"),
        "{err}"
    );
    // A create from the ticket alone goes into the same file.
    let out = run_in(
        &dir,
        &[&common[..], &["--save-test", "pinned.test.yaml"]].concat(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("pinned.test.yaml")).unwrap();
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(doc["accounts"]["support"]["rules"][0], "desk.rules");
    let first = &doc["cases"][0];
    assert_eq!(first["given"]["ticket"]["tags"][0], "vip");
    // The ticket is stored as it stands, so the escalation fires on e1.
    let fired = serde_json::json!(["Escalate VIP tickets", "Tag refund requests"]);
    assert_eq!(first["expect"]["fired"], fired);
    assert_eq!(first["expect"]["ticket"]["priority"], "high");
    assert_eq!(
        first["expect"]["tags"],
        serde_json::json!(["refund", "vip"])
    );
    assert_eq!(
        doc["cases"][1]["expect"]["fired"][0],
        "Escalate VIP tickets"
    );
    assert_eq!(doc["cases"][1]["expect"]["ticket"]["priority"], "high");
    let out = run_in(&dir, &["test", "pinned.test.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("2 cases: 2 passed, 0 failed"));
    // Once the rules change, the pinned cases say what changed.
    let rules = std::fs::read_to_string(dir.join("desk.rules")).unwrap();
    std::fs::write(
        dir.join("desk.rules"),
        rules.replace("words refund", "words money"),
    )
    .unwrap();
    let out = run_in(&dir, &["test", "pinned.test.yaml", "--filter", "e1"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let want = "expected: `Escalate VIP tickets`, `Tag refund requests`\n          got:      `Escalate VIP tickets`\n";
    assert!(text.contains(want), "{text}");
    assert!(text.contains("            `Tag refund requests` did not fire:\n              ✗ Comment text contains any of the words money: "), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every cut of real test files, run: diagnostics or results, never a
/// panic.
#[test]
fn no_test_file_cut_short_panics() {
    let dir = snapshot_dir("cut");
    let texts = [
        std::fs::read_to_string("tests/testing/failing.test.yaml").unwrap(),
        std::fs::read_to_string("tests/testing/mistakes2.test.yaml").unwrap(),
    ];
    let path = dir.join("cut.test.yaml");
    let options = ticket_rules::testing::suite::Options::default();
    for text in &texts {
        let cuts = (0..text.len())
            .step_by(13)
            .filter(|&i| text.is_char_boundary(i));
        for cut in cuts {
            std::fs::write(&path, &text[..cut]).unwrap();
            let results =
                ticket_rules::testing::suite::run(std::slice::from_ref(&path), &options).unwrap();
            assert_eq!(results.files.len(), 1);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rules_with_errors_are_reported_and_nothing_runs() {
    let dir = snapshot_dir("bad-rules");
    let bad =
        "trigger \"Escalate VIP tickets\" {\n  when Statuss is open\n  then Set priority high\n}\n";
    std::fs::write(dir.join("desk.rules"), bad).unwrap();
    let out = run_in(&dir, &["test"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[unknown-field]: unknown field `Statuss`"),
        "{text}"
    );
    assert!(text.contains("--> ./desk.rules:2:8"), "{text}");
    assert!(
        text.contains("0 cases: 0 passed, 0 failed; 1 file with mistakes"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_given_share_that_is_refused_stops_the_case() {
    let dir = snapshot_dir("given-share");
    let case = "accounts: { desk: { rules: desk.rules } }
cases:
  - name: shared over an agreement the desk does not have
    given: { ticket: { subject: Broken, shared_with: Nowhere Inc } }
    when: { event: { changes: { priority: high } } }
    expect: { fired: [] }
";
    std::fs::write(dir.join("desk.test.yaml"), case).unwrap();
    let out = run_in(&dir, &["test"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("  ERROR shared over an agreement the desk does not have\n        sharing the given ticket was refused: `Nowhere Inc`: "), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
