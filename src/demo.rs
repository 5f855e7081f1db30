//! Demo data: the client of the API reference's example, a second client to show that
//! each sees only their own data, and synthetic clients for benchmarks. Loading twice
//! changes nothing.

use std::path::Path;

use anyhow::Context;
use chrono::{Datelike, Days, Duration, NaiveDate};

use crate::{
    domain::{
        card::MaskedCardNumber,
        finances::Period,
        invoice::{self, FractionPlan, InvoiceStatus},
        money::Money,
        password, time,
    },
    store::{
        Backend, Store, Tx,
        cards::{self, NewCard},
        cars::{self, NewCar, NewCarDocument},
        clients::{self, NewClient},
        contracts::{self, NewContract},
        finances::{self, Span},
        invoice_admin, invoices,
    },
};

pub const DEMO_DOCUMENT: &str = "12345678";
pub const DEMO_PASSWORD: &str = "demo123";
pub const SECOND_DOCUMENT: &str = "87654321";
/// The hashes of the two demo clients' contracts.
pub const REFERENCE_CONTRACT: &str = "9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a10";
pub const SECOND_CONTRACT: &str = "c3a1b2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
/// The penalty the demo's late weeks carry: the default penalty amount, added the day
/// after the default three grace days.
const DEMO_PENALTY: Money = Money::from_cents(2000);
const DEMO_GRACE_DAYS: u64 = 3;

/// Demo files, written under the files folder at these paths.
const FILES: [(&str, &[u8]); 4] = [
    (
        "soat/demo-soat-abc123.pdf",
        include_bytes!("../assets/demo/soat.pdf"),
    ),
    (
        "secure/demo-secure-abc123.pdf",
        include_bytes!("../assets/demo/insurance.pdf"),
    ),
    (
        "photos/demo-cobalt-front.png",
        include_bytes!("../assets/demo/car-front.png"),
    ),
    (
        "photos/demo-cobalt-side.png",
        include_bytes!("../assets/demo/car-side.png"),
    ),
];

/// Loads the demo clients unless they are there already, and makes sure their files
/// exist in `files_dir`.
pub async fn load(store: &Store, files_dir: &Path) -> anyhow::Result<()> {
    write_files(files_dir).await?;
    if let Some(login) = clients::find_login(store.pool(), DEMO_DOCUMENT).await? {
        // A demo loaded before the finances notebook existed gets its entries now.
        let page = finances::incomes(store.pool(), login.client_id, Span::ALL, 1, 0).await?;
        if page.is_empty() {
            let mut tx = store.begin_write().await?;
            insert_finances(&mut tx, login.client_id, time::now_unix()).await?;
            tx.commit().await?;
        }
        // A demo loaded before the invoice engine existed gets its invoices now.
        let mut tx = store.begin_write().await?;
        add_missing_invoices(&mut tx, store.backend(), login.client_id).await?;
        tx.commit().await?;
        tracing::info!("demo data already loaded");
        return Ok(());
    }
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD)).await?;
    let mut tx = store.begin_write().await?;
    insert_reference_client(&mut tx, &hash).await?;
    insert_second_client(&mut tx, store.backend(), &hash).await?;
    tx.commit().await?;
    tracing::info!("demo data loaded");
    Ok(())
}

async fn write_files(files_dir: &Path) -> anyhow::Result<()> {
    for (path, bytes) in FILES {
        let target = files_dir.join(path);
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            continue;
        }
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .with_context(|| format!("cannot create {parent:?}"))?;
        }
        tokio::fs::write(&target, bytes)
            .await
            .with_context(|| format!("cannot write {target:?}"))?;
    }
    Ok(())
}

