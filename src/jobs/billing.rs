//! The daily billing run. For one Lima day it:
//!
//! 1. completes the weekly schedule of active contracts that lack part of it (activated
//!    before invoices existed, or imported), with the client's Uber plan discount;
//! 2. adds one penalty to every weekly fee still owed (pending or split, never frozen)
//!    past its due date plus the grace days, unless it has one already;
//! 3. finishes active contracts whose weekly fees are all settled, at least one paid.
//!
//! Each step goes through the contracts in batches, each batch one transaction that locks
//! its contracts, reads again what it acts on and commits. A run stopped at any point
//! (killed, crashed, the server shut down) leaves every contract either done or untouched,
//! and the next run does the rest. Nothing is done twice: schedules skip weeks that exist,
//! a weekly fee has at most one penalty (a unique index), a finished contract is no longer
//! active. So a second run for the same day adds nothing.
//!
//! One run at a time, across every process on the database: see `JobLock`.

use std::{collections::BTreeSet, fmt, time::Duration};

use anyhow::Context;
use chrono::{Days, NaiveDate, NaiveTime};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::{AlreadyRunning, JobLock};
use crate::{
    config::BillingSettings,
    domain::{
        invoice::{self, InvoiceStatus},
        time::{self, lima_day, lima_instant, now_unix, parse_day},
    },
    store::{
        self, Store, Tx,
        billing::{NewPenalty, RunCounts},
        invoices,
    },
};

/// The name of the job, for its lock.
pub const JOB: &str = "billing";

/// What started a run, as `billing_runs.trigger` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `leasy billing run`.
    Command,
    /// The daily run inside `leasy serve`.
    Schedule,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Command => "command",
            Self::Schedule => "schedule",
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingReport {
    /// Its row in `billing_runs`.
    pub run_id: i64,
    pub run_date: NaiveDate,
    /// Contracts whose schedule was completed, and the weekly fees that took.
    pub schedules_created: u64,
    pub schedule_invoices: u64,
    pub penalties_added: u64,
    pub contracts_finished: u64,
    pub elapsed: Duration,
}

impl BillingReport {
    /// Whether the run changed nothing.
    pub fn is_empty(&self) -> bool {
        self.schedules_created == 0 && self.penalties_added == 0 && self.contracts_finished == 0
    }
}

impl fmt::Display for BillingReport {
    /// One line: `billing run for 2026-03-20: 2 schedules created (260 invoices), 14
    /// penalties added, 1 contract finished, in 0.42 s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural =
            |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        write!(
            f,
            "billing run for {}: {} {} created ({} {}), {} {} added, {} {} finished, in {:.2} s",
            time::day_text(self.run_date),
            self.schedules_created,
            plural(self.schedules_created, "schedule", "schedules"),
            self.schedule_invoices,
            plural(self.schedule_invoices, "invoice", "invoices"),
            self.penalties_added,
            plural(self.penalties_added, "penalty", "penalties"),
            self.contracts_finished,
            plural(self.contracts_finished, "contract", "contracts"),
            self.elapsed.as_secs_f64()
        )
    }
}

/// A step of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Schedules,
    Penalties,
    Finishing,
}

/// A batch about to commit: its step and its contracts (those still active). The run
/// commits it once `go` is sent or dropped.
#[derive(Debug)]
pub struct Batch {
    pub step: Step,
    pub contract_ids: Vec<i64>,
    pub go: oneshot::Sender<()>,
}

/// How a run cuts its work, and a window on it (for tests and tools).
#[derive(Debug, Clone)]
pub struct Tuning {
    /// Contracts per transaction when completing schedules (each takes up to its number of
    /// weeks in new invoices).
    pub schedule_batch: usize,
    /// Contracts per transaction when adding penalties and finishing contracts.
    pub batch: usize,
    /// When set, each batch is sent here after its work and before its commit, and the
    /// run waits for its `go`.
    pub before_commit: Option<mpsc::Sender<Batch>>,
}

impl Default for Tuning {
    /// Transactions short enough (tens of milliseconds) that the server's own writes keep
    /// flowing beside a run on SQLite, long enough that commits do not dominate.
    fn default() -> Self {
        Self {
            schedule_batch: 25,
            batch: 250,
            before_commit: None,
        }
    }
}

/// Runs the billing for `today` (a Lima day). Fails with `AlreadyRunning` when another
/// run holds the lock, having done nothing.
pub async fn run(
    store: &Store,
    settings: &BillingSettings,
    today: NaiveDate,
    trigger: Trigger,
) -> anyhow::Result<BillingReport> {
    run_tuned(store, settings, today, trigger, &Tuning::default()).await
}

