-- Back office: staff accounts and their sessions, the audit trail, and sales leads.

create table staff (
    staff_id integer primary key,
    email text not null unique,
    name text not null,
    role text not null check (role in ('admin', 'ops', 'viewer')),
    password_hash text not null,
    active integer not null default 1 check (active in (0, 1)),
    created_at integer not null,
    deactivated_at integer
);

create table staff_tokens (
    staff_token_id integer primary key,
    staff_id integer not null references staff (staff_id),
    token_hash text not null unique,
    created_at integer not null,
    expires_at integer not null,
    revoked_at integer
);
create index staff_tokens_staff_idx on staff_tokens (staff_id);

-- Append-only: nothing in the application updates or deletes an entry. A null staff_id is
-- a change made from the command line.
create table audit_entries (
    audit_entry_id integer primary key,
    staff_id integer references staff (staff_id),
    action text not null,
    target_type text not null,
    target_id text not null,
    before_json text,
    after_json text,
    created_at integer not null
);
create index audit_entries_created_idx on audit_entries (created_at);
create index audit_entries_staff_idx on audit_entries (staff_id, created_at);
create index audit_entries_target_idx on audit_entries (target_type, target_id, created_at);

create table leads (
    lead_id integer primary key,
    first_name text not null,
    last_name text not null,
    document text not null,
    phone_number text not null,
    email text not null,
    time_working text not null,
    utm_source text not null default '',
    utm_medium text not null default '',
    car_of_interest text not null check (car_of_interest in ('Nuevo', 'Semi nuevo')),
    status text not null default 'new' check (status in ('new', 'contacted', 'converted')),
    -- Lower-case, accent-free document, names and email, for the back office's search.
    search_text text not null default '',
    client_id integer references clients (client_id),
    created_at integer not null,
    contacted_at integer,
    converted_at integer
);
create index leads_status_idx on leads (status, created_at);
create index leads_document_idx on leads (document);
