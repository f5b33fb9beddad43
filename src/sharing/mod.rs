//! The sharing network: agreements between accounts, and what a share,
//! a synced update and an unshare do across them.
//!
//! The stages, in order:
//!
//! 1. [`agreements`]: an agreement's life (invite, accept, decline,
//!    deactivate) on both sides when both accounts live in the store, and
//!    through the outbox when the partner is remote.

pub mod agreements;
