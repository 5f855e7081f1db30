//! Invoices in the back office: the filtered list, one invoice, invoices added by hand to
//! a contract (an initial fee, a repair), and the changes of `changes`.
//!
//! Weekly fees come only from a contract's schedule and penalties only from the billing
//! run, which ties each to the weekly fee it penalizes and adds at most one per fee; so
//! neither type can be added by hand.

pub mod changes;
pub mod view;

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use self::{
    changes::{
        add_invoice_discount, cancel_invoice, freeze_invoice, kept, observations, split_invoice,
        unfreeze_invoice,
    },
    view::{INVOICE_NOT_FOUND, InvoiceDetail, commit_creation, page_of_details, read_detail},
};
use super::{
    PageQuery, PageRequest, Paged, StaffSession, contracts::view::CONTRACT_NOT_FOUND, path_id,
};
use crate::{
    domain::{
        contract::ContractStatus,
        invoice::{self, InvoiceStatus, PENALTY, WEEKLY_FEE},
        money::Money,
        staff::Permission,
        time::{now_unix, parse_day},
    },
    http::{
        AppState,
        error::ApiError,
        extract::{JsonList, Query},
    },
    store::{
        self, Locked,
        invoice_admin::{self, Filter},
        invoices::NewInvoice,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invoices", get(list_invoices))
        .route("/invoices/{invoice_id}", get(get_invoice))
        .route(
            "/invoices/{invoice_id}/discounts",
            post(add_invoice_discount),
        )
        .route("/invoices/{invoice_id}/freeze", post(freeze_invoice))
        .route("/invoices/{invoice_id}/unfreeze", post(unfreeze_invoice))
        .route("/invoices/{invoice_id}/fractions", post(split_invoice))
        .route("/invoices/{invoice_id}/cancel", post(cancel_invoice))
        .route("/contracts/{contract_id}/invoices", post(create_invoice))
}

const BAD_DAY: &str = "debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100";

/// Filters of the invoice list; all optional, days in Lima, both ends included.
#[derive(Debug, Deserialize, IntoParams)]
pub struct InvoiceQuery {
    contract_id: Option<i64>,
    client_id: Option<i64>,
    /// `pending`, `fraction`, `freezed`, `paid` or `cancelled`.
    status: Option<String>,
    /// `YYYY-MM-DD`: due that day or later.
    due_from: Option<String>,
    /// `YYYY-MM-DD`: due that day or earlier.
    due_to: Option<String>,
    /// The `code_name` of an invoice type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    type_code: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// An optional query parameter: absent or empty is none.
fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn day_parameter(raw: &Option<String>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    given(raw)
        .map(|day| {
            parse_day(day)
                .ok_or_else(|| ApiError::Message(format!("El parámetro '{name}' {BAD_DAY}").into()))
        })
        .transpose()
}

impl InvoiceQuery {
    /// The page asked for and the filters, or a 400 naming the bad parameter.
    fn resolve(&self) -> Result<(PageRequest, Filter<'_>), ApiError> {
        let page = PageQuery {
            page: self.page,
            per_page: self.per_page,
        }
        .resolve()?;
        let status = given(&self.status)
            .map(|raw| {
                InvoiceStatus::parse(raw).ok_or_else(|| {
                    ApiError::message(
                        "El parámetro 'status' debe ser pending, fraction, freezed, paid o cancelled",
                    )
                })
            })
            .transpose()?;
        let due_from = day_parameter(&self.due_from, "due_from")?;
        let due_to = day_parameter(&self.due_to, "due_to")?;
        if let (Some(from), Some(to)) = (due_from, due_to)
            && from > to
        {
            return Err(ApiError::message(
                "El parámetro 'due_from' no puede ser posterior a 'due_to'",
            ));
        }
        let filter = Filter {
            contract_id: self.contract_id,
            client_id: self.client_id,
            status,
            due_from,
            due_to,
            type_code: given(&self.type_code),
        };
        Ok((page, filter))
    }
}

/// Invoices by due date then priority, filtered by contract, client, status, type and
/// due-date range.
#[utoipa::path(get, path = "/api/backoffice/invoices/", tag = "backoffice",
    security(("staff_token" = [])), params(InvoiceQuery),
    responses((status = 200, body = Paged<InvoiceDetail>), (status = 400), (status = 401)))]
pub async fn list_invoices(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<InvoiceQuery>,
) -> Result<axum::Json<Paged<InvoiceDetail>>, ApiError> {
    staff.require(Permission::Read)?;
    let (page, filter) = query.resolve()?;

    let results = page_of_details(&state, &filter, page.limit(), page.offset()).await?;
    let total = invoice_admin::count(state.store.pool(), &filter).await?;
    Ok(axum::Json(page.answer(results, total)))
}

