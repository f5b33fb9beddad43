//! The account's rules: `GET /api/v2/triggers` and `/automations` as
//! `convert --to json` prints them, and `POST /api/v2/rules/reload`
//! (admins), which re-reads the rule files and refuses a set with errors,
//! keeping the old rules running.

use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::rules::Refused;
use crate::server::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub async fn triggers(State(state): State<AppState>, caller: Caller) -> Json<Value> {
    listed(&state, &caller, "triggers")
}

pub async fn automations(State(state): State<AppState>, caller: Caller) -> Json<Value> {
    listed(&state, &caller, "automations")
}

fn listed(state: &AppState, caller: &Caller, key: &str) -> Json<Value> {
    let mut shown = state.rules().shown(&caller.account);
    let list = shown
        .get_mut(key)
        .map(Value::take)
        .unwrap_or_else(|| json!([]));
    let count = list.as_array().map_or(0, Vec::len);
    Json(json!({ key: list, "count": count, "next_page": null, "previous_page": null }))
}

pub async fn reload(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    caller.require_admin()?;
    match state.reload().await {
        Ok(files) => Ok(Json(json!({ "reloaded": true, "rule_files": files }))),
        Err(refused) => {
            tracing::error!(by = %caller.email, "rules not reloaded:\n{refused}");
            let error = ApiError::invalid(refused.to_string());
            Err(match refused {
                Refused::Errors { json, .. } => error.with_details(json),
                Refused::Load(_) => error,
            })
        }
    }
}
