-- Commons: the content the app shows without a token, all of it edited in the back office.
-- Paragraph lists (FAQ and tip content) are JSON arrays of strings in a text column.

create table emergency_cases (
    emergency_case_id integer primary key,
    code_name text not null unique check (code_name in ('accidents', 'block', 'steal')),
    name text not null,
    description text not null default '',
    created_at integer not null
);

create table emergency_contacts (
    emergency_contact_id integer primary key,
    emergency_case_id integer not null references emergency_cases (emergency_case_id),
    contact_name text not null,
    in_case text not null default '',
    phone_number text not null,
    description text not null default '',
    created_at integer not null
);
create index emergency_contacts_case_idx on emergency_contacts (emergency_case_id);

-- One contact per kind: the mechanic, the emergency line and the Uber desk.
create table contacts (
    contact_id integer primary key,
    kind text not null unique check (kind in ('mechanical', 'emergency', 'uber')),
    contact_name text not null,
    phone_number text not null,
    created_at integer not null
);

create table service_contacts (
    service_contact_id integer primary key,
    code_name text not null unique,
    label text not null,
    value text not null,
    created_at integer not null
);

create table faqs (
    faq_id integer primary key,
    title text not null,
    content text not null,
    created_at integer not null
);

create table tip_categories (
    tip_category_id integer primary key,
    code_name text not null unique,
    name text not null,
    description text not null default '',
    created_at integer not null
);

create table tips (
    tip_id integer primary key,
    tip_category_id integer not null references tip_categories (tip_category_id),
    title text not null,
    content text not null,
    is_popular integer not null default 0 check (is_popular in (0, 1)),
    created_at integer not null
);
create index tips_category_idx on tips (tip_category_id, created_at);
create index tips_popular_idx on tips (is_popular, created_at);

insert into emergency_cases (code_name, name, description, created_at) values
    ('accidents', 'Accidentes',
     'Si chocas o atropellas: no te muevas del lugar, pon las luces de emergencia y llama primero a los números de emergencia y luego a Leasy.',
     1767286800),
    ('block', 'Bloqueo del auto',
     'Si el auto no enciende o quedó bloqueado por el GPS, llama a la central de Leasy: revisamos tu contrato y lo desbloqueamos a distancia.',
     1767286800),
    ('steal', 'Robo del auto',
     'Si te roban el auto, ponte a salvo, denuncia el robo a la Policía y avísanos de inmediato para ubicarlo por GPS.',
     1767286800);

with seed (n, code_name, contact_name, in_case, phone_number, description) as (values
    (1, 'accidents', 'Central de emergencias de la Policía Nacional', 'Accidente con heridos o daños a terceros', '105', 'Atiende las 24 horas en todo el Perú.'),
    (2, 'accidents', 'Bomberos Voluntarios del Perú', 'Incendio o personas atrapadas en el auto', '116', 'Rescate y primeros auxilios.'),
    (3, 'accidents', 'SAMU', 'Heridos que necesitan ambulancia', '106', 'Servicio de Atención Médica de Urgencias del Minsa.'),
    (4, 'accidents', 'Asistencia Leasy 24 horas', 'Después de llamar a emergencias', '016409000', 'Coordina la grúa, el seguro y el taller.'),
    (5, 'block', 'Asistencia Leasy 24 horas', 'El auto no enciende o está bloqueado', '016409000', 'Ten a mano tu DNI y la placa del auto.'),
    (6, 'block', 'Central de monitoreo GPS', 'Bloqueo por GPS fuera de horario', '016409030', 'Confirma tu ubicación y desbloquea el auto a distancia.'),
    (7, 'steal', 'Central de emergencias de la Policía Nacional', 'Robo del auto', '105', 'Denuncia el robo con la placa del auto.'),
    (8, 'steal', 'Central de monitoreo GPS', 'Para ubicar el auto', '016409030', 'Rastrea y bloquea el auto robado.'),
    (9, 'steal', 'Asistencia Leasy 24 horas', 'Después de la denuncia', '016409000', 'Te guía con el seguro y la denuncia policial.')
)
insert into emergency_contacts
    (emergency_case_id, contact_name, in_case, phone_number, description, created_at)
select emergency_case_id, contact_name, in_case, phone_number, seed.description, 1767286800
from seed join emergency_cases using (code_name)
order by n;

