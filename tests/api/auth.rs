use serde_json::json;

use crate::helpers::{DEMO_DOCUMENT, DEMO_PASSWORD, Db, SECOND_DOCUMENT, TestApp, status_json};

async fn login_answers_a_uuid_token(app: TestApp) {
    let (status, body) = status_json(app.login(DEMO_DOCUMENT, DEMO_PASSWORD).await).await;

    assert_eq!(status, 200);
    let token = body["token"].as_str().unwrap();
    assert_eq!(body, json!({ "token": token }));
    assert_eq!(uuid::Uuid::parse_str(token).unwrap().get_version_num(), 4);
}

async fn wrong_password_and_unknown_document_get_the_same_answer(app: TestApp) {
    let expected = (
        400,
        json!({ "error": "Las credenciales ingresadas son incorrectas" }),
    );

    assert_eq!(
        status_json(app.login(DEMO_DOCUMENT, "demo124").await).await,
        expected
    );
    assert_eq!(
        status_json(app.login("99999999", DEMO_PASSWORD).await).await,
        expected
    );
    assert_eq!(status_json(app.login("", "").await).await, expected);
}

async fn tokens_are_stored_only_as_hashes(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let stored: Vec<String> = sqlx::query_scalar("select token_hash from client_tokens")
        .fetch_all(app.store.pool())
        .await
        .unwrap();

    assert!(!stored.is_empty());
    assert!(stored.iter().all(|h| h.len() == 64 && h != &token));
    assert!(stored.contains(&leasy::domain::token::sha256_hex(&token)));
}

async fn logout_revokes_only_the_presented_token(app: TestApp) {
    let kept = app.token(DEMO_DOCUMENT).await;
    let revoked = app.token(DEMO_DOCUMENT).await;

    let response = app
        .request(
            reqwest::Method::POST,
            "/api/v1/clients/logout/",
            Some(&revoked),
            None,
        )
        .await;

    assert_eq!(status_json(response).await, (200, json!({ "status": 200 })));
    assert_eq!(app.profile(1, &revoked).await.status(), 400);
    assert_eq!(app.profile(1, &kept).await.status(), 200);
}

async fn expired_tokens_open_nothing(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    assert_eq!(app.profile(1, &token).await.status(), 200);

    sqlx::query("update client_tokens set expires_at = $1 where token_hash = $2")
        .bind(leasy::domain::time::now_unix() - 1)
        .bind(leasy::domain::token::sha256_hex(&token))
        .execute(app.store.pool())
        .await
        .unwrap();

    let (status, body) = status_json(app.profile(1, &token).await).await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "Perfil de cliente no encontrado" }))
    );
}

/// Twelve clients logging in at once, two sessions each (well inside the per-document
/// limit, which also bounds logins in flight for one document).
async fn concurrent_logins_each_get_a_working_token(app: TestApp) {
    leasy::demo::synthetic_clients(&app.store, 4).await.unwrap();
    let mut documents: Vec<String> = (1..=4).map(leasy::demo::synthetic_document).collect();
    documents.extend([DEMO_DOCUMENT.to_owned(), SECOND_DOCUMENT.to_owned()]);
    let logins = documents
        .iter()
        .cycle()
        .take(12)
        .map(|document| app.login(document, DEMO_PASSWORD));

    let responses = futures::future::join_all(logins).await;

    let mut tokens = Vec::new();
    for response in responses {
        let (status, body) = status_json(response).await;
        assert_eq!(status, 200, "{body}");
        tokens.push(body["token"].as_str().unwrap().to_owned());
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 12);
    for token in &tokens {
        assert_eq!(app.profile(1, token).await.status(), 200);
    }
}

/// A burst of parallel guesses for one document: no more are checked than the limit
/// allows, whatever the timing; the rest get 429.
async fn parallel_guesses_cannot_slip_past_the_limit(app: TestApp) {
    let passwords: Vec<String> = (0..20).map(|i| format!("guess{i}")).collect();
    let guesses = passwords.iter().map(|p| app.login(DEMO_DOCUMENT, p));

    let statuses: Vec<u16> = futures::future::join_all(guesses)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();

    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(app.login(DEMO_DOCUMENT, DEMO_PASSWORD).await.status(), 429);
}

crate::db_tests!(
    parallel_guesses_cannot_slip_past_the_limit,
    login_answers_a_uuid_token,
    wrong_password_and_unknown_document_get_the_same_answer,
    tokens_are_stored_only_as_hashes,
    logout_revokes_only_the_presented_token,
    expired_tokens_open_nothing,
    concurrent_logins_each_get_a_working_token,
);

/// After the allowed failures for one document, even the right password gets 429 until
/// the window passes; another document from the same address is unaffected below its own
/// limit.
async fn repeated_failures_for_a_document_are_throttled(db: Db) {
    let Some(app) = TestApp::spawn_with(db, |c| c.login_max_failures_per_document = 3).await else {
        return;
    };
    for _ in 0..3 {
        assert_eq!(app.login(DEMO_DOCUMENT, "wrong1").await.status(), 400);
    }

    let response = app.login(DEMO_DOCUMENT, DEMO_PASSWORD).await;

    assert!(response.headers().contains_key("retry-after"));
    let (status, body) = status_json(response).await;
    assert_eq!(status, 429);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("Demasiados intentos"),
        "{body}"
    );
    assert_eq!(
        app.login(SECOND_DOCUMENT, DEMO_PASSWORD).await.status(),
        200
    );
}

/// The per-address limit counts failures across documents, and a forged X-Forwarded-For
/// does not make a new address.
async fn forged_forwarded_for_does_not_dodge_the_address_limit(db: Db) {
    let Some(app) = TestApp::spawn_with(db, |c| c.login_max_failures_per_address = 4).await else {
        return;
    };
    for i in 0..4 {
        let response = app
            .http
            .post(app.url("/api/v1/clients/auth/"))
            .header("X-Forwarded-For", format!("203.0.113.{i}"))
            .json(&json!({ "document": format!("5000000{i}"), "password": "x" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }

    let response = app
        .http
        .post(app.url("/api/v1/clients/auth/"))
        .header("X-Forwarded-For", "198.51.100.77")
        .json(&json!({ "document": DEMO_DOCUMENT, "password": DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 429);
}

crate::db_cases!(
    repeated_failures_for_a_document_are_throttled,
    forged_forwarded_for_does_not_dodge_the_address_limit,
);
