use serde_json::{Value, json};

use crate::helpers::{DEMO_DOCUMENT, SECOND_DOCUMENT, TestApp, status_json};

/// The demo client's v1 profile, key for key and type for type as in the reference.
async fn v1_profile_matches_the_reference(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let (status, body) = status_json(app.profile(1, &token).await).await;

    assert_eq!(status, 200);
    let created_at = body["created_at"].as_str().unwrap().to_owned();
    let contract_created_at = body["contracts"][0]["created_at"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        body,
        json!({
            "id": body["id"],
            "first_name": "José",
            "last_name": "Ñahui Pérez",
            "email": "jose.nahui@example.pe",
            "document": "12345678",
            "address": "Av. Javier Prado Este 1234, San Isidro, Lima",
            "phone_number": "987654321",
            "created_at": created_at,
            "coins": 0.0,
            "token": token,
            "firebase_token": "demo-firebase-token",
            "contracts": [{
                "car": {
                    "id": body["contracts"][0]["car"]["id"],
                    "hash": "5f0c2a8e-3d4b-4c6e-9a1f-2b7d8e9c0a11",
                    "model": "Cobalt",
                    "brand": "Chevrolet",
                    "soat_file": "/static/files/soat/demo-soat-abc123.pdf",
                    "secure_file": "/static/files/secure/demo-secure-abc123.pdf",
                    "license_plate": "ABC-123",
                    "year": "2018"
                },
                "status": "contract_active",
                "created_at": contract_created_at,
                "hash": "9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a10",
                "weekly_amount": 525,
                "auto_charge": true
            }],
            "cards": [{
                "id": body["cards"][0]["id"],
                "card_number": "545195XXXXXX5480",
                "expiration_month": null,
                "expiration_year": null,
                "brand": "MASTERCARD",
                "kushki_subscription_id": "1676385575463000",
                "is_kushki_card": true
            }, {
                "id": body["cards"][1]["id"],
                "card_number": "454775******6006",
                "expiration_month": "03",
                "expiration_year": "22",
                "brand": "visa",
                "kushki_subscription_id": "",
                "is_kushki_card": false
            }],
            "phones": []
        })
    );
    assert!(body["id"].is_i64() && body["contracts"][0]["car"]["id"].is_i64());
    assert_eq!(created_at.len(), 10, "created_at is a date");
    // The wire text itself: coins as 0.0 and the weekly amount as 525, as the apps know.
    let text = app.profile(1, &token).await.text().await.unwrap();
    assert!(text.contains("\"coins\":0.0"), "{text}");
    assert!(text.contains("\"weekly_amount\":525,"), "{text}");
}

async fn v2_profile_adds_ids_keys_photos_and_plan(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let (status, body) = status_json(app.profile(2, &token).await).await;

    assert_eq!(status, 200);
    assert!(body.get("cards").is_none(), "v2 profile has no cards");
    assert_eq!(body["uber_plan"], Value::Null);
    assert_eq!(body["phones"], json!([]));
    let contract = &body["contracts"][0];
    assert!(contract["id"].is_i64());
    assert_eq!(
        contract["kushki_keys"],
        json!({ "pk": "sandbox-public-key" })
    );
    let photos = contract["car"]["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    for photo in photos {
        let url = photo.as_str().unwrap();
        assert!(url.starts_with(&app.base), "{url} is absolute");
        let image = app.http.get(url).send().await.unwrap();
        assert_eq!(image.status(), 200);
        assert_eq!(&image.bytes().await.unwrap()[..4], b"\x89PNG");
    }
}

async fn phones_and_uber_plan_show_in_v2(app: TestApp) {
    // The demo gives the second client the Oro tier.
    let token = app.token(SECOND_DOCUMENT).await;

    let (_, v2) = status_json(app.profile(2, &token).await).await;
    let (_, v1) = status_json(app.profile(1, &token).await).await;

    assert_eq!(v2["phones"][0]["phone_number"], "014567890");
    assert!(v2["phones"][0]["id"].is_i64());
    assert_eq!(v1["phones"], json!(["014567890"]));
    assert_eq!(
        v2["uber_plan"],
        json!({ "name": "Oro", "rate": "5%", "description": "Descuento de 5% en tus cuotas semanales." })
    );
    assert_eq!(v2["contracts"][0]["weekly_amount"], json!(480.5));
}

