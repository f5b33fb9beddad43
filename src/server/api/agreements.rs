//! `/api/v2/sharing_agreements`, as Zendesk's Sharing Agreements API:
//! agents list and show; admins invite (`POST`), change the status
//! (`PUT`: the receiver accepts or declines, either side deactivates) and
//! delete. The moves are [`crate::sharing::agreements`]' own, so the API,
//! the command line and the partner protocol share one lifecycle.

use super::body::{flag, id_of, object_under, text};
use crate::model::{Agreement, AgreementStatus, CommentTerms};
use crate::server::auth::Caller;
use crate::server::delivery::retry::RetryError;
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::sharing::agreements::{self, Action, AgreementError, Terms};
use crate::sharing::remote::{self, RemoteError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Map, Value};

/// The keys an invite takes.
const INVITE: &[&str] = &[
    "remote_subdomain",
    "receiver_url",
    "name",
    "partner_name",
    "comments",
    "allows_public_comments",
    "sync_tags",
    "sync_custom_fields",
];

/// The keys a `PUT` may send: `status`, and what `GET` answered, sent
/// back by clients that echo the record (only `status` is changed).
const ECHOED: &[&str] = &[
    "status",
    "id",
    "name",
    "partner_name",
    "remote_subdomain",
    "type",
    "created_at",
    "updated_at",
    "url",
    "account",
    "comments",
    "sync_tags",
    "sync_custom_fields",
];

pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let account = caller.account.clone();
    let list = state
        .readers
        .read(move |s| Ok(s.agreements(&account)?))
        .await?;
    let shown: Vec<Value> = list.iter().map(|a| shape(&state, a)).collect();
    Ok(Json(json!({ "sharing_agreements": shown })))
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id_of(&id)?;
    let account = caller.account.clone();
    let found = state
        .readers
        .read(move |s| Ok(s.agreement(&account, id)?))
        .await?;
    let agreement = found.ok_or_else(ApiError::not_found)?;
    Ok(Json(
        json!({ "sharing_agreement": shape(&state, &agreement) }),
    ))
}

/// `POST`: invites `remote_subdomain` (an account here or elsewhere) or
/// the account at `receiver_url`; 201 with the pending outbound side.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require_admin()?;
    let (to, name, terms) = invite_body(&body)?;
    let from = caller.account.clone();
    let at = chrono::Utc::now();
    let invited = state
        .writer
        .run(move |store| {
            if is_url(&to) {
                // A partner on another server: it gets a key and the URL
                // the delivery worker sends the invite to.
                remote::invite_remote(store, &from, &to, &name, terms, at).map_err(remote_refused)
            } else {
                agreements::invite(store, &from, &to, &name, terms, at).map_err(refused)
            }
        })
        .await??;
    tracing::info!(account = %caller.account, id = invited.outbound.id, "agreement invited");
    let shown = shape(&state, &invited.outbound);
    Ok((
        StatusCode::CREATED,
        Json(json!({ "sharing_agreement": shown })),
    ))
}

/// `PUT`: changes the status only.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.require_admin()?;
    let id = id_of(&id)?;
    let action = status_body(&body)?;
    let account = caller.account.clone();
    let at = chrono::Utc::now();
    let side = state
        .writer
        .run(move |store| {
            let side = store
                .agreement(&account, id)?
                .ok_or_else(ApiError::not_found)?;
            if side.status == action.target() {
                // Asking again for the status it has is not an error.
                return Ok::<_, ApiError>(side);
            }
            let changed =
                agreements::transition(store, id, &account, action, at).map_err(refused)?;
            Ok(changed.side)
        })
        .await??;
    Ok(Json(json!({ "sharing_agreement": shape(&state, &side) })))
}

/// `POST {id}/retry` (admins): an agreement delivery faulted goes back to
/// its status before, and its rows are sent again; 422 for one in no
/// fault.
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require_admin()?;
    let id = id_of(&id)?;
    let account = caller.account.clone();
    let at = chrono::Utc::now();
    let retried = state
        .writer
        .run(move |store| {
            crate::server::delivery::retry::retry(store, &account, id, at).map_err(|e| match e {
                RetryError::NotFound { .. } => ApiError::not_found(),
                RetryError::NoFault { .. } => ApiError::invalid(e.to_string()),
                RetryError::Store(e) => e.into(),
            })
        })
        .await??;
    Ok(Json(
        json!({ "sharing_agreement": shape(&state, &retried.side) }),
    ))
}

