//! Editing the commons content in the back office: each change shows at once in the public
//! endpoints, is audited once with before and after, and is refused to viewers.

use reqwest::Method;
use serde_json::{Value, json};

use super::{commons, seeded_tips};
use crate::helpers::{DEMO_DOCUMENT, TestApp, status_json};

async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from audit_entries")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn audit_of(
    app: &TestApp,
    target_type: &str,
) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "select action, before_json, after_json from audit_entries where target_type = $1
         order by audit_entry_id",
    )
    .bind(target_type)
    .fetch_all(app.store.pool())
    .await
    .unwrap()
}

async fn demo_client_id(app: &TestApp, staff: &str) -> i64 {
    let path = format!("/clients/?q={DEMO_DOCUMENT}");
    let (status, body) = status_json(app.backoffice(Method::GET, &path, staff, None).await).await;
    assert_eq!(status, 200, "{body}");
    body["results"][0]["id"].as_i64().unwrap()
}

async fn a_plan_discount_change_shows_in_commons_and_the_profile(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let client_id = demo_client_id(&app, &ops).await;
    let choose = app
        .backoffice(
            Method::PUT,
            &format!("/clients/{client_id}/uber-plan/"),
            &ops,
            Some(json!({ "code_name": "oro" })),
        )
        .await;
    assert_eq!(choose.status(), 200);
    let (_, plans) = status_json(
        app.backoffice(Method::GET, "/uber-plans/", &ops, None)
            .await,
    )
    .await;
    let oro = plans["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code_name"] == "oro")
        .unwrap()
        .clone();
    let oro_id = oro["id"].as_i64().unwrap();
    let audits = audit_count(&app).await;

    let (status, body) = status_json(
        app.backoffice(
            Method::PATCH,
            &format!("/uber-plans/{oro_id}/"),
            &ops,
            Some(json!({ "discount_percent": 6, "description": "Descuento de 6% en tus cuotas." })),
        )
        .await,
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "id": oro_id, "code_name": "oro", "name": "Oro", "discount_percent": 6,
                "description": "Descuento de 6% en tus cuotas." })
    );
    let plans = commons(&app, "uber_plans").await;
    assert_eq!(
        plans["uber_plans"][1],
        json!({ "name": "Oro", "code_name": "oro", "discount_percent": 6,
                "description": "Descuento de 6% en tus cuotas." })
    );
    let token = app.token(DEMO_DOCUMENT).await;
    let (_, profile) = status_json(app.profile(2, &token).await).await;
    assert_eq!(
        profile["uber_plan"],
        json!({ "name": "Oro", "rate": "6%", "description": "Descuento de 6% en tus cuotas." })
    );
    assert_eq!(audit_count(&app).await, audits + 1);
    let entries = audit_of(&app, "uber_plan").await;
    assert_eq!(entries.len(), 1);
    let (action, before, after) = &entries[0];
    assert_eq!(action, "uber_plan.update");
    let before: Value = serde_json::from_str(before.as_deref().unwrap()).unwrap();
    let after: Value = serde_json::from_str(after.as_deref().unwrap()).unwrap();
    assert_eq!(before, oro);
    assert_eq!(after, body);
}

