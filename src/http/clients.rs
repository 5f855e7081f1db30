//! The client's own endpoints: login, logout, profile, cards, push token.

use axum::{
    Router,
    extract::State,
    routing::{get, patch, post},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    AppState,
    error::{ApiError, BAD_CREDENTIALS},
    extract::{ClientAddr, ClientSession, Json},
    throttle::LoginGuard,
    views::{CardView, ProfileV1, ProfileV2, Status},
};
use crate::{
    domain::{time::now_unix, token::Token},
    store,
};

/// Routes shared by v1 and v2, relative to `/api/vN`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clients/auth", post(login))
        .route("/clients/logout", post(logout))
        .route("/clients/cards", get(list_cards))
        .route("/clients/firebase-token", patch(set_firebase_token))
}

pub fn router_v1() -> Router<AppState> {
    router().route("/clients/profile", get(get_profile_v1))
}

pub fn router_v2() -> Router<AppState> {
    router().route("/clients/profile", get(get_profile_v2))
}

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    /// The client's document number (DNI or foreign ID).
    document: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewToken {
    /// Send it back as the `Authentication` header.
    token: String,
}

/// Log in with document and password; answers a new token.
#[utoipa::path(post, path = "/api/v1/clients/auth/", tag = "clients",
    request_body = Credentials,
    responses(
        (status = 200, body = NewToken),
        (status = 400, description = "`{\"error\": \"Las credenciales ingresadas son incorrectas\"}`"),
        (status = 429, description = "Too many failed attempts for this document or address"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Json(credentials): Json<Credentials>,
) -> Result<axum::Json<NewToken>, ApiError> {
    let document = credentials.document.trim();
    let guard = LoginGuard::check(&state, "doc", document, addr).await?;

    let login = store::clients::find_login(state.store.pool(), document).await?;
    let stored_hash = login.as_ref().map(|l| l.password_hash.clone());
    let matches = state
        .verify_password(credentials.password, stored_hash)
        .await?;

    let Some(login) = login.filter(|_| matches) else {
        guard.failed(&state).await?;
        return Err(ApiError::message(BAD_CREDENTIALS));
    };
    guard.succeeded(&state).await?;
    let now = now_unix();
    let token = Token::generate();
    let expires_at = now + state.config.token_ttl().as_secs() as i64;
    store::tokens::insert(
        state.store.pool(),
        login.client_id,
        &token.digest(),
        now,
        expires_at,
    )
    .await?;
    tracing::info!(client_id = login.client_id, "client logged in");
    Ok(axum::Json(NewToken {
        token: token.as_str().to_owned(),
    }))
}

/// Revoke the presented token.
#[utoipa::path(post, path = "/api/v1/clients/logout/", tag = "clients",
    security(("token" = [])),
    responses((status = 200, body = Status), (status = 400, description = "Bad token")))]
pub async fn logout(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<axum::Json<Status>, ApiError> {
    store::tokens::revoke(state.store.pool(), &session.token.digest(), now_unix()).await?;
    Ok(axum::Json(Status::OK))
}

/// The client's profile, contracts, cards and phones.
#[utoipa::path(get, path = "/api/v1/clients/profile/", tag = "clients",
    security(("token" = [])),
    responses(
        (status = 200, body = ProfileV1),
        (status = 400, description = "`{\"error\": \"Perfil de cliente no encontrado\"}`"),
    ))]
pub async fn get_profile_v1(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<axum::Json<ProfileV1>, ApiError> {
    let profile = super::views::load_profile(&state, &session).await?;
    Ok(axum::Json(ProfileV1::from(profile)))
}

/// The v2 profile: contracts with ids, Kushki keys and car photos; phones with ids; the
/// Uber plan tier.
#[utoipa::path(get, path = "/api/v2/clients/profile/", tag = "clients",
    security(("token" = [])),
    responses(
        (status = 200, body = ProfileV2),
        (status = 400, description = "`{\"error\": \"Perfil de cliente no encontrado\"}`"),
    ))]
pub async fn get_profile_v2(
    State(state): State<AppState>,
    session: ClientSession,
    host: super::views::PublicBase,
) -> Result<axum::Json<ProfileV2>, ApiError> {
    let profile = super::views::load_profile(&state, &session).await?;
    let photos = store::cars::car_photos_for_client(state.store.pool(), session.client_id).await?;
    Ok(axum::Json(ProfileV2::new(
        profile,
        photos,
        &host.0,
        &state.config.kushki_public_key,
    )))
}

/// The client's saved cards, masked.
#[utoipa::path(get, path = "/api/v1/clients/cards/", tag = "clients",
    security(("token" = [])),
    responses((status = 200, body = Vec<CardView>), (status = 400, description = "Bad token")))]
pub async fn list_cards(
    State(state): State<AppState>,
    session: ClientSession,
) -> Result<axum::Json<Vec<CardView>>, ApiError> {
    let cards = store::cards::for_client(state.store.pool(), session.client_id).await?;
    Ok(axum::Json(cards.into_iter().map(CardView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct FirebaseToken {
    /// The device's push-notification token.
    firebase_token: String,
}

/// Longest push token accepted; real ones are a few hundred characters.
const FIREBASE_TOKEN_MAX_LEN: usize = 4096;

/// Store the device's push-notification token.
#[utoipa::path(patch, path = "/api/v1/clients/firebase-token/", tag = "clients",
    security(("token" = [])),
    request_body = FirebaseToken,
    responses((status = 200, body = Status), (status = 400, description = "Bad token or value")))]
pub async fn set_firebase_token(
    State(state): State<AppState>,
    session: ClientSession,
    Json(body): Json<FirebaseToken>,
) -> Result<axum::Json<Status>, ApiError> {
    let value = body.firebase_token.trim();
    if value.is_empty() || value.len() > FIREBASE_TOKEN_MAX_LEN {
        return Err(ApiError::message(
            "El campo 'firebase_token' debe tener entre 1 y 4096 caracteres",
        ));
    }

    store::clients::set_firebase_token(state.store.pool(), session.client_id, value).await?;
    Ok(axum::Json(Status::OK))
}
