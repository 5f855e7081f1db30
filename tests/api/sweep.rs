//! A sweep of paths, methods and bodies: whatever a client sends, the answer is never a
//! 5xx, and every error is JSON with an `error` key.

use reqwest::{Method, Response, header::CONTENT_TYPE};
use serde_json::Value;

use crate::helpers::{DEMO_DOCUMENT, TestApp};

/// Every route, and paths no route expects. The logout path comes last: a POST there
/// revokes the sweep's token.
fn sweep_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for version in ["v1", "v2"] {
        for route in ["auth", "profile", "cards", "firebase-token"] {
            paths.push(format!("/api/{version}/clients/{route}/"));
            paths.push(format!("/api/{version}/clients/{route}"));
        }
    }
    paths.extend(
        [
            "/healthz",
            "/api/openapi.json",
            "/api/docs/",
            "/api/docs",
            "/api/docs/swagger-ui.css",
            "/static/files/",
            "/static/files/soat/demo-soat-abc123.pdf",
            "/static/files/../leasy.db",
            "/",
            "//",
            "/api/v1/clients/profile//",
            "/api/v1/%ff",
            "/api/v1/clients/profile/?page=%ff&&=",
            "/api/v3/clients/profile/",
            "/api/v1/clients/profile/../cards/",
            "/api/v1/clients/%00/",
        ]
        .map(String::from),
    );
    paths.push(format!("/api/v1/clients/{}/", "a".repeat(8 * 1024)));
    paths.push(format!("/api/{}", "ñ/".repeat(2 * 1024)));
    paths.push(format!("/{}", "x".repeat(60 * 1024)));
    paths.push("/api/v1/clients/logout/".to_owned());
    paths
}

/// A body of the sweep: its name, its bytes, and whether it is declared as JSON.
struct Payload {
    name: &'static str,
    bytes: Option<Vec<u8>>,
    declared_json: bool,
}

fn sweep_bodies() -> [Payload; 5] {
    let garbage = b"\xff\x00{]\"\\\xc3(".to_vec();
    let huge = garbage.iter().copied().cycle().take(100 * 1024).collect();
    let payload = |name, bytes, declared_json| Payload {
        name,
        bytes,
        declared_json,
    };
    [
        payload("no body", None, false),
        payload("{}", Some(b"{}".to_vec()), true),
        payload("garbage as JSON", Some(garbage.clone()), true),
        payload("garbage", Some(garbage), false),
        payload("100 KiB as JSON", Some(huge), true),
    ]
}

/// Whether an answer keeps the rules: never a 5xx, and any error is JSON with an `error`.
async fn check_answer(response: Response) -> Result<(), String> {
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    if status.is_success() {
        return Ok(());
    }
    let text = response.text().await.map_err(|e| format!("body: {e}"))?;
    if status.is_server_error() {
        return Err(format!("{status}: {text}"));
    }
    let body: Value = serde_json::from_str(&text).map_err(|_| format!("{status}: {text:?}"))?;
    let error_ok = body["error"].is_string() || body["error"].is_array();
    if !content_type.starts_with("application/json") || !error_ok {
        return Err(format!("{status} ({content_type}): {body}"));
    }
    Ok(())
}

/// Each request on a new connection: a server that answers without reading a large body
/// closes the connection, and that must not spill onto the next case.
async fn no_request_gets_a_5xx_or_a_non_json_error(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let methods = [
        Method::GET,
        Method::POST,
        Method::PATCH,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
    ];
    let mut failures = Vec::new();
    let mut sent = 0;

    for path in sweep_paths() {
        for method in &methods {
            for body in sweep_bodies() {
                let mut request = http
                    .request(method.clone(), app.url(&path))
                    .header("Authentication", &token);
                if body.declared_json {
                    request = request.header(CONTENT_TYPE, "application/json");
                }
                if let Some(bytes) = body.bytes {
                    request = request.body(bytes);
                }
                let short_path: String = path.chars().take(60).collect();
                let label = format!("{method} {short_path} with {}", body.name);
                match request.send().await {
                    Ok(response) => {
                        if let Err(why) = check_answer(response).await {
                            failures.push(format!("{label}: {why}"));
                        }
                    }
                    Err(err) => failures.push(format!("{label}: {:?}", err.without_url())),
                }
                sent += 1;
            }
        }
    }

    assert_eq!(sent, sweep_paths().len() * methods.len() * 5);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

crate::db_tests!(no_request_gets_a_5xx_or_a_non_json_error);
