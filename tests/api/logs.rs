//! What `leasy serve` writes to its log: one line per request with its status and request
//! id, and never a token, a password or a document number.

use std::path::Path;

use serde_json::Value;

use crate::{
    cli::Served,
    helpers::{DEMO_DOCUMENT, DEMO_PASSWORD},
};

const WRONG_PASSWORD: &str = "demo124";

/// Logs in, reads the profile and cards (one of them with secrets in the query string),
/// fails a login, and stops the server. Returns the token and the request id and status
/// of every answer.
async fn exercise(dir: &Path, env: &[(&str, &str)]) -> (String, Vec<(String, u16)>) {
    let mut served = Served::start(dir, env).await;
    let mut answered = Vec::new();
    let mut note = |response: &reqwest::Response| {
        let id = response.headers()["x-request-id"].to_str().unwrap();
        answered.push((id.to_owned(), response.status().as_u16()));
    };
    let login = served.login(DEMO_DOCUMENT, DEMO_PASSWORD).await;
    note(&login);
    let token = login.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let leaky_query = format!(
        "/api/v1/clients/cards/?document={DEMO_DOCUMENT}&password={DEMO_PASSWORD}&t={token}"
    );
    for path in [
        "/api/v1/clients/profile/",
        "/api/v2/clients/profile/",
        "/api/v1/clients/cards/",
        &leaky_query,
    ] {
        note(&served.get(path, &token).await);
    }
    note(&served.login(DEMO_DOCUMENT, WRONG_PASSWORD).await);
    served.terminate();
    let exit = served.exit_status().await;
    assert!(exit.success(), "{exit}");
    (token, answered)
}

fn assert_no_secrets(log: &str, token: &str) {
    for secret in [token, DEMO_PASSWORD, WRONG_PASSWORD, DEMO_DOCUMENT] {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
}

/// The text between `start` and `end` in `line`.
fn between<'a>(line: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &line[line.find(start)? + start.len()..];
    Some(&rest[..rest.find(end).unwrap_or(rest.len())])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_log_has_a_line_per_request_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();

    let (token, answered) = exercise(dir.path(), &[]).await;

    let log = std::fs::read_to_string(dir.path().join("leasy.log")).unwrap();
    assert_no_secrets(&log, &token);
    assert!(
        !log.contains('\u{1b}'),
        "no terminal colour codes in a file:\n{log}"
    );
    let finished: Vec<(&str, &str)> = log
        .lines()
        .filter(|line| line.contains("request finished"))
        .map(|line| {
            let id = between(line, "request_id=\"", "\"").expect("a request id");
            let status = between(line, "status=", " ").expect("a status");
            (id, status)
        })
        .collect();
    for (id, status) in &answered {
        let lines: Vec<_> = finished.iter().filter(|(i, _)| i == id).collect();
        assert_eq!(
            lines,
            [&(id.as_str(), status.to_string().as_str())],
            "{log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_log_has_a_line_per_request_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();

    let (token, answered) = exercise(dir.path(), &[("LEASY_LOG_JSON", "true")]).await;

    let log = std::fs::read_to_string(dir.path().join("leasy.log")).unwrap();
    assert_no_secrets(&log, &token);
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    for (id, status) in &answered {
        let finished: Vec<_> = lines
            .iter()
            .filter(|l| l["message"] == "request finished" && l["span"]["request_id"] == *id)
            .map(|l| &l["status"])
            .collect();
        assert_eq!(finished, [&Value::from(*status)], "{log}");
    }
}