insert into contacts (kind, contact_name, phone_number, created_at) values
    ('mechanical', 'Taller Leasy', '016409010', 1767286800),
    ('emergency', 'Asistencia Leasy 24 horas', '016409000', 1767286800),
    ('uber', 'Soporte Uber Pro de Leasy', '016409020', 1767286800);

insert into service_contacts (code_name, label, value, created_at) values
    ('whatsapp', 'WhatsApp', '+51987654321', 1767286800),
    ('phone', 'Central telefónica', '016409000', 1767286800),
    ('email', 'Correo electrónico', 'ayuda@leasy.pe', 1767286800),
    ('schedule', 'Horario de atención', 'Lunes a sábado, de 8:00 a 20:00', 1767286800);

insert into faqs (title, content, created_at) values
    ('¿Cuándo el auto pasa a ser mío?',
     '["Cuando pagas todas las cuotas semanales de tu contrato, el auto pasa a tu nombre.", "Leasy hace el trámite de transferencia en SUNARP sin costo adicional para ti."]',
     1767286800),
    ('¿Cómo pago mi cuota semanal?',
     '["Recarga coins en la app y paga tus facturas pendientes desde la sección Pagos.", "Si activas el cobro automático, cobramos la cuota a tu tarjeta guardada cada semana."]',
     1767286800),
    ('¿Qué pasa si me atraso en un pago?',
     '["La factura vencida suma una penalidad que se cobra con tu siguiente pago.", "Si no puedes pagar a tiempo, escríbenos antes del vencimiento para fraccionar la deuda."]',
     1767286800),
    ('¿Quién paga el mantenimiento del auto?',
     '["Los mantenimientos preventivos se hacen en los talleres autorizados por Leasy según el kilometraje.", "Tú cubres el combustible, los peajes y los daños por mal uso."]',
     1767286800),
    ('¿El auto tiene SOAT y seguro?',
     '["Sí. Encuentras el SOAT y la póliza del seguro vehicular en la sección Mi auto de la app."]',
     1767286800);

insert into tip_categories (code_name, name, description, created_at) values
    ('conduccion_segura', 'Conducción segura', 'Maneja tranquilo y protege a tus pasajeros.', 1767286800),
    ('ahorro_combustible', 'Ahorro de combustible', 'Gasta menos en cada viaje.', 1767286800),
    ('mantenimiento', 'Mantenimiento', 'Cuida tu auto para que dure más.', 1767286800);

with seed (code_name, title, content, is_popular, created_at) as (values
    ('conduccion_segura', 'Respeta la distancia de seguridad', '["Deja al menos tres segundos entre tu auto y el de adelante.", "Con lluvia o neblina, duplica esa distancia."]', 1, 1767286800),
    ('conduccion_segura', 'Nada de celular al volante', '["Usa un soporte para el celular y acepta los viajes solo con el auto detenido."]', 0, 1767373200),
    ('conduccion_segura', 'Descansa cada cuatro horas', '["El cansancio reduce tus reflejos tanto como el alcohol.", "Para diez minutos, estira las piernas y toma agua."]', 0, 1767459600),
    ('ahorro_combustible', 'Acelera con suavidad', '["Los arranques bruscos gastan hasta un 20% más de combustible.", "Anticipa los semáforos y deja que el auto avance con el cambio puesto."]', 1, 1767546000),
    ('ahorro_combustible', 'Revisa la presión de las llantas', '["Unas llantas bajas aumentan el consumo y se desgastan antes.", "Mídelas en frío cada quince días."]', 0, 1767632400),
    ('ahorro_combustible', 'No cargues peso de más', '["Saca de la maletera lo que no necesitas: cada kilo extra se paga en combustible."]', 0, 1767718800),
    ('mantenimiento', 'Cambia el aceite a tiempo', '["Sigue el kilometraje del manual o el que te indica el taller de Leasy.", "Un motor bien lubricado dura más y consume menos."]', 1, 1767805200),
    ('mantenimiento', 'Revisa los frenos', '["Si escuchas un chillido al frenar, agenda una revisión en el taller."]', 0, 1767891600),
    ('mantenimiento', 'Controla el nivel del refrigerante', '["Revísalo con el motor frío una vez por semana.", "Si baja seguido, puede haber una fuga: llévalo al taller."]', 0, 1767978000)
)
insert into tips (tip_category_id, title, content, is_popular, created_at)
select tip_category_id, title, content, is_popular, seed.created_at
from seed join tip_categories using (code_name)
order by seed.created_at;
