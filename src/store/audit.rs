//! The audit trail: one entry per staff change, written in the change's own transaction.
//! Nothing here updates or deletes an entry.

use serde_json::Value;
use sqlx::{AnyExecutor, FromRow};

/// A change to record. `staff_id` is `None` for changes made from the command line.
pub struct Entry<'a> {
    pub staff_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, FromRow)]
pub struct AuditRow {
    pub audit_entry_id: i64,
    pub staff_id: Option<i64>,
    pub staff_email: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub created_at: i64,
}

/// Which entries to list; every part is optional. Times are unix seconds, `until` excluded.
#[derive(Debug, Default)]
pub struct Filter {
    pub staff_id: Option<i64>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

pub async fn record(db: impl AnyExecutor<'_>, entry: Entry<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "insert into audit_entries
             (staff_id, action, target_type, target_id, before_json, after_json, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.staff_id)
    .bind(entry.action)
    .bind(entry.target_type)
    .bind(entry.target_id)
    .bind(entry.before.map(|v| v.to_string()))
    .bind(entry.after.map(|v| v.to_string()))
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

const WHERE: &str = "where ($1 is null or a.staff_id = $1)
      and ($2 is null or a.target_type = $2)
      and ($3 is null or a.target_id = $3)
      and ($4 is null or a.created_at >= $4)
      and ($5 is null or a.created_at < $5)";

/// Newest first.
pub async fn list(
    db: impl AnyExecutor<'_>,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select a.audit_entry_id, a.staff_id, s.email as staff_email, a.action, a.target_type,
                a.target_id, a.before_json, a.after_json, a.created_at
         from audit_entries a left join staff s on s.staff_id = a.staff_id
         {WHERE}
         order by a.created_at desc, a.audit_entry_id desc
         limit $6 offset $7"
    )))
    .bind(filter.staff_id)
    .bind(filter.target_type.as_deref())
    .bind(filter.target_id.as_deref())
    .bind(filter.since)
    .bind(filter.until)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count(db: impl AnyExecutor<'_>, filter: &Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from audit_entries a {WHERE}"
    )))
    .bind(filter.staff_id)
    .bind(filter.target_type.as_deref())
    .bind(filter.target_id.as_deref())
    .bind(filter.since)
    .bind(filter.until)
    .fetch_one(db)
    .await
}
