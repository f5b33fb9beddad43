//! The engine: compiled rules run over a ticket and an update, as a pure
//! function. No I/O here; `store` reads the ticket before and commits the
//! outcome, `dry-run` prints it.
//!
//! Step one, [`compile`]: checked rules become a [`RuleSet`] (conditions in
//! [`condition`], actions in [`action`], the trigger [`index`]). Step two,
//! [`run`]: the update's own [`changes`] are applied, or the actions of
//! the [`automation`] it names, then the trigger cycle (below). Step
//! three, [`explain`]: why each other trigger did not fire. [`outcome`] is
//! what comes out; the texts it repeats for each firing (rule titles and
//! sources, action texts) are [`shared`], made once at compile time.
//! Automations' sweeps start in the store (`store::prefilter` turns the
//! part of their conditions SQL can test into SQL); [`automation`] then
//! tests the whole conditions on each ticket found.
//!
//! The trigger cycle, as Zendesk runs it: walk the active triggers in
//! order and fire the first whose conditions hold, applying its actions to
//! the working ticket; then start again from the top, skipping triggers
//! that fired. Stop when a pass fires nothing. Each trigger fires at most
//! once per update, so the cycle ends. `changed` conditions compare with
//! the ticket before the update. Nothing runs on a ticket that was closed
//! before the update. [`cycle`] runs it, re-testing after a firing only
//! the triggers that read what it wrote ([`touch`]).

pub mod action;
pub mod automation;
pub mod changes;
pub mod compile;
pub mod condition;
pub mod cycle;
pub mod explain;
pub mod facts;
pub mod groups;
pub mod hash;
pub mod index;
pub mod outcome;
pub mod placeholders;
pub mod prefilter;
pub mod touch;

pub use crate::model::Shared;
pub use compile::{compile, Input, RuleSet};
pub use outcome::*;

use crate::model::{Agreement, Staff, Status, Ticket, Update};
use action::{ActionContext, Produced};
use compile::CompiledRule;
use facts::Facts;

/// How much of the evaluation to explain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Explain {
    /// Nothing: the fast path.
    #[default]
    None,
    /// For each trigger that did not fire, the condition that failed.
    Failed,
    /// Every condition of every trigger.
    All,
}

/// Which triggers each pass of the cycle evaluates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Walk {
    /// Only those the index says could match.
    #[default]
    Indexed,
    /// All of them, in order: the reference the index is tested against.
    Plain,
}

/// What the engine knows beyond the ticket and the update.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The account's sharing agreements.
    pub agreements: &'a [Agreement],
    /// The account's agents and groups; `None`: unknown, so agent sharing
    /// is refused as off.
    pub staff: Option<&'a Staff>,
    pub explain: Explain,
    pub walk: Walk,
}

/// The ticket with only the update's own changes, as the rules first see
/// it: what a synced update brought, before this side's triggers ran.
pub fn own_changes(before: Option<&Ticket>, update: &Update, agreements: &[Agreement]) -> Ticket {
    start(before, update, agreements).0
}

/// What the update itself changed, and the comments it added.
type OwnChanges = (Vec<Change>, Vec<AddedComment>);

/// The working ticket with the update's own changes applied, and those
/// changes; `None` for a ticket closed before the update, which the update
/// does not touch.
fn start(
    before: Option<&Ticket>,
    update: &Update,
    agreements: &[Agreement],
) -> (Ticket, Option<OwnChanges>) {
    let mut ticket = match before {
        Some(t) => t.clone(),
        None => Ticket::new(&update.account, update.ticket_id, &update.via, update.at),
    };
    if before.is_some_and(|b| b.status == Status::Closed) {
        return (ticket, None);
    }
    let own = changes::apply_changes(&mut ticket, update, agreements);
    (ticket, Some(own))
}

