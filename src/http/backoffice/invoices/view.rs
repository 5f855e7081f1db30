//! The back office's view of an invoice, with its discounts and fractions, and the
//! audited change of one.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use crate::{
    domain::{
        invoice::{self, InvoiceStatus},
        money::Money,
        time::{lima_datetime, lima_today, parse_day},
    },
    http::{
        AppState,
        backoffice::{StaffSession, audit},
        error::ApiError,
    },
    store::{
        self, Tx,
        invoice_admin::{self, Filter},
        invoices::{DiscountRow, FractionRow, InvoiceRow},
    },
};

pub const INVOICE_NOT_FOUND: &str = "Factura no encontrada";
const CHANGED_MEANWHILE: &str =
    "La factura cambió mientras se procesaba el pedido; inténtalo de nuevo";

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceDetail {
    pub(super) id: i64,
    hash: String,
    pub(super) contract_id: i64,
    /// The contract's hash.
    contract: String,
    client_id: i64,
    #[serde(rename = "type")]
    invoice_type: InvoiceTypeRef,
    /// The week of the schedule, for a weekly fee; null otherwise.
    week: Option<i64>,
    /// Order among the contract's invoices due the same day.
    priority: i64,
    /// `pending`, `fraction`, `freezed`, `paid` or `cancelled`.
    status: String,
    /// `YYYY-MM-DD`.
    due_date: String,
    /// `YYYY-MM-DD`, null until paid.
    paid_date: Option<String>,
    pub(super) total: Money,
    /// `total` minus the discounts, never below 0.
    pub(super) total_with_discount: Money,
    pub(super) observations: String,
    /// For a penalty: the weekly fee it penalizes.
    penalized_invoice_id: Option<i64>,
    /// `YYYY-MM-DD HH:MM:SS`, Lima time.
    created_at: String,
    discounts: Vec<DiscountView>,
    /// In the order they fall due.
    pub(super) fractions: Vec<FractionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceTypeRef {
    name: String,
    code_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountView {
    id: i64,
    amount: Money,
    /// `uber_plan` or `manual`.
    #[serde(rename = "type")]
    kind: String,
    observations: String,
    /// The staff member who granted it; null when no one did (an Uber plan discount, or
    /// one loaded with the demo data).
    staff_id: Option<i64>,
    /// `YYYY-MM-DD HH:MM:SS`, Lima time.
    created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FractionView {
    id: i64,
    hash: String,
    /// From 1, in the order they fall due.
    position: i64,
    amount: Money,
    /// `YYYY-MM-DD`.
    due_date: String,
    /// `YYYY-MM-DD`, null until paid.
    pub(super) paid_date: Option<String>,
    /// Unpaid and due today or earlier in Lima: collected with any payment.
    active: bool,
}

impl From<DiscountRow> for DiscountView {
    fn from(row: DiscountRow) -> Self {
        Self {
            id: row.invoice_discount_id,
            amount: row.amount(),
            created_at: lima_datetime(row.created_at),
            kind: row.kind,
            observations: row.observations,
            staff_id: row.staff_id,
        }
    }
}

impl FractionView {
    fn new(row: FractionRow, invoice_status: Option<InvoiceStatus>, today: NaiveDate) -> Self {
        let paid = row.paid_date.is_some();
        // Stored days and statuses are always well formed; one that is not is never active.
        let active = parse_day(&row.due_date)
            .zip(invoice_status)
            .is_some_and(|(due, status)| invoice::is_active_fraction(status, due, paid, today));
        Self {
            id: row.invoice_fraction_id,
            amount: row.amount(),
            hash: row.hash,
            position: row.position,
            due_date: row.due_date,
            paid_date: row.paid_date,
            active,
        }
    }
}

impl InvoiceDetail {
    fn new(
        row: InvoiceRow,
        discounts: Vec<DiscountRow>,
        fractions: Vec<FractionRow>,
        today: NaiveDate,
    ) -> Self {
        let status = InvoiceStatus::parse(&row.status);
        Self {
            id: row.invoice_id,
            total: row.total(),
            total_with_discount: row.total_with_discount(),
            created_at: lima_datetime(row.created_at),
            hash: row.hash,
            contract_id: row.contract_id,
            contract: row.contract_hash,
            client_id: row.client_id,
            invoice_type: InvoiceTypeRef {
                name: row.type_name,
                code_name: row.type_code,
            },
            week: row.week,
            priority: row.priority,
            status: row.status,
            due_date: row.due_date,
            paid_date: row.paid_date,
            observations: row.observations,
            penalized_invoice_id: row.penalized_invoice_id,
            discounts: discounts.into_iter().map(DiscountView::from).collect(),
            fractions: fractions
                .into_iter()
                .map(|f| FractionView::new(f, status, today))
                .collect(),
        }
    }

    pub fn status(&self) -> Result<InvoiceStatus, ApiError> {
        InvoiceStatus::parse(&self.status)
            .ok_or_else(|| anyhow::anyhow!("invoice {} has unknown status", self.id).into())
    }

    pub fn has_paid_fractions(&self) -> bool {
        self.fractions.iter().any(|f| f.paid_date.is_some())
    }

    fn audit_json(&self) -> Result<serde_json::Value, ApiError> {
        serde_json::to_value(self).map_err(|e| anyhow::anyhow!(e).into())
    }
}

/// One invoice with its discounts and fractions, inside a change.
pub async fn load_detail(tx: &mut Tx, invoice_id: i64) -> Result<InvoiceDetail, ApiError> {
    detail_on(tx, invoice_id).await
}

/// One invoice with its discounts and fractions, read outside any change.
pub async fn read_detail(state: &AppState, invoice_id: i64) -> Result<InvoiceDetail, ApiError> {
    let mut conn = state.store.pool().acquire().await?;
    detail_on(&mut conn, invoice_id).await
}

async fn detail_on(conn: &mut AnyConnection, invoice_id: i64) -> Result<InvoiceDetail, ApiError> {
    let row = store::invoices::get(&mut *conn, invoice_id)
        .await?
        .ok_or_else(|| ApiError::missing(INVOICE_NOT_FOUND))?;
    let discounts = store::invoices::discounts_of(&mut *conn, invoice_id).await?;
    let fractions = store::invoices::fractions_of(&mut *conn, invoice_id).await?;
    Ok(InvoiceDetail::new(row, discounts, fractions, lima_today()))
}

/// A page of invoices, each with its discounts and fractions: three queries in all,
/// whatever the size of the page.
pub async fn page_of_details(
    state: &AppState,
    filter: &Filter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<InvoiceDetail>, ApiError> {
    let pool = state.store.pool();
    let rows = invoice_admin::list(pool, filter, limit, offset).await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.invoice_id).collect();
    let mut discounts: HashMap<i64, Vec<DiscountRow>> = HashMap::new();
    for discount in invoice_admin::discounts_of_many(pool, &ids).await? {
        discounts
            .entry(discount.invoice_id)
            .or_default()
            .push(discount);
    }
    let mut fractions: HashMap<i64, Vec<FractionRow>> = HashMap::new();
    for fraction in invoice_admin::fractions_of_many(pool, &ids).await? {
        fractions
            .entry(fraction.invoice_id)
            .or_default()
            .push(fraction);
    }
    let today = lima_today();
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.invoice_id;
            let d = discounts.remove(&id).unwrap_or_default();
            let f = fractions.remove(&id).unwrap_or_default();
            InvoiceDetail::new(row, d, f, today)
        })
        .collect())
}

