//! Serving: ticket-rules as one help desk among others on the network.
//!
//! - [`partner`]: the Networked Help Desk API (the protocol Zendesk's
//!   ticket sharing speaks) that partners on other servers call, under
//!   `{public-url}/sharing/{account}`.
//! - [`delivery`]: the worker that sends the outbox to those partners.

pub mod delivery;
pub mod partner;
