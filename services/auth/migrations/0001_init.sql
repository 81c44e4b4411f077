-- Auth: accounts, roles, Telegram bindings and the JWT signing keys of embedded/self-managed mode.

create table users (
  id uuid primary key,
  email varchar(255) not null unique,
  -- null for invited accounts and for technical users, which never log in interactively
  password_hash varchar(255),
  full_name varchar(255),
  phone varchar(32),
  status varchar(16) not null default 'active' check (status in ('invited', 'active', 'disabled')),
  enabled boolean not null default true,
  technical boolean not null default false,
  last_login_at timestamptz,
  password_changed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_lower check (email = lower(email)),
  constraint users_enabled_means_active check (enabled = (status = 'active'))
);
create index users_created_idx on users (created_at, id);

create table roles (
  id uuid primary key,
  name varchar(64) not null unique check (name ~ '^ROLE_[A-Z0-9_]+$'),
  description varchar(255),
  created_at timestamptz not null default now()
);

create table user_roles (
  id bigserial primary key,
  user_id uuid not null references users (id) on update cascade on delete cascade,
  role_id uuid not null references roles (id) on update cascade on delete cascade,
  created_at timestamptz not null default now(),
  unique (user_id, role_id)
);
create index user_roles_role_idx on user_roles (role_id);

create table telegram_bindings (
  user_id uuid primary key references users (id) on update cascade on delete cascade,
  telegram_id bigint not null,
  chat_id bigint,
  username varchar(64),
  linked_at timestamptz not null default now(),
  revoked_at timestamptz
);
-- One live binding per Telegram account; revoked rows keep the history without blocking a re-link.
create unique index telegram_bindings_live_telegram_id on telegram_bindings (telegram_id) where revoked_at is null;

create table signing_keys (
  kid varchar(128) primary key,
  -- PKCS#8 PEM; only used when AUTH_JWT_PRIVATE_KEY is not configured
  private_key text not null,
  public_jwk jsonb not null,
  status varchar(16) not null check (status in ('current', 'previous', 'retired')),
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
create unique index signing_keys_one_current on signing_keys (status) where status = 'current';

insert into roles (id, name, description) values
  ('11111111-1111-1111-1111-111111111111', 'ROLE_USER', 'Every signed-in person'),
  ('22222222-2222-2222-2222-222222222222', 'ROLE_ADMIN', 'Main admin: users, reference data, all records'),
  ('33333333-3333-3333-3333-333333333333', 'ROLE_SALES_AGENT', 'Seller: owns clients and deals'),
  ('44444444-4444-4444-4444-444444444444', 'ROLE_EXECUTOR', 'Executor: quotes and policies of assigned deals'),
  ('55555555-5555-5555-5555-555555555555', 'ROLE_SERVICE', 'Machine clients (service tokens)')
on conflict do nothing;

insert into users (id, email, full_name, status, enabled, technical) values
  ('00000000-0000-4000-8000-000000000001', 'system@crm.local', 'System', 'active', true, true),
  ('00000000-0000-4000-8000-000000000002', 'telegram-bot@crm.local', 'Telegram bot', 'active', true, true)
on conflict do nothing;

insert into user_roles (user_id, role_id) values
  ('00000000-0000-4000-8000-000000000001', '11111111-1111-1111-1111-111111111111'),
  ('00000000-0000-4000-8000-000000000002', '11111111-1111-1111-1111-111111111111')
on conflict do nothing;
