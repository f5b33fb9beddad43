//! `agreements retry` and `POST /api/v2/sharing_agreements/{id}/retry`:
//! an agreement that delivery marked `failed`, `ssl_error` or
//! `configuration_error` goes back to the status it had before the fault,
//! and its waiting rows are sent again on the worker's next pass.
//!
//! The status before is read off the row that faulted, the oldest of the
//! agreement's waiting rows that was tried and given no next try: a
//! status row carries the side's status when it was written (`pending`
//! for an invite, `inactive` for a deactivation), and ticket rows cross
//! only an accepted agreement. With no such row the agreement was
//! accepted (only ticket rows fault once an agreement is under way).

use super::is_fault;
use crate::model::{Agreement, AgreementStatus, Time};
use crate::sharing::agreements::stamp;
use crate::store::{OutboxEntry, Store, StoreError};
use serde_json::Value;

/// Why an agreement was not retried.
#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("no agreement {id} in `{account}`")]
    NotFound { account: String, id: i64 },
    #[error("agreement {id} of `{account}` is {status}, not in a delivery fault\nhelp: only `failed`, `ssl_error` and `configuration_error` agreements are retried")]
    NoFault {
        account: String,
        id: i64,
        status: &'static str,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An agreement retried: its side now, and the status it had.
#[derive(Clone, Debug)]
pub struct Retried {
    pub side: Agreement,
    pub was: AgreementStatus,
}

/// Puts `account`'s agreement `id` back to its status before the fault.
pub fn retry(store: &Store, account: &str, id: i64, at: Time) -> Result<Retried, RetryError> {
    store.transaction(|| {
        let side = store
            .agreement(account, id)?
            .ok_or_else(|| RetryError::NotFound {
                account: account.to_string(),
                id,
            })?;
        if !is_fault(side.status) {
            return Err(RetryError::NoFault {
                account: account.to_string(),
                id,
                status: side.status.as_str(),
            });
        }
        let before = status_before(store, account, id)?;
        let updated = stamp(at);
        store.set_agreement_status(account, id, before, &updated)?;
        let was = side.status;
        let side = Agreement {
            status: before,
            updated_at: Some(updated),
            ..side
        };
        Ok(Retried { side, was })
    })
}

/// The status the agreement had when its faulting row was written.
fn status_before(store: &Store, account: &str, id: i64) -> Result<AgreementStatus, StoreError> {
    let faulted = store.pending_outbox()?.into_iter().find(|row| {
        row.account == account
            && super::lane_of(row).is_some_and(|(agreement, _)| agreement == id)
            && row.attempts > 0
            && row.next_attempt_at.is_none()
    });
    Ok(faulted
        .as_ref()
        .and_then(carried_status)
        .unwrap_or(AgreementStatus::Accepted))
}

/// The status a status row carries; `None` for a ticket row.
fn carried_status(row: &OutboxEntry) -> Option<AgreementStatus> {
    if row.kind != "agreement" {
        return None;
    }
    let payload: Value = serde_json::from_str(&row.payload).ok()?;
    let status = payload["sharing_agreement"]["status"].as_str()?;
    serde_json::from_value(Value::String(status.to_string())).ok()
}
