//! Invoices, their discounts and fractions: reads for the client app and the back office,
//! the creation of a contract's schedule, and the upkeep of `total_with_discount`.
//!
//! Every change to a contract's invoices first locks the contract row (`lock_contract_of`
//! or `Store::lock(.., Locked::Contract, ..)`), so the billing run and staff changes to
//! one contract take turns.

use chrono::NaiveDate;
use sqlx::{AnyExecutor, FromRow};

use super::{Backend, Store, Tx};
use crate::domain::{
    invoice::{self, InvoiceStatus},
    money::Money,
    time::{day_text, lima_day},
};

/// An invoice with its type's name and its contract's hash.
#[derive(Debug, Clone, FromRow)]
pub struct InvoiceRow {
    pub invoice_id: i64,
    pub hash: String,
    pub contract_id: i64,
    pub contract_hash: String,
    pub client_id: i64,
    pub type_code: String,
    pub type_name: String,
    pub week: Option<i64>,
    pub priority: i64,
    pub status: String,
    pub due_date: String,
    pub paid_date: Option<String>,
    pub total_cents: i64,
    pub total_with_discount_cents: i64,
    pub observations: String,
    pub penalized_invoice_id: Option<i64>,
    pub created_at: i64,
}

impl InvoiceRow {
    pub fn total(&self) -> Money {
        Money::from_cents(self.total_cents)
    }

    pub fn total_with_discount(&self) -> Money {
        Money::from_cents(self.total_with_discount_cents)
    }

    pub fn status(&self) -> anyhow::Result<InvoiceStatus> {
        InvoiceStatus::parse(&self.status).ok_or_else(|| {
            anyhow::anyhow!(
                "invoice {} has unknown status {}",
                self.invoice_id,
                self.status
            )
        })
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct DiscountRow {
    pub invoice_discount_id: i64,
    pub invoice_id: i64,
    pub kind: String,
    pub amount_cents: i64,
    pub observations: String,
    pub staff_id: Option<i64>,
    pub created_at: i64,
}

impl DiscountRow {
    pub fn amount(&self) -> Money {
        Money::from_cents(self.amount_cents)
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct FractionRow {
    pub invoice_fraction_id: i64,
    pub hash: String,
    pub invoice_id: i64,
    pub position: i64,
    pub amount_cents: i64,
    pub due_date: String,
    pub paid_date: Option<String>,
    pub created_at: i64,
}

impl FractionRow {
    pub fn amount(&self) -> Money {
        Money::from_cents(self.amount_cents)
    }
}

/// The select every invoice read starts from; `i` is the invoice, `k` its contract.
pub const SELECT: &str = "select i.invoice_id, i.hash, i.contract_id, k.hash as contract_hash,
            k.client_id, i.type_code, t.name as type_name, i.week, i.priority, i.status,
            i.due_date, i.paid_date, i.total_cents, i.total_with_discount_cents,
            i.observations, i.penalized_invoice_id, i.created_at
     from invoices i
     join contracts k on k.contract_id = i.contract_id
     join invoice_types t on t.code_name = i.type_code";

/// The order of every list: by due date, then priority.
pub const ORDER: &str = "order by i.due_date, i.priority, i.invoice_id";

/// The contract with this hash, if it is this client's.
pub async fn contract_of_client(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    contract_hash: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("select contract_id from contracts where hash = $1 and client_id = $2")
        .bind(contract_hash)
        .bind(client_id)
        .fetch_optional(db)
        .await
}

/// A contract's invoices in one status, in list order.
pub async fn for_contract(
    db: impl AnyExecutor<'_>,
    contract_id: i64,
    status: InvoiceStatus,
) -> sqlx::Result<Vec<InvoiceRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where i.contract_id = $1 and i.status = $2 {ORDER}"
    )))
    .bind(contract_id)
    .bind(status.as_str())
    .fetch_all(db)
    .await
}

/// The discounts of a contract's invoices in one status, oldest first.
pub async fn discounts_for_contract(
    db: impl AnyExecutor<'_>,
    contract_id: i64,
    status: InvoiceStatus,
) -> sqlx::Result<Vec<DiscountRow>> {
    sqlx::query_as(
        "select d.invoice_discount_id, d.invoice_id, d.kind, d.amount_cents, d.observations,
                d.staff_id, d.created_at
         from invoice_discounts d
         where d.invoice_id in (select i.invoice_id from invoices i
                                where i.contract_id = $1 and i.status = $2)
         order by d.invoice_discount_id",
    )
    .bind(contract_id)
    .bind(status.as_str())
    .fetch_all(db)
    .await
}

