//! The Networked Help Desk API, inbound: what partners on other servers
//! call under each account's sharing URL, `{public-url}/sharing/{account}`.
//!
//! - `POST agreements/{uuid}`: an invite (the first contact: no token).
//! - `PUT agreements/{uuid}`: the partner accepted, declined or
//!   deactivated.
//! - `POST tickets/{uuid}`: a ticket shared with us; `PUT`: a change to
//!   one, or with `"shared": false` the end of its share.
//!
//! Every call after the invite carries `X-Ticket-Sharing-Token:
//! {agreement uuid}:{access_key}`; a wrong or missing one gets 401 and
//! nothing is written. The protocol is plain functions over a [`Store`]
//! ([`agreements`], [`tickets`]); [`routes`] puts them behind axum for any
//! server that implements [`PartnerHost`].

pub mod agreements;
pub mod tickets;

use crate::engine::hash::fnv1a;
use crate::ingest::AccountRules;
use crate::model::{Agreement, AgreementStatus, Time};
use crate::sharing::remote::Invite;
use crate::store::{AgreementKey, Store, StoreError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;
use tickets::{Method, TicketCall};

/// The header that names the agreement and proves the caller holds it.
pub const TOKEN_HEADER: &str = "x-ticket-sharing-token";

/// The header a ticket-rules sender names each delivery by (its outbox
/// row), so that a call sent twice is applied once.
pub const DELIVERY_HEADER: &str = "x-ticket-sharing-delivery";

/// What the partner API needs from the server it runs in.
pub trait PartnerHost: Clone + Send + Sync + 'static {
    /// Runs `work` on the store's one writer and resolves to what it
    /// returned. `work` may run inside a transaction the writer has open
    /// (it uses [`Store::transaction`], which joins one); the host gives it
    /// a savepoint of its own there and rolls that back when it returns
    /// `Err`, so a refused call leaves nothing behind.
    fn write<T, E, F>(
        &self,
        work: F,
    ) -> impl Future<Output = Result<Result<T, E>, HostDown>> + Send
    where
        F: FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static;

    /// The rules each account runs now.
    fn rules(&self) -> Arc<AccountRules>;

    /// Hears how one send to a partner went: the partner's sharing URL and
    /// `delivered`, `retry`, or the status a fault set (for metrics).
    fn delivered(&self, _partner: &str, _result: &str) {}

    /// The base URL partners reach this server at (`https://desk.example`).
    fn public_url(&self) -> String;
}

/// The writer is gone (the server is stopping).
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("the server is shutting down")]
pub struct HostDown;

/// Why a partner's call was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PartnerError {
    #[error("missing or wrong `X-Ticket-Sharing-Token`")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("bad payload: {0}")]
    BadPayload(String),
    #[error("{0}")]
    Rejected(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Down(#[from] HostDown),
}

impl PartnerError {
    pub fn status(&self) -> StatusCode {
        match self {
            PartnerError::Unauthorized => StatusCode::UNAUTHORIZED,
            PartnerError::Forbidden(_) => StatusCode::FORBIDDEN,
            PartnerError::NotFound(_) => StatusCode::NOT_FOUND,
            PartnerError::BadPayload(_) => StatusCode::BAD_REQUEST,
            PartnerError::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PartnerError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            PartnerError::Down(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The `error` of the JSON body, as Zendesk's API names its errors.
    fn kind(&self) -> &'static str {
        match self {
            PartnerError::Unauthorized => "Couldn't authenticate you",
            PartnerError::Forbidden(_) => "Forbidden",
            PartnerError::NotFound(_) => "RecordNotFound",
            PartnerError::BadPayload(_) => "InvalidPayload",
            PartnerError::Rejected(_) => "RecordInvalid",
            PartnerError::Store(_) => "InternalError",
            PartnerError::Down(_) => "Unavailable",
        }
    }
}

impl IntoResponse for PartnerError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.kind(), "description": self.to_string()});
        (self.status(), Json(body)).into_response()
    }
}

/// A successful answer: its status code and JSON body.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    fn agreement(status: u16, side: Option<&Agreement>) -> Reply {
        Reply {
            status,
            body: json!({ "sharing_agreement": side }),
        }
    }

    fn applied(event_id: String, ticket_id: i64) -> Reply {
        Reply {
            status: 200,
            body: json!({"event_id": event_id, "ticket_id": ticket_id, "changed": true}),
        }
    }

    fn not_applied(event_id: String, ticket_id: i64, reason: String) -> Reply {
        Reply {
            status: 200,
            body: json!({"event_id": event_id, "ticket_id": ticket_id, "changed": false,
                         "not_applied": reason}),
        }
    }

    fn unchanged(event_id: String, ticket_id: Option<i64>) -> Reply {
        Reply {
            status: 200,
            body: json!({"event_id": event_id, "ticket_id": ticket_id, "changed": false}),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        (status, Json(self.body)).into_response()
    }
}

/// The agreement side a token names in `account`, when the token is right.
pub fn authenticate(
    store: &Store,
    account: &str,
    token: Option<&str>,
) -> Result<(Agreement, AgreementKey), PartnerError> {
    let (uuid, secret) = token
        .and_then(|t| t.trim().split_once(':'))
        .ok_or(PartnerError::Unauthorized)?;
    let key = store
        .agreement_key_by_uuid(account, uuid)?
        .filter(|k| agreements::same_secret(&k.access_key, secret))
        .ok_or(PartnerError::Unauthorized)?;
    let side = store
        .agreement(account, key.id)?
        .ok_or(PartnerError::Unauthorized)?;
    Ok((side, key))
}

