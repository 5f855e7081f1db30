//! A client's contract: its invoices by status, and its car with the car's documents.
//! Another client's contract answers exactly as one that does not exist.

use std::collections::HashMap;

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::get,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    AppState,
    error::ApiError,
    extract::ClientSession,
    views::{FILES_URL, PublicBase},
};
use crate::{
    domain::{car::DocumentKind, invoice::InvoiceStatus, money::Money, time::lima_date},
    store::{
        self,
        cars::CarDocumentRow,
        contracts::ContractCar,
        invoices::{DiscountRow, InvoiceRow},
    },
};

pub const CONTRACT_NOT_FOUND: &str = "Contracto no encontrado";

pub fn router_v1() -> Router<AppState> {
    Router::new()
        .route(
            "/contracts/{contract_hash}/invoices/{status}",
            get(list_invoices),
        )
        .route(
            "/contracts/{contract_hash}/invoices",
            get(no_invoice_status),
        )
        .route("/contracts/{contract_hash}/car", get(get_car_v1))
}

pub fn router_v2() -> Router<AppState> {
    Router::new()
        .route(
            "/contracts/{contract_hash}/invoices/{status}",
            get(list_invoices),
        )
        .route(
            "/contracts/{contract_hash}/invoices",
            get(no_invoice_status),
        )
        .route("/contracts/{contract_hash}/car", get(get_car_v2))
}

