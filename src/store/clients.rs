//! Clients, their phones and their Uber plan tier.

use sqlx::{AnyExecutor, FromRow};

use crate::domain::money::Money;

/// What a login needs to know about a document.
#[derive(Debug, FromRow)]
pub struct LoginRow {
    pub client_id: i64,
    pub password_hash: String,
}

#[derive(Debug, FromRow)]
pub struct ClientRow {
    pub client_id: i64,
    pub document: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub address: String,
    pub phone_number: String,
    pub firebase_token: Option<String>,
    pub coins_cents: i64,
    pub created_at: i64,
    pub uber_plan_name: Option<String>,
    pub uber_plan_discount_percent: Option<i64>,
    pub uber_plan_description: Option<String>,
}

impl ClientRow {
    pub fn coins(&self) -> Money {
        Money::from_cents(self.coins_cents)
    }
}

#[derive(Debug, FromRow)]
pub struct PhoneRow {
    pub phone_id: i64,
    pub phone_number: String,
}

/// A client as registered; the password is already hashed.
#[derive(Debug)]
pub struct NewClient<'a> {
    pub document: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub phone_number: &'a str,
    pub password_hash: &'a str,
}

pub async fn find_login(
    db: impl AnyExecutor<'_>,
    document: &str,
) -> sqlx::Result<Option<LoginRow>> {
    sqlx::query_as("select client_id, password_hash from clients where document = $1")
        .bind(document)
        .fetch_optional(db)
        .await
}

pub async fn get(db: impl AnyExecutor<'_>, client_id: i64) -> sqlx::Result<Option<ClientRow>> {
    sqlx::query_as(
        "select c.client_id, c.document, c.first_name, c.last_name, c.email, c.address,
                c.phone_number, c.firebase_token, c.coins_cents, c.created_at,
                p.name as uber_plan_name, p.discount_percent as uber_plan_discount_percent,
                p.description as uber_plan_description
         from clients c left join uber_plans p on p.uber_plan_id = c.uber_plan_id
         where c.client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(db)
    .await
}

pub async fn phones(db: impl AnyExecutor<'_>, client_id: i64) -> sqlx::Result<Vec<PhoneRow>> {
    sqlx::query_as(
        "select phone_id, phone_number from phones where client_id = $1 order by phone_id",
    )
    .bind(client_id)
    .fetch_all(db)
    .await
}

pub async fn set_firebase_token(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    firebase_token: &str,
) -> sqlx::Result<()> {
    sqlx::query("update clients set firebase_token = $1 where client_id = $2")
        .bind(firebase_token)
        .bind(client_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Inserts a client and returns its id. A document already registered is a unique
/// violation for the caller to report.
pub async fn insert(
    db: impl AnyExecutor<'_>,
    client: &NewClient<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into clients
             (document, first_name, last_name, email, address, phone_number, password_hash,
              created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning client_id",
    )
    .bind(client.document)
    .bind(client.first_name)
    .bind(client.last_name)
    .bind(client.email)
    .bind(client.address)
    .bind(client.phone_number)
    .bind(client.password_hash)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn insert_phone(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    phone_number: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into phones (client_id, phone_number, created_at) values ($1, $2, $3)
         returning phone_id",
    )
    .bind(client_id)
    .bind(phone_number)
    .bind(now)
    .fetch_one(db)
    .await
}
