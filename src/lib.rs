//! ticket-rules: a rule engine for help desks that share tickets.
//!
//! The pipeline, in order:
//!
//! 1. [`rules`]: read `.rules` (pest) and Zendesk-shaped YAML/JSON (serde)
//!    into one AST, check it, format it, convert it.
//! 2. [`event`]: read ticket creates and updates from JSON Lines into
//!    [`model::Update`]s (`docs/EVENTS.md` has the format).
//! 3. `engine` (to come): compile checked rules and run triggers and
//!    automations as a pure function over a ticket and an update.
//! 4. `store` (to come): the SQLite ticket store, the only place with I/O.
//!
//! [`cli`] wires the stages to the `ticket-rules` subcommands.

pub mod cli;
pub mod engine;
pub mod event;
pub mod model;
pub mod rules;