/// The client of the reference's example: an active Chevrolet Cobalt 2018 contract at
/// S/ 525 a week with automatic charges, a Kushki MASTERCARD and a plain visa card.
async fn insert_reference_client(tx: &mut Tx, hash: &str) -> anyhow::Result<()> {
    let now = time::now_unix();
    let client_id = clients::insert(
        &mut **tx,
        &NewClient {
            document: DEMO_DOCUMENT,
            first_name: "José",
            last_name: "Ñahui Pérez",
            email: "jose.nahui@example.pe",
            address: "Av. Javier Prado Este 1234, San Isidro, Lima",
            phone_number: "987654321",
            password_hash: hash,
        },
        now - 21 * 7 * 24 * 3600,
    )
    .await?;
    sqlx::query("update clients set firebase_token = $1 where client_id = $2")
        .bind("demo-firebase-token")
        .bind(client_id)
        .execute(&mut **tx)
        .await?;
    let car_id = cars::insert_car(
        &mut **tx,
        &NewCar {
            hash: "5f0c2a8e-3d4b-4c6e-9a1f-2b7d8e9c0a11",
            brand: "Chevrolet",
            model: "Cobalt",
            year: "2018",
            license_plate: "ABC-123",
        },
        now,
    )
    .await?;
    let due = (time::lima_today() + Duration::days(200)).to_string();
    let licence_due = (time::lima_today() + Duration::days(900)).to_string();
    for (kind, number, owner, due_date, file) in [
        (
            "soat",
            "SOAT-2026-778812",
            "Leasy S.A.C.",
            Some(&due),
            Some(FILES[0].0),
        ),
        (
            "insurance",
            "POL-55-000123",
            "Leasy S.A.C.",
            Some(&due),
            Some(FILES[1].0),
        ),
        ("ownership_card", "TIVE-0193384", "Leasy S.A.C.", None, None),
        (
            "technical_inspection",
            "CITV-2026-44120",
            "Leasy S.A.C.",
            Some(&due),
            None,
        ),
        (
            "driver_license",
            "Q12345678",
            "José Ñahui Pérez",
            Some(&licence_due),
            None,
        ),
    ] {
        cars::insert_car_document(
            &mut **tx,
            &NewCarDocument {
                car_id,
                kind,
                number,
                owner,
                due_date: due_date.map(String::as_str),
                file_path: file,
            },
            now,
        )
        .await?;
    }
    for (position, (path, _)) in FILES[2..].iter().enumerate() {
        cars::insert_car_photo(&mut **tx, car_id, path, position as i64, now).await?;
    }
    let start_day = time::lima_today() - Duration::weeks(20);
    let start = start_day.to_string();
    let contract_id = contracts::insert(
        &mut **tx,
        &NewContract {
            hash: REFERENCE_CONTRACT,
            client_id,
            car_id,
            status: "contract_active",
            weekly_amount: Money::from_cents(52500),
            weeks: 130,
            start_date: Some(&start),
            auto_charge: true,
        },
        now - 20 * 7 * 24 * 3600,
    )
    .await?;
    insert_reference_invoices(tx, contract_id, start_day, now - 20 * 7 * 24 * 3600).await?;
    insert_cards(tx, client_id, now).await?;
    insert_finances(tx, client_id, now).await
}

async fn insert_cards(tx: &mut Tx, client_id: i64, now: i64) -> anyhow::Result<()> {
    let kushki = MaskedCardNumber::parse("545195XXXXXX5480").expect("valid mask");
    let visa = MaskedCardNumber::parse("454775******6006").expect("valid mask");
    cards::insert(
        &mut **tx,
        &NewCard {
            client_id,
            card_number: &kushki,
            brand: "MASTERCARD",
            expiration_month: None,
            expiration_year: None,
            kushki_subscription_id: "1676385575463000",
        },
        now,
    )
    .await?;
    cards::insert(
        &mut **tx,
        &NewCard {
            client_id,
            card_number: &visa,
            brand: "visa",
            expiration_month: Some("03"),
            expiration_year: Some("22"),
            kushki_subscription_id: "",
        },
        now,
    )
    .await?;
    Ok(())
}

/// The demo client's incomes in the previous Lima month: (day of the month, hour, cents).
const PREVIOUS_INCOMES: [(i64, i64, i64); 4] = [
    (2, 20, 18000),
    (9, 21, 21050),
    (16, 19, 19575),
    (23, 22, 24000),
];

/// Expenses in the previous Lima month: (day, hour, category code, cents).
const PREVIOUS_EXPENSES: [(i64, i64, &str, i64); 5] = [
    (3, 8, "fuel", 6000),
    (8, 10, "leasy_fee", 52500),
    (12, 14, "tolls", 550),
    (19, 13, "food", 1890),
    (26, 9, "maintenance", 12000),
];

/// Incomes so far this Lima month: (tenths of the month elapsed, cents).
const CURRENT_INCOMES: [(i64, i64); 3] = [(2, 16530), (5, 22000), (8, 9845)];

