//! How fast the server takes ticket updates: 32 clients on keep-alive
//! connections each sending `PUT /api/v2/tickets/{id}` in turn, through
//! 1,000 triggers, against a store file; the server runs in process on
//! 127.0.0.1 (the clients share its cores, as a load generator on the
//! same machine does). divan shows the time for 3,200 updates and the
//! updates per second; the latencies of every request of the run are
//! printed at the end as p50 and p99. The target: 5,000 updates/s
//! on 2 cores, p99 under 25 ms. Run with `cargo bench --bench serve`.

/// The allocator the binary uses (`src/main.rs`), so these figures are
/// the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use divan::counter::ItemsCount;
use divan::Bencher;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ticket_rules::engine::Explain;
use ticket_rules::ingest::{incoming, Pipeline};
use ticket_rules::server::auth::token_hash;
use ticket_rules::server::rules::RuleSource;
use ticket_rules::server::{router, start, Config, Limits};
use ticket_rules::store::Store;

const CLIENTS: usize = 32;
const UPDATES: usize = 3_200;
const TICKETS: usize = 1_000;
const TRIGGERS: usize = 1_000;
const TOKEN: &str = "bench-token";

static LATENCIES: Mutex<Vec<Duration>> = Mutex::new(Vec::new());

fn main() {
    divan::main();
    let mut all = LATENCIES.lock().unwrap().clone();
    all.sort();
    if !all.is_empty() {
        let at = |q: f64| all[((all.len() - 1) as f64 * q) as usize];
        eprintln!(
            "latency over {} requests: p50 {:?}, p99 {:?}, max {:?}",
            all.len(),
            at(0.5),
            at(0.99),
            all[all.len() - 1]
        );
    }
}

/// Triggers on product tags, a few of which every ticket has: about 1.5
/// fire per 1,000 per update.
fn rule_text() -> String {
    let mut out = String::new();
    for i in 0..TRIGGERS {
        let when = match i % 4 {
            0 => format!("Ticket is Updated and Tags contains at least one of tag_{i}"),
            1 => format!(
                "Tags contains all of tag_{i} tag_{} and Status is Open",
                i + 1
            ),
            2 => format!("Comment is Public and Tags contains at least one of tag_{i}"),
            _ => format!("Status changed to Pending and Tags contains at least one of tag_{i}"),
        };
        out.push_str(&format!(
            "trigger \"rule {i}\" {{\n  when {when}\n  then Add tags fired_{i}\n}}\n\n"
        ));
    }
    out
}

/// A store with `TICKETS` tickets, an admin and its token; the rules file.
fn set_up(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let db = dir.join("bench.db");
    let rules = dir.join("bench.rules");
    std::fs::write(&rules, rule_text()).unwrap();
    let store = Store::open(&db).unwrap();
    store.add_account("support").unwrap();
    store
        .upsert_agent("support", "admin@support.example", None, true)
        .unwrap();
    store
        .add_token(
            "support",
            "admin@support.example",
            &token_hash(TOKEN),
            chrono::Utc::now(),
        )
        .unwrap();
    let creates: String = (1..=TICKETS)
        .map(|id| {
            format!(
                "{{\"id\":\"c{id}\",\"type\":\"create\",\"account\":\"support\",\"at\":\"2026-11-21T08:00:00Z\",\"ticket\":{{\"id\":{id},\"subject\":\"t{id}\",\"status\":\"open\",\"tags\":[\"tag_{}\"]}}}}\n",
                id % (TRIGGERS * 20)
            )
        })
        .collect();
    let none = ticket_rules::engine::RuleSet::default();
    Pipeline::new(&store, &none, Explain::None)
        .run(incoming(creates.as_bytes()), false, |_| {})
        .unwrap();
    (db, rules)
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn updates_over_http(bencher: Bencher) {
    let dir = std::env::temp_dir().join(format!("ticket-rules-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (db, rules) = set_up(&dir);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let config = Config {
            db,
            rules: vec![RuleSource {
                account: None,
                path: rules,
            }],
            public_url: None,
            clock: false,
            limits: Limits::default(),
        };
        let (state, _writer) = start(&config, addr).unwrap();
        let app = router(state, Limits::default());
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    let client = reqwest::Client::new();
    let mut round = 0;
    bencher.counter(ItemsCount::new(UPDATES)).bench_local(|| {
        round += 1;
        runtime.block_on(load(&client, &base, round));
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// `UPDATES` updates from `CLIENTS` clients, each waiting for its answer
/// before sending the next.
async fn load(client: &reqwest::Client, base: &str, round: usize) {
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (client, base) = (client.clone(), base.to_string());
        tasks.push(tokio::spawn(async move {
            let mut took = Vec::new();
            for n in 0..UPDATES / CLIENTS {
                let id = (c * 97 + n * 31 + round) % TICKETS + 1;
                let status = ["open", "pending"][(n + round) % 2];
                let body = serde_json::json!({"ticket": {"status": status, "comment": {"body": "more", "public": n % 2 == 0}}});
                let started = Instant::now();
                let response = client
                    .put(format!("{base}/api/v2/tickets/{id}"))
                    .basic_auth("admin@support.example/token", Some(TOKEN))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status().as_u16(), 200);
                let _ = response.bytes().await.unwrap();
                took.push(started.elapsed());
            }
            took
        }));
    }
    for t in tasks {
        let took = t.await.unwrap();
        LATENCIES.lock().unwrap().extend(took);
    }
}
