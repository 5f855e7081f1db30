//! The changes staff make to one invoice: a discount, a freeze and its end, a split into
//! fractions, a cancellation. Each refuses with 409 and the domain's reason when the
//! invoice's status forbids it (a paid or cancelled invoice never changes again), and each
//! is audited with the invoice before and after.

use axum::{
    body::Bytes,
    extract::{Path, State},
};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;

use super::view::{INVOICE_NOT_FOUND, InvoiceChange, InvoiceDetail};
use crate::{
    domain::{
        invoice::{self, FractionPlan, InvoiceStatus},
        money::Money,
        staff::Permission,
        time::{now_unix, parse_day},
    },
    http::{
        AppState,
        backoffice::{StaffSession, path_id},
        error::ApiError,
        extract::{JsonList, decode_json},
    },
    store::{
        invoice_admin,
        invoices::{self, NewDiscount},
    },
};

/// Longest observations accepted on a discount, a cancellation or a new invoice.
pub const MAX_OBSERVATIONS: usize = 500;

/// Trimmed observations of at most `MAX_OBSERVATIONS` characters.
pub fn observations(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.chars().count() > MAX_OBSERVATIONS {
        return Err(format!(
            "El campo 'observations' debe tener como máximo {MAX_OBSERVATIONS} caracteres"
        ));
    }
    Ok(text.to_owned())
}

/// The value of a check that passed; a failure is added to `failures`.
pub fn kept<T>(failures: &mut Vec<String>, result: Result<T, String>) -> Option<T> {
    result.map_err(|failure| failures.push(failure)).ok()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInvoiceDiscount {
    /// Soles, more than 0 and at most what is still owed (`total_with_discount`), at most
    /// two decimals.
    #[schema(value_type = Money)]
    amount: Decimal,
    #[serde(default)]
    observations: String,
}

/// Grant a discount on a pending or frozen invoice not split into fractions. A discount
/// that leaves nothing owed settles the invoice: it is marked paid today.
#[utoipa::path(post, path = "/api/backoffice/invoices/{invoice_id}/discounts/",
    tag = "backoffice", security(("staff_token" = [])), request_body = NewInvoiceDiscount,
    responses((status = 200, body = InvoiceDetail), (status = 400), (status = 403),
        (status = 404), (status = 409, description = "The invoice's status allows no discount")))]
pub async fn add_invoice_discount(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(body): JsonList<NewInvoiceDiscount>,
) -> Result<axum::Json<InvoiceDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let invoice_id = path_id(&raw_id, INVOICE_NOT_FOUND)?;
    let mut failures = Vec::new();
    let amount = exact_amount(body.amount).map_err(|fault| {
        match fault {
            AmountFault::TooLarge => "El campo 'amount' es demasiado grande",
            AmountFault::TooPrecise => "El campo 'amount' debe ser un monto con hasta 2 decimales",
        }
        .to_owned()
    });
    let amount = kept(&mut failures, amount);
    let observations = kept(&mut failures, observations(&body.observations));
    let (Some(amount), Some(observations)) = (amount, observations) else {
        return Err(ApiError::Messages(failures));
    };

    let mut change = InvoiceChange::begin(&state, invoice_id).await?;
    let before = &change.before;
    if let Some(reason) = invoice::discount_refusal(before.status()?, !before.fractions.is_empty())
    {
        return Err(ApiError::conflict(reason));
    }
    let amount = invoice::discount_amount(amount, before.total_with_discount)
        .map_err(|reason| ApiError::Messages(vec![reason]))?;
    let discount = NewDiscount {
        invoice_id,
        kind: "manual",
        amount,
        observations: &observations,
        staff_id: Some(staff.staff_id),
    };
    invoices::add_discount(&mut change.tx, &discount, now_unix()).await?;
    Ok(axum::Json(change.commit(&staff, "invoice.discount").await?))
}

/// Freeze a pending or split invoice: it cannot be paid and earns no penalty until it is
/// unfrozen.
#[utoipa::path(post, path = "/api/backoffice/invoices/{invoice_id}/freeze/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = InvoiceDetail), (status = 403), (status = 404),
        (status = 409, description = "The invoice is not pending nor split")))]
pub async fn freeze_invoice(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<InvoiceDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let invoice_id = path_id(&raw_id, INVOICE_NOT_FOUND)?;

    let mut change = InvoiceChange::begin(&state, invoice_id).await?;
    let next = invoice::freeze(change.before.status()?).map_err(ApiError::conflict)?;
    change.move_status(next).await?;
    Ok(axum::Json(change.commit(&staff, "invoice.freeze").await?))
}

/// Unfreeze a frozen invoice: back to `fraction` when it was split, `pending` otherwise.
#[utoipa::path(post, path = "/api/backoffice/invoices/{invoice_id}/unfreeze/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = InvoiceDetail), (status = 403), (status = 404),
        (status = 409, description = "The invoice is not frozen")))]
