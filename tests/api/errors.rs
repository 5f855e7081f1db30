//! Every error is JSON in the contract's shape, and nothing a client sends makes a 5xx.

use reqwest::{Method, Response, header::CONTENT_TYPE};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{DEMO_DOCUMENT, DEMO_PASSWORD, TestApp, status_json};

const AUTH: &str = "/api/v1/clients/auth/";

/// Posts raw bytes, declared as `content_type` when one is given.
async fn post_bytes(
    app: &TestApp,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Response {
    let mut request = app.http.post(app.url(path)).body(body);
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    request.send().await.expect("request reaches the server")
}

fn credentials() -> String {
    json!({ "document": DEMO_DOCUMENT, "password": DEMO_PASSWORD }).to_string()
}

async fn unknown_paths_are_a_json_404(app: TestApp) {
    let paths = [
        "/",
        "/nope",
        "/api/v1/clients/nope/",
        "/api/v3/clients/profile/",
    ];

    for path in paths {
        let answer = status_json(app.get(path, None).await).await;

        assert_eq!(
            answer,
            (404, json!({ "error": "Recurso no encontrado" })),
            "{path}"
        );
    }
}

async fn wrong_methods_are_a_json_405(app: TestApp) {
    let cases = [
        (Method::DELETE, "/api/v1/clients/profile/"),
        (Method::GET, AUTH),
        (Method::PUT, "/api/v2/clients/cards"),
        (Method::POST, "/healthz"),
    ];

    for (method, path) in cases {
        let response = app.request(method.clone(), path, None, None).await;

        assert!(response.headers().contains_key("allow"), "{method} {path}");
        assert_eq!(
            status_json(response).await,
            (
                405,
                json!({ "error": "Método no permitido para este recurso" })
            ),
            "{method} {path}"
        );
    }
}

/// Over 64 KiB is refused before parsing; just under it is read and judged.
async fn a_body_over_64_kib_is_a_json_413(app: TestApp) {
    let over = json!({ "document": "1".repeat(64 * 1024), "password": "x" }).to_string();
    let under = json!({ "document": "1".repeat(60 * 1024), "password": "x" }).to_string();

    let over = status_json(post_bytes(&app, AUTH, Some("application/json"), over).await).await;
    let under = status_json(post_bytes(&app, AUTH, Some("application/json"), under).await).await;

    assert_eq!(
        over,
        (
            413,
            json!({ "error": "El cuerpo de la solicitud es demasiado grande" })
        )
    );
    assert_eq!(
        under,
        (
            400,
            json!({ "error": "Las credenciales ingresadas son incorrectas" })
        )
    );
}

async fn a_body_not_declared_as_json_is_a_json_415(app: TestApp) {
    let expected = (
        415,
        json!({ "error": "El cuerpo de la solicitud debe ser JSON (Content-Type: application/json)" }),
    );

    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let response = post_bytes(&app, AUTH, content_type, credentials()).await;

        assert_eq!(status_json(response).await, expected, "{content_type:?}");
    }
    let with_charset = post_bytes(
        &app,
        AUTH,
        Some("application/json; charset=utf-8"),
        credentials(),
    )
    .await;
    assert_eq!(with_charset.status(), 200);
}

