//! How fast shares cross between two servers: one delivery pass sends
//! `SHARES` share payloads from `support` to `acme` over HTTP on loopback,
//! and `acme` runs each through its pipeline (its rules answer on every
//! copy). The target: at least 1,000 payloads/s. Run with
//! `cargo bench --bench delivery`.

/// The allocator the binary uses (`src/main.rs`), so these figures are
/// the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/common/partner.rs"]
#[allow(dead_code)]
mod partner;

use divan::counter::ItemsCount;
use divan::Bencher;
use partner::Desk;
use std::sync::atomic::{AtomicUsize, Ordering};
use ticket_rules::model::CommentTerms;
use ticket_rules::server::partner::PartnerHost;
use ticket_rules::sharing::agreements::{accept, Terms};
use ticket_rules::sharing::remote::invite_remote;

fn main() {
    divan::main();
}

const SHARES: usize = 1_000;

const SUPPORT_RULES: &str = r#"
trigger "Share lens tickets with Acme" {
  when Ticket is Created and Tags contains at least one of lens
  then Share ticket with "Acme Optics"
}
"#;

const ACME_RULES: &str = r#"
trigger "Take in shared tickets" {
  when Ticket is Created and Ticket source is Ticket sharing
  then Add tags acme_has_it
       Add comment private "Acme Optics has it"
}
"#;

/// Two servers with an accepted agreement, and `SHARES` shares waiting in
/// `support`'s outbox.
struct Network {
    runtime: tokio::runtime::Runtime,
    support: Desk,
    _serving: Vec<tokio::sync::oneshot::Sender<()>>,
}

fn network() -> Network {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let n = RUN.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "ticket-rules-bench-delivery-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let support = Desk::new(&dir, "support", SUPPORT_RULES);
    let acme = Desk::new(&dir, "acme", ACME_RULES);
    let at = "2026-11-21T08:00:00Z".parse().unwrap();
    let serving = runtime.block_on(async {
        let serving = vec![support.start(), acme.start()];
        let terms = Terms {
            comments: CommentTerms::PublicAndPrivate,
            sync_tags: true,
            sync_custom_fields: false,
        };
        let url = format!("{}/sharing/acme", acme.public_url());
        invite_remote(
            &support.store.lock().unwrap(),
            "support",
            &url,
            "Acme Optics",
            terms,
            at,
        )
        .unwrap();
        support.deliver().await;
        accept(&acme.store.lock().unwrap(), 1, "acme", at).unwrap();
        acme.deliver().await;
        serving
    });
    let events: String = (1..=SHARES)
        .map(|id| {
            format!(
                r#"{{"id":"e{id}","type":"create","account":"support","at":"2026-11-21T09:00:00Z","via":"web","ticket":{{"id":{id},"subject":"Lens {id}","requester":"ann@example.com","tags":["lens"],"comment":{{"body":"The cap is stuck","public":true}}}}}}"#
            ) + "\n"
        })
        .collect();
    support.ingest(&events);
    Network {
        runtime,
        support,
        _serving: serving,
    }
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn shares_between_two_servers(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(SHARES))
        .with_inputs(network)
        .bench_local_values(|net| {
            let pass = net.runtime.block_on(net.support.deliver());
            assert_eq!(pass.delivered, SHARES);
            net
        });
}
