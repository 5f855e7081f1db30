//! The moves of a contract: activation from pending, cancellation from pending or active.

use axum::{
    body::Bytes,
    extract::{Path, State},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::view::{CONTRACT_NOT_FOUND, ContractDetail, load_detail};
use crate::{
    domain::{
        contract::{self, ContractStatus},
        staff::Permission,
        time::{lima_today, now_unix, parse_day},
    },
    http::{
        AppState,
        backoffice::{StaffSession, audit, path_id},
        error::ApiError,
        extract::decode_json,
    },
    store::{self, Locked},
};

/// The optional body of an activation.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Activation {
    /// `YYYY-MM-DD`; today in Lima when absent.
    start_date: Option<String>,
}

/// Activate a pending contract from its start date.
#[utoipa::path(post, path = "/api/backoffice/contracts/{contract_id}/activate/",
    tag = "backoffice", security(("staff_token" = [])), request_body = Option<Activation>,
    responses((status = 200, body = ContractDetail), (status = 400), (status = 403),
        (status = 404), (status = 409, description = "The contract is not pending")))]
pub async fn activate_contract(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Result<axum::Json<ContractDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let contract_id = path_id(&raw_id, CONTRACT_NOT_FOUND)?;
    // The body may be left out entirely.
    let activation: Activation = if body.trim_ascii().is_empty() {
        Activation::default()
    } else {
        decode_json(&body)?
    };
    let start_date = match activation.start_date.as_deref() {
        Some(raw) => contract::start_date(raw).map_err(ApiError::message)?,
        None => lima_today(),
    };

    let start_date = start_date.format("%Y-%m-%d").to_string();
    change_status(
        &state,
        &staff,
        contract_id,
        "contract.activate",
        |status| match status.activation_refusal() {
            Some(reason) => Err(reason),
            None => Ok((ContractStatus::Active, Some(start_date))),
        },
    )
    .await
    .map(axum::Json)
}

/// Cancel a pending or active contract; its car is free for another contract.
#[utoipa::path(post, path = "/api/backoffice/contracts/{contract_id}/cancel/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = ContractDetail), (status = 403), (status = 404),
        (status = 409, description = "The contract is finished or already cancelled")))]
pub async fn cancel_contract(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<ContractDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let contract_id = path_id(&raw_id, CONTRACT_NOT_FOUND)?;

    change_status(
        &state,
        &staff,
        contract_id,
        "contract.cancel",
        |status| match status.cancellation_refusal() {
            Some(reason) => Err(reason),
            None => Ok((ContractStatus::Cancelled, None)),
        },
    )
    .await
    .map(axum::Json)
}

/// Moves a contract to the status `decide` picks from the current one (with a start date
/// or not), or refuses with 409 and `decide`'s reason; audits the move.
async fn change_status(
    state: &AppState,
    staff: &StaffSession,
    contract_id: i64,
    action: &str,
    decide: impl FnOnce(ContractStatus) -> Result<(ContractStatus, Option<String>), String>,
) -> Result<ContractDetail, ApiError> {
    let mut tx = state.store.begin_write().await?;
    if !state
        .store
        .lock(&mut tx, Locked::Contract, contract_id)
        .await?
    {
        return Err(ApiError::missing(CONTRACT_NOT_FOUND));
    }
    let before = load_detail(&mut tx, contract_id).await?;
    let (next, start_date) = decide(before.status()?).map_err(ApiError::conflict)?;
    store::contracts::set_status(&mut *tx, contract_id, next.as_str(), start_date.as_deref())
        .await?;
    match next {
        ContractStatus::Active => create_schedule(state, &mut tx, contract_id).await?,
        ContractStatus::Cancelled => {
            store::invoices::cancel_future(&mut tx, contract_id, lima_today()).await?;
        }
        ContractStatus::Pending | ContractStatus::Finished => {}
    }
    let after = load_detail(&mut tx, contract_id).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        staff,
        action,
        "contract",
        contract_id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Creates the weekly schedule of a contract just activated, with the client's Uber plan
/// discount on every week.
async fn create_schedule(
    state: &AppState,
    tx: &mut store::Tx,
    contract_id: i64,
) -> Result<(), ApiError> {
    let contract = store::contracts::detail(&mut **tx, contract_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("contract {contract_id} vanished during activation"))?;
    let start = contract
        .start_date
        .as_deref()
        .and_then(parse_day)
        .ok_or_else(|| anyhow::anyhow!("contract {contract_id} activated without a start date"))?;
    let now = now_unix();
    store::invoices::create_schedule(
        tx,
        contract_id,
        start,
        contract.weeks,
        contract.weekly_amount(),
        now,
    )
    .await?;
    store::invoices::apply_current_uber_plan(tx, state.store.backend(), contract.client_id, now)
        .await?;
    Ok(())
}
