//! Every back-office route against every role: 403 exactly where the role lacks the right,
//! and no audit entry for a refused change. Then the whole path of the operations manual:
//! a fresh admin registers a driver, a car with its SOAT and a contract, and the driver
//! sees them in the app.

use reqwest::{Method, multipart::Form};
use serde_json::{Value, json};

use crate::{
    backoffice_cars::{PDF, PNG, document_form, file, send_form},
    helpers::{TestApp, status_json},
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Right {
    Read,
    Operate,
    Administer,
}

enum Body {
    None,
    Json(Value),
    Document,
    Photo,
}

struct Route {
    method: Method,
    path: String,
    body: Body,
    right: Right,
}

fn allowed(role: &str, right: Right) -> bool {
    match role {
        "admin" => true,
        "ops" => right != Right::Administer,
        _ => right == Right::Read,
    }
}

/// Ids of one of each thing, made by an admin.
struct Fixture {
    client: i64,
    phone: i64,
    car: i64,
    photo: i64,
    contract: i64,
    invoice: i64,
    lead: i64,
    staff: i64,
}

async fn created_id(response: reqwest::Response) -> Value {
    let (status, body) = status_json(response).await;
    assert!(status == 200 || status == 201, "fixture: {status} {body}");
    body
}

async fn fixture(app: &TestApp, admin: &str) -> Fixture {
    let client = created_id(
        app.backoffice(
            Method::POST,
            "/clients/",
            admin,
            Some(json!({
                "document": "40123456", "first_name": "Rosa", "last_name": "Ñique",
                "email": "rosa@example.pe", "phone_number": "987654000", "password": "rosa2024"
            })),
        )
        .await,
    )
    .await;
    let client_id = client["id"].as_i64().unwrap();
    let with_phone = created_id(
        app.backoffice(
            Method::POST,
            &format!("/clients/{client_id}/phones/"),
            admin,
            Some(json!({ "phone_number": "014445566" })),
        )
        .await,
    )
    .await;
    let car = created_id(
        app.backoffice(
            Method::POST,
            "/cars/",
            admin,
            Some(json!({
                "brand": "Hyundai", "model": "Accent", "year": "2022", "license_plate": "BCD-456"
            })),
        )
        .await,
    )
    .await;
    let car_id = car["id"].as_i64().unwrap();
    let form = Form::new().part("file", file(PNG, "front.png", "image/png"));
    let with_photo = created_id(
        send_form(
            app,
            Method::POST,
            &format!("/cars/{car_id}/photos/"),
            admin,
            form,
        )
        .await,
    )
    .await;
    let contract = created_id(
        app.backoffice(
            Method::POST,
            "/contracts/",
            admin,
            Some(json!({
                "client_id": client_id, "car_id": car_id, "weekly_amount": 480.5, "weeks": 130
            })),
        )
        .await,
    )
    .await;
    let contract_id = contract["id"].as_i64().unwrap();
    let invoice = created_id(
        app.backoffice(
            Method::POST,
            &format!("/contracts/{contract_id}/invoices/"),
            admin,
            Some(json!({ "type": "initial_fee", "total": 1500, "due_date": "2027-01-15" })),
        )
        .await,
    )
    .await;
    let lead = app
        .post_json(
            "/api/v1/clients/new/",
            None,
            json!({
                "first_name": "Luis", "last_name": "Mamani", "document": "45678912",
                "phone_number": "999111222", "email": "luis@example.pe", "time_working": "2 años",
                "utm_source": "", "utm_medium": "", "car_of_interest": "Nuevo"
            }),
        )
        .await;
    assert_eq!(lead.status(), 200);
    let (_, leads) = status_json(app.backoffice(Method::GET, "/leads/", admin, None).await).await;
    let staff = created_id(
        app.backoffice(Method::POST, "/staff/", admin, Some(json!({
            "email": "temp@leasy.pe", "name": "Temporal", "role": "viewer", "password": "clave123"
        })))
        .await,
    )
    .await;
    Fixture {
        client: client_id,
        phone: with_phone["phones"][0]["id"].as_i64().unwrap(),
        car: car_id,
        photo: with_photo["photos"][0]["id"].as_i64().unwrap(),
        contract: contract_id,
        invoice: invoice["id"].as_i64().unwrap(),
        lead: leads["results"][0]["id"].as_i64().unwrap(),
        staff: staff["id"].as_i64().unwrap(),
    }
}

fn routes(f: &Fixture) -> Vec<Route> {
    use Right::*;
    let route = |method: Method, path: String, body: Body, right: Right| Route {
        method,
        path,
        body,
        right,
    };
    let json = |v: Value| Body::Json(v);
    vec![
        route(Method::GET, "/me/".into(), Body::None, Read),
        route(Method::GET, "/clients/".into(), Body::None, Read),
        route(
            Method::GET,
            format!("/clients/{}/", f.client),
            Body::None,
            Read,
        ),
        route(Method::GET, "/cars/".into(), Body::None, Read),
        route(Method::GET, format!("/cars/{}/", f.car), Body::None, Read),
        route(Method::GET, "/contracts/".into(), Body::None, Read),
        route(
            Method::GET,
            format!("/contracts/{}/", f.contract),
            Body::None,
            Read,
        ),
        route(Method::GET, "/leads/".into(), Body::None, Read),
        route(
            Method::POST,
            "/clients/".into(),
            json(
                json!({ "document": "41234567", "first_name": "A", "last_name": "B", "email": "ab@x.pe", "phone_number": "987000111", "password": "abc123" }),
            ),
            Operate,
        ),
        route(
            Method::PATCH,
            format!("/clients/{}/", f.client),
            json(json!({ "address": "Av. Sol 1" })),
            Operate,
        ),
        route(
            Method::POST,
            format!("/clients/{}/reset-password/", f.client),
            json(json!({ "password": "nueva123" })),
            Operate,
        ),
        route(
            Method::POST,
            format!("/clients/{}/phones/", f.client),
            json(json!({ "phone_number": "016667788" })),
            Operate,
        ),
        route(
            Method::DELETE,
            format!("/clients/{}/phones/{}/", f.client, f.phone),
            Body::None,
            Operate,
        ),
        route(
            Method::PUT,
            format!("/clients/{}/uber-plan/", f.client),
            json(json!({ "code_name": "oro" })),
            Operate,
        ),
        route(
            Method::POST,
            "/cars/".into(),
            json(
                json!({ "brand": "Kia", "model": "Rio", "year": "2021", "license_plate": "CDE-789" }),
            ),
            Operate,
        ),
        route(
            Method::PATCH,
            format!("/cars/{}/", f.car),
            json(json!({ "model": "Accent GL" })),
            Operate,
        ),
        route(
            Method::PUT,
            format!("/cars/{}/documents/soat/", f.car),
            Body::Document,
            Operate,
        ),
        route(
            Method::POST,
            format!("/cars/{}/photos/", f.car),
            Body::Photo,
            Operate,
        ),
        route(
            Method::DELETE,
            format!("/cars/{}/photos/{}/", f.car, f.photo),
            Body::None,
            Operate,
        ),
        route(
            Method::PATCH,
            format!("/contracts/{}/auto-charge/", f.contract),
            json(json!({ "auto_charge": true })),
            Operate,
        ),
        route(
            Method::POST,
            format!("/contracts/{}/activate/", f.contract),
            json(json!({})),
            Operate,
        ),
        route(
            Method::POST,
            format!("/contracts/{}/cancel/", f.contract),
            json(json!({})),
            Operate,
        ),
        route(
            Method::POST,
            "/contracts/".into(),
            json(
                json!({ "client_id": f.client, "car_id": f.car, "weekly_amount": 500, "weeks": 52 }),
            ),
            Operate,
        ),
        route(
            Method::POST,
            format!("/leads/{}/contacted/", f.lead),
            json(json!({})),
            Operate,
        ),
        route(
            Method::POST,
            format!("/leads/{}/converted/", f.lead),
            json(json!({ "client_id": f.client })),
            Operate,
        ),
        route(Method::GET, "/invoices/".into(), Body::None, Read),
        route(
            Method::GET,
            format!("/invoices/{}/", f.invoice),
            Body::None,
            Read,
        ),
        route(Method::GET, "/invoice-types/".into(), Body::None, Read),
        route(
            Method::POST,
            format!("/invoices/{}/discounts/", f.invoice),
            json(json!({ "amount": 10, "observations": "Prueba" })),
            Operate,
        ),
        route(
            Method::POST,
            format!("/invoices/{}/freeze/", f.invoice),
            json(json!({})),
            Operate,
        ),
        route(
            Method::POST,
            format!("/invoices/{}/unfreeze/", f.invoice),
            json(json!({})),
            Operate,
        ),
        route(
            Method::POST,
            format!("/invoices/{}/fractions/", f.invoice),
            json(json!({ "fractions": [
                { "amount": 745, "due_date": "2027-01-15" },
                { "amount": 745, "due_date": "2027-02-15" }
            ] })),
            Operate,
        ),
        route(
            Method::POST,
            format!("/invoices/{}/cancel/", f.invoice),
            json(json!({})),
            Administer,
        ),
        route(
            Method::POST,
            format!("/contracts/{}/invoices/", f.contract),
            json(json!({ "type": "repair", "total": 80, "due_date": "2027-01-20" })),
            Operate,
        ),
        route(
            Method::POST,
            "/invoice-types/".into(),
            json(json!({ "code_name": "gps", "name": "Rastreo GPS" })),
            Operate,
        ),
        route(
            Method::PATCH,
            "/invoice-types/repair/".into(),
            json(json!({ "name": "Reparación de taller" })),
            Operate,
        ),
        route(Method::GET, "/staff/".into(), Body::None, Administer),
        route(
            Method::POST,
            "/staff/".into(),
            json(
                json!({ "email": "nuevo@leasy.pe", "name": "Nuevo", "role": "ops", "password": "clave123" }),
            ),
            Administer,
        ),
        route(
            Method::POST,
            format!("/staff/{}/deactivate/", f.staff),
            json(json!({})),
            Administer,
        ),
        route(Method::GET, "/audit/".into(), Body::None, Administer),
    ]
}

async fn call(app: &TestApp, token: &str, route: &Route) -> u16 {
    let response = match &route.body {
        Body::None => {
            app.backoffice(route.method.clone(), &route.path, token, None)
                .await
        }
        Body::Json(v) => {
            app.backoffice(route.method.clone(), &route.path, token, Some(v.clone()))
                .await
        }
        Body::Document => {
            let form = document_form(
                "SOAT-1",
                "2027-01-31",
                Some(file(PDF, "soat.pdf", "application/pdf")),
            );
            send_form(app, route.method.clone(), &route.path, token, form).await
        }
        Body::Photo => {
            let form = Form::new().part("file", file(PNG, "side.png", "image/png"));
            send_form(app, route.method.clone(), &route.path, token, form).await
        }
    };
    let (status, _) = status_json(response).await;
    status
}

async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from audit_entries")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn every_role_against_every_route(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let f = fixture(&app, &admin).await;
    let routes = routes(&f);

    // Viewer first (it changes nothing), then ops, then admin.
    for role in ["viewer", "ops", "admin"] {
        let token = app.staff_token(role).await;
        let before = audit_count(&app).await;
        let mut refused_changes = 0;
        for route in &routes {
            let status = call(&app, &token, route).await;
            let expected_allowed = allowed(role, route.right);
            assert_eq!(
                status != 403,
                expected_allowed,
                "{role} {} {} answered {status}",
                route.method,
                route.path
            );
            assert!(
                status != 401 && status < 500,
                "{role} {} {}: {status}",
                route.method,
                route.path
            );
            if !expected_allowed && route.method != Method::GET {
                refused_changes += 1;
            }
        }
        if role == "viewer" {
            assert_eq!(refused_changes, 27, "every change route was tried");
            assert_eq!(
                audit_count(&app).await,
                before,
                "a refused change wrote an audit entry"
            );
        } else {
            assert!(
                audit_count(&app).await > before,
                "{role}'s changes are audited"
            );
        }
    }
}

