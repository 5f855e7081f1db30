//! Settings. Each one comes from a command-line flag or its environment variable, and has a
//! default that runs with nothing set. The README lists them all.

use std::{fmt, path::PathBuf, time::Duration};

use chrono::NaiveTime;
use clap::Args;

use crate::domain::{invoice, money::Money};

/// Where the data lives: an SQLite file path or URL, or a `postgres://` URL.
///
/// The URL may carry a password, so it never prints in full.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }

    /// The URL as sqlx expects it: a bare path becomes an SQLite URL that creates the file.
    pub fn connect_url(&self) -> String {
        if self.is_postgres() || self.0.starts_with("sqlite:") || self.0.contains("://") {
            self.0.clone()
        } else {
            format!("sqlite://{}?mode=rwc", self.0)
        }
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    /// Shows the URL with its password, in the user part or in the query, as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(mut url) = url::Url::parse(&self.0) else {
            // A plain SQLite path, or something unparseable: show no more than the scheme.
            return match self.0.split_once("://") {
                Some((scheme, _)) if self.is_postgres() => write!(f, "{scheme}://***"),
                _ => f.write_str(&self.0),
            };
        };
        if url.password().is_some() {
            let _ = url.set_password(Some("***"));
        }
        let query: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let hidden = k.eq_ignore_ascii_case("password");
                (
                    k.into_owned(),
                    if hidden {
                        "***".to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        if !query.is_empty() {
            url.query_pairs_mut().clear().extend_pairs(query);
        }
        f.write_str(url.as_str())
    }
}

/// Database settings, shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// SQLite file or URL, or a postgres:// URL.
    #[arg(long, env = "DATABASE_URL", default_value = "leasy.db")]
    pub database_url: DatabaseUrl,

    /// Largest number of open database connections per process.
    #[arg(long, env = "LEASY_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,
}

/// Settings of the HTTP server.
#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    /// Address (or host name) and port to listen on.
    #[arg(long, env = "LEASY_BIND", default_value = "127.0.0.1:8000")]
    pub bind: String,

    /// Folder of uploaded and demo files, served under /static/files/.
    #[arg(long, env = "LEASY_FILES_DIR", default_value = "files")]
    pub files_dir: PathBuf,

    /// Days a login token stays valid.
    #[arg(long, env = "LEASY_TOKEN_TTL_DAYS", default_value_t = 90)]
    pub token_ttl_days: u32,

    /// Hours a staff login token stays valid.
    #[arg(long, env = "LEASY_STAFF_TOKEN_TTL_HOURS", default_value_t = 12)]
    pub staff_token_ttl_hours: u32,

    /// Largest uploaded file accepted, in bytes.
    #[arg(long, env = "LEASY_UPLOAD_MAX_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub upload_max_bytes: usize,

    /// Sign-ups (`POST /clients/new/`) accepted per client address per hour.
    #[arg(long, env = "LEASY_LEADS_PER_ADDRESS_PER_HOUR", default_value_t = 5)]
    pub leads_per_address_per_hour: u32,

    /// Number of reverse proxies in front of the server. With 0 the client address is the
    /// peer of the connection; with N it is the N-th address from the right of
    /// X-Forwarded-For, which the proxies append and a client cannot forge.
    #[arg(long, env = "LEASY_TRUSTED_PROXIES", default_value_t = 0)]
    pub trusted_proxies: usize,

    /// Failed logins allowed per document within the window before answering 429.
    #[arg(
        long,
        env = "LEASY_LOGIN_MAX_FAILURES_PER_DOCUMENT",
        default_value_t = 5
    )]
    pub login_max_failures_per_document: u32,

    /// Failed logins allowed per client address within the window before answering 429.
    #[arg(
        long,
        env = "LEASY_LOGIN_MAX_FAILURES_PER_ADDRESS",
        default_value_t = 20
    )]
    pub login_max_failures_per_address: u32,

    /// Length of the login-failure window, in seconds.
    #[arg(long, env = "LEASY_LOGIN_WINDOW_SECONDS", default_value_t = 900)]
    pub login_window_seconds: u64,

    /// Public key of the Kushki merchant, handed to the app to tokenize cards.
    #[arg(
        long,
        env = "LEASY_KUSHKI_PUBLIC_KEY",
        default_value = "sandbox-public-key"
    )]
    pub kushki_public_key: String,

    /// Public base URL of the server (`https://api.leasy.pe`), used for absolute file URLs.
    /// Unset, the request's Host header is used.
    #[arg(long, env = "LEASY_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds to wait for requests in flight when shutting down.
    #[arg(long, env = "LEASY_SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,

    #[command(flatten)]
    pub billing: BillingSettings,
}

impl ServerConfig {
    pub fn token_ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.token_ttl_days) * 24 * 3600)
    }

    pub fn staff_token_ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.staff_token_ttl_hours) * 3600)
    }

    /// Settings for tests and tools: defaults everywhere, files in `files_dir`.
    pub fn local(files_dir: PathBuf) -> Self {
        Self {
            bind: "127.0.0.1:0".to_owned(),
            files_dir,
            token_ttl_days: 90,
            staff_token_ttl_hours: 12,
            upload_max_bytes: 10 * 1024 * 1024,
            leads_per_address_per_hour: 5,
            trusted_proxies: 0,
            login_max_failures_per_document: 5,
            login_max_failures_per_address: 20,
            login_window_seconds: 900,
            kushki_public_key: "sandbox-public-key".into(),
            public_url: None,
            shutdown_grace_seconds: 20,
            // Tests and tools run the billing when they mean to, never by the clock.
            billing: BillingSettings {
                schedule: false,
                ..BillingSettings::default()
            },
        }
    }
}

