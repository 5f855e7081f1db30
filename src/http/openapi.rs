//! The OpenAPI 3 document, generated from the handlers and views, and the docs page that
//! shows it. The page's assets are bundled in the binary: it works with no internet.

use axum::Router;
use utoipa::{
    Modify, OpenApi, PartialSchema, ToSchema,
    openapi::{
        RefOr,
        schema::{ObjectBuilder, Schema, Type},
        security::{ApiKey, ApiKeyValue, SecurityScheme},
    },
};
use utoipa_swagger_ui::SwaggerUi;

use super::{AppState, clients, views};
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
        super::health,
    ),
    components(schemas(views::Status)),
    modifiers(&TokenScheme),
    tags((name = "clients", description = "The driver's session, profile and cards"))
)]
pub struct ApiDoc;

/// Declares the `Authentication` header as the token security scheme.
struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
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
