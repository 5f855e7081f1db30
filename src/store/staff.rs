//! Staff accounts and their login tokens.

use sqlx::{AnyExecutor, FromRow};

use super::flag;

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub staff_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: i64,
    pub created_at: i64,
}

impl StaffRow {
    pub fn is_active(&self) -> bool {
        flag(self.active)
    }
}

#[derive(Debug, FromRow)]
pub struct StaffLoginRow {
    pub staff_id: i64,
    pub password_hash: String,
    pub active: i64,
}

/// The staff member behind a live token.
#[derive(Debug, FromRow)]
pub struct StaffSessionRow {
    pub staff_id: i64,
    pub role: String,
}

const COLUMNS: &str = "staff_id, email, name, role, active, created_at";

pub async fn insert(
    db: impl AnyExecutor<'_>,
    email: &str,
    name: &str,
    role: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into staff (email, name, role, password_hash, created_at)
         values ($1, $2, $3, $4, $5) returning staff_id",
    )
    .bind(email)
    .bind(name)
    .bind(role)
    .bind(password_hash)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn find_login(
    db: impl AnyExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<StaffLoginRow>> {
    sqlx::query_as("select staff_id, password_hash, active from staff where email = $1")
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn get(db: impl AnyExecutor<'_>, staff_id: i64) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from staff where staff_id = $1"
    )))
    .bind(staff_id)
    .fetch_optional(db)
    .await
}

pub async fn list(
    db: impl AnyExecutor<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<StaffRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {COLUMNS} from staff order by staff_id limit $1 offset $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from staff")
        .fetch_one(db)
        .await
}

pub async fn deactivate(db: impl AnyExecutor<'_>, staff_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("update staff set active = 0, deactivated_at = $1 where staff_id = $2")
        .bind(now)
        .bind(staff_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn insert_token(
    db: impl AnyExecutor<'_>,
    staff_id: i64,
    digest: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into staff_tokens (staff_id, token_hash, created_at, expires_at)
         values ($1, $2, $3, $4)",
    )
    .bind(staff_id)
    .bind(digest)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The active staff member a live token belongs to.
pub async fn session_of(
    db: impl AnyExecutor<'_>,
    digest: &str,
    now: i64,
) -> sqlx::Result<Option<StaffSessionRow>> {
    sqlx::query_as(
        "select s.staff_id, s.role from staff_tokens t join staff s on s.staff_id = t.staff_id
         where t.token_hash = $1 and t.revoked_at is null and t.expires_at > $2
           and s.active = 1",
    )
    .bind(digest)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn revoke_token(db: impl AnyExecutor<'_>, digest: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "update staff_tokens set revoked_at = $1 where token_hash = $2 and revoked_at is null",
    )
    .bind(now)
    .bind(digest)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn revoke_all_tokens(
    db: impl AnyExecutor<'_>,
    staff_id: i64,
    now: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "update staff_tokens set revoked_at = $1 where staff_id = $2 and revoked_at is null",
    )
    .bind(now)
    .bind(staff_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
