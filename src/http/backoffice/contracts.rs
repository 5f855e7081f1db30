//! Managing contracts: create one for a client and a car, list and read them, activate,
//! cancel, and switch automatic charges.

pub mod status;
pub mod view;

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, patch, post},
};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use self::{
    status::{activate_contract, cancel_contract},
    view::{CONTRACT_NOT_FOUND, ContractDetail, load_detail},
};
use super::{PageQuery, Paged, StaffSession, audit, path_id};
use crate::{
    domain::{
        contract::{self, ContractStatus},
        money::Money,
        staff::Permission,
        time::now_unix,
    },
    http::{
        AppState,
        error::ApiError,
        extract::{Json, JsonList, Query},
    },
    store::{
        self, Locked,
        contracts::{Filter, NewContract},
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contracts", get(list_contracts).post(create_contract))
        .route("/contracts/{contract_id}", get(get_contract))
        .route("/contracts/{contract_id}/activate", post(activate_contract))
        .route("/contracts/{contract_id}/cancel", post(cancel_contract))
        .route(
            "/contracts/{contract_id}/auto-charge",
            patch(set_contract_auto_charge),
        )
}

const CLIENT_NOT_FOUND: &str = "Cliente no encontrado";
const CAR_NOT_FOUND: &str = "Auto no encontrado";
const CAR_TAKEN: &str = "El auto ya tiene un contrato abierto";

#[derive(Debug, Deserialize, IntoParams)]
pub struct ContractQuery {
    /// `contract_pending`, `contract_active`, `contract_finished` or `contract_cancelled`.
    status: Option<String>,
    client_id: Option<i64>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Contracts, newest first, optionally of one status or one client.
#[utoipa::path(get, path = "/api/backoffice/contracts/", tag = "backoffice",
    security(("staff_token" = [])), params(ContractQuery),
    responses((status = 200, body = Paged<ContractDetail>), (status = 400), (status = 401)))]
pub async fn list_contracts(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<ContractQuery>,
) -> Result<axum::Json<Paged<ContractDetail>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(ContractStatus::parse(raw).ok_or_else(|| {
            ApiError::message(
                "El parámetro 'status' debe ser contract_pending, contract_active, \
                 contract_finished o contract_cancelled",
            )
        })?),
    };

    let filter = Filter {
        status: status.map(ContractStatus::as_str),
        client_id: query.client_id,
    };
    let pool = state.store.pool();
    let rows = store::contracts::list(pool, &filter, page.limit(), page.offset()).await?;
    let total = store::contracts::count(pool, &filter).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(ContractDetail::from).collect(),
        total,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewContractBody {
    client_id: i64,
    car_id: i64,
    /// Soles, more than 0, at most two decimals (`480.5`).
    #[schema(value_type = Money)]
    weekly_amount: Decimal,
    /// 1 to 520.
    weeks: i64,
    #[serde(default)]
    auto_charge: bool,
}

/// Create a pending contract for a client and a car that has no open contract.
#[utoipa::path(post, path = "/api/backoffice/contracts/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewContractBody,
    responses((status = 201, body = ContractDetail), (status = 400), (status = 403),
        (status = 404), (status = 409, description = "The car already has an open contract")))]
pub async fn create_contract(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewContractBody>,
) -> Result<(StatusCode, axum::Json<ContractDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let amount = contract::weekly_amount(body.weekly_amount);
    let weeks = contract::weeks(body.weeks);
    let (Ok(weekly_amount), Ok(weeks)) = (amount, weeks) else {
        let failures = [amount.err(), weeks.err()];
        return Err(ApiError::Messages(
            failures.into_iter().flatten().map(str::to_owned).collect(),
        ));
    };

    let mut tx = state.store.begin_write().await?;
    if !state
        .store
        .lock(&mut tx, Locked::Client, body.client_id)
        .await?
    {
        return Err(ApiError::missing(CLIENT_NOT_FOUND));
    }
    if !state.store.lock(&mut tx, Locked::Car, body.car_id).await? {
        return Err(ApiError::missing(CAR_NOT_FOUND));
    }
    let hash = uuid::Uuid::new_v4().to_string();
    let new = NewContract {
        hash: &hash,
        client_id: body.client_id,
        car_id: body.car_id,
        status: ContractStatus::Pending.as_str(),
        weekly_amount,
        weeks,
        start_date: None,
        auto_charge: body.auto_charge,
    };
    // The only other unique key is the random hash, so a violation is the car's open
    // contract (`contracts_open_car_idx`), also when two creations race.
    let contract_id = store::contracts::insert(&mut *tx, &new, now_unix())
        .await
        .map_err(|err| {
            if store::is_unique_violation(&err) {
                ApiError::conflict(CAR_TAKEN)
            } else {
                err.into()
            }
        })?;
    let created = load_detail(&mut tx, contract_id).await?;
    let after = created.audit_json();
    audit(
        &mut tx,
        &staff,
        "contract.create",
        "contract",
        contract_id,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// A contract with its client and car.
#[utoipa::path(get, path = "/api/backoffice/contracts/{contract_id}/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = ContractDetail), (status = 404)))]
pub async fn get_contract(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<ContractDetail>, ApiError> {
    staff.require(Permission::Read)?;
    let contract_id = path_id(&raw_id, CONTRACT_NOT_FOUND)?;

    let row = store::contracts::detail(state.store.pool(), contract_id).await?;
    let detail = row.ok_or_else(|| ApiError::missing(CONTRACT_NOT_FOUND))?;
    Ok(axum::Json(ContractDetail::from(detail)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AutoChargeChoice {
    auto_charge: bool,
}

/// Switch the automatic card charges of a contract on or off.
#[utoipa::path(patch, path = "/api/backoffice/contracts/{contract_id}/auto-charge/",
    tag = "backoffice", security(("staff_token" = [])), request_body = AutoChargeChoice,
    responses((status = 200, body = ContractDetail), (status = 400), (status = 403),
        (status = 404)))]
pub async fn set_contract_auto_charge(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    Json(body): Json<AutoChargeChoice>,
) -> Result<axum::Json<ContractDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let contract_id = path_id(&raw_id, CONTRACT_NOT_FOUND)?;

    let mut tx = state.store.begin_write().await?;
    if !state
        .store
        .lock(&mut tx, Locked::Contract, contract_id)
        .await?
    {
        return Err(ApiError::missing(CONTRACT_NOT_FOUND));
    }
    let before = load_detail(&mut tx, contract_id).await?;
    let open = store::contracts::status(&mut *tx, contract_id)
        .await?
        .and_then(|s| ContractStatus::parse(&s))
        .is_some_and(ContractStatus::is_open);
    if !open {
        return Err(ApiError::conflict(
            "Solo se puede cambiar el cobro automático de un contrato pendiente o activo",
        ));
    }
    store::contracts::set_auto_charge(&mut *tx, contract_id, body.auto_charge).await?;
    let after = load_detail(&mut tx, contract_id).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    let action = "contract.set_auto_charge";
    audit(
        &mut tx,
        &staff,
        action,
        "contract",
        contract_id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}
