//! The commons endpoints (no token) with their seeded content, under v1 and v2, and the
//! back office's editing of that content.

use serde_json::{Value, json};

use crate::helpers::{TestApp, status_json};

mod editing;

/// GETs `/api/v{1,2}/commons/<path>` with and without the trailing slash, checks that all
/// four answer the same 200, and returns that body.
pub(crate) async fn commons(app: &TestApp, path: &str) -> Value {
    let mut answers = Vec::new();
    for version in [1, 2] {
        for slash in ["/", ""] {
            let url = format!("/api/v{version}/commons/{path}{slash}");
            let (status, body) = status_json(app.get(&url, None).await).await;
            assert_eq!(status, 200, "{url}: {body}");
            answers.push(body);
        }
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "{path}: {answers:?}"
    );
    answers.remove(0)
}

fn category(code: &str) -> Value {
    match code {
        "conduccion_segura" => json!({
            "name": "Conducción segura", "code_name": "conduccion_segura",
            "description": "Maneja tranquilo y protege a tus pasajeros."
        }),
        "ahorro_combustible" => json!({
            "name": "Ahorro de combustible", "code_name": "ahorro_combustible",
            "description": "Gasta menos en cada viaje."
        }),
        _ => json!({
            "name": "Mantenimiento", "code_name": "mantenimiento",
            "description": "Cuida tu auto para que dure más."
        }),
    }
}

/// The seeded tips in id order.
pub(crate) fn seeded_tips() -> Vec<Value> {
    let tip = |code: &str, title: &str, content: Value, popular: bool, day: u32| {
        json!({
            "title": title, "content": content, "is_popular": popular,
            "category": category(code), "created_at": format!("2026-01-{day:02}")
        })
    };
    vec![
        tip(
            "conduccion_segura",
            "Respeta la distancia de seguridad",
            json!([
                "Deja al menos tres segundos entre tu auto y el de adelante.",
                "Con lluvia o neblina, duplica esa distancia."
            ]),
            true,
            1,
        ),
        tip(
            "conduccion_segura",
            "Nada de celular al volante",
            json!([
                "Usa un soporte para el celular y acepta los viajes solo con el auto detenido."
            ]),
            false,
            2,
        ),
        tip(
            "conduccion_segura",
            "Descansa cada cuatro horas",
            json!([
                "El cansancio reduce tus reflejos tanto como el alcohol.",
                "Para diez minutos, estira las piernas y toma agua."
            ]),
            false,
            3,
        ),
        tip(
            "ahorro_combustible",
            "Acelera con suavidad",
            json!([
                "Los arranques bruscos gastan hasta un 20% más de combustible.",
                "Anticipa los semáforos y deja que el auto avance con el cambio puesto."
            ]),
            true,
            4,
        ),
        tip(
            "ahorro_combustible",
            "Revisa la presión de las llantas",
            json!([
                "Unas llantas bajas aumentan el consumo y se desgastan antes.",
                "Mídelas en frío cada quince días."
            ]),
            false,
            5,
        ),
        tip(
            "ahorro_combustible",
            "No cargues peso de más",
            json!([
                "Saca de la maletera lo que no necesitas: cada kilo extra se paga en combustible."
            ]),
            false,
            6,
        ),
        tip(
            "mantenimiento",
            "Cambia el aceite a tiempo",
            json!([
                "Sigue el kilometraje del manual o el que te indica el taller de Leasy.",
                "Un motor bien lubricado dura más y consume menos."
            ]),
            true,
            7,
        ),
        tip(
            "mantenimiento",
            "Revisa los frenos",
            json!(["Si escuchas un chillido al frenar, agenda una revisión en el taller."]),
            false,
            8,
        ),
        tip(
            "mantenimiento",
            "Controla el nivel del refrigerante",
            json!([
                "Revísalo con el motor frío una vez por semana.",
                "Si baja seguido, puede haber una fuga: llévalo al taller."
            ]),
            false,
            9,
        ),
    ]
}

