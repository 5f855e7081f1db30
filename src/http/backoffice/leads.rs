//! Following up sales leads: list and search them, mark them contacted, and link them to
//! the client made from them.

use axum::{
    Router,
    extract::{Path, State},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, Paged, StaffSession, audit, path_id};
use crate::{
    domain::{
        lead::LeadStatus,
        staff::Permission,
        time::{lima_datetime, now_unix},
    },
    http::{
        AppState,
        error::ApiError,
        extract::{Json, Query},
    },
    store::{self, Locked, Tx, leads::LeadRow},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leads", get(list_leads))
        .route("/leads/{lead_id}/contacted", post(mark_lead_contacted))
        .route("/leads/{lead_id}/converted", post(mark_lead_converted))
}

const LEAD_NOT_FOUND: &str = "Lead no encontrado";
const CLIENT_NOT_FOUND: &str = "Cliente no encontrado";

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadView {
    id: i64,
    first_name: String,
    last_name: String,
    document: String,
    phone_number: String,
    email: String,
    time_working: String,
    utm_source: String,
    utm_medium: String,
    /// `Nuevo` or `Semi nuevo`.
    car_of_interest: String,
    /// `new`, `contacted` or `converted`.
    status: String,
    /// The client made from the lead, once converted.
    client_id: Option<i64>,
    /// `YYYY-MM-DD HH:MM:SS`, Lima time, like the other two instants.
    created_at: String,
    contacted_at: Option<String>,
    converted_at: Option<String>,
}

impl From<LeadRow> for LeadView {
    fn from(row: LeadRow) -> Self {
        Self {
            id: row.lead_id,
            first_name: row.first_name,
            last_name: row.last_name,
            document: row.document,
            phone_number: row.phone_number,
            email: row.email,
            time_working: row.time_working,
            utm_source: row.utm_source,
            utm_medium: row.utm_medium,
            car_of_interest: row.car_of_interest,
            status: row.status,
            client_id: row.client_id,
            created_at: lima_datetime(row.created_at),
            contacted_at: row.contacted_at.map(lima_datetime),
            converted_at: row.converted_at.map(lima_datetime),
        }
    }
}

impl LeadView {
    fn status(&self) -> Result<LeadStatus, ApiError> {
        LeadStatus::parse(&self.status)
            .ok_or_else(|| anyhow::anyhow!("lead {} has unknown status", self.id).into())
    }

    /// The audited part: what staff change.
    fn audit_json(&self) -> serde_json::Value {
        json!({
            "status": self.status, "client_id": self.client_id,
            "contacted_at": self.contacted_at, "converted_at": self.converted_at,
        })
    }
}

async fn load_lead(db: &mut Tx, lead_id: i64) -> Result<LeadView, ApiError> {
    store::leads::get(&mut **db, lead_id)
        .await?
        .map(LeadView::from)
        .ok_or_else(|| ApiError::missing(LEAD_NOT_FOUND))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LeadSearch {
    /// `new`, `contacted` or `converted`.
    status: Option<String>,
    /// Part of the document, name or email.
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Leads, newest first, optionally of one status and searched by document, name or email.
#[utoipa::path(get, path = "/api/backoffice/leads/", tag = "backoffice",
    security(("staff_token" = [])), params(LeadSearch),
    responses((status = 200, body = Paged<LeadView>), (status = 400), (status = 401)))]
pub async fn list_leads(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<LeadSearch>,
) -> Result<axum::Json<Paged<LeadView>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(LeadStatus::parse(raw).ok_or_else(|| {
            ApiError::message("El parámetro 'status' debe ser new, contacted o converted")
        })?),
    };
    let status = status.map(LeadStatus::as_str);
    let search = super::search_term(query.q.as_deref())?;

    let pool = state.store.pool();
    let rows = store::leads::search(pool, status, search, page.limit(), page.offset()).await?;
    let total = store::leads::count_search(pool, status, search).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(LeadView::from).collect(),
        total,
    )))
}

/// Mark a new lead as contacted.
#[utoipa::path(post, path = "/api/backoffice/leads/{lead_id}/contacted/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = LeadView), (status = 403), (status = 404),
        (status = 409, description = "The lead was already contacted or converted")))]
pub async fn mark_lead_contacted(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<LeadView>, ApiError> {
    staff.require(Permission::Operate)?;
    let lead_id = path_id(&raw_id, LEAD_NOT_FOUND)?;

    let mut tx = state.store.begin_write().await?;
    if !state.store.lock(&mut tx, Locked::Lead, lead_id).await? {
        return Err(ApiError::missing(LEAD_NOT_FOUND));
    }
    let before = load_lead(&mut tx, lead_id).await?;
    if let Some(reason) = before.status()?.contact_refusal() {
        return Err(ApiError::conflict(reason));
    }
    store::leads::mark_contacted(&mut *tx, lead_id, now_unix()).await?;
    let after = load_lead(&mut tx, lead_id).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        &staff,
        "lead.contacted",
        "lead",
        lead_id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Conversion {
    /// The client registered from the lead.
    client_id: i64,
}

/// Mark a lead as converted into the given client.
#[utoipa::path(post, path = "/api/backoffice/leads/{lead_id}/converted/", tag = "backoffice",
    security(("staff_token" = [])), request_body = Conversion,
    responses((status = 200, body = LeadView), (status = 400), (status = 403), (status = 404),
        (status = 409, description = "The lead was already converted")))]
pub async fn mark_lead_converted(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    Json(body): Json<Conversion>,
) -> Result<axum::Json<LeadView>, ApiError> {
    staff.require(Permission::Operate)?;
    let lead_id = path_id(&raw_id, LEAD_NOT_FOUND)?;

    let mut tx = state.store.begin_write().await?;
    if !state.store.lock(&mut tx, Locked::Lead, lead_id).await? {
        return Err(ApiError::missing(LEAD_NOT_FOUND));
    }
    let before = load_lead(&mut tx, lead_id).await?;
    if let Some(reason) = before.status()?.conversion_refusal() {
        return Err(ApiError::conflict(reason));
    }
    if store::clients::get(&mut *tx, body.client_id)
        .await?
        .is_none()
    {
        return Err(ApiError::missing(CLIENT_NOT_FOUND));
    }
    store::leads::mark_converted(&mut *tx, lead_id, body.client_id, now_unix()).await?;
    let after = load_lead(&mut tx, lead_id).await?;
    let (b, a) = (before.audit_json(), after.audit_json());
    audit(
        &mut tx,
        &staff,
        "lead.converted",
        "lead",
        lead_id,
        Some(b),
        Some(a),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}
