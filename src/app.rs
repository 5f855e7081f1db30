//! Running the server: binding, background upkeep and graceful shutdown.

use std::{future::Future, net::SocketAddr, time::Duration};

use anyhow::Context;
use axum::{ServiceExt, extract::Request};
use tokio::net::TcpListener;

use crate::{
    config::ServerConfig,
    domain::time::now_unix,
    http::{self, AppState},
    jobs,
    store::{self, Store},
};

/// A server bound to its port, not yet serving.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn bind(store: Store, config: ServerConfig) -> anyhow::Result<Self> {
        tokio::fs::create_dir_all(&config.files_dir)
            .await
            .with_context(|| format!("cannot create the files folder {:?}", config.files_dir))?;
        // Made now so that the first login with an unknown document is not slower.
        tokio::task::spawn_blocking(crate::domain::password::decoy_hash).await?;
        let listener = TcpListener::bind(config.bind.as_str())
            .await
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        Ok(Self {
            listener,
            state: AppState::new(store, config),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish, for at most
    /// the configured grace period.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = Duration::from_secs(self.state.config.shutdown_grace_seconds);
        let upkeep = tokio::spawn(upkeep(self.state.store.clone()));
        let billing = self.state.config.billing.schedule.then(|| {
            tokio::spawn(jobs::billing::scheduler(
                self.state.store.clone(),
                self.state.config.billing.clone(),
            ))
        });
        let app = tower::util::MapRequestLayer::new(http::normalize);
        let app = tower::Layer::layer(&app, http::router(self.state));
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let serve = axum::serve(
            self.listener,
            ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            let _ = stopping_tx.send(());
        });
        let deadline = async move {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            result = serve => result.context("server error")?,
            () = deadline => tracing::warn!("grace period over: closing open connections"),
        }
        upkeep.abort();
        // A billing run cut here loses only its open batch; the next run does the rest.
        if let Some(billing) = billing {
            billing.abort();
        }
        Ok(())
    }
}

/// Deletes dead tokens and stale login-failure counts once an hour.
async fn upkeep(store: Store) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let now = now_unix();
        let day_ago = now - 24 * 3600;
        if let Err(err) = store::tokens::purge(store.pool(), day_ago).await {
            tracing::warn!(error = %err, "token purge failed");
        }
        if let Err(err) = store::throttles::purge(store.pool(), day_ago).await {
            tracing::warn!(error = %err, "throttle purge failed");
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
