//! Back-office cars: register, list, search, read and update them; their documents and
//! photos; permissions and the audit trail.

mod access;
mod documents;
mod photos;
mod registry;

use reqwest::{
    Method, Response,
    multipart::{Form, Part},
};
use serde_json::{Value, json};

use crate::helpers::{TestApp, status_json};

pub(crate) const CAR_NOT_FOUND: &str = "Auto no encontrado";

pub(crate) fn new_car(plate: &str) -> Value {
    json!({ "brand": "Toyota", "model": "Yaris", "year": "2022", "license_plate": plate })
}

pub(crate) fn lima_today() -> String {
    leasy::domain::time::lima_today().to_string()
}

/// Audit entries about one car.
pub(crate) async fn car_audit_count(app: &TestApp, car_id: i64) -> i64 {
    sqlx::query_scalar(
        "select count(*) from audit_entries where target_type = 'car' and target_id = $1",
    )
    .bind(car_id.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

pub(crate) async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from audit_entries")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// The id of the demo client's Chevrolet Cobalt, found through the search.
pub(crate) async fn demo_car_id(app: &TestApp, token: &str) -> i64 {
    let (status, page) = status_json(
        app.backoffice(Method::GET, "/cars?q=ABC-123", token, None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1, "{page}");
    page["results"][0]["id"].as_i64().unwrap()
}

pub(crate) async fn create_car(app: &TestApp, token: &str, plate: &str) -> Value {
    let response = app
        .backoffice(Method::POST, "/cars/", token, Some(new_car(plate)))
        .await;
    let (status, car) = status_json(response).await;
    assert_eq!(status, 201, "{car}");
    car
}

/// A back-office `multipart/form-data` request.
pub(crate) async fn send_form(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    form: Form,
) -> Response {
    app.http
        .request(method, app.url(&format!("/api/backoffice{path}")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("request reaches the server")
}
pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

pub(crate) fn file(bytes: &[u8], name: &str, mime: &str) -> Part {
    Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap()
}

pub(crate) fn document_form(number: &str, due_date: &str, file: Option<Part>) -> Form {
    let form = Form::new()
        .text("number", number.to_owned())
        .text("owner", "Leasy S.A.C.")
        .text("due_date", due_date.to_owned());
    match file {
        Some(part) => form.part("file", part),
        None => form,
    }
}

/// Names of the files in a folder of the files directory.
pub(crate) fn files_in(app: &TestApp, folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.files_dir.join(folder))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
