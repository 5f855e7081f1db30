//! The test harness: a real server on a random port over a fresh database (an SQLite file
//! in a temporary folder, or a new PostgreSQL database named after a random id), with the
//! demo data loaded, and a helper per endpoint.

// Not every test module uses every helper.
#![allow(dead_code)]

use std::time::Duration;

use leasy::{
    app::Server,
    config::{DatabaseConfig, DatabaseUrl, ServerConfig},
    demo,
    store::Store,
};
use reqwest::{Method, Response, header::CONTENT_TYPE};
use serde_json::Value;
use sqlx::{Connection, Executor};
use tokio::sync::oneshot;

pub const DEMO_DOCUMENT: &str = demo::DEMO_DOCUMENT;
pub const SECOND_DOCUMENT: &str = demo::SECOND_DOCUMENT;
pub const DEMO_PASSWORD: &str = demo::DEMO_PASSWORD;
pub const STAFF_PASSWORD: &str = "clave123";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Where PostgreSQL tests create their databases. Unset, they do not run; set and
/// unreachable, they fail.
const POSTGRES_ENV: &str = "LEASY_TEST_POSTGRES_URL";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub db: Db,
    pub files_dir: std::path::PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
    // Declared last: dropped after the server has been told to stop.
    _postgres: Option<PostgresDatabase>,
}

impl TestApp {
    /// `None` when the database is PostgreSQL and no test server is configured.
    pub async fn spawn(db: Db) -> Option<Self> {
        Self::spawn_with(db, |_| {}).await
    }

    pub async fn spawn_with(db: Db, tweak: impl FnOnce(&mut ServerConfig)) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut postgres = None;
        let database_url = match db {
            Db::Sqlite => DatabaseUrl::new(dir.path().join("leasy.db").to_string_lossy()),
            Db::Postgres => {
                let database = fresh_postgres_database().await?;
                let url = DatabaseUrl::new(database.url.clone());
                postgres = Some(database);
                url
            }
        };
        let database = DatabaseConfig {
            database_url,
            db_max_connections: 8,
        };
        let store = Store::connect(&database).await.expect("database opens");
        store.migrate().await.expect("migrations run");
        let files_dir = dir.path().join("files");
        demo::load(&store, &files_dir)
            .await
            .expect("demo data loads");

        let mut config = ServerConfig::local(files_dir.clone());
        tweak(&mut config);
        let server = Server::bind(store.clone(), config)
            .await
            .expect("server binds");
        let base = format!("http://{}", server.local_addr());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client");
        Some(Self {
            base,
            http,
            store,
            db,
            files_dir,
            shutdown: Some(tx),
            server: Some(handle),
            _dir: dir,
            _postgres: postgres,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.server.take() {
            handle
                .await
                .expect("server task")
                .expect("server ran cleanly");
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.header("Authentication", token);
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        request.send().await.expect("request reaches the server")
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn login(&self, document: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/clients/auth/",
            None,
            serde_json::json!({ "document": document, "password": password }),
        )
        .await
    }

    /// Logs in and returns the token, failing the test if login fails.
    pub async fn token(&self, document: &str) -> String {
        let response = self.login(document, DEMO_PASSWORD).await;
        assert_eq!(response.status(), 200, "login of {document} should succeed");
        let body: Value = response.json().await.unwrap();
        body["token"]
            .as_str()
            .expect("token is a string")
            .to_owned()
    }

    /// Creates a staff account with `role` (`admin`, `ops`, `viewer`), logs it in through
    /// the API and returns its token.
    pub async fn staff_token(&self, role: &str) -> String {
        let email = format!("{role}-{}@leasy.pe", uuid::Uuid::new_v4().simple());
        leasy::staff_cli::create(
            &self.store,
            &email,
            "Personal de Prueba",
            role,
            STAFF_PASSWORD,
        )
        .await
        .expect("staff account is created");
        let response = self
            .post_json(
                "/api/backoffice/auth/",
                None,
                serde_json::json!({ "email": email, "password": STAFF_PASSWORD }),
            )
            .await;
        assert_eq!(response.status(), 200, "staff login of {email}");
        let body: Value = response.json().await.unwrap();
        body["token"]
            .as_str()
            .expect("token is a string")
            .to_owned()
    }

    /// A back-office request with a staff token as `Authorization: Bearer`.
    pub async fn backoffice(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .http
            .request(method, self.url(&format!("/api/backoffice{path}")))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        request.send().await.expect("request reaches the server")
    }

    pub async fn profile(&self, version: u8, token: &str) -> Response {
        self.get(&format!("/api/v{version}/clients/profile/"), Some(token))
            .await
    }

    pub async fn cards(&self, token: &str) -> Response {
        self.get("/api/v1/clients/cards/", Some(token)).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Status and JSON body of a response; the body must be JSON whatever the status.
pub async fn status_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.expect("body reads");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("status {status}: body is not JSON: {text:?}"));
    assert!(
        content_type.starts_with("application/json"),
        "status {status}: content type {content_type:?}"
    );
    (status, body)
}

/// A database made for one test on the test PostgreSQL server, dropped with it.
pub struct PostgresDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its
        // own with a small runtime does the dropping, `with (force)` closing connections
        // the test left open.
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = sqlx::AnyConnection::connect(&admin_url).await?;
                admin
                    .execute(sqlx::AssertSqlSafe(format!(
                        "drop database if exists {name} with (force)"
                    )))
                    .await?;
                admin.close().await
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("test database {} was not dropped", self.name);
        }
    }
}

/// Creates an empty database on the test PostgreSQL server; `None` when no test server is
/// configured.
pub async fn fresh_postgres_database() -> Option<PostgresDatabase> {
    let admin_url = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty())?;
    sqlx::any::install_default_drivers();
    let name = format!("leasy_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::AnyConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}"));
    admin
        .execute(sqlx::AssertSqlSafe(format!("create database {name}")))
        .await
        .expect("create the test database");
    admin.close().await.ok();
    let url = with_database_name(&admin_url, &name);
    Some(PostgresDatabase {
        admin_url,
        name,
        url,
    })
}

fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

/// Declares each listed `async fn(TestApp)` as two tests, one per database.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Db::Sqlite)
                        .await
                        .expect("SQLite always runs");
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match $crate::helpers::TestApp::spawn($crate::helpers::Db::Postgres).await {
                        Some(app) => super::$name(app).await,
                        None => eprintln!("LEASY_TEST_POSTGRES_URL unset: PostgreSQL not tested"),
                    }
                }
            )*
        }
    };
}

/// Like `db_tests!`, for tests that build their own server: each listed
/// `async fn(Db)` runs once per database (PostgreSQL only when configured).
#[macro_export]
macro_rules! db_cases {
    ($($name:ident),* $(,)?) => {
        mod sqlite_configured {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Db::Sqlite).await;
                }
            )*
        }
        mod postgres_configured {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Db::Postgres).await;
                }
            )*
        }
    };
}
