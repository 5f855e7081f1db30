//! Extractors: JSON bodies with Spanish errors that name the field, the client's session
//! from its token, and the client's network address.

use std::net::{IpAddr, SocketAddr};

use axum::{
    body::Bytes,
    extract::{ConnectInfo, FromRequest, FromRequestParts, Request},
    http::{HeaderMap, header, request::Parts},
};
use serde::de::DeserializeOwned;

use super::{AppState, error::ApiError, error::CLIENT_NOT_FOUND};
use crate::{
    domain::{time::now_unix, token::Token},
    store,
};

/// A JSON body whose errors are `{"error": "<message>"}`.
pub struct Json<T>(pub T);

/// A JSON body whose errors are `{"error": ["<message>"]}`.
pub struct JsonList<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse_json(req, state).await.map(Json)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonList<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse_json(req, state)
            .await
            .map(JsonList)
            .map_err(ApiError::into_list)
    }
}

async fn parse_json<T: DeserializeOwned, S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<T, ApiError> {
    if !declares_json(req.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = Bytes::from_request(req, state)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    decode_json(&bytes)
}

fn declares_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Decodes a body into `T`, turning serde's complaint into a Spanish message that names
/// the field.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|_| ApiError::message("El cuerpo de la solicitud no es un JSON válido"))?;
    if !value.is_object() {
        return Err(ApiError::message(
            "El cuerpo de la solicitud debe ser un objeto JSON",
        ));
    }
    if let Some(path) = nul_path(&value, String::new()) {
        return Err(ApiError::Message(
            format!("El campo '{path}' contiene caracteres no permitidos").into(),
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string().replace(PRIVATE_NUMBER_FIELD, "");
        let path = path.trim_end_matches('.');
        ApiError::Message(field_error(path, &err.into_inner().to_string()).into())
    })
}

/// The name serde_json gives exact numbers inside the deserializer; never user-visible.
const PRIVATE_NUMBER_FIELD: &str = "$serde_json::private::Number";

/// The path of the first string holding a NUL character, which no database text column
/// accepts.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) if text.contains('\0') => Some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(join(&key.replace('\0', "")))
            } else {
                nul_path(item, join(key))
            }
        }),
        _ => None,
    }
}

/// Maps serde's English message (stable wording) to a Spanish one naming the field.
fn field_error(path: &str, serde_message: &str) -> String {
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_owned);
    let join = |field: &str| {
        if path == "." || path.is_empty() {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        }
    };
    if serde_message.starts_with("missing field") {
        let field = quoted(serde_message).unwrap_or_default();
        return format!("El campo '{}' es obligatorio", join(&field));
    }
    if serde_message.starts_with("invalid type") {
        let expected = serde_message.rsplit("expected ").next().unwrap_or_default();
        return format!(
            "El campo '{path}' tiene un tipo inválido: se esperaba {}",
            expected_in_spanish(expected)
        );
    }
    if serde_message.starts_with("unknown variant") {
        return format!("El campo '{path}' tiene un valor no permitido");
    }
    format!("El campo '{path}' tiene un valor inválido")
}

fn expected_in_spanish(expected: &str) -> &'static str {
    if expected.contains("string") {
        "un texto"
    } else if expected.contains("bool") {
        "un booleano"
    } else if expected.contains("integer") || expected.starts_with("i") || expected.starts_with("u")
    {
        "un número entero"
    } else if expected.contains("number") || expected.contains("decimal") {
        "un número"
    } else if expected.contains("sequence") {
        "una lista"
    } else {
        "otro tipo de valor"
    }
}

/// Query-string parameters whose errors are `{"error": "<message>"}` naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        if let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
            .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        {
            let name = name.replace('\0', "");
            return Err(ApiError::Message(
                format!("El parámetro '{name}' contiene caracteres no permitidos").into(),
            ));
        }
        let mut names = std::collections::HashSet::new();
        if let Some((name, _)) =
            form_urlencoded::parse(query.as_bytes()).find(|(name, _)| !names.insert(name.clone()))
        {
            return Err(ApiError::Message(
                format!("El parámetro '{name}' está repetido").into(),
            ));
        }
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Query)
            .map_err(|err| {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                if message.starts_with("missing field") {
                    let field = message.split('`').nth(1).unwrap_or_default().to_owned();
                    ApiError::Message(format!("El parámetro '{field}' es obligatorio").into())
                } else {
                    ApiError::Message(
                        format!("El parámetro '{path}' tiene un valor inválido").into(),
                    )
                }
            })
    }
}

