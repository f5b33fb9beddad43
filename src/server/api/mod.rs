//! Zendesk's REST API, as far as ticket-rules has it: sharing agreements,
//! tickets and their audits, triggers and automations, a rule reload and a
//! dry run; and `/healthz` and `/metrics`. Every route but those two
//! needs a token ([`super::auth::Caller`]); every answer is scoped to the
//! caller's account, and another account's ids answer 404 like absent
//! ones.

pub mod agreements;
mod body;
pub mod dry_run;
mod rules;
mod shape;
pub mod ticket_body;
mod tickets;

use super::error::ApiError;
use super::AppState;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

/// The API's routes (state still to be given).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/api/v2/sharing_agreements",
            get(agreements::list).post(agreements::create),
        )
        .route(
            "/api/v2/sharing_agreements/{id}",
            get(agreements::show)
                .put(agreements::update)
                .delete(agreements::delete),
        )
        .route(
            "/api/v2/sharing_agreements/{id}/retry",
            post(agreements::retry),
        )
        .route("/api/v2/tickets", get(tickets::list).post(tickets::create))
        .route(
            "/api/v2/tickets/{id}",
            get(tickets::show).put(tickets::update),
        )
        .route("/api/v2/tickets/{id}/audits", get(tickets::audits))
        .route("/api/v2/triggers", get(rules::triggers))
        .route("/api/v2/automations", get(rules::automations))
        .route("/api/v2/rules/reload", post(rules::reload))
        .route("/api/v2/dry_run", post(dry_run::dry_run))
}

async fn healthz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    // A read proves the store answers, not only the process.
    let accounts = state
        .readers
        .read(|store| Ok(store.accounts()?.len()))
        .await?;
    let rules = state.rules();
    Ok(axum::Json(serde_json::json!({
        "status": "ok",
        "accounts": accounts,
        "rule_files": rules.files,
    })))
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let depth = state
        .readers
        .read(|store| Ok(store.pending_outbox_count()?))
        .await?;
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(depth),
    ))
}
