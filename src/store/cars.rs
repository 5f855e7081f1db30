//! Cars, their documents (SOAT, insurance, ownership card, technical inspection, driver
//! license) and their photos.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, FromRow)]
pub struct CarPhotoRow {
    pub car_id: i64,
    pub file_path: String,
}

pub struct NewCar<'a> {
    pub hash: &'a str,
    pub brand: &'a str,
    pub model: &'a str,
    pub year: &'a str,
    pub license_plate: &'a str,
}

pub struct NewCarDocument<'a> {
    pub car_id: i64,
    pub kind: &'a str,
    pub number: &'a str,
    pub owner: &'a str,
    pub due_date: Option<&'a str>,
    pub file_path: Option<&'a str>,
}

/// Photos of the cars of the client's contracts, in display order.
pub async fn car_photos_for_client(
    db: impl AnyExecutor<'_>,
    client_id: i64,
) -> sqlx::Result<Vec<CarPhotoRow>> {
    sqlx::query_as(
        "select p.car_id, p.file_path
         from car_photos p join contracts k on k.car_id = p.car_id
         where k.client_id = $1
         order by p.car_id, p.position, p.car_photo_id",
    )
    .bind(client_id)
    .fetch_all(db)
    .await
}

pub async fn insert_car(db: impl AnyExecutor<'_>, car: &NewCar<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into cars (hash, brand, model, year, license_plate, created_at)
         values ($1, $2, $3, $4, $5, $6) returning car_id",
    )
    .bind(car.hash)
    .bind(car.brand)
    .bind(car.model)
    .bind(car.year)
    .bind(car.license_plate)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn insert_car_document(
    db: impl AnyExecutor<'_>,
    doc: &NewCarDocument<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into car_documents (car_id, kind, number, owner, due_date, file_path, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(doc.car_id)
    .bind(doc.kind)
    .bind(doc.number)
    .bind(doc.owner)
    .bind(doc.due_date)
    .bind(doc.file_path)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_car_photo(
    db: impl AnyExecutor<'_>,
    car_id: i64,
    file_path: &str,
    position: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into car_photos (car_id, file_path, position, created_at) values ($1, $2, $3, $4)",
    )
    .bind(car_id)
    .bind(file_path)
    .bind(position)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
