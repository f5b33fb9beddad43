//! Semantic checks over the AST, whichever front end produced it. Every
//! problem is collected (never just the first); errors stop a rule file from
//! loading, warnings do not.
//!
//! Step one checks each condition and action on its own (field, operator,
//! values, placeholders, regexes): [`conditions`], [`actions`] and the
//! operand and argument checks they share in [`values`]. Step two
//! ([`whole_rule`]) looks at each rule as a whole: conditions that
//! contradict each other ([`contradictions`]), and rules that would fire again and again. Step
//! three looks across files: [`check_titles`], and triggers that undo each
//! other in [`cycles`]. Checks that need the account's sharing agreements
//! are in [`agreements`]. Last, [`allow`] drops the warnings a rule accepts
//! with a `# ticket-rules: allow(code) reason` comment.

mod actions;
mod agreements;
mod allow;
mod conditions;
mod contradictions;
mod cycles;
mod values;
mod whole_rule;

use super::ast::*;
use super::diagnostics::Diagnostic;
use std::collections::HashSet;
use whole_rule::top_level;

pub use agreements::{agreements_from_json, AgreementRef, AgreementsError};
pub use allow::apply_allows;
pub use cycles::check_cycles;
pub use values::words_of;

/// What `check` knows beyond the rule files.
#[derive(Default)]
pub struct CheckOptions {
    /// The account's sharing agreements, when `--agreements` was given.
    pub agreements: Option<Vec<AgreementRef>>,
}

/// Checks one rule file.
pub fn check(file: &RuleFile, options: &CheckOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &file.rules {
        let mut c = RuleChecker {
            rule,
            options,
            out: &mut out,
            not_run: HashSet::new(),
        };
        c.check_rule();
    }
    out
}

/// Duplicate titles across every file checked together: `(file index, diagnostic)`.
pub fn check_titles(files: &[&RuleFile]) -> Vec<(usize, Diagnostic)> {
    let mut seen: HashSet<(RuleKind, String)> = HashSet::new();
    let mut out = Vec::new();
    for (i, file) in files.iter().enumerate() {
        for rule in &file.rules {
            let key = (rule.kind, rule.title.node.trim().to_lowercase());
            if key.1.is_empty() {
                continue;
            }
            if !seen.insert(key) {
                let kind = rule.kind.keyword();
                let d = Diagnostic::warning(
                    "duplicate-title",
                    rule.title.span,
                    format!("duplicate {kind} title `{}`", rule.title.node),
                )
                .with_help(match rule.kind {
                    RuleKind::Trigger => "Zendesk allows it, but the audit trail names rules by title: rename one so you can tell them apart",
                    // Automation runs are keyed by title (`engine::automation::event_id`).
                    RuleKind::Automation => "Zendesk allows it, but runs and the audit trail name automations by title: in an hour the first changes a ticket, the second skips it; rename one",
                });
                out.push((i, d));
            }
        }
    }
    out
}

struct RuleChecker<'a> {
    rule: &'a Rule,
    options: &'a CheckOptions,
    out: &'a mut Vec<Diagnostic>,
    /// Zendesk fields and actions already reported `not-run` in this rule:
    /// one warning per name is enough.
    not_run: HashSet<String>,
}

impl RuleChecker<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn check_rule(&mut self) {
        let rule = self.rule;
        let errors_before = self.out.len();
        if rule.title.node.trim().is_empty() {
            self.push(
                Diagnostic::error("empty-title", rule.title.span, "rule has an empty title")
                    .with_help("give it a title that says what it does"),
            );
        }
        if rule.actions.is_empty() {
            self.push(
                Diagnostic::error("no-actions", rule.title.span, "rule has no actions")
                    .with_help("a rule needs at least one action after `then`"),
            );
        }
        if let Some(expr) = &rule.conditions {
            for cond in expr.conditions() {
                self.check_condition(cond);
            }
        }
        for action in &rule.actions {
            self.check_action(action);
        }
        // A rule with broken parts is not judged as a whole: what its parts
        // mean is not known.
        if self.out[errors_before..].iter().any(Diagnostic::is_error) {
            return;
        }
        let conjuncts = top_level(rule.conditions.as_ref());
        self.check_contradictions(&conjuncts);
        match rule.kind {
            RuleKind::Automation => self.check_automation_stops(&conjuncts),
            RuleKind::Trigger => self.check_trigger_stops(&conjuncts),
        }
    }
}
