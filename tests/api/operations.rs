//! What operators and integrators use: the health check, the OpenAPI document and the
//! docs page, which works offline.

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{TestApp, status_json};

async fn health_check_answers_ok(app: TestApp) {
    let answer = status_json(app.get("/healthz", None).await).await;

    assert_eq!(answer, (200, json!({ "status": "ok" })));
}

async fn openapi_document_lists_the_routes_and_the_token_header(app: TestApp) {
    let (status, doc) = status_json(app.get("/api/openapi.json", None).await).await;

    assert_eq!(status, 200);
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with('3'), "{version}");
    for path in [
        "/api/v1/clients/auth/",
        "/api/v1/clients/profile/",
        "/api/v2/clients/profile/",
        "/api/v1/clients/cards/",
        "/api/v1/contracts/{contract_hash}/invoices/{status}/",
        "/api/v2/contracts/{contract_hash}/invoices/{status}/",
        "/api/v1/contracts/{contract_hash}/car/",
        "/api/v2/contracts/{contract_hash}/car/",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    // Every v1 path answers under v2 too, and the commons under v1 too; the document
    // lists each under both.
    for path in doc["paths"].as_object().unwrap().keys() {
        if let Some(rest) = path.strip_prefix("/api/v1/") {
            let twin = format!("/api/v2/{rest}");
            assert!(doc["paths"][&twin].is_object(), "{twin} is documented");
        }
        if let Some(rest) = path.strip_prefix("/api/v2/commons/") {
            let twin = format!("/api/v1/commons/{rest}");
            assert!(doc["paths"][&twin].is_object(), "{twin} is documented");
        }
    }
    assert!(doc["paths"]["/api/v1/commons/expense_categories/"].is_object());
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    let header_schemes: Vec<Value> = schemes
        .values()
        .map(|s| json!({ "type": s["type"], "in": s["in"], "name": s["name"] }))
        .collect();
    assert!(
        header_schemes
            .contains(&json!({ "type": "apiKey", "in": "header", "name": "Authentication" })),
        "{header_schemes:?}"
    );
    let profile = &doc["paths"]["/api/v1/clients/profile/"]["get"];
    let scheme_name = profile["security"][0]
        .as_object()
        .and_then(|s| s.keys().next())
        .expect("the profile requires a token");
    assert_eq!(schemes[scheme_name]["name"], "Authentication");
}

/// The values of `attribute="..."` in an HTML page.
fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let marker = format!("{attribute}=\"");
    html.split(&marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

async fn docs_page_and_its_assets_are_served_locally(app: TestApp) {
    let page = app.get("/api/docs/", None).await;

    assert_eq!(page.status(), 200);
    assert!(
        page.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    let mut assets = attribute_values(&html, "href");
    assets.extend(attribute_values(&html, "src"));
    for expected in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        assert!(
            assets.iter().any(|a| a.ends_with(expected)),
            "{expected} in {assets:?}"
        );
    }
    for asset in &assets {
        assert!(
            !asset.contains("//"),
            "{asset} is served by the server itself"
        );
        let path = format!("/api/docs/{}", asset.trim_start_matches("./"));
        let response = app.get(&path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{path}");
    }
    let initializer = app
        .get("/api/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        initializer.contains("\"/api/openapi.json\""),
        "{initializer}"
    );
}

/// Every back-office route is documented, with the staff token scheme, and every answer
/// of every operation has the description OpenAPI requires.
async fn openapi_document_covers_the_back_office_and_is_complete(app: TestApp) {
    let (status, spec) = status_json(app.get("/api/openapi.json", None).await).await;

    assert_eq!(status, 200);
    let paths = spec["paths"].as_object().unwrap();
    for path in [
        "/api/backoffice/auth/",
        "/api/backoffice/staff/{staff_id}/deactivate/",
        "/api/backoffice/audit/",
        "/api/backoffice/clients/{client_id}/reset-password/",
        "/api/backoffice/cars/{car_id}/documents/{kind}/",
        "/api/backoffice/cars/{car_id}/photos/",
        "/api/backoffice/contracts/{contract_id}/activate/",
        "/api/backoffice/leads/{lead_id}/converted/",
        "/api/v1/clients/password/",
        "/api/v1/clients/new/",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    let scheme = &spec["components"]["securitySchemes"]["staff_token"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                operation_ids.insert(id.clone()),
                "operation id {id} is not unique"
            );
            for (code, answer) in operation["responses"].as_object().unwrap() {
                let description = answer["description"].as_str().unwrap_or_default();
                assert!(
                    !description.is_empty(),
                    "{method} {path} {code} has no description"
                );
            }
        }
    }
}

crate::db_tests!(
    openapi_document_covers_the_back_office_and_is_complete,
    health_check_answers_ok,
    openapi_document_lists_the_routes_and_the_token_header,
    docs_page_and_its_assets_are_served_locally,
);
