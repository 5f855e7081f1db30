//! Database access. One set of queries serves SQLite and PostgreSQL through sqlx's `Any`
//! driver; only the migrations differ. Each submodule owns the SQL of one aggregate.
//!
//! Conventions forced by `Any`: integers are `i64`, flags are 0/1 integers, instants are
//! unix seconds, calendar days are `YYYY-MM-DD` text, money is integer cents.

pub mod audit;
pub mod billing;
pub mod cards;
pub mod cars;
pub mod clients;
pub mod commons;
pub mod contracts;
pub mod files;
pub mod finances;
pub mod invoice_admin;
pub mod invoices;
pub mod leads;
pub mod profile;
pub mod staff;
pub mod throttles;
pub mod tokens;

use std::time::Duration;

use anyhow::Context;
use sqlx::{
    AnyPool, Connection, Executor, Transaction,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};

use crate::config::DatabaseConfig;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// A transaction on either database.
pub type Tx = Transaction<'static, sqlx::Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The shared handle on the database: a connection pool and which database it is.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let url = &config.database_url;
        let backend = if url.is_postgres() {
            Backend::Postgres
        } else if url.connect_url().starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!(
                "unsupported database URL {url}: use an SQLite path or a postgres:// URL"
            );
        };
        let options: AnyConnectOptions = url
            .connect_url()
            .parse()
            .with_context(|| format!("invalid database URL {url}"))?;
        // One direct connection first: a pool reports an unreachable server only as a
        // time-out, this says why.
        sqlx::AnyConnection::connect_with(&options)
            .await
            .with_context(|| format!("cannot open the database at {url}"))?
            .close()
            .await
            .ok();
        let pool = AnyPoolOptions::new()
            .max_connections(config.db_max_connections.max(1))
            // A ping before every checkout would double the round trips of each query; a
            // broken connection fails its query instead and is replaced.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work beside the one writer; FULL makes a committed
                        // payment survive a power cut; the busy timeout queues writers
                        // instead of failing them.
                        conn.execute(
                            "pragma journal_mode = wal; pragma synchronous = full; \
                             pragma busy_timeout = 10000; pragma foreign_keys = on;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database at {}", config.database_url))?;
        Ok(Self { pool, backend })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("database migrations failed")
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes can fail with
    /// a busy snapshot that no timeout cures.
    pub async fn begin_write(&self) -> sqlx::Result<Tx> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A row a change reads before it writes.
#[derive(Debug, Clone, Copy)]
pub enum Locked {
    Client,
    Car,
    Contract,
    Lead,
}

impl Locked {
    fn sql(self, backend: Backend) -> &'static str {
        // SQLite needs no row lock: `begin immediate` already holds the one write lock.
        match (self, backend) {
            (Self::Client, Backend::Sqlite) => "select client_id from clients where client_id = $1",
            (Self::Client, Backend::Postgres) => {
                "select client_id from clients where client_id = $1 for update"
            }
            (Self::Car, Backend::Sqlite) => "select car_id from cars where car_id = $1",
            (Self::Car, Backend::Postgres) => {
                "select car_id from cars where car_id = $1 for update"
            }
            (Self::Contract, Backend::Sqlite) => {
                "select contract_id from contracts where contract_id = $1"
            }
            (Self::Contract, Backend::Postgres) => {
                "select contract_id from contracts where contract_id = $1 for update"
            }
            (Self::Lead, Backend::Sqlite) => "select lead_id from leads where lead_id = $1",
            (Self::Lead, Backend::Postgres) => {
                "select lead_id from leads where lead_id = $1 for update"
            }
        }
    }
}

impl Store {
    /// Locks a row for the rest of the transaction (on PostgreSQL), so that reading it,
    /// changing it and auditing before and after cannot interleave with another change.
    /// Answers whether the row exists.
    pub async fn lock(&self, tx: &mut Tx, what: Locked, id: i64) -> sqlx::Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(what.sql(self.backend))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        Ok(found.is_some())
    }
}

/// Reads a 0/1 flag column.
pub(crate) fn flag(value: i64) -> bool {
    value != 0
}

/// Whether an error is a unique-constraint violation (on either database).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}