/// `DELETE`: deactivates a pending or accepted agreement first (the
/// partner is told, its shared tickets stop syncing and stay as they
/// are), then removes this account's side; 204.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require_admin()?;
    let id = id_of(&id)?;
    let account = caller.account.clone();
    let at = chrono::Utc::now();
    state
        .writer
        .run(move |store| {
            let side = store
                .agreement(&account, id)?
                .ok_or_else(ApiError::not_found)?;
            if matches!(
                side.status,
                AgreementStatus::Pending | AgreementStatus::Accepted
            ) {
                agreements::deactivate(store, id, &account, at).map_err(refused)?;
            }
            store.delete_agreement(&account, id)?;
            Ok::<(), ApiError>(())
        })
        .await??;
    tracing::info!(account = %caller.account, id, "agreement deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// A `POST` body read: whom it invites, the agreement's name and its
/// terms.
pub fn invite_body(body: &[u8]) -> Result<(String, String, Terms), ApiError> {
    let object = object_under(body, "sharing_agreement")?;
    only(
        &object,
        INVITE,
        "an invite takes the partner, the name and the terms; the account is the token's",
    )?;
    let to = partner_of(&object)?;
    let name = text(&object, "name")?.unwrap_or(&to).to_string();
    let terms = terms_of(&object)?;
    Ok((to, name, terms))
}

/// A `PUT` body read: the move its `status` asks for.
pub fn status_body(body: &[u8]) -> Result<Action, ApiError> {
    let object = object_under(body, "sharing_agreement")?;
    only(
        &object,
        ECHOED,
        "a sharing agreement changes only its `status`",
    )?;
    let wanted = text(&object, "status")?.ok_or_else(|| {
        ApiError::invalid("send the new `status`: accepted, declined or inactive")
    })?;
    action_for(wanted)
}

/// Refuses a key not in `known`.
fn only(object: &Map<String, Value>, known: &[&str], help: &str) -> Result<(), ApiError> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) => Err(ApiError::invalid(format!(
            "`sharing_agreement.{key}` cannot be set here\nhelp: {help}"
        ))),
    }
}

/// An agreement as the API shows it, with its `url`.
fn shape(state: &AppState, a: &Agreement) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    if a.url.is_none() {
        v["url"] = format!(
            "{}/api/v2/sharing_agreements/{}.json",
            state.public_url(),
            a.id
        )
        .into();
    }
    v
}

/// The partner an invite names: `remote_subdomain`, or a `receiver_url`
/// (`https://host/sharing/ACCOUNT`) as it is, once it is a sharing URL.
fn partner_of(object: &Map<String, Value>) -> Result<String, ApiError> {
    if let Some(sub) = text(object, "remote_subdomain")? {
        return Ok(sub.trim().to_string());
    }
    let Some(url) = text(object, "receiver_url")? else {
        return Err(ApiError::invalid(
            "say whom to invite: `remote_subdomain` or `receiver_url`",
        ));
    };
    let path = url.trim().trim_end_matches('/');
    match path.rsplit_once("/sharing/") {
        Some((_, account)) if !account.is_empty() && !account.contains('/') => Ok(path.to_string()),
        _ => Err(ApiError::invalid(format!(
            "`{url}` is not a sharing URL\nhelp: a partner's sharing URL looks like `https://desk.example.com/sharing/ACCOUNT`"
        ))),
    }
}

/// The terms of an invite: `comments` (or the protocol's
/// `allows_public_comments`), `sync_tags`, `sync_custom_fields`.
fn terms_of(object: &Map<String, Value>) -> Result<Terms, ApiError> {
    let comments = match text(object, "comments")? {
        Some(name) => CommentTerms::parse(name).ok_or_else(|| {
            ApiError::invalid(format!(
                "unknown `comments` `{name}`\nhelp: one of public_and_private, private_only"
            ))
        })?,
        None if flag(object, "allows_public_comments", true)? => CommentTerms::PublicAndPrivate,
        None => CommentTerms::PrivateOnly,
    };
    Ok(Terms {
        comments,
        sync_tags: flag(object, "sync_tags", false)?,
        sync_custom_fields: flag(object, "sync_custom_fields", false)?,
    })
}

/// The move a wanted status asks for.
fn action_for(status: &str) -> Result<Action, ApiError> {
    match AgreementStatus::parse(status) {
        Some(AgreementStatus::Accepted) => Ok(Action::Accept),
        Some(AgreementStatus::Declined) => Ok(Action::Decline),
        Some(AgreementStatus::Inactive) => Ok(Action::Deactivate),
        _ => Err(ApiError::invalid(format!(
            "cannot set `status` to `{status}`\nhelp: the receiver sets accepted or declined; either side sets inactive"
        ))),
    }
}

/// A lifecycle refusal as the API answers it.
/// A remote invite refused: its lifecycle error, or the URL's.
fn remote_refused(e: RemoteError) -> ApiError {
    match e {
        RemoteError::Agreement(e) => refused(e),
        RemoteError::Store(e) => e.into(),
        other => ApiError::invalid(other.to_string()),
    }
}

/// An invite by `receiver_url` (rather than by subdomain).
fn is_url(to: &str) -> bool {
    to.starts_with("http://") || to.starts_with("https://")
}

fn refused(e: AgreementError) -> ApiError {
    match e {
        AgreementError::Store(e) => e.into(),
        AgreementError::Unknown { .. } => ApiError::not_found(),
        other => ApiError::invalid(other.to_string()),
    }
}
