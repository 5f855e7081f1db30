//! Contract statuses and the moves between them: pending → active → finished, or
//! cancelled from either of the first two; and the checks on a new contract's terms.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractStatus {
    Pending,
    Active,
    Finished,
    Cancelled,
}

impl ContractStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "contract_pending" => Some(Self::Pending),
            "contract_active" => Some(Self::Active),
            "contract_finished" => Some(Self::Finished),
            "contract_cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "contract_pending",
            Self::Active => "contract_active",
            Self::Finished => "contract_finished",
            Self::Cancelled => "contract_cancelled",
        }
    }

    /// Pending and active contracts hold their car.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Active)
    }

    pub fn can_activate(self) -> bool {
        self == Self::Pending
    }

    pub fn can_cancel(self) -> bool {
        self.is_open()
    }

    /// The status in words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "pendiente",
            Self::Active => "activo",
            Self::Finished => "finalizado",
            Self::Cancelled => "cancelado",
        }
    }

    /// Why the contract cannot be activated, or `None` when it can.
    pub fn activation_refusal(self) -> Option<String> {
        (!self.can_activate()).then(|| {
            format!(
                "Solo se puede activar un contrato pendiente; este contrato está {}",
                self.label()
            )
        })
    }

    /// Why the contract cannot be cancelled, or `None` when it can.
    pub fn cancellation_refusal(self) -> Option<String> {
        (!self.can_cancel()).then(|| {
            format!(
                "Solo se puede cancelar un contrato pendiente o activo; este contrato está {}",
                self.label()
            )
        })
    }
}

/// Longest contract accepted, in weeks (ten years).
pub const MAX_WEEKS: i64 = 520;

/// Largest weekly amount accepted: far above any real fee, low enough to catch cents typed
/// as soles.
pub const MAX_WEEKLY_AMOUNT: Money = Money::from_cents(1_000_000);

/// The weekly amount of a new contract: more than zero, at most S/ 10,000.00, at most two
/// decimals.
pub fn weekly_amount(amount: Decimal) -> Result<Money, &'static str> {
    Money::from_decimal(amount)
        .filter(|money| *money > Money::ZERO && *money <= MAX_WEEKLY_AMOUNT)
        .ok_or(
            "El campo 'weekly_amount' debe ser un monto mayor que 0 y de hasta 10000, con hasta 2 decimales",
        )
}

/// The length of a new contract, in weeks: 1 to `MAX_WEEKS`.
pub fn weeks(weeks: i64) -> Result<i64, &'static str> {
    if (1..=MAX_WEEKS).contains(&weeks) {
        Ok(weeks)
    } else {
        Err("El campo 'weeks' debe estar entre 1 y 520")
    }
}

/// A start date, `YYYY-MM-DD`, in years 2000 to 2100.
pub fn start_date(raw: &str) -> Result<NaiveDate, &'static str> {
    crate::domain::time::parse_day(raw)
        .ok_or("El campo 'start_date' debe ser una fecha AAAA-MM-DD entre los años 2000 y 2100")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_allowed_from_each_status() {
        use ContractStatus::*;
        assert!(Pending.can_activate() && Pending.can_cancel());
        assert!(!Active.can_activate() && Active.can_cancel());
        for closed in [Finished, Cancelled] {
            assert!(!closed.can_activate() && !closed.can_cancel() && !closed.is_open());
        }
        for status in [Pending, Active, Finished, Cancelled] {
            assert_eq!(ContractStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(Pending.activation_refusal(), None);
        assert_eq!(
            Active.activation_refusal().unwrap(),
            "Solo se puede activar un contrato pendiente; este contrato está activo"
        );
        assert_eq!(Active.cancellation_refusal(), None);
        assert!(Cancelled.cancellation_refusal().is_some());
    }

    #[test]
    fn terms_of_a_new_contract() {
        assert_eq!(
            weekly_amount(Decimal::new(4805, 1)),
            Ok(Money::from_cents(48050))
        );
        for bad in [Decimal::new(480555, 3), Decimal::ZERO, Decimal::new(-1, 0)] {
            assert!(weekly_amount(bad).is_err(), "{bad}");
        }
        assert_eq!(weeks(1), Ok(1));
        assert_eq!(weeks(MAX_WEEKS), Ok(MAX_WEEKS));
        assert!(weeks(0).is_err() && weeks(MAX_WEEKS + 1).is_err());
        assert_eq!(
            start_date("2026-03-02"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
        );
        assert!(start_date("02/03/2026").is_err() && start_date("2026-02-30").is_err());
    }
}
