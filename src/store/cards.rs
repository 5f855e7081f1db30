//! Saved cards, masked.

use sqlx::{AnyExecutor, FromRow};

use super::flag;
use crate::domain::card::MaskedCardNumber;

#[derive(Debug, FromRow)]
pub struct CardRow {
    pub card_id: i64,
    pub card_number: String,
    pub expiration_month: Option<String>,
    pub expiration_year: Option<String>,
    pub brand: String,
    pub kushki_subscription_id: String,
    pub is_kushki_card: i64,
}

impl CardRow {
    pub fn is_kushki_card(&self) -> bool {
        flag(self.is_kushki_card)
    }
}

pub struct NewCard<'a> {
    pub client_id: i64,
    pub card_number: &'a MaskedCardNumber,
    pub brand: &'a str,
    pub expiration_month: Option<&'a str>,
    pub expiration_year: Option<&'a str>,
    /// Empty for a card that is not subscribed at Kushki.
    pub kushki_subscription_id: &'a str,
}

/// The client's saved cards, oldest first.
pub async fn for_client(db: impl AnyExecutor<'_>, client_id: i64) -> sqlx::Result<Vec<CardRow>> {
    sqlx::query_as(
        "select card_id, card_number, expiration_month, expiration_year, brand,
                kushki_subscription_id, is_kushki_card
         from cards where client_id = $1 and deleted_at is null
         order by card_id",
    )
    .bind(client_id)
    .fetch_all(db)
    .await
}

pub async fn insert(db: impl AnyExecutor<'_>, card: &NewCard<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into cards
             (client_id, card_number, brand, expiration_month, expiration_year,
              kushki_subscription_id, is_kushki_card, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning card_id",
    )
    .bind(card.client_id)
    .bind(card.card_number.as_str())
    .bind(card.brand)
    .bind(card.expiration_month)
    .bind(card.expiration_year)
    .bind(card.kushki_subscription_id)
    .bind(i64::from(!card.kushki_subscription_id.is_empty()))
    .bind(now)
    .fetch_one(db)
    .await
}
