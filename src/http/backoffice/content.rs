//! Back-office editing of the content the app shows under `/commons/`: Uber plans, FAQs,
//! tips and their categories, contacts. The public endpoints read the same tables, so an
//! edit shows at once. Every change is audited with before and after in its transaction.

use axum::{
    Router,
    routing::{get, patch, post},
};
use serde::Serialize;

use super::{StaffSession, audit};
use crate::{
    http::{AppState, error::ApiError},
    store::{
        self, Tx,
        commons::{self as content, Item},
    },
};

pub mod contacts;
pub mod faqs;
pub mod plans;
pub mod tips;

pub use contacts::{
    ContactEntry, ContactsOverview, EmergencyCaseEntry, EmergencyContactEntry, ServiceContactEntry,
};
pub use faqs::FaqEntry;
pub use plans::UberPlanEntry;
pub use tips::{TipCategoryEntry, TipEntry};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/uber-plans",
            get(plans::list_uber_plans).post(plans::create_uber_plan),
        )
        .route("/uber-plans/{uber_plan_id}", patch(plans::update_uber_plan))
        .route("/faqs", get(faqs::list_faqs).post(faqs::create_faq))
        .route(
            "/faqs/{faq_id}",
            patch(faqs::update_faq).delete(faqs::delete_faq),
        )
        .route(
            "/tip-categories",
            get(tips::list_tip_categories).post(tips::create_tip_category),
        )
        .route(
            "/tip-categories/{tip_category_id}",
            patch(tips::update_tip_category),
        )
        .route("/tips", get(tips::list_tips).post(tips::create_tip))
        .route(
            "/tips/{tip_id}",
            patch(tips::update_tip).delete(tips::delete_tip),
        )
        .route("/contacts", get(contacts::list_contacts))
        .route("/contacts/{kind}", patch(contacts::update_contact))
        .route(
            "/emergency-cases/{code_name}",
            patch(contacts::update_emergency_case),
        )
        .route(
            "/emergency-cases/{code_name}/contacts",
            post(contacts::create_emergency_contact),
        )
        .route(
            "/emergency-contacts/{emergency_contact_id}",
            patch(contacts::update_emergency_contact).delete(contacts::delete_emergency_contact),
        )
        .route("/service-contacts", post(contacts::create_service_contact))
        .route(
            "/service-contacts/{service_contact_id}",
            patch(contacts::update_service_contact).delete(contacts::delete_service_contact),
        )
}

/// A piece of content as the back office sees it, loadable by id inside a change.
pub trait Snapshot: Serialize + Sized + Send {
    const ITEM: Item;
    /// The audit entry's `target_type`.
    const TARGET: &'static str;
    const NOT_FOUND: &'static str;

    fn load(db: &mut Tx, id: i64) -> impl Future<Output = Result<Option<Self>, ApiError>> + Send;
}

fn audit_json(value: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| anyhow::anyhow!(e).into())
}

/// One audited change of an existing piece of content, in one transaction: the row is
/// locked, read before and after, and both recorded in the audit.
pub struct Change<T> {
    pub tx: Tx,
    id: i64,
    pub before: T,
}

impl<T: Snapshot> Change<T> {
    /// Locks the row; 404 when there is none.
    pub async fn begin(state: &AppState, id: i64) -> Result<Self, ApiError> {
        let mut tx = state.store.begin_write().await?;
        if !content::lock(&mut tx, state.store.backend(), T::ITEM, id).await? {
            return Err(ApiError::missing(T::NOT_FOUND));
        }
        let before = T::load(&mut tx, id)
            .await?
            .ok_or_else(|| ApiError::missing(T::NOT_FOUND))?;
        Ok(Self { tx, id, before })
    }

    /// Audits the change as `action`, commits it, and answers the content as it is now.
    pub async fn commit(mut self, staff: &StaffSession, action: &str) -> Result<T, ApiError> {
        let after = T::load(&mut self.tx, self.id)
            .await?
            .ok_or_else(|| ApiError::missing(T::NOT_FOUND))?;
        let (before, after_json) = (audit_json(&self.before)?, audit_json(&after)?);
        let target = T::TARGET;
        audit(
            &mut self.tx,
            staff,
            action,
            target,
            self.id,
            Some(before),
            Some(after_json),
        )
        .await?;
        self.tx.commit().await?;
        Ok(after)
    }

