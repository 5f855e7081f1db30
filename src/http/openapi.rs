//! The OpenAPI 3 document, generated from the handlers and views, and the docs page that
//! shows it. The page's assets are bundled in the binary: it works with no internet.

use axum::Router;
use utoipa::{
    Modify, OpenApi, PartialSchema, ToSchema,
    openapi::{
        RefOr,
        schema::{ObjectBuilder, Schema, Type},
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};
use utoipa_swagger_ui::SwaggerUi;

use super::{AppState, backoffice as bo, clients, views};
use crate::domain::money::Money;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Leasy API",
        description = "API of the Leasy driver app. Every `/api/v1/` path also answers under \
                       `/api/v2/`, where a v2 shape is listed separately. Paths end in `/`; the \
                       same path without the slash answers too. Errors are \
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
    ),
    components(schemas(views::Status)),
    modifiers(&Finishing),
    tags(
        (name = "clients", description = "The driver app: session, profile, cards, password, sign-up"),
        (name = "backoffice", description = "Operations staff: clients, cars, contracts, leads, staff, audit"),
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
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
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
