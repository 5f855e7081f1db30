//! Invoices: their statuses and types, the weekly schedule of a contract, discounts,
//! fractions, freezes, cancellations and late-payment penalties. Days are Lima days.

use chrono::{Days, NaiveDate};

use super::money::Money;

/// The type of every scheduled weekly invoice.
pub const WEEKLY_FEE: &str = "weekly_fee";
/// The type of the invoice the billing run adds for a late weekly fee.
pub const PENALTY: &str = "penalty";

/// Most fractions one invoice may be split into.
pub const MAX_FRACTIONS: usize = 12;

/// Largest total of an invoice added by hand, or of one discount: S/ 100,000.00, far
/// above any repair or fee, low enough to catch cents typed as soles.
pub const MAX_MANUAL_AMOUNT: Money = Money::from_cents(10_000_000);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    Pending,
    Fraction,
    Freezed,
    Paid,
    Cancelled,
}

impl InvoiceStatus {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Fraction,
        Self::Freezed,
        Self::Paid,
        Self::Cancelled,
    ];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Fraction => "fraction",
            Self::Freezed => "freezed",
            Self::Paid => "paid",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status a client list names in its path: `pendings`, `fractions`, `freezed`,
    /// `paid`, exactly so. Cancelled invoices have no client list.
    pub fn from_list(segment: &str) -> Option<Self> {
        match segment {
            "pendings" => Some(Self::Pending),
            "fractions" => Some(Self::Fraction),
            "freezed" => Some(Self::Freezed),
            "paid" => Some(Self::Paid),
            _ => None,
        }
    }

    /// Still owed: pending, split into fractions, or frozen.
    pub fn is_unpaid(self) -> bool {
        matches!(self, Self::Pending | Self::Fraction | Self::Freezed)
    }

    /// The status in words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "pendiente",
            Self::Fraction => "fraccionada",
            Self::Freezed => "congelada",
            Self::Paid => "pagada",
            Self::Cancelled => "anulada",
        }
    }
}

/// One week of a contract's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledWeek {
    /// From 1.
    pub week: i64,
    pub due_date: NaiveDate,
}

/// The weekly invoices of a contract starting on `start`: week `n` is due `7 × n` days
/// after the start, so the first is due seven days after it.
pub fn schedule(start: NaiveDate, weeks: i64) -> impl Iterator<Item = ScheduledWeek> {
    (1..=weeks).map_while(move |week| {
        let days = u64::try_from(week).ok()?.checked_mul(7)?;
        Some(ScheduledWeek {
            week,
            due_date: start.checked_add_days(Days::new(days))?,
        })
    })
}

/// What is left to pay of `total` after its discounts: never below zero, never above
/// the total.
pub fn total_with_discount(total: Money, discounts: impl IntoIterator<Item = Money>) -> Money {
    let discounted = discounts
        .into_iter()
        .fold(0i128, |sum, discount| sum + i128::from(discount.cents()));
    let left = (i128::from(total.cents()) - discounted).clamp(0, i128::from(total.cents()));
    Money::from_cents(i64::try_from(left).expect("between zero and the total"))
}

/// The discount an Uber plan of `percent` % gives on a weekly fee of `total`, rounded
/// half-up to the cent once; none when it rounds to zero, and none when it would take all
/// that the invoice's other discounts leave `owed`. A plan never settles an invoice: a
/// tier changes with no one deciding about that invoice (a tier's percent typed wrong
/// would otherwise mark weeks paid for good); staff settle one with a manual discount.
pub fn uber_plan_discount(total: Money, percent: i64, owed: Money) -> Option<Money> {
    let percent = percent.clamp(0, 100);
    Some(total.percent(percent.into()))
        .filter(|discount| *discount > Money::ZERO && *discount < owed)
}

/// Weekly fees due before this day are late on `today`: an invoice due today is not late,
/// nor for `grace_days` more days.
pub fn late_before(today: NaiveDate, grace_days: u32) -> NaiveDate {
    today
        .checked_sub_days(Days::new(grace_days.into()))
        .unwrap_or(NaiveDate::MIN)
}

