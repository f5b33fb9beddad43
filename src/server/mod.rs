//! `ticket-rules serve`: the pipeline behind HTTP, for every account in
//! one store.
//!
//! The parts:
//! - [`writer`]: the one thread that owns the store's write connection and
//!   commits concurrent requests together, each in its own savepoint;
//! - [`readers`]: a pool of read connections (WAL: reads never wait);
//! - [`auth`]: HTTP Basic `{email}/token:{api_token}`, roles from the store;
//! - [`api`]: Zendesk's REST paths and JSON shapes for sharing agreements,
//!   tickets, triggers and automations, a rule reload and a dry run;
//! - [`rules`]: the rules running now, swapped whole on a good reload;
//! - [`metrics`]: `/metrics` in Prometheus' text format;
//! - [`clock`]: automations hourly on the hour (UTC), scheduled replies
//!   every minute;
//! - [`error`]: Zendesk's JSON error bodies, for every 4xx and 5xx;
//! - [`partner`]: the Networked Help Desk API (the protocol Zendesk's
//!   ticket sharing speaks) that partners on other servers call, under
//!   `{public-url}/sharing/{account}`;
//! - [`delivery`]: the worker that sends the outbox to those partners;
//! - [`console`]: the web console's HTML pages (tickets, network, rules)
//!   behind a login with the same tokens.
//! - [`playground`]: the rule playground page and its JSON API, in
//!   memory on sample data, with no login.
//!
//! This module builds the state and the router, applies the limits (body,
//! headers, request time), and stops gracefully on SIGTERM or SIGINT:
//! it stops accepting, answers what is in flight, lets the writer commit
//! its last batch, and returns.

pub mod api;
pub mod auth;
pub mod clock;
pub mod console;
pub mod delivery;
pub mod error;
pub mod metrics;
pub mod partner;
pub mod playground;
pub mod readers;
pub mod rules;
pub mod writer;

use crate::store::Store;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use error::ApiError;
use metrics::Metrics;
use readers::Readers;
use rules::{Refused, RuleSource, ServerRules};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tower::ServiceExt;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use writer::Writer;

/// The default body limit: 1 MiB.
pub const MAX_BODY: usize = 1024 * 1024;
/// The most header bytes a request may send (names and values together).
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// How long a request may take by default, body read included.
pub const REQUEST_TIME: Duration = Duration::from_secs(30);

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    pub db: PathBuf,
    pub rules: Vec<RuleSource>,
    /// The base partners are told; `http://` + the bound address when
    /// `None`.
    pub public_url: Option<String>,
    /// Run the clock (automations, scheduled replies).
    pub clock: bool,
    pub limits: Limits,
}

/// What one request may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Body bytes (413 past it).
    pub max_body: usize,
    /// From the request to the answer, body read included (408 past it).
    pub request_time: Duration,
    /// Playground checks and runs at once (503 past it).
    pub playground_runs: usize,
    /// How long one playground run may take (503 past it).
    pub playground_time: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: MAX_BODY,
            request_time: REQUEST_TIME,
            playground_runs: playground::RUNS,
            playground_time: playground::RUN_TIME,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Rules(Refused),
    #[error("cannot serve: {0}")]
    Io(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub writer: Writer,
    pub readers: Readers,
    pub metrics: Arc<Metrics>,
    /// The console's logins.
    pub sessions: Arc<console::Sessions>,
    rules: Arc<RwLock<Arc<ServerRules>>>,
    sources: Arc<Vec<RuleSource>>,
    public_url: Arc<str>,
    /// Tokens found good lately ([`auth::TOKEN_TTL`]).
    verified: Arc<auth::Verified>,
}

