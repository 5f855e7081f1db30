//! Sales leads: a driver's application from the website or the app, and the moves of its
//! status as sales staff follow it up: new → contacted → converted (into a client).

use super::person;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadStatus {
    New,
    Contacted,
    Converted,
}

impl LeadStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "new" => Some(Self::New),
            "contacted" => Some(Self::Contacted),
            "converted" => Some(Self::Converted),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Contacted => "contacted",
            Self::Converted => "converted",
        }
    }

    /// Why the lead cannot be marked as contacted, or `None` when it can.
    pub fn contact_refusal(self) -> Option<&'static str> {
        match self {
            Self::New => None,
            Self::Contacted => Some("El lead ya está marcado como contactado"),
            Self::Converted => {
                Some("El lead ya fue convertido en cliente y no puede volver a contactado")
            }
        }
    }

    /// Why the lead cannot be marked as converted, or `None` when it can.
    pub fn conversion_refusal(self) -> Option<&'static str> {
        match self {
            Self::New | Self::Contacted => None,
            Self::Converted => Some("El lead ya fue convertido en cliente"),
        }
    }
}

/// The kind of car the driver wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarOfInterest {
    New,
    SemiNew,
}

impl CarOfInterest {
    /// Exactly `Nuevo` or `Semi nuevo`, as the apps send it.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "Nuevo" => Some(Self::New),
            "Semi nuevo" => Some(Self::SemiNew),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "Nuevo",
            Self::SemiNew => "Semi nuevo",
        }
    }
}

/// A lead as sent, every field possibly missing.
#[derive(Debug, Default)]
pub struct LeadDraft<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub document: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub email: Option<&'a str>,
    pub time_working: Option<&'a str>,
    pub utm_source: Option<&'a str>,
    pub utm_medium: Option<&'a str>,
    pub car_of_interest: Option<&'a str>,
}

/// A lead whose every field passed its check, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub first_name: String,
    pub last_name: String,
    pub document: String,
    pub phone_number: String,
    pub email: String,
    pub time_working: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub car_of_interest: CarOfInterest,
}

/// Longest text accepted in `time_working` and the `utm_*` fields.
const TEXT_MAX: usize = 100;

impl LeadDraft<'_> {
    /// The cleaned lead, or one Spanish message per invalid field, each naming its field,
    /// in the order of the fields.
    pub fn validate(&self) -> Result<Lead, Vec<String>> {
        let mut failures = Vec::new();
        let f = &mut failures;
        let short_text = |raw: &str| person::text(raw, TEXT_MAX).ok();
        let first_name = checked(f, "first_name", self.first_name, |r| person::name(r).ok());
        let last_name = checked(f, "last_name", self.last_name, |r| person::name(r).ok());
        let document = checked(f, "document", self.document, |r| person::document(r).ok());
        let phone_number = checked(f, "phone_number", self.phone_number, |r| {
            person::phone(r).ok()
        });
        let email = checked(f, "email", self.email, |r| person::email(r).ok());
        let time_working = checked(f, "time_working", self.time_working, |r| {
            short_text(r).filter(|text| !text.is_empty())
        });
        let utm_source = checked(f, "utm_source", self.utm_source.or(Some("")), short_text);
        let utm_medium = checked(f, "utm_medium", self.utm_medium.or(Some("")), short_text);
        let car_of_interest = checked(
            f,
            "car_of_interest",
            self.car_of_interest,
            CarOfInterest::parse,
        );
        let lead = || {
            Some(Lead {
                first_name: first_name?,
                last_name: last_name?,
                document: document?,
                phone_number: phone_number?,
                email: email?,
                time_working: time_working?,
                utm_source: utm_source?,
                utm_medium: utm_medium?,
                car_of_interest: car_of_interest?,
            })
        };
        lead().ok_or(failures)
    }
}

/// The value `rule` makes of a field, or `None` after noting why it is missing or invalid.
fn checked<T>(
    failures: &mut Vec<String>,
    field: &str,
    value: Option<&str>,
    rule: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let Some(raw) = value else {
        failures.push(format!("El campo '{field}' es obligatorio"));
        return None;
    };
    let checked = rule(raw);
    if checked.is_none() {
        failures.push(invalid(field));
    }
    checked
}

/// What each field must be, in Spanish, naming the field.
fn invalid(field: &str) -> String {
    let rule = match field {
        "first_name" | "last_name" | "time_working" => "debe tener entre 1 y 100 caracteres",
        "document" => "debe tener entre 8 y 12 letras o números",
        "phone_number" => "debe tener entre 6 y 15 dígitos",
        "email" => "debe ser un correo electrónico válido",
        "utm_source" | "utm_medium" => "debe tener como máximo 100 caracteres",
        "car_of_interest" => "debe ser 'Nuevo' o 'Semi nuevo'",
        _ => "no es válido",
    };
    format!("El campo '{field}' {rule}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> LeadDraft<'static> {
        LeadDraft {
            first_name: Some(" María José "),
            last_name: Some("Ñahui Peña"),
            document: Some("45678912"),
            phone_number: Some("987 654 321"),
            email: Some("Maria@Example.PE"),
            time_working: Some("2 años en Uber"),
            utm_source: None,
            utm_medium: Some("cpc"),
            car_of_interest: Some("Semi nuevo"),
        }
    }

    #[test]
    fn a_good_lead_is_cleaned() {
        let lead = good().validate().unwrap();
        assert_eq!(lead.first_name, "María José");
        assert_eq!(lead.last_name, "Ñahui Peña");
        assert_eq!(lead.phone_number, "987654321");
        assert_eq!(lead.email, "maria@example.pe");
        assert_eq!(lead.utm_source, "");
        assert_eq!(lead.utm_medium, "cpc");
        assert_eq!(lead.car_of_interest, CarOfInterest::SemiNew);
    }

    #[test]
    fn every_bad_field_is_named_in_order() {
        let long = "x".repeat(101);
        let draft = LeadDraft {
            first_name: Some(" "),
            last_name: None,
            document: Some("123"),
            phone_number: Some("12"),
            email: Some("nope"),
            time_working: Some(""),
            utm_source: Some(&long),
            utm_medium: Some(&long),
            car_of_interest: Some("nuevo"),
        };
        assert_eq!(
            draft.validate().unwrap_err(),
            [
                "El campo 'first_name' debe tener entre 1 y 100 caracteres",
                "El campo 'last_name' es obligatorio",
                "El campo 'document' debe tener entre 8 y 12 letras o números",
                "El campo 'phone_number' debe tener entre 6 y 15 dígitos",
                "El campo 'email' debe ser un correo electrónico válido",
                "El campo 'time_working' debe tener entre 1 y 100 caracteres",
                "El campo 'utm_source' debe tener como máximo 100 caracteres",
                "El campo 'utm_medium' debe tener como máximo 100 caracteres",
                "El campo 'car_of_interest' debe ser 'Nuevo' o 'Semi nuevo'",
            ]
        );
    }

    #[test]
    fn status_moves() {
        use LeadStatus::*;
        assert_eq!(New.contact_refusal(), None);
        assert!(Contacted.contact_refusal().is_some());
        assert!(Converted.contact_refusal().is_some());
        assert_eq!(New.conversion_refusal(), None);
        assert_eq!(Contacted.conversion_refusal(), None);
        assert!(Converted.conversion_refusal().is_some());
        for status in [New, Contacted, Converted] {
            assert_eq!(LeadStatus::parse(status.as_str()), Some(status));
        }
    }
}
