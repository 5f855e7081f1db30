//! The benchmark's ceiling: an axum server that answers every GET with one fixed JSON body
//! the size and shape of a client's v1 profile, with no database and no middleware.
//!
//! Usage: `fixed_json [ADDRESS]`, where ADDRESS is `host:port` or a bare port on
//! 127.0.0.1 (default `127.0.0.1:0`). Prints `listening on <address>` once bound.

use std::net::SocketAddr;

use axum::{
    Router,
    body::Bytes,
    http::{HeaderValue, header},
    response::IntoResponse,
    routing::get,
};

/// A synthetic client's v1 profile as `leasy serve` answers it, byte for byte.
const PROFILE: &str = r#"{"id":5002,"first_name":"Cliente","last_name":"Sintético 5000","email":"cliente5000@example.pe","document":"70005000","address":"Av. Arequipa 100, Lima","phone_number":"900005000","created_at":"2026-12-03","coins":0.0,"token":"89c34ad5-4477-4d36-b5fb-d11d8f45caa1","firebase_token":null,"contracts":[{"car":{"id":5002,"hash":"b745cabd-2a97-48b0-b4be-067ac9aeb8de","model":"Yaris","brand":"Toyota","soat_file":"/static/files/soat/demo-soat-abc123.pdf","secure_file":"/static/files/secure/demo-secure-abc123.pdf","license_plate":"S0005000","year":"2022"},"status":"contract_active","created_at":"2026-12-03","hash":"322e23b8-cc2d-42c4-a23f-2f103eaa34ee","weekly_amount":500,"auto_charge":true}],"cards":[{"id":10002,"card_number":"545195XXXXXX5480","expiration_month":null,"expiration_year":null,"brand":"MASTERCARD","kushki_subscription_id":"1676385575463000","is_kushki_card":true},{"id":10003,"card_number":"454775******6006","expiration_month":"03","expiration_year":"22","brand":"visa","kushki_subscription_id":"","is_kushki_card":false}],"phones":[]}"#;

fn profile_body() -> Bytes {
    serde_json::from_str::<serde_json::Value>(PROFILE).expect("the fixed body is JSON");
    Bytes::from_static(PROFILE.as_bytes())
}

fn address(arg: Option<String>) -> Result<SocketAddr, String> {
    let arg = arg.unwrap_or_else(|| "127.0.0.1:0".to_owned());
    if let Ok(port) = arg.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    arg.parse()
        .map_err(|e| format!("invalid address {arg:?}: {e}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = address(std::env::args().nth(1))?;
    let body = profile_body();
    let handler = move || {
        let body = body.clone();
        async move {
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response()
        }
    };
    let app = Router::new().fallback(get(handler));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
