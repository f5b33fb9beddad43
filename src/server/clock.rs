//! The clock: every minute, on the minute, the scheduled replies that are
//! due go out; every hour, on the hour (UTC), the automations run. Each
//! runs alone on the writer, between batches, through the same pipeline as
//! `replies due` and `automations run`, and is logged.

use super::AppState;
use crate::automations::{self, Options, DEFAULT_CAP};
use crate::cli::replies::posting;
use crate::engine::Explain;
use crate::ingest::{Incoming, Pipeline, Summary};
use crate::model::Time;
use chrono::{DurationRound, Timelike, Utc};

/// Ticks until the task is aborted.
pub async fn run(state: AppState) {
    loop {
        let now = Utc::now();
        let Ok(minute) = now.duration_trunc(chrono::TimeDelta::minutes(1)) else {
            return;
        };
        let next = minute + chrono::TimeDelta::minutes(1);
        let wait = (next - now).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        tick(&state, next).await;
    }
}

/// What the clock does at `at` (a whole minute).
pub async fn tick(state: &AppState, at: Time) {
    post_replies(state, at).await;
    if at.minute() == 0 {
        run_automations(state, at).await;
    }
}

/// Posts the scheduled replies due at `at`.
pub async fn post_replies(state: &AppState, at: Time) {
    let rules = state.rules();
    let posted = state
        .writer
        .alone(move |store| {
            let due = store.due_replies(at)?;
            if due.is_empty() {
                return Ok(Summary::default());
            }
            let updates = due.iter().map(posting).map(Incoming::internal);
            Pipeline::new(store, rules.run.as_ref(), Explain::None).run(updates, false, |_| {})
        })
        .await;
    match posted {
        Ok(Ok(summary)) if summary == Summary::default() => {}
        Ok(Ok(summary)) => {
            state.metrics.replies(&summary);
            tracing::info!(%at, %summary, "clock: scheduled replies posted");
        }
        Ok(Err(e)) => tracing::error!(%at, error = %e, "clock: scheduled replies failed"),
        Err(e) => tracing::error!(%at, error = %e, "clock: scheduled replies failed"),
    }
}

/// Runs every account's automations at `at`.
pub async fn run_automations(state: &AppState, at: Time) {
    let rules = state.rules();
    let options = Options {
        at,
        cap: DEFAULT_CAP,
        dry_run: false,
        accounts: Vec::new(),
        explain: Explain::None,
    };
    let ran = state
        .writer
        .alone(move |store| automations::run(store, rules.run.as_ref(), &options, |_| {}))
        .await;
    match ran {
        Ok(Ok(summary)) => {
            state
                .metrics
                .automation_run(summary.changed, summary.rules_fired);
            tracing::info!(%at, %summary, "clock: automations ran");
        }
        Ok(Err(e)) => tracing::error!(%at, error = %e, "clock: automations failed"),
        Err(e) => tracing::error!(%at, error = %e, "clock: automations failed"),
    }
}
