//! What an event may claim, checked against the store before it runs
//! (DESIGN.md, "Who is trusted, and with what"):
//!
//! - its account must be in the store (`accounts add`), or it is rejected
//!   with a did-you-mean: events never make accounts;
//! - a create with `received_from` must answer to a real share: over an
//!   agreement with a local partner, the partner's ticket must be shared
//!   with this account over it and have no live copy here yet; from a
//!   remote partner, only an explicit import (`--import-copies`) or the
//!   partner protocol makes one;
//! - an update `via ticket_sharing` comes from the partner of the
//!   ticket's live link, which must be remote (a local partner's updates
//!   come from its own copy), and is cut down to what the agreement's
//!   terms let through by [`crate::sharing::sync::from_partner`].
//!
//! Everyone else's role is the store's ([`crate::model::trust`]), checked
//! when the update runs.
//!
//! The `serve` partner protocol authenticates the agreement by its token
//! instead and cuts a call to that agreement's terms itself (with the
//! same filter, [`crate::sharing::sync::admit`]), then runs it with
//! [`Pipeline::from_partner_protocol`].

use super::Pipeline;
use crate::model::{Direction, ReceivedFrom, Update, UpdateKind};
use crate::rules::schema::did_you_mean;
use crate::sharing::{network::VIA, sync};
use crate::store::StoreError;

/// Who an event speaks for, once vetted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Speaker {
    /// Someone of this account: their role is checked against its staff.
    Account,
    /// A partner over an agreement: bounded by its terms instead.
    Partner,
}

type Vetted = Result<Result<Speaker, String>, StoreError>;

impl Pipeline<'_> {
    /// Checks an event from outside against the store; may cut a partner's
    /// update down to what its agreement lets through.
    pub(super) fn vet(&mut self, update: &mut Update) -> Vetted {
        if !self.world.is_local(&update.account)? {
            return Ok(Err(self.unknown_account(&update.account)?));
        }
        if let Some(from) = &update.changes.received_from {
            let from = from.clone();
            return Ok(self.received(update, &from)?.map(|()| Speaker::Partner));
        }
        if update.via != VIA || update.kind != UpdateKind::Update {
            return Ok(Ok(Speaker::Account));
        }
        if self.partner_protocol {
            return Ok(Ok(Speaker::Partner));
        }
        self.partner_update(update)
    }

    fn unknown_account(&mut self, name: &str) -> Result<String, StoreError> {
        let accounts = self.world.accounts()?;
        let shown = name.escape_debug();
        let help = match did_you_mean(name, accounts.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("add it with `ticket-rules accounts add {shown}`"),
        };
        Ok(format!(
            "no account `{shown}` in the store; events do not make accounts\nhelp: {help}"
        ))
    }

    /// A received copy must answer to a real share.
    fn received(
        &mut self,
        update: &Update,
        from: &ReceivedFrom,
    ) -> Result<Result<(), String>, StoreError> {
        let account = &update.account;
        let agreement = self
            .world
            .agreements(account)?
            .iter()
            .find(|a| a.is_named(&from.agreement) && a.direction == Direction::Inbound)
            .cloned();
        // No such agreement: the run says so with the reason it always gave.
        let Some(a) = agreement else {
            return Ok(Ok(()));
        };
        let partner = a.partner();
        if !self.world.is_local(&partner)? {
            if self.import_copies {
                return Ok(Ok(()));
            }
            return Ok(Err(format!(
                "`received_from` names `{partner}`, a remote partner: only the partner protocol or an explicit import makes its copies\nhelp: to import copies received from remote partners, run `ingest --import-copies`"
            )));
        }
        let Some(origin) = from.origin_id else {
            return Ok(Err(format!(
                "`received_from` names no `origin_id` in `{partner}`: a copy from a local partner answers to one of its tickets"
            )));
        };
        let sender = self.world.peer(&a)?.map(|p| p.id);
        let shared = self.store.ticket(&partner, origin)?.is_some_and(|t| {
            t.shares
                .iter()
                .any(|s| s.active && Some(s.agreement_id) == sender && &s.partner == account)
        });
        if !shared {
            return Ok(Err(format!(
                "ticket {origin} in `{partner}` is not shared with `{account}` over `{}`; a received copy must answer to a real share",
                a.name
            )));
        }
        if let Some(copy) = self.store.copy_of(account, a.id, origin)? {
            return Ok(Err(format!(
                "ticket {origin} in `{partner}` already has its copy in `{account}`: ticket {copy}"
            )));
        }
        Ok(Ok(()))
    }

    /// An update via ticket sharing: the partner of the ticket's live link,
    /// which must be remote, and only what the terms let through.
    fn partner_update(&mut self, update: &mut Update) -> Vetted {
        let Some(t) = self.store.ticket(&update.account, update.ticket_id)? else {
            // The run rejects it: the ticket does not exist.
            return Ok(Ok(Speaker::Partner));
        };
        let (id, account) = (t.id, &t.account);
        let agreement = match super::partner_link(&t) {
            Some(link) => self
                .world
                .agreements(account)?
                .iter()
                .find(|a| a.id == link)
                .cloned(),
            None => None,
        };
        let Some(a) = agreement else {
            return Ok(Err(format!(
                "ticket {id} in `{account}` is not shared with a partner; an update via ticket sharing comes only over a live link"
            )));
        };
        let partner = a.partner();
        if self.world.is_local(&partner)? {
            return Ok(Err(format!(
                "ticket {id} in `{account}` is linked to `{partner}`, an account in this store: its updates come from its own copy, not from events via ticket sharing"
            )));
        }
        Ok(match sync::from_partner(update, &t, &a) {
            Ok(cut) => {
                *update = cut;
                Ok(Speaker::Partner)
            }
            Err(reason) => Err(reason),
        })
    }
}
