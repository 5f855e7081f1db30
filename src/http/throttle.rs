//! Login throttling, shared by client and staff logins: failures are counted per subject
//! (a document or an email, hashed) and per client address, in the database so that every
//! server process sees the same counts.

use std::net::IpAddr;

use super::{AppState, error::ApiError};
use crate::{
    domain::{time::now_unix, token::sha256_hex},
    store,
};

/// The throttle keys of one login attempt.
pub struct LoginGuard {
    subject_key: String,
    address_key: String,
    now: i64,
    window: i64,
}

impl LoginGuard {
    /// Refuses with 429 when the subject or the address has used up its failures.
    /// `kind` separates namespaces (`doc`, `staff`); the subject is hashed.
    pub async fn check(
        state: &AppState,
        kind: &str,
        subject: &str,
        addr: IpAddr,
    ) -> Result<Self, ApiError> {
        let config = &state.config;
        let guard = Self {
            subject_key: format!("{kind}:{}", sha256_hex(subject)),
            address_key: format!("ip:{addr}"),
            now: now_unix(),
            window: i64::try_from(config.login_window_seconds).unwrap_or(i64::MAX),
        };
        let limits = [
            (&guard.subject_key, config.login_max_failures_per_document),
            (&guard.address_key, config.login_max_failures_per_address),
        ];
        for (key, max) in limits {
            if store::throttles::is_reached(state.store.pool(), key, max, guard.now, guard.window)
                .await?
            {
                return Err(ApiError::TooManyRequests {
                    retry_after_seconds: config.login_window_seconds,
                });
            }
        }
        Ok(guard)
    }

    /// Counts a failed attempt against the subject and the address.
    pub async fn failed(&self, state: &AppState) -> Result<(), ApiError> {
        for key in [&self.subject_key, &self.address_key] {
            store::throttles::hit(state.store.pool(), key, self.now, self.window).await?;
        }
        Ok(())
    }

    /// A success clears the subject's count (not the address's).
    pub async fn succeeded(&self, state: &AppState) -> Result<(), ApiError> {
        store::throttles::clear(state.store.pool(), &self.subject_key).await?;
        Ok(())
    }
}
