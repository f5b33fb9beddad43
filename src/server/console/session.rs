//! Console sessions: in memory, by a random id in an HttpOnly,
//! SameSite=Strict cookie. A session holds one or more logins (one per
//! account); each request re-checks its login's token, so a revoked token
//! or a removed agent is logged out at once. The store holds no session,
//! so a restart logs everyone out.

use super::page::PageError;
use crate::server::auth::{self, Caller};
use crate::server::AppState;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cookie's name.
pub const COOKIE: &str = "tr_session";
/// Sessions held at most; past it the one idle longest goes.
pub const MAX_SESSIONS: usize = 10_000;
/// Logins a session holds at most; past it the oldest goes.
const MAX_LOGINS: usize = 16;
/// A session unused this long is gone.
const IDLE: Duration = Duration::from_secs(12 * 3600);

/// One account's login in a session: the token's hash, never the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login {
    pub account: String,
    pub email: String,
    pub hash: String,
}

struct Session {
    /// Oldest first; the last is the default.
    logins: Vec<Login>,
    used: Instant,
}

/// Every live session.
#[derive(Default)]
pub struct Sessions {
    by_id: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Adds `login` to session `id` (replacing the same account's), or to
    /// a new session when `id` is none or gone; the session's id.
    pub fn add(&self, id: Option<&str>, login: Login) -> Result<String, getrandom::Error> {
        let mut all = self.lock();
        if let Some(session) = id.and_then(|id| all.get_mut(id)) {
            session.logins.retain(|l| l.account != login.account);
            session.logins.push(login);
            if session.logins.len() > MAX_LOGINS {
                session.logins.remove(0);
            }
            session.used = Instant::now();
            return Ok(id.unwrap_or_default().to_string());
        }
        let new = auth::new_token()?;
        all.retain(|_, s| s.used.elapsed() < IDLE);
        if all.len() >= MAX_SESSIONS {
            let oldest = all
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                all.remove(&oldest);
            }
        }
        let session = Session {
            logins: vec![login],
            used: Instant::now(),
        };
        all.insert(new.clone(), session);
        Ok(new)
    }

    /// The session's logins, oldest first; empty when there is none.
    pub fn logins(&self, id: &str) -> Vec<Login> {
        let mut all = self.lock();
        match all.get_mut(id) {
            Some(s) if s.used.elapsed() < IDLE => {
                s.used = Instant::now();
                s.logins.clone()
            }
            Some(_) => {
                all.remove(id);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// Drops one login (its token no longer holds).
    pub fn forget(&self, id: &str, account: &str) {
        if let Some(s) = self.lock().get_mut(id) {
            s.logins.retain(|l| l.account != account);
        }
    }

    /// Ends a session.
    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.by_id.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The session id a request's cookie carries.
pub fn session_id(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get_all(header::COOKIE);
    cookies
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The `Set-Cookie` value for session `id`.
pub fn cookie(id: &str) -> String {
    format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/")
}

/// The `Set-Cookie` value that ends the cookie.
pub fn expired_cookie() -> String {
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// Who is looking: a live login of the session, and the session's other
/// accounts.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub caller: Caller,
    /// Every account the session is logged in to, oldest first.
    pub accounts: Vec<String>,
}

impl Viewer {
    pub fn account(&self) -> &str {
        &self.caller.account
    }

    /// A console path for this viewer's account.
    pub fn link(&self, path: &str) -> String {
        with_account(path, &self.caller.account)
    }
}

/// A console path that picks `account` (`?account=NAME`, encoded).
pub fn with_account(path: &str, account: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}account={}", super::login::encode(account))
}

/// The `account` a query asks for.
fn wanted_account(parts: &Parts) -> Option<String> {
    let Query(mut query) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri).ok()?;
    query.remove("account")
}

/// Sends the browser to log in, and back to where it was.
fn to_login(parts: &Parts) -> Response {
    let here = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let next = super::login::encode(&here);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let Some(id) = session_id(&parts.headers) else {
            return Err(to_login(parts));
        };
        let logins = state.sessions.logins(&id);
        let login = match wanted_account(parts) {
            Some(account) => logins.iter().find(|l| l.account == account),
            None => logins.last(),
        };
        let Some(login) = login.cloned() else {
            return Err(to_login(parts));
        };
        match auth::authenticate_now(state, &login.email, login.hash.clone()).await {
            Ok(caller) => Ok(Viewer {
                caller,
                accounts: logins.into_iter().map(|l| l.account).collect(),
            }),
            Err(e) if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::FORBIDDEN => {
                state.sessions.forget(&id, &login.account);
                Err(to_login(parts))
            }
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(account: &str) -> Login {
        Login {
            account: account.into(),
            email: format!("admin@{account}.example"),
            hash: "h".into(),
        }
    }

    #[test]
    fn a_session_holds_one_login_per_account_latest_last() {
        let sessions = Sessions::default();
        let id = sessions.add(None, login("support")).unwrap();
        assert_eq!(sessions.add(Some(&id), login("acme")).unwrap(), id);
        assert_eq!(sessions.add(Some(&id), login("support")).unwrap(), id);
        let accounts: Vec<String> = sessions
            .logins(&id)
            .into_iter()
            .map(|l| l.account)
            .collect();
        assert_eq!(accounts, ["acme", "support"]);
        sessions.forget(&id, "acme");
        assert_eq!(sessions.logins(&id).len(), 1);
        sessions.end(&id);
        assert!(sessions.logins(&id).is_empty());
        // A gone session's id is not reused: the login gets a new one.
        assert_ne!(sessions.add(Some(&id), login("acme")).unwrap(), id);
    }

    #[test]
    fn sessions_are_capped_and_the_idlest_goes() {
        let sessions = Sessions::default();
        let first = sessions.add(None, login("a")).unwrap();
        let second = sessions.add(None, login("b")).unwrap();
        for _ in 2..MAX_SESSIONS {
            sessions.add(None, login("c")).unwrap();
        }
        // Using the first makes the second the idlest.
        assert_eq!(sessions.logins(&first).len(), 1);
        sessions.add(None, login("d")).unwrap();
        assert_eq!(sessions.lock().len(), MAX_SESSIONS);
        assert!(sessions.logins(&second).is_empty());
        assert_eq!(sessions.logins(&first).len(), 1);
    }

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; tr_session=abc; b=2".parse().unwrap());
        assert_eq!(session_id(&headers).as_deref(), Some("abc"));
        assert_eq!(session_id(&HeaderMap::new()), None);
    }
}
