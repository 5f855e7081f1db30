//! The changes of one invoice: discounts, freezes, splits into fractions, cancellations;
//! what a paid invoice refuses, the audit each change leaves, and parallel changes.

use chrono::Days;
use leasy::domain::time::lima_today;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Contract, active_contract, day, read, week_id};
use crate::helpers::{TestApp, status_json};

/// POST `/invoices/{id}/{action}/`, with a body or none.
async fn act(
    app: &TestApp,
    staff: &str,
    id: i64,
    action: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let path = format!("/invoices/{id}/{action}/");
    status_json(app.backoffice(Method::POST, &path, staff, body).await).await
}

async fn discount(app: &TestApp, staff: &str, id: i64, amount: Value) -> (u16, Value) {
    let body = json!({ "amount": amount, "observations": "Acuerdo con el cliente" });
    act(app, staff, id, "discounts", Some(body)).await
}

async fn split(app: &TestApp, staff: &str, id: i64, fractions: Value) -> (u16, Value) {
    act(
        app,
        staff,
        id,
        "fractions",
        Some(json!({ "fractions": fractions })),
    )
    .await
}

/// Marks an invoice paid today, as a payment will.
async fn mark_paid(app: &TestApp, id: i64) {
    sqlx::query("update invoices set status = 'paid', paid_date = $1 where invoice_id = $2")
        .bind(day(lima_today()))
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
}

/// The audit entries of one invoice, newest first.
async fn trail(app: &TestApp, admin: &str, id: i64) -> Vec<Value> {
    let path = format!("/audit/?target_type=invoice&target_id={id}&per_page=100");
    let (status, page) = read(app, admin, &path).await;
    assert_eq!(status, 200, "{page}");
    page["results"].as_array().unwrap().clone()
}

fn in_days(days: i64) -> String {
    let today = lima_today();
    let date = if days >= 0 {
        today + Days::new(days.unsigned_abs())
    } else {
        today - Days::new(days.unsigned_abs())
    };
    day(date)
}

fn conflict(text: &str) -> (u16, Value) {
    (409, json!({ "error": text }))
}

fn refused(errors: &[&str]) -> (u16, Value) {
    (400, json!({ "error": errors }))
}

async fn weeks(app: &TestApp, staff: &str, contract: &Contract, n: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for week in 1..=n {
        ids.push(week_id(app, staff, contract, week).await);
    }
    ids
}

async fn a_discount_lowers_what_is_owed_exactly(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let viewer = app.staff_token("viewer").await;
    let contract = active_contract(&app, &ops, "42000001", 2).await;
    let id = week_id(&app, &ops, &contract, 1).await;
    let (_, me) = read(&app, &ops, "/me/").await;

    let first = discount(&app, &ops, id, json!(26.25)).await;
    let too_much = discount(&app, &ops, id, json!(525.01)).await;
    let zero = discount(&app, &ops, id, json!(0)).await;
    let fraction_of_a_cent = discount(&app, &ops, id, json!(1.005)).await;
    let huge = discount(&app, &ops, id, json!(i64::MAX)).await;
    let long_note = act(
        &app,
        &ops,
        id,
        "discounts",
        Some(json!({
            "amount": 1, "observations": "x".repeat(501)
        })),
    )
    .await;
    let by_viewer = discount(&app, &viewer, id, json!(1)).await;
    let past_what_is_owed = discount(&app, &ops, id, json!(525)).await;
    let the_rest = discount(&app, &ops, id, json!(498.75)).await;
    let one_more_cent = discount(&app, &ops, id, json!(0.01)).await;

    let (status, after_first) = first;
    assert_eq!(status, 200);
    assert_eq!(after_first["total"], json!(525));
    assert_eq!(after_first["total_with_discount"], json!(498.75));
    let granted = &after_first["discounts"][0];
    assert_eq!(
        after_first["discounts"],
        json!([{
            "id": granted["id"], "amount": 26.25, "type": "manual",
            "observations": "Acuerdo con el cliente", "staff_id": me["id"],
            "created_at": granted["created_at"]
        }])
    );
    let owed = |soles: &str| {
        refused(&[&format!(
            "El descuento no puede superar lo que queda por pagar de la factura (S/ {soles})"
        )])
    };
    assert_eq!(too_much, owed("498.75"));
    assert_eq!(zero, refused(&["El campo 'amount' debe ser mayor que 0"]));
    assert_eq!(
        fraction_of_a_cent,
        refused(&["El campo 'amount' debe ser un monto con hasta 2 decimales"])
    );
    assert_eq!(huge, refused(&["El campo 'amount' es demasiado grande"]));
    assert_eq!(
        long_note,
        refused(&["El campo 'observations' debe tener como máximo 500 caracteres"])
    );
    assert_eq!(by_viewer.0, 403);
    // Discounts never add up past the total; once nothing is owed the invoice is settled.
    assert_eq!(past_what_is_owed, owed("498.75"));
    let (status, settled) = the_rest;
    assert_eq!(status, 200, "{settled}");
    assert_eq!(settled["total_with_discount"], json!(0));
    assert_eq!(settled["discounts"].as_array().unwrap().len(), 2);
    assert_eq!(
        (&settled["status"], &settled["paid_date"]),
        (&json!("paid"), &json!(day(lima_today())))
    );
    assert_eq!(
        one_more_cent,
        conflict(
            "Solo se puede agregar un descuento a una factura pendiente o congelada; esta factura está pagada"
        )
    );
}

