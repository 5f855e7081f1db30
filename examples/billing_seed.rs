//! Seeds a database for the billing benchmark (`bench/billing.sh`): N clients, each with a
//! car and one active 130-week contract, with start dates spread over the last ~150
//! weeks so that a good share of the weekly fees are past due.
//!
//! - Most contracts have their schedule, paid up to a few weeks before today: contract `n`
//!   leaves its last `n % 12` past-due weeks unpaid, and freezes the latest of them when
//!   `n % 10 == 3`. Some are paid in full (the run finishes them).
//! - One contract in ten (`n % 10 == 7`) has no invoices at all, as if imported: the run
//!   creates its schedule, and every past-due week of it earns a penalty.
//!
//! Client `n` has document `6` followed by `n` in seven digits and the demo password.
//! Usage: `billing_seed DATABASE_URL N [SAMPLE]`. Prints how long it took, and with SAMPLE
//! a line `sample DOCUMENT CONTRACT_HASH` for client number SAMPLE. Loading again adds
//! nothing. Clients `n` and `n + 2100` have invoices of the same shape.

use std::time::Instant;

use anyhow::Context;
use chrono::Days;
use leasy::{
    config::{DatabaseConfig, DatabaseUrl},
    demo::DEMO_PASSWORD,
    domain::{
        money::Money,
        password,
        time::{day_text, lima_today, now_unix},
    },
    store::{Store, clients, invoices},
};

/// Contracts per transaction.
const BATCH: u32 = 200;

/// Client number `n`'s document.
fn document(n: u32) -> String {
    format!("6{n:07}")
}

/// How many weeks and extra days before today contract `n` started.
fn started_ago(n: u32) -> (u64, u64) {
    (u64::from(n % 150), u64::from(n % 7))
}

fn imported(n: u32) -> bool {
    n % 10 == 7
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(count)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: billing_seed DATABASE_URL N");
    };
    let count: u32 = count.parse().context("N must be a number")?;
    let sample: Option<u32> = args
        .next()
        .map(|raw| raw.parse())
        .transpose()
        .context("SAMPLE must be a number")?;
    anyhow::ensure!((1..=9_999_999).contains(&count), "N must be 1 to 9,999,999");
    let started = Instant::now();
    let store = Store::connect(&DatabaseConfig {
        database_url: DatabaseUrl::new(url),
        db_max_connections: 4,
    })
    .await?;
    store.migrate().await?;
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD)).await?;
    let mut n = 1;
    while n <= count {
        let last = (n + BATCH - 1).min(count);
        seed_batch(&store, n, last, &hash).await?;
        n = last + 1;
    }
    let invoices: i64 = sqlx::query_scalar("select count(*) from invoices")
        .fetch_one(store.pool())
        .await?;
    let sample = match sample {
        Some(n) => Some((
            document(n),
            sqlx::query_scalar::<_, String>(
                "select k.hash from contracts k join clients c on c.client_id = k.client_id
                 where c.document = $1",
            )
            .bind(document(n))
            .fetch_one(store.pool())
            .await
            .with_context(|| format!("client {n} was not seeded"))?,
        )),
        None => None,
    };
    store.close().await;
    if let Some((document, hash)) = sample {
        println!("sample {document} {hash}");
    }
    println!(
        "{count} contracts, {invoices} invoices in the database, seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn seed_batch(store: &Store, first: u32, last: u32, hash: &str) -> anyhow::Result<()> {
    let now = now_unix();
    let today = lima_today();
    let mut tx = store.begin_write().await?;
    let taken: Option<i64> =
        sqlx::query_scalar("select client_id from clients where document = $1")
            .bind(document(last))
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Ok(());
    }
    for n in first..=last {
        let document = document(n);
        let email = format!("pago{n}@example.pe");
        let last_name = format!("Cobranza {n}");
        let client_id: i64 = sqlx::query_scalar(
            "insert into clients (document, first_name, last_name, email, address,
                 phone_number, password_hash, search_text, created_at)
             values ($1, 'Cliente', $2, $3, 'Av. Brasil 500, Lima', $4, $5, $6, $7)
             returning client_id",
        )
        .bind(&document)
        .bind(&last_name)
        .bind(&email)
        .bind(format!("96{n:07}"))
        .bind(hash)
        .bind(clients::search_text(
            &document, "Cliente", &last_name, &email,
        ))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let car_id: i64 = sqlx::query_scalar(
            "insert into cars (hash, brand, model, year, license_plate, created_at)
             values ($1, 'Kia', 'Soluto', '2024', $2, $3) returning car_id",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(format!("P{n:07}"))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let (weeks_ago, days_ago) = started_ago(n);
        let start = today - Days::new(weeks_ago * 7 + days_ago);
        let weekly_amount = Money::from_cents(50_000 + i64::from(n % 100) * 50);
        let contract_id: i64 = sqlx::query_scalar(
            "insert into contracts (hash, client_id, car_id, status, weekly_amount_cents,
                 weeks, start_date, auto_charge, created_at)
             values ($1, $2, $3, 'contract_active', $4, 130, $5, 0, $6)
             returning contract_id",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(client_id)
        .bind(car_id)
        .bind(weekly_amount.cents())
        .bind(day_text(start))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if imported(n) {
            continue;
        }
        invoices::create_schedule(&mut tx, contract_id, start, 130, weekly_amount, now).await?;
        // Weeks due before today, the last `n % 12` of them left unpaid.
        let past_due = (weeks_ago * 7 + days_ago).saturating_sub(1) / 7;
        let past_due = i64::try_from(past_due.min(130))?;
        let unpaid = i64::from(n % 12).min(past_due);
        sqlx::query(
            "update invoices set status = 'paid', paid_date = due_date
             where contract_id = $1 and week <= $2",
        )
        .bind(contract_id)
        .bind(past_due - unpaid)
        .execute(&mut *tx)
        .await?;
        if n % 10 == 3 && unpaid > 0 {
            sqlx::query(
                "update invoices set status = 'freezed' where contract_id = $1 and week = $2",
            )
            .bind(contract_id)
            .bind(past_due)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
