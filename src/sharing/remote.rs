//! Agreements with partners on other servers, as the Networked Help Desk
//! API (the protocol of Zendesk's ticket sharing) has them: each has a
//! uuid and an access key that both sides hold, and each side has a
//! sharing URL, `{public-url}/sharing/{account}`.
//!
//! [`invite_remote`] is the sender's side of an invite by URL; the
//! receiver's side is [`crate::server::partner`]. [`Invite`] is the JSON
//! that crosses.

use super::agreements::{invite, AgreementError, Invited, Terms};
use crate::model::{Agreement, CommentTerms, Time};
use crate::store::{AgreementKey, Store};
use serde::{Deserialize, Serialize};

/// An agreement as the protocol sends it (`POST|PUT agreements/{uuid}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub uuid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub access_key: Option<String>,
    #[serde(default)]
    pub sender_url: Option<String>,
    #[serde(default)]
    pub receiver_url: Option<String>,
    #[serde(default)]
    pub sync_tags: bool,
    #[serde(default)]
    pub sync_custom_fields: bool,
    #[serde(default)]
    pub allows_public_comments: bool,
    #[serde(default)]
    pub current_actor: Option<serde_json::Value>,
}

impl Invite {
    /// The invite an outbound side sends, from `sender_url`.
    pub fn of(side: &Agreement, key: &AgreementKey, sender_url: String) -> Invite {
        Invite {
            uuid: key.uuid.clone(),
            name: Some(side.name.clone()),
            status: Some(side.status.as_str().to_string()),
            access_key: Some(key.access_key.clone()),
            sender_url: Some(sender_url),
            receiver_url: Some(key.partner_url.clone()),
            sync_tags: side.sync_tags,
            sync_custom_fields: side.sync_custom_fields,
            allows_public_comments: side.comments == CommentTerms::PublicAndPrivate,
            current_actor: Some(serde_json::json!({"name": side.account, "role": "admin"})),
        }
    }

    /// A status change: only the uuid and the new status.
    pub fn status(uuid: &str, status: &str) -> Invite {
        Invite {
            uuid: uuid.to_string(),
            name: None,
            status: Some(status.to_string()),
            access_key: None,
            sender_url: None,
            receiver_url: None,
            sync_tags: false,
            sync_custom_fields: false,
            allows_public_comments: false,
            current_actor: None,
        }
    }

    /// The terms the invite offers.
    pub fn terms(&self) -> Terms {
        Terms {
            comments: if self.allows_public_comments {
                CommentTerms::PublicAndPrivate
            } else {
                CommentTerms::PrivateOnly
            },
            sync_tags: self.sync_tags,
            sync_custom_fields: self.sync_custom_fields,
        }
    }
}

/// An account's sharing URL.
pub fn sharing_url(public_url: &str, account: &str) -> String {
    format!("{}/sharing/{account}", public_url.trim_end_matches('/'))
}

/// The account a sharing URL names: its last path segment, after
/// `/sharing/`. `None` for a URL that is not one.
pub fn account_of_url(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return None;
    }
    let mut segments: Vec<&str> = parsed.path_segments()?.filter(|s| !s.is_empty()).collect();
    let account = segments.pop()?;
    (segments.last() == Some(&"sharing")).then(|| account.to_string())
}

/// Why an invite by URL was refused.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(transparent)]
    Agreement(#[from] AgreementError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(
        "`{url}` is not a sharing URL\n\
         help: a partner's sharing URL looks like `https://desk.example.com/sharing/ACCOUNT`"
    )]
    NotSharingUrl { url: String },
    #[error(
        "`{account}` is an account in this store\n\
         help: invite it by name: `--to {account}`"
    )]
    Local { account: String },
    #[error("cannot make a random key: {0}")]
    Random(String),
}

/// Invites the account at `url` (another server's sharing URL) from
/// `from`: the outbound side, pending, with a new uuid and access key, and
/// an outbox row the delivery worker turns into the invite.
pub fn invite_remote(
    store: &Store,
    from: &str,
    url: &str,
    name: &str,
    terms: Terms,
    at: Time,
) -> Result<Invited, RemoteError> {
    let url = url.trim().trim_end_matches('/');
    let Some(to) = account_of_url(url) else {
        return Err(RemoteError::NotSharingUrl {
            url: url.to_string(),
        });
    };
    if super::agreements::is_local(store, &to)? {
        return Err(RemoteError::Local { account: to });
    }
    let (uuid, access_key) = (new_uuid()?, random_hex(16)?);
    store.transaction(|| {
        let invited = invite(store, from, &to, name, terms, at)?;
        let key = AgreementKey {
            account: invited.outbound.account.clone(),
            id: invited.outbound.id,
            uuid,
            access_key,
            partner_url: url.to_string(),
        };
        store.insert_agreement_key(&key)?;
        Ok(invited)
    })
}

/// `n` random bytes as hex.
pub fn random_hex(n: usize) -> Result<String, RemoteError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| RemoteError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A random (version 4) uuid.
pub fn new_uuid() -> Result<String, RemoteError> {
    let hex = random_hex(16)?;
    Ok(format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_urls_name_their_account() {
        let url = sharing_url("http://127.0.0.1:8080/", "acme");
        assert_eq!(url, "http://127.0.0.1:8080/sharing/acme");
        assert_eq!(account_of_url(&url).as_deref(), Some("acme"));
        assert_eq!(
            account_of_url("https://h/x/sharing/b/").as_deref(),
            Some("b")
        );
        assert_eq!(account_of_url("https://h/acme"), None);
        assert_eq!(account_of_url("ftp://h/sharing/acme"), None);
        assert_eq!(account_of_url("not a url"), None);
    }

    #[test]
    fn uuids_are_random_and_shaped() {
        let (a, b) = (new_uuid().unwrap(), new_uuid().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }
}
