//! A car's documents: SOAT, insurance, ownership card, technical inspection and driver
//! license, one of each, each with an optional file.

use axum::extract::{Path, State};
use utoipa::ToSchema;

use super::{
    upload::{self, Accepts, MultipartForm, ReceivedForm, Target},
    view::{CAR_NOT_FOUND, CarChange, CarDetail},
};
use crate::{
    domain::{car, car::DocumentKind, staff::Permission, time::now_unix},
    http::{
        AppState,
        backoffice::{StaffSession, path_id},
        error::ApiError,
    },
    store::{self, cars::NewCarDocument},
};

/// The form of a document. `file` is a PDF, JPEG or PNG, recognized by its content.
#[derive(Debug, ToSchema)]
pub struct DocumentForm {
    /// The document's number (policy, certificate, license).
    pub number: String,
    /// Who the document is issued to.
    pub owner: String,
    /// `YYYY-MM-DD`; empty or absent for none.
    pub due_date: Option<String>,
    /// Without a file, the stored one (if any) stays.
    #[schema(value_type = Option<String>, format = Binary)]
    pub file: Option<Vec<u8>>,
}

struct DocumentFields {
    number: String,
    owner: String,
    due_date: Option<String>,
}

/// Checks every text field; the error lists each one that fails.
fn validate(form: &ReceivedForm) -> Result<DocumentFields, ApiError> {
    let mut failures = Vec::new();
    let mut required = |field: &str, max: usize| {
        car::one_line(form.text(field).unwrap_or_default(), max)
            .map_err(|reason| failures.push(format!("El campo '{field}' {reason}")))
            .unwrap_or_default()
    };
    let number = required("number", 60);
    let owner = required("owner", 100);
    let due_date = match form
        .text("due_date")
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(raw) => match car::due_date(raw) {
            Ok(date) => Some(date.to_string()),
            Err(reason) => {
                failures.push(format!("El campo 'due_date' {reason}"));
                None
            }
        },
    };
    if failures.is_empty() {
        Ok(DocumentFields {
            number,
            owner,
            due_date,
        })
    } else {
        Err(ApiError::Messages(failures))
    }
}

/// Create or replace one of the car's documents (`soat`, `insurance`, `ownership_card`,
/// `technical_inspection`, `driver_license`), as `multipart/form-data`.
#[utoipa::path(put, path = "/api/backoffice/cars/{car_id}/documents/{kind}/",
    tag = "backoffice", security(("staff_token" = [])),
    request_body(content = DocumentForm, content_type = "multipart/form-data"),
    responses((status = 200, body = CarDetail), (status = 400), (status = 403), (status = 404),
        (status = 413), (status = 415)))]
pub async fn put_car_document(
    State(state): State<AppState>,
    staff: StaffSession,
    Path((raw_car, raw_kind)): Path<(String, String)>,
    form: MultipartForm,
) -> Result<axum::Json<CarDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let car_id = path_id(&raw_car, CAR_NOT_FOUND)?;
    let kind = DocumentKind::parse(&raw_kind)
        .ok_or_else(|| ApiError::missing("Tipo de documento no encontrado"))?;
    let target = Target {
        folder: kind.folder(),
        accepts: Accepts::Documents,
        text_fields: &["number", "owner", "due_date"],
    };
    let mut form = upload::receive(form, &state, &target).await?;
    let fields = validate(&form)?;
    // Written before the transaction commits; removed again if it does not.
    let file = form.store_file().await?;

    let mut change = CarChange::begin(&state, car_id).await?;
    let document = NewCarDocument {
        car_id: change.car_id(),
        kind: kind.as_str(),
        number: &fields.number,
        owner: &fields.owner,
        due_date: fields.due_date.as_deref(),
        file_path: file.as_ref().map(|f| f.relative_path()),
    };
    store::cars::upsert_document(&mut **change.tx(), &document, now_unix()).await?;
    let after = change.commit(&staff, "car.put_document").await?;
    if let Some(file) = file {
        file.keep();
    }
    Ok(axum::Json(after))
}
