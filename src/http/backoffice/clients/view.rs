//! The shapes the back office sees of a client, and the audited change of one.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::{
    domain::{
        money::{self, Money},
        time::lima_date,
    },
    http::{
        AppState,
        backoffice::{StaffSession, audit},
        error::ApiError,
    },
    store::{self, Locked, Tx, clients::ClientSummaryRow},
};

pub const CLIENT_NOT_FOUND: &str = "Cliente no encontrado";

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientSummary {
    id: i64,
    document: String,
    first_name: String,
    last_name: String,
    email: String,
    phone_number: String,
    /// Code of the Uber plan tier, or null.
    uber_plan: Option<String>,
    created_at: String,
}

impl From<ClientSummaryRow> for ClientSummary {
    fn from(row: ClientSummaryRow) -> Self {
        Self {
            id: row.client_id,
            created_at: lima_date(row.created_at),
            document: row.document,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            phone_number: row.phone_number,
            uber_plan: row.uber_plan_code,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDetail {
    id: i64,
    pub(super) document: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    pub(super) address: String,
    pub(super) phone_number: String,
    #[serde(serialize_with = "money::serialize_with_fraction")]
    coins: Money,
    uber_plan: Option<String>,
    created_at: String,
    phones: Vec<PhoneView>,
    contracts: Vec<ClientContract>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneView {
    id: i64,
    phone_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientContract {
    id: i64,
    hash: String,
    status: String,
    car_id: i64,
    license_plate: String,
    weekly_amount: Money,
    auto_charge: bool,
}

impl ClientDetail {
    /// The audited part: the fields staff can change.
    pub fn audit_json(&self) -> serde_json::Value {
        json!({
            "document": self.document, "first_name": self.first_name,
            "last_name": self.last_name, "email": self.email, "address": self.address,
            "phone_number": self.phone_number, "uber_plan": self.uber_plan,
            "phones": self.phones.iter().map(|p| &p.phone_number).collect::<Vec<_>>(),
        })
    }
}

pub async fn load_detail(db: &mut Tx, client_id: i64) -> Result<ClientDetail, ApiError> {
    let client = store::clients::get(&mut **db, client_id)
        .await?
        .ok_or_else(|| ApiError::missing(CLIENT_NOT_FOUND))?;
    let uber_plan = store::clients::uber_plan_code(&mut **db, client_id).await?;
    let phones = store::clients::phones(&mut **db, client_id).await?;
    let contracts = store::contracts::for_client(&mut **db, client_id).await?;
    Ok(ClientDetail {
        id: client.client_id,
        coins: client.coins(),
        created_at: lima_date(client.created_at),
        document: client.document,
        first_name: client.first_name,
        last_name: client.last_name,
        email: client.email,
        address: client.address,
        phone_number: client.phone_number,
        uber_plan,
        phones: phones
            .into_iter()
            .map(|p| PhoneView {
                id: p.phone_id,
                phone_number: p.phone_number,
            })
            .collect(),
        contracts: contracts
            .iter()
            .map(|k| ClientContract {
                id: k.contract_id,
                hash: k.hash.clone(),
                status: k.status.clone(),
                car_id: k.car_id,
                license_plate: k.license_plate.clone(),
                weekly_amount: k.weekly_amount(),
                auto_charge: k.auto_charge(),
            })
            .collect(),
    })
}

/// One audited change of an existing client, in one transaction: the client is locked,
/// read before and after, and both recorded in the audit.
pub struct ClientChange {
    pub tx: Tx,
    client_id: i64,
    pub before: ClientDetail,
}

impl ClientChange {
    /// Locks the client; 404 when there is none.
    pub async fn begin(state: &AppState, client_id: i64) -> Result<Self, ApiError> {
        let mut tx = state.store.begin_write().await?;
        if !state.store.lock(&mut tx, Locked::Client, client_id).await? {
            return Err(ApiError::missing(CLIENT_NOT_FOUND));
        }
        let before = load_detail(&mut tx, client_id).await?;
        Ok(Self {
            tx,
            client_id,
            before,
        })
    }

    /// Audits the change as `action` and commits it; answers the client as they are now.
    pub async fn commit(
        mut self,
        staff: &StaffSession,
        action: &str,
    ) -> Result<ClientDetail, ApiError> {
        let after = load_detail(&mut self.tx, self.client_id).await?;
        let (b, a) = (self.before.audit_json(), after.audit_json());
        let id = self.client_id;
        audit(&mut self.tx, staff, action, "client", id, Some(b), Some(a)).await?;
        self.tx.commit().await?;
        Ok(after)
    }
}
