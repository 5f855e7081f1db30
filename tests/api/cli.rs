//! The real binary, run the way an operator runs it: in a folder of its own, configured by
//! flags and environment, stopped by a signal.

use std::{
    fs::File,
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    time::Duration,
};

use leasy::{
    config::{DatabaseConfig, DatabaseUrl},
    store::Store,
};
use serde_json::{Value, json};
use sqlx::Connection;

use crate::helpers::{DEMO_DOCUMENT, DEMO_PASSWORD, Db, fresh_postgres_database, status_json};

/// The binary in `dir`, with none of the caller's environment.
fn leasy(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leasy"));
    command.current_dir(dir).env_clear();
    command
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A running `leasy serve`, killed if the test ends without stopping it.
pub struct Served {
    child: Child,
    pub address: String,
    pub http: reqwest::Client,
}

impl Served {
    /// Starts `leasy serve --demo` in `dir` with the given environment, logging to
    /// `dir/leasy.log`, and waits until its health check answers.
    pub async fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        let address = format!("127.0.0.1:{}", free_port());
        let mut command = leasy(dir);
        command
            .args(["serve", "--demo", "--bind", &address])
            .stdout(Stdio::null())
            .stderr(File::create(dir.join("leasy.log")).unwrap());
        command.envs(env.iter().copied());
        let mut served = Self {
            child: command.spawn().expect("leasy starts"),
            address,
            http: reqwest::Client::new(),
        };
        for _ in 0..200 {
            if let Some(status) = served.child.try_wait().unwrap() {
                panic!("leasy serve exited early ({status}); see its log");
            }
            if let Ok(response) = served.http.get(served.url("/healthz")).send().await
                && response.status() == 200
            {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("leasy serve never became ready");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn login(&self, document: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/clients/auth/"))
            .json(&json!({ "document": document, "password": password }))
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("Authentication", token)
            .send()
            .await
            .unwrap()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM");
    }

    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Waits at most 30 seconds (past the default 20-second grace period) for the exit.
    pub async fn exit_status(&mut self) -> ExitStatus {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("leasy serve did not exit after SIGTERM");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_creates_the_database_and_demo_loads_twice() {
    let dir = tempfile::tempdir().unwrap();

    let migrate = leasy(dir.path()).arg("migrate").output().unwrap();
    let created = dir.path().join("leasy.db").is_file();
    let demos: Vec<_> = (0..2)
        .map(|_| leasy(dir.path()).arg("demo").output().unwrap())
        .collect();

    assert!(migrate.status.success(), "{migrate:?}");
    assert!(created, "leasy.db is created by migrate");
    for demo in &demos {
        assert!(demo.status.success(), "{demo:?}");
    }
    let store = Store::connect(&DatabaseConfig {
        database_url: DatabaseUrl::new(dir.path().join("leasy.db").to_string_lossy()),
        db_max_connections: 1,
    })
    .await
    .unwrap();
    let documents: Vec<String> =
        sqlx::query_scalar("select document from clients order by document")
            .fetch_all(store.pool())
            .await
            .unwrap();
    store.close().await;
    assert_eq!(documents, ["12345678", "87654321"]);
    assert!(dir.path().join("files/soat/demo-soat-abc123.pdf").is_file());
}

/// `leasy staff create` on a fresh folder makes the first admin from a password on
/// standard input; that admin logs in through the API. A weak password or a taken email
/// fails with a message and a non-zero exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_create_makes_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let create = |password: &str, email: &str| {
        let mut child = leasy(dir.path())
            .args([
                "staff",
                "create",
                "--email",
                email,
                "--name",
                "Ana Torres",
                "--role",
                "admin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };

    let made = create("Cambiar123", "Admin@Leasy.pe");
    let weak = create("abc", "otra@leasy.pe");
    let taken = create("Cambiar123", "admin@leasy.pe");

    assert!(made.status.success(), "{made:?}");
    assert!(String::from_utf8_lossy(&made.stdout).contains("admin@leasy.pe"));
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("al menos 6 caracteres"));
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already exists"));
    let served = Served::start(dir.path(), &[]).await;
    let login = served
        .http
        .post(served.url("/api/backoffice/auth/"))
        .json(&json!({ "email": "admin@leasy.pe", "password": "Cambiar123" }))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(login).await;
    served.terminate();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["staff"]["role"], "admin");
}

/// `serve --demo`, a login and the profile, then SIGTERM: a clean exit.
async fn serve_answers_and_stops_on_sigterm(db: Db) {
    let database = match db {
        Db::Sqlite => None,
        Db::Postgres => match fresh_postgres_database().await {
            Some(database) => Some(database),
            None => return,
        },
    };
    let dir = tempfile::tempdir().unwrap();
    let env: Vec<_> = database
        .iter()
        .map(|database| ("DATABASE_URL", database.url.as_str()))
        .collect();
    let mut served = Served::start(dir.path(), &env).await;

    let (status, login) = status_json(served.login(DEMO_DOCUMENT, DEMO_PASSWORD).await).await;
    let token = login["token"].as_str().unwrap_or_default().to_owned();
    let (_, profile) = status_json(served.get("/api/v1/clients/profile/", &token).await).await;
    served.terminate();
    let exit = served.exit_status().await;

    assert_eq!(status, 200, "{login}");
    assert_eq!(
        (&profile["document"], &profile["token"]),
        (&json!(DEMO_DOCUMENT), &json!(token))
    );
    assert!(exit.success(), "{exit}");
}

crate::db_cases!(serve_answers_and_stops_on_sigterm);

/// Logins held by a write lock taken from outside the process; SIGTERM; the lock is let go
/// only once the server refuses new connections: the logins still get their answers and
/// the process exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let mut served = Served::start(dir.path(), &[]).await;
    let db_url = format!("sqlite://{}", dir.path().join("leasy.db").display());
    let mut lock = sqlx::SqliteConnection::connect(&db_url).await.unwrap();
    sqlx::query("begin immediate")
        .execute(&mut lock)
        .await
        .unwrap();
    let logins: Vec<_> = (0..4)
        .map(|_| {
            let request = served
                .http
                .post(served.url("/api/v1/clients/auth/"))
                .json(&json!({ "document": DEMO_DOCUMENT, "password": DEMO_PASSWORD }));
            tokio::spawn(request.send())
        })
        .collect();
    // Only to let the requests reach the server; nothing below depends on how long.
    tokio::time::sleep(Duration::from_millis(500)).await;

    served.terminate();
    crate::lifecycle::wait_until_refused(&served.address).await;
    let held = logins.iter().filter(|login| !login.is_finished()).count();
    let still_running = !served.has_exited();
    sqlx::query("rollback").execute(&mut lock).await.unwrap();
    let answers = futures::future::join_all(logins).await;
    let exit = served.exit_status().await;

    assert_eq!((held, still_running), (4, true));
    for answer in answers {
        let (status, body): (u16, Value) =
            status_json(answer.unwrap().expect("the login got an answer")).await;
        assert_eq!(status, 200, "{body}");
    }
    assert!(exit.success(), "{exit}");
}
