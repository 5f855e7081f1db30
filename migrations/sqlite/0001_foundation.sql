-- Foundation schema: clients and their sessions, cars, contracts, cards, the coins ledger.
-- Instants are unix seconds (UTC); calendar days are 'YYYY-MM-DD' text in Lima time;
-- money is integer cents; flags are 0/1 integers (the same queries serve PostgreSQL).

create table uber_plans (
    uber_plan_id integer primary key,
    code_name text not null unique,
    name text not null,
    discount_percent integer not null check (discount_percent between 0 and 100),
    description text not null default '',
    created_at integer not null
);

create table clients (
    client_id integer primary key,
    document text not null unique,
    first_name text not null,
    last_name text not null,
    email text not null,
    address text not null default '',
    phone_number text not null default '',
    password_hash text not null,
    -- Lower-case, accent-free document, names and email, for the back office's search.
    search_text text not null default '',
    firebase_token text,
    coins_cents integer not null default 0 check (coins_cents >= 0),
    uber_plan_id integer references uber_plans (uber_plan_id),
    created_at integer not null
);
create unique index clients_email_idx on clients (email);

create table client_tokens (
    client_token_id integer primary key,
    client_id integer not null references clients (client_id),
    token_hash text not null unique,
    created_at integer not null,
    expires_at integer not null,
    revoked_at integer
);
create index client_tokens_client_idx on client_tokens (client_id);

create table phones (
    phone_id integer primary key,
    client_id integer not null references clients (client_id),
    phone_number text not null,
    created_at integer not null
);
create index phones_client_idx on phones (client_id);

create table cars (
    car_id integer primary key,
    hash text not null unique,
    brand text not null,
    model text not null,
    year text not null,
    license_plate text not null unique,
    created_at integer not null
);

create table car_documents (
    car_document_id integer primary key,
    car_id integer not null references cars (car_id),
    kind text not null check (kind in
        ('soat', 'insurance', 'ownership_card', 'technical_inspection', 'driver_license')),
    number text not null default '',
    owner text not null default '',
    due_date text,
    file_path text,
    created_at integer not null,
    unique (car_id, kind)
);

create table car_photos (
    car_photo_id integer primary key,
    car_id integer not null references cars (car_id),
    file_path text not null,
    position integer not null default 0,
    created_at integer not null
);
create index car_photos_car_idx on car_photos (car_id);

create table contracts (
    contract_id integer primary key,
    hash text not null unique,
    client_id integer not null references clients (client_id),
    car_id integer not null references cars (car_id),
    status text not null check (status in
        ('contract_pending', 'contract_active', 'contract_finished', 'contract_cancelled')),
    weekly_amount_cents integer not null check (weekly_amount_cents > 0),
    weeks integer not null check (weeks > 0),
    start_date text,
    auto_charge integer not null default 0 check (auto_charge in (0, 1)),
    created_at integer not null
);
create index contracts_client_idx on contracts (client_id);
-- A car has at most one open contract.
create unique index contracts_open_car_idx on contracts (car_id)
    where status in ('contract_pending', 'contract_active');

create table cards (
    card_id integer primary key,
    client_id integer not null references clients (client_id),
    card_number text not null,
    brand text not null,
    expiration_month text,
    expiration_year text,
    kushki_subscription_id text not null default '',
    is_kushki_card integer not null check (is_kushki_card in (0, 1)),
    created_at integer not null,
    deleted_at integer
);
create index cards_client_idx on cards (client_id);

-- The coins ledger: clients.coins_cents always equals the sum of a client's movements.
create table wallet_movements (
    wallet_movement_id integer primary key,
    client_id integer not null references clients (client_id),
    kind text not null check (kind in ('cash_in', 'cash_out')),
    amount_cents integer not null check (amount_cents > 0),
    method text not null,
    observation text not null default '',
    created_at integer not null
);
create index wallet_movements_client_idx on wallet_movements (client_id, created_at);

-- Rate-limit counters (failed logins, sign-ups), shared by every server process: one row
-- per throttled key and its current window.
create table throttles (
    scope_key text primary key,
    window_started_at integer not null,
    hits integer not null
);

insert into uber_plans (code_name, name, discount_percent, description, created_at) values
    ('azul', 'Azul', 0, 'Nivel inicial de Uber Pro.', 1767225600),
    ('oro', 'Oro', 5, 'Descuento de 5% en tus cuotas semanales.', 1767225600),
    ('platino', 'Platino', 7, 'Descuento de 7% en tus cuotas semanales.', 1767225600),
    ('diamante', 'Diamante', 10, 'Descuento de 10% en tus cuotas semanales.', 1767225600);
