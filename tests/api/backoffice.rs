//! Staff sessions, staff management, client management and the audit trail.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{DEMO_DOCUMENT, STAFF_PASSWORD, TestApp, status_json};

fn new_client(document: &str, email: &str) -> Value {
    json!({
        "document": document,
        "first_name": "Iñigo",
        "last_name": "Núñez Ñahuincopa",
        "email": email,
        "phone_number": "987 111-222",
        "address": "Jr. Ayacucho 321, Huancayo",
        "password": "clave1"
    })
}

async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from audit_entries")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn staff_and_client_tokens_open_only_their_own_side(app: TestApp) {
    let staff = app.staff_token("admin").await;
    let client = app.token(DEMO_DOCUMENT).await;

    let (status, body) = status_json(app.profile(1, &staff).await).await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "Perfil de cliente no encontrado" }))
    );
    let (status, body) = status_json(
        app.backoffice(Method::GET, "/clients/", &client, None)
            .await,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({ "error": "Sesión no válida o vencida. Inicia sesión de nuevo." })
    );
    let (status, me) = status_json(app.backoffice(Method::GET, "/me/", &staff, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "admin");
}

async fn staff_login_failures_and_logout(app: TestApp) {
    let token = app.staff_token("ops").await;
    let (_, me) = status_json(app.backoffice(Method::GET, "/me/", &token, None).await).await;
    let email = me["email"].as_str().unwrap().to_owned();

    let wrong = app
        .post_json(
            "/api/backoffice/auth/",
            None,
            json!({ "email": email, "password": "nope12" }),
        )
        .await;
    assert_eq!(
        status_json(wrong).await,
        (
            400,
            json!({ "error": "El correo o la contraseña son incorrectos" })
        )
    );
    let logout = app.backoffice(Method::POST, "/logout/", &token, None).await;
    assert_eq!(status_json(logout).await, (200, json!({ "status": 200 })));
    let after = app.backoffice(Method::GET, "/me/", &token, None).await;
    assert_eq!(after.status(), 401);
}

async fn deactivating_staff_revokes_their_tokens(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let ops = app.staff_token("ops").await;
    let (_, me) = status_json(app.backoffice(Method::GET, "/me/", &ops, None).await).await;
    let ops_id = me["id"].as_i64().unwrap();
    let email = me["email"].as_str().unwrap().to_owned();

    let response = app
        .backoffice(
            Method::POST,
            &format!("/staff/{ops_id}/deactivate/"),
            &admin,
            None,
        )
        .await;

    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert_eq!(body["active"], false);
    assert_eq!(
        app.backoffice(Method::GET, "/me/", &ops, None)
            .await
            .status(),
        401
    );
    let login = app
        .post_json(
            "/api/backoffice/auth/",
            None,
            json!({ "email": email, "password": STAFF_PASSWORD }),
        )
        .await;
    assert_eq!(login.status(), 400);
    let own = app.backoffice(Method::GET, "/me/", &admin, None).await;
    let admin_id = status_json(own).await.1["id"].as_i64().unwrap();
    let myself = app
        .backoffice(
            Method::POST,
            &format!("/staff/{admin_id}/deactivate/"),
            &admin,
            None,
        )
        .await;
    assert_eq!(myself.status(), 409);
}

