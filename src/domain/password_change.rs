//! A client changing their own password: every rule the request breaks, reported at once.

use unicode_normalization::UnicodeNormalization;

use super::password;

pub const WRONG_CURRENT: &str = "La contraseña actual es incorrecta";
pub const MISMATCH: &str = "La confirmación no coincide con la nueva contraseña";

/// Every failed rule, in order: the current password, then the rules of the new one, then
/// the confirmation. Empty when the change may go ahead. The confirmation is compared
/// after NFC normalization, as passwords are.
pub fn failures(
    current_matches: bool,
    new_password: &str,
    confirmation: &str,
) -> Vec<&'static str> {
    let mut failures = Vec::new();
    if !current_matches {
        failures.push(WRONG_CURRENT);
    }
    failures.extend(password::rule_failures(new_password));
    if !new_password.nfc().eq(confirmation.nfc()) {
        failures.push(MISMATCH);
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_change_breaks_nothing() {
        assert!(failures(true, "nuevo123", "nuevo123").is_empty());
        assert!(failures(true, "ni\u{00f1}o2024", "nin\u{0303}o2024").is_empty());
    }

    #[test]
    fn every_failure_at_once_in_order() {
        assert_eq!(
            failures(false, "", "x"),
            [
                WRONG_CURRENT,
                "La nueva contraseña debe tener al menos 6 caracteres",
                "La nueva contraseña debe tener al menos una letra",
                "La nueva contraseña debe tener al menos un número",
                MISMATCH,
            ]
        );
    }
}
