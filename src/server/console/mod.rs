//! The web console `serve` shows at `/`: server-rendered HTML (maud, so
//! templates are checked at compile time), one stylesheet in the binary,
//! no script but the playground's and no build chain, so it works offline.
//!
//! The pages:
//! - `GET /login`, `POST /login`, `POST /logout` ([`login`]): log in with
//!   an API token, the same check as the API's Basic auth; a session may
//!   hold logins for several accounts, and every page takes
//!   `?account=NAME` to pick one (the latest by default);
//! - `GET /tickets` ([`tickets`]): the tickets the viewer may see, by
//!   status, tag, group and sharing state, 25 a page;
//! - `GET /tickets/{id}` ([`ticket`]): fields, tags, comments, the audit
//!   trail as a timeline, and the sharing links to partners' copies
//!   ([`links`]);
//! - `GET /network` ([`network`]): the account's agreements as a picture
//!   (SVG) and a table, with remote partners' delivery state, and
//!   `GET /network/agreements/{id}`: one agreement's terms and tickets;
//! - `GET /rules` ([`rules`]): the account's triggers and automations in
//!   order, with their warnings and how often they fired in 7 days;
//! - `GET /assets/{name}`: the stylesheet.
//!
//! `/` goes to the tickets once logged in, else to the playground. A page
//! without a session sends the browser to `/login?next=...`; errors are
//! HTML pages ([`page::PageError`]) while the API keeps its JSON ones.

pub mod layout;
pub mod links;
pub mod login;
pub mod network;
pub mod page;
pub mod rules;
pub mod session;
pub mod svg;
pub mod ticket;
pub mod tickets;

pub use layout::{layout, styled_layout, Nav};
pub use session::{Sessions, Viewer};

use super::AppState;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// The stylesheet, served at `/assets/console.css`.
const CSS: &str = include_str!("assets/console.css");

/// The console's routes (state still to be given).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(login::root))
        .route("/login", get(login::form).post(login::login))
        .route("/logout", post(login::logout))
        .route("/tickets", get(tickets::list))
        .route("/tickets/{id}", get(ticket::show))
        .route("/network", get(network::show))
        .route("/network/agreements/{id}", get(network::agreement))
        .route("/rules", get(rules::show))
        .route("/assets/{name}", get(asset))
        .layer(axum::middleware::map_response(private))
}

/// The one policy of every console page, the playground's included: they
/// load only this server's stylesheets and script, the playground's script
/// talks only to this server, no other site frames them, and forms (the
/// nav's log out) post only here. Text from a share link can never become
/// code, even if something slipped through as HTML.
pub const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The console's pages show one user's tickets: no cache keeps them, and
/// each carries [`POLICY`].
pub async fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// An asset of the binary, cached for a day: its name changes with it
/// rarely enough, and a stale stylesheet breaks nothing.
async fn asset(Path(name): Path<String>) -> Response {
    match name.as_str() {
        "console.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            CSS,
        )
            .into_response(),
        _ => page::PageError::new(StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
