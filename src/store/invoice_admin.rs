//! What the back office needs beyond `invoices`: the filtered list of invoices and its
//! count, the discounts and fractions of a page of invoices in one query each, status
//! changes, fractions, and the invoice types.
//!
//! The list is built from the filters actually given, so each shape of it can use its
//! index (`invoices_contract_status_idx` for a contract, `contracts_client_idx` for a
//! client, `invoices_status_due_idx` for a status) instead of `($n is null or ...)`, which
//! no planner turns into an index lookup.

use chrono::NaiveDate;
use sqlx::{AnyExecutor, Arguments, FromRow, any::AnyArguments};

use super::{
    Backend, Tx,
    invoices::{DiscountRow, FractionRow, InvoiceRow, ORDER, SELECT},
};
use crate::domain::{
    invoice::{FractionPlan, InvoiceStatus},
    time::day_text,
};

/// Which invoices to list; every part optional. Days are `YYYY-MM-DD`, both included.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    pub contract_id: Option<i64>,
    pub client_id: Option<i64>,
    pub status: Option<InvoiceStatus>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub type_code: Option<&'a str>,
}

/// A value bound to one placeholder of a built query.
enum Value {
    Int(i64),
    Text(String),
}

impl Filter<'_> {
    /// The `where` clause for the given filters and the values of its placeholders, which
    /// are numbered from `$1`.
    fn clause(&self) -> (String, Vec<Value>) {
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        let mut push = |condition: &str, value: Value| {
            values.push(value);
            conditions.push(condition.replace('?', &format!("${}", values.len())));
        };
        if let Some(id) = self.contract_id {
            push("i.contract_id = ?", Value::Int(id));
        }
        if let Some(id) = self.client_id {
            push("k.client_id = ?", Value::Int(id));
        }
        if let Some(status) = self.status {
            push("i.status = ?", Value::Text(status.as_str().into()));
        }
        if let Some(day) = self.due_from {
            push("i.due_date >= ?", Value::Text(day_text(day)));
        }
        if let Some(day) = self.due_to {
            push("i.due_date <= ?", Value::Text(day_text(day)));
        }
        if let Some(code) = self.type_code {
            push("i.type_code = ?", Value::Text(code.into()));
        }
        if conditions.is_empty() {
            (String::new(), values)
        } else {
            (format!("where {}", conditions.join(" and ")), values)
        }
    }
}