/// One call, as the routes hand it to the protocol.
pub struct Call<'a> {
    pub account: &'a str,
    pub uuid: &'a str,
    pub token: Option<&'a str>,
    pub delivery: Option<&'a str>,
    pub body: &'a [u8],
    pub at: Time,
}

/// `POST|PUT agreements/{uuid}`.
pub fn agreement_call(store: &Store, call: &Call, invite: bool) -> Result<Reply, PartnerError> {
    let body: Invite = read_json(call.body)?;
    if invite {
        return agreements::receive_invite(store, call.account, call.uuid, &body, call.at);
    }
    let (side, key) = authenticate(store, call.account, call.token)?;
    if key.uuid != call.uuid || body.uuid != call.uuid {
        return Err(PartnerError::Unauthorized);
    }
    agreements::receive_status(store, &side, &body, call.at)
}

/// `POST|PUT tickets/{uuid}`: only over an accepted agreement.
pub fn ticket_call(
    store: &Store,
    rules: &AccountRules,
    call: &Call,
    method: Method,
) -> Result<Reply, PartnerError> {
    let (side, key) = authenticate(store, call.account, call.token)?;
    if side.status != AgreementStatus::Accepted {
        return Err(PartnerError::Forbidden(format!(
            "agreement `{}` is {}; tickets cross only an accepted agreement",
            side.name,
            side.status.as_str()
        )));
    }
    let body: Value = read_json(call.body)?;
    let ticket = tickets::read_payload(&body, call.uuid)?;
    let delivery = delivery_id(call.delivery, method, call.body)?;
    let call = TicketCall {
        side: &side,
        key: &key,
        method,
        ticket: &ticket,
        delivery: &delivery,
        at: call.at,
    };
    tickets::receive(store, rules, &call)
}

fn read_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, PartnerError> {
    serde_json::from_slice(body).map_err(|e| PartnerError::BadPayload(e.to_string()))
}

/// What names a ticket call for idempotency: the sender's delivery id when
/// it gives one, else a hash of what was sent.
fn delivery_id(given: Option<&str>, method: Method, body: &[u8]) -> Result<String, PartnerError> {
    match given {
        Some(id) => {
            let fits = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
            if id.is_empty() || id.len() > 100 || !id.chars().all(fits) {
                let why = format!(
                    "`{DELIVERY_HEADER}` may hold up to 100 letters, digits, `.`, `_` and `-`"
                );
                return Err(PartnerError::BadPayload(why));
            }
            Ok(format!("d-{id}"))
        }
        None => {
            let mut bytes = format!("{method:?}\u{1f}").into_bytes();
            bytes.extend_from_slice(body);
            Ok(format!("h-{:016x}", fnv1a(&bytes)))
        }
    }
}

/// The partner API's routes, under `/sharing/{account}`.
pub fn routes<H: PartnerHost>() -> Router<H> {
    Router::new()
        .route(
            "/sharing/{account}/agreements/{uuid}",
            post(agreement_route::<H, true>).put(agreement_route::<H, false>),
        )
        .route(
            "/sharing/{account}/tickets/{uuid}",
            post(ticket_route::<H, true>).put(ticket_route::<H, false>),
        )
}

/// The parts of a request a call needs, owned so they can cross to the
/// writer.
struct Owned {
    account: String,
    uuid: String,
    token: Option<String>,
    delivery: Option<String>,
    body: Bytes,
    at: Time,
}

impl Owned {
    fn new(path: (String, String), headers: &HeaderMap, body: Bytes) -> Owned {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Owned {
            account: path.0,
            uuid: path.1,
            token: header(TOKEN_HEADER),
            delivery: header(DELIVERY_HEADER),
            body,
            at: chrono::Utc::now(),
        }
    }

    fn call(&self) -> Call<'_> {
        Call {
            account: &self.account,
            uuid: &self.uuid,
            token: self.token.as_deref(),
            delivery: self.delivery.as_deref(),
            body: &self.body,
            at: self.at,
        }
    }
}

async fn agreement_route<H: PartnerHost, const INVITE: bool>(
    State(host): State<H>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Reply, PartnerError> {
    let call = Owned::new(path, &headers, body);
    on_writer(&host, call, move |store, call| {
        agreement_call(store, call, INVITE)
    })
    .await
}

async fn ticket_route<H: PartnerHost, const SHARE: bool>(
    State(host): State<H>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Reply, PartnerError> {
    let call = Owned::new(path, &headers, body);
    let rules = host.rules();
    let method = if SHARE { Method::Share } else { Method::Update };
    on_writer(&host, call, move |store, call| {
        ticket_call(store, &rules, call, method)
    })
    .await
}

/// Runs a call on the host's writer.
async fn on_writer<H, F>(host: &H, call: Owned, work: F) -> Result<Reply, PartnerError>
where
    H: PartnerHost,
    F: FnOnce(&Store, &Call) -> Result<Reply, PartnerError> + Send + 'static,
{
    let (account, uuid) = (call.account.clone(), call.uuid.clone());
    let answer = host.write(move |store| work(store, &call.call())).await?;
    match &answer {
        Ok(reply) => tracing::info!(account, uuid, status = reply.status, "partner call"),
        Err(e) => tracing::warn!(
            account,
            uuid,
            status = e.status().as_u16(),
            "partner call refused: {e}"
        ),
    }
    answer
}

#[cfg(test)]
mod tests;
