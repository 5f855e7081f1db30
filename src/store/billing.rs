//! What the daily billing run reads and writes: the contracts it must look at, the late
//! weekly fees and their penalties, finished contracts, the log of runs, and the database
//! side of the job lock.
//!
//! The run works in batches of contracts, each batch one transaction that first locks its
//! contracts (in ascending id order on PostgreSQL; SQLite's `begin immediate` already holds
//! the one write lock). Searches that only pick the contracts to visit run outside any
//! transaction; each batch reads again under its locks what it acts on.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::{Backend, Tx};
use crate::domain::{money::Money, time::day_text};

/// `$from, $from+1, ...`: `count` numbered placeholders.
fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// --- the job lock --------------------------------------------------------------------

/// Takes the session-level advisory lock `key` on this PostgreSQL connection if no other
/// session holds it; answers whether it was taken. The server releases it when the session
/// ends, however it ends.
pub async fn try_advisory_lock(conn: &mut AnyConnection, key: i64) -> sqlx::Result<bool> {
    let taken: i64 = sqlx::query_scalar(
        "select case when pg_try_advisory_lock($1) then cast(1 as bigint)
                     else cast(0 as bigint) end",
    )
    .bind(key)
    .fetch_one(conn)
    .await?;
    Ok(taken == 1)
}

pub async fn advisory_unlock(conn: &mut AnyConnection, key: i64) -> sqlx::Result<()> {
    sqlx::query(
        "select case when pg_advisory_unlock($1) then cast(1 as bigint)
                     else cast(0 as bigint) end",
    )
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the session holding an advisory lock is still alive (and so the lock held).
pub async fn ping(conn: &mut AnyConnection) -> sqlx::Result<()> {
    sqlx::query("select cast(1 as bigint)")
        .execute(conn)
        .await?;
    Ok(())
}

/// The file of an SQLite database, as SQLite opened it; empty for an in-memory database.
pub async fn sqlite_file(pool: &AnyPool) -> sqlx::Result<String> {
    let file: Option<String> =
        sqlx::query_scalar("select file from pragma_database_list where name = 'main'")
            .fetch_optional(pool)
            .await?;
    Ok(file.unwrap_or_default())
}

// --- the log of runs -----------------------------------------------------------------

/// What one run did, as `billing_runs` keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub schedules_created: u64,
    pub penalties_added: u64,
    pub contracts_finished: u64,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Records the start of a run and answers its id.
pub async fn start_run(
    pool: &AnyPool,
    run_date: NaiveDate,
    trigger: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into billing_runs (run_date, trigger, started_at) values ($1, $2, $3)
         returning billing_run_id",
    )
    .bind(day_text(run_date))
    .bind(trigger)
    .bind(now)
    .fetch_one(pool)
    .await
}

