-- The driver's finances notebook: expense categories (edited in the back office) and each
-- client's income and expense entries. Money is integer cents; instants are unix seconds.

create table expense_categories (
    expense_category_id integer primary key,
    code_name text not null unique,
    name text not null,
    -- A short icon name the app maps to its own artwork.
    icon text not null default '',
    created_at integer not null
);

insert into expense_categories (code_name, name, icon, created_at) values
    ('fuel', 'Combustible', 'fuel', 1767225600),
    ('maintenance', 'Mantenimiento', 'wrench', 1767225600),
    ('tolls', 'Peajes', 'toll', 1767225600),
    ('food', 'Alimentación', 'food', 1767225600),
    ('car_wash', 'Lavado', 'car_wash', 1767225600),
    ('parking', 'Estacionamiento', 'parking', 1767225600),
    ('phone', 'Celular e internet', 'phone', 1767225600),
    ('leasy_fee', 'Cuota Leasy', 'leasy', 1767225600),
    ('other', 'Otros', 'other', 1767225600);

create table incomes (
    income_id integer primary key,
    client_id integer not null references clients (client_id),
    amount_cents integer not null check (amount_cents > 0),
    created_at integer not null
);
create index incomes_client_created_idx on incomes (client_id, created_at);

create table expenses (
    expense_id integer primary key,
    client_id integer not null references clients (client_id),
    expense_category_id integer not null references expense_categories (expense_category_id),
    amount_cents integer not null check (amount_cents > 0),
    created_at integer not null
);
create index expenses_client_created_idx on expenses (client_id, created_at);
create index expenses_category_idx on expenses (expense_category_id);
