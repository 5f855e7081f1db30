//! End-to-end tests over real HTTP, against SQLite always and PostgreSQL when
//! `LEASY_TEST_POSTGRES_URL` is set.

mod helpers;

mod auth;
mod backoffice;
mod cli;
mod errors;
mod lifecycle;
mod logs;
mod operations;
mod profile;
mod sweep;
