//! The HTTP interface: one function builds the whole application from its state, for the
//! binary and the tests alike.

pub mod backoffice;
pub mod clients;
pub mod commons;
pub mod contracts;
pub mod error;
pub mod extract;
pub mod finances;
pub mod middleware;
pub mod openapi;
pub mod throttle;
pub mod views;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::from_fn,
    routing::get,
};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{config::ServerConfig, domain::password, store::Store};
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

impl AppState {
    pub fn new(store: Store, config: ServerConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            password_permits: Arc::new(Semaphore::new(PASSWORD_CHECKS_AT_ONCE)),
        }
    }

    /// Runs Argon2 on the blocking pool, a bounded number at a time. Without a stored hash
    /// it checks a decoy, so an unknown login takes as long as a wrong password.
    pub(crate) async fn verify_password(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, ApiError> {
        let _permit = self
            .password_permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        let checked = tokio::task::spawn_blocking(move || {
            match stored {
                Some(hash) => password::verify(&password, &hash),
                None => {
                    // Same work as a real check, and never a match.
                    let _ = password::verify(&password, password::decoy_hash());
                    false
                }
            }
        })
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
        Ok(checked)
    }

    /// Hashes a new password on the blocking pool, a bounded number at a time.
    pub(crate) async fn hash_password(&self, password: String) -> Result<String, ApiError> {
        let _permit = self
            .password_permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        let hash = tokio::task::spawn_blocking(move || password::hash(&password))
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        Ok(hash)
    }
}

/// The whole application. Trailing slashes are trimmed before this router sees a path
/// (see `middleware::trim_trailing_slash`).
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static(middleware::REQUEST_ID);
    // A folder is not a file: no index pages, no redirects.
    let files = ServeDir::new(&state.config.files_dir).append_index_html_on_directories(false);
    // Answers carry tokens and personal data: no cache may keep them.
    let api = Router::new()
        .nest(
            "/api/v1",
            clients::router_v1()
                .merge(contracts::router_v1())
                .merge(commons::router())
                .merge(finances::commons_router()),
        )
        .nest(
            "/api/v2",
            clients::router_v2()
                .merge(contracts::router_v2())
                .merge(commons::router())
                .merge(finances::router()),
        )
        .nest("/api/backoffice", backoffice::router())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .merge(api)
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
                // Files are served with the type their content was checked for; browsers
                // must not guess another.
                .layer(SetResponseHeaderLayer::overriding(
                    HeaderName::from_static("x-content-type-options"),
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(from_fn(middleware::json_errors))
                .layer(CatchPanicLayer::custom(middleware::panic_response))
                // Most often a client sending its body too slowly.
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
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

/// Used by the server before routing: trims trailing slashes and drops a request id that
/// is too long or oddly shaped (a new one is made).
pub fn normalize(request: Request) -> Request {
    middleware::drop_unusable_request_id(middleware::trim_trailing_slash(request))
}
