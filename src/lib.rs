//! ticket-rules: a rule engine for help desks that share tickets.
//!
//! The pipeline, in order:
//!
//! 1. [`rules`]: read `.rules` (pest) and Zendesk-shaped YAML/JSON (serde)
//!    into one AST, check it, format it, convert it.
//! 2. [`event`]: read ticket creates and updates from JSON Lines into
//!    [`model::Update`]s (`docs/EVENTS.md` has the format).
//! 3. [`engine`]: compile checked rules, then run the trigger cycle as a
//!    pure function from a ticket and an update to an [`engine::Outcome`].
//! 4. [`store`]: the SQLite ticket store, the only place with I/O on
//!    tickets: schema migrations, loading tickets, and writing each applied
//!    or rejected event with its audit trail and outbox in a transaction.
//!
//! [`sharing`] moves sharing agreements through their life (invite,
//! accept, decline, deactivate) on both sides, or through the outbox for a
//! remote partner.
//!
//! [`ingest`] runs the stages over an event stream, one savepoint per
//! event, after checking each event against what the store knows (its
//! account, its actor's role by [`model::trust`], a received copy's share,
//! a partner update's terms by [`sharing::sync::from_partner`]); [`automations`] runs automations on a clock through the same
//! pipeline; [`report`] prints what each event did (`dry-run`, `ingest
//! --report`), with [`escape`] making control characters in them visible.
//! [`testing`] runs admins' test cases (`*.test.yaml`) through that same
//! pipeline. [`model`] holds the data they share, and [`cli`] wires them to
//! the `ticket-rules` subcommands. [`server`] serves the pipeline over HTTP:
//! Zendesk's REST API, one writer, a clock. [`gen`] writes seeded
//! workloads for benchmarks.
//!
//! # Embedding
//!
//! [`embed`] is the front door for programs that run rules themselves:
//! [`load`] parses, checks and compiles rule sources into a
//! [`RuleSet`] (or returns every diagnostic), and [`matching`] tells
//! which triggers match a ticket and an update, running no action.
//!
//! ```
//! use ticket_rules::{load, matching, Source};
//! use ticket_rules::event::parse_event;
//!
//! let text = r#"
//! trigger "Escalate VIP tickets" {
//!   when Ticket is Created and Tags contains at least one of vip
//!   then Set priority urgent
//! }
//! trigger "Thank the requester" {
//!   when Ticket is Updated
//!   then Add tags thanked
//! }
//! "#;
//! let rules = load(&[Source::dsl("support.rules", text)]).expect("the rules check clean");
//!
//! let create = parse_event(
//!     r#"{"id":"e1","type":"create","account":"support","at":"2026-11-21T09:00:00Z",
//!         "ticket":{"id":7,"subject":"Broken lens","tags":["vip"]}}"#,
//!     1,
//! )
//! .expect("a valid event");
//! let titles: Vec<&str> = matching(&rules, None, &create).iter().map(|m| m.title).collect();
//! assert_eq!(titles, ["Escalate VIP tickets"]);
//!
//! // Errors come back as diagnostics, rendered as `check` prints them.
//! let typo = r#"trigger "x" { when Stauts is Open then Add tags y }"#;
//! let bad = load(&[Source::dsl("bad.rules", typo)]);
//! let diagnostics = bad.expect_err("an unknown field is an error");
//! assert_eq!(diagnostics.errors(), 1);
//! assert!(diagnostics.render().contains("bad.rules:1:"));
//! println!("ticket-rules {}", ticket_rules::VERSION);
//! ```

pub mod automations;
pub mod bench;
pub mod cli;
pub mod embed;
pub mod engine;
pub mod escape;
pub mod event;
pub mod gen;
pub mod ingest;
pub(crate) mod locate;
pub mod model;
pub mod report;
pub mod rules;
pub mod server;
pub mod sharing;
pub mod store;
pub mod testing;

pub use embed::{load, matching, Diagnostics, Match, Source};
pub use engine::RuleSet;

/// This library's version, as released (`Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
