//! Leasy server: lease-to-own cars for ride-hailing drivers in Peru.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod staff_cli;
pub mod store;
pub mod telemetry;
