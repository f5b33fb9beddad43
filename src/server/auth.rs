//! Who is calling: HTTP Basic with `{email}/token:{api_token}`, as
//! Zendesk's API takes it. The token names the account and the user; the
//! store's staff table gives the role. Nothing in a body can change them.
//!
//! Tokens are 40 hex digits from the operating system's random source;
//! the store keeps only their SHA-256.

use super::error::ApiError;
use super::AppState;
use crate::model::staff::Staff;
use crate::model::{Actor, Role, Ticket};
use crate::store::Store;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The user a request acts as.
#[derive(Clone, Debug)]
pub struct Caller {
    pub account: String,
    /// Lowercased.
    pub email: String,
    pub admin: bool,
    /// The account's agents and groups, as the request found them.
    pub staff: Staff,
}

impl Caller {
    /// The actor of the caller's writes.
    pub fn actor(&self) -> Actor {
        Actor {
            email: self.email.clone(),
            role: self.role(),
            name: self.staff.agent(&self.email).and_then(|a| a.name.clone()),
        }
    }

    pub fn role(&self) -> Role {
        if self.admin {
            Role::Admin
        } else {
            Role::Agent
        }
    }

    /// May the caller see ticket `t`? Admins see their account's every
    /// ticket; agents their group's, those with no group, and those shared
    /// with them.
    pub fn may_see(&self, t: &Ticket) -> bool {
        self.staff.access(t, &self.email, self.role()).allowed()
    }

    /// The caller's account's ticket `id`: 404 when it has none (another
    /// account's included), 403 when the caller is kept out of its group.
    pub fn visible(&self, store: &Store, id: i64) -> Result<Ticket, ApiError> {
        let ticket = store
            .ticket(&self.account, id)?
            .ok_or_else(ApiError::not_found)?;
        let access = self.staff.access(&ticket, &self.email, self.role());
        if !access.allowed() {
            return Err(ApiError::forbidden(format!(
                "`{}` may not see ticket {id}: {}",
                self.email,
                access.reason(&self.account)
            )));
        }
        Ok(ticket)
    }

    /// Refuses a caller who is not an admin ("Allowed For: admins").
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.admin {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "`{}` is an agent of `{}`; only admins may do this",
                self.email, self.account
            )))
        }
    }
}

/// A new token: 160 random bits as hex.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The email and token of an `Authorization` header, if it holds Basic
/// credentials of the `{email}/token:{token}` form.
pub fn credentials(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, token) = text.split_once(':')?;
    let email = user.strip_suffix("/token")?;
    (!email.is_empty() && !token.is_empty()).then(|| (email.to_lowercase(), token.to_string()))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let Some((email, token)) = header.and_then(credentials) else {
            return Err(ApiError::unauthorized(
                "send HTTP Basic credentials `{email}/token:{api_token}`\nhelp: make a token with `ticket-rules tokens add ACCOUNT EMAIL`",
            ));
        };
        authenticate(state, &email, token_hash(&token)).await
    }
}

/// Who holds the token whose hash is `hash`, if it is `email`'s and still
/// live: the one check behind the API's Basic auth and the console's
/// login (and each of its session's requests, so a revoked token or a
/// removed agent ends the session).
pub async fn authenticate(state: &AppState, email: &str, hash: String) -> Result<Caller, ApiError> {
    let email = email.trim().to_lowercase();
    let found = state
        .readers
        .read(move |store| {
            let Some((account, owner)) = store.token_owner(&hash)? else {
                return Ok(None);
            };
            let staff = store.staff(&account)?;
            Ok(Some((account, owner, staff)))
        })
        .await?;
    let wrong =
        || ApiError::unauthorized("the email or the API token is wrong, or the token was revoked");
    let Some((account, owner, staff)) = found else {
        return Err(wrong());
    };
    if owner != email {
        return Err(wrong());
    }
    let Some(agent) = staff.agent(&email) else {
        return Err(ApiError::forbidden(format!(
            "`{email}` is no longer an agent of `{account}`"
        )));
    };
    Ok(Caller {
        admin: agent.admin,
        account,
        email,
        staff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_zendesk_token_credentials() {
        let encoded = base64::engine::general_purpose::STANDARD.encode("Ann@Example.com/token:abc");
        assert_eq!(
            credentials(&format!("Basic {encoded}")),
            Some(("ann@example.com".into(), "abc".into()))
        );
        let password = base64::engine::general_purpose::STANDARD.encode("ann@example.com:secret");
        assert_eq!(credentials(&format!("Basic {password}")), None);
        assert_eq!(credentials("Bearer abc"), None);
        assert_eq!(credentials("Basic !!!"), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 40);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
