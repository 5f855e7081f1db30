//! Staff management, for admins: list, create, deactivate.

use axum::{
    Router,
    extract::{Path, State},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{PageQuery, Paged, StaffSession, audit, path_id};
use crate::{
    domain::{
        staff::{self as staff_rules, Permission},
        time::{lima_datetime, now_unix},
    },
    http::{
        AppState,
        error::ApiError,
        extract::{JsonList, Query},
    },
    store::{self, staff::StaffRow},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(list_staff).post(create_staff))
        .route("/staff/{staff_id}/deactivate", post(deactivate_staff))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    id: i64,
    email: String,
    name: String,
    role: String,
    active: bool,
    /// `YYYY-MM-DD HH:MM:SS`, Lima time.
    created_at: String,
}

impl From<StaffRow> for StaffView {
    fn from(row: StaffRow) -> Self {
        Self {
            id: row.staff_id,
            active: row.is_active(),
            created_at: lima_datetime(row.created_at),
            email: row.email,
            name: row.name,
            role: row.role,
        }
    }
}

impl StaffView {
    fn audit_json(&self) -> serde_json::Value {
        json!({ "email": self.email, "name": self.name, "role": self.role, "active": self.active })
    }
}

/// Every staff account.
#[utoipa::path(get, path = "/api/backoffice/staff/", tag = "backoffice",
    security(("staff_token" = [])), params(PageQuery),
    responses((status = 200, body = Paged<StaffView>), (status = 401), (status = 403)))]
pub async fn list_staff(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(page): Query<PageQuery>,
) -> Result<axum::Json<Paged<StaffView>>, ApiError> {
    staff.require(Permission::Administer)?;
    let page = page.resolve()?;

    let pool = state.store.pool();
    let rows = store::staff::list(pool, page.limit(), page.offset()).await?;
    let total = store::staff::count(pool).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(StaffView::from).collect(),
        total,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct NewStaff {
    email: String,
    name: String,
    /// `admin`, `ops` or `viewer`.
    role: String,
    /// At least 6 characters with a letter and a digit.
    password: String,
}

/// Create a staff account (admin only).
#[utoipa::path(post, path = "/api/backoffice/staff/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewStaff,
    responses((status = 201, body = StaffView), (status = 400), (status = 403), (status = 409)))]
pub async fn create_staff(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewStaff>,
) -> Result<(axum::http::StatusCode, axum::Json<StaffView>), ApiError> {
    staff.require(Permission::Administer)?;
    let (email, name, role) =
        staff_rules::check_new(&body.email, &body.name, &body.role, &body.password)
            .map_err(ApiError::Messages)?;
    let hash = state.hash_password(body.password).await?;

    let mut tx = state.store.begin_write().await?;
    let staff_id =
        match store::staff::insert(&mut *tx, &email, &name, role.as_str(), &hash, now_unix()).await
        {
            Err(err) if store::is_unique_violation(&err) => {
                return Err(ApiError::conflict("El campo 'email' ya está registrado"));
            }
            other => other?,
        };
    let created: StaffView = store::staff::get(&mut *tx, staff_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("staff {staff_id} vanished"))?
        .into();
    audit(
        &mut tx,
        &staff,
        "staff.create",
        "staff",
        staff_id,
        None,
        Some(created.audit_json()),
    )
    .await?;
    tx.commit().await?;
    Ok((axum::http::StatusCode::CREATED, axum::Json(created)))
}

/// Deactivate a staff account and revoke its tokens (admin only).
#[utoipa::path(post, path = "/api/backoffice/staff/{staff_id}/deactivate/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = StaffView), (status = 403), (status = 404), (status = 409)))]
pub async fn deactivate_staff(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<StaffView>, ApiError> {
    staff.require(Permission::Administer)?;
    let staff_id = path_id(&raw_id, "Personal no encontrado")?;
    if staff_id == staff.staff_id {
        return Err(ApiError::conflict("No puedes desactivar tu propia cuenta"));
    }

    let mut tx = state.store.begin_write().await?;
    let before: StaffView = store::staff::get(&mut *tx, staff_id)
        .await?
        .ok_or_else(|| ApiError::missing("Personal no encontrado"))?
        .into();
    if !before.active {
        return Err(ApiError::conflict("La cuenta ya está desactivada"));
    }
    let now = now_unix();
    store::staff::deactivate(&mut *tx, staff_id, now).await?;
    store::staff::revoke_all_tokens(&mut *tx, staff_id, now).await?;
    let after: StaffView = store::staff::get(&mut *tx, staff_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("staff {staff_id} vanished"))?
        .into();
    audit(
        &mut tx,
        &staff,
        "staff.deactivate",
        "staff",
        staff_id,
        Some(before.audit_json()),
        Some(after.audit_json()),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}
