//! Staff login, logout and the current staff member.

use axum::{
    Router,
    extract::State,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{StaffSession, staff::StaffView};
use crate::{
    domain::{time::now_unix, token::Token},
    http::{
        AppState,
        error::ApiError,
        extract::{ClientAddr, Json},
        throttle::LoginGuard,
        views::Status,
    },
    store,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth", post(login_staff))
        .route("/logout", post(logout_staff))
        .route("/me", get(get_me))
}

#[derive(Deserialize, ToSchema)]
pub struct StaffCredentials {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct StaffToken {
    /// Send it back as `Authorization: Bearer <token>`.
    token: String,
    staff: StaffView,
}

const BAD_STAFF_CREDENTIALS: &str = "El correo o la contraseña son incorrectos";

/// Staff login with email and password.
#[utoipa::path(post, path = "/api/backoffice/auth/", tag = "backoffice",
    request_body = StaffCredentials,
    responses((status = 200, body = StaffToken), (status = 400), (status = 429)))]
pub async fn login_staff(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(credentials): Json<StaffCredentials>,
) -> Result<axum::Json<StaffToken>, ApiError> {
    let email = crate::domain::person::email(&credentials.email)
        .unwrap_or_else(|_| credentials.email.trim().to_lowercase());
    let guard = LoginGuard::check(&state, "staff", &email, addr).await?;

    let login = store::staff::find_login(state.store.pool(), &email)
        .await?
        .filter(|l| store::flag(l.active));
    let stored_hash = login.as_ref().map(|l| l.password_hash.clone());
    let matches = state
        .verify_password(credentials.password, stored_hash)
        .await?;
    let Some(login) = login.filter(|_| matches) else {
        return Err(ApiError::message(BAD_STAFF_CREDENTIALS));
    };
    guard.succeeded(&state).await?;

    let now = now_unix();
    let token = Token::generate();
    let expires_at = now + state.config.staff_token_ttl().as_secs() as i64;
    store::staff::insert_token(
        state.store.pool(),
        login.staff_id,
        &token.digest(),
        now,
        expires_at,
    )
    .await?;
    let staff = store::staff::get(state.store.pool(), login.staff_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("staff {} vanished at login", login.staff_id))?;
    tracing::info!(staff_id = login.staff_id, "staff logged in");
    Ok(axum::Json(StaffToken {
        token: token.as_str().to_owned(),
        staff: staff.into(),
    }))
}

/// Revoke the presented staff token.
#[utoipa::path(post, path = "/api/backoffice/logout/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = Status), (status = 401)))]
pub async fn logout_staff(
    State(state): State<AppState>,
    staff: StaffSession,
) -> Result<axum::Json<Status>, ApiError> {
    store::staff::revoke_token(state.store.pool(), &staff.token.digest(), now_unix()).await?;
    Ok(axum::Json(Status::OK))
}

/// The staff member of the presented token.
#[utoipa::path(get, path = "/api/backoffice/me/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = StaffView), (status = 401)))]
pub async fn get_me(
    State(state): State<AppState>,
    staff: StaffSession,
) -> Result<axum::Json<StaffView>, ApiError> {
    let row = store::staff::get(state.store.pool(), staff.staff_id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    Ok(axum::Json(row.into()))
}
