//! The contacts the app shows: one per kind (mechanic, emergency line, Uber desk), the
//! emergency cases with their contacts, and the customer-service channels.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Change, Checks, Snapshot, code_conflict, commit_creation};
use crate::{
    domain::{staff::Permission, time::now_unix},
    http::{
        AppState,
        backoffice::{StaffSession, path_id},
        error::ApiError,
        extract::JsonList,
        views::Status,
    },
    store::{
        Tx,
        commons::{
            self as content, ContactRow, EmergencyCaseRow, EmergencyContactFields,
            EmergencyContactRow, Item, ServiceContactRow,
        },
    },
};

const CONTACT_NOT_FOUND: &str = "Contacto no encontrado";
const CASE_NOT_FOUND: &str = "Caso de emergencia no encontrado";

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactEntry {
    id: i64,
    /// `mechanical`, `emergency` or `uber`.
    kind: String,
    contact_name: String,
    phone_number: String,
}

impl From<ContactRow> for ContactEntry {
    fn from(row: ContactRow) -> Self {
        Self {
            id: row.contact_id,
            kind: row.kind,
            contact_name: row.contact_name,
            phone_number: row.phone_number,
        }
    }
}

impl Snapshot for ContactEntry {
    const ITEM: Item = Item::Contact;
    const TARGET: &'static str = "contact";
    const NOT_FOUND: &'static str = CONTACT_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        Ok(content::contact(&mut **db, id).await?.map(Self::from))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmergencyCaseEntry {
    id: i64,
    /// `accidents`, `block` or `steal`.
    code_name: String,
    name: String,
    description: String,
}

impl From<EmergencyCaseRow> for EmergencyCaseEntry {
    fn from(row: EmergencyCaseRow) -> Self {
        Self {
            id: row.emergency_case_id,
            code_name: row.code_name,
            name: row.name,
            description: row.description,
        }
    }
}

impl Snapshot for EmergencyCaseEntry {
    const ITEM: Item = Item::EmergencyCase;
    const TARGET: &'static str = "emergency_case";
    const NOT_FOUND: &'static str = CASE_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        Ok(content::emergency_case(&mut **db, id)
            .await?
            .map(Self::from))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmergencyContactEntry {
    id: i64,
    /// The case's code name.
    case: String,
    contact_name: String,
    in_case: String,
    phone_number: String,
    description: String,
}

impl From<EmergencyContactRow> for EmergencyContactEntry {
    fn from(row: EmergencyContactRow) -> Self {
        Self {
            id: row.emergency_contact_id,
            case: row.case_code,
            contact_name: row.contact_name,
            in_case: row.in_case,
            phone_number: row.phone_number,
            description: row.description,
        }
    }
}

impl Snapshot for EmergencyContactEntry {
    const ITEM: Item = Item::EmergencyContact;
    const TARGET: &'static str = "emergency_contact";
    const NOT_FOUND: &'static str = CONTACT_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        Ok(content::emergency_contact(&mut **db, id)
            .await?
            .map(Self::from))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceContactEntry {
    id: i64,
    code_name: String,
    label: String,
    value: String,
}

impl From<ServiceContactRow> for ServiceContactEntry {
    fn from(row: ServiceContactRow) -> Self {
        Self {
            id: row.service_contact_id,
            code_name: row.code_name,
            label: row.label,
            value: row.value,
        }
    }
}

impl Snapshot for ServiceContactEntry {
    const ITEM: Item = Item::ServiceContact;
    const TARGET: &'static str = "service_contact";
    const NOT_FOUND: &'static str = CONTACT_NOT_FOUND;

    async fn load(db: &mut Tx, id: i64) -> Result<Option<Self>, ApiError> {
        Ok(content::service_contact(&mut **db, id)
            .await?
            .map(Self::from))
    }
}

/// Every contact, with the ids that the editing routes take.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactsOverview {
    contacts: Vec<ContactEntry>,
    emergency_cases: Vec<EmergencyCaseEntry>,
    emergency_contacts: Vec<EmergencyContactEntry>,
    service_contacts: Vec<ServiceContactEntry>,
}

