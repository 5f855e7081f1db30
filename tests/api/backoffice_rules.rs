//! Rules an operations person relies on: one spelling per plate, sane amounts and dates,
//! no audit entry for a change that changed nothing, closed contracts stay closed.

use reqwest::{Method, multipart::Form};
use serde_json::{Value, json};

use crate::{
    backoffice_cars::{PNG, file, send_form},
    helpers::{TestApp, status_json},
};

async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from audit_entries")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn create(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    status_json(app.backoffice(Method::POST, path, token, Some(body)).await).await
}

fn car(plate: &str) -> Value {
    json!({ "brand": "Kia", "model": "Rio", "year": "2021", "license_plate": plate })
}

async fn a_plate_has_one_spelling(app: TestApp) {
    let ops = app.staff_token("ops").await;

    let (first, created) = create(&app, &ops, "/cars/", car("bcd456")).await;
    let (second, _) = create(&app, &ops, "/cars/", car("BCD-456")).await;
    let (third, _) = create(&app, &ops, "/cars/", car("BC-D456")).await;

    assert_eq!(first, 201);
    assert_eq!(created["license_plate"], "BCD-456");
    assert_eq!((second, third), (409, 409));
}

async fn amounts_and_dates_must_be_plausible(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let (_, client) = create(
        &app,
        &ops,
        "/clients/",
        json!({
            "document": "40123456", "first_name": "Rosa", "last_name": "Ñique",
            "email": "rosa@example.pe", "phone_number": "987654000", "password": "rosa2024"
        }),
    )
    .await;
    let (_, car) = create(&app, &ops, "/cars/", car("CDE-789")).await;
    let contract = |amount: Value| json!({ "client_id": client["id"], "car_id": car["id"], "weekly_amount": amount, "weeks": 130 });

    let (typo, _) = create(&app, &ops, "/contracts/", contract(json!(48050))).await;
    let (odd, body) = create(
        &app,
        &ops,
        "/contracts/",
        contract(serde_json::from_str("1e-400").unwrap()),
    )
    .await;
    let (ok, made) = create(&app, &ops, "/contracts/", contract(json!(480.5))).await;
    let id = made["id"].as_i64().unwrap();
    let (far, _) = create(
        &app,
        &ops,
        &format!("/contracts/{id}/activate/"),
        json!({ "start_date": "+10000-01-01" }),
    )
    .await;
    let (ancient, _) = create(
        &app,
        &ops,
        &format!("/contracts/{id}/activate/"),
        json!({ "start_date": "0001-01-01" }),
    )
    .await;

    assert_eq!(typo, 400);
    assert_eq!(odd, 400, "{body}");
    assert!(!body.to_string().contains("serde_json"), "{body}");
    assert_eq!(ok, 201);
    assert_eq!((far, ancient), (400, 400));
}

async fn a_change_that_changes_nothing_leaves_no_entry(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let (_, car) = create(&app, &ops, "/cars/", car("DEF-111")).await;
    let id = car["id"].as_i64().unwrap();
    let before = audit_count(&app).await;

    let same = app
        .backoffice(
            Method::PATCH,
            &format!("/cars/{id}/"),
            &ops,
            Some(json!({ "model": "Rio" })),
        )
        .await;
    let empty = app
        .backoffice(
            Method::PATCH,
            &format!("/cars/{id}/"),
            &ops,
            Some(json!({})),
        )
        .await;

    assert_eq!(
        (same.status().as_u16(), empty.status().as_u16()),
        (200, 200)
    );
    assert_eq!(audit_count(&app).await, before);
}

async fn closed_contracts_and_staff_stay_closed(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let (_, client) = create(
        &app,
        &admin,
        "/clients/",
        json!({
            "document": "41234567", "first_name": "Luis", "last_name": "Quispe",
            "email": "luis@example.pe", "phone_number": "987654001", "password": "luis2024"
        }),
    )
    .await;
    let (_, car) = create(&app, &admin, "/cars/", car("EFG-222")).await;
    let (_, contract) = create(
        &app,
        &admin,
        "/contracts/",
        json!({
            "client_id": client["id"], "car_id": car["id"], "weekly_amount": 500, "weeks": 52
        }),
    )
    .await;
    let id = contract["id"].as_i64().unwrap();
    create(&app, &admin, &format!("/contracts/{id}/cancel/"), json!({})).await;
    let (_, viewer) = create(
        &app,
        &admin,
        "/staff/",
        json!({
            "email": "ver@leasy.pe", "name": "Ver", "role": "viewer", "password": "clave123"
        }),
    )
    .await;
    let staff_id = viewer["id"].as_i64().unwrap();

    let switch = app
        .backoffice(
            Method::PATCH,
            &format!("/contracts/{id}/auto-charge/"),
            &admin,
            Some(json!({ "auto_charge": true })),
        )
        .await;
    let first = create(
        &app,
        &admin,
        &format!("/staff/{staff_id}/deactivate/"),
        json!({}),
    )
    .await
    .0;
    let again = create(
        &app,
        &admin,
        &format!("/staff/{staff_id}/deactivate/"),
        json!({}),
    )
    .await
    .0;

    assert_eq!(switch.status(), 409);
    assert_eq!((first, again), (200, 409));
}