/// Adds a batch's work to its run's counts, in the batch's own transaction: a run stopped
/// halfway shows exactly what it committed.
pub async fn add_to_run(tx: &mut Tx, run_id: i64, done: RunCounts) -> sqlx::Result<()> {
    sqlx::query(
        "update billing_runs set schedules_created = schedules_created + $1,
             penalties_added = penalties_added + $2,
             contracts_finished = contracts_finished + $3
         where billing_run_id = $4",
    )
    .bind(count(done.schedules_created))
    .bind(count(done.penalties_added))
    .bind(count(done.contracts_finished))
    .bind(run_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn finish_run(pool: &AnyPool, run_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("update billing_runs set finished_at = $1 where billing_run_id = $2")
        .bind(now)
        .bind(run_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether a run for this day finished.
pub async fn finished_on(pool: &AnyPool, run_date: NaiveDate) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "select billing_run_id from billing_runs
         where run_date = $1 and finished_at is not null limit 1",
    )
    .bind(day_text(run_date))
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

// --- locking a batch -----------------------------------------------------------------

/// Locks the batch's contracts that are still active and answers their ids, ascending.
pub async fn lock_active(tx: &mut Tx, backend: Backend, ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let lock = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " for update",
    };
    let sql = format!(
        "select contract_id from contracts
         where contract_id in ({}) and status = 'contract_active'
         order by contract_id{lock}",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(&mut **tx).await
}

// --- schedules -----------------------------------------------------------------------

/// Active contracts with a start date that lack some week of their schedule (activated
/// before invoices existed, or imported), ascending.
pub async fn contracts_missing_weeks(pool: &AnyPool) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "select k.contract_id from contracts k
         where k.status = 'contract_active' and k.start_date is not null
           and k.weeks > (select count(*) from invoices i
                          where i.contract_id = k.contract_id and i.week is not null)
         order by k.contract_id",
    )
    .fetch_all(pool)
    .await
}

/// An active contract whose schedule the run completes.
#[derive(Debug, Clone, FromRow)]
pub struct ScheduleTerms {
    pub contract_id: i64,
    pub client_id: i64,
    pub start_date: String,
    pub weeks: i64,
    pub weekly_amount_cents: i64,
}

impl ScheduleTerms {
    pub fn weekly_amount(&self) -> Money {
        Money::from_cents(self.weekly_amount_cents)
    }
}

/// Locks every contract of the clients of the batch's contracts, in ascending id order
/// (the Uber plan discount that follows a new schedule touches all of a client's
/// contracts), and answers the terms of the batch's contracts still active with a start
/// date.
pub async fn lock_for_schedule(
    tx: &mut Tx,
    backend: Backend,
    ids: &[i64],
) -> sqlx::Result<Vec<ScheduleTerms>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(1, ids.len());
    if backend == Backend::Postgres {
        let sql = format!(
            "select contract_id from contracts
             where client_id in (select client_id from contracts where contract_id in ({list}))
             order by contract_id for update"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        query.execute(&mut **tx).await?;
    }
    let sql = format!(
        "select contract_id, client_id, start_date, weeks, weekly_amount_cents from contracts
         where contract_id in ({list}) and status = 'contract_active'
           and start_date is not null
         order by contract_id"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(&mut **tx).await
}

// --- penalties -----------------------------------------------------------------------

/// The search for weekly fees that earn a penalty: still owed and not frozen, due before
/// `$1`, of an active contract, not penalized yet. The partial index on unpaid weekly
/// fees serves it.
const LATE_FEES: &str = "from invoices i
     join contracts k on k.contract_id = i.contract_id
     where i.type_code = 'weekly_fee' and i.status in ('pending', 'fraction')
       and i.due_date < $1 and k.status = 'contract_active'
       and not exists (select p.invoice_id from invoices p
                       where p.penalized_invoice_id = i.invoice_id)";

/// The contracts with a weekly fee due before `late_before` that earns a penalty,
/// ascending.
pub async fn contracts_with_late_fees(
    pool: &AnyPool,
    late_before: NaiveDate,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select distinct i.contract_id {LATE_FEES} order by i.contract_id"
    )))
    .bind(day_text(late_before))
    .fetch_all(pool)
    .await
}

/// A weekly fee that earns a penalty.
#[derive(Debug, Clone, FromRow)]
pub struct LateFee {
    pub invoice_id: i64,
    pub contract_id: i64,
    pub week: Option<i64>,
    pub status: String,
    pub due_date: String,
}

/// The weekly fees of these contracts that earn a penalty, by contract then due date.
/// Read under the batch's locks: a fee frozen, paid or cancelled meanwhile is not here.
pub async fn late_fees(
    tx: &mut Tx,
    contract_ids: &[i64],
    late_before: NaiveDate,
) -> sqlx::Result<Vec<LateFee>> {
    if contract_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select i.invoice_id, i.contract_id, i.week, i.status, i.due_date {LATE_FEES}
           and i.contract_id in ({})
         order by i.contract_id, i.due_date, i.invoice_id",
        placeholders(2, contract_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(day_text(late_before));
    for id in contract_ids {
        query = query.bind(*id);
    }
    query.fetch_all(&mut **tx).await
}

/// The priority the next invoice of each contract takes: after every week of its schedule
/// and every invoice it has (as `invoices::next_priority`, for many contracts at once).
pub async fn next_priorities(tx: &mut Tx, contract_ids: &[i64]) -> sqlx::Result<HashMap<i64, i64>> {
    if contract_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "select k.contract_id, k.weeks,
                (select max(i.priority) from invoices i where i.contract_id = k.contract_id)
         from contracts k where k.contract_id in ({})",
        placeholders(1, contract_ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, i64, Option<i64>)>(sqlx::AssertSqlSafe(sql));
    for id in contract_ids {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(id, weeks, highest)| (id, weeks.max(highest.unwrap_or(0)) + 1))
        .collect())
}

