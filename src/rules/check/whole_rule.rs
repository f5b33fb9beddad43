//! Step two: each rule as a whole. Conditions joined by `and` that can never
//! all hold, automations that would fire on every run, and triggers that
//! fire again on every later update (unless an action makes a condition
//! false, see [`falsifies`]).

use super::contradictions::first_contradiction;
use super::values::{atom_text, words_of};
use super::RuleChecker;
use crate::rules::ast::*;
use crate::rules::diagnostics::Diagnostic;
use crate::rules::schema;

impl RuleChecker<'_> {
    /// Conditions joined by `and` at the top that can never all hold.
    pub(super) fn check_contradictions(&mut self, conjuncts: &[&Expr]) {
        let conds: Vec<&Condition> = conjuncts
            .iter()
            .filter_map(|e| match e {
                Expr::Cond(c) => Some(c),
                _ => None,
            })
            .collect();
        let mut reported = false;
        if self.rule.kind == RuleKind::Automation {
            if let Some(c) = conds
                .iter()
                .find(|c| c.field.node == Field::HoursSince(TimeField::Closed))
            {
                self.push(self.never_fires(c.span, "hours since closed"));
                reported = true;
            }
        }
        for field in [Field::Status, Field::Priority] {
            let Some(order) = schema::ordering(&field) else {
                continue;
            };
            let on_field: Vec<&&Condition> =
                conds.iter().filter(|c| c.field.node == field).collect();
            if on_field.is_empty() {
                continue;
            }
            let mut allowed: Vec<bool> = vec![true; order.len()];
            if field == Field::Status && self.rule.kind == RuleKind::Automation {
                allowed[order.len() - 1] = false; // automations never see closed tickets
            }
            for c in &on_field {
                let Some(i) = enum_index(c, order) else {
                    continue;
                };
                for (j, slot) in allowed.iter_mut().enumerate() {
                    let keep = match c.op.node {
                        Op::Is => j == i,
                        Op::IsNot => j != i,
                        Op::LessThan => j < i,
                        Op::GreaterThan => j > i,
                        _ => true,
                    };
                    *slot &= keep;
                }
            }
            if !allowed.contains(&true) && !reported {
                let span = on_field
                    .iter()
                    .map(|c| c.span)
                    .reduce(Span::join)
                    .unwrap_or_default();
                self.push(self.never_fires(span, &schema::field_name(&field)));
                reported = true;
            }
        }
        if reported {
            return;
        }
        if let Some((i, j)) = first_contradiction(&conds) {
            let (a, b) = (conds[i], conds[j]);
            let span = a.span.join(b.span);
            self.push(self.never_fires(span, &schema::field_name(&a.field.node)));
        }
    }

    fn never_fires(&self, span: Span, field: &str) -> Diagnostic {
        let closed = if self.rule.kind == RuleKind::Automation
            && (field == "status" || field == "hours since closed")
        {
            " (automations skip closed tickets)"
        } else {
            ""
        };
        Diagnostic::warning(
            "never-fires",
            span,
            format!(
                "{} `{}` can never fire",
                self.rule.kind.keyword(),
                self.rule.title.node
            ),
        )
        .with_help(format!(
            "no ticket meets these `{field}` conditions at once{closed}"
        ))
    }

    pub(super) fn check_automation_stops(&mut self, conjuncts: &[&Expr]) {
        // A condition we do not run may be the one that stops it: Zendesk
        // checked that, and the rule never fires here anyway.
        if conjuncts
            .iter()
            .any(|e| once_only(e, RuleKind::Automation) || passthrough(e))
            || self.nullified(conjuncts)
        {
            return;
        }
        self.push(
            Diagnostic::error(
                "automation-never-stops",
                self.rule.title.span,
                format!("automation `{}` would fire on every run", self.rule.title.node),
            )
            .with_help("add a condition that is true only once (`hours since solved is 24`) or one its actions make false (`tags contains none of done` with `add tags done`)"),
        );
    }

    pub(super) fn check_trigger_stops(&mut self, conjuncts: &[&Expr]) {
        // A refire is only worth a warning where someone would see it, and a
        // rule with a condition we do not run never fires here at all.
        if !self.rule.actions.iter().any(refire_is_visible)
            || conjuncts.iter().any(|e| passthrough(e))
        {
            return;
        }
        let per_update = conjuncts.iter().any(|e| match e {
            Expr::Cond(c) => update_scoped(c) || once_only(e, RuleKind::Trigger),
            Expr::Not(inner) => matches!(&**inner, Expr::Cond(c) if update_scoped(c)),
            Expr::Any(items) => items
                .iter()
                .all(|i| matches!(i, Expr::Cond(c) if update_scoped(c))),
            Expr::All(_) => false,
        });
        if per_update || self.nullified(conjuncts) {
            return;
        }
        self.push(
            Diagnostic::warning(
                "trigger-refires",
                self.rule.title.span,
                format!("trigger `{}` fires again on every later update", self.rule.title.node),
            )
            .with_help("it sets a field people change, comments or notifies, and nothing in its conditions changes once it has fired; add one its actions make false, or `ticket is created`"),
        );
    }

    /// Does some action make a top-level condition false?
    fn nullified(&self, conjuncts: &[&Expr]) -> bool {
        conjuncts.iter().any(|e| match e {
            Expr::Cond(c) => self.rule.actions.iter().any(|a| falsifies(a, c)),
            _ => false,
        })
    }
}

