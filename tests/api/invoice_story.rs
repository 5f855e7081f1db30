//! The invoice engine end to end, through HTTP and the command line alone: staff put a
//! driver on a 130-week contract, grant a discount, freeze a week and split another, the
//! driver's app shows all of it, and `leasy billing run --date` adds one penalty per late
//! weekly fee, then none the second time.

use chrono::{Days, NaiveDate};
use leasy::domain::time::{day_text, lima_today};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    billing::billing_command,
    helpers::{TestApp, status_json},
};

async fn staff_call(
    app: &TestApp,
    staff: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let (status, answer) = status_json(app.backoffice(method, path, staff, body).await).await;
    assert!(status == 200 || status == 201, "{path}: {status} {answer}");
    answer
}

async fn client_list(app: &TestApp, token: &str, hash: &str, status: &str) -> Vec<Value> {
    let path = format!("/api/v1/contracts/{hash}/invoices/{status}/");
    let (code, body) = status_json(app.get(&path, Some(token)).await).await;
    assert_eq!(code, 200, "{path}: {body}");
    body["results"].as_array().unwrap().clone()
}

/// `(due_date, type code, total, total_with_discount)` of each invoice, in list order.
fn rows(invoices: &[Value]) -> Vec<(String, String, Value, Value)> {
    invoices
        .iter()
        .map(|i| {
            (
                i["due_date"].as_str().unwrap().to_owned(),
                i["type"]["code_name"].as_str().unwrap().to_owned(),
                i["total"].clone(),
                i["total_with_discount"].clone(),
            )
        })
        .collect()
}

