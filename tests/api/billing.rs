//! The billing run: penalties past the grace days (one per late weekly fee, none for a
//! frozen, paid or cancelled one), contracts finished when paid in full, schedules
//! completed, a second run that adds nothing, the lock, a run cut short, the command line
//! and the daily run inside `serve`.
//!
//! The demo contracts are in every database; assertions look only at the contracts each
//! test makes.

use std::{path::Path, process::Command, time::Duration};

use chrono::{Days, NaiveDate, NaiveTime};
use leasy::{
    config::BillingSettings,
    domain::time::{day_text, lima_today},
    jobs::{
        AlreadyRunning, JobLock,
        billing::{self, BillingReport, Step, Trigger, Tuning},
    },
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Db, SECOND_DOCUMENT, TestApp, status_json};

fn settings() -> BillingSettings {
    BillingSettings {
        schedule: false,
        ..BillingSettings::default()
    }
}

fn today() -> NaiveDate {
    lima_today()
}

fn days_ago(n: u64) -> NaiveDate {
    today() - Days::new(n)
}

async fn run_on(app: &TestApp, day: NaiveDate) -> BillingReport {
    billing::run(&app.store, &settings(), day, Trigger::Command)
        .await
        .expect("the billing run succeeds")
}

/// A client of our own, logged in: answers their id and token.
async fn new_client(app: &TestApp, document: &str) -> (i64, String) {
    let client_id: i64 = sqlx::query_scalar(
        "insert into clients (document, first_name, last_name, email, password_hash, created_at)
         select $1, 'Rosa', 'Mamani', $2, password_hash, created_at from clients
         where document = $3
         returning client_id",
    )
    .bind(document)
    .bind(format!("{document}@example.pe"))
    .bind(SECOND_DOCUMENT)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    (client_id, app.token(document).await)
}

struct Contract {
    id: i64,
    hash: String,
}

