//! Invoices added by hand to a contract, and the invoice types.

use reqwest::Method;
use serde_json::{Value, json};

use super::{active_contract, invoices_of, read, week_id};
use crate::helpers::{TestApp, status_json};

async fn a_one_off_invoice_comes_after_the_schedule(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let admin = app.staff_token("admin").await;
    let contract = active_contract(&app, &ops, "41000004", 5).await;
    let path = format!("/contracts/{}/invoices/", contract.id);
    let post = |body: Value| {
        let (app, ops, path) = (&app, &ops, &path);
        async move { status_json(app.backoffice(Method::POST, path, ops, Some(body)).await).await }
    };
    let due = contract.due(1);

    let repair = post(json!({
        "type": "repair", "total": 350.5, "due_date": due,
        "observations": "  Cambio de parachoques delantero  "
    }))
    .await;
    let initial_fee = post(json!({ "type": "initial_fee", "total": 2000, "due_date": due })).await;
    let refused = [
        post(json!({ "type": "weekly_fee", "total": 525, "due_date": due })).await,
        post(json!({ "type": "penalty", "total": 50, "due_date": due })).await,
        post(json!({ "type": "gps", "total": 0.001, "due_date": "2026-02-30" })).await,
        post(
            json!({ "type": "repair", "total": 100000.01, "due_date": due,
                     "observations": "x".repeat(501) }),
        )
        .await,
        post(json!({ "type": "repair", "due_date": due })).await,
    ];
    let unknown = app
        .backoffice(
            Method::POST,
            "/contracts/999999/invoices/",
            &ops,
            Some(json!({
                "type": "repair", "total": 10, "due_date": due
            })),
        )
        .await;
    let listed = invoices_of(&app, &ops, &contract).await;
    let cancel = format!("/contracts/{}/cancel/", contract.id);
    assert_eq!(
        app.backoffice(Method::POST, &cancel, &ops, None)
            .await
            .status(),
        200
    );
    let on_cancelled = post(json!({ "type": "repair", "total": 10, "due_date": due })).await;
    let (_, trail) = read(&app, &admin, "/audit/?target_type=invoice&per_page=100").await;

    let (status, repair) = repair;
    assert_eq!(status, 201);
    let id = repair["id"].as_i64().unwrap();
    assert_eq!(
        repair,
        json!({
            "id": id, "hash": repair["hash"], "contract_id": contract.id,
            "contract": contract.hash, "client_id": contract.client,
            "type": { "name": "Reparación", "code_name": "repair" }, "week": null,
            "priority": 6, "status": "pending", "due_date": due, "paid_date": null,
            "total": 350.5, "total_with_discount": 350.5,
            "observations": "Cambio de parachoques delantero", "penalized_invoice_id": null,
            "created_at": repair["created_at"], "discounts": [], "fractions": []
        })
    );
    assert_eq!(initial_fee.0, 201);
    assert_eq!(initial_fee.1["priority"], json!(7));
    let day = "debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100";
    let total =
        "El campo 'total' debe ser un monto mayor que 0 y de hasta 100000, con hasta 2 decimales";
    let list = |errors: &[&str]| (400, json!({ "error": errors }));
    assert_eq!(
        refused,
        [
            list(&["Las cuotas semanales las crea el calendario del contrato"]),
            list(&["Las penalidades las agrega el proceso de cobro diario"]),
            list(&[
                "El campo 'type' no es un tipo de factura registrado",
                total,
                &format!("El campo 'due_date' {day}"),
            ]),
            list(&[
                total,
                "El campo 'observations' debe tener como máximo 500 caracteres"
            ]),
            list(&["El campo 'total' es obligatorio"]),
        ]
    );
    assert_eq!(
        status_json(unknown).await,
        (404, json!({ "error": "Contrato no encontrado" }))
    );
    let order: Vec<Value> = listed
        .iter()
        .map(|i| json!([i["week"], i["priority"]]))
        .collect();
    assert_eq!(
        order,
        [
            json!([1, 1]),
            json!([null, 6]),
            json!([null, 7]),
            json!([2, 2]),
            json!([3, 3]),
            json!([4, 4]),
            json!([5, 5])
        ],
        "due the same day as week 1: after it, by priority"
    );
    assert_eq!(
        on_cancelled,
        (
            409,
            json!({ "error": "Solo se puede agregar una factura a un contrato pendiente o activo; este contrato está cancelado" })
        )
    );
    let creations: Vec<&Value> = trail["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "invoice.create")
        .collect();
    assert_eq!(creations.len(), 2);
    let entry = creations
        .iter()
        .find(|e| e["target_id"] == json!(id.to_string()))
        .unwrap();
    assert_eq!(entry["before"], Value::Null);
    assert_eq!(entry["after"], repair);
}

async fn invoice_types_are_listed_added_and_renamed(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let viewer = app.staff_token("viewer").await;
    let admin = app.staff_token("admin").await;
    let send = |method: Method, path: &str, token: &str, body: Value| {
        let (app, path, token) = (&app, path.to_owned(), token.to_owned());
        async move { status_json(app.backoffice(method, &path, &token, Some(body)).await).await }
    };

    let (status, seeded) = read(&app, &viewer, "/invoice-types/").await;
    let (created_status, gps) = send(
        Method::POST,
        "/invoice-types/",
        &ops,
        json!({ "code_name": "gps", "name": "  Rastreo GPS " }),
    )
    .await;
    let duplicate = send(
        Method::POST,
        "/invoice-types/",
        &ops,
        json!({ "code_name": "gps", "name": "Otro" }),
    )
    .await;
    let invalid = send(
        Method::POST,
        "/invoice-types/",
        &ops,
        json!({ "code_name": "GPS-2", "name": "" }),
    )
    .await;
    let by_viewer = send(
        Method::POST,
        "/invoice-types/",
        &viewer,
        json!({ "code_name": "x", "name": "X" }),
    )
    .await;
    let renamed = send(
        Method::PATCH,
        "/invoice-types/weekly_fee/",
        &ops,
        json!({ "name": "Cuota de la semana" }),
    )
    .await;
    let same_name = send(
        Method::PATCH,
        "/invoice-types/weekly_fee/",
        &ops,
        json!({ "name": "Cuota de la semana" }),
    )
    .await;
    let code_ignored = send(
        Method::PATCH,
        "/invoice-types/penalty/",
        &ops,
        json!({ "name": "Mora", "code_name": "mora" }),
    )
    .await;
    let unknown = send(
        Method::PATCH,
        "/invoice-types/nada/",
        &ops,
        json!({ "name": "Nada" }),
    )
    .await;
    let contract = active_contract(&app, &ops, "41000005", 2).await;
    let (_, invoice) = read(
        &app,
        &viewer,
        &format!("/invoices/{}/", week_id(&app, &ops, &contract, 1).await),
    )
    .await;
    let (_, page) = read(&app, &viewer, "/invoice-types/?per_page=5&page=2").await;
    let (_, trail) = read(&app, &admin, "/audit/?target_type=invoice_type").await;

    assert_eq!(status, 200);
    let codes: Vec<&Value> = seeded["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["code_name"])
        .collect();
    assert_eq!(
        codes,
        [
            "weekly_fee",
            "penalty",
            "initial_fee",
            "repair",
            "insurance"
        ]
    );
    assert_eq!(seeded["results"][0]["name"], "Cuota semanal");
    assert_eq!(created_status, 201);
    assert_eq!(
        gps,
        json!({ "id": gps["id"], "code_name": "gps", "name": "Rastreo GPS", "created_at": gps["created_at"] })
    );
    assert_eq!(
        duplicate,
        (
            409,
            json!({ "error": "El campo 'code_name' ya está registrado para otro tipo de factura" })
        )
    );
    assert_eq!(
        invalid,
        (
            400,
            json!({ "error": [
            "El campo 'code_name' debe tener de 1 a 40 letras minúsculas, números o '_'",
            "El campo 'name' debe tener entre 1 y 60 caracteres"
        ] })
        )
    );
    assert_eq!(by_viewer.0, 403);
    assert_eq!(renamed.0, 200);
    assert_eq!(
        [&renamed.1["code_name"], &renamed.1["name"]],
        ["weekly_fee", "Cuota de la semana"]
    );
    assert_eq!(same_name, renamed);
    assert_eq!(
        [&code_ignored.1["code_name"], &code_ignored.1["name"]],
        ["penalty", "Mora"]
    );
    assert_eq!(
        unknown,
        (404, json!({ "error": "Tipo de factura no encontrado" }))
    );
    assert_eq!(
        invoice["type"],
        json!({ "name": "Cuota de la semana", "code_name": "weekly_fee" })
    );
    assert_eq!(page["results"], json!([gps]));
    assert_eq!(page["total"], json!(6));
    let actions: Vec<&Value> = trail["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["action"])
        .collect();
    assert_eq!(
        actions,
        [
            "invoice_type.update",
            "invoice_type.update",
            "invoice_type.create"
        ],
        "newest first; the rename to the same name left none"
    );
    assert_eq!(
        trail["results"][1]["before"],
        json!({ "code_name": "weekly_fee", "name": "Cuota semanal" })
    );
    assert_eq!(
        trail["results"][1]["after"],
        json!({ "code_name": "weekly_fee", "name": "Cuota de la semana" })
    );
}

crate::db_tests!(
    a_one_off_invoice_comes_after_the_schedule,
    invoice_types_are_listed_added_and_renamed,
);
