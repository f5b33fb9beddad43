//! ticket-rules: a rule engine for help desks that share tickets.
//!
//! The pipeline, in order:
//!
//! 1. [`rules`]: read `.rules` (pest) and Zendesk-shaped YAML/JSON (serde)
//!    into one AST, check it, format it, convert it.
//! 2. `engine` (to come): compile checked rules and run triggers and
//!    automations as a pure function over a ticket and an update.
//! 3. [`store`]: the SQLite ticket store, the only place with I/O on
//!    tickets: schema migrations, loading tickets, and writing each applied
//!    or rejected event with its audit trail and outbox in a transaction.
//!
//! [`cli`] wires the stages to the `ticket-rules` subcommands.

pub mod cli;
pub mod engine;
pub mod model;
pub mod rules;
pub mod store;
