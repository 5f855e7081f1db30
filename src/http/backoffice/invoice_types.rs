//! The types an invoice can have (`weekly_fee`, `penalty`, `repair`, ...): listed to every
//! role, added and renamed by admins and ops. A code name never changes once added, since
//! invoices and the apps refer to it.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, patch},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PageQuery, Paged, StaffSession, audit, invoices::changes::kept};
use crate::{
    domain::{
        staff::Permission,
        time::{lima_datetime, now_unix},
    },
    http::{
        AppState,
        error::ApiError,
        extract::{JsonList, Query},
    },
    store::{self, Tx, invoice_admin::InvoiceTypeRow},
};

const NOT_FOUND: &str = "Tipo de factura no encontrado";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/invoice-types",
            get(list_invoice_types).post(create_invoice_type),
        )
        .route("/invoice-types/{code_name}", patch(update_invoice_type))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceTypeDetail {
    id: i64,
    code_name: String,
    name: String,
    /// `YYYY-MM-DD HH:MM:SS`, Lima time.
    created_at: String,
}

impl From<InvoiceTypeRow> for InvoiceTypeDetail {
    fn from(row: InvoiceTypeRow) -> Self {
        Self {
            id: row.invoice_type_id,
            created_at: lima_datetime(row.created_at),
            code_name: row.code_name,
            name: row.name,
        }
    }
}

impl InvoiceTypeDetail {
    fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({ "code_name": self.code_name, "name": self.name })
    }
}

/// The name shown for a type: 1 to 60 characters, trimmed, no control characters.
fn type_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let length = name.chars().count();
    if !(1..=60).contains(&length) || name.chars().any(char::is_control) {
        return Err("El campo 'name' debe tener entre 1 y 60 caracteres".into());
    }
    Ok(name.to_owned())
}

/// A code name: 1 to 40 lower-case letters, digits or `_`.
fn code_name(raw: &str) -> Result<String, String> {
    let code = raw.trim();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    if code.is_empty() || code.len() > 40 || !code.chars().all(allowed) {
        return Err(
            "El campo 'code_name' debe tener de 1 a 40 letras minúsculas, números o '_'".into(),
        );
    }
    Ok(code.to_owned())
}

/// The type with this code, locked for the rest of the change.
async fn load_for_change(
    state: &AppState,
    tx: &mut Tx,
    code: &str,
) -> Result<InvoiceTypeDetail, ApiError> {
    store::invoice_admin::type_for_change(tx, state.store.backend(), code)
        .await?
        .map(InvoiceTypeDetail::from)
        .ok_or_else(|| ApiError::missing(NOT_FOUND))
}

/// Invoice types, in the order they were added.
#[utoipa::path(get, path = "/api/backoffice/invoice-types/", tag = "backoffice",
    security(("staff_token" = [])), params(PageQuery),
    responses((status = 200, body = Paged<InvoiceTypeDetail>), (status = 400), (status = 401)))]
pub async fn list_invoice_types(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Paged<InvoiceTypeDetail>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = query.resolve()?;

    let pool = state.store.pool();
    let rows = store::invoice_admin::types_page(pool, page.limit(), page.offset()).await?;
    let total = store::invoice_admin::count_types(pool).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(InvoiceTypeDetail::from).collect(),
        total,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInvoiceType {
    /// Unique, lower-case letters, digits and `_`, like `insurance`; never changes.
    code_name: String,
    /// Shown to clients, like `Seguro`.
    name: String,
}

/// Add an invoice type; 409 when its `code_name` is taken.
#[utoipa::path(post, path = "/api/backoffice/invoice-types/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewInvoiceType,
    responses((status = 201, body = InvoiceTypeDetail), (status = 400), (status = 403),
        (status = 409)))]
pub async fn create_invoice_type(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewInvoiceType>,
) -> Result<(StatusCode, axum::Json<InvoiceTypeDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let mut failures = Vec::new();
    let code = kept(&mut failures, code_name(&body.code_name));
    let name = kept(&mut failures, type_name(&body.name));
    let (Some(code), Some(name)) = (code, name) else {
        return Err(ApiError::Messages(failures));
    };

    let mut tx = state.store.begin_write().await?;
    store::invoice_admin::insert_type(&mut *tx, &code, &name, now_unix())
        .await
        .map_err(|err| {
            if store::is_unique_violation(&err) {
                ApiError::conflict(
                    "El campo 'code_name' ya está registrado para otro tipo de factura",
                )
            } else {
                err.into()
            }
        })?;
    let created = load_for_change(&state, &mut tx, &code).await?;
    let after = created.audit_json();
    audit(
        &mut tx,
        &staff,
        "invoice_type.create",
        "invoice_type",
        created.id,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceTypeChanges {
    name: String,
}

/// Rename an invoice type; its `code_name` never changes.
#[utoipa::path(patch, path = "/api/backoffice/invoice-types/{code_name}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = InvoiceTypeChanges,
    responses((status = 200, body = InvoiceTypeDetail), (status = 400), (status = 403),
        (status = 404)))]
pub async fn update_invoice_type(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(code): Path<String>,
    JsonList(changes): JsonList<InvoiceTypeChanges>,
) -> Result<axum::Json<InvoiceTypeDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let name = type_name(&changes.name).map_err(|failure| ApiError::Messages(vec![failure]))?;

    let mut tx = state.store.begin_write().await?;
    let before = load_for_change(&state, &mut tx, &code).await?;
    store::invoice_admin::rename_type(&mut *tx, &code, &name).await?;
    let after = load_for_change(&state, &mut tx, &code).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        &staff,
        "invoice_type.update",
        "invoice_type",
        before.id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}
