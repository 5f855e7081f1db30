//! Managing cars: register, read, update and search them; their documents and photos.

pub mod documents;
pub mod photos;
mod upload;
pub mod view;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, State},
    http::StatusCode,
    routing::{delete, get, post, put},
};
use chrono::Datelike;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, Paged, StaffSession, path_id};
use crate::{
    domain::{
        car,
        staff::Permission,
        time::{lima_today, now_unix},
    },
    http::{
        AppState,
        error::ApiError,
        extract::{JsonList, Query},
    },
    store::{
        self,
        cars::{CarFields, NewCar},
    },
};
use view::{CAR_NOT_FOUND, CarChange, CarDetail, CarSummary, load_detail};

pub fn router() -> Router<AppState> {
    // Uploads bring their own limit, the configured file size, checked while the file
    // streams in (see `upload::receive`); the app's 64 KiB limit is for JSON.
    Router::new()
        .route("/cars", get(list_cars).post(create_car))
        .route("/cars/{car_id}", get(get_car).patch(update_car))
        .route(
            "/cars/{car_id}/documents/{kind}",
            put(documents::put_car_document).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/cars/{car_id}/photos",
            post(photos::add_car_photo).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/cars/{car_id}/photos/{photo_id}",
            delete(photos::delete_car_photo),
        )
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CarSearch {
    /// Part of the license plate (with or without its hyphen), brand or model.
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Cars, newest first, optionally searched by plate, brand or model.
#[utoipa::path(get, path = "/api/backoffice/cars/", tag = "backoffice",
    security(("staff_token" = [])), params(CarSearch),
    responses((status = 200, body = Paged<CarSummary>), (status = 401)))]
pub async fn list_cars(
    State(state): State<AppState>,
    staff: StaffSession,
    Query(query): Query<CarSearch>,
) -> Result<axum::Json<Paged<CarSummary>>, ApiError> {
    staff.require(Permission::Read)?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let search = super::search_term(query.q.as_deref())?;

    let pool = state.store.pool();
    let rows = store::cars::search(pool, search, page.limit(), page.offset()).await?;
    let total = store::cars::count_search(pool, search).await?;
    Ok(axum::Json(page.answer(
        rows.into_iter().map(CarSummary::from).collect(),
        total,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCarBody {
    brand: String,
    model: String,
    /// Four digits, from 1990 to next year.
    year: String,
    /// 6 to 8 letters or digits with an optional hyphen; kept in upper case.
    license_plate: String,
}

/// Checks every field; the error lists each one that fails.
fn validate_fields(
    brand: &str,
    model: &str,
    year: &str,
    license_plate: &str,
) -> Result<CarFields, ApiError> {
    let mut failures = Vec::new();
    let mut check = |result: Result<String, String>, field: &str| {
        result
            .map_err(|reason| failures.push(format!("El campo '{field}' {reason}")))
            .unwrap_or_default()
    };
    let fields = CarFields {
        brand: check(car::brand_or_model(brand), "brand"),
        model: check(car::brand_or_model(model), "model"),
        year: check(car::year(year, lima_today().year()), "year"),
        license_plate: check(
            car::license_plate(license_plate).map_err(str::to_owned),
            "license_plate",
        ),
    };
    if failures.is_empty() {
        Ok(fields)
    } else {
        Err(ApiError::Messages(failures))
    }
}

/// A unique violation on cars is a plate in use (the hash is a fresh random UUID).
fn plate_conflict(err: sqlx::Error) -> ApiError {
    if store::is_unique_violation(&err) {
        ApiError::conflict("El campo 'license_plate' ya está registrado")
    } else {
        err.into()
    }
}

/// Register a car.
#[utoipa::path(post, path = "/api/backoffice/cars/", tag = "backoffice",
    security(("staff_token" = [])), request_body = NewCarBody,
    responses((status = 201, body = CarDetail), (status = 400), (status = 403), (status = 409)))]
pub async fn create_car(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<NewCarBody>,
) -> Result<(StatusCode, axum::Json<CarDetail>), ApiError> {
    staff.require(Permission::Operate)?;
    let fields = validate_fields(&body.brand, &body.model, &body.year, &body.license_plate)?;
    let hash = uuid::Uuid::new_v4().to_string();

    let mut tx = state.store.begin_write().await?;
    let new = NewCar {
        hash: &hash,
        brand: &fields.brand,
        model: &fields.model,
        year: &fields.year,
        license_plate: &fields.license_plate,
    };
    let car_id = store::cars::insert_car(&mut *tx, &new, now_unix())
        .await
        .map_err(plate_conflict)?;
    let created = load_detail(&mut tx, car_id).await?;
    view::audit_creation(&mut tx, &staff, &created).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// A car with its documents and photos.
#[utoipa::path(get, path = "/api/backoffice/cars/{car_id}/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = CarDetail), (status = 404)))]
pub async fn get_car(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<CarDetail>, ApiError> {
    staff.require(Permission::Read)?;
    let car_id = path_id(&raw_id, CAR_NOT_FOUND)?;

    let mut tx = state.store.pool().begin().await?;
    let detail = load_detail(&mut tx, car_id).await?;
    tx.commit().await?;
    Ok(axum::Json(detail))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CarChanges {
    brand: Option<String>,
    model: Option<String>,
    year: Option<String>,
    license_plate: Option<String>,
}

/// Change the car's brand, model, year or plate.
#[utoipa::path(patch, path = "/api/backoffice/cars/{car_id}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = CarChanges,
    responses((status = 200, body = CarDetail), (status = 400), (status = 403), (status = 404),
        (status = 409)))]
pub async fn update_car(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(changes): JsonList<CarChanges>,
) -> Result<axum::Json<CarDetail>, ApiError> {
    staff.require(Permission::Operate)?;
    let car_id = path_id(&raw_id, CAR_NOT_FOUND)?;

    let mut change = CarChange::begin(&state, car_id).await?;
    let current = &change.before().car;
    let pick = |change: &Option<String>, current: &str| {
        change.clone().unwrap_or_else(|| current.to_owned())
    };
    let fields = validate_fields(
        &pick(&changes.brand, &current.brand),
        &pick(&changes.model, &current.model),
        &pick(&changes.year, &current.year),
        &pick(&changes.license_plate, &current.license_plate),
    )?;
    store::cars::update(&mut **change.tx(), car_id, &fields)
        .await
        .map_err(plate_conflict)?;
    let after = change.commit(&staff, "car.update").await?;
    Ok(axum::Json(after))
}
