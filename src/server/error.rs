//! Errors as the API answers them: a status and Zendesk's JSON body,
//! `{"error": "...", "description": "..."}`, with `details` when there
//! is more to say (a rule file's diagnostics).

use super::writer::WriteError;
use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// A 4xx or 5xx answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Zendesk's short name for it (`RecordNotFound`).
    pub error: &'static str,
    pub description: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        ApiError {
            status,
            error,
            description: description.into(),
            details: None,
        }
    }

    /// Missing or wrong credentials.
    pub fn unauthorized(description: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Couldn't authenticate you",
            description,
        )
    }

    /// A role that may not do this.
    pub fn forbidden(description: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "Forbidden", description)
    }

    /// Absent, or another account's: the two answer alike.
    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "RecordNotFound", "Not found")
    }

    /// A request that is well formed but cannot be done.
    pub fn invalid(description: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "RecordInvalid",
            description,
        )
    }

    /// A body that cannot be read.
    pub fn bad_request(description: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "InvalidValue", description)
    }

    pub fn internal(description: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            description,
        )
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        ApiError::internal(e.to_string())
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        tracing::error!(error = %e, "write failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            e.to_string(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.error, "description": self.description });
        if let Some(details) = self.details {
            body["details"] = details;
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"ticket-rules\""),
            );
        }
        response
    }
}

/// Gives every 4xx and 5xx answer that is not JSON or a console page yet (a route that does
/// not exist, a body over the limit, a timeout) Zendesk's JSON body.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    // Console pages answer browsers in HTML, errors included.
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let name = match status {
        StatusCode::NOT_FOUND => "InvalidEndpoint",
        StatusCode::PAYLOAD_TOO_LARGE => "PayloadTooLarge",
        StatusCode::REQUEST_TIMEOUT => "RequestTimeout",
        StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    let description = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        text
    };
    let mut answer = ApiError::new(status, name, description).into_response();
    for (key, value) in parts.headers.iter() {
        if key != header::CONTENT_TYPE && key != header::CONTENT_LENGTH {
            answer.headers_mut().insert(key, value.clone());
        }
    }
    answer
}
