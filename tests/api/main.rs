//! End-to-end tests over real HTTP, against SQLite always and PostgreSQL when
//! `LEASY_TEST_POSTGRES_URL` is set.

mod helpers;

mod auth;
mod backoffice;
mod backoffice_rules;
mod backoffice_cars;
mod backoffice_contracts;
mod cli;
mod errors;
mod leads;
mod lifecycle;
mod logs;
mod operations;
mod password;
mod profile;
mod roles;
mod sweep;
