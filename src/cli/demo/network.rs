//! `ticket-rules demo --network`: two servers on loopback, each with its
//! own store in a temporary folder, sharing a ticket over HTTP. `support`
//! invites `acme` through the Sharing Agreements API (`receiver_url`), and
//! `acme` accepts through its own; a rule on `support` then shares a
//! ticket, `acme`'s rules run on its copy, and `acme`'s reply syncs back.
//! Every Networked Help Desk call that crosses between them is printed
//! (the [`Wire`] tap), then both servers stop.

use super::wire::{Call, Wire};
use crate::cli::out::outln;
use crate::cli::{CliError, Outcome};
use crate::server::auth::{new_token, token_hash};
use crate::server::rules::RuleSource;
use crate::server::{serve_until, Config, Limits, ServeError};
use crate::store::Store;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Each server's account, its admin and its rules (`demo/network/`).
const SERVERS: [(&str, &str, &str); 2] = [
    (
        "support",
        "demo/network/support.rules",
        include_str!("../../../demo/network/support.rules"),
    ),
    (
        "acme",
        "demo/network/acme.rules",
        include_str!("../../../demo/network/acme.rules"),
    ),
];

/// How long a call may take to cross before the demo gives up.
const PATIENCE: Duration = Duration::from_secs(15);

