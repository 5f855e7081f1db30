//! The commons content: Uber plans, emergency and service contacts, FAQs and tips. Every
//! list is bounded by `LIST_LIMIT`; paragraph lists are stored as JSON text.

use sqlx::{AnyExecutor, FromRow};

use super::{Backend, Tx, flag};

/// The most items any commons list answers.
pub const LIST_LIMIT: i64 = 100;

#[derive(Debug, FromRow)]
pub struct UberPlanRow {
    pub uber_plan_id: i64,
    pub code_name: String,
    pub name: String,
    pub discount_percent: i64,
    pub description: String,
}

#[derive(Debug, FromRow)]
pub struct EmergencyCaseRow {
    pub emergency_case_id: i64,
    pub code_name: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, FromRow)]
pub struct EmergencyContactRow {
    pub emergency_contact_id: i64,
    pub case_code: String,
    pub contact_name: String,
    pub in_case: String,
    pub phone_number: String,
    pub description: String,
}

#[derive(Debug, FromRow)]
pub struct ContactRow {
    pub contact_id: i64,
    pub kind: String,
    pub contact_name: String,
    pub phone_number: String,
}

#[derive(Debug, FromRow)]
pub struct ServiceContactRow {
    pub service_contact_id: i64,
    pub code_name: String,
    pub label: String,
    pub value: String,
}

#[derive(Debug, FromRow)]
pub struct FaqRow {
    pub faq_id: i64,
    pub title: String,
    /// A JSON array of paragraphs.
    pub content: String,
    pub created_at: i64,
}

#[derive(Debug, FromRow)]
pub struct TipCategoryRow {
    pub tip_category_id: i64,
    pub code_name: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, FromRow)]
pub struct TipRow {
    pub tip_id: i64,
    pub title: String,
    /// A JSON array of paragraphs.
    pub content: String,
    pub is_popular: i64,
    pub created_at: i64,
    pub category_code: String,
    pub category_name: String,
    pub category_description: String,
}

impl TipRow {
    pub fn is_popular(&self) -> bool {
        flag(self.is_popular)
    }
}

/// A row of commons content that a change locks.
#[derive(Debug, Clone, Copy)]
pub enum Item {
    UberPlan,
    EmergencyCase,
    EmergencyContact,
    Contact,
    ServiceContact,
    Faq,
    TipCategory,
    Tip,
}

impl Item {
    fn table_and_key(self) -> (&'static str, &'static str) {
        match self {
            Self::UberPlan => ("uber_plans", "uber_plan_id"),
            Self::EmergencyCase => ("emergency_cases", "emergency_case_id"),
            Self::EmergencyContact => ("emergency_contacts", "emergency_contact_id"),
            Self::Contact => ("contacts", "contact_id"),
            Self::ServiceContact => ("service_contacts", "service_contact_id"),
            Self::Faq => ("faqs", "faq_id"),
            Self::TipCategory => ("tip_categories", "tip_category_id"),
            Self::Tip => ("tips", "tip_id"),
        }
    }
}

/// Locks the row for the rest of the transaction on PostgreSQL (SQLite's `begin
/// immediate` already holds the write lock); answers whether it exists.
pub async fn lock(tx: &mut Tx, backend: Backend, item: Item, id: i64) -> sqlx::Result<bool> {
    let (table, key) = item.table_and_key();
    let suffix = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " for update",
    };
    let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select {key} from {table} where {key} = $1{suffix}"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Deletes one row; answers whether it existed.
pub async fn delete(db: impl AnyExecutor<'_>, item: Item, id: i64) -> sqlx::Result<bool> {
    let (table, key) = item.table_and_key();
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "delete from {table} where {key} = $1"
    )))
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

// Uber plans.

const UBER_PLAN: &str = "select uber_plan_id, code_name, name, discount_percent, description
                         from uber_plans";

