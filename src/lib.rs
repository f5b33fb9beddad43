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
//! event; [`automations`] runs automations on a clock through the same
//! pipeline; [`report`] prints what each event did (`dry-run`, `ingest
//! --report`). [`model`] holds the data they share, and [`cli`] wires them
//! to the `ticket-rules` subcommands.

pub mod automations;
pub mod cli;
pub mod engine;
pub mod event;
pub mod gen;
pub mod ingest;
pub mod model;
pub mod report;
pub mod rules;
pub mod sharing;
pub mod store;
