//! Sales leads and their follow-up by sales staff.

use sqlx::{AnyExecutor, FromRow};

use super::clients::like_pattern;
use crate::domain::{
    lead::{Lead, LeadStatus},
    person,
};

#[derive(Debug, FromRow)]
pub struct LeadRow {
    pub lead_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub document: String,
    pub phone_number: String,
    pub email: String,
    pub time_working: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub car_of_interest: String,
    pub status: String,
    pub client_id: Option<i64>,
    pub created_at: i64,
    pub contacted_at: Option<i64>,
    pub converted_at: Option<i64>,
}

pub async fn insert(db: impl AnyExecutor<'_>, lead: &Lead, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into leads
             (first_name, last_name, document, phone_number, email, time_working, utm_source,
              utm_medium, car_of_interest, status, search_text, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         returning lead_id",
    )
    .bind(&lead.first_name)
    .bind(&lead.last_name)
    .bind(&lead.document)
    .bind(&lead.phone_number)
    .bind(&lead.email)
    .bind(&lead.time_working)
    .bind(&lead.utm_source)
    .bind(&lead.utm_medium)
    .bind(lead.car_of_interest.as_str())
    .bind(LeadStatus::New.as_str())
    .bind(person::search_key(&[
        &lead.document,
        &lead.first_name,
        &lead.last_name,
        &lead.email,
    ]))
    .bind(now)
    .fetch_one(db)
    .await
}

const COLUMNS: &str = "lead_id, first_name, last_name, document, phone_number, email,
    time_working, utm_source, utm_medium, car_of_interest, status, client_id, created_at,
    contacted_at, converted_at";

pub async fn get(db: impl AnyExecutor<'_>, lead_id: i64) -> sqlx::Result<Option<LeadRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from leads where lead_id = $1"
    )))
    .bind(lead_id)
    .fetch_optional(db)
    .await
}

const WHERE: &str = "where ($1 is null or status = $1)
      and ($2 is null or search_text like $2 escape '\\')";

/// Leads with `status` (any when `None`) matching `search` in any part of the document,
/// names or email, ignoring case and accents, newest first.
///
/// Known shortcoming: a search scans the leads of the status (a `like` with a leading
/// wildcard uses no index); fine for the thousands of leads a year sales expects.
pub async fn search(
    db: impl AnyExecutor<'_>,
    status: Option<&str>,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<LeadRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from leads {WHERE}
         order by created_at desc, lead_id desc
         limit $3 offset $4"
    )))
    .bind(status)
    .bind(search.map(like_pattern))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_search(
    db: impl AnyExecutor<'_>,
    status: Option<&str>,
    search: Option<&str>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from leads {WHERE}"
    )))
    .bind(status)
    .bind(search.map(like_pattern))
    .fetch_one(db)
    .await
}

pub async fn mark_contacted(db: impl AnyExecutor<'_>, lead_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("update leads set status = $1, contacted_at = $2 where lead_id = $3")
        .bind(LeadStatus::Contacted.as_str())
        .bind(now)
        .bind(lead_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Links the lead to the client made from it.
pub async fn mark_converted(
    db: impl AnyExecutor<'_>,
    lead_id: i64,
    client_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "update leads set status = $1, client_id = $2, converted_at = $3 where lead_id = $4",
    )
    .bind(LeadStatus::Converted.as_str())
    .bind(client_id)
    .bind(now)
    .bind(lead_id)
    .execute(db)
    .await?;
    Ok(())
}