async fn uber_plans_come_from_the_plan_table(app: TestApp) {
    let body = commons(&app, "uber_plans").await;

    assert_eq!(
        body,
        json!({ "uber_plans": [
            { "name": "Azul", "code_name": "azul", "discount_percent": 0,
              "description": "Nivel inicial de Uber Pro." },
            { "name": "Oro", "code_name": "oro", "discount_percent": 5,
              "description": "Descuento de 5% en tus cuotas semanales." },
            { "name": "Platino", "code_name": "platino", "discount_percent": 7,
              "description": "Descuento de 7% en tus cuotas semanales." },
            { "name": "Diamante", "code_name": "diamante", "discount_percent": 10,
              "description": "Descuento de 10% en tus cuotas semanales." },
        ]})
    );
}

async fn emergency_contacts_by_case(app: TestApp) {
    let body = commons(&app, "emergency_contacts").await;

    let contact = |name: &str, in_case: &str, phone: &str, description: &str| {
        json!({ "contact_name": name, "in_case": in_case, "phone_number": phone,
                "description": description })
    };
    let police = "Central de emergencias de la Policía Nacional";
    let leasy = "Asistencia Leasy 24 horas";
    let gps = "Central de monitoreo GPS";
    assert_eq!(
        body,
        json!({
            "accidents": {
                "contacts": [
                    contact(police, "Accidente con heridos o daños a terceros", "105",
                        "Atiende las 24 horas en todo el Perú."),
                    contact("Bomberos Voluntarios del Perú",
                        "Incendio o personas atrapadas en el auto", "116",
                        "Rescate y primeros auxilios."),
                    contact("SAMU", "Heridos que necesitan ambulancia", "106",
                        "Servicio de Atención Médica de Urgencias del Minsa."),
                    contact(leasy, "Después de llamar a emergencias", "016409000",
                        "Coordina la grúa, el seguro y el taller."),
                ],
                "info": { "name": "Accidentes", "description": "Si chocas o atropellas: no te muevas del lugar, pon las luces de emergencia y llama primero a los números de emergencia y luego a Leasy." }
            },
            "block": {
                "contacts": [
                    contact(leasy, "El auto no enciende o está bloqueado", "016409000",
                        "Ten a mano tu DNI y la placa del auto."),
                    contact(gps, "Bloqueo por GPS fuera de horario", "016409030",
                        "Confirma tu ubicación y desbloquea el auto a distancia."),
                ],
                "info": { "name": "Bloqueo del auto", "description": "Si el auto no enciende o quedó bloqueado por el GPS, llama a la central de Leasy: revisamos tu contrato y lo desbloqueamos a distancia." }
            },
            "steal": {
                "contacts": [
                    contact(police, "Robo del auto", "105",
                        "Denuncia el robo con la placa del auto."),
                    contact(gps, "Para ubicar el auto", "016409030",
                        "Rastrea y bloquea el auto robado."),
                    contact(leasy, "Después de la denuncia", "016409000",
                        "Te guía con el seguro y la denuncia policial."),
                ],
                "info": { "name": "Robo del auto", "description": "Si te roban el auto, ponte a salvo, denuncia el robo a la Policía y avísanos de inmediato para ubicarlo por GPS." }
            }
        })
    );
}

async fn mechanical_uber_and_service_contacts(app: TestApp) {
    let mechanical = commons(&app, "mechanical-contacts").await;
    let uber = commons(&app, "uber-contacts").await;
    let service = commons(&app, "service_contacts").await;

    assert_eq!(
        mechanical,
        json!({
            "mechanical": { "contact_name": "Taller Leasy", "phone_number": "016409010" },
            "emergency": { "contact_name": "Asistencia Leasy 24 horas", "phone_number": "016409000" }
        })
    );
    assert_eq!(
        uber,
        json!({ "contact_name": "Soporte Uber Pro de Leasy", "phone_number": "016409020" })
    );
    assert_eq!(
        service,
        json!([
            { "label": "WhatsApp", "code_name": "whatsapp", "value": "+51987654321" },
            { "label": "Central telefónica", "code_name": "phone", "value": "016409000" },
            { "label": "Correo electrónico", "code_name": "email", "value": "ayuda@leasy.pe" },
            { "label": "Horario de atención", "code_name": "schedule",
              "value": "Lunes a sábado, de 8:00 a 20:00" },
        ])
    );
}

