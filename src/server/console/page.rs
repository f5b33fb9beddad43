//! A console page's answer when it cannot show what was asked: an HTML
//! page with the status (401, 403, 404, 500), for browsers, where the API
//! answers JSON. Another account's records are 404, worded as a missing
//! one.

use super::layout::{layout, Nav};
use super::session::Viewer;
use crate::server::error::ApiError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

/// A page that failed, and whom to show it to.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    pub viewer: Option<Viewer>,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
            viewer: None,
        }
    }

    /// The same error, shown in `viewer`'s frame.
    pub fn to(mut self, viewer: &Viewer) -> PageError {
        self.viewer = Some(viewer.clone());
        self
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> PageError {
        let message = if e.status == StatusCode::NOT_FOUND {
            // One wording for absent and not this account's.
            "there is no such record in this account".to_string()
        } else {
            e.description
        };
        PageError::new(e.status, message)
    }
}

/// The heading for a status.
fn heading(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "That request cannot be read",
        401 => "Not logged in",
        403 => "Not yours to see",
        404 => "Not found",
        _ => "Something went wrong",
    }
}

/// The body of an error page: the heading, the message (its help line,
/// if any, on its own) and a way on.
pub fn error_body(status: StatusCode, message: &str) -> Markup {
    let (text, help) = match message.split_once("\nhelp: ") {
        Some((text, help)) => (text, Some(help)),
        None => (message, None),
    };
    html! {
        h1 { (heading(status)) }
        p.error role="alert" { (text) }
        @if let Some(help) = help {
            p.help { "help: " (help) }
        }
        @if status != StatusCode::UNAUTHORIZED {
            p { a href="/tickets" { "Back to the tickets" } }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = heading(self.status);
        let body = error_body(self.status, &self.message);
        let page = layout(title, self.viewer.as_ref(), Nav::None, body);
        (self.status, page).into_response()
    }
}

/// Runs a read for a page, its errors shown in `viewer`'s frame.
pub async fn read<T: Send + 'static>(
    state: &crate::server::AppState,
    viewer: &Viewer,
    read: impl FnOnce(&crate::store::Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, PageError> {
    state
        .readers
        .read(read)
        .await
        .map_err(|e| PageError::from(e).to(viewer))
}

/// A time as pages show it: UTC to the minute, in a `<time>`.
pub fn time(at: &crate::model::Time) -> Markup {
    html! {
        time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M UTC")) }
    }
}

/// A table that scrolls sideways on a narrow screen, with a header row.
pub fn table(caption: Option<&str>, headers: &[&str], rows: Markup) -> Markup {
    html! {
        div.scroll {
            table {
                @if let Some(caption) = caption { caption { (caption) } }
                thead { tr { @for h in headers { th scope="col" { (h) } } } }
                tbody { (rows) }
            }
        }
    }
}
