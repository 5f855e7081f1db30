//! The back-office JSON API under `/api/backoffice/`, for operations staff. Every route
//! checks the staff member's role; every change writes an audit entry in its own
//! transaction.

pub mod audit;
pub mod auth;
pub mod cars;
pub mod clients;
pub mod content;
pub mod contracts;
pub mod expense_categories;
pub mod invoice_types;
pub mod invoices;
pub mod leads;
pub mod staff;

use axum::{
    Router,
    extract::FromRequestParts,
    http::{header, request::Parts},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{AppState, error::ApiError};
use crate::{
    domain::{
        staff::{Permission, Role},
        time::now_unix,
        token::Token,
    },
    store,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(staff::router())
        .merge(audit::router())
        .merge(clients::router())
        .merge(cars::router())
        .merge(contracts::router())
        .merge(leads::router())
        .merge(content::router())
        .merge(expense_categories::router())
        .merge(invoices::router())
        .merge(invoice_types::router())
}

/// The staff member behind a live staff token (`Authorization: Bearer <token>`, or the
/// `Authentication` header as in the client API).
pub struct StaffSession {
    pub staff_id: i64,
    pub role: Role,
    pub token: Token,
}

impl StaffSession {
    /// 403 unless the role allows `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = presented_token(parts).ok_or(ApiError::Unauthorized)?;
        let session = store::staff::session_of(state.store.pool(), &token.digest(), now_unix())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let role = Role::parse(&session.role)
            .ok_or_else(|| anyhow::anyhow!("staff {} has unknown role", session.staff_id))?;
        Ok(Self {
            staff_id: session.staff_id,
            role,
            token,
        })
    }
}

fn presented_token(parts: &Parts) -> Option<Token> {
    let headers = &parts.headers;
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = value.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| Token::parse(token))?;
    }
    Token::parse(headers.get("authentication")?.to_str().ok()?)
}

/// `?page=N&per_page=M`: page from 1, at most 100 a page (20 by default).
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl PageQuery {
    pub fn resolve(&self) -> Result<PageRequest, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if page == 0 {
            return Err(ApiError::message("El parámetro 'page' debe ser 1 o mayor"));
        }
        if !(1..=100).contains(&per_page) {
            return Err(ApiError::message(
                "El parámetro 'per_page' debe estar entre 1 y 100",
            ));
        }
        Ok(PageRequest { page, per_page })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn answer<T>(self, results: Vec<T>, total: i64) -> Paged<T> {
        Paged {
            results,
            page: self.page,
            per_page: self.per_page,
            total,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub results: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// Items on every page together.
    pub total: i64,
}

/// Writes the audit entry of a change, inside the change's transaction. A change whose
/// before and after are the same changed nothing and leaves no entry.
pub async fn audit(
    tx: &mut store::Tx,
    staff: &StaffSession,
    action: &str,
    target_type: &str,
    target_id: impl ToString,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), ApiError> {
    if before.is_some() && before == after {
        return Ok(());
    }
    store::audit::record(
        &mut **tx,
        store::audit::Entry {
            staff_id: Some(staff.staff_id),
            action,
            target_type,
            target_id: target_id.to_string(),
            before,
            after,
        },
        now_unix(),
    )
    .await?;
    Ok(())
}

/// Longest search term accepted: longer ones match nothing useful and make `like` costly.
const SEARCH_MAX_CHARS: usize = 100;

/// The `q` of a list: trimmed, empty as none, at most 100 characters.
pub fn search_term(q: Option<&str>) -> Result<Option<&str>, ApiError> {
    let term = q.map(str::trim).filter(|q| !q.is_empty());
    if term.is_some_and(|q| q.chars().count() > SEARCH_MAX_CHARS) {
        return Err(ApiError::message(
            "El parámetro 'q' debe tener como máximo 100 caracteres",
        ));
    }
    Ok(term)
}

/// Parses a path id; anything that is not a positive integer is simply not found.
pub fn path_id(raw: &str, what: &'static str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ApiError::Missing(what.into()))
}