/// `run`, cut into batches as `tuning` says.
pub async fn run_tuned(
    store: &Store,
    settings: &BillingSettings,
    today: NaiveDate,
    trigger: Trigger,
    tuning: &Tuning,
) -> anyhow::Result<BillingReport> {
    let started = std::time::Instant::now();
    let lock = JobLock::acquire(store, JOB).await?;
    let now = now_unix();
    let mut run = Run {
        store,
        settings,
        today,
        tuning,
        lock,
        now,
        report: BillingReport {
            run_id: 0,
            run_date: today,
            schedules_created: 0,
            schedule_invoices: 0,
            penalties_added: 0,
            contracts_finished: 0,
            elapsed: Duration::ZERO,
        },
    };
    let result = run.execute(trigger).await;
    run.lock.release().await;
    result?;
    run.report.elapsed = started.elapsed();
    Ok(run.report)
}

struct Run<'a> {
    store: &'a Store,
    settings: &'a BillingSettings,
    today: NaiveDate,
    tuning: &'a Tuning,
    lock: JobLock,
    now: i64,
    report: BillingReport,
}

impl Run<'_> {
    async fn execute(&mut self, trigger: Trigger) -> anyhow::Result<()> {
        let pool = self.store.pool();
        self.report.run_id =
            store::billing::start_run(pool, self.today, trigger.as_str(), self.now).await?;
        let step = std::time::Instant::now();
        self.complete_schedules()
            .await
            .context("completing schedules")?;
        tracing::debug!(elapsed = ?step.elapsed(), contracts = self.report.schedules_created, "schedules completed");
        let step = std::time::Instant::now();
        self.add_penalties().await.context("adding penalties")?;
        tracing::debug!(elapsed = ?step.elapsed(), penalties = self.report.penalties_added, "penalties added");
        let step = std::time::Instant::now();
        self.finish_contracts()
            .await
            .context("finishing contracts")?;
        tracing::debug!(elapsed = ?step.elapsed(), contracts = self.report.contracts_finished, "contracts finished");
        store::billing::finish_run(pool, self.report.run_id, now_unix()).await?;
        Ok(())
    }

    /// Commits a batch, with its counts in the run's row.
    async fn commit(
        &mut self,
        mut tx: Tx,
        step: Step,
        contract_ids: &[i64],
        done: RunCounts,
    ) -> anyhow::Result<()> {
        store::billing::add_to_run(&mut tx, self.report.run_id, done).await?;
        if let Some(watch) = &self.tuning.before_commit {
            let (go, proceed) = oneshot::channel();
            let batch = Batch {
                step,
                contract_ids: contract_ids.to_vec(),
                go,
            };
            // A watcher gone is no reason to stop.
            if watch.send(batch).await.is_ok() {
                let _ = proceed.await;
            }
        }
        tx.commit().await?;
        self.report.schedules_created += done.schedules_created;
        self.report.penalties_added += done.penalties_added;
        self.report.contracts_finished += done.contracts_finished;
        Ok(())
    }

    async fn complete_schedules(&mut self) -> anyhow::Result<()> {
        let backend = self.store.backend();
        let missing = store::billing::contracts_missing_weeks(self.store.pool()).await?;
        for chunk in missing.chunks(self.tuning.schedule_batch.max(1)) {
            self.lock.check().await?;
            let mut tx = self.store.begin_write().await?;
            let contracts = store::billing::lock_for_schedule(&mut tx, backend, chunk).await?;
            let mut completed = Vec::new();
            let mut created_invoices = 0;
            let mut clients = BTreeSet::new();
            for contract in &contracts {
                let Some(start) = parse_day(&contract.start_date) else {
                    tracing::warn!(
                        contract_id = contract.contract_id,
                        start_date = %contract.start_date,
                        "active contract with an unreadable start date: no schedule"
                    );
                    continue;
                };
                let created = invoices::create_schedule(
                    &mut tx,
                    contract.contract_id,
                    start,
                    contract.weeks,
                    contract.weekly_amount(),
                    self.now,
                )
                .await?;
                if created > 0 {
                    completed.push(contract.contract_id);
                    created_invoices += created;
                    clients.insert(contract.client_id);
                }
            }
            // The new weeks take the client's Uber plan discount, as at activation. A
            // client with no plan has no plan discount to give.
            for client_id in clients {
                let percent = invoices::uber_plan_percent_of(&mut tx, client_id).await?;
                if percent.is_some() {
                    invoices::apply_uber_plan(&mut tx, backend, client_id, percent, self.now)
                        .await?;
                }
            }
            let done = RunCounts {
                schedules_created: completed.len() as u64,
                ..RunCounts::default()
            };
            self.commit(tx, Step::Schedules, &completed, done).await?;
            self.report.schedule_invoices += created_invoices;
        }
        Ok(())
    }

    async fn add_penalties(&mut self) -> anyhow::Result<()> {
        let backend = self.store.backend();
        let grace_days = self.settings.grace_days;
        let late_before = invoice::late_before(self.today, grace_days);
        let candidates =
            store::billing::contracts_with_late_fees(self.store.pool(), late_before).await?;
        for chunk in candidates.chunks(self.tuning.batch.max(1)) {
            self.lock.check().await?;
            let mut tx = self.store.begin_write().await?;
            // Locked first, read after: a fee frozen, paid or cancelled by staff before the
            // lock is seen so; after it, staff wait for this batch.
            let active = store::billing::lock_active(&mut tx, backend, chunk).await?;
            let late = store::billing::late_fees(&mut tx, &active, late_before).await?;
            let mut next_priority = store::billing::next_priorities(&mut tx, &active).await?;
            let mut penalties = Vec::with_capacity(late.len());
            for fee in late {
                let (Some(status), Some(due)) =
                    (InvoiceStatus::parse(&fee.status), parse_day(&fee.due_date))
                else {
                    tracing::warn!(invoice_id = fee.invoice_id, "unreadable invoice skipped");
                    continue;
                };
                if !invoice::earns_penalty(
                    invoice::WEEKLY_FEE,
                    status,
                    due,
                    false,
                    self.today,
                    grace_days,
                ) {
                    continue;
                }
                let Some(priority) = next_priority.get_mut(&fee.contract_id) else {
                    continue;
                };
                let observations = match fee.week {
                    Some(week) => format!(
                        "Penalidad por la cuota semanal {week} vencida el {}",
                        fee.due_date
                    ),
                    None => format!("Penalidad por la cuota semanal vencida el {}", fee.due_date),
                };
                penalties.push(NewPenalty {
                    contract_id: fee.contract_id,
                    priority: *priority,
                    penalized_invoice_id: fee.invoice_id,
                    observations,
                });
                *priority += 1;
            }
            let added = store::billing::insert_penalties(
                &mut tx,
                &penalties,
                self.settings.penalty_amount,
                self.today,
                self.now,
            )
            .await?;
            let done = RunCounts {
                penalties_added: added,
                ..RunCounts::default()
            };
            self.commit(tx, Step::Penalties, &active, done).await?;
        }
        Ok(())
    }

    async fn finish_contracts(&mut self) -> anyhow::Result<()> {
        let backend = self.store.backend();
        let candidates = store::billing::contracts_all_paid(self.store.pool()).await?;
        for chunk in candidates.chunks(self.tuning.batch.max(1)) {
            self.lock.check().await?;
            let mut tx = self.store.begin_write().await?;
            let active = store::billing::lock_active(&mut tx, backend, chunk).await?;
            let counts = store::billing::weekly_fee_counts(&mut tx, &active).await?;
            let mut finished = Vec::new();
            for fees in counts {
                if !invoice::contract_is_complete(fees.unsettled, fees.paid) {
                    continue;
                }
                if !store::billing::finish_contract(&mut tx, fees.contract_id).await? {
                    continue;
                }
                store::audit::record(
                    &mut *tx,
                    store::audit::Entry {
                        staff_id: None,
                        action: "contract.finish",
                        target_type: "contract",
                        target_id: fees.contract_id.to_string(),
                        before: Some(json!({ "status": "contract_active" })),
                        after: Some(json!({
                            "status": "contract_finished",
                            "weekly_fees_paid": fees.paid,
                            "billing_run": self.report.run_id,
                        })),
                    },
                    self.now,
                )
                .await?;
                finished.push(fees.contract_id);
            }
            let done = RunCounts {
                contracts_finished: finished.len() as u64,
                ..RunCounts::default()
            };
            self.commit(tx, Step::Finishing, &active, done).await?;
        }
        Ok(())
    }
}

