//! Clients, their phones and their Uber plan tier.

use sqlx::{AnyExecutor, FromRow};

use crate::domain::{money::Money, person};

/// What a login needs to know about a document.
#[derive(Debug, FromRow)]
pub struct LoginRow {
    pub client_id: i64,
    pub password_hash: String,
}

#[derive(Debug, FromRow, serde::Deserialize)]
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

#[derive(Debug, FromRow, serde::Deserialize)]
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
              search_text, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         returning client_id",
    )
    .bind(client.document)
    .bind(client.first_name)
    .bind(client.last_name)
    .bind(client.email)
    .bind(client.address)
    .bind(client.phone_number)
    .bind(client.password_hash)
    .bind(search_text(
        client.document,
        client.first_name,
        client.last_name,
        client.email,
    ))
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

/// A client as the back office lists it.
#[derive(Debug, FromRow)]
pub struct ClientSummaryRow {
    pub client_id: i64,
    pub document: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone_number: String,
    pub uber_plan_code: Option<String>,
    pub created_at: i64,
}

/// The editable fields of a client, as they will be written.
#[derive(Debug)]
pub struct ClientFields {
    pub document: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub address: String,
    pub phone_number: String,
}

/// Escapes `%`, `_` and `\` so a search term matches literally inside `like ... escape '\'`.
pub fn like_pattern(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len() + 2);
    escaped.push('%');
    for c in person::search_key(&[term]).chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// What the back-office search matches for a client.
pub fn search_text(document: &str, first_name: &str, last_name: &str, email: &str) -> String {
    person::search_key(&[document, first_name, last_name, email])
}

const SEARCH: &str = "($1 is null or c.search_text like $1 escape '\\')";

/// Clients matching `search` in any part of the document, name or email, ignoring case
/// and accents, newest first.
///
/// Known shortcoming: the search scans the clients table (a `like` with a leading
/// wildcard uses no index). Fine for the back office's tens of thousands of clients.
pub async fn search(
    db: impl AnyExecutor<'_>,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ClientSummaryRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select c.client_id, c.document, c.first_name, c.last_name, c.email, c.phone_number,
                p.code_name as uber_plan_code, c.created_at
         from clients c left join uber_plans p on p.uber_plan_id = c.uber_plan_id
         where {SEARCH}
         order by c.client_id desc
         limit $2 offset $3"
    )))
    .bind(search.map(like_pattern))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_search(db: impl AnyExecutor<'_>, search: Option<&str>) -> sqlx::Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from clients c where {SEARCH}"
    )))
    .bind(search.map(like_pattern))
    .fetch_one(db)
    .await
}

pub async fn update(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    fields: &ClientFields,
) -> sqlx::Result<()> {
    sqlx::query(
        "update clients set document = $1, first_name = $2, last_name = $3, email = $4,
                address = $5, phone_number = $6, search_text = $7
         where client_id = $8",
    )
    .bind(&fields.document)
    .bind(&fields.first_name)
    .bind(&fields.last_name)
    .bind(&fields.email)
    .bind(&fields.address)
    .bind(&fields.phone_number)
    .bind(search_text(
        &fields.document,
        &fields.first_name,
        &fields.last_name,
        &fields.email,
    ))
    .bind(client_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_password_hash(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("update clients set password_hash = $1 where client_id = $2")
        .bind(hash)
        .bind(client_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn password_hash(
    db: impl AnyExecutor<'_>,
    client_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("select password_hash from clients where client_id = $1")
        .bind(client_id)
        .fetch_optional(db)
        .await
}

/// Deletes one of the client's phones; answers whether it was theirs.
pub async fn delete_phone(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    phone_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from phones where phone_id = $1 and client_id = $2")
        .bind(phone_id)
        .bind(client_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn uber_plan_id(db: impl AnyExecutor<'_>, code_name: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("select uber_plan_id from uber_plans where code_name = $1")
        .bind(code_name)
        .fetch_optional(db)
        .await
}

pub async fn set_uber_plan(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    uber_plan_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("update clients set uber_plan_id = $1 where client_id = $2")
        .bind(uber_plan_id)
        .bind(client_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn uber_plan_code(
    db: impl AnyExecutor<'_>,
    client_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "select p.code_name from clients c join uber_plans p on p.uber_plan_id = c.uber_plan_id
         where c.client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(db)
    .await
}