/// The arguments of a built query, in placeholder order.
fn arguments(values: Vec<Value>) -> sqlx::Result<AnyArguments> {
    let mut arguments = AnyArguments::default();
    for value in values {
        match value {
            Value::Int(v) => arguments.add(v),
            Value::Text(v) => arguments.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(arguments)
}

/// One page of the invoices that match, by due date then priority.
///
/// Known shortcoming: with no contract, client or status filter (none at all, or only a
/// due-date range or a type) the page is cut from every invoice sorted by due date, as no
/// index covers `(due_date, priority)`. Tolerable for a staff screen at today's volume;
/// an index on `invoices (due_date, priority, invoice_id)` would make it a range scan.
pub async fn list(
    db: impl AnyExecutor<'_>,
    filter: &Filter<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<InvoiceRow>> {
    let (clause, mut values) = filter.clause();
    let n = values.len();
    let sql = format!(
        "{SELECT} {clause} {ORDER} limit ${} offset ${}",
        n + 1,
        n + 2
    );
    values.extend([Value::Int(limit), Value::Int(offset)]);
    sqlx::query_as_with(sqlx::AssertSqlSafe(sql), arguments(values)?)
        .fetch_all(db)
        .await
}

pub async fn count(db: impl AnyExecutor<'_>, filter: &Filter<'_>) -> sqlx::Result<i64> {
    let (clause, values) = filter.clause();
    let sql = format!(
        "select count(*) from invoices i join contracts k on k.contract_id = i.contract_id {clause}"
    );
    sqlx::query_scalar_with(sqlx::AssertSqlSafe(sql), arguments(values)?)
        .fetch_one(db)
        .await
}

/// `$1, $2, ..., $n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The discounts of these invoices, oldest first; one query for a whole page.
pub async fn discounts_of_many(
    db: impl AnyExecutor<'_>,
    invoice_ids: &[i64],
) -> sqlx::Result<Vec<DiscountRow>> {
    if invoice_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select invoice_discount_id, invoice_id, kind, amount_cents, observations, staff_id,
                created_at
         from invoice_discounts where invoice_id in ({})
         order by invoice_discount_id",
        placeholders(invoice_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in invoice_ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// The fractions of these invoices, each invoice's in the order they fall due; one query
/// for a whole page.
pub async fn fractions_of_many(
    db: impl AnyExecutor<'_>,
    invoice_ids: &[i64],
) -> sqlx::Result<Vec<FractionRow>> {
    if invoice_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select invoice_fraction_id, hash, invoice_id, position, amount_cents, due_date,
                paid_date, created_at
         from invoice_fractions where invoice_id in ({})
         order by invoice_id, position",
        placeholders(invoice_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in invoice_ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// Moves an invoice from status `from` to `to`; answers whether it was still in `from`.
/// Callers hold the contract's lock, so `false` means a writer that skipped it.
pub async fn set_status(
    tx: &mut Tx,
    invoice_id: i64,
    from: InvoiceStatus,
    to: InvoiceStatus,
) -> sqlx::Result<bool> {
    let done = sqlx::query("update invoices set status = $1 where invoice_id = $2 and status = $3")
        .bind(to.as_str())
        .bind(invoice_id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_observations(tx: &mut Tx, invoice_id: i64, text: &str) -> sqlx::Result<()> {
    sqlx::query("update invoices set observations = $1 where invoice_id = $2")
        .bind(text)
        .bind(invoice_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores the fractions of an invoice, numbered from 1 in the order given (the order they
/// fall due), each with a new random hash.
pub async fn insert_fractions(
    tx: &mut Tx,
    invoice_id: i64,
    fractions: &[FractionPlan],
    now: i64,
) -> sqlx::Result<()> {
    if fractions.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "insert into invoice_fractions (invoice_id, created_at, hash, position, amount_cents,
             due_date) values ",
    );
    for i in 0..fractions.len() {
        let p = 3 + i * 4;
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "($1, $2, ${p}, ${}, ${}, ${})",
            p + 1,
            p + 2,
            p + 3
        ));
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(invoice_id)
        .bind(now);
    for (position, fraction) in (1i64..).zip(fractions) {
        query = query
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(position)
            .bind(fraction.amount.cents())
            .bind(day_text(fraction.due_date));
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct InvoiceTypeRow {
    pub invoice_type_id: i64,
    pub code_name: String,
    pub name: String,
    pub created_at: i64,
}

const TYPE_COLUMNS: &str = "select invoice_type_id, code_name, name, created_at from invoice_types";

/// Invoice types in the order they were added.
pub async fn types_page(
    db: impl AnyExecutor<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<InvoiceTypeRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TYPE_COLUMNS} order by invoice_type_id limit $1 offset $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_types(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from invoice_types")
        .fetch_one(db)
        .await
}

pub async fn type_by_code(
    db: impl AnyExecutor<'_>,
    code_name: &str,
) -> sqlx::Result<Option<InvoiceTypeRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TYPE_COLUMNS} where code_name = $1"
    )))
    .bind(code_name)
    .fetch_optional(db)
    .await
}

/// The type with this code, locked for the rest of the transaction on PostgreSQL
/// (SQLite's `begin immediate` already holds the write lock).
pub async fn type_for_change(
    tx: &mut Tx,
    backend: Backend,
    code_name: &str,
) -> sqlx::Result<Option<InvoiceTypeRow>> {
    let suffix = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " for update",
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TYPE_COLUMNS} where code_name = $1{suffix}"
    )))
    .bind(code_name)
    .fetch_optional(&mut **tx)
    .await
}

/// Adds a type; a taken code name is a unique violation for the caller to report.
pub async fn insert_type(
    db: impl AnyExecutor<'_>,
    code_name: &str,
    name: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("insert into invoice_types (code_name, name, created_at) values ($1, $2, $3)")
        .bind(code_name)
        .bind(name)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn rename_type(
    db: impl AnyExecutor<'_>,
    code_name: &str,
    name: &str,
) -> sqlx::Result<()> {
    sqlx::query("update invoice_types set name = $1 where code_name = $2")
        .bind(name)
        .bind(code_name)
        .execute(db)
        .await?;
    Ok(())
}
