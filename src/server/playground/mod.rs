//! The rule playground, `/playground`: paste rules for the sample world's
//! accounts, a ticket and an event, and see `check`'s diagnostics as you
//! type and what `dry-run` would show. It needs no login and no store:
//! every check and run happens in memory on built-in sample data
//! ([`sample`]), and nothing is written anywhere, even when `serve` has a
//! store. The page ([`page`]) is server-rendered; its script and style are
//! in the binary ([`assets`]), so it works offline.
//!
//! The JSON API behind it: `POST /playground/check`, `/run`, `/convert`.
//! Each is work on untrusted input for anyone, so each goes through a
//! [`Gate`]: a smaller body limit, at most [`RUNS`] at once and [`RUN_TIME`]
//! each, past which it answers 503.

mod assets;
mod check;
mod convert;
mod page;
mod run;
mod sample;
mod view;

use super::error::ApiError;
use super::{AppState, Limits};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The largest body the playground reads: rules for a page, not a desk.
pub const MAX_BODY: usize = 256 * 1024;
/// How many checks, runs and conversions go at once by default.
pub const RUNS: usize = 2;
/// How long one may take by default.
pub const RUN_TIME: Duration = Duration::from_secs(5);

/// Why the playground could not answer.
#[derive(Debug, thiserror::Error)]
pub enum PlaygroundError {
    #[error("the playground is busy: {0} runs are going, the most it takes at once\nhelp: try again in a moment")]
    Busy(usize),
    #[error("the run took over {0:?}, the most a playground run may take\nhelp: try fewer or smaller rules")]
    TimedOut(Duration),
    #[error("the body is not what the playground takes: {0}")]
    Body(String),
    #[error("no account `{0}` in the playground\nhelp: its accounts are `support` and `acme`")]
    NoAccount(String),
    #[error("{0}")]
    Input(String),
    #[error("the rules have errors")]
    Rules(Value),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("the run stopped: {0}")]
    Stopped(String),
}

impl From<PlaygroundError> for ApiError {
    fn from(e: PlaygroundError) -> ApiError {
        let text = e.to_string();
        match e {
            PlaygroundError::Busy(_) | PlaygroundError::TimedOut(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable", text)
            }
            PlaygroundError::Body(_) => ApiError::bad_request(text),
            PlaygroundError::NoAccount(_) | PlaygroundError::Input(_) => ApiError::invalid(text),
            PlaygroundError::Rules(details) => ApiError::invalid(text).with_details(details),
            PlaygroundError::Store(e) => e.into(),
            PlaygroundError::Stopped(_) => ApiError::internal(text),
        }
    }
}

/// At most so many at once, each for at most so long.
#[derive(Clone)]
pub struct Gate {
    permits: Arc<Semaphore>,
    runs: usize,
    time: Duration,
}

impl Gate {
    pub fn new(runs: usize, time: Duration) -> Gate {
        Gate {
            permits: Arc::new(Semaphore::new(runs)),
            runs,
            time,
        }
    }

    /// Runs `work` on a blocking thread, if a permit is free. Past the
    /// time the answer is 503, but the work goes on to its end holding its
    /// permit: a thread cannot be stopped, and a slow run must still count.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, PlaygroundError> + Send + 'static,
    ) -> Result<T, PlaygroundError> {
        let permit = Arc::clone(&self.permits)
            .try_acquire_owned()
            .map_err(|_| PlaygroundError::Busy(self.runs))?;
        let task = tokio::task::spawn_blocking(move || {
            let _held = permit;
            work()
        });
        match tokio::time::timeout(self.time, task).await {
            Err(_) => Err(PlaygroundError::TimedOut(self.time)),
            Ok(Err(stopped)) => Err(PlaygroundError::Stopped(stopped.to_string())),
            Ok(Ok(done)) => done,
        }
    }
}

/// The playground's routes: the page in the console's frame (and under
/// its policy), the assets, and the JSON API with its own gate and body
/// limit.
pub fn routes(limits: &Limits) -> Router<AppState> {
    let gate = Gate::new(limits.playground_runs, limits.playground_time);
    let page = Router::new()
        .route("/playground", get(page::show))
        .layer(axum::middleware::map_response(super::console::private));
    let api = Router::new()
        .route("/playground/assets/{name}", get(assets::asset))
        .route("/playground/check", post(check_files))
        .route("/playground/run", post(run_files))
        .route("/playground/convert", post(convert_file))
        .layer(DefaultBodyLimit::max(MAX_BODY.min(limits.max_body)))
        .with_state(gate);
    page.merge(api)
}

fn read<T: DeserializeOwned>(body: &[u8]) -> Result<T, PlaygroundError> {
    serde_json::from_slice(body).map_err(|e| PlaygroundError::Body(e.to_string()))
}

#[derive(serde::Deserialize)]
struct CheckIn {
    files: Vec<check::FileIn>,
}

async fn check_files(State(gate): State<Gate>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let input: CheckIn = read(&body)?;
    let answer = gate
        .run(move || Ok(check::answer(&check::check_files(&input.files)?)))
        .await?;
    Ok(Json(answer))
}

async fn run_files(State(gate): State<Gate>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let input: run::RunIn = read(&body)?;
    Ok(Json(gate.run(move || run::run(input)).await?))
}

async fn convert_file(State(gate): State<Gate>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let input: convert::ConvertIn = read(&body)?;
    Ok(Json(gate.run(move || convert::convert(input)).await?))
}