async fn plan_rules_and_duplicates(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let new_plan = json!({ "code_name": "esmeralda", "name": "Esmeralda",
                           "discount_percent": 12, "description": "Nivel especial." });

    let (status, created) = status_json(
        app.backoffice(Method::POST, "/uber-plans/", &admin, Some(new_plan.clone()))
            .await,
    )
    .await;
    let again = app
        .backoffice(Method::POST, "/uber-plans/", &admin, Some(new_plan))
        .await;
    let bad = app
        .backoffice(
            Method::POST,
            "/uber-plans/",
            &admin,
            Some(json!({ "code_name": "Con Espacio", "name": "", "discount_percent": 101 })),
        )
        .await;
    let unknown = app
        .backoffice(
            Method::PATCH,
            "/uber-plans/9999/",
            &admin,
            Some(json!({ "name": "X" })),
        )
        .await;

    assert_eq!(status, 201);
    assert_eq!(created["discount_percent"], 12);
    assert_eq!(
        status_json(again).await,
        (
            409,
            json!({ "error": "El campo 'code_name' ya está en uso" })
        )
    );
    assert_eq!(
        status_json(bad).await,
        (
            400,
            json!({ "error": [
                "El campo 'code_name' debe tener de 1 a 50 letras minúsculas, números, '_' o '-'",
                "El campo 'name' debe tener entre 1 y 100 caracteres",
                "El campo 'discount_percent' debe estar entre 0 y 100",
            ]})
        )
    );
    assert_eq!(
        status_json(unknown).await,
        (404, json!({ "error": "Plan de Uber no encontrado" }))
    );
    let plans = commons(&app, "uber_plans").await;
    assert_eq!(plans["uber_plans"].as_array().unwrap().len(), 5);
    assert_eq!(plans["uber_plans"][4]["code_name"], "esmeralda");
}

async fn faqs_are_created_changed_and_deleted(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let audits = audit_count(&app).await;

    let (status, created) = status_json(
        app.backoffice(
            Method::POST,
            "/faqs/",
            &ops,
            Some(json!({ "title": "¿Puedo manejar para otra aplicación?",
                         "content": ["Sí, mientras el contrato esté al día.", " Avísanos por WhatsApp. "] })),
        )
        .await,
    )
    .await;

    assert_eq!(status, 201);
    let id = created["id"].as_i64().unwrap();
    let today = leasy::domain::time::lima_today()
        .format("%Y-%m-%d")
        .to_string();
    let faqs = commons(&app, "faqs").await;
    assert_eq!(faqs.as_array().unwrap().len(), 6);
    assert_eq!(
        faqs[5],
        json!({ "title": "¿Puedo manejar para otra aplicación?",
                "content": ["Sí, mientras el contrato esté al día.", "Avísanos por WhatsApp."],
                "created_at": today })
    );
    let changed = app
        .backoffice(
            Method::PATCH,
            &format!("/faqs/{id}/"),
            &ops,
            Some(json!({ "title": "¿Otra app?" })),
        )
        .await;
    assert_eq!(status_json(changed).await.1["title"], "¿Otra app?");
    assert_eq!(commons(&app, "faqs").await[5]["title"], "¿Otra app?");
    let empty = app
        .backoffice(
            Method::PATCH,
            &format!("/faqs/{id}/"),
            &ops,
            Some(json!({ "content": [] })),
        )
        .await;
    assert_eq!(
        status_json(empty).await,
        (
            400,
            json!({ "error": ["El campo 'content' debe ser una lista de 1 a 20 párrafos de 1 a 2000 caracteres"] })
        )
    );
    let deleted = app
        .backoffice(Method::DELETE, &format!("/faqs/{id}/"), &ops, None)
        .await;
    assert_eq!(status_json(deleted).await, (200, json!({ "status": 200 })));
    assert_eq!(commons(&app, "faqs").await.as_array().unwrap().len(), 5);
    let gone = app
        .backoffice(Method::DELETE, &format!("/faqs/{id}/"), &ops, None)
        .await;
    assert_eq!(gone.status(), 404);
    let actions: Vec<String> = audit_of(&app, "faq")
        .await
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(actions, ["faq.create", "faq.update", "faq.delete"]);
    assert_eq!(audit_count(&app).await, audits + 3);
}

