//! Tips and their categories; a tip flagged `is_popular` shows in the app's popular list.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Change, Checks, Snapshot, code_conflict, commit_creation};
use crate::{
    domain::{
        staff::Permission,
        time::{lima_date, now_unix},
    },
    http::{
        AppState,
        backoffice::{PageQuery, Paged, StaffSession, path_id},
        commons::{TIP_CATEGORY_NOT_FOUND, paragraphs},
        error::ApiError,
        extract::{JsonList, Query},
        views::Status,
    },
    store::{
        Tx,
        commons::{self as content, Item, TipCategoryRow, TipFields, TipRow},
    },
};

const TIP_NOT_FOUND: &str = "Consejo no encontrado";

#[derive(Debug, Serialize, ToSchema)]
pub struct TipCategoryEntry {
    id: i64,
    code_name: String,
    name: String,
    description: String,
}

impl From<TipCategoryRow> for TipCategoryEntry {
    fn from(row: TipCategoryRow) -> Self {
        Self {
            id: row.tip_category_id,
            code_name: row.code_name,
            name: row.name,
            description: row.description,
        }
    }
}

impl Snapshot for TipCategoryEntry {
    const ITEM: Item = Item::TipCategory;
    const TARGET: &'static str = "tip_category";
    const NOT_FOUND: &'static str = TIP_CATEGORY_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        Ok(content::tip_category(&mut **db, id).await?.map(Self::from))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TipEntry {
    id: i64,
    title: String,
    /// Paragraphs.
    content: Vec<String>,
    is_popular: bool,
    /// The category's code name.
    category: String,
    created_at: String,
}

impl TipEntry {
    fn from_row(row: TipRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: row.tip_id,
            content: paragraphs(&row.content)?,
            is_popular: row.is_popular(),
            created_at: lima_date(row.created_at),
            title: row.title,
            category: row.category_code,
        })
    }
}

impl Snapshot for TipEntry {
    const ITEM: Item = Item::Tip;
    const TARGET: &'static str = "tip";
    const NOT_FOUND: &'static str = TIP_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        content::tip(&mut **db, id)
            .await?
            .map(Self::from_row)
            .transpose()
    }
}

/// The tip categories.
#[utoipa::path(get, path = "/api/backoffice/tip-categories/", tag = "backoffice",
    security(("staff_token" = [])), params(PageQuery),
    responses((status = 200, body = Paged<TipCategoryEntry>), (status = 401)))]
pub async fn list_tip_categories(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Paged<TipCategoryEntry>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = query.resolve()?;

    let pool = state.store.pool();
    let rows = content::tip_categories(pool, page.limit(), page.offset()).await?;
    let total = content::count_tip_categories(pool).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(TipCategoryEntry::from).collect(),
        total,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTipCategory {
    code_name: String,
    name: String,
    #[serde(default)]
    description: String,
}

/// Add a tip category.
#[utoipa::path(post, path = "/api/backoffice/tip-categories/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewTipCategory,
    responses((status = 201, body = TipCategoryEntry), (status = 400), (status = 403),
        (status = 409)))]
pub async fn create_tip_category(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewTipCategory>,
) -> Result<(StatusCode, axum::Json<TipCategoryEntry>), ApiError> {
    staff.require(Permission::Operate)?;
    let mut checks = Checks::default();
    let code_name = checks.code("code_name", &body.code_name);
    let name = checks.text("name", &body.name, 1, 100);
    let description = checks.text("description", &body.description, 0, 500);
    checks.finish()?;

    let mut tx = state.store.begin_write().await?;
    let id = content::insert_tip_category(&mut *tx, &code_name, &name, &description, now_unix())
        .await
        .map_err(code_conflict)?;
    let created = commit_creation(tx, &staff, "tip_category.create", id).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TipCategoryChanges {
    name: Option<String>,
    description: Option<String>,
}

/// Change a category's name or description; the code name stays, as apps use it.
#[utoipa::path(patch, path = "/api/backoffice/tip-categories/{tip_category_id}/",
    tag = "backoffice", security(("staff_token" = [])), request_body = TipCategoryChanges,
    responses((status = 200, body = TipCategoryEntry), (status = 400), (status = 403),
        (status = 404)))]
