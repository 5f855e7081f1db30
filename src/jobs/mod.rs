//! Periodic jobs: the daily billing run, and the lock that keeps two processes from
//! running the same job at once.

pub mod billing;

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, Write},
    path::PathBuf,
};

use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::store::{self, Backend, Store};

/// A job is already running elsewhere: this run did nothing.
#[derive(Debug, thiserror::Error)]
#[error("another {job} run is in progress{holder}; this one did nothing")]
pub struct AlreadyRunning {
    pub job: String,
    /// Who holds the lock, when known, as ` (held by ...)`.
    holder: String,
}

/// The exclusive right to run one job, for as long as it is held.
///
/// - PostgreSQL: a session-level advisory lock, taken on a connection of its own that the
///   lock keeps for the whole run. Every process sharing the database sees it, and the
///   server drops it the moment that session ends, whether the process finished, crashed
///   or was killed: no stale lock outlives a dead run.
/// - SQLite (one host by design): an exclusive lock on a file beside the database
///   (`<database>.<job>.lock`), which the operating system drops when the process ends,
///   however it ends. Unlike a lease in a table it needs no expiry, so a killed run does
///   not hold up the next one. The file stays; it records the last holder.
pub struct JobLock {
    job: String,
    held: Held,
}

enum Held {
    Postgres { conn: AnyConnection, key: i64 },
    File(File),
}

impl JobLock {
    /// Takes the lock of `job`, or answers `None` when another run holds it.
    pub async fn try_acquire(store: &Store, job: &str) -> anyhow::Result<Option<Self>> {
        let held = match store.backend() {
            Backend::Postgres => {
                // Detached from the pool: a lock on a pooled connection would outlive the
                // run, and when dropped (a run cancelled) this connection closes, which
                // releases the lock.
                let mut conn = store
                    .pool()
                    .acquire()
                    .await
                    .context("no database connection for the job lock")?
                    .detach();
                let key = advisory_key(job);
                if !store::billing::try_advisory_lock(&mut conn, key).await? {
                    let _ = sqlx::Connection::close(conn).await;
                    return Ok(None);
                }
                Held::Postgres { conn, key }
            }
            Backend::Sqlite => {
                let path = lock_file(store, job).await?;
                let mut file = OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .read(true)
                    .write(true)
                    .open(&path)
                    .with_context(|| format!("cannot open the lock file {path:?}"))?;
                match file.try_lock() {
                    Ok(()) => {}
                    Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                    Err(std::fs::TryLockError::Error(err)) => {
                        return Err(err).with_context(|| format!("cannot lock {path:?}"));
                    }
                }
                // Who holds it, for whoever is refused meanwhile.
                let note = format!(
                    "process {} since {}\n",
                    std::process::id(),
                    crate::domain::time::lima_datetime(crate::domain::time::now_unix())
                );
                file.set_len(0)
                    .and_then(|()| file.rewind())
                    .and_then(|()| file.write_all(note.as_bytes()))
                    .with_context(|| format!("cannot write the lock file {path:?}"))?;
                Held::File(file)
            }
        };
        Ok(Some(Self {
            job: job.to_owned(),
            held,
        }))
    }

    /// Takes the lock of `job`, or fails with `AlreadyRunning` when another run holds it.
    pub async fn acquire(store: &Store, job: &str) -> anyhow::Result<Self> {
        match Self::try_acquire(store, job).await? {
            Some(lock) => Ok(lock),
            None => Err(Self::refusal(store, job).await.into()),
        }
    }

    /// The error for a run refused because another holds the lock of `job`.
    async fn refusal(store: &Store, job: &str) -> AlreadyRunning {
        let holder = match store.backend() {
            Backend::Postgres => String::new(),
            Backend::Sqlite => match lock_file(store, job).await {
                Ok(path) => File::open(path)
                    .ok()
                    .and_then(|mut file| {
                        let mut text = String::new();
                        file.read_to_string(&mut text).ok().map(|_| text)
                    })
                    .map(|text| text.trim().to_owned())
                    .filter(|text| !text.is_empty())
                    .map(|text| format!(" (held by {text})"))
                    .unwrap_or_default(),
                Err(_) => String::new(),
            },
        };
        AlreadyRunning {
            job: job.to_owned(),
            holder,
        }
    }

    /// Makes sure the lock is still held; a run checks before each batch and stops if not.
    /// An advisory lock lives as long as its session: a lost connection means a lost lock.
    pub async fn check(&mut self) -> anyhow::Result<()> {
        match &mut self.held {
            Held::Postgres { conn, .. } => store::billing::ping(conn)
                .await
                .with_context(|| format!("the {} lock was lost with its connection", self.job)),
            Held::File(_) => Ok(()),
        }
    }

    /// Releases the lock now (dropping it releases it too, a moment later).
    pub async fn release(self) {
        match self.held {
            Held::Postgres { mut conn, key } => {
                if let Err(err) = store::billing::advisory_unlock(&mut conn, key).await {
                    tracing::warn!(error = %err, job = %self.job, "job unlock failed; closing its connection releases it");
                }
                let _ = sqlx::Connection::close(conn).await;
            }
            Held::File(file) => {
                let _ = file.unlock();
            }
        }
    }
}

/// The advisory-lock key of a job: the first eight bytes of a hash of its name, so that
/// each job has its own and no other application's key is likely to collide.
fn advisory_key(job: &str) -> i64 {
    let digest = Sha256::digest(format!("leasy job {job}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// The lock file of `job` beside the SQLite database file.
async fn lock_file(store: &Store, job: &str) -> anyhow::Result<PathBuf> {
    let file = store::billing::sqlite_file(store.pool()).await?;
    anyhow::ensure!(
        !file.is_empty(),
        "the {job} job needs an SQLite database file, not an in-memory database"
    );
    Ok(PathBuf::from(format!("{file}.{job}.lock")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_job_has_its_own_stable_key() {
        assert_eq!(advisory_key("billing"), advisory_key("billing"));
        assert_ne!(advisory_key("billing"), advisory_key("charges"));
    }
}