async fn a_tip_marked_popular_shows_at_once(app: TestApp) {
    let ops = app.staff_token("ops").await;
    let (_, tips) = status_json(
        app.backoffice(
            Method::GET,
            "/tips/?category=mantenimiento&per_page=100",
            &ops,
            None,
        )
        .await,
    )
    .await;
    let brakes = tips["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Revisa los frenos")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let marked = app
        .backoffice(
            Method::PATCH,
            &format!("/tips/{brakes}/"),
            &ops,
            Some(json!({ "is_popular": true })),
        )
        .await;

    assert_eq!(status_json(marked).await.1["is_popular"], true);
    let mut expected = seeded_tips();
    expected[7]["is_popular"] = json!(true);
    assert_eq!(
        commons(&app, "tips/popular").await,
        json!([expected[7], expected[6], expected[3], expected[0]])
    );
    assert_eq!(
        commons(&app, "tips/category/mantenimiento").await,
        json!([expected[8], expected[7], expected[6]])
    );
}

async fn tips_and_categories_are_created(app: TestApp) {
    let admin = app.staff_token("admin").await;
    let category =
        json!({ "code_name": "tramites", "name": "Trámites", "description": "Papeles al día." });

    let made = app
        .backoffice(
            Method::POST,
            "/tip-categories/",
            &admin,
            Some(category.clone()),
        )
        .await;
    let twice = app
        .backoffice(Method::POST, "/tip-categories/", &admin, Some(category))
        .await;
    let tip = app
        .backoffice(
            Method::POST,
            "/tips/",
            &admin,
            Some(
                json!({ "category": "tramites", "title": "Renueva tu brevete",
                         "content": ["Hazlo un mes antes de que venza."] }),
            ),
        )
        .await;
    let orphan = app
        .backoffice(
            Method::POST,
            "/tips/",
            &admin,
            Some(json!({ "category": "nada", "title": "", "content": ["x"] })),
        )
        .await;

    assert_eq!(made.status(), 201);
    assert_eq!(twice.status(), 409);
    let (status, tip) = status_json(tip).await;
    assert_eq!(status, 201);
    assert_eq!(tip["category"], "tramites");
    assert_eq!(
        status_json(orphan).await,
        (
            400,
            json!({ "error": [
                "El campo 'category' no es una categoría de consejos",
                "El campo 'title' debe tener entre 1 y 200 caracteres",
            ]})
        )
    );
    let today = leasy::domain::time::lima_today()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        commons(&app, "tips/category/tramites").await,
        json!([{ "title": "Renueva tu brevete", "content": ["Hazlo un mes antes de que venza."],
                 "is_popular": false,
                 "category": { "name": "Trámites", "code_name": "tramites", "description": "Papeles al día." },
                 "created_at": today }])
    );
    assert_eq!(
        commons(&app, "tips/categories")
            .await
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

async fn contacts_are_edited(app: TestApp) {
    let ops = app.staff_token("ops").await;

    let mechanic = app
        .backoffice(
            Method::PATCH,
            "/contacts/mechanical/",
            &ops,
            Some(json!({ "contact_name": "Taller Ñaña", "phone_number": "01 555-1234" })),
        )
        .await;
    let case = app
        .backoffice(
            Method::PATCH,
            "/emergency-cases/block/",
            &ops,
            Some(json!({ "name": "Auto bloqueado" })),
        )
        .await;
    let added = app
        .backoffice(
            Method::POST,
            "/emergency-cases/steal/contacts/",
            &ops,
            Some(json!({ "contact_name": "Serenazgo de Lima", "phone_number": "014440000" })),
        )
        .await;
    let channel = app
        .backoffice(
            Method::POST,
            "/service-contacts/",
            &ops,
            Some(
                json!({ "code_name": "facebook", "label": "Facebook", "value": "fb.com/leasy.pe" }),
            ),
        )
        .await;
    let unknown = app
        .backoffice(
            Method::PATCH,
            "/contacts/plomero/",
            &ops,
            Some(json!({ "contact_name": "X" })),
        )
        .await;

    assert_eq!(mechanic.status(), 200);
    assert_eq!(case.status(), 200);
    assert_eq!(added.status(), 201);
    assert_eq!(channel.status(), 201);
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        commons(&app, "mechanical-contacts").await["mechanical"],
        json!({ "contact_name": "Taller Ñaña", "phone_number": "01 555-1234" })
    );
    let emergency = commons(&app, "emergency_contacts").await;
    assert_eq!(emergency["block"]["info"]["name"], "Auto bloqueado");
    assert_eq!(
        emergency["steal"]["contacts"][3],
        json!({ "contact_name": "Serenazgo de Lima", "in_case": "", "phone_number": "014440000",
                "description": "" })
    );
    assert_eq!(
        commons(&app, "service_contacts").await[4],
        json!({ "label": "Facebook", "code_name": "facebook", "value": "fb.com/leasy.pe" })
    );
    let (status, overview) =
        status_json(app.backoffice(Method::GET, "/contacts/", &ops, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(overview["emergency_contacts"].as_array().unwrap().len(), 10);
}

async fn viewers_read_but_change_nothing(app: TestApp) {
    let viewer = app.staff_token("viewer").await;
    let audits = audit_count(&app).await;

    for path in [
        "/uber-plans/",
        "/faqs/",
        "/tips/",
        "/tip-categories/",
        "/contacts/",
    ] {
        let read = app.backoffice(Method::GET, path, &viewer, None).await;
        assert_eq!(read.status(), 200, "{path}");
    }
    let changes = [
        (
            Method::PATCH,
            "/uber-plans/2/",
            json!({ "discount_percent": 50 }),
        ),
        (
            Method::POST,
            "/faqs/",
            json!({ "title": "x", "content": ["y"] }),
        ),
        (Method::PATCH, "/faqs/1/", json!({ "title": "x" })),
        (Method::DELETE, "/faqs/1/", json!({})),
        (
            Method::POST,
            "/tips/",
            json!({ "category": "mantenimiento", "title": "x", "content": ["y"] }),
        ),
        (Method::PATCH, "/tips/1/", json!({ "is_popular": false })),
        (Method::DELETE, "/tips/1/", json!({})),
        (
            Method::POST,
            "/tip-categories/",
            json!({ "code_name": "x", "name": "x" }),
        ),
        (Method::PATCH, "/tip-categories/1/", json!({ "name": "x" })),
        (
            Method::PATCH,
            "/contacts/uber/",
            json!({ "contact_name": "x" }),
        ),
        (
            Method::PATCH,
            "/emergency-cases/steal/",
            json!({ "name": "x" }),
        ),
        (
            Method::POST,
            "/emergency-cases/steal/contacts/",
            json!({ "contact_name": "x", "phone_number": "105" }),
        ),
        (
            Method::PATCH,
            "/emergency-contacts/1/",
            json!({ "contact_name": "x" }),
        ),
        (Method::DELETE, "/emergency-contacts/1/", json!({})),
        (
            Method::POST,
            "/service-contacts/",
            json!({ "code_name": "x", "label": "x", "value": "x" }),
        ),
        (
            Method::PATCH,
            "/service-contacts/1/",
            json!({ "label": "x" }),
        ),
        (Method::DELETE, "/service-contacts/1/", json!({})),
    ];
    for (method, path, body) in changes {
        let response = app
            .backoffice(method.clone(), path, &viewer, Some(body))
            .await;
        assert_eq!(response.status(), 403, "{method} {path}");
    }

    assert_eq!(audit_count(&app).await, audits);
    assert_eq!(
        commons(&app, "uber_plans").await["uber_plans"][1]["discount_percent"],
        5
    );
}

crate::db_tests!(
    a_plan_discount_change_shows_in_commons_and_the_profile,
    plan_rules_and_duplicates,
    faqs_are_created_changed_and_deleted,
    a_tip_marked_popular_shows_at_once,
    tips_and_categories_are_created,
    contacts_are_edited,
    viewers_read_but_change_nothing,
);
