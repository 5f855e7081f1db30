//! The `leasy` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    app::{Server, shutdown_signal},
    config::{BillingSettings, DatabaseConfig, ServerConfig},
    demo,
    domain::time::{day_text, lima_today, parse_day},
    jobs::billing::{self, Trigger},
    staff_cli,
    store::Store,
    telemetry,
};

#[derive(Debug, Parser)]
#[command(
    name = "leasy",
    version,
    about = "Leasy server: lease-to-own cars for drivers"
)]
struct Cli {
    /// Log as JSON lines instead of text (the variable takes true/false, 1/0, yes/no).
    #[arg(
        long,
        env = "LEASY_LOG_JSON",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    log_json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (migrations run first).
    Serve {
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(flatten)]
        server: ServerConfig,
        /// Load the demo data if it is not there yet.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date.
    Migrate {
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Load the demo data if it is not there yet.
    Demo {
        #[command(flatten)]
        database: DatabaseConfig,
        /// Folder of stored files (the demo writes its PDFs there).
        #[arg(long, env = "LEASY_FILES_DIR", default_value = "files")]
        files_dir: std::path::PathBuf,
        /// Also make sure this many synthetic clients exist (for benchmarks).
        #[arg(long, default_value_t = 0)]
        clients: u32,
    },
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// The billing run: penalties due, schedules to complete, contracts to finish.
    Billing {
        #[command(subcommand)]
        action: BillingAction,
    },
}

#[derive(Debug, Subcommand)]
enum BillingAction {
    /// Run the billing for one Lima day now (exits with an error, doing nothing, while
    /// another run holds the lock).
    Run {
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(flatten)]
        billing: BillingSettings,
        /// The Lima day to bill for, YYYY-MM-DD; today in Lima when absent. Not after
        /// today.
        #[arg(long, value_parser = run_date)]
        date: Option<chrono::NaiveDate>,
    },
}

/// A `--date`: a day written YYYY-MM-DD, in the years 2000 to 2100.
fn run_date(raw: &str) -> Result<chrono::NaiveDate, String> {
    parse_day(raw)
        .ok_or_else(|| format!("{raw:?} is not a day written YYYY-MM-DD in the years 2000 to 2100"))
}

#[derive(Debug, Subcommand)]
enum StaffAction {
    /// Create a staff account; the password is read from standard input.
    Create {
        #[command(flatten)]
        database: DatabaseConfig,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, ops or viewer.
        #[arg(long)]
        role: String,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_json);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            database,
            server,
            demo: with_demo,
        } => {
            let store = open(&database).await?;
            if with_demo {
                demo::load(&store, &server.files_dir).await?;
            }
            let server = Server::bind(store.clone(), server).await?;
            tracing::info!(
                address = %server.local_addr(),
                database = %database.database_url,
                "listening"
            );
            server.run(shutdown_signal()).await?;
            store.close().await;
            Ok(())
        }
        Command::Migrate { database } => {
            open(&database).await?.close().await;
            tracing::info!("database is up to date");
            Ok(())
        }
        Command::Demo {
            database,
            files_dir,
            clients,
        } => {
            let store = open(&database).await?;
            demo::load(&store, &files_dir).await?;
            if clients > 0 {
                let started = std::time::Instant::now();
                let added = demo::synthetic_clients(&store, clients).await?;
                tracing::info!(added, elapsed = ?started.elapsed(), "synthetic clients ready");
            }
            store.close().await;
            Ok(())
        }
        Command::Staff {
            action:
                StaffAction::Create {
                    database,
                    email,
                    name,
                    role,
                },
        } => {
            let password = staff_cli::read_password()?;
            let store = open(&database).await?;
            let staff_id = staff_cli::create(&store, &email, &name, &role, &password).await?;
            store.close().await;
            println!(
                "staff account {staff_id} created for {}",
                email.trim().to_lowercase()
            );
            Ok(())
        }
        Command::Billing {
            action:
                BillingAction::Run {
                    database,
                    billing: settings,
                    date,
                },
        } => {
            let today = lima_today();
            let date = date.unwrap_or(today);
            // A penalty dated in the future would punish a fee not late yet.
            anyhow::ensure!(
                date <= today,
                "--date {} is after today in Lima ({}): a billing run cannot be dated in the future",
                day_text(date),
                day_text(today)
            );
            let store = open(&database).await?;
            let report = billing::run(&store, &settings, date, Trigger::Command).await;
            store.close().await;
            println!("{}", report?);
            Ok(())
        }
    }
}

async fn open(database: &DatabaseConfig) -> anyhow::Result<Store> {
    let store = Store::connect(database).await?;
    store.migrate().await?;
    Ok(store)
}
