//! The page's script and style, compiled into the binary: no build chain,
//! no CDN, and the page works offline.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Each asset: its name under `/playground/assets/`, type and text.
const ASSETS: [(&str, &str, &str); 2] = [
    (
        "playground.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/playground.js"),
    ),
    (
        "playground.css",
        "text/css; charset=utf-8",
        include_str!("assets/playground.css"),
    ),
];

pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, text)) => ([(header::CONTENT_TYPE, *kind)], *text).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
