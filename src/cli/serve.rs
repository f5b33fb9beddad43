//! `ticket-rules serve`: the API server for every account in one store.
//! The first line on stdout is the address it bound (`--listen
//! 127.0.0.1:0` picks a free port), for tests and scripts; logs go to
//! stderr through `tracing`.

use super::running::{DbArg, RulesArg};
use super::{CliError, Outcome};
use crate::server::rules::{Refused, RuleSource};
use crate::server::{playground, serve, Config, Limits, ServeError, MAX_BODY, REQUEST_TIME};
use std::io::Write;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArg,
    /// Rule files or folders: `ACCOUNT=PATH` for one account's, `PATH` for
    /// every account without its own (repeat `--rules` for more)
    #[arg(long, required = true, value_name = "[ACCOUNT=]PATH")]
    rules: Vec<RulesArg>,
    /// The address to listen on; port 0 picks a free one
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// The base URL partners are told (default `http://` + the bound address)
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Do not run automations hourly nor post scheduled replies
    #[arg(long)]
    no_clock: bool,
    /// Logs as human text or JSON lines
    #[arg(long, value_enum, default_value_t = LogFormat::Human)]
    log_format: LogFormat,
    /// The largest request body, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BODY)]
    max_body: usize,
    /// The longest a request may take, in seconds, body read included
    #[arg(long, value_name = "SECONDS", default_value_t = REQUEST_TIME.as_secs())]
    request_timeout: u64,
    /// Playground checks and runs at once; more answer 503
    #[arg(long, value_name = "N", default_value_t = playground::RUNS)]
    playground_runs: usize,
    /// The longest a playground run may take, in milliseconds (then 503)
    #[arg(long, value_name = "MS", default_value_t = playground::RUN_TIME.as_millis() as u64)]
    playground_time_ms: u64,
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    init_logs(args.log_format);
    let config = Config {
        db: args.db.db.clone(),
        rules: args
            .rules
            .iter()
            .map(|r| RuleSource {
                account: r.account.clone(),
                path: r.path.clone(),
            })
            .collect(),
        public_url: args.public_url.clone(),
        clock: !args.no_clock,
        limits: Limits {
            max_body: args.max_body,
            request_time: std::time::Duration::from_secs(args.request_timeout.max(1)),
            playground_runs: args.playground_runs,
            playground_time: std::time::Duration::from_millis(args.playground_time_ms),
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))?;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| CliError::Usage(format!("cannot listen on `{}`: {e}", args.listen)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::Usage(format!("cannot listen on `{}`: {e}", args.listen)))?;
        println!("{addr}");
        let _ = std::io::stdout().flush();
        tracing::info!(%addr, db = %config.db.display(), "serving");
        Ok::<_, CliError>(serve(config, listener).await)
    })?;
    match served {
        Ok(()) => Ok(Outcome::Ok),
        Err(ServeError::Rules(Refused::Errors { text, .. })) => {
            eprint!("{text}");
            eprintln!("the rules have errors; not serving");
            Ok(Outcome::Failed)
        }
        Err(ServeError::Rules(Refused::Load(why))) => Err(CliError::Usage(why)),
        Err(ServeError::Store(e)) => Err(e.into()),
        Err(ServeError::Io(e)) => Err(CliError::Usage(format!("cannot serve: {e}"))),
    }
}

/// Logs to stderr, `info` and up unless `RUST_LOG` says otherwise.
fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let _ = match format {
        LogFormat::Human => logs.try_init(),
        LogFormat::Json => logs.json().try_init(),
    };
}