async fn freezing_and_unfreezing(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let contract = active_contract(&app, &ops, "42000002", 2).await;
    let [plain, split_one] = weeks(&app, &ops, &contract, 2).await[..] else {
        unreachable!()
    };
    let halves = json!([
        { "amount": 262.5, "due_date": in_days(3) },
        { "amount": 262.5, "due_date": in_days(10) }
    ]);
    assert_eq!(split(&app, &ops, split_one, halves).await.0, 200);

    let frozen = act(&app, &ops, plain, "freeze", None).await;
    let frozen_again = act(&app, &ops, plain, "freeze", None).await;
    let discount_while_frozen = discount(&app, &ops, plain, json!(25)).await;
    let thawed = act(&app, &ops, plain, "unfreeze", None).await;
    let thawed_again = act(&app, &ops, plain, "unfreeze", None).await;
    let split_frozen = act(&app, &ops, split_one, "freeze", None).await;
    let split_thawed = act(&app, &ops, split_one, "unfreeze", None).await;

    assert_eq!((frozen.0, &frozen.1["status"]), (200, &json!("freezed")));
    assert_eq!(
        frozen_again,
        conflict(
            "Solo se puede congelar una factura pendiente o fraccionada; esta factura está congelada"
        )
    );
    assert_eq!(discount_while_frozen.1["total_with_discount"], json!(500));
    assert_eq!((thawed.0, &thawed.1["status"]), (200, &json!("pending")));
    assert_eq!(
        thawed_again,
        conflict("Solo se puede descongelar una factura congelada; esta factura está pendiente")
    );
    assert_eq!(
        (split_frozen.0, &split_frozen.1["status"]),
        (200, &json!("freezed"))
    );
    assert_eq!(split_thawed.0, 200);
    assert_eq!(
        split_thawed.1["status"],
        json!("fraction"),
        "back to its fractions"
    );
    assert_eq!(split_thawed.1["fractions"].as_array().unwrap().len(), 2);
}