/// The contract hash as stored: hashes are lower-case UUIDs, and a UUID's hex digits
/// mean the same in either case.
fn contract_key(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

fn not_found() -> ApiError {
    ApiError::Messages(vec![CONTRACT_NOT_FOUND.into()])
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceList {
    results: Vec<InvoiceView>,
}

/// An invoice as the app shows it.
#[derive(Serialize, ToSchema)]
pub struct InvoiceView {
    /// Order among the contract's invoices due the same day.
    priority: i64,
    id: i64,
    hash: String,
    /// `pending`, `fraction`, `freezed`, `paid` or `cancelled`.
    status: String,
    /// `YYYY-MM-DD`, Lima.
    due_date: String,
    /// `YYYY-MM-DD`, Lima; null until paid.
    paid_date: Option<String>,
    total: Money,
    /// `YYYY-MM-DD`, Lima.
    created_at: String,
    observations: String,
    #[serde(rename = "type")]
    invoice_type: InvoiceTypeView,
    /// The contract's hash.
    contract: String,
    /// `total` minus the discounts, never below 0: what is left to pay.
    total_with_discount: Money,
    discounts: Vec<DiscountView>,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceTypeView {
    name: String,
    /// `weekly_fee`, `penalty`, or a type added by the back office.
    code_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct DiscountView {
    amount: Money,
    observations: String,
    /// `uber_plan` (the client's Uber Pro tier) or `manual` (granted by staff).
    #[serde(rename = "type")]
    kind: String,
}

impl InvoiceView {
    pub fn new(row: InvoiceRow, discounts: Vec<DiscountView>) -> Self {
        Self {
            priority: row.priority,
            id: row.invoice_id,
            total: row.total(),
            total_with_discount: row.total_with_discount(),
            created_at: lima_date(row.created_at),
            hash: row.hash,
            status: row.status,
            due_date: row.due_date,
            paid_date: row.paid_date,
            observations: row.observations,
            invoice_type: InvoiceTypeView {
                name: row.type_name,
                code_name: row.type_code,
            },
            contract: row.contract_hash,
            discounts,
        }
    }
}

impl From<DiscountRow> for DiscountView {
    fn from(row: DiscountRow) -> Self {
        Self {
            amount: row.amount(),
            observations: row.observations,
            kind: row.kind,
        }
    }
}

fn bad_invoice_status() -> ApiError {
    ApiError::Messages(vec![
        "El estado de facturas debe ser pendings, fractions, freezed o paid".into(),
    ])
}

/// A list asked for with an empty status (`invoices/` or `invoices//`): the same answer
/// as any other status not in the list, not an unknown path.
async fn no_invoice_status(_client: ClientSession) -> ApiError {
    bad_invoice_status()
}

/// The contract's invoices in one status, by due date then priority.
#[utoipa::path(get, path = "/api/v1/contracts/{contract_hash}/invoices/{status}/",
    tag = "clients",
    params(
        ("contract_hash" = String, Path, description = "The contract's `hash`"),
        ("status" = String, Path, description = "`pendings`, `fractions`, `freezed` or `paid`"),
    ),
    security(("token" = [])),
    responses(
        (status = 200, body = InvoiceList),
        (status = 400, description = "`{\"error\": [\"Contracto no encontrado\"]}` for an unknown or \
            another client's contract; a status not in the list; an unknown token"),
    ))]
pub async fn list_invoices(
    State(state): State<AppState>,
    client: ClientSession,
    Path((contract_hash, status)): Path<(String, String)>,
) -> Result<Json<InvoiceList>, ApiError> {
    let status = InvoiceStatus::from_list(&status).ok_or_else(bad_invoice_status)?;
    let db = state.store.pool();
    let contract_id =
        store::invoices::contract_of_client(db, client.client_id, &contract_key(&contract_hash))
            .await?
            .ok_or_else(not_found)?;
    let invoices = store::invoices::for_contract(db, contract_id, status).await?;
    let mut discounts: HashMap<i64, Vec<DiscountView>> = HashMap::new();
    if !invoices.is_empty() {
        for row in store::invoices::discounts_for_contract(db, contract_id, status).await? {
            discounts
                .entry(row.invoice_id)
                .or_default()
                .push(row.into());
        }
    }
    let results = invoices
        .into_iter()
        .map(|row| {
            let own = discounts.remove(&row.invoice_id).unwrap_or_default();
            InvoiceView::new(row, own)
        })
        .collect();
    Ok(Json(InvoiceList { results }))
}

#[derive(Serialize, ToSchema)]
pub struct ContractCarV1 {
    license_plate: String,
    model: String,
    brand: String,
    /// `year` is text, as in the profile.
    year: String,
    /// Path under `/static/files/`, or null.
    soat_file: Option<String>,
    /// The insurance policy: path under `/static/files/`, or null.
    secure_file: Option<String>,
    /// Absolute URLs of the car's photos, in display order.
    photos: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContractCarV2 {
    license_plate: String,
    model: String,
    brand: String,
    year: String,
    photos: Vec<String>,
    ownership_card: OwnershipCardView,
    soat: CarDocumentView,
    insurance: CarDocumentView,
    driver_license: CarDocumentView,
    technical_inspection: CarDocumentView,
}

#[derive(Serialize, ToSchema)]
pub struct OwnershipCardView {
    owner: String,
    /// `YYYY-MM-DD`, or null.
    due_date: Option<String>,
    license_plate: String,
}

/// One of the car's documents; a document not yet on file has no URL, number or owner.
#[derive(Serialize, ToSchema)]
pub struct CarDocumentView {
    /// Absolute URL of the file, or null.
    file_url: Option<String>,
    label: String,
    number: String,
    owner: String,
    /// `YYYY-MM-DD`, or null.
    due_date: Option<String>,
}

/// What both car shapes are built from.
struct CarFacts {
    car: ContractCar,
    documents: HashMap<String, CarDocumentRow>,
    photos: Vec<String>,
}

async fn load_car(
    state: &AppState,
    client: &ClientSession,
    contract_hash: &str,
    base: &str,
) -> Result<CarFacts, ApiError> {
    let db = state.store.pool();
    let car = store::contracts::car_of_client(db, client.client_id, &contract_key(contract_hash))
        .await?
        .ok_or_else(not_found)?;
    let documents = store::cars::documents(db, car.car_id)
        .await?
        .into_iter()
        .map(|doc| (doc.kind.clone(), doc))
        .collect();
    let photos = store::cars::photos(db, car.car_id)
        .await?
        .into_iter()
        .map(|photo| format!("{base}{FILES_URL}{}", photo.file_path))
        .collect();
    Ok(CarFacts {
        car,
        documents,
        photos,
    })
}

/// The car of the client's contract, with its SOAT and insurance files and its photos.
#[utoipa::path(get, path = "/api/v1/contracts/{contract_hash}/car/", tag = "clients",
    params(("contract_hash" = String, Path, description = "The contract's `hash`")),
    security(("token" = [])),
    responses(
        (status = 200, body = ContractCarV1),
        (status = 400, description = "`{\"error\": [\"Contracto no encontrado\"]}`"),
    ))]
pub async fn get_car_v1(
    State(state): State<AppState>,
    client: ClientSession,
    base: PublicBase,
    Path(contract_hash): Path<String>,
) -> Result<Json<ContractCarV1>, ApiError> {
    let facts = load_car(&state, &client, &contract_hash, &base.0).await?;
    let file = |kind: DocumentKind| {
        facts
            .documents
            .get(kind.as_str())
            .and_then(|doc| doc.file_path.as_deref())
            .map(|path| format!("{FILES_URL}{path}"))
    };
    Ok(Json(ContractCarV1 {
        soat_file: file(DocumentKind::Soat),
        secure_file: file(DocumentKind::Insurance),
        license_plate: facts.car.license_plate,
        model: facts.car.model,
        brand: facts.car.brand,
        year: facts.car.year,
        photos: facts.photos,
    }))
}

/// The car of the client's contract with every document: number, owner, due date and
/// file.
#[utoipa::path(get, path = "/api/v2/contracts/{contract_hash}/car/", tag = "clients",
    params(("contract_hash" = String, Path, description = "The contract's `hash`")),
    security(("token" = [])),
    responses(
        (status = 200, body = ContractCarV2),
        (status = 400, description = "`{\"error\": [\"Contracto no encontrado\"]}`"),
    ))]