async fn each_client_sees_only_their_own_profile_and_cards(app: TestApp) {
    let first = app.token(DEMO_DOCUMENT).await;
    let second = app.token(SECOND_DOCUMENT).await;

    let (_, first_profile) = status_json(app.profile(1, &first).await).await;
    let (_, second_profile) = status_json(app.profile(1, &second).await).await;
    let (_, first_cards) = status_json(app.cards(&first).await).await;
    let (_, second_cards) = status_json(app.cards(&second).await).await;

    assert_eq!(first_profile["document"], DEMO_DOCUMENT);
    assert_eq!(second_profile["document"], SECOND_DOCUMENT);
    assert_eq!(second_profile["contracts"][0]["car"]["brand"], "Kia");
    let ids = |cards: &Value| -> Vec<i64> {
        cards
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&first_cards).len(), 2);
    assert_eq!(ids(&second_cards).len(), 1);
    assert!(
        ids(&first_cards)
            .iter()
            .all(|id| !ids(&second_cards).contains(id))
    );
    assert_eq!(second_cards[0]["card_number"], "411111XXXXXX1111");
}

async fn bad_tokens_get_the_documented_answer(app: TestApp) {
    let unknown = uuid::Uuid::new_v4().to_string();
    for token in [unknown.as_str(), "", "garbage", "' or 1=1 --"] {
        for version in [1, 2] {
            let (status, body) = status_json(app.profile(version, token).await).await;
            assert_eq!(status, 400, "token {token:?}");
            assert_eq!(body, json!({ "error": "Perfil de cliente no encontrado" }));
        }
    }
    let (status, body) = status_json(app.get("/api/v1/clients/profile/", None).await).await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "Perfil de cliente no encontrado" }))
    );
    let (status, body) = status_json(app.cards(&unknown).await).await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "Perfil de cliente no encontrado" }))
    );
}

async fn bearer_header_and_missing_slash_work_too(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;

    let response = app
        .http
        .get(app.url("/api/v1/clients/cards"))
        .header("Authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();

    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().unwrap().len(), 2);
}

async fn the_demo_documents_download(app: TestApp) {
    let token = app.token(DEMO_DOCUMENT).await;
    let (_, body) = status_json(app.profile(1, &token).await).await;

    for key in ["soat_file", "secure_file"] {
        let path = body["contracts"][0]["car"][key].as_str().unwrap();
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert!(response.bytes().await.unwrap().starts_with(b"%PDF-"));
    }
}

async fn firebase_token_is_stored(app: TestApp) {
    let token = app.token(SECOND_DOCUMENT).await;

    let response = app
        .request(
            reqwest::Method::PATCH,
            "/api/v1/clients/firebase-token/",
            Some(&token),
            Some(json!({ "firebase_token": "fcm:abc123" })),
        )
        .await;

    assert_eq!(status_json(response).await, (200, json!({ "status": 200 })));
    let (_, profile) = status_json(app.profile(1, &token).await).await;
    assert_eq!(profile["firebase_token"], "fcm:abc123");
    for bad in [
        json!({}),
        json!({ "firebase_token": "" }),
        json!({ "firebase_token": 5 }),
    ] {
        let response = app
            .request(
                reqwest::Method::PATCH,
                "/api/v1/clients/firebase-token/",
                Some(&token),
                Some(bad.clone()),
            )
            .await;
        let (status, body) = status_json(response).await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            body["error"].as_str().unwrap().contains("firebase_token"),
            "{body}"
        );
    }
}

crate::db_tests!(
    v1_profile_matches_the_reference,
    v2_profile_adds_ids_keys_photos_and_plan,
    phones_and_uber_plan_show_in_v2,
    each_client_sees_only_their_own_profile_and_cards,
    bad_tokens_get_the_documented_answer,
    bearer_header_and_missing_slash_work_too,
    the_demo_documents_download,
    firebase_token_is_stored,
);