async fn a_split_adds_up_to_the_cent(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let contract = active_contract(&app, &ops, "42000003", 4).await;
    let [first, second, third, fourth] = weeks(&app, &ops, &contract, 4).await[..] else {
        unreachable!()
    };

    let done = split(
        &app,
        &ops,
        first,
        json!([
            { "amount": 175, "due_date": in_days(10) },
            { "amount": 175, "due_date": in_days(-1) },
            { "amount": 175, "due_date": in_days(0) }
        ]),
    )
    .await;
    let cent_off = split(
        &app,
        &ops,
        second,
        json!([
            { "amount": 262.5, "due_date": in_days(3) },
            { "amount": 262.49, "due_date": in_days(10) }
        ]),
    )
    .await;
    let alone = split(
        &app,
        &ops,
        second,
        json!([{ "amount": 525, "due_date": in_days(3) }]),
    )
    .await;
    let malformed = split(
        &app,
        &ops,
        second,
        json!([
            { "amount": 1.001, "due_date": "2026-02-30" },
            { "amount": 524, "due_date": in_days(3) }
        ]),
    )
    .await;
    let every_fault: Value = serde_json::from_str(&format!(
        r#"[{{"amount": 0, "due_date": "{0}"}}, {{"amount": -1, "due_date": "bad"}},
            {{"amount": 1e20, "due_date": "{0}"}}]"#,
        in_days(3)
    ))
    .unwrap();
    let every_fault = split(&app, &ops, second, every_fault).await;
    let not_a_list = split(&app, &ops, second, json!("525")).await;
    let again = split(
        &app,
        &ops,
        first,
        json!([
            { "amount": 262.5, "due_date": in_days(3) },
            { "amount": 262.5, "due_date": in_days(10) }
        ]),
    )
    .await;
    assert_eq!(act(&app, &ops, second, "freeze", None).await.0, 200);
    let halves = json!([
        { "amount": 262.5, "due_date": in_days(3) },
        { "amount": 262.5, "due_date": in_days(10) }
    ]);
    let frozen = split(&app, &ops, second, halves.clone()).await;
    mark_paid(&app, third).await;
    let paid = split(&app, &ops, third, halves).await;
    assert_eq!(discount(&app, &ops, fourth, json!(26.25)).await.0, 200);
    let discounted = split(
        &app,
        &ops,
        fourth,
        json!([
            { "amount": 250, "due_date": in_days(3) },
            { "amount": 248.75, "due_date": in_days(10) }
        ]),
    )
    .await;
    let discount_after = discount(&app, &ops, fourth, json!(1)).await;
    // A frozen or cancelled invoice's fractions are not active: they cannot be paid.
    let first_frozen = act(&app, &ops, first, "freeze", None).await;
    let first_thawed = act(&app, &ops, first, "unfreeze", None).await;
    let admin = app.staff_token("admin").await;
    let first_cancelled = act(&app, &admin, first, "cancel", None).await;
    let active = |invoice: &Value| -> Vec<Value> {
        invoice["fractions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["active"].clone())
            .collect()
    };

    let (status, invoice) = done;
    assert_eq!(status, 200);
    assert_eq!(invoice["status"], json!("fraction"));
    assert_eq!(invoice["total_with_discount"], json!(525));
    let fractions = invoice["fractions"].as_array().unwrap();
    let shown: Vec<Value> = fractions
        .iter()
        .map(|f| {
            let hash = f["hash"].as_str().unwrap();
            assert_eq!(uuid::Uuid::parse_str(hash).unwrap().get_version_num(), 4);
            json!([
                f["position"],
                f["amount"],
                f["due_date"],
                f["paid_date"],
                f["active"]
            ])
        })
        .collect();
    assert_eq!(
        shown,
        [
            json!([1, 175, in_days(-1), null, true]),
            json!([2, 175, in_days(0), null, true]),
            json!([3, 175, in_days(10), null, false]),
        ],
        "in the order they fall due; due today or earlier is active"
    );
    assert_eq!(
        cent_off,
        refused(&["Las fracciones suman S/ 524.99 y deben sumar exactamente S/ 525.00"])
    );
    assert_eq!(
        alone,
        refused(&["El campo 'fractions' debe tener entre 2 y 12 fracciones"])
    );
    assert_eq!(
        malformed,
        refused(&[
            "El monto de la fracción 1 debe tener como máximo 2 decimales",
            "La fecha de la fracción 1 debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100",
        ])
    );
    assert_eq!(
        every_fault,
        refused(&[
            "El monto de la fracción 1 debe ser mayor que 0",
            "El monto de la fracción 2 debe ser mayor que 0",
            "La fecha de la fracción 2 debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100",
            "El monto de la fracción 3 es demasiado grande",
        ])
    );
    assert_eq!(not_a_list.0, 400);
    assert!(
        not_a_list.1["error"][0]
            .as_str()
            .unwrap()
            .contains("'fractions'")
    );
    let pending_only = "Solo se puede fraccionar una factura pendiente; esta factura está";
    assert_eq!(again, conflict(&format!("{pending_only} fraccionada")));
    assert_eq!(frozen, conflict(&format!("{pending_only} congelada")));
    assert_eq!(paid, conflict(&format!("{pending_only} pagada")));
    assert_eq!(discounted.0, 200, "{discounted:?}");
    assert_eq!(discounted.1["fractions"][1]["amount"], json!(248.75));
    assert_eq!(
        discount_after,
        conflict("No se puede agregar un descuento a una factura fraccionada")
    );
    assert_eq!(first_frozen.0, 200);
    assert_eq!(active(&first_frozen.1), [false, false, false]);
    assert_eq!(active(&first_thawed.1), [true, true, false]);
    assert_eq!(first_cancelled.0, 200, "{first_cancelled:?}");
    assert_eq!(active(&first_cancelled.1), [false, false, false]);
}

