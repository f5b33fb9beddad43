//! Sharing agreements: reading them from the Sharing Agreements API JSON,
//! and the checks that need them (a rule names one that exists; a share
//! the engine would refuse is said before it goes live).

use super::values::words_of;
use super::RuleChecker;
use crate::rules::ast::*;
use crate::rules::diagnostics::{list, Diagnostic};
use crate::rules::schema::did_you_mean;

/// A sharing agreement as rules may name it: by name or by id.
#[derive(Clone, Debug)]
pub struct AgreementRef {
    pub id: Option<i64>,
    pub name: String,
    /// `outbound` or `inbound`, as the API says.
    pub kind: Option<String>,
    /// `accepted`, `pending`, `declined`, `inactive`, …
    pub status: Option<String>,
}

impl AgreementRef {
    /// Is this the agreement a rule names (by name, ignoring case, or by id)?
    pub fn is_named(&self, text: &str) -> bool {
        self.name.eq_ignore_ascii_case(text.trim())
            || self.id.is_some_and(|id| id.to_string() == text.trim())
    }
}

/// Why an agreements file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("`{path}` is not Sharing Agreements API JSON: {reason}")]
pub struct AgreementsError {
    pub path: String,
    pub reason: String,
}

/// Reads agreement names and ids from Sharing Agreements API JSON
/// (`{"sharing_agreements": [...]}`, `{"sharing_agreement": {...}}` or a list).
pub fn agreements_from_json(path: &str, text: &str) -> Result<Vec<AgreementRef>, AgreementsError> {
    let err = |reason: String| AgreementsError {
        path: path.to_string(),
        reason,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    let list =
        match &value {
            serde_json::Value::Array(items) => items.clone(),
            v if v.get("sharing_agreements").is_some() => v["sharing_agreements"]
                .as_array()
                .cloned()
                .ok_or_else(|| err("`sharing_agreements` is not a list".into()))?,
            v if v.get("sharing_agreement").is_some() => vec![v["sharing_agreement"].clone()],
            _ => return Err(err("expected a `sharing_agreements` list".into())),
        };
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            let name = a.get("name").and_then(|n| n.as_str());
            let name = name.ok_or_else(|| err(format!("agreement {} has no `name`", i + 1)))?;
            let text = |key: &str| a.get(key).and_then(|v| v.as_str()).map(str::to_lowercase);
            Ok(AgreementRef {
                id: a.get("id").and_then(|v| v.as_i64()),
                name: name.to_string(),
                kind: text("type"),
                status: text("status"),
            })
        })
        .collect()
}

impl RuleChecker<'_> {
    pub(super) fn check_agreement(&mut self, text: &str, span: Span) {
        let Some(agreements) = &self.options.agreements else {
            return;
        };
        let found = agreements.iter().any(|a| a.is_named(text));
        if !found {
            let names = agreements.iter().map(|a| a.name.as_str());
            self.push(
                Diagnostic::error(
                    "unknown-agreement",
                    span,
                    format!("no sharing agreement `{text}`"),
                )
                .did_you_mean(did_you_mean(text, names))
                .or_help(format!(
                    "the agreements file names {}",
                    list(
                        &agreements
                            .iter()
                            .map(|a| a.name.clone())
                            .collect::<Vec<_>>(),
                        "or"
                    )
                )),
            );
        }
    }

    /// A share the engine would refuse, said before it goes live.
    pub(super) fn check_can_share(&mut self, args: &[Spanned<Atom>]) {
        let (Some(agreements), Some(text)) = (&self.options.agreements, words_of(args)) else {
            return;
        };
        let Some(a) = agreements.iter().find(|a| a.is_named(&text)) else {
            return;
        };
        let span = args
            .iter()
            .map(|x| x.span)
            .reduce(Span::join)
            .unwrap_or_default();
        let name = &a.name;
        let refusal = match (a.kind.as_deref(), a.status.as_deref()) {
            (Some("inbound"), _) => Some(format!("`{name}` is an inbound agreement")),
            (_, Some(status)) if status != "accepted" => {
                Some(format!("agreement `{name}` is {status}"))
            }
            _ => None,
        };
        if let Some(why) = refusal {
            self.push(
                Diagnostic::warning(
                    "share-refused",
                    span,
                    format!("{why}, so this share would be refused"),
                )
                .with_help("only an accepted outbound agreement can share a ticket"),
            );
        }
    }
}
