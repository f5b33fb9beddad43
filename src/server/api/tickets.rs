//! `/api/v2/tickets`: create, update, show, list (paged) and audits. A
//! write is an event of the caller's, run on the writer through the same
//! pipeline as `ingest` (access, triggers, shares, syncs, audit), and
//! answered with the ticket after the rules and that update's audit.
//! Group access holds: an agent outside a ticket's group who is not
//! shared on it gets 403 on that ticket.

use super::body::id_of;
use super::{shape, ticket_body};
use crate::engine::Explain;
use crate::ingest::{Incoming, Pipeline, Status};
use crate::model::{Ticket, Update, UpdateKind};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::store::{AuditEntry, TicketFilter};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// Tickets per page unless `per_page` says fewer (Zendesk's most).
const PER_PAGE: usize = 100;

/// Zendesk's header for a write that must happen once however often it
/// is sent, and the header that says whether it was a repeat.
const IDEMPOTENCY_KEY: &str = "idempotency-key";
const LOOKUP: &str = "x-idempotency-lookup";

/// An answer to a write: the status, whether it repeated an earlier one,
/// the body.
type Answer = (StatusCode, [(&'static str, &'static str); 1], Json<Value>);

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Answer, ApiError> {
    let event_id = event_id(&headers, &caller)?;
    let update = ticket_body::event(&body, &caller, &event_id, None, chrono::Utc::now())?;
    let written = write(&state, caller, update).await?;
    Ok(answer(StatusCode::CREATED, written))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Answer, ApiError> {
    let id = id_of(&id)?;
    let event_id = event_id(&headers, &caller)?;
    let update = ticket_body::event(&body, &caller, &event_id, Some(id), chrono::Utc::now())?;
    let written = write(&state, caller, update).await?;
    Ok(answer(StatusCode::OK, written))
}

fn answer(status: StatusCode, (body, replayed): (Value, bool)) -> Answer {
    let lookup = if replayed { "hit" } else { "miss" };
    (status, [(LOOKUP, lookup)], Json(body))
}

/// The write's event id: from its `Idempotency-Key` (with the account, so
/// two accounts' keys never meet), else a fresh random one.
fn event_id(headers: &HeaderMap, caller: &Caller) -> Result<String, ApiError> {
    let Some(key) = headers.get(IDEMPOTENCY_KEY) else {
        return new_event_id();
    };
    let key = key.to_str().unwrap_or_default();
    let fits = (1..=128).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_graphic() && c != crate::ingest::DERIVED);
    if !fits {
        return Err(ApiError::bad_request(format!(
            "`Idempotency-Key` must be 1 to 128 visible ASCII characters without `{}`",
            crate::ingest::DERIVED
        )));
    }
    Ok(format!("api-key/{}/{key}", caller.account))
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id_of(&id)?;
    let base = state.public_url().to_string();
    state
        .readers
        .read(move |store| {
            let ticket = caller.visible(store, id)?;
            Ok(Json(json!({ "ticket": shape::ticket(&base, &ticket) })))
        })
        .await
}

pub async fn audits(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id_of(&id)?;
    state
        .readers
        .read(move |store| {
            caller.visible(store, id)?;
            let entries = store.audit(&caller.account, id)?;
            let audits = shape::audits(id, &entries);
            let count = audits.len();
            Ok(Json(json!({ "audits": audits, "count": count, "next_page": null, "previous_page": null })))
        })
        .await
}

/// `?page=N&per_page=M`, as Zendesk's offset pagination.
#[derive(Deserialize)]
pub struct Page {
    page: Option<usize>,
    per_page: Option<usize>,
}

/// A page of the tickets the caller may see, by id. Tickets of groups
/// the caller is kept out of are not counted, so every page but the last
/// is full.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<Page>,
) -> Result<Json<Value>, ApiError> {
    let per_page = page.per_page.unwrap_or(PER_PAGE).clamp(1, PER_PAGE);
    let number = page.page.unwrap_or(1).max(1);
    let base = state.public_url().to_string();
    state
        .readers
        .read(move |store| {
            let filter = TicketFilter {
                account: Some(caller.account.clone()),
                ..TicketFilter::default()
            };
            let (found, more) = caller.visible_page(store, filter, per_page, number)?;
            let shown: Vec<Value> = found.iter().map(|t| shape::ticket(&base, t)).collect();
            let link =
                |n: usize| format!("{base}/api/v2/tickets.json?page={n}&per_page={per_page}");
            Ok(Json(json!({
                "tickets": shown,
                "next_page": more.then(|| link(number + 1)),
                "previous_page": (number > 1).then(|| link(number - 1)),
            })))
        })
        .await
}

