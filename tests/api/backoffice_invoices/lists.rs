//! The invoice list: filters, order, pagination and bad parameters.

use reqwest::Method;
use serde_json::{Value, json};

use super::{active_contract, created, read, week_id};
use crate::helpers::TestApp;

/// The ids, weeks and page total of a list query.
async fn listed(app: &TestApp, staff: &str, query: &str) -> (Vec<Value>, Value) {
    let (status, page) = read(app, staff, &format!("/invoices/?{query}")).await;
    assert_eq!(status, 200, "{query}: {page}");
    let weeks = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!([i["contract_id"], i["week"]]))
        .collect();
    (weeks, page["total"].clone())
}

async fn lists_filter_and_paginate(app: TestApp) {
    let staff = app.staff_token("viewer").await;
    let ops = app.staff_token("ops").await;
    let first = active_contract(&app, &ops, "41000002", 6).await;
    let other = active_contract(&app, &ops, "41000003", 3).await;
    let (a, b) = (first.id, other.id);
    let week_3 = week_id(&app, &ops, &first, 3).await;
    let freeze = app
        .backoffice(
            Method::POST,
            &format!("/invoices/{week_3}/freeze/"),
            &ops,
            None,
        )
        .await;
    assert_eq!(freeze.status(), 200);
    let repair = json!({ "type": "repair", "total": 150, "due_date": first.due(2) });
    created(&app, &ops, &format!("/contracts/{a}/invoices/"), repair).await;

    let by_contract = listed(&app, &staff, &format!("contract_id={a}")).await;
    let by_client = listed(&app, &staff, &format!("client_id={}", other.client)).await;
    let page_two = listed(&app, &staff, &format!("contract_id={a}&per_page=3&page=2")).await;
    let past_the_end = listed(&app, &staff, &format!("contract_id={a}&page=9")).await;
    let frozen = listed(&app, &staff, &format!("contract_id={a}&status=freezed")).await;
    let pending = listed(
        &app,
        &staff,
        &format!("client_id={}&status=pending", first.client),
    )
    .await;
    let range = format!(
        "contract_id={a}&due_from={}&due_to={}",
        first.due(2),
        first.due(4)
    );
    let in_range = listed(&app, &staff, &range).await;
    let repairs = listed(
        &app,
        &staff,
        &format!("client_id={}&type=repair", first.client),
    )
    .await;
    let none = listed(
        &app,
        &staff,
        &format!("contract_id={a}&client_id={}", other.client),
    )
    .await;
    let both_weeks_1 = listed(
        &app,
        &staff,
        &format!("due_to={}&per_page=100", first.due(1)),
    )
    .await;

    let w = |contract: i64, week: Option<i64>| json!([contract, week]);
    let schedule: Vec<Value> = [1, 2, 2, 3, 4, 5, 6]
        .iter()
        .enumerate()
        .map(|(i, week)| w(a, if i == 2 { None } else { Some(*week) }))
        .collect();
    assert_eq!(
        by_contract,
        (schedule.clone(), json!(7)),
        "the repair after week 2"
    );
    assert_eq!(
        by_client,
        (vec![w(b, Some(1)), w(b, Some(2)), w(b, Some(3))], json!(3))
    );
    assert_eq!(page_two, (schedule[3..6].to_vec(), json!(7)));
    assert_eq!(past_the_end, (vec![], json!(7)));
    assert_eq!(frozen, (vec![w(a, Some(3))], json!(1)));
    assert_eq!(pending.1, json!(6));
    assert!(!pending.0.contains(&w(a, Some(3))));
    assert_eq!(in_range, (schedule[1..5].to_vec(), json!(4)));
    assert_eq!(repairs, (vec![w(a, None)], json!(1)));
    assert_eq!(none, (vec![], json!(0)));
    assert!(both_weeks_1.0.contains(&w(a, Some(1))) && both_weeks_1.0.contains(&w(b, Some(1))));
    assert!(!both_weeks_1.0.contains(&w(a, Some(2))));
}

async fn bad_list_parameters_are_named(app: TestApp) {
    let staff = app.staff_token("viewer").await;

    let mut answers = Vec::new();
    for query in [
        "status=pendings",
        "due_from=2026-13-01",
        "due_to=03/12/2026",
        "due_from=2026-05-02&due_to=2026-05-01",
        "contract_id=abc",
        "client_id=1.5",
        "per_page=0",
        "page=0",
        "type=repair&type=penalty",
    ] {
        answers.push(read(&app, &staff, &format!("/invoices/?{query}")).await);
    }

    let error = |text: &str| (400, json!({ "error": text }));
    let day = "debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100";
    assert_eq!(
        answers,
        [
            error("El parámetro 'status' debe ser pending, fraction, freezed, paid o cancelled"),
            error(&format!("El parámetro 'due_from' {day}")),
            error(&format!("El parámetro 'due_to' {day}")),
            error("El parámetro 'due_from' no puede ser posterior a 'due_to'"),
            error("El parámetro 'contract_id' tiene un valor inválido"),
            error("El parámetro 'client_id' tiene un valor inválido"),
            error("El parámetro 'per_page' debe estar entre 1 y 100"),
            error("El parámetro 'page' debe ser 1 o mayor"),
            error("El parámetro 'type' está repetido"),
        ]
    );
}

crate::db_tests!(lists_filter_and_paginate, bad_list_parameters_are_named);
