//! A car's photos, shown in the apps in the order of their position.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use utoipa::ToSchema;

use super::{
    upload::{self, Accepts, MultipartForm, Target},
    view::{CAR_NOT_FOUND, CarChange, CarDetail},
};
use crate::{
    domain::{staff::Permission, time::now_unix},
    http::{
        AppState,
        backoffice::{StaffSession, path_id},
        error::ApiError,
    },
    store,
};

const PHOTO_NOT_FOUND: &str = "Foto no encontrada";

/// The form of a photo: a JPEG or PNG, recognized by its content.
#[derive(Debug, ToSchema)]
pub struct PhotoForm {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Add a photo after the car's last one, as `multipart/form-data`.
#[utoipa::path(post, path = "/api/backoffice/cars/{car_id}/photos/", tag = "backoffice",
    security(("staff_token" = [])),
    request_body(content = PhotoForm, content_type = "multipart/form-data"),
    responses((status = 201, body = CarDetail), (status = 400), (status = 403), (status = 404),
        (status = 413), (status = 415)))]
pub async fn add_car_photo(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    form: MultipartForm,
) -> Result<(StatusCode, axum::Json<CarDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let car_id = path_id(&raw_id, CAR_NOT_FOUND)?;
    let target = Target {
        folder: "photos",
        accepts: Accepts::Images,
        text_fields: &[],
    };
    let mut form = upload::receive(form, &state, &target).await?;
    // Written before the transaction commits; removed again if it does not.
    let file = form
        .store_file()
        .await?
        .ok_or_else(|| ApiError::message("El campo 'file' es obligatorio"))?;

    let mut change = CarChange::begin(&state, car_id).await?;
    let position = store::cars::next_photo_position(&mut **change.tx(), car_id).await?;
    store::cars::insert_car_photo(
        &mut **change.tx(),
        car_id,
        file.relative_path(),
        position,
        now_unix(),
    )
    .await?;
    let after = change.commit(&staff, "car.add_photo").await?;
    file.keep();
    Ok((StatusCode::CREATED, axum::Json(after)))
}

/// Remove one of the car's photos.
///
/// The file itself stays on disk: the audit entry's `before` still refers to it.
#[utoipa::path(delete, path = "/api/backoffice/cars/{car_id}/photos/{photo_id}/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = CarDetail), (status = 403), (status = 404)))]
pub async fn delete_car_photo(
    State(state): State<AppState>,
    staff: StaffSession,
    Path((raw_car, raw_photo)): Path<(String, String)>,
) -> Result<axum::Json<CarDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let car_id = path_id(&raw_car, CAR_NOT_FOUND)?;
    let photo_id = path_id(&raw_photo, PHOTO_NOT_FOUND)?;

    let mut change = CarChange::begin(&state, car_id).await?;
    if !store::cars::delete_photo(&mut **change.tx(), car_id, photo_id).await? {
        return Err(ApiError::missing(PHOTO_NOT_FOUND));
    }
    let after = change.commit(&staff, "car.delete_photo").await?;
    Ok(axum::Json(after))
}
