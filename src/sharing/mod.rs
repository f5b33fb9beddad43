//! The sharing network: agreements between accounts, and what a share,
//! a synced update and an unshare do across them.
//!
//! The stages, in order:
//!
//! 1. [`agreements`]: an agreement's life (invite, accept, decline,
//!    deactivate) on both sides when both accounts live in the store, and
//!    through the outbox when the partner is remote.
//! 2. [`network`]: after an update has run, what it owes the partners:
//!    a copy for a new share, a synced update for each live link, a note
//!    for an unshare, to a local account as an update to run, or to a
//!    remote one as an outbox row.
//! 3. [`copy`] and [`sync`]: the update a local partner runs, by the
//!    agreement's terms; [`sync::from_partner`] cuts a remote partner's
//!    update to the same terms (ingest's events via ticket sharing, and
//!    the `serve` partner protocol).
//! 4. [`payload`]: the ticket-sharing payload a remote partner is sent.
//!
//! [`crate::ingest`] runs what [`network`] asks for inside the event's
//! savepoint, [`MAX_HOPS`] deep at most.

pub mod agreements;
pub mod copy;
pub mod network;
pub mod payload;
pub mod remote;
pub mod sync;

pub use network::{
    follow_ups, Done, FollowUp, Network, NoteLine, Queued, Reached, Step, StepKind, StepResult,
    Work,
};

/// How far a chain of shares and synced updates may run from the event
/// that started it. An update `MAX_HOPS` away still runs; what it would
/// send on is cut off and reported.
pub const MAX_HOPS: usize = 8;

/// The status a partner's copy takes: `hold` is the sender's own business
/// and reads `open` on the other side.
pub fn mapped_status(status: crate::model::Status) -> crate::model::Status {
    match status {
        crate::model::Status::Hold => crate::model::Status::Open,
        other => other,
    }
}