/// Every contact: by kind, by emergency case, and the service channels.
#[utoipa::path(get, path = "/api/backoffice/contacts/", tag = "backoffice",
    security(("staff_token" = [])),
    responses((status = 200, body = ContactsOverview), (status = 401)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    staff: StaffSession,
) -> Result<axum::Json<ContactsOverview>, ApiError> {
    staff.require(Permission::Read)?;

    let pool = state.store.pool();
    let contacts = content::contacts(pool).await?;
    let cases = content::emergency_cases(pool).await?;
    let emergency_contacts = content::emergency_contacts(pool).await?;
    let service_contacts = content::service_contacts(pool).await?;
    Ok(axum::Json(ContactsOverview {
        contacts: contacts.into_iter().map(ContactEntry::from).collect(),
        emergency_cases: cases.into_iter().map(EmergencyCaseEntry::from).collect(),
        emergency_contacts: emergency_contacts
            .into_iter()
            .map(EmergencyContactEntry::from)
            .collect(),
        service_contacts: service_contacts
            .into_iter()
            .map(ServiceContactEntry::from)
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactChanges {
    contact_name: Option<String>,
    phone_number: Option<String>,
}

/// Change the contact of one kind (`mechanical`, `emergency`, `uber`).
#[utoipa::path(patch, path = "/api/backoffice/contacts/{kind}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = ContactChanges,
    responses((status = 200, body = ContactEntry), (status = 400), (status = 403),
        (status = 404)))]
pub async fn update_contact(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(kind): Path<String>,
    JsonList(changes): JsonList<ContactChanges>,
) -> Result<axum::Json<ContactEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = content::contact_by_kind(state.store.pool(), &kind)
        .await?
        .ok_or_else(|| ApiError::missing(CONTACT_NOT_FOUND))?
        .contact_id;

    let mut change = Change::<ContactEntry>::begin(&state, id).await?;
    let before = &change.before;
    let mut checks = Checks::default();
    let name = changes
        .contact_name
        .as_ref()
        .unwrap_or(&before.contact_name);
    let name = checks.text("contact_name", name, 1, 100);
    let phone = changes
        .phone_number
        .as_ref()
        .unwrap_or(&before.phone_number);
    let phone = checks.phone("phone_number", phone);
    checks.finish()?;
    content::update_contact(&mut *change.tx, id, &name, &phone).await?;
    Ok(axum::Json(change.commit(&staff, "contact.update").await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EmergencyCaseChanges {
    name: Option<String>,
    description: Option<String>,
}

/// Change the name or advice of an emergency case (`accidents`, `block`, `steal`).
#[utoipa::path(patch, path = "/api/backoffice/emergency-cases/{code_name}/", tag = "backoffice",
    security(("staff_token" = [])), request_body = EmergencyCaseChanges,
    responses((status = 200, body = EmergencyCaseEntry), (status = 400), (status = 403),
        (status = 404)))]
pub async fn update_emergency_case(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(code_name): Path<String>,
    JsonList(changes): JsonList<EmergencyCaseChanges>,
) -> Result<axum::Json<EmergencyCaseEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = case_id(&state, &code_name).await?;

    let mut change = Change::<EmergencyCaseEntry>::begin(&state, id).await?;
    let before = &change.before;
    let mut checks = Checks::default();
    let name = checks.text(
        "name",
        changes.name.as_ref().unwrap_or(&before.name),
        1,
        100,
    );
    let description = changes.description.as_ref().unwrap_or(&before.description);
    let description = checks.text("description", description, 0, 1000);
    checks.finish()?;
    content::update_emergency_case(&mut *change.tx, id, &name, &description).await?;
    Ok(axum::Json(
        change.commit(&staff, "emergency_case.update").await?,
    ))
}

async fn case_id(state: &AppState, code_name: &str) -> Result<i64, ApiError> {
    Ok(
        content::emergency_case_by_code(state.store.pool(), code_name)
            .await?
            .ok_or_else(|| ApiError::missing(CASE_NOT_FOUND))?
            .emergency_case_id,
    )
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EmergencyContactBody {
    contact_name: Option<String>,
    in_case: Option<String>,
    phone_number: Option<String>,
    description: Option<String>,
}

impl EmergencyContactBody {
    /// The fields as they will be written, falling back on `current` for those not sent.
    fn checked(
        &self,
        current: &EmergencyContactFields,
    ) -> Result<EmergencyContactFields, ApiError> {
        let pick = |sent: &Option<String>, now: &String| sent.clone().unwrap_or(now.clone());
        let mut checks = Checks::default();
        let fields = EmergencyContactFields {
            contact_name: checks.text(
                "contact_name",
                &pick(&self.contact_name, &current.contact_name),
                1,
                100,
            ),
            in_case: checks.text("in_case", &pick(&self.in_case, &current.in_case), 0, 200),
            phone_number: checks.phone(
                "phone_number",
                &pick(&self.phone_number, &current.phone_number),
            ),
            description: checks.text(
                "description",
                &pick(&self.description, &current.description),
                0,
                500,
            ),
        };
        checks.finish()?;
        Ok(fields)
    }
}

/// Add a contact to an emergency case; `contact_name` and `phone_number` are required.
#[utoipa::path(post, path = "/api/backoffice/emergency-cases/{code_name}/contacts/",
    tag = "backoffice", security(("staff_token" = [])), request_body = EmergencyContactBody,
    responses((status = 201, body = EmergencyContactEntry), (status = 400), (status = 403),
        (status = 404)))]
