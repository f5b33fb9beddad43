//! A generated set of 10,000 triggers whose actions only add tags gets no
//! warning at all: adding a tag that is there already changes nothing, so
//! a second pass is invisible, and tags only pile up, so no two of these
//! triggers can undo each other. A warning on every rule is one nobody reads.

use ticket_rules::rules::check::{check, check_cycles, CheckOptions};
use ticket_rules::rules::parse::parse_rules;

/// The set, in the DSL: ten shapes of condition, each adding tags.
pub fn tag_set(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let (a, b, c) = (i % 500, (i * 7 + 3) % 500, (i * 13 + 5) % 500);
        let (when, add) = match i % 10 {
            0 => (
                format!("Ticket is Created and Tags contains at least one of t{a} t{b}"),
                format!("t{c}"),
            ),
            1 => (
                format!("Status is Open and Tags contains at least one of t{a}"),
                format!("t{c} t{b}"),
            ),
            2 => ("Priority is Urgent".to_string(), format!("urgent_{c}")),
            3 => (
                format!("Tags contains none of t{c} and Status less than Solved"),
                format!("t{c}"),
            ),
            4 => (
                format!("Ticket is Updated and Tags contains all of t{a} t{b}"),
                format!("t{c}"),
            ),
            5 => (
                format!("Comment is Public and Tags contains at least one of t{a}"),
                format!("t{c}"),
            ),
            6 => (
                format!("Group is \"Tier 2\" and Tags contains none of t{a}"),
                format!("t{b}"),
            ),
            7 => ("Update via is email".to_string(), format!("via_email_{i}")),
            8 => (
                "Ticket source is web and Type is incident".to_string(),
                format!("t{c}"),
            ),
            _ => (
                format!("(Tags contains at least one of t{a} or Priority is High)"),
                format!("t{c}"),
            ),
        };
        out.push_str(&format!(
            "trigger \"tag rule {i}\" {{\n  when {when}\n  then Add tags {add}\n}}\n\n"
        ));
    }
    out
}

#[test]
fn ten_thousand_tag_adding_triggers_get_no_warning() {
    let text = tag_set(10_000);
    let (file, diags) = parse_rules(&text);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(file.rules.len(), 10_000);
    let mut warnings = check(&file, &CheckOptions::default());
    warnings.extend(check_cycles(&[&file]).into_iter().map(|(_, d)| d));
    let codes: Vec<&str> = warnings.iter().take(5).map(|d| d.code).collect();
    assert!(
        warnings.is_empty(),
        "{} warnings, first {codes:?}",
        warnings.len()
    );
}

#[test]
fn the_same_set_with_a_visible_action_is_warned_about() {
    // The test above can fail: give every rule a visible action and the
    // unguarded ones are reported.
    let text = tag_set(100).replace("then Add tags", "then Set priority high\n       Add tags");
    let (file, diags) = parse_rules(&text);
    assert!(diags.is_empty(), "{diags:#?}");
    let warnings = check(&file, &CheckOptions::default());
    assert!(warnings.iter().all(|d| d.code == "trigger-refires"));
    assert!(warnings.len() >= 40, "{}", warnings.len());
}
