//! Summaries over a period of Lima days: a month by English name and year, a range of
//! dates, or the current month.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use super::views::{
    Balance, ExpenseDetails, ExpenseSummary, ExpenseView, IncomeDetails, IncomeSummary, IncomeView,
    PeriodView, Summary, SummaryDetails,
};
use crate::{
    domain::{
        finances::{Period, PeriodParams},
        time::lima_today,
    },
    http::{
        AppState,
        error::ApiError,
        extract::{ClientSession, Query},
    },
    store::{self, finances::Span},
};

/// Entries listed in a summary's details: the newest of the period.
const DETAIL_LIMIT: i64 = 100;

/// The period of a summary: `month` (and `year`, by default the current one), or
/// `start_date` and `end_date`; with none, the current Lima month.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// English month name in any case, like `March`.
    month: Option<String>,
    /// Four digits, like `2026`; needs `month`.
    year: Option<String>,
    /// `YYYY-MM-DD`, with `end_date`.
    start_date: Option<String>,
    /// `YYYY-MM-DD`, included, with `start_date`.
    end_date: Option<String>,
}

impl PeriodQuery {
    fn resolve(self) -> Result<(Period, Span), ApiError> {
        let params = PeriodParams {
            month: self.month,
            year: self.year,
            start_date: self.start_date,
            end_date: self.end_date,
        };
        let period = Period::resolve(&params, lima_today()).map_err(ApiError::message)?;
        let (since, until) = period.unix_bounds();
        Ok((period, Span { since, until }))
    }
}

/// Incomes, expenses and balance of the period, with the newest entries of each.
#[utoipa::path(get, path = "/api/v2/finances/summary/", tag = "finances",
    security(("token" = [])), params(PeriodQuery),
    responses(
        (status = 200, body = Summary),
        (status = 400, description = "Bad token, or a bad month, year or date (named)"),
    ))]
pub async fn finance_summary(
    State(state): State<AppState>,
    session: ClientSession,
    Query(query): Query<PeriodQuery>,
) -> Result<axum::Json<Summary>, ApiError> {
    let (period, span) = query.resolve()?;

    let pool = state.store.pool();
    let client_id = session.client_id;
    let income = store::finances::income_total(pool, client_id, span).await?;
    let expense = store::finances::expense_total(pool, client_id, span).await?;
    let incomes = store::finances::incomes(pool, client_id, span, DETAIL_LIMIT, 0).await?;
    let expenses = store::finances::expenses(pool, client_id, span, DETAIL_LIMIT, 0).await?;
    Ok(axum::Json(Summary {
        period: PeriodView::from(&period),
        totals: Balance::new(income, expense),
        details: SummaryDetails {
            incomes: incomes.into_iter().map(IncomeView::from).collect(),
            expenses: expenses.into_iter().map(ExpenseView::from).collect(),
        },
    }))
}

/// Incomes of the period: their total and the newest entries.
#[utoipa::path(get, path = "/api/v2/finances/income/summary/", tag = "finances",
    security(("token" = [])), params(PeriodQuery),
    responses(
        (status = 200, body = IncomeSummary),
        (status = 400, description = "Bad token, or a bad month, year or date (named)"),
    ))]
pub async fn income_summary(
    State(state): State<AppState>,
    session: ClientSession,
    Query(query): Query<PeriodQuery>,
) -> Result<axum::Json<IncomeSummary>, ApiError> {
    let (period, span) = query.resolve()?;

    let pool = state.store.pool();
    let total = store::finances::income_total(pool, session.client_id, span).await?;
    let rows = store::finances::incomes(pool, session.client_id, span, DETAIL_LIMIT, 0).await?;
    Ok(axum::Json(IncomeSummary {
        period: PeriodView::from(&period),
        total_income: total.two_decimals(),
        details: IncomeDetails {
            incomes: rows.into_iter().map(IncomeView::from).collect(),
        },
    }))
}

/// Expenses of the period: their total and the newest entries.
#[utoipa::path(get, path = "/api/v2/finances/expense/summary/", tag = "finances",
    security(("token" = [])), params(PeriodQuery),
    responses(
        (status = 200, body = ExpenseSummary),
        (status = 400, description = "Bad token, or a bad month, year or date (named)"),
    ))]
pub async fn expense_summary(
    State(state): State<AppState>,
    session: ClientSession,
    Query(query): Query<PeriodQuery>,
) -> Result<axum::Json<ExpenseSummary>, ApiError> {
    let (period, span) = query.resolve()?;

    let pool = state.store.pool();
    let total = store::finances::expense_total(pool, session.client_id, span).await?;
    let rows = store::finances::expenses(pool, session.client_id, span, DETAIL_LIMIT, 0).await?;
    Ok(axum::Json(ExpenseSummary {
        period: PeriodView::from(&period),
        total_expense: total.two_decimals(),
        details: ExpenseDetails {
            expenses: rows.into_iter().map(ExpenseView::from).collect(),
        },
    }))
}

/// Totals of the period only: income, expense and their difference.
#[utoipa::path(get, path = "/api/v2/finances/summary/balance/", tag = "finances",
    security(("token" = [])), params(PeriodQuery),
    responses(
        (status = 200, body = Balance),
        (status = 400, description = "Bad token, or a bad month, year or date (named)"),
    ))]
pub async fn balance(
    State(state): State<AppState>,
    session: ClientSession,
    Query(query): Query<PeriodQuery>,
) -> Result<axum::Json<Balance>, ApiError> {
    let (_, span) = query.resolve()?;

    let pool = state.store.pool();
    let income = store::finances::income_total(pool, session.client_id, span).await?;
    let expense = store::finances::expense_total(pool, session.client_id, span).await?;
    Ok(axum::Json(Balance::new(income, expense)))
}
