//! Automations: rules run on a clock rather than on an update. A sweep
//! (see `crate::automations`) finds the tickets an automation holds on at
//! a time; each firing becomes an update via `rule` that names the
//! automation, and [`super::run`] applies the automation's actions first,
//! then runs the triggers on it like any other update.

use super::compile::{CompiledRule, RuleSet};
use super::facts::Facts;
use crate::model::{Changes, Ticket, Time, Update, UpdateKind};

/// The channel of an automation's update.
pub const VIA: &str = "rule";

/// Does the automation's condition hold on the ticket at `at`?
pub fn holds(rules: &RuleSet, rule: &CompiledRule, ticket: &Ticket, at: Time) -> bool {
    let probe = update(ticket, &rule.title, at, String::new());
    let facts = Facts::new(&rules.interner, ticket, Some(ticket), &probe, at);
    rule.cond.as_ref().is_none_or(|c| c.holds(&facts))
}

/// The update that fires automation `title` on the ticket at `at`.
pub fn update(ticket: &Ticket, title: &str, at: Time, event_id: String) -> Update {
    Update {
        event_id,
        kind: UpdateKind::Update,
        account: ticket.account.clone(),
        ticket_id: ticket.id,
        at,
        via: VIA.to_string(),
        actor: None,
        changes: Changes::default(),
        automation: Some(title.to_string()),
    }
}

/// The id of automation `title`'s update of a ticket in the clock hour
/// (UTC) of `at`: an automation fires on a ticket at most once an hour,
/// as the hosted product runs them hourly, so a second run in the same
/// hour finds the id applied and changes nothing.
pub fn event_id(account: &str, title: &str, ticket_id: i64, at: Time) -> String {
    // `~` names the updates an event sets off on partners (`id~1`).
    let title = title.replace(crate::ingest::DERIVED, "-");
    format!(
        "{}{ticket_id}/{}/{title}",
        id_prefix(account),
        at.format("%Y-%m-%dT%H")
    )
}

/// What every automation update of `account`'s tickets has its id start
/// with.
pub fn id_prefix(account: &str) -> String {
    format!("automation/{account}/")
}

/// The clock hour (UTC) of `at`, as `[start, end)`: the hour an
/// [`event_id`] names.
pub fn hour(at: Time) -> (Time, Time) {
    use chrono::DurationRound;
    let one = chrono::TimeDelta::hours(1);
    let start = at.duration_trunc(one).unwrap_or(at);
    (start, start + one)
}

/// The automation an update names, if the rule set has it.
pub fn named<'r>(rules: &'r RuleSet, update: &Update) -> Option<&'r CompiledRule> {
    let title = update.automation.as_deref()?;
    rules.automations.iter().find(|a| a.title == title)
}
