//! Managing clients: register, read, update, search, reset password, phones, Uber tier.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get, post, put},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, Paged, StaffSession, audit, path_id};
use crate::{
    domain::{
        money::{self, Money},
        password, person,
        staff::Permission,
        time::{lima_date, now_unix},
    },
    http::{
        AppState,
        error::ApiError,
        extract::{Json, JsonList, Query},
        views::Status,
    },
    store::{
        self, Locked, Tx,
        clients::{ClientFields, ClientSummaryRow, NewClient},
    },
};

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

const CLIENT_NOT_FOUND: &str = "Cliente no encontrado";

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientSummary {
    id: i64,
    document: String,
    first_name: String,
    last_name: String,
    email: String,
    phone_number: String,
    /// Code of the Uber plan tier, or null.
    uber_plan: Option<String>,
    created_at: String,
}

impl From<ClientSummaryRow> for ClientSummary {
    fn from(row: ClientSummaryRow) -> Self {
        Self {
            id: row.client_id,
            created_at: lima_date(row.created_at),
            document: row.document,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            phone_number: row.phone_number,
            uber_plan: row.uber_plan_code,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDetail {
    id: i64,
    document: String,
    first_name: String,
    last_name: String,
    email: String,
    address: String,
    phone_number: String,
    #[serde(serialize_with = "money::serialize_with_fraction")]
    coins: Money,
    uber_plan: Option<String>,
    created_at: String,
    phones: Vec<PhoneView>,
    contracts: Vec<ClientContract>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneView {
    id: i64,
    phone_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientContract {
    id: i64,
    hash: String,
    status: String,
    car_id: i64,
    license_plate: String,
    weekly_amount: Money,
    auto_charge: bool,
}

impl ClientDetail {
    /// The audited part: the fields staff can change.
    fn audit_json(&self) -> serde_json::Value {
        json!({
            "document": self.document, "first_name": self.first_name,
            "last_name": self.last_name, "email": self.email, "address": self.address,
            "phone_number": self.phone_number, "uber_plan": self.uber_plan,
            "phones": self.phones.iter().map(|p| &p.phone_number).collect::<Vec<_>>(),
        })
    }
}

async fn load_detail(db: &mut Tx, client_id: i64) -> Result<ClientDetail, ApiError> {
    let client = store::clients::get(&mut **db, client_id)
        .await?
        .ok_or_else(|| ApiError::missing(CLIENT_NOT_FOUND))?;
    let uber_plan = store::clients::uber_plan_code(&mut **db, client_id).await?;
    let phones = store::clients::phones(&mut **db, client_id).await?;
    let contracts = store::contracts::for_client(&mut **db, client_id).await?;
    Ok(ClientDetail {
        id: client.client_id,
        coins: client.coins(),
        created_at: lima_date(client.created_at),
        document: client.document,
        first_name: client.first_name,
        last_name: client.last_name,
        email: client.email,
        address: client.address,
        phone_number: client.phone_number,
        uber_plan,
        phones: phones
            .into_iter()
            .map(|p| PhoneView {
                id: p.phone_id,
                phone_number: p.phone_number,
            })
            .collect(),
        contracts: contracts
            .iter()
            .map(|k| ClientContract {
                id: k.contract_id,
                hash: k.hash.clone(),
                status: k.status.clone(),
                car_id: k.car_id,
                license_plate: k.license_plate.clone(),
                weekly_amount: k.weekly_amount(),
                auto_charge: k.auto_charge(),
            })
            .collect(),
    })
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
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());

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

    let mut tx = state.store.begin_write().await?;
    if !state.store.lock(&mut tx, Locked::Client, client_id).await? {
        return Err(ApiError::missing(CLIENT_NOT_FOUND));
    }
    let before = load_detail(&mut tx, client_id).await?;
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
    store::clients::update(&mut *tx, client_id, &fields)
        .await
        .map_err(client_conflict)?;
    let after = load_detail(&mut tx, client_id).await?;
    audit(
        &mut tx,
        &staff,
        "client.update",
        "client",
        client_id,
        Some(before.audit_json()),
        Some(after.audit_json()),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
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

    let mut tx = state.store.begin_write().await?;
    if !state.store.lock(&mut tx, Locked::Client, client_id).await? {
        return Err(ApiError::missing(CLIENT_NOT_FOUND));
    }
    let before = load_detail(&mut tx, client_id).await?;
    store::clients::insert_phone(&mut *tx, client_id, &phone, now_unix()).await?;
    let after = load_detail(&mut tx, client_id).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        &staff,
        "client.add_phone",
        "client",
        client_id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
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

    let mut tx = state.store.begin_write().await?;
    if !state.store.lock(&mut tx, Locked::Client, client_id).await? {
        return Err(ApiError::missing(CLIENT_NOT_FOUND));
    }
    let before = load_detail(&mut tx, client_id).await?;
    if !store::clients::delete_phone(&mut *tx, client_id, phone_id).await? {
        return Err(ApiError::missing("Teléfono no encontrado"));
    }
    let after = load_detail(&mut tx, client_id).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        &staff,
        "client.delete_phone",
        "client",
        client_id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UberPlanChoice {
    /// `azul`, `oro`, `platino`, `diamante`, or null to remove the tier.
    code_name: Option<String>,
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

    let mut tx = state.store.begin_write().await?;
    let plan_id = match body.code_name.as_deref() {
        None => None,
        Some(code) => Some(
            store::clients::uber_plan_id(&mut *tx, code)
                .await?
                .ok_or_else(|| ApiError::message("El campo 'code_name' no es un plan de Uber"))?,
        ),
    };
    if !state.store.lock(&mut tx, Locked::Client, client_id).await? {
        return Err(ApiError::missing(CLIENT_NOT_FOUND));
    }
    let before = load_detail(&mut tx, client_id).await?;
    store::clients::set_uber_plan(&mut *tx, client_id, plan_id).await?;
    let after = load_detail(&mut tx, client_id).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        &staff,
        "client.set_uber_plan",
        "client",
        client_id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}