/// Expenses so far this Lima month: (tenths elapsed, category code, cents).
const CURRENT_EXPENSES: [(i64, &str, i64); 4] = [
    (1, "fuel", 5520),
    (3, "car_wash", 1500),
    (6, "food", 1240),
    (9, "other", 735),
];

/// A finances notebook over the previous and the current Lima month. This month's entries
/// are spread over the part of it already gone, so none lies in the future.
async fn insert_finances(tx: &mut Tx, client_id: i64, now: i64) -> anyhow::Result<()> {
    let this_month = Period::month_of(time::lima_today().year(), time::lima_today().month());
    let (month_start, _) = this_month.unix_bounds();
    let (previous_start, _) = this_month.previous_month().unix_bounds();
    let at = |day: i64, hour: i64| previous_start + (day - 1) * 86_400 + hour * 3600;
    let elapsed = (now - month_start).max(0);
    let so_far = |tenths: i64| month_start + elapsed * tenths / 10;

    for (day, hour, cents) in PREVIOUS_INCOMES {
        finances::insert_income(
            &mut **tx,
            client_id,
            Money::from_cents(cents),
            at(day, hour),
        )
        .await?;
    }
    for (tenths, cents) in CURRENT_INCOMES {
        finances::insert_income(
            &mut **tx,
            client_id,
            Money::from_cents(cents),
            so_far(tenths),
        )
        .await?;
    }
    let expenses = PREVIOUS_EXPENSES
        .iter()
        .map(|&(day, hour, code, cents)| (at(day, hour), code, cents))
        .chain(
            CURRENT_EXPENSES
                .iter()
                .map(|&(tenths, code, cents)| (so_far(tenths), code, cents)),
        );
    for (created_at, code, cents) in expenses {
        let category = finances::category_by_code(&mut **tx, code)
            .await?
            .with_context(|| format!("expense category {code} is missing"))?;
        finances::insert_expense(
            &mut **tx,
            client_id,
            category.expense_category_id,
            Money::from_cents(cents),
            created_at,
        )
        .await?;
    }
    Ok(())
}

/// The reference client's invoices, twenty weeks into the contract: weeks 1 to 16 paid,
/// week 17 frozen (the car was in the workshop), week 18 split into two fractions (the
/// first due and active), week 19 with a discount, weeks 18 and 19 late with their
/// penalties, week 20 due today.
async fn insert_reference_invoices(
    tx: &mut Tx,
    contract_id: i64,
    start: NaiveDate,
    now: i64,
) -> anyhow::Result<()> {
    invoices::create_schedule(tx, contract_id, start, 130, Money::from_cents(52500), now).await?;
    let due = |week: u64| start + Days::new(week * 7);
    for week in 1..=16 {
        let id = week_invoice(tx, contract_id, week).await?;
        // Paid on the due date or a day or two before it.
        invoices::mark_paid(tx, id, due(week) - Days::new(week % 3)).await?;
    }
    let frozen = week_invoice(tx, contract_id, 17).await?;
    invoice_admin::set_status(tx, frozen, InvoiceStatus::Pending, InvoiceStatus::Freezed).await?;
    invoice_admin::set_observations(tx, frozen, "Auto en el taller: cuota congelada").await?;

    let split = week_invoice(tx, contract_id, 18).await?;
    let half = FractionPlan {
        amount: Money::from_cents(26250),
        due_date: due(18),
    };
    let later = FractionPlan {
        due_date: time::lima_today() + Days::new(7),
        ..half
    };
    invoice_admin::insert_fractions(tx, split, &[half, later], now).await?;
    invoice_admin::set_status(tx, split, InvoiceStatus::Pending, InvoiceStatus::Fraction).await?;

    let discounted = week_invoice(tx, contract_id, 19).await?;
    invoices::add_discount(
        tx,
        &invoices::NewDiscount {
            invoice_id: discounted,
            kind: "manual",
            amount: Money::from_cents(5000),
            observations: "Compensación por días sin auto",
            staff_id: None,
        },
        now,
    )
    .await?;

    for (week, late) in [(18, split), (19, discounted)] {
        let priority = invoices::next_priority(tx, contract_id).await?;
        let added_on = due(week) + Days::new(DEMO_GRACE_DAYS + 1);
        let observations = format!(
            "Penalidad por la cuota semanal {week} vencida el {}",
            due(week)
        );
        invoices::insert(
            tx,
            &invoices::NewInvoice {
                contract_id,
                type_code: invoice::PENALTY,
                priority,
                due_date: added_on,
                total: DEMO_PENALTY,
                observations: &observations,
                penalized_invoice_id: Some(late),
            },
            // Created the morning of the day the billing run would have added it.
            time::lima_instant(added_on, chrono::NaiveTime::MIN + Duration::hours(6)),
        )
        .await?;
    }
    Ok(())
}

