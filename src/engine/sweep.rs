//! The indexable part of an automation's condition, as a parameterised SQL
//! `WHERE` over the `tickets` table (alias `t`): status, tags, time
//! windows and sharing state. A sweep reads only the tickets it lets
//! through and evaluates the whole condition on each in memory, so the
//! filter may let through more than match but never fewer.

use super::compile::Interner;
use super::condition::Cond;
use crate::model::Time;

/// A value bound to a `?` of [`SqlFilter::sql`], in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlParam {
    Int(i64),
    Text(String),
}

/// A `WHERE` fragment and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlFilter {
    /// Over `tickets t`; `1` lets every ticket through.
    pub sql: String,
    pub params: Vec<SqlParam>,
    /// The fragment is the whole condition: every ticket it lets through
    /// matches, so counting needs no evaluation.
    pub exact: bool,
}

/// The filter for a condition at time `at` (`None`: no condition).
// TODO(sweep): compile status, tags, time windows and sharing state.
pub fn prefilter(cond: Option<&Cond>, _interner: &Interner, _at: Time) -> SqlFilter {
    SqlFilter {
        sql: "1".into(),
        params: Vec::new(),
        exact: cond.is_none(),
    }
}
