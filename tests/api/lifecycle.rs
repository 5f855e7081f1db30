//! The data and the server over time: loading the demo again, adding synthetic clients,
//! stopping with requests in flight, and many sessions at once.

use std::time::Duration;

use futures::future::join_all;
use leasy::demo;
use serde_json::json;

use crate::helpers::{DEMO_DOCUMENT, DEMO_PASSWORD, Db, SECOND_DOCUMENT, TestApp, status_json};

const TABLES: [&str; 5] = ["clients", "cars", "contracts", "cards", "car_documents"];

async fn row_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in TABLES {
        let sql = format!("select count(*) from {table}");
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        counts.push((table, count));
    }
    counts
}

async fn invoice_counts(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["invoices", "invoice_discounts", "invoice_fractions"] {
        let sql = format!("select count(*) from {table}");
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        counts.push(count);
    }
    counts
}

async fn loading_the_demo_again_changes_nothing(app: TestApp) {
    let before = row_counts(&app).await;
    let invoices_before = invoice_counts(&app).await;

    demo::load(&app.store, &app.files_dir).await.unwrap();

    assert_eq!(row_counts(&app).await, before);
    assert_eq!(invoice_counts(&app).await, invoices_before);
    assert_eq!(
        before,
        [
            ("clients", 2),
            ("cars", 2),
            ("contracts", 2),
            ("cards", 3),
            ("car_documents", 5),
        ]
    );
    // Two schedules of 130 weeks and two penalties; one manual discount and the Uber plan
    // discount on the second client's 128 unpaid weeks; one split in two.
    assert_eq!(invoices_before, [262, 129, 2]);
}

/// A database loaded before invoices existed gets the demo's invoices on the next load,
/// once.
async fn an_older_demo_gets_its_invoices(app: TestApp) {
    for table in ["invoice_fractions", "invoice_discounts", "invoices"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("delete from {table}")))
            .execute(app.store.pool())
            .await
            .unwrap();
    }

    demo::load(&app.store, &app.files_dir).await.unwrap();
    demo::load(&app.store, &app.files_dir).await.unwrap();

    // The second client's new unpaid weeks take her Uber plan's discount.
    assert_eq!(invoice_counts(&app).await, [262, 129, 2]);
}

async fn synthetic_clients_are_added_once_and_can_log_in(app: TestApp) {
    let first = demo::synthetic_clients(&app.store, 30).await.unwrap();
    let again = demo::synthetic_clients(&app.store, 30).await.unwrap();
    let more = demo::synthetic_clients(&app.store, 33).await.unwrap();

    let token = app.token(&demo::synthetic_document(7)).await;
    let (status, profile) = status_json(app.profile(1, &token).await).await;

    assert_eq!((first, again, more), (30, 0, 3));
    assert_eq!(
        row_counts(&app).await,
        [
            ("clients", 35),
            ("cars", 35),
            ("contracts", 35),
            ("cards", 69),
            ("car_documents", 71),
        ]
    );
    assert_eq!(status, 200);
    assert_eq!(profile["document"], "70000007");
    assert_eq!(profile["contracts"].as_array().unwrap().len(), 1);
    assert_eq!(profile["cards"].as_array().unwrap().len(), 2);
}

/// Fails unless connections to `address` are refused within a few seconds.
pub async fn wait_until_refused(address: &str) {
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(address).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{address} still accepts connections");
}

/// Logins are held mid-request by a write lock on the database, the server is told to
/// stop, and only once it no longer accepts connections is the lock released: every login
/// in flight must still get its answer.
async fn stopping_lets_requests_in_flight_finish(mut app: TestApp) {
    let mut lock = app.store.begin_write().await.unwrap();
    if app.db == Db::Postgres {
        sqlx::query("lock table client_tokens in exclusive mode")
            .execute(&mut *lock)
            .await
            .unwrap();
    }
    let logins: Vec<_> = [DEMO_DOCUMENT, SECOND_DOCUMENT]
        .into_iter()
        .cycle()
        .take(6)
        .map(|document| {
            let request = app
                .http
                .post(app.url("/api/v1/clients/auth/"))
                .json(&json!({ "document": document, "password": DEMO_PASSWORD }));
            tokio::spawn(request.send())
        })
        .collect();
    // Only to let the requests reach the server; nothing below depends on how long.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let store = app.store.clone();

    // The app comes back from the task so its database outlives the held transaction.
    let stopping = tokio::spawn(async move {
        app.stop().await;
        app
    });
    wait_until_refused(&address).await;
    let held = logins.iter().filter(|login| !login.is_finished()).count();
    let server_waited = !stopping.is_finished();
    lock.rollback().await.unwrap();
    let answers = join_all(logins).await;
    let _app = stopping.await.expect("the server stops cleanly");

    assert_eq!(
        held, 6,
        "every login was still in flight when the server stopped"
    );
    assert!(server_waited, "the server waits for the requests in flight");
    for answer in answers {
        let response = answer.unwrap().expect("the login got an answer");
        assert_eq!(response.status(), 200);
    }
    let tokens: i64 = sqlx::query_scalar("select count(*) from client_tokens")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(tokens, 6);
}

/// Many interleaved requests of two clients: each answer belongs to the token that asked.
async fn concurrent_sessions_never_see_each_other(app: TestApp) {
    let first = app.token(DEMO_DOCUMENT).await;
    let second = app.token(SECOND_DOCUMENT).await;
    let sessions = [
        (DEMO_DOCUMENT, first.as_str(), 2),
        (SECOND_DOCUMENT, second.as_str(), 1),
    ];

    let requests = (0..80).map(|i| {
        let (document, token, cards) = sessions[i % 2];
        let version = if i % 4 < 2 { 1 } else { 2 };
        let app = &app;
        async move {
            let answer = status_json(app.profile(version, token).await).await;
            (document, token, cards, version, answer)
        }
    });
    let answers = join_all(requests).await;

    for (document, token, cards, version, (status, body)) in answers {
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["document"], document);
        assert_eq!(body["token"], token);
        let card_count = body.get("cards").and_then(|c| c.as_array()).map(Vec::len);
        let expected_cards = if version == 1 { Some(cards) } else { None };
        assert_eq!(card_count, expected_cards, "v{version} of {document}");
    }
}

crate::db_tests!(
    loading_the_demo_again_changes_nothing,
    an_older_demo_gets_its_invoices,
    synthetic_clients_are_added_once_and_can_log_in,
    stopping_lets_requests_in_flight_finish,
    concurrent_sessions_never_see_each_other,
);