impl AppState {
    /// The rules running now.
    pub fn rules(&self) -> Arc<ServerRules> {
        match self.rules.read() {
            Ok(rules) => Arc::clone(&rules),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The rules each account runs now, on their own.
    pub fn account_rules(&self) -> Arc<crate::ingest::AccountRules> {
        Arc::clone(&self.rules().run)
    }

    /// The base URL partners are told: `{public_url}/sharing/{account}`.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Re-reads the rule files; a set with errors is refused and the old
    /// rules keep running. Returns how many files now run.
    pub async fn reload(&self) -> Result<usize, Refused> {
        let sources = Arc::clone(&self.sources);
        let loaded = tokio::task::spawn_blocking(move || rules::load(&sources))
            .await
            .map_err(|e| Refused::Load(format!("the reload stopped: {e}")))??;
        let files = loaded.files;
        match self.rules.write() {
            Ok(mut rules) => *rules = Arc::new(loaded),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(loaded),
        }
        tracing::info!(files, "rules reloaded");
        Ok(files)
    }
}

/// The server is the partner protocol's host: partners' calls go through
/// the same writer (each in its own savepoint) and the same rules.
impl partner::PartnerHost for AppState {
    fn write<T, E, F>(
        &self,
        work: F,
    ) -> impl std::future::Future<Output = Result<Result<T, E>, partner::HostDown>> + Send
    where
        F: FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        let writer = self.writer.clone();
        async move { writer.run(work).await.map_err(|_| partner::HostDown) }
    }

    fn rules(&self) -> Arc<crate::ingest::AccountRules> {
        Arc::clone(&AppState::rules(self).run)
    }

    fn public_url(&self) -> String {
        AppState::public_url(self).to_string()
    }

    fn delivered(&self, partner: &str, result: &str) {
        self.metrics.delivery(partner, result);
    }
}

/// Serves on `listener` until SIGTERM or SIGINT.
pub async fn serve(config: Config, listener: tokio::net::TcpListener) -> Result<(), ServeError> {
    serve_until(config, listener, stop_signal(), |app| app).await
}

/// Serves on `listener` until `stop` resolves, then stops as on SIGTERM:
/// stops accepting, answers what is in flight, lets the writer commit its
/// last batch, and returns. `wrap` may add layers to the router (the
/// network demo taps the wire with it); `|app| app` adds none.
pub async fn serve_until(
    config: Config,
    listener: tokio::net::TcpListener,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
    wrap: impl FnOnce(Router) -> Router,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    let (state, writer_thread) = start(&config, addr)?;
    let app = wrap(router(state.clone(), config.limits));
    let hangups = tokio::spawn(reload_on_hangup(state.clone()));
    let clock = config
        .clock
        .then(|| tokio::spawn(clock::run(state.clone())));
    let delivery = start_delivery(state.clone())?;
    // `.json` is stripped before routing, so both spellings reach a route.
    let app = app.map_request(strip_json_suffix);
    drop(state);
    axum::serve(listener, tower::make::Shared::new(app))
        .with_graceful_shutdown(stop)
        .await?;
    tracing::info!("stopped accepting; in-flight requests answered");
    hangups.abort();
    if let Some(clock) = clock {
        clock.abort();
        let _ = clock.await;
    }
    let _ = hangups.await;
    // A send cut short is sent again later; partners apply it once.
    delivery.abort();
    let _ = delivery.await;
    // The last handle is gone: the writer commits what it holds and ends.
    let _ = tokio::task::spawn_blocking(move || writer_thread.join()).await;
    tracing::info!("writer stopped; exiting");
    Ok(())
}

/// Starts the worker that delivers the outbox to partners on other
/// servers; it runs until aborted.
fn start_delivery(state: AppState) -> Result<tokio::task::JoinHandle<()>, ServeError> {
    let config = delivery::Config::default();
    let client = delivery::client(&config)
        .map_err(|e| ServeError::Io(std::io::Error::other(format!("no HTTP client: {e}"))))?;
    let stop = std::future::pending::<()>();
    Ok(tokio::spawn(delivery::run(state, client, config, stop)))
}

/// Opens the store, loads the rules and starts the writer: the state a
/// router serves, and the writer's thread (it ends once every clone of
/// the state is dropped).
pub fn start(
    config: &Config,
    addr: SocketAddr,
) -> Result<(AppState, std::thread::JoinHandle<()>), ServeError> {
    let store = Store::open(&config.db)?;
    let loaded = rules::load(&config.rules).map_err(ServeError::Rules)?;
    let metrics = Arc::new(Metrics::default());
    let counted = Arc::clone(&metrics);
    let (writer, thread) = Writer::start(store, move |n| counted.batch(n))?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let state = AppState {
        writer,
        readers: Readers::new(config.db.clone()),
        metrics,
        sessions: Arc::default(),
        rules: Arc::new(RwLock::new(Arc::new(loaded))),
        sources: Arc::new(config.rules.clone()),
        public_url: public_url.trim_end_matches('/').into(),
        verified: Arc::default(),
    };
    Ok((state, thread))
}

/// Every route, with the limits and the logs.
pub fn router(state: AppState, limits: Limits) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(partner::routes())
        .merge(console::routes())
        .merge(playground::routes(&limits))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "InvalidEndpoint", "no such endpoint")
        })
        .layer(middleware::from_fn_with_state(state.clone(), count_request))
        .layer(middleware::from_fn(limit_headers))
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(RequestBodyLimitLayer::new(limits.max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_time,
        ))
        .layer(middleware::map_response(error::json_errors))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// `/api/v2/tickets/7.json` → `/api/v2/tickets/7`, as Zendesk takes both.
fn strip_json_suffix(mut request: Request) -> Request {
    let uri = request.uri();
    let Some(path) = uri.path().strip_suffix(".json") else {
        return request;
    };
    let rebuilt = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    };
    if let Ok(new) = rebuilt.parse::<Uri>() {
        *request.uri_mut() = new;
    }
    request
}

/// Refuses a request whose headers together pass [`MAX_HEADER_BYTES`].
async fn limit_headers(request: Request, next: Next) -> Response {
    let size: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if size > MAX_HEADER_BYTES {
        let description =
            format!("the headers take {size} bytes; at most {MAX_HEADER_BYTES} are read");
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "HeadersTooLarge",
            description,
        )
        .into_response();
    }
    next.run(request).await
}

/// Counts each request and how long it took.
async fn count_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .request(&method, response.status().as_u16(), started.elapsed());
    response
}

/// SIGTERM or SIGINT.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("stop signal: finishing what is in flight");
}

/// Reloads the rules on each SIGHUP.
async fn reload_on_hangup(state: AppState) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hangup.recv().await.is_some() {
            if let Err(refused) = state.reload().await {
                tracing::error!("SIGHUP: rules not reloaded:\n{refused}");
            }
        }
    }
    #[cfg(not(unix))]
    drop(state);
}