async fn uber_plan_needs_an_explicit_choice(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let (_, found) = status_json(
        app.backoffice(Method::GET, "/clients/?q=12345678", &ops, None)
            .await,
    )
    .await;
    let id = found["results"][0]["id"].as_i64().unwrap();
    let path = format!("/clients/{id}/uber-plan/");
    app.backoffice(
        Method::PUT,
        &path,
        &ops,
        Some(json!({ "code_name": "oro" })),
    )
    .await;

    let (missing, body) = status_json(
        app.backoffice(Method::PUT, &path, &ops, Some(json!({})))
            .await,
    )
    .await;
    let (_, kept) = status_json(
        app.backoffice(Method::GET, &format!("/clients/{id}/"), &ops, None)
            .await,
    )
    .await;
    let (removed, after) = status_json(
        app.backoffice(Method::PUT, &path, &ops, Some(json!({ "code_name": null })))
            .await,
    )
    .await;

    assert_eq!(missing, 400, "{body}");
    assert_eq!(kept["uber_plan"], "oro");
    assert_eq!(removed, 200);
    assert_eq!(after["uber_plan"], Value::Null);
}

async fn searches_are_bounded_and_ids_are_case_blind(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let long = "a".repeat(5000);

    let (status, _) = status_json(
        app.backoffice(Method::GET, &format!("/clients/?q={long}"), &ops, None)
            .await,
    )
    .await;
    let (created, _) = create(
        &app,
        &ops,
        "/clients/",
        json!({
            "document": "ce0012345a", "first_name": "Ana", "last_name": "Silva",
            "email": "ana@example.pe", "phone_number": "987654002", "password": "ana2024x"
        }),
    )
    .await;
    let login = app.login("ce0012345a", "ana2024x").await;

    assert_eq!(status, 400);
    assert_eq!(created, 201);
    assert_eq!(login.status(), 200);
}

async fn each_photo_shows_once_whatever_the_contracts(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let (_, client) = create(
        &app,
        &ops,
        "/clients/",
        json!({
            "document": "42345678", "first_name": "Eva", "last_name": "Ramos",
            "email": "eva@example.pe", "phone_number": "987654003", "password": "eva2024x"
        }),
    )
    .await;
    let (_, car) = create(&app, &ops, "/cars/", car("FGH-333")).await;
    let car_id = car["id"].as_i64().unwrap();
    let form = Form::new().part("file", file(PNG, "front.png", "image/png"));
    send_form(
        &app,
        Method::POST,
        &format!("/cars/{car_id}/photos/"),
        &ops,
        form,
    )
    .await;
    let contract =
        json!({ "client_id": client["id"], "car_id": car_id, "weekly_amount": 500, "weeks": 52 });
    let (_, first) = create(&app, &ops, "/contracts/", contract.clone()).await;
    create(
        &app,
        &ops,
        &format!("/contracts/{}/cancel/", first["id"]),
        json!({}),
    )
    .await;
    create(&app, &ops, "/contracts/", contract).await;

    let (login_ok, login) = status_json(app.login("42345678", "eva2024x").await).await;
    let token = login["token"].as_str().unwrap_or_default().to_owned();
    let (_, profile) = status_json(app.profile(2, &token).await).await;

    assert_eq!(login_ok, 200);
    for contract in profile["contracts"].as_array().unwrap() {
        assert_eq!(
            contract["car"]["photos"].as_array().unwrap().len(),
            1,
            "{contract}"
        );
    }
    let response = app.get("/api/v1/clients/cards/", Some(&token)).await;
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

crate::db_tests!(
    a_plate_has_one_spelling,
    amounts_and_dates_must_be_plausible,
    a_change_that_changes_nothing_leaves_no_entry,
    closed_contracts_and_staff_stay_closed,
    uber_plan_needs_an_explicit_choice,
    searches_are_bounded_and_ids_are_case_blind,
    each_photo_shows_once_whatever_the_contracts,
);
