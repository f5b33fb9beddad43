//! Stage one, case by case: each case's times, given ticket, history and
//! `when` read as events (with the defaults a case implies), and the
//! names its checks use (rules, accounts, ticket fields) checked against
//! the file's rules. Every mistake is a diagnostic inside its case.

use super::load::agreements_of;
use super::locate::Finder;
use super::spec::{CaseSpec, Expect, Given, TicketChecks};
use super::{Action, Case, WorldAccount};
use crate::event::parse_event;
use crate::ingest::AccountRules;
use crate::model::{Agreement, Time, Update};
use crate::rules::ast::Span;
use crate::rules::diagnostics::{list, Diagnostic};
use crate::rules::schema::did_you_mean;
use serde_json::{json, Value};
use std::path::Path;

/// The fields a `ticket` check may name, as events name them.
const TICKET_FIELDS: &[&str] = &[
    "subject",
    "description",
    "status",
    "priority",
    "type",
    "group",
    "assignee",
    "requester",
    "organization",
    "brand",
    "via",
    "custom_fields",
];

/// When a given ticket was created, unless the case says.
pub const DEFAULT_AT: &str = "2026-01-05T09:00:00Z";

/// What checking one case needs.
pub(super) struct CaseCx<'a> {
    pub(super) finder: &'a Finder<'a>,
    pub(super) index: usize,
    pub(super) account: &'a str,
    pub(super) rules: &'a AccountRules,
    pub(super) accounts: &'a [WorldAccount],
    pub(super) diags: &'a mut Vec<Diagnostic>,
}

