//! Counts of failed logins per key (a document or a client address), shared by every
//! server process through the database. A key's count restarts once its window is over.

use sqlx::AnyExecutor;

/// Whether `key` has reached `max` failures inside the window that ends at `now`.
pub async fn is_locked(
    db: impl AnyExecutor<'_>,
    key: &str,
    max: u32,
    now: i64,
    window: i64,
) -> sqlx::Result<bool> {
    let failures: Option<i64> = sqlx::query_scalar(
        "select failures from login_failures where scope_key = $1 and window_started_at > $2",
    )
    .bind(key)
    .bind(now - window)
    .fetch_optional(db)
    .await?;
    Ok(failures.unwrap_or(0) >= i64::from(max))
}

/// Counts one more failure for `key`, atomically, opening a new window if the last is over.
pub async fn record(
    db: impl AnyExecutor<'_>,
    key: &str,
    now: i64,
    window: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into login_failures (scope_key, window_started_at, failures) values ($1, $2, 1)
         on conflict (scope_key) do update set
             failures = case when login_failures.window_started_at <= $3 then 1
                             else login_failures.failures + 1 end,
             window_started_at = case when login_failures.window_started_at <= $3 then $2
                                      else login_failures.window_started_at end",
    )
    .bind(key)
    .bind(now)
    .bind(now - window)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn clear(db: impl AnyExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("delete from login_failures where scope_key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the counts whose window closed before `before`.
pub async fn purge(db: impl AnyExecutor<'_>, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("delete from login_failures where window_started_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
