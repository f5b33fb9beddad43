//! Stage two: the world a case starts from, in a fresh in-memory store.
//! Every account, agreement, group and agent is created here, explicitly,
//! as `accounts add` and `agents add` would: nothing relies on an event
//! inventing them. The given ticket is stored with no rules run, as it
//! stands; the history then runs through the rules.

use super::{Action, Case, TestFile};
use crate::engine::{Change, Explain, Outcome, RuleSet};
use crate::ingest::{Incoming, Pipeline, Rules, Status};
use crate::model::{Role, Update};
use crate::store::Store;

/// Why a case could not be set up.
pub type SetupError = String;

/// The pipeline a case runs through. A case's world is the admin's, so a
/// copy received from a remote partner is imported as the partner
/// protocol would make it.
pub fn pipeline<'a>(
    store: &'a Store,
    rules: impl Into<Rules<'a>>,
    explain: Explain,
) -> Pipeline<'a> {
    Pipeline::new(store, rules, explain).importing_copies(true)
}

/// The store for one case, ready for its `when`.
pub fn build(file: &TestFile, case: &Case) -> Result<Store, SetupError> {
    let store = Store::in_memory().map_err(|e| e.to_string())?;
    staff(&store, file, case).map_err(|e| format!("cannot set up the world: {e}"))?;
    let account = &file.world.account;
    if let Some(ticket) = &case.ticket {
        let empty = RuleSet::default();
        let mut pipeline = pipeline(&store, &empty, Explain::None);
        expect_applied(&mut pipeline, ticket.clone(), "the given ticket")?;
        for comment in &case.comments {
            expect_applied(&mut pipeline, comment.clone(), "a given comment")?;
        }
    }
    if let Some((update, rules)) = &case.sharing {
        let mut pipeline = pipeline(&store, rules, Explain::None);
        expect_applied(&mut pipeline, update.clone(), "sharing the given ticket")?;
    }
    let mut pipeline = pipeline(&store, &file.rules, Explain::None);
    for (i, event) in case.history.iter().enumerate() {
        let what = format!("history event {} in `{account}`", i + 1);
        expect_applied(&mut pipeline, event.clone(), &what)?;
    }
    Ok(store)
}

fn expect_applied(pipeline: &mut Pipeline, update: Update, what: &str) -> Result<(), SetupError> {
    let text = serde_json::to_string(&update).unwrap_or_default();
    let mut reason = None;
    pipeline
        .run([Incoming::made(text, update)], false, |p| match &p.status {
            Status::Rejected(why) => reason = Some(format!("rejected: {why}")),
            Status::Applied(_, o) => reason = refused(o).map(|why| format!("refused: {why}")),
            Status::Duplicate => {}
        })
        .map_err(|e| e.to_string())?;
    match reason {
        Some(why) => Err(format!("{what} was {why}")),
        None => Ok(()),
    }
}

/// Why a share the given sharing asked for was refused.
fn refused(o: &Outcome) -> Option<String> {
    let mut effects = o.fired.iter().flat_map(|f| &f.effects);
    effects.find_map(|e| match &e.change {
        Change::ShareRefused { agreement, reason } => Some(format!("`{agreement}`: {reason}")),
        Change::AgentShareRefused { agent, reason } => Some(format!("`{agent}`: {reason}")),
        _ => None,
    })
}

/// Accounts, agreements, fields, groups and agents, in one transaction.
fn staff(store: &Store, file: &TestFile, case: &Case) -> Result<(), crate::store::StoreError> {
    let main = &file.world.account;
    store.begin()?;
    for account in &file.world.accounts {
        store.ensure_account(&account.name)?;
        store.import_agreements(&account.name, &account.agreements)?;
        for (title, kind) in &account.fields {
            store.set_field(&account.name, title, *kind)?;
        }
    }
    store.ensure_account(main)?;
    store.import_agreements(main, &case.agreements)?;
    store.set_agent_ticket_sharing(main, case.agent_sharing)?;
    for group in &case.groups {
        store.add_group(main, group)?;
    }
    for (email, name, admin, groups) in &case.agents {
        store.upsert_agent(main, email, name.as_deref(), *admin)?;
        for group in groups {
            store.add_group(main, group)?;
            store.add_member(main, email, group)?;
        }
    }
    // An event's or a given comment's agent or admin is one of the
    // account's staff, unless the case lists its agents itself.
    let listed = |email: &str| case.agents.iter().any(|a| a.0.eq_ignore_ascii_case(email));
    let events = case
        .comments
        .iter()
        .chain(&case.history)
        .chain(match &case.action {
            Action::Event(u) => Some(u.as_ref()),
            Action::Automations(_) => None,
        });
    for update in events {
        if let Some(actor) = &update.actor {
            if actor.role != Role::EndUser && !listed(&actor.email) {
                store.ensure_account(&update.account)?;
                let admin = actor.role == Role::Admin;
                store.upsert_agent(&update.account, &actor.email, actor.name.as_deref(), admin)?;
            }
        }
    }
    store.commit()
}
