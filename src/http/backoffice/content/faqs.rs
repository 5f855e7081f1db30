//! The frequently asked questions.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Change, Checks, Snapshot, commit_creation};
use crate::{
    domain::{
        staff::Permission,
        time::{lima_date, now_unix},
    },
    http::{
        AppState,
        backoffice::{PageQuery, Paged, StaffSession, path_id},
        commons::paragraphs,
        error::ApiError,
        extract::{JsonList, Query},
        views::Status,
    },
    store::{
        Tx,
        commons::{self as content, FaqRow, Item},
    },
};

const FAQ_NOT_FOUND: &str = "Pregunta frecuente no encontrada";

#[derive(Debug, Serialize, ToSchema)]
pub struct FaqEntry {
    id: i64,
    title: String,
    /// Paragraphs.
    content: Vec<String>,
    created_at: String,
}

impl FaqEntry {
    fn from_row(row: FaqRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: row.faq_id,
            content: paragraphs(&row.content)?,
            title: row.title,
            created_at: lima_date(row.created_at),
        })
    }
}

impl Snapshot for FaqEntry {
    const ITEM: Item = Item::Faq;
    const TARGET: &'static str = "faq";
    const NOT_FOUND: &'static str = FAQ_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        content::faq(&mut **db, id)
            .await?
            .map(Self::from_row)
            .transpose()
    }
}

/// The FAQs, in the order the app shows them.
#[utoipa::path(get, path = "/api/backoffice/faqs/", tag = "backoffice",
    security(("staff_token" = [])), params(PageQuery),
    responses((status = 200, body = Paged<FaqEntry>), (status = 401)))]
pub async fn list_faqs(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Paged<FaqEntry>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = query.resolve()?;

    let pool = state.store.pool();
    let rows = content::faqs(pool, page.limit(), page.offset()).await?;
    let total = content::count_faqs(pool).await?;
    let entries = rows
        .into_iter()
        .map(FaqEntry::from_row)
        .collect::<Result<_, _>>()?;
    Ok(axum::Json(page.answer(entries, total)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewFaq {
    title: String,
    /// 1 to 20 paragraphs.
    content: Vec<String>,
}

/// Add a FAQ; it comes last in the app.
#[utoipa::path(post, path = "/api/backoffice/faqs/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewFaq,
    responses((status = 201, body = FaqEntry), (status = 400), (status = 403)))]
pub async fn create_faq(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewFaq>,
) -> Result<(StatusCode, axum::Json<FaqEntry>), ApiError> {
    staff.require(Permission::Operate)?;
    let mut checks = Checks::default();
    let title = checks.text("title", &body.title, 1, 200);
    let content_json = checks.paragraphs("content", &body.content);
    checks.finish()?;

    let mut tx = state.store.begin_write().await?;
    let id = content::insert_faq(&mut *tx, &title, &content_json, now_unix()).await?;
    let created = commit_creation(tx, &staff, "faq.create", id).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FaqChanges {
    title: Option<String>,
    content: Option<Vec<String>>,
}

/// Change a FAQ's title or paragraphs.
#[utoipa::path(patch, path = "/api/backoffice/faqs/{faq_id}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = FaqChanges,
    responses((status = 200, body = FaqEntry), (status = 400), (status = 403), (status = 404)))]
pub async fn update_faq(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(changes): JsonList<FaqChanges>,
) -> Result<axum::Json<FaqEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, FAQ_NOT_FOUND)?;

    let mut change = Change::<FaqEntry>::begin(&state, id).await?;
    let before = &change.before;
    let mut checks = Checks::default();
    let title = checks.text(
        "title",
        changes.title.as_ref().unwrap_or(&before.title),
        1,
        200,
    );
    let content_json = checks.paragraphs(
        "content",
        changes.content.as_ref().unwrap_or(&before.content),
    );
    checks.finish()?;
    content::update_faq(&mut *change.tx, id, &title, &content_json).await?;
    Ok(axum::Json(change.commit(&staff, "faq.update").await?))
}

/// Remove a FAQ.
#[utoipa::path(delete, path = "/api/backoffice/faqs/{faq_id}/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = Status), (status = 403), (status = 404)))]
pub async fn delete_faq(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<Status>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, FAQ_NOT_FOUND)?;

    let change = Change::<FaqEntry>::begin(&state, id).await?;
    change.delete(&staff, "faq.delete").await?;
    Ok(axum::Json(Status::OK))
}