pub fn run() -> Result<Outcome, CliError> {
    let dir =
        std::env::temp_dir().join(format!("ticket-rules-demo-network-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| fail(format!("cannot make `{}`: {e}", dir.display())))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the async runtime: {e}")))?;
    let ran = runtime.block_on(demo(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    ran.map(|()| Outcome::Ok)
}

fn fail(why: String) -> CliError {
    CliError::Usage(why)
}

/// One server of the demo, serving until `stop`.
struct Server {
    account: &'static str,
    base: String,
    admin: String,
    token: String,
    stop: oneshot::Sender<()>,
    served: JoinHandle<Result<(), ServeError>>,
}

impl Server {
    /// Sets up `account`'s store (the account, an admin and a token) and
    /// its rules in `dir`, and serves on a free port of 127.0.0.1.
    async fn start(
        dir: &Path,
        (account, shown, rules): (&'static str, &str, &str),
        wire: &Wire,
    ) -> Result<Server, CliError> {
        let db = dir.join(format!("{account}.db"));
        let admin = format!("admin@{account}.example");
        let token = new_token().map_err(|e| fail(format!("no random source: {e}")))?;
        {
            let store = Store::open(&db)?;
            store.add_account(account)?;
            store.upsert_agent(account, &admin, None, true)?;
            store.add_token(account, &admin, &token_hash(&token), chrono::Utc::now())?;
        }
        let path: PathBuf = dir.join(format!("{account}.rules"));
        std::fs::write(&path, rules)
            .map_err(|e| fail(format!("cannot write `{}`: {e}", path.display())))?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| fail(format!("cannot listen on 127.0.0.1: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| fail(format!("cannot listen on 127.0.0.1: {e}")))?;
        let config = Config {
            db,
            rules: vec![RuleSource {
                account: Some(account.to_string()),
                path,
            }],
            public_url: None,
            clock: false,
            limits: Limits::default(),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let wire = wire.clone();
        let served = tokio::spawn(serve_until(
            config,
            listener,
            async move {
                let _ = stopped.await;
            },
            move |app| wire.tap(app),
        ));
        let base = format!("http://{addr}");
        outln!("  `{account}` serves at {base} (its own store; rules {shown})");
        Ok(Server {
            account,
            base,
            admin,
            token,
            stop,
            served,
        })
    }

    /// `{base}/sharing/{account}`: where partners reach this account.
    fn sharing_url(&self) -> String {
        format!("{}/sharing/{}", self.base, self.account)
    }

    /// One API call as the admin; the status and the JSON answer.
    async fn api(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value), CliError> {
        let mut request = client
            .request(method.clone(), format!("{}{path}", self.base))
            .basic_auth(format!("{}/token", self.admin), Some(&self.token));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let sent = |e: reqwest::Error| fail(format!("{method} {path} on `{}`: {e}", self.account));
        let response = request.send().await.map_err(sent)?;
        let status = response.status().as_u16();
        let answer = response.json::<Value>().await.unwrap_or(Value::Null);
        outln!("  api: {method} {path} on `{}` → {status}", self.account);
        Ok((status, answer))
    }

    /// Stops serving and waits for the server to finish.
    async fn stop(self) -> Result<(), CliError> {
        let _ = self.stop.send(());
        match self.served.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(fail(format!("`{}` stopped badly: {e}", self.account))),
            Err(e) => Err(fail(format!("`{}` stopped badly: {e}", self.account))),
        }
    }
}

/// Insists an API call answered `want`.
fn expect(step: &str, (status, answer): (u16, Value), want: u16) -> Result<Value, CliError> {
    if status == want {
        return Ok(answer);
    }
    Err(fail(format!(
        "{step}: the server answered {status}, not {want}: {answer}"
    )))
}

/// Prints the wire calls past `shown` once there are at least `total`,
/// all answered; the new count.
async fn crossed(wire: &Wire, shown: usize, total: usize) -> Result<usize, CliError> {
    let started = Instant::now();
    loop {
        if let Some(calls) = wire.answered().filter(|c| c.len() >= total) {
            calls[shown..].iter().for_each(print_call);
            return Ok(calls.len());
        }
        if started.elapsed() > PATIENCE {
            return Err(fail(format!(
                "only {shown} of {total} partner calls crossed in {}s",
                PATIENCE.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn print_call(call: &Call) {
    let status = call.status.map_or("?".to_string(), |s| s.to_string());
    outln!(
        "  wire: {} {} → {status}  {}",
        call.method,
        call.path,
        call.summary
    );
}

async fn demo(dir: &Path) -> Result<(), CliError> {
    outln!("ticket-rules demo --network");
    let wire = Wire::default();
    let support = Server::start(dir, SERVERS[0], &wire).await?;
    let acme = Server::start(dir, SERVERS[1], &wire).await?;
    let client = reqwest::Client::new();
    let ran = story(&client, &support, &acme, &wire).await;
    let stopped = (support.stop().await, acme.stop().await);
    ran?;
    stopped.0?;
    stopped.1?;
    outln!("\nboth servers stopped");
    Ok(())
}

/// The agreement, a share, the partner's rules, a reply that syncs back.
async fn story(
    client: &reqwest::Client,
    support: &Server,
    acme: &Server,
    wire: &Wire,
) -> Result<(), CliError> {
    use reqwest::Method;
    outln!("\n1. `support`'s admin invites `acme` by its sharing URL");
    let invite = json!({"sharing_agreement": {
        "receiver_url": acme.sharing_url(), "name": "Acme Optics", "sync_tags": true}});
    let sent = support
        .api(
            client,
            Method::POST,
            "/api/v2/sharing_agreements",
            Some(invite),
        )
        .await?;
    expect("the invite", sent, 201)?;
    let shown = crossed(wire, 0, 1).await?;

    outln!("\n2. `acme`'s admin accepts the invite");
    let list = acme
        .api(client, Method::GET, "/api/v2/sharing_agreements", None)
        .await?;
    let list = expect("the agreements", list, 200)?;
    let id = list["sharing_agreements"][0]["id"].as_i64().unwrap_or(0);
    let accept = json!({"sharing_agreement": {"status": "accepted"}});
    let path = format!("/api/v2/sharing_agreements/{id}");
    let accepted = acme.api(client, Method::PUT, &path, Some(accept)).await?;
    expect("the accept", accepted, 200)?;
    let shown = crossed(wire, shown, 2).await?;
    agreement_status(client, support).await?;

    outln!(
        "\n3. a lens ticket on `support`: its rule shares it with `acme`, whose rules take it in"
    );
    let ticket = json!({"ticket": {
        "subject": "Lens will not focus", "requester": "ann@example.com", "tags": ["lens_module"],
        "comment": {"body": "The autofocus hunts and never locks.", "public": true}}});
    let made = support
        .api(client, Method::POST, "/api/v2/tickets", Some(ticket))
        .await?;
    let made = expect("the ticket", made, 201)?;
    fired(&made);
    let shown = crossed(wire, shown, 4).await?;
    show_ticket(client, acme, "`acme`'s copy").await?;
    partner_rules(client, acme).await?;

    outln!("\n4. `acme`'s admin replies; the reply syncs back to `support`");
    let reply = json!({"ticket": {"status": "pending",
        "comment": {"body": "A new lens module is on its way.", "public": true}}});
    let replied = acme
        .api(client, Method::PUT, "/api/v2/tickets/1", Some(reply))
        .await?;
    expect("the reply", replied, 200)?;
    crossed(wire, shown, 5).await?;
    show_ticket(client, support, "`support`'s ticket").await
}

/// Prints the rules that fired on a write, from its audit.
fn fired(answer: &Value) {
    for rule in rule_names(&answer["audit"]) {
        outln!("  rule fired on `support`: {rule:?}");
    }
}

/// The rules an audit names, each once.
fn rule_names(audit: &Value) -> Vec<&str> {
    let mut rules: Vec<&str> = audit["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["rule"].as_str())
        .collect();
    rules.dedup();
    rules
}

/// Prints the rules that fired on the partner's copy, from its audits.
async fn partner_rules(client: &reqwest::Client, server: &Server) -> Result<(), CliError> {
    let path = "/api/v2/tickets/1/audits";
    let got = server.api(client, reqwest::Method::GET, path, None).await?;
    let got = expect("the audits", got, 200)?;
    for audit in got["audits"].as_array().into_iter().flatten() {
        for rule in rule_names(audit) {
            outln!("  rule fired on `{}`: {rule:?}", server.account);
        }
    }
    Ok(())
}

async fn agreement_status(client: &reqwest::Client, server: &Server) -> Result<(), CliError> {
    let got = server
        .api(
            client,
            reqwest::Method::GET,
            "/api/v2/sharing_agreements/1",
            None,
        )
        .await?;
    let got = expect("the agreement", got, 200)?;
    let side = &got["sharing_agreement"];
    outln!(
        "  `{}`'s side of {}: {}",
        server.account,
        side["name"],
        side["status"].as_str().unwrap_or("?")
    );
    Ok(())
}

async fn show_ticket(
    client: &reqwest::Client,
    server: &Server,
    what: &str,
) -> Result<(), CliError> {
    let got = server
        .api(client, reqwest::Method::GET, "/api/v2/tickets/1", None)
        .await?;
    let got = expect(what, got, 200)?;
    let t = &got["ticket"];
    let tags: Vec<&str> = t["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    outln!(
        "  {what} (ticket 1): {}, priority {}, tags [{}]",
        t["status"].as_str().unwrap_or("?"),
        t["priority"].as_str().unwrap_or("none"),
        tags.join(" ")
    );
    Ok(())
}
