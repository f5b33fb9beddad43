//! The sharing network: agreements between accounts, and what a share,
//! a synced update and an unshare do across them.
//!
//! The stages, in order:
//!
//! 1. [`agreements`]: an agreement's life (invite, accept, decline,
//!    deactivate) on both sides when both accounts live in the store.

pub mod agreements;
