//! The client's profile in one round trip: the session check, the client and, as JSON
//! columns, their contracts with cars, cards, phones and car photos. A profile is the
//! app's most frequent read; one query instead of five keeps its cost flat.

use std::sync::LazyLock;

use sqlx::FromRow;

use super::{
    Backend, Store,
    cards::CardRow,
    cars::CarPhotoRow,
    clients::{ClientRow, PhoneRow},
    contracts::ContractCarRow,
};

/// Everything a profile shows.
#[derive(Debug)]
pub struct ProfileRows {
    pub client: ClientRow,
    pub contracts: Vec<ContractCarRow>,
    pub cards: Vec<CardRow>,
    pub phones: Vec<PhoneRow>,
    pub photos: Vec<CarPhotoRow>,
}

#[derive(FromRow)]
struct ProfileRow {
    #[sqlx(flatten)]
    client: ClientRow,
    contracts_json: String,
    cards_json: String,
    phones_json: String,
    photos_json: String,
}

/// The query, written once; `{agg}` and `{obj}` become each database's JSON functions.
/// The lists are built as JSON text (cast to text, which both read as a string).
const TEMPLATE: &str = "
with session as (
    select client_id from client_tokens
    where token_hash = $1 and revoked_at is null and expires_at > $2
)
select c.client_id, c.document, c.first_name, c.last_name, c.email, c.address,
       c.phone_number, c.firebase_token, c.coins_cents, c.created_at,
       p.name as uber_plan_name, p.discount_percent as uber_plan_discount_percent,
       p.description as uber_plan_description,
       cast((select coalesce({agg}({obj}(
                 'contract_id', k.contract_id, 'hash', k.hash, 'status', k.status,
                 'weekly_amount_cents', k.weekly_amount_cents, 'auto_charge', k.auto_charge,
                 'created_at', k.created_at, 'car_id', r.car_id, 'car_hash', r.hash,
                 'brand', r.brand, 'model', r.model, 'year', r.year,
                 'license_plate', r.license_plate, 'soat_file', ds.file_path,
                 'insurance_file', di.file_path,
                 'summary', {obj}(
                     'total_invoices',
                     (select count(*) from invoices i
                      where i.contract_id = k.contract_id and i.status <> 'cancelled'),
                     'total_invoices_paid',
                     (select count(*) from invoices i
                      where i.contract_id = k.contract_id and i.status = 'paid'),
                     'total_invoices_pending',
                     (select count(*) from invoices i
                      where i.contract_id = k.contract_id
                        and i.status in ('pending', 'fraction', 'freezed')),
                     'pending_penalties',
                     (select count(*) from invoices i
                      where i.contract_id = k.contract_id and i.type_code = 'penalty'
                        and i.status in ('pending', 'fraction', 'freezed'))))
                 order by k.contract_id), '[]')
             from contracts k
             join cars r on r.car_id = k.car_id
             left join car_documents ds on ds.car_id = r.car_id and ds.kind = 'soat'
             left join car_documents di on di.car_id = r.car_id and di.kind = 'insurance'
             where k.client_id = c.client_id) as text) as contracts_json,
       cast((select coalesce({agg}({obj}(
                 'card_id', d.card_id, 'card_number', d.card_number,
                 'expiration_month', d.expiration_month, 'expiration_year', d.expiration_year,
                 'brand', d.brand, 'kushki_subscription_id', d.kushki_subscription_id,
                 'is_kushki_card', d.is_kushki_card) order by d.card_id), '[]')
             from cards d
             where d.client_id = c.client_id and d.deleted_at is null) as text) as cards_json,
       cast((select coalesce({agg}({obj}(
                 'phone_id', h.phone_id, 'phone_number', h.phone_number) order by h.phone_id),
                 '[]')
             from phones h where h.client_id = c.client_id) as text) as phones_json,
       cast((select coalesce({agg}({obj}(
                 'car_id', f.car_id, 'file_path', f.file_path)
                 order by f.car_id, f.position, f.car_photo_id), '[]')
             from car_photos f
             where f.car_id in (select k.car_id from contracts k
                                where k.client_id = c.client_id)) as text) as photos_json
from session s
join clients c on c.client_id = s.client_id
left join uber_plans p on p.uber_plan_id = c.uber_plan_id";

static SQLITE: LazyLock<String> = LazyLock::new(|| {
    TEMPLATE
        .replace("{agg}", "json_group_array")
        .replace("{obj}", "json_object")
});
static POSTGRES: LazyLock<String> = LazyLock::new(|| {
    TEMPLATE
        .replace("{agg}", "json_agg")
        .replace("{obj}", "json_build_object")
});

/// The profile of the client whose live token hashes to `digest`; `None` for a token that
/// is unknown, revoked or expired.
pub async fn load(store: &Store, digest: &str, now: i64) -> anyhow::Result<Option<ProfileRows>> {
    let sql: &'static str = match store.backend() {
        Backend::Sqlite => SQLITE.as_str(),
        Backend::Postgres => POSTGRES.as_str(),
    };
    let Some(row) = sqlx::query_as::<_, ProfileRow>(sqlx::AssertSqlSafe(sql))
        .bind(digest)
        .bind(now)
        .fetch_optional(store.pool())
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(ProfileRows {
        client: row.client,
        contracts: serde_json::from_str(&row.contracts_json)?,
        cards: serde_json::from_str(&row.cards_json)?,
        phones: serde_json::from_str(&row.phones_json)?,
        photos: serde_json::from_str(&row.photos_json)?,
    }))
}