pub async fn get_car_v2(
    State(state): State<AppState>,
    client: ClientSession,
    base: PublicBase,
    Path(contract_hash): Path<String>,
) -> Result<Json<ContractCarV2>, ApiError> {
    let mut facts = load_car(&state, &client, &contract_hash, &base.0).await?;
    let mut document = |kind: DocumentKind| {
        let doc = facts.documents.remove(kind.as_str());
        CarDocumentView {
            file_url: doc
                .as_ref()
                .and_then(|d| d.file_path.as_deref())
                .map(|path| format!("{}{FILES_URL}{path}", base.0)),
            label: document_label(kind).into(),
            number: doc.as_ref().map(|d| d.number.clone()).unwrap_or_default(),
            owner: doc.as_ref().map(|d| d.owner.clone()).unwrap_or_default(),
            due_date: doc.and_then(|d| d.due_date),
        }
    };
    let ownership = document(DocumentKind::OwnershipCard);
    let soat = document(DocumentKind::Soat);
    let insurance = document(DocumentKind::Insurance);
    let driver_license = document(DocumentKind::DriverLicense);
    let technical_inspection = document(DocumentKind::TechnicalInspection);
    Ok(Json(ContractCarV2 {
        ownership_card: OwnershipCardView {
            owner: ownership.owner,
            due_date: ownership.due_date,
            license_plate: facts.car.license_plate.clone(),
        },
        soat,
        insurance,
        driver_license,
        technical_inspection,
        license_plate: facts.car.license_plate,
        model: facts.car.model,
        brand: facts.car.brand,
        year: facts.car.year,
        photos: facts.photos,
    }))
}

/// The name the app shows for each document.
fn document_label(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Soat => "SOAT",
        DocumentKind::Insurance => "Seguro vehicular",
        DocumentKind::OwnershipCard => "Tarjeta de propiedad",
        DocumentKind::TechnicalInspection => "Revisión técnica",
        DocumentKind::DriverLicense => "Licencia de conducir",
    }
}