async fn bad_bodies_are_a_400_naming_the_field(app: TestApp) {
    let not_json = "El cuerpo de la solicitud no es un JSON válido";
    let not_object = "El cuerpo de la solicitud debe ser un objeto JSON";
    let cases: [(&[u8], &str); 9] = [
        (br#"{"document": "#, not_json),
        (b"", not_json),
        (
            b"{\"document\": \"\xff\xfe\", \"password\": \"x\"}",
            not_json,
        ),
        (br#"["12345678", "demo123"]"#, not_object),
        (b"null", not_object),
        (
            br#"{"document": "12345678"}"#,
            "El campo 'password' es obligatorio",
        ),
        (
            br#"{"password": "demo123"}"#,
            "El campo 'document' es obligatorio",
        ),
        (
            br#"{"document": 12345678, "password": "demo123"}"#,
            "El campo 'document' tiene un tipo inválido: se esperaba un texto",
        ),
        (
            br#"{"document": "12345678", "password": ["demo123"]}"#,
            "El campo 'password' tiene un tipo inválido: se esperaba un texto",
        ),
    ];

    for (body, message) in cases {
        let response = post_bytes(&app, AUTH, Some("application/json"), body.to_vec()).await;

        assert_eq!(
            status_json(response).await,
            (400, json!({ "error": message })),
            "body {:?}",
            String::from_utf8_lossy(body)
        );
    }
}

async fn a_request_id_is_made_when_missing_and_echoed_when_given(app: TestApp) {
    let first = app.get("/healthz", None).await;
    let second = app.get("/nope", None).await;
    let given = "req-7f3a-e2e";

    let made: Vec<String> = [first, second]
        .iter()
        .map(|r| r.headers()["x-request-id"].to_str().unwrap().to_owned())
        .collect();

    assert!(
        made.iter().all(|id| uuid::Uuid::parse_str(id).is_ok()),
        "{made:?}"
    );
    assert_ne!(made[0], made[1]);
    for (method, path) in [
        (Method::GET, "/healthz"),
        (Method::GET, "/nope"),
        (Method::GET, AUTH),
        (Method::GET, "/api/v1/clients/profile/"),
    ] {
        let response = app
            .http
            .request(method, app.url(path))
            .header("x-request-id", given)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["x-request-id"], given, "{path}");
    }
}

/// Sends `GET <target>` byte for byte (an HTTP client would normalize `..` away) and
/// returns the status, the content type and the body.
async fn raw_get(app: &TestApp, target: &str) -> (u16, String, Vec<u8>) {
    let host = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&answer[..end]).to_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|line| line.strip_prefix("content-type:"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    (status, content_type, answer[end + 4..].to_vec())
}

/// The SQLite file sits next to the files folder: `..` must not reach it, however spelled.
async fn dot_dot_paths_reach_nothing_outside_the_files(app: TestApp) {
    let targets = [
        "/static/files/../leasy.db",
        "/static/files/soat/../../leasy.db",
        "/static/files/%2e%2e/leasy.db",
        "/static/files/..%2fleasy.db",
        "/static/files/%2e%2e%2fleasy.db",
        "/static/files/..%5cleasy.db",
        "/api/v1/clients/../../../leasy.db",
        "/api/v1/../v1/clients/profile/",
    ];
    let (status, _, body) = raw_get(&app, "/static/files/soat/demo-soat-abc123.pdf").await;
    assert_eq!(status, 200);
    assert!(body.starts_with(b"%PDF-"));

    for target in targets {
        let (status, content_type, body) = raw_get(&app, target).await;

        let body: Value = serde_json::from_slice(&body).expect("a JSON body");
        assert_eq!(
            (status, content_type.as_str(), body),
            (
                404,
                "application/json",
                json!({ "error": "Recurso no encontrado" })
            ),
            "{target}"
        );
    }
}

/// Past 64 KiB of path the HTTP layer itself refuses the request, before the application
/// sees it: a client error, not a fault.
async fn a_path_over_64_kib_is_refused_as_too_long(app: TestApp) {
    let target = format!("/{}", "x".repeat(66 * 1024));

    let (status, _, _) = raw_get(&app, &target).await;

    assert_eq!(status, 414);
}

/// A query parameter given twice is named in the answer.
async fn a_repeated_query_parameter_is_named(app: TestApp) {
    let token = app.token(crate::helpers::DEMO_DOCUMENT).await;

    let response = app
        .get(
            "/api/v2/finances/summary/balance/?month=March&month=April",
            Some(&token),
        )
        .await;

    assert_eq!(
        status_json(response).await,
        (
            400,
            serde_json::json!({ "error": "El parámetro 'month' está repetido" })
        )
    );
}

crate::db_tests!(
    a_repeated_query_parameter_is_named,
    unknown_paths_are_a_json_404,
    wrong_methods_are_a_json_405,
    a_body_over_64_kib_is_a_json_413,
    a_body_not_declared_as_json_is_a_json_415,
    bad_bodies_are_a_400_naming_the_field,
    a_request_id_is_made_when_missing_and_echoed_when_given,
    dot_dot_paths_reach_nothing_outside_the_files,
    a_path_over_64_kib_is_refused_as_too_long,
);