pub async fn get(db: impl AnyExecutor<'_>, invoice_id: i64) -> sqlx::Result<Option<InvoiceRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where i.invoice_id = $1"
    )))
    .bind(invoice_id)
    .fetch_optional(db)
    .await
}

/// One invoice's discounts, oldest first.
pub async fn discounts_of(
    db: impl AnyExecutor<'_>,
    invoice_id: i64,
) -> sqlx::Result<Vec<DiscountRow>> {
    sqlx::query_as(
        "select invoice_discount_id, invoice_id, kind, amount_cents, observations, staff_id,
                created_at
         from invoice_discounts where invoice_id = $1 order by invoice_discount_id",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await
}

/// One invoice's fractions, in the order they fall due.
pub async fn fractions_of(
    db: impl AnyExecutor<'_>,
    invoice_id: i64,
) -> sqlx::Result<Vec<FractionRow>> {
    sqlx::query_as(
        "select invoice_fraction_id, hash, invoice_id, position, amount_cents, due_date,
                paid_date, created_at
         from invoice_fractions where invoice_id = $1 order by position",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await
}

impl Store {
    /// Locks the contract of an invoice for the rest of the transaction and answers the
    /// contract's id, or `None` when there is no such invoice.
    pub async fn lock_contract_of(
        &self,
        tx: &mut Tx,
        invoice_id: i64,
    ) -> sqlx::Result<Option<i64>> {
        let sql = match self.backend {
            // `begin immediate` already holds SQLite's one write lock.
            Backend::Sqlite => "select contract_id from invoices where invoice_id = $1",
            Backend::Postgres => {
                "select k.contract_id from contracts k
                 join invoices i on i.contract_id = k.contract_id
                 where i.invoice_id = $1 for update of k"
            }
        };
        sqlx::query_scalar(sql)
            .bind(invoice_id)
            .fetch_optional(&mut **tx)
            .await
    }
}

/// Rows per multi-row insert: few round trips, well under both databases' limit on bound
/// parameters.
const BATCH_ROWS: usize = 200;

/// Creates the weekly fees of a contract starting on `start`, skipping weeks that already
/// exist, and answers how many were created. Week `n` has priority `n`; invoices added
/// later are numbered after the last week.
pub async fn create_schedule(
    tx: &mut Tx,
    contract_id: i64,
    start: NaiveDate,
    weeks: i64,
    weekly_amount: Money,
    now: i64,
) -> sqlx::Result<u64> {
    let rows: Vec<_> = invoice::schedule(start, weeks).collect();
    let mut created = 0;
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut sql = String::from(
            "insert into invoices (hash, contract_id, type_code, week, priority, status,
                 due_date, total_cents, total_with_discount_cents, created_at) values ",
        );
        for i in 0..chunk.len() {
            let p = i * 4;
            if i > 0 {
                sql.push(',');
            }
            // Contract, amount and instant are shared by every row: $1, $2, $3.
            sql.push_str(&format!(
                "(${}, $1, 'weekly_fee', ${}, ${}, 'pending', ${}, $2, $2, $3)",
                p + 4,
                p + 5,
                p + 6,
                p + 7
            ));
        }
        sql.push_str(" on conflict (contract_id, week) do nothing");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(contract_id)
            .bind(weekly_amount.cents())
            .bind(now);
        for week in chunk {
            query = query
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(week.week)
                .bind(week.week)
                .bind(day_text(week.due_date));
        }
        created += query.execute(&mut **tx).await?.rows_affected();
    }
    Ok(created)
}

/// The priority of the next invoice added to a contract by hand or by the billing run:
/// after every week of the schedule and after every invoice already there.
pub async fn next_priority(tx: &mut Tx, contract_id: i64) -> sqlx::Result<i64> {
    let (weeks, highest): (i64, Option<i64>) = sqlx::query_as(
        "select k.weeks, (select max(priority) from invoices where contract_id = k.contract_id)
         from contracts k where k.contract_id = $1",
    )
    .bind(contract_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(weeks.max(highest.unwrap_or(0)) + 1)
}

/// An invoice other than a scheduled weekly fee.
pub struct NewInvoice<'a> {
    pub contract_id: i64,
    pub type_code: &'a str,
    pub priority: i64,
    pub due_date: NaiveDate,
    pub total: Money,
    pub observations: &'a str,
    pub penalized_invoice_id: Option<i64>,
}

