//! The driver's income and expense notebook: what an amount may be, and which Lima days a
//! summary covers.

use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use rust_decimal::Decimal;

use super::{money::Money, time::lima};

/// The years a period may fall in: a typo such as year 1 or 10000 is refused.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The largest amount one entry may carry: S/ 1,000,000.00.
pub const MAX_AMOUNT: Money = Money::from_cents(100_000_000);

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const SPANISH_MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// An entry's amount from its decimal text (a JSON number's text or a numeric string):
/// positive, at most two decimals, at most `MAX_AMOUNT`. The error names `field`.
pub fn amount(text: &str, field: &str) -> Result<Money, String> {
    let text = text.trim();
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    };
    let Some(decimal) = parsed else {
        return Err(unparsed(text, field));
    };
    if decimal <= Decimal::ZERO {
        return Err(format!("El campo '{field}' debe ser mayor que cero"));
    }
    if decimal > MAX_AMOUNT.to_decimal() {
        return Err(format!(
            "El campo '{field}' no puede superar {}",
            MAX_AMOUNT.two_decimals()
        ));
    }
    Money::from_decimal(decimal)
        .ok_or_else(|| format!("El campo '{field}' admite como máximo dos decimales"))
}

/// Why decimal text that `Decimal` cannot hold was refused: a well-formed number too large
/// or with too many decimal places for it, or no number at all. Only the text is read.
fn unparsed(text: &str, field: &str) -> String {
    let trimmed = text.trim();
    if trimmed.parse::<serde_json::Number>().is_err() {
        return format!("El campo '{field}' debe ser un número");
    }
    if trimmed.starts_with('-') {
        format!("El campo '{field}' debe ser mayor que cero")
    } else if trimmed.to_ascii_lowercase().contains("e-") {
        format!("El campo '{field}' admite como máximo dos decimales")
    } else {
        format!(
            "El campo '{field}' no puede superar {}",
            MAX_AMOUNT.two_decimals()
        )
    }
}

/// The query parameters a summary takes, as sent.
#[derive(Debug, Default, Clone)]
pub struct PeriodParams {
    pub month: Option<String>,
    pub year: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// The Lima days a summary covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The calendar month (1 to 12) when the period is one, none for a custom range.
    pub month: Option<u32>,
}

impl Period {
    /// Chooses the period: `month` (and `year`, by default the current Lima year), or
    /// `start_date` and `end_date`, or with neither the current Lima month. `year` alone
    /// is refused: it names no month.
    pub fn resolve(params: &PeriodParams, today: NaiveDate) -> Result<Self, String> {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let (month, year) = (given(&params.month), given(&params.year));
        let (start, end) = (given(&params.start_date), given(&params.end_date));
        if start.is_some() || end.is_some() {
            if month.is_some() || year.is_some() {
                return Err("Indica 'month' y 'year' o 'start_date' y 'end_date', no ambos".into());
            }
            let start = start.ok_or("El parámetro 'start_date' es obligatorio con 'end_date'")?;
            let end = end.ok_or("El parámetro 'end_date' es obligatorio con 'start_date'")?;
            return Self::range(&start, &end);
        }
        match (month, year) {
            (None, None) => Ok(Self::month_of(today.year(), today.month())),
            (None, Some(_)) => Err("El parámetro 'month' es obligatorio con 'year'".into()),
            (Some(month), year) => {
                let month = month_number(&month).ok_or(
                    "El parámetro 'month' debe ser el nombre de un mes en inglés (por ejemplo, \
                     March)",
                )?;
                let year = match year {
                    Some(year) => parse_year(&year)?,
                    None => today.year(),
                };
                Ok(Self::month_of(year, month))
            }
        }
    }

    fn range(start: &str, end: &str) -> Result<Self, String> {
        let start = parse_date(start, "start_date")?;
        let end = parse_date(end, "end_date")?;
        if start > end {
            return Err("El parámetro 'start_date' no puede ser posterior a 'end_date'".into());
        }
        Ok(Self {
            start,
            end,
            month: None,
        })
    }