/// Whether an invoice due on `due` is late on `today`, given the grace days.
pub fn is_late(due: NaiveDate, today: NaiveDate, grace_days: u32) -> bool {
    due < late_before(today, grace_days)
}

/// Whether an invoice earns a penalty on `today`: a weekly fee, still owed and not frozen,
/// late past the grace days, and not penalized before.
pub fn earns_penalty(
    type_code: &str,
    status: InvoiceStatus,
    due: NaiveDate,
    already_penalized: bool,
    today: NaiveDate,
    grace_days: u32,
) -> bool {
    type_code == WEEKLY_FEE
        && matches!(status, InvoiceStatus::Pending | InvoiceStatus::Fraction)
        && !already_penalized
        && is_late(due, today, grace_days)
}

/// A fraction due today or earlier and not paid, of an invoice still split (not frozen,
/// cancelled or paid), is active: it is collected with any payment.
pub fn is_active_fraction(
    invoice_status: InvoiceStatus,
    due: NaiveDate,
    paid: bool,
    today: NaiveDate,
) -> bool {
    invoice_status == InvoiceStatus::Fraction && !paid && due <= today
}

/// An invoice whose discounts leave nothing to pay is settled: it counts as paid, since
/// there is no payment of zero to make.
pub fn settled_by_discounts(status: InvoiceStatus, total_with_discount: Money) -> bool {
    matches!(status, InvoiceStatus::Pending | InvoiceStatus::Freezed)
        && total_with_discount == Money::ZERO
}

/// Freezing: a pending or split invoice stops being payable and earns no penalty.
pub fn freeze(status: InvoiceStatus) -> Result<InvoiceStatus, String> {
    match status {
        InvoiceStatus::Pending | InvoiceStatus::Fraction => Ok(InvoiceStatus::Freezed),
        other => Err(format!(
            "Solo se puede congelar una factura pendiente o fraccionada; esta factura está {}",
            other.label()
        )),
    }
}

/// Unfreezing returns the invoice to what it was: split when it has fractions, pending
/// otherwise.
pub fn unfreeze(status: InvoiceStatus, has_fractions: bool) -> Result<InvoiceStatus, String> {
    match status {
        InvoiceStatus::Freezed if has_fractions => Ok(InvoiceStatus::Fraction),
        InvoiceStatus::Freezed => Ok(InvoiceStatus::Pending),
        other => Err(format!(
            "Solo se puede descongelar una factura congelada; esta factura está {}",
            other.label()
        )),
    }
}

/// Cancelling: anything still owed, unless part of it was already paid as fractions.
pub fn cancel(status: InvoiceStatus, paid_fractions: bool) -> Result<InvoiceStatus, String> {
    if !status.is_unpaid() {
        return Err(format!(
            "Solo se puede anular una factura que no esté pagada ni anulada; esta factura está {}",
            status.label()
        ));
    }
    if paid_fractions {
        return Err("No se puede anular una factura con fracciones ya pagadas".into());
    }
    Ok(InvoiceStatus::Cancelled)
}

/// Why a discount cannot be added, if it cannot: only to a pending or frozen invoice not
/// split into fractions (a split fixed the amounts to pay).
pub fn discount_refusal(status: InvoiceStatus, has_fractions: bool) -> Option<String> {
    if has_fractions {
        return Some("No se puede agregar un descuento a una factura fraccionada".into());
    }
    match status {
        InvoiceStatus::Pending | InvoiceStatus::Freezed => None,
        other => Some(format!(
            "Solo se puede agregar un descuento a una factura pendiente o congelada; esta factura está {}",
            other.label()
        )),
    }
}

/// The amount of a manual discount: more than zero, at most what is still owed, so that
/// an invoice's discounts never add up to more than its total.
pub fn discount_amount(amount: Money, owed: Money) -> Result<Money, String> {
    if amount <= Money::ZERO {
        return Err("El campo 'amount' debe ser mayor que 0".into());
    }
    if amount > owed {
        return Err(format!(
            "El descuento no puede superar lo que queda por pagar de la factura (S/ {})",
            owed.two_decimals()
        ));
    }
    Ok(amount)
}

