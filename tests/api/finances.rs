//! The finances notebook: entries, lists, summaries over Lima months and ranges, the
//! expense categories (public, for the client, and edited in the back office).

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use leasy::domain::{finances::Period, time::lima_today};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{DEMO_DOCUMENT, SECOND_DOCUMENT, TestApp, status_json};

const NO_CLIENT: &str = "Perfil de cliente no encontrado";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn seeded_categories() -> Value {
    json!([
        {"name": "Combustible", "icon": "fuel", "code_name": "fuel"},
        {"name": "Mantenimiento", "icon": "wrench", "code_name": "maintenance"},
        {"name": "Peajes", "icon": "toll", "code_name": "tolls"},
        {"name": "Alimentación", "icon": "food", "code_name": "food"},
        {"name": "Lavado", "icon": "car_wash", "code_name": "car_wash"},
        {"name": "Estacionamiento", "icon": "parking", "code_name": "parking"},
        {"name": "Celular e internet", "icon": "phone", "code_name": "phone"},
        {"name": "Cuota Leasy", "icon": "leasy", "code_name": "leasy_fee"},
        {"name": "Otros", "icon": "other", "code_name": "other"},
    ])
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    status_json(
        app.get(&format!("/api/v2/finances/{path}"), Some(token))
            .await,
    )
    .await
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    status_json(
        app.post_json(&format!("/api/v2/finances/{path}"), Some(token), body)
            .await,
    )
    .await
}

async fn add_income(app: &TestApp, token: &str, amount: Value) {
    let answer = post(app, "income/", token, json!({ "amount": amount })).await;
    assert_eq!(answer, (200, json!({ "status": true })), "income {amount}");
}

async fn add_expense(app: &TestApp, token: &str, amount: Value, category: &str) {
    let body = json!({ "amount": amount, "category": category });
    let answer = post(app, "expense/", token, body).await;
    assert_eq!(answer, (200, json!({ "status": true })), "expense {amount}");
}

