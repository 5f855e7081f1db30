//! Photos, files judged by their content, multipart bodies and the upload size limit.

use reqwest::{Method, header::CONTENT_TYPE, multipart::Form};
use serde_json::json;

use super::{
    PDF, PNG, audit_count, car_audit_count, create_car, demo_car_id, document_form, file, files_in,
    send_form,
};
use crate::helpers::{Db, TestApp, status_json};

async fn a_file_is_judged_by_its_content(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let car_id = demo_car_id(&app, &staff).await;
    let audits = audit_count(&app).await;
    let disguised = file(
        b"MZ\x90\0\x03\0\0\0 This program",
        "soat.pdf",
        "application/pdf",
    );
    let text = file(b"#!/bin/sh\nrm -rf /\n", "soat.pdf", "application/pdf");

    let first = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{car_id}/documents/soat"),
        &staff,
        document_form("1", "", Some(disguised)),
    )
    .await;
    let second = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{car_id}/documents/soat"),
        &staff,
        document_form("1", "", Some(text)),
    )
    .await;
    let pdf_photo = send_form(
        &app,
        Method::POST,
        &format!("/cars/{car_id}/photos"),
        &staff,
        Form::new().part("file", file(PDF, "foto.png", "image/png")),
    )
    .await;

    let refused = json!({ "error": "El archivo debe ser PDF, JPEG o PNG" });
    assert_eq!(status_json(first).await, (400, refused.clone()));
    assert_eq!(status_json(second).await, (400, refused));
    assert_eq!(
        status_json(pdf_photo).await,
        (400, json!({ "error": "El archivo debe ser JPEG o PNG" }))
    );
    assert_eq!(audit_count(&app).await, audits);
    assert_eq!(files_in(&app, "soat"), ["demo-soat-abc123.pdf"]);
    assert_eq!(files_in(&app, "photos").len(), 2);
}

async fn photos_are_added_at_the_end_and_deleted(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let car_id = demo_car_id(&app, &staff).await;
    let other = create_car(&app, &staff, "KLM-456").await;

    let (status, car) = status_json(
        send_form(
            &app,
            Method::POST,
            &format!("/cars/{car_id}/photos/"),
            &staff,
            Form::new().part("file", file(PNG, "trasera.png", "image/png")),
        )
        .await,
    )
    .await;

    assert_eq!(status, 201, "{car}");
    let photos = car["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 3);
    let added = &photos[2];
    assert_eq!(added["position"], 2);
    let url = added["url"].as_str().unwrap();
    assert!(url.starts_with("/static/files/photos/") && url.ends_with(".png"));
    let served = app.http.get(app.url(url)).send().await.unwrap();
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let photo_id = added["id"].as_i64().unwrap();

    let elsewhere = app
        .backoffice(
            Method::DELETE,
            &format!("/cars/{}/photos/{photo_id}", other["id"]),
            &staff,
            None,
        )
        .await;
    assert_eq!(
        status_json(elsewhere).await,
        (404, json!({ "error": "Foto no encontrada" }))
    );
    let path = format!("/cars/{car_id}/photos/{photo_id}");
    let (status, car) =
        status_json(app.backoffice(Method::DELETE, &path, &staff, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(car["photos"].as_array().unwrap().len(), 2);
    let again = app.backoffice(Method::DELETE, &path, &staff, None).await;
    assert_eq!(again.status(), 404);
    assert_eq!(
        car_audit_count(&app, car_id).await,
        2,
        "one entry per change"
    );

    let no_file = send_form(
        &app,
        Method::POST,
        &format!("/cars/{car_id}/photos"),
        &staff,
        Form::new().text("note", "sin archivo"),
    )
    .await;
    assert_eq!(
        status_json(no_file).await,
        (400, json!({ "error": "El campo 'file' es obligatorio" }))
    );
}

async fn uploads_must_be_well_formed_multipart(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let car_id = demo_car_id(&app, &staff).await;
    let path = format!("/cars/{car_id}/documents/soat");

    let json_body = app
        .backoffice(Method::PUT, &path, &staff, Some(json!({ "number": "1" })))
        .await;
    let broken = app
        .http
        .put(app.url(&format!("/api/backoffice{path}")))
        .bearer_auth(&staff)
        .header(CONTENT_TYPE, "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"number\"\r\n\r\n1\r\n--XY")
        .send()
        .await
        .unwrap();

    assert_eq!(
        status_json(json_body).await,
        (
            415,
            json!({ "error": "El cuerpo de la solicitud debe ser multipart/form-data" })
        )
    );
    assert_eq!(
        status_json(broken).await,
        (
            400,
            json!({ "error": "El cuerpo multipart/form-data no es válido" })
        )
    );
}

crate::db_tests!(
    a_file_is_judged_by_its_content,
    photos_are_added_at_the_end_and_deleted,
    uploads_must_be_well_formed_multipart,
);

/// Over `upload_max_bytes` a file is refused with 413 and nothing is kept; a file within
/// it passes, although the whole body is larger than the file.
async fn a_file_over_the_limit_is_refused(db: Db) {
    let Some(app) = TestApp::spawn_with(db, |c| c.upload_max_bytes = 1024).await else {
        return eprintln!("LEASY_TEST_POSTGRES_URL unset: PostgreSQL not tested");
    };
    let staff = app.staff_token("ops").await;
    let car_id = demo_car_id(&app, &staff).await;
    let audits = audit_count(&app).await;
    let big = [PDF, &[b'x'; 1024]].concat();
    let fits = [PDF, &[b'x'; 1024 - PDF.len()]].concat();

    let over = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{car_id}/documents/soat"),
        &staff,
        document_form("1", "", Some(file(&big, "soat.pdf", "application/pdf"))),
    )
    .await;
    let (status, body) = status_json(over).await;
    assert_eq!(status, 413);
    assert_eq!(
        body,
        json!({ "error": "El cuerpo de la solicitud es demasiado grande" })
    );
    assert_eq!(audit_count(&app).await, audits);
    assert_eq!(files_in(&app, "soat"), ["demo-soat-abc123.pdf"]);

    let within = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{car_id}/documents/soat"),
        &staff,
        document_form("1", "", Some(file(&fits, "soat.pdf", "application/pdf"))),
    )
    .await;
    assert_eq!(within.status(), 200);
}

crate::db_cases!(a_file_over_the_limit_is_refused);
