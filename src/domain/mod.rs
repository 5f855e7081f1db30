//! The business rules, as plain types and functions with no I/O.

pub mod car;
pub mod card;
pub mod contract;
pub mod finances;
pub mod invoice;
pub mod lead;
pub mod money;
pub mod password;
pub mod password_change;
pub mod person;
pub mod staff;
pub mod time;
pub mod token;
pub mod upload;