/// Settings of the billing run: the penalty for a late weekly fee, and when `serve` runs
/// the billing by itself.
#[derive(Debug, Clone, Args)]
pub struct BillingSettings {
    /// Penalty added to a weekly fee still unpaid after the grace days, in soles
    /// (`20`, `20.00`, `17.50`).
    #[arg(
        long,
        env = "LEASY_PENALTY_AMOUNT",
        default_value = "20.00",
        value_parser = penalty_amount
    )]
    pub penalty_amount: Money,

    /// Days a weekly fee may stay unpaid after its due date before it earns a penalty.
    #[arg(
        long = "penalty-grace-days",
        env = "LEASY_PENALTY_GRACE_DAYS",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(0..=MAX_GRACE_DAYS)
    )]
    pub grace_days: u32,

    /// Lima time of day (`HH:MM`, 24-hour) at which `serve` runs the billing each day.
    #[arg(
        long = "billing-time",
        value_name = "HH:MM",
        env = "LEASY_BILLING_TIME",
        default_value = "06:00",
        value_parser = time_of_day
    )]
    pub run_at: NaiveTime,

    /// Whether `serve` runs the billing by itself each day (on/off, true/false, 1/0,
    /// yes/no). Off, run `leasy billing run` from cron or by hand.
    #[arg(
        long = "billing-schedule",
        env = "LEASY_BILLING_SCHEDULE",
        default_value = "on",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub schedule: bool,

    /// How soon the daily run looks again when another process holds the billing lock:
    /// that run may end unfinished (killed), and today's run is then still owed.
    #[arg(skip = DEFAULT_LOCK_RETRY)]
    pub lock_retry: std::time::Duration,
}

impl Default for BillingSettings {
    /// The defaults of the flags: S/ 20.00 after 3 days, daily at 06:00 Lima.
    fn default() -> Self {
        Self {
            penalty_amount: Money::from_cents(2000),
            grace_days: 3,
            run_at: NaiveTime::from_hms_opt(6, 0, 0).expect("a valid time"),
            schedule: true,
            lock_retry: DEFAULT_LOCK_RETRY,
        }
    }
}

/// How soon the daily billing run looks again at a lock held elsewhere.
const DEFAULT_LOCK_RETRY: std::time::Duration = std::time::Duration::from_secs(60);

/// Longest grace accepted: a quarter; more is surely a mistake.
const MAX_GRACE_DAYS: i64 = 90;

/// A penalty in soles: more than zero, at most two decimals, at most the largest amount
/// of an invoice added by hand.
fn penalty_amount(raw: &str) -> Result<Money, String> {
    let amount = raw
        .trim()
        .parse::<rust_decimal::Decimal>()
        .ok()
        .and_then(Money::from_decimal)
        .ok_or_else(|| format!("{raw:?} is not an amount in soles with at most two decimals"))?;
    invoice::manual_total(amount)
        .map_err(|_| format!("the penalty must be more than 0 and at most 100000 soles, not {raw}"))
}

/// A time of day written `HH:MM` (24-hour).
fn time_of_day(raw: &str) -> Result<NaiveTime, String> {
    let raw = raw.trim();
    let shaped = raw.len() == 5 && raw.as_bytes()[2] == b':';
    NaiveTime::parse_from_str(raw, "%H:%M")
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| {
            format!("{raw:?} is not a time of day written HH:MM (24-hour), such as 06:00")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_hides_the_password() {
        let url = DatabaseUrl::new("postgres://leasy:s3cret@db:5432/leasy");
        assert_eq!(url.to_string(), "postgres://leasy:***@db:5432/leasy");
        assert_eq!(
            DatabaseUrl::new("postgres://leasy@db/leasy").to_string(),
            "postgres://leasy@db/leasy"
        );
        assert_eq!(
            DatabaseUrl::new("postgres://leasy@db/leasy?password=s3cret&sslmode=require")
                .to_string(),
            "postgres://leasy@db/leasy?password=***&sslmode=require"
        );
        let odd = DatabaseUrl::new("postgres://leasy:s3cr@t!@db/leasy").to_string();
        assert!(!odd.contains("s3cr") && !odd.contains("t!"), "{odd}");
    }

    #[test]
    fn billing_settings_are_checked() {
        assert_eq!(penalty_amount("20"), Ok(Money::from_cents(2000)));
        assert_eq!(penalty_amount(" 17.5 "), Ok(Money::from_cents(1750)));
        for bad in ["0", "-5", "20.001", "abc", "", "100000.01"] {
            assert!(penalty_amount(bad).is_err(), "{bad}");
        }
        assert_eq!(
            time_of_day("06:00"),
            Ok(NaiveTime::from_hms_opt(6, 0, 0).unwrap())
        );
        assert_eq!(
            time_of_day("23:59"),
            Ok(NaiveTime::from_hms_opt(23, 59, 0).unwrap())
        );
        for bad in ["6:00", "24:00", "06:60", "0600", "06:00:00", "noon"] {
            assert!(time_of_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bare_path_is_an_sqlite_file() {
        let url = DatabaseUrl::new("leasy.db");
        assert!(!url.is_postgres());
        assert_eq!(url.connect_url(), "sqlite://leasy.db?mode=rwc");
    }
}
