//! What a test file says, as serde reads it: the accounts and their rules,
//! then cases of `given`, `when` and `expect`. Every key is checked
//! (unknown keys are errors with their line and column); the format is
//! documented in `docs/TESTING.md`.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// A whole `*.test.yaml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Each local account: its rules and its side of the agreements. The
    /// first is the account the cases' tickets are in, unless `account`
    /// names another.
    pub accounts: BTreeMap<String, AccountSpec>,
    #[serde(default)]
    pub account: Option<String>,
    pub cases: Vec<CaseSpec>,
}

/// One local account of the test's world.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// Rule files or folders, relative to the test file.
    #[serde(default, deserialize_with = "one_or_many")]
    pub rules: Vec<String>,
    /// Sharing Agreements API JSON files (relative to the test file) or
    /// agreements written inline: one, or a list of either.
    #[serde(default)]
    pub agreements: Option<Value>,
    /// Custom fields the account defines, title → type (`text`,
    /// `checkbox`…): a partner's copy keeps only fields both sides have.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    pub name: String,
    #[serde(default)]
    pub given: Given,
    pub when: When,
    pub expect: Expect,
}

/// The world before the `when`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Given {
    /// When the ticket was created (default `2026-01-05T09:00:00Z`).
    #[serde(default)]
    pub at: Option<String>,
    /// The ticket as it stands: a create event's `ticket` object.
    #[serde(default)]
    pub ticket: Option<Value>,
    /// Events run through the rules before the `when`, to reach a state
    /// (a share, say) no ticket field sets.
    #[serde(default)]
    pub history: Vec<Value>,
    /// More agreements for the case's account, inline (API objects).
    #[serde(default)]
    pub agreements: Vec<Value>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub agents: Vec<AgentSpec>,
    /// Agents may share tickets with agents outside the group.
    #[serde(default)]
    pub agent_sharing: bool,
}

/// An agent or admin of the case's account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub admin: bool,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// What happens: one event, or the automations running at a time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    #[serde(default)]
    pub event: Option<Value>,
    #[serde(default)]
    pub automations: Option<String>,
}

/// What should come of it: checks, or the whole outcome in a snapshot.
#[derive(Debug)]
pub enum Expect {
    Snapshot,
    Checks(Box<Checks>),
}

/// Checks on the case's ticket and what it set off; each is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// The event is rejected, with a reason containing this.
    #[serde(default)]
    pub rejected: Option<String>,
    /// Exactly these rules fired on the ticket, in this order.
    #[serde(default)]
    pub fired: Option<Vec<String>>,
    #[serde(default)]
    pub must_fire: Vec<String>,
    #[serde(default)]
    pub must_not_fire: Vec<String>,
    /// Fields after, by their event names; `null` for none.
    #[serde(default)]
    pub ticket: BTreeMap<String, Value>,
    /// Exactly these tags after.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub has_tags: Vec<String>,
    #[serde(default)]
    pub lacks_tags: Vec<String>,
    /// Agreements the ticket was shared over, in order.
    #[serde(default)]
    pub shares: Option<Vec<String>>,
    #[serde(default)]
    pub unshares: Option<Vec<String>>,
    #[serde(default)]
    pub refusals: Option<Vec<Refusal>>,
    /// Partners' copies, by account.
    #[serde(default)]
    pub partners: BTreeMap<String, TicketChecks>,
    #[serde(default)]
    pub notifications: Option<Vec<NotificationSpec>>,
    #[serde(default)]
    pub outbox: Option<Vec<OutboxSpec>>,
}

impl Checks {
    /// The checks on the case's own ticket, as a partner's copy has them.
    pub fn on_ticket(&self) -> TicketChecks {
        TicketChecks {
            fired: self.fired.clone(),
            must_fire: self.must_fire.clone(),
            must_not_fire: self.must_not_fire.clone(),
            ticket: self.ticket.clone(),
            tags: self.tags.clone(),
            has_tags: self.has_tags.clone(),
            lacks_tags: self.lacks_tags.clone(),
        }
    }
}

/// Checks on one ticket: rules fired on it, its fields and tags after.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketChecks {
    /// Exactly these rules fired, in this order.
    #[serde(default)]
    pub fired: Option<Vec<String>>,
    #[serde(default)]
    pub must_fire: Vec<String>,
    #[serde(default)]
    pub must_not_fire: Vec<String>,
    /// Fields after, by their event names; `null` for none.
    #[serde(default)]
    pub ticket: BTreeMap<String, Value>,
    /// Exactly these tags after.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub has_tags: Vec<String>,
    #[serde(default)]
    pub lacks_tags: Vec<String>,
}

/// A share a rule asked for and was refused.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    pub agreement: String,
    /// Part of the reason.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A notification; the keys given must match, the rest may be anything.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSpec {
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    /// Part of the body.
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub rule: Option<String>,
}

/// An outbox row: its kind and part of its payload.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSpec {
    #[serde(default)]
    pub kind: Option<String>,
    /// Every key given must be in the payload with this value (objects
    /// compared the same way, key by key).
    #[serde(default)]
    pub payload: Option<Value>,
}

impl<'de> Deserialize<'de> for Expect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Expect, D::Error> {
        d.deserialize_any(ExpectVisitor)
    }
}

struct ExpectVisitor;

impl<'de> Visitor<'de> for ExpectVisitor {
    type Value = Expect;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("`snapshot` or a map of checks")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Expect, E> {
        match v {
            "snapshot" => Ok(Expect::Snapshot),
            other => Err(E::custom(format!(
                "`expect: {other}` is not a check; write `expect: snapshot` or a map of checks"
            ))),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Expect, A::Error> {
        let checks = Checks::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Expect::Checks(Box::new(checks)))
    }
}

/// A string or a list of strings.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}