/// Inserts a pending invoice and answers its id.
pub async fn insert(tx: &mut Tx, invoice: &NewInvoice<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into invoices (hash, contract_id, type_code, priority, status, due_date,
             total_cents, total_with_discount_cents, observations, penalized_invoice_id,
             created_at)
         values ($1, $2, $3, $4, 'pending', $5, $6, $6, $7, $8, $9) returning invoice_id",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(invoice.contract_id)
    .bind(invoice.type_code)
    .bind(invoice.priority)
    .bind(day_text(invoice.due_date))
    .bind(invoice.total.cents())
    .bind(invoice.observations)
    .bind(invoice.penalized_invoice_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// A discount to add to an invoice.
pub struct NewDiscount<'a> {
    pub invoice_id: i64,
    pub kind: &'a str,
    pub amount: Money,
    pub observations: &'a str,
    pub staff_id: Option<i64>,
}

/// Adds a discount and brings the invoice's `total_with_discount` in step.
pub async fn add_discount(tx: &mut Tx, discount: &NewDiscount<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "insert into invoice_discounts (invoice_id, kind, amount_cents, observations, staff_id,
             created_at)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(discount.invoice_id)
    .bind(discount.kind)
    .bind(discount.amount.cents())
    .bind(discount.observations)
    .bind(discount.staff_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // Discounts that leave nothing owed settle the invoice: no payment of zero will ever
    // come for it, and left unpaid it would earn a penalty and keep its contract from
    // finishing.
    let (status, owed) = refresh_total_with_discount(tx, discount.invoice_id).await?;
    if status.is_some_and(|status| invoice::settled_by_discounts(status, owed)) {
        sqlx::query("update invoices set status = 'paid', paid_date = $1 where invoice_id = $2")
            .bind(day_text(lima_day(now)))
            .bind(discount.invoice_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Sets `total_with_discount` from the invoice's total and discounts, by the domain's rule;
/// answers the invoice's status and what it now owes.
pub async fn refresh_total_with_discount(
    tx: &mut Tx,
    invoice_id: i64,
) -> sqlx::Result<(Option<InvoiceStatus>, Money)> {
    let (status, total): (String, i64) =
        sqlx::query_as("select status, total_cents from invoices where invoice_id = $1")
            .bind(invoice_id)
            .fetch_one(&mut **tx)
            .await?;
    let discounts: Vec<i64> =
        sqlx::query_scalar("select amount_cents from invoice_discounts where invoice_id = $1")
            .bind(invoice_id)
            .fetch_all(&mut **tx)
            .await?;
    let left = invoice::total_with_discount(
        Money::from_cents(total),
        discounts.into_iter().map(Money::from_cents),
    );
    sqlx::query("update invoices set total_with_discount_cents = $1 where invoice_id = $2")
        .bind(left.cents())
        .bind(invoice_id)
        .execute(&mut **tx)
        .await?;
    Ok((InvoiceStatus::parse(&status), left))
}

/// Gives the client's unpaid weekly fees the discount of an Uber plan of `percent` %
/// (none when `None`), replacing the discount of any earlier plan. Paid and cancelled
/// invoices keep what they had; invoices already split into fractions keep their agreed
/// amounts. Answers how many invoices changed.
pub async fn apply_uber_plan(
    tx: &mut Tx,
    backend: Backend,
    client_id: i64,
    percent: Option<i64>,
    now: i64,
) -> sqlx::Result<u64> {
    if backend == Backend::Postgres {
        // Staff changes and the billing run lock a contract before its invoices; so does
        // this, in ascending order so that two changes cannot deadlock.
        sqlx::query(
            "select contract_id from contracts where client_id = $1
             order by contract_id for update",
        )
        .bind(client_id)
        .execute(&mut **tx)
        .await?;
    }
    // Each unpaid, unsplit weekly fee with its current plan discount and the sum of its
    // other discounts, which the plan discount may not take past the total.
    let invoices: Vec<(i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "select i.invoice_id, i.total_cents,
                (select d.amount_cents from invoice_discounts d
                 where d.invoice_id = i.invoice_id and d.kind = 'uber_plan'),
                cast(coalesce((select sum(d.amount_cents) from invoice_discounts d
                               where d.invoice_id = i.invoice_id and d.kind <> 'uber_plan'),
                              0) as bigint)
         from invoices i
         join contracts k on k.contract_id = i.contract_id
         where k.client_id = $1 and i.type_code = 'weekly_fee'
           and i.status in ('pending', 'freezed')
           and not exists (select f.invoice_fraction_id from invoice_fractions f
                           where f.invoice_id = i.invoice_id)
         order by i.invoice_id",
    )
    .bind(client_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut changed = 0;
    for (invoice_id, total, current, others) in invoices {
        let total = Money::from_cents(total);
        let owed = invoice::total_with_discount(total, [Money::from_cents(others)]);
        let wanted = percent.and_then(|percent| invoice::uber_plan_discount(total, percent, owed));
        if current == wanted.map(Money::cents) {
            continue;
        }
        sqlx::query("delete from invoice_discounts where invoice_id = $1 and kind = 'uber_plan'")
            .bind(invoice_id)
            .execute(&mut **tx)
            .await?;
        match wanted {
            Some(amount) => {
                let observations = format!("Descuento Uber Pro ({}%)", percent.unwrap_or(0));
                add_discount(
                    tx,
                    &NewDiscount {
                        invoice_id,
                        kind: "uber_plan",
                        amount,
                        observations: &observations,
                        staff_id: None,
                    },
                    now,
                )
                .await?;
            }
            None => {
                refresh_total_with_discount(tx, invoice_id).await?;
            }
        }
        changed += 1;
    }
    Ok(changed)
}

/// `apply_uber_plan` with the plan the client has now (none removes plan discounts).
pub async fn apply_current_uber_plan(
    tx: &mut Tx,
    backend: Backend,
    client_id: i64,
    now: i64,
) -> sqlx::Result<u64> {
    let percent = uber_plan_percent_of(tx, client_id).await?;
    apply_uber_plan(tx, backend, client_id, percent, now).await
}

/// Gives every client on an Uber plan the plan's new percent on their unpaid weekly fees
/// (`apply_uber_plan` for each). Answers how many invoices changed.
pub async fn reapply_uber_plan(
    tx: &mut Tx,
    backend: Backend,
    uber_plan_id: i64,
    percent: i64,
    now: i64,
) -> sqlx::Result<u64> {
    let clients: Vec<i64> = sqlx::query_scalar(
        "select client_id from clients where uber_plan_id = $1 order by client_id",
    )
    .bind(uber_plan_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut changed = 0;
    for client_id in clients {
        changed += apply_uber_plan(tx, backend, client_id, Some(percent), now).await?;
    }
    Ok(changed)
}

/// The discount percent of the client's Uber plan, if they have one.
pub async fn uber_plan_percent_of(tx: &mut Tx, client_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select p.discount_percent from clients c
         join uber_plans p on p.uber_plan_id = c.uber_plan_id
         where c.client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(&mut **tx)
    .await
}

/// Cancels a contract's unpaid invoices not yet due on `today` (the contract ended before
/// them); what fell due before stays owed. Answers how many were cancelled.
pub async fn cancel_future(tx: &mut Tx, contract_id: i64, today: NaiveDate) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "update invoices set status = 'cancelled'
         where contract_id = $1 and due_date > $2
           and status in ('pending', 'fraction', 'freezed')
           and not exists (select f.invoice_fraction_id from invoice_fractions f
                           where f.invoice_id = invoices.invoice_id and f.paid_date is not null)",
    )
    .bind(contract_id)
    .bind(day_text(today))
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Marks an unpaid invoice and its fractions paid on `paid_date`; answers whether it was
/// unpaid. A paid invoice never changes again.
pub async fn mark_paid(tx: &mut Tx, invoice_id: i64, paid_date: NaiveDate) -> sqlx::Result<bool> {
    let day = day_text(paid_date);
    let done = sqlx::query(
        "update invoices set status = 'paid', paid_date = $1
         where invoice_id = $2 and status in ('pending', 'fraction')",
    )
    .bind(&day)
    .bind(invoice_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "update invoice_fractions set paid_date = $1 where invoice_id = $2 and paid_date is null",
    )
    .bind(&day)
    .bind(invoice_id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Marks one fraction paid on `paid_date`; answers whether it was unpaid.
pub async fn mark_fraction_paid(
    tx: &mut Tx,
    invoice_fraction_id: i64,
    paid_date: NaiveDate,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update invoice_fractions set paid_date = $1
         where invoice_fraction_id = $2 and paid_date is null",
    )
    .bind(day_text(paid_date))
    .bind(invoice_fraction_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The weekly fee of a contract's week.
pub async fn week_of(tx: &mut Tx, contract_id: i64, week: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("select invoice_id from invoices where contract_id = $1 and week = $2")
        .bind(contract_id)
        .bind(week)
        .fetch_optional(&mut **tx)
        .await
}

/// Whether the contract has any invoice.
pub async fn contract_has_invoices(tx: &mut Tx, contract_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("select invoice_id from invoices where contract_id = $1 limit 1")
            .bind(contract_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

/// The counts a contract's summary shows in the v2 profile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow, serde::Deserialize)]
pub struct ContractSummary {
    pub total_invoices: i64,
    pub total_invoices_paid: i64,
    pub total_invoices_pending: i64,
    pub pending_penalties: i64,
}
