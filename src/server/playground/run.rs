//! `POST /playground/run`: the rules, a ticket and an event run as
//! `dry-run` runs them, in a store made in memory for this one run from
//! the sample world: nothing is read from or written to the server's store.
//!
//! The ticket is a ticket object (as a create event's `ticket`). The event
//! is an event as `ingest` reads it, with what the page need not say filled
//! in: its id, its account (the home account), its time, and the ticket it
//! is about. A `create` event creates the ticket; an `update` event is
//! tried on the ticket stored as it stands, with no rules run.

use super::check::{check_files, has_errors, Checked, FileIn};
use super::{sample, view, PlaygroundError};
use crate::engine::compile::compile_loaded;
use crate::engine::{Explain, RuleSet};
use crate::event::{parse_event, parse_ticket_json};
use crate::ingest::{AccountRules, Incoming, Processed};
use crate::model::agreement::from_api_json;
use crate::model::{FieldType, Role, Update};
use crate::store::Store;
use crate::testing::world::pipeline;
use serde::Deserialize;
use serde_json::{Map, Value};

/// What the page sends to run.
#[derive(Debug, Deserialize)]
pub struct RunIn {
    pub files: Vec<FileIn>,
    pub ticket: Value,
    pub event: Value,
}

/// Runs `input` in a fresh world; the run as the page shows it, or the
/// check's answer when the rules have errors.
pub fn run(input: RunIn) -> Result<Value, PlaygroundError> {
    let checked = check_files(&input.files)?;
    if has_errors(&checked) {
        return Err(PlaygroundError::Rules(super::check::answer(&checked)));
    }
    let rules = compile(&checked);
    let ticket = object(input.ticket, "ticket")?;
    let event = object(input.event, "event")?;
    let (setup, tried) = plan(ticket, event)?;
    let store = world(&tried)?;
    // The pipeline runs each event in a savepoint of a transaction; this
    // one is rolled back, though the store is dropped anyway.
    store.begin()?;
    let ran = try_event(&store, &rules, setup, tried);
    store.rollback()?;
    Ok(view::processed(&ran?))
}

/// Stores `setup` as it stands (no rules), then runs `tried`.
fn try_event(
    store: &Store,
    rules: &AccountRules,
    setup: Option<Update>,
    tried: Update,
) -> Result<Processed, PlaygroundError> {
    if let Some(setup) = setup {
        let none = RuleSet::default();
        let stored = pipeline(store, &none, Explain::None).one(made(setup))?;
        if let crate::ingest::Status::Rejected(why) = &stored.status {
            return Err(PlaygroundError::Input(format!("the ticket: {why}")));
        }
    }
    Ok(pipeline(store, rules, Explain::Failed).one(made(tried))?)
}

fn made(update: Update) -> Incoming {
    let text = serde_json::to_string(&update).unwrap_or_default();
    Incoming::made(text, update)
}

/// Each account's rules compiled; an account with no file runs none.
fn compile(checked: &[Checked]) -> AccountRules {
    let mut rules = AccountRules::default();
    for c in checked {
        rules
            .own
            .insert(c.account.to_string(), compile_loaded(&c.files));
    }
    rules
}

fn object(value: Value, what: &str) -> Result<Map<String, Value>, PlaygroundError> {
    let value = match value {
        // The page sends the editor's text; a client may send the object.
        Value::String(text) => serde_json::from_str(&text)
            .map_err(|e| PlaygroundError::Input(format!("the {what} is not JSON: {e}")))?,
        other => other,
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(PlaygroundError::Input(format!(
            "the {what} must be a JSON object"
        ))),
    }
}

/// The ticket to store first (for an update), and the event to try.
fn plan(
    mut ticket: Map<String, Value>,
    mut event: Map<String, Value>,
) -> Result<(Option<Update>, Update), PlaygroundError> {
    let id = ticket.entry("id").or_insert(1.into()).clone();
    let create = event.get("type").and_then(Value::as_str) == Some("create");
    for (key, value) in [
        ("id", Value::from("playground")),
        ("account", sample::HOME.into()),
        ("at", sample::EVENT_AT.into()),
    ] {
        event.entry(key).or_insert(value);
    }
    let invalid = |what: &str, e: &dyn std::fmt::Display| {
        PlaygroundError::Input(format!("the {what}: {e}").replace('\n', " "))
    };
    if create {
        event
            .entry("ticket")
            .or_insert_with(|| Value::Object(ticket));
        let tried =
            parse_event(&Value::Object(event).to_string(), 1).map_err(|e| invalid("event", &e))?;
        return Ok((None, tried));
    }
    event.entry("ticket_id").or_insert(id);
    let at = chrono::DateTime::parse_from_rfc3339(sample::TICKET_AT)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| invalid("ticket", &e))?;
    let text = Value::Object(ticket).to_string();
    let setup = parse_ticket_json(&text, sample::HOME, at).map_err(|e| invalid("ticket", &e))?;
    let tried =
        parse_event(&Value::Object(event).to_string(), 1).map_err(|e| invalid("event", &e))?;
    Ok((Some(setup), tried))
}

/// A fresh in-memory store holding the sample world. The event's agent
/// or admin is made one of its account's staff, as a test case's world
/// does: in a sandbox, any agent may be tried.
fn world(event: &Update) -> Result<Store, PlaygroundError> {
    let store = Store::in_memory()?;
    store.begin()?;
    for account in &sample::ACCOUNTS {
        let agreements = from_api_json(account.agreements).map_err(PlaygroundError::Input)?;
        store.add_account(account.name)?;
        store.import_agreements(account.name, &agreements)?;
        store.set_field(account.name, sample::FIELD, FieldType::Text)?;
        let (email, name) = account.agent;
        store.upsert_agent(account.name, email, Some(name), false)?;
    }
    if let Some(actor) = event.actor.as_ref().filter(|a| a.role != Role::EndUser) {
        let admin = actor.role == Role::Admin;
        store.ensure_account(&event.account)?;
        store.upsert_agent(&event.account, &actor.email, actor.name.as_deref(), admin)?;
    }
    store.commit()?;
    Ok(store)
}
