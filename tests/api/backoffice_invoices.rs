//! Invoices in the back office: reading one and the OpenAPI document here; the filtered
//! list in `lists`, the changes of one invoice in `changes`, invoices added by hand and
//! the invoice types in `additions`.

mod additions;
mod changes;
mod lists;

use chrono::{Days, NaiveDate};
use leasy::domain::time::lima_today;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, status_json};

/// A contract made and activated over HTTP, with its weekly fees.
pub struct Contract {
    pub id: i64,
    pub hash: String,
    pub client: i64,
    pub start: NaiveDate,
}

impl Contract {
    /// The due date of week `week`: `7 × week` days after the start.
    pub fn due(&self, week: u64) -> String {
        day(self.start + Days::new(7 * week))
    }
}

pub fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub async fn created(app: &TestApp, staff: &str, path: &str, body: Value) -> Value {
    let response = app.backoffice(Method::POST, path, staff, Some(body)).await;
    let (status, body) = status_json(response).await;
    assert_eq!(status, 201, "{path}: {body}");
    body
}

/// A new client with a new car and a contract of `weeks` weeks at S/ 525, activated to
/// start a week from today, so that no weekly fee is late (and none earns a penalty).
pub async fn active_contract(app: &TestApp, staff: &str, document: &str, weeks: i64) -> Contract {
    let client = created(
        app,
        staff,
        "/clients/",
        json!({
            "document": document, "first_name": "Rosa", "last_name": "Ñique",
            "email": format!("{document}@example.pe"), "phone_number": "987654000",
            "password": "rosa2024"
        }),
    )
    .await;
    let client = client["id"].as_i64().unwrap();
    let plate = format!("F{}-{}", &document[..2], &document[5..]);
    let car = created(
        app,
        staff,
        "/cars/",
        json!({ "brand": "Kia", "model": "Rio", "year": "2023", "license_plate": plate }),
    )
    .await;
    let terms = json!({
        "client_id": client, "car_id": car["id"], "weekly_amount": 525, "weeks": weeks
    });
    let contract = created(app, staff, "/contracts/", terms).await;
    let id = contract["id"].as_i64().unwrap();
    let start = lima_today() + Days::new(7);
    let path = format!("/contracts/{id}/activate/");
    let activation = json!({ "start_date": day(start) });
    let response = app
        .backoffice(Method::POST, &path, staff, Some(activation))
        .await;
    assert_eq!(response.status(), 200);
    Contract {
        id,
        hash: contract["hash"].as_str().unwrap().to_owned(),
        client,
        start,
    }
}

/// GET of a back-office path.
pub async fn read(app: &TestApp, staff: &str, path: &str) -> (u16, Value) {
    status_json(app.backoffice(Method::GET, path, staff, None).await).await
}

/// The contract's invoices, in list order.
pub async fn invoices_of(app: &TestApp, staff: &str, contract: &Contract) -> Vec<Value> {
    let path = format!("/invoices/?contract_id={}&per_page=100", contract.id);
    let (status, page) = read(app, staff, &path).await;
    assert_eq!(status, 200, "{page}");
    page["results"].as_array().unwrap().clone()
}

/// The id of the contract's weekly fee of week `week`.
pub async fn week_id(app: &TestApp, staff: &str, contract: &Contract, week: i64) -> i64 {
    let invoices = invoices_of(app, staff, contract).await;
    let invoice = invoices.iter().find(|i| i["week"] == json!(week)).unwrap();
    invoice["id"].as_i64().unwrap()
}

async fn an_invoice_reads_in_full(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let viewer = app.staff_token("viewer").await;
    let contract = active_contract(&app, &ops, "41000001", 4).await;
    let id = week_id(&app, &ops, &contract, 1).await;

    let (status, invoice) = read(&app, &viewer, &format!("/invoices/{id}/")).await;
    let mut not_found = Vec::new();
    for id in ["999999", "abc", "0", "-3"] {
        not_found.push(read(&app, &viewer, &format!("/invoices/{id}/")).await);
    }

    assert_eq!(status, 200);
    let hash = invoice["hash"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(hash).unwrap().get_version_num(), 4);
    assert_eq!(invoice["created_at"].as_str().unwrap().len(), 19);
    assert_eq!(
        invoice,
        json!({
            "id": id, "hash": hash, "contract_id": contract.id, "contract": contract.hash,
            "client_id": contract.client,
            "type": { "name": "Cuota semanal", "code_name": "weekly_fee" },
            "week": 1, "priority": 1, "status": "pending", "due_date": contract.due(1),
            "paid_date": null, "total": 525, "total_with_discount": 525, "observations": "",
            "penalized_invoice_id": null, "created_at": invoice["created_at"],
            "discounts": [], "fractions": []
        })
    );
    for answer in not_found {
        assert_eq!(answer, (404, json!({ "error": "Factura no encontrada" })));
    }
}

/// Every invoice route is in the OpenAPI document; the list's type filter is `type`.
async fn invoice_routes_are_documented(app: TestApp) {
    let (_, spec) = status_json(app.get("/api/openapi.json", None).await).await;

    let paths = spec["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/backoffice/invoices/", "get"),
        ("/api/backoffice/invoices/{invoice_id}/", "get"),
        ("/api/backoffice/invoices/{invoice_id}/discounts/", "post"),
        ("/api/backoffice/invoices/{invoice_id}/freeze/", "post"),
        ("/api/backoffice/invoices/{invoice_id}/unfreeze/", "post"),
        ("/api/backoffice/invoices/{invoice_id}/fractions/", "post"),
        ("/api/backoffice/invoices/{invoice_id}/cancel/", "post"),
        ("/api/backoffice/contracts/{contract_id}/invoices/", "post"),
        ("/api/backoffice/invoice-types/", "get"),
        ("/api/backoffice/invoice-types/", "post"),
        ("/api/backoffice/invoice-types/{code_name}/", "patch"),
    ] {
        assert!(paths[path].get(method).is_some(), "{method} {path}");
    }
    let parameters = &paths["/api/backoffice/invoices/"]["get"]["parameters"];
    let names: Vec<&Value> = parameters
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["name"])
        .collect();
    assert_eq!(
        names,
        [
            "contract_id",
            "client_id",
            "status",
            "due_from",
            "due_to",
            "type",
            "page",
            "per_page"
        ]
    );
}

crate::db_tests!(invoice_routes_are_documented, an_invoice_reads_in_full);