/// An invoice with its discounts and fractions.
#[utoipa::path(get, path = "/api/backoffice/invoices/{invoice_id}/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = InvoiceDetail), (status = 404)))]
pub async fn get_invoice(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<InvoiceDetail>, ApiError> {
    staff.require(Permission::Read)?;
    let invoice_id = path_id(&raw_id, INVOICE_NOT_FOUND)?;

    Ok(axum::Json(read_detail(&state, invoice_id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewContractInvoice {
    /// The `code_name` of an invoice type other than `weekly_fee` and `penalty`.
    #[serde(rename = "type")]
    type_code: String,
    /// Soles, more than 0, at most 100000, at most two decimals.
    #[schema(value_type = Money)]
    total: Decimal,
    /// `YYYY-MM-DD`.
    due_date: String,
    #[serde(default)]
    observations: String,
}

/// Why an invoice of this type cannot be added by hand, if it cannot.
fn manual_type_refusal(type_code: &str) -> Option<String> {
    match type_code {
        WEEKLY_FEE => Some("Las cuotas semanales las crea el calendario del contrato".into()),
        PENALTY => Some("Las penalidades las agrega el proceso de cobro diario".into()),
        _ => None,
    }
}

/// A new invoice's fields, checked.
struct CheckedInvoice {
    type_code: String,
    total: Money,
    due_date: NaiveDate,
    observations: String,
}

/// Checks every field of a new invoice; the error lists each one that fails.
async fn check_new_invoice(
    state: &AppState,
    body: &NewContractInvoice,
) -> Result<CheckedInvoice, ApiError> {
    let type_code = body.type_code.trim();
    // Types are never deleted, so reading them before the transaction is enough.
    let known = store::invoice_admin::type_by_code(state.store.pool(), type_code).await?;
    let type_check = match (manual_type_refusal(type_code), known) {
        (Some(reason), _) => Err(reason),
        (None, None) => Err("El campo 'type' no es un tipo de factura registrado".into()),
        (None, Some(_)) => Ok(type_code.to_owned()),
    };
    let total = match Money::from_decimal(body.total) {
        Some(total) => invoice::manual_total(total),
        // Fractions of a cent: the rule's own message names them.
        None => invoice::manual_total(Money::ZERO),
    };
    let due_date =
        parse_day(&body.due_date).ok_or_else(|| format!("El campo 'due_date' {BAD_DAY}"));

    let mut failures = Vec::new();
    let type_code = kept(&mut failures, type_check);
    let total = kept(&mut failures, total.map_err(str::to_owned));
    let due_date = kept(&mut failures, due_date);
    let observations = kept(&mut failures, observations(&body.observations));
    match (type_code, total, due_date, observations) {
        (Some(type_code), Some(total), Some(due_date), Some(observations)) => Ok(CheckedInvoice {
            type_code,
            total,
            due_date,
            observations,
        }),
        _ => Err(ApiError::Messages(failures)),
    }
}

/// Add a one-off invoice of another type (an initial fee, a repair) to a pending or
/// active contract; it is numbered after every invoice the contract has.
#[utoipa::path(post, path = "/api/backoffice/contracts/{contract_id}/invoices/",
    tag = "backoffice", security(("staff_token" = [])), request_body = NewContractInvoice,
    responses((status = 201, body = InvoiceDetail),
        (status = 400, description = "Every failed rule, as a list"), (status = 403),
        (status = 404), (status = 409, description = "The contract is finished or cancelled")))]
pub async fn create_invoice(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(body): JsonList<NewContractInvoice>,
) -> Result<(StatusCode, axum::Json<InvoiceDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let contract_id = path_id(&raw_id, CONTRACT_NOT_FOUND)?;
    let checked = check_new_invoice(&state, &body).await?;

    let mut tx = state.store.begin_write().await?;
    if !state
        .store
        .lock(&mut tx, Locked::Contract, contract_id)
        .await?
    {
        return Err(ApiError::missing(CONTRACT_NOT_FOUND));
    }
    let status = store::contracts::status(&mut *tx, contract_id)
        .await?
        .and_then(|s| ContractStatus::parse(&s))
        .ok_or_else(|| anyhow::anyhow!("contract {contract_id} has no known status"))?;
    if !status.is_open() {
        return Err(ApiError::conflict(format!(
            "Solo se puede agregar una factura a un contrato pendiente o activo; este contrato está {}",
            status.label()
        )));
    }
    let priority = store::invoices::next_priority(&mut tx, contract_id).await?;
    let new = NewInvoice {
        contract_id,
        type_code: &checked.type_code,
        priority,
        due_date: checked.due_date,
        total: checked.total,
        observations: &checked.observations,
        penalized_invoice_id: None,
    };
    let invoice_id = store::invoices::insert(&mut tx, &new, now_unix()).await?;
    let created = commit_creation(tx, &staff, invoice_id).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}