/// A penalty to add.
#[derive(Debug, Clone)]
pub struct NewPenalty {
    pub contract_id: i64,
    pub priority: i64,
    pub penalized_invoice_id: i64,
    pub observations: String,
}

/// Rows per multi-row insert of penalties: 5 bound values each, far below either
/// database's limit on parameters.
const PENALTY_ROWS: usize = 500;

/// Inserts pending penalty invoices of `amount`, due on `due_date`; a weekly fee that has
/// its penalty already keeps it and gets no second one. Answers how many were added.
pub async fn insert_penalties(
    tx: &mut Tx,
    penalties: &[NewPenalty],
    amount: Money,
    due_date: NaiveDate,
    now: i64,
) -> sqlx::Result<u64> {
    let due_date = day_text(due_date);
    let mut added = 0;
    for chunk in penalties.chunks(PENALTY_ROWS) {
        let mut sql = String::from(
            "insert into invoices (hash, contract_id, type_code, priority, status, due_date,
                 total_cents, total_with_discount_cents, observations, penalized_invoice_id,
                 created_at) values ",
        );
        for i in 0..chunk.len() {
            let p = 4 + i * 5;
            if i > 0 {
                sql.push(',');
            }
            // Amount, due date and instant are shared by every row: $1, $2, $3.
            sql.push_str(&format!(
                "(${}, ${}, 'penalty', ${}, 'pending', $2, $1, $1, ${}, ${}, $3)",
                p,
                p + 1,
                p + 2,
                p + 3,
                p + 4
            ));
        }
        sql.push_str(" on conflict (penalized_invoice_id) do nothing");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(amount.cents())
            .bind(&due_date)
            .bind(now);
        for penalty in chunk {
            query = query
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(penalty.contract_id)
                .bind(penalty.priority)
                .bind(&penalty.observations)
                .bind(penalty.penalized_invoice_id);
        }
        added += query.execute(&mut **tx).await?.rows_affected();
    }
    Ok(added)
}

// --- finishing -----------------------------------------------------------------------

/// Active contracts with no weekly fee still owed (pending, split or frozen) and at least
/// one paid, ascending.
pub async fn contracts_all_paid(pool: &AnyPool) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "select k.contract_id from contracts k
         where k.status = 'contract_active'
           and not exists (select i.invoice_id from invoices i
                           where i.contract_id = k.contract_id and i.type_code = 'weekly_fee'
                             and i.status in ('pending', 'fraction', 'freezed'))
           and exists (select i.invoice_id from invoices i
                       where i.contract_id = k.contract_id and i.type_code = 'weekly_fee'
                         and i.status = 'paid')
         order by k.contract_id",
    )
    .fetch_all(pool)
    .await
}

/// A contract's weekly fees: how many are still owed and how many paid.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct WeeklyFeeCounts {
    pub contract_id: i64,
    pub unsettled: i64,
    pub paid: i64,
}

pub async fn weekly_fee_counts(
    tx: &mut Tx,
    contract_ids: &[i64],
) -> sqlx::Result<Vec<WeeklyFeeCounts>> {
    if contract_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select k.contract_id,
                (select count(*) from invoices i
                 where i.contract_id = k.contract_id and i.type_code = 'weekly_fee'
                   and i.status in ('pending', 'fraction', 'freezed')) as unsettled,
                (select count(*) from invoices i
                 where i.contract_id = k.contract_id and i.type_code = 'weekly_fee'
                   and i.status = 'paid') as paid
         from contracts k where k.contract_id in ({})
         order by k.contract_id",
        placeholders(1, contract_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in contract_ids {
        query = query.bind(*id);
    }
    query.fetch_all(&mut **tx).await
}

/// Moves an active contract to finished; answers whether it was active.
pub async fn finish_contract(tx: &mut Tx, contract_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update contracts set status = 'contract_finished'
         where contract_id = $1 and status = 'contract_active'",
    )
    .bind(contract_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