/// Runs the caller's update on the writer; answers with the ticket after
/// the rules and the update's audit, and whether the update was applied
/// before (the same `Idempotency-Key`: then nothing runs again).
async fn write(
    state: &AppState,
    mut caller: Caller,
    mut update: Update,
) -> Result<(Value, bool), ApiError> {
    let rules = state.rules();
    let metrics = std::sync::Arc::clone(&state.metrics);
    let email = caller.email.clone();
    // The writer reads what the answer needs; the JSON is shaped after,
    // off the one writer thread every write waits for.
    let (ticket, entries, replayed) = state
        .writer
        .run(move |store| {
            // Access as the store has it in this transaction, not as the
            // token's cached read had it; the run takes the same staff.
            caller.staff = store.staff(&caller.account)?;
            if let Some((_, id, first)) = store.applied_ticket(&update.event_id)? {
                // The same `Idempotency-Key` again: the first answer, if
                // it asks for what the first asked.
                same_request(&first, &update)?;
                let ticket = caller.visible(store, id)?;
                let entries = store.event_audit(&caller.account, id, &update.event_id)?;
                return Ok((ticket, entries, true));
            }
            let known = match update.kind {
                UpdateKind::Update => Some(caller.visible(store, update.ticket_id)?),
                UpdateKind::Create => {
                    update.ticket_id = store.next_ticket_id(&caller.account)?;
                    None
                }
            };
            let (account, id, event_id) = (
                caller.account.clone(),
                update.ticket_id,
                update.event_id.clone(),
            );
            let text = serde_json::to_string(&update).unwrap_or_default();
            // The answer's audit is what this event writes past this.
            let since = store.last_audit_seq()?;
            let mut pipeline = Pipeline::new(store, rules.run.as_ref(), Explain::None)
                .with_staff(&account, caller.staff.clone());
            if let Some(ticket) = known {
                // Read just now for the access check: not read again.
                pipeline = pipeline.knowing(ticket);
            }
            let processed = pipeline.one(Incoming::made(text, update))?;
            metrics.processed(&processed);
            if let Status::Rejected(reason) = &processed.status {
                return Err(ApiError::invalid(reason.clone()));
            }
            let ticket = store
                .ticket(&account, id)?
                .ok_or_else(ApiError::not_found)?;
            let entries = store.event_audit_since(&account, id, &event_id, since)?;
            Ok((ticket, entries, false))
        })
        .await??;
    let body = written(state.public_url(), &email, &ticket, &entries);
    Ok((body, replayed))
}

/// Refuses a key used before for another request: the first write's
/// stored event against this one, but for when they were sent and the id
/// a create was given.
fn same_request(first: &str, again: &Update) -> Result<(), ApiError> {
    let first: Value = serde_json::from_str(first).unwrap_or_default();
    let again = serde_json::to_value(again).unwrap_or_default();
    let create = again["kind"] == json!("create");
    if request_of(first, create) == request_of(again, create) {
        return Ok(());
    }
    Err(ApiError::invalid(
        "this `Idempotency-Key` was used before for a different request\nhelp: send a new key for a new request",
    ))
}

/// An event as a request asked for it: without its times (`at`, at any
/// depth) and, for a create, without the id the store gave it.
fn request_of(mut event: Value, create: bool) -> Value {
    fn timeless(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("at");
                map.values_mut().for_each(timeless);
            }
            Value::Array(items) => items.iter_mut().for_each(timeless),
            _ => {}
        }
    }
    timeless(&mut event);
    if create {
        if let Some(map) = event.as_object_mut() {
            map.remove("ticket_id");
        }
    }
    event
}

/// The ticket and one update's audit, as a write answers.
fn written(base: &str, email: &str, ticket: &Ticket, entries: &[AuditEntry]) -> Value {
    json!({
        "ticket": shape::ticket(base, ticket),
        "audit": shape::audit(ticket.id, Some(email), entries),
    })
}

/// A fresh event id for an API write: random, so no two collide and none
/// takes the id of an event from elsewhere.
fn new_event_id() -> Result<String, ApiError> {
    let token = crate::server::auth::new_token()
        .map_err(|e| ApiError::internal(format!("no random source: {e}")))?;
    Ok(format!("api-{}", &token[..24]))
}
