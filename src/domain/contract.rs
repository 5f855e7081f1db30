//! Contract statuses and the moves between them: pending → active → finished, or
//! cancelled from either of the first two.

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
}

/// Longest contract accepted, in weeks (ten years).
pub const MAX_WEEKS: i64 = 520;

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
    }
}