    /// The calendar month `month` (1 to 12) of `year`.
    pub fn month_of(year: i32, month: u32) -> Self {
        let start = NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month");
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }
        .expect("a valid month");
        Self {
            start,
            end: next - Duration::days(1),
            month: Some(month),
        }
    }

    /// The month before this period's first day.
    pub fn previous_month(&self) -> Self {
        let before = self.start - Duration::days(1);
        Self::month_of(before.year(), before.month())
    }

    /// The instants covered, as unix seconds: from Lima midnight of the first day
    /// (included) to Lima midnight after the last day (excluded).
    pub fn unix_bounds(&self) -> (i64, i64) {
        (
            lima_midnight(self.start),
            lima_midnight(self.end + Duration::days(1)),
        )
    }

    /// The English name of the month, for a period that is one.
    pub fn month_name(&self) -> Option<&'static str> {
        self.month.map(|m| MONTHS[m as usize - 1])
    }

    /// A short Spanish sentence naming the period.
    pub fn message(&self) -> String {
        match self.month {
            Some(m) => format!(
                "Resumen de {} de {}",
                SPANISH_MONTHS[m as usize - 1],
                self.start.year()
            ),
            None => format!("Resumen del {} al {}", self.start, self.end),
        }
    }
}

fn lima_midnight(day: NaiveDate) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    lima()
        .from_local_datetime(&midnight)
        .single()
        .expect("a fixed offset has one local time")
        .timestamp()
}

/// 1 to 12 from an English month name, in any case.
fn month_number(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as u32 + 1)
}

fn parse_year(text: &str) -> Result<i32, String> {
    text.parse::<i32>()
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| "El parámetro 'year' debe ser un año entre 2000 y 2100".into())
}