/// The client behind a live token, presented as `Authentication: <token>` or
/// `Authorization: Bearer <token>`.
pub struct ClientSession {
    pub client_id: i64,
    pub token: Token,
}

impl FromRequestParts<AppState> for ClientSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token =
            presented_token(&parts.headers).ok_or_else(|| ApiError::message(CLIENT_NOT_FOUND))?;
        let client_id = store::tokens::client_of(state.store.pool(), &token.digest(), now_unix())
            .await?
            .ok_or_else(|| ApiError::message(CLIENT_NOT_FOUND))?;
        Ok(Self { client_id, token })
    }
}

/// The token a request presents, not yet checked: for endpoints that check it inside their
/// own query.
pub struct PresentedToken(pub Option<Token>);

impl<S: Send + Sync> FromRequestParts<S> for PresentedToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(presented_token(&parts.headers)))
    }
}

/// The `Authentication` header when present (even if unusable), else a Bearer token.
fn presented_token(headers: &HeaderMap) -> Option<Token> {
    if let Some(value) = headers.get("authentication") {
        return Token::parse(value.to_str().ok()?);
    }
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| Token::parse(token))?
}

/// The address of the client: the connection's peer, or, behind N trusted proxies, the
/// N-th entry from the right of `X-Forwarded-For` (the proxies append to it, so entries a
/// client wrote itself sit further left and are never read).
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let hops = state.config.trusted_proxies;
        Ok(Self(forwarded_client(&parts.headers, hops).unwrap_or(peer)))
    }
}

fn forwarded_client(headers: &HeaderMap, trusted_proxies: usize) -> Option<IpAddr> {
    if trusted_proxies == 0 {
        return None;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(trusted_proxies)?;
    entries.get(index)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Login {
        document: String,
        password: String,
    }

    fn message(err: ApiError) -> String {
        match err {
            ApiError::Message(m) => m.into_owned(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn names_the_missing_field() {
        let err = decode_json::<Login>(br#"{"document": "1"}"#).unwrap_err();
        assert_eq!(message(err), "El campo 'password' es obligatorio");
    }

    #[test]
    fn names_the_field_of_the_wrong_type() {
        let err = decode_json::<Login>(br#"{"document": 1, "password": "x"}"#).unwrap_err();
        assert_eq!(
            message(err),
            "El campo 'document' tiene un tipo inválido: se esperaba un texto"
        );
    }

    #[test]
    fn nul_characters_are_refused_by_field() {
        let err =
            decode_json::<Login>(br#"{"document": "1\u00002", "password": "x"}"#).unwrap_err();
        assert_eq!(
            message(err),
            "El campo 'document' contiene caracteres no permitidos"
        );
    }

    #[test]
    fn malformed_and_non_object_bodies() {
        let err = decode_json::<Login>(b"{").unwrap_err();
        assert_eq!(
            message(err),
            "El cuerpo de la solicitud no es un JSON válido"
        );
        let err = decode_json::<Login>(b"[1]").unwrap_err();
        assert_eq!(
            message(err),
            "El cuerpo de la solicitud debe ser un objeto JSON"
        );
    }

    #[test]
    fn forwarded_for_is_read_from_the_right() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 10.0.0.7"),
        );
        assert_eq!(forwarded_client(&headers, 0), None);
        assert_eq!(
            forwarded_client(&headers, 1),
            Some("10.0.0.7".parse().unwrap())
        );
        assert_eq!(forwarded_client(&headers, 3), None);
    }

    #[test]
    fn both_token_headers() {
        let token = Token::generate();
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {}", token.as_str())).unwrap(),
        );
        assert_eq!(presented_token(&headers).unwrap().digest(), token.digest());
        let mut headers = HeaderMap::new();
        headers.insert(
            "authentication",
            HeaderValue::from_str(token.as_str()).unwrap(),
        );
        assert_eq!(presented_token(&headers).unwrap().digest(), token.digest());
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert!(presented_token(&headers).is_none());
    }
}
