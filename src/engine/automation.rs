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
    format!("{}{ticket_id}", hour_prefix(account, title, at))
}

/// What the ids of automation `title`'s updates in the clock hour of `at`
/// start with: `automation/<account>/<hour>/<title>/`. The title is
/// escaped so that no title's prefix starts another's: `%`, `/` and `~`
/// (which names the updates an event sets off on partners, `id~1`) become
/// `%25`, `%2F` and `%7E`.
pub fn hour_prefix(account: &str, title: &str, at: Time) -> String {
    let title = title
        .replace('%', "%25")
        .replace('/', "%2F")
        .replace(crate::model::DERIVED, "%7E");
    format!("automation/{account}/{}/{title}/", at.format("%Y-%m-%dT%H"))
}

/// The automation an update names, if the rule set has it.
pub fn named<'r>(rules: &'r RuleSet, update: &Update) -> Option<&'r CompiledRule> {
    let title = update.automation.as_deref()?;
    rules.automations.iter().find(|a| a.title == title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Time {
        text.parse().unwrap()
    }

    #[test]
    fn ids_name_the_hour_and_escape_the_title() {
        let id = event_id("support", "50%/day ~ok", 7, at("2026-11-22T11:59:59Z"));
        assert_eq!(id, "automation/support/2026-11-22T11/50%25%2Fday %7Eok/7");
        let later = event_id("support", "50%/day ~ok", 7, at("2026-11-22T12:00:00Z"));
        assert_ne!(id, later);
    }

    #[test]
    fn no_title_prefix_starts_another() {
        let when = at("2026-11-22T11:00:00Z");
        let short = hour_prefix("support", "A", when);
        for other in ["A/1", "A/B", "A%2F", "A~"] {
            let id = event_id("support", other, 1, when);
            assert!(!id.starts_with(&short), "{id} starts with {short}");
        }
    }
}
