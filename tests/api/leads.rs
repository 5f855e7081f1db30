//! Sign-ups through `POST /clients/new/`: every invalid field named, optional campaign
//! fields, tildes kept, and a limit per client address.

mod follow_up;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, status_json};

async fn send_lead(app: &TestApp, body: Value) -> Response {
    app.post_json("/api/v1/clients/new/", None, body).await
}

fn lead() -> Value {
    json!({
        "first_name": "María José",
        "last_name": "Ñahui Peña",
        "document": "45678912",
        "phone_number": "987654321",
        "email": "maria.nahui@example.pe",
        "time_working": "Dos años en Uber y Cabify",
        "utm_source": "facebook",
        "utm_medium": "cpc",
        "car_of_interest": "Semi nuevo"
    })
}

async fn audit_rows(app: &TestApp, lead_id: i64) -> i64 {
    sqlx::query_scalar(
        "select count(*) from audit_entries where target_type = 'lead' and target_id = $1",
    )
    .bind(lead_id.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

async fn client_id(app: &TestApp, document: &str) -> i64 {
    sqlx::query_scalar("select client_id from clients where document = $1")
        .bind(document)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Sends a lead with `changes` applied and answers the id the back office shows for it.
async fn stored_lead(app: &TestApp, staff: &str, changes: Value) -> i64 {
    let mut body = lead();
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    assert_eq!(send_lead(app, body).await.status(), 200);
    let (_, page) = status_json(app.backoffice(Method::GET, "/leads", staff, None).await).await;
    page["results"][0]["id"].as_i64().unwrap()
}

async fn a_valid_lead_is_stored_with_its_tildes(app: TestApp) {
    let staff = app.staff_token("viewer").await;

    let answer = status_json(send_lead(&app, lead()).await).await;

    assert_eq!(answer, (200, json!({ "status": 200 })));
    let (status, page) =
        status_json(app.backoffice(Method::GET, "/leads", &staff, None).await).await;
    assert_eq!(status, 200);
    let item = &page["results"][0];
    let created_at = item["created_at"].as_str().unwrap();
    assert_eq!(
        created_at.len(),
        "2026-01-01 00:00:00".len(),
        "{created_at}"
    );
    assert_eq!(
        page,
        json!({
            "results": [{
                "id": item["id"],
                "first_name": "María José",
                "last_name": "Ñahui Peña",
                "document": "45678912",
                "phone_number": "987654321",
                "email": "maria.nahui@example.pe",
                "time_working": "Dos años en Uber y Cabify",
                "utm_source": "facebook",
                "utm_medium": "cpc",
                "car_of_interest": "Semi nuevo",
                "status": "new",
                "client_id": null,
                "created_at": created_at,
                "contacted_at": null,
                "converted_at": null
            }],
            "page": 1,
            "per_page": 20,
            "total": 1
        })
    );
}

async fn the_campaign_fields_are_optional(app: TestApp) {
    let staff = app.staff_token("viewer").await;
    let mut body = lead();
    body.as_object_mut().unwrap().remove("utm_source");
    body["utm_medium"] = Value::Null;
    body["car_of_interest"] = json!("Nuevo");

    let answer = status_json(app.post_json("/api/v2/clients/new", None, body).await).await;

    assert_eq!(answer, (200, json!({ "status": 200 })));
    let (_, page) = status_json(app.backoffice(Method::GET, "/leads", &staff, None).await).await;
    let item = &page["results"][0];
    assert_eq!(
        [
            &item["utm_source"],
            &item["utm_medium"],
            &item["car_of_interest"]
        ],
        [&json!(""), &json!(""), &json!("Nuevo")]
    );
}

async fn each_invalid_field_is_named(app: TestApp) {
    let long = "x".repeat(101);
    let invalid = json!({
        "first_name": " ", "last_name": long, "document": "123", "phone_number": "12ab",
        "email": "maria@", "time_working": "", "utm_source": long, "utm_medium": long,
        "car_of_interest": "nuevo"
    });

    let every_field = status_json(send_lead(&app, invalid).await).await;
    let missing = status_json(send_lead(&app, json!({ "first_name": "Ana" })).await).await;
    let wrong_type = status_json(send_lead(&app, json!({ "document": 45678912 })).await).await;

    assert_eq!(
        every_field,
        (
            400,
            json!({ "error": [
                "El campo 'first_name' debe tener entre 1 y 100 caracteres",
                "El campo 'last_name' debe tener entre 1 y 100 caracteres",
                "El campo 'document' debe tener entre 8 y 12 letras o números",
                "El campo 'phone_number' debe tener entre 6 y 15 dígitos",
                "El campo 'email' debe ser un correo electrónico válido",
                "El campo 'time_working' debe tener entre 1 y 100 caracteres",
                "El campo 'utm_source' debe tener como máximo 100 caracteres",
                "El campo 'utm_medium' debe tener como máximo 100 caracteres",
                "El campo 'car_of_interest' debe ser 'Nuevo' o 'Semi nuevo'"
            ] })
        )
    );
    assert_eq!(
        missing,
        (
            400,
            json!({ "error": [
                "El campo 'last_name' es obligatorio",
                "El campo 'document' es obligatorio",
                "El campo 'phone_number' es obligatorio",
                "El campo 'email' es obligatorio",
                "El campo 'time_working' es obligatorio",
                "El campo 'car_of_interest' es obligatorio"
            ] })
        )
    );
    assert_eq!(
        wrong_type,
        (
            400,
            json!({ "error": ["El campo 'document' tiene un tipo inválido: se esperaba un texto"] })
        )
    );
    let stored: i64 = sqlx::query_scalar("select count(*) from leads")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

/// Two sign-ups an hour from one address; refused ones do not count.
async fn sign_ups_are_limited_per_address(db: Db) {
    let Some(app) = TestApp::spawn_with(db, |c| c.leads_per_address_per_hour = 2).await else {
        return;
    };
    let invalid = json!({ "first_name": "Ana" });

    let refused = send_lead(&app, invalid).await.status();
    let first = send_lead(&app, lead()).await.status();
    let second = send_lead(&app, lead()).await.status();
    let third = send_lead(&app, lead()).await;

    assert_eq!([refused, first, second], [400, 200, 200]);
    let retry_after: u64 = third.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3590..=3600).contains(&retry_after), "{retry_after}");
    let (status, body) = status_json(third).await;
    assert_eq!(status, 429);
    assert!(body["error"].is_string(), "{body}");
    let stored: i64 = sqlx::query_scalar("select count(*) from leads")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 2);
}

crate::db_tests!(
    a_valid_lead_is_stored_with_its_tildes,
    the_campaign_fields_are_optional,
    each_invalid_field_is_named,
);

crate::db_cases!(sign_ups_are_limited_per_address);
