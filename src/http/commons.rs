//! The app's commons endpoints: content that needs no token (Uber plans, contacts, FAQs,
//! tips), read straight from the tables the back office edits, so an edit shows at once.

use axum::{
    Router,
    extract::{Path, State},
    routing::get,
};
use chrono::Datelike;
use serde::Serialize;
use utoipa::ToSchema;

use super::{AppState, error::ApiError};
use crate::{
    domain::time::{lima_date, lima_today},
    store::commons::{self as content, ContactRow, LIST_LIMIT, TipCategoryRow, TipRow},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/commons/uber_plans", get(list_uber_plans))
        .route("/commons/emergency_contacts", get(list_emergency_contacts))
        .route("/commons/mechanical-contacts", get(get_mechanical_contacts))
        .route("/commons/uber-contacts", get(get_uber_contact))
        .route("/commons/service_contacts", get(list_service_contacts))
        .route("/commons/faqs", get(list_faqs))
        .route("/commons/tips/categories", get(list_tip_categories))
        .route("/commons/tips/today", get(list_todays_tips))
        .route("/commons/tips/popular", get(list_popular_tips))
        .route(
            "/commons/tips/category/{code_name}",
            get(list_category_tips),
        )
}

pub const TIP_CATEGORY_NOT_FOUND: &str = "Categoría no encontrada";

/// How many tips "today" shows.
pub const TODAYS_TIPS: i64 = 3;

/// The most tips "popular" shows.
pub const POPULAR_TIPS: i64 = 20;

#[derive(Debug, Serialize, ToSchema)]
pub struct UberPlansView {
    uber_plans: Vec<UberPlanView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UberPlanView {
    name: String,
    code_name: String,
    /// The discount on the weekly amount, 0 to 100.
    discount_percent: i64,
    description: String,
}

/// The Uber plan tiers, lowest discount first.
#[utoipa::path(get, path = "/api/v1/commons/uber_plans/", tag = "commons",
    responses((status = 200, body = UberPlansView)))]
pub async fn list_uber_plans(
    State(state): State<AppState>,
) -> Result<axum::Json<UberPlansView>, ApiError> {
    let rows = content::uber_plans(state.store.pool(), LIST_LIMIT, 0).await?;
    let uber_plans = rows
        .into_iter()
        .map(|p| UberPlanView {
            name: p.name,
            code_name: p.code_name,
            discount_percent: p.discount_percent,
            description: p.description,
        })
        .collect();
    Ok(axum::Json(UberPlansView { uber_plans }))
}

/// What to do in each emergency case, and whom to call.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct EmergencyContactsView {
    accidents: EmergencyCaseView,
    block: EmergencyCaseView,
    steal: EmergencyCaseView,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct EmergencyCaseView {
    contacts: Vec<EmergencyContactView>,
    info: EmergencyCaseInfo,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct EmergencyCaseInfo {
    name: String,
    description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmergencyContactView {
    contact_name: String,
    in_case: String,
    phone_number: String,
    description: String,
}

/// The three emergency cases (`accidents`, `block`, `steal`) with their contacts.
#[utoipa::path(get, path = "/api/v1/commons/emergency_contacts/", tag = "commons",
    responses((status = 200, body = EmergencyContactsView)))]
pub async fn list_emergency_contacts(
    State(state): State<AppState>,
) -> Result<axum::Json<EmergencyContactsView>, ApiError> {
    let pool = state.store.pool();
    let cases = content::emergency_cases(pool).await?;
    let contacts = content::emergency_contacts(pool).await?;

    let mut view = EmergencyContactsView::default();
    for case in cases {
        if let Some(target) = view.case_mut(&case.code_name) {
            target.info = EmergencyCaseInfo {
                name: case.name,
                description: case.description,
            };
        }
    }
    for contact in contacts {
        if let Some(target) = view.case_mut(&contact.case_code) {
            target.contacts.push(EmergencyContactView {
                contact_name: contact.contact_name,
                in_case: contact.in_case,
                phone_number: contact.phone_number,
                description: contact.description,
            });
        }
    }
    Ok(axum::Json(view))
}

