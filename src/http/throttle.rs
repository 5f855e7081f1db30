//! Login throttling, shared by client and staff logins: attempts are counted per subject
//! (a document or an email, hashed) and per client address, in the database so that every
//! server process sees the same counts. An attempt is counted before the password is
//! checked, so parallel guesses cannot slip past the limit; a success takes its count back.

use std::net::IpAddr;

use super::{AppState, error::ApiError};
use crate::{
    domain::{time::now_unix, token::sha256_hex},
    store,
};

/// The throttle keys of one login attempt, already counted.
pub struct LoginGuard {
    subject_key: String,
    address_key: String,
}

impl LoginGuard {
    /// Counts the attempt and refuses with 429 when the subject or the address is past
    /// its limit. `kind` separates namespaces (`doc`, `staff`); the subject is hashed.
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
        };
        let now = now_unix();
        let window = i64::try_from(config.login_window_seconds).unwrap_or(i64::MAX);
        let limits = [
            (&guard.subject_key, config.login_max_failures_per_document),
            (&guard.address_key, config.login_max_failures_per_address),
        ];
        for (key, max) in limits {
            let hit = store::throttles::hit(state.store.pool(), key, now, window).await?;
            if hit.hits > i64::from(max) {
                let left = (hit.window_started_at + window - now).max(1);
                return Err(ApiError::TooManyRequests {
                    retry_after_seconds: u64::try_from(left).unwrap_or(1),
                });
            }
        }
        Ok(guard)
    }

    /// A success clears the subject's count and takes back the address's hit, so that
    /// only failures add up.
    pub async fn succeeded(&self, state: &AppState) -> Result<(), ApiError> {
        let pool = state.store.pool();
        store::throttles::clear(pool, &self.subject_key).await?;
        store::throttles::release(pool, &self.address_key).await?;
        Ok(())
    }
}
