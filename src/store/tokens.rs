//! Client login tokens, kept as SHA-256 digests.

use sqlx::AnyExecutor;

pub async fn insert(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    digest: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into client_tokens (client_id, token_hash, created_at, expires_at)
         values ($1, $2, $3, $4)",
    )
    .bind(client_id)
    .bind(digest)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The client a live token belongs to: not revoked and not expired at `now`.
pub async fn client_of(
    db: impl AnyExecutor<'_>,
    digest: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select client_id from client_tokens
         where token_hash = $1 and revoked_at is null and expires_at > $2",
    )
    .bind(digest)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn revoke(db: impl AnyExecutor<'_>, digest: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "update client_tokens set revoked_at = $1 where token_hash = $2 and revoked_at is null",
    )
    .bind(now)
    .bind(digest)
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes every live token of a client except `keep` (a password change keeps the
/// session that made it).
pub async fn revoke_others(
    db: impl AnyExecutor<'_>,
    client_id: i64,
    keep: Option<&str>,
    now: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "update client_tokens set revoked_at = $1
         where client_id = $2 and revoked_at is null and token_hash <> $3",
    )
    .bind(now)
    .bind(client_id)
    .bind(keep.unwrap_or(""))
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes tokens that expired or were revoked before `before`; they can open nothing.
pub async fn purge(db: impl AnyExecutor<'_>, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("delete from client_tokens where expires_at < $1 or revoked_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