async fn summary(app: &TestApp, token: &str, hash: &str) -> Value {
    let (status, profile) = status_json(app.profile(2, token).await).await;
    assert_eq!(status, 200, "{profile}");
    let contract = profile["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["hash"] == hash)
        .expect("the contract is in the profile")
        .clone();
    contract["summary"].clone()
}

fn days_from(day: NaiveDate, n: i64) -> String {
    let moved = if n >= 0 {
        day + Days::new(n.unsigned_abs())
    } else {
        day - Days::new(n.unsigned_abs())
    };
    day_text(moved)
}

async fn a_contract_through_its_invoices_and_the_billing_run(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let today = lima_today();
    let on = |n: i64| days_from(today, n);
    let client = staff_call(
        &app,
        &ops,
        Method::POST,
        "/clients/",
        Some(json!({
            "document": "45500123", "first_name": "Rosa", "last_name": "Ñique Huamán",
            "email": "rosa.story@example.pe", "phone_number": "987654000",
            "password": "rosa2024"
        })),
    )
    .await;
    let car = staff_call(
        &app,
        &ops,
        Method::POST,
        "/cars/",
        Some(json!({ "brand": "Hyundai", "model": "Accent", "year": "2022", "license_plate": "STY-123" })),
    )
    .await;
    let contract = staff_call(
        &app,
        &ops,
        Method::POST,
        "/contracts/",
        Some(json!({
            "client_id": client["id"], "car_id": car["id"], "weekly_amount": 480.5,
            "weeks": 130
        })),
    )
    .await;
    let (id, hash) = (
        contract["id"].as_i64().unwrap(),
        contract["hash"].as_str().unwrap(),
    );
    // Weeks 1 to 5 fall due 28, 21, 14 and 7 days ago, and today.
    let activation = json!({ "start_date": on(-35) });
    staff_call(
        &app,
        &ops,
        Method::POST,
        &format!("/contracts/{id}/activate/"),
        Some(activation),
    )
    .await;
    let (status, login) = status_json(app.login("45500123", "rosa2024").await).await;
    assert_eq!(status, 200, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();

    // Act: the schedule as activated, then staff's changes, then two billing runs.
    let scheduled = client_list(&app, &token, hash, "pendings").await;
    let listed = staff_call(
        &app,
        &ops,
        Method::GET,
        &format!("/invoices/?contract_id={id}&per_page=5"),
        None,
    )
    .await;
    let week = |n: usize| listed["results"][n - 1]["id"].as_i64().unwrap();
    let (week1, week2, week3) = (week(1), week(2), week(3));
    let discount = json!({ "amount": 30.25, "observations": "Auto en revisión dos días" });
    staff_call(
        &app,
        &ops,
        Method::POST,
        &format!("/invoices/{week1}/discounts/"),
        Some(discount),
    )
    .await;
    staff_call(
        &app,
        &ops,
        Method::POST,
        &format!("/invoices/{week2}/freeze/"),
        None,
    )
    .await;
    let fractions = json!({ "fractions": [
        { "amount": 240.25, "due_date": on(-1) },
        { "amount": 240.25, "due_date": on(10) },
    ] });
    staff_call(
        &app,
        &ops,
        Method::POST,
        &format!("/invoices/{week3}/fractions/"),
        Some(fractions),
    )
    .await;
    let before_run = summary(&app, &token, hash).await;
    let first = billing_command(&app, &["--date", &on(0)]).await;
    let second = billing_command(&app, &["--date", &on(0)]).await;

    // Assert: 130 weekly fees of S/ 480.50, due a week apart.
    assert_eq!(scheduled.len(), 130);
    assert_eq!(
        rows(&scheduled[..2]),
        [
            (on(-28), "weekly_fee".into(), json!(480.5), json!(480.5)),
            (on(-21), "weekly_fee".into(), json!(480.5), json!(480.5)),
        ]
    );
    assert_eq!(listed["total"], json!(130));
    // Each change shows in the driver's lists and the v2 summary.
    let pendings = client_list(&app, &token, hash, "pendings").await;
    let freezed = client_list(&app, &token, hash, "freezed").await;
    let split = client_list(&app, &token, hash, "fractions").await;
    assert_eq!(
        freezed.iter().map(|i| i["id"].clone()).collect::<Vec<_>>(),
        [json!(week2)]
    );
    assert_eq!(split.len(), 1);
    assert_eq!(
        (&split[0]["id"], &split[0]["status"]),
        (&json!(week3), &json!("fraction"))
    );
    assert_eq!(
        pendings[0]["discounts"],
        json!([{ "amount": 30.25, "observations": "Auto en revisión dos días", "type": "manual" }])
    );
    assert_eq!(
        before_run,
        json!({
            "total_invoices": 130, "total_invoices_paid": 0, "total_invoices_pending": 130,
            "pending_penalties": 0
        })
    );
    // The run: weeks 1, 3 (split) and 4 are more than 3 days late; week 2 is frozen and
    // week 5 is due today. One penalty each, dated today, after the schedule.
    assert_eq!(first.code, Some(0), "{first:?}");
    assert_eq!(second.code, Some(0), "{second:?}");
    assert!(second.stdout.contains(" 0 penalties added, "), "{second:?}");
    let penalties: Vec<Value> = pendings
        .iter()
        .filter(|i| i["type"]["code_name"] == "penalty")
        .cloned()
        .collect();
    assert_eq!(
        rows(&penalties),
        vec![(on(0), "penalty".into(), json!(20), json!(20)); 3]
    );
    let notes: Vec<&str> = penalties
        .iter()
        .map(|p| p["observations"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            format!("Penalidad por la cuota semanal 1 vencida el {}", on(-28)),
            format!("Penalidad por la cuota semanal 3 vencida el {}", on(-14)),
            format!("Penalidad por la cuota semanal 4 vencida el {}", on(-7)),
        ]
    );
    let weekly: Vec<_> = pendings
        .iter()
        .filter(|i| i["type"]["code_name"] == "weekly_fee")
        .collect();
    assert_eq!(weekly.len(), 128, "all but the frozen and the split week");
    assert_eq!(
        (&weekly[0]["total"], &weekly[0]["total_with_discount"]),
        (&json!(480.5), &json!(450.25))
    );
    assert_eq!(
        summary(&app, &token, hash).await,
        json!({
            "total_invoices": 133, "total_invoices_paid": 0, "total_invoices_pending": 133,
            "pending_penalties": 3
        })
    );
}

crate::db_tests!(a_contract_through_its_invoices_and_the_billing_run);
