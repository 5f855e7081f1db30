//! The JSON shapes the apps read. Field order follows the API reference.

use std::collections::HashMap;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    AppState,
    error::{ApiError, CLIENT_NOT_FOUND},
    extract::PresentedToken,
};
use crate::{
    domain::{
        money::{self, Money},
        time::{lima_date, now_unix},
    },
    store::{
        self,
        cards::CardRow,
        cars::CarPhotoRow,
        clients::{ClientRow, PhoneRow},
        contracts::ContractCarRow,
    },
};

/// `{"status": 200}`, the success answer of actions.
#[derive(Serialize, ToSchema)]
pub struct Status {
    status: u16,
}

impl Status {
    pub const OK: Status = Status { status: 200 };
}

/// Where stored files are served from.
pub const FILES_URL: &str = "/static/files/";

fn file_url(path: Option<&str>) -> Option<String> {
    path.map(|p| format!("{FILES_URL}{p}"))
}

/// Everything both profile shapes are made of.
pub struct Profile {
    client: ClientRow,
    token: String,
    contracts: Vec<ContractCarRow>,
    cards: Vec<CardRow>,
    phones: Vec<PhoneRow>,
    photos: Vec<CarPhotoRow>,
}

/// The profile of the presented token's client, in one query.
pub async fn load_profile(state: &AppState, token: PresentedToken) -> Result<Profile, ApiError> {
    let token = token.0.ok_or_else(|| ApiError::message(CLIENT_NOT_FOUND))?;
    let rows = store::profile::load(&state.store, &token.digest(), now_unix())
        .await?
        .ok_or_else(|| ApiError::message(CLIENT_NOT_FOUND))?;
    Ok(Profile {
        client: rows.client,
        token: token.as_str().to_owned(),
        contracts: rows.contracts,
        cards: rows.cards,
        phones: rows.phones,
        photos: rows.photos,
    })
}

