//! Logging in to the console with an API token: `GET /login` is the form,
//! `POST /login` checks the email and token with the API's own check
//! ([`auth::authenticate`]) and adds the login to the browser's session,
//! `POST /logout` ends the session. A wrong token answers 401 with the
//! form again, and no session.

use super::layout::{layout, Nav};
use super::page::error_body;
use super::session::{self, Login, Viewer};
use crate::server::auth;
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

/// `?next=` on the form.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// What the form posts.
#[derive(Deserialize)]
pub struct Credentials {
    // Missing fields are empty ones: the answer is the 401 page.
    #[serde(default)]
    email: String,
    #[serde(default)]
    token: String,
    next: Option<String>,
}

/// `/`: the tickets once logged in, else the playground.
pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Redirect {
    let logged_in = cookie_id(&headers).is_some_and(|id| !state.sessions.logins(&id).is_empty());
    Redirect::to(if logged_in { "/tickets" } else { "/playground" })
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(next): Query<Next>,
) -> Markup {
    let accounts = logged_in_to(&state, &headers);
    page(next.next.as_deref(), &accounts, None)
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Credentials>,
) -> Response {
    let email = form.email.trim().to_lowercase();
    let next = form.next.as_deref();
    let checked = auth::authenticate_now(&state, &email, auth::token_hash(form.token.trim())).await;
    let caller = match checked {
        Ok(caller) => caller,
        Err(e) => {
            let accounts = logged_in_to(&state, &headers);
            let shown = page(next, &accounts, Some((e.status, &e.description)));
            return (e.status, shown).into_response();
        }
    };
    let login = Login {
        account: caller.account.clone(),
        email: caller.email.clone(),
        hash: auth::token_hash(form.token.trim()),
    };
    let id = match state.sessions.add(cookie_id(&headers).as_deref(), login) {
        Ok(id) => id,
        Err(e) => {
            let why = format!("no random source for a session: {e}");
            return super::page::PageError::new(StatusCode::INTERNAL_SERVER_ERROR, why)
                .into_response();
        }
    };
    let to = match safe_next(next) {
        Some(next) => next.to_string(),
        None => session::with_account("/tickets", &caller.account),
    };
    (
        [(header::SET_COOKIE, session::cookie(&id))],
        Redirect::to(&to),
    )
        .into_response()
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(id) = cookie_id(&headers) {
        state.sessions.end(&id);
    }
    (
        [(header::SET_COOKIE, session::expired_cookie())],
        Redirect::to("/login"),
    )
        .into_response()
}

/// The login page, with the accounts the session already holds and the
/// error of a failed try.
fn page(next: Option<&str>, accounts: &[String], failed: Option<(StatusCode, &str)>) -> Markup {
    let body = html! {
        @if let Some((status, message)) = failed {
            (error_body(status, message))
        } @else {
            h1 { "Log in" }
        }
        @if !accounts.is_empty() {
            p { "Logged in to " (accounts.join(", ")) ". Log in again to add another account." }
        }
        form.login method="post" action="/login" {
            @if let Some(next) = safe_next(next) {
                input type="hidden" name="next" value=(next);
            }
            p {
                label for="email" { "Email" }
                input #email name="email" type="email" autocomplete="username" required;
            }
            p {
                label for="token" { "API token" }
                input #token name="token" type="password" autocomplete="current-password" required;
            }
            p.help { "Make a token with " code { "ticket-rules tokens add ACCOUNT EMAIL" } "." }
            button type="submit" { "Log in" }
        }
    };
    layout("Log in", None::<&Viewer>, Nav::Login, body)
}

/// The accounts the request's session is logged in to.
fn logged_in_to(state: &AppState, headers: &HeaderMap) -> Vec<String> {
    let Some(id) = cookie_id(headers) else {
        return Vec::new();
    };
    let logins = state.sessions.logins(&id);
    logins.into_iter().map(|l| l.account).collect()
}

fn cookie_id(headers: &HeaderMap) -> Option<String> {
    session::session_id(headers)
}

/// A path on this server to go back to; never another site (`//host`).
fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

/// `next`'s value for a query string: everything but unreserved
/// characters and `/` percent-encoded.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