async fn only_an_admin_cancels(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let viewer = app.staff_token("viewer").await;
    let admin = app.staff_token("admin").await;
    let contract = active_contract(&app, &ops, "42000004", 3).await;
    let [first, second, third] = weeks(&app, &ops, &contract, 3).await[..] else {
        unreachable!()
    };
    let halves = json!([
        { "amount": 262.5, "due_date": in_days(-2) },
        { "amount": 262.5, "due_date": in_days(10) }
    ]);
    assert_eq!(split(&app, &ops, third, halves).await.0, 200);
    sqlx::query(
        "update invoice_fractions set paid_date = $1 where invoice_id = $2 and position = 1",
    )
    .bind(in_days(0))
    .bind(third)
    .execute(app.store.pool())
    .await
    .unwrap();
    let reason = json!({ "observations": " Registrada por error " });

    let by_ops = act(&app, &ops, first, "cancel", Some(reason.clone())).await;
    let by_viewer = act(&app, &viewer, first, "cancel", None).await;
    let by_admin = act(&app, &admin, first, "cancel", Some(reason.clone())).await;
    let twice = act(&app, &admin, first, "cancel", None).await;
    assert_eq!(act(&app, &ops, second, "freeze", None).await.0, 200);
    let frozen_without_body = act(&app, &admin, second, "cancel", None).await;
    let partly_paid = act(&app, &admin, third, "cancel", Some(reason)).await;
    let unknown = act(&app, &admin, 999_999, "cancel", None).await;
    let (_, third_now) = read(&app, &ops, &format!("/invoices/{third}/")).await;

    let forbidden = (
        403,
        json!({ "error": "No tienes permiso para realizar esta acción" }),
    );
    assert_eq!(by_ops, forbidden);
    assert_eq!(by_viewer, forbidden);
    assert_eq!(by_admin.0, 200);
    assert_eq!(by_admin.1["status"], json!("cancelled"));
    assert_eq!(
        by_admin.1["observations"],
        json!("Anulada: Registrada por error")
    );
    assert_eq!(
        twice,
        conflict(
            "Solo se puede anular una factura que no esté pagada ni anulada; esta factura está anulada"
        )
    );
    assert_eq!(frozen_without_body.0, 200);
    assert_eq!(frozen_without_body.1["status"], json!("cancelled"));
    assert_eq!(frozen_without_body.1["observations"], json!(""));
    assert_eq!(
        partly_paid,
        conflict("No se puede anular una factura con fracciones ya pagadas")
    );
    assert_eq!(third_now["status"], json!("fraction"));
    assert_eq!(
        third_now["fractions"][0]["active"],
        json!(false),
        "paid, so not active"
    );
    assert_eq!(third_now["fractions"][0]["paid_date"], json!(in_days(0)));
    assert_eq!(unknown, (404, json!({ "error": "Factura no encontrada" })));
}

