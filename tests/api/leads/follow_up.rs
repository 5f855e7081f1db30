//! Leads in the back office: contacted, converted into a client, refused moves, roles, and
//! a search that ignores case and accents (`peña` finds `Peña`, `ÓSCAR` finds `Óscar`).

use reqwest::Method;
use serde_json::{Value, json};

use super::{audit_rows, client_id, stored_lead};
use crate::helpers::{DEMO_DOCUMENT, TestApp, status_json};

async fn a_lead_moves_from_new_to_contacted_to_converted(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let lead_id = stored_lead(&app, &staff, json!({})).await;
    let client = client_id(&app, DEMO_DOCUMENT).await;
    let path = |action: &str| format!("/leads/{lead_id}/{action}");

    let contacted = app
        .backoffice(Method::POST, &path("contacted"), &staff, None)
        .await;
    let (status, contacted) = status_json(contacted).await;
    let again = app
        .backoffice(Method::POST, &path("contacted"), &staff, None)
        .await;
    let again = status_json(again).await;
    let converted = app
        .backoffice(
            Method::POST,
            &path("converted"),
            &staff,
            Some(json!({ "client_id": client })),
        )
        .await;
    let (converted_status, converted) = status_json(converted).await;

    assert_eq!(status, 200);
    assert_eq!(contacted["status"], "contacted");
    assert!(contacted["contacted_at"].is_string() && contacted["converted_at"].is_null());
    assert_eq!(
        again,
        (
            409,
            json!({ "error": "El lead ya está marcado como contactado" })
        )
    );
    assert_eq!(converted_status, 200);
    assert_eq!(
        converted,
        json!({
            "id": lead_id, "first_name": "María José", "last_name": "Ñahui Peña",
            "document": "45678912", "phone_number": "987654321",
            "email": "maria.nahui@example.pe", "time_working": "Dos años en Uber y Cabify",
            "utm_source": "facebook", "utm_medium": "cpc", "car_of_interest": "Semi nuevo",
            "status": "converted", "client_id": client,
            "created_at": converted["created_at"], "contacted_at": contacted["contacted_at"],
            "converted_at": converted["converted_at"]
        })
    );
    assert!(converted["converted_at"].is_string());
    assert_eq!(audit_rows(&app, lead_id).await, 2);
}

async fn refused_moves_answer_404_or_409_and_write_no_audit(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let lead_id = stored_lead(&app, &staff, json!({})).await;
    let client = client_id(&app, DEMO_DOCUMENT).await;
    let convert = |id: String, client_id: i64| {
        let body = json!({ "client_id": client_id });
        let staff = staff.clone();
        let app = &app;
        async move {
            let path = format!("/leads/{id}/converted");
            status_json(
                app.backoffice(Method::POST, &path, &staff, Some(body))
                    .await,
            )
            .await
        }
    };

    let unknown_client = convert(lead_id.to_string(), 999_999).await;
    let unknown_lead = convert("999999".into(), client).await;
    let malformed = convert("abc".into(), client).await;
    let first = convert(lead_id.to_string(), client).await;
    let twice = convert(lead_id.to_string(), client).await;
    let back = app
        .backoffice(
            Method::POST,
            &format!("/leads/{lead_id}/contacted"),
            &staff,
            None,
        )
        .await;

    let lead_missing = (404, json!({ "error": "Lead no encontrado" }));
    assert_eq!(
        unknown_client,
        (404, json!({ "error": "Cliente no encontrado" }))
    );
    assert_eq!(unknown_lead, lead_missing);
    assert_eq!(malformed, lead_missing);
    assert_eq!(first.0, 200);
    assert_eq!(
        twice,
        (
            409,
            json!({ "error": "El lead ya fue convertido en cliente" })
        )
    );
    assert_eq!(
        status_json(back).await,
        (
            409,
            json!({ "error": "El lead ya fue convertido en cliente y no puede volver a contactado" })
        )
    );
    assert_eq!(audit_rows(&app, lead_id).await, 1);
}

async fn viewers_cannot_move_leads(app: TestApp) {
    let viewer = app.staff_token("viewer").await;
    let lead_id = stored_lead(&app, &viewer, json!({})).await;
    let client = client_id(&app, DEMO_DOCUMENT).await;

    let contacted = app
        .backoffice(
            Method::POST,
            &format!("/leads/{lead_id}/contacted"),
            &viewer,
            None,
        )
        .await;
    let converted = app
        .backoffice(
            Method::POST,
            &format!("/leads/{lead_id}/converted"),
            &viewer,
            Some(json!({ "client_id": client })),
        )
        .await;

    for response in [contacted, converted] {
        let (status, body) = status_json(response).await;
        assert_eq!(status, 403);
        assert!(body["error"].is_string(), "{body}");
    }
    assert_eq!(audit_rows(&app, lead_id).await, 0);
}

async fn leads_are_filtered_by_status_and_searched(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let first = stored_lead(&app, &staff, json!({})).await;
    let second = stored_lead(
        &app,
        &staff,
        json!({ "first_name": "Óscar", "last_name": "Quispe", "document": "CE0012345",
                "email": "oscar@example.pe" }),
    )
    .await;
    let path = format!("/leads/{second}/contacted");
    assert_eq!(
        app.backoffice(Method::POST, &path, &staff, None)
            .await
            .status(),
        200
    );
    let ids = |page: &Value| -> Vec<i64> {
        let results = page["results"].as_array().unwrap();
        results.iter().map(|l| l["id"].as_i64().unwrap()).collect()
    };

    let mut found = Vec::new();
    for query in [
        "",
        "?status=new",
        "?status=contacted",
        "?status=converted",
        "?q=quispe",
        "?q=pe%C3%B1a",
        "?q=%C3%93SCAR",
        "?q=ce0012",
        "?q=maria.nahui",
        "?q=45678",
        "?q=nadie",
        "?status=contacted&q=45678",
        "?q=jose%20nahui",
    ] {
        let response = app
            .backoffice(Method::GET, &format!("/leads{query}"), &staff, None)
            .await;
        let (status, page) = status_json(response).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(page["total"], json!(ids(&page).len()), "{query}");
        found.push(ids(&page));
    }
    let bad = app
        .backoffice(Method::GET, "/leads?status=old", &staff, None)
        .await;

    let expected: [&[i64]; 13] = [
        &[second, first],
        &[first],
        &[second],
        &[],
        &[second],
        &[first],
        &[second],
        &[second],
        &[first],
        &[first],
        &[],
        &[],
        &[first],
    ];
    assert_eq!(found, expected);
    assert_eq!(
        status_json(bad).await,
        (
            400,
            json!({ "error": "El parámetro 'status' debe ser new, contacted o converted" })
        )
    );
}

crate::db_tests!(
    a_lead_moves_from_new_to_contacted_to_converted,
    refused_moves_answer_404_or_409_and_write_no_audit,
    viewers_cannot_move_leads,
    leads_are_filtered_by_status_and_searched,
);