pub async fn update_tip_category(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(changes): JsonList<TipCategoryChanges>,
) -> Result<axum::Json<TipCategoryEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, TIP_CATEGORY_NOT_FOUND)?;

    let mut change = Change::<TipCategoryEntry>::begin(&state, id).await?;
    let before = &change.before;
    let mut checks = Checks::default();
    let name = checks.text(
        "name",
        changes.name.as_ref().unwrap_or(&before.name),
        1,
        100,
    );
    let description = checks.text(
        "description",
        changes.description.as_ref().unwrap_or(&before.description),
        0,
        500,
    );
    checks.finish()?;
    content::update_tip_category(&mut *change.tx, id, &name, &description).await?;
    Ok(axum::Json(
        change.commit(&staff, "tip_category.update").await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TipFilter {
    /// A category's code name.
    category: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Tips, newest first, optionally of one category.
#[utoipa::path(get, path = "/api/backoffice/tips/", tag = "backoffice",
    security(("staff_token" = [])), params(TipFilter),
    responses((status = 200, body = Paged<TipEntry>), (status = 401), (status = 404)))]
pub async fn list_tips(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<TipFilter>,
) -> Result<axum::Json<Paged<TipEntry>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;

    let pool = state.store.pool();
    let category_id = match query.category.as_deref() {
        None => None,
        Some(code) => Some(
            content::tip_category_by_code(pool, code)
                .await?
                .ok_or_else(|| ApiError::missing(TIP_CATEGORY_NOT_FOUND))?
                .tip_category_id,
        ),
    };
    let rows = content::tips(pool, category_id, page.limit(), page.offset()).await?;
    let total = content::count_tips(pool, category_id).await?;
    let entries = rows
        .into_iter()
        .map(TipEntry::from_row)
        .collect::<Result<_, _>>()?;
    Ok(axum::Json(page.answer(entries, total)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTip {
    /// The category's code name.
    category: String,
    title: String,
    /// 1 to 20 paragraphs.
    content: Vec<String>,
    #[serde(default)]
    is_popular: bool,
}

/// The id of the category named by `code`, or a failed check on `category`.
async fn category_id(
    db: impl sqlx::AnyExecutor<'_>,
    checks: &mut Checks,
    code: &str,
) -> Result<i64, ApiError> {
    let found = content::tip_category_by_code(db, code).await?;
    Ok(match found {
        Some(category) => category.tip_category_id,
        None => {
            checks.fail("category", "no es una categoría de consejos");
            0
        }
    })
}

/// Add a tip.
#[utoipa::path(post, path = "/api/backoffice/tips/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewTip,
    responses((status = 201, body = TipEntry), (status = 400), (status = 403)))]
pub async fn create_tip(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewTip>,
) -> Result<(StatusCode, axum::Json<TipEntry>), ApiError> {
    staff.require(Permission::Operate)?;
    let mut checks = Checks::default();
    let fields = TipFields {
        tip_category_id: category_id(state.store.pool(), &mut checks, &body.category).await?,
        title: checks.text("title", &body.title, 1, 200),
        content: checks.paragraphs("content", &body.content),
        is_popular: body.is_popular,
    };
    checks.finish()?;

    let mut tx = state.store.begin_write().await?;
    let id = content::insert_tip(&mut *tx, &fields, now_unix()).await?;
    let created = commit_creation(tx, &staff, "tip.create", id).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TipChanges {
    category: Option<String>,
    title: Option<String>,
    content: Option<Vec<String>>,
    /// Shows the tip in the app's popular list.
    is_popular: Option<bool>,
}

/// Change a tip, or mark it popular or not.
#[utoipa::path(patch, path = "/api/backoffice/tips/{tip_id}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = TipChanges,
    responses((status = 200, body = TipEntry), (status = 400), (status = 403), (status = 404)))]
pub async fn update_tip(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(changes): JsonList<TipChanges>,
) -> Result<axum::Json<TipEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, TIP_NOT_FOUND)?;

    let mut change = Change::<TipEntry>::begin(&state, id).await?;
    let before = &change.before;
    let mut checks = Checks::default();
    let category = changes.category.as_ref().unwrap_or(&before.category);
    let fields = TipFields {
        tip_category_id: category_id(&mut *change.tx, &mut checks, category).await?,
        title: checks.text(
            "title",
            changes.title.as_ref().unwrap_or(&before.title),
            1,
            200,
        ),
        content: checks.paragraphs(
            "content",
            changes.content.as_ref().unwrap_or(&before.content),
        ),
        is_popular: changes.is_popular.unwrap_or(before.is_popular),
    };
    checks.finish()?;
    content::update_tip(&mut *change.tx, id, &fields).await?;
    Ok(axum::Json(change.commit(&staff, "tip.update").await?))
}

/// Remove a tip.
#[utoipa::path(delete, path = "/api/backoffice/tips/{tip_id}/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = Status), (status = 403), (status = 404)))]
pub async fn delete_tip(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<Status>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, TIP_NOT_FOUND)?;

    let change = Change::<TipEntry>::begin(&state, id).await?;
    change.delete(&staff, "tip.delete").await?;
    Ok(axum::Json(Status::OK))
}
