//! Cars, their documents (SOAT, insurance, ownership card, technical inspection, driver
//! license) and their photos.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, FromRow, serde::Deserialize)]
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

/// A car as the back office shows it, with the contract that holds it, if any.
#[derive(Debug, FromRow)]
pub struct CarRow {
    pub car_id: i64,
    pub hash: String,
    pub brand: String,
    pub model: String,
    pub year: String,
    pub license_plate: String,
    pub created_at: i64,
    /// The pending or active contract on the car (there is at most one).
    pub open_contract_id: Option<i64>,
}

#[derive(Debug, FromRow)]
pub struct CarDocumentRow {
    pub kind: String,
    pub number: String,
    pub owner: String,
    pub due_date: Option<String>,
    pub file_path: Option<String>,
}

#[derive(Debug, FromRow)]
pub struct PhotoRow {
    pub car_photo_id: i64,
    pub file_path: String,
    pub position: i64,
}

/// The editable fields of a car, as they will be written.
#[derive(Debug)]
pub struct CarFields {
    pub brand: String,
    pub model: String,
    pub year: String,
    pub license_plate: String,
}

const CAR_COLUMNS: &str = "c.car_id, c.hash, c.brand, c.model, c.year, c.license_plate,
        c.created_at,
        (select k.contract_id from contracts k
         where k.car_id = c.car_id and k.status in ('contract_pending', 'contract_active'))
        as open_contract_id";

/// `$1` matches the plate, brand or model; `$2` matches the plate with its hyphen dropped,
/// so `abc123` finds `ABC-123`.
const SEARCH: &str = "($1 is null
       or lower(c.license_plate) like $1 escape '\\'
       or replace(lower(c.license_plate), '-', '') like $2 escape '\\'
       or lower(c.brand) like $1 escape '\\'
       or lower(c.model) like $1 escape '\\')";

/// A `like` pattern matching `term` anywhere, with `%`, `_` and `\` taken literally.
fn contains_pattern(term: &str) -> String {
    let mut pattern = String::from("%");
    for c in term.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn search_binds(search: Option<&str>) -> (Option<String>, Option<String>) {
    (
        search.map(contains_pattern),
        search.map(|s| contains_pattern(&s.replace('-', ""))),
    )
}

pub async fn get(db: impl AnyExecutor<'_>, car_id: i64) -> sqlx::Result<Option<CarRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {CAR_COLUMNS} from cars c where c.car_id = $1"
    )))
    .bind(car_id)
    .fetch_optional(db)
    .await
}

/// Cars matching `search` in plate, brand or model (any part, case-insensitive for ASCII
/// letters), newest first.
///
/// Known shortcoming: the search scans the cars table (a `like` with a leading wildcard
/// uses no index); the fleet is thousands of cars at most.
pub async fn search(
    db: impl AnyExecutor<'_>,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<CarRow>> {
    let (pattern, plate_pattern) = search_binds(search);
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {CAR_COLUMNS} from cars c where {SEARCH}
         order by c.car_id desc
         limit $3 offset $4"
    )))
    .bind(pattern)
    .bind(plate_pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

pub async fn count_search(db: impl AnyExecutor<'_>, search: Option<&str>) -> sqlx::Result<i64> {
    let (pattern, plate_pattern) = search_binds(search);
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from cars c where {SEARCH}"
    )))
    .bind(pattern)
    .bind(plate_pattern)
    .fetch_one(db)
    .await
}

/// A plate already in use is a unique violation for the caller to report.
pub async fn update(db: impl AnyExecutor<'_>, car_id: i64, fields: &CarFields) -> sqlx::Result<()> {
    sqlx::query(
        "update cars set brand = $1, model = $2, year = $3, license_plate = $4
         where car_id = $5",
    )
    .bind(&fields.brand)
    .bind(&fields.model)
    .bind(&fields.year)
    .bind(&fields.license_plate)
    .bind(car_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn documents(db: impl AnyExecutor<'_>, car_id: i64) -> sqlx::Result<Vec<CarDocumentRow>> {
    sqlx::query_as(
        "select kind, number, owner, due_date, file_path from car_documents
         where car_id = $1 order by kind",
    )
    .bind(car_id)
    .fetch_all(db)
    .await
}

/// Creates the car's document of that kind or replaces its fields. Without a new file the
/// stored one stays.
pub async fn upsert_document(
    db: impl AnyExecutor<'_>,
    doc: &NewCarDocument<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into car_documents (car_id, kind, number, owner, due_date, file_path, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (car_id, kind) do update set
             number = excluded.number, owner = excluded.owner, due_date = excluded.due_date,
             file_path = coalesce(excluded.file_path, car_documents.file_path)",
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

/// The car's photos in display order.
pub async fn photos(db: impl AnyExecutor<'_>, car_id: i64) -> sqlx::Result<Vec<PhotoRow>> {
    sqlx::query_as(
        "select car_photo_id, file_path, position from car_photos
         where car_id = $1 order by position, car_photo_id",
    )
    .bind(car_id)
    .fetch_all(db)
    .await
}

/// The position after the car's last photo.
pub async fn next_photo_position(db: impl AnyExecutor<'_>, car_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("select coalesce(max(position) + 1, 0) from car_photos where car_id = $1")
        .bind(car_id)
        .fetch_one(db)
        .await
}

/// Answers whether the photo existed and belonged to the car.
pub async fn delete_photo(
    db: impl AnyExecutor<'_>,
    car_id: i64,
    car_photo_id: i64,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query("delete from car_photos where car_photo_id = $1 and car_id = $2")
        .bind(car_photo_id)
        .bind(car_id)
        .execute(db)
        .await?;
    Ok(deleted.rows_affected() > 0)
}
