//! The network demo's tap on the wire: a layer on each server's router
//! that notes every Networked Help Desk call it receives (under
//! `/sharing/`): the method, the path, the status it answered and a short
//! summary of the payload. The calls are noted as they arrive, so the
//! order is the order they crossed, whichever server answered first.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// One call that crossed the wire.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    pub path: String,
    /// `None` while the receiver is still answering.
    pub status: Option<u16>,
    pub summary: String,
}

/// The calls every tapped server received, in the order they arrived.
#[derive(Clone, Default)]
pub struct Wire {
    calls: Arc<Mutex<Vec<Call>>>,
}

impl Wire {
    /// Adds the tap to a server's router.
    pub fn tap(&self, app: Router) -> Router {
        let wire = self.clone();
        app.layer(middleware::from_fn(move |request: Request, next: Next| {
            let wire = wire.clone();
            async move { wire.note(request, next).await }
        }))
    }

    async fn note(&self, request: Request, next: Next) -> Response {
        if !request.uri().path().starts_with("/sharing/") {
            return next.run(request).await;
        }
        let (parts, body) = request.into_parts();
        let bytes = to_bytes(body, crate::server::MAX_BODY)
            .await
            .unwrap_or_default();
        let call = Call {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            status: None,
            summary: summary(parts.uri.path(), &bytes),
        };
        let at = self.with(|calls| {
            calls.push(call);
            calls.len() - 1
        });
        let response = next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
        let status = response.status().as_u16();
        self.with(|calls| calls[at].status = Some(status));
        response
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vec<Call>) -> T) -> T {
        match self.calls.lock() {
            Ok(mut calls) => f(&mut calls),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The calls answered so far, when every call that arrived is answered.
    pub fn answered(&self) -> Option<Vec<Call>> {
        self.with(|calls| {
            calls
                .iter()
                .all(|c| c.status.is_some())
                .then(|| calls.clone())
        })
    }
}

/// What a payload says, in a line: an invite's name and terms, a status
/// change, or a ticket's subject, status, tags and comments.
fn summary(path: &str, body: &[u8]) -> String {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return format!("{} bytes, not JSON", body.len());
    };
    if path.contains("/agreements/") {
        return agreement(&json);
    }
    ticket(&json)
}

fn agreement(json: &Value) -> String {
    let status = json["status"].as_str().unwrap_or("?");
    match json["name"].as_str() {
        Some(name) => format!(
            "invite {name:?} from {}: {status}, {} comments, sync_tags {}",
            json["sender_url"].as_str().unwrap_or("?"),
            if json["allows_public_comments"] == Value::Bool(false) {
                "private"
            } else {
                "public and private"
            },
            json["sync_tags"]
        ),
        None => format!("status {status}"),
    }
}

fn ticket(json: &Value) -> String {
    if json["shared"] == Value::Bool(false) {
        return format!("ticket {}: shared no more", json["original_id"]);
    }
    let mut parts = vec![format!("ticket {}", json["original_id"])];
    if let Some(subject) = json["subject"].as_str() {
        parts.push(format!("{subject:?}"));
    }
    if let Some(status) = json["status"].as_str() {
        parts.push(format!("status {status}"));
    }
    if let Some(tags) = json["tags"].as_array() {
        let tags: Vec<&str> = tags.iter().filter_map(Value::as_str).collect();
        parts.push(format!("tags [{}]", tags.join(" ")));
    }
    for comment in json["comments"].as_array().into_iter().flatten() {
        let public = if comment["public"] == Value::Bool(true) {
            "public"
        } else {
            "private"
        };
        let body = comment["body"].as_str().unwrap_or_default();
        parts.push(format!("{public} comment {:?}", short(body)));
    }
    parts.join(", ")
}

/// The first words of a comment.
fn short(text: &str) -> String {
    const MOST: usize = 80;
    match text.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
