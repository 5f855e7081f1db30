//! Cross-cutting request handling: trailing slashes, JSON error bodies, request ids and the
//! one log line per request.

use std::{any::Any, time::Duration};

use axum::{
    body::Body,
    extract::{MatchedPath, Request},
    http::{HeaderMap, HeaderValue, Response, StatusCode, Uri, header},
    middleware::Next,
    response::IntoResponse,
};
use serde_json::json;
use tracing::Span;

use super::error::{INTERNAL, InternalCause, status_message};

pub const REQUEST_ID: &str = "x-request-id";

/// `/api/v1/clients/profile/` and `/api/v1/clients/profile` are the same resource: routes
/// are declared without the slash and a trailing one is dropped before routing. The docs
/// page keeps its slash, since its assets are relative to it.
pub fn trim_trailing_slash(mut request: Request) -> Request {
    let path = request.uri().path();
    if path.len() > 1 && path.ends_with('/') && !path.starts_with("/api/docs") {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let new_uri = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_owned(),
        };
        if let Ok(uri) = new_uri.parse::<Uri>() {
            *request.uri_mut() = uri;
        }
    }
    request
}

/// A request id is echoed and logged: take only short, plain ones from clients.
pub fn drop_unusable_request_id(mut request: Request) -> Request {
    let usable = request.headers().get(REQUEST_ID).is_none_or(|id| {
        id.len() <= 128
            && id
                .as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    });
    if !usable {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// Every error leaves as JSON. Errors made by our handlers already are; this catches the
/// rest (unknown paths, wrong methods, body limits, panics) and writes the 500 body with
/// the request id after logging the cause once.
pub async fn json_errors(request: Request, next: Next) -> Response<Body> {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if let Some(InternalCause(cause)) = response.extensions().get::<InternalCause>() {
        tracing::error!(%cause, "internal error");
        return internal_error_body(status, &request_id);
    }
    if status.is_client_error() || status.is_server_error() {
        if status.is_server_error() {
            return internal_error_body(status, &request_id);
        }
        if !is_json(response.headers()) {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            let body = json!({ "error": status_message(status.as_u16()) }).to_string();
            return Response::from_parts(parts, Body::from(body));
        }
    }
    response
}

fn internal_error_body(status: StatusCode, request_id: &str) -> Response<Body> {
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
        INTERNAL
    } else {
        status_message(status.as_u16())
    };
    let mut response = (
        status,
        axum::Json(json!({ "error": message, "request_id": request_id })),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// A panic in a handler becomes a 500 whose cause is logged like any other.
pub fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panic".to_owned());
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response
        .extensions_mut()
        .insert(InternalCause(std::sync::Arc::new(format!(
            "panic: {detail}"
        ))));
    response
}

/// The span of a request: method, route template (never the raw path, which may carry
/// ids) and request id. No header, query or body is recorded.
pub fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or_else(|| {
            if request.uri().path().starts_with("/static/files/") {
                "/static/files"
            } else {
                "unmatched"
            }
        });
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", method = %request.method(), route, request_id)
}

/// The one line per request, inside its span.
pub fn log_response(response: &Response<Body>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request finished"
    );
}