async fn a_paid_invoice_never_changes(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let admin = app.staff_token("admin").await;
    let contract = active_contract(&app, &ops, "42000005", 1).await;
    let id = week_id(&app, &ops, &contract, 1).await;
    mark_paid(&app, id).await;
    let (_, before) = read(&app, &ops, &format!("/invoices/{id}/")).await;
    let halves = json!([
        { "amount": 262.5, "due_date": in_days(3) },
        { "amount": 262.5, "due_date": in_days(10) }
    ]);

    let answers = [
        discount(&app, &ops, id, json!(10)).await,
        act(&app, &ops, id, "freeze", None).await,
        act(&app, &ops, id, "unfreeze", None).await,
        split(&app, &ops, id, halves).await,
        act(&app, &admin, id, "cancel", None).await,
    ];
    let (_, after) = read(&app, &ops, &format!("/invoices/{id}/")).await;

    assert_eq!(
        answers,
        [
            conflict(
                "Solo se puede agregar un descuento a una factura pendiente o congelada; esta factura está pagada"
            ),
            conflict(
                "Solo se puede congelar una factura pendiente o fraccionada; esta factura está pagada"
            ),
            conflict("Solo se puede descongelar una factura congelada; esta factura está pagada"),
            conflict("Solo se puede fraccionar una factura pendiente; esta factura está pagada"),
            conflict(
                "Solo se puede anular una factura que no esté pagada ni anulada; esta factura está pagada"
            ),
        ]
    );
    assert_eq!(after, before);
    assert_eq!(after["paid_date"], json!(in_days(0)));
    assert!(
        trail(&app, &admin, id).await.is_empty(),
        "refusals leave no audit"
    );
}

async fn each_change_is_audited_once_with_before_and_after(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let admin = app.staff_token("admin").await;
    let contract = active_contract(&app, &ops, "42000006", 1).await;
    let id = week_id(&app, &ops, &contract, 1).await;
    let (_, me) = read(&app, &ops, "/me/").await;
    let (_, admin_me) = read(&app, &admin, "/me/").await;
    let (_, initial) = read(&app, &ops, &format!("/invoices/{id}/")).await;
    let halves = json!([
        { "amount": 250, "due_date": in_days(3) },
        { "amount": 250, "due_date": in_days(10) }
    ]);

    let mut states = vec![initial];
    for (staff, action, body) in [
        (&ops, "discounts", Some(json!({ "amount": 25 }))),
        (&ops, "freeze", None),
        (&ops, "unfreeze", None),
        (&ops, "fractions", Some(json!({ "fractions": halves }))),
        (
            &admin,
            "cancel",
            Some(json!({ "observations": "Acuerdo de salida" })),
        ),
    ] {
        let (status, invoice) = act(&app, staff, id, action, body).await;
        assert_eq!(status, 200, "{action}: {invoice}");
        states.push(invoice);
    }
    let refused = act(&app, &ops, id, "freeze", None).await;
    let entries = trail(&app, &admin, id).await;

    assert_eq!(refused.0, 409);
    let actions: Vec<&Value> = entries.iter().map(|e| &e["action"]).collect();
    assert_eq!(
        actions,
        [
            "invoice.cancel",
            "invoice.split",
            "invoice.unfreeze",
            "invoice.freeze",
            "invoice.discount",
        ],
        "one entry a change, newest first; none for the refusal"
    );
    for (i, entry) in entries.iter().rev().enumerate() {
        assert_eq!(entry["target_type"], json!("invoice"));
        assert_eq!(entry["before"], states[i], "{}", entry["action"]);
        assert_eq!(entry["after"], states[i + 1], "{}", entry["action"]);
        let who = if i == 4 { &admin_me } else { &me };
        assert_eq!(entry["staff_id"], who["id"]);
    }
}

async fn parallel_freezes_let_exactly_one_through(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let other = app.staff_token("ops").await;
    let admin = app.staff_token("admin").await;
    let contract = active_contract(&app, &ops, "42000007", 3).await;

    for id in weeks(&app, &ops, &contract, 3).await {
        let (a, b) = tokio::join!(
            act(&app, &ops, id, "freeze", None),
            act(&app, &other, id, "freeze", None),
        );

        let mut answers = [a, b];
        answers.sort_by_key(|(status, _)| *status);
        assert_eq!(answers[0].0, 200, "{answers:?}");
        assert_eq!(answers[0].1["status"], json!("freezed"));
        assert_eq!(
            answers[1],
            conflict(
                "Solo se puede congelar una factura pendiente o fraccionada; esta factura está congelada"
            )
        );
        assert_eq!(trail(&app, &admin, id).await.len(), 1);
    }
}

crate::db_tests!(
    a_discount_lowers_what_is_owed_exactly,
    freezing_and_unfreezing,
    a_split_adds_up_to_the_cent,
    only_an_admin_cancels,
    a_paid_invoice_never_changes,
    each_change_is_audited_once_with_before_and_after,
    parallel_freezes_let_exactly_one_through,
);
