//! Rate-limit counters per key (a document's failed logins, an address's sign-ups), shared
//! by every server process through the database. A key's count restarts once its window is
//! over.

use sqlx::{AnyExecutor, FromRow};

/// Whether `key` has reached `max` hits inside the window that ends at `now`.
pub async fn is_reached(
    db: impl AnyExecutor<'_>,
    key: &str,
    max: u32,
    now: i64,
    window: i64,
) -> sqlx::Result<bool> {
    let hits: Option<i64> = sqlx::query_scalar(
        "select hits from throttles where scope_key = $1 and window_started_at > $2",
    )
    .bind(key)
    .bind(now - window)
    .fetch_optional(db)
    .await?;
    Ok(hits.unwrap_or(0) >= i64::from(max))
}

/// A key's count after a hit.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Hit {
    pub hits: i64,
    pub window_started_at: i64,
}

/// Counts one more hit for `key`, atomically, opening a new window if the last is over,
/// and answers the count including this hit. Counting before acting is what makes a
/// burst of parallel requests unable to slip past the limit.
pub async fn hit(db: impl AnyExecutor<'_>, key: &str, now: i64, window: i64) -> sqlx::Result<Hit> {
    sqlx::query_as(
        "insert into throttles (scope_key, window_started_at, hits) values ($1, $2, 1)
         on conflict (scope_key) do update set
             hits = case when throttles.window_started_at <= $3 then 1
                             else throttles.hits + 1 end,
             window_started_at = case when throttles.window_started_at <= $3 then $2
                                      else throttles.window_started_at end
         returning hits, window_started_at",
    )
    .bind(key)
    .bind(now)
    .bind(now - window)
    .fetch_one(db)
    .await
}

/// Takes back one hit of `key` (an attempt that turned out not to count).
pub async fn release(db: impl AnyExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("update throttles set hits = hits - 1 where scope_key = $1 and hits > 0")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn clear(db: impl AnyExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("delete from throttles where scope_key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the counts whose window closed before `before`.
pub async fn purge(db: impl AnyExecutor<'_>, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("delete from throttles where window_started_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
