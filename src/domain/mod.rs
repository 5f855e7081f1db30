//! The business rules, as plain types and functions with no I/O.

pub mod card;
pub mod money;
pub mod password;
pub mod time;
pub mod token;
