//! What each fuzz target runs on its input, shared with
//! `tests/fuzz_regressions.rs`, which runs every input a target ever
//! crashed on (`tests/fuzz/<target>/`) through the same code in
//! `cargo test`.

#![allow(dead_code)] // each target uses one of these

use ticket_rules::engine::{self, Context, Explain, Input, RuleSet};
use ticket_rules::event::{parse_ticket_json, read_events_up_to};
use ticket_rules::ingest::{incoming_up_to, Pipeline};
use ticket_rules::model::Time;
use ticket_rules::rules::check::{check, CheckOptions};
use ticket_rules::rules::diagnostics::{render, Style};
use ticket_rules::rules::format::format_file;
use ticket_rules::rules::{load_str, Syntax};
use ticket_rules::server::api::{agreements as agreement_body, dry_run, ticket_body};
use ticket_rules::server::auth::Caller;
use ticket_rules::server::partner::{self, tickets::Method, Call};
use ticket_rules::sharing::agreements::{self, Terms};
use ticket_rules::sharing::remote::Invite;
use ticket_rules::store::Store;

/// The DSL parser, `check`, `fmt`, the diagnostics and, for a file
/// without errors, `compile` and one trigger cycle.
pub fn dsl(data: &[u8]) {
    rules(data, Syntax::Dsl);
}

/// The YAML and JSON loaders, then as [`dsl`].
pub fn yaml(data: &[u8]) {
    rules(data, Syntax::Yaml);
    rules(data, Syntax::Json);
}