fn parse_date(text: &str, name: &str) -> Result<NaiveDate, String> {
    let shaped = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    shaped
        .then(|| NaiveDate::from_str(text).ok())
        .flatten()
        .filter(|d| YEARS.contains(&d.year()))
        .ok_or_else(|| format!("El parámetro '{name}' debe ser una fecha válida YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn params(month: Option<&str>, year: Option<&str>) -> PeriodParams {
        PeriodParams {
            month: month.map(str::to_owned),
            year: year.map(str::to_owned),
            ..PeriodParams::default()
        }
    }

    fn range(start: Option<&str>, end: Option<&str>) -> PeriodParams {
        PeriodParams {
            start_date: start.map(str::to_owned),
            end_date: end.map(str::to_owned),
            ..PeriodParams::default()
        }
    }

    const TODAY: fn() -> NaiveDate = || day(2026, 5, 17);

    #[test]
    fn nothing_means_the_current_month() {
        let period = Period::resolve(&PeriodParams::default(), TODAY()).unwrap();
        assert_eq!(period.start, day(2026, 5, 1));
        assert_eq!(period.end, day(2026, 5, 31));
        assert_eq!(period.month_name(), Some("May"));
        assert_eq!(period.message(), "Resumen de mayo de 2026");
    }

    #[test]
    fn a_month_by_english_name_in_any_case() {
        let period = Period::resolve(&params(Some("fEbRuArY"), Some("2024")), TODAY()).unwrap();
        assert_eq!(
            (period.start, period.end),
            (day(2024, 2, 1), day(2024, 2, 29))
        );
        let december = Period::resolve(&params(Some("December"), Some("2025")), TODAY()).unwrap();
        assert_eq!(december.end, day(2025, 12, 31));
        let january = Period::month_of(2026, 1);
        assert_eq!(january.previous_month(), december);
    }

    #[test]
    fn a_month_without_a_year_is_in_the_current_year() {
        let period = Period::resolve(&params(Some("march"), None), TODAY()).unwrap();
        assert_eq!(period.start, day(2026, 3, 1));
    }

    #[test]
    fn bad_months_and_years_name_the_parameter() {
        for bad in ["13", "Marz", "Mar", "marzo"] {
            let err = Period::resolve(&params(Some(bad), Some("2026")), TODAY()).unwrap_err();
            assert!(err.contains("'month'"), "{bad}: {err}");
        }
        for bad in ["dos mil", "20.5", "-1", "1999", "2101"] {
            let err = Period::resolve(&params(Some("May"), Some(bad)), TODAY()).unwrap_err();
            assert!(err.contains("'year'"), "{bad}: {err}");
        }
        let err = Period::resolve(&params(None, Some("2026")), TODAY()).unwrap_err();
        assert!(err.contains("'month'"), "{err}");
    }

    #[test]
    fn a_custom_range_is_inclusive() {
        let period = Period::resolve(&range(Some("2026-01-30"), Some("2026-02-02")), TODAY());
        let period = period.unwrap();
        assert_eq!(period.month, None);
        assert_eq!(period.message(), "Resumen del 2026-01-30 al 2026-02-02");
        let (from, to) = period.unix_bounds();
        assert_eq!(to - from, 4 * 24 * 3600);
        let one_day = Period::resolve(&range(Some("2026-01-30"), Some("2026-01-30")), TODAY());
        assert!(one_day.is_ok());
    }

    #[test]
    fn bad_ranges_name_the_parameter() {
        let cases = [
            (Some("2026-02-30"), Some("2026-03-01"), "'start_date'"),
            (Some("2026-2-1"), Some("2026-03-01"), "'start_date'"),
            (Some("1999-12-31"), Some("2026-03-01"), "'start_date'"),
            (Some("2026-02-01"), Some("ayer"), "'end_date'"),
            (Some("2026-03-02"), Some("2026-03-01"), "'start_date'"),
            (Some("2026-03-01"), None, "'end_date'"),
            (None, Some("2026-03-01"), "'start_date'"),
        ];
        for (start, end, named) in cases {
            let err = Period::resolve(&range(start, end), TODAY()).unwrap_err();
            assert!(err.contains(named), "{start:?} {end:?}: {err}");
        }
        let mut both = range(Some("2026-03-01"), Some("2026-03-02"));
        both.month = Some("March".into());
        assert!(Period::resolve(&both, TODAY()).is_err());
    }

    #[test]
    fn bounds_are_lima_midnights() {
        let period = Period::resolve(&params(Some("January"), Some("2026")), TODAY()).unwrap();
        // 2026-01-01 00:00 Lima is 05:00 UTC.
        assert_eq!(period.unix_bounds(), (1_767_243_600, 1_769_922_000));
    }

    #[test]
    fn amounts_are_exact_positive_and_capped() {
        assert_eq!(amount("10", "amount"), Ok(Money::from_cents(1000)));
        assert_eq!(amount("0.01", "amount"), Ok(Money::from_cents(1)));
        assert_eq!(amount(" 33.30 ", "amount"), Ok(Money::from_cents(3330)));
        assert_eq!(amount("1e2", "amount"), Ok(Money::from_cents(10000)));
        assert_eq!(amount("1000000.00", "amount"), Ok(MAX_AMOUNT));
        assert_eq!(
            amount("1e400", "amount").unwrap_err(),
            "El campo 'amount' no puede superar 1000000.00"
        );
        assert_eq!(
            amount("-1e400", "amount").unwrap_err(),
            "El campo 'amount' debe ser mayor que cero"
        );
        assert_eq!(
            amount("inf", "amount").unwrap_err(),
            "El campo 'amount' debe ser un número"
        );
        for bad in ["0", "-5", "0.001", "1000000.01", "abc", "", "NaN"] {
            let err = amount(bad, "amount").unwrap_err();
            assert!(err.contains("'amount'"), "{bad}: {err}");
        }
    }
}
