//! Registering, listing, searching, reading and updating cars.

use reqwest::Method;
use serde_json::{Value, json};

use super::{audit_count, car_audit_count, create_car, demo_car_id, lima_today, new_car};
use crate::helpers::{TestApp, status_json};

async fn a_car_is_registered_listed_searched_and_read(app: TestApp) {
    let token = app.staff_token("ops").await;

    let car = create_car(&app, &token, " xyz-987 ").await;

    let id = car["id"].as_i64().unwrap();
    let hash = car["hash"].as_str().unwrap().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&hash).unwrap().get_version_num(), 4);
    let empty_documents = json!({
        "soat": null, "insurance": null, "ownership_card": null,
        "technical_inspection": null, "driver_license": null
    });
    assert_eq!(
        car,
        json!({
            "id": id, "hash": hash, "brand": "Toyota", "model": "Yaris", "year": "2022",
            "license_plate": "XYZ-987", "created_at": lima_today(), "open_contract_id": null,
            "documents": empty_documents, "photos": []
        })
    );
    let (status, read) = status_json(
        app.backoffice(Method::GET, &format!("/cars/{id}/"), &token, None)
            .await,
    )
    .await;
    assert_eq!((status, &read), (200, &car));

    let (_, page) = status_json(app.backoffice(Method::GET, "/cars/", &token, None).await).await;
    assert_eq!(page["page"], 1);
    assert_eq!(page["per_page"], 20);
    assert_eq!(page["total"], 3, "two demo cars and the new one");
    assert_eq!(
        page["results"][0],
        json!({
            "id": id, "hash": hash, "brand": "Toyota", "model": "Yaris", "year": "2022",
            "license_plate": "XYZ-987", "created_at": lima_today(), "open_contract_id": null
        })
    );

    for (query, expected) in [
        ("xyz", vec![id]),
        ("XYZ987", vec![id]),
        ("yaris", vec![id]),
        ("chevro", vec![demo_car_id(&app, &token).await]),
        ("%", vec![]),
        ("_", vec![]),
    ] {
        let path = format!("/cars?q={}", urlencode(query));
        let (status, page) =
            status_json(app.backoffice(Method::GET, &path, &token, None).await).await;
        assert_eq!(status, 200);
        let ids: Vec<i64> = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, expected, "search {query:?}");
        assert_eq!(page["total"], expected.len());
    }
    let (_, second) = status_json(
        app.backoffice(Method::GET, "/cars?per_page=2&page=2", &token, None)
            .await,
    )
    .await;
    assert_eq!(second["results"].as_array().unwrap().len(), 1);
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn the_demo_car_shows_its_open_contract(app: TestApp) {
    let token = app.staff_token("viewer").await;
    let car_id = demo_car_id(&app, &token).await;
    let contract_id: i64 = sqlx::query_scalar(
        "select contract_id from contracts where car_id = $1 and status = 'contract_active'",
    )
    .bind(car_id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();

    let (status, car) = status_json(
        app.backoffice(Method::GET, &format!("/cars/{car_id}"), &token, None)
            .await,
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(car["open_contract_id"], contract_id);
    assert_eq!(car["documents"]["soat"]["number"], "SOAT-2026-778812");
    assert_eq!(
        car["documents"]["soat"]["file_url"],
        "/static/files/soat/demo-soat-abc123.pdf"
    );
    assert_eq!(
        car["documents"]["insurance"]["file_url"],
        "/static/files/secure/demo-secure-abc123.pdf"
    );
    assert_eq!(car["documents"]["ownership_card"]["number"], "TIVE-0193384");
    assert_eq!(car["documents"]["ownership_card"]["file_url"], Value::Null);
    let positions: Vec<&Value> = car["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["position"])
        .collect();
    assert_eq!(positions, [0, 1]);
    assert_eq!(
        car["photos"][0]["url"],
        "/static/files/photos/demo-cobalt-front.png"
    );
}

async fn an_update_is_validated_and_audited_with_before_and_after(app: TestApp) {
    let token = app.staff_token("ops").await;
    let car = create_car(&app, &token, "XYZ-987").await;
    let id = car["id"].as_i64().unwrap();
    assert_eq!(car_audit_count(&app, id).await, 1);

    let changes = json!({ "model": "Yaris Cross", "license_plate": "xyz-988" });
    let (status, updated) = status_json(
        app.backoffice(Method::PATCH, &format!("/cars/{id}"), &token, Some(changes))
            .await,
    )
    .await;

    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["model"], "Yaris Cross");
    assert_eq!(updated["brand"], "Toyota");
    assert_eq!(updated["license_plate"], "XYZ-988");
    let (action, before, after): (String, String, String) = sqlx::query_as(
        "select action, before_json, after_json from audit_entries
         where target_type = 'car' and target_id = $1 order by audit_entry_id desc limit 1",
    )
    .bind(id.to_string())
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(action, "car.update");
    let before: Value = serde_json::from_str(&before).unwrap();
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(before["model"], "Yaris");
    assert_eq!(before["license_plate"], "XYZ-987");
    assert_eq!(after["model"], "Yaris Cross");
    assert_eq!(after["license_plate"], "XYZ-988");
    assert_eq!(car_audit_count(&app, id).await, 2);

    let bad = json!({ "year": "1989" });
    let (status, body) = status_json(
        app.backoffice(Method::PATCH, &format!("/cars/{id}"), &token, Some(bad))
            .await,
    )
    .await;
    let next_year = leasy::domain::time::lima_today().format("%Y").to_string();
    let next_year = next_year.parse::<i32>().unwrap() + 1;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({ "error": [
            format!("El campo 'year' debe ser un año de 4 dígitos entre 1990 y {next_year}")
        ] })
    );
    assert_eq!(
        car_audit_count(&app, id).await,
        2,
        "a refused change is not audited"
    );
}

async fn a_plate_in_use_is_a_conflict(app: TestApp) {
    let token = app.staff_token("admin").await;
    let car = create_car(&app, &token, "XYZ-987").await;
    let id = car["id"].as_i64().unwrap();
    let audits = audit_count(&app).await;
    let conflict = json!({ "error": "El campo 'license_plate' ya está registrado" });

    let created = app
        .backoffice(Method::POST, "/cars", &token, Some(new_car("abc-123")))
        .await;
    let updated = app
        .backoffice(
            Method::PATCH,
            &format!("/cars/{id}"),
            &token,
            Some(json!({ "license_plate": "ABC-123" })),
        )
        .await;

    assert_eq!(status_json(created).await, (409, conflict.clone()));
    assert_eq!(status_json(updated).await, (409, conflict));
    assert_eq!(audit_count(&app).await, audits);
    let (_, page) = status_json(app.backoffice(Method::GET, "/cars", &token, None).await).await;
    assert_eq!(page["total"], 3);
}

async fn every_invalid_field_is_listed(app: TestApp) {
    let token = app.staff_token("ops").await;
    let body =
        json!({ "brand": " ", "model": "x".repeat(61), "year": "18", "license_plate": "AB 12" });

    let (status, answer) = status_json(
        app.backoffice(Method::POST, "/cars", &token, Some(body))
            .await,
    )
    .await;

    assert_eq!(status, 400);
    let errors = answer["error"].as_array().unwrap();
    let fields: Vec<bool> = ["'brand'", "'model'", "'year'", "'license_plate'"]
        .iter()
        .map(|field| errors.iter().any(|e| e.as_str().unwrap().contains(field)))
        .collect();
    assert_eq!(fields, [true; 4], "{answer}");
    assert_eq!(errors.len(), 4);
    let missing = app
        .backoffice(
            Method::POST,
            "/cars",
            &token,
            Some(json!({ "brand": "Kia" })),
        )
        .await;
    assert_eq!(
        status_json(missing).await,
        (400, json!({ "error": ["El campo 'model' es obligatorio"] }))
    );
}

crate::db_tests!(
    a_car_is_registered_listed_searched_and_read,
    the_demo_car_shows_its_open_contract,
    an_update_is_validated_and_audited_with_before_and_after,
    a_plate_in_use_is_a_conflict,
    every_invalid_field_is_listed,
);
