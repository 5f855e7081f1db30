//! The Uber plan tiers: the same records that give clients their `uber_plan`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Change, Checks, Snapshot, code_conflict, commit_creation};
use crate::{
    domain::{staff::Permission, time::now_unix},
    http::{
        AppState,
        backoffice::{PageQuery, Paged, StaffSession, path_id},
        error::ApiError,
        extract::{JsonList, Query},
    },
    store::{
        Tx,
        commons::{self as content, Item, UberPlanRow},
    },
};

const UBER_PLAN_NOT_FOUND: &str = "Plan de Uber no encontrado";

#[derive(Debug, Serialize, ToSchema)]
pub struct UberPlanEntry {
    id: i64,
    code_name: String,
    name: String,
    discount_percent: i64,
    description: String,
}

impl From<UberPlanRow> for UberPlanEntry {
    fn from(row: UberPlanRow) -> Self {
        Self {
            id: row.uber_plan_id,
            code_name: row.code_name,
            name: row.name,
            discount_percent: row.discount_percent,
            description: row.description,
        }
    }
}

impl Snapshot for UberPlanEntry {
    const ITEM: Item = Item::UberPlan;
    const TARGET: &'static str = "uber_plan";
    const NOT_FOUND: &'static str = UBER_PLAN_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        Ok(content::uber_plan(&mut **db, id).await?.map(Self::from))
    }
}

/// The Uber plan tiers, lowest discount first.
#[utoipa::path(get, path = "/api/backoffice/uber-plans/", tag = "backoffice",
    security(("staff_token" = [])), params(PageQuery),
    responses((status = 200, body = Paged<UberPlanEntry>), (status = 401)))]
pub async fn list_uber_plans(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Paged<UberPlanEntry>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = query.resolve()?;

    let pool = state.store.pool();
    let rows = content::uber_plans(pool, page.limit(), page.offset()).await?;
    let total = content::count_uber_plans(pool).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(UberPlanEntry::from).collect(),
        total,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUberPlan {
    code_name: String,
    name: String,
    /// 0 to 100.
    discount_percent: i64,
    #[serde(default)]
    description: String,
}

/// Add an Uber plan tier.
#[utoipa::path(post, path = "/api/backoffice/uber-plans/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewUberPlan,
    responses((status = 201, body = UberPlanEntry), (status = 400), (status = 403),
        (status = 409)))]
pub async fn create_uber_plan(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewUberPlan>,
) -> Result<(StatusCode, axum::Json<UberPlanEntry>), ApiError> {
    staff.require(Permission::Operate)?;
    let mut checks = Checks::default();
    let code_name = checks.code("code_name", &body.code_name);
    let name = checks.text("name", &body.name, 1, 100);
    let discount = checks.percent("discount_percent", body.discount_percent);
    let description = checks.text("description", &body.description, 0, 500);
    checks.finish()?;

    let mut tx = state.store.begin_write().await?;
    let id = content::insert_uber_plan(
        &mut *tx,
        &code_name,
        &name,
        discount,
        &description,
        now_unix(),
    )
    .await
    .map_err(code_conflict)?;
    let created = commit_creation(tx, &staff, "uber_plan.create", id).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UberPlanChanges {
    name: Option<String>,
    /// 0 to 100.
    discount_percent: Option<i64>,
    description: Option<String>,
}

/// Change a tier's name, discount or description; the code name stays, as apps use it.
#[utoipa::path(patch, path = "/api/backoffice/uber-plans/{uber_plan_id}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = UberPlanChanges,
    responses((status = 200, body = UberPlanEntry), (status = 400), (status = 403),
        (status = 404)))]
pub async fn update_uber_plan(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(changes): JsonList<UberPlanChanges>,
) -> Result<axum::Json<UberPlanEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, UBER_PLAN_NOT_FOUND)?;

    let mut change = Change::<UberPlanEntry>::begin(&state, id).await?;
    let before = &change.before;
    let mut checks = Checks::default();
    let name = checks.text(
        "name",
        changes.name.as_ref().unwrap_or(&before.name),
        1,
        100,
    );
    let discount = checks.percent(
        "discount_percent",
        changes.discount_percent.unwrap_or(before.discount_percent),
    );
    let description = checks.text(
        "description",
        changes.description.as_ref().unwrap_or(&before.description),
        0,
        500,
    );
    checks.finish()?;
    content::update_uber_plan(&mut *change.tx, id, &name, discount, &description).await?;
    if discount != before.discount_percent {
        // Clients on this tier get the new percent on every weekly fee they still owe.
        crate::store::invoices::reapply_uber_plan(
            &mut change.tx,
            state.store.backend(),
            id,
            discount,
            now_unix(),
        )
        .await?;
    }
    Ok(axum::Json(change.commit(&staff, "uber_plan.update").await?))
}
