//! Cars: the checks on their fields and the kinds of documents they carry.

use chrono::NaiveDate;

/// The first model year Leasy accepts.
const OLDEST_YEAR: i32 = 1990;

/// A brand or model: 1 to 60 characters after trimming.
pub fn brand_or_model(raw: &str) -> Result<String, String> {
    one_line(raw, 60)
}

/// One line of 1 to `max` characters after trimming, such as a document's number.
pub fn one_line(raw: &str, max: usize) -> Result<String, String> {
    let value = raw.trim();
    let length = value.chars().count();
    if (1..=max).contains(&length) && !value.chars().any(char::is_control) {
        Ok(value.to_owned())
    } else {
        Err(format!("debe tener entre 1 y {max} caracteres"))
    }
}

/// A model year: four digits from 1990 to the year after `current_year` (next year's
/// models are sold from the middle of this one).
pub fn year(raw: &str, current_year: i32) -> Result<String, String> {
    let value = raw.trim();
    let in_range = value.len() == 4
        && value.chars().all(|c| c.is_ascii_digit())
        && value
            .parse::<i32>()
            .is_ok_and(|y| (OLDEST_YEAR..=current_year + 1).contains(&y));
    if in_range {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "debe ser un año de 4 dígitos entre {OLDEST_YEAR} y {}",
            current_year + 1
        ))
    }
}

/// A license plate: 6 to 8 letters or digits with at most one hyphen between them, kept
/// in one canonical spelling so that `abc123`, `ABC-123` and `AB-C123` are the same plate:
/// upper case, and six characters written `ABC-123` as on Peruvian plates.
pub fn license_plate(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim().to_uppercase();
    let well_formed = value.matches('-').count() <= 1
        && !value.starts_with('-')
        && !value.ends_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    let bare: String = value.chars().filter(|c| *c != '-').collect();
    if !well_formed || !(6..=8).contains(&bare.len()) {
        return Err("debe tener entre 6 y 8 letras o números, con un guion opcional");
    }
    if bare.len() == 6 {
        Ok(format!("{}-{}", &bare[..3], &bare[3..]))
    } else {
        Ok(bare)
    }
}

/// A due date, `YYYY-MM-DD`, in years 2000 to 2100.
pub fn due_date(raw: &str) -> Result<NaiveDate, &'static str> {
    crate::domain::time::parse_day(raw)
        .ok_or("debe ser una fecha con el formato AAAA-MM-DD, entre los años 2000 y 2100")
}

/// The documents a car carries, one of each at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Soat,
    Insurance,
    OwnershipCard,
    TechnicalInspection,
    DriverLicense,
}

impl DocumentKind {
    pub const ALL: [Self; 5] = [
        Self::Soat,
        Self::Insurance,
        Self::OwnershipCard,
        Self::TechnicalInspection,
        Self::DriverLicense,
    ];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Soat => "soat",
            Self::Insurance => "insurance",
            Self::OwnershipCard => "ownership_card",
            Self::TechnicalInspection => "technical_inspection",
            Self::DriverLicense => "driver_license",
        }
    }

    /// The folder its files are kept in. The mobile apps already know `soat/` and
    /// `secure/` (the insurance policy), so those two names stay.
    pub fn folder(self) -> &'static str {
        match self {
            Self::Insurance => "secure",
            other => other.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_and_models() {
        assert_eq!(brand_or_model("  Chevrolet "), Ok("Chevrolet".into()));
        assert!(brand_or_model("  ").is_err());
        assert!(brand_or_model(&"x".repeat(61)).is_err());
        assert!(brand_or_model(&"ñ".repeat(60)).is_ok());
        assert!(one_line("SOAT\n123", 60).is_err());
    }

    #[test]
    fn years_run_from_1990_to_next_year() {
        assert_eq!(year("2018", 2026), Ok("2018".into()));
        assert_eq!(year("1990", 2026), Ok("1990".into()));
        assert_eq!(year("2027", 2026), Ok("2027".into()));
        for bad in ["1989", "2028", "18", "20188", "2O18", "+201", ""] {
            assert!(year(bad, 2026).is_err(), "{bad}");
        }
    }

    #[test]
    fn plates_are_upper_case_with_one_optional_hyphen() {
        assert_eq!(license_plate(" abc-123 "), Ok("ABC-123".into()));
        assert_eq!(license_plate("ABC123"), Ok("ABC-123".into()));
        assert_eq!(license_plate("bc-d456"), Ok("BCD-456".into()));
        assert_eq!(license_plate("S0000001"), Ok("S0000001".into()));
        for bad in [
            "AB-12",
            "ABCD-12345",
            "AB--123",
            "-ABC123",
            "ABC123-",
            "AB 1234",
            "ÑBC-123",
            "A-B-C12",
        ] {
            assert!(license_plate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn due_dates() {
        assert_eq!(
            due_date("2026-12-31"),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())
        );
        assert!(due_date("2026-02-30").is_err());
        assert!(due_date("31/12/2026").is_err());
    }

    #[test]
    fn document_kinds_and_their_folders() {
        assert_eq!(DocumentKind::parse("soat"), Some(DocumentKind::Soat));
        assert_eq!(DocumentKind::parse("photo"), None);
        assert_eq!(DocumentKind::Soat.folder(), "soat");
        assert_eq!(DocumentKind::Insurance.folder(), "secure");
        assert_eq!(DocumentKind::OwnershipCard.folder(), "ownership_card");
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(kind.as_str()), Some(kind));
        }
    }
}