pub async fn create_emergency_contact(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(code_name): Path<String>,
    JsonList(body): JsonList<EmergencyContactBody>,
) -> Result<(StatusCode, axum::Json<EmergencyContactEntry>), ApiError> {
    staff.require(Permission::Operate)?;
    let case_id = case_id(&state, &code_name).await?;
    let fields = body.checked(&EmergencyContactFields {
        contact_name: String::new(),
        in_case: String::new(),
        phone_number: String::new(),
        description: String::new(),
    })?;

    let mut tx = state.store.begin_write().await?;
    let id = content::insert_emergency_contact(&mut *tx, case_id, &fields, now_unix()).await?;
    let created = commit_creation(tx, &staff, "emergency_contact.create", id).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Change a contact of an emergency case.
#[utoipa::path(patch, path = "/api/backoffice/emergency-contacts/{emergency_contact_id}/",
    tag = "backoffice", security(("staff_token" = [])), request_body = EmergencyContactBody,
    responses((status = 200, body = EmergencyContactEntry), (status = 400), (status = 403),
        (status = 404)))]
pub async fn update_emergency_contact(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(body): JsonList<EmergencyContactBody>,
) -> Result<axum::Json<EmergencyContactEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, CONTACT_NOT_FOUND)?;

    let mut change = Change::<EmergencyContactEntry>::begin(&state, id).await?;
    let before = &change.before;
    let fields = body.checked(&EmergencyContactFields {
        contact_name: before.contact_name.clone(),
        in_case: before.in_case.clone(),
        phone_number: before.phone_number.clone(),
        description: before.description.clone(),
    })?;
    content::update_emergency_contact(&mut *change.tx, id, &fields).await?;
    Ok(axum::Json(
        change.commit(&staff, "emergency_contact.update").await?,
    ))
}

/// Remove a contact from an emergency case.
#[utoipa::path(delete, path = "/api/backoffice/emergency-contacts/{emergency_contact_id}/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = Status), (status = 403), (status = 404)))]
pub async fn delete_emergency_contact(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<Status>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, CONTACT_NOT_FOUND)?;

    let change = Change::<EmergencyContactEntry>::begin(&state, id).await?;
    change.delete(&staff, "emergency_contact.delete").await?;
    Ok(axum::Json(Status::OK))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ServiceContactBody {
    code_name: Option<String>,
    label: Option<String>,
    value: Option<String>,
}

impl ServiceContactBody {
    fn checked(&self, current: [&str; 3]) -> Result<[String; 3], ApiError> {
        let [code, label, value] = current;
        let mut checks = Checks::default();
        let fields = [
            checks.code("code_name", self.code_name.as_deref().unwrap_or(code)),
            checks.text("label", self.label.as_deref().unwrap_or(label), 1, 100),
            checks.text("value", self.value.as_deref().unwrap_or(value), 1, 200),
        ];
        checks.finish()?;
        Ok(fields)
    }
}

/// Add a customer-service channel; every field is required.
#[utoipa::path(post, path = "/api/backoffice/service-contacts/", tag = "backoffice",
    security(("staff_token" = [])), request_body = ServiceContactBody,
    responses((status = 201, body = ServiceContactEntry), (status = 400), (status = 403),
        (status = 409)))]
pub async fn create_service_contact(
    State(state): State<AppState>,
    staff: StaffSession,
    JsonList(body): JsonList<ServiceContactBody>,
) -> Result<(StatusCode, axum::Json<ServiceContactEntry>), ApiError> {
    staff.require(Permission::Operate)?;
    let [code_name, label, value] = body.checked(["", "", ""])?;

    let mut tx = state.store.begin_write().await?;
    let id = content::insert_service_contact(&mut *tx, &code_name, &label, &value, now_unix())
        .await
        .map_err(code_conflict)?;
    let created = commit_creation(tx, &staff, "service_contact.create", id).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Change a customer-service channel.
#[utoipa::path(patch, path = "/api/backoffice/service-contacts/{service_contact_id}/",
    tag = "backoffice", security(("staff_token" = [])), request_body = ServiceContactBody,
    responses((status = 200, body = ServiceContactEntry), (status = 400), (status = 403),
        (status = 404), (status = 409)))]
pub async fn update_service_contact(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
    JsonList(body): JsonList<ServiceContactBody>,
) -> Result<axum::Json<ServiceContactEntry>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, CONTACT_NOT_FOUND)?;

    let mut change = Change::<ServiceContactEntry>::begin(&state, id).await?;
    let before = &change.before;
    let [code_name, label, value] =
        body.checked([&before.code_name, &before.label, &before.value])?;
    content::update_service_contact(&mut *change.tx, id, &code_name, &label, &value)
        .await
        .map_err(code_conflict)?;
    Ok(axum::Json(
        change.commit(&staff, "service_contact.update").await?,
    ))
}

/// Remove a customer-service channel.
#[utoipa::path(delete, path = "/api/backoffice/service-contacts/{service_contact_id}/",
    tag = "backoffice", security(("staff_token" = [])),
    responses((status = 200, body = Status), (status = 403), (status = 404)))]
pub async fn delete_service_contact(
    State(state): State<AppState>,
    staff: StaffSession,
    Path(raw_id): Path<String>,
) -> Result<axum::Json<Status>, ApiError> {
    staff.require(Permission::Operate)?;
    let id = path_id(&raw_id, CONTACT_NOT_FOUND)?;

    let change = Change::<ServiceContactEntry>::begin(&state, id).await?;
    change.delete(&staff, "service_contact.delete").await?;
    Ok(axum::Json(Status::OK))
}
