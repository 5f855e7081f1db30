//! Who may change cars, and what an unknown car answers.

use reqwest::Method;
use serde_json::json;

use super::{
    CAR_NOT_FOUND, PDF, audit_count, demo_car_id, document_form, file, new_car, send_form,
};
use crate::helpers::{TestApp, status_json};

async fn a_viewer_reads_but_changes_nothing(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let viewer = app.staff_token("viewer").await;
    let car_id = demo_car_id(&app, &viewer).await;
    let photo_id = {
        let (_, car) = status_json(
            app.backoffice(Method::GET, &format!("/cars/{car_id}"), &ops, None)
                .await,
        )
        .await;
        car["photos"][0]["id"].as_i64().unwrap()
    };
    let audits = audit_count(&app).await;
    let pdf = || document_form("1", "", Some(file(PDF, "a.pdf", "application/pdf")));
    let forbidden = json!({ "error": "No tienes permiso para realizar esta acción" });

    let answers = [
        app.backoffice(Method::POST, "/cars", &viewer, Some(new_car("VWX-111")))
            .await,
        app.backoffice(
            Method::PATCH,
            &format!("/cars/{car_id}"),
            &viewer,
            Some(json!({ "brand": "Otro" })),
        )
        .await,
        send_form(
            &app,
            Method::PUT,
            &format!("/cars/{car_id}/documents/soat"),
            &viewer,
            pdf(),
        )
        .await,
        send_form(
            &app,
            Method::POST,
            &format!("/cars/{car_id}/photos"),
            &viewer,
            pdf(),
        )
        .await,
        app.backoffice(
            Method::DELETE,
            &format!("/cars/{car_id}/photos/{photo_id}"),
            &viewer,
            None,
        )
        .await,
    ];

    for answer in answers {
        assert_eq!(status_json(answer).await, (403, forbidden.clone()));
    }
    assert_eq!(audit_count(&app).await, audits);
    let listed = app.backoffice(Method::GET, "/cars", &viewer, None).await;
    assert_eq!(listed.status(), 200);
}

async fn unknown_and_malformed_car_ids_are_not_found(app: TestApp) {
    let token = app.staff_token("admin").await;
    let not_found = json!({ "error": CAR_NOT_FOUND });

    for (method, path) in [
        (Method::GET, "/cars/999999"),
        (Method::GET, "/cars/abc"),
        (Method::GET, "/cars/-1"),
        (Method::PATCH, "/cars/0"),
        (Method::PATCH, "/cars/999999"),
        (Method::DELETE, "/cars/999999/photos/1"),
    ] {
        let body = (method == Method::PATCH).then(|| json!({ "brand": "Kia" }));
        let answer = app.backoffice(method.clone(), path, &token, body).await;
        assert_eq!(
            status_json(answer).await,
            (404, not_found.clone()),
            "{method} {path}"
        );
    }
}

crate::db_tests!(
    a_viewer_reads_but_changes_nothing,
    unknown_and_malformed_car_ids_are_not_found,
);