/// An action whose second run someone would notice: it sets a field people
/// change (so it undoes their change), or it comments or notifies again.
/// Tag and custom field changes repeat as no-ops.
fn refire_is_visible(a: &Action) -> bool {
    match &a.kind.node {
        ActionKind::Set(_) | ActionKind::AddComment { .. } | ActionKind::Notify => true,
        ActionKind::Zendesk(name) => {
            let name = name.to_lowercase();
            name.starts_with("notification_")
                || name.starts_with("comment_value")
                || name == "ticket_form_id"
        }
        _ => false,
    }
}

/// A top-level condition ticket-rules does not run.
fn passthrough(e: &Expr) -> bool {
    matches!(e, Expr::Cond(c) if matches!(c.field.node, Field::Zendesk(_)))
}

/// Zendesk's ticket-age conditions in automations (`SOLVED`, `HOLD`), by name.
const ZENDESK_AGES: &[&str] = &["NEW", "OPEN", "PENDING", "HOLD", "SOLVED", "CLOSED"];

/// The conditions joined by `and` at the top of an expression.
pub(super) fn top_level(expr: Option<&Expr>) -> Vec<&Expr> {
    match expr {
        None => Vec::new(),
        Some(Expr::All(items)) => items.iter().collect(),
        Some(e) => vec![e],
    }
}

/// A condition about this update rather than the ticket's state.
pub(super) fn update_scoped(c: &Condition) -> bool {
    matches!(
        c.field.node,
        Field::UpdateVia | Field::Role | Field::Comment | Field::CommentText
    ) || matches!(c.op.node, Op::Changed | Op::ChangedTo | Op::ChangedFrom)
        || (c.field.node == Field::Ticket && is_word(&c.operand, &["created"]))
}

/// A condition that holds for one update (triggers) or one hour (automations).
fn once_only(e: &Expr, kind: RuleKind) -> bool {
    let Expr::Cond(c) = e else { return false };
    match kind {
        // `SOLVED is_business_hours 24` passes through, and is as once-only
        // as `SOLVED is 24`.
        RuleKind::Automation => match (&c.field.node, &c.op.node) {
            (Field::HoursSince(_), Op::Is) => true,
            (Field::Zendesk(f), Op::Zendesk(op)) => {
                op == "is_business_hours" && ZENDESK_AGES.iter().any(|a| a.eq_ignore_ascii_case(f))
            }
            _ => false,
        },
        RuleKind::Trigger => {
            c.field.node == Field::Ticket
                && c.op.node == Op::Is
                && is_word(&c.operand, &["created"])
        }
    }
}

pub(super) fn is_word(atoms: &[Spanned<Atom>], words: &[&str]) -> bool {
    words_of(atoms).is_some_and(|w| words.contains(&w.to_lowercase().as_str()))
}

/// The tags of an operand or an action's arguments, lowercased.
pub(super) fn lower_tags(atoms: &[Spanned<Atom>]) -> Vec<String> {
    atoms
        .iter()
        .filter_map(atom_text)
        .map(|t| t.to_lowercase())
        .collect()
}