/// Runs the triggers of `rules` on one update of a ticket (`before` is
/// `None` when the update creates it).
pub fn run(rules: &RuleSet, before: Option<&Ticket>, update: &Update, cx: &Context) -> Outcome {
    let (mut ticket, own) = start(before, update, cx.agreements);
    let mut skipped = own
        .is_none()
        .then(|| "the ticket was closed before the update".to_string());
    let (changes, comments) = own.unwrap_or_default();
    let mut produced = Produced {
        comments,
        ..Produced::default()
    };
    let mut fired = Vec::new();
    let mut trace = Vec::new();
    if let (Some(title), None) = (&update.automation, &skipped) {
        // On the ticket as the sweep saw it: the working ticket's updated
        // time has already moved to this update's.
        let holds = |rule| before.is_some_and(|b| automation::holds(rules, rule, b, update.at));
        match automation::named(rules, update) {
            Some(rule) if holds(rule) => {
                fired.push(fire_automation(
                    rules,
                    rule,
                    &mut ticket,
                    before,
                    update,
                    cx,
                    &mut produced,
                ));
            }
            _ => skipped = Some(format!("automation `{title}` does not hold on the ticket")),
        }
    }
    if skipped.is_none() {
        let cycle = cycle::Cycle {
            rules,
            before,
            update,
            cx,
        };
        let done = cycle.run(&mut ticket, &mut produced, &mut fired);
        if cx.explain != Explain::None {
            let facts = Facts::new(&rules.interner, &ticket, before, update, update.at);
            trace = traces(rules, &done, cx.explain, &facts);
        }
    }
    Outcome {
        skipped,
        changes,
        fired,
        after: ticket,
        shares: produced.shares,
        notifications: produced.notifications,
        comments: produced.comments,
        trace,
    }
}

/// Applies a rule's actions to the working ticket.
pub fn fire(
    rule: &CompiledRule,
    ticket: &mut Ticket,
    update: &Update,
    cx: &Context,
    produced: &mut Produced,
) -> Fired {
    let acx = ActionContext {
        update,
        agreements: cx.agreements,
        staff: cx.staff,
        rule: &rule.title,
    };
    let mut effects = Vec::with_capacity(rule.actions.len());
    for act in &rule.actions {
        action::apply(act, ticket, &acx, produced, &mut effects);
    }
    Fired {
        title: rule.title.clone(),
        source: rule.source.clone(),
        effects,
        conditions: Vec::new(),
    }
}

/// Fires the automation an update names, with the conditions that held
/// when every condition is asked for.
fn fire_automation(
    rules: &RuleSet,
    rule: &CompiledRule,
    ticket: &mut Ticket,
    before: Option<&Ticket>,
    update: &Update,
    cx: &Context,
    produced: &mut Produced,
) -> Fired {
    let conditions = match cx.explain {
        Explain::All => {
            // As the automation saw it: the update itself moves `updated_at`.
            let seen = before.unwrap_or(ticket);
            let facts = Facts::new(&rules.interner, seen, before, update, update.at);
            every_condition(rule, &facts)
        }
        _ => Vec::new(),
    };
    let mut done = fire(rule, ticket, update, cx, produced);
    done.conditions = conditions;
    done
}

fn every_condition(rule: &CompiledRule, facts: &Facts) -> Vec<ConditionResult> {
    rule.cond
        .as_ref()
        .map(|c| explain::every(c, facts))
        .unwrap_or_default()
}

/// Why each trigger that did not fire did not, on the final ticket (the
/// last pass of the cycle saw exactly this).
fn traces(rules: &RuleSet, fired: &[u32], explain: Explain, facts: &Facts) -> Vec<RuleTrace> {
    let mut done = vec![false; rules.triggers.len()];
    fired.iter().for_each(|&i| done[i as usize] = true);
    rules
        .triggers
        .iter()
        .zip(done)
        .filter(|(_, fired)| !*fired)
        .map(|(rule, _)| RuleTrace {
            title: rule.title.to_string(),
            source: rule.source.to_string(),
            fired: false,
            conditions: match (&rule.cond, explain) {
                (Some(c), Explain::All) => explain::every(c, facts),
                (Some(c), _) => explain::failure(c, facts),
                (None, _) => Vec::new(),
            },
        })
        .collect()
}