// --- the daily run inside `serve` ----------------------------------------------------

/// How long to wait before trying again after a failed run.
const RETRY: Duration = Duration::from_secs(10 * 60);

/// The longest single sleep: waking every hour keeps the schedule right if the system
/// clock is changed meanwhile.
const LONGEST_SLEEP: Duration = Duration::from_secs(3600);

/// What the scheduler does next, seen at the instant `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Run for this Lima day now.
    Run(NaiveDate),
    /// Sleep this many seconds, then look again.
    Sleep(u64),
}

/// Today's run is due once its time has passed and no run for today has finished;
/// otherwise the scheduler sleeps until the next run time.
fn next(now: i64, at: NaiveTime, finished_today: bool) -> Next {
    let today = lima_day(now);
    let due = lima_instant(today, at);
    if now >= due && !finished_today {
        return Next::Run(today);
    }
    let next_due = if now < due {
        due
    } else {
        lima_instant(today + Days::new(1), at)
    };
    Next::Sleep(u64::try_from(next_due - now).unwrap_or(0).max(1))
}

/// Runs the billing once a day at the configured Lima time, for as long as the server
/// runs (the server aborts it at shutdown; a run cut short is finished by the next). At
/// start it catches up when today's time has passed without a finished run. Errors are
/// logged, and the run tried again later.
pub async fn scheduler(store: Store, settings: BillingSettings) {
    tracing::info!(
        at = %settings.run_at.format("%H:%M"),
        "billing runs daily at this Lima time"
    );
    loop {
        let now = now_unix();
        let today = lima_day(now);
        let pause = match store::billing::finished_on(store.pool(), today).await {
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the billing runs; trying again later");
                RETRY
            }
            Ok(finished) => match next(now, settings.run_at, finished) {
                Next::Sleep(seconds) => Duration::from_secs(seconds),
                Next::Run(day) => match run(&store, &settings, day, Trigger::Schedule).await {
                    Ok(report) => {
                        tracing::info!(
                            run_id = report.run_id,
                            schedules = report.schedules_created,
                            penalties = report.penalties_added,
                            finished = report.contracts_finished,
                            "{report}"
                        );
                        match next(now_unix(), settings.run_at, true) {
                            Next::Sleep(seconds) => Duration::from_secs(seconds),
                            Next::Run(_) => RETRY,
                        }
                    }
                    Err(err) if err.is::<AlreadyRunning>() => {
                        tracing::info!(
                            retry_in_seconds = settings.lock_retry.as_secs(),
                            "{err}; looking again soon, and running then unless today's run has finished"
                        );
                        settings.lock_retry
                    }
                    Err(err) => {
                        tracing::error!(error = format!("{err:#}"), "billing run failed");
                        RETRY
                    }
                },
            },
        };
        tokio::time::sleep(pause.min(LONGEST_SLEEP)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        parse_day(raw).unwrap()
    }

    fn six() -> NaiveTime {
        NaiveTime::from_hms_opt(6, 0, 0).unwrap()
    }

    #[test]
    fn run_times_are_lima_times() {
        // 06:00 in Lima is 11:00 UTC.
        assert_eq!(lima_instant(day("2026-03-20"), six()), 1_774_004_400);
        assert_eq!(
            lima_day(lima_instant(day("2026-03-20"), six())),
            day("2026-03-20")
        );
    }

    #[test]
    fn the_scheduler_waits_for_the_time_then_runs_once() {
        let due = lima_instant(day("2026-03-20"), six());
        assert_eq!(next(due - 60, six(), false), Next::Sleep(60));
        assert_eq!(next(due, six(), false), Next::Run(day("2026-03-20")));
        // A start late in the day catches up.
        assert_eq!(
            next(due + 12 * 3600, six(), false),
            Next::Run(day("2026-03-20"))
        );
        // Done today: wait for tomorrow's time.
        assert_eq!(next(due + 60, six(), true), Next::Sleep(24 * 3600 - 60));
        // Before today's time, even when a run for today already finished.
        assert_eq!(next(due - 60, six(), true), Next::Sleep(60));
    }

    #[test]
    fn the_summary_is_one_line() {
        let report = BillingReport {
            run_id: 7,
            run_date: day("2026-03-20"),
            schedules_created: 1,
            schedule_invoices: 130,
            penalties_added: 2,
            contracts_finished: 0,
            elapsed: Duration::from_millis(420),
        };
        assert_eq!(
            report.to_string(),
            "billing run for 2026-03-20: 1 schedule created (130 invoices), 2 penalties added, \
             0 contracts finished, in 0.42 s"
        );
    }
}