/// The total of an invoice added by hand: more than zero, at most `MAX_MANUAL_AMOUNT`.
pub fn manual_total(total: Money) -> Result<Money, &'static str> {
    if total > Money::ZERO && total <= MAX_MANUAL_AMOUNT {
        Ok(total)
    } else {
        Err(
            "El campo 'total' debe ser un monto mayor que 0 y de hasta 100000, con hasta 2 decimales",
        )
    }
}

/// One fraction asked for in a split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FractionPlan {
    pub amount: Money,
    pub due_date: NaiveDate,
}

/// Checks a split of an invoice owing `total_with_discount` in `status`: only a pending
/// invoice; 2 to `MAX_FRACTIONS` fractions, each more than zero, adding up to the owed
/// amount to the cent. Answers the fractions in the order they fall due.
pub fn split(
    status: InvoiceStatus,
    total_with_discount: Money,
    fractions: &[FractionPlan],
) -> Result<Vec<FractionPlan>, Vec<String>> {
    if status != InvoiceStatus::Pending {
        return Err(vec![format!(
            "Solo se puede fraccionar una factura pendiente; esta factura está {}",
            status.label()
        )]);
    }
    let mut errors = Vec::new();
    if !(2..=MAX_FRACTIONS).contains(&fractions.len()) {
        errors.push(format!(
            "El campo 'fractions' debe tener entre 2 y {MAX_FRACTIONS} fracciones"
        ));
    }
    for (i, fraction) in fractions.iter().enumerate() {
        if fraction.amount <= Money::ZERO {
            errors.push(format!(
                "El monto de la fracción {} debe ser mayor que 0",
                i + 1
            ));
        }
    }
    let sum: i128 = fractions
        .iter()
        .map(|fraction| i128::from(fraction.amount.cents()))
        .sum();
    if sum != i128::from(total_with_discount.cents()) {
        let shown = i64::try_from(sum)
            .map(|cents| Money::from_cents(cents).two_decimals())
            .unwrap_or_else(|_| "?".into());
        errors.push(format!(
            "Las fracciones suman S/ {shown} y deben sumar exactamente S/ {}",
            total_with_discount.two_decimals()
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut ordered = fractions.to_vec();
    ordered.sort_by_key(|fraction| fraction.due_date);
    Ok(ordered)
}

/// A contract is finished when its weekly fees are all settled (paid, or cancelled by an
/// admin) and at least one was paid.
pub fn contract_is_complete(unsettled_weekly_fees: i64, paid_weekly_fees: i64) -> bool {
    unsettled_weekly_fees == 0 && paid_weekly_fees > 0
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;
    use crate::domain::time::lima_day;

    fn day(raw: &str) -> NaiveDate {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap()
    }

    fn soles(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    #[test]
    fn the_schedule_starts_seven_days_after_the_start() {
        let weeks: Vec<_> = schedule(day("2026-01-01"), 130).collect();
        assert_eq!(weeks.len(), 130);
        assert_eq!(weeks[0].week, 1);
        assert_eq!(weeks[0].due_date, day("2026-01-08"));
        assert_eq!(weeks[1].due_date, day("2026-01-15"));
        assert_eq!(weeks[129].due_date, day("2028-06-29"));
        assert_eq!(schedule(day("2026-01-01"), 0).count(), 0);
    }

    #[test]
    fn list_names_map_to_statuses() {
        assert_eq!(
            InvoiceStatus::from_list("pendings"),
            Some(InvoiceStatus::Pending)
        );
        assert_eq!(
            InvoiceStatus::from_list("fractions"),
            Some(InvoiceStatus::Fraction)
        );
        assert_eq!(
            InvoiceStatus::from_list("freezed"),
            Some(InvoiceStatus::Freezed)
        );
        assert_eq!(InvoiceStatus::from_list("paid"), Some(InvoiceStatus::Paid));
        for bad in ["pending", "Pendings", "cancelled", "", "PAID"] {
            assert_eq!(InvoiceStatus::from_list(bad), None, "{bad}");
        }
        for status in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn discounts_and_the_uber_plan() {
        assert_eq!(total_with_discount(soles(52500), []), soles(52500));
        assert_eq!(
            total_with_discount(soles(52500), [soles(2625), soles(1000)]),
            soles(48875)
        );
        assert_eq!(
            total_with_discount(soles(1000), [soles(900), soles(900)]),
            Money::ZERO
        );
        // 5 % of 525.00 is 26.25; 7 % of 480.50 is 33.635, half-up 33.64.
        assert_eq!(
            uber_plan_discount(soles(52500), 5, soles(52500)),
            Some(soles(2625))
        );
        assert_eq!(
            uber_plan_discount(soles(48050), 7, soles(48050)),
            Some(soles(3364))
        );
        assert_eq!(uber_plan_discount(soles(52500), 0, soles(52500)), None);
        // 5 % of 0.10 is half a cent: half-up gives one cent.
        assert_eq!(uber_plan_discount(soles(10), 5, soles(10)), Some(soles(1)));
        // Other discounts left S/ 10.00 owed: the plan's 26.25 would take it all, so the
        // plan gives nothing there; a plan never settles an invoice, even at 100 %.
        assert_eq!(uber_plan_discount(soles(52500), 5, soles(1000)), None);
        assert_eq!(
            uber_plan_discount(soles(52500), 5, soles(2626)),
            Some(soles(2625))
        );
        assert_eq!(uber_plan_discount(soles(52500), 5, Money::ZERO), None);
        assert_eq!(uber_plan_discount(soles(52500), 100, soles(52500)), None);
        // Discounts that leave nothing owed settle a pending or frozen invoice.
        assert!(settled_by_discounts(InvoiceStatus::Pending, Money::ZERO));
        assert!(settled_by_discounts(InvoiceStatus::Freezed, Money::ZERO));
        assert!(!settled_by_discounts(InvoiceStatus::Pending, soles(1)));
        assert!(!settled_by_discounts(InvoiceStatus::Cancelled, Money::ZERO));
    }

    #[test]
    fn lateness_and_penalties() {
        let due = day("2026-03-10");
        assert!(!is_late(due, day("2026-03-10"), 0));
        assert!(is_late(due, day("2026-03-11"), 0));
        assert!(!is_late(due, day("2026-03-13"), 3));
        assert!(is_late(due, day("2026-03-14"), 3));
        let today = day("2026-03-20");
        assert!(earns_penalty(
            WEEKLY_FEE,
            InvoiceStatus::Pending,
            due,
            false,
            today,
            3
        ));
        assert!(earns_penalty(
            WEEKLY_FEE,
            InvoiceStatus::Fraction,
            due,
            false,
            today,
            3
        ));
        for status in [
            InvoiceStatus::Freezed,
            InvoiceStatus::Paid,
            InvoiceStatus::Cancelled,
        ] {
            assert!(!earns_penalty(WEEKLY_FEE, status, due, false, today, 3));
        }
        assert!(!earns_penalty(
            WEEKLY_FEE,
            InvoiceStatus::Pending,
            due,
            true,
            today,
            3
        ));
        assert!(!earns_penalty(
            PENALTY,
            InvoiceStatus::Pending,
            due,
            false,
            today,
            3
        ));
    }

    #[test]
    fn moves_between_statuses() {
        use InvoiceStatus::*;
        assert_eq!(freeze(Pending), Ok(Freezed));
        assert_eq!(freeze(Fraction), Ok(Freezed));
        assert!(freeze(Paid).is_err() && freeze(Freezed).is_err() && freeze(Cancelled).is_err());
        assert_eq!(unfreeze(Freezed, false), Ok(Pending));
        assert_eq!(unfreeze(Freezed, true), Ok(Fraction));
        assert!(unfreeze(Pending, false).is_err());
        assert_eq!(cancel(Pending, false), Ok(Cancelled));
        assert_eq!(cancel(Freezed, false), Ok(Cancelled));
        assert!(cancel(Fraction, true).is_err());
        assert!(cancel(Paid, false).is_err() && cancel(Cancelled, false).is_err());
        assert_eq!(discount_refusal(Pending, false), None);
        assert_eq!(discount_refusal(Freezed, false), None);
        assert!(discount_refusal(Pending, true).is_some());
        assert!(discount_refusal(Paid, false).is_some());
        assert!(discount_amount(soles(0), soles(100)).is_err());
        assert!(discount_amount(soles(101), soles(100)).is_err());
        assert_eq!(discount_amount(soles(100), soles(100)), Ok(soles(100)));
    }

    #[test]
    fn a_split_must_add_up_to_the_cent() {
        let plan = |cents: i64, due: &str| FractionPlan {
            amount: soles(cents),
            due_date: day(due),
        };
        let ordered = split(
            InvoiceStatus::Pending,
            soles(52500),
            &[plan(26250, "2026-03-20"), plan(26250, "2026-03-13")],
        )
        .unwrap();
        assert_eq!(ordered[0].due_date, day("2026-03-13"));
        let errors = split(
            InvoiceStatus::Pending,
            soles(52500),
            &[plan(26250, "2026-03-13"), plan(26249, "2026-03-20")],
        )
        .unwrap_err();
        assert_eq!(
            errors,
            ["Las fracciones suman S/ 524.99 y deben sumar exactamente S/ 525.00"]
        );
        assert!(
            split(
                InvoiceStatus::Pending,
                soles(100),
                &[plan(100, "2026-03-13")]
            )
            .is_err()
        );
        assert!(
            split(
                InvoiceStatus::Freezed,
                soles(100),
                &[plan(50, "2026-03-13"), plan(50, "2026-03-14")]
            )
            .is_err()
        );
        assert!(
            split(
                InvoiceStatus::Pending,
                soles(100),
                &[plan(0, "2026-03-13"), plan(100, "2026-03-14")]
            )
            .is_err()
        );
    }

    #[test]
    fn a_contract_completes_when_no_weekly_fee_is_owed() {
        assert!(contract_is_complete(0, 130));
        assert!(!contract_is_complete(1, 129));
        assert!(!contract_is_complete(0, 0));
    }

    proptest! {
        /// A split is accepted exactly when the amounts add up to what is owed, and then
        /// the fractions add up to it.
        #[test]
        fn fractions_add_up_to_the_invoice(
            owed in 2i64..5_000_000,
            cuts in prop::collection::vec(1i64..1_000_000, 1..MAX_FRACTIONS),
            skew in -2i64..=2,
        ) {
            // Cut `owed` into pieces at the given points, then perhaps nudge the last one.
            let mut points: Vec<i64> = cuts.iter().map(|c| 1 + c % (owed - 1)).collect();
            points.sort_unstable();
            points.dedup();
            let mut amounts = Vec::new();
            let mut previous = 0;
            for point in points.iter().chain([owed].iter()) {
                amounts.push(point - previous);
                previous = *point;
            }
            *amounts.last_mut().unwrap() += skew;
            let plans: Vec<FractionPlan> = amounts
                .iter()
                .enumerate()
                .map(|(i, cents)| FractionPlan {
                    amount: soles(*cents),
                    due_date: day("2026-01-01") + Days::new(i as u64 * 7),
                })
                .collect();
            let result = split(InvoiceStatus::Pending, soles(owed), &plans);
            let adds_up = amounts.iter().sum::<i64>() == owed;
            let positive = amounts.iter().all(|a| *a > 0);
            prop_assert_eq!(result.is_ok(), adds_up && positive && plans.len() >= 2);
            if let Ok(fractions) = result {
                let sum: i64 = fractions.iter().map(|f| f.amount.cents()).sum();
                prop_assert_eq!(sum, owed);
                prop_assert!(fractions.windows(2).all(|w| w[0].due_date <= w[1].due_date));
            }
        }

        /// No discount, however large or many, takes what is owed below zero or above the
        /// total; the Uber discount never exceeds the total and is the half-up percentage.
        #[test]
        fn totals_never_go_below_zero(
            total in 0i64..100_000_000,
            discounts in prop::collection::vec(0i64..200_000_000, 0..6),
            percent in 0i64..=100,
        ) {
            let left = total_with_discount(soles(total), discounts.iter().map(|d| soles(*d)));
            prop_assert!(left >= Money::ZERO && left <= soles(total));
            let expected = (total - discounts.iter().sum::<i64>()).max(0);
            prop_assert_eq!(left, soles(expected));
            let uber = uber_plan_discount(soles(total), percent, soles(total))
                .unwrap_or(Money::ZERO);
            prop_assert!(uber < soles(total) || total == 0);
            // Half-up in integers: (total × percent + 50) / 100, unless that is all of it.
            let half_up = (total * percent + 50) / 100;
            prop_assert_eq!(uber.cents(), if half_up < total { half_up } else { 0 });
        }

        /// Discounts granted one after another, each checked against what is still owed,
        /// and an Uber plan discount after them, never add up to more than the total.
        #[test]
        fn discounts_never_add_up_past_the_total(
            total in 1i64..10_000_000,
            asked in prop::collection::vec(1i64..20_000_000, 0..8),
            percent in 0i64..=100,
        ) {
            let mut granted: Vec<Money> = Vec::new();
            for amount in asked {
                let owed = total_with_discount(soles(total), granted.iter().copied());
                if let Ok(amount) = discount_amount(soles(amount), owed) {
                    granted.push(amount);
                }
            }
            let owed = total_with_discount(soles(total), granted.iter().copied());
            if let Some(uber) = uber_plan_discount(soles(total), percent, owed) {
                // The plan leaves something owed: it never settles an invoice.
                prop_assert!(uber < owed);
                granted.push(uber);
            }
            let sum: i64 = granted.iter().map(|d| d.cents()).sum();
            prop_assert!(sum <= total);
            let left = total_with_discount(soles(total), granted.iter().copied());
            prop_assert_eq!(left.cents(), total - sum);
        }

        /// Billing runs on any days, in any order, repeated: each weekly fee gets at most
        /// one penalty, and every one late on some run day and never frozen gets one.
        #[test]
        fn at_most_one_penalty_per_invoice(
            dues in prop::collection::vec(0u64..200, 1..20),
            frozen in prop::collection::vec(any::<bool>(), 20),
            runs in prop::collection::vec(0u64..220, 1..15),
            grace in 0u32..10,
        ) {
            let origin = day("2026-01-01");
            let mut penalized: HashSet<usize> = HashSet::new();
            let mut penalties = 0;
            for run in &runs {
                let today = origin + Days::new(*run);
                for (i, due) in dues.iter().enumerate() {
                    let status = if frozen[i] { InvoiceStatus::Freezed } else { InvoiceStatus::Pending };
                    let due = origin + Days::new(*due);
                    if earns_penalty(WEEKLY_FEE, status, due, penalized.contains(&i), today, grace) {
                        penalized.insert(i);
                        penalties += 1;
                    }
                }
            }
            prop_assert_eq!(penalties, penalized.len());
            let last = origin + Days::new(*runs.iter().max().unwrap());
            for (i, due) in dues.iter().enumerate() {
                let late = is_late(origin + Days::new(*due), last, grace);
                prop_assert_eq!(penalized.contains(&i), late && !frozen[i]);
            }
        }

        /// An invoice due on a Lima day is not late at any instant of that day, up to
        /// 23:59:59 Lima, and is late from 00:00 Lima the next day, whatever the instant's
        /// UTC date.
        #[test]
        fn the_lima_day_boundary(days_from_2000 in 0i64..36_000, second in 0i64..86_400) {
            // Midnight in Lima is 05:00 UTC.
            let lima_midnight = 946_684_800 + days_from_2000 * 86_400 + 5 * 3600;
            let due = lima_day(lima_midnight);
            let during_due_day = lima_midnight + second;
            prop_assert_eq!(lima_day(during_due_day), due);
            prop_assert!(!is_late(due, lima_day(during_due_day), 0));
            prop_assert!(!is_late(due, lima_day(lima_midnight + 86_399), 0));
            prop_assert!(is_late(due, lima_day(lima_midnight + 86_400), 0));
            prop_assert!(!earns_penalty(WEEKLY_FEE, InvoiceStatus::Pending, due, false,
                lima_day(lima_midnight + 86_399), 0));
            prop_assert!(earns_penalty(WEEKLY_FEE, InvoiceStatus::Pending, due, false,
                lima_day(lima_midnight + 86_400), 0));
        }
    }
}
