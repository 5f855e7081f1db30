-- The invoice engine: invoice types, each contract's invoices with their discounts and
-- fractions, and the log of the daily billing runs.
-- Days are 'YYYY-MM-DD' text in Lima time; money is integer cents.

create table invoice_types (
    invoice_type_id integer primary key,
    code_name text not null unique,
    name text not null,
    created_at integer not null
);

insert into invoice_types (code_name, name, created_at) values
    ('weekly_fee', 'Cuota semanal', 1767225600),
    ('penalty', 'Penalidad', 1767225600),
    ('initial_fee', 'Cuota inicial', 1767225600),
    ('repair', 'Reparación', 1767225600),
    ('insurance', 'Seguro', 1767225600);

create table invoices (
    invoice_id integer primary key,
    hash text not null unique,
    contract_id integer not null references contracts (contract_id),
    type_code text not null references invoice_types (code_name),
    -- The week of the schedule (1 to the contract's weeks) for a weekly fee; null otherwise.
    week integer,
    -- Order of the contract's invoices among those due the same day, from 1.
    priority integer not null,
    status text not null check (status in
        ('pending', 'fraction', 'freezed', 'paid', 'cancelled')),
    due_date text not null,
    paid_date text,
    total_cents integer not null check (total_cents >= 0),
    -- total_cents minus the invoice's discounts, never below zero; kept in step with
    -- invoice_discounts in the transaction that changes them.
    total_with_discount_cents integer not null
        check (total_with_discount_cents >= 0 and total_with_discount_cents <= total_cents),
    observations text not null default '',
    -- For a penalty: the weekly fee it penalizes. Unique: one penalty per invoice.
    penalized_invoice_id integer references invoices (invoice_id),
    created_at integer not null,
    unique (contract_id, priority)
);
create unique index invoices_week_idx on invoices (contract_id, week);
create unique index invoices_penalized_idx on invoices (penalized_invoice_id);
create index invoices_contract_status_idx on invoices (contract_id, status, due_date, priority);
create index invoices_status_due_idx on invoices (status, due_date);
-- The back office's list, by due date then priority, cut into pages without sorting it all.
create index invoices_due_idx on invoices (due_date, priority, invoice_id);
-- The billing run's search for late weekly fees touches only unpaid ones.
create index invoices_unpaid_weekly_idx on invoices (due_date)
    where type_code = 'weekly_fee' and status in ('pending', 'fraction');

create table invoice_discounts (
    invoice_discount_id integer primary key,
    invoice_id integer not null references invoices (invoice_id),
    kind text not null check (kind in ('uber_plan', 'manual')),
    amount_cents integer not null check (amount_cents > 0),
    observations text not null default '',
    staff_id integer references staff (staff_id),
    created_at integer not null
);
create index invoice_discounts_invoice_idx on invoice_discounts (invoice_id);
-- At most one Uber plan discount per invoice: a new tier replaces it.
create unique index invoice_discounts_uber_idx on invoice_discounts (invoice_id)
    where kind = 'uber_plan';

create table invoice_fractions (
    invoice_fraction_id integer primary key,
    hash text not null unique,
    invoice_id integer not null references invoices (invoice_id),
    position integer not null,
    amount_cents integer not null check (amount_cents > 0),
    due_date text not null,
    paid_date text,
    created_at integer not null,
    unique (invoice_id, position)
);

create table billing_runs (
    billing_run_id integer primary key,
    run_date text not null,
    trigger text not null check (trigger in ('command', 'schedule')),
    started_at integer not null,
    finished_at integer,
    schedules_created integer not null default 0,
    penalties_added integer not null default 0,
    contracts_finished integer not null default 0
);
create index billing_runs_date_idx on billing_runs (run_date);