/// A contract of `client_id` with a car of its own, activated through the back office
/// from `start` (which creates its schedule).
async fn active_contract(
    app: &TestApp,
    staff: &str,
    client_id: i64,
    weeks: i64,
    start: NaiveDate,
) -> Contract {
    let contract = pending_contract(app, staff, client_id, weeks).await;
    let (status, body) = status_json(
        app.backoffice(
            Method::POST,
            &format!("/contracts/{}/activate/", contract.id),
            staff,
            Some(json!({ "start_date": day_text(start) })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    contract
}

async fn pending_contract(app: &TestApp, staff: &str, client_id: i64, weeks: i64) -> Contract {
    let plate = format!("B{}", &uuid::Uuid::new_v4().simple().to_string()[..5]).to_uppercase();
    let car_id: i64 = sqlx::query_scalar(
        "insert into cars (hash, brand, model, year, license_plate, created_at)
         values ($1, 'Hyundai', 'Accent', '2023', $2, 1767225600) returning car_id",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&plate)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let (status, body) = status_json(
        app.backoffice(
            Method::POST,
            "/contracts",
            staff,
            Some(json!({
                "client_id": client_id, "car_id": car_id, "weekly_amount": 480.5, "weeks": weeks
            })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    Contract {
        id: body["id"].as_i64().unwrap(),
        hash: body["hash"].as_str().unwrap().to_owned(),
    }
}

/// The contract's invoices in one list (`pendings`, `fractions`, `freezed`, `paid`), as
/// the client's app reads them.
async fn list(app: &TestApp, token: &str, contract: &Contract, status: &str) -> Vec<Value> {
    let path = format!("/api/v1/contracts/{}/invoices/{status}/", contract.hash);
    let (code, body) = status_json(app.get(&path, Some(token)).await).await;
    assert_eq!(code, 200, "{path}: {body}");
    body["results"].as_array().unwrap().clone()
}

fn of_type<'a>(invoices: &'a [Value], code_name: &str) -> Vec<&'a Value> {
    invoices
        .iter()
        .filter(|invoice| invoice["type"]["code_name"] == code_name)
        .collect()
}

/// Every penalty of the contract (any status) as (penalized weekly fee, due date).
async fn penalties(app: &TestApp, contract: &Contract) -> Vec<(i64, String)> {
    sqlx::query_as(
        "select penalized_invoice_id, due_date from invoices
         where contract_id = $1 and type_code = 'penalty' order by penalized_invoice_id",
    )
    .bind(contract.id)
    .fetch_all(app.store.pool())
    .await
    .unwrap()
}

async fn week(app: &TestApp, contract: &Contract, week: i64) -> i64 {
    sqlx::query_scalar("select invoice_id from invoices where contract_id = $1 and week = $2")
        .bind(contract.id)
        .bind(week)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Sets invoices' status with SQL (there is no payment endpoint to do it with).
async fn set_status(app: &TestApp, invoice_ids: &[i64], status: &str, paid: Option<NaiveDate>) {
    for id in invoice_ids {
        sqlx::query("update invoices set status = $1, paid_date = $2 where invoice_id = $3")
            .bind(status)
            .bind(paid.map(day_text))
            .bind(id)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
}

async fn contract_status(app: &TestApp, contract: &Contract) -> String {
    sqlx::query_scalar("select status from contracts where contract_id = $1")
        .bind(contract.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn runs(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from billing_runs")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// The `(run_date, trigger)` of the first billing run to finish, waiting up to 30 s for one.
async fn finished_run(app: &TestApp) -> Option<(String, String)> {
    for _ in 0..300 {
        let seen = sqlx::query_as::<_, (String, String)>(
            "select run_date, trigger from billing_runs where finished_at is not null",
        )
        .fetch_optional(app.store.pool())
        .await
        .unwrap();
        if seen.is_some() {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Week 1 of a contract falls due on `due`: no penalty on `due` + 3 grace days, one the
/// day after, shown in the client's pending list with the configured amount, dated the
/// run's day, after every week of the schedule.
async fn a_penalty_comes_the_day_after_the_grace_days(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let (client, token) = new_client(&app, "40000001").await;
    let due = days_ago(10);
    let contract = active_contract(&app, &staff, client, 130, due - Days::new(7)).await;

    run_on(&app, due + Days::new(3)).await;
    let within_grace = penalties(&app, &contract).await;
    run_on(&app, due + Days::new(4)).await;
    let pendings = list(&app, &token, &contract, "pendings").await;

    assert_eq!(within_grace, []);
    let added = of_type(&pendings, "penalty");
    assert_eq!(added.len(), 1, "{added:?}");
    let penalty = added[0];
    let week_one = week(&app, &contract, 1).await;
    assert_eq!(
        penalties(&app, &contract).await,
        [(week_one, day_text(due + Days::new(4)))]
    );
    assert_eq!(penalty["status"], "pending");
    assert_eq!(penalty["total"], json!(20));
    assert_eq!(penalty["total_with_discount"], json!(20));
    assert_eq!(penalty["priority"], json!(131));
    assert_eq!(penalty["due_date"], json!(day_text(due + Days::new(4))));
    assert_eq!(penalty["paid_date"], Value::Null);
    assert_eq!(
        penalty["type"],
        json!({ "name": "Penalidad", "code_name": "penalty" })
    );
    assert_eq!(penalty["contract"], json!(contract.hash));
    assert_eq!(
        penalty["observations"],
        json!(format!(
            "Penalidad por la cuota semanal 1 vencida el {}",
            day_text(due)
        ))
    );
    assert_eq!(of_type(&pendings, "weekly_fee").len(), 130);
}

/// Five weeks late: five penalties, one per week, numbered after the schedule; the same
/// run again, and a run on a later day, add none; each run is logged.
async fn each_late_fee_gets_one_penalty_and_a_second_run_adds_none(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let (client, token) = new_client(&app, "40000002").await;
    // Weeks 1 to 5 fall due 33, 26, 19, 12 and 5 days ago; week 6 in two days.
    let contract = active_contract(&app, &staff, client, 130, days_ago(40)).await;
    let runs_before = runs(&app).await;

    let first = run_on(&app, today()).await;
    let second = run_on(&app, today()).await;
    let later = billing::run(
        &app.store,
        &settings(),
        today() + Days::new(1),
        Trigger::Schedule,
    )
    .await
    .unwrap();

    assert!(first.penalties_added >= 5, "{first:?}");
    assert_eq!(
        (
            second.schedules_created,
            second.penalties_added,
            second.contracts_finished
        ),
        (0, 0, 0),
        "{second:?}"
    );
    assert!(second.is_empty());
    assert_eq!(later.penalties_added, 0, "{later:?}");
    let mut expected = Vec::new();
    for n in 1..=5 {
        expected.push((week(&app, &contract, n).await, day_text(today())));
    }
    assert_eq!(penalties(&app, &contract).await, expected);
    let pendings = list(&app, &token, &contract, "pendings").await;
    let mut priorities: Vec<i64> = of_type(&pendings, "penalty")
        .iter()
        .map(|p| p["priority"].as_i64().unwrap())
        .collect();
    priorities.sort_unstable();
    assert_eq!(priorities, [131, 132, 133, 134, 135]);
    let logged: Vec<(String, String, Option<i64>, i64)> = sqlx::query_as(
        "select run_date, trigger, finished_at, penalties_added from billing_runs
         where billing_run_id > $1 order by billing_run_id",
    )
    .bind(first.run_id - 1)
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(runs(&app).await, runs_before + 3);
    assert_eq!(logged.len(), 3);
    assert_eq!(
        (logged[0].0.as_str(), logged[0].1.as_str()),
        (day_text(today()).as_str(), "command")
    );
    assert_eq!(logged[0].3, first.penalties_added as i64);
    assert_eq!(logged[1].3, 0);
    assert_eq!(logged[2].1, "schedule");
    assert!(logged.iter().all(|run| run.2.is_some()), "{logged:?}");
}

/// Of four late weeks, one frozen by staff, one paid, one cancelled, one split into
/// fractions: only the split one earns a penalty.
async fn frozen_paid_and_cancelled_fees_earn_none(app: TestApp) {
    let staff = app.staff_token("admin").await;
    let (client, token) = new_client(&app, "40000003").await;
    // Weeks 1 to 4 fall due 29, 22, 15 and 8 days ago.
    let contract = active_contract(&app, &staff, client, 130, days_ago(36)).await;
    let weeks = [
        week(&app, &contract, 1).await,
        week(&app, &contract, 2).await,
        week(&app, &contract, 3).await,
        week(&app, &contract, 4).await,
    ];
    let (status, body) = status_json(
        app.backoffice(
            Method::POST,
            &format!("/invoices/{}/freeze/", weeks[0]),
            &staff,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    set_status(&app, &weeks[1..2], "paid", Some(days_ago(20))).await;
    set_status(&app, &weeks[2..3], "cancelled", None).await;
    set_status(&app, &weeks[3..4], "fraction", None).await;

    run_on(&app, today()).await;

    assert_eq!(
        penalties(&app, &contract).await,
        [(weeks[3], day_text(today()))]
    );
    let freezed = list(&app, &token, &contract, "freezed").await;
    assert_eq!(freezed.len(), 1);
    assert_eq!(freezed[0]["id"], json!(weeks[0]));
    assert_eq!(
        of_type(&list(&app, &token, &contract, "pendings").await, "penalty").len(),
        1
    );
}

/// A contract whose weekly fees are all paid (or cancelled) is finished by the run, with
/// an audit entry by no staff member; one with a fee still owed, even frozen, is not.
async fn a_contract_paid_in_full_is_finished(app: TestApp) {
    let staff = app.staff_token("admin").await;
    let (client, _token) = new_client(&app, "40000004").await;
    let start = days_ago(40);
    let paid = active_contract(&app, &staff, client, 4, start).await;
    let with_cancelled = active_contract(&app, &staff, client, 4, start).await;
    let with_frozen = active_contract(&app, &staff, client, 4, start).await;
    let with_pending = active_contract(&app, &staff, client, 4, start).await;
    for contract in [&paid, &with_cancelled, &with_frozen, &with_pending] {
        let mut ids = Vec::new();
        for n in 1..=4 {
            ids.push(week(&app, contract, n).await);
        }
        set_status(&app, &ids, "paid", Some(days_ago(9))).await;
    }
    set_status(
        &app,
        &[week(&app, &with_cancelled, 4).await],
        "cancelled",
        None,
    )
    .await;
    set_status(&app, &[week(&app, &with_frozen, 4).await], "freezed", None).await;
    set_status(&app, &[week(&app, &with_pending, 4).await], "pending", None).await;

    let first = run_on(&app, today()).await;
    let second = run_on(&app, today()).await;

    assert!(first.contracts_finished >= 2, "{first:?}");
    assert_eq!(second.contracts_finished, 0);
    assert_eq!(contract_status(&app, &paid).await, "contract_finished");
    assert_eq!(
        contract_status(&app, &with_cancelled).await,
        "contract_finished"
    );
    assert_eq!(contract_status(&app, &with_frozen).await, "contract_active");
    assert_eq!(
        contract_status(&app, &with_pending).await,
        "contract_active"
    );
    let audit: Vec<(Option<i64>, String, String, Option<String>)> = sqlx::query_as(
        "select staff_id, action, target_type, after_json from audit_entries
         where target_id = $1 and action = 'contract.finish'",
    )
    .bind(paid.id.to_string())
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].0, None);
    assert_eq!(audit[0].2, "contract");
    let after: Value = serde_json::from_str(audit[0].3.as_deref().unwrap()).unwrap();
    assert_eq!(after["status"], "contract_finished");
    let (status, detail) = status_json(
        app.backoffice(
            Method::GET,
            &format!("/contracts/{}/", paid.id),
            &staff,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, &detail["status"]),
        (200, &json!("contract_finished"))
    );
    // The week 4 still owed of the pending contract earned its penalty meanwhile.
    assert_eq!(penalties(&app, &with_pending).await.len(), 1);
}

/// An active contract with no invoices (imported, or activated before invoices existed)
/// gets its whole schedule, with the client's Uber plan discount, and then its penalties;
/// the next run creates nothing.
async fn an_active_contract_without_invoices_gets_its_schedule(app: TestApp) {
    let staff = app.staff_token("admin").await;
    let (client, token) = new_client(&app, "40000005").await;
    let (plan, percent): (i64, i64) = sqlx::query_as(
        "select uber_plan_id, discount_percent from uber_plans
         where discount_percent > 0 order by uber_plan_id limit 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    sqlx::query("update clients set uber_plan_id = $1 where client_id = $2")
        .bind(plan)
        .bind(client)
        .execute(app.store.pool())
        .await
        .unwrap();
    let contract = pending_contract(&app, &staff, client, 130).await;
    // Made active directly, as an import would: no schedule. Week 1 fell due 10 days ago,
    // week 2 three days ago (not late yet with 3 grace days).
    sqlx::query(
        "update contracts set status = 'contract_active', start_date = $1 where contract_id = $2",
    )
    .bind(day_text(days_ago(17)))
    .bind(contract.id)
    .execute(app.store.pool())
    .await
    .unwrap();
    let none = list(&app, &token, &contract, "pendings").await;

    let first = run_on(&app, today()).await;
    let second = run_on(&app, today()).await;

    assert_eq!(none, Vec::<Value>::new());
    assert!(first.schedules_created >= 1, "{first:?}");
    assert!(first.schedule_invoices >= 130, "{first:?}");
    assert_eq!((second.schedules_created, second.schedule_invoices), (0, 0));
    let pendings = list(&app, &token, &contract, "pendings").await;
    let weekly = of_type(&pendings, "weekly_fee");
    assert_eq!(weekly.len(), 130);
    assert_eq!(weekly[0]["due_date"], json!(day_text(days_ago(10))));
    assert_eq!(weekly[0]["priority"], json!(1));
    assert_eq!(weekly[0]["total"], json!(480.5));
    // 480.50 less the plan's percent, rounded half-up to the cent.
    let discount = (48050 * percent + 50) / 100;
    let expected = rust_decimal::Decimal::new(48050 - discount, 2).normalize();
    assert_eq!(
        weekly[0]["total_with_discount"].to_string(),
        expected.to_string()
    );
    assert_eq!(weekly[0]["discounts"][0]["type"], "uber_plan");
    assert_eq!(
        penalties(&app, &contract).await,
        [(week(&app, &contract, 1).await, day_text(today()))]
    );
}

/// While one run holds the lock, another does nothing and says so; once released, the
/// next run goes ahead.
async fn a_second_run_is_refused_while_one_holds_the_lock(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let (client, _token) = new_client(&app, "40000006").await;
    // Weeks 1 and 2 fell due 13 and 6 days ago: both late.
    let contract = active_contract(&app, &staff, client, 130, days_ago(20)).await;
    let runs_before = runs(&app).await;

    let held = JobLock::acquire(&app.store, billing::JOB).await.unwrap();
    let refused = billing::run(&app.store, &settings(), today(), Trigger::Command).await;
    let from_the_command = billing_command(&app, &[]).await;
    let runs_while_held = runs(&app).await;
    let penalties_while_held = penalties(&app, &contract).await;
    held.release().await;
    let after = billing::run(&app.store, &settings(), today(), Trigger::Command).await;

    let error = refused.expect_err("a second run is refused");
    assert!(error.is::<AlreadyRunning>(), "{error:#}");
    assert!(
        error
            .to_string()
            .starts_with("another billing run is in progress"),
        "{error}"
    );
    assert_eq!(from_the_command.code, Some(1), "{from_the_command:?}");
    assert!(
        from_the_command
            .stderr
            .contains("another billing run is in progress"),
        "{from_the_command:?}"
    );
    assert_eq!(from_the_command.stdout, "");
    assert_eq!(runs_while_held, runs_before);
    assert_eq!(penalties_while_held, []);
    assert!(after.is_ok(), "{after:?}");
    assert_eq!(penalties(&app, &contract).await.len(), 2);
}

/// The daily run that finds another process holding the lock does not give up the day:
/// it looks again soon, and runs once the other has gone without finishing.
async fn the_daily_run_waits_for_a_held_lock(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let (client, _token) = new_client(&app, "40000016").await;
    let contract = active_contract(&app, &staff, client, 130, days_ago(20)).await;
    let daily = BillingSettings {
        run_at: NaiveTime::MIN,
        lock_retry: Duration::from_millis(100),
        ..settings()
    };

    // Another process's run holds the lock, then dies without finishing.
    let held = JobLock::acquire(&app.store, billing::JOB).await.unwrap();
    let scheduler = tokio::spawn(billing::scheduler(app.store.clone(), daily));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runs_while_held = runs(&app).await;
    drop(held);
    let finished = finished_run(&app).await;
    scheduler.abort();

    assert_eq!(runs_while_held, 0);
    assert_eq!(
        finished.map(|(_, trigger)| trigger).as_deref(),
        Some("schedule")
    );
    assert_eq!(penalties(&app, &contract).await.len(), 2);
}

/// A run cut short in the middle of a batch (the process killed, the server stopped):
/// the batches committed before it are whole, the one in flight left nothing, the other
/// contracts are untouched; the next run completes the rest, with no penalty twice.
async fn a_run_cut_short_leaves_each_contract_done_or_untouched(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let (client, _token) = new_client(&app, "40000007").await;
    let mut contracts = Vec::new();
    for _ in 0..8 {
        // Weeks 1 to 3 late on the run's day.
        contracts.push(active_contract(&app, &staff, client, 130, days_ago(28)).await);
    }
    let (watch, mut batches) = tokio::sync::mpsc::channel(1);
    let tuning = Tuning {
        schedule_batch: 1,
        batch: 2,
        before_commit: Some(watch),
    };
    let store = app.store.clone();
    let mut cut = tokio::spawn(async move {
        billing::run_tuned(&store, &settings(), today(), Trigger::Command, &tuning).await
    });
    // Two batches of penalties are let through and commit; the run is killed in the
    // third, its work done but not committed.
    let mut committed: Vec<i64> = Vec::new();
    let mut in_flight = Vec::new();
    let mut penalty_batches = 0;
    tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(batch) = batches.recv().await {
            if batch.step != Step::Penalties {
                // A demo contract lacking weeks: let it through.
                continue;
            }
            penalty_batches += 1;
            if penalty_batches == 3 {
                in_flight = batch.contract_ids.clone();
                cut.abort();
                let _ = (&mut cut).await;
                return;
            }
            committed.extend(&batch.contract_ids);
        }
        panic!("the run ended before its third batch of penalties");
    })
    .await
    .expect("three batches of penalties come");
    let in_committed = |id: i64| committed.contains(&id);
    let mut done = 0;
    for contract in &contracts {
        let count = penalties(&app, contract).await.len();
        if in_committed(contract.id) {
            assert_eq!(count, 3, "contract {} was committed", contract.id);
            done += 1;
        } else {
            assert_eq!(count, 0, "contract {} was not", contract.id);
        }
        assert!(!(in_flight.contains(&contract.id) && count > 0));
    }
    assert!(done < contracts.len(), "the run was cut before the end");
    let (finished_at, logged): (Option<i64>, i64) = sqlx::query_as(
        "select finished_at, penalties_added from billing_runs
         order by billing_run_id desc limit 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(finished_at, None);
    let mut ours = 0;
    for contract in &contracts {
        ours += penalties(&app, contract).await.len() as i64;
    }
    assert!(logged >= ours, "{logged} logged, {ours} ours");

    // The next run; on PostgreSQL the killed run's session may take a moment to end.
    let mut next = None;
    for _ in 0..100 {
        match billing::run(&app.store, &settings(), today(), Trigger::Command).await {
            Err(err) if err.is::<AlreadyRunning>() => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => {
                next = Some(other.unwrap());
                break;
            }
        }
    }
    let next = next.expect("the lock of the killed run is released");
    for contract in &contracts {
        let found = penalties(&app, contract).await;
        assert_eq!(found.len(), 3, "contract {}", contract.id);
        let mut penalized: Vec<i64> = found.iter().map(|p| p.0).collect();
        penalized.dedup();
        assert_eq!(penalized.len(), 3);
    }
    assert!(
        next.penalties_added >= 3 * (contracts.len() - done) as u64,
        "{next:?}"
    );
}

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The app's database as a URL the binary can open.
async fn database_url(app: &TestApp) -> String {
    match app.db {
        Db::Sqlite => app
            .files_dir
            .parent()
            .unwrap()
            .join("leasy.db")
            .to_string_lossy()
            .into_owned(),
        Db::Postgres => {
            let name: String = sqlx::query_scalar("select cast(current_database() as text)")
                .fetch_one(app.store.pool())
                .await
                .unwrap();
            let admin = std::env::var("LEASY_TEST_POSTGRES_URL").unwrap();
            let (base, query) = match admin.split_once('?') {
                Some((base, query)) => (base.to_owned(), format!("?{query}")),
                None => (admin.clone(), String::new()),
            };
            let scheme_end = base.find("://").map_or(0, |i| i + 3);
            let host = match base[scheme_end..].find('/') {
                Some(slash) => &base[..scheme_end + slash],
                None => &base,
            };
            format!("{host}/{name}{query}")
        }
    }
}

/// `leasy billing run` with `args`, on the app's database, in a folder of its own.
pub async fn billing_command(app: &TestApp, args: &[&str]) -> Output {
    let url = database_url(app).await;
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || command(dir.path(), &url, &args))
        .await
        .unwrap()
}

fn command(dir: &Path, url: &str, args: &[String]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_leasy"))
        .current_dir(dir)
        .env_clear()
        .env("LEASY_LOG", "warn")
        .args(["billing", "run", "--database-url", url])
        .args(args)
        .output()
        .unwrap();
    Output {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `leasy billing run --date D` bills for that day and prints one line; again, it adds
/// nothing; a malformed date or one after today is refused.
async fn the_command_runs_the_billing_for_a_date(app: TestApp) {
    let staff = app.staff_token("ops").await;
    let (client, token) = new_client(&app, "40000008").await;
    // Week 1 fell due 10 days ago: late on the day 6 days ago, not on the day before.
    let contract = active_contract(&app, &staff, client, 130, days_ago(17)).await;
    let day = day_text(days_ago(6));

    let early = billing_command(&app, &["--date", &day_text(days_ago(7))]).await;
    let first = billing_command(&app, &["--date", &day]).await;
    let again = billing_command(&app, &["--date", &day]).await;
    let malformed = billing_command(&app, &["--date", "2026-13-01"]).await;
    let future = billing_command(&app, &["--date", &day_text(today() + Days::new(1))]).await;
    let bad_amount = billing_command(&app, &["--penalty-amount", "0"]).await;

    assert_eq!(early.code, Some(0), "{early:?}");
    assert_eq!(first.code, Some(0), "{first:?}");
    let line = first.stdout.trim_end();
    assert_eq!(line.lines().count(), 1, "{first:?}");
    assert!(
        line.starts_with(&format!(
            "billing run for {day}: 0 schedules created (0 invoices), "
        )),
        "{line}"
    );
    assert!(line.contains(" penalties added, ") || line.contains(" penalty added, "));
    assert!(line.ends_with(" s"), "{line}");
    assert_eq!(again.code, Some(0), "{again:?}");
    assert!(
        again.stdout.contains(
            ": 0 schedules created (0 invoices), 0 penalties added, 0 contracts finished, in "
        ),
        "{again:?}"
    );
    let pendings = list(&app, &token, &contract, "pendings").await;
    let added = of_type(&pendings, "penalty");
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["due_date"], json!(day));
    assert_eq!(malformed.code, Some(2), "{malformed:?}");
    assert!(malformed.stderr.contains("2026-13-01"), "{malformed:?}");
    assert_eq!(future.code, Some(1), "{future:?}");
    assert!(future.stderr.contains("after today"), "{future:?}");
    assert_eq!(bad_amount.code, Some(2), "{bad_amount:?}");
    assert!(bad_amount.stderr.contains("penalty"), "{bad_amount:?}");
}

crate::db_tests!(
    a_penalty_comes_the_day_after_the_grace_days,
    each_late_fee_gets_one_penalty_and_a_second_run_adds_none,
    frozen_paid_and_cancelled_fees_earn_none,
    a_contract_paid_in_full_is_finished,
    an_active_contract_without_invoices_gets_its_schedule,
    a_second_run_is_refused_while_one_holds_the_lock,
    the_daily_run_waits_for_a_held_lock,
    a_run_cut_short_leaves_each_contract_done_or_untouched,
    the_command_runs_the_billing_for_a_date,
);

/// `serve` with the daily run on and its time already past today catches up at start:
/// a run triggered by the schedule appears and finishes. The test servers have it off.
async fn serve_catches_up_on_a_missed_daily_run(db: Db) {
    assert!(
        !leasy::config::ServerConfig::local("files".into())
            .billing
            .schedule
    );
    let Some(app) = TestApp::spawn_with(db, |config| {
        config.billing.schedule = true;
        config.billing.run_at = NaiveTime::MIN;
    })
    .await
    else {
        return;
    };
    let seen = finished_run(&app).await;
    assert_eq!(
        seen,
        Some((day_text(today()), "schedule".to_owned())),
        "the daily run caught up"
    );
}

crate::db_cases!(serve_catches_up_on_a_missed_daily_run);
