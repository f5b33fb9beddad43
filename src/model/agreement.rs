//! Sharing agreements, in the shape of Zendesk's Sharing Agreements API plus
//! the terms ticket-rules keeps with them.

use serde::{Deserialize, Serialize};

/// Which side of an agreement an account is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The sender's side: it may share tickets over it.
    Outbound,
    /// The receiver's side.
    Inbound,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Outbound, Direction::Inbound];

    /// Reads a type by its API name.
    pub fn parse(text: &str) -> Option<Direction> {
        Self::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// The type as the API writes it (`outbound`, `inbound`).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Inbound => "inbound",
        }
    }
}

/// Where an agreement is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Pending,
    Accepted,
    Declined,
    Inactive,
    Failed,
    SslError,
    ConfigurationError,
}

impl AgreementStatus {
    pub const ALL: [AgreementStatus; 7] = [
        AgreementStatus::Pending,
        AgreementStatus::Accepted,
        AgreementStatus::Declined,
        AgreementStatus::Inactive,
        AgreementStatus::Failed,
        AgreementStatus::SslError,
        AgreementStatus::ConfigurationError,
    ];

    /// Reads a status by its API name.
    pub fn parse(text: &str) -> Option<AgreementStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status as the API writes it (`pending`, `ssl_error`).
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Pending => "pending",
            AgreementStatus::Accepted => "accepted",
            AgreementStatus::Declined => "declined",
            AgreementStatus::Inactive => "inactive",
            AgreementStatus::Failed => "failed",
            AgreementStatus::SslError => "ssl_error",
            AgreementStatus::ConfigurationError => "configuration_error",
        }
    }
}

/// Which comments cross, and whether status syncs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CommentTerms {
    /// Public and private comments, and status, sync.
    #[default]
    PublicAndPrivate,
    /// Comments arrive private; status does not sync.
    PrivateOnly,
}

impl CommentTerms {
    pub const ALL: [CommentTerms; 2] = [CommentTerms::PublicAndPrivate, CommentTerms::PrivateOnly];

    /// Reads terms by their API name.
    pub fn parse(text: &str) -> Option<CommentTerms> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The terms as the API writes them (`public_and_private`).
    pub fn as_str(self) -> &'static str {
        match self {
            CommentTerms::PublicAndPrivate => "public_and_private",
            CommentTerms::PrivateOnly => "private_only",
        }
    }
}

/// One account's side of a sharing agreement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: i64,
    /// The account whose side this is.
    #[serde(default)]
    pub account: String,
    pub name: String,
    #[serde(default)]
    pub partner_name: Option<String>,
    /// The partner account's subdomain.
    #[serde(default)]
    pub remote_subdomain: Option<String>,
    pub status: AgreementStatus,
    #[serde(rename = "type")]
    pub direction: Direction,
    #[serde(default)]
    pub comments: CommentTerms,
    #[serde(default)]
    pub sync_tags: bool,
    #[serde(default)]
    pub sync_custom_fields: bool,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

impl Agreement {
    /// Is this the agreement a rule names (by name ignoring case, or id)?
    pub fn is_named(&self, text: &str) -> bool {
        self.name.eq_ignore_ascii_case(text.trim()) || self.id.to_string() == text.trim()
    }

    /// The partner's account: its subdomain, else its name.
    pub fn partner(&self) -> String {
        self.remote_subdomain
            .clone()
            .or_else(|| self.partner_name.clone())
            .unwrap_or_else(|| self.name.clone())
    }

    /// Why a share over this agreement is refused, if it is.
    pub fn refusal(&self) -> Option<String> {
        if self.direction == Direction::Inbound {
            return Some(format!("agreement `{}` is inbound", self.name));
        }
        if self.status != AgreementStatus::Accepted {
            return Some(format!(
                "agreement `{}` is {}",
                self.name,
                self.status.as_str()
            ));
        }
        None
    }
}

/// Reads Sharing Agreements API JSON: `{"sharing_agreements": [...]}`,
/// `{"sharing_agreement": {...}}` or a plain list.
pub fn from_api_json(text: &str) -> Result<Vec<Agreement>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let list = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut map) => {
            if let Some(list) = map.remove("sharing_agreements") {
                match list {
                    serde_json::Value::Array(items) => items,
                    _ => return Err("`sharing_agreements` is not a list".into()),
                }
            } else if let Some(one) = map.remove("sharing_agreement") {
                vec![one]
            } else {
                return Err("expected a `sharing_agreements` list".into());
            }
        }
        _ => return Err("expected a `sharing_agreements` list".into()),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item).map_err(|e| format!("agreement {}: {e}", i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_are_the_api_names() {
        for status in AgreementStatus::ALL {
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json.as_str(), Some(status.as_str()));
            assert_eq!(AgreementStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn type_and_terms_names_are_the_api_names() {
        for direction in Direction::ALL {
            let json = serde_json::to_value(direction).unwrap();
            assert_eq!(json.as_str(), Some(direction.as_str()));
            assert_eq!(Direction::parse(direction.as_str()), Some(direction));
        }
        for terms in CommentTerms::ALL {
            let json = serde_json::to_value(terms).unwrap();
            assert_eq!(json.as_str(), Some(terms.as_str()));
            assert_eq!(CommentTerms::parse(terms.as_str()), Some(terms));
        }
    }

    #[test]
    fn reads_every_api_shape() {
        let one = r#"{"id": 3, "name": "Acme", "status": "accepted", "type": "outbound"}"#;
        let list = format!(r#"{{"sharing_agreements": [{one}]}}"#);
        let single = format!(r#"{{"sharing_agreement": {one}}}"#);
        for text in [list, single, format!("[{one}]")] {
            let read = from_api_json(&text).unwrap();
            assert_eq!(read.len(), 1);
            assert_eq!(read[0].refusal(), None);
        }
        assert!(from_api_json(r#"{"agreements": []}"#).is_err());
    }
}
