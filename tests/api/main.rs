//! End-to-end tests over real HTTP, against SQLite always and PostgreSQL when
//! `LEASY_TEST_POSTGRES_URL` is set.

mod helpers;

mod invoices;

mod auth;
mod backoffice;
mod backoffice_cars;
mod backoffice_contracts;
mod backoffice_invoices;
mod backoffice_rules;
mod billing;
mod cli;
mod commons;
mod errors;
mod finances;
mod invoice_story;
mod leads;
mod lifecycle;
mod logs;
mod operations;
mod password;
mod profile;
mod roles;
mod sweep;
