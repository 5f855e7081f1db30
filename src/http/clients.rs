//! The client's own endpoints: login, logout, profile, cards, push token, password; and
//! the sign-up form of prospective clients.

use axum::{
    Router,
    extract::State,
    routing::{get, patch, post},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    AppState,
    error::{ApiError, BAD_CREDENTIALS, CLIENT_NOT_FOUND},
    extract::{ClientAddr, ClientSession, Json, JsonList, PresentedToken},
    throttle::LoginGuard,
    views::{CardView, ProfileV1, ProfileV2, Status},
};
use crate::{
    domain::{lead::LeadDraft, password_change, time::now_unix, token::Token},
    store::{self, Locked},
};

/// Routes shared by v1 and v2, relative to `/api/vN`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clients/auth", post(login))
        .route("/clients/logout", post(logout))
        .route("/clients/cards", get(list_cards))
        .route("/clients/firebase-token", patch(set_firebase_token))
        .route("/clients/password", patch(change_password))
        .route("/clients/new", post(create_lead))
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
    // Documents are stored in upper case (a foreign ID may carry letters).
    let document = credentials.document.trim().to_uppercase();
    let document = document.as_str();
    let guard = LoginGuard::check(&state, "doc", document, addr).await?;

    let login = store::clients::find_login(state.store.pool(), document).await?;
    let stored_hash = login.as_ref().map(|l| l.password_hash.clone());
    let matches = state
        .verify_password(credentials.password, stored_hash)
        .await?;

    let Some(login) = login.filter(|_| matches) else {
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
    token: PresentedToken,
) -> Result<axum::Json<ProfileV1>, ApiError> {
    let profile = super::views::load_profile(&state, token).await?;
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
    token: PresentedToken,
    host: super::views::PublicBase,
) -> Result<axum::Json<ProfileV2>, ApiError> {
    let profile = super::views::load_profile(&state, token).await?;
    Ok(axum::Json(ProfileV2::new(
        profile,
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
    PresentedToken(token): PresentedToken,
) -> Result<axum::Json<Vec<CardView>>, ApiError> {
    let token = token.ok_or_else(|| ApiError::message(CLIENT_NOT_FOUND))?;
    let cards = store::cards::for_token(state.store.pool(), &token.digest(), now_unix())
        .await?
        .ok_or_else(|| ApiError::message(CLIENT_NOT_FOUND))?;
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

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    /// The current password.
    password: String,
    /// At least 6 characters, with a letter and a digit.
    new_password: String,
    confirm_new_password: String,
}

/// Change the password. Every other session of the client is closed; this one stays open.
#[utoipa::path(patch, path = "/api/v1/clients/password/", tag = "clients",
    security(("token" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, body = Status),
        (status = 400, description = "`{\"error\": [every failed rule]}`, or \
            `{\"error\": [\"Perfil de cliente no encontrado\"]}` for a bad token"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    session: Result<ClientSession, ApiError>,
    body: Result<JsonList<PasswordChange>, ApiError>,
) -> Result<axum::Json<Status>, ApiError> {
    let session = session.map_err(ApiError::into_list)?;
    let JsonList(body) = body?;
    // Guesses of the current password with a stolen token are throttled like logins.
    let guard = LoginGuard::check(&state, "pwd", &session.client_id.to_string(), addr)
        .await
        .map_err(ApiError::into_list)?;

    let stored = store::clients::password_hash(state.store.pool(), session.client_id).await?;
    let Some(stored) = stored else {
        return Err(ApiError::Messages(vec![CLIENT_NOT_FOUND.to_owned()]));
    };
    let matches = state
        .verify_password(body.password, Some(stored.clone()))
        .await?;
    if matches {
        guard.succeeded(&state).await?;
    }
    let failures =
        password_change::failures(matches, &body.new_password, &body.confirm_new_password);
    if !failures.is_empty() {
        return Err(ApiError::Messages(
            failures.into_iter().map(str::to_owned).collect(),
        ));
    }
    let hash = state.hash_password(body.new_password).await?;

    let mut tx = state.store.begin_write().await?;
    state
        .store
        .lock(&mut tx, Locked::Client, session.client_id)
        .await?;
    // A change that committed since the check above made the current password another one.
    let still = store::clients::password_hash(&mut *tx, session.client_id).await?;
    if still.as_deref() != Some(stored.as_str()) {
        return Err(ApiError::Messages(vec![
            password_change::WRONG_CURRENT.to_owned(),
        ]));
    }
    store::clients::set_password_hash(&mut *tx, session.client_id, &hash).await?;
    let keep = session.token.digest();
    store::tokens::revoke_others(&mut *tx, session.client_id, Some(&keep), now_unix()).await?;
    tx.commit().await?;
    tracing::info!(client_id = session.client_id, "client changed password");
    Ok(axum::Json(Status::OK))
}

/// A sign-up as sent by the website or the app. Every field is checked and each invalid
/// one is reported, so all are optional here.
#[derive(Deserialize, ToSchema)]
pub struct NewLead {
    first_name: Option<String>,
    last_name: Option<String>,
    /// DNI or foreign ID: 8 to 12 letters or digits.
    document: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    /// How long the driver has worked on ride-hailing apps, in their words.
    time_working: Option<String>,
    /// Campaign source; `""` when absent.
    utm_source: Option<String>,
    /// Campaign medium; `""` when absent.
    utm_medium: Option<String>,
    /// `Nuevo` or `Semi nuevo`.
    car_of_interest: Option<String>,
}

/// Seconds in the window of the sign-up limit.
const LEAD_WINDOW_SECONDS: u64 = 3600;

/// Leave the details of a prospective client (no token). Limited per client address.
#[utoipa::path(post, path = "/api/v1/clients/new/", tag = "clients",
    request_body = NewLead,
    responses(
        (status = 200, body = Status),
        (status = 400, description = "`{\"error\": [...]}`, one message per invalid field"),
        (status = 429, description = "Too many sign-ups from this address in the last hour"),
    ))]
pub async fn create_lead(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    JsonList(body): JsonList<NewLead>,
) -> Result<axum::Json<Status>, ApiError> {
    let draft = LeadDraft {
        first_name: body.first_name.as_deref(),
        last_name: body.last_name.as_deref(),
        document: body.document.as_deref(),
        phone_number: body.phone_number.as_deref(),
        email: body.email.as_deref(),
        time_working: body.time_working.as_deref(),
        utm_source: body.utm_source.as_deref(),
        utm_medium: body.utm_medium.as_deref(),
        car_of_interest: body.car_of_interest.as_deref(),
    };
    let lead = draft.validate().map_err(ApiError::Messages)?;

    // Counted and checked in the transaction that saves the lead: a refused or failed
    // sign-up rolls its count back, and concurrent ones queue on the counter's row.
    let key = format!("lead:ip:{addr}");
    let (now, window) = (now_unix(), LEAD_WINDOW_SECONDS as i64);
    let max = state.config.leads_per_address_per_hour;
    let mut tx = state.store.begin_write().await?;
    let hit = store::throttles::hit(&mut *tx, &key, now, window).await?;
    if hit.hits > i64::from(max) {
        let left = (hit.window_started_at + window - now).clamp(1, window);
        return Err(ApiError::TooManyRequests {
            retry_after_seconds: left.unsigned_abs(),
        });
    }
    let lead_id = store::leads::insert(&mut *tx, &lead, now).await?;
    tx.commit().await?;
    tracing::info!(lead_id, "lead received");
    Ok(axum::Json(Status::OK))
}
