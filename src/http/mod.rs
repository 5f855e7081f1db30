//! The HTTP interface: one function builds the whole application from its state, for the
//! binary and the tests alike.

pub mod clients;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod openapi;
pub mod views;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderName, StatusCode},
    middleware::from_fn,
    routing::get,
};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{config::ServerConfig, store::Store};
use error::ApiError;

/// Largest JSON body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Argon2 checks allowed at once: each takes 19 MiB and a core for tens of milliseconds.
const PASSWORD_CHECKS_AT_ONCE: usize = 4;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServerConfig>,
    password_permits: Arc<Semaphore>,
}

/// The login throttle's settings.
pub struct LoginLimiter {
    pub per_document: u32,
    pub per_address: u32,
    pub window: i64,
}

impl AppState {
    pub fn new(store: Store, config: ServerConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            password_permits: Arc::new(Semaphore::new(PASSWORD_CHECKS_AT_ONCE)),
        }
    }

    pub fn login_limiter(&self) -> LoginLimiter {
        LoginLimiter {
            per_document: self.config.login_max_failures_per_document,
            per_address: self.config.login_max_failures_per_address,
            window: i64::try_from(self.config.login_window_seconds).unwrap_or(i64::MAX),
        }
    }
}

/// The whole application. Trailing slashes are trimmed before this router sees a path
/// (see `middleware::trim_trailing_slash`).
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static(middleware::REQUEST_ID);
    let files = ServeDir::new(&state.config.files_dir);
    Router::new()
        .nest("/api/v1", clients::router_v1())
        .nest("/api/v2", clients::router_v2())
        .route("/healthz", get(health))
        .merge(openapi::router())
        .nest_service("/static/files", files)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(middleware::request_span)
                        .on_request(())
                        .on_response(middleware::log_response)
                        .on_failure(()),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(from_fn(middleware::json_errors))
                .layer(CatchPanicLayer::custom(middleware::panic_response))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Duration::from_secs(30),
                )),
        )
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// Liveness and readiness: answers 200 when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "`{\"status\": \"ok\"}`"), (status = 503)))]
async fn health(State(state): State<AppState>) -> Result<axum::Json<serde_json::Value>, ApiError> {
    sqlx::query("select 1")
        .execute(state.store.pool())
        .await
        .map_err(|err| ApiError::Busy(err.to_string()))?;
    Ok(axum::Json(serde_json::json!({ "status": "ok" })))
}

/// Used by the server to trim slashes before routing.
pub fn normalize(request: Request) -> Request {
    middleware::trim_trailing_slash(request)
}
