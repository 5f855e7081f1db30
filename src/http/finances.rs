//! The driver's finances notebook under `/api/v2/finances/`: incomes, expenses by
//! category, and summaries over a month or a range of Lima days. Money leaves as strings
//! with two decimals (`"10.00"`). Also the public list of expense categories, under
//! `/commons/` in v1 and v2.

pub mod entries;
pub mod summary;
mod views;

use axum::{Router, extract::State, routing::get};

use super::{AppState, error::ApiError};
use crate::store;

pub use entries::{NewExpense, NewIncome};
pub use views::{
    Balance, CategoryView, ExpenseDetails, ExpenseSummary, ExpenseView, IncomeDetails,
    IncomeSummary, IncomeView, PublicCategories, PublicCategory, Saved, Summary, SummaryDetails,
};

/// The v2 routes: the notebook and the public categories.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/finances/income",
            get(entries::list_incomes).post(entries::create_income),
        )
        .route("/finances/income/summary", get(summary::income_summary))
        .route(
            "/finances/expense",
            get(entries::list_expenses).post(entries::create_expense),
        )
        .route(
            "/finances/expense/categories",
            get(entries::list_expense_categories),
        )
        .route("/finances/expense/summary", get(summary::expense_summary))
        .route("/finances/summary", get(summary::finance_summary))
        .route("/finances/summary/balance", get(summary::balance))
        .merge(commons_router())
}

/// The public expense categories, for `/api/v1` and `/api/v2`.
pub fn commons_router() -> Router<AppState> {
    Router::new().route("/commons/expense_categories", get(list_public_categories))
}

/// Expense categories a driver can choose from.
#[utoipa::path(get, path = "/api/v2/commons/expense_categories/", tag = "commons",
    responses((status = 200, body = PublicCategories)))]
pub async fn list_public_categories(
    State(state): State<AppState>,
) -> Result<axum::Json<PublicCategories>, ApiError> {
    let rows = store::finances::categories(state.store.pool()).await?;
    Ok(axum::Json(PublicCategories {
        categories: rows.into_iter().map(PublicCategory::from).collect(),
    }))
}
