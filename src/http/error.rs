//! The one error type of the HTTP layer and its JSON shape, `{"error": "..."}` or
//! `{"error": ["...", ...]}`. Internal causes never reach the client: they travel with the
//! response to the `json_errors` middleware, which logs them once with the request id.

use std::{borrow::Cow, sync::Arc};

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

pub const CLIENT_NOT_FOUND: &str = "Perfil de cliente no encontrado";
pub const BAD_CREDENTIALS: &str = "Las credenciales ingresadas son incorrectas";
pub const STAFF_SESSION: &str = "Sesión no válida o vencida. Inicia sesión de nuevo.";
pub const INTERNAL: &str = "Error interno del servidor";
pub const BUSY: &str = "El servicio está ocupado en este momento. Inténtalo de nuevo.";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400, `{"error": "<message>"}`: every documented business error.
    #[error("{0}")]
    Message(Cow<'static, str>),

    /// 400, `{"error": ["<message>", ...]}`: endpoints that report every failed rule.
    #[error("{0:?}")]
    Messages(Vec<String>),

    /// 404: a path or resource that does not exist.
    #[error("not found")]
    NotFound,

    /// 404 with a message naming what was not found (back office).
    #[error("{0}")]
    Missing(Cow<'static, str>),

    /// 401: no live staff session (back office).
    #[error("unauthorized")]
    Unauthorized,

    /// 403: the staff member's role does not allow this.
    #[error("forbidden")]
    Forbidden,

    /// 409: the change clashes with existing data (a document, email or plate in use, a
    /// contract not in the right status).
    #[error("{0}")]
    Conflict(Cow<'static, str>),

    /// 413: the body is over the limit.
    #[error("payload too large")]
    PayloadTooLarge,

    /// 415: the body is not declared as JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,

    /// 429: too many attempts; try again after the given seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },

    /// 503: the database stayed locked or busy past every retry.
    #[error("database busy: {0}")]
    Busy(String),

    /// 500: a fault of ours. The cause is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn message(text: impl Into<Cow<'static, str>>) -> Self {
        Self::Message(text.into())
    }

    pub fn missing(text: impl Into<Cow<'static, str>>) -> Self {
        Self::Missing(text.into())
    }

    pub fn conflict(text: impl Into<Cow<'static, str>>) -> Self {
        Self::Conflict(text.into())
    }

    /// The same error in the list shape, for endpoints whose errors are lists.
    pub fn into_list(self) -> Self {
        match self {
            Self::Message(text) => Self::Messages(vec![text.into_owned()]),
            other => other,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        if is_contention(&err) {
            Self::Busy(err.to_string())
        } else {
            Self::Internal(err.into())
        }
    }
}

/// Lock and contention errors: SQLite busy or locked, PostgreSQL serialization failure,
/// deadlock or lock timeout, and a pool with no free connection.
fn is_contention(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("5" | "6" | "261" | "517" | "40001" | "40P01" | "55P03")
        ),
        _ => false,
    }
}

/// The cause of a 500, carried in the response's extensions to the logging middleware.
#[derive(Clone)]
pub struct InternalCause(pub Arc<String>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Message(text) => error_response(StatusCode::BAD_REQUEST, json!(text)),
            Self::Messages(list) => error_response(StatusCode::BAD_REQUEST, json!(list)),
            Self::NotFound => error_response(StatusCode::NOT_FOUND, json!(status_message(404))),
            Self::Missing(text) => error_response(StatusCode::NOT_FOUND, json!(text)),
            Self::Unauthorized => error_response(StatusCode::UNAUTHORIZED, json!(STAFF_SESSION)),
            Self::Forbidden => error_response(StatusCode::FORBIDDEN, json!(status_message(403))),
            Self::Conflict(text) => error_response(StatusCode::CONFLICT, json!(text)),
            Self::PayloadTooLarge => {
                error_response(StatusCode::PAYLOAD_TOO_LARGE, json!(status_message(413)))
            }
            Self::UnsupportedMediaType => error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!(status_message(415)),
            ),
            Self::TooManyRequests {
                retry_after_seconds,
            } => {
                let mut response =
                    error_response(StatusCode::TOO_MANY_REQUESTS, json!(status_message(429)));
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
                response
            }
            Self::Busy(cause) => {
                tracing::warn!(%cause, "database contention");
                let mut response = error_response(StatusCode::SERVICE_UNAVAILABLE, json!(BUSY));
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response
            }
            Self::Internal(cause) => {
                let mut response =
                    error_response(StatusCode::INTERNAL_SERVER_ERROR, json!(INTERNAL));
                response
                    .extensions_mut()
                    .insert(InternalCause(Arc::new(format!("{cause:#}"))));
                response
            }
        }
    }
}

fn error_response(status: StatusCode, error: serde_json::Value) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

/// The Spanish message for an error status that carries no message of its own.
pub fn status_message(status: u16) -> &'static str {
    match status {
        400 => "Solicitud inválida",
        401 => STAFF_SESSION,
        403 => "No tienes permiso para realizar esta acción",
        409 => "El cambio choca con datos existentes",
        404 => "Recurso no encontrado",
        405 => "Método no permitido para este recurso",
        408 => "La solicitud tardó demasiado",
        413 => "El cuerpo de la solicitud es demasiado grande",
        415 => "El cuerpo de la solicitud debe ser JSON (Content-Type: application/json)",
        429 => "Demasiados intentos. Inténtalo de nuevo en unos minutos.",
        503 => BUSY,
        500..=599 => INTERNAL,
        _ => "Solicitud inválida",
    }
}
