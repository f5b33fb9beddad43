//! Step one for conditions: the field is known and run, the operator is one
//! it takes, the rule kind fits (time fields in automations, `changed` in
//! triggers), then the operand is checked in [`super::values`].

use super::values::words_of;
use super::whole_rule::{is_word, update_scoped};
use super::RuleChecker;
use crate::rules::ast::*;
use crate::rules::diagnostics::{list, Diagnostic};
use crate::rules::schema::{self, did_you_mean};

impl RuleChecker<'_> {
    pub(super) fn check_condition(&mut self, c: &Condition) {
        let field = &c.field.node;
        match field {
            Field::Unknown(name) => {
                let phrases = schema::field_phrases();
                let names = phrases
                    .iter()
                    .map(String::as_str)
                    .chain(schema::zendesk_field_names().map(|z| z as &str));
                let suggestion = did_you_mean(name, names);
                self.push(
                    Diagnostic::error(
                        "unknown-field",
                        c.field.span,
                        format!("unknown field `{name}`"),
                    )
                    .did_you_mean(suggestion)
                    .or_help("a condition starts with a field such as `status`, `tags`, `ticket source`, `update via` or `custom field \"…\"`"),
                );
                return;
            }
            Field::Zendesk(name) => {
                self.not_run_condition(name, c);
                return;
            }
            _ => {}
        }
        self.check_rule_kind_fits(c);
        let allowed = schema::ops_for(field);
        let fname = schema::field_name(field);
        match &c.op.node {
            Op::Unknown(word) => {
                let names: Vec<String> = allowed.iter().map(schema::op_name).collect();
                let zendesk = allowed
                    .iter()
                    .filter_map(schema::zendesk_op_name)
                    .map(|z| z as &str);
                let suggestion =
                    did_you_mean(word, names.iter().map(String::as_str).chain(zendesk));
                let d = Diagnostic::error(
                    "unknown-operator",
                    c.op.span,
                    format!("unknown operator `{word}` for `{fname}`"),
                );
                let d = match suggestion {
                    Some(s) => d.did_you_mean(Some(s)),
                    None => d.with_help(format!("`{fname}` takes {}", list(&names, "or"))),
                };
                self.push(d);
                return;
            }
            op if !allowed.contains(op) => {
                let names: Vec<String> = allowed.iter().map(schema::op_name).collect();
                self.push(
                    Diagnostic::error(
                        "operator-not-allowed",
                        c.op.span,
                        format!("`{fname}` does not take `{}`", schema::op_name(op)),
                    )
                    .with_help(format!("`{fname}` takes {}", list(&names, "or"))),
                );
                return;
            }
            _ => {}
        }
        let kind = schema::value_kind(field, &c.op.node);
        let what = match field {
            // The operator sits inside this condition's phrase.
            Field::SharedWithAgent => {
                format!("`ticket {} shared with agent`", schema::op_name(&c.op.node))
            }
            _ => format!("`{fname} {}`", schema::op_name(&c.op.node)),
        };
        self.check_values(&what, kind, &c.operand, c.span);
    }

    /// A Zendesk condition we do not run: once per field in a rule, with a
    /// "did you mean" when the field or operator is close to one we run.
    fn not_run_condition(&mut self, name: &str, c: &Condition) {
        let op = match &c.op.node {
            Op::Zendesk(op) => op.as_str(),
            _ => "",
        };
        if !self.not_run.insert(format!("condition {name}")) {
            return;
        }
        let ours = schema::zendesk_field_names().find(|z| z.eq_ignore_ascii_case(name));
        let suggestion = match ours {
            Some(_) => did_you_mean(op, schema::OPS.iter().map(|(_, _, z)| *z)),
            None => did_you_mean(name, schema::zendesk_field_names()),
        };
        let (written, span) = if ours.is_some() {
            (format!("{name} {op}"), c.field.span.join(c.op.span))
        } else {
            (name.to_string(), c.field.span)
        };
        self.push(
            Diagnostic::warning(
                "not-run",
                span,
                format!("condition `{written}` is loaded but not run"),
            )
            .did_you_mean(suggestion)
            .or_help("ticket-rules cannot evaluate it, so this rule never fires here"),
        );
    }

    fn check_rule_kind_fits(&mut self, c: &Condition) {
        let fname = schema::field_name(&c.field.node);
        let changed = matches!(
            c.op.node,
            Op::Changed
                | Op::NotChanged
                | Op::ChangedTo
                | Op::ChangedFrom
                | Op::NotChangedTo
                | Op::NotChangedFrom
        );
        match self.rule.kind {
            RuleKind::Trigger if schema::is_time_field(&c.field.node) => self.push(
                Diagnostic::error(
                    "time-condition-in-trigger",
                    c.field.span,
                    format!("`{fname}` only works in automations"),
                )
                .with_help("triggers run when a ticket changes; automations run on a clock"),
            ),
            RuleKind::Automation if changed => self.push(
                Diagnostic::error(
                    "changed-in-automation",
                    c.op.span,
                    format!("`{}` only works in triggers", schema::op_name(&c.op.node)),
                )
                .with_help("automations look at tickets as they are, not at an update"),
            ),
            RuleKind::Automation if needs_an_update(c) => self.push(
                Diagnostic::error(
                    "update-condition-in-automation",
                    if c.field.node == Field::Ticket {
                        c.span
                    } else {
                        c.field.span
                    },
                    format!("`{}` only works in triggers", condition_text(c)),
                )
                .with_help("automations look at tickets as they are, not at an update"),
            ),
            _ => {}
        }
    }
}

/// A condition about an update, which an automation run does not have:
/// per-update fields, and `ticket is created` / `ticket is updated`.
fn needs_an_update(c: &Condition) -> bool {
    update_scoped(c) || (c.field.node == Field::Ticket && !is_word(&c.operand, &["shared"]))
}

/// `ticket is updated`, or just the field for the others, for messages.
fn condition_text(c: &Condition) -> String {
    let field = schema::field_name(&c.field.node);
    match (&c.field.node, words_of(&c.operand)) {
        (Field::Ticket, Some(value)) => {
            format!(
                "{field} {} {}",
                schema::op_name(&c.op.node),
                value.to_lowercase()
            )
        }
        _ => field,
    }
}
