//! `POST /api/v2/dry_run` (agents): what the rules would do, and why,
//! answered as `dry-run --format json` prints it. It runs on the writer
//! in a savepoint that is always rolled back, so it runs exactly the code
//! a write runs and writes nothing.
//!
//! The body is `{"event": {...}}` (an event as `ingest` reads it) or
//! `{"ticket": {...}, "update": {...}}` (a ticket as a create event's
//! `ticket`, and optionally an update event's `changes` to try on it).
//! The account and the actor are the caller's whatever the body says.

use crate::engine::{Explain, RuleSet};
use crate::event::parse_event;
use crate::ingest::{Incoming, Pipeline};
use crate::model::Update;
use crate::report::event_json;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::store::Store;
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Map, Value};

pub async fn dry_run(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let at = chrono::Utc::now().to_rfc3339();
    let plan = read_body(&body, &caller, &at)?;
    let rules = state.rules();
    let ran = state
        .writer
        .run(move |store| {
            let reports = run(store, rules.run.as_ref(), plan);
            // Always `Err`: the savepoint is rolled back and nothing stays.
            Err::<(), _>(reports)
        })
        .await?;
    match ran {
        Ok(()) => Ok(Json(json!([]))),
        Err(reports) => Ok(Json(Value::Array(reports?))),
    }
}

/// A body read: what it asks to run, as `caller` at `at` (RFC 3339).
pub fn read_body(body: &[u8], caller: &Caller, at: &str) -> Result<Plan, ApiError> {
    let Ok(Value::Object(top)) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::bad_request(
            "the body must be a JSON object: `{\"event\": {...}}` or `{\"ticket\": {...}, \"update\": {...}}`",
        ));
    };
    plan(top, caller, at)
}

/// What to run: a ticket to store first (no rules), then the events to
/// report.
pub struct Plan {
    setup: Option<Update>,
    tried: Vec<Update>,
}

fn plan(mut top: Map<String, Value>, caller: &Caller, at: &str) -> Result<Plan, ApiError> {
    let actor = caller.actor();
    let envelope = |id: &str, kind: &str| {
        json!({
            "id": id, "type": kind, "account": caller.account, "at": at, "via": "api",
            "actor": { "email": actor.email, "role": actor.role.as_str(), "name": actor.name },
        })
    };
    if let Some(event) = top.remove("event") {
        let Value::Object(mut event) = event else {
            return Err(ApiError::bad_request("`event` must be an object"));
        };
        let base = envelope("dry-run", "update");
        for key in ["account", "actor"] {
            event.insert(key.into(), base[key].clone());
        }
        event.entry("id").or_insert_with(|| base["id"].clone());
        event.entry("at").or_insert_with(|| base["at"].clone());
        return Ok(Plan {
            setup: None,
            tried: vec![read(Value::Object(event))?],
        });
    }
    let Some(Value::Object(mut ticket)) = top.remove("ticket") else {
        return Err(ApiError::bad_request(
            "send `{\"event\": {...}}` or `{\"ticket\": {...}}` with an optional `\"update\": {...}`",
        ));
    };
    ticket.insert("id".into(), 1.into());
    let mut create = envelope("dry-run-ticket", "create");
    create["ticket"] = Value::Object(ticket);
    let create = read(create)?;
    match top.remove("update") {
        None => Ok(Plan {
            setup: None,
            tried: vec![create],
        }),
        Some(changes) => {
            let mut update = envelope("dry-run-update", "update");
            update["ticket_id"] = 1.into();
            update["changes"] = changes;
            Ok(Plan {
                setup: Some(create),
                tried: vec![read(update)?],
            })
        }
    }
}

fn read(event: Value) -> Result<Update, ApiError> {
    parse_event(&event.to_string(), 1).map_err(|e| ApiError::invalid(e.to_string()))
}

/// Runs the plan; the caller's savepoint is rolled back afterwards. The
/// inline ticket takes the account's next id, so it meets no stored one.
pub fn run(
    store: &Store,
    rules: &crate::ingest::AccountRules,
    plan: Plan,
) -> Result<Vec<Value>, ApiError> {
    let next = match plan.setup.as_ref().or(plan.tried.first()) {
        Some(u) if u.kind == crate::model::UpdateKind::Create => {
            Some(store.next_ticket_id(&u.account)?)
        }
        _ => None,
    };
    let with_id = |mut u: Update| {
        if let Some(id) = next {
            u.ticket_id = id;
        }
        u
    };
    if let Some(setup) = plan.setup {
        let none = RuleSet::default();
        Pipeline::new(store, &none, Explain::None)
            .one(Incoming::made(String::new(), with_id(setup)))?;
    }
    let mut pipeline = Pipeline::new(store, rules, Explain::Failed);
    let mut reports = Vec::new();
    for update in plan.tried {
        let processed = pipeline.one(Incoming::made(String::new(), with_id(update)))?;
        reports.push(event_json(&processed));
    }
    Ok(reports)
}
