//! What the finances endpoints answer. Amounts are strings with two decimals; instants are
//! Lima `YYYY-MM-DD HH:MM:SS`.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    domain::{finances::Period, money::Money, time::lima_datetime},
    store::finances::{CategoryRow, ExpenseRow, IncomeRow},
};

/// `{"status": true}`: the entry was saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    status: bool,
}

impl Saved {
    pub const YES: Saved = Saved { status: true };
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncomeView {
    /// Soles with two decimals, like `"10.00"`.
    amount: String,
    /// Lima time, `YYYY-MM-DD HH:MM:SS`.
    created_at: String,
}

impl From<IncomeRow> for IncomeView {
    fn from(row: IncomeRow) -> Self {
        Self {
            amount: row.amount().two_decimals(),
            created_at: lima_datetime(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    name: String,
    /// A short icon name for the app.
    icon: String,
    code_name: String,
}

impl From<CategoryRow> for CategoryView {
    fn from(row: CategoryRow) -> Self {
        Self {
            name: row.name,
            icon: row.icon,
            code_name: row.code_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenseView {
    /// Soles with two decimals, like `"10.00"`.
    amount: String,
    /// Lima time, `YYYY-MM-DD HH:MM:SS`.
    created_at: String,
    category: CategoryView,
}

impl From<ExpenseRow> for ExpenseView {
    fn from(row: ExpenseRow) -> Self {
        Self {
            amount: row.amount().two_decimals(),
            created_at: lima_datetime(row.created_at),
            category: CategoryView {
                name: row.category_name,
                icon: row.category_icon,
                code_name: row.category_code_name,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCategory {
    name: String,
    code_name: String,
}

impl From<CategoryRow> for PublicCategory {
    fn from(row: CategoryRow) -> Self {
        Self {
            name: row.name,
            code_name: row.code_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCategories {
    pub categories: Vec<PublicCategory>,
}

/// Totals over every entry of the period, as strings with two decimals.
#[derive(Debug, Serialize, ToSchema)]
pub struct Balance {
    total_income: String,
    total_expense: String,
    /// Income minus expense; negative when more was spent (`"-12.50"`).
    total_balance: String,
}

impl Balance {
    pub fn new(income: Money, expense: Money) -> Self {
        Self {
            total_income: income.two_decimals(),
            total_expense: expense.two_decimals(),
            total_balance: Money::from_cents(income.cents() - expense.cents()).two_decimals(),
        }
    }
}

/// How a summary names its period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// A short Spanish sentence naming the period.
    message: String,
    /// First Lima day covered, `YYYY-MM-DD`.
    start_date: String,
    /// Last Lima day covered (included), `YYYY-MM-DD`.
    end_date: String,
    /// English month name for a month, null for a custom range.
    month: Option<&'static str>,
}

impl From<&Period> for PeriodView {
    fn from(period: &Period) -> Self {
        Self {
            message: period.message(),
            start_date: period.start.to_string(),
            end_date: period.end.to_string(),
            month: period.month_name(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryDetails {
    /// The newest entries of the period (at most 100).
    pub incomes: Vec<IncomeView>,
    /// The newest entries of the period (at most 100).
    pub expenses: Vec<ExpenseView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    #[serde(flatten)]
    pub period: PeriodView,
    #[serde(flatten)]
    pub totals: Balance,
    pub details: SummaryDetails,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncomeDetails {
    /// The newest entries of the period (at most 100).
    pub incomes: Vec<IncomeView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncomeSummary {
    #[serde(flatten)]
    pub period: PeriodView,
    /// Every income of the period, with two decimals.
    pub total_income: String,
    pub details: IncomeDetails,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenseDetails {
    /// The newest entries of the period (at most 100).
    pub expenses: Vec<ExpenseView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpenseSummary {
    #[serde(flatten)]
    pub period: PeriodView,
    /// Every expense of the period, with two decimals.
    pub total_expense: String,
    pub details: ExpenseDetails,
}
