//! Money: exact soles, kept as whole cents. Never a binary float, in memory or in JSON:
//! amounts leave as JSON number tokens written from the decimal text.

use std::{fmt, str::FromStr};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

/// An amount of soles, exact to the cent. One coin is one sol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// An amount given in soles; more than two decimals is refused rather than rounded.
    pub fn from_decimal(amount: Decimal) -> Option<Self> {
        let cents = amount.checked_mul(Decimal::ONE_HUNDRED)?;
        if cents.fract() != Decimal::ZERO {
            return None;
        }
        i64::try_from(cents.trunc()).ok().map(Self)
    }

    /// `percent` % of this amount, rounded half-up to the cent.
    pub fn percent(self, percent: Decimal) -> Self {
        let exact = self.to_decimal() * percent / Decimal::ONE_HUNDRED;
        let rounded = exact.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        Self::from_decimal(rounded).expect("a value rounded to cents is whole cents")
    }

    /// The shortest exact text: `525`, `525.5`, `525.05`.
    fn plain_text(self) -> String {
        self.to_decimal().normalize().to_string()
    }

    /// A JSON number with the shortest exact text (`525`, `525.5`).
    pub fn json(self) -> serde_json::Number {
        json_number(&self.plain_text())
    }

    /// A JSON number that always shows a fraction (`0.0`, `120.0`, `120.5`): the shape the
    /// apps know for the coins balance.
    pub fn json_with_fraction(self) -> serde_json::Number {
        let text = self.plain_text();
        if text.contains('.') {
            json_number(&text)
        } else {
            json_number(&format!("{text}.0"))
        }
    }

    /// A string with exactly two decimals (`"10.00"`), as the finances endpoints show money.
    pub fn two_decimals(self) -> String {
        format!("{:.2}", self.to_decimal())
    }
}

fn json_number(text: &str) -> serde_json::Number {
    serde_json::Number::from_str(text).expect("a decimal is a valid JSON number")
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain_text())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json().serialize(serializer)
    }
}

/// For `#[serde(serialize_with)]` on fields shown with a fraction, like `coins`.
pub fn serialize_with_fraction<S: Serializer>(money: &Money, s: S) -> Result<S::Ok, S::Error> {
    money.json_with_fraction().serialize(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_json(value: impl Serialize) -> String {
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn serializes_as_exact_json_numbers() {
        assert_eq!(to_json(Money::from_cents(52500)), "525");
        assert_eq!(to_json(Money::from_cents(52550)), "525.5");
        assert_eq!(to_json(Money::from_cents(52505)), "525.05");
        assert_eq!(to_json(Money::from_cents(0)), "0");
        assert_eq!(to_json(Money::from_cents(-150)), "-1.5");
        // Past 2^53 cents a float would already be wrong; the text is not.
        assert_eq!(
            to_json(Money::from_cents(9_007_199_254_740_993)),
            "90071992547409.93"
        );
    }

    #[test]
    fn coins_always_show_a_fraction() {
        assert_eq!(Money::ZERO.json_with_fraction().to_string(), "0.0");
        assert_eq!(
            Money::from_cents(12000).json_with_fraction().to_string(),
            "120.0"
        );
        assert_eq!(
            Money::from_cents(12050).json_with_fraction().to_string(),
            "120.5"
        );
    }

    #[test]
    fn two_decimal_strings() {
        assert_eq!(Money::from_cents(1000).two_decimals(), "10.00");
        assert_eq!(Money::from_cents(5).two_decimals(), "0.05");
    }

    #[test]
    fn from_decimal_refuses_fractions_of_a_cent() {
        assert_eq!(
            Money::from_decimal(Decimal::new(52550, 2)),
            Some(Money::from_cents(52550))
        );
        assert_eq!(
            Money::from_decimal(Decimal::new(5255, 1)),
            Some(Money::from_cents(52550))
        );
        assert_eq!(Money::from_decimal(Decimal::new(52555, 3)), None);
    }

    #[test]
    fn percent_rounds_half_up_once() {
        // 5% of 525.10 = 26.255 -> 26.26
        assert_eq!(
            Money::from_cents(52510).percent(Decimal::from(5)),
            Money::from_cents(2626)
        );
        // 7% of 525 = 36.75 exactly
        assert_eq!(
            Money::from_cents(52500).percent(Decimal::from(7)),
            Money::from_cents(3675)
        );
        assert_eq!(Money::from_cents(52500).percent(Decimal::ZERO), Money::ZERO);
    }
}
