//! `leasy staff create`: makes a staff account from the command line, so that the first
//! admin can be made on a fresh database.

use std::io::BufRead;

use anyhow::{Context, bail};
use serde_json::json;

use crate::{
    domain::{password, staff, time::now_unix},
    store::{self, Store},
};

/// Reads the password from the first line of standard input.
pub fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Creates the account and its audit entry in one transaction; returns its id.
pub async fn create(
    store: &Store,
    email: &str,
    name: &str,
    role: &str,
    new_password: &str,
) -> anyhow::Result<i64> {
    let (email, name, role) = match staff::check_new(email, name, role, new_password) {
        Ok(valid) => valid,
        Err(failures) => bail!("{}", failures.join("; ")),
    };
    let owned = new_password.to_owned();
    let hash = tokio::task::spawn_blocking(move || password::hash(&owned)).await?;
    let now = now_unix();

    let mut tx = store.begin_write().await?;
    let staff_id =
        match store::staff::insert(&mut *tx, &email, &name, role.as_str(), &hash, now).await {
            Err(err) if store::is_unique_violation(&err) => {
                bail!("a staff account with email {email} already exists")
            }
            other => other?,
        };
    store::audit::record(
        &mut *tx,
        store::audit::Entry {
            staff_id: None,
            action: "staff.create",
            target_type: "staff",
            target_id: staff_id.to_string(),
            before: None,
            after: Some(
                json!({ "email": email, "name": name, "role": role.as_str(), "active": true }),
            ),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(staff_id)
}
