//! Reading the audit trail (admins only). Nothing in the API edits or deletes it.

use axum::{Router, extract::State, routing::get};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, Paged, StaffSession};
use crate::{
    domain::{
        staff::Permission,
        time::{lima, lima_datetime},
    },
    http::{AppState, error::ApiError, extract::Query},
    store::{self, audit::AuditRow},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list_audit))
}

/// Filters of the audit list; dates are Lima days, both included.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    staff_id: Option<i64>,
    /// `client`, `car`, `contract`, `lead`, `staff`, ...
    target_type: Option<String>,
    target_id: Option<String>,
    /// `YYYY-MM-DD`
    from: Option<String>,
    /// `YYYY-MM-DD`
    to: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    id: i64,
    staff_id: Option<i64>,
    /// Null for changes made from the command line.
    staff_email: Option<String>,
    action: String,
    target_type: String,
    target_id: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    /// `YYYY-MM-DD HH:MM:SS`, Lima time.
    created_at: String,
}

impl From<AuditRow> for AuditView {
    fn from(row: AuditRow) -> Self {
        let parse = |json: Option<String>| json.and_then(|j| serde_json::from_str(&j).ok());
        Self {
            id: row.audit_entry_id,
            staff_id: row.staff_id,
            staff_email: row.staff_email,
            action: row.action,
            target_type: row.target_type,
            target_id: row.target_id,
            before: parse(row.before_json),
            after: parse(row.after_json),
            created_at: lima_datetime(row.created_at),
        }
    }
}

/// The start of a Lima day, as unix seconds.
fn lima_day_start(raw: &str, parameter: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        ApiError::Message(
            format!("El parámetro '{parameter}' debe ser una fecha AAAA-MM-DD").into(),
        )
    })
}

fn unix_at_lima_midnight(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(lima())
        .single()
        .expect("Lima has no ambiguous times")
        .timestamp()
}

/// The audit trail, newest first, filtered by staff, target and date range.
#[utoipa::path(get, path = "/api/backoffice/audit/", tag = "backoffice",
    security(("staff_token" = [])), params(AuditQuery),
    responses((status = 200, body = Paged<AuditView>), (status = 401), (status = 403)))]
pub async fn list_audit(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<AuditQuery>,
) -> Result<axum::Json<Paged<AuditView>>, ApiError> {
    staff.require(Permission::Administer)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let from = query
        .from
        .as_deref()
        .map(|d| lima_day_start(d, "from"))
        .transpose()?;
    let to = query
        .to
        .as_deref()
        .map(|d| lima_day_start(d, "to"))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ApiError::message(
            "El parámetro 'from' no puede ser posterior a 'to'",
        ));
    }
    let filter = store::audit::Filter {
        staff_id: query.staff_id,
        target_type: query.target_type,
        target_id: query.target_id,
        since: from.map(unix_at_lima_midnight),
        until: to.and_then(|d| d.succ_opt()).map(unix_at_lima_midnight),
    };

    let pool = state.store.pool();
    let rows = store::audit::list(pool, &filter, page.limit(), page.offset()).await?;
    let total = store::audit::count(pool, &filter).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(AuditView::from).collect(),
        total,
    )))
}
