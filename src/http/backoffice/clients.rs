//! Managing clients: register, read, update, search, reset password, phones, Uber tier.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get, post, put},
};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, Paged, StaffSession, audit, path_id, search_term};
use crate::{
    domain::{password, person, staff::Permission, time::now_unix},
    http::{
        AppState,
        error::ApiError,
        extract::{Json, JsonList, Query},
        views::Status,
    },
    store::{
        self, Locked,
        clients::{ClientFields, NewClient},
    },
};

mod view;

use view::{CLIENT_NOT_FOUND, ClientChange, load_detail};
pub use view::{ClientContract, ClientDetail, ClientSummary, PhoneView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clients", get(list_clients).post(create_client))
        .route("/clients/{client_id}", get(get_client).patch(update_client))
        .route(
            "/clients/{client_id}/reset-password",
            post(reset_client_password),
        )
        .route("/clients/{client_id}/phones", post(add_phone))
        .route(
            "/clients/{client_id}/phones/{phone_id}",
            delete(delete_phone),
        )
        .route("/clients/{client_id}/uber-plan", put(set_uber_plan))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ClientSearch {
    /// Part of the document, name or email.
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Clients, newest first, optionally searched by document, name or email.
#[utoipa::path(get, path = "/api/backoffice/clients/", tag = "backoffice",
    security(("staff_token" = [])), params(ClientSearch),
    responses((status = 200, body = Paged<ClientSummary>), (status = 401)))]
pub async fn list_clients(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<ClientSearch>,
) -> Result<axum::Json<Paged<ClientSummary>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let search = search_term(query.q.as_deref())?;

    let pool = state.store.pool();
    let rows = store::clients::search(pool, search, page.limit(), page.offset()).await?;
    let total = store::clients::count_search(pool, search).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(ClientSummary::from).collect(),
        total,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewClientBody {
    document: String,
    first_name: String,
    last_name: String,
    email: String,
    phone_number: String,
    #[serde(default)]
    address: String,
    /// The initial password: at least 6 characters with a letter and a digit.
    password: String,
}

/// Checks every field; the error lists each one that fails.
fn validate_fields(
    document: &str,
    first_name: &str,
    last_name: &str,
    email: &str,
    phone_number: &str,
    address: &str,
) -> Result<ClientFields, Vec<String>> {
    let mut failures = Vec::new();
    let mut check = |result: Result<String, &str>, prefix: &str| {
        result
            .map_err(|reason| failures.push(format!("{prefix}{reason}")))
            .unwrap_or_default()
    };
    let fields = ClientFields {
        document: check(person::document(document), ""),
        first_name: check(person::name(first_name), "El campo 'first_name' "),
        last_name: check(person::name(last_name), "El campo 'last_name' "),
        email: check(person::email(email), ""),
        phone_number: check(person::phone(phone_number), ""),
        address: check(person::text(address, 200), "El campo 'address' "),
    };
    if failures.is_empty() {
        Ok(fields)
    } else {
        Err(failures)
    }
}

/// Maps a unique violation on clients to the field it concerns.
fn client_conflict(err: sqlx::Error) -> ApiError {
    if store::is_unique_violation(&err) {
        let text = err.to_string();
        if text.contains("email") {
            return ApiError::conflict("El campo 'email' ya está registrado para otro cliente");
        }
        return ApiError::conflict("El campo 'document' ya está registrado para otro cliente");
    }
    err.into()
}

/// Register a client with an initial password.
#[utoipa::path(post, path = "/api/backoffice/clients/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewClientBody,
    responses((status = 201, body = ClientDetail), (status = 400), (status = 403), (status = 409)))]
