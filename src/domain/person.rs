//! Checks on the personal data of clients, leads and staff. Each returns the cleaned
//! value, or the Spanish reason it was refused.

/// A document number (DNI, foreign ID or passport): 8 to 12 letters or digits.
pub fn document(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim().to_uppercase();
    if (8..=12).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(value)
    } else {
        Err("El documento debe tener entre 8 y 12 letras o números")
    }
}

/// Unicode NFC: the same letters typed on different keyboards become the same text.
fn nfc(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.trim().nfc().collect()
}

/// A name: 1 to 100 characters after trimming.
pub fn name(raw: &str) -> Result<String, &'static str> {
    let value = nfc(raw);
    let value = value.as_str();
    let length = value.chars().count();
    if (1..=100).contains(&length) && !value.chars().any(char::is_control) {
        Ok(value.to_owned())
    } else {
        Err("debe tener entre 1 y 100 caracteres")
    }
}

/// An email address, kept in lower case.
pub fn email(raw: &str) -> Result<String, &'static str> {
    let value = nfc(raw).to_lowercase();
    let well_formed = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if well_formed {
        Ok(value)
    } else {
        Err("El correo electrónico no es válido")
    }
}

/// A phone number: 6 to 15 digits, an optional leading `+`; spaces and dashes dropped.
pub fn phone(raw: &str) -> Result<String, &'static str> {
    let value: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let digits = value.strip_prefix('+').unwrap_or(&value);
    if (6..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(value)
    } else {
        Err("El teléfono debe tener entre 6 y 15 dígitos")
    }
}

/// Free text such as an address: at most `max` characters after trimming.
pub fn text(raw: &str, max: usize) -> Result<String, &'static str> {
    let value = nfc(raw);
    let value = value.as_str();
    if value.chars().count() <= max && !value.chars().any(|c| c.is_control() && c != '\n') {
        Ok(value.to_owned())
    } else {
        Err("es demasiado largo o tiene caracteres no permitidos")
    }
}

/// The text a search matches against: lower case, accents dropped (`Núñez` → `nunez`),
/// so that a search finds a name however it is typed.
pub fn search_key(parts: &[&str]) -> String {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    parts
        .join(" ")
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents() {
        assert_eq!(document(" 12345678 "), Ok("12345678".into()));
        assert_eq!(document("ce0012345a"), Ok("CE0012345A".into()));
        assert!(document("1234567").is_err());
        assert!(document("1234-5678").is_err());
    }

    #[test]
    fn names_keep_tildes_and_enye() {
        assert_eq!(name("  Ñahui Pérez "), Ok("Ñahui Pérez".into()));
        assert!(name("   ").is_err());
        assert!(name(&"a".repeat(101)).is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Jose@Example.PE "), Ok("jose@example.pe".into()));
        for bad in [
            "", "jose", "jose@", "@x.pe", "jose@x", "a b@x.pe", "a@b@c.pe",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn search_keys_drop_accents_and_case() {
        assert_eq!(search_key(&["Íñigo", "NÚÑEZ"]), "inigo nunez");
    }

    #[test]
    fn phones() {
        assert_eq!(phone("987 654-321"), Ok("987654321".into()));
        assert_eq!(phone("+51987654321"), Ok("+51987654321".into()));
        assert!(phone("12345").is_err());
        assert!(phone("98765432a").is_err());
    }
}
