//! The expense categories drivers note their expenses in: listed to every role, added and
//! renamed by admins and ops, each change audited in its own transaction.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::get,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{PageQuery, Paged, StaffSession, audit, path_id};
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
    store::{
        self,
        finances::{CategoryRow, NewCategory},
    },
};

const NOT_FOUND: &str = "Categoría de gasto no encontrada";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/expense-categories",
            get(list_expense_categories).post(create_expense_category),
        )
        .route(
            "/expense-categories/{expense_category_id}",
            get(get_expense_category).patch(update_expense_category),
        )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenseCategoryDetail {
    id: i64,
    name: String,
    code_name: String,
    icon: String,
    /// Lima time, `YYYY-MM-DD HH:MM:SS`.
    created_at: String,
}

impl From<CategoryRow> for ExpenseCategoryDetail {
    fn from(row: CategoryRow) -> Self {
        Self {
            id: row.expense_category_id,
            created_at: lima_datetime(row.created_at),
            name: row.name,
            code_name: row.code_name,
            icon: row.icon,
        }
    }
}

impl ExpenseCategoryDetail {
    fn audit_json(&self) -> serde_json::Value {
        json!({ "name": self.name, "code_name": self.code_name, "icon": self.icon })
    }
}

/// A display name: 1 to 60 characters, trimmed.
fn category_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err("El campo 'name' debe tener entre 1 y 60 caracteres".into());
    }
    Ok(name.to_owned())
}

/// A code the app and the API refer to: 1 to 40 lower-case letters, digits, `_` or `-`.
fn code(raw: &str, field: &str) -> Result<String, String> {
    let code = raw.trim();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if code.is_empty() || code.len() > 40 || !code.chars().all(allowed) {
        return Err(format!(
            "El campo '{field}' debe tener entre 1 y 40 letras minúsculas, dígitos, '_' o '-'"
        ));
    }
    Ok(code.to_owned())
}

/// Every failure, or all the values.
fn checked<const N: usize>(results: [Result<String, String>; N]) -> Result<[String; N], ApiError> {
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    if !failures.is_empty() {
        return Err(ApiError::Messages(failures));
    }
    Ok(results.map(|r| r.unwrap_or_default()))
}

/// Expense categories, in the order they were added.
#[utoipa::path(get, path = "/api/backoffice/expense-categories/", tag = "backoffice",
    security(("staff_token" = [])), params(PageQuery),
    responses((status = 200, body = Paged<ExpenseCategoryDetail>), (status = 401)))]
pub async fn list_expense_categories(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Paged<ExpenseCategoryDetail>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = query.resolve()?;

    let pool = state.store.pool();
    let rows = store::finances::categories_page(pool, page.limit(), page.offset()).await?;
    let total = store::finances::count_categories(pool).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(ExpenseCategoryDetail::from).collect(),
        total,
    )))
}

/// One expense category.
#[utoipa::path(get, path = "/api/backoffice/expense-categories/{expense_category_id}/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = ExpenseCategoryDetail), (status = 404)))]
pub async fn get_expense_category(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<ExpenseCategoryDetail>, ApiError> {
    staff.require(Permission::Read)?;
    let id = path_id(&raw_id, NOT_FOUND)?;

    let row = store::finances::category_by_id(state.store.pool(), id)
        .await?
        .ok_or_else(|| ApiError::missing(NOT_FOUND))?;
    Ok(axum::Json(row.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewExpenseCategory {
    /// Shown to drivers, like `Combustible`.
    name: String,
    /// Unique; what the app sends as an expense's `category`.
    code_name: String,
    /// A short icon name the app knows, like `fuel`.
    icon: String,
}

/// Add an expense category; 409 when its `code_name` is taken.
#[utoipa::path(post, path = "/api/backoffice/expense-categories/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewExpenseCategory,
    responses((status = 201, body = ExpenseCategoryDetail), (status = 400), (status = 403),
        (status = 409)))]
pub async fn create_expense_category(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewExpenseCategory>,
) -> Result<(StatusCode, axum::Json<ExpenseCategoryDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let [name, code_name, icon] = checked([
        category_name(&body.name),
        code(&body.code_name, "code_name"),
        code(&body.icon, "icon"),
    ])?;

    let mut tx = state.store.begin_write().await?;
    let new = NewCategory {
        code_name: &code_name,
        name: &name,
        icon: &icon,
    };
    let id = store::finances::insert_category(&mut *tx, &new, now_unix())
        .await
        .map_err(|err| {
            if store::is_unique_violation(&err) {
                ApiError::conflict("El campo 'code_name' ya está registrado para otra categoría")
            } else {
                err.into()
            }
        })?;
    let created = store::finances::category_for_change(&mut tx, state.store.backend(), id)
        .await?
        .map(ExpenseCategoryDetail::from)
        .ok_or_else(|| anyhow::anyhow!("expense category {id} vanished"))?;
    let after = created.audit_json();
    audit(
        &mut tx,
        &staff,
        "expense_category.create",
        "expense_category",
        id,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExpenseCategoryChanges {
    name: Option<String>,
    icon: Option<String>,
}

/// Rename an expense category or change its icon; its `code_name` never changes.
#[utoipa::path(patch, path = "/api/backoffice/expense-categories/{expense_category_id}/",
    tag = "backoffice", security(("staff_token" = [])), request_body = ExpenseCategoryChanges,
    responses((status = 200, body = ExpenseCategoryDetail), (status = 400), (status = 403),
        (status = 404)))]
pub async fn update_expense_category(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(changes): JsonList<ExpenseCategoryChanges>,
) -> Result<axum::Json<ExpenseCategoryDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, NOT_FOUND)?;

    let mut tx = state.store.begin_write().await?;
    let backend = state.store.backend();
    let before = store::finances::category_for_change(&mut tx, backend, id)
        .await?
        .map(ExpenseCategoryDetail::from)
        .ok_or_else(|| ApiError::missing(NOT_FOUND))?;
    let [name, icon] = checked([
        category_name(changes.name.as_deref().unwrap_or(&before.name)),
        code(changes.icon.as_deref().unwrap_or(&before.icon), "icon"),
    ])?;
    store::finances::update_category(&mut *tx, id, &name, &icon).await?;
    let after = store::finances::category_for_change(&mut tx, backend, id)
        .await?
        .map(ExpenseCategoryDetail::from)
        .ok_or_else(|| anyhow::anyhow!("expense category {id} vanished"))?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        &staff,
        "expense_category.update",
        "expense_category",
        id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}
