//! A car's documents: stored, served, shown to the client, and refused when invalid.

use reqwest::{Method, multipart::Form};
use serde_json::{Value, json};

use super::{
    PDF, PNG, audit_count, car_audit_count, create_car, demo_car_id, document_form, file, files_in,
    send_form,
};
use crate::helpers::{DEMO_DOCUMENT, TestApp, status_json};

async fn a_soat_pdf_is_stored_served_and_shown_to_the_client(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client = app.token(DEMO_DOCUMENT).await;
    let car_id = demo_car_id(&app, &staff).await;

    let response = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{car_id}/documents/soat/"),
        &staff,
        document_form(
            " SOAT-2027-000001 ",
            "2027-03-31",
            Some(file(PDF, "soat.pdf", "application/pdf")),
        ),
    )
    .await;

    let (status, car) = status_json(response).await;
    assert_eq!(status, 200, "{car}");
    let url = car["documents"]["soat"]["file_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let name = url.strip_prefix("/static/files/soat/").unwrap();
    let stem = name.strip_suffix(".pdf").unwrap();
    assert_eq!(uuid::Uuid::parse_str(stem).unwrap().get_version_num(), 4);
    assert_eq!(
        car["documents"]["soat"],
        json!({ "number": "SOAT-2027-000001", "owner": "Leasy S.A.C.",
                "due_date": "2027-03-31", "file_url": url })
    );
    let served = app.http.get(app.url(&url)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().as_ref(), PDF);
    let (_, profile) = status_json(app.profile(1, &client).await).await;
    assert_eq!(profile["contracts"][0]["car"]["soat_file"], url.as_str());
    assert_eq!(
        profile["contracts"][0]["car"]["secure_file"],
        "/static/files/secure/demo-secure-abc123.pdf"
    );
    assert!(
        files_in(&app, "soat").iter().all(|n| !n.ends_with(".part")),
        "no temporary file is left"
    );
}

async fn insurance_goes_to_secure_and_a_form_without_file_keeps_it(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client = app.token(DEMO_DOCUMENT).await;
    let car_id = demo_car_id(&app, &staff).await;
    let path = format!("/cars/{car_id}/documents/insurance");
    let jpeg = file(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", "poliza.jpg", "image/jpeg");

    let (status, first) = status_json(
        send_form(
            &app,
            Method::PUT,
            &path,
            &staff,
            document_form("P-1", "", Some(jpeg)),
        )
        .await,
    )
    .await;
    let (_, second) = status_json(
        send_form(
            &app,
            Method::PUT,
            &path,
            &staff,
            document_form("P-2", "", None),
        )
        .await,
    )
    .await;

    assert_eq!(status, 200, "{first}");
    let url = first["documents"]["insurance"]["file_url"]
        .as_str()
        .unwrap();
    assert!(
        url.starts_with("/static/files/secure/") && url.ends_with(".jpg"),
        "{url}"
    );
    assert_eq!(
        second["documents"]["insurance"],
        json!({ "number": "P-2", "owner": "Leasy S.A.C.", "due_date": null, "file_url": url })
    );
    let (_, profile) = status_json(app.profile(1, &client).await).await;
    assert_eq!(profile["contracts"][0]["car"]["secure_file"], url);
    assert_eq!(car_audit_count(&app, car_id).await, 2);
}

async fn a_new_document_kind_and_refused_forms(app: TestApp) {
    let staff = app.staff_token("admin").await;
    let car = create_car(&app, &staff, "KLM-456").await;
    let id = car["id"].as_i64().unwrap();
    let audits = audit_count(&app).await;

    let bad_fields = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{id}/documents/technical_inspection"),
        &staff,
        Form::new()
            .text("due_date", "31/12/2027")
            .part("file", file(PDF, "x.pdf", "application/pdf")),
    )
    .await;
    let unknown_kind = send_form(
        &app,
        Method::PUT,
        &format!("/cars/{id}/documents/passport"),
        &staff,
        document_form("1", "", None),
    )
    .await;
    let unknown_car = send_form(
        &app,
        Method::PUT,
        "/cars/999999/documents/soat",
        &staff,
        document_form("1", "", Some(file(PDF, "x.pdf", "application/pdf"))),
    )
    .await;

    assert_eq!(
        status_json(bad_fields).await,
        (
            400,
            json!({ "error": [
                "El campo 'number' debe tener entre 1 y 60 caracteres",
                "El campo 'owner' debe tener entre 1 y 100 caracteres",
                "El campo 'due_date' debe ser una fecha con el formato AAAA-MM-DD, entre los años 2000 y 2100"
            ] })
        )
    );
    assert_eq!(
        status_json(unknown_kind).await,
        (404, json!({ "error": "Tipo de documento no encontrado" }))
    );
    assert_eq!(
        status_json(unknown_car).await,
        (404, json!({ "error": "Auto no encontrado" }))
    );
    assert_eq!(audit_count(&app).await, audits);
    assert_eq!(files_in(&app, "technical_inspection"), Vec::<String>::new());
    assert_eq!(
        files_in(&app, "soat"),
        ["demo-soat-abc123.pdf"],
        "the refused file is removed"
    );

    let (status, car) = status_json(
        send_form(
            &app,
            Method::PUT,
            &format!("/cars/{id}/documents/technical_inspection"),
            &staff,
            document_form("RT-9", "2027-01-15", Some(file(PNG, "rt.png", "image/png"))),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let url = car["documents"]["technical_inspection"]["file_url"]
        .as_str()
        .unwrap();
    assert!(url.starts_with("/static/files/technical_inspection/") && url.ends_with(".png"));
    assert_eq!(car["documents"]["soat"], Value::Null);
}

crate::db_tests!(
    a_soat_pdf_is_stored_served_and_shown_to_the_client,
    insurance_goes_to_secure_and_a_form_without_file_keeps_it,
    a_new_document_kind_and_refused_forms,
);
