//! Contracts and the cars they lease, with the cars' documents and photos.

use sqlx::{AnyExecutor, FromRow};

use super::{flag, invoices::ContractSummary};
use crate::domain::money::Money;

/// A contract with its car, as the client's profile shows it.
#[derive(Debug, FromRow, serde::Deserialize)]
pub struct ContractCarRow {
    pub contract_id: i64,
    pub hash: String,
    pub status: String,
    pub weekly_amount_cents: i64,
    pub auto_charge: i64,
    pub created_at: i64,
    pub car_id: i64,
    pub car_hash: String,
    pub brand: String,
    pub model: String,
    pub year: String,
    pub license_plate: String,
    pub soat_file: Option<String>,
    pub insurance_file: Option<String>,
    /// Filled by the profile's query only.
    #[sqlx(skip)]
    #[serde(default)]
    pub summary: ContractSummary,
}

impl ContractCarRow {
    pub fn weekly_amount(&self) -> Money {
        Money::from_cents(self.weekly_amount_cents)
    }

    pub fn auto_charge(&self) -> bool {
        flag(self.auto_charge)
    }
}

pub struct NewContract<'a> {
    pub hash: &'a str,
    pub client_id: i64,
    pub car_id: i64,
    pub status: &'a str,
    pub weekly_amount: Money,
    pub weeks: i64,
    pub start_date: Option<&'a str>,
    pub auto_charge: bool,
}

/// The client's contracts, oldest first, each with its car and the car's SOAT and
/// insurance files.
pub async fn for_client(
    db: impl AnyExecutor<'_>,
    client_id: i64,
) -> sqlx::Result<Vec<ContractCarRow>> {
    sqlx::query_as(
        "select k.contract_id, k.hash, k.status, k.weekly_amount_cents, k.auto_charge,
                k.created_at, c.car_id, c.hash as car_hash, c.brand, c.model, c.year,
                c.license_plate, s.file_path as soat_file, i.file_path as insurance_file
         from contracts k
         join cars c on c.car_id = k.car_id
         left join car_documents s on s.car_id = c.car_id and s.kind = 'soat'
         left join car_documents i on i.car_id = c.car_id and i.kind = 'insurance'
         where k.client_id = $1
         order by k.contract_id",
    )
    .bind(client_id)
    .fetch_all(db)
    .await
}

/// Inserts a contract and returns its id. A second open contract for one car is a unique
/// violation (`contracts_open_car_idx`) for the caller to report.
pub async fn insert(
    db: impl AnyExecutor<'_>,
    contract: &NewContract<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into contracts
             (hash, client_id, car_id, status, weekly_amount_cents, weeks, start_date,
              auto_charge, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning contract_id",
    )
    .bind(contract.hash)
    .bind(contract.client_id)
    .bind(contract.car_id)
    .bind(contract.status)
    .bind(contract.weekly_amount.cents())
    .bind(contract.weeks)
    .bind(contract.start_date)
    .bind(i64::from(contract.auto_charge))
    .bind(now)
    .fetch_one(db)
    .await
}

/// A contract with its client and car, as the back office shows it.
#[derive(Debug, FromRow)]
pub struct ContractDetailRow {
    pub contract_id: i64,
    pub hash: String,
    pub status: String,
    pub weekly_amount_cents: i64,
    pub weeks: i64,
    pub start_date: Option<String>,
    pub auto_charge: i64,
    pub created_at: i64,
    pub client_id: i64,
    pub document: String,
    pub first_name: String,
    pub last_name: String,
    pub car_id: i64,
    pub brand: String,
    pub model: String,
    pub year: String,
    pub license_plate: String,
}

impl ContractDetailRow {
    pub fn weekly_amount(&self) -> Money {
        Money::from_cents(self.weekly_amount_cents)
    }

    pub fn auto_charge(&self) -> bool {
        flag(self.auto_charge)
    }
}

const DETAIL: &str = "select k.contract_id, k.hash, k.status, k.weekly_amount_cents, k.weeks,
            k.start_date, k.auto_charge, k.created_at, l.client_id, l.document, l.first_name,
            l.last_name, c.car_id, c.brand, c.model, c.year, c.license_plate
     from contracts k
     join clients l on l.client_id = k.client_id
     join cars c on c.car_id = k.car_id";

pub async fn detail(
    db: impl AnyExecutor<'_>,
    contract_id: i64,
) -> sqlx::Result<Option<ContractDetailRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DETAIL} where k.contract_id = $1"
    )))
    .bind(contract_id)
    .fetch_optional(db)
    .await
}

/// Which contracts to list; both parts optional.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    pub status: Option<&'a str>,
    pub client_id: Option<i64>,
}

const WHERE: &str = "where ($1 is null or k.status = $1) and ($2 is null or k.client_id = $2)";

/// Newest first.
///
/// Known shortcoming: a filter by status alone walks the contracts newest first and skips
/// the others (no index on status); fine for the back office's thousands of contracts.
pub async fn list(
    db: impl AnyExecutor<'_>,
    filter: &Filter<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ContractDetailRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DETAIL} {WHERE} order by k.contract_id desc limit $3 offset $4"
    )))
    .bind(filter.status)
    .bind(filter.client_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count(db: impl AnyExecutor<'_>, filter: &Filter<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from contracts k {WHERE}"
    )))
    .bind(filter.status)
    .bind(filter.client_id)
    .fetch_one(db)
    .await
}

/// Sets the status, and the start date when one is given (activation).
pub async fn set_status(
    db: impl AnyExecutor<'_>,
    contract_id: i64,
    status: &str,
    start_date: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "update contracts set status = $1, start_date = coalesce($2, start_date)
         where contract_id = $3",
    )
    .bind(status)
    .bind(start_date)
    .bind(contract_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_auto_charge(
    db: impl AnyExecutor<'_>,
    contract_id: i64,
    auto_charge: bool,
) -> sqlx::Result<()> {
    sqlx::query("update contracts set auto_charge = $1 where contract_id = $2")
        .bind(i64::from(auto_charge))
        .bind(contract_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The status of a contract, as stored.
pub async fn status(db: impl AnyExecutor<'_>, contract_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("select status from contracts where contract_id = $1")
        .bind(contract_id)
        .fetch_optional(db)
        .await
}

/// The car of a client's contract, found by the contract's hash.
#[derive(Debug, FromRow)]
pub struct ContractCar {
    pub contract_id: i64,
    pub car_id: i64,
    pub brand: String,
    pub model: String,
    pub year: String,
    pub license_plate: String,
}

/// The car of the contract with this hash, if the contract is this client's.
pub async fn car_of_client(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    contract_hash: &str,
) -> sqlx::Result<Option<ContractCar>> {
    sqlx::query_as(
        "select k.contract_id, c.car_id, c.brand, c.model, c.year, c.license_plate
         from contracts k join cars c on c.car_id = k.car_id
         where k.hash = $1 and k.client_id = $2",
    )
    .bind(contract_hash)
    .bind(client_id)
    .fetch_optional(db)
    .await
}
