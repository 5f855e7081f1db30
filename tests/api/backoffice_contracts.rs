//! Contracts in the back office: creation, the moves between statuses, one open contract
//! per car (also under concurrency), exact amounts and unknown ids.

mod oversight;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{DEMO_DOCUMENT, SECOND_DOCUMENT, TestApp, status_json};

const CAR_TAKEN: &str = "El auto ya tiene un contrato abierto";
const BAD_AMOUNT: &str = "El campo 'weekly_amount' debe ser un monto mayor que 0 y de hasta 10000, con hasta 2 decimales";

async fn client_id(app: &TestApp, document: &str) -> i64 {
    sqlx::query_scalar("select client_id from clients where document = $1")
        .bind(document)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// A car with no contract.
async fn free_car(app: &TestApp, license_plate: &str) -> i64 {
    sqlx::query_scalar(
        "insert into cars (hash, brand, model, year, license_plate, created_at)
         values ($1, 'Toyota', 'Yaris', '2022', $2, 1767225600) returning car_id",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(license_plate)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

async fn audit_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from audit_entries where target_type = 'contract'")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn create(app: &TestApp, staff: &str, body: Value) -> Response {
    app.backoffice(Method::POST, "/contracts", staff, Some(body))
        .await
}

fn terms(client_id: i64, car_id: i64) -> Value {
    json!({ "client_id": client_id, "car_id": car_id, "weekly_amount": 480.5, "weeks": 130 })
}

async fn act(
    app: &TestApp,
    staff: &str,
    contract_id: i64,
    action: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let path = format!("/contracts/{contract_id}/{action}");
    let method = if action == "auto-charge" {
        Method::PATCH
    } else {
        Method::POST
    };
    status_json(app.backoffice(method, &path, staff, body).await).await
}

async fn a_contract_is_created_pending_then_activated_then_cancelled(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-987").await;

    let response = create(&app, &staff, terms(client, car)).await;
    let text = response.text().await.unwrap();
    let created: Value = serde_json::from_str(&text).unwrap();
    let id = created["id"].as_i64().unwrap();
    let activated = act(
        &app,
        &staff,
        id,
        "activate",
        Some(json!({ "start_date": "2026-03-02" })),
    );
    let activated = activated.await;
    let cancelled = act(&app, &staff, id, "cancel", None).await;
    let read = app
        .backoffice(Method::GET, &format!("/contracts/{id}/"), &staff, None)
        .await;

    let hash = created["hash"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(hash).unwrap().get_version_num(), 4);
    assert!(text.contains("\"weekly_amount\":480.5,"), "{text}");
    let expected = json!({
        "id": id, "hash": hash, "status": "contract_pending",
        "client": { "id": client, "document": SECOND_DOCUMENT, "first_name": "María", "last_name": "Quispe Huamán" },
        "car": { "id": car, "brand": "Toyota", "model": "Yaris", "year": "2022", "license_plate": "XYZ-987" },
        "weekly_amount": 480.5, "weeks": 130, "start_date": null, "auto_charge": false,
        "created_at": created["created_at"]
    });
    assert_eq!(created, expected);
    assert_eq!(created["created_at"].as_str().unwrap().len(), 19);
    let mut expected_active = expected.clone();
    expected_active["status"] = json!("contract_active");
    expected_active["start_date"] = json!("2026-03-02");
    assert_eq!(activated, (200, expected_active.clone()));
    let mut expected_cancelled = expected_active;
    expected_cancelled["status"] = json!("contract_cancelled");
    assert_eq!(cancelled, (200, expected_cancelled.clone()));
    assert_eq!(status_json(read).await, (200, expected_cancelled));
    assert_eq!(audit_rows(&app).await, 3);
}

async fn activation_defaults_to_today_in_lima(app: TestApp) {
    let staff = app.staff_token("admin").await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-988").await;
    let (_, created) = status_json(create(&app, &staff, terms(client, car)).await).await;
    let id = created["id"].as_i64().unwrap();

    let (status, activated) = act(&app, &staff, id, "activate", None).await;

    assert_eq!(status, 200);
    let today = leasy::domain::time::lima_today()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(activated["start_date"], json!(today));
}

async fn moves_from_the_wrong_status_are_conflicts(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-989").await;
    let (_, created) = status_json(create(&app, &staff, terms(client, car)).await).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(act(&app, &staff, id, "activate", None).await.0, 200);

    let activate_active = act(&app, &staff, id, "activate", None).await;
    let bad_date = act(
        &app,
        &staff,
        id,
        "activate",
        Some(json!({ "start_date": "02/03/2026" })),
    );
    let bad_date = bad_date.await;
    assert_eq!(act(&app, &staff, id, "cancel", None).await.0, 200);
    let cancel_cancelled = act(&app, &staff, id, "cancel", None).await;
    let activate_cancelled = act(&app, &staff, id, "activate", None).await;

    let conflict = |text: &str| (409, json!({ "error": text }));
    assert_eq!(
        activate_active,
        conflict("Solo se puede activar un contrato pendiente; este contrato está activo")
    );
    assert_eq!(
        bad_date,
        (
            400,
            json!({ "error": "El campo 'start_date' debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100" })
        )
    );
    assert_eq!(
        cancel_cancelled,
        conflict(
            "Solo se puede cancelar un contrato pendiente o activo; este contrato está cancelado"
        )
    );
    assert_eq!(
        activate_cancelled,
        conflict("Solo se puede activar un contrato pendiente; este contrato está cancelado")
    );
    assert_eq!(
        audit_rows(&app).await,
        3,
        "create, activate, cancel; no refusal"
    );
}

async fn a_car_has_at_most_one_open_contract(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-990").await;
    let demo_car: i64 =
        sqlx::query_scalar("select car_id from cars where license_plate = 'ABC-123'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();

    let (_, first) = status_json(create(&app, &staff, terms(client, car)).await).await;
    let second = status_json(create(&app, &staff, terms(client, car)).await).await;
    let on_the_demo_car = status_json(create(&app, &staff, terms(client, demo_car)).await).await;
    let first_id = first["id"].as_i64().unwrap();
    assert_eq!(act(&app, &staff, first_id, "cancel", None).await.0, 200);
    let after_cancel = create(&app, &staff, terms(client, car)).await.status();

    assert_eq!(second, (409, json!({ "error": CAR_TAKEN })));
    assert_eq!(on_the_demo_car, (409, json!({ "error": CAR_TAKEN })));
    assert_eq!(after_cancel, 201);
    assert_eq!(audit_rows(&app).await, 3);
}

async fn concurrent_creations_for_one_car_let_exactly_one_through(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let first_client = client_id(&app, DEMO_DOCUMENT).await;
    let second_client = client_id(&app, SECOND_DOCUMENT).await;

    for round in 0..3 {
        let car = free_car(&app, &format!("RACE-{round}")).await;

        let (a, b) = tokio::join!(
            create(&app, &staff, terms(first_client, car)),
            create(&app, &staff, terms(second_client, car)),
        );

        let mut answers = vec![status_json(a).await, status_json(b).await];
        answers.sort_by_key(|(status, _)| *status);
        assert_eq!(answers[0].0, 201, "round {round}: {answers:?}");
        assert_eq!(
            answers[1],
            (409, json!({ "error": CAR_TAKEN })),
            "round {round}"
        );
        let open: i64 = sqlx::query_scalar("select count(*) from contracts where car_id = $1")
            .bind(car)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(open, 1, "round {round}");
    }
    assert_eq!(audit_rows(&app).await, 3);
}

async fn amounts_are_exact_and_terms_are_checked(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-991").await;
    let with = |amount: Value, weeks: Value| json!({ "client_id": client, "car_id": car, "weekly_amount": amount, "weeks": weeks });
    let bad_weeks = "El campo 'weeks' debe estar entre 1 y 520";

    let mut refused = Vec::new();
    for (amount, weeks) in [
        (json!(480.555), json!(130)),
        (json!(0), json!(130)),
        (json!(-5), json!(130)),
        (json!(480.5), json!(0)),
        (json!(480.5), json!(521)),
        (json!(0.001), json!(-1)),
    ] {
        refused.push(status_json(create(&app, &staff, with(amount, weeks)).await).await);
    }
    let wrong_type =
        status_json(create(&app, &staff, with(json!("mucho"), json!(130))).await).await;
    let unknown_client = create(
        &app,
        &staff,
        json!({ "client_id": 999_999, "car_id": car, "weekly_amount": 500, "weeks": 10 }),
    );
    let unknown_client = status_json(unknown_client.await).await;
    let unknown_car = create(
        &app,
        &staff,
        json!({ "client_id": client, "car_id": 999_999, "weekly_amount": 500, "weeks": 10 }),
    );
    let unknown_car = status_json(unknown_car.await).await;
    let created = create(&app, &staff, with(json!(0.01), json!(520))).await;
    let created = status_json(created).await;

    let list = |messages: &[&str]| (400, json!({ "error": messages }));
    assert_eq!(
        refused,
        [
            list(&[BAD_AMOUNT]),
            list(&[BAD_AMOUNT]),
            list(&[BAD_AMOUNT]),
            list(&[bad_weeks]),
            list(&[bad_weeks]),
            list(&[BAD_AMOUNT, bad_weeks]),
        ]
    );
    assert_eq!(wrong_type.0, 400);
    assert!(
        wrong_type.1["error"][0]
            .as_str()
            .unwrap()
            .contains("weekly_amount")
    );
    assert_eq!(
        unknown_client,
        (404, json!({ "error": "Cliente no encontrado" }))
    );
    assert_eq!(unknown_car, (404, json!({ "error": "Auto no encontrado" })));
    assert_eq!(created.0, 201);
    assert_eq!(
        [&created.1["weekly_amount"], &created.1["weeks"]],
        [&json!(0.01), &json!(520)]
    );
    assert_eq!(audit_rows(&app).await, 1);
}

async fn unknown_and_malformed_ids_are_not_found(app: TestApp) {
    let staff = app.staff_token("viewer").await;
    let ops = app.staff_token("ops").await;
    let not_found = (404, json!({ "error": "Contrato no encontrado" }));

    for id in ["999999", "abc", "0", "-1"] {
        let read = app
            .backoffice(Method::GET, &format!("/contracts/{id}"), &staff, None)
            .await;
        assert_eq!(status_json(read).await, not_found, "{id}");
        let path = format!("/contracts/{id}/cancel");
        let cancel = app.backoffice(Method::POST, &path, &ops, None).await;
        assert_eq!(status_json(cancel).await, not_found, "{id}");
    }
}

crate::db_tests!(
    a_contract_is_created_pending_then_activated_then_cancelled,
    activation_defaults_to_today_in_lima,
    moves_from_the_wrong_status_are_conflicts,
    a_car_has_at_most_one_open_contract,
    concurrent_creations_for_one_car_let_exactly_one_through,
    amounts_are_exact_and_terms_are_checked,
    unknown_and_malformed_ids_are_not_found,
);
