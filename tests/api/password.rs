//! `PATCH /clients/password/`: every failed rule listed at once, other sessions closed on
//! success, and passwords with `ñ` matching however the keyboard composed them.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{DEMO_DOCUMENT, DEMO_PASSWORD, SECOND_DOCUMENT, TestApp, status_json};

const WRONG_CURRENT: &str = "La contraseña actual es incorrecta";
const MISMATCH: &str = "La confirmación no coincide con la nueva contraseña";
const TOO_SHORT: &str = "La nueva contraseña debe tener al menos 6 caracteres";
const TOO_LONG: &str = "La nueva contraseña debe tener como máximo 256 caracteres";
const NO_LETTER: &str = "La nueva contraseña debe tener al menos una letra";
const NO_DIGIT: &str = "La nueva contraseña debe tener al menos un número";

async fn change_password(app: &TestApp, token: Option<&str>, body: Value) -> Response {
    app.request(
        Method::PATCH,
        "/api/v1/clients/password/",
        token,
        Some(body),
    )
    .await
}

fn change(current: &str, new: &str, confirmation: &str) -> Value {
    json!({ "password": current, "new_password": new, "confirm_new_password": confirmation })
}

async fn each_rule_of_the_new_password_is_reported(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let long = "a1".repeat(129);
    let cases = [
        ("ab1", vec![TOO_SHORT]),
        ("abcdefg", vec![NO_DIGIT]),
        ("1234567", vec![NO_LETTER]),
        (long.as_str(), vec![TOO_LONG]),
        ("ñ", vec![TOO_SHORT, NO_DIGIT]),
        ("", vec![TOO_SHORT, NO_LETTER, NO_DIGIT]),
    ];

    for (new, expected) in cases {
        let response = change_password(&app, Some(&token), change(DEMO_PASSWORD, new, new)).await;

        let answer = status_json(response).await;
        assert_eq!(answer, (400, json!({ "error": expected })), "{new:?}");
    }
    assert_eq!(app.login(DEMO_DOCUMENT, DEMO_PASSWORD).await.status(), 200);
}

async fn a_wrong_current_password_is_reported(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let response = change_password(
        &app,
        Some(&token),
        change("demo124", "nuevo123", "nuevo123"),
    );

    let answer = status_json(response.await).await;
    assert_eq!(answer, (400, json!({ "error": [WRONG_CURRENT] })));
    assert_eq!(app.login(DEMO_DOCUMENT, "nuevo123").await.status(), 400);
}

async fn a_confirmation_mismatch_is_reported(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let response = change_password(
        &app,
        Some(&token),
        change(DEMO_PASSWORD, "nuevo123", "nuevo124"),
    );

    let answer = status_json(response.await).await;
    assert_eq!(answer, (400, json!({ "error": [MISMATCH] })));
}

async fn every_failed_rule_is_listed_at_once_in_order(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let response = change_password(&app, Some(&token), change("demo124", "", "x")).await;

    let answer = status_json(response).await;
    assert_eq!(
        answer,
        (
            400,
            json!({ "error": [WRONG_CURRENT, TOO_SHORT, NO_LETTER, NO_DIGIT, MISMATCH] })
        )
    );
}

async fn bad_tokens_and_bodies_answer_in_the_list_shape(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let not_found = (400, json!({ "error": ["Perfil de cliente no encontrado"] }));
    let good = change(DEMO_PASSWORD, "nuevo123", "nuevo123");

    let without = status_json(change_password(&app, None, good.clone()).await).await;
    let unknown_token = status_json(change_password(&app, Some(&unknown), good).await).await;
    let bad_both = status_json(change_password(&app, Some(&unknown), json!({})).await).await;
    let missing = change_password(
        &app,
        Some(&token),
        json!({ "password": DEMO_PASSWORD, "new_password": "x" }),
    );
    let missing = status_json(missing.await).await;

    assert_eq!(without, not_found);
    assert_eq!(unknown_token, not_found);
    assert_eq!(bad_both, not_found);
    assert_eq!(
        missing,
        (
            400,
            json!({ "error": ["El campo 'confirm_new_password' es obligatorio"] })
        )
    );
}

async fn success_keeps_this_session_and_closes_the_others(app: TestApp) {
    let current = app.token(DEMO_DOCUMENT).await;
    let other = app.token(DEMO_DOCUMENT).await;
    let someone_else = app.token(SECOND_DOCUMENT).await;

    let response = change_password(
        &app,
        Some(&current),
        change(DEMO_PASSWORD, "nuevo123", "nuevo123"),
    );

    assert_eq!(
        status_json(response.await).await,
        (200, json!({ "status": 200 }))
    );
    assert_eq!(app.profile(1, &current).await.status(), 200);
    assert_eq!(
        status_json(app.profile(1, &other).await).await,
        (400, json!({ "error": "Perfil de cliente no encontrado" }))
    );
    assert_eq!(app.profile(1, &someone_else).await.status(), 200);
    assert_eq!(app.login(DEMO_DOCUMENT, DEMO_PASSWORD).await.status(), 400);
    assert_eq!(app.login(DEMO_DOCUMENT, "nuevo123").await.status(), 200);
}

/// Set with a composed `ñ` (U+00F1) through v2 without the slash, then logged in with the
/// decomposed form (`n` + U+0303), as another keyboard may type it.
async fn a_password_with_enye_round_trips_whichever_way_it_is_composed(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let composed = "contrase\u{00f1}a1";
    let decomposed = "contrasen\u{0303}a1";

    let response = app
        .request(
            Method::PATCH,
            "/api/v2/clients/password",
            Some(&token),
            Some(change(DEMO_PASSWORD, composed, decomposed)),
        )
        .await;

    assert_eq!(status_json(response).await, (200, json!({ "status": 200 })));
    let (status, body) = status_json(app.login(DEMO_DOCUMENT, decomposed).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.login(DEMO_DOCUMENT, composed).await.status(), 200);
}

/// Guessing the current password with a stolen token is throttled like a login.
async fn guesses_of_the_current_password_are_throttled(app: TestApp) {
    let token = app.token(SECOND_DOCUMENT).await;
    let guess = |i: usize| json!({ "password": format!("guess{i}"), "new_password": "nueva123", "confirm_new_password": "nueva123" });
    for i in 0..5 {
        let response = change_password(&app, Some(&token), guess(i)).await;
        assert_eq!(response.status(), 400, "guess {i}");
    }

    let response = change_password(&app, Some(&token), guess(5)).await;

    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}

crate::db_tests!(
    guesses_of_the_current_password_are_throttled,
    each_rule_of_the_new_password_is_reported,
    a_wrong_current_password_is_reported,
    a_confirmation_mismatch_is_reported,
    every_failed_rule_is_listed_at_once_in_order,
    bad_tokens_and_bodies_answer_in_the_list_shape,
    success_keeps_this_session_and_closes_the_others,
    a_password_with_enye_round_trips_whichever_way_it_is_composed,
);
