//! The OpenAPI 3 document, generated from the handlers and views, and the docs page that
//! shows it. The page's assets are bundled in the binary: it works with no internet.

use axum::Router;
use utoipa::{
    Modify, OpenApi, PartialSchema, ToSchema,
    openapi::{
        PathItem, RefOr,
        path::Operation,
        schema::{ObjectBuilder, Schema, Type},
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};
use utoipa_swagger_ui::SwaggerUi;

use super::{AppState, backoffice as bo, clients, commons, contracts, finances, views};
use crate::domain::money::Money;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Leasy API",
        description = "API of the Leasy driver app. Every `/api/v1/` path also answers under \
                       `/api/v2/`, and is listed there too, with its v2 shape where it has one; the \
                       commons answer and are listed under both. \
                       Paths end in `/`; the same path without the slash answers too. Errors are \
                       `{\"error\": \"<message>\"}` or `{\"error\": [\"<message>\"]}` in Spanish."
    ),
    paths(
        clients::login,
        clients::logout,
        clients::get_profile_v1,
        clients::get_profile_v2,
        clients::list_cards,
        clients::set_firebase_token,
        clients::change_password,
        clients::create_lead,
        contracts::list_invoices,
        contracts::get_car_v1,
        contracts::get_car_v2,
        super::health,
        bo::auth::login_staff,
        bo::auth::logout_staff,
        bo::auth::get_me,
        bo::staff::list_staff,
        bo::staff::create_staff,
        bo::staff::deactivate_staff,
        bo::audit::list_audit,
        bo::clients::list_clients,
        bo::clients::create_client,
        bo::clients::get_client,
        bo::clients::update_client,
        bo::clients::reset_client_password,
        bo::clients::add_phone,
        bo::clients::delete_phone,
        bo::clients::set_uber_plan,
        bo::cars::list_cars,
        bo::cars::create_car,
        bo::cars::get_car,
        bo::cars::update_car,
        bo::cars::documents::put_car_document,
        bo::cars::photos::add_car_photo,
        bo::cars::photos::delete_car_photo,
        bo::contracts::list_contracts,
        bo::contracts::create_contract,
        bo::contracts::get_contract,
        bo::contracts::set_contract_auto_charge,
        bo::contracts::status::activate_contract,
        bo::contracts::status::cancel_contract,
        bo::leads::list_leads,
        bo::leads::mark_lead_contacted,
        bo::leads::mark_lead_converted,
        commons::list_uber_plans,
        commons::list_emergency_contacts,
        commons::get_mechanical_contacts,
        commons::get_uber_contact,
        commons::list_service_contacts,
        commons::list_faqs,
        commons::list_tip_categories,
        commons::list_todays_tips,
        commons::list_popular_tips,
        commons::list_category_tips,
        finances::list_public_categories,
        finances::entries::list_incomes,
        finances::entries::create_income,
        finances::entries::list_expenses,
        finances::entries::create_expense,
        finances::entries::list_expense_categories,
        finances::summary::finance_summary,
        finances::summary::income_summary,
        finances::summary::expense_summary,
        finances::summary::balance,
        bo::content::contacts::list_contacts,
        bo::content::contacts::update_contact,
        bo::content::contacts::update_emergency_case,
        bo::content::contacts::create_emergency_contact,
        bo::content::contacts::update_emergency_contact,
        bo::content::contacts::delete_emergency_contact,
        bo::content::contacts::create_service_contact,
        bo::content::contacts::update_service_contact,
        bo::content::contacts::delete_service_contact,
        bo::content::faqs::list_faqs,
        bo::content::faqs::create_faq,
        bo::content::faqs::update_faq,
        bo::content::faqs::delete_faq,
        bo::content::plans::list_uber_plans,
        bo::content::plans::create_uber_plan,
        bo::content::plans::update_uber_plan,
        bo::content::tips::list_tip_categories,
        bo::content::tips::create_tip_category,
        bo::content::tips::update_tip_category,
        bo::content::tips::list_tips,
        bo::content::tips::create_tip,
        bo::content::tips::update_tip,
        bo::content::tips::delete_tip,
        bo::expense_categories::list_expense_categories,
        bo::expense_categories::get_expense_category,
        bo::expense_categories::create_expense_category,
        bo::expense_categories::update_expense_category,
        bo::invoices::list_invoices,
        bo::invoices::get_invoice,
        bo::invoices::create_invoice,
        bo::invoices::changes::add_invoice_discount,
        bo::invoices::changes::freeze_invoice,
        bo::invoices::changes::unfreeze_invoice,
        bo::invoices::changes::split_invoice,
        bo::invoices::changes::cancel_invoice,
        bo::invoice_types::list_invoice_types,
        bo::invoice_types::create_invoice_type,
        bo::invoice_types::update_invoice_type,
    ),
    components(schemas(views::Status)),
    modifiers(&Finishing),
    tags(
        (name = "clients", description = "The driver app: session, profile, cards, password, sign-up"),
        (name = "backoffice", description = "Operations staff: clients, cars, contracts, leads, staff, audit"),
        (name = "commons", description = "Content the company edits: Uber tiers, contacts, FAQs, tips"),
        (name = "finances", description = "The driver's own income and expense notebook"),
        (name = "operations", description = "Health of the service")
    )
)]
pub struct ApiDoc;