async fn faqs_in_order_with_paragraphs(app: TestApp) {
    let body = commons(&app, "faqs").await;

    let faq = |title: &str, content: Value| json!({ "title": title, "content": content, "created_at": "2026-01-01" });
    assert_eq!(
        body,
        json!([
            faq(
                "¿Cuándo el auto pasa a ser mío?",
                json!([
                    "Cuando pagas todas las cuotas semanales de tu contrato, el auto pasa a tu nombre.",
                    "Leasy hace el trámite de transferencia en SUNARP sin costo adicional para ti."
                ])
            ),
            faq(
                "¿Cómo pago mi cuota semanal?",
                json!([
                    "Recarga coins en la app y paga tus facturas pendientes desde la sección Pagos.",
                    "Si activas el cobro automático, cobramos la cuota a tu tarjeta guardada cada semana."
                ])
            ),
            faq(
                "¿Qué pasa si me atraso en un pago?",
                json!([
                    "La factura vencida suma una penalidad que se cobra con tu siguiente pago.",
                    "Si no puedes pagar a tiempo, escríbenos antes del vencimiento para fraccionar la deuda."
                ])
            ),
            faq(
                "¿Quién paga el mantenimiento del auto?",
                json!([
                    "Los mantenimientos preventivos se hacen en los talleres autorizados por Leasy según el kilometraje.",
                    "Tú cubres el combustible, los peajes y los daños por mal uso."
                ])
            ),
            faq(
                "¿El auto tiene SOAT y seguro?",
                json!([
                    "Sí. Encuentras el SOAT y la póliza del seguro vehicular en la sección Mi auto de la app."
                ])
            ),
        ])
    );
}

async fn tip_categories_and_their_tips(app: TestApp) {
    let categories = commons(&app, "tips/categories").await;
    let safe = commons(&app, "tips/category/conduccion_segura").await;
    let upkeep = commons(&app, "tips/category/mantenimiento").await;

    assert_eq!(
        categories,
        json!([
            category("conduccion_segura"),
            category("ahorro_combustible"),
            category("mantenimiento")
        ])
    );
    let tips = seeded_tips();
    assert_eq!(safe, json!([tips[2], tips[1], tips[0]]));
    assert_eq!(upkeep, json!([tips[8], tips[7], tips[6]]));
}

async fn unknown_tip_category_is_404(app: TestApp) {
    for path in [
        "/api/v1/commons/tips/category/astrologia/",
        "/api/v2/commons/tips/category/astrologia",
    ] {
        let (status, body) = status_json(app.get(path, None).await).await;
        assert_eq!(
            (status, body),
            (404, json!({ "error": "Categoría no encontrada" }))
        );
    }
}

async fn popular_tips_newest_first(app: TestApp) {
    let body = commons(&app, "tips/popular").await;

    let tips = seeded_tips();
    assert_eq!(body, json!([tips[6], tips[3], tips[0]]));
}

async fn todays_tips_follow_the_lima_day(app: TestApp) {
    let body = commons(&app, "tips/today").await;

    // Three tips in id order from (Lima day number × 3) mod the number of tips, wrapping.
    use chrono::Datelike;
    let day = i64::from(leasy::domain::time::lima_today().num_days_from_ce());
    let tips = seeded_tips();
    let start = (day * 3).rem_euclid(tips.len() as i64) as usize;
    let expected: Vec<Value> = (0..3)
        .map(|i| tips[(start + i) % tips.len()].clone())
        .collect();
    assert_eq!(body, json!(expected));
}

async fn commons_need_no_token_and_ignore_a_bad_one(app: TestApp) {
    let response = app.get("/api/v2/commons/faqs/", Some("not-a-token")).await;

    assert_eq!(response.status(), 200);
}

crate::db_tests!(
    uber_plans_come_from_the_plan_table,
    emergency_contacts_by_case,
    mechanical_uber_and_service_contacts,
    faqs_in_order_with_paragraphs,
    tip_categories_and_their_tips,
    unknown_tip_category_is_404,
    popular_tips_newest_first,
    todays_tips_follow_the_lima_day,
    commons_need_no_token_and_ignore_a_bad_one,
);
