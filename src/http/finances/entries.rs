//! Writing and listing the client's own incomes and expenses.

use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::views::{CategoryView, ExpenseView, IncomeView, Saved};
use crate::{
    domain::{finances, money::Money, time::now_unix},
    http::{
        AppState,
        error::ApiError,
        extract::{ClientSession, Json, Query},
    },
    store::{self, finances::Span},
};

/// Entries on one page of a list.
const PAGE_SIZE: i64 = 20;

/// `?page=N`, from 1.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParam {
    /// Page number, from 1 (20 entries a page, newest first).
    page: Option<u32>,
}

impl PageParam {
    /// `(limit, offset)` of the page.
    fn resolve(&self) -> Result<(i64, i64), ApiError> {
        let page = self.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::message("El parámetro 'page' debe ser 1 o mayor"));
        }
        Ok((PAGE_SIZE, i64::from(page - 1) * PAGE_SIZE))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewIncome {
    /// Soles, positive, at most two decimals and 1000000.00: a JSON number or a numeric
    /// string.
    #[serde(default)]
    #[schema(value_type = String, example = "150.50")]
    amount: Value,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewExpense {
    /// Soles, positive, at most two decimals and 1000000.00: a JSON number or a numeric
    /// string.
    #[serde(default)]
    #[schema(value_type = String, example = "45.90")]
    amount: Value,
    /// The `code_name` of an expense category.
    category: String,
}

/// The amount of a new entry, from a JSON number (its exact text) or a numeric string.
fn parse_amount(value: &Value) -> Result<Money, ApiError> {
    let text = match value {
        Value::Null => return Err(ApiError::message("El campo 'amount' es obligatorio")),
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.clone(),
        _ => return Err(ApiError::message("El campo 'amount' debe ser un número")),
    };
    finances::amount(&text, "amount").map_err(ApiError::message)
}

/// The client's incomes, newest first, 20 a page.
#[utoipa::path(get, path = "/api/v2/finances/income/", tag = "finances",
    security(("token" = [])), params(PageParam),
    responses(
        (status = 200, body = Vec<IncomeView>),
        (status = 400, description = "Bad token or page"),
    ))]
pub async fn list_incomes(
    State(state): State<AppState>,
    session: ClientSession,
    Query(page): Query<PageParam>,
) -> Result<axum::Json<Vec<IncomeView>>, ApiError> {
    let (limit, offset) = page.resolve()?;

    let rows = store::finances::incomes(
        state.store.pool(),
        session.client_id,
        Span::ALL,
        limit,
        offset,
    )
    .await?;
    Ok(axum::Json(rows.into_iter().map(IncomeView::from).collect()))
}

/// Note an income, dated now.
#[utoipa::path(post, path = "/api/v2/finances/income/", tag = "finances",
    security(("token" = [])), request_body = NewIncome,
    responses(
        (status = 200, body = Saved),
        (status = 400, description = "Bad token, or an amount not positive, with more than two \
            decimals or over 1000000.00"),
    ))]
pub async fn create_income(
    State(state): State<AppState>,
    session: ClientSession,
    Json(body): Json<NewIncome>,
) -> Result<axum::Json<Saved>, ApiError> {
    let amount = parse_amount(&body.amount)?;

    store::finances::insert_income(state.store.pool(), session.client_id, amount, now_unix())
        .await?;
    Ok(axum::Json(Saved::YES))
}

/// The client's expenses with their category, newest first, 20 a page.
#[utoipa::path(get, path = "/api/v2/finances/expense/", tag = "finances",
    security(("token" = [])), params(PageParam),
    responses(
        (status = 200, body = Vec<ExpenseView>),
        (status = 400, description = "Bad token or page"),
    ))]
pub async fn list_expenses(
    State(state): State<AppState>,
    session: ClientSession,
    Query(page): Query<PageParam>,
) -> Result<axum::Json<Vec<ExpenseView>>, ApiError> {
    let (limit, offset) = page.resolve()?;

    let rows = store::finances::expenses(
        state.store.pool(),
        session.client_id,
        Span::ALL,
        limit,
        offset,
    )
    .await?;
    Ok(axum::Json(
        rows.into_iter().map(ExpenseView::from).collect(),
    ))
}

/// Note an expense in a category, dated now.
#[utoipa::path(post, path = "/api/v2/finances/expense/", tag = "finances",
    security(("token" = [])), request_body = NewExpense,
    responses(
        (status = 200, body = Saved),
        (status = 400, description = "Bad token, a bad amount, or an unknown category"),
    ))]
pub async fn create_expense(
    State(state): State<AppState>,
    session: ClientSession,
    Json(body): Json<NewExpense>,
) -> Result<axum::Json<Saved>, ApiError> {
    let amount = parse_amount(&body.amount)?;
    let pool = state.store.pool();
    let category = store::finances::category_by_code(pool, body.category.trim())
        .await?
        .ok_or_else(|| {
            ApiError::message("El campo 'category' no es una categoría de gasto válida")
        })?;

    store::finances::insert_expense(
        pool,
        session.client_id,
        category.expense_category_id,
        amount,
        now_unix(),
    )
    .await?;
    Ok(axum::Json(Saved::YES))
}

/// The categories an expense can be noted in.
#[utoipa::path(get, path = "/api/v2/finances/expense/categories/", tag = "finances",
    security(("token" = [])),
    responses((status = 200, body = Vec<CategoryView>), (status = 400, description = "Bad token")))]
pub async fn list_expense_categories(
    State(state): State<AppState>,
    _session: ClientSession,
) -> Result<axum::Json<Vec<CategoryView>>, ApiError> {
    let rows = store::finances::categories(state.store.pool()).await?;
    Ok(axum::Json(
        rows.into_iter().map(CategoryView::from).collect(),
    ))
}
