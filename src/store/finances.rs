//! The finances notebook: expense categories and each client's income and expense entries.
//! Every entry query is by client and creation instant, which one index per table serves.

use sqlx::{AnyExecutor, FromRow};

use super::{Backend, Tx};
use crate::domain::money::Money;

#[derive(Debug, Clone, FromRow)]
pub struct CategoryRow {
    pub expense_category_id: i64,
    pub code_name: String,
    pub name: String,
    pub icon: String,
    pub created_at: i64,
}

#[derive(Debug, FromRow)]
pub struct IncomeRow {
    pub amount_cents: i64,
    pub created_at: i64,
}

impl IncomeRow {
    pub fn amount(&self) -> Money {
        Money::from_cents(self.amount_cents)
    }
}

#[derive(Debug, FromRow)]
pub struct ExpenseRow {
    pub amount_cents: i64,
    pub created_at: i64,
    pub category_name: String,
    pub category_icon: String,
    pub category_code_name: String,
}

impl ExpenseRow {
    pub fn amount(&self) -> Money {
        Money::from_cents(self.amount_cents)
    }
}

/// Instants from `since` (included) to `until` (excluded), as unix seconds.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub since: i64,
    pub until: i64,
}

impl Span {
    pub const ALL: Span = Span {
        since: i64::MIN,
        until: i64::MAX,
    };
}

/// Every category, in the order they were added.
pub async fn categories(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<CategoryRow>> {
    sqlx::query_as(
        "select expense_category_id, code_name, name, icon, created_at
         from expense_categories order by expense_category_id",
    )
    .fetch_all(db)
    .await
}

pub async fn count_categories(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from expense_categories")
        .fetch_one(db)
        .await
}

/// One page of categories, in the order they were added.
pub async fn categories_page(
    db: impl AnyExecutor<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<CategoryRow>> {
    sqlx::query_as(
        "select expense_category_id, code_name, name, icon, created_at
         from expense_categories order by expense_category_id limit $1 offset $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn category_by_code(
    db: impl AnyExecutor<'_>,
    code_name: &str,
) -> sqlx::Result<Option<CategoryRow>> {
    sqlx::query_as(
        "select expense_category_id, code_name, name, icon, created_at
         from expense_categories where code_name = $1",
    )
    .bind(code_name)
    .fetch_optional(db)
    .await
}

pub async fn category_by_id(
    db: impl AnyExecutor<'_>,
    expense_category_id: i64,
) -> sqlx::Result<Option<CategoryRow>> {
    sqlx::query_as(
        "select expense_category_id, code_name, name, icon, created_at
         from expense_categories where expense_category_id = $1",
    )
    .bind(expense_category_id)
    .fetch_optional(db)
    .await
}

/// The category, locked for the rest of the transaction on PostgreSQL (SQLite's
/// `begin immediate` already holds the one write lock).
pub async fn category_for_change(
    tx: &mut Tx,
    backend: Backend,
    expense_category_id: i64,
) -> sqlx::Result<Option<CategoryRow>> {
    let sql = match backend {
        Backend::Sqlite => {
            "select expense_category_id, code_name, name, icon, created_at
             from expense_categories where expense_category_id = $1"
        }
        Backend::Postgres => {
            "select expense_category_id, code_name, name, icon, created_at
             from expense_categories where expense_category_id = $1 for update"
        }
    };
    sqlx::query_as(sql)
        .bind(expense_category_id)
        .fetch_optional(&mut **tx)
        .await
}

pub struct NewCategory<'a> {
    pub code_name: &'a str,
    pub name: &'a str,
    pub icon: &'a str,
}

pub async fn insert_category(
    db: impl AnyExecutor<'_>,
    category: &NewCategory<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into expense_categories (code_name, name, icon, created_at)
         values ($1, $2, $3, $4) returning expense_category_id",
    )
    .bind(category.code_name)
    .bind(category.name)
    .bind(category.icon)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update_category(
    db: impl AnyExecutor<'_>,
    expense_category_id: i64,
    name: &str,
    icon: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update expense_categories set name = $1, icon = $2 where expense_category_id = $3",
    )
    .bind(name)
    .bind(icon)
    .bind(expense_category_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_income(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    amount: Money,
    created_at: i64,
) -> sqlx::Result<()> {
    sqlx::query("insert into incomes (client_id, amount_cents, created_at) values ($1, $2, $3)")
        .bind(client_id)
        .bind(amount.cents())
        .bind(created_at)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn insert_expense(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    expense_category_id: i64,
    amount: Money,
    created_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into expenses (client_id, expense_category_id, amount_cents, created_at)
         values ($1, $2, $3, $4)",
    )
    .bind(client_id)
    .bind(expense_category_id)
    .bind(amount.cents())
    .bind(created_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The client's incomes within `span`, newest first.
pub async fn incomes(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    span: Span,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<IncomeRow>> {
    sqlx::query_as(
        "select amount_cents, created_at from incomes
         where client_id = $1 and created_at >= $2 and created_at < $3
         order by created_at desc, income_id desc
         limit $4 offset $5",
    )
    .bind(client_id)
    .bind(span.since)
    .bind(span.until)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// The client's expenses within `span` with their category, newest first.
pub async fn expenses(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    span: Span,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ExpenseRow>> {
    sqlx::query_as(
        "select e.amount_cents, e.created_at, c.name as category_name,
                c.icon as category_icon, c.code_name as category_code_name
         from expenses e
         join expense_categories c on c.expense_category_id = e.expense_category_id
         where e.client_id = $1 and e.created_at >= $2 and e.created_at < $3
         order by e.created_at desc, e.expense_id desc
         limit $4 offset $5",
    )
    .bind(client_id)
    .bind(span.since)
    .bind(span.until)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// The exact sum of the client's incomes within `span`.
pub async fn income_total(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    span: Span,
) -> sqlx::Result<Money> {
    // PostgreSQL sums bigints as numeric; the cast brings it back to an integer.
    let cents: i64 = sqlx::query_scalar(
        "select cast(coalesce(sum(amount_cents), 0) as bigint) from incomes
         where client_id = $1 and created_at >= $2 and created_at < $3",
    )
    .bind(client_id)
    .bind(span.since)
    .bind(span.until)
    .fetch_one(db)
    .await?;
    Ok(Money::from_cents(cents))
}

/// The exact sum of the client's expenses within `span`.
pub async fn expense_total(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    span: Span,
) -> sqlx::Result<Money> {
    let cents: i64 = sqlx::query_scalar(
        "select cast(coalesce(sum(amount_cents), 0) as bigint) from expenses
         where client_id = $1 and created_at >= $2 and created_at < $3",
    )
    .bind(client_id)
    .bind(span.since)
    .bind(span.until)
    .fetch_one(db)
    .await?;
    Ok(Money::from_cents(cents))
}