/// The event decoder, line by line, and `dry-run --ticket-json`'s; then
/// the whole ingest pipeline over a store in memory, which must reject a
/// bad event rather than stop the run.
pub fn events(data: &[u8]) {
    let at = chrono::DateTime::UNIX_EPOCH;
    for line in read_events_up_to(data, 1 << 16) {
        if let Ok(update) = line.event {
            let _ = engine::run(&RuleSet::default(), None, &update, &Context::default());
        }
    }
    let store = Store::in_memory().expect("a store in memory");
    store.add_account("support").expect("an account");
    let rules = RuleSet::default();
    let mut pipeline = Pipeline::new(&store, &rules, Explain::All);
    let events = incoming_up_to(data, 1 << 16);
    if let Err(e) = pipeline.run(events, false, |_| {}) {
        panic!("an event stopped the run: {e}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_ticket_json(text, "support", at);
    }
}

/// `serve`'s request bodies, each read the way its route reads it and,
/// when it reads, run on a store in memory: a Zendesk ticket (a create
/// and an update), a sharing agreement's `POST` and `PUT`, a dry run, and
/// the partner protocol's invite, status change, share and update over an
/// accepted agreement. Errors are answers; only a panic fails.
pub fn http_bodies(data: &[u8]) {
    let at: Time = "2026-11-21T09:00:00Z".parse().expect("a time");
    let store = Store::in_memory().expect("a store in memory");
    for account in ["support", "acme"] {
        store.add_account(account).expect("an account");
    }
    store
        .upsert_agent("support", "ada@support.example", Some("Ada"), true)
        .expect("an admin");
    let caller = Caller {
        account: "support".into(),
        email: "ada@support.example".into(),
        admin: true,
        staff: store.staff("support").expect("the staff"),
    };
    let rules = ticket_rules::ingest::AccountRules::default();

    // `POST /api/v2/tickets`, then `PUT /api/v2/tickets/1`.
    for ticket in [None, Some(1)] {
        if let Ok(mut update) = ticket_body::event(data, &caller, "api-fuzz", ticket, at) {
            if ticket.is_none() {
                update.ticket_id = store.next_ticket_id("support").expect("an id");
            }
            let mut pipeline = Pipeline::new(&store, &rules.rest, Explain::All);
            let _ = pipeline.one(ticket_rules::ingest::Incoming::made(String::new(), update));
        }
    }

    // `POST` and `PUT /api/v2/sharing_agreements`: `support` invites,
    // then each side tries the status the body asks for.
    if let Ok((to, name, terms)) = agreement_body::invite_body(data) {
        let _ = agreements::invite(&store, "support", &to, &name, terms, at);
    }
    let terms = Terms {
        comments: ticket_rules::model::CommentTerms::PublicAndPrivate,
        sync_tags: true,
        sync_custom_fields: true,
    };
    if let Ok(invited) = agreements::invite(&store, "support", "acme", "Acme", terms, at) {
        if let Ok(action) = agreement_body::status_body(data) {
            if let Some(inbound) = &invited.inbound {
                let _ = agreements::transition(&store, inbound.id, "acme", action, at);
            }
            let _ = agreements::transition(&store, invited.outbound.id, "support", action, at);
        }
    }

    // `POST /api/v2/dry_run`.
    if let Ok(plan) = dry_run::read_body(data, &caller, &at.to_rfc3339()) {
        let _ = dry_run::run(&store, &rules, plan);
    }

    partner_bodies(data, at);
}

const PARTNER_UUID: &str = "0f1e2d3c-4b5a-4697-a887-766554433221";
const PARTNER_KEY: &str = "0123456789abcdef0123456789abcdef";
const INVITE_UUID: &str = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d";
const TICKET_UUID: &str = "aaaaaaaa-bbbb-4ccc-addd-eeeeeeeeeeee";

/// The partner protocol's bodies, to `acme`, which has accepted an
/// invite from the remote `globex` and received its ticket 7.
fn partner_bodies(data: &[u8], at: Time) {
    let store = Store::in_memory().expect("a store in memory");
    store.add_account("acme").expect("an account");
    let invite = Invite {
        uuid: PARTNER_UUID.into(),
        name: Some("Globex".into()),
        status: Some("pending".into()),
        access_key: Some(PARTNER_KEY.into()),
        sender_url: Some("http://127.0.0.1:9/sharing/globex".into()),
        receiver_url: Some("http://127.0.0.1:8/sharing/acme".into()),
        sync_tags: true,
        sync_custom_fields: true,
        allows_public_comments: true,
        current_actor: None,
    };
    partner::agreements::receive_invite(&store, "acme", PARTNER_UUID, &invite, at)
        .expect("an invite");
    agreements::accept(&store, 1, "acme", at).expect("an accepted agreement");
    let rules = ticket_rules::ingest::AccountRules::default();
    let token = format!("{PARTNER_UUID}:{PARTNER_KEY}");
    let shared = br#"{"uuid":"aaaaaaaa-bbbb-4ccc-addd-eeeeeeeeeeee","original_id":7,"subject":"Lens cap stuck","status":"open","tags":["lens"],"requester":{"name":"Ann","email":"ann@example.com"},"comments":[{"author":{"name":"Ann","email":"ann@example.com"},"body":"Stuck","public":true}]}"#;
    let first = Call {
        account: "acme",
        uuid: TICKET_UUID,
        token: Some(&token),
        delivery: Some("seed"),
        body: shared,
        at,
    };
    partner::ticket_call(&store, &rules, &first, Method::Share).expect("a shared ticket");

    // `POST agreements/{uuid}`: a new invite; `PUT`: the partner's move.
    let fuzzed = |uuid| Call {
        account: "acme",
        uuid,
        token: Some(&token),
        delivery: None,
        body: data,
        at,
    };
    let _ = partner::agreement_call(&store, &fuzzed(INVITE_UUID), true);
    // `POST|PUT tickets/{uuid}`: a share, then an update of ticket 7.
    for method in [Method::Share, Method::Update] {
        let _ = partner::ticket_call(&store, &rules, &fuzzed(TICKET_UUID), method);
    }
    let _ = partner::agreement_call(&store, &fuzzed(PARTNER_UUID), false);
}

fn rules(data: &[u8], syntax: Syntax) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = load_str("fuzz", text.to_string(), syntax);
    let mut diags = check(&loaded.file, &CheckOptions::default());
    diags.extend(loaded.diagnostics.iter().cloned());
    let _ = format_file(&loaded.file);
    for d in &diags {
        let _ = render(d, &loaded.source, Style { color: false });
    }
    if diags.iter().any(|d| d.is_error()) {
        return;
    }
    let set = engine::compile(&[Input {
        source: &loaded.source,
        file: &loaded.file,
    }]);
    if let Some(update) = sample_update() {
        let _ = engine::run(&set, None, &update, &Context::default());
    }
}

/// A ticket create for the rules to run on.
fn sample_update() -> Option<ticket_rules::model::Update> {
    let line = r#"{"id":"f1","type":"create","account":"support","at":"2026-11-21T09:00:00Z","via":"email","actor":{"email":"a@example.com","role":"end_user"},"ticket":{"id":1,"subject":"Camera","requester":"a@example.com","tags":["vip"],"comment":{"body":"hello","public":true}}}"#;
    ticket_rules::event::parse_event(line, 1).ok()
}