impl CaseCx<'_> {
    pub(super) fn case(mut self, spec: &CaseSpec) -> Option<Case> {
        let given_at = self.time(spec.given.at.as_deref().unwrap_or(DEFAULT_AT), "at")?;
        let (ticket, comments, sharing) = match &spec.given.ticket {
            Some(t) => {
                let given = self.given_ticket(t, given_at)?;
                (Some(given.created), given.comments, given.sharing)
            }
            None => (None, Vec::new(), None),
        };
        let mut fill = Fill {
            account: self.account,
            at: given_at,
            ticket: ticket.as_ref().map(|t| t.ticket_id),
        };
        let mut history: Vec<Update> = Vec::new();
        for (i, e) in spec.given.history.iter().enumerate() {
            let event = self.event(e, &fill, &format!("history-{}", i + 1), "history")?;
            // The history's first ticket is the case's, unless one is given.
            fill.ticket = fill.ticket.or(Some(event.ticket_id));
            history.push(event);
        }
        let action = match (&spec.when.event, &spec.when.automations) {
            (Some(e), None) => Action::Event(Box::new(self.event(e, &fill, "when", "when")?)),
            (None, Some(at)) => Action::Automations(self.time(at, "automations")?),
            _ => {
                let span = self.finder.in_case(self.index, "when", "when");
                let d = Diagnostic::error(
                    "test-file",
                    span,
                    "`when` takes one of `event` or `automations`",
                );
                self.diags.push(d.with_help(
                    "`when: { event: {...} }` or `when: { automations: 2026-01-06T09:00:00Z }`",
                ));
                return None;
            }
        };
        let (account, ticket_id) = match &action {
            Action::Event(u) => (u.account.clone(), u.ticket_id),
            Action::Automations(_) => (self.account.to_string(), fill.ticket.unwrap_or(1)),
        };
        let agreements = self.inline_agreements(&spec.given)?;
        if let Expect::Checks(checks) = &spec.expect {
            self.known_rules(&checks.on_ticket(), &account);
            for (partner, c) in &checks.partners {
                if self.accounts.iter().any(|a| &a.name == partner) {
                    self.known_rules(c, partner);
                } else {
                    let span = self.finder.in_case(self.index, "partners", partner);
                    let d = Diagnostic::error(
                        "unknown-account",
                        span,
                        format!("`{partner}` is not one of the file's accounts"),
                    );
                    self.diags.push(d.with_help("a partner's copy is checked in a local account the file names under `accounts`"));
                }
            }
        }
        Some(Case {
            name: spec.name.clone(),
            span: self.finder.case(self.index).name,
            given_at,
            ticket,
            comments,
            sharing,
            history,
            agreements,
            groups: spec.given.groups.clone(),
            agents: spec
                .given
                .agents
                .iter()
                .map(|a| (a.email.clone(), a.name.clone(), a.admin, a.groups.clone()))
                .collect(),
            agent_sharing: spec.given.agent_sharing,
            account,
            ticket_id,
            action,
            expect: match &spec.expect {
                Expect::Snapshot => Expect::Snapshot,
                Expect::Checks(c) => Expect::Checks(c.clone()),
            },
        })
    }

    fn time(&mut self, text: &str, key: &str) -> Option<Time> {
        match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(t) => Some(t.with_timezone(&chrono::Utc)),
            Err(_) => {
                let span = self.finder.in_case(self.index, key, text);
                let d = Diagnostic::error("test-file", span, format!("`{key}` must be an RFC 3339 time like `2026-01-05T09:00:00Z`, not `{text}`"));
                self.diags.push(d);
                None
            }
        }
    }

    /// The given ticket as a create event with no actor.
    /// An event with the case's defaults filled in: id, account, time,
    /// type, and the given ticket's id.
    fn event(&mut self, event: &Value, fill: &Fill, id: &str, key: &str) -> Option<Update> {
        let mut event = event.clone();
        if let Some(m) = event.as_object_mut() {
            m.entry("id").or_insert(json!(id));
            m.entry("account").or_insert(json!(fill.account));
            m.entry("at").or_insert(json!(fill.at.to_rfc3339()));
            let kind = if fill.ticket.is_some() && !m.contains_key("ticket") {
                "update"
            } else {
                "create"
            };
            m.entry("type").or_insert(json!(kind));
            if m.get("type") == Some(&json!("update")) {
                if let Some(id) = fill.ticket {
                    m.entry("ticket_id").or_insert(json!(id));
                }
            }
            // A second ticket beside a given one needs an id of its own.
            let first = fill.ticket.is_none();
            if let (Some(ticket), true) =
                (m.get_mut("ticket").and_then(Value::as_object_mut), first)
            {
                ticket.entry("id").or_insert(json!(1));
            }
        }
        self.parse(&event, key)
    }

    pub(super) fn parse(&mut self, event: &Value, key: &str) -> Option<Update> {
        let text = serde_json::to_string(event).unwrap_or_default();
        match parse_event(&text, 1) {
            Ok(u) if self.accounts.iter().any(|a| a.name == u.account) => Some(u),
            Ok(u) => {
                let span = self.finder.in_case(self.index, key, &u.account);
                let message = format!("`{}` is not one of the file's accounts", u.account);
                let d = Diagnostic::error("unknown-account", span, message);
                let names = self.accounts.iter().map(|a| a.name.as_str());
                let d = d.did_you_mean(did_you_mean(&u.account, names));
                self.diags
                    .push(d.or_help("an event's account must be listed under `accounts`"));
                None
            }
            Err(e) => {
                let needle = backquoted(&e.message)
                    .into_iter()
                    .find(|w| self.finder.case_has(self.index, w));
                let span = self.finder.in_case(self.index, key, needle.unwrap_or(key));
                self.diags.push(Diagnostic::error(
                    "bad-event",
                    span,
                    format!("in `{key}`: {}", e.message),
                ));
                None
            }
        }
    }

    fn inline_agreements(&mut self, given: &Given) -> Option<Vec<Agreement>> {
        let list = Value::Array(given.agreements.clone());
        match agreements_of(Path::new("."), Some(&list), self.account) {
            Ok(list) => Some(list),
            Err((_, e)) => {
                let span = self.finder.in_case(self.index, "agreements", "agreements");
                let message = format!("`given.agreements`: {e}");
                self.diags
                    .push(Diagnostic::error("test-file", span, message));
                None
            }
        }
    }

    /// Every field a `ticket` check names is one a ticket has.
    fn known_fields(&mut self, checks: &TicketChecks) {
        for key in checks.ticket.keys() {
            if !TICKET_FIELDS.contains(&key.as_str()) {
                let span = self
                    .finder
                    .in_case(self.index, "ticket", &format!("{key}:"));
                let span = Span::new(span.start, span.start + key.len());
                let message = format!("unknown ticket field `{key}`");
                let d = Diagnostic::error("test-file", span, message);
                let d = d.did_you_mean(did_you_mean(key, TICKET_FIELDS.iter().copied()));
                self.diags.push(d.or_help(format!(
                    "a ticket's fields are {}",
                    list(TICKET_FIELDS, "and")
                )));
            }
        }
    }

    /// Every rule a check names is one of the account's rules.
    fn known_rules(&mut self, checks: &TicketChecks, account: &str) {
        self.known_fields(checks);
        let set = self.rules.own.get(account).unwrap_or(&self.rules.rest);
        let titles: Vec<&str> = set
            .triggers
            .iter()
            .chain(&set.automations)
            .map(|r| r.title.as_str())
            .collect();
        let named = checks
            .fired
            .iter()
            .flatten()
            .chain(&checks.must_fire)
            .chain(&checks.must_not_fire);
        for title in named {
            if !titles.contains(&title.as_str()) {
                let span = self.finder.in_case(self.index, "expect", title);
                let d = Diagnostic::error(
                    "unknown-rule",
                    span,
                    format!("no rule `{title}` in `{account}`'s rules"),
                );
                self.diags
                    .push(d.did_you_mean(did_you_mean(title, titles.iter().copied())));
            }
        }
    }
}

/// The defaults a case's events get.
struct Fill<'a> {
    pub(super) account: &'a str,
    at: Time,
    ticket: Option<i64>,
}

/// The words in backquotes in a message, in order.
pub(super) fn backquoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}