#[derive(Serialize, ToSchema)]
pub struct ProfileV1 {
    id: i64,
    first_name: String,
    last_name: String,
    email: String,
    document: String,
    address: String,
    phone_number: String,
    /// Date of registration, `YYYY-MM-DD`.
    created_at: String,
    /// Wallet balance in coins (1 coin = S/ 1.00).
    #[serde(serialize_with = "money::serialize_with_fraction")]
    coins: Money,
    /// The token presented.
    token: String,
    firebase_token: Option<String>,
    contracts: Vec<ContractV1>,
    cards: Vec<CardView>,
    /// The client's other phone numbers.
    phones: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContractV1 {
    car: CarV1,
    status: String,
    created_at: String,
    hash: String,
    weekly_amount: Money,
    auto_charge: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CarV1 {
    id: i64,
    hash: String,
    model: String,
    brand: String,
    soat_file: Option<String>,
    secure_file: Option<String>,
    license_plate: String,
    year: String,
}

impl ContractV1 {
    fn from_row(row: &ContractCarRow) -> Self {
        Self {
            car: CarV1 {
                id: row.car_id,
                hash: row.car_hash.clone(),
                model: row.model.clone(),
                brand: row.brand.clone(),
                soat_file: file_url(row.soat_file.as_deref()),
                secure_file: file_url(row.insurance_file.as_deref()),
                license_plate: row.license_plate.clone(),
                year: row.year.clone(),
            },
            status: row.status.clone(),
            created_at: lima_date(row.created_at),
            hash: row.hash.clone(),
            weekly_amount: row.weekly_amount(),
            auto_charge: row.auto_charge(),
        }
    }
}

impl From<Profile> for ProfileV1 {
    fn from(p: Profile) -> Self {
        let c = p.client;
        Self {
            id: c.client_id,
            created_at: lima_date(c.created_at),
            coins: c.coins(),
            token: p.token,
            contracts: p.contracts.iter().map(ContractV1::from_row).collect(),
            cards: p.cards.into_iter().map(CardView::from).collect(),
            phones: p.phones.into_iter().map(|ph| ph.phone_number).collect(),
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email,
            document: c.document,
            address: c.address,
            phone_number: c.phone_number,
            firebase_token: c.firebase_token,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProfileV2 {
    id: i64,
    first_name: String,
    last_name: String,
    email: String,
    document: String,
    address: String,
    phone_number: String,
    created_at: String,
    #[serde(serialize_with = "money::serialize_with_fraction")]
    coins: Money,
    token: String,
    firebase_token: Option<String>,
    contracts: Vec<ContractV2>,
    phones: Vec<PhoneView>,
    uber_plan: Option<UberPlanView>,
}

#[derive(Serialize, ToSchema)]
pub struct ContractV2 {
    id: i64,
    car: CarV2,
    status: String,
    created_at: String,
    hash: String,
    weekly_amount: Money,
    auto_charge: bool,
    summary: ContractSummaryView,
    kushki_keys: KushkiKeys,
}

/// Counts of the contract's invoices; cancelled invoices are left out.
#[derive(Serialize, ToSchema)]
pub struct ContractSummaryView {
    /// Every invoice not cancelled: weekly fees, penalties and the rest.
    total_invoices: i64,
    total_invoices_paid: i64,
    /// Still owed: pending, split into fractions, or frozen.
    total_invoices_pending: i64,
    /// Penalties still owed.
    pending_penalties: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CarV2 {
    #[serde(flatten)]
    base: CarV1,
    /// Absolute URLs of the car's photos.
    photos: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct KushkiKeys {
    /// Public merchant key the app uses to tokenize cards.
    pk: String,
}

#[derive(Serialize, ToSchema)]
pub struct PhoneView {
    id: i64,
    phone_number: String,
}

#[derive(Serialize, ToSchema)]
pub struct UberPlanView {
    name: String,
    /// Discount on weekly fees, like `"5%"`.
    rate: String,
    description: String,
}

impl ProfileV2 {
    pub fn new(p: Profile, base_url: &str, kushki_pk: &str) -> Self {
        let mut photos_by_car: HashMap<i64, Vec<String>> = HashMap::new();
        for photo in p.photos {
            photos_by_car
                .entry(photo.car_id)
                .or_default()
                .push(format!("{base_url}{FILES_URL}{}", photo.file_path));
        }
        let contracts = p
            .contracts
            .iter()
            .map(|row| {
                let v1 = ContractV1::from_row(row);
                ContractV2 {
                    id: row.contract_id,
                    car: CarV2 {
                        base: v1.car,
                        photos: photos_by_car.get(&row.car_id).cloned().unwrap_or_default(),
                    },
                    status: v1.status,
                    created_at: v1.created_at,
                    hash: v1.hash,
                    weekly_amount: v1.weekly_amount,
                    auto_charge: v1.auto_charge,
                    summary: ContractSummaryView {
                        total_invoices: row.summary.total_invoices,
                        total_invoices_paid: row.summary.total_invoices_paid,
                        total_invoices_pending: row.summary.total_invoices_pending,
                        pending_penalties: row.summary.pending_penalties,
                    },
                    kushki_keys: KushkiKeys {
                        pk: kushki_pk.to_owned(),
                    },
                }
            })
            .collect();
        let c = p.client;
        let uber_plan = match (c.uber_plan_name, c.uber_plan_discount_percent) {
            (Some(name), Some(percent)) => Some(UberPlanView {
                name,
                rate: format!("{percent}%"),
                description: c.uber_plan_description.unwrap_or_default(),
            }),
            _ => None,
        };
        Self {
            id: c.client_id,
            created_at: lima_date(c.created_at),
            coins: Money::from_cents(c.coins_cents),
            token: p.token,
            contracts,
            phones: p
                .phones
                .into_iter()
                .map(|ph| PhoneView {
                    id: ph.phone_id,
                    phone_number: ph.phone_number,
                })
                .collect(),
            uber_plan,
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email,
            document: c.document,
            address: c.address,
            phone_number: c.phone_number,
            firebase_token: c.firebase_token,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CardView {
    id: i64,
    /// First six and last four digits; the rest hidden.
    card_number: String,
    expiration_month: Option<String>,
    expiration_year: Option<String>,
    brand: String,
    /// Empty for a card not subscribed at Kushki.
    kushki_subscription_id: String,
    is_kushki_card: bool,
}

impl From<CardRow> for CardView {
    fn from(row: CardRow) -> Self {
        Self {
            id: row.card_id,
            is_kushki_card: row.is_kushki_card(),
            card_number: row.card_number,
            expiration_month: row.expiration_month,
            expiration_year: row.expiration_year,
            brand: row.brand,
            kushki_subscription_id: row.kushki_subscription_id,
        }
    }
}

/// The scheme and host that absolute URLs start with: the configured public URL, or else
/// the request's own `Host`.
pub struct PublicBase(pub String);

impl FromRequestParts<AppState> for PublicBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(url) = &state.config.public_url {
            return Ok(Self(url.trim_end_matches('/').to_owned()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            })
            .map(str::to_owned)
            .unwrap_or_else(|| state.config.bind.to_string());
        Ok(Self(format!("http://{host}")))
    }
}