/// The second client's invoices, three weeks in: weeks 1 and 2 paid, week 3 due today.
async fn insert_second_invoices(
    tx: &mut Tx,
    contract_id: i64,
    start: NaiveDate,
    now: i64,
) -> anyhow::Result<()> {
    invoices::create_schedule(tx, contract_id, start, 130, Money::from_cents(48050), now).await?;
    for week in 1..=2 {
        let id = week_invoice(tx, contract_id, week).await?;
        invoices::mark_paid(tx, id, start + Days::new(week * 7)).await?;
    }
    Ok(())
}

async fn week_invoice(tx: &mut Tx, contract_id: i64, week: u64) -> anyhow::Result<i64> {
    invoices::week_of(tx, contract_id, week as i64)
        .await?
        .with_context(|| format!("week {week} of contract {contract_id} missing"))
}

/// Gives the demo contracts their invoices when they have none (a database loaded before
/// invoices existed).
async fn add_missing_invoices(
    tx: &mut Tx,
    backend: Backend,
    reference_client_id: i64,
) -> anyhow::Result<()> {
    let now = time::now_unix();
    if let Some((id, start)) =
        uninvoiced_contract(tx, reference_client_id, REFERENCE_CONTRACT).await?
    {
        insert_reference_invoices(tx, id, start, now).await?;
    }
    if let Some(second) = clients::find_login(&mut **tx, SECOND_DOCUMENT).await?
        && let Some((id, start)) =
            uninvoiced_contract(tx, second.client_id, SECOND_CONTRACT).await?
    {
        insert_second_invoices(tx, id, start, now).await?;
        invoices::apply_current_uber_plan(tx, backend, second.client_id, now).await?;
    }
    Ok(())
}

/// The id and start date of a demo contract that has no invoices yet.
async fn uninvoiced_contract(
    tx: &mut Tx,
    client_id: i64,
    hash: &str,
) -> anyhow::Result<Option<(i64, NaiveDate)>> {
    let Some(id) = invoices::contract_of_client(&mut **tx, client_id, hash).await? else {
        return Ok(None);
    };
    if invoices::contract_has_invoices(tx, id).await? {
        return Ok(None);
    }
    let start = contracts::detail(&mut **tx, id)
        .await?
        .and_then(|contract| contract.start_date)
        .as_deref()
        .and_then(time::parse_day);
    Ok(start.map(|start| (id, start)))
}

/// A second client with a car, a contract, a card of her own and the Oro Uber plan (5 %
/// off her unpaid weekly fees).
async fn insert_second_client(tx: &mut Tx, backend: Backend, hash: &str) -> anyhow::Result<()> {
    // She signed up a week before her contract started, three weeks ago.
    let start_day = time::lima_today() - Duration::weeks(3);
    let now = time::lima_instant(
        start_day - Duration::weeks(1),
        chrono::NaiveTime::MIN + Duration::hours(10),
    );
    let client_id = clients::insert(
        &mut **tx,
        &NewClient {
            document: SECOND_DOCUMENT,
            first_name: "María",
            last_name: "Quispe Huamán",
            email: "maria.quispe@example.pe",
            address: "Jr. Cusco 455, Cercado de Lima",
            phone_number: "912345678",
            password_hash: hash,
        },
        now,
    )
    .await?;
    clients::insert_phone(&mut **tx, client_id, "014567890", now).await?;
    let car_id = cars::insert_car(
        &mut **tx,
        &NewCar {
            hash: "0d6f1e2a-7b3c-4d5e-a6f7-8091a2b3c4d5",
            brand: "Kia",
            model: "Rio",
            year: "2021",
            license_plate: "BXT-482",
        },
        now,
    )
    .await?;
    let contract_id = contracts::insert(
        &mut **tx,
        &NewContract {
            hash: SECOND_CONTRACT,
            client_id,
            car_id,
            status: "contract_active",
            weekly_amount: Money::from_cents(48050),
            weeks: 130,
            start_date: Some(&start_day.to_string()),
            auto_charge: false,
        },
        now,
    )
    .await?;
    insert_second_invoices(tx, contract_id, start_day, now).await?;
    let oro = clients::uber_plan_id(&mut **tx, "oro")
        .await?
        .context("the seeded Oro Uber plan is missing")?;
    clients::set_uber_plan(&mut **tx, client_id, Some(oro)).await?;
    invoices::apply_current_uber_plan(tx, backend, client_id, now).await?;
    let card = MaskedCardNumber::parse("411111XXXXXX1111").expect("valid mask");
    cards::insert(
        &mut **tx,
        &NewCard {
            client_id,
            card_number: &card,
            brand: "VISA",
            expiration_month: None,
            expiration_year: None,
            kushki_subscription_id: "1699000000000001",
        },
        now,
    )
    .await?;
    Ok(())
}

