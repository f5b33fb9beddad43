//! Two help desks on loopback: a [`PartnerHost`] over one store behind a
//! mutex, serving the partner API on an ephemeral port of 127.0.0.1.

use std::sync::{Arc, Mutex, OnceLock};
use ticket_rules::engine::{self, Explain, Input, RuleSet};
use ticket_rules::ingest::{incoming, AccountRules, Pipeline};
use ticket_rules::model::Ticket;
use ticket_rules::rules::{load_str, Syntax};
use ticket_rules::server::delivery::{self, Config, Pass};
use ticket_rules::server::partner::{routes, HostDown, PartnerHost};
use ticket_rules::store::Store;

/// One server: its store, its account's rules, its public URL.
#[derive(Clone)]
pub struct Desk {
    pub store: Arc<Mutex<Store>>,
    rules: Arc<AccountRules>,
    url: Arc<OnceLock<String>>,
    /// What the delivery worker told the host: (partner, result).
    pub heard: Arc<Mutex<Vec<(String, String)>>>,
}

impl PartnerHost for Desk {
    fn write<T, E, F>(
        &self,
        work: F,
    ) -> impl std::future::Future<Output = Result<Result<T, E>, HostDown>> + Send
    where
        F: FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        let store = self.store.clone();
        async move {
            tokio::task::spawn_blocking(move || work(&mut store.lock().unwrap()))
                .await
                .map_err(|_| HostDown)
        }
    }

    fn rules(&self) -> Arc<AccountRules> {
        self.rules.clone()
    }

    fn public_url(&self) -> String {
        self.url.get().cloned().unwrap_or_default()
    }

    fn delivered(&self, partner: &str, result: &str) {
        let heard = (partner.to_string(), result.to_string());
        self.heard.lock().unwrap().push(heard);
    }
}

impl Desk {
    /// A desk for `account` with these rules, in a store file in `dir`.
    pub fn new(dir: &std::path::Path, account: &str, rules: &str) -> Desk {
        let store = Store::open(&dir.join(format!("{account}.db"))).unwrap();
        store.add_account(account).unwrap();
        // The agents the tests' events name: the store decides their role.
        for agent in ["bo@support.example", "tess@acme.example"] {
            if agent.ends_with(&format!("@{account}.example")) {
                store.upsert_agent(account, agent, None, false).unwrap();
            }
        }
        let mut own = AccountRules::default();
        own.own.insert(
            account.to_string(),
            compiled(&format!("{account}.rules"), rules),
        );
        Desk {
            store: Arc::new(Mutex::new(store)),
            rules: Arc::new(own),
            url: Arc::new(OnceLock::new()),
            heard: Arc::default(),
        }
    }

    /// A desk over a store file that already exists, with no rules.
    pub fn open(path: &std::path::Path) -> Desk {
        Desk {
            store: Arc::new(Mutex::new(Store::open_existing(path).unwrap())),
            rules: Arc::new(AccountRules::default()),
            url: Arc::new(OnceLock::new()),
            heard: Arc::default(),
        }
    }

    /// Serves the partner API on `listener`; the desk's URL is its address.
    pub fn serve(&self, listener: std::net::TcpListener) -> tokio::sync::oneshot::Sender<()> {
        let addr = listener.local_addr().unwrap();
        let _ = self.url.set(format!("http://{addr}"));
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let app = routes::<Desk>().with_state(self.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        stop
    }

    /// Serves on a new ephemeral port.
    pub fn start(&self) -> tokio::sync::oneshot::Sender<()> {
        self.serve(std::net::TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// `{url}/sharing/{account}`.
    pub fn sharing_url(&self, account: &str) -> String {
        format!("{}/sharing/{account}", self.public_url())
    }

    /// Runs events (JSON Lines) through the pipeline, as `ingest` does.
    pub fn ingest(&self, events: &str) {
        let store = self.store.lock().unwrap();
        let summary = Pipeline::new(&store, self.rules.as_ref(), Explain::None)
            .run(incoming(events.as_bytes()), false, |_| {})
            .unwrap();
        assert_eq!(summary.rejected, 0, "{summary}");
    }

    /// One delivery pass, with retries due soon.
    pub async fn deliver(&self) -> Pass {
        let config = fast();
        let client = delivery::client(&config).unwrap();
        delivery::pass(self, &client, &config).await.unwrap()
    }

    /// Delivery passes, a little apart, until what they did together
    /// satisfies `enough` (or 50 passes); their sum.
    pub async fn deliver_until(&self, enough: impl Fn(&Pass) -> bool) -> Pass {
        let mut total = Pass::default();
        for _ in 0..50 {
            let pass = self.deliver().await;
            total.delivered += pass.delivered;
            total.retried += pass.retried;
            total.faults += pass.faults;
            if enough(&total) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        total
    }

    pub fn ticket(&self, account: &str, id: i64) -> Option<Ticket> {
        self.store.lock().unwrap().ticket(account, id).unwrap()
    }

    /// Every comment body of a ticket, with `(public)` or `(private)`.
    pub fn comments(&self, account: &str, id: i64) -> Vec<String> {
        let store = self.store.lock().unwrap();
        let list = store.comments(account, id).unwrap();
        list.iter()
            .map(|c| {
                format!(
                    "{} ({})",
                    c.body,
                    if c.public { "public" } else { "private" }
                )
            })
            .collect()
    }

    pub fn pending(&self) -> usize {
        self.store.lock().unwrap().pending_outbox().unwrap().len()
    }
}

/// Retries due within milliseconds, for tests.
pub fn fast() -> Config {
    Config {
        base_delay: std::time::Duration::from_millis(20),
        max_delay: std::time::Duration::from_millis(100),
        poll: std::time::Duration::from_millis(20),
        timeout: std::time::Duration::from_secs(5),
        parallel: 16,
    }
}

/// Rules from DSL text, compiled.
pub fn compiled(path: &str, text: &str) -> RuleSet {
    let loaded = load_str(path, text.to_string(), Syntax::Dsl);
    engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }])
}