pub async fn create_client(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewClientBody>,
) -> Result<(StatusCode, axum::Json<ClientDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let mut failures = Vec::new();
    let fields = validate_fields(
        &body.document,
        &body.first_name,
        &body.last_name,
        &body.email,
        &body.phone_number,
        &body.address,
    )
    .map_err(|f| failures.extend(f))
    .ok();
    failures.extend(
        password::rule_failures(&body.password)
            .into_iter()
            .map(str::to_owned),
    );
    let Some(fields) = fields.filter(|_| failures.is_empty()) else {
        return Err(ApiError::Messages(failures));
    };
    let hash = state.hash_password(body.password).await?;

    let mut tx = state.store.begin_write().await?;
    let new = NewClient {
        document: &fields.document,
        first_name: &fields.first_name,
        last_name: &fields.last_name,
        email: &fields.email,
        address: &fields.address,
        phone_number: &fields.phone_number,
        password_hash: &hash,
    };
    let client_id = store::clients::insert(&mut *tx, &new, now_unix())
        .await
        .map_err(client_conflict)?;
    let created = load_detail(&mut tx, client_id).await?;
    audit(
        &mut tx,
        &staff,
        "client.create",
        "client",
        client_id,
        None,
        Some(created.audit_json()),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// A client with phones and contracts.
#[utoipa::path(get, path = "/api/backoffice/clients/{client_id}/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = ClientDetail), (status = 404)))]
pub async fn get_client(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<ClientDetail>, ApiError> {
    staff.require(Permission::Read)?;
    let client_id = path_id(&raw_id, CLIENT_NOT_FOUND)?;

    let mut tx = state.store.pool().begin().await?;
    let detail = load_detail(&mut tx, client_id).await?;
    tx.commit().await?;
    Ok(axum::Json(detail))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClientChanges {
    document: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone_number: Option<String>,
    address: Option<String>,
}

/// Change any of the client's personal fields.
#[utoipa::path(patch, path = "/api/backoffice/clients/{client_id}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = ClientChanges,
    responses((status = 200, body = ClientDetail), (status = 400), (status = 404), (status = 409)))]
pub async fn update_client(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(changes): JsonList<ClientChanges>,
) -> Result<axum::Json<ClientDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let client_id = path_id(&raw_id, CLIENT_NOT_FOUND)?;

    let mut change = ClientChange::begin(&state, client_id).await?;
    let before = &change.before;
    let pick = |change: &Option<String>, current: &str| {
        change.clone().unwrap_or_else(|| current.to_owned())
    };
    let fields = validate_fields(
        &pick(&changes.document, &before.document),
        &pick(&changes.first_name, &before.first_name),
        &pick(&changes.last_name, &before.last_name),
        &pick(&changes.email, &before.email),
        &pick(&changes.phone_number, &before.phone_number),
        &pick(&changes.address, &before.address),
    )
    .map_err(ApiError::Messages)?;
    store::clients::update(&mut *change.tx, client_id, &fields)
        .await
        .map_err(client_conflict)?;
    Ok(axum::Json(change.commit(&staff, "client.update").await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPassword {
    password: String,
}

/// Set a new password for the client and revoke every session of theirs.
#[utoipa::path(post, path = "/api/backoffice/clients/{client_id}/reset-password/",
    tag = "backoffice", security(("staff_token" = [])), request_body = NewPassword,
    responses((status = 200, body = Status), (status = 400), (status = 404)))]
pub async fn reset_client_password(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(body): JsonList<NewPassword>,
) -> Result<axum::Json<Status>, ApiError> {
    staff.require(Permission::Operate)?;
    let client_id = path_id(&raw_id, CLIENT_NOT_FOUND)?;
    let failures = password::rule_failures(&body.password);
    if !failures.is_empty() {
        return Err(ApiError::Messages(
            failures.into_iter().map(str::to_owned).collect(),
        ));
    }
    let hash = state.hash_password(body.password).await?;

    let mut tx = state.store.begin_write().await?;
    if !state.store.lock(&mut tx, Locked::Client, client_id).await? {
        return Err(ApiError::missing(CLIENT_NOT_FOUND));
    }
    let now = now_unix();
    store::clients::set_password_hash(&mut *tx, client_id, &hash).await?;
    let revoked = store::tokens::revoke_others(&mut *tx, client_id, None, now).await?;
    // The audit says that the password changed, never what it is.
    audit(
        &mut tx,
        &staff,
        "client.reset_password",
        "client",
        client_id,
        None,
        Some(json!({ "sessions_revoked": revoked })),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(Status::OK))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPhone {
    phone_number: String,
}

/// Add another phone number to the client.
#[utoipa::path(post, path = "/api/backoffice/clients/{client_id}/phones/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewPhone,
    responses((status = 201, body = ClientDetail), (status = 400), (status = 404)))]
pub async fn add_phone(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    Json(body): Json<NewPhone>,
) -> Result<(StatusCode, axum::Json<ClientDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let client_id = path_id(&raw_id, CLIENT_NOT_FOUND)?;
    let phone = person::phone(&body.phone_number).map_err(ApiError::message)?;

    let mut change = ClientChange::begin(&state, client_id).await?;
    store::clients::insert_phone(&mut *change.tx, client_id, &phone, now_unix()).await?;
    let after = change.commit(&staff, "client.add_phone").await?;
    Ok((StatusCode::CREATED, axum::Json(after)))
}

/// Remove one of the client's phone numbers.
#[utoipa::path(delete, path = "/api/backoffice/clients/{client_id}/phones/{phone_id}/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = ClientDetail), (status = 404)))]
pub async fn delete_phone(
    State(state): State<AppState>,
    staff: StaffSession,
    Path((raw_client, raw_phone)): Path<(String, String)>,
) -> Result<axum::Json<ClientDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let client_id = path_id(&raw_client, CLIENT_NOT_FOUND)?;
    let phone_id = path_id(&raw_phone, "Teléfono no encontrado")?;

    let mut change = ClientChange::begin(&state, client_id).await?;
    if !store::clients::delete_phone(&mut *change.tx, client_id, phone_id).await? {
        return Err(ApiError::missing("Teléfono no encontrado"));
    }
    Ok(axum::Json(
        change.commit(&staff, "client.delete_phone").await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UberPlanChoice {
    /// `azul`, `oro`, `platino`, `diamante`, or null to remove the tier. Required: a body
    /// without it is refused rather than taken as a removal.
    #[serde(deserialize_with = "present_or_null")]
    #[schema(required = true, nullable)]
    code_name: Option<String>,
}

/// Makes a field required while letting it be `null` (serde treats a missing `Option` as
/// `None` unless the field has a deserializer of its own).
fn present_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

/// Set or remove the client's Uber plan tier.
#[utoipa::path(put, path = "/api/backoffice/clients/{client_id}/uber-plan/", tag = "backoffice",
    security(("staff_token" = [])), request_body = UberPlanChoice,
    responses((status = 200, body = ClientDetail), (status = 400), (status = 404)))]
pub async fn set_uber_plan(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    Json(body): Json<UberPlanChoice>,
) -> Result<axum::Json<ClientDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let client_id = path_id(&raw_id, CLIENT_NOT_FOUND)?;

    let plan_id = match body.code_name.as_deref() {
        None => None,
        Some(code) => Some(
            store::clients::uber_plan_id(state.store.pool(), code)
                .await?
                .ok_or_else(|| ApiError::message("El campo 'code_name' no es un plan de Uber"))?,
        ),
    };

    let mut change = ClientChange::begin(&state, client_id).await?;
    store::clients::set_uber_plan(&mut *change.tx, client_id, plan_id).await?;
    // The tier's discount moves to every weekly fee still owed.
    store::invoices::apply_current_uber_plan(
        &mut change.tx,
        state.store.backend(),
        client_id,
        now_unix(),
    )
    .await?;
    Ok(axum::Json(
        change.commit(&staff, "client.set_uber_plan").await?,
    ))
}