/// One audited change of an invoice, in one transaction: its contract locked (so the
/// billing run and other staff changes to the contract wait), the invoice read before and
/// after, both recorded in the audit.
pub struct InvoiceChange {
    pub tx: Tx,
    pub before: InvoiceDetail,
}

impl InvoiceChange {
    /// Locks the invoice's contract; 404 when there is no such invoice.
    pub async fn begin(state: &AppState, invoice_id: i64) -> Result<Self, ApiError> {
        let mut tx = state.store.begin_write().await?;
        if state
            .store
            .lock_contract_of(&mut tx, invoice_id)
            .await?
            .is_none()
        {
            return Err(ApiError::missing(INVOICE_NOT_FOUND));
        }
        let before = load_detail(&mut tx, invoice_id).await?;
        Ok(Self { tx, before })
    }

    /// Moves the invoice from the status read before to `next`. Every writer of invoices
    /// holds the contract's lock, so the status cannot have moved meanwhile; if a writer
    /// ever skipped it, the change is refused rather than applied over theirs.
    pub async fn move_status(&mut self, next: InvoiceStatus) -> Result<(), ApiError> {
        let current = self.before.status()?;
        if !invoice_admin::set_status(&mut self.tx, self.before.id, current, next).await? {
            return Err(ApiError::conflict(CHANGED_MEANWHILE));
        }
        Ok(())
    }

    /// Audits the change as `action`, commits it, and answers the invoice as it is now.
    pub async fn commit(
        mut self,
        staff: &StaffSession,
        action: &str,
    ) -> Result<InvoiceDetail, ApiError> {
        let id = self.before.id;
        let after = load_detail(&mut self.tx, id).await?;
        let (before, after_json) = (self.before.audit_json()?, after.audit_json()?);
        audit(
            &mut self.tx,
            staff,
            action,
            "invoice",
            id,
            Some(before),
            Some(after_json),
        )
        .await?;
        self.tx.commit().await?;
        Ok(after)
    }
}

/// Audits an invoice just inserted in `tx` and commits; answers it.
pub async fn commit_creation(
    mut tx: Tx,
    staff: &StaffSession,
    invoice_id: i64,
) -> Result<InvoiceDetail, ApiError> {
    let created = load_detail(&mut tx, invoice_id).await?;
    let after = created.audit_json()?;
    audit(
        &mut tx,
        staff,
        "invoice.create",
        "invoice",
        invoice_id,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}