/// Does the tag action `a` name one of the tags condition `c` tests?
fn any_tag_in(a: &Action, c: &Condition) -> bool {
    let named = lower_tags(&a.args);
    lower_tags(&c.operand).iter().any(|t| named.contains(t))
}

/// Does the tag condition `c` hold once `set tags` (`a`) has run?
fn holds_after_set_tags(a: &Action, c: &Condition) -> bool {
    let set = lower_tags(&a.args);
    let want = lower_tags(&c.operand);
    match c.op.node {
        Op::ContainsNoneOf => !want.iter().any(|t| set.contains(t)),
        Op::ContainsAtLeastOneOf => want.iter().any(|t| set.contains(t)),
        _ => want.iter().all(|t| set.contains(t)),
    }
}

/// Would running `a` make `c` false (on any ticket where `c` held)?
pub(super) fn falsifies(a: &Action, c: &Condition) -> bool {
    match (&a.kind.node, &c.field.node, &c.op.node) {
        (ActionKind::AddTags, Field::Tags, Op::ContainsNoneOf)
        | (ActionKind::RemoveTags, Field::Tags, Op::ContainsAllOf) => any_tag_in(a, c),
        (ActionKind::RemoveTags, Field::Tags, Op::ContainsAtLeastOneOf) => {
            let removed = lower_tags(&a.args);
            lower_tags(&c.operand).iter().all(|t| removed.contains(t))
        }
        (ActionKind::SetTags, Field::Tags, _) => !holds_after_set_tags(a, c),
        (ActionKind::UnshareTicket, Field::Ticket, Op::Is) => is_word(&c.operand, &["shared"]),
        (ActionKind::UnshareTicket, Field::SharedWith, _) => true,
        (ActionKind::ShareTicket, Field::Ticket, Op::IsNot) => is_word(&c.operand, &["shared"]),
        (ActionKind::ShareWithAgent, Field::SharedWithAgent, Op::IsNot)
        | (ActionKind::UnshareFromAgent, Field::SharedWithAgent, Op::Is) => {
            let email = |atoms: &[Spanned<Atom>]| words_of(atoms).map(|e| e.to_lowercase());
            email(&a.args).is_some() && email(&a.args) == email(&c.operand)
        }
        (ActionKind::Set(f), field, op) if set_field_matches(*f, field) => {
            let Some(new) = words_of(&a.args) else {
                return false;
            };
            let new = new.to_lowercase();
            let Some(old) = words_of(&c.operand) else {
                return false;
            };
            let old = old.to_lowercase();
            match op {
                Op::Is => new != old,
                Op::IsNot => new == old,
                Op::LessThan | Op::GreaterThan => match schema::ordering(field) {
                    Some(order) => {
                        let (Some(n), Some(o)) = (
                            order.iter().position(|v| *v == new),
                            order.iter().position(|v| *v == old),
                        ) else {
                            return false;
                        };
                        if *op == Op::LessThan {
                            n >= o
                        } else {
                            n <= o
                        }
                    }
                    None => false,
                },
                _ => false,
            }
        }
        (ActionKind::SetCustomField(k), Field::CustomField(f), op) if k == f => match op {
            Op::IsNotPresent => true,
            Op::Is => {
                words_of(&a.args).map(|v| v.to_lowercase())
                    != words_of(&c.operand).map(|v| v.to_lowercase())
            }
            Op::IsNot => {
                words_of(&a.args).map(|v| v.to_lowercase())
                    == words_of(&c.operand).map(|v| v.to_lowercase())
            }
            _ => false,
        },
        _ => false,
    }
}

fn set_field_matches(f: SetField, field: &Field) -> bool {
    matches!(
        (f, field),
        (SetField::Status, Field::Status)
            | (SetField::Priority, Field::Priority)
            | (SetField::Type, Field::Type)
            | (SetField::Group, Field::Group)
            | (SetField::Assignee, Field::Assignee)
    )
}

fn enum_index(c: &Condition, order: &[&str]) -> Option<usize> {
    let v = words_of(&c.operand)?.to_lowercase();
    order.iter().position(|o| *o == v)
}