/// Synthetic client number `n`: document `7` followed by `n` in seven digits.
pub fn synthetic_document(n: u32) -> String {
    format!("7{n:07}")
}

/// Makes sure synthetic clients 1 to `count` exist, each with a car, its documents, an
/// active contract and two cards; their password is the demo password. Returns how many
/// were added.
///
/// They all share one password hash (one salt), which is acceptable only for test data:
/// hashing each separately would take minutes.
pub async fn synthetic_clients(store: &Store, count: u32) -> anyhow::Result<u32> {
    anyhow::ensure!(count <= 9_999_999, "at most 9,999,999 synthetic clients");
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD)).await?;
    let now = time::now_unix();
    let start = (time::lima_today() - Duration::weeks(4)).to_string();
    let mut added = 0;
    let mut n = 1;
    while n <= count {
        let batch_end = (n + 499).min(count);
        let mut tx = store.begin_write().await?;
        for i in n..=batch_end {
            if insert_synthetic(&mut tx, i, &hash, &start, now).await? {
                added += 1;
            }
        }
        tx.commit().await?;
        n = batch_end + 1;
    }
    Ok(added)
}

async fn insert_synthetic(
    tx: &mut Tx,
    n: u32,
    hash: &str,
    start: &str,
    now: i64,
) -> anyhow::Result<bool> {
    let document = synthetic_document(n);
    let last_name = format!("Sintético {n}");
    let email = format!("cliente{n}@example.pe");
    let client_id: Option<i64> = sqlx::query_scalar(
        "insert into clients
             (document, first_name, last_name, email, address, phone_number, password_hash,
              search_text, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (document) do nothing
         returning client_id",
    )
    .bind(&document)
    .bind("Cliente")
    .bind(&last_name)
    .bind(&email)
    .bind("Av. Arequipa 100, Lima")
    .bind(format!("9{n:08}"))
    .bind(hash)
    .bind(clients::search_text(
        &document, "Cliente", &last_name, &email,
    ))
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(client_id) = client_id else {
        return Ok(false);
    };
    let car_hash = uuid::Uuid::new_v4().to_string();
    let plate = format!("S{n:07}");
    let car_id = cars::insert_car(
        &mut **tx,
        &NewCar {
            hash: &car_hash,
            brand: "Toyota",
            model: "Yaris",
            year: "2022",
            license_plate: &plate,
        },
        now,
    )
    .await?;
    for (kind, file) in [("soat", FILES[0].0), ("insurance", FILES[1].0)] {
        cars::insert_car_document(
            &mut **tx,
            &NewCarDocument {
                car_id,
                kind,
                number: "",
                owner: "Leasy S.A.C.",
                due_date: None,
                file_path: Some(file),
            },
            now,
        )
        .await?;
    }
    let contract_hash = uuid::Uuid::new_v4().to_string();
    contracts::insert(
        &mut **tx,
        &NewContract {
            hash: &contract_hash,
            client_id,
            car_id,
            status: "contract_active",
            weekly_amount: Money::from_cents(50000 + i64::from(n % 100) * 50),
            weeks: 130,
            start_date: Some(start),
            auto_charge: n.is_multiple_of(2),
        },
        now,
    )
    .await?;
    insert_cards(tx, client_id, now).await?;
    Ok(true)
}
