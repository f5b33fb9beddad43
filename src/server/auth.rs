//! Who is calling: HTTP Basic with `{email}/token:{api_token}`, as
//! Zendesk's API takes it. The token names the account and the user; the
//! store's staff table gives the role. Nothing in a body can change them.
//!
//! Tokens are 40 hex digits from the operating system's random source;
//! the store keeps only their SHA-256.
//!
//! A token found good is believed for [`TOKEN_TTL`] without reading the
//! store again ([`Verified`], keyed by the hash): each request otherwise
//! paid a read of the token and of the account's staff on a blocking
//! thread, more CPU than the write itself. So a revoked token, or an
//! agent removed or made admin, takes effect within the TTL. Writes do
//! not lean on it for access: they check the ticket's group against the
//! staff the writer reads in their own transaction.

use super::error::ApiError;
use super::AppState;
use crate::model::staff::Staff;
use crate::model::{Actor, Role, Ticket};
use crate::store::{Store, StoreError, TicketFilter};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a token found good is believed without reading the store.
pub const TOKEN_TTL: Duration = Duration::from_secs(2);

/// Tokens kept at most; past it the stale ones go, and if none is stale,
/// all (a flood of distinct good tokens only costs store reads again).
const MAX_VERIFIED: usize = 4096;

/// Tickets read at a time while counting the ones an agent may see.
const SCAN: usize = 500;

/// Who a token was: its account, its owner's email, the account's staff.
type Owner = Arc<(String, String, Staff)>;

/// Tokens found good lately, by their hash, with when they were read.
#[derive(Default)]
pub struct Verified {
    seen: Mutex<HashMap<String, (Instant, Owner)>>,
}

impl Verified {
    fn get(&self, hash: &str) -> Option<Owner> {
        let seen = self.seen.lock().ok()?;
        let (at, owner) = seen.get(hash)?;
        (at.elapsed() < TOKEN_TTL).then(|| Arc::clone(owner))
    }

    fn put(&self, hash: String, owner: Owner) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() >= MAX_VERIFIED {
            seen.retain(|_, (at, _)| at.elapsed() < TOKEN_TTL);
            if seen.len() >= MAX_VERIFIED {
                seen.clear();
            }
        }
        seen.insert(hash, (Instant::now(), owner));
    }
}

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

    /// Page `number` (from 1) of the tickets `filter` matches that the
    /// caller may see, `per_page` of them, and whether more follow. An
    /// admin sees them all, so the page is a slice; an agent's is counted
    /// over the ones they may see, so every page but the last is full.
    pub fn visible_page(
        &self,
        store: &Store,
        mut filter: TicketFilter,
        per_page: usize,
        number: usize,
    ) -> Result<(Vec<Ticket>, bool), StoreError> {
        let skip = number.saturating_sub(1).saturating_mul(per_page);
        if self.admin {
            filter.limit = Some(per_page + 1);
            filter.offset = Some(skip);
            let mut found = store.tickets(&filter)?;
            let more = found.len() > per_page;
            found.truncate(per_page);
            return Ok((found, more));
        }
        let (mut seen, mut page, mut offset) = (0, Vec::with_capacity(per_page), 0);
        filter.limit = Some(SCAN);
        loop {
            filter.offset = Some(offset);
            let chunk = store.tickets(&filter)?;
            let read = chunk.len();
            for ticket in chunk.into_iter().filter(|t| self.may_see(t)) {
                if seen >= skip {
                    if page.len() == per_page {
                        return Ok((page, true));
                    }
                    page.push(ticket);
                }
                seen += 1;
            }
            if read < SCAN {
                return Ok((page, false));
            }
            offset += SCAN;
        }
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
/// removed agent ends the API's access within [`TOKEN_TTL`]).
pub async fn authenticate(state: &AppState, email: &str, hash: String) -> Result<Caller, ApiError> {
    let found = owner_of(state, hash, true).await?;
    caller_of(found, email)
}

/// [`authenticate`] from the store itself, never from what was believed:
/// the console's login and each page of its sessions, so a revoked token
/// or a removed agent ends the session at its next page.
pub async fn authenticate_now(
    state: &AppState,
    email: &str,
    hash: String,
) -> Result<Caller, ApiError> {
    let found = owner_of(state, hash, false).await?;
    caller_of(found, email)
}

/// The caller a token's owner makes, if the owner is `email`.
fn caller_of(found: Option<Owner>, email: &str) -> Result<Caller, ApiError> {
    let email = email.trim().to_lowercase();
    let wrong =
        || ApiError::unauthorized("the email or the API token is wrong, or the token was revoked");
    let Some(found) = found else {
        return Err(wrong());
    };
    let (account, owner, staff) = &*found;
    if *owner != email {
        return Err(wrong());
    }
    let Some(agent) = staff.agent(&email) else {
        return Err(ApiError::forbidden(format!(
            "`{email}` is no longer an agent of `{account}`"
        )));
    };
    Ok(Caller {
        admin: agent.admin,
        account: account.clone(),
        email,
        staff: staff.clone(),
    })
}

/// The owner of the token with this hash: believed from [`Verified`]
/// within [`TOKEN_TTL`] when `believe`, else read from the store (and
/// kept when good).
async fn owner_of(
    state: &AppState,
    hash: String,
    believe: bool,
) -> Result<Option<Owner>, ApiError> {
    if let Some(owner) = believe.then(|| state.verified.get(&hash)).flatten() {
        return Ok(Some(owner));
    }
    let key = hash.clone();
    let found = state
        .readers
        .read(move |store| {
            let Some((account, owner)) = store.token_owner(&key)? else {
                return Ok(None);
            };
            let staff = store.staff(&account)?;
            Ok(Some(Arc::new((account, owner, staff))))
        })
        .await?;
    if let Some(owner) = &found {
        state.verified.put(hash, Arc::clone(owner));
    }
    Ok(found)
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
