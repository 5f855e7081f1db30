//! The client's invoices and contract car: the schedule activation creates, the lists by
//! status and their exact shapes, the Uber plan discount, what a cancelled contract still
//! owes, and another client's contract answering like a missing one.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use leasy::{
    demo::{REFERENCE_CONTRACT, SECOND_CONTRACT},
    domain::time::lima_today,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{DEMO_DOCUMENT, TestApp, status_json};

const NOT_FOUND: &str = "Contracto no encontrado";
const LISTS: [&str; 4] = ["pendings", "fractions", "freezed", "paid"];

/// A driver of the back office's making, with a pending contract for a car of their own.
pub struct Driver {
    pub client_id: i64,
    pub contract_id: i64,
    pub hash: String,
    pub token: String,
}

/// Creates a client (with the demo password), a car and a contract of `weeks` weeks at
/// S/ 525.00 through the back office, and logs the client in.
pub async fn new_driver(app: &TestApp, staff: &str, document: &str, weeks: i64) -> Driver {
    let (status, client) = status_json(
        app.backoffice(
            Method::POST,
            "/clients/",
            staff,
            Some(json!({
                "document": document, "first_name": "Rosa", "last_name": "Huamán",
                "email": format!("{document}@example.pe"), "phone_number": "987111222",
                "address": "Jr. Junín 12, Lima", "password": crate::helpers::DEMO_PASSWORD
            })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{client}");
    let plate = format!("T{}-{}", &document[..2], &document[document.len() - 3..]);
    let (status, car) = status_json(
        app.backoffice(
            Method::POST,
            "/cars/",
            staff,
            Some(json!({ "brand": "Toyota", "model": "Yaris", "year": "2022", "license_plate": plate })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{car}");
    let (status, contract) = status_json(
        app.backoffice(
            Method::POST,
            "/contracts/",
            staff,
            Some(json!({
                "client_id": client["id"], "car_id": car["id"],
                "weekly_amount": 525, "weeks": weeks
            })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{contract}");
    Driver {
        client_id: client["id"].as_i64().unwrap(),
        contract_id: contract["id"].as_i64().unwrap(),
        hash: contract["hash"].as_str().unwrap().to_owned(),
        token: app.token(document).await,
    }
}

pub async fn activate(app: &TestApp, staff: &str, driver: &Driver, start: NaiveDate) {
    let (status, body) = status_json(
        app.backoffice(
            Method::POST,
            &format!("/contracts/{}/activate/", driver.contract_id),
            staff,
            Some(json!({ "start_date": start.to_string() })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// The client's list of one status, as `(status, body)`.
pub async fn list(app: &TestApp, token: &str, hash: &str, which: &str) -> (u16, Value) {
    status_json(
        app.get(
            &format!("/api/v1/contracts/{hash}/invoices/{which}/"),
            Some(token),
        )
        .await,
    )
    .await
}

/// The results of a list that must answer 200.
pub async fn results(app: &TestApp, token: &str, hash: &str, which: &str) -> Vec<Value> {
    let (status, body) = list(app, token, hash, which).await;
    assert_eq!(status, 200, "{which}: {body}");
    body["results"].as_array().unwrap().clone()
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

fn day(value: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(value.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

async fn activation_creates_the_whole_weekly_schedule(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let driver = new_driver(&app, &staff, "40111222", 130).await;
    let start = lima_today() - Days::new(10 * 7);
    assert!(
        results(&app, &driver.token, &driver.hash, "pendings")
            .await
            .is_empty(),
        "a pending contract has no invoices"
    );

    activate(&app, &staff, &driver, start).await;

    let pending = results(&app, &driver.token, &driver.hash, "pendings").await;
    assert_eq!(pending.len(), 130);
    for (i, invoice) in pending.iter().enumerate() {
        let week = i as u64 + 1;
        assert_eq!(invoice["priority"], week);
        assert_eq!(day(&invoice["due_date"]), start + Days::new(7 * week));
        assert_eq!(invoice["status"], "pending");
        assert_eq!(invoice["total"], json!(525));
        assert_eq!(invoice["total_with_discount"], json!(525));
        assert_eq!(
            invoice["type"],
            json!({ "name": "Cuota semanal", "code_name": "weekly_fee" })
        );
        assert_eq!(invoice["contract"], driver.hash.as_str());
        assert_eq!(invoice["paid_date"], Value::Null);
        assert_eq!(invoice["discounts"], json!([]));
    }
    let hashes: BTreeSet<&str> = pending
        .iter()
        .map(|i| i["hash"].as_str().unwrap())
        .collect();
    assert_eq!(hashes.len(), 130, "every invoice has its own hash");
    for which in ["fractions", "freezed", "paid"] {
        assert!(
            results(&app, &driver.token, &driver.hash, which)
                .await
                .is_empty()
        );
    }
    // The v2 path answers the same list.
    let (status, v2) = status_json(
        app.get(
            &format!("/api/v2/contracts/{}/invoices/pendings", driver.hash),
            Some(&driver.token),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v2["results"].as_array().unwrap().len(), 130);
}

async fn shapes_match_the_contract_key_for_key(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let (status, body) = list(&app, &token, REFERENCE_CONTRACT, "pendings").await;
    assert_eq!(status, 200);
    assert_eq!(keys(&body), set(&["results"]));
    let discounted = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !i["discounts"].as_array().unwrap().is_empty())
        .expect("the demo has a discounted invoice")
        .clone();
    assert_eq!(
        keys(&discounted),
        set(&[
            "priority",
            "id",
            "hash",
            "status",
            "due_date",
            "paid_date",
            "total",
            "created_at",
            "observations",
            "type",
            "contract",
            "total_with_discount",
            "discounts"
        ])
    );
    assert_eq!(keys(&discounted["type"]), set(&["name", "code_name"]));
    assert_eq!(
        keys(&discounted["discounts"][0]),
        set(&["amount", "observations", "type"])
    );
    assert_eq!(discounted["total"], json!(525));
    assert_eq!(discounted["total_with_discount"], json!(475));
    assert_eq!(discounted["discounts"][0]["amount"], json!(50));
    assert_eq!(discounted["discounts"][0]["type"], "manual");

    let (status, car) = status_json(
        app.get(
            &format!("/api/v1/contracts/{REFERENCE_CONTRACT}/car/"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        keys(&car),
        set(&[
            "license_plate",
            "model",
            "brand",
            "year",
            "soat_file",
            "secure_file",
            "photos"
        ])
    );
    assert_eq!(car["license_plate"], "ABC-123");
    assert_eq!(car["year"], "2018");
    assert_eq!(car["soat_file"], "/static/files/soat/demo-soat-abc123.pdf");
    assert_eq!(
        car["secure_file"],
        "/static/files/secure/demo-secure-abc123.pdf"
    );
    assert_eq!(car["photos"].as_array().unwrap().len(), 2);

    let (status, car) = status_json(
        app.get(
            &format!("/api/v2/contracts/{REFERENCE_CONTRACT}/car/"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        keys(&car),
        set(&[
            "license_plate",
            "model",
            "brand",
            "year",
            "photos",
            "ownership_card",
            "soat",
            "insurance",
            "driver_license",
            "technical_inspection"
        ])
    );
    assert_eq!(
        keys(&car["ownership_card"]),
        set(&["owner", "due_date", "license_plate"])
    );
    assert_eq!(car["ownership_card"]["license_plate"], "ABC-123");
    for document in [
        "soat",
        "insurance",
        "driver_license",
        "technical_inspection",
    ] {
        assert_eq!(
            keys(&car[document]),
            set(&["file_url", "label", "number", "owner", "due_date"]),
            "{document}"
        );
    }
    let soat_url = car["soat"]["file_url"].as_str().unwrap();
    assert!(
        soat_url.starts_with("http://")
            && soat_url.ends_with("/static/files/soat/demo-soat-abc123.pdf"),
        "{soat_url}"
    );
    assert_eq!(car["driver_license"]["number"], "Q12345678");
    // The absolute URL really serves the file.
    let photo = car["photos"][0].as_str().unwrap();
    assert_eq!(app.http.get(photo).send().await.unwrap().status(), 200);

    let (status, profile) = status_json(app.profile(2, &token).await).await;
    assert_eq!(status, 200);
    let contract = &profile["contracts"][0];
    assert_eq!(
        keys(contract),
        set(&[
            "id",
            "car",
            "status",
            "created_at",
            "hash",
            "weekly_amount",
            "auto_charge",
            "summary",
            "kushki_keys"
        ])
    );
    assert_eq!(
        contract["summary"],
        json!({
            "total_invoices": 132,
            "total_invoices_paid": 16,
            "total_invoices_pending": 116,
            "pending_penalties": 2
        })
    );
    // v1 stays as the reference has it.
    let (_, v1) = status_json(app.profile(1, &token).await).await;
    assert!(v1["contracts"][0].get("summary").is_none());
}

async fn the_demo_shows_every_list(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let today = lima_today();

    let paid = results(&app, &token, REFERENCE_CONTRACT, "paid").await;
    assert_eq!(paid.len(), 16);
    assert!(paid.iter().all(|i| i["paid_date"].is_string()));

    let frozen = results(&app, &token, REFERENCE_CONTRACT, "freezed").await;
    assert_eq!(frozen.len(), 1);
    assert_eq!(frozen[0]["priority"], 17);

    let split = results(&app, &token, REFERENCE_CONTRACT, "fractions").await;
    assert_eq!(split.len(), 1);
    assert_eq!(split[0]["status"], "fraction");
    assert_eq!(split[0]["priority"], 18);

    let pending = results(&app, &token, REFERENCE_CONTRACT, "pendings").await;
    let penalties: Vec<&Value> = pending
        .iter()
        .filter(|i| i["type"]["code_name"] == "penalty")
        .collect();
    assert_eq!(penalties.len(), 2);
    assert!(penalties.iter().all(|p| p["total"] == json!(20)));
    // Each penalty was created on the day it fell due, the day it was added.
    assert!(penalties.iter().all(|p| p["created_at"] == p["due_date"]));
    // Ordered by due date, then priority; the week due today is there and not late.
    let dues: Vec<NaiveDate> = pending.iter().map(|i| day(&i["due_date"])).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]));
    assert!(pending.iter().any(|i| day(&i["due_date"]) == today));

    // The second client is on the Oro tier: 5 % of S/ 480.50 is 24.025, 24.03 half-up,
    // on every unpaid weekly fee; her paid weeks kept what they were paid with.
    let second = app.token(crate::helpers::SECOND_DOCUMENT).await;
    let owed = results(&app, &second, SECOND_CONTRACT, "pendings").await;
    assert_eq!(owed.len(), 128);
    for invoice in &owed {
        assert_eq!(invoice["total"], json!(480.5));
        assert_eq!(invoice["total_with_discount"], json!(456.47));
        assert_eq!(
            invoice["discounts"],
            json!([{ "amount": 24.03, "observations": "Descuento Uber Pro (5%)", "type": "uber_plan" }])
        );
    }
    let paid = results(&app, &second, SECOND_CONTRACT, "paid").await;
    assert_eq!(paid.len(), 2);
    assert!(
        paid.iter()
            .all(|i| i["discounts"] == json!([]) && i["total_with_discount"] == json!(480.5))
    );
}

async fn another_clients_contract_answers_like_a_missing_one(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let not_found = json!({ "error": [NOT_FOUND] });
    let long = "9".repeat(5000);
    for hash in [
        SECOND_CONTRACT,
        "00000000-0000-4000-8000-000000000000",
        "not-a-uuid",
        "1",
        long.as_str(),
    ] {
        for version in [1, 2] {
            for which in LISTS {
                let (status, body) = status_json(
                    app.get(
                        &format!("/api/v{version}/contracts/{hash}/invoices/{which}/"),
                        Some(&token),
                    )
                    .await,
                )
                .await;
                assert_eq!((status, &body), (400, &not_found), "{hash} {which}");
            }
            let (status, body) = status_json(
                app.get(
                    &format!("/api/v{version}/contracts/{hash}/car/"),
                    Some(&token),
                )
                .await,
            )
            .await;
            assert_eq!((status, &body), (400, &not_found), "{hash} car v{version}");
        }
    }
    // The owner sees it.
    let second = app.token(crate::helpers::SECOND_DOCUMENT).await;
    assert_eq!(
        results(&app, &second, SECOND_CONTRACT, "paid").await.len(),
        2
    );

    // A UUID reads the same in upper case.
    let shouting = REFERENCE_CONTRACT.to_uppercase();
    let (status, _) = list(&app, &token, &shouting, "paid").await;
    assert_eq!(status, 200);

    for which in [
        "pending",
        "Pendings",
        "PAID",
        "cancelled",
        "fraction",
        "x",
        "",
        "/",
    ] {
        let (status, body) = list(&app, &token, REFERENCE_CONTRACT, which).await;
        assert_eq!(status, 400, "{which}");
        assert_eq!(
            body,
            json!({ "error": ["El estado de facturas debe ser pendings, fractions, freezed o paid"] })
        );
    }
    for bad_token in ["", "00000000-0000-4000-8000-000000000000"] {
        let (status, body) = list(&app, bad_token, REFERENCE_CONTRACT, "paid").await;
        assert_eq!(
            (status, body),
            (400, json!({ "error": "Perfil de cliente no encontrado" }))
        );
    }
}

async fn set_tier(app: &TestApp, staff: &str, client_id: i64, tier: Value) {
    let (status, body) = status_json(
        app.backoffice(
            Method::PUT,
            &format!("/clients/{client_id}/uber-plan/"),
            staff,
            Some(json!({ "code_name": tier })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// The invoice id of the driver's first weekly fee.
async fn week_one(app: &TestApp, driver: &Driver) -> i64 {
    sqlx::query_scalar("select invoice_id from invoices where contract_id = $1 and week = 1")
        .bind(driver.contract_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Sets an Uber plan tier's percent through the back office.
async fn set_plan_percent(app: &TestApp, staff: &str, code_name: &str, percent: i64) {
    let (_, plans) = status_json(
        app.backoffice(Method::GET, "/uber-plans/", staff, None)
            .await,
    )
    .await;
    let id = plans["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code_name"] == code_name)
        .unwrap()["id"]
        .clone();
    let (status, body) = status_json(
        app.backoffice(
            Method::PATCH,
            &format!("/uber-plans/{id}/"),
            staff,
            Some(json!({ "discount_percent": percent })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// `(total_with_discount, discounts)` of every pending weekly fee, which must all agree.
async fn pending_weekly(app: &TestApp, driver: &Driver) -> (Value, Value) {
    let pending = results(app, &driver.token, &driver.hash, "pendings").await;
    let first = (
        pending[0]["total_with_discount"].clone(),
        pending[0]["discounts"].clone(),
    );
    for invoice in &pending {
        assert_eq!(invoice["total_with_discount"], first.0);
        assert_eq!(invoice["discounts"], first.1);
    }
    first
}

async fn the_uber_plan_discount_follows_the_tier(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let driver = new_driver(&app, &staff, "40222333", 10).await;
    // A tier set before activation is on the schedule from the start.
    set_tier(&app, &staff, driver.client_id, json!("oro")).await;
    activate(&app, &staff, &driver, lima_today()).await;
    let oro = json!([{ "amount": 26.25, "observations": "Descuento Uber Pro (5%)", "type": "uber_plan" }]);
    assert_eq!(pending_weekly(&app, &driver).await, (json!(498.75), oro));

    // Week 1 is paid: it keeps what it was paid with.
    let week_one = week_one(&app, &driver).await;
    sqlx::query("update invoices set status = 'paid', paid_date = due_date where invoice_id = $1")
        .bind(week_one)
        .execute(app.store.pool())
        .await
        .unwrap();

    set_tier(&app, &staff, driver.client_id, json!("platino")).await;
    let (left, discounts) = pending_weekly(&app, &driver).await;
    assert_eq!(left, json!(488.25));
    assert_eq!(discounts[0]["amount"], json!(36.75));
    assert_eq!(
        discounts.as_array().unwrap().len(),
        1,
        "replaced, not added"
    );
    let paid = results(&app, &driver.token, &driver.hash, "paid").await;
    assert_eq!(paid[0]["total_with_discount"], json!(498.75));
    assert_eq!(paid[0]["discounts"][0]["amount"], json!(26.25));

    set_tier(&app, &staff, driver.client_id, Value::Null).await;
    assert_eq!(pending_weekly(&app, &driver).await, (json!(525), json!([])));

    // A tier's new percent reaches the weekly fees its clients still owe.
    set_tier(&app, &staff, driver.client_id, json!("oro")).await;
    set_plan_percent(&app, &staff, "oro", 6).await;
    let (left, discounts) = pending_weekly(&app, &driver).await;
    assert_eq!(left, json!(493.5));
    assert_eq!(discounts[0]["observations"], "Descuento Uber Pro (6%)");
}

/// A plan discount never settles an invoice: where it would take all that other
/// discounts leave owed, it gives nothing, so a tier set by mistake (even at 100 %) marks
/// nothing paid, and taking it back restores every week.
async fn a_plan_discount_never_settles_an_invoice(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let driver = new_driver(&app, &staff, "40222334", 3).await;
    activate(&app, &staff, &driver, lima_today()).await;
    let week_one = week_one(&app, &driver).await;
    let (status, body) = status_json(
        app.backoffice(
            Method::POST,
            &format!("/invoices/{week_one}/discounts/"),
            &staff,
            Some(json!({ "amount": 510, "observations": "Auto en el taller" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Oro's 26.25 would take all the S/ 15.00 left on week 1: not there, only elsewhere.
    set_tier(&app, &staff, driver.client_id, json!("oro")).await;
    let pending = results(&app, &driver.token, &driver.hash, "pendings").await;
    let shown: Vec<(Value, Value)> = pending
        .iter()
        .map(|i| {
            (
                i["total_with_discount"].clone(),
                json!(i["discounts"].as_array().unwrap().len()),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (json!(15), json!(1)),
            (json!(498.75), json!(1)),
            (json!(498.75), json!(1))
        ]
    );

    // A tier's percent typed as 100 settles nothing, and the fix restores every week.
    for percent in [100, 5] {
        set_plan_percent(&app, &staff, "oro", percent).await;
        let paid = results(&app, &driver.token, &driver.hash, "paid").await;
        assert_eq!(paid, Vec::<Value>::new(), "at {percent} %");
    }
    let pending = results(&app, &driver.token, &driver.hash, "pendings").await;
    let owed: Vec<Value> = pending
        .iter()
        .map(|i| i["total_with_discount"].clone())
        .collect();
    assert_eq!(owed, [json!(15), json!(498.75), json!(498.75)]);
}

async fn a_cancelled_contract_keeps_only_what_fell_due(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let driver = new_driver(&app, &staff, "40333444", 52).await;
    // Weeks 1 to 3 are due by today (week 3 today); the other 49 are not.
    activate(&app, &staff, &driver, lima_today() - Days::new(21)).await;

    let (status, body) = status_json(
        app.backoffice(
            Method::POST,
            &format!("/contracts/{}/cancel/", driver.contract_id),
            &staff,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let pending = results(&app, &driver.token, &driver.hash, "pendings").await;
    assert_eq!(pending.len(), 3);
    assert_eq!(day(&pending[2]["due_date"]), lima_today());
    let cancelled: i64 = sqlx::query_scalar(
        "select count(*) from invoices where contract_id = $1 and status = 'cancelled'",
    )
    .bind(driver.contract_id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(cancelled, 49);
}

crate::db_tests!(
    activation_creates_the_whole_weekly_schedule,
    shapes_match_the_contract_key_for_key,
    the_demo_shows_every_list,
    another_clients_contract_answers_like_a_missing_one,
    the_uber_plan_discount_follows_the_tier,
    a_plan_discount_never_settles_an_invoice,
    a_cancelled_contract_keeps_only_what_fell_due,
);