pub async fn uber_plans(
    db: impl AnyExecutor<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<UberPlanRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{UBER_PLAN} order by discount_percent, uber_plan_id limit $1 offset $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_uber_plans(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from uber_plans")
        .fetch_one(db)
        .await
}

pub async fn uber_plan(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<UberPlanRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{UBER_PLAN} where uber_plan_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn insert_uber_plan(
    db: impl AnyExecutor<'_>,
    code_name: &str,
    name: &str,
    discount_percent: i64,
    description: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into uber_plans (code_name, name, discount_percent, description, created_at)
         values ($1, $2, $3, $4, $5) returning uber_plan_id",
    )
    .bind(code_name)
    .bind(name)
    .bind(discount_percent)
    .bind(description)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update_uber_plan(
    db: impl AnyExecutor<'_>,
    id: i64,
    name: &str,
    discount_percent: i64,
    description: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update uber_plans set name = $1, discount_percent = $2, description = $3
         where uber_plan_id = $4",
    )
    .bind(name)
    .bind(discount_percent)
    .bind(description)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

// Emergency cases and their contacts, the one-per-kind contacts, service contacts.

pub async fn emergency_cases(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<EmergencyCaseRow>> {
    sqlx::query_as(
        "select emergency_case_id, code_name, name, description from emergency_cases
         order by emergency_case_id",
    )
    .fetch_all(db)
    .await
}

pub async fn emergency_case(
    db: impl AnyExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<EmergencyCaseRow>> {
    sqlx::query_as(
        "select emergency_case_id, code_name, name, description from emergency_cases
         where emergency_case_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn emergency_case_by_code(
    db: impl AnyExecutor<'_>,
    code_name: &str,
) -> sqlx::Result<Option<EmergencyCaseRow>> {
    sqlx::query_as(
        "select emergency_case_id, code_name, name, description from emergency_cases
         where code_name = $1",
    )
    .bind(code_name)
    .fetch_optional(db)
    .await
}

pub async fn update_emergency_case(
    db: impl AnyExecutor<'_>,
    id: i64,
    name: &str,
    description: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update emergency_cases set name = $1, description = $2 where emergency_case_id = $3",
    )
    .bind(name)
    .bind(description)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

const EMERGENCY_CONTACT: &str = "select k.emergency_contact_id, e.code_name as case_code,
        k.contact_name, k.in_case, k.phone_number, k.description
    from emergency_contacts k join emergency_cases e on e.emergency_case_id = k.emergency_case_id";

/// Every case's contacts, in the order they were added; at most `LIST_LIMIT` a case.
pub async fn emergency_contacts(
    db: impl AnyExecutor<'_>,
) -> sqlx::Result<Vec<EmergencyContactRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{EMERGENCY_CONTACT} order by k.emergency_contact_id limit $1"
    )))
    .bind(LIST_LIMIT * 3)
    .fetch_all(db)
    .await
}

pub async fn emergency_contact(
    db: impl AnyExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<EmergencyContactRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{EMERGENCY_CONTACT} where k.emergency_contact_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The editable fields of an emergency contact.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EmergencyContactFields {
    pub contact_name: String,
    pub in_case: String,
    pub phone_number: String,
    pub description: String,
}

pub async fn insert_emergency_contact(
    db: impl AnyExecutor<'_>,
    emergency_case_id: i64,
    fields: &EmergencyContactFields,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into emergency_contacts
             (emergency_case_id, contact_name, in_case, phone_number, description, created_at)
         values ($1, $2, $3, $4, $5, $6) returning emergency_contact_id",
    )
    .bind(emergency_case_id)
    .bind(&fields.contact_name)
    .bind(&fields.in_case)
    .bind(&fields.phone_number)
    .bind(&fields.description)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update_emergency_contact(
    db: impl AnyExecutor<'_>,
    id: i64,
    fields: &EmergencyContactFields,
) -> sqlx::Result<()> {
    sqlx::query(
        "update emergency_contacts set contact_name = $1, in_case = $2, phone_number = $3,
                description = $4
         where emergency_contact_id = $5",
    )
    .bind(&fields.contact_name)
    .bind(&fields.in_case)
    .bind(&fields.phone_number)
    .bind(&fields.description)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn contacts(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<ContactRow>> {
    sqlx::query_as(
        "select contact_id, kind, contact_name, phone_number from contacts order by contact_id",
    )
    .fetch_all(db)
    .await
}

pub async fn contact(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<ContactRow>> {
    sqlx::query_as(
        "select contact_id, kind, contact_name, phone_number from contacts where contact_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn contact_by_kind(
    db: impl AnyExecutor<'_>,
    kind: &str,
) -> sqlx::Result<Option<ContactRow>> {
    sqlx::query_as(
        "select contact_id, kind, contact_name, phone_number from contacts where kind = $1",
    )
    .bind(kind)
    .fetch_optional(db)
    .await
}

pub async fn update_contact(
    db: impl AnyExecutor<'_>,
    id: i64,
    contact_name: &str,
    phone_number: &str,
) -> sqlx::Result<()> {
    sqlx::query("update contacts set contact_name = $1, phone_number = $2 where contact_id = $3")
        .bind(contact_name)
        .bind(phone_number)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

const SERVICE_CONTACT: &str =
    "select service_contact_id, code_name, label, value from service_contacts";

pub async fn service_contacts(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<ServiceContactRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SERVICE_CONTACT} order by service_contact_id limit $1"
    )))
    .bind(LIST_LIMIT)
    .fetch_all(db)
    .await
}

pub async fn service_contact(
    db: impl AnyExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<ServiceContactRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SERVICE_CONTACT} where service_contact_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn insert_service_contact(
    db: impl AnyExecutor<'_>,
    code_name: &str,
    label: &str,
    value: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into service_contacts (code_name, label, value, created_at)
         values ($1, $2, $3, $4) returning service_contact_id",
    )
    .bind(code_name)
    .bind(label)
    .bind(value)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update_service_contact(
    db: impl AnyExecutor<'_>,
    id: i64,
    code_name: &str,
    label: &str,
    value: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update service_contacts set code_name = $1, label = $2, value = $3
         where service_contact_id = $4",
    )
    .bind(code_name)
    .bind(label)
    .bind(value)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

// FAQs.

pub async fn faqs(db: impl AnyExecutor<'_>, limit: i64, offset: i64) -> sqlx::Result<Vec<FaqRow>> {
    sqlx::query_as(
        "select faq_id, title, content, created_at from faqs order by faq_id limit $1 offset $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_faqs(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from faqs")
        .fetch_one(db)
        .await
}

pub async fn faq(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<FaqRow>> {
    sqlx::query_as("select faq_id, title, content, created_at from faqs where faq_id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn insert_faq(
    db: impl AnyExecutor<'_>,
    title: &str,
    content: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into faqs (title, content, created_at) values ($1, $2, $3) returning faq_id",
    )
    .bind(title)
    .bind(content)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update_faq(
    db: impl AnyExecutor<'_>,
    id: i64,
    title: &str,
    content: &str,
) -> sqlx::Result<()> {
    sqlx::query("update faqs set title = $1, content = $2 where faq_id = $3")
        .bind(title)
        .bind(content)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

// Tip categories and tips.

const TIP_CATEGORY: &str =
    "select tip_category_id, code_name, name, description from tip_categories";

pub async fn tip_categories(
    db: impl AnyExecutor<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<TipCategoryRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TIP_CATEGORY} order by tip_category_id limit $1 offset $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_tip_categories(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from tip_categories")
        .fetch_one(db)
        .await
}

pub async fn tip_category(
    db: impl AnyExecutor<'_>,
    id: i64,
) -> sqlx::Result<Option<TipCategoryRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TIP_CATEGORY} where tip_category_id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn tip_category_by_code(
    db: impl AnyExecutor<'_>,
    code_name: &str,
) -> sqlx::Result<Option<TipCategoryRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TIP_CATEGORY} where code_name = $1"
    )))
    .bind(code_name)
    .fetch_optional(db)
    .await
}

pub async fn insert_tip_category(
    db: impl AnyExecutor<'_>,
    code_name: &str,
    name: &str,
    description: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into tip_categories (code_name, name, description, created_at)
         values ($1, $2, $3, $4) returning tip_category_id",
    )
    .bind(code_name)
    .bind(name)
    .bind(description)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update_tip_category(
    db: impl AnyExecutor<'_>,
    id: i64,
    name: &str,
    description: &str,
) -> sqlx::Result<()> {
    sqlx::query("update tip_categories set name = $1, description = $2 where tip_category_id = $3")
        .bind(name)
        .bind(description)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

const TIP: &str = "select t.tip_id, t.title, t.content, t.is_popular, t.created_at,
        c.code_name as category_code, c.name as category_name,
        c.description as category_description
    from tips t join tip_categories c on c.tip_category_id = t.tip_category_id";

const NEWEST_FIRST: &str = "order by t.created_at desc, t.tip_id desc";

/// The tips of one category (every category with `None`), newest first.
pub async fn tips(
    db: impl AnyExecutor<'_>,
    category_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<TipRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TIP} where ($1 is null or t.tip_category_id = $1) {NEWEST_FIRST} limit $2 offset $3"
    )))
    .bind(category_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_tips(db: impl AnyExecutor<'_>, category_id: Option<i64>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from tips where ($1 is null or tip_category_id = $1)")
        .bind(category_id)
        .fetch_one(db)
        .await
}

/// Tips flagged popular, newest first.
pub async fn popular_tips(db: impl AnyExecutor<'_>, limit: i64) -> sqlx::Result<Vec<TipRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TIP} where t.is_popular = 1 {NEWEST_FIRST} limit $1"
    )))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Up to `limit` tips in id order, from the `offset`-th on.
pub async fn tips_by_id(
    db: impl AnyExecutor<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<TipRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TIP} order by t.tip_id limit $1 offset $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn tip(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<TipRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{TIP} where t.tip_id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The editable fields of a tip, `content` as JSON text.
#[derive(Debug)]
pub struct TipFields {
    pub tip_category_id: i64,
    pub title: String,
    pub content: String,
    pub is_popular: bool,
}

pub async fn insert_tip(
    db: impl AnyExecutor<'_>,
    fields: &TipFields,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into tips (tip_category_id, title, content, is_popular, created_at)
         values ($1, $2, $3, $4, $5) returning tip_id",
    )
    .bind(fields.tip_category_id)
    .bind(&fields.title)
    .bind(&fields.content)
    .bind(i64::from(fields.is_popular))
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn update_tip(db: impl AnyExecutor<'_>, id: i64, fields: &TipFields) -> sqlx::Result<()> {
    sqlx::query(
        "update tips set tip_category_id = $1, title = $2, content = $3, is_popular = $4
         where tip_id = $5",
    )
    .bind(fields.tip_category_id)
    .bind(&fields.title)
    .bind(&fields.content)
    .bind(i64::from(fields.is_popular))
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}