    /// Deletes the row, audits it as `action` and commits.
    pub async fn delete(mut self, staff: &StaffSession, action: &str) -> Result<(), ApiError> {
        content::delete(&mut *self.tx, T::ITEM, self.id).await?;
        let before = audit_json(&self.before)?;
        audit(
            &mut self.tx,
            staff,
            action,
            T::TARGET,
            self.id,
            Some(before),
            None,
        )
        .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// Audits a row just inserted in `tx` as `action` and commits; answers the new content.
pub async fn commit_creation<T: Snapshot>(
    mut tx: Tx,
    staff: &StaffSession,
    action: &str,
    id: i64,
) -> Result<T, ApiError> {
    let created = T::load(&mut tx, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{} {id} vanished after insert", T::TARGET))?;
    let after = audit_json(&created)?;
    audit(&mut tx, staff, action, T::TARGET, id, None, Some(after)).await?;
    tx.commit().await?;
    Ok(created)
}

/// A duplicate `code_name` is a conflict; anything else stays an error of ours.
fn code_conflict(err: sqlx::Error) -> ApiError {
    if store::is_unique_violation(&err) {
        ApiError::conflict("El campo 'code_name' ya está en uso")
    } else {
        err.into()
    }
}

/// Collects every failed field of a body, to answer them all at once.
#[derive(Default)]
struct Checks(Vec<String>);

impl Checks {
    fn fail(&mut self, field: &str, reason: &str) {
        self.0.push(format!("El campo '{field}' {reason}"));
    }

    /// Trimmed text of `min` to `max` characters, without control characters.
    fn text(&mut self, field: &str, raw: &str, min: usize, max: usize) -> String {
        let value = raw.trim();
        let length = value.chars().count();
        if length < min || length > max || value.chars().any(|c| c.is_control() && c != '\n') {
            self.fail(field, &format!("debe tener entre {min} y {max} caracteres"));
        }
        value.to_owned()
    }

    /// 1 to 50 lower-case letters, digits, `_` or `-`.
    fn code(&mut self, field: &str, raw: &str) -> String {
        let value = raw.trim();
        let valid = (1..=50).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !valid {
            self.fail(
                field,
                "debe tener de 1 a 50 letras minúsculas, números, '_' o '-'",
            );
        }
        value.to_owned()
    }

    /// A phone number as dialled, short emergency numbers included: 3 to 20 characters of
    /// digits, spaces, `+`, `-` or parentheses, with at least 3 digits.
    fn phone(&mut self, field: &str, raw: &str) -> String {
        let value = raw.trim();
        let allowed = value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
        let digits = value.chars().filter(char::is_ascii_digit).count();
        if !allowed || digits < 3 || value.len() > 20 {
            self.fail(field, "debe ser un teléfono de 3 a 20 dígitos");
        }
        value.to_owned()
    }

    /// 1 to 20 paragraphs of 1 to 2000 characters; answers them as stored (JSON text).
    fn paragraphs(&mut self, field: &str, raw: &[String]) -> String {
        let cleaned: Vec<&str> = raw.iter().map(|p| p.trim()).collect();
        let valid = (1..=20).contains(&cleaned.len())
            && cleaned.iter().all(|p| {
                let length = p.chars().count();
                (1..=2000).contains(&length) && !p.chars().any(|c| c.is_control() && c != '\n')
            });
        if !valid {
            self.fail(
                field,
                "debe ser una lista de 1 a 20 párrafos de 1 a 2000 caracteres",
            );
        }
        serde_json::Value::from(cleaned).to_string()
    }

    fn percent(&mut self, field: &str, value: i64) -> i64 {
        if !(0..=100).contains(&value) {
            self.fail(field, "debe estar entre 0 y 100");
        }
        value
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Messages(self.0))
        }
    }
}
