//! What the back office shows of a car, and the frame every change to a car runs in.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::super::{StaffSession, audit};
use crate::{
    domain::{car::DocumentKind, time::lima_date},
    http::{AppState, error::ApiError},
    store::{
        self, Locked, Tx,
        cars::{CarDocumentRow, CarRow, PhotoRow},
    },
};

pub const CAR_NOT_FOUND: &str = "Auto no encontrado";

/// Where stored files are served from.
const FILES_URL: &str = "/static/files/";

fn file_url(path: &str) -> String {
    format!("{FILES_URL}{path}")
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CarSummary {
    pub id: i64,
    pub hash: String,
    pub brand: String,
    pub model: String,
    /// Model year, four digits.
    pub year: String,
    pub license_plate: String,
    /// Lima date, `YYYY-MM-DD`.
    pub created_at: String,
    /// The pending or active contract on the car, or null.
    pub open_contract_id: Option<i64>,
}

impl From<CarRow> for CarSummary {
    fn from(row: CarRow) -> Self {
        Self {
            id: row.car_id,
            created_at: lima_date(row.created_at),
            hash: row.hash,
            brand: row.brand,
            model: row.model,
            year: row.year,
            license_plate: row.license_plate,
            open_contract_id: row.open_contract_id,
        }
    }
}

/// A car with its documents and photos.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarDetail {
    #[serde(flatten)]
    pub car: CarSummary,
    pub documents: CarDocuments,
    pub photos: Vec<PhotoView>,
}

/// One entry per kind of document; null when the car has none of that kind.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct CarDocuments {
    pub soat: Option<DocumentView>,
    pub insurance: Option<DocumentView>,
    pub ownership_card: Option<DocumentView>,
    pub technical_inspection: Option<DocumentView>,
    pub driver_license: Option<DocumentView>,
}

impl CarDocuments {
    fn slot(&mut self, kind: DocumentKind) -> &mut Option<DocumentView> {
        match kind {
            DocumentKind::Soat => &mut self.soat,
            DocumentKind::Insurance => &mut self.insurance,
            DocumentKind::OwnershipCard => &mut self.ownership_card,
            DocumentKind::TechnicalInspection => &mut self.technical_inspection,
            DocumentKind::DriverLicense => &mut self.driver_license,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub number: String,
    pub owner: String,
    /// `YYYY-MM-DD`, or null.
    pub due_date: Option<String>,
    /// `/static/files/...`, or null when no file was uploaded.
    pub file_url: Option<String>,
}

impl From<CarDocumentRow> for DocumentView {
    fn from(row: CarDocumentRow) -> Self {
        Self {
            number: row.number,
            owner: row.owner,
            due_date: row.due_date,
            file_url: row.file_path.as_deref().map(file_url),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: i64,
    /// `/static/files/photos/...`.
    pub url: String,
    pub position: i64,
}

impl From<PhotoRow> for PhotoView {
    fn from(row: PhotoRow) -> Self {
        Self {
            id: row.car_photo_id,
            url: file_url(&row.file_path),
            position: row.position,
        }
    }
}

impl CarDetail {
    /// The audited part: what staff can change. The id is the audit entry's target; the
    /// open contract is changed by contracts, not by car changes.
    fn audit_json(&self) -> serde_json::Value {
        json!({
            "hash": self.car.hash, "brand": self.car.brand, "model": self.car.model,
            "year": self.car.year, "license_plate": self.car.license_plate,
            "documents": self.documents, "photos": self.photos,
        })
    }
}

pub async fn load_detail(db: &mut Tx, car_id: i64) -> Result<CarDetail, ApiError> {
    let car = store::cars::get(&mut **db, car_id)
        .await?
        .ok_or_else(|| ApiError::missing(CAR_NOT_FOUND))?;
    let mut documents = CarDocuments::default();
    for row in store::cars::documents(&mut **db, car_id).await? {
        if let Some(kind) = DocumentKind::parse(&row.kind) {
            *documents.slot(kind) = Some(DocumentView::from(row));
        }
    }
    let photos = store::cars::photos(&mut **db, car_id).await?;
    Ok(CarDetail {
        car: CarSummary::from(car),
        documents,
        photos: photos.into_iter().map(PhotoView::from).collect(),
    })
}

/// Writes the audit entry of a new car, inside its transaction.
pub async fn audit_creation(
    tx: &mut Tx,
    staff: &StaffSession,
    created: &CarDetail,
) -> Result<(), ApiError> {
    let after = Some(created.audit_json());
    audit(tx, staff, "car.create", "car", created.car.id, None, after).await
}

/// One change to an existing car: the car is locked, read before and after, and the
/// change audited, all in one transaction.
pub struct CarChange {
    tx: Tx,
    car_id: i64,
    before: CarDetail,
}

impl CarChange {
    /// Locks the car; 404 when there is none.
    pub async fn begin(state: &AppState, car_id: i64) -> Result<Self, ApiError> {
        let mut tx = state.store.begin_write().await?;
        if !state.store.lock(&mut tx, Locked::Car, car_id).await? {
            return Err(ApiError::missing(CAR_NOT_FOUND));
        }
        let before = load_detail(&mut tx, car_id).await?;
        Ok(Self { tx, car_id, before })
    }

    pub fn car_id(&self) -> i64 {
        self.car_id
    }

    pub fn before(&self) -> &CarDetail {
        &self.before
    }

    pub fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    /// Audits the change as `action` and commits it; answers the car as it is now.
    pub async fn commit(
        mut self,
        staff: &StaffSession,
        action: &str,
    ) -> Result<CarDetail, ApiError> {
        let after = load_detail(&mut self.tx, self.car_id).await?;
        let (before, after_json) = (self.before.audit_json(), after.audit_json());
        audit(
            &mut self.tx,
            staff,
            action,
            "car",
            self.car_id,
            Some(before),
            Some(after_json),
        )
        .await?;
        self.tx.commit().await?;
        Ok(after)
    }
}