async fn admins_create_staff_with_every_rule_checked(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let body = json!({ "email": "Rosa@Leasy.pe", "name": "Rosa Ñique", "role": "viewer", "password": "clave99" });

    let (status, created) = status_json(
        app.backoffice(Method::POST, "/staff/", &admin, Some(body.clone()))
            .await,
    )
    .await;

    assert_eq!(status, 201);
    assert_eq!(created["email"], "rosa@leasy.pe");
    assert_eq!(created["name"], "Rosa Ñique");
    assert_eq!(created["role"], "viewer");
    let again = app
        .backoffice(Method::POST, "/staff/", &admin, Some(body))
        .await;
    assert_eq!(again.status(), 409);
    let bad = json!({ "email": "x", "name": "", "role": "root", "password": "abc" });
    let (status, errors) = status_json(
        app.backoffice(Method::POST, "/staff/", &admin, Some(bad))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(errors["error"].as_array().unwrap().len(), 5, "{errors}");
}

async fn clients_are_registered_searched_and_updated(app: TestApp) {
    let ops = app.staff_token("ops").await;

    let (status, created) = status_json(
        app.backoffice(
            Method::POST,
            "/clients/",
            &ops,
            Some(new_client("44556677", "Inigo@X.pe")),
        )
        .await,
    )
    .await;

    assert_eq!(status, 201);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created,
        json!({
            "id": id, "document": "44556677", "first_name": "Iñigo",
            "last_name": "Núñez Ñahuincopa", "email": "inigo@x.pe",
            "address": "Jr. Ayacucho 321, Huancayo", "phone_number": "987111222",
            "coins": 0.0, "uber_plan": null, "created_at": created["created_at"],
            "phones": [], "contracts": []
        })
    );
    for q in ["4455", "ñahuin", "INIGO@"] {
        let path = format!("/clients/?q={}", urlencode(q));
        let (_, found) = status_json(app.backoffice(Method::GET, &path, &ops, None).await).await;
        assert_eq!(found["total"], 1, "search {q}");
        assert_eq!(found["results"][0]["id"], id);
    }
    let (_, none) = status_json(
        app.backoffice(Method::GET, "/clients/?q=%25", &ops, None)
            .await,
    )
    .await;
    assert_eq!(none["total"], 0, "a % is searched literally");
    let change = json!({ "address": "Av. Grau 10, Piura", "first_name": "Íñigo" });
    let (status, updated) = status_json(
        app.backoffice(
            Method::PATCH,
            &format!("/clients/{id}/"),
            &ops,
            Some(change),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(updated["first_name"], "Íñigo");
    assert_eq!(updated["address"], "Av. Grau 10, Piura");
    let login = app.login("44556677", "clave1").await;
    assert_eq!(login.status(), 200, "the initial password logs in");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn client_validation_and_conflicts(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let bad = json!({
        "document": "12", "first_name": "", "last_name": "Pérez", "email": "nope",
        "phone_number": "12", "password": "abc"
    });

    let (status, errors) = status_json(
        app.backoffice(Method::POST, "/clients/", &ops, Some(bad))
            .await,
    )
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        errors,
        json!({ "error": [
            "El documento debe tener entre 8 y 12 letras o números",
            "El campo 'first_name' debe tener entre 1 y 100 caracteres",
            "El correo electrónico no es válido",
            "El teléfono debe tener entre 6 y 15 dígitos",
            "La nueva contraseña debe tener al menos 6 caracteres",
            "La nueva contraseña debe tener al menos un número"
        ]})
    );
    let taken_document = new_client(DEMO_DOCUMENT, "otro@x.pe");
    let (status, body) = status_json(
        app.backoffice(Method::POST, "/clients/", &ops, Some(taken_document))
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        body["error"].as_str().unwrap().contains("'document'"),
        "{body}"
    );
    let taken_email = new_client("55667788", "jose.nahui@example.pe");
    let (status, body) = status_json(
        app.backoffice(Method::POST, "/clients/", &ops, Some(taken_email))
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        body["error"].as_str().unwrap().contains("'email'"),
        "{body}"
    );
    let missing = app
        .backoffice(Method::GET, "/clients/999999/", &ops, None)
        .await;
    assert_eq!(
        status_json(missing).await,
        (404, json!({ "error": "Cliente no encontrado" }))
    );
    let malformed = app
        .backoffice(Method::GET, "/clients/abc/", &ops, None)
        .await;
    assert_eq!(malformed.status(), 404);
}

async fn concurrent_creations_of_one_document_yield_one_client(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let attempts = (0..6).map(|i| {
        let body = new_client("66778899", &format!("same{i}@x.pe"));
        let ops = ops.clone();
        let app = &app;
        async move {
            app.backoffice(Method::POST, "/clients/", &ops, Some(body))
                .await
                .status()
        }
    });

    let statuses = futures::future::join_all(attempts).await;

    assert_eq!(
        statuses.iter().filter(|s| s.as_u16() == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| s.as_u16() == 409).count(),
        5,
        "{statuses:?}"
    );
}

async fn reset_password_revokes_the_clients_sessions(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let old_session = app.token(DEMO_DOCUMENT).await;
    let (_, found) = status_json(
        app.backoffice(
            Method::GET,
            &format!("/clients/?q={DEMO_DOCUMENT}"),
            &ops,
            None,
        )
        .await,
    )
    .await;
    let id = found["results"][0]["id"].as_i64().unwrap();

    let weak = app
        .backoffice(
            Method::POST,
            &format!("/clients/{id}/reset-password/"),
            &ops,
            Some(json!({ "password": "short" })),
        )
        .await;
    assert_eq!(weak.status(), 400);
    let reset = app
        .backoffice(
            Method::POST,
            &format!("/clients/{id}/reset-password/"),
            &ops,
            Some(json!({ "password": "nueva123" })),
        )
        .await;

    assert_eq!(status_json(reset).await, (200, json!({ "status": 200 })));
    assert_eq!(app.profile(1, &old_session).await.status(), 400);
    assert_eq!(app.login(DEMO_DOCUMENT, "nueva123").await.status(), 200);
}

async fn phones_and_uber_plan_are_managed(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let (_, found) = status_json(
        app.backoffice(
            Method::GET,
            &format!("/clients/?q={DEMO_DOCUMENT}"),
            &ops,
            None,
        )
        .await,
    )
    .await;
    let id = found["results"][0]["id"].as_i64().unwrap();

    let (status, with_phone) = status_json(
        app.backoffice(
            Method::POST,
            &format!("/clients/{id}/phones/"),
            &ops,
            Some(json!({ "phone_number": "01 555-1234" })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    let phone_id = with_phone["phones"][0]["id"].as_i64().unwrap();
    let plan = app
        .backoffice(
            Method::PUT,
            &format!("/clients/{id}/uber-plan/"),
            &ops,
            Some(json!({ "code_name": "platino" })),
        )
        .await;
    assert_eq!(status_json(plan).await.1["uber_plan"], "platino");
    let unknown = app
        .backoffice(
            Method::PUT,
            &format!("/clients/{id}/uber-plan/"),
            &ops,
            Some(json!({ "code_name": "oro-plus" })),
        )
        .await;
    assert_eq!(unknown.status(), 400);

    let client = app.token(DEMO_DOCUMENT).await;
    let (_, profile) = status_json(app.profile(2, &client).await).await;
    assert_eq!(
        profile["phones"],
        json!([{ "id": phone_id, "phone_number": "015551234" }])
    );
    assert_eq!(profile["uber_plan"]["rate"], "7%");
    let removed = app
        .backoffice(
            Method::DELETE,
            &format!("/clients/{id}/phones/{phone_id}/"),
            &ops,
            None,
        )
        .await;
    assert_eq!(status_json(removed).await.1["phones"], json!([]));
    let again = app
        .backoffice(
            Method::DELETE,
            &format!("/clients/{id}/phones/{phone_id}/"),
            &ops,
            None,
        )
        .await;
    assert_eq!(again.status(), 404);
}

async fn the_audit_trail_records_each_change_with_before_and_after(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let viewer = app.staff_token("viewer").await;
    let start = audit_count(&app).await;
    let (_, created) = status_json(
        app.backoffice(
            Method::POST,
            "/clients/",
            &admin,
            Some(new_client("77889900", "aud@x.pe")),
        )
        .await,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let change = json!({ "last_name": "Quispe" });
    app.backoffice(
        Method::PATCH,
        &format!("/clients/{id}/"),
        &admin,
        Some(change),
    )
    .await;
    let refused = app
        .backoffice(
            Method::PATCH,
            &format!("/clients/{id}/"),
            &viewer,
            Some(json!({ "last_name": "X" })),
        )
        .await;
    assert_eq!(refused.status(), 403);

    let path = format!("/audit/?target_type=client&target_id={id}");
    let (status, trail) = status_json(app.backoffice(Method::GET, &path, &admin, None).await).await;

    assert_eq!(status, 200);
    assert_eq!(audit_count(&app).await, start + 2);
    assert_eq!(trail["total"], 2);
    let update = &trail["results"][0];
    assert_eq!(update["action"], "client.update");
    assert_eq!(update["before"]["last_name"], "Núñez Ñahuincopa");
    assert_eq!(update["after"]["last_name"], "Quispe");
    assert!(
        update["staff_email"]
            .as_str()
            .unwrap()
            .starts_with("admin-")
    );
    assert_eq!(trail["results"][1]["action"], "client.create");
    assert_eq!(trail["results"][1]["before"], Value::Null);
    let today = leasy::domain::time::lima_today();
    let ranged = format!("/audit/?from={today}&to={today}&target_id={id}");
    let (_, in_range) = status_json(app.backoffice(Method::GET, &ranged, &admin, None).await).await;
    assert_eq!(in_range["total"], 2);
    let past = "/audit/?from=2020-01-01&to=2020-01-31";
    let (_, empty) = status_json(app.backoffice(Method::GET, past, &admin, None).await).await;
    assert_eq!(empty["total"], 0);
    let bad_date = app
        .backoffice(Method::GET, "/audit/?from=2020-13-01", &admin, None)
        .await;
    assert_eq!(bad_date.status(), 400);
}

crate::db_tests!(
    staff_and_client_tokens_open_only_their_own_side,
    staff_login_failures_and_logout,
    deactivating_staff_revokes_their_tokens,
    admins_create_staff_with_every_rule_checked,
    clients_are_registered_searched_and_updated,
    client_validation_and_conflicts,
    concurrent_creations_of_one_document_yield_one_client,
    reset_password_revokes_the_clients_sessions,
    phones_and_uber_plan_are_managed,
    the_audit_trail_records_each_change_with_before_and_after,
);