/// The operations manual, through HTTP alone.
async fn an_admin_puts_a_new_driver_on_the_road(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let f = fixture(&app, &admin).await;
    let form = document_form(
        "SOAT-2026-000123",
        "2027-06-30",
        Some(file(PDF, "soat.pdf", "application/pdf")),
    );
    let soat = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{}/documents/soat/", f.car),
        &admin,
        form,
    )
    .await;
    assert_eq!(soat.status(), 200);

    let activate = app
        .backoffice(
            Method::POST,
            &format!("/contracts/{}/activate/", f.contract),
            &admin,
            Some(json!({})),
        )
        .await;
    assert_eq!(activate.status(), 200);
    let token = {
        let response = app.login("40123456", "rosa2024").await;
        let (status, body) = status_json(response).await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().unwrap().to_owned()
    };
    let (status, profile) = status_json(app.profile(1, &token).await).await;

    assert_eq!(status, 200);
    assert_eq!(profile["last_name"], "Ñique");
    let contracts = profile["contracts"].as_array().unwrap();
    assert_eq!(contracts.len(), 1);
    let contract = &contracts[0];
    assert_eq!(contract["status"], "contract_active");
    assert_eq!(contract["weekly_amount"], json!(480.5));
    assert_eq!(contract["car"]["license_plate"], "BCD-456");
    assert_eq!(contract["car"]["year"], "2022");
    let soat_url = contract["car"]["soat_file"].as_str().unwrap();
    assert!(soat_url.starts_with("/static/files/soat/"), "{soat_url}");
    let download = app.get(soat_url, None).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
    let (_, trail) = status_json(
        app.backoffice(Method::GET, "/audit/?per_page=100", &admin, None)
            .await,
    )
    .await;
    let actions: Vec<&str> = trail["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "client.create",
        "car.create",
        "car.put_document",
        "contract.create",
        "contract.activate",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
}

crate::db_tests!(
    every_role_against_every_route,
    an_admin_puts_a_new_driver_on_the_road
);
