//! Saved cards, masked.

use sqlx::{AnyExecutor, FromRow};

use super::flag;
use crate::domain::card::MaskedCardNumber;

#[derive(Debug, FromRow, serde::Deserialize)]
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

/// A card row as joined to a session: no card fields when the client has no cards.
#[derive(Debug, FromRow)]
struct SessionCardRow {
    card_id: Option<i64>,
    card_number: Option<String>,
    expiration_month: Option<String>,
    expiration_year: Option<String>,
    brand: Option<String>,
    kushki_subscription_id: Option<String>,
    is_kushki_card: Option<i64>,
}

/// The saved cards of the client whose live token hashes to `digest`, in one query;
/// `None` when the token is unknown, revoked or expired.
pub async fn for_token(
    db: impl AnyExecutor<'_>,
    digest: &str,
    now: i64,
) -> sqlx::Result<Option<Vec<CardRow>>> {
    let rows: Vec<SessionCardRow> = sqlx::query_as(
        "select d.card_id, d.card_number, d.expiration_month, d.expiration_year, d.brand,
                d.kushki_subscription_id, d.is_kushki_card
         from client_tokens t
         left join cards d on d.client_id = t.client_id and d.deleted_at is null
         where t.token_hash = $1 and t.revoked_at is null and t.expires_at > $2
         order by d.card_id",
    )
    .bind(digest)
    .bind(now)
    .fetch_all(db)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        rows.into_iter()
            .filter_map(|r| {
                Some(CardRow {
                    card_id: r.card_id?,
                    card_number: r.card_number?,
                    expiration_month: r.expiration_month,
                    expiration_year: r.expiration_year,
                    brand: r.brand?,
                    kushki_subscription_id: r.kushki_subscription_id?,
                    is_kushki_card: r.is_kushki_card?,
                })
            })
            .collect(),
    ))
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