async fn client_id(app: &TestApp, document: &str) -> i64 {
    sqlx::query_scalar("select client_id from clients where document = $1")
        .bind(document)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Unix seconds of a Lima wall-clock time (UTC-5).
fn lima_unix(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .timestamp()
        + 5 * 3600
}

async fn insert_income_at(app: &TestApp, client_id: i64, cents: i64, at: i64) {
    sqlx::query("insert into incomes (client_id, amount_cents, created_at) values ($1, $2, $3)")
        .bind(client_id)
        .bind(cents)
        .bind(at)
        .execute(app.store.pool())
        .await
        .unwrap();
}

async fn insert_expense_at(app: &TestApp, client_id: i64, cents: i64, at: i64) {
    sqlx::query(
        "insert into expenses (client_id, expense_category_id, amount_cents, created_at)
         select $1, expense_category_id, $2, $3 from expense_categories where code_name = 'fuel'",
    )
    .bind(client_id)
    .bind(cents)
    .bind(at)
    .execute(app.store.pool())
    .await
    .unwrap();
}

/// The object's keys, sorted.
fn keys(body: &Value) -> Vec<String> {
    let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

fn totals(body: &Value) -> (&str, &str, &str) {
    (
        body["total_income"].as_str().unwrap(),
        body["total_expense"].as_str().unwrap(),
        body["total_balance"].as_str().unwrap(),
    )
}

async fn expense_categories_are_public_in_v1_and_v2(app: TestApp) {
    let expected: Vec<Value> = seeded_categories()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!({ "name": c["name"], "code_name": c["code_name"] }))
        .collect();

    for version in [1, 2] {
        let path = format!("/api/v{version}/commons/expense_categories/");
        let (status, body) = status_json(app.get(&path, None).await).await;

        assert_eq!(status, 200, "{path}");
        assert_eq!(body, json!({ "categories": expected }), "{path}");
    }
    let (status, _) = status_json(app.get("/api/v2/commons/expense_categories", None).await).await;
    assert_eq!(status, 200);
}

async fn the_client_sees_categories_with_icons(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let (status, body) = get(&app, "expense/categories/", &token).await;

    assert_eq!((status, body), (200, seeded_categories()));
}

async fn every_endpoint_wants_a_live_token(app: TestApp) {
    let bad = "00000000-0000-4000-8000-000000000000";
    let gets = [
        "income/",
        "income/summary/",
        "expense/",
        "expense/categories/",
        "expense/summary/",
        "summary/",
        "summary/balance/",
    ];
    for path in gets {
        let url = format!("/api/v2/finances/{path}");
        for token in [Some(bad), None] {
            let answer = status_json(app.get(&url, token).await).await;
            assert_eq!(answer, (400, json!({ "error": NO_CLIENT })), "{path}");
        }
    }
    let income = post(&app, "income/", bad, json!({ "amount": 10 })).await;
    assert_eq!(income, (400, json!({ "error": NO_CLIENT })));
    let body = json!({ "amount": 10, "category": "fuel" });
    let expense = post(&app, "expense/", bad, body).await;
    assert_eq!(expense, (400, json!({ "error": NO_CLIENT })));
    // Finances live in v2 only.
    let token = app.token(DEMO_DOCUMENT).await;
    let (status, _) = status_json(app.get("/api/v1/finances/income/", Some(&token)).await).await;
    assert_eq!(status, 404);
}

async fn the_demo_notebook_lists_newest_first(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let (status, incomes) = get(&app, "income/", &token).await;
    let (_, expenses) = get(&app, "expense/", &token).await;

    assert_eq!(status, 200);
    let amounts = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| e["amount"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        amounts(&incomes),
        [
            "98.45", "220.00", "165.30", "240.00", "195.75", "210.50", "180.00"
        ]
    );
    assert_eq!(
        amounts(&expenses),
        [
            "7.35", "12.40", "15.00", "55.20", "120.00", "18.90", "5.50", "525.00", "60.00"
        ]
    );
    let created_at = incomes[0]["created_at"].as_str().unwrap();
    assert_eq!(
        incomes[0],
        json!({ "amount": "98.45", "created_at": created_at })
    );
    assert!(NaiveDateTimeText::is(created_at), "{created_at}");
    let created_at = expenses[0]["created_at"].as_str().unwrap();
    assert_eq!(
        expenses[0],
        json!({
            "amount": "7.35",
            "created_at": created_at,
            "category": {"name": "Otros", "icon": "other", "code_name": "other"}
        })
    );
    let times: Vec<&str> = incomes
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["created_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

/// `YYYY-MM-DD HH:MM:SS`.
struct NaiveDateTimeText;

impl NaiveDateTimeText {
    fn is(text: &str) -> bool {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").is_ok() && text.len() == 19
    }
}

async fn entries_are_saved_exactly_and_shown_with_two_decimals(app: TestApp) {
    let token = app.token(SECOND_DOCUMENT).await;

    add_income(&app, &token, json!(10)).await;
    add_income(&app, &token, json!("25.5")).await;
    add_income(&app, &token, json!(0.1)).await;
    add_income(&app, &token, json!(999999.99)).await;
    add_expense(&app, &token, json!("12.34"), "tolls").await;
    add_expense(&app, &token, json!(1000000), " food ").await;

    let (_, incomes) = get(&app, "income/", &token).await;
    let amounts: Vec<&str> = incomes
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["999999.99", "0.10", "25.50", "10.00"]);
    let (_, expenses) = get(&app, "expense/", &token).await;
    assert_eq!(expenses[0]["amount"], "1000000.00");
    assert_eq!(expenses[0]["category"]["code_name"], "food");
    assert_eq!(expenses[1]["amount"], "12.34");
    assert_eq!(expenses[1]["category"]["name"], "Peajes");
    let text = app
        .get("/api/v2/finances/income/", Some(&token))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains(r#""amount":"10.00""#), "{text}");
}

async fn each_client_sees_only_their_own_entries(app: TestApp) {
    let demo = app.token(DEMO_DOCUMENT).await;
    let second = app.token(SECOND_DOCUMENT).await;
    let (_, demo_before) = get(&app, "summary/", &demo).await;

    add_income(&app, &second, json!(50)).await;
    add_expense(&app, &second, json!(20), "fuel").await;

    let (_, incomes) = get(&app, "income/", &second).await;
    let (_, expenses) = get(&app, "expense/", &second).await;
    assert_eq!(incomes.as_array().unwrap().len(), 1);
    assert_eq!(expenses.as_array().unwrap().len(), 1);
    let (_, balance) = get(&app, "summary/balance/", &second).await;
    assert_eq!(
        balance,
        json!({"total_income": "50.00", "total_expense": "20.00", "total_balance": "30.00"})
    );
    let (_, demo_after) = get(&app, "summary/", &demo).await;
    assert_eq!(demo_after, demo_before);
    let (_, demo_incomes) = get(&app, "income/", &demo).await;
    assert_eq!(demo_incomes.as_array().unwrap().len(), 7);
}

async fn summaries_add_up_to_the_cent(app: TestApp) {
    let token = app.token(SECOND_DOCUMENT).await;
    for _ in 0..100 {
        add_income(&app, &token, json!(0.01)).await;
    }
    for _ in 0..3 {
        add_income(&app, &token, json!("33.33")).await;
    }
    for _ in 0..7 {
        add_expense(&app, &token, json!(0.07), "tolls").await;
    }
    add_expense(&app, &token, json!("200"), "maintenance").await;

    let (status, summary) = get(&app, "summary/", &token).await;

    assert_eq!(status, 200);
    // 100 × 0.01 + 3 × 33.33 = 100.99; 7 × 0.07 + 200 = 200.49.
    assert_eq!(totals(&summary), ("100.99", "200.49", "-99.50"));
    let today = lima_today();
    let period = Period::month_of(today.year(), today.month());
    let incomes = summary["details"]["incomes"].as_array().unwrap();
    let expenses = summary["details"]["expenses"].as_array().unwrap();
    assert_eq!(
        (incomes.len(), expenses.len()),
        (100, 8),
        "details are bounded"
    );
    assert_eq!(incomes[0]["amount"], "33.33");
    assert_eq!(expenses[0]["category"]["code_name"], "maintenance");
    assert_eq!(summary["start_date"], period.start.to_string());
    assert_eq!(summary["end_date"], period.end.to_string());
    assert_eq!(summary["month"], MONTHS[today.month0() as usize]);
    assert!(
        summary["message"]
            .as_str()
            .unwrap()
            .starts_with("Resumen de ")
    );

    let (_, income) = get(&app, "income/summary/", &token).await;
    assert_eq!(income["total_income"], "100.99");
    assert_eq!(income["details"]["incomes"].as_array().unwrap().len(), 100);
    assert_eq!(
        keys(&income),
        [
            "details",
            "end_date",
            "message",
            "month",
            "start_date",
            "total_income"
        ]
    );
    assert_eq!(keys(&income["details"]), ["incomes"]);
    let (_, expense) = get(&app, "expense/summary/", &token).await;
    assert_eq!(expense["total_expense"], "200.49");
    assert_eq!(
        keys(&expense),
        [
            "details",
            "end_date",
            "message",
            "month",
            "start_date",
            "total_expense"
        ]
    );
    assert_eq!(keys(&expense["details"]), ["expenses"]);
    assert_eq!(
        keys(&summary),
        [
            "details",
            "end_date",
            "message",
            "month",
            "start_date",
            "total_balance",
            "total_expense",
            "total_income"
        ]
    );
    let (_, balance) = get(&app, "summary/balance/", &token).await;
    assert_eq!(
        balance,
        json!({"total_income": "100.99", "total_expense": "200.49", "total_balance": "-99.50"})
    );
}

async fn demo_months_match_a_hand_calculation(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let today = lima_today();
    let this_month = Period::month_of(today.year(), today.month());
    let previous = this_month.previous_month();
    let previous_name = MONTHS[previous.start.month0() as usize];

    let (_, current) = get(&app, "summary/", &token).await;
    let query = format!(
        "summary/?month={previous_name}&year={}",
        previous.start.year()
    );
    let (status, before) = get(&app, &query, &token).await;
    let range = format!(
        "summary/?start_date={}&end_date={}",
        previous.start, this_month.end
    );
    let (_, both) = get(&app, &range, &token).await;

    // This month: 165.30 + 220.00 + 98.45; 55.20 + 15.00 + 12.40 + 7.35.
    assert_eq!(totals(&current), ("483.75", "89.95", "393.80"));
    assert_eq!(current["details"]["incomes"].as_array().unwrap().len(), 3);
    assert_eq!(current["details"]["expenses"].as_array().unwrap().len(), 4);
    // Last month: 180.00 + 210.50 + 195.75 + 240.00; 60.00 + 525.00 + 5.50 + 18.90 + 120.00.
    assert_eq!(status, 200);
    assert_eq!(totals(&before), ("826.25", "729.40", "96.85"));
    assert_eq!(before["month"], previous_name);
    assert_eq!(before["start_date"], previous.start.to_string());
    assert_eq!(before["end_date"], previous.end.to_string());
    assert_eq!(totals(&both), ("1310.00", "819.35", "490.65"));
    assert_eq!(both["month"], Value::Null);
    assert_eq!(
        both["message"],
        format!("Resumen del {} al {}", previous.start, this_month.end)
    );
    let (_, income) = get(&app, &query.replace("summary/", "income/summary/"), &token).await;
    assert_eq!(income["total_income"], "826.25");
    let (_, expense) = get(&app, &range.replace("summary/", "expense/summary/"), &token).await;
    assert_eq!(expense["total_expense"], "819.35");
    let (_, balance) = get(&app, &query.replace("summary/", "summary/balance/"), &token).await;
    assert_eq!(totals(&balance), ("826.25", "729.40", "96.85"));
}

async fn months_are_lima_months(app: TestApp) {
    let token = app.token(SECOND_DOCUMENT).await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    // 23:59 Lima on 31 January is 04:59 UTC on 1 February; 00:00 Lima is 05:00 UTC.
    let last_minute = lima_unix(2025, 1, 31, 23, 59);
    let first_minute = lima_unix(2025, 2, 1, 0, 0);
    assert_eq!(first_minute - last_minute, 60);
    insert_income_at(&app, client, 1111, last_minute).await;
    insert_income_at(&app, client, 2222, first_minute).await;
    insert_expense_at(&app, client, 333, last_minute).await;
    insert_expense_at(&app, client, 444, first_minute).await;

    let (_, january) = get(&app, "summary/?month=january&year=2025", &token).await;
    let (_, february) = get(&app, "summary/?month=FEBRUARY&year=2025", &token).await;
    let (_, last_day) = get(
        &app,
        "summary/?start_date=2025-01-31&end_date=2025-01-31",
        &token,
    )
    .await;

    assert_eq!(totals(&january), ("11.11", "3.33", "7.78"));
    assert_eq!(
        january["details"]["incomes"],
        json!([{ "amount": "11.11", "created_at": "2025-01-31 23:59:00" }])
    );
    assert_eq!(january["message"], "Resumen de enero de 2025");
    assert_eq!(
        (&january["start_date"], &january["end_date"]),
        (&json!("2025-01-01"), &json!("2025-01-31"))
    );
    assert_eq!(totals(&february), ("22.22", "4.44", "17.78"));
    assert_eq!(
        february["details"]["expenses"][0]["created_at"],
        "2025-02-01 00:00:00"
    );
    assert_eq!(february["end_date"], "2025-02-28");
    assert_eq!(totals(&last_day), ("11.11", "3.33", "7.78"));
    // A month without a year is in the current Lima year.
    let (_, march) = get(&app, "summary/balance/?month=March", &token).await;
    assert_eq!(totals(&march), ("0.00", "0.00", "0.00"));
    let (_, march) = get(&app, "summary/?month=March", &token).await;
    assert_eq!(
        march["start_date"],
        NaiveDate::from_ymd_opt(lima_today().year(), 3, 1)
            .unwrap()
            .to_string()
    );
}

async fn bad_inputs_are_named(app: TestApp) {
    let token = app.token(SECOND_DOCUMENT).await;
    let amount = |value: Value, message: &str| (json!({ "amount": value }), message.to_owned());
    let cases = [
        amount(json!(0), "El campo 'amount' debe ser mayor que cero"),
        amount(json!("-5"), "El campo 'amount' debe ser mayor que cero"),
        amount(
            json!(1.001),
            "El campo 'amount' admite como máximo dos decimales",
        ),
        amount(
            json!(1000000.01),
            "El campo 'amount' no puede superar 1000000.00",
        ),
        amount(
            json!(1e300),
            "El campo 'amount' no puede superar 1000000.00",
        ),
        amount(json!("diez"), "El campo 'amount' debe ser un número"),
        amount(json!(true), "El campo 'amount' debe ser un número"),
        (json!({}), "El campo 'amount' es obligatorio".to_owned()),
    ];
    for (body, message) in &cases {
        let answer = post(&app, "income/", &token, body.clone()).await;
        assert_eq!(answer, (400, json!({ "error": message })), "{body}");
        let mut expense = body.clone();
        expense["category"] = json!("fuel");
        let answer = post(&app, "expense/", &token, expense).await;
        assert_eq!(answer, (400, json!({ "error": message })), "{body}");
    }
    let unknown = json!({ "amount": 5, "category": "casino" });
    let answer = post(&app, "expense/", &token, unknown).await;
    let error = "El campo 'category' no es una categoría de gasto válida";
    assert_eq!(answer, (400, json!({ "error": error })));
    let missing = post(&app, "expense/", &token, json!({ "amount": 5 })).await;
    let error = "El campo 'category' es obligatorio";
    assert_eq!(missing, (400, json!({ "error": error })));

    let month = "El parámetro 'month' debe ser el nombre de un mes en inglés (por ejemplo, March)";
    let year = "El parámetro 'year' debe ser un año entre 2000 y 2100";
    let start = "El parámetro 'start_date' debe ser una fecha válida YYYY-MM-DD";
    let end = "El parámetro 'end_date' debe ser una fecha válida YYYY-MM-DD";
    let queries = [
        ("month=13&year=2025", month),
        ("month=Marz&year=2025", month),
        ("month=March&year=dos", year),
        ("month=March&year=10000", year),
        (
            "year=2025",
            "El parámetro 'month' es obligatorio con 'year'",
        ),
        ("start_date=2025-02-30&end_date=2025-03-01", start),
        ("start_date=01/02/2025&end_date=2025-03-01", start),
        ("start_date=2025-02-01&end_date=mañana", end),
        (
            "start_date=2025-03-02&end_date=2025-03-01",
            "El parámetro 'start_date' no puede ser posterior a 'end_date'",
        ),
        (
            "start_date=2025-03-01",
            "El parámetro 'end_date' es obligatorio con 'start_date'",
        ),
        (
            "end_date=2025-03-01",
            "El parámetro 'start_date' es obligatorio con 'end_date'",
        ),
    ];
    for path in [
        "summary/",
        "income/summary/",
        "expense/summary/",
        "summary/balance/",
    ] {
        for (query, message) in queries {
            let answer = get(&app, &format!("{path}?{query}"), &token).await;
            assert_eq!(answer, (400, json!({ "error": message })), "{path}?{query}");
        }
    }
    for path in ["income/", "expense/"] {
        let answer = get(&app, &format!("{path}?page=0"), &token).await;
        let error = "El parámetro 'page' debe ser 1 o mayor";
        assert_eq!(answer, (400, json!({ "error": error })), "{path}");
        let answer = get(&app, &format!("{path}?page=uno"), &token).await;
        let error = "El parámetro 'page' tiene un valor inválido";
        assert_eq!(answer, (400, json!({ "error": error })), "{path}");
    }
    let (_, incomes) = get(&app, "income/", &token).await;
    assert_eq!(incomes, json!([]), "nothing refused was saved");
}

async fn lists_are_paged_by_twenty(app: TestApp) {
    let token = app.token(SECOND_DOCUMENT).await;
    for n in 1..=25 {
        add_income(&app, &token, json!(n)).await;
        add_expense(&app, &token, json!(n), "fuel").await;
    }

    for path in ["income/", "expense/"] {
        let (_, first) = get(&app, path, &token).await;
        let (_, again) = get(&app, &format!("{path}?page=1"), &token).await;
        let (_, second) = get(&app, &format!("{path}?page=2"), &token).await;
        let (_, third) = get(&app, &format!("{path}?page=3"), &token).await;

        let amounts = |page: &Value| -> Vec<String> {
            page.as_array()
                .unwrap()
                .iter()
                .map(|e| e["amount"].as_str().unwrap().to_owned())
                .collect()
        };
        let expected: Vec<String> = (6..=25).rev().map(|n| format!("{n}.00")).collect();
        assert_eq!(amounts(&first), expected, "{path}");
        assert_eq!(first, again);
        let expected: Vec<String> = (1..=5).rev().map(|n| format!("{n}.00")).collect();
        assert_eq!(amounts(&second), expected, "{path}");
        assert_eq!(third, json!([]), "{path}");
    }
}

async fn staff_edit_expense_categories_with_an_audit(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let ops = app.staff_token("ops").await;
    let viewer = app.staff_token("viewer").await;
    let fines = json!({ "name": "Multas", "code_name": "fines", "icon": "ticket" });

    let (status, list) = status_json(
        app.backoffice(Method::GET, "/expense-categories/", &viewer, None)
            .await,
    )
    .await;
    assert_eq!(
        (status, &list["total"], &list["page"]),
        (200, &json!(9), &json!(1))
    );
    assert_eq!(
        list["results"][0],
        json!({
            "id": list["results"][0]["id"],
            "name": "Combustible",
            "code_name": "fuel",
            "icon": "fuel",
            "created_at": "2025-12-31 19:00:00"
        })
    );
    let refused = app
        .backoffice(
            Method::POST,
            "/expense-categories/",
            &viewer,
            Some(fines.clone()),
        )
        .await;
    assert_eq!(refused.status(), 403);

    let (status, created) = status_json(
        app.backoffice(
            Method::POST,
            "/expense-categories/",
            &ops,
            Some(fines.clone()),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["code_name"], "fines");
    let again = status_json(
        app.backoffice(Method::POST, "/expense-categories/", &admin, Some(fines))
            .await,
    )
    .await;
    let taken = "El campo 'code_name' ya está registrado para otra categoría";
    assert_eq!(again, (409, json!({ "error": taken })));
    let bad = json!({ "name": " ", "code_name": "Multas!", "icon": "ticket" });
    let (status, body) = status_json(
        app.backoffice(Method::POST, "/expense-categories/", &admin, Some(bad))
            .await,
    )
    .await;
    assert_eq!((status, body["error"].as_array().unwrap().len()), (400, 2));

    let path = format!("/expense-categories/{}/", created["id"]);
    let change = json!({ "name": "Multas y papeletas", "icon": "police" });
    let (status, updated) = status_json(
        app.backoffice(Method::PATCH, &path, &admin, Some(change))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        updated,
        json!({
            "id": created["id"],
            "name": "Multas y papeletas",
            "code_name": "fines",
            "icon": "police",
            "created_at": created["created_at"]
        })
    );
    let refused = app
        .backoffice(Method::PATCH, &path, &viewer, Some(json!({ "name": "X" })))
        .await;
    assert_eq!(refused.status(), 403);
    let missing = app
        .backoffice(
            Method::PATCH,
            "/expense-categories/9999/",
            &admin,
            Some(json!({})),
        )
        .await;
    assert_eq!(missing.status(), 404);

    let token = app.token(DEMO_DOCUMENT).await;
    add_expense(&app, &token, json!("80.00"), "fines").await;
    let (_, expenses) = get(&app, "expense/", &token).await;
    assert_eq!(
        expenses[0]["category"],
        json!({"name": "Multas y papeletas", "icon": "police", "code_name": "fines"})
    );
    let (_, public) = status_json(app.get("/api/v1/commons/expense_categories/", None).await).await;
    assert_eq!(
        public["categories"][9],
        json!({"name": "Multas y papeletas", "code_name": "fines"})
    );
    let audit: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "select action, before_json, after_json from audit_entries
         where target_type = 'expense_category' order by audit_entry_id",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    let parsed: Vec<(String, Value, Value)> = audit
        .into_iter()
        .map(|(action, before, after)| {
            let parse = |v: Option<String>| v.map_or(Value::Null, |t| t.parse().unwrap());
            (action, parse(before), parse(after))
        })
        .collect();
    assert_eq!(
        parsed,
        [
            (
                "expense_category.create".to_owned(),
                Value::Null,
                json!({"name": "Multas", "code_name": "fines", "icon": "ticket"})
            ),
            (
                "expense_category.update".to_owned(),
                json!({"name": "Multas", "code_name": "fines", "icon": "ticket"}),
                json!({"name": "Multas y papeletas", "code_name": "fines", "icon": "police"})
            ),
        ]
    );
}

crate::db_tests!(
    expense_categories_are_public_in_v1_and_v2,
    the_client_sees_categories_with_icons,
    every_endpoint_wants_a_live_token,
    the_demo_notebook_lists_newest_first,
    entries_are_saved_exactly_and_shown_with_two_decimals,
    each_client_sees_only_their_own_entries,
    summaries_add_up_to_the_cent,
    demo_months_match_a_hand_calculation,
    months_are_lima_months,
    bad_inputs_are_named,
    lists_are_paged_by_twenty,
    staff_edit_expense_categories_with_an_audit,
);