impl EmergencyContactsView {
    fn case_mut(&mut self, code_name: &str) -> Option<&mut EmergencyCaseView> {
        match code_name {
            "accidents" => Some(&mut self.accidents),
            "block" => Some(&mut self.block),
            "steal" => Some(&mut self.steal),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ContactView {
    contact_name: String,
    phone_number: String,
}

impl From<ContactRow> for ContactView {
    fn from(row: ContactRow) -> Self {
        Self {
            contact_name: row.contact_name,
            phone_number: row.phone_number,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MechanicalContactsView {
    mechanical: ContactView,
    emergency: ContactView,
}

/// The contact of one kind (`mechanical`, `emergency`, `uber`); seeded for every kind, and
/// empty only if that row were missing.
async fn contact_of(state: &AppState, kind: &str) -> Result<ContactView, ApiError> {
    let row = content::contact_by_kind(state.store.pool(), kind).await?;
    Ok(row.map(ContactView::from).unwrap_or_default())
}

/// The mechanic and the emergency line.
#[utoipa::path(get, path = "/api/v1/commons/mechanical-contacts/", tag = "commons",
    responses((status = 200, body = MechanicalContactsView)))]
pub async fn get_mechanical_contacts(
    State(state): State<AppState>,
) -> Result<axum::Json<MechanicalContactsView>, ApiError> {
    Ok(axum::Json(MechanicalContactsView {
        mechanical: contact_of(&state, "mechanical").await?,
        emergency: contact_of(&state, "emergency").await?,
    }))
}

/// Whom to call about the Uber plans.
#[utoipa::path(get, path = "/api/v1/commons/uber-contacts/", tag = "commons",
    responses((status = 200, body = ContactView)))]
pub async fn get_uber_contact(
    State(state): State<AppState>,
) -> Result<axum::Json<ContactView>, ApiError> {
    Ok(axum::Json(contact_of(&state, "uber").await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceContactView {
    label: String,
    code_name: String,
    value: String,
}

/// The customer-service channels (WhatsApp, phone, email, hours).
#[utoipa::path(get, path = "/api/v1/commons/service_contacts/", tag = "commons",
    responses((status = 200, body = Vec<ServiceContactView>)))]
pub async fn list_service_contacts(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<ServiceContactView>>, ApiError> {
    let rows = content::service_contacts(state.store.pool()).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|s| ServiceContactView {
                label: s.label,
                code_name: s.code_name,
                value: s.value,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FaqView {
    title: String,
    /// Paragraphs.
    content: Vec<String>,
    /// `YYYY-MM-DD`, Lima.
    created_at: String,
}

/// Paragraphs stored as a JSON array of strings.
pub fn paragraphs(stored: &str) -> Result<Vec<String>, ApiError> {
    serde_json::from_str(stored)
        .map_err(|err| anyhow::anyhow!("stored paragraphs are not a JSON list: {err}").into())
}

/// Frequently asked questions, in the order they were written.
#[utoipa::path(get, path = "/api/v1/commons/faqs/", tag = "commons",
    responses((status = 200, body = Vec<FaqView>)))]
pub async fn list_faqs(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<FaqView>>, ApiError> {
    let rows = content::faqs(state.store.pool(), LIST_LIMIT, 0).await?;
    let faqs = rows
        .into_iter()
        .map(|f| {
            Ok(FaqView {
                content: paragraphs(&f.content)?,
                title: f.title,
                created_at: lima_date(f.created_at),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(axum::Json(faqs))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TipCategoryView {
    name: String,
    code_name: String,
    description: String,
}

impl From<TipCategoryRow> for TipCategoryView {
    fn from(row: TipCategoryRow) -> Self {
        Self {
            name: row.name,
            code_name: row.code_name,
            description: row.description,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TipView {
    title: String,
    /// Paragraphs.
    content: Vec<String>,
    is_popular: bool,
    category: TipCategoryView,
    /// `YYYY-MM-DD`, Lima.
    created_at: String,
}

impl TipView {
    pub fn from_row(row: TipRow) -> Result<Self, ApiError> {
        Ok(Self {
            content: paragraphs(&row.content)?,
            is_popular: row.is_popular(),
            created_at: lima_date(row.created_at),
            title: row.title,
            category: TipCategoryView {
                name: row.category_name,
                code_name: row.category_code,
                description: row.category_description,
            },
        })
    }
}

fn tip_views(rows: Vec<TipRow>) -> Result<axum::Json<Vec<TipView>>, ApiError> {
    let views = rows
        .into_iter()
        .map(TipView::from_row)
        .collect::<Result<_, _>>()?;
    Ok(axum::Json(views))
}

/// The tip categories.
#[utoipa::path(get, path = "/api/v1/commons/tips/categories/", tag = "commons",
    responses((status = 200, body = Vec<TipCategoryView>)))]
pub async fn list_tip_categories(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<TipCategoryView>>, ApiError> {
    let rows = content::tip_categories(state.store.pool(), LIST_LIMIT, 0).await?;
    Ok(axum::Json(
        rows.into_iter().map(TipCategoryView::from).collect(),
    ))
}

/// Where today's tips start among `total` tips in id order: a window of `TODAYS_TIPS`
/// that moves on by `TODAYS_TIPS` each Lima day, so every tip comes round in turn.
pub fn todays_start(lima_day_number: i64, total: i64) -> i64 {
    if total == 0 {
        0
    } else {
        (lima_day_number * TODAYS_TIPS).rem_euclid(total)
    }
}

/// Today's tips: the same for everyone all day (Lima), changing each day.
#[utoipa::path(get, path = "/api/v1/commons/tips/today/", tag = "commons",
    responses((status = 200, body = Vec<TipView>)))]
pub async fn list_todays_tips(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<TipView>>, ApiError> {
    let pool = state.store.pool();
    let total = content::count_tips(pool, None).await?;
    let start = todays_start(i64::from(lima_today().num_days_from_ce()), total);

    let mut rows = content::tips_by_id(pool, TODAYS_TIPS, start).await?;
    // The window wraps past the last tip back to the first, never repeating one.
    let missing = TODAYS_TIPS.min(total) - rows.len() as i64;
    if missing > 0 {
        rows.extend(content::tips_by_id(pool, missing, 0).await?);
    }
    tip_views(rows)
}

/// The tips the back office marked popular, newest first.
#[utoipa::path(get, path = "/api/v1/commons/tips/popular/", tag = "commons",
    responses((status = 200, body = Vec<TipView>)))]
pub async fn list_popular_tips(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<TipView>>, ApiError> {
    tip_views(content::popular_tips(state.store.pool(), POPULAR_TIPS).await?)
}

/// The tips of one category, newest first.
#[utoipa::path(get, path = "/api/v1/commons/tips/category/{code_name}/", tag = "commons",
    params(("code_name" = String, Path, description = "The category's code name")),
    responses((status = 200, body = Vec<TipView>),
        (status = 404, description = "`{\"error\": \"Categoría no encontrada\"}`")))]
pub async fn list_category_tips(
    State(state): State<AppState>,
    Path(code_name): Path<String>,
) -> Result<axum::Json<Vec<TipView>>, ApiError> {
    let pool = state.store.pool();
    let category = content::tip_category_by_code(pool, &code_name)
        .await?
        .ok_or_else(|| ApiError::missing(TIP_CATEGORY_NOT_FOUND))?;
    let rows = content::tips(pool, Some(category.tip_category_id), LIST_LIMIT, 0).await?;
    tip_views(rows)
}
