//! The back office's view of a contract, with its client and car.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    domain::{contract::ContractStatus, money::Money, time::lima_datetime},
    http::error::ApiError,
    store::{self, Tx, contracts::ContractDetailRow},
};

pub const CONTRACT_NOT_FOUND: &str = "Contrato no encontrado";

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractDetail {
    id: i64,
    hash: String,
    /// `contract_pending`, `contract_active`, `contract_finished` or `contract_cancelled`.
    status: String,
    client: ContractClient,
    car: ContractCar,
    weekly_amount: Money,
    weeks: i64,
    /// `YYYY-MM-DD`, set on activation.
    start_date: Option<String>,
    auto_charge: bool,
    /// `YYYY-MM-DD HH:MM:SS`, Lima time.
    created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractClient {
    id: i64,
    document: String,
    first_name: String,
    last_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractCar {
    id: i64,
    brand: String,
    model: String,
    year: String,
    license_plate: String,
}

impl From<ContractDetailRow> for ContractDetail {
    fn from(row: ContractDetailRow) -> Self {
        Self {
            id: row.contract_id,
            weekly_amount: row.weekly_amount(),
            auto_charge: row.auto_charge(),
            created_at: lima_datetime(row.created_at),
            hash: row.hash,
            status: row.status,
            client: ContractClient {
                id: row.client_id,
                document: row.document,
                first_name: row.first_name,
                last_name: row.last_name,
            },
            car: ContractCar {
                id: row.car_id,
                brand: row.brand,
                model: row.model,
                year: row.year,
                license_plate: row.license_plate,
            },
            weeks: row.weeks,
            start_date: row.start_date,
        }
    }
}

impl ContractDetail {
    pub fn status(&self) -> Result<ContractStatus, ApiError> {
        ContractStatus::parse(&self.status)
            .ok_or_else(|| anyhow::anyhow!("contract {} has unknown status", self.id).into())
    }

    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

pub async fn load_detail(db: &mut Tx, contract_id: i64) -> Result<ContractDetail, ApiError> {
    store::contracts::detail(&mut **db, contract_id)
        .await?
        .map(ContractDetail::from)
        .ok_or_else(|| ApiError::missing(CONTRACT_NOT_FOUND))
}