pub async fn unfreeze_invoice(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<InvoiceDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let invoice_id = path_id(&raw_id, INVOICE_NOT_FOUND)?;

    let mut change = InvoiceChange::begin(&state, invoice_id).await?;
    let before = &change.before;
    let next = invoice::unfreeze(before.status()?, !before.fractions.is_empty())
        .map_err(ApiError::conflict)?;
    change.move_status(next).await?;
    Ok(axum::Json(change.commit(&staff, "invoice.unfreeze").await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvoiceSplit {
    /// 2 to 12 fractions whose amounts add up exactly to the invoice's
    /// `total_with_discount`.
    fractions: Vec<FractionRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FractionRequest {
    /// Soles, more than 0, at most two decimals.
    #[schema(value_type = Money)]
    amount: Decimal,
    /// `YYYY-MM-DD`.
    due_date: String,
}

/// Why an amount asked for is not a `Money`.
enum AmountFault {
    /// Whole cents, but beyond what `Money` holds.
    TooLarge,
    /// A fraction of a cent.
    TooPrecise,
}

/// An amount asked for, as exact cents.
fn exact_amount(amount: Decimal) -> Result<Money, AmountFault> {
    Money::from_decimal(amount).ok_or_else(|| {
        let whole_cents = amount
            .checked_mul(Decimal::ONE_HUNDRED)
            .is_some_and(|cents| cents.fract().is_zero());
        if whole_cents {
            AmountFault::TooLarge
        } else {
            AmountFault::TooPrecise
        }
    })
}

/// Reads the fractions asked for, or says what is wrong with each, numbered from 1.
fn fraction_plans(requested: &[FractionRequest]) -> Result<Vec<FractionPlan>, Vec<String>> {
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for (n, fraction) in (1..).zip(requested) {
        let amount = exact_amount(fraction.amount);
        let fault = match &amount {
            Err(AmountFault::TooLarge) => Some("es demasiado grande"),
            Err(AmountFault::TooPrecise) => Some("debe tener como máximo 2 decimales"),
            Ok(amount) if *amount <= Money::ZERO => Some("debe ser mayor que 0"),
            Ok(_) => None,
        };
        if let Some(fault) = fault {
            errors.push(format!("El monto de la fracción {n} {fault}"));
        }
        let amount = amount.ok();
        let due_date = parse_day(&fraction.due_date);
        if due_date.is_none() {
            errors.push(format!(
                "La fecha de la fracción {n} debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100"
            ));
        }
        if let (Some(amount), Some(due_date)) = (amount, due_date) {
            plans.push(FractionPlan { amount, due_date });
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}

/// Split a pending invoice into fractions, each with its amount and due date, adding up
/// exactly to what is owed. The invoice has status `fraction` until the last is paid.
#[utoipa::path(post, path = "/api/backoffice/invoices/{invoice_id}/fractions/",
    tag = "backoffice", security(("staff_token" = [])), request_body = InvoiceSplit,
    responses((status = 200, body = InvoiceDetail),
        (status = 400, description = "Every failed rule, as a list"), (status = 403),
        (status = 404), (status = 409, description = "The invoice is not pending")))]
pub async fn split_invoice(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(body): JsonList<InvoiceSplit>,
) -> Result<axum::Json<InvoiceDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let invoice_id = path_id(&raw_id, INVOICE_NOT_FOUND)?;
    let plans = fraction_plans(&body.fractions).map_err(ApiError::Messages)?;

    let mut change = InvoiceChange::begin(&state, invoice_id).await?;
    let before = &change.before;
    let status = before.status()?;
    let ordered = match invoice::split(status, before.total_with_discount, &plans) {
        Ok(ordered) => ordered,
        // Only a pending invoice is split: any other status is the one reason given.
        Err(mut reasons) if status != InvoiceStatus::Pending => {
            return Err(ApiError::conflict(reasons.remove(0)));
        }
        Err(reasons) => return Err(ApiError::Messages(reasons)),
    };
    invoice_admin::insert_fractions(&mut change.tx, invoice_id, &ordered, now_unix()).await?;
    change.move_status(InvoiceStatus::Fraction).await?;
    Ok(axum::Json(change.commit(&staff, "invoice.split").await?))
}

/// The optional body of a cancellation.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct InvoiceCancellation {
    /// Why; added to the invoice's observations as `Anulada: <reason>`.
    #[serde(default)]
    observations: String,
}

/// Cancel an invoice still owed (admins only); not one with fractions already paid.
#[utoipa::path(post, path = "/api/backoffice/invoices/{invoice_id}/cancel/",
    tag = "backoffice", security(("staff_token" = [])),
    request_body = Option<InvoiceCancellation>,
    responses((status = 200, body = InvoiceDetail), (status = 400), (status = 403),
        (status = 404), (status = 409, description = "The invoice is paid or cancelled, or \
            part of it was paid as fractions")))]
pub async fn cancel_invoice(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    body: Bytes,
) -> Result<axum::Json<InvoiceDetail>, ApiError> {
    staff.require(Permission::Administer)?;
    let invoice_id = path_id(&raw_id, INVOICE_NOT_FOUND)?;
    // The body may be left out entirely.
    let cancellation: InvoiceCancellation = if body.trim_ascii().is_empty() {
        InvoiceCancellation::default()
    } else {
        decode_json(&body).map_err(ApiError::into_list)?
    };
    let reason = observations(&cancellation.observations)
        .map_err(|failure| ApiError::Messages(vec![failure]))?;

    let mut change = InvoiceChange::begin(&state, invoice_id).await?;
    let before = &change.before;
    let next = invoice::cancel(before.status()?, before.has_paid_fractions())
        .map_err(ApiError::conflict)?;
    if !reason.is_empty() {
        let note = match before.observations.as_str() {
            "" => format!("Anulada: {reason}"),
            earlier => format!("{earlier}\nAnulada: {reason}"),
        };
        invoice_admin::set_observations(&mut change.tx, invoice_id, &note).await?;
    }
    change.move_status(next).await?;
    Ok(axum::Json(change.commit(&staff, "invoice.cancel").await?))
}
