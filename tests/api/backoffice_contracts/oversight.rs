//! Reading contracts back (filters, the client's profile) and who may change them, with
//! the audit trail each change leaves.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, audit_rows, client_id, create, free_car, terms};
use crate::helpers::{DEMO_DOCUMENT, SECOND_DOCUMENT, TestApp, status_json};

async fn contracts_are_filtered_by_status_and_client(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let demo = client_id(&app, DEMO_DOCUMENT).await;
    let second = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-992").await;
    let (_, pending) = status_json(create(&app, &staff, terms(demo, car)).await).await;
    let pending = pending["id"].as_i64().unwrap();
    let ids_of = |query: &'static str| {
        let (app, staff) = (&app, &staff);
        async move {
            let path = format!("/contracts{query}");
            let (status, page) =
                status_json(app.backoffice(Method::GET, &path, staff, None).await).await;
            assert_eq!(status, 200, "{query}");
            let results = page["results"].as_array().unwrap();
            let ids: Vec<i64> = results.iter().map(|k| k["id"].as_i64().unwrap()).collect();
            assert_eq!(page["total"], json!(ids.len()), "{query}");
            ids
        }
    };
    let client_contracts = |client: i64| {
        let (app, staff) = (&app, &staff);
        async move {
            let path = format!("/contracts?client_id={client}");
            let (_, page) =
                status_json(app.backoffice(Method::GET, &path, staff, None).await).await;
            let results = page["results"].as_array().unwrap().clone();
            results
                .iter()
                .map(|k| (k["client"]["id"].as_i64().unwrap(), k["status"].clone()))
                .collect::<Vec<_>>()
        }
    };

    let all = ids_of("").await;
    let only_pending = ids_of("?status=contract_pending").await;
    let active = ids_of("?status=contract_active").await;
    let finished = ids_of("?status=contract_finished&per_page=5").await;
    let demo_contracts = client_contracts(demo).await;
    let second_contracts = client_contracts(second).await;
    let bad = app
        .backoffice(Method::GET, "/contracts?status=active", &staff, None)
        .await;

    assert_eq!(all.len(), 3);
    assert_eq!(all[0], pending, "newest first");
    assert_eq!(only_pending, [pending]);
    assert_eq!(active.len(), 2);
    assert!(!active.contains(&pending));
    assert!(finished.is_empty());
    let (active_status, pending_status) = (json!("contract_active"), json!("contract_pending"));
    assert_eq!(
        demo_contracts,
        [(demo, pending_status), (demo, active_status.clone())]
    );
    assert_eq!(second_contracts, [(second, active_status)]);
    assert_eq!(
        status_json(bad).await,
        (
            400,
            json!({ "error": "El parámetro 'status' debe ser contract_pending, contract_active, contract_finished o contract_cancelled" })
        )
    );
}

async fn auto_charge_shows_in_the_client_profile(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client_token = app.token(DEMO_DOCUMENT).await;
    let client = client_id(&app, DEMO_DOCUMENT).await;
    let path = format!("/contracts?client_id={client}");
    let (_, page) = status_json(app.backoffice(Method::GET, &path, &staff, None).await).await;
    let id = page["results"][0]["id"].as_i64().unwrap();

    let off = act(
        &app,
        &staff,
        id,
        "auto-charge",
        Some(json!({ "auto_charge": false })),
    )
    .await;
    let (_, profile_off) = status_json(app.profile(1, &client_token).await).await;
    let on = act(
        &app,
        &staff,
        id,
        "auto-charge",
        Some(json!({ "auto_charge": true })),
    )
    .await;
    let (_, profile_on) = status_json(app.profile(1, &client_token).await).await;
    let bad = act(
        &app,
        &staff,
        id,
        "auto-charge",
        Some(json!({ "auto_charge": "no" })),
    )
    .await;

    assert_eq!((off.0, &off.1["auto_charge"]), (200, &json!(false)));
    assert_eq!(profile_off["contracts"][0]["auto_charge"], json!(false));
    assert_eq!((on.0, &on.1["auto_charge"]), (200, &json!(true)));
    assert_eq!(profile_on["contracts"][0]["auto_charge"], json!(true));
    assert_eq!(
        bad,
        (
            400,
            json!({ "error": "El campo 'auto_charge' tiene un tipo inválido: se esperaba un booleano" })
        )
    );
    assert_eq!(audit_rows(&app).await, 2);
}

async fn viewers_change_nothing_and_leave_no_audit(app: TestApp) {
    let viewer = app.staff_token("viewer").await;
    let ops = app.staff_token("ops").await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-993").await;
    let (_, created) = status_json(create(&app, &ops, terms(client, car)).await).await;
    let id = created["id"].as_i64().unwrap();
    let before = audit_rows(&app).await;

    let answers = [
        status_json(create(&app, &viewer, terms(client, car)).await).await,
        act(&app, &viewer, id, "activate", None).await,
        act(&app, &viewer, id, "cancel", None).await,
        act(
            &app,
            &viewer,
            id,
            "auto-charge",
            Some(json!({ "auto_charge": true })),
        )
        .await,
    ];
    let read = app
        .backoffice(Method::GET, &format!("/contracts/{id}"), &viewer, None)
        .await;

    for (status, body) in &answers {
        assert_eq!(*status, 403, "{body}");
        assert!(body["error"].is_string(), "{body}");
    }
    assert_eq!(status_json(read).await, (200, created));
    assert_eq!(before, 1);
    assert_eq!(audit_rows(&app).await, 1);
}

async fn each_change_writes_one_audit_entry_with_before_and_after(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let client = client_id(&app, SECOND_DOCUMENT).await;
    let car = free_car(&app, "XYZ-994").await;
    let (_, created) = status_json(create(&app, &staff, terms(client, car)).await).await;
    let id = created["id"].as_i64().unwrap();

    act(
        &app,
        &staff,
        id,
        "auto-charge",
        Some(json!({ "auto_charge": true })),
    )
    .await;
    act(&app, &staff, id, "activate", None).await;
    act(&app, &staff, id, "cancel", None).await;

    let entries: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "select action, before_json, after_json from audit_entries
         where target_type = 'contract' and target_id = $1 order by audit_entry_id",
    )
    .bind(id.to_string())
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    let status_of = |json: &Option<String>| {
        json.as_deref()
            .map(|j| serde_json::from_str::<Value>(j).unwrap()["status"].clone())
    };
    let summary: Vec<_> = entries
        .iter()
        .map(|(action, before, after)| (action.as_str(), status_of(before), status_of(after)))
        .collect();
    let (pending, active, cancelled) = (
        json!("contract_pending"),
        json!("contract_active"),
        json!("contract_cancelled"),
    );
    assert_eq!(
        summary,
        [
            ("contract.create", None, Some(pending.clone())),
            (
                "contract.set_auto_charge",
                Some(pending.clone()),
                Some(pending.clone())
            ),
            ("contract.activate", Some(pending), Some(active.clone())),
            ("contract.cancel", Some(active), Some(cancelled)),
        ]
    );
}

crate::db_tests!(
    contracts_are_filtered_by_status_and_client,
    auto_charge_shows_in_the_client_profile,
    viewers_change_nothing_and_leave_no_audit,
    each_change_writes_one_audit_entry_with_before_and_after,
);