/// Declares the two token schemes, names the license, and gives every response a
/// description (OpenAPI requires one).
struct Finishing;

impl Modify for Finishing {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.info.license = Some(utoipa::openapi::License::new("Propietaria (Leasy S.A.C.)"));
        mirror_versions(&mut openapi.paths.paths);
        // Handlers of the app and of the back office may share a name (`list_faqs`); an
        // operation id must be unique, so the back-office one takes a prefix.
        let mut seen = std::collections::HashSet::new();
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in operations(item) {
                if let Some(id) = operation.operation_id.as_mut()
                    && !seen.insert(id.clone())
                {
                    let prefix = if path.starts_with("/api/backoffice") {
                        "backoffice"
                    } else {
                        "app"
                    };
                    *id = format!("{prefix}_{id}");
                    seen.insert(id.clone());
                }
            }
        }
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                for (status, response) in operation.responses.responses.iter_mut() {
                    if let RefOr::T(response) = response
                        && response.description.is_empty()
                    {
                        response.description = default_description(status).to_owned();
                    }
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "staff_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A staff token from `/api/backoffice/auth/`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authentication",
                "The token from `/api/v1/clients/auth/`. `Authorization: Bearer <token>` \
                 is accepted too.",
            ))),
        );
    }
}

/// Lists each path under both versions, as the router serves them: every `/api/v1/` path
/// without a v2 shape of its own also under `/api/v2/`, and the commons, documented under
/// v2, also under v1. So no handler declares itself twice. A copy's operation id ends in
/// `_v2` or `_v1`.
fn mirror_versions(paths: &mut utoipa::openapi::path::PathsMap<String, PathItem>) {
    let twin = |path: &str| {
        if let Some(rest) = path.strip_prefix("/api/v1/") {
            Some((format!("/api/v2/{rest}"), "_v2"))
        } else {
            let rest = path.strip_prefix("/api/v2/commons/")?;
            Some((format!("/api/v1/commons/{rest}"), "_v1"))
        }
    };
    let copies: Vec<(String, &str, PathItem)> = paths
        .iter()
        .filter_map(|(path, item)| {
            let (other, suffix) = twin(path)?;
            (!paths.contains_key(&other)).then(|| (other, suffix, item.clone()))
        })
        .collect();
    for (path, suffix, mut item) in copies {
        for operation in operations(&mut item) {
            if let Some(id) = operation.operation_id.as_mut() {
                id.push_str(suffix);
            }
        }
        paths.insert(path, item);
    }
}

/// The operations of a path that our routes use.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

fn default_description(status: &str) -> &'static str {
    match status {
        "200" => "Hecho",
        "201" => "Creado",
        "400" => "Datos inválidos o token de cliente inválido: `{\"error\": ...}`",
        "401" => "Sin sesión de personal válida",
        "403" => "El rol no permite esta acción",
        "404" => "No encontrado",
        "409" => "Choca con datos existentes",
        "413" => "Cuerpo o archivo demasiado grande",
        "415" => "Tipo de contenido no admitido",
        "429" => "Demasiados intentos; ver `Retry-After`",
        "503" => "Servicio no disponible por el momento",
        _ => "Respuesta",
    }
}

impl PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .description(Some(
                "Soles, exact to the cent (a JSON number such as 525.5)",
            ))
            .examples([serde_json::json!(525.5)])
            .into()
    }
}

impl ToSchema for Money {}

pub fn router() -> Router<AppState> {
    SwaggerUi::new("/api/docs")
        .url("/api/openapi.json", ApiDoc::openapi())
        .into()
}
